"""CloudWatch alarms on the thresholds the app promises, sent to one SNS topic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.stateful import keep
from stacks.model import Alerts

PERIOD = 60
EVALUATIONS = 5  # sustained for 5 minutes, so one slow request does not page anyone


@dataclass
class Watched:
    """What exists to be watched; empty parts are skipped."""

    cluster_name: pulumi.Input[str]
    service_names: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    load_balancer_suffix: pulumi.Output[str] | None = None
    target_group_suffixes: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    database_id: pulumi.Output[str] | None = None
    database_storage_gb: int = 0
    cache_group_id: pulumi.Output[str] | None = None
    cache_nodes: int = 0
    dead_letter_queues: dict[str, pulumi.Output[str]] = field(default_factory=dict)


class Alarms(pulumi.ComponentResource):
    topic: aws.sns.Topic

    def __init__(
        self,
        name: str,
        alerts: Alerts,
        watched: Watched,
        account_id: pulumi.Input[str],
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Alarms at the `alerts` thresholds on what `watched` names, sent to one topic (e-mailed to `alerts.email`)."""
        super().__init__("shipyard:aws:Alarms", name, None, opts)
        self._prefix = name
        self.topic = self._encrypted_topic(name, account_id, protect)
        if alerts.email:
            aws.sns.TopicSubscription(
                name, topic=self.topic.arn, protocol="email", endpoint=alerts.email, opts=pulumi.ResourceOptions(parent=self.topic)
            )
        for svc, service_name in watched.service_names.items():
            dims = {"ClusterName": watched.cluster_name, "ServiceName": service_name}
            self._alarm(f"{svc}-cpu", "AWS/ECS", "CPUUtilization", dims, alerts.cpu_percent, f"{svc}: CPU above {alerts.cpu_percent}%")
            self._alarm(f"{svc}-memory", "AWS/ECS", "MemoryUtilization", dims, 80, f"{svc}: memory above 80%")
        if watched.load_balancer_suffix is not None:
            self._error_rate(watched.load_balancer_suffix, alerts.error_rate_percent)
        for svc, suffix in watched.target_group_suffixes.items():
            dims = {"LoadBalancer": watched.load_balancer_suffix or "", "TargetGroup": suffix}
            self._alarm(
                f"{svc}-latency-p95",
                "AWS/ApplicationELB",
                "TargetResponseTime",
                dims,
                alerts.latency_p95_ms / 1000,
                f"{svc}: p95 latency above {alerts.latency_p95_ms} ms",
                extended_statistic="p95",
            )
        if watched.database_id is not None:
            dims = {"DBInstanceIdentifier": watched.database_id}
            self._alarm("database-cpu", "AWS/RDS", "CPUUtilization", dims, alerts.cpu_percent, f"database CPU above {alerts.cpu_percent}%")
            free_floor = watched.database_storage_gb * 1024**3 * 0.1
            self._alarm(
                "database-free-storage",
                "AWS/RDS",
                "FreeStorageSpace",
                dims,
                free_floor,
                "database free storage below 10%",
                comparison="LessThanThreshold",
                statistic="Minimum",
            )
            self._alarm("database-connections", "AWS/RDS", "DatabaseConnections", dims, 400, "database connections above 400")
        if watched.cache_group_id is not None:
            for node in range(1, watched.cache_nodes + 1):
                dims = {"CacheClusterId": pulumi.Output.format("{0}-{1:03d}", watched.cache_group_id, node)}
                self._alarm(
                    f"cache-{node}-cpu",
                    "AWS/ElastiCache",
                    "EngineCPUUtilization",
                    dims,
                    alerts.cpu_percent,
                    f"cache node {node} engine CPU high",
                )
                self._alarm(
                    f"cache-{node}-memory",
                    "AWS/ElastiCache",
                    "DatabaseMemoryUsagePercentage",
                    dims,
                    80,
                    f"cache node {node} memory above 80%",
                )
        for job, queue_name in watched.dead_letter_queues.items():
            self._alarm(
                f"{job}-dead-letters",
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                {"QueueName": queue_name},
                0,
                f"{job}: a scheduled run could not be started",
                evaluations=1,
                statistic="Maximum",
            )
        self.register_outputs({"topic": self.topic.arn})

    def _encrypted_topic(self, name: str, account_id: pulumi.Input[str], protect: bool) -> aws.sns.Topic:
        """A topic CloudWatch can publish to: the AWS-managed SNS key does not let CloudWatch encrypt, so bring our own."""
        # The partition from the provider, not a literal `aws`: GovCloud (aws-us-gov) and China (aws-cn) ARNs differ.
        partition = aws.get_partition_output(opts=pulumi.InvokeOptions(parent=self)).partition
        root = pulumi.Output.concat("arn:", partition, ":iam::", account_id, ":root")
        only_this_account = {"StringEquals": {"aws:SourceAccount": account_id}}
        key_policy = {
            "Version": "2012-10-17",
            "Statement": [
                # The account administers the key through IAM, as with the default key policy.
                {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
                {
                    "Sid": "CloudWatchEncryptsAlarms",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    "Condition": only_this_account,
                },
            ],
        }
        key = aws.kms.Key(
            f"{name}-alarms",
            description=f"{name}: alarm notifications",
            enable_key_rotation=True,
            policy=pulumi.Output.json_dumps(key_policy),
            opts=keep(self, protect),
        )
        topic = aws.sns.Topic(name, kms_master_key_id=key.arn, opts=pulumi.ResourceOptions(parent=self))
        publish = {
            "Sid": "CloudWatchPublishes",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic.arn,
            "Condition": only_this_account,
        }
        aws.sns.TopicPolicy(
            name,
            arn=topic.arn,
            policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [publish]}),
            opts=pulumi.ResourceOptions(parent=topic),
        )
        return topic

    def _alarm(
        self,
        suffix: str,
        namespace: str,
        metric: str,
        dimensions: Mapping[str, object],
        threshold: float,
        description: str,
        comparison: str = "GreaterThanThreshold",
        statistic: str = "Average",
        extended_statistic: str | None = None,
        evaluations: int = EVALUATIONS,
    ) -> None:
        aws.cloudwatch.MetricAlarm(
            f"{self._prefix}-{suffix}",
            alarm_description=description,
            namespace=namespace,
            metric_name=metric,
            dimensions=dimensions,
            statistic=None if extended_statistic else statistic,
            extended_statistic=extended_statistic,
            period=PERIOD,
            evaluation_periods=evaluations,
            threshold=threshold,
            comparison_operator=comparison,
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _error_rate(self, load_balancer: pulumi.Output[str], percent: float) -> None:
        def metric(metric_id: str, name: str) -> dict[str, object]:
            return {
                "id": metric_id,
                "return_data": False,
                "metric": {
                    "namespace": "AWS/ApplicationELB",
                    "metric_name": name,
                    "period": PERIOD,
                    "stat": "Sum",
                    "dimensions": {"LoadBalancer": load_balancer},
                },
            }

        aws.cloudwatch.MetricAlarm(
            f"{self._prefix}-5xx-rate",
            alarm_description=f"more than {percent:g}% of requests answered 5xx",
            evaluation_periods=EVALUATIONS,
            threshold=percent,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            metric_queries=[
                metric("errors", "HTTPCode_Target_5XX_Count"),
                metric("requests", "RequestCount"),
                {"id": "rate", "expression": "100 * errors / MAX([requests, 1])", "label": "5xx %", "return_data": True},
            ],
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            opts=pulumi.ResourceOptions(parent=self),
        )
