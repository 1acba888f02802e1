"""Secrets Manager: one secret per application secret, plus the generated credentials of data stores."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.passwords import app_secret_value
from components.stateful import keep
from stacks.model import App


class AppSecrets(pulumi.ComponentResource):
    """Containers reference these by ARN; their values never appear in a task definition."""

    arns: dict[str, pulumi.Output[str]]

    def __init__(
        self,
        name: str,
        app: App,
        values: Mapping[str, pulumi.Output[str]],
        key_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("shipyard:aws:AppSecrets", name, None, opts)
        self.arns = {}
        for secret_name, spec in app.secrets.items():
            slug = f"{name}-{secret_name.lower().replace('_', '-')}"
            secret = aws.secretsmanager.Secret(
                slug,
                name_prefix=f"{app.name}/{secret_name}-",
                kms_key_id=key_arn,
                recovery_window_in_days=30 if app.production else 7,
                description=f"{app.name} application secret {secret_name}",
                opts=keep(self, app.protect),
            )
            self.arns[secret_name] = secret.arn
            value = app_secret_value(slug, secret_name, spec, values, secret)
            if value is not None:
                aws.secretsmanager.SecretVersion(
                    slug,
                    secret_id=secret.id,
                    secret_string=value,
                    opts=pulumi.ResourceOptions(parent=secret),
                )
        self.register_outputs({})


def credentials_secret(
    name: str,
    description: str,
    value: pulumi.Input[str],
    key_arn: pulumi.Input[str],
    protect: bool,
    parent: pulumi.Resource,
) -> aws.secretsmanager.Secret:
    """A secret holding a JSON document of connection settings, read by containers key by key."""
    secret = aws.secretsmanager.Secret(
        name, kms_key_id=key_arn, description=description, recovery_window_in_days=7, opts=keep(parent, protect)
    )
    aws.secretsmanager.SecretVersion(name, secret_id=secret.id, secret_string=value, opts=pulumi.ResourceOptions(parent=secret))
    return secret
