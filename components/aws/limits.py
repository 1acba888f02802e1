"""AWS limits the neutral model cannot know, checked before any resource is registered."""

from __future__ import annotations

import ipaddress
import json
from datetime import UTC, date, datetime

from components.aws.connections import max_connections
from components.aws.edge import ALTERNATE_SUFFIX, MAX_IDLE_TIMEOUT_SECONDS
from components.aws.schedule import to_eventbridge
from components.paths import path_patterns
from stacks.config import ConfigError
from stacks.connections import budget_problems
from stacks.model import App

# Valid Fargate task sizes: vCPU -> allowed memory in MiB.
# Source: Amazon ECS developer guide, "Task CPU and memory" (Fargate task sizes table).
FARGATE_SIZES: dict[float, list[int]] = {
    0.25: [512, 1024, 2048],
    0.5: list(range(1024, 4096 + 1, 1024)),
    1: list(range(2048, 8192 + 1, 1024)),
    2: list(range(4096, 16384 + 1, 1024)),
    4: list(range(8192, 30720 + 1, 1024)),
    8: list(range(16384, 61440 + 1, 4096)),
    16: list(range(32768, 122880 + 1, 8192)),
}


# Every resource name starts `<app name>-`, so these prefixes of AWS names rule out app names.
RESERVED_NAME_PREFIXES: dict[str, str] = {
    # EC2 CreateSecurityGroup, GroupName: "Can't start with sg-".
    "sg-": "security group names",
    # ELBv2 CreateLoadBalancer, Name: "must not begin with \"internal-\"".
    "internal-": "load balancer names",
    # S3 user guide, "General purpose bucket naming rules".
    "xn--": "S3 bucket names",
    "sthree-": "S3 bucket names",
    "amzn-s3-demo-": "S3 bucket names",
}


def _check_name(name: str) -> str | None:
    derived = f"{name}-"
    for prefix, where in RESERVED_NAME_PREFIXES.items():
        if derived.startswith(prefix):
            starts = ", ".join(RESERVED_NAME_PREFIXES)
            whole = ", ".join(p.rstrip("-") for p in RESERVED_NAME_PREFIXES if not p.endswith("--"))
            return (
                f"name: {name!r} makes resource names start with {prefix!r}, which AWS refuses in {where}; "
                f"allowed: names that neither start with {starts} nor are {whole}"
            )
    return None


def fargate_units(cpu: float) -> int:
    """vCPU as ECS CPU units (1 vCPU = 1024)."""
    return int(cpu * 1024)


def _check_size(path: str, cpu: float, memory: int) -> str | None:
    allowed = FARGATE_SIZES.get(cpu)
    if allowed is None:
        return f"{path}.cpu: {cpu:g} vCPU is not a Fargate size; allowed: {', '.join(f'{c:g}' for c in FARGATE_SIZES)}"
    if memory not in allowed:
        return f"{path}.memory: {memory} MiB is not a valid Fargate size for {cpu:g} vCPU; allowed: {_ranges(allowed)}"
    return None


