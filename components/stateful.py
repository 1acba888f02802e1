"""Options for resources that hold data: they survive a mistaken rename or destroy."""

from __future__ import annotations

import re

import pulumi


def final_snapshot_name(app_name: str, what: str) -> str:
    """Unique per stack, so two stacks of one app in one account never fight over the name."""
    stack = re.sub(r"[^a-z0-9]+", "-", pulumi.get_stack().lower()).strip("-")
    return f"{app_name}-{stack}-{what}-final"


def keep(parent: pulumi.Resource, protect: bool, **extra: object) -> pulumi.ResourceOptions:
    """`protect` makes `pulumi destroy` and accidental replacement fail until it is lifted on purpose."""
    return pulumi.ResourceOptions(parent=parent, protect=protect, **extra)  # type: ignore[arg-type]
