"""One CloudWatch dashboard per app: traffic, latency and errors per http service, CPU and memory per workload, the database,
the cache and the jobs' outcomes, from the same metrics the alarms watch (components/aws/observability.py).

Body structure: CloudWatch API reference, "Dashboard Body Structure and Syntax" (metric widgets: `metrics` arrays of
[namespace, name, dimension, value, ..., {options}], `region` required). The console's address for a dashboard:
`https://<region>.console.aws.amazon.com/cloudwatch/home?region=<region>#dashboards/dashboard/<name>`.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.aws.observability import Watched
from components.naming import scoped

WIDTH, HEIGHT, COLUMNS = 12, 6, 2
# Console hosts by partition (the China and GovCloud consoles live elsewhere).
CONSOLE = {"aws": "console.aws.amazon.com", "aws-cn": "console.amazonaws.cn", "aws-us-gov": "console.amazonaws-us-gov.com"}
JOB_OUTCOMES = {"ExecutionsSucceeded": "succeeded", "ExecutionsFailed": "failed", "ExecutionsTimedOut": "timed out"}


def widgets(watched: Watched, region: pulumi.Input[str]) -> list[dict[str, Any]]:
    """The dashboard's widgets, two to a row, in the order an on-call engineer reads them: users first, then capacity."""
    charts: list[tuple[str, list[list[Any]], dict[str, Any]]] = []
    balancer = watched.load_balancer_suffix
    groups = watched.target_group_suffixes
    if balancer is not None and groups:

        def per_service(metric: str, stat: str) -> list[list[Any]]:
            return [
                ["AWS/ApplicationELB", metric, "TargetGroup", suffix, "LoadBalancer", balancer, {"stat": stat, "label": svc}]
                for svc, suffix in groups.items()
            ]

        charts.append(("Requests per minute, by service", per_service("RequestCount", "Sum"), {}))
        charts.append(("p95 latency (s), by service", per_service("TargetResponseTime", "p95"), {}))
        load_balancer_5xx = [
            "AWS/ApplicationELB",
            "HTTPCode_ELB_5XX_Count",
            "LoadBalancer",
            balancer,
            {"stat": "Sum", "label": "load balancer"},
        ]
        charts.append(
            (
                "5xx per minute, by service and from the load balancer",
                [*per_service("HTTPCode_Target_5XX_Count", "Sum"), load_balancer_5xx],
                {},
            )
        )
        charts.append(("Healthy targets, by service", per_service("HealthyHostCount", "Minimum"), {}))
    if watched.service_names:

        def per_workload(metric: str) -> list[list[Any]]:
            return [
                ["AWS/ECS", metric, "ClusterName", watched.cluster_name, "ServiceName", name, {"label": svc}]
                for svc, name in watched.service_names.items()
            ]

        percent = {"yAxis": {"left": {"min": 0, "max": 100}}}
        charts.append(("CPU %, by service and worker", per_workload("CPUUtilization"), percent))
        charts.append(("Memory %, by service and worker", per_workload("MemoryUtilization"), percent))
    if watched.database_id is not None:
        db = ["DBInstanceIdentifier", watched.database_id]
        charts.append(
            ("Database CPU %", [["AWS/RDS", "CPUUtilization", *db, {"label": "CPU"}]], {"yAxis": {"left": {"min": 0, "max": 100}}})
        )
        charts.append(("Database connections", [["AWS/RDS", "DatabaseConnections", *db, {"stat": "Maximum", "label": "connections"}]], {}))
    if watched.cache_group_id is not None:
        nodes = [
            [
                "AWS/ElastiCache",
                "DatabaseMemoryUsagePercentage",
                "CacheClusterId",
                pulumi.Output.format("{0}-{1:03d}", watched.cache_group_id, node),
                {"label": f"node {node}"},
            ]
            for node in range(1, watched.cache_nodes + 1)
        ]
        charts.append(("Cache memory %", nodes, {"yAxis": {"left": {"min": 0, "max": 100}}}))
    if watched.jobs:
        outcomes = [
            ["AWS/States", metric, "StateMachineArn", job.state_machine_arn, {"stat": "Sum", "label": f"{name} {label}"}]
            for name, job in watched.jobs.items()
            for metric, label in JOB_OUTCOMES.items()
        ]
        charts.append(("Job runs per hour, by outcome", outcomes, {"period": 3600}))
    placed = []
    for index, (title, metrics, extra) in enumerate(charts):
        properties = {"title": title, "region": region, "view": "timeSeries", "stacked": False, "period": 60, "metrics": metrics, **extra}
        placed.append(
            {
                "type": "metric",
                "x": (index % COLUMNS) * WIDTH,
                "y": (index // COLUMNS) * HEIGHT,
                "width": WIDTH,
                "height": HEIGHT,
                "properties": properties,
            }
        )
    return placed


class Dashboard(pulumi.ComponentResource):
    dashboard: aws.cloudwatch.Dashboard
    url: pulumi.Output[str]

    def __init__(self, name: str, watched: Watched, opts: pulumi.ResourceOptions | None = None) -> None:
        """A dashboard of what `watched` names; `url` opens it in the console."""
        super().__init__("shipyard:aws:Dashboard", name, None, opts)
        invoke = pulumi.InvokeOptions(parent=self)
        region = aws.get_region_output(opts=invoke).region
        partition = aws.get_partition_output(opts=invoke).partition
        self.dashboard = aws.cloudwatch.Dashboard(
            name,
            # Carries the stack: two stacks of one app may share an account.
            dashboard_name=scoped(name),
            dashboard_body=pulumi.Output.json_dumps({"widgets": widgets(watched, region)}),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.url = pulumi.Output.format(
            "https://{0}.{1}/cloudwatch/home?region={0}#dashboards/dashboard/{2}",
            region,
            partition.apply(lambda p: CONSOLE.get(p, CONSOLE["aws"])),
            self.dashboard.dashboard_name,
        )
        self.register_outputs({"url": self.url})
