"""GCP resource IDs have tight length rules; these keep them valid, stable and unique per stack."""

from __future__ import annotations

from components.naming import scoped, short_id, stack_slug

# Service account IDs: 6-30 characters, `[a-z]([-a-z0-9]*[a-z0-9])`.
# Source: IAM docs, "Create service accounts" (account ID rules); terraform-provider-google validateRFC1035Name(6, 30).
SERVICE_ACCOUNT_ID_MAX = 30


# Cloud Run service, job and worker pool names: at most 49 characters, `[a-z]([-a-z0-9]*[a-z0-9])?`.
# Source: Cloud Run docs, "Deploying services" (service name rules); the provider checks no more.
CLOUD_RUN_NAME_MAX = 49


def service_account_id(app: str, workload: str) -> str:
    return short_id(f"{app}-{workload}-{stack_slug()}", SERVICE_ACCOUNT_ID_MAX, 6)


def cloud_run_name(logical: str, stack: str | None = None) -> str:
    """A Cloud Run service, job or worker pool: `<logical name>-<stack>` (the release step's runner looks it up)."""
    return short_id(f"{logical}-{stack_slug(stack)}", CLOUD_RUN_NAME_MAX)


__all__ = ["cloud_run_name", "scoped", "service_account_id", "short_id"]
