"""Cloud Run limits the neutral model cannot know, checked before any resource is registered.

Source: Cloud Run documentation, "Configure CPU limits" and "Configure memory limits"
(second-generation execution environment, which this stack uses).
"""

from __future__ import annotations

import ipaddress
import math
import re

import pulumi

from components.gcp.connections import max_connections
from components.gcp.registries import pull_problems
from components.gcp.schedule import check_cloud_scheduler
from stacks.config import ConfigError
from stacks.connections import budget_problems
from stacks.model import RESERVED_ENV, App

CLOUD_RUN_CPUS = (1, 2, 4, 6, 8)
MIN_MEMORY_MIB = 512
MAX_MEMORY_MIB = 32768
# Memory above the key needs at least the value's CPUs.
CPU_FOR_MEMORY = ((24576, 8), (16384, 6), (8192, 4), (4096, 2))
# CPUs above the key need at least the value's memory.
MEMORY_FOR_CPU = {4: 2048, 6: 4096, 8: 4096}


def _check(path: str, cpu: float, memory: int) -> list[str]:
    problems = []
    if cpu not in CLOUD_RUN_CPUS:
        problems.append(
            f"{path}.cpu: {cpu:g} vCPU is not available with the gen2 execution environment; allowed: {', '.join(map(str, CLOUD_RUN_CPUS))}"
        )
    if not MIN_MEMORY_MIB <= memory <= MAX_MEMORY_MIB:
        problems.append(f"{path}.memory: {memory} MiB is outside Cloud Run's range; allowed: {MIN_MEMORY_MIB} to {MAX_MEMORY_MIB}")
    for above, needs in CPU_FOR_MEMORY:
        if memory > above and cpu < needs:
            problems.append(f"{path}.memory: {memory} MiB needs at least {needs} vCPU on Cloud Run (more than {above} MiB); cpu is {cpu:g}")
            break
    min_memory = MEMORY_FOR_CPU.get(int(cpu), 0)
    if memory < min_memory:
        problems.append(f"{path}.memory: {cpu:g} vCPU needs at least {min_memory} MiB on Cloud Run; memory is {memory}")
    return problems


# Cloud Storage bucket names "cannot begin with the goog prefix" and "cannot contain google or close misspellings,
# such as g00gle" (Cloud Storage docs, "Bucket naming guidelines"); bucket names here start `<app>-<bucket>-`.
GOOGLE_LIKE = re.compile(r"g[o0][o0]g[l1][e3]")


def _check_names(app: App) -> list[str]:
    problems = []
    look_alike = "'google' (or a look-alike such as 'g00gle'), which GCP refuses in bucket names"
    if app.name.startswith("goog"):
        problems.append(
            f"name: {app.name!r} starts with 'goog', which GCP refuses at the start of bucket names; allowed: names not starting 'goog'"
        )
    elif GOOGLE_LIKE.search(app.name):
        problems.append(f"name: {app.name!r} contains {look_alike}; allowed: names without it")
    else:
        for bucket in app.buckets:
            if GOOGLE_LIKE.search(f"{app.name}-{bucket}"):
                problems.append(f"buckets.{bucket}: the bucket name {app.name}-{bucket} contains {look_alike}; allowed: names without it")
    return problems


# Memorystore for Redis capacity: a whole number of GB (the API's memorySizeGb is an int32, and so is the provider's
# memory_size_gb; gcloud redis instances create --size "in GB", default 1), 1 GB at least, 300 GB at most, the same for
# the Basic and the Standard (STANDARD_HA) tier without read replicas, which this stack does not use (Memorystore docs,
# "Redis tier capabilities": "Max Redis primary size 300 GB" for every tier).
MEMORYSTORE_MIN_GB = 1
MEMORYSTORE_MAX_GB = 300


def _check_cache(app: App) -> list[str]:
    cache = app.cache
    if cache is None or not cache.managed:
        return []
    size = cache.memory_gb
    tier = "STANDARD_HA" if cache.high_availability else "BASIC"
    if size != int(size) or not MEMORYSTORE_MIN_GB <= size <= MEMORYSTORE_MAX_GB:
        return [
            f"cache.memoryGb: {size:g} GB is not a Memorystore size (tier {tier}); "
            f"allowed: whole numbers of GB from {MEMORYSTORE_MIN_GB} to {MEMORYSTORE_MAX_GB}"
        ]
    return []


# Cloud Run's request timeout, which bounds a WebSocket's life, is at most 60 minutes.
# Source: Cloud Run docs, "Set request timeout for services" and "Using WebSockets".
MAX_REQUEST_TIMEOUT_SECONDS = 3600


