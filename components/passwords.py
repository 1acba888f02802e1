"""Secret values: credentials the stack makes itself, and the values of the app's declared secrets.

They are kept only as Pulumi secrets and in the cloud's secret store."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_random as random

from stacks.model import Secret


def generated_password(name: str, parent: pulumi.Resource, length: int = 40) -> random.RandomPassword:
    """A password made by the stack; letters and digits only, so it never breaks a connection URL.

    Never protected, even under a protected parent (protect is inherited): changing its `length` replaces it,
    which is how a user asks for a new value, and the engine refuses to replace a protected resource.
    """
    return random.RandomPassword(name, length=length, special=False, opts=pulumi.ResourceOptions(parent=parent, protect=False))


def secret_slug(app: str, secret_name: str) -> str:
    """The logical name of an app secret's resources: `SECRET_KEY` of `pmis` -> `pmis-secret-key`."""
    return f"{app}-{secret_name.lower().replace('_', '-')}"


def app_secret_value(
    slug: str, secret_name: str, spec: Secret, values: Mapping[str, pulumi.Output[str]], parent: pulumi.Resource
) -> pulumi.Output[str]:
    """Generated, or supplied in `secretValues` (the config loader refuses a declared secret without a value)."""
    if spec.generate:
        return generated_password(slug, parent, spec.length).result
    return values[secret_name]
