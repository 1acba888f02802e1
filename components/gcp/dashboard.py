"""One Cloud Monitoring dashboard per app: traffic, latency and errors per http service, CPU and memory per workload, the
database, the cache and the jobs' outcomes, from the metrics the alert policies read (components/gcp/observability.py).

Layout: Cloud Monitoring API, `projects.dashboards` (a `mosaicLayout` of 48 columns; `xyChart` tiles with a
`timeSeriesFilter`). The console opens a dashboard at
`https://console.cloud.google.com/monitoring/dashboards/custom/<dashboard id>?project=<project>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_gcp as gcp

from components.gcp.observability import Watched, cloud_sql, memorystore, metric, run_job, run_service, run_worker_pool

COLUMNS, WIDTH, HEIGHT = 48, 24, 16


def _series(filter_: pulumi.Input[str], aligner: str, reducer: str | None = None, group_by: list[str] | None = None) -> dict[str, Any]:
    aggregation: dict[str, Any] = {"alignmentPeriod": "60s", "perSeriesAligner": aligner}
    if reducer:
        aggregation["crossSeriesReducer"] = reducer
        aggregation["groupByFields"] = group_by or []
    return {"plotType": "LINE", "timeSeriesQuery": {"timeSeriesFilter": {"filter": filter_, "aggregation": aggregation}}}


def tiles(project: str, services: Mapping[str, gcp.cloudrunv2.Service], watched: Watched) -> list[tuple[str, list[dict[str, Any]]]]:
    """(title, data sets) per chart, in the order an on-call engineer reads them: users first, then capacity."""
    charts: list[tuple[str, list[dict[str, Any]]]] = []
    by_service = ["resource.label.service_name"]
    http = [run_service(s.name) for s in services.values()]
    if http:
        requests = [_series(metric(f, "run.googleapis.com/request_count"), "ALIGN_RATE", "REDUCE_SUM", by_service) for f in http]
        charts.append(("Requests per second, by service", requests))
        latency = [
            _series(metric(f, "run.googleapis.com/request_latencies"), "ALIGN_PERCENTILE_95", "REDUCE_MAX", by_service) for f in http
        ]
        charts.append(("p95 latency (ms), by service", latency))
        errors = [
            _series(
                metric(f, "run.googleapis.com/request_count", ' AND metric.labels.response_code_class = "5xx"'),
                "ALIGN_RATE",
                "REDUCE_SUM",
                by_service,
            )
            for f in http
        ]
        charts.append(("5xx per second, by service", errors))
    workloads = http + [run_worker_pool(pool.name) for pool, _ in watched.workers.values()]
    if workloads:
        for title, metric_type in (
            ("CPU utilization (p95), by service and worker", "run.googleapis.com/container/cpu/utilizations"),
            ("Memory utilization (p95), by service and worker", "run.googleapis.com/container/memory/utilizations"),
        ):
            charts.append(
                (title, [_series(metric(f, metric_type), "ALIGN_PERCENTILE_95", "REDUCE_MAX", ["resource.label.*"]) for f in workloads])
            )
    if watched.workers:
        instances = [
            _series(
                metric(run_worker_pool(pool.name), "run.googleapis.com/container/instance_count"),
                "ALIGN_MEAN",
                "REDUCE_SUM",
                ["resource.label.worker_pool_name"],
            )
            for pool, _ in watched.workers.values()
        ]
        charts.append(("Worker pool instances", instances))
    if watched.database is not None:
        database = cloud_sql(project, watched.database.name)
        charts.append(
            ("Database CPU utilization", [_series(metric(database, "cloudsql.googleapis.com/database/cpu/utilization"), "ALIGN_MEAN")])
        )
        connections = metric(database, "cloudsql.googleapis.com/database/postgresql/num_backends")
        charts.append(("Database connections", [_series(connections, "ALIGN_MEAN", "REDUCE_SUM", ["resource.label.database_id"])]))
    if watched.cache is not None:
        usage = metric(memorystore(project, watched.region, watched.cache.name), "redis.googleapis.com/stats/memory/usage_ratio")
        charts.append(("Cache memory usage", [_series(usage, "ALIGN_MEAN", "REDUCE_MAX", ["resource.label.instance_id"])]))
    if watched.jobs:
        runs = [
            _series(
                metric(run_job(job.name), "run.googleapis.com/job/completed_execution_count"),
                "ALIGN_DELTA",
                "REDUCE_SUM",
                ["resource.label.job_name", "metric.label.result"],
            )
            for job in watched.jobs.values()
        ]
        charts.append(("Job runs, by outcome", runs))
    return charts


def layout(charts: list[tuple[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    per_row = COLUMNS // WIDTH
    return {
        "columns": COLUMNS,
        "tiles": [
            {
                "xPos": (index % per_row) * WIDTH,
                "yPos": (index // per_row) * HEIGHT,
                "width": WIDTH,
                "height": HEIGHT,
                "widget": {"title": title, "xyChart": {"dataSets": data_sets}},
            }
            for index, (title, data_sets) in enumerate(charts)
        ],
    }


class Dashboard(pulumi.ComponentResource):
    dashboard: gcp.monitoring.Dashboard
    url: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        project: str,
        services: Mapping[str, gcp.cloudrunv2.Service],
        watched: Watched,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """A dashboard of the http `services` and what `watched` names; `url` opens it in the console."""
        super().__init__("shipyard:gcp:Dashboard", name, None, opts)
        body = {"displayName": f"{name} ({pulumi.get_stack()})", "mosaicLayout": layout(tiles(project, services, watched))}
        self.dashboard = gcp.monitoring.Dashboard(
            name, dashboard_json=pulumi.Output.json_dumps(body), opts=pulumi.ResourceOptions(parent=self)
        )
        # The id is `projects/<number>/dashboards/<id>`.
        self.url = self.dashboard.id.apply(
            lambda id_: f"https://console.cloud.google.com/monitoring/dashboards/custom/{id_.rsplit('/', 1)[-1]}?project={project}"
        )
        self.register_outputs({"url": self.url})
