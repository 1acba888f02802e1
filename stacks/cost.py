"""The monthly cost of a rendered stack, from the list prices in `stacks/prices.py`.

Each billed resource of the render becomes one or more lines: a quantity per month at its lowest (every workload
at `scaling.min`) and at its highest (every workload at `scaling.max`, storage at its autoscaling ceiling), times
a unit price. Sizes come from the render (task and container sizes, instance classes, tiers, disks); instance
counts come from the model, since an autoscaled service's count is not in the render. Whatever is billed but not
priced here (usage the stack cannot know, a size missing from the table, a region without prices) is listed under
`unpriced` with the reason, never counted as zero. Every assumption is written into the result.

    estimate(rendering, app).as_dict()  ->  {"currency": "USD", "monthlyMin": ..., "monthlyMax": ..., "lines": [...],
                                             "unpriced": [...], "assumptions": [...], "prices": {...}}
"""

from __future__ import annotations

import datetime
import json
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from croniter import croniter

from stacks.model import App
from stacks.offline import Rendering, Resource
from stacks.prices import PRICES, READ_ON, Price

CURRENCY = "USD"
HOURS_PER_MONTH = 730  # 365 days x 24 hours / 12, the providers' own convention
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
LCU_PER_HOUR = 1.0
NAT_GB_PER_MONTH = 100.0
REQUESTS_MILLIONS_PER_MONTH = 10.0
LOAD_BALANCER_GB_PER_MONTH = 100.0
LOG_GB_PER_INSTANCE_MONTH = 1.0
LOG_GB_PER_JOB_MONTH = 0.1
FLOW_LOG_GB_PER_MONTH = 10.0
DEPLOYS_PER_MONTH = 20
JOB_RUN_MIN_SECONDS = 60

ASSUMPTIONS = [
    f"{HOURS_PER_MONTH} hours per month; every always-on resource runs all of them",
    "on-demand list prices; no free tier, credits, Savings Plans or committed-use discounts are applied",
    "monthlyMin runs every service at scaling.min, monthlyMax at scaling.max (a singleton or a GCP worker pool runs its fixed count "
    "in both); database disks at their size and at their autoscaling ceiling",
    f"traffic: {REQUESTS_MILLIONS_PER_MONTH:g} million requests per month through the WAF / Cloud Armor, "
    f"{LOAD_BALANCER_GB_PER_MONTH:g} GB per month through a GCP load balancer",
    f"AWS load balancer: {LCU_PER_HOUR:g} LCU on average every hour, and one public IPv4 address per zone it spans",
    f"AWS NAT gateways: {NAT_GB_PER_MONTH:g} GB per month processed in total (image pulls, third-party APIs), split evenly",
    f"logs: {LOG_GB_PER_INSTANCE_MONTH:g} GB per month per running service instance, {LOG_GB_PER_JOB_MONTH:g} GB per job, "
    f"{FLOW_LOG_GB_PER_MONTH:g} GB of VPC flow logs; log storage after ingestion is not priced",
    f"scheduled jobs: runs per month from their cron over a year; each run {JOB_RUN_MIN_SECONDS} s (min) to its timeout, times its "
    "retries on GCP (max); the release step runs once per deploy, "
    f"{DEPLOYS_PER_MONTH} deploys per month",
    "database backups within the free allowance (AWS: up to the provisioned storage); data transfer out to the internet is not priced",
]


@dataclass(frozen=True)
class Line:
    type: str
    name: str
    item: str  # what is billed, stable across changes: a cost diff matches lines by resource and item
    detail: str  # how much of it, as the render and the model say
    unit: str
    unit_price: float
    quantity_min: float
    quantity_max: float
    price: str  # key in PRICES
    confirmed: bool = True

    @property
    def monthly_min(self) -> float:
        return self.unit_price * self.quantity_min

    @property
    def monthly_max(self) -> float:
        return self.unit_price * self.quantity_max

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "name": self.name,
            "item": self.item,
            "detail": self.detail,
            "unit": self.unit,
            "unitPrice": self.unit_price,
            "quantityMin": _round(self.quantity_min, 6),
            "quantityMax": _round(self.quantity_max, 6),
            "monthlyMin": _round(self.monthly_min),
            "monthlyMax": _round(self.monthly_max),
            "price": self.price,
            **({} if self.confirmed else {"priceConfirmed": False}),
        }


@dataclass(frozen=True)
class Unpriced:
    type: str
    name: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"type": self.type, "name": self.name, "reason": self.reason}


@dataclass
class Estimate:
    region: str
    lines: list[Line] = field(default_factory=list)
    unpriced: list[Unpriced] = field(default_factory=list)

    @property
    def monthly_min(self) -> float:
        return sum(line.monthly_min for line in self.lines)

    @property
    def monthly_max(self) -> float:
        return sum(line.monthly_max for line in self.lines)

    def biggest(self, count: int) -> list[Line]:
        return sorted(self.lines, key=lambda line: (-line.monthly_max, -line.monthly_min, line.name, line.item))[:count]

    def as_dict(self) -> dict[str, Any]:
        used = sorted({line.price for line in self.lines})
        return {
            "currency": CURRENCY,
            "region": self.region,
            "monthlyMin": _round(self.monthly_min),
            "monthlyMax": _round(self.monthly_max),
            "lines": [line.as_dict() for line in self.lines],
            "unpriced": [u.as_dict() for u in self.unpriced],
            "assumptions": ASSUMPTIONS,
            "pricesReadOn": READ_ON,
            "prices": {key: _price_dict(PRICES[key], self.region) for key in used},
        }


