"""Artifact Registry: the stack's own Docker repository, with cleanup policies."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from components.gcp.naming import short_id
from components.stateful import keep
from stacks.model import App

KEEP_RECENT_VERSIONS = 20
UNTAGGED_MAX_AGE = f"{14 * 24 * 3600}s"


class Registry(pulumi.ComponentResource):
    repository: gcp.artifactregistry.Repository
    url: pulumi.Output[str]

    def __init__(self, name: str, app: App, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("shipyard:gcp:Registry", name, None, opts)
        assert app.gcp is not None
        repository_id = short_id(name, 63)
        self.repository = gcp.artifactregistry.Repository(
            name,
            repository_id=repository_id,
            location=app.gcp.region,
            format="DOCKER",
            description=f"{app.name} images",
            docker_config={"immutable_tags": True},
            cleanup_policy_dry_run=False,
            cleanup_policies=[
                {"id": "keep-recent", "action": "KEEP", "most_recent_versions": {"keep_count": KEEP_RECENT_VERSIONS}},
                {"id": "delete-untagged", "action": "DELETE", "condition": {"tag_state": "UNTAGGED", "older_than": UNTAGGED_MAX_AGE}},
            ],
            opts=keep(self, app.protect),
        )
        self.url = pulumi.Output.concat(app.gcp.region, "-docker.pkg.dev/", app.gcp.project, "/", repository_id)
        self.register_outputs({"url": self.url})
