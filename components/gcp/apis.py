"""The Google APIs the stack uses, enabled by it and left enabled when it is destroyed."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from stacks.model import App


def required_apis(app: App) -> list[str]:
    # cloudresourcemanager: project-level IAM bindings go through it.
    apis = ["run", "compute", "iam", "cloudresourcemanager", "secretmanager", "artifactregistry", "logging", "monitoring"]
    if app.database is not None or (app.cache is not None and app.cache.managed):
        apis.append("servicenetworking")
    if app.database is not None:
        apis.append("sqladmin")
    if app.cache is not None and app.cache.managed:
        apis.append("redis")
    if app.jobs:
        apis.append("cloudscheduler")
    if app.domain is not None and app.domain.zone:
        apis.append("dns")
    return [f"{api}.googleapis.com" for api in apis]


class ProjectApis(pulumi.ComponentResource):
    enabled: list[gcp.projects.Service]

    def __init__(self, name: str, app: App, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("shipyard:gcp:ProjectApis", name, None, opts)
        self.enabled = [
            gcp.projects.Service(
                f"{name}-{api.split('.')[0]}",
                service=api,
                # Other workloads in the project may use the API too.
                disable_on_destroy=False,
                disable_dependent_services=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for api in required_apis(app)
        ]
        self.register_outputs({})