def _check_websockets(app: App) -> list[str]:
    problems = []
    for name, svc in app.services.items():
        if svc.websocket is None:
            continue
        key = f"services.{name}.websocket"
        if svc.websocket.timeout_seconds > MAX_REQUEST_TIMEOUT_SECONDS:
            problems.append(
                f"{key}.timeoutSeconds: {svc.websocket.timeout_seconds} s is above Cloud Run's request timeout limit; "
                f"allowed: 1 to {MAX_REQUEST_TIMEOUT_SECONDS}"
            )
        if svc.websocket.drain_seconds is not None:
            problems.append(
                f"{key}.drainSeconds: Cloud Run has no connection draining (an instance shutting down gets 10 s after SIGTERM); "
                "remove it, and have clients reconnect"
            )
    return problems


# Cloud Run sends SIGTERM, then SIGKILL 10 seconds later; the grace period cannot be changed.
# Source: Cloud Run docs, "Container runtime contract", section "Instance shutdown".
SHUTDOWN_GRACE_SECONDS = 10


def database_tier(app: App) -> str | None:
    """The Cloud SQL tier the database gets: the stack's override, or its size's tier."""
    from components.gcp.database import TIER

    if app.database is None or app.gcp is None:
        return None
    return app.gcp.database_tier or TIER[app.database.size]


def _check_connections(app: App) -> list[str]:
    return budget_problems(app, database_tier(app), max_connections)


# Secret Manager secret ids: letters, digits, `_` and `-`, at most 255 (Secret Manager API reference, secrets.create
# `secretId`).
SECRET_ID = re.compile(r"^[A-Za-z0-9_-]{1,255}\Z")


def _check_unsupported(app: App) -> list[str]:
    """Settings Cloud Run cannot honour: refused with the key, never dropped."""
    problems = []
    if app.allow_from and app.domain is None:
        problems.append(
            "allowFrom: without `domain` there is no load balancer, and the services' run.app URLs answer anyone; set a "
            "domain, or remove allowFrom"
        )
    for name, svc in app.services.items():
        key = f"services.{name}"
        if svc.stop_timeout_seconds is not None and svc.stop_timeout_seconds > SHUTDOWN_GRACE_SECONDS:
            problems.append(
                f"{key}.stopTimeoutSeconds: Cloud Run gives an instance {SHUTDOWN_GRACE_SECONDS} s after SIGTERM and cannot give "
                f"more; allowed: 1 to {SHUTDOWN_GRACE_SECONDS} (make long tasks resumable: Celery's acks_late re-queues them)"
            )
        if svc.health_command is not None:
            problems.append(f"{key}.healthCommand: Cloud Run worker pools have no health checks; remove it")
        if svc.grants.send_email_from:
            problems.append(
                f"{key}.grants.sendEmailFrom: Google Cloud has no e-mail sending service to grant; send through a provider's "
                "API with its key as a secret, or remove sendEmailFrom"
            )
        for index, parameter in enumerate(svc.grants.read_parameters):
            if not SECRET_ID.match(parameter):
                problems.append(
                    f"{key}.grants.readParameters[{index}]: {parameter!r} is not a Secret Manager secret name; allowed: 1-255 of "
                    "letters, digits, _ and -"
                )
        if svc.read_only_root_filesystem:
            problems.append(f"{key}.readOnlyRootFilesystem: Cloud Run has no read-only root filesystem setting; remove it")
        if "cpu_target" in svc.scaling.model_fields_set:
            problems.append(
                f"{key}.scaling.cpuTarget: Cloud Run scales on its own signals and takes no CPU target; remove it "
                "(services scale between min and max; worker pools run min)"
            )
        if svc.kind == "worker" and svc.scaling.max != svc.scaling.min and not svc.singleton:
            problems.append(
                f"{key}.scaling.max: Cloud Run worker pools do not autoscale; they run a fixed count of instances; "
                "set min and max to the same count"
            )
    return problems


# ---- bad input Cloud Run, Cloud SQL and the network would refuse at deploy time


