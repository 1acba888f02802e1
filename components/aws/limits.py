"""AWS limits the neutral model cannot know, checked before any resource is registered."""

from __future__ import annotations

import ipaddress
from datetime import UTC, date, datetime

from components.aws.edge import MAX_IDLE_TIMEOUT_SECONDS
from components.aws.schedule import to_eventbridge
from stacks.config import ConfigError
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


def _check_websockets(app: App) -> list[str]:
    # The load balancer closes a connection idle for longer than its idle timeout, 1-4000 s.
    # Source: ELB docs, "Application Load Balancers", section "Connection idle timeout".
    return [
        f"services.{name}.websocket.timeoutSeconds: {svc.websocket.timeout_seconds} s is above the Application Load Balancer's "
        f"idle timeout limit; allowed: 1 to {MAX_IDLE_TIMEOUT_SECONDS}"
        for name, svc in app.services.items()
        if svc.websocket is not None and svc.websocket.timeout_seconds > MAX_IDLE_TIMEOUT_SECONDS
    ]


def validate(app: App, on: date | None = None) -> None:
    """Refuse what AWS would refuse; `on` is the date the RDS support calendar is read against (default: today)."""
    problems = [_check_size(f"services.{name}", svc.cpu, svc.memory) for name, svc in app.services.items()] + [
        _check_size(f"jobs.{name}", job.cpu, job.memory) for name, job in app.jobs.items()
    ]
    problems += _check_websockets(app)
    if app.migrate is not None:
        problems.append(_check_size("migrate", app.migrate.cpu, app.migrate.memory))
    problems.append(_check_name(app.name))
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
