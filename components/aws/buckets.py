"""S3 buckets: private (or public-read when the model says so), encrypted, versioned, with lifecycle rules from the model."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pulumi
import pulumi_aws as aws

from components.stateful import keep
from stacks.model import Bucket

# The tag that says "the model declared this bucket public-read". The policy pack (policy/rules.py, which cannot
# import the program) reads the same tag and then accepts the open public access block only together with the
# exact public-read policy below.
PUBLIC_READ_TAG = "public-read"


class Buckets(pulumi.ComponentResource):
    buckets: dict[str, aws.s3.Bucket]
    # A site's bucket policy also admits the CDN, which is made after the buckets: `admit_cdn` writes it from these
    # (logical name, bucket, statements so far, public access block).
    _site_policies: list[tuple[str, aws.s3.Bucket, list[dict[str, object]], aws.s3.BucketPublicAccessBlock]]

    def __init__(
        self,
        name: str,
        buckets: Mapping[str, Bucket],
        protect: bool,
        key_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """One S3 bucket per entry of `buckets`, named `<name>-<bucket>`; private ones encrypted with `key_arn`."""
        super().__init__("shipyard:aws:Buckets", name, None, opts)
        self._site_policies = []
        self.buckets = {bucket_name: self._bucket(f"{name}-{bucket_name}", spec, protect, key_arn) for bucket_name, spec in buckets.items()}
        self.register_outputs({n: b.bucket for n, b in self.buckets.items()})

    def _bucket(self, name: str, spec: Bucket, protect: bool, key_arn: pulumi.Input[str]) -> aws.s3.Bucket:
        tags = {PUBLIC_READ_TAG: "true"} if spec.public else None
        bucket = aws.s3.Bucket(name, force_destroy=False, tags=tags, opts=keep(self, protect))
        child = pulumi.ResourceOptions(parent=bucket)
        aws.s3.BucketOwnershipControls(name, bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child)
        access_block = aws.s3.BucketPublicAccessBlock(
            name,
            bucket=bucket.id,
            block_public_acls=True,
            ignore_public_acls=True,
            block_public_policy=not spec.public,
            restrict_public_buckets=not spec.public,
            opts=child,
        )
        # A public-read bucket is encrypted with S3-managed keys (SSE-S3, AES256), not the app's KMS key: S3 decrypts an
        # SSE-KMS object only for a SigV4-signed request, so anonymous GETs of SSE-KMS objects fail (AWS re:Post,
        # "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4":
        # https://repost.aws/knowledge-center/s3-kms-signature-version-error, "You made an anonymous request").
        # The default applies to new objects only: objects stored before a bucket turned public keep their KMS encryption
        # until copied over themselves. Private buckets keep SSE-KMS with the app's key.
        # A site's bucket likewise: CloudFront's origin access control reads SSE-KMS objects only when the key's policy
        # admits CloudFront for that distribution (CloudFront developer guide, "Restrict access to an Amazon S3 origin",
        # SSE-KMS), and the app's key is made before any distribution; a site holds only what anyone may read.
        s3_managed = spec.public or spec.site is not None
        by_default: dict[str, pulumi.Input[str]] = (
            {"sse_algorithm": "AES256"} if s3_managed else {"sse_algorithm": "aws:kms", "kms_master_key_id": key_arn}
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": by_default, "bucket_key_enabled": not s3_managed}],
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
        if spec.site is not None:
            self._site_policies.append((name, bucket, statements, access_block))
        else:
            self._policy(name, bucket, statements, access_block)
        return bucket

    def _policy(
        self, name: str, bucket: aws.s3.Bucket, statements: list[dict[str, object]], access_block: aws.s3.BucketPublicAccessBlock
    ) -> None:
        # After the public access block: while block_public_policy is still true (a new bucket's default, or the block's
        # previous state) S3 rejects a public policy with AccessDenied ("Setting this element to TRUE causes Amazon S3 to
        # reject calls to PUT Bucket policy if the specified bucket policy allows public access":
        # https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html).
        aws.s3.BucketPolicy(
            name,
            bucket=bucket.id,
            policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements}),
            opts=pulumi.ResourceOptions(parent=bucket, depends_on=[access_block]),
        )

    def admit_cdn(self, reader: Callable[[aws.s3.Bucket], dict[str, object]]) -> None:
        """Write each site bucket's policy, with the statement `reader` gives for it (the CDN reading its objects)."""
        for name, bucket, statements, access_block in self._site_policies:
            self._policy(name, bucket, [*statements, reader(bucket)], access_block)
