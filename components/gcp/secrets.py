"""Secret Manager: application secrets and generated credentials, each readable only by its workloads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.gcp.naming import short_id
from components.passwords import app_secret_value
from components.stateful import keep
from stacks.model import App


@dataclass
class SecretRef:
    """What a container needs to read a secret: the secret's id and a pinned version."""

    secret: gcp.secretmanager.Secret
    version: pulumi.Input[str]


def store_secret(name: str, value: pulumi.Input[str] | None, protect: bool, parent: pulumi.Resource) -> SecretRef:
    """A Secret Manager secret whose id is its resource name, with a version when the value is known."""
    secret = gcp.secretmanager.Secret(
        name,
        secret_id=short_id(name, 255),
        replication={"auto": {}},
        labels={"managed-by": "pulumi"},
        opts=keep(parent, protect),
    )
    if value is None:
        return SecretRef(secret, "latest")
    version = gcp.secretmanager.SecretVersion(name, secret=secret.id, secret_data=value, opts=pulumi.ResourceOptions(parent=secret))
    return SecretRef(secret, version.version)


class AppSecrets(pulumi.ComponentResource):
    refs: dict[str, SecretRef]

    def __init__(self, name: str, app: App, values: Mapping[str, pulumi.Output[str]], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("shipyard:gcp:AppSecrets", name, None, opts)
        self.refs = {}
        for secret_name, spec in app.secrets.items():
            slug = f"{name}-{secret_name.lower().replace('_', '-')}"
            value = app_secret_value(slug, secret_name, spec, values, self)
            self.refs[secret_name] = store_secret(slug, value, app.protect, self)
        self.register_outputs({})
