"""Secret values: credentials the stack makes itself, and the values of the app's declared secrets.

They are kept only as Pulumi secrets and in the cloud's secret store."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_random as random

from stacks.model import Secret


def generated_password(name: str, parent: pulumi.Resource, length: int = 40) -> random.RandomPassword:
    """A password made by the stack; letters and digits only, so it never breaks a connection URL."""
    return random.RandomPassword(name, length=length, special=False, opts=pulumi.ResourceOptions(parent=parent))


def app_secret_value(
    slug: str, secret_name: str, spec: Secret, values: Mapping[str, pulumi.Output[str]], parent: pulumi.Resource
) -> pulumi.Output[str] | None:
    """Generated, or supplied in `secretValues`; None (with a warning) when the value is still to be set."""
    if spec.generate:
        return generated_password(slug, parent, spec.length).result
    if secret_name in values:
        return values[secret_name]
    pulumi.log.warn(
        f"secret {secret_name} has no value: set it with `pulumi config set --secret --path 'secretValues.{secret_name}' VALUE` "
        "before the services that use it start.",
        resource=parent,
    )
    return None
