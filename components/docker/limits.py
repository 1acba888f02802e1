"""What one Docker host cannot honour, refused with its key before any resource; and its own defaults.

One engine on one machine has no second zone, no autoscaler, no managed backups, no alarms and no firewall in
front of it. A setting that asks for one of these is refused, never dropped. Defaults that ask for them in
production (`highAvailability`) are turned off here instead, as GCP turns its CPU default up: the stack did not
ask, and the README says what a single host gives.
"""

from __future__ import annotations

import pulumi

from components.docker.schedule import check_crond
from stacks.config import ConfigError
from stacks.model import App, Cache, Database

# Services the stack's scheduler and proxy already hold on the host; the workload names become network aliases.
RESERVED_ALIASES = frozenset({"postgres", "redis", "proxy"})


def with_defaults(app: App) -> App:
    """HA off where the stack did not ask for it: a single host has one zone."""
    update: dict[str, object] = {}
    if app.database is not None and "high_availability" not in app.database.model_fields_set:
        update["database"] = app.database.model_copy(update={"high_availability": False})
    if app.cache is not None and "high_availability" not in app.cache.model_fields_set:
        update["cache"] = app.cache.model_copy(update={"high_availability": False})
    return app.model_copy(update=update) if update else app


def _database(database: Database) -> list[str]:
    problems = []
    if database.high_availability:
        problems.append("database.highAvailability: one Docker host has no standby in a second zone; set it false or remove it")
    if database.read_replica:
        problems.append("database.readReplica: the Docker renderer runs one PostgreSQL container; remove it")
    for key, field in (("size", "size"), ("storageGb", "storage_gb"), ("maxStorageGb", "max_storage_gb")):
        if field in database.model_fields_set:
            problems.append(
                f"database.{key}: a PostgreSQL container uses the host's CPU, memory and disk as it needs them; there is no "
                "instance class or disk size to choose, so remove it"
            )
    if "backup_retention_days" in database.model_fields_set:
        problems.append(
            'database.backupRetentionDays: the Docker renderer takes no automated backups (see README, "Run it locally or on '
            'one server"); remove it and back up the `postgres` volume yourself'
        )
    if "deletion_protection" in database.model_fields_set:
        problems.append("database.deletionProtection: a container has no deletion protection of its own; `protect` guards its volume")
    return problems


def _cache(cache: Cache) -> list[str]:
    if cache.managed and cache.high_availability:
        return ["cache.highAvailability: one Docker host has no replica in a second zone; set it false or remove it"]
    return []


def _unsupported(app: App) -> list[str]:
    problems = []
    if app.buckets:
        problems.append(
            "buckets: the Docker renderer has no object storage yet; remove the buckets (and `buckets` from the services), or "
            "point the app at a bucket of its own through a secret"
        )
    for name in app.sites:
        problems.append(
            f"buckets.{name}.site: one Docker host has no CDN to serve a bucket's files from; remove site, and serve the files "
            "from a service (a web server image holding the build, with `routes` for its path)"
        )
    if app.alerts.model_fields_set:
        problems.append(
            f"alerts: the Docker renderer sets up no alarms or channels; remove {', '.join(sorted(app.alerts.model_fields_set))}"
        )
    if app.topics:
        problems.append("topics: the Docker renderer runs no message broker for topics; remove them (a queue can be a service)")
    if app.allow_from:
        problems.append("allowFrom: the Docker renderer keeps no access list in front of the proxy; use the host's firewall")
    if "waf_mode" in app.model_fields_set:
        problems.append("wafMode: the Docker renderer puts no web application firewall in front of the proxy; remove it")
    if app.domain is not None and app.docker is not None and "http_port" in app.docker.model_fields_set:
        problems.append(
            "docker.httpPort: with a domain the proxy serves 443 and redirects 80, which the certificate needs; remove httpPort"
        )
    if app.domain is not None and app.domain.aliases:
        problems.append("domain.aliases: the Docker renderer's proxy serves one domain; remove the aliases")
    if app.domain is not None and app.domain.zone is not None:
        problems.append("domain.zone: the Docker renderer manages no DNS zone; remove it and point the name's A/AAAA record at the host")
    for name, svc in app.services.items():
        key = f"services.{name}"
        if name in RESERVED_ALIASES:
            problems.append(f"{key}: {name!r} is the name of the stack's own {name} container on the host's networks; choose another")
        if svc.kind == "http" and svc.scaling.min == 0:
            problems.append(f"{key}.scaling.min: one Docker host does not scale to zero; allowed: 1 or more replicas")
        if "cpu_target" in svc.scaling.model_fields_set:
            problems.append(f"{key}.scaling.cpuTarget: one Docker host does not autoscale, so there is no CPU target; remove it")
        if svc.cdn:
            problems.append(f"{key}.cdn: one Docker host has no CDN in front of it; remove cdn")
        if svc.hosts is not None:
            problems.append(f"{key}.hosts: the Docker renderer's proxy serves one domain; remove hosts")
        if svc.grants.send_email_from or svc.grants.read_parameters:
            problems.append(f"{key}.grants: a Docker host has no cloud identity to grant e-mail or parameters to; pass them as secrets")
        if svc.rollout.shifts_traffic:
            problems.append(
                f"{key}.rollout.strategy: the proxy sends each service's traffic to one container at a time, so there is no "
                f"split for {svc.rollout.strategy}; allowed: rolling"
            )
        if svc.concurrency is not None:
            problems.append(f"{key}.concurrency: requests per instance is a Cloud Run setting; the proxy sends each replica what comes")
        if svc.websocket is not None and svc.websocket.drain_seconds is not None:
            problems.append(f"{key}.websocket.drainSeconds: the proxy does not drain connections of a replaced container; remove it")
    return problems


def validate(app: App) -> None:
    problems = _unsupported(app)
    if app.database is not None:
        problems += _database(app.database)
    if app.cache is not None:
        problems += _cache(app.cache)
    for name, job in app.jobs.items():
        try:
            check_crond(job.schedule)
        except ValueError as exc:
            problems.append(f"jobs.{name}.schedule: {exc}")
    if problems:
        raise ConfigError(problems)
    for name, svc in app.services.items():
        if svc.instances.max > svc.instances.min:
            pulumi.log.warn(
                f"services.{name}.scaling.max: one Docker host does not autoscale; {name} runs {svc.instances.min} "
                f"replica(s), its scaling.min, and never {svc.instances.max}"
            )
    if app.production and app.database is not None:
        pulumi.log.warn(
            "database: the Docker renderer takes no automated backups of the PostgreSQL volume; back it up yourself "
            '(README, "Run it locally or on one server")'
        )