def _round(value: float, digits: int = 2) -> float:
    rounded = round(value + 0.0, digits)
    return rounded + 0.0  # no -0.0


def _price_dict(price: Price, region: str) -> dict[str, Any]:
    return {
        "usd": price.in_region(region),
        "unit": price.unit,
        "source": price.source,
        "title": price.title,
        **({"via": price.via} if price.via else {}),
        **({"note": price.note} if price.note else {}),
        **({} if price.confirmed else {"confirmed": False}),
        "readOn": price.read_on,
    }


# ---------------------------------------------------------------------------------------------------------------------
# What is not billed, and what is billed by usage the stack cannot know

FREE: dict[str, str] = {
    "aws:acm/certificate:Certificate": "public ACM certificates are free",
    "aws:acm/certificateValidation:CertificateValidation": "no cloud object",
    "aws:appautoscaling/policy:Policy": "no charge",
    "aws:cloudfront/cachePolicy:CachePolicy": "no charge",
    "aws:cloudfront/originAccessControl:OriginAccessControl": "no charge",
    "aws:appautoscaling/target:Target": "no charge",
    "aws:cloudwatch/eventRule:EventRule": "rules matching AWS service events on the default bus are free",
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": "AWS Chatbot has no charge; the notifications are SNS's",
    "aws:cloudwatch/eventTarget:EventTarget": "no charge",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "no charge",
    "aws:ec2/flowLog:FlowLog": "billed as ingestion into its log group",
    "aws:ec2/internetGateway:InternetGateway": "no charge",
    "aws:ec2/routeTable:RouteTable": "no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "no charge",
    "aws:ec2/securityGroup:SecurityGroup": "no charge",
    "aws:ec2/subnet:Subnet": "no charge",
    "aws:ec2/vpc:Vpc": "no charge",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "no charge",
    "aws:ecs/taskDefinition:TaskDefinition": "billed through the service, schedule or release step that runs it",
    "aws:elasticache/subnetGroup:SubnetGroup": "no charge",
    "aws:iam/role:Role": "no charge",
    "aws:iam/rolePolicy:RolePolicy": "no charge",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "no charge",
    "aws:kms/alias:Alias": "no charge",
    "aws:lb/listener:Listener": "billed with the load balancer",
    "aws:lb/listenerRule:ListenerRule": "billed with the load balancer (rule evaluations count towards LCUs)",
    "aws:lb/targetGroup:TargetGroup": "no charge",
    "aws:rds/parameterGroup:ParameterGroup": "no charge",
    "aws:rds/subnetGroup:SubnetGroup": "no charge",
    "aws:route53/record:Record": "records are not billed; alias queries to AWS resources are free, the zone is not created by the stack",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "no charge",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "no charge",
    "aws:s3/bucketPolicy:BucketPolicy": "no charge",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "no charge",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "no charge (KMS requests aside)",
    "aws:s3/bucketVersioning:BucketVersioning": "billed as the storage of the versions kept",
    "aws:secretsmanager/secretVersion:SecretVersion": "billed per secret, not per version",
    "aws:sns/topicPolicy:TopicPolicy": "no charge",
    "aws:sns/topicSubscription:TopicSubscription": "billed per notification delivered, with the topic",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "billed with the web ACL",
    "docker:index/image:Image": "billed as registry storage",
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": "no charge",
    "gcp:cloudrunv2/jobIamMember:JobIamMember": "no charge",
    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember": "no charge",
    "gcp:compute/backendBucketSignedUrlKey:BackendBucketSignedUrlKey": "no charge",
    "gcp:compute/managedSslCertificate:ManagedSslCertificate": "Google-managed certificates are free",
    "gcp:compute/network:Network": "no charge",
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": "serverless NEGs are not billed",
    "gcp:compute/router:Router": "Cloud Router is free when it only serves Cloud NAT",
    "gcp:compute/sSLPolicy:SSLPolicy": "no charge",
    "gcp:compute/subnetwork:Subnetwork": "no charge",
    "gcp:compute/targetHttpProxy:TargetHttpProxy": "billed with the forwarding rules",
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy": "billed with the forwarding rules",
    "gcp:compute/uRLMap:URLMap": "billed with the forwarding rules",
    "gcp:dns/recordSet:RecordSet": "records are not billed; the managed zone is not created by the stack",
    "gcp:monitoring/dashboard:Dashboard": "no charge",
    "gcp:monitoring/notificationChannel:NotificationChannel": "no charge",
    "gcp:projects/iAMMember:IAMMember": "no charge",
    "gcp:projects/service:Service": "no charge",
    "gcp:secretmanager/secret:Secret": "billed per active version",
    "gcp:secretmanager/secretIamMember:SecretIamMember": "no charge",
    "gcp:serviceaccount/account:Account": "no charge",
    "gcp:servicenetworking/connection:Connection": "no charge",
    "gcp:sql/database:Database": "billed with its instance",
    "gcp:sql/user:User": "billed with its instance",
    "gcp:storage/bucketIAMMember:BucketIAMMember": "no charge",
    "gcp:pubsub/topicIAMMember:TopicIAMMember": "no charge",
    "random:index/randomBytes:RandomBytes": "no cloud object",
    "random:index/randomId:RandomId": "no cloud object",
    "random:index/randomPassword:RandomPassword": "no cloud object",
}

