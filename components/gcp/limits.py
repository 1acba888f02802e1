"""Cloud Run limits the neutral model cannot know, checked before any resource is registered.

Source: Cloud Run documentation, "Configure CPU limits" and "Configure memory limits"
(second-generation execution environment, which this stack uses).
"""

from __future__ import annotations

import re

import pulumi

from components.gcp.registries import pull_problems
from components.gcp.schedule import check_cloud_scheduler
from stacks.config import ConfigError
from stacks.model import App

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


def validate(app: App) -> None:
    problems: list[str] = _check_names(app) + _check_cache(app) + _check_websockets(app)
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