# RDS for PostgreSQL: end of RDS standard support per major version. Past it, an instance created with Extended Support
# disabled (as this stack creates them) cannot be created ("creating the DB instance will fail if the DB major version
# is past its end of standard support date": CreateDBInstance, EngineLifecycleSupport) and an existing one is upgraded
# by RDS itself, outside `pulumi up` (RDS user guide, "Amazon RDS Extended Support").
# Source: "Release calendar for Amazon RDS for PostgreSQL",
# https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html
# (transcribed from a copy checked 2026-10-06; the page itself could not be fetched from here). The earlier majors
# match AWS's announcements: 11 ended February 29, 2024 and 12 February 28, 2025 (AWS Database Blog, "Upgrade
# strategies for ... RDS for PostgreSQL 12"), each at the end of February after the community's end of life.
#
# | major | community end of life | RDS end of standard support | RDS end of Extended Support |
# |-------|-----------------------|-----------------------------|-----------------------------|
# | 13    | November 2025         | 2026-02-28                  | 2029-02-28                  |
# | 14    | 2026-11-12            | 2027-02-28                  | 2030-02-28                  |
# | 15    | November 2027         | 2028-02-29                  | 2031-02-28                  |
# | 16    | November 2028         | 2029-02-28                  | 2032-02-29                  |
# | 17    | November 2029         | 2030-02-28                  | 2033-02-28                  |
RDS_POSTGRES_STANDARD_SUPPORT_ENDS: dict[int, date] = {
    13: date(2026, 2, 28),
    14: date(2027, 2, 28),
    15: date(2028, 2, 29),
    16: date(2029, 2, 28),
    17: date(2030, 2, 28),
}
# A version this close to its end still deploys, with a warning to plan the upgrade.
SUPPORT_WARNING_DAYS = 180


def today() -> date:
    """The date the support calendar is read against (UTC); tests replace it."""
    return datetime.now(UTC).date()


def database_version_problem(version: int, on: date) -> str | None:
    """An error when `version` is past its RDS end of standard support on `on`, naming what is allowed."""
    ends = RDS_POSTGRES_STANDARD_SUPPORT_ENDS.get(version)
    if ends is not None and on <= ends:
        return None
    allowed = ", ".join(str(v) for v, end in RDS_POSTGRES_STANDARD_SUPPORT_ENDS.items() if on <= end)
    past = f"left RDS standard support on {ends.isoformat()}" if ends else "has no RDS standard support date here"
    return (
        f"database.version: PostgreSQL {version} {past}; RDS would refuse to create it with Extended Support "
        f"disabled, and upgrades an existing instance by itself; allowed: {allowed or 'none in the calendar (components/aws/limits.py)'}"
    )


def database_version_warning(version: int, on: date) -> str | None:
    """A warning when `version` reaches its RDS end of standard support within SUPPORT_WARNING_DAYS of `on`."""
    ends = RDS_POSTGRES_STANDARD_SUPPORT_ENDS.get(version)
    if ends is None or not 0 <= (ends - on).days <= SUPPORT_WARNING_DAYS:
        return None
    newer = [str(v) for v, end in RDS_POSTGRES_STANDARD_SUPPORT_ENDS.items() if v > version and (end - on).days > SUPPORT_WARNING_DAYS]
    return (
        f"database.version: PostgreSQL {version} leaves RDS standard support on {ends.isoformat()} "
        f"({(ends - on).days} days); after that date this stack refuses it and RDS upgrades the instance itself. "
        f'Upgrade to one of {", ".join(newer)} (README, "Major version upgrade").'
    )


def _ranges(values: list[int]) -> str:
    if len(values) <= 4:
        return ", ".join(str(v) for v in values)
    return f"{values[0]} to {values[-1]} in steps of {values[1] - values[0]}"


def database_class(app: App) -> str | None:
    """The RDS instance class the database gets: the stack's override, or its size's class."""
    from components.aws.database import INSTANCE_CLASS

    if app.database is None or app.aws is None:
        return None
    return app.aws.database_instance_class or INSTANCE_CLASS[app.database.size]


def _check_connections(app: App) -> list[str]:
    return budget_problems(app, database_class(app), max_connections)


def _check_websockets(app: App) -> list[str]:
    # The load balancer closes a connection idle for longer than its idle timeout, 1-4000 s.
    # Source: ELB docs, "Application Load Balancers", section "Connection idle timeout".
    return [
        f"services.{name}.websocket.timeoutSeconds: {svc.websocket.timeout_seconds} s is above the Application Load Balancer's "
        f"idle timeout limit; allowed: 1 to {MAX_IDLE_TIMEOUT_SECONDS}"
        for name, svc in app.services.items()
        if svc.websocket is not None and svc.websocket.timeout_seconds > MAX_IDLE_TIMEOUT_SECONDS
    ]