# `cloud: docker`: the containers, networks, volumes, images and certificates cost nothing of their own; the host does.
HOST_REASON = "the Docker host's own price (a laptop, or a server at its provider's rate): one machine runs every container"
for _docker_type in (
    "docker:index/container:Container",
    "docker:index/network:Network",
    "docker:index/volume:Volume",
    "docker:index/remoteImage:RemoteImage",
    "tls:index/privateKey:PrivateKey",
    "tls:index/selfSignedCert:SelfSignedCert",
    "tls:index/certRequest:CertRequest",
    "tls:index/locallySignedCert:LocallySignedCert",
):
    FREE[_docker_type] = "no charge: it runs on, or is kept by, the Docker host, whose price is listed as unpriced"

CERTIFICATE_MANAGER_PRICE = (
    "Google's Certificate Manager price page (cloud.google.com/certificate-manager/pricing) was not in the stored text read; "
    "third-party pages say certificates beyond the first 100 of a project cost $0.20 a month "
    "(project-planton.org/docs/catalog/gcp/gcpcertmanagercert) and that map entries are billed too beyond a free allowance "
    "(visualfoodie.com/understanding-gcp-certificate-manager-costs), so the charge depends on the project's other "
    "certificates and entries, which the stack does not know"
)

USAGE: dict[str, str] = {
    "aws:cloudfront/distribution:Distribution": "CloudFront: billed per GB served to viewers and per request (origin fetches "
    "from the load balancer and S3 are free); the traffic is not known",
    "aws:cloudfront/function:Function": "CloudFront Functions: billed per invocation (every request on its paths); not estimated",
    "aws:ecr/repository:Repository": "billed per GB of images stored; the image volume is not known",
    "aws:s3/bucket:Bucket": "billed per GB stored and per request; the data volume is not known",
    "aws:s3/bucketLogging:BucketLogging": "server access logs are billed as the storage of the log objects; volume unknown",
    "aws:sfn/stateMachine:StateMachine": "Step Functions bills per state transition of each run; not in the price table",
    "aws:sns/topic:Topic": "billed per request and notification delivered (alarms, and the app's `topics`); not estimated",
    "gcp:pubsub/topic:Topic": "billed per TiB of messages published and delivered (the app's `topics`); not estimated",
    "aws:sqs/queue:Queue": "billed per request; the dead-letter queue receives only failed starts",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": "a Route 53 private hosted zone, billed per zone-month and per "
    "query; not in the price table",
    "aws:servicediscovery/service:Service": "Cloud Map: billed per registered instance and per lookup; not in the price table",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "billed as log ingestion of the WAF's request logs; volume unknown",
    "gcp:artifactregistry/repository:Repository": "billed per GB of images stored beyond 0.5 GB; the image volume is not known",
    "gcp:compute/backendBucket:BackendBucket": "Cloud CDN: billed per GB served from the cache, per GB of cache fill and per "
    "lookup; the traffic is not known",
    "gcp:storage/bucket:Bucket": "billed per GB stored and per operation; the data volume is not known",
    # Certificate Manager (the edge with `allowFrom`): not priced, see CERTIFICATE_MANAGER_PRICE.
    "gcp:certificatemanager/certificate:Certificate": f"a Google-managed certificate: {CERTIFICATE_MANAGER_PRICE}",
    "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry": f"a certificate map entry: {CERTIFICATE_MANAGER_PRICE}",
    "gcp:certificatemanager/certificateMap:CertificateMap": "a certificate map: no charge of its own is known (the third-party "
    f"pages bill only certificates and map entries), not confirmed: {CERTIFICATE_MANAGER_PRICE}",
    "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": "a DNS authorization: no charge of its own is known (the "
    f"third-party pages bill only certificates and map entries), not confirmed: {CERTIFICATE_MANAGER_PRICE}",
    "gcp:monitoring/alertPolicy:AlertPolicy": "Cloud Monitoring alerting is billed per condition and per time series it reads; "
    "not in the price table",
    "gcp:projects/iAMAuditConfig:IAMAuditConfig": "data-access audit logs are billed as Cloud Logging ingestion; volume unknown",
    "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": "billed per check execution beyond the monthly free allowance; not estimated",
}


# ---------------------------------------------------------------------------------------------------------------------
# Pricing one resource


@dataclass
class _Context:
    rendering: Rendering
    app: App
    region: str
    estimate: Estimate
    by_urn: dict[str, Resource]

    def workload(self, resource: Resource) -> str | None:
        prefix = f"{self.app.name}-"
        return resource.name[len(prefix) :] if resource.name.startswith(prefix) else None

    def line(self, resource: Resource, item: str, detail: str, key: str, quantity_min: float, quantity_max: float | None = None) -> None:
        price = PRICES.get(key)
        amount = price.in_region(self.region) if price else None
        if price is None or amount is None:
            where = f"in {self.region}" if price else "at all"
            self.unpriced(resource, f"{item} ({detail}): no price {where} in stacks/prices.py (`{key}`)")
            return
        maximum = quantity_min if quantity_max is None else quantity_max
        self.estimate.lines.append(
            Line(resource.type, resource.name, item, detail, price.unit, amount, quantity_min, maximum, key, price.confirmed)
        )

    def unpriced(self, resource: Resource, reason: str) -> None:
        self.estimate.unpriced.append(Unpriced(resource.type, resource.name, reason))


