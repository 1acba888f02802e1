"""The host's networks for one stack: each lets through only what the model declares.

- `egress`: every workload, for the internet; its containers cannot reach each other (inter-container traffic off).
- `edge`: the proxy and the public services; the proxy is on no other network.
- `database`, `cache`: internal (no internet), the data store and the workloads that use it.
- `calls-<service>`: internal, a called service and its declared callers.
"""

from __future__ import annotations

import pulumi
import pulumi_docker as docker

from components.naming import scoped

# Docker's bridge driver option that turns off traffic between the network's containers.
# Source: Docker docs, "Bridge network driver", options (com.docker.network.bridge.enable_icc).
NO_INTER_CONTAINER = {"com.docker.network.bridge.enable_icc": "false"}


def network(app: str, what: str, parent: pulumi.Resource, internal: bool, **extra: object) -> docker.Network:
    return docker.Network(
        f"{app}-{what}",
        name=scoped(app, what),
        driver="bridge",
        internal=internal,
        labels=[docker.NetworkLabelArgs(label="app.shipyard.app", value=app)],
        opts=pulumi.ResourceOptions(parent=parent),
        **extra,
    )


class Networks(pulumi.ComponentResource):
    def __init__(
        self, name: str, database: bool, cache: bool, called: list[str], public: bool, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("shipyard:docker:Networks", name, None, opts)
        self.egress = network(name, "egress", self, internal=False, options=NO_INTER_CONTAINER)
        self.edge = network(name, "edge", self, internal=False) if public else None
        self.database = network(name, "database", self, internal=True) if database else None
        self.cache = network(name, "cache", self, internal=True) if cache else None
        self.calls = {callee: network(name, f"calls-{callee}", self, internal=True) for callee in called}
        self.register_outputs({})
