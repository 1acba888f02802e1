"""One container of the app's image: a service replica, a job's run, or the release step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_docker as docker

from components.docker.wiring import Wiring

# Docker's default json-file log grows until the disk is full; a single server has one disk.
LOG_OPTIONS = {"max-size": "10m", "max-file": "5"}
# What a replaced or stopped container gets between SIGTERM and SIGKILL when the service does not say (as on AWS).
STOP_SECONDS = {"http": 30, "worker": 120}


@dataclass
class Attached:
    """A network the container joins, and the names it answers to there."""

    network: docker.Network
    aliases: list[str] = field(default_factory=list)


@dataclass
class Spec:
    image: pulumi.Input[str]
    command: Sequence[str] | None
    cpu: float
    memory: int
    wired: Wiring
    user: str | None = None
    read_only: bool = False
    stop_seconds: int | None = None


def http_probe(port: int, path: str) -> list[str]:
    """A health check of `path` from inside the container, with whichever HTTP client the image has.

    Docker runs the check inside the app's own image, which may have curl, wget (busybox), python3 or node; the
    first one found answers. An image with none of them (and no shell) stays unhealthy: give it one of them.
    """
    url = f"http://127.0.0.1:{port}{path}"
    tries = [
        f"curl -fsS -o /dev/null {url}",
        f"wget -q -O /dev/null {url}",
        f"python3 -c \"import urllib.request; urllib.request.urlopen('{url}', timeout=4)\"",
        f"node -e \"require('http').get('{url}', r => process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => process.exit(1))\"",
    ]
    return ["CMD-SHELL", " || ".join(tries)]


def healthcheck(test: list[str]) -> docker.ContainerHealthcheckArgs:
    return docker.ContainerHealthcheckArgs(tests=test, interval="10s", timeout="5s", retries=3, start_period="30s")


def container(
    name: str,
    physical: str,
    spec: Spec,
    networks: list[Attached],
    parent: pulumi.Resource,
    *,
    health: list[str] | None = None,
    labels: dict[str, pulumi.Input[str]] | None = None,
    create_timeout: int | None = None,
    **behaviour: object,
) -> docker.Container:
    """A container with the workload's wiring, the networks it joins, and the host-wide hardening.

    `create_timeout` bounds how long `pulumi up` waits for it. `behaviour` sets how it runs (a long-running service
    by default: restarted, waited on until healthy; a job or the release step passes its own `start`, `must_run`,
    `attach` and `restart`).
    """
    wired = spec.wired
    joined = {id(a.network) for a in networks}
    attached = networks + [Attached(n) for n in wired.networks if id(n) not in joined]
    options: dict[str, object] = {"restart": "unless-stopped", "must_run": True}
    if health is not None:
        # `pulumi up` waits until the new container is healthy: a broken release fails the deploy, not the users.
        options |= {"healthcheck": healthcheck(health), "wait": True, "wait_timeout": 120}
    options |= behaviour
    return docker.Container(
        name,
        name=physical,
        image=spec.image,
        command=list(spec.command) if spec.command else None,
        envs=wired.envs(),
        user=spec.user,
        cpus=f"{spec.cpu:g}",
        memory=spec.memory,
        read_only=spec.read_only,
        # A read-only root still gets a writable /tmp, as on AWS.
        tmpfs={"/tmp": "rw,noexec,nosuid"} if spec.read_only else None,  # noqa: S108 - a mount point in the container
        stop_timeout=spec.stop_seconds,
        destroy_grace_seconds=spec.stop_seconds,
        init=True,  # tini as PID 1: signals reach the app and zombies are reaped
        security_opts=["no-new-privileges:true"],
        log_driver="json-file",
        log_opts=LOG_OPTIONS,
        networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=a.network.name, aliases=a.aliases or None) for a in attached],
        uploads=wired.uploads or None,
        labels=[docker.ContainerLabelArgs(label=k, value=v) for k, v in sorted((labels or {}).items())] or None,
        opts=pulumi.ResourceOptions(
            parent=parent,
            depends_on=wired.needs,
            # A run that outlasts its timeout fails the deploy (the engine stops waiting for the create).
            custom_timeouts=pulumi.CustomTimeouts(create=f"{create_timeout}s") if create_timeout else None,
        ),
        **options,
    )