# Cloud Run, "Container runtime contract", environment variables: PORT, K_SERVICE, K_REVISION and K_CONFIGURATION in
# services, CLOUD_RUN_JOB, CLOUD_RUN_EXECUTION, CLOUD_RUN_TASK_INDEX, CLOUD_RUN_TASK_ATTEMPT and CLOUD_RUN_TASK_COUNT in
# jobs, CLOUD_RUN_WORKER_POOL* in worker pools; "Configure environment variables": "The environment variables defined
# in the container runtime contract are reserved and cannot be set." (PORT is the stack's own, refused by the model.)
CLOUD_RUN_RESERVED_ENV = frozenset({"K_SERVICE", "K_REVISION", "K_CONFIGURATION"})
CLOUD_RUN_RESERVED_PREFIX = "CLOUD_RUN_"
# "Configure environment variables": "You can set a maximum of 1000 environment variables", "The maximum variable
# length is 32 Kb." The stack sets some itself (PORT, APP_NAME, APP_ENV, and DATABASE_*, REDIS_* and BUCKET_* wiring).
MAX_ENV_VARIABLES = 1000
MAX_ENV_VALUE_BYTES = 32 * 1024
# Cloud Run, "Direct VPC egress with a VPC network", IP address allocation: Cloud Run takes addresses 16 at a time (a
# /28), uses twice as many as it runs instances, and "the subnet's IPv4 address range must be /26 or larger".
MIN_SUBNET_PREFIX = 26
# Databases every Cloud SQL for PostgreSQL instance already has (Cloud SQL docs, "About PostgreSQL users and
# databases": postgres, and cloudsqladmin for Cloud SQL's own use); the stack creates `database.name` and would fail.
CLOUD_SQL_EXISTING_DATABASES = frozenset({"postgres", "cloudsqladmin"})
# Regions where Cloud Run runs, from the Cloud Run docs, "Cloud Run locations" (read 2026). A region added since is
# refused until it is added here.
CLOUD_RUN_REGIONS = frozenset({
    "africa-south1", "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3", "asia-south1",
    "asia-south2", "asia-southeast1", "asia-southeast2", "asia-southeast3", "australia-southeast1", "australia-southeast2",
    "europe-central2", "europe-north1", "europe-north2", "europe-southwest1", "europe-west1", "europe-west2", "europe-west3",
    "europe-west4", "europe-west6", "europe-west8", "europe-west9", "europe-west10", "europe-west12", "me-central1", "me-central2",
    "me-west1", "northamerica-northeast1", "northamerica-northeast2", "northamerica-south1", "southamerica-east1",
    "southamerica-west1", "us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "us-west2", "us-west3",
    "us-west4"
})  # fmt: skip
# Cloud SQL for PostgreSQL tiers, from the Cloud SQL docs, "Machine series overview" and "Configure instance settings"
# (custom machine types): db-custom-<vCPUs>-<MiB> with 1 or an even number of vCPUs up to 96, and memory a multiple
# of 256 MiB, 0.9 to 6.5 GiB per vCPU and at least 3840 MiB; the shared-core db-f1-micro and db-g1-small; the
# Enterprise Plus db-perf-optimized-N-<vCPUs>; the legacy predefined db-n1-standard-<vCPUs> and db-n1-highmem-<vCPUs>.
CUSTOM_TIER = re.compile(r"^db-custom-(\d+)-(\d+)\Z")
PREDEFINED_TIERS = frozenset(
    {"db-f1-micro", "db-g1-small"}
    | {f"db-perf-optimized-N-{n}" for n in (2, 4, 8, 16, 32, 48, 64, 80, 96, 128)}
    | {f"db-n1-standard-{n}" for n in (1, 2, 4, 8, 16, 32, 64, 96)}
    | {f"db-n1-highmem-{n}" for n in (2, 4, 8, 16, 32, 64, 96)}
)


# Enterprise Plus takes only the db-perf-optimized-N tiers, Enterprise every other; the edition follows the tier (Cloud
# SQL docs, "Cloud SQL editions": "Invalid Tier ... for ... Edition" otherwise). Enterprise Plus keeps transaction logs
# for point-in-time recovery up to 35 days, Enterprise up to 7 (Cloud SQL docs, "About backups", log retention).
ENTERPRISE_PLUS_TIER = "db-perf-optimized-N-"
MAX_LOG_RETENTION_DAYS = {"ENTERPRISE": 7, "ENTERPRISE_PLUS": 35}


def edition_of(tier: str) -> str:
    return "ENTERPRISE_PLUS" if tier.startswith(ENTERPRISE_PLUS_TIER) else "ENTERPRISE"


