"""Memorystore Redis: STANDARD_HA with a cross-zone replica, AUTH, TLS and RDB persistence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_gcp as gcp

from components.gcp.secrets import SecretRef, store_secret
from components.stateful import keep
from stacks import model

# Where every workload that uses the cache finds its CA certificate.
CA_DIRECTORY, CA_FILE = "/var/run/secrets/redis", "ca.pem"
VERSION = {"6": "REDIS_6_X", "7": "REDIS_7_2"}


def ca_bundle(certs: Sequence[Mapping[str, Any]] | None) -> str:
    """Every CA the instance lists, as one PEM bundle: during a CA rotation Memorystore lists the new CA beside the old
    one, and a client that trusts both keeps connecting whichever signs the server's certificate (Memorystore for Redis
    docs, "About in-transit encryption", Certificate Authority rotation)."""
    return "".join(str(c["cert"]).strip() + "\n" for c in certs or [])


class Cache(pulumi.ComponentResource):
    instance: gcp.redis.Instance
    url: SecretRef
    ca_certificate: SecretRef

    def __init__(
        self,
        name: str,
        app_name: str,
        cache: model.Cache,
        region: str,
        protect: bool,
        network: gcp.compute.Network,
        depends_on: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """A managed Redis on `network`'s private service access; `depends_on` holds that peering."""
        if not cache.managed:
            raise ValueError(f"Cache {name}: an external cache (externalUrlSecret) is not created by the stack")
        super().__init__("shipyard:gcp:Cache", name, None, opts)
        self.instance = gcp.redis.Instance(
            name,
            tier="STANDARD_HA" if cache.high_availability else "BASIC",
            # An integer number of GB on Memorystore; components/gcp/limits.py refuses anything else before this runs.
            memory_size_gb=int(cache.memory_gb),
            region=region,
            redis_version=VERSION[cache.version],
            authorized_network=network.id,
            connect_mode="PRIVATE_SERVICE_ACCESS",
            auth_enabled=True,
            transit_encryption_mode="SERVER_AUTHENTICATION",
            persistence_config={"persistence_mode": "RDB", "rdb_snapshot_period": "TWELVE_HOURS"},
            maintenance_policy={"weekly_maintenance_windows": [{"day": "SUNDAY", "start_time": {"hours": 5, "minutes": 30}}]},
            labels={"app": app_name},
            opts=keep(self, protect, depends_on=depends_on),
        )
        # redis-py and Celery need `ssl_cert_reqs` on a rediss:// URL (Celery refuses one without it), and Memorystore's
        # server certificate is signed by its own CA: clients read it from the file every workload has mounted there.
        # Sources: Celery docs, "Using Redis" (broker_use_ssl / rediss:// with ssl_cert_reqs); Memorystore docs,
        # "In-transit encryption" (download the instance's CA); redis-py `from_url` (ssl_* query arguments).
        url = pulumi.Output.format(
            "rediss://:{0}@{1}:{2}/0?ssl_cert_reqs=required&ssl_ca_certs={3}",
            self.instance.auth_string,
            self.instance.host,
            self.instance.port,
            f"{CA_DIRECTORY}/{CA_FILE}",
        )
        self.url = store_secret(f"{name}-redis-url", pulumi.Output.secret(url), protect, self)
        # Clients verify the server with these CAs; they are public, but ship next to the URL as a secret for one path.
        ca = self.instance.server_ca_certs.apply(ca_bundle)
        self.ca_certificate = store_secret(f"{name}-redis-ca", ca, protect, self)
        self.register_outputs({"host": self.instance.host})
