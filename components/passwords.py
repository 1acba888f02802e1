"""Credentials the stack makes itself: kept only as Pulumi secrets and in the cloud's secret store."""

from __future__ import annotations

import pulumi
import pulumi_random as random


def generated_password(name: str, parent: pulumi.Resource, length: int = 40) -> random.RandomPassword:
    """A password made by the stack; letters and digits only, so it never breaks a connection URL."""
    return random.RandomPassword(name, length=length, special=False, opts=pulumi.ResourceOptions(parent=parent))
