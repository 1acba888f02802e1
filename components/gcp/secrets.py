"""Secret Manager: application secrets and generated credentials, each readable only by its workloads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.naming import scoped, short_id, stack_slug
from components.passwords import app_secret_value, secret_slug
from components.stateful import keep
from stacks.model import Secret

# Secret IDs: at most 255 of letters, digits, '-' and '_'. Source: Secret Manager API, `secrets.create` (secretId).
SECRET_ID_MAX = 255


@dataclass
class SecretRef:
    """What a container needs to read a secret: the secret's id and the version that holds the value.

    `version` is the version resource's output, so a workload reading it waits for the value to exist.
    """

    secret: gcp.secretmanager.Secret
    version: pulumi.Output[str]


def store_secret(name: str, value: pulumi.Input[str], protect: bool, parent: pulumi.Resource, secret_id: str | None = None) -> SecretRef:
    """A Secret Manager secret and a version holding `value`.

    The id carries the stack, so two stacks of one app can share a project; by default `<name>-<stack>`.
    The version is never protected: a new value replaces it (`secretData` forces replacement), and the
    engine refuses to replace a protected resource.

    A replaced version is abandoned, not deleted: it stays enabled in Secret Manager. Containers read a pinned version,
    and the revision before a rotation still pins the old one: a rollback (`stacks.release rollback`) or a canary's
    previous revision scaling out reads it at start, and Cloud Run does not start an instance whose secret it cannot
    read (Cloud Run docs, "Configure secrets for services"). Destroying the secret deletes all its versions.
    """
    secret = gcp.secretmanager.Secret(
        name,
        secret_id=secret_id or short_id(f"{name}-{stack_slug()}", SECRET_ID_MAX),
        replication={"auto": {}},
        labels={"managed-by": "pulumi"},
        opts=keep(parent, protect),
    )
    version = gcp.secretmanager.SecretVersion(
        name,
        secret=secret.id,
        secret_data=value,
        deletion_policy="ABANDON",
        opts=pulumi.ResourceOptions(parent=secret, protect=False),
    )
    return SecretRef(secret, version.version)


class AppSecrets(pulumi.ComponentResource):
    refs: dict[str, SecretRef]

    def __init__(
        self,
        name: str,
        app_name: str,
        secrets: Mapping[str, Secret],
        values: Mapping[str, pulumi.Output[str]],
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Each declared secret, generated or taken from `values`, stored under an id scoped to `app_name`."""
        super().__init__("shipyard:gcp:AppSecrets", name, None, opts)
        self.refs = {}
        for secret_name, spec in secrets.items():
            slug = secret_slug(name, secret_name)
            value = app_secret_value(slug, secret_name, spec, values, self)
            # The user's own spelling (`REDIS_CA`) keeps it apart from the stack's secrets (`<app>-redis-ca-<stack>`).
            secret_id = short_id(scoped(app_name, secret_name), SECRET_ID_MAX)
            self.refs[secret_name] = store_secret(slug, value, protect, self, secret_id=secret_id)
        self.register_outputs({})
