"""One service account per workload, granted only what it uses; never the default compute account."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_gcp as gcp

from components.gcp.naming import service_account_id

# Project-level roles every workload needs to report on itself; these have no narrower resource.
TELEMETRY_ROLES = ("roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/cloudtrace.agent")


class WorkloadIdentity(pulumi.ComponentResource):
    account: gcp.serviceaccount.Account
    email: pulumi.Output[str]
    member: pulumi.Output[str]

    def __init__(self, name: str, app_name: str, workload: str, project: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("shipyard:gcp:WorkloadIdentity", name, None, opts)
        self._prefix = name
        self.workload_name = name
        self.account = gcp.serviceaccount.Account(
            name,
            account_id=service_account_id(app_name, workload),
            display_name=f"{app_name} {workload}",
            description=f"Runs {workload}; holds only the roles it needs",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.email = self.account.email
        self.member = pulumi.Output.concat("serviceAccount:", self.account.email)
        # Cloud Run checks at deploy time that the account may read its secrets: workloads wait for these.
        self.grants: list[pulumi.Resource] = []
        # No roles/cloudsql.client for a workload that uses the database: it connects to the instance's private IP with
        # a password, and that role is for the Cloud SQL connectors and Auth Proxy, "not required for accessing an
        # instance using IP addresses" (Cloud SQL docs, "Roles and permissions": Cloud SQL Client).
        for role in TELEMETRY_ROLES:
            self.grants.append(
                gcp.projects.IAMMember(
                    f"{name}-{role.split('/')[1].replace('.', '-').lower()}",
                    project=project,
                    role=role,
                    member=self.member,
                    opts=pulumi.ResourceOptions(parent=self.account),
                )
            )
        self.register_outputs({"email": self.email})

    def _grant(self, suffix: str, member_type: Callable[..., pulumi.CustomResource], **where: pulumi.Input[str]) -> None:
        """One role on one resource for this workload's account, `<workload>-<suffix>`; workloads wait for their grants."""
        self.grants.append(
            member_type(f"{self._prefix}-{suffix}", member=self.member, **where, opts=pulumi.ResourceOptions(parent=self.account))
        )

    def read_secret(self, name: str, secret: gcp.secretmanager.Secret) -> None:
        """Bind secretAccessor on this one secret, not on the project."""
        self._grant(f"reads-{name}", gcp.secretmanager.SecretIamMember, secret_id=secret.id, role="roles/secretmanager.secretAccessor")

    def publish_to(self, name: str, topic: gcp.pubsub.Topic) -> None:
        """Publish rights on this one topic (roles/pubsub.publisher: pubsub.topics.publish only)."""
        self._grant(f"publishes-{name}", gcp.pubsub.TopicIAMMember, topic=topic.name, role="roles/pubsub.publisher")

    def read_parameter(self, name: str, project: str) -> None:
        """secretAccessor on one existing secret the stack does not manage (`grants.readParameters`)."""
        self._grant(
            f"reads-parameter-{name.lower()}",
            gcp.secretmanager.SecretIamMember,
            secret_id=f"projects/{project}/secrets/{name}",
            role="roles/secretmanager.secretAccessor",
        )

    def use_bucket(self, name: str, bucket: gcp.storage.Bucket) -> None:
        self._grant(f"uses-{name}", gcp.storage.BucketIAMMember, bucket=bucket.name, role="roles/storage.objectUser")