# ---- bad input the ECS, ALB, RDS and ElastiCache APIs would refuse at deploy time, or that would do harm


# Variables ECS and the AWS SDKs use inside the task: a value set here would replace the task role's credentials or
# the metadata endpoint. Sources: ECS developer guide, "Task IAM role" (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is
# available to all containers in the task), "Task metadata endpoint version 4" and "version 3"
# (ECS_CONTAINER_METADATA_URI_V4, ECS_CONTAINER_METADATA_URI are injected into each container); AWS SDKs reference
# guide, "Container credential provider" (AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN) and
# "Standardized credential providers" (environment variables such as AWS_ACCESS_KEY_ID come before the task role).
ECS_RESERVED_ENV = frozenset(
    {
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "ECS_CONTAINER_METADATA_URI",
        "ECS_CONTAINER_METADATA_URI_V4",
        "ECS_AGENT_URI",
        "AWS_EXECUTION_ENV",
        "AWS_ACCESS_KEY_ID",
    }
)
# Amazon ECS service quotas: "Task definition size", 64 KiB, not adjustable. The stack's own part of a container
# definition (image, logging, ports, health check, secret ARNs) is counted as this much, and 200 bytes per secret.
TASK_DEFINITION_MAX_BYTES = 64 * 1024
TASK_DEFINITION_OWN_BYTES = 4096
# ELB API reference, PathPatternConditionConfig: "The maximum size of each string is 128 characters"; a route `/api`
# is matched as `/api` and `/api/*`. CreateTargetGroup, HealthCheckPath: length 1 to 1024.
MAX_PATH_PATTERN = 128
MAX_HEALTH_CHECK_PATH = 1024
# ECS container definition, `image`: "Up to 255 letters (uppercase and lowercase), numbers, hyphens, underscores,
# colons, periods, forward slashes, and number signs are allowed."
MAX_IMAGE_REFERENCE = 255

# RDS for PostgreSQL instance classes, by family, from the RDS user guide, "DB instance class types" and "Supported DB
# engines for DB instance classes" (PostgreSQL column; families RDS still offers for PostgreSQL 13 and later, read
# 2026). Burstable classes come in micro to 2xlarge, the others from large up; the region's exact offering is the
# cloud's to check (`aws rds describe-orderable-db-instance-options`).
RDS_BURSTABLE = frozenset({"t3", "t4g"})
RDS_FAMILIES = RDS_BURSTABLE | frozenset({
    "m5", "m5d", "m6g", "m6gd", "m6i", "m6id", "m6idn", "m6in", "m7g", "m7i", "m8g", "r5", "r5b", "r5d", "r6g", "r6gd", "r6i", "r6id",
    "r6idn", "r6in", "r7g", "r7i", "r8g", "x2g", "x2iedn", "x2iezn"
})  # fmt: skip
BURSTABLE_SIZES = ("micro", "small", "medium", "large", "xlarge", "2xlarge")
LARGE_SIZES = ("large", "xlarge", "2xlarge", "4xlarge", "6xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge", "48xlarge")
# ElastiCache node types for Redis OSS / Valkey, current generation, from the ElastiCache user guide, "Supported node
# types" (read 2026): t3 and t4g in micro to medium, the others from large up.
CACHE_BURSTABLE = frozenset({"t3", "t4g"})
CACHE_FAMILIES = CACHE_BURSTABLE | frozenset({"m5", "m6g", "m7g", "r5", "r6g", "r6gd", "r7g", "c7gn"})


def _check_class(key: str, value: str | None, prefix: str, families: frozenset[str], burstable: frozenset[str]) -> str | None:
    if value is None:
        return None
    _, family, size = value.split(".", 2)
    sizes = BURSTABLE_SIZES[: 3 if prefix == "cache" else None] if family in burstable else LARGE_SIZES
    if family in families and size in sizes:
        return None
    known = ", ".join(f"{prefix}.{f}" for f in sorted(families))
    return f"{key}: {value!r} is not an instance type AWS offers here; allowed: a family of {known}, with a size of {', '.join(sizes)}"


