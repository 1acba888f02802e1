"""Artifact Registry: the stack's own Docker repository, with cleanup policies."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_gcp as gcp

from components.images import RegistryLogin, build_and_push
from components.naming import short_id, stack_slug
from components.stateful import keep
from stacks.model import GcpSettings, Service, build_owners

KEEP_RECENT_VERSIONS = 20
UNTAGGED_MAX_AGE = f"{14 * 24 * 3600}s"


# Cloud Run runs linux/amd64 images.
PLATFORM = "linux/amd64"


class Registry(pulumi.ComponentResource):
    """The repository, and every `build` service built and pushed to it; `images` maps each service to what it runs."""

    repository: gcp.artifactregistry.Repository
    url: pulumi.Output[str]
    images: dict[str, pulumi.Input[str]]

    def __init__(
        self,
        name: str,
        settings: GcpSettings,
        services: Mapping[str, Service],
        version: str | None,
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`version` tags the images of the services that `build`; the model requires it when any does."""
        super().__init__("shipyard:gcp:Registry", name, None, opts)
        repository_id = short_id(f"{name}-{stack_slug()}", 63)
        self.repository = gcp.artifactregistry.Repository(
            name,
            repository_id=repository_id,
            location=settings.region,
            format="DOCKER",
            description=f"{name} images",
            docker_config={"immutable_tags": True},
            cleanup_policy_dry_run=False,
            cleanup_policies=[
                {"id": "keep-recent", "action": "KEEP", "most_recent_versions": {"keep_count": KEEP_RECENT_VERSIONS}},
                {"id": "delete-untagged", "action": "DELETE", "condition": {"tag_state": "UNTAGGED", "older_than": UNTAGGED_MAX_AGE}},
            ],
            opts=keep(self, protect),
        )
        self.url = pulumi.Output.concat(settings.region, "-docker.pkg.dev/", settings.project, "/", repository_id)
        self.images = {}
        login = RegistryLogin(
            server=f"https://{settings.region}-docker.pkg.dev",
            username="oauth2accesstoken",
            password=gcp.organizations.get_client_config_output(opts=pulumi.InvokeOptions(parent=self)).access_token,
        )
        owners = build_owners(services)
        for svc_name, svc in services.items():
            if svc.build is None:
                self.images[svc_name] = svc.image or ""
                continue
            if owners[svc_name] != svc_name:
                # The same build as an earlier service: its image, built and pushed once.
                self.images[svc_name] = self.images[owners[svc_name]]
                continue
            assert version is not None, f"services.{svc_name} is built and needs a version to tag it"
            self.images[svc_name] = build_and_push(
                f"{name}-{svc_name}",
                svc.build,
                pulumi.Output.concat(self.url, "/", svc_name),
                version,
                PLATFORM,
                login,
                self.repository,
            )
        self.register_outputs({"url": self.url})
