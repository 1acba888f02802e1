"""Images: the app's own, pulled or built on the engine, and the official images the stack runs beside them.

Containers reference an image by its ID, so a new image (a rebuilt one, or a tag that moved) replaces them and an
unchanged one does not.
"""

from __future__ import annotations

import pulumi
import pulumi_docker as docker

from stacks.model import Service

# Docker Official Images (hub.docker.com/_/<name>), pinned to a release line: the engine pulls the line's newest
# patch the first time, and the stack keeps that image until the tag here changes.
CADDY = "caddy:2.10"  # https://hub.docker.com/_/caddy
DOCKER_CLI = "docker:28-cli"  # https://hub.docker.com/_/docker: the CLI only, on Alpine (busybox crond, timeout, flock)
POSTGRES = "postgres:{version}"  # https://hub.docker.com/_/postgres (Debian; the `postgres` user is uid 999)
REDIS = "redis:{version}"  # https://hub.docker.com/_/redis (built with TLS since 6.0)


def official(name: str, reference: str, parent: pulumi.Resource) -> docker.RemoteImage:
    """`reference` pulled once and kept on the host: `pulumi destroy` of one stack does not pull an image from under
    another. For the official images here, and for a service's own `image`."""
    return docker.RemoteImage(name, name=reference, keep_locally=True, opts=pulumi.ResourceOptions(parent=parent))


def app_image(name: str, service: str, svc: Service, version: str | None, parent: pulumi.Resource) -> docker.RemoteImage:
    """The service's `image`, pulled; or its `build`, built on the engine as `<name>:<version>` (never pushed)."""
    if svc.build is None:
        assert svc.image is not None
        return official(name, svc.image, parent)
    build = svc.build
    return docker.RemoteImage(
        name,
        name=f"{name}:{version}",
        build={
            "context": build.context,
            "dockerfile": build.dockerfile,
            "target": build.target,
            "build_args": build.args,
            "labels": {"app.shipyard.service": service},
        },
        keep_locally=True,
        opts=pulumi.ResourceOptions(parent=parent),
    )