def _workload_env(app: App) -> list[tuple[str, str, dict[str, str], list[str]]]:
    """(key path, workload, env, secret names) of every service."""
    return [(f"services.{name}", name, svc.env, svc.secrets) for name, svc in app.services.items()]


# RDS storage autoscaling: "set the maximum storage threshold to at least 10% more than the currently allocated storage"
# (RDS user guide, "Managing capacity automatically with Amazon RDS storage autoscaling"); otherwise "Invalid max storage
# size". Equal to the size, the stack turns autoscaling off instead.


def _check_storage_ceiling(app: App) -> str | None:
    database = app.database
    if database is None or database.max_storage_gb == database.storage_gb:
        return None
    least = -(-database.storage_gb * 11 // 10)  # 110 %, rounded up, in integers
    if database.max_storage_gb >= least:
        return None
    return (
        f"database.maxStorageGb: {database.max_storage_gb} is less than 10% above storageGb ({database.storage_gb}), which "
        f"RDS refuses as an autoscaling ceiling; allowed: {database.storage_gb} (autoscaling off) or at least {least}"
    )


def _check_inputs(app: App) -> list[str]:
    problems: list[str | None] = []
    for key, _, env, secrets in _workload_env(app):
        for variable in [*env, *secrets]:
            if variable in ECS_RESERVED_ENV:
                where = f"{key}.env.{variable}" if variable in env else f"{key}.secrets"
                problems.append(
                    f"{where}: {variable} is set by ECS or read by the AWS SDKs before the task role, and would replace "
                    f"the task's own credentials or metadata; reserved: {', '.join(sorted(ECS_RESERVED_ENV))}"
                )
    for name, svc in app.services.items():
        key = f"services.{name}"
        size = len(json.dumps([{"name": k, "value": v} for k, v in svc.env.items()]).encode())
        size += len(json.dumps([*(svc.command or []), *(svc.args or [])]).encode())
        budget = TASK_DEFINITION_MAX_BYTES - TASK_DEFINITION_OWN_BYTES - 200 * len(svc.secrets)
        if size > budget:
            problems.append(
                f"{key}.env: the environment and command take {size} bytes of the task definition, which ECS caps at 64 KiB "
                f"with what the stack writes; allowed: at most {budget} bytes (move large values into a secret or a file)"
            )
        if svc.image is not None and len(svc.image) > MAX_IMAGE_REFERENCE:
            problems.append(f"{key}.image: {len(svc.image)} characters; ECS takes an image reference of at most {MAX_IMAGE_REFERENCE}")
        if svc.is_public:
            for index, route in enumerate(svc.effective_routes):
                pattern = f"{route.rstrip('/')}/*"
                if len(pattern) > MAX_PATH_PATTERN:
                    problems.append(
                        f"{key}.routes[{index}]: {len(route)} characters; the load balancer matches it as {len(pattern)}-character "
                        f"'<route>/*', above its {MAX_PATH_PATTERN}; allowed: at most {MAX_PATH_PATTERN - 2} characters"
                    )
        if svc.kind == "http" and len(svc.effective_health_path) > MAX_HEALTH_CHECK_PATH:
            problems.append(f"{key}.healthPath: {len(svc.effective_health_path)} characters; allowed: at most {MAX_HEALTH_CHECK_PATH}")
    if app.domain is not None and app.domain.zone is not None and "." not in app.domain.zone:
        problems.append(
            f"domain.zone: {app.domain.zone!r} is a Cloud DNS zone name; on AWS give the Route 53 hosted zone's DNS name, "
            "such as 'example.com'"
        )
    assert app.aws is not None
    problems.append(_check_storage_ceiling(app))
    if app.aws.ecs_exec:
        # The SSM agent ECS Exec runs in the container creates directories and files in it: a read-only root filesystem
        # is not supported (ECS developer guide, "Monitor Amazon ECS containers with ECS Exec", considerations;
        # aws/containers-roadmap#1359).
        problems += [
            f"services.{name}.readOnlyRootFilesystem: ECS Exec (aws.ecsExec) needs a writable root filesystem for its agent; "
            "allowed: one of the two"
            for name, svc in app.services.items()
            if svc.read_only_root_filesystem
        ]
    problems.append(_check_class("aws.databaseInstanceClass", app.aws.database_instance_class, "db", RDS_FAMILIES, RDS_BURSTABLE))
    problems.append(_check_class("aws.cacheNodeType", app.aws.cache_node_type, "cache", CACHE_FAMILIES, CACHE_BURSTABLE))
    return [p for p in problems if p]


# Inbound rules per security group, counted per IP version and per range and port. Source: Amazon VPC user guide,
# "Amazon VPC quotas" (security groups: 60 inbound rules, IPv4 and IPv6 counted apart).
INBOUND_RULES_PER_GROUP = 60
LOAD_BALANCER_PORTS = 2  # 80 (redirect) and 443


def _check_allow_from(app: App) -> list[str]:
    problems = []
    for version in (4, 6):
        ranges = [r for r in app.allow_from if ipaddress.ip_network(r).version == version]
        if len(ranges) * LOAD_BALANCER_PORTS > INBOUND_RULES_PER_GROUP:
            problems.append(
                f"allowFrom: {len(ranges)} IPv{version} ranges make {len(ranges) * LOAD_BALANCER_PORTS} inbound rules on the load "
                f"balancer's security group, over the {INBOUND_RULES_PER_GROUP} AWS allows; allowed: at most "
                f"{INBOUND_RULES_PER_GROUP // LOAD_BALANCER_PORTS} per IP version (merge adjacent ranges)"
            )
    return problems


# Values in one listener rule's conditions, all conditions together. Source: ELB docs, "Listener rules for your Application
# Load Balancer" (condition values per rule: 5).
RULE_CONDITION_VALUES = 5


def _check_hosts(app: App) -> list[str]:
    problems = []
    for name, svc in app.public_services.items():
        for route in svc.effective_routes:
            values = len(path_patterns(route)) + len(svc.hosts or [])
            if svc.hosts and values > RULE_CONDITION_VALUES:
                problems.append(
                    f"services.{name}.hosts: {len(svc.hosts)} hosts and the paths of {route!r} make {values} values in one listener "
                    f"rule; AWS allows {RULE_CONDITION_VALUES} (at most {RULE_CONDITION_VALUES - len(path_patterns(route))} hosts "
                    "for this route)"
                )
                break
    return problems


# Cache behaviours in one CloudFront distribution. Source: CloudFront developer guide, "Quotas", general quotas on
# distributions ("Cache behaviors per distribution": 75, adjustable).
CACHE_BEHAVIOURS_PER_DISTRIBUTION = 75
# CloudFront closes a WebSocket connection idle this long, and the limit cannot be raised (CloudFront developer guide,
# "Quotas", WebSocket connections: 10 minutes idle).
CLOUDFRONT_WEBSOCKET_IDLE_SECONDS = 600


def _check_cdn(app: App) -> list[str]:
    """CloudFront's behaviours match paths, not hosts: a path is cached or not on every name of the domain."""
    if not app.uses_cdn:
        return []
    problems = []
    cached_by: dict[str, dict[bool, str]] = {}
    for name, svc in app.public_services.items():
        for route in svc.effective_routes:
            cached_by.setdefault(route, {}).setdefault(svc.cdn, name)
    for route, answers in cached_by.items():
        if len(answers) > 1:
            problems.append(
                f"services.{answers[True]}.cdn: on AWS, CloudFront caches a path on every host alike, and {route!r} is also "
                f"served by {answers[False]!r} without cdn (on another host); set cdn on both, or neither"
            )
    for name, svc in app.public_services.items():
        if svc.websocket is not None and svc.websocket.timeout_seconds > CLOUDFRONT_WEBSOCKET_IDLE_SECONDS:
            problems.append(
                f"services.{name}.websocket.timeoutSeconds: behind CloudFront (which `cdn` or a site puts in front of the whole "
                f"domain) a connection idle for {CLOUDFRONT_WEBSOCKET_IDLE_SECONDS} s is closed; allowed: at most "
                f"{CLOUDFRONT_WEBSOCKET_IDLE_SECONDS}, with the client pinging more often"
            )
    paths = {*cached_by, *(site.path for site in app.sites.values())}
    behaviours = 1 + 2 * len(paths - {"/"})  # the default behaviour, and two for each other path
    if behaviours > CACHE_BEHAVIOURS_PER_DISTRIBUTION:
        problems.append(
            f"services: {len(paths)} paths make {behaviours} CloudFront cache behaviours, over the {CACHE_BEHAVIOURS_PER_DISTRIBUTION} "
            "a distribution takes by default; use fewer routes, or ask AWS for more behaviours first"
        )
    return problems


def _check_rollouts(app: App) -> list[str]:
    """ECS shifts traffic by reweighting one listener rule between two target groups (ECS developer guide, "Application Load
    Balancer resources for blue/green, linear, and canary deployments"): a service needs the load balancer, on one rule."""
    problems = []
    for name, svc in app.services.items():
        strategy = svc.rollout.strategy
        if not svc.rollout.shifts_traffic:
            continue
        key = f"services.{name}.rollout.strategy"
        if not svc.is_public:
            problems.append(
                f"{key}: {strategy} needs the load balancer to shift traffic, and a private service is reached through Cloud "
                "Map DNS, which cannot split it; allowed: rolling"
            )
        elif f"{name}{ALTERNATE_SUFFIX}" in app.services:
            problems.append(
                f"{key}: the second target group of {name!r} takes the name of the service {name + ALTERNATE_SUFFIX!r}; rename "
                "one of them, or allowed: rolling"
            )
        elif len(svc.effective_routes) > 1:
            problems.append(
                f"{key}: ECS shifts one listener rule per service, and this service has {len(svc.effective_routes)} routes "
                f"({', '.join(svc.effective_routes)}); give it one route, or allowed: rolling"
            )
    return problems


def validate(app: App, on: date | None = None) -> None:
    """Refuse what AWS would refuse; `on` is the date the RDS support calendar is read against (default: today)."""
    problems = [_check_size(f"services.{name}", svc.cpu, svc.memory) for name, svc in app.services.items()] + [
        _check_size(f"jobs.{name}", job.cpu, job.memory) for name, job in app.jobs.items()
    ]
    problems += _check_websockets(app)
    problems += _check_connections(app)
    problems += _check_rollouts(app)
    problems += _check_cdn(app)
    problems += _check_allow_from(app)
    problems += _check_hosts(app)
    if app.migrate is not None:
        problems.append(_check_size("migrate", app.migrate.cpu, app.migrate.memory))
    problems.append(_check_name(app.name))
    problems += _check_inputs(app)
    assert app.aws is not None
    prefix = ipaddress.ip_network(app.aws.vpc_cidr).prefixlen
    if not 16 <= prefix <= 24:
        problems.append(f"aws.vpcCidr: a /{prefix} network cannot hold the subnets; allowed: /16 to /24")
    for name, job in app.jobs.items():
        try:
            to_eventbridge(job.schedule)
        except ValueError as exc:
            problems.append(f"jobs.{name}.schedule: {exc}")
    if app.database is not None:
        problems.append(database_version_problem(app.database.version, on or today()))
    found = [p for p in problems if p]
    if found:
        raise ConfigError(found)
