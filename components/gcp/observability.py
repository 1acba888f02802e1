"""Uptime checks on public health paths and alert policies on the promised error rate and latency."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_gcp as gcp

from stacks.model import Alerts, Domain, Service

WINDOW = "300s"  # sustained for 5 minutes, so one slow request does not page anyone


class Monitoring(pulumi.ComponentResource):
    channels: list[pulumi.Output[str]]

    def __init__(
        self,
        name: str,
        project: str,
        alerts: Alerts,
        domain: Domain | None,
        specs: Mapping[str, Service],
        services: Mapping[str, gcp.cloudrunv2.Service],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Alerts on each of `services` (Cloud Run), and uptime checks on the public ones; `specs` holds each one's model
        (route, health path), and `domain`, when set, is where the load balancer serves them."""
        super().__init__("shipyard:gcp:Monitoring", name, None, opts)
        self._prefix = name
        child = pulumi.ResourceOptions(parent=self)
        self.channels = []
        if alerts.email:
            channel = gcp.monitoring.NotificationChannel(
                name, type="email", display_name=f"{name} on-call", labels={"email_address": alerts.email}, opts=child
            )
            self.channels.append(channel.name)
        for svc_name, service in services.items():
            svc = specs[svc_name]
            check = self._uptime_target(svc, domain, service)
            if check is None and svc.is_public:
                pulumi.log.warn(
                    f"services.{svc_name}: no uptime check: its health path {svc.effective_health_path} is not under its routes "
                    f"{', '.join(svc.effective_routes)}, so the load balancer does not send it there. Serve health under a route "
                    f"(e.g. healthPath: {svc.effective_routes[0]}/health) to have it probed.",
                    resource=self,
                )
            if check is not None and svc.is_public:
                host, path = check
                gcp.monitoring.UptimeCheckConfig(
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
                    opts=child,
                )
            service_filter = pulumi.Output.concat(
                'resource.type = "cloud_run_revision" AND resource.labels.service_name = "', service.name, '"'
            )
            errors = alerts.error_rate_percent
            self._policy(
                f"{svc_name}-5xx-rate",
                f"{svc_name}: more than {errors:g}% of requests answered 5xx",
                {
                    "filter": pulumi.Output.concat(
                        service_filter,
                        ' AND metric.type = "run.googleapis.com/request_count" AND metric.labels.response_code_class = "5xx"',
                    ),
                    "denominator_filter": pulumi.Output.concat(service_filter, ' AND metric.type = "run.googleapis.com/request_count"'),
                    "aggregations": [{"alignment_period": "60s", "per_series_aligner": "ALIGN_RATE", "cross_series_reducer": "REDUCE_SUM"}],
                    "denominator_aggregations": [
                        {"alignment_period": "60s", "per_series_aligner": "ALIGN_RATE", "cross_series_reducer": "REDUCE_SUM"}
                    ],
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
                    "filter": pulumi.Output.concat(service_filter, ' AND metric.type = "run.googleapis.com/request_latencies"'),
                    "aggregations": [{"alignment_period": "60s", "per_series_aligner": "ALIGN_PERCENTILE_95"}],
                    "comparison": "COMPARISON_GT",
                    "threshold_value": latency,
                    "duration": WINDOW,
                },
            )
        self.register_outputs({})

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
