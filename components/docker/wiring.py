"""A workload's needs (decided once in `stacks.wiring`) as a container's environment, networks and files."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_docker as docker

from stacks.wiring import CloudValue, Needs, SecretValue

# Where a workload finds the CA that signs the data stores' certificate; the Redis URL names it (ssl_ca_certs).
CA_FILE = "/etc/shipyard/data-ca.pem"
DATABASE_HOST = "postgres"


@dataclass
class Stores:
    """What the app's workloads can be wired to; absent stores are empty."""

    secrets: dict[str, pulumi.Output[str]]  # the app's secret values, by model name
    egress: docker.Network  # the internet, and nothing else
    database_secrets: dict[str, pulumi.Output[str]] = field(default_factory=dict)  # url, password
    database_network: docker.Network | None = None
    cache_secrets: dict[str, pulumi.Output[str]] = field(default_factory=dict)  # url, ca
    cache_network: docker.Network | None = None
    ca_pem: pulumi.Output[str] | None = None
    # The containers a workload must not start before: the data stores, healthy.
    database_needs: list[pulumi.Resource] = field(default_factory=list)
    cache_needs: list[pulumi.Resource] = field(default_factory=list)
    # A called service: its address, and the network only it and its declared callers are on.
    service_urls: dict[str, str] = field(default_factory=dict)
    call_networks: dict[str, docker.Network] = field(default_factory=dict)


@dataclass
class Wiring:
    env: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    secret_env: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    networks: list[docker.Network] = field(default_factory=list)
    uploads: list[docker.ContainerUploadArgs] = field(default_factory=list)
    needs: list[pulumi.Resource] = field(default_factory=list)

    def envs(self) -> pulumi.Output[list[str]]:
        """`NAME=value` lines, sorted; secret as a whole when any value is (the state then keeps them encrypted)."""
        pairs = {**self.env, **self.secret_env}
        return pulumi.Output.all(*[pulumi.Output.concat(k, "=", v) for k, v in sorted(pairs.items())])


def _secret(value: SecretValue, stores: Stores) -> pulumi.Output[str]:
    found = {"app": stores.secrets, "database": stores.database_secrets, "cache": stores.cache_secrets}[value.source].get(value.key)
    assert found is not None, f"the model wired {value} without the store behind it"
    return pulumi.Output.secret(found)


def _plain(value: str | CloudValue, stores: Stores) -> str:
    if isinstance(value, str):
        return value
    if value.store == "database":
        return DATABASE_HOST
    if value.store == "service":
        return stores.service_urls[value.name]
    raise AssertionError("buckets are refused on Docker before any resource (components/docker/limits.py)")


def container_wiring(needs: Needs, stores: Stores) -> Wiring:
    """Plain values inline, secrets as secret outputs; the networks its stores and calls are on."""
    wired = Wiring(networks=[stores.egress])
    wired.env = {name: _plain(value, stores) for name, value in needs.env.items()}
    wired.secret_env = {name: _secret(value, stores) for name, value in needs.secrets.items()}
    if needs.database:
        assert stores.database_network is not None
        wired.networks.append(stores.database_network)
        wired.needs += stores.database_needs
    if needs.cache:
        assert stores.cache_network is not None and stores.ca_pem is not None
        wired.networks.append(stores.cache_network)
        wired.needs += stores.cache_needs
        # The URL names the CA file (ssl_ca_certs): put it where it says.
        wired.uploads.append(docker.ContainerUploadArgs(file=CA_FILE, content=stores.ca_pem))
    for callee in needs.calls:
        wired.networks.append(stores.call_networks[callee])
    return wired
