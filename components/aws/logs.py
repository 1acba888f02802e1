"""Where the app's logs go: the app key's policy for CloudWatch Logs, and one bucket for access logs.

CloudWatch log groups (containers, VPC flow logs, WAF) are encrypted with the app's KMS key. CloudWatch Logs uses
the key as the service principal `logs.<region>.amazonaws.com`, so the key policy must allow that principal, bound
by the encryption context `kms:EncryptionContext:aws:logs:arn` to this account's log groups in this region
(CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs using AWS Key Management Service", step 2; KMS
refuses the association otherwise). Readers need no KMS permission of their own: CloudWatch Logs decrypts for them.

The access-log bucket takes the load balancer's access logs and the app buckets' S3 server access logs. Both
deliveries write with S3-managed keys only, so it is encrypted with SSE-S3, not the app's key:
- ALB access logs: "The only server-side encryption option that's supported is Amazon S3-managed keys (SSE-S3)"
  (ELB user guide, "Enable access logs for your Application Load Balancer", step 1, requirements).
- S3 server access logs: the destination bucket's default encryption may be SSE-S3 only; SSE-KMS is not supported
  (S3 user guide, "Enabling Amazon S3 server access logging", destination bucket requirements).
Who writes depends on the region (ELB user guide, same page, step 2): in Regions available before August 2022, the
Elastic Load Balancing account of the region; in Regions available since, the log delivery service principal
`logdelivery.elasticloadbalancing.amazonaws.com`. The accounts are those of the ELB guide, as
hashicorp/terraform-provider-aws internal/service/elb/service_account_data_source.go lists them (me-central-1, opened
August 2022, has none). S3 server access logs come from `logging.s3.amazonaws.com`, admitted for this account's app
buckets only (S3 user guide, "Enabling Amazon S3 server access logging": with Object Ownership "bucket owner
enforced", a bucket policy for that principal, bound by aws:SourceArn and aws:SourceAccount). Objects expire after
`EXPIRE_AFTER_DAYS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from components.stateful import keep

# A year, the retention PCI DSS asks of audit trails (requirement 10.5.1); access logs are the request audit trail.
EXPIRE_AFTER_DAYS = 365
LOAD_BALANCER_PREFIX = "load-balancer"
BUCKETS_PREFIX = "s3"
LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com"
S3_LOGGING_PRINCIPAL = "logging.s3.amazonaws.com"
# Elastic Load Balancing's account per Region available before August 2022 (see the module docstring).
ELB_ACCOUNTS = {
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-gov-east-1": "190560391635",
    "us-gov-west-1": "048591011584",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
}
# What CloudWatch Logs does with the key. Source: the CloudWatch Logs guide's key policy (module docstring).
LOGS_KEY_ACTIONS = ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"]


def app_key_policy(account_id: pulumi.Input[str], region: str, parent: pulumi.Resource) -> pulumi.Output[str]:
    """The app key's policy: the account administers it through IAM (as the default key policy does), and CloudWatch
    Logs in `region` may use it for this account's log groups there."""
    partition = aws.get_partition_output(opts=pulumi.InvokeOptions(parent=parent))
    root = pulumi.Output.concat("arn:", partition.partition, ":iam::", account_id, ":root")
    log_groups = pulumi.Output.concat("arn:", partition.partition, ":logs:", region, ":", account_id, ":log-group:*")
    statements: list[dict[str, Any]] = [
        {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
        {
            "Sid": "CloudWatchLogsEncrypts",
            "Effect": "Allow",
            "Principal": {"Service": pulumi.Output.concat("logs.", region, ".", partition.dns_suffix)},
            "Action": LOGS_KEY_ACTIONS,
            "Resource": "*",
            "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}},
        },
    ]
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements})


def load_balancer_log_writer(region: str, partition: pulumi.Input[str]) -> dict[str, Any]:
    """The principal that delivers a load balancer's access logs in `region`."""
    account = ELB_ACCOUNTS.get(region)
    if account is None:
        return {"Service": LOG_DELIVERY_PRINCIPAL}
    if isinstance(partition, str):
        return {"AWS": f"arn:{partition}:iam::{account}:root"}
    return {"AWS": pulumi.Output.concat("arn:", partition, ":iam::", account, ":root")}


