"""S3 buckets: private, encrypted, versioned, with lifecycle rules from the model."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.stateful import keep
from stacks.model import App, Bucket


class Buckets(pulumi.ComponentResource):
    buckets: dict[str, aws.s3.Bucket]

    def __init__(self, name: str, app: App, key_arn: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("shipyard:aws:Buckets", name, None, opts)
        self.buckets = {bucket_name: self._bucket(f"{name}-{bucket_name}", app, spec, key_arn) for bucket_name, spec in app.buckets.items()}
        self.register_outputs({n: b.bucket for n, b in self.buckets.items()})

    def _bucket(self, name: str, app: App, spec: Bucket, key_arn: pulumi.Input[str]) -> aws.s3.Bucket:
        bucket = aws.s3.Bucket(name, force_destroy=False, opts=keep(self, app.protect))
        child = pulumi.ResourceOptions(parent=bucket)
        aws.s3.BucketOwnershipControls(name, bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child)
        aws.s3.BucketPublicAccessBlock(
            name,
            bucket=bucket.id,
            block_public_acls=True,
            ignore_public_acls=True,
            block_public_policy=not spec.public,
            restrict_public_buckets=not spec.public,
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            bucket=bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key_arn},
                    "bucket_key_enabled": True,
                }
            ],
            opts=child,
        )
        aws.s3.BucketVersioning(
            name, bucket=bucket.id, versioning_configuration={"status": "Enabled" if spec.versioning else "Suspended"}, opts=child
        )
        rules: list[dict[str, object]] = [
            {
                "id": "abort-incomplete-uploads",
                "status": "Enabled",
                "filter": {},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
            }
        ]
        if spec.expire_after_days:
            rules.append({"id": "expire-objects", "status": "Enabled", "filter": {}, "expiration": {"days": spec.expire_after_days}})
        if spec.versioning and spec.noncurrent_expire_after_days:
            rules.append(
                {
                    "id": "expire-old-versions",
                    "status": "Enabled",
                    "filter": {},
                    "noncurrent_version_expiration": {"noncurrent_days": spec.noncurrent_expire_after_days},
                }
            )
        aws.s3.BucketLifecycleConfiguration(name, bucket=bucket.id, rules=rules, opts=child)
        objects = pulumi.Output.concat(bucket.arn, "/*")
        statements: list[dict[str, object]] = [
            {
                # TLS only, for every caller.
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket.arn, objects],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ]
        if spec.public:
            statements.append({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": objects})
        aws.s3.BucketPolicy(
            name,
            bucket=bucket.id,
            policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements}),
            opts=child,
        )
        return bucket
