"""A workload's needs (decided once in `stacks.wiring`) as ECS references: secret ARNs, endpoints, bucket names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.secrets import StoredSecret
from components.aws.task import Wiring
from stacks.wiring import CloudValue, Needs, SecretValue


@dataclass
class Stores:
    """What the app's workloads can be wired to; absent stores are None or empty."""

    secrets: dict[str, StoredSecret]
    buckets: dict[str, aws.s3.Bucket]
    kms_key_arn: pulumi.Input[str]
    # What a task needs to reach the internet from a private subnet.
    egress: list[pulumi.Resource] = field(default_factory=list)
    database_credentials: StoredSecret | None = None
    database_host: pulumi.Input[str] | None = None
    # The read replicas' hosts, comma-separated.
    database_replica_hosts: pulumi.Input[str] | None = None
    cache_connection: StoredSecret | None = None
    # A called service's address, by its model name.
    service_urls: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    topics: dict[str, aws.sns.Topic] = field(default_factory=dict)
    # `arn:<partition>:<service>:<region>:<account>:`, the start of the SES identities' and SSM parameters' ARNs.
    arn_prefix: Callable[[str], pulumi.Input[str]] | None = None


def _stored(value: SecretValue, stores: Stores) -> StoredSecret:
    found = {"app": stores.secrets.get(value.key), "database": stores.database_credentials, "cache": stores.cache_connection}[value.source]
    assert found is not None, f"the model wired {value} without the store behind it"
    return found


def _plain(value: str | CloudValue, stores: Stores) -> pulumi.Input[str]:
    if isinstance(value, str):
        return value
    if value.store == "database":
        host = stores.database_replica_hosts if value.name == "replicas" else stores.database_host
        assert host is not None, f"the model wired {value} without the database behind it"
        return host
    if value.store == "service":
        return stores.service_urls[value.name]
    if value.store == "topic":
        return stores.topics[value.name].arn
    return stores.buckets[value.name].bucket


def ecs_wiring(needs: Needs, stores: Stores, pull_arns: list[pulumi.Input[str]]) -> Wiring:
    """Plain values inline; secrets as `valueFrom` references pinned to their version (JSON documents by key)."""
    wired = Wiring(kms_key_arn=stores.kms_key_arn, needs=list(stores.egress), repository_arns=list(pull_arns))
    wired.env = {name: _plain(value, stores) for name, value in needs.env.items()}
    read: list[StoredSecret] = []
    for name, value in needs.secrets.items():
        stored = _stored(value, stores)
        # An application secret is the whole value; the stores' secrets are JSON documents read key by key.
        wired.secrets[name] = stored.reference("" if value.source == "app" else value.key)
        if not any(stored is other for other in read):
            read.append(stored)
    wired.secret_arns = [stored.arn for stored in read]
    wired.bucket_arns = [stores.buckets[bucket].arn for bucket in needs.buckets]
    wired.topic_arns = [stores.topics[topic].arn for topic in needs.topics]
    if needs.email_identities or needs.parameters:
        assert stores.arn_prefix is not None, "the model granted e-mail or parameters without the account's ARN prefix"
        prefix = stores.arn_prefix
        wired.email_identity_arns = [pulumi.Output.concat(prefix("ses"), "identity/", identity) for identity in needs.email_identities]
        # A hierarchical name (`/app/db/url`) already starts with the `/` the ARN puts after `parameter`.
        wired.parameter_arns = [
            pulumi.Output.concat(prefix("ssm"), "parameter", "" if name.startswith("/") else "/", name) for name in needs.parameters
        ]
    return wired