class AccessLogs(pulumi.ComponentResource):
    bucket: aws.s3.Bucket
    # The bucket policy: a writer configured before it exists is refused (ELB checks it when access logs are enabled).
    policy: aws.s3.BucketPolicy

    def __init__(
        self,
        name: str,
        region: str,
        account_id: pulumi.Input[str],
        sources: Mapping[str, aws.s3.Bucket],
        load_balancer: bool,
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """An SSE-S3 bucket for access logs: the load balancer's (with `load_balancer`) under `load-balancer/`, and each of
        `sources`' S3 server access logs under `s3/<bucket>/`. Kept `EXPIRE_AFTER_DAYS`, protected with `protect`."""
        super().__init__("shipyard:aws:AccessLogs", name, None, opts)
        bucket_name = f"{name}-access-logs"
        # Autonamed: logs of two stacks never share a bucket, and a destroyed stack leaves no name behind. Protected
        # logs are kept (a delete of a non-empty bucket fails); an unprotected stack's logs go with it on destroy.
        bucket = self.bucket = aws.s3.Bucket(bucket_name, force_destroy=not protect, opts=keep(self, protect))
        child = pulumi.ResourceOptions(parent=bucket)
        aws.s3.BucketOwnershipControls(bucket_name, bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child)
        access_block = aws.s3.BucketPublicAccessBlock(
            bucket_name,
            bucket=bucket.id,
            block_public_acls=True,
            ignore_public_acls=True,
            block_public_policy=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            bucket_name, bucket=bucket.id, rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}], opts=child
        )
        aws.s3.BucketLifecycleConfiguration(
            bucket_name,
            bucket=bucket.id,
            rules=[
                {"id": "expire-logs", "status": "Enabled", "filter": {}, "expiration": {"days": EXPIRE_AFTER_DAYS}},
                {
                    "id": "abort-incomplete-uploads",
                    "status": "Enabled",
                    "filter": {},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                },
            ],
            opts=child,
        )
        partition = aws.get_partition_output(opts=pulumi.InvokeOptions(parent=self)).partition
        statements: list[dict[str, Any]] = [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket.arn, pulumi.Output.concat(bucket.arn, "/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ]
        if load_balancer:
            statements.append(
                {
                    "Sid": "LoadBalancerAccessLogs",
                    "Effect": "Allow",
                    "Principal": load_balancer_log_writer(region, partition),
                    "Action": "s3:PutObject",
                    "Resource": pulumi.Output.concat(bucket.arn, f"/{LOAD_BALANCER_PREFIX}/AWSLogs/", account_id, "/*"),
                }
            )
        if sources:
            statements.append(
                {
                    "Sid": "S3ServerAccessLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": S3_LOGGING_PRINCIPAL},
                    "Action": "s3:PutObject",
                    "Resource": pulumi.Output.concat(bucket.arn, f"/{BUCKETS_PREFIX}/*"),
                    "Condition": {
                        "ArnLike": {"aws:SourceArn": [source.arn for _, source in sorted(sources.items())]},
                        "StringEquals": {"aws:SourceAccount": account_id},
                    },
                }
            )
        self.policy = aws.s3.BucketPolicy(
            bucket_name,
            bucket=bucket.id,
            policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements}),
            opts=pulumi.ResourceOptions(parent=bucket, depends_on=[access_block]),
        )
        for source_name, source in sorted(sources.items()):
            # A setting of the source bucket, so its child (as its versioning and policy are).
            aws.s3.BucketLogging(
                f"{name}-{source_name}",
                bucket=source.id,
                target_bucket=bucket.id,
                target_prefix=f"{BUCKETS_PREFIX}/{source_name}/",
                opts=pulumi.ResourceOptions(parent=source, depends_on=[self.policy]),
            )
        self.register_outputs({"bucket": bucket.bucket})
