"""The Docker renderer: the whole app on one Docker engine, a laptop's or a single server's."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_docker as docker

from components.docker.app import DockerApp
from components.docker.limits import validate, with_defaults
from stacks.config import Stack

__all__ = ["deploy", "validate", "with_defaults"]


def deploy(stack: Stack) -> dict[str, Any]:
    app = stack.app
    assert app.docker is not None
    # An explicit provider: the engine comes from the model (`docker.host`); without it, the provider's own default
    # (DOCKER_HOST, else the local socket).
    provider = docker.Provider("docker", host=app.docker.host)
    docker_app = DockerApp(app, stack.secret_values, opts=pulumi.ResourceOptions(providers=[provider]))
    return {k: v for k, v in docker_app.outputs.items() if v is not None}
