"""A workload's needs (decided once in `stacks.wiring`) as Cloud Run references, with the grants they take."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from components.gcp.cache import CA_DIRECTORY, CA_FILE
from components.gcp.identity import WorkloadIdentity
from components.gcp.secrets import SecretRef
from components.gcp.workload import SecretFile, Wiring
from stacks.wiring import CloudValue, Needs, SecretValue

PLATFORM_SET = "PORT"


@dataclass
class Stores:
    """What the app's workloads can be wired to; absent stores are None or empty."""

    secrets: dict[str, SecretRef]
    buckets: dict[str, gcp.storage.Bucket]
    # What a workload needs to reach Cloud SQL and Memorystore (the peering) and the internet (Cloud NAT).
    egress: list[pulumi.Resource] = field(default_factory=list)
    database_secrets: dict[str, SecretRef] = field(default_factory=dict)  # url, password
    database_host: pulumi.Input[str] | None = None
    # The read replicas' private addresses, comma-separated.
    database_replica_hosts: pulumi.Input[str] | None = None
    # The user and the logical database the URL names: they exist only once these are created.
    database_needs: list[pulumi.Resource] = field(default_factory=list)
    cache_secrets: dict[str, SecretRef] = field(default_factory=dict)  # url, ca
    cache_needs: list[pulumi.Resource] = field(default_factory=list)
    # A called service's address, by its model name.
    service_urls: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    topics: dict[str, gcp.pubsub.Topic] = field(default_factory=dict)
    # Where `grants.readParameters` names its secrets.
    project: str = ""


def _ref(value: SecretValue, stores: Stores) -> SecretRef:
    found = {"app": stores.secrets, "database": stores.database_secrets, "cache": stores.cache_secrets}[value.source].get(value.key)
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
        return stores.topics[value.name].id
    return stores.buckets[value.name].name


def run_wiring(needs: Needs, stores: Stores, identity: WorkloadIdentity) -> Wiring:
    """Plain values inline, secrets as pinned versions; `identity` is granted each secret and bucket it reads."""
    wired = Wiring(needs=list(stores.egress))
    # Cloud Run sets PORT to a service's container port itself and refuses it as a variable of the revision.
    # Source: Cloud Run docs, "Container runtime contract" (environment variables set by the platform).
    wired.env = {name: _plain(value, stores) for name, value in needs.env.items() if name != PLATFORM_SET}
    wired.secrets = {name: _ref(value, stores) for name, value in needs.secrets.items()}
    for name, ref in wired.secrets.items():
        identity.read_secret(name.lower().replace("_", "-"), ref.secret)
    for bucket in needs.buckets:
        identity.use_bucket(bucket, stores.buckets[bucket])
    for topic in needs.topics:
        identity.publish_to(topic, stores.topics[topic])
    for parameter in needs.parameters:
        identity.read_parameter(parameter, stores.project)
    if needs.database:
        wired.needs += stores.database_needs
    if needs.cache:
        wired.needs += stores.cache_needs
        # The URL names the CA file (ssl_ca_certs): mount it where it says.
        wired.files.append(SecretFile("redis-ca", CA_DIRECTORY, CA_FILE, stores.cache_secrets["ca"]))
    return wired
