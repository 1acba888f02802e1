"""The Google APIs the stack uses, enabled by it and left enabled when it is destroyed."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_gcp as gcp


def required_apis(
    *, database: bool, managed_cache: bool, scheduled_jobs: bool, dns_zone: bool, topics: bool = False, certificate_manager: bool = False
) -> list[str]:
    """The APIs an app calls: the base set, plus one per store or feature it uses. `certificate_manager`: the edge's
    certificates are DNS-authorized Certificate Manager certificates (`allowFrom`, components/gcp/certificates.py)."""
    # cloudresourcemanager: project-level IAM bindings go through it.
    apis = ["run", "compute", "iam", "cloudresourcemanager", "secretmanager", "artifactregistry", "logging", "monitoring"]
    if database or managed_cache:
        apis.append("servicenetworking")
    if database:
        apis.append("sqladmin")
    if managed_cache:
        apis.append("redis")
    if scheduled_jobs:
        apis.append("cloudscheduler")
    if dns_zone:
        apis.append("dns")
    if topics:
        apis.append("pubsub")
    if certificate_manager:
        apis.append("certificatemanager")
    return [f"{api}.googleapis.com" for api in apis]


class ProjectApis(pulumi.ComponentResource):
    enabled: list[gcp.projects.Service]

    def __init__(self, name: str, apis: Sequence[str], opts: pulumi.ResourceOptions | None = None) -> None:
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
            for api in apis
        ]
        self.register_outputs({})
