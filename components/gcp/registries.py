"""Where Cloud Run can pull an `image` from.

Cloud Run imports an image when it deploys a revision, from Artifact Registry directly, and from Docker Hub
and GitHub Container Registry only when the image is public; any other registry needs an Artifact Registry
remote repository in front of it. Source: Cloud Run docs, "Deploying container images to Cloud Run",
section "Supported container registries and images".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from stacks.model import Service

ARTIFACT_REGISTRY = re.compile(r"^([a-z0-9-]+-docker\.pkg\.dev|([a-z]+\.)?gcr\.io)$")
PUBLIC_ONLY = ("docker.io", "registry-1.docker.io", "index.docker.io", "ghcr.io")


def registry_host(image: str) -> str:
    """The registry of a reference; Docker's rule: a first part with a dot or colon (or `localhost`) is a host."""
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


def pull_problems(services: Mapping[str, Service]) -> tuple[list[str], list[str]]:
    """(errors, warnings) for each service's `image` on Cloud Run."""
    errors, warnings = [], []
    for name, svc in services.items():
        if svc.image is None:
            continue  # built and pushed to the stack's own Artifact Registry repository
        host = registry_host(svc.image)
        if ARTIFACT_REGISTRY.match(host):
            continue
        if host in PUBLIC_ONLY:
            warnings.append(
                f"services.{name}.image: Cloud Run pulls from {host} only when the image is public; "
                "for a private image, push it to Artifact Registry or use `build`"
            )
        else:
            errors.append(
                f"services.{name}.image: Cloud Run cannot pull from {host}; allowed: Artifact Registry (<region>-docker.pkg.dev), "
                "and public images on Docker Hub or ghcr.io. Push the image to Artifact Registry, or use `build`"
            )
    return errors, warnings
