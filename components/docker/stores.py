"""PostgreSQL and Redis as containers: data on named volumes, TLS with the stack's CA, no port on the host.

The volumes are separate resources, protected with the stack's `protect`: a container is replaced on any change of
its settings (the provider replaces containers rather than updating them), the volume and its data stay.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_docker as docker

from components.docker.images import POSTGRES, REDIS, official
from components.docker.tls import Certificates
from components.docker.workload import LOG_OPTIONS, healthcheck
from components.naming import scoped
from components.passwords import generated_password
from components.stateful import keep
from stacks.model import Cache, Database
from stacks.wiring import DATABASE_PORT, DATABASE_USER

TLS_DIRECTORY = "/etc/shipyard/tls"
CACHE_PORT = 6379
# The uid of `postgres` and of `redis` in the Debian-based official images; the server key is theirs alone.
STORE_UID = "999"


def secret(value: pulumi.Output[Any]) -> pulumi.Output[Any]:
    """Marked secret in the state whatever it was made from (Output.secret's own typing cannot say so)."""
    return pulumi.Output.secret(value)


def _tls_files(certs: Certificates) -> list[docker.ContainerUploadArgs]:
    # PostgreSQL refuses a key others can read: 0600, owned by the server's user.
    return [
        docker.ContainerUploadArgs(file=f"{TLS_DIRECTORY}/ca.crt", content=certs.ca_pem),
        docker.ContainerUploadArgs(file=f"{TLS_DIRECTORY}/server.crt", content=certs.server_pem),
        docker.ContainerUploadArgs(
            file=f"{TLS_DIRECTORY}/server.key", content=certs.server_key_pem, owner=STORE_UID, group=STORE_UID, permissions="0600"
        ),
    ]


def _volume(app: str, what: str, parent: pulumi.Resource, protect: bool) -> docker.Volume:
    return docker.Volume(
        f"{app}-{what}",
        name=scoped(app, what),
        labels=[docker.VolumeLabelArgs(label="app.shipyard.app", value=app)],
        opts=keep(parent, protect),
    )


class PostgresContainer(pulumi.ComponentResource):
    """`url` and `password` are secret; `container` is healthy (accepting connections) once created."""

    def __init__(
        self,
        name: str,
        database: Database,
        certs: Certificates,
        network: docker.Network,
        max_connections: int,
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("shipyard:docker:Postgres", name, None, opts)
        password = generated_password(f"{name}-database-password", self)
        volume = _volume(name, "postgres", self, protect)
        image = official(f"{name}-postgres", POSTGRES.format(version=database.version), self)
        config = [
            ("ssl", "on"),
            ("ssl_cert_file", f"{TLS_DIRECTORY}/server.crt"),
            ("ssl_key_file", f"{TLS_DIRECTORY}/server.key"),
            ("max_connections", str(max_connections)),
        ]
        self.container = docker.Container(
            f"{name}-postgres",
            name=scoped(name, "postgres"),
            image=image.image_id,
            # The image's entrypoint creates the user and the database on an empty volume, then runs this.
            command=["postgres", *[arg for key, value in config for arg in ("-c", f"{key}={value}")]],
            envs=secret(
                pulumi.Output.all(
                    f"POSTGRES_USER={DATABASE_USER}",
                    f"POSTGRES_DB={database.name}",
                    pulumi.Output.concat("POSTGRES_PASSWORD=", password.result),
                )
            ),
            volumes=[docker.ContainerVolumeArgs(volume_name=volume.name, container_path="/var/lib/postgresql/data")],
            uploads=_tls_files(certs),
            networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=network.name, aliases=["postgres"])],
            healthcheck=healthcheck(["CMD-SHELL", f"pg_isready -U {DATABASE_USER} -d {database.name}"]),
            wait=True,
            wait_timeout=180,
            restart="unless-stopped",
            # A clean shutdown (the image stops with SIGINT, "fast shutdown") instead of crash recovery on the next start.
            stop_timeout=60,
            destroy_grace_seconds=60,
            shm_size=256,  # MiB; Docker's 64 MiB default is too small for parallel queries
            log_driver="json-file",
            log_opts=LOG_OPTIONS,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[volume]),
        )
        self.password: pulumi.Output[str] = secret(password.result)
        self.url: pulumi.Output[str] = secret(
            pulumi.Output.format(
                "postgresql://{0}:{1}@postgres:{2}/{3}?sslmode=require", DATABASE_USER, password.result, DATABASE_PORT, database.name
            )
        )
        self.register_outputs({})


class RedisContainer(pulumi.ComponentResource):
    """`url` is secret and names the CA file the workloads get (ssl_ca_certs), as on GCP."""

    def __init__(
        self,
        name: str,
        cache: Cache,
        certs: Certificates,
        network: docker.Network,
        ca_file: str,
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("shipyard:docker:Redis", name, None, opts)
        password = generated_password(f"{name}-cache-password", self)
        volume = _volume(name, "redis", self, protect)
        image = official(f"{name}-redis", REDIS.format(version=cache.version), self)
        # The password lives in this file (0600, the server's own), never on the command line or in the environment.
        conf = pulumi.Output.format(
            "port 0\ntls-port {0}\ntls-cert-file {1}/server.crt\ntls-key-file {1}/server.key\ntls-ca-cert-file {1}/ca.crt\n"
            # Clients prove who they are with the password, not a certificate.
            "tls-auth-clients no\nrequirepass {2}\n"
            # Every write is logged (a Celery broker loses no task on restart); memory is capped at `memoryGb` and a full
            # cache refuses writes rather than evicting queued tasks.
            "appendonly yes\nmaxmemory {3}mb\nmaxmemory-policy noeviction\n",
            CACHE_PORT,
            TLS_DIRECTORY,
            password.result,
            int(cache.memory_gb * 1024),
        )
        self.container = docker.Container(
            f"{name}-redis",
            name=scoped(name, "redis"),
            image=image.image_id,
            command=["redis-server", "/usr/local/etc/redis/redis.conf"],
            volumes=[docker.ContainerVolumeArgs(volume_name=volume.name, container_path="/data")],
            uploads=[
                *_tls_files(certs),
                docker.ContainerUploadArgs(
                    file="/usr/local/etc/redis/redis.conf",
                    content=secret(conf),
                    owner=STORE_UID,
                    group=STORE_UID,
                    permissions="0600",
                ),
            ],
            networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=network.name, aliases=["redis"])],
            # Answers over TLS; NOAUTH (no password given) is still an answer, and keeps the password out of the check.
            healthcheck=healthcheck(
                ["CMD-SHELL", f"redis-cli --tls --insecure -h 127.0.0.1 -p {CACHE_PORT} ping | grep -q -e PONG -e NOAUTH"]
            ),
            wait=True,
            wait_timeout=120,
            restart="unless-stopped",
            stop_timeout=30,
            destroy_grace_seconds=30,
            log_driver="json-file",
            log_opts=LOG_OPTIONS,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[volume]),
        )
        self.url: pulumi.Output[str] = secret(
            pulumi.Output.format("rediss://:{0}@redis:{1}/0?ssl_cert_reqs=required&ssl_ca_certs={2}", password.result, CACHE_PORT, ca_file)
        )
        self.ca = certs.ca_pem
        self.register_outputs({})