def _number(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _instances(ctx: _Context, resource: Resource, fallback: tuple[float, float]) -> tuple[int | float, int | float]:
    svc = ctx.app.services.get(ctx.workload(resource) or "")
    if svc is None:
        return fallback
    return svc.instances.min, svc.instances.max


def runs_per_month(schedule: str, time_zone: str = "UTC") -> float:
    """How often a 5-field cron fires in an average month: its firings over 2026, divided by 12."""
    zone = zoneinfo.ZoneInfo(time_zone)
    start = datetime.datetime(2026, 1, 1, tzinfo=zone)
    end = datetime.datetime(2027, 1, 1, tzinfo=zone)
    runs = croniter(schedule, start - datetime.timedelta(seconds=1))
    count = 0
    while runs.get_next(datetime.datetime) < end:
        count += 1
    return count / 12


# ---- AWS


def _fargate(ctx: _Context, resource: Resource, task: Resource, item: str, count: str, task_hours: tuple[float, float]) -> None:
    cpu = _number(task.inputs.get("cpu")) / 1024
    memory = _number(task.inputs.get("memory")) / 1024
    architecture = str((task.inputs.get("runtimePlatform") or {}).get("cpuArchitecture", "X86_64")).lower()
    architecture = "arm64" if architecture == "arm64" else "x86_64"
    low, high = task_hours
    ctx.line(resource, f"{item}vCPU", f"{cpu:g} vCPU {architecture}, {count}", f"aws.fargate.vcpu.{architecture}", cpu * low, cpu * high)
    ctx.line(resource, f"{item}memory", f"{memory:g} GB, {count}", f"aws.fargate.gb.{architecture}", memory * low, memory * high)


def _task_definition(ctx: _Context, resource: Resource, key: str = "taskDefinition") -> Resource | None:
    for urn in resource.property_dependencies.get(key, []):
        found = ctx.by_urn.get(urn)
        if found is not None and found.type == "aws:ecs/taskDefinition:TaskDefinition":
            return found
    names = [r for r in ctx.rendering.of_type("aws:ecs/taskDefinition:TaskDefinition") if r.name == resource.name]
    return names[0] if names else None


def _ecs_service(ctx: _Context, r: Resource) -> None:
    task = _task_definition(ctx, r)
    if task is None:
        ctx.unpriced(r, "its task definition is not in the render")
        return
    desired = _number(r.inputs.get("desiredCount"), 1)
    low, high = _instances(ctx, r, (desired, desired))
    _fargate(ctx, r, task, "Fargate ", f"{low:g}-{high:g} tasks", (low * HOURS_PER_MONTH, high * HOURS_PER_MONTH))
    if (r.inputs.get("networkConfiguration") or {}).get("assignPublicIp") is True:
        # `aws.publicTasks`: every running task holds a public IPv4 address.
        ctx.line(
            r, "public IPv4 addresses", f"{low:g}-{high:g} tasks, one each", "aws.ipv4.hour", low * HOURS_PER_MONTH, high * HOURS_PER_MONTH
        )
    svc = ctx.app.services.get(ctx.workload(r) or "")
    if svc is not None and svc.rollout.shifts_traffic:
        # Blue/green, canary and linear run a whole second set of tasks from the shift's start to the end of the bake.
        hours = DEPLOYS_PER_MONTH * svc.rollout.minutes / 60
        overlap = f"{DEPLOYS_PER_MONTH} releases of {svc.rollout.minutes} min beside the old tasks"
        _fargate(ctx, r, task, "release overlap ", overlap, (low * hours, high * hours))


def _schedule(ctx: _Context, r: Resource) -> None:
    job = ctx.app.jobs.get(ctx.workload(r) or "")
    if job is None:
        ctx.unpriced(r, "no job in the model for this schedule: how often it runs is unknown")
        return
    runs = runs_per_month(job.schedule, job.time_zone)
    ctx.line(r, "scheduler invocations", f"{runs:.4g} per month", "aws.scheduler.invocations", runs / 1e6)
    task = _task_definition(ctx, r, "target")
    if task is None:
        ctx.unpriced(r, "the task definition it runs is not in the render")
        return
    # ECS enforces no timeout; the job is told its timeout, and Fargate bills at least a minute per task.
    longest = max(job.timeout_seconds, JOB_RUN_MIN_SECONDS)
    runs_text = f"{runs:.4g} runs of {JOB_RUN_MIN_SECONDS}-{longest} s"
    _fargate(ctx, r, task, "job Fargate ", runs_text, (runs * JOB_RUN_MIN_SECONDS / 3600, runs * longest / 3600))


def _release_task(ctx: _Context, r: Resource) -> None:
    if ctx.workload(r) != "migrate" or ctx.app.migrate is None:
        return  # other task definitions are billed through their service or schedule
    longest = max(ctx.app.migrate.timeout_seconds, JOB_RUN_MIN_SECONDS)
    runs_text = f"{DEPLOYS_PER_MONTH} runs of {JOB_RUN_MIN_SECONDS}-{longest} s"
    hours = (DEPLOYS_PER_MONTH * JOB_RUN_MIN_SECONDS / 3600, DEPLOYS_PER_MONTH * longest / 3600)
    _fargate(ctx, r, r, "release step Fargate ", runs_text, hours)


def _load_balancer(ctx: _Context, r: Resource) -> None:
    ctx.line(r, "load balancer", "Application Load Balancer", "aws.alb.hour", HOURS_PER_MONTH)
    ctx.line(r, "load balancer capacity units", f"{LCU_PER_HOUR:g} LCU every hour", "aws.alb.lcu", LCU_PER_HOUR * HOURS_PER_MONTH)
    if not r.inputs.get("internal"):
        zones = len(r.inputs.get("subnets") or []) or 1
        ctx.line(r, "public IPv4 addresses", f"{zones}, one per zone", "aws.ipv4.hour", zones * HOURS_PER_MONTH)


def _nat_gateway(ctx: _Context, r: Resource) -> None:
    gateways = len(ctx.rendering.of_type(r.type)) or 1
    ctx.line(r, "NAT gateway", f"1 of {gateways}", "aws.nat.hour", HOURS_PER_MONTH)
    share = NAT_GB_PER_MONTH / gateways
    ctx.line(r, "NAT data processed", f"{share:g} GB", "aws.nat.gb", share)


def _eip(ctx: _Context, r: Resource) -> None:
    ctx.line(r, "public IPv4 address", "elastic IP", "aws.ipv4.hour", HOURS_PER_MONTH)


def _rds(ctx: _Context, r: Resource) -> None:
    replica = bool(r.inputs.get("replicateSourceDb"))
    engine = r.inputs.get("engine") or ("postgres" if replica else None)
    if engine != "postgres":
        ctx.unpriced(r, f"engine {engine!r}: only PostgreSQL is in the price table")
        return
    klass = str(r.inputs.get("instanceClass"))
    multi_az = bool(r.inputs.get("multiAz"))
    copies = 2 if multi_az else 1
    where = "Multi-AZ: primary and standby" if multi_az else "Single-AZ"
    ctx.line(r, "read replica" if replica else "instance", f"{klass}, {where}", f"aws.rds.postgres.{klass}", copies * HOURS_PER_MONTH)
    storage_type = r.inputs.get("storageType", "gp3" if replica else None)
    if storage_type != "gp3":
        ctx.unpriced(r, f"storage type {storage_type!r}: only gp3 is in the price table")
        return
    if replica:
        source = ctx.app.database
        size = float(source.storage_gb) if source else 0.0
        ceiling = float(source.max_storage_gb) if source else size
    else:
        size = _number(r.inputs.get("allocatedStorage"))
        ceiling = max(size, _number(r.inputs.get("maxAllocatedStorage"), size))
    copies_text = f"{copies} cop{'ies' if copies > 1 else 'y'}"
    ctx.line(r, "gp3 storage", f"{size:g}-{ceiling:g} GB x {copies_text}", "aws.rds.storage.gp3", size * copies, ceiling * copies)


def _elasticache(ctx: _Context, r: Resource) -> None:
    node = str(r.inputs.get("nodeType"))
    nodes = _number(r.inputs.get("numCacheClusters"), 1)
    ctx.line(r, "cache nodes", f"{nodes:g} x {node}", f"aws.elasticache.{node}", nodes * HOURS_PER_MONTH)


def _web_acl(ctx: _Context, r: Resource) -> None:
    rules = _json(r.inputs.get("rules")) or []
    ctx.line(r, "web ACL", "AWS WAF", "aws.waf.acl", 1)
    ctx.line(r, "WAF rules", f"{len(rules)} rules and rule groups", "aws.waf.rule", len(rules))
    ctx.line(r, "WAF requests", f"{REQUESTS_MILLIONS_PER_MONTH:g} million", "aws.waf.requests", REQUESTS_MILLIONS_PER_MONTH)


def _kms_key(ctx: _Context, r: Resource) -> None:
    ctx.line(r, "KMS key", "customer managed", "aws.kms.key", 1)


def _secret(ctx: _Context, r: Resource) -> None:
    ctx.line(r, "secret", "Secrets Manager", "aws.secretsmanager.secret", 1)


def _alarm(ctx: _Context, r: Resource) -> None:
    queries = r.inputs.get("metricQueries") or []
    metrics = sum(1 for q in queries if isinstance(q, dict) and q.get("metric")) if queries else 1
    periods = [_number(r.inputs.get("period"), 60)] + [_number((q.get("metric") or {}).get("period"), 60) for q in queries]
    if min(periods) < 60:
        ctx.unpriced(r, "a high-resolution alarm (period under 60 s): not in the price table")
        return
    detail = f"{metrics} metric{'s' if metrics != 1 else ''}, standard resolution"
    ctx.line(r, "alarm", detail, "aws.cloudwatch.alarm.standard", metrics)


def _dashboard(ctx: _Context, r: Resource) -> None:
    ctx.line(r, "dashboard", "CloudWatch", "aws.cloudwatch.dashboard", 1)


def _log_group(ctx: _Context, r: Resource) -> None:
    name = ctx.workload(r) or r.name
    svc = ctx.app.services.get(name)
    if name == "flow-logs":
        low = high = FLOW_LOG_GB_PER_MONTH
        what = "VPC flow logs"
    elif svc is not None:
        low, high = svc.instances.min * LOG_GB_PER_INSTANCE_MONTH, svc.instances.max * LOG_GB_PER_INSTANCE_MONTH
        what = f"{svc.instances.min}-{svc.instances.max} tasks"
    else:
        low = high = LOG_GB_PER_JOB_MONTH
        what = "job"
    ctx.line(r, "log ingestion", f"{what}, {low:g}-{high:g} GB", "aws.cloudwatch.logs.ingest", low, high)


def _cluster(ctx: _Context, r: Resource) -> None:
    settings = {s.get("name"): s.get("value") for s in r.inputs.get("settings") or [] if isinstance(s, dict)}
    if settings.get("containerInsights") in ("enabled", "enhanced"):
        ctx.unpriced(r, "Container Insights is billed per metric (enhanced: per observation); not in the price table")


# ---- GCP


def _quantity(value: Any) -> float:
    """Kubernetes quantities: `1`, `1000m` CPUs; `512Mi`, `1Gi`, `1G` memory (returned in GiB; plain numbers are bytes)."""
    match = re.fullmatch(r"([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G|T)?", str(value))
    if not match:
        return 0.0
    number, suffix = float(match.group(1)), match.group(2) or ""
    scale = {"m": 1e-3, "Ki": 2**-20, "Mi": 2**-10, "Gi": 1, "Ti": 2**10, "k": 1e3 / 2**30, "M": 1e6 / 2**30, "G": 1e9 / 2**30}
    return number * scale.get(suffix, 1)


def _container_size(template: Any) -> tuple[float, float, bool]:
    """(vCPU, GiB, CPU always allocated) of the first container of a Cloud Run template."""
    containers = (template or {}).get("containers") or [{}]
    resources = containers[0].get("resources") or {}
    limits = resources.get("limits") or {}
    cpu = _quantity(limits.get("cpu", "1"))
    memory_text = str(limits.get("memory", "512Mi"))
    memory = float(memory_text) / 2**30 if memory_text.isdigit() else _quantity(memory_text)
    # Provider docs (cloudrunv2 Service, resources.cpu_idle): true by default only when `resources` is unset; with
    # resources set and no cpu_idle, CPU is always allocated: instance-based billing.
    always_allocated = bool(resources) and not resources.get("cpuIdle")
    return cpu, memory, always_allocated


def _cloud_run_lines(
    ctx: _Context, r: Resource, prefix: str, item: str, what: str, size: tuple[float, float], seconds: tuple[float, float]
) -> None:
    (cpu, memory), (low, high) = size, seconds
    ctx.line(r, f"{item} vCPU", f"{cpu:g} vCPU, {what}", f"{prefix}.vcpu", cpu * low, cpu * high)
    ctx.line(r, f"{item} memory", f"{memory:g} GiB, {what}", f"{prefix}.gib", memory * low, memory * high)


def _workload_logs(ctx: _Context, r: Resource, low: float, high: float) -> None:
    ctx.line(r, "log ingestion", f"{low:g}-{high:g} GiB", "gcp.logging.ingest", low, high)


def _cloud_run_service(ctx: _Context, r: Resource) -> None:
    template = _json(r.inputs.get("template")) or {}
    cpu, memory, always_allocated = _container_size(template)
    scaling = template.get("scaling") or {}
    low, high = _instances(ctx, r, (_number(scaling.get("minInstanceCount")), _number(scaling.get("maxInstanceCount"), 100)))
    if always_allocated:
        what = f"{low:g}-{high:g} instances, CPU always allocated"
        _cloud_run_lines(ctx, r, "gcp.run.instance", "Cloud Run", what, (cpu, memory), (low * SECONDS_PER_MONTH, high * SECONDS_PER_MONTH))
    else:
        ctx.unpriced(r, "request-based billing (CPU only during requests): billed per request-second, which the stack cannot know")
    _workload_logs(ctx, r, low * LOG_GB_PER_INSTANCE_MONTH, high * LOG_GB_PER_INSTANCE_MONTH)


def _worker_pool(ctx: _Context, r: Resource) -> None:
    cpu, memory, _ = _container_size(_json(r.inputs.get("template")))
    scaling = r.inputs.get("scaling") or {}
    if scaling.get("scalingMode", "MANUAL") != "MANUAL":
        ctx.unpriced(r, f"scaling mode {scaling.get('scalingMode')!r}: only manual worker pools are priced")
        return
    count = _number(scaling.get("manualInstanceCount"), 1)
    seconds = count * SECONDS_PER_MONTH
    _cloud_run_lines(ctx, r, "gcp.run.workerpool", "worker pool", f"{count:g} instances", (cpu, memory), (seconds, seconds))
    _workload_logs(ctx, r, count * LOG_GB_PER_INSTANCE_MONTH, count * LOG_GB_PER_INSTANCE_MONTH)


def _duration(text: Any, default: float) -> float:
    match = re.fullmatch(r"([0-9.]+)s", str(text))
    return float(match.group(1)) if match else default


def _cloud_run_job(ctx: _Context, r: Resource) -> None:
    outer = _json(r.inputs.get("template")) or {}
    inner = outer.get("template") or {}
    cpu, memory, _ = _container_size(inner)
    tasks = _number(outer.get("taskCount"), 1)
    retries = _number(inner.get("maxRetries"), 3)
    timeout = max(_duration(inner.get("timeout"), 600), JOB_RUN_MIN_SECONDS)
    name = ctx.workload(r) or ""
    job = ctx.app.jobs.get(name)
    if job is not None:
        runs, item = runs_per_month(job.schedule, job.time_zone), "job"
    elif name == "migrate":
        runs, item = DEPLOYS_PER_MONTH, "release step"
    else:
        ctx.unpriced(r, "a job the model does not schedule: how often it runs is unknown")
        return
    what = f"{runs:.4g} runs of {JOB_RUN_MIN_SECONDS}-{timeout:g} s, up to {1 + retries:g} tries"
    seconds = (runs * tasks * JOB_RUN_MIN_SECONDS, runs * tasks * timeout * (1 + retries))
    _cloud_run_lines(ctx, r, "gcp.run.instance", item, what, (cpu, memory), seconds)
    _workload_logs(ctx, r, LOG_GB_PER_JOB_MONTH, LOG_GB_PER_JOB_MONTH)


def _scheduler_job(ctx: _Context, r: Resource) -> None:
    ctx.line(r, "scheduler job", "Cloud Scheduler", "gcp.scheduler.job", 1)


def _tier_size(tier: str) -> tuple[float, float] | None:
    match = re.fullmatch(r"db-custom-(\d+)-(\d+)", tier)
    return (float(match.group(1)), float(match.group(2)) / 1024) if match else None


def _cloud_sql(ctx: _Context, r: Resource) -> None:
    settings = r.inputs.get("settings") or {}
    if not str(r.inputs.get("databaseVersion", "")).startswith("POSTGRES"):
        ctx.unpriced(r, "only PostgreSQL is in the price table")
        return
    tier = str(settings.get("tier"))
    size = _tier_size(tier)
    edition = settings.get("edition", "ENTERPRISE")
    if size is None or edition != "ENTERPRISE":
        ctx.unpriced(r, f"tier {tier} ({edition}): only dedicated-core Enterprise tiers (db-custom-N-M) are in the price table")
        return
    vcpus, memory = size
    regional = settings.get("availabilityType") == "REGIONAL"
    factor = 2 if regional else 1
    role = "read replica" if r.inputs.get("masterInstanceName") else "instance"
    where = "REGIONAL (HA), billed twice" if regional else "ZONAL"
    ctx.line(r, f"{role} vCPU", f"{vcpus:g} vCPU, {tier}, {where}", "gcp.sql.enterprise.vcpu", vcpus * factor * HOURS_PER_MONTH)
    ctx.line(r, f"{role} memory", f"{memory:g} GB, {tier}, {where}", "gcp.sql.enterprise.memory", memory * factor * HOURS_PER_MONTH)
    if settings.get("diskType", "PD_SSD") != "PD_SSD":
        ctx.unpriced(r, f"disk type {settings.get('diskType')!r}: only SSD is in the price table")
        return
    source = ctx.app.database
    disk = _number(settings.get("diskSize"), float(source.storage_gb) if source else 10)
    limit = _number(settings.get("diskAutoresizeLimit"), float(source.max_storage_gb) if source else disk)
    ceiling = max(disk, limit) if limit else disk
    ctx.line(r, "SSD storage", f"{disk:g}-{ceiling:g} GB, {where}", "gcp.sql.storage.ssd", disk * factor, ceiling * factor)


def _memorystore_band(size_gb: float) -> str:
    for band, top in (("M1", 4), ("M2", 10), ("M3", 35), ("M4", 100)):
        if size_gb <= top:
            return band
    return "M5"


def _memorystore(ctx: _Context, r: Resource) -> None:
    tier = str(r.inputs.get("tier", "BASIC"))
    size = _number(r.inputs.get("memorySizeGb"), 1)
    band = _memorystore_band(size)
    ctx.line(r, "cache capacity", f"{tier}, {size:g} GB (capacity band {band})", f"gcp.redis.{tier}.{band}", size * HOURS_PER_MONTH)


def _security_policy(ctx: _Context, r: Resource) -> None:
    rules = r.inputs.get("rules") or []
    ctx.line(r, "security policy", "Cloud Armor Standard", "gcp.armor.policy", 1)
    ctx.line(r, "Cloud Armor rules", f"{len(rules)} rules", "gcp.armor.rule", len(rules))
    ctx.line(r, "Cloud Armor requests", f"{REQUESTS_MILLIONS_PER_MONTH:g} million", "gcp.armor.requests", REQUESTS_MILLIONS_PER_MONTH)


def _forwarding_rule(ctx: _Context, r: Resource) -> None:
    rules = sorted(ctx.rendering.of_type(r.type), key=lambda x: x.urn)
    index = rules.index(r)
    if index == 0:
        first = min(len(rules), 5)
        ctx.line(r, "forwarding rules", f"{first} of the first 5, one price", "gcp.lb.rules.first5", HOURS_PER_MONTH)
        ctx.line(r, "load balancer data processed", f"{LOAD_BALANCER_GB_PER_MONTH:g} GiB", "gcp.lb.data", LOAD_BALANCER_GB_PER_MONTH)
    elif index >= 5:
        ctx.line(r, "forwarding rule", f"rule {index + 1}, beyond the first 5", "gcp.lb.rules.additional", HOURS_PER_MONTH)


def _global_address(ctx: _Context, r: Resource) -> None:
    if r.inputs.get("addressType", "EXTERNAL") != "EXTERNAL":
        return  # an internal range reserved for private services access is not billed
    rules = ctx.rendering.of_type("gcp:compute/globalForwardingRule:GlobalForwardingRule")
    used = any(r.urn in urns for f in rules for urns in (f.dependencies, *f.property_dependencies.values()))
    if not used:
        ctx.unpriced(r, "a static external address no forwarding rule uses is billed per hour; not in the price table")


def _router_nat(ctx: _Context, r: Resource) -> None:
    def egress(x: Resource) -> Any:
        template = _json(x.inputs.get("template")) or {}
        template = template.get("template", template) if x.type == "gcp:cloudrunv2/job:Job" else template
        return (template.get("vpcAccess") or {}).get("egress") or "PRIVATE_RANGES_ONLY"

    run = ("gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/workerPool:WorkerPool", "gcp:cloudrunv2/job:Job")
    through = sorted(x.name for x in ctx.rendering.resources if x.type in run and egress(x) == "ALL_TRAFFIC")
    if through:
        reason = f"Cloud NAT: {', '.join(through)} send internet traffic through it; billed per gateway-hour and per GB"
    else:
        reason = (
            "Cloud NAT: no workload sends internet traffic through the VPC (egress PRIVATE_RANGES_ONLY), so little or nothing is billed"
        )
    ctx.unpriced(r, f"{reason}; not in the price table")


def _backend_service(ctx: _Context, r: Resource) -> None:
    if r.inputs.get("enableCdn"):
        ctx.unpriced(r, "Cloud CDN: billed per GB served from cache and per lookup; the traffic is not known")
    log = r.inputs.get("logConfig") or {}
    if log.get("enable"):
        rate = _number(log.get("sampleRate"), 1)
        ctx.unpriced(r, f"request logs (sample rate {rate:g}) are billed as Cloud Logging ingestion; the traffic is not known")


def _secret_version(ctx: _Context, r: Resource) -> None:
    ctx.line(r, "active secret version", "automatic replication", "gcp.secretmanager.version", 1)


PRICERS: dict[str, Callable[[_Context, Resource], None]] = {
    "aws:ecs/service:Service": _ecs_service,
    "aws:scheduler/schedule:Schedule": _schedule,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:ec2/natGateway:NatGateway": _nat_gateway,
    "aws:ec2/eip:Eip": _eip,
    "aws:rds/instance:Instance": _rds,
    "aws:elasticache/replicationGroup:ReplicationGroup": _elasticache,
    "aws:wafv2/webAcl:WebAcl": _web_acl,
    "aws:kms/key:Key": _kms_key,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:ecs/cluster:Cluster": _cluster,
    "gcp:cloudrunv2/service:Service": _cloud_run_service,
    "gcp:cloudrunv2/workerPool:WorkerPool": _worker_pool,
    "gcp:cloudrunv2/job:Job": _cloud_run_job,
    "gcp:cloudscheduler/job:Job": _scheduler_job,
    "gcp:sql/databaseInstance:DatabaseInstance": _cloud_sql,
    "gcp:redis/instance:Instance": _memorystore,
    "gcp:compute/securityPolicy:SecurityPolicy": _security_policy,
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": _forwarding_rule,
    "gcp:compute/globalAddress:GlobalAddress": _global_address,
    "gcp:compute/routerNat:RouterNat": _router_nat,
    "gcp:compute/backendService:BackendService": _backend_service,
    "gcp:secretmanager/secretVersion:SecretVersion": _secret_version,
}
# Free as a type, but the release step's task definition is run (and billed) once per deploy.
ALSO_PRICED: dict[str, Callable[[_Context, Resource], None]] = {"aws:ecs/taskDefinition:TaskDefinition": _release_task}


def unclassified(types: Iterable[str]) -> list[str]:
    """Of `types`, those the estimate has no rule for: neither priced, free nor billed by usage."""
    known = set(PRICERS) | set(FREE) | set(USAGE)
    return sorted(t for t in set(types) if t not in known and not t.startswith("pulumi:providers:"))


def region_of(app: App) -> str:
    if app.aws is not None:
        return app.aws.region
    if app.docker is not None:
        return "docker host"
    assert app.gcp is not None
    return app.gcp.region


def estimate(rendering: Rendering, app: App) -> Estimate:
    """The monthly cost of what `rendering` creates, in the region of `app`."""
    result = Estimate(region_of(app))
    ctx = _Context(rendering, app, result.region, result, {r.urn: r for r in rendering.resources})
    for resource in sorted(rendering.resources, key=lambda r: r.urn):
        if not resource.custom or resource.type.startswith("pulumi:providers:"):
            continue
        pricer = PRICERS.get(resource.type) or ALSO_PRICED.get(resource.type)
        if pricer is not None:
            pricer(ctx, resource)
        elif resource.type in USAGE:
            ctx.unpriced(resource, USAGE[resource.type])
        elif resource.type not in FREE:
            ctx.unpriced(resource, "no price rule for this type in stacks/cost.py")
    if app.docker is not None:
        result.unpriced.append(Unpriced("docker:host", app.docker.host or "the local Docker engine", HOST_REASON))
    return result


def money(value: float) -> str:
    return f"{'-' if value < 0 else ''}${abs(value):,.2f}"


def summary_lines(cost: dict[str, Any], biggest: int = 5) -> list[str]:
    """The human render's cost section, from `Estimate.as_dict()`: the totals, the biggest lines, what is not priced."""
    out = [
        f"Monthly cost ({cost['currency']}, {cost['region']}, list prices read {cost['pricesReadOn']}): "
        f"{money(cost['monthlyMin'])} with every workload at scaling.min, {money(cost['monthlyMax'])} at scaling.max"
    ]
    lines = sorted(cost["lines"], key=lambda x: (-x["monthlyMax"], -x["monthlyMin"], x["name"], x["item"]))[:biggest]
    for x in lines:
        mark = "" if x.get("priceConfirmed", True) else " *"
        out.append(f"  {money(x['monthlyMin']):>11} - {money(x['monthlyMax']):>11}  {x['name']}: {x['item']} ({x['detail']}){mark}")
    if any(not x.get("priceConfirmed", True) for x in lines):
        out.append("  * a price not confirmed in the text of its page; see stacks/prices.py")
    if cost["unpriced"]:
        names = sorted({f"{u['name']} ({u['type'].split(':')[1]})" for u in cost["unpriced"]})
        out.append(f"  not priced ({len(cost['unpriced'])}, see --json): " + ", ".join(names))
    out += ["  assumptions:", *(f"    - {a}" for a in cost["assumptions"])]
    return out
