"""Container images the stack builds and pushes itself, deployed by digest."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from stacks.model import Build


@dataclass
class RegistryLogin:
    """Short-lived credentials from the cloud provider's token call, never a literal."""

    server: pulumi.Input[str]
    username: pulumi.Input[str]
    password: pulumi.Input[str]


def build_and_push(
    name: str, build: Build, repository: pulumi.Input[str], tag: str, platform: str, login: RegistryLogin, parent: pulumi.Resource
) -> pulumi.Output[str]:
    """Build `build`, push it as `repository:tag`, and return the pushed digest reference.

    Services reference the digest, so a new image rolls them and an unchanged one does not.
    """
    image = docker.Image(
        name,
        image_name=pulumi.Output.concat(repository, ":", tag),
        build={
            "context": build.context,
            "dockerfile": f"{build.context.rstrip('/')}/{build.dockerfile}",
            "target": build.target,
            "args": build.args,
            "platform": platform,
        },
        registry={"server": login.server, "username": login.username, "password": pulumi.Output.secret(login.password)},
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return image.repo_digest
