"""A scheduled job: Cloud Scheduler calls the Cloud Run Admin API to run a Cloud Run Job."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp

from components.gcp.identity import WorkloadIdentity
from components.gcp.naming import cloud_run_name
from stacks.model import Job

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def run_uri(project: str, region: str, job_name: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat("https://run.googleapis.com/v2/projects/", project, "/locations/", region, "/jobs/", job_name, ":run")


def cloud_run_job(
    name: str,
    region: str,
    identity: WorkloadIdentity,
    container: dict[str, Any],
    vpc_access: dict[str, Any],
    retries: int,
    timeout_seconds: int,
    needs: list[pulumi.Resource],
    parent: pulumi.Resource,
    volumes: list[dict[str, Any]] | None = None,
) -> gcp.cloudrunv2.Job:
    """One task per execution, with the workload's own identity and VPC egress."""
    return gcp.cloudrunv2.Job(
        name,
        name=cloud_run_name(name),
        location=region,
        # Stateless: nothing is lost by deleting it, and the default guard blocks `pulumi destroy`.
        deletion_protection=False,
        template={
            "task_count": 1,
            "template": {
                "service_account": identity.email,
                "execution_environment": "EXECUTION_ENVIRONMENT_GEN2",
                "max_retries": retries,
                "timeout": f"{timeout_seconds}s",
                "vpc_access": vpc_access,
                "containers": [container],
                **({"volumes": volumes} if volumes else {}),
            },
        },
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[*identity.grants, *needs]),
    )


class ScheduledJob(pulumi.ComponentResource):
    job: gcp.cloudrunv2.Job
    trigger: gcp.cloudscheduler.Job

    def __init__(
        self,
        name: str,
        job: Job,
        project: str,
        region: str,
        container: dict[str, Any],
        vpc_access: dict[str, Any],
        identity: WorkloadIdentity,
        invoker: gcp.serviceaccount.Account,
        needs: list[pulumi.Resource],
        volumes: list[dict[str, Any]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("shipyard:gcp:ScheduledJob", name, None, opts)
        self.job = cloud_run_job(name, region, identity, container, vpc_access, job.retries, job.timeout_seconds, needs, self, volumes)
        # The invoker may run this job and nothing else.
        may_run = gcp.cloudrunv2.JobIamMember(
            f"{name}-invoker",
            name=self.job.name,
            location=region,
            role="roles/run.invoker",
            member=pulumi.Output.concat("serviceAccount:", invoker.email),
            opts=pulumi.ResourceOptions(parent=self.job),
        )
        self.trigger = gcp.cloudscheduler.Job(
            name,
            region=region,
            schedule=job.schedule,
            time_zone=job.time_zone,
            attempt_deadline="180s",
            retry_config={  # Cloud Scheduler retries the trigger at most 5 times; the job's own max_retries carries the model's count.
                "retry_count": min(job.retries, 5),
                "min_backoff_duration": "60s",
                "max_backoff_duration": "180s",
                "max_doublings": 1,
            },
            http_target={
                "http_method": "POST",
                "uri": run_uri(project, region, self.job.name),
                # The Admin API takes an OAuth access token; OIDC tokens are for calling services themselves.
                "oauth_token": {"service_account_email": invoker.email, "scope": CLOUD_PLATFORM_SCOPE},
            },
            # A run due right after creation must not fail on a grant that does not exist yet.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[may_run]),
        )
        self.register_outputs({"job": self.job.name})
