"""List prices the cost estimate (`stacks/cost.py`) multiplies, each with the public page it came from.

Prices read on 2026-11-23 from the providers' public price pages (aws.amazon.com/<service>/pricing,
cloud.google.com/<product>/pricing) and, where those pages render their figures with JavaScript and the stored
text holds none, from the third-party pages that quote them (named in `via`). On-demand list prices in USD,
without free tiers, credits, Savings Plans or committed-use discounts.

Regions: us-east-1 (AWS) and us-central1 (GCP), the regions of the committed stacks `aws-prod` and `gcp-prod`;
a figure that is the same in every region is keyed `*`. A stack in another region gets no price from this
table: its lines are listed as unpriced, never as zero.

`confirmed=False` marks a figure that was not in the stored text of the page named (the page was read, the
number in it was not): it is the provider's figure as last known, to be checked against the page before
relying on it. The estimate marks the lines it prices with such a figure.
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
        via="hashicorp/terraform-provider-aws internal/service/rds (instance classes ordered by hourly list price, 2024-02-02)",
        confirmed=False,
        note="the figure read is RDS for MySQL's in us-west-2, which RDS for PostgreSQL in us-east-1 matches for this class",
    ),
    "aws.rds.postgres.db.m7g.xlarge": Price(
        {"us-east-1": 0.337},
        "instance-hour",
        *RDS,
        via="hashicorp/terraform-provider-aws internal/service/rds (instance classes ordered by hourly list price, 2024-02-02)",
        confirmed=False,
        note="the figure read is RDS for MySQL's in us-west-2",
    ),
    "aws.rds.storage.gp3": Price(
        {"us-east-1": 0.115},
        "GB-month",
        *RDS,
        via="https://www.usage.ai/blogs/aws/reserved-instances/rds/pricing-calculator/ (gp3 $0.115/GB-month, us-east-1); " + RDS_DOC,
        note="Single-AZ; Multi-AZ stores a second copy, billed again",
    ),
    # ElastiCache for Redis OSS, on-demand per node-hour.
    "aws.elasticache.cache.t4g.micro": Price({"us-east-1": 0.016}, "node-hour", *ELASTICACHE, confirmed=False),
    "aws.elasticache.cache.t4g.small": Price({"us-east-1": 0.032}, "node-hour", *ELASTICACHE, confirmed=False),
    "aws.elasticache.cache.t4g.medium": Price({"us-east-1": 0.065}, "node-hour", *ELASTICACHE, confirmed=False),
    "aws.waf.acl": Price(
        {ANY_REGION: 5.0},
        "web ACL-month",
        *WAF,
        via="https://c3x.dev/blog/aws-waf-cost-explained/; AWS blog 'Cost-effective ways for securing your web applications "
        "using AWS WAF' ('The pricing for AWS WAF is consistent across all AWS Regions')",
    ),
    "aws.waf.rule": Price({ANY_REGION: 1.0}, "rule-month", *WAF, via="https://c3x.dev/blog/aws-waf-cost-explained/"),
    "aws.waf.requests": Price({ANY_REGION: 0.60}, "million requests", *WAF, via="https://c3x.dev/blog/aws-waf-cost-explained/"),
    "aws.kms.key": Price({"us-east-1": 1.0}, "customer managed key-month", *KMS, confirmed=False),
    "aws.secretsmanager.secret": Price({"us-east-1": 0.40}, "secret-month", *SECRETS_MANAGER, confirmed=False),
    "aws.cloudwatch.alarm.standard": Price(
        {"us-east-1": 0.10},
        "alarm metric-month",
        *CLOUDWATCH,
        confirmed=False,
        note="standard resolution (period of 60 s or more); a metric-math alarm is billed per metric it reads",
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
    "aws.scheduler.invocations": Price({"us-east-1": 1.0}, "million invocations", *SCHEDULER, confirmed=False),
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
        note="Tier 1 regions; services with CPU always allocated (instance-based billing) and jobs",
    ),
    "gcp.run.workerpool.vcpu": Price(
        {"us-central1": 0.000018},
        "vCPU-second",
        *CLOUD_RUN,
        confirmed=False,
        note="worker pools bill every instance for its whole lifetime; the instance-based rate is used",
    ),
    "gcp.run.workerpool.gib": Price(
        {"us-central1": 0.000002},
        "GiB-second",
        *CLOUD_RUN,
        confirmed=False,
        note="worker pools bill every instance for its whole lifetime; the instance-based rate is used",
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
        {"us-central1": 0.17}, "GB-month", *CLOUD_SQL, confirmed=False, note="zonal; a REGIONAL (HA) instance is billed at twice the rate"
    ),
    # Memorystore for Redis per GB-hour of provisioned capacity, by tier and capacity band (M1: 1-4 GB).
    "gcp.redis.BASIC.M1": Price({"us-central1": 0.049}, "GB-hour", *MEMORYSTORE, confirmed=False),
    "gcp.redis.STANDARD_HA.M1": Price({"us-central1": 0.064}, "GB-hour", *MEMORYSTORE, confirmed=False),
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
    "gcp.scheduler.job": Price({ANY_REGION: 0.10}, "job-month", *CLOUD_SCHEDULER, confirmed=False),
    "gcp.logging.ingest": Price({ANY_REGION: 0.50}, "GiB ingested", *OBSERVABILITY, confirmed=False, note="Cloud Logging storage"),
}
