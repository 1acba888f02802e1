"""Uptime checks on public health paths, and alert policies on what users feel, at the thresholds of `alerts`.

What each policy catches, and its metric (Cloud Monitoring "Google Cloud metrics": run, cloudsql, redis, monitoring):

- an uptime check failing from more than one checker location (`monitoring.googleapis.com/uptime_check/check_passed`);
- an http service answering more than `errorRatePercent` 5xx, or slower than `latencyP95Ms` at p95
  (`run.googleapis.com/request_count`, `request_latencies`);
- a service's or worker pool's CPU or memory above `cpuPercent` / `memoryPercent` (`container/cpu/utilizations`,
  `container/memory/utilizations`, p95 of the instances);
- a worker pool running fewer instances than it asks for, or reporting none (`container/instance_count` on
  `cloud_run_worker_pool`);
- a job execution that failed: a non-zero exit or the task timeout after the retries
  (`run.googleapis.com/job/completed_execution_count`, `result = "failed"`);
- Cloud SQL CPU, memory, disk and connections (`database/cpu/utilization`, `database/memory/utilization`,
  `database/disk/utilization`, `database/postgresql/num_backends`), and Memorystore memory (`stats/memory/usage_ratio`).

Channels: e-mail to `alerts.email`, and a `webhook_tokenauth` channel posting to the URL held by `alerts.webhookSecret`
(Cloud Monitoring "Create and manage notification channels": webhooks take a URL and need no OAuth; the Slack channel type
needs the Google Cloud Monitoring Slack app authorised in the console, which no API can do).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from stacks.model import Alerts, Domain, Service

WINDOW = "300s"  # sustained for 5 minutes, so one slow request does not page anyone
ALIGN = "60s"
DISK_PERCENT = 90
# The connection alert's ceiling when the stack does not know the tier's max_connections.
FALLBACK_MAX_CONNECTIONS = 500


@dataclass
class Watched:
    """What exists beyond the http services; empty parts are skipped."""

    region: str = ""
    # name -> (pool, instances it asks for)
    workers: dict[str, tuple[gcp.cloudrunv2.WorkerPool, int]] = field(default_factory=dict)
    jobs: dict[str, gcp.cloudrunv2.Job] = field(default_factory=dict)
    database: gcp.sql.DatabaseInstance | None = None
    database_max_connections: int | None = None
    cache: gcp.redis.Instance | None = None


def run_service(name: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat('resource.type = "cloud_run_revision" AND resource.labels.service_name = "', name, '"')


def run_worker_pool(name: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat('resource.type = "cloud_run_worker_pool" AND resource.labels.worker_pool_name = "', name, '"')


def run_job(name: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat('resource.type = "cloud_run_job" AND resource.labels.job_name = "', name, '"')


def cloud_sql(project: str, instance: pulumi.Input[str]) -> pulumi.Output[str]:
    # Cloud SQL's database_id label is `<project>:<instance>`.
    return pulumi.Output.concat('resource.type = "cloudsql_database" AND resource.labels.database_id = "', project, ":", instance, '"')


def memorystore(project: str, region: str, instance: pulumi.Input[str]) -> pulumi.Output[str]:
    # Memorystore's instance_id label is the instance's full name.
    return pulumi.Output.concat(
        'resource.type = "redis_instance" AND resource.labels.instance_id = "projects/',
        project,
        "/locations/",
        region,
        "/instances/",
        instance,
        '"',
    )


def metric(selector: pulumi.Input[str], metric_type: str, extra: str = "") -> pulumi.Output[str]:
    return pulumi.Output.concat(selector, f' AND metric.type = "{metric_type}"', extra)


def connections_threshold(alerts: Alerts, max_connections: int | None) -> int:
    return int((max_connections or FALLBACK_MAX_CONNECTIONS) * alerts.connections_percent / 100)


class Monitoring(pulumi.ComponentResource):
    channels: list[pulumi.Output[str]]
    uptime_checks: dict[str, gcp.monitoring.UptimeCheckConfig]

    def __init__(
        self,
        name: str,
        project: str,
        alerts: Alerts,
        domain: Domain | None,
        specs: Mapping[str, Service],
        services: Mapping[str, gcp.cloudrunv2.Service],
        opts: pulumi.ResourceOptions | None = None,
        watched: Watched | None = None,
        webhook_url: pulumi.Input[str] | None = None,
    ) -> None:
        """Alerts on each of `services` (Cloud Run http services) and on what `watched` names, and uptime checks on the
        public services; `specs` holds each one's model (route, health path), and `domain`, when set, is where the load
        balancer serves them. `webhook_url` (a secret) adds a webhook channel."""
        super().__init__("shipyard:gcp:Monitoring", name, None, opts)
        self._prefix = name
        child = pulumi.ResourceOptions(parent=self)
        watched = watched or Watched()
        self.channels = []
        self.uptime_checks = {}
        if alerts.email:
            channel = gcp.monitoring.NotificationChannel(
                name, type="email", display_name=f"{name} on-call", labels={"email_address": alerts.email}, opts=child
            )
            self.channels.append(channel.name)
        if webhook_url is not None:
            webhook = gcp.monitoring.NotificationChannel(
                f"{name}-webhook",
                type="webhook_tokenauth",
                display_name=f"{name} chat webhook",
                # The URL carries its own token: it stays a Pulumi secret, encrypted in the state.
                labels={"url": pulumi.Output.secret(webhook_url)},
                opts=child,
            )
            self.channels.append(webhook.name)

        for svc_name, service in services.items():
            svc = specs[svc_name]
            self._uptime(name, project, svc_name, svc, domain, service)
            selector = run_service(service.name)
            errors = alerts.error_rate_percent
            rate = {"alignment_period": ALIGN, "per_series_aligner": "ALIGN_RATE", "cross_series_reducer": "REDUCE_SUM"}
            self._policy(
                f"{svc_name}-5xx-rate",
                f"{svc_name}: more than {errors:g}% of requests answered 5xx",
                {
                    "filter": metric(selector, "run.googleapis.com/request_count", ' AND metric.labels.response_code_class = "5xx"'),
                    "denominator_filter": metric(selector, "run.googleapis.com/request_count"),
                    "aggregations": [rate],
                    "denominator_aggregations": [rate],
                    "comparison": "COMPARISON_GT",
                    "threshold_value": errors / 100,
                    "duration": WINDOW,
                },
            )
            latency = alerts.latency_p95_ms
            self._policy(
                f"{svc_name}-latency-p95",
                f"{svc_name}: p95 latency above {latency} ms",
                {
                    "filter": metric(selector, "run.googleapis.com/request_latencies"),
                    "aggregations": [{"alignment_period": ALIGN, "per_series_aligner": "ALIGN_PERCENTILE_95"}],
                    "comparison": "COMPARISON_GT",
                    "threshold_value": latency,
                    "duration": WINDOW,
                },
            )
            self._utilization(svc_name, selector, alerts)

        for worker, (pool, asked) in watched.workers.items():
            selector = run_worker_pool(pool.name)
            self._utilization(worker, selector, alerts)
            if asked > 0:
                self._worker_instances(worker, selector, asked)
        for job, run in watched.jobs.items():
            self._policy(
                f"{job}-failed-runs",
                f"{job}: a run failed (a non-zero exit or its timeout, after its retries)",
                {
                    "filter": metric(
                        run_job(run.name), "run.googleapis.com/job/completed_execution_count", ' AND metric.labels.result = "failed"'
                    ),
                    "aggregations": [
                        {"alignment_period": ALIGN, "per_series_aligner": "ALIGN_DELTA", "cross_series_reducer": "REDUCE_SUM"}
                    ],
                    "comparison": "COMPARISON_GT",
                    "threshold_value": 0,
                    "duration": "0s",
                },
            )
        if watched.database is not None:
            self._database(project, watched.database, connections_threshold(alerts, watched.database_max_connections), alerts)
        if watched.cache is not None:
            self._threshold(
                "cache-memory",
                f"cache memory above {alerts.memory_percent}%",
                metric(memorystore(project, watched.region, watched.cache.name), "redis.googleapis.com/stats/memory/usage_ratio"),
                alerts.memory_percent / 100,
                reducer="REDUCE_MAX",
            )
        self.register_outputs({})

    def _uptime(self, name: str, project: str, svc_name: str, svc: Service, domain: Domain | None, service: gcp.cloudrunv2.Service) -> None:
        if not svc.is_public:
            return
        check = self._uptime_target(svc, domain, service)
        if check is None:
            pulumi.log.warn(
                f"services.{svc_name}: no uptime check: its health path {svc.effective_health_path} is not under its routes "
                f"{', '.join(svc.effective_routes)}, so the load balancer does not send it there. Serve health under a route "
                f"(e.g. healthPath: {svc.effective_routes[0]}/health) to have it probed.",
                resource=self,
            )
            return
        host, path = check
        uptime = gcp.monitoring.UptimeCheckConfig(
            f"{name}-{svc_name}",
            display_name=f"{name} {svc_name} health",
            timeout="10s",
            period="60s",
            http_check={
                "path": path,
                "port": 443,
                "use_ssl": True,
                "validate_ssl": True,
                "accepted_response_status_codes": [{"status_class": "STATUS_CLASS_2XX"}],
            },
            monitored_resource={"type": "uptime_url", "labels": {"project_id": project, "host": host}},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.uptime_checks[svc_name] = uptime
        # Failing from two or more checker locations for two minutes: one location's network trouble pages nobody.
        # (Cloud Monitoring "Alerting on uptime checks": check_passed, ALIGN_NEXT_OLDER, REDUCE_COUNT_FALSE.)
        check_id = uptime.uptime_check_id.apply(lambda i: i or "")
        self._policy(
            f"{svc_name}-uptime",
            f"{svc_name}: health check {path} failing",
            {
                "filter": pulumi.Output.concat(
                    'resource.type = "uptime_url" AND metric.type = "monitoring.googleapis.com/uptime_check/check_passed" '
                    'AND metric.labels.check_id = "',
                    check_id,
                    '"',
                ),
                "aggregations": [
                    {
                        "alignment_period": "120s",
                        "per_series_aligner": "ALIGN_NEXT_OLDER",
                        "cross_series_reducer": "REDUCE_COUNT_FALSE",
                        "group_by_fields": ["resource.label.host"],
                    }
                ],
                "comparison": "COMPARISON_GT",
                "threshold_value": 1,
                "duration": "120s",
            },
        )

    def _utilization(self, workload: str, selector: pulumi.Output[str], alerts: Alerts) -> None:
        for what, metric_type, percent in (
            ("cpu", "run.googleapis.com/container/cpu/utilizations", alerts.cpu_percent),
            ("memory", "run.googleapis.com/container/memory/utilizations", alerts.memory_percent),
        ):
            self._policy(
                f"{workload}-{what}",
                f"{workload}: {'CPU' if what == 'cpu' else 'memory'} above {percent}%",
                {
                    "filter": metric(selector, metric_type),
                    "aggregations": [
                        {"alignment_period": ALIGN, "per_series_aligner": "ALIGN_PERCENTILE_95", "cross_series_reducer": "REDUCE_MAX"}
                    ],
                    "comparison": "COMPARISON_GT",
                    "threshold_value": percent / 100,
                    "duration": WINDOW,
                },
            )

    def _worker_instances(self, worker: str, selector: pulumi.Output[str], asked: int) -> None:
        """Fewer instances than asked for, or none reported at all (every instance gone reports nothing)."""
        counted = metric(selector, "run.googleapis.com/container/instance_count")
        summed = {"alignment_period": ALIGN, "per_series_aligner": "ALIGN_MEAN", "cross_series_reducer": "REDUCE_SUM"}
        description = f"{worker}: fewer than {asked} instances running"
        gcp.monitoring.AlertPolicy(
            f"{self._prefix}-{worker}-instances",
            display_name=description,
            combiner="OR",
            conditions=[
                {
                    "display_name": description,
                    "condition_threshold": {
                        "filter": counted,
                        "aggregations": [summed],
                        "comparison": "COMPARISON_LT",
                        "threshold_value": asked,
                        "duration": WINDOW,
                    },
                },
                {
                    "display_name": f"{worker}: no instance reported",
                    "condition_absent": {"filter": counted, "aggregations": [summed], "duration": "600s"},
                },
            ],
            notification_channels=self.channels,
            alert_strategy={"auto_close": "1800s"},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _database(self, project: str, instance: gcp.sql.DatabaseInstance, connections: int, alerts: Alerts) -> None:
        selector = cloud_sql(project, instance.name)
        for suffix, description, metric_type, threshold in (
            ("cpu", f"database CPU above {alerts.cpu_percent}%", "database/cpu/utilization", alerts.cpu_percent / 100),
            ("memory", f"database memory above {alerts.memory_percent}%", "database/memory/utilization", alerts.memory_percent / 100),
            ("disk", f"database disk above {DISK_PERCENT}% full", "database/disk/utilization", DISK_PERCENT / 100),
        ):
            self._threshold(f"database-{suffix}", description, metric(selector, f"cloudsql.googleapis.com/{metric_type}"), threshold)
        self._threshold(
            "database-connections",
            f"database connections above {connections}",
            metric(selector, "cloudsql.googleapis.com/database/postgresql/num_backends"),
            connections,
            reducer="REDUCE_SUM",
        )

    def _threshold(self, suffix: str, description: str, filter_: pulumi.Output[str], threshold: float, reducer: str | None = None) -> None:
        aggregation: dict[str, object] = {"alignment_period": ALIGN, "per_series_aligner": "ALIGN_MEAN"}
        if reducer:
            aggregation["cross_series_reducer"] = reducer
        self._policy(
            suffix,
            description,
            {
                "filter": filter_,
                "aggregations": [aggregation],
                "comparison": "COMPARISON_GT",
                "threshold_value": threshold,
                "duration": WINDOW,
            },
        )

    @staticmethod
    def _uptime_target(svc: Service, domain: Domain | None, service: gcp.cloudrunv2.Service) -> tuple[pulumi.Input[str], str] | None:
        """Where a prober on the internet reaches the service's health path, if anywhere."""
        health = svc.effective_health_path
        if domain is None:
            return service.uri.apply(lambda uri: uri.removeprefix("https://")), health
        # Through the load balancer the health path must fall under one of the service's own routes.
        if any(route == "/" or health == route or health.startswith(f"{route}/") for route in svc.effective_routes):
            return domain.name, health
        return None

    def _policy(self, suffix: str, description: str, threshold: dict[str, object]) -> None:
        gcp.monitoring.AlertPolicy(
            f"{self._prefix}-{suffix}",
            display_name=description,
            combiner="OR",
            conditions=[{"display_name": description, "condition_threshold": threshold}],
            notification_channels=self.channels,
            alert_strategy={"auto_close": "1800s"},
            opts=pulumi.ResourceOptions(parent=self),
        )
