"""Cloud Storage buckets: uniform access, public access prevented, versioning and lifecycle from the model.

Access logging: Cloud Audit Logs' Data Access logs for Cloud Storage (DATA_READ and DATA_WRITE: who read, wrote or
listed which object, with the caller's identity), not usage logs. Cloud Storage docs, "Usage logs & storage logs":
Cloud Audit Logs is the recommended way to log API operations; usage logs are for access granted to allUsers or
allAuthenticatedUsers. Audit logs go to Cloud Logging with the project's other logs and retention, and need no logs
bucket or grant to the legacy analytics group.
Data Access logs are off by default and turned on per service in the project's IAM policy (Cloud Audit Logs, "Enable
Data Access audit logs"), so the setting is project-wide: it covers every bucket in the project, and the audit config
resource owns the project's whole audit config for storage.googleapis.com. It is retained when the stack is destroyed
(`retain_on_delete`), so a second stack in the same project keeps its logs. Not logged by Data Access logs: reads of
public objects by anonymous callers (README, "Hardening: what is not done, and why").
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_gcp as gcp

from components.stateful import keep
from stacks.model import Bucket

STORAGE_SERVICE = "storage.googleapis.com"
DATA_ACCESS_LOG_TYPES = ("DATA_READ", "DATA_WRITE")


class Buckets(pulumi.ComponentResource):
    buckets: dict[str, gcp.storage.Bucket]

    def __init__(
        self,
        name: str,
        app_name: str,
        region: str,
        buckets: Mapping[str, Bucket],
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
        project: str | None = None,
    ) -> None:
        """One bucket per entry of `buckets`, named `<name>-<bucket>`; with `project`, Data Access audit logs for them."""
        super().__init__("shipyard:gcp:Buckets", name, None, opts)
        self.buckets = {n: self._bucket(f"{name}-{n}", app_name, region, spec, protect) for n, spec in buckets.items()}
        if self.buckets and project is not None:
            gcp.projects.IAMAuditConfig(
                f"{name}-storage-data-access",
                project=project,
                service=STORAGE_SERVICE,
                audit_log_configs=[{"log_type": log_type} for log_type in DATA_ACCESS_LOG_TYPES],
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
        self.register_outputs({n: b.name for n, b in self.buckets.items()})

    def _bucket(self, name: str, app_name: str, region: str, spec: Bucket, protect: bool) -> gcp.storage.Bucket:
        rules: list[dict[str, object]] = []
        if spec.expire_after_days:
            rules.append({"action": {"type": "Delete"}, "condition": {"age": spec.expire_after_days}})
        if spec.versioning and spec.noncurrent_expire_after_days:
            rules.append(
                {
                    "action": {"type": "Delete"},
                    "condition": {"days_since_noncurrent_time": spec.noncurrent_expire_after_days, "with_state": "ARCHIVED"},
                }
            )
        bucket = gcp.storage.Bucket(
            name,
            location=region.upper(),
            uniform_bucket_level_access=True,
            public_access_prevention="inherited" if spec.public else "enforced",
            versioning={"enabled": spec.versioning},
            lifecycle_rules=rules,
            force_destroy=False,
            # The policy pack admits public access only on a bucket the model declared public, marked by this label.
            labels={"app": app_name, **({"public-read": "true"} if spec.public else {})},
            # A site: `/` asks for the bucket itself, which Cloud Storage would answer with a listing of its objects to a
            # reader that may list (Cloud CDN's fill agent may not: components/gcp/edge.py grants it
            # legacyObjectReader). With a main page suffix it serves index.html instead "of performing the usual bucket
            # listing", and `<dir>/` serves `<dir>/index.html` (Cloud Storage docs, gsutil `web set`; "Static website
            # examples and tips").
            website={"main_page_suffix": "index.html"} if spec.site is not None else None,
            opts=keep(self, protect),
        )
        if spec.public:
            gcp.storage.BucketIAMMember(
                f"{name}-public-read",
                bucket=bucket.name,
                # Read objects by name, never list them: objectViewer would also grant storage.objects.list.
                # Source: Cloud Storage docs, "IAM roles for Cloud Storage" (legacyObjectReader: storage.objects.get).
                role="roles/storage.legacyObjectReader",
                member="allUsers",
                # Not protected (it would inherit the bucket's protect): `public: false` must be able to delete it.
                opts=pulumi.ResourceOptions(parent=bucket, protect=False),
            )
        return bucket