def tier_problem(tier: str) -> str | None:
    custom = CUSTOM_TIER.match(tier)
    if custom is None:
        if tier in PREDEFINED_TIERS:
            return None
        return (
            f"{tier!r} is not a Cloud SQL tier; allowed: db-custom-<vCPUs>-<MiB> (e.g. db-custom-2-7680), db-f1-micro, "
            "db-g1-small, db-perf-optimized-N-<2..128>, db-n1-standard-<n>, db-n1-highmem-<n>"
        )
    cpus, memory = int(custom[1]), int(custom[2])
    if not (cpus == 1 or (cpus % 2 == 0 and 2 <= cpus <= 96)):
        return f"{tier!r}: a custom tier has 1 or an even number of vCPUs up to 96"
    low, high = max(3840, math.ceil(cpus * 0.9 * 1024 / 256) * 256), int(cpus * 6.5 * 1024) // 256 * 256
    if memory % 256 or not low <= memory <= high:
        return f"{tier!r}: {cpus} vCPU take {low} to {high} MiB in steps of 256 (0.9 to 6.5 GiB per vCPU, at least 3840 MiB)"
    return None


def _check_inputs(app: App) -> list[str]:
    problems: list[str] = []
    for name, svc in app.services.items():
        key = f"services.{name}"
        for variable in [*svc.env, *svc.secrets]:
            if variable in CLOUD_RUN_RESERVED_ENV or variable.startswith(CLOUD_RUN_RESERVED_PREFIX):
                where = f"{key}.env.{variable}" if variable in svc.env else f"{key}.secrets"
                problems.append(
                    f"{where}: {variable} is set by Cloud Run itself and cannot be set; reserved: "
                    f"{', '.join(sorted(CLOUD_RUN_RESERVED_ENV))} and {CLOUD_RUN_RESERVED_PREFIX}*"
                )
        count = len(svc.env) + len(svc.secrets) + len(svc.calls) + len(svc.buckets) + len(RESERVED_ENV)
        if count > MAX_ENV_VARIABLES:
            problems.append(
                f"{key}.env: {count} environment variables with the secrets, calls, buckets and the stack's own; Cloud Run "
                f"takes at most {MAX_ENV_VARIABLES}"
            )
        for variable, value in svc.env.items():
            if len(value.encode()) > MAX_ENV_VALUE_BYTES:
                problems.append(
                    f"{key}.env.{variable}: {len(value.encode())} bytes; Cloud Run takes at most {MAX_ENV_VALUE_BYTES} a variable"
                )
    assert app.gcp is not None
    if app.gcp.region not in CLOUD_RUN_REGIONS:
        problems.append(f"gcp.region: {app.gcp.region!r} is not a Cloud Run region; allowed: {', '.join(sorted(CLOUD_RUN_REGIONS))}")
    prefix = ipaddress.ip_network(app.gcp.subnet_cidr).prefixlen
    if prefix > MIN_SUBNET_PREFIX:
        problems.append(
            f"gcp.subnetCidr: a /{prefix} holds too few addresses for Cloud Run's Direct VPC egress, which takes them 16 at a "
            f"time and two per instance; allowed: /{MIN_SUBNET_PREFIX} or larger (a smaller prefix number)"
        )
    if app.gcp.database_tier is not None:
        problem = tier_problem(app.gcp.database_tier)
        if problem:
            problems.append(f"gcp.databaseTier: {problem}")
    if app.database is not None and app.database.name in CLOUD_SQL_EXISTING_DATABASES:
        problems.append(
            f"database.name: {app.database.name!r} already exists in every Cloud SQL for PostgreSQL instance, and the stack "
            "creates the database; choose another name, e.g. 'app'"
        )
    return problems


def validate(app: App) -> None:
    problems: list[str] = _check_names(app) + _check_cache(app) + _check_websockets(app) + _check_unsupported(app)
    problems += _check_connections(app)
    problems += _check_inputs(app)
    for name, svc in app.services.items():
        problems += _check(f"services.{name}", svc.cpu, svc.memory)
        if svc.user is not None:
            problems.append(
                f"services.{name}.user: Cloud Run runs the image's own USER and cannot override it; "
                "set USER in the Dockerfile and remove `user`"
            )
    for name, job in app.jobs.items():
        problems += _check(f"jobs.{name}", job.cpu, job.memory)
        try:
            check_cloud_scheduler(job.schedule)
        except ValueError as exc:
            problems.append(f"jobs.{name}.schedule: {exc}")
    if app.migrate is not None:
        problems += _check("migrate", app.migrate.cpu, app.migrate.memory)
    pull_errors, pull_warnings = pull_problems(app.services)
    problems += pull_errors
    if problems:
        raise ConfigError(problems)
    for warning in pull_warnings:
        pulumi.log.warn(warning)
