"""Cloud Storage buckets: uniform access, public access prevented, versioning and lifecycle from the model."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_gcp as gcp

from components.stateful import keep
from stacks.model import Bucket


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
    ) -> None:
        super().__init__("shipyard:gcp:Buckets", name, None, opts)
        self.buckets = {n: self._bucket(f"{name}-{n}", app_name, region, spec, protect) for n, spec in buckets.items()}
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
