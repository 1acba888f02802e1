"""Service-to-service calls on Cloud Run: the callee's address, and the caller's right to invoke it.

How callers authenticate: with an ID token for the callee's URL (audience), which Cloud Run checks against
`run.invoker` granted to the caller's own service account. Internal-only ingress alone (with `invoker_iam_disabled`)
would admit anything in the VPC or project, including workloads that never declared the call; with IAM, only declared
callers get through, even from inside the network. The cost is a line of application code: e.g. in Python,
`google.oauth2.id_token.fetch_id_token(Request(), os.environ["AUTH_URL"])` and an `Authorization: Bearer` header.
Source: Cloud Run docs, "Authenticating service-to-service" and "Restrict network ingress" (internal traffic reaches
an internal service from the VPC when the caller's Direct VPC egress sends all traffic through it).
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from components.gcp.identity import WorkloadIdentity
from components.gcp.naming import cloud_run_name


def run_url(logical: str, project_number: pulumi.Input[str], region: str) -> pulumi.Output[str]:
    """The service's deterministic URL, `https://<service>-<project number>.<region>.run.app`, known before it exists.

    Source: Cloud Run docs, "View the service URL" (deterministic URLs). Known from names alone, so two services may
    call each other.
    """
    return pulumi.Output.concat("https://", cloud_run_name(logical), "-", project_number, ".", region, ".run.app")


def invoker_grant(callee: str, service: gcp.cloudrunv2.Service, region: str, caller: WorkloadIdentity) -> gcp.cloudrunv2.ServiceIamMember:
    """`caller` may invoke `service`: the one grant behind a declared call."""
    return gcp.cloudrunv2.ServiceIamMember(
        f"{caller.workload_name}-calls-{callee}",
        name=service.name,
        location=region,
        role="roles/run.invoker",
        member=caller.member,
        opts=pulumi.ResourceOptions(parent=service),
    )
