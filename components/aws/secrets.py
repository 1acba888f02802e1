"""Secrets Manager: one secret per application secret, plus the generated credentials of data stores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.naming import scoped
from components.passwords import app_secret_value, secret_slug
from components.stateful import keep
from stacks.model import Secret


@dataclass
class StoredSecret:
    """A secret and the version that holds its value.

    `arn` is read from the version, so whatever references it waits for the value to exist: a task started
    before that fails with "secret has no value". The version is never protected: a new value replaces it
    (its `secretString` forces replacement), and the engine refuses to replace a protected resource.
    """

    secret: aws.secretsmanager.Secret
    version: aws.secretsmanager.SecretVersion

    @property
    def arn(self) -> pulumi.Output[str]:
        return self.version.secret_arn

    def reference(self, json_key: str = "") -> pulumi.Output[str]:
        """What a container's `valueFrom` names: `<arn>:<json key>:<stage>:<version id>`, pinned to this version.

        Pinned, so that a new value changes the task definition and the services roll onto it; `secret_arn` alone
        stays the same across versions, and running tasks would keep the old value while new ones read the new.
        Source: ECS developer guide, "Pass Secrets Manager secrets through Amazon ECS environment variables"
        (valueFrom syntax `arn:...:secret:name:json-key:version-stage:version-id`).
        """
        return pulumi.Output.concat(self.version.secret_arn, ":", json_key, "::", self.version.version_id)


def store(
    name: str,
    value: pulumi.Input[str],
    protect: bool,
    parent: pulumi.Resource,
    **secret_args: object,
) -> StoredSecret:
    secret = aws.secretsmanager.Secret(name, opts=keep(parent, protect), **secret_args)
    version = aws.secretsmanager.SecretVersion(
        name, secret_id=secret.id, secret_string=value, opts=pulumi.ResourceOptions(parent=secret, protect=False)
    )
    return StoredSecret(secret, version)


class AppSecrets(pulumi.ComponentResource):
    """Containers reference these by ARN; their values never appear in a task definition."""

    stored: dict[str, StoredSecret]

    def __init__(
        self,
        name: str,
        app_name: str,
        secrets: Mapping[str, Secret],
        values: Mapping[str, pulumi.Output[str]],
        protect: bool,
        production: bool,
        key_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """One secret per entry of `secrets`: generated, or its value from `values`; `production` keeps deleted ones 30 days, not 7."""
        super().__init__("shipyard:aws:AppSecrets", name, None, opts)
        self.stored = {}
        for secret_name, spec in secrets.items():
            slug = secret_slug(name, secret_name)
            self.stored[secret_name] = store(
                slug,
                app_secret_value(slug, secret_name, spec, values, self),
                protect,
                self,
                name_prefix=f"{scoped(app_name, secret_name, separator='/')}-",
                kms_key_id=key_arn,
                recovery_window_in_days=30 if production else 7,
                description=f"{app_name} application secret {secret_name}",
            )
        self.register_outputs({})


def credentials_secret(
    name: str,
    description: str,
    value: pulumi.Input[str],
    key_arn: pulumi.Input[str],
    protect: bool,
    parent: pulumi.Resource,
) -> StoredSecret:
    """A secret holding a JSON document of connection settings, read by containers key by key."""
    return store(name, value, protect, parent, kms_key_id=key_arn, description=description, recovery_window_in_days=7)
