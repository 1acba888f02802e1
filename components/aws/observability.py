"""CloudWatch alarms on what users feel, and EventBridge rules on failed job runs, sent to one SNS topic (e-mail, Slack).

What each alarm catches, and its metric's source (CloudWatch user guides: "CloudWatch metrics for your Application Load
Balancer", "Amazon ECS Container Insights metrics", "Amazon RDS metrics", "Metrics for Valkey and Redis OSS"; EventBridge:
"Amazon ECS task state change events", Step Functions "Execution status change" events):

- the share of requests answered 5xx, by the services (HTTPCode_Target_5XX_Count) or by the load balancer itself
  (HTTPCode_ELB_5XX_Count: a 502/503/504 when no target is registered or none answers), over RequestCount;
- a target group with no healthy target (HealthyHostCount, per target group and load balancer);
- a service running fewer tasks than ECS wants (Container Insights RunningTaskCount against DesiredTaskCount, metric math:
  the cluster has Container Insights on);
- a service's, the database's or the cache's CPU or memory above the `alerts` thresholds, and the database near its
  `max_connections` or out of disk;
- a scheduled run that exits non-zero or fails to start (an EventBridge rule on "ECS Task State Change", STOPPED, for the
  job's task definition family), and a run that failed after its retries or timed out (a rule on "Step Functions Execution
  Status Change"), and a start the scheduler gave up on (its dead-letter queue).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.aws.iam import allow, service_role
from components.naming import scoped
from components.stateful import keep
from stacks.model import Alerts

PERIOD = 60
EVALUATIONS = 5  # sustained for 5 minutes, so one slow request does not page anyone
OUTAGE_EVALUATIONS = 3  # no healthy target: page sooner
# A release's alarms decide sooner: 2 bad minutes of 3. So a release needs at least this long to be watched (the model
# asks production stacks for `intervalMinutes` and `bakeMinutes` of at least RELEASE_WATCH_MINUTES).
RELEASE_EVALUATIONS = 3
RELEASE_DATAPOINTS = 2
# The connection alarm's ceiling when the stack does not know the instance class's max_connections.
FALLBACK_MAX_CONNECTIONS = 500
# Chatbot's API answers in these regions only (Chatbot API reference, "Welcome"); a channel configuration made in one of
# them takes topics from every region. A stack elsewhere makes it in us-east-2.
CHATBOT_REGIONS = ("us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1")
CHATBOT_DEFAULT_REGION = "us-east-2"
# Ended runs that page: FAILED covers a non-zero exit and a state timeout after the retries; TIMED_OUT an execution timeout.
FAILED_EXECUTIONS = ["FAILED", "TIMED_OUT"]


@dataclass
class WatchedJob:
    """A scheduled job: the workflow that runs it, its task definition family and the scheduler's dead-letter queue."""

    state_machine_arn: pulumi.Output[str]
    task_family: pulumi.Input[str]
    dead_letter_queue: pulumi.Output[str]


@dataclass
class Watched:
    """What exists to be watched; empty parts are skipped."""

    cluster_name: pulumi.Input[str]
    cluster_arn: pulumi.Input[str] | None = None
    service_names: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    # Services that may run no task at all (scaling.min 0): no alarm when their target group has no healthy target.
    scaled_to_zero: set[str] = field(default_factory=set)
    load_balancer_suffix: pulumi.Output[str] | None = None
    target_group_suffixes: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    database_id: pulumi.Output[str] | None = None
    database_storage_gb: int = 0
    # The instance's max_connections, when the stack knows it (components/aws/connections.py).
    database_max_connections: int | None = None
    cache_group_id: pulumi.Output[str] | None = None
    cache_nodes: int = 0
    jobs: dict[str, WatchedJob] = field(default_factory=dict)


def chatbot_region(region: str) -> str:
    """Where the Slack channel configuration is made: the stack's region when Chatbot's API answers there."""
    return region if region in CHATBOT_REGIONS else CHATBOT_DEFAULT_REGION


def connections_threshold(alerts: Alerts, max_connections: int | None) -> int:
    """`connectionsPercent` of the database's max_connections; of 500 when it is unknown (the alarm at 400 by default)."""
    return int((max_connections or FALLBACK_MAX_CONNECTIONS) * alerts.connections_percent / 100)


class Alarms(pulumi.ComponentResource):
    topic: aws.sns.Topic
    chat: aws.chatbot.SlackChannelConfiguration | None

    def __init__(
        self,
        name: str,
        alerts: Alerts,
        account_id: pulumi.Input[str],
        protect: bool,
        events: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """One topic for every alarm (e-mailed to `alerts.email`, posted to `alerts.slackChannel`); `events`: EventBridge
        rules publish to it too (failed job runs). The alarms come with `load_balancer` and `watch`."""
        super().__init__("shipyard:aws:Alarms", name, None, opts)
        self._prefix = name
        self._alerts = alerts
        invoke = pulumi.InvokeOptions(parent=self)
        # The partition from the provider, not a literal `aws`: GovCloud (aws-us-gov) and China (aws-cn) ARNs differ.
        self._partition = aws.get_partition_output(opts=invoke).partition
        self._region = aws.get_region_output(opts=invoke).region
        self._account_id = account_id
        self.topic = self._encrypted_topic(name, account_id, protect, events=events)
        if alerts.email:
            aws.sns.TopicSubscription(
                name, topic=self.topic.arn, protocol="email", endpoint=alerts.email, opts=pulumi.ResourceOptions(parent=self.topic)
            )
        self.chat = self._slack(name, alerts.slack_channel) if alerts.slack_channel else None

    def load_balancer(
        self, load_balancer: pulumi.Output[str], target_groups: Mapping[str, list[pulumi.Output[str]]], scaled_to_zero: set[str]
    ) -> dict[str, list[pulumi.Output[str]]]:
        """What users feel at the load balancer: the 5xx rate, and each service's p95 latency and healthy targets over its
        target groups (two when its releases shift traffic between them). Returns, for a service with two groups, the
        names of its release alarms, which roll a release back (`components/aws/release.py`)."""
        alerts = self._alerts
        self._error_rate(load_balancer, alerts.error_rate_percent)
        guards: dict[str, list[pulumi.Output[str]]] = {}
        for svc, suffixes in target_groups.items():
            per_group = [{"LoadBalancer": load_balancer, "TargetGroup": suffix} for suffix in suffixes]
            latency_description = f"{svc}: p95 latency above {alerts.latency_p95_ms} ms"
            if len(per_group) == 1:
                self._alarm(
                    f"{svc}-latency-p95",
                    "AWS/ApplicationELB",
                    "TargetResponseTime",
                    per_group[0],
                    alerts.latency_p95_ms / 1000,
                    latency_description,
                    extended_statistic="p95",
                )
            else:
                # The live traffic is on either group, and during a canary on both: the slower group's p95.
                self._math_alarm(f"{svc}-latency-p95", latency_description, alerts.latency_p95_ms / 1000, self._slowest_p95(per_group))
                guards[svc] = self._release_alarms(svc, per_group)
            if svc in scaled_to_zero:
                continue
            # No data is as bad as zero: a target group whose targets are all gone reports nothing.
            healthy_description = f"{svc}: no healthy target behind the load balancer"
            if len(per_group) == 1:
                self._alarm(
                    f"{svc}-healthy-hosts",
                    "AWS/ApplicationELB",
                    "HealthyHostCount",
                    per_group[0],
                    1,
                    healthy_description,
                    comparison="LessThanThreshold",
                    statistic="Minimum",
                    evaluations=OUTAGE_EVALUATIONS,
                    missing="breaching",
                )
            else:
                # Between releases one group is empty: healthy targets in either count.
                ids = [f"healthy{index}" for index in range(len(per_group))]
                self._math_alarm(
                    f"{svc}-healthy-hosts",
                    healthy_description,
                    1,
                    [
                        *[
                            self._metric(metric_id, "AWS/ApplicationELB", "HealthyHostCount", dims, "Minimum")
                            for metric_id, dims in zip(ids, per_group, strict=True)
                        ],
                        {
                            "id": "healthy",
                            "expression": " + ".join(f"FILL({metric_id}, 0)" for metric_id in ids),
                            "label": "healthy targets",
                            "return_data": True,
                        },
                    ],
                    comparison="LessThanThreshold",
                    evaluations=OUTAGE_EVALUATIONS,
                    missing="breaching",
                )
        return guards

    def _release_alarms(self, svc: str, per_group: list[dict[str, pulumi.Output[str]]]) -> list[pulumi.Output[str]]:
        """The service's own 5xx rate and p95 latency, on whichever group is worse, over a short window: ECS reads their
        state during a release and rolls back on ALARM. Not the load balancer's 5xx rate, which another service's errors
        would raise. They page no one (the deployment's failure does, through the circuit breaker's events)."""
        alerts = self._alerts
        names = []
        rates: list[dict[str, object]] = []
        for index, dims in enumerate(per_group):
            rates += [
                self._metric(f"errors{index}", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", dims, "Sum"),
                self._metric(f"requests{index}", "AWS/ApplicationELB", "RequestCount", dims, "Sum"),
            ]
        worst_rate = ", ".join(
            f"100 * FILL(errors{i}, 0) / MAX([FILL(requests{i}, 0), FILL(errors{i}, 0), 1])" for i in range(len(per_group))
        )
        for suffix, description, threshold, queries in (
            (
                "release-5xx",
                f"{svc}: more than {alerts.error_rate_percent:g}% of its requests answered 5xx during a release",
                alerts.error_rate_percent,
                [*rates, {"id": "rate", "expression": f"MAX([{worst_rate}])", "label": "5xx %", "return_data": True}],
            ),
            (
                "release-latency",
                f"{svc}: p95 latency above {alerts.latency_p95_ms} ms during a release",
                alerts.latency_p95_ms / 1000,
                self._slowest_p95(per_group),
            ),
        ):
            alarm = self._math_alarm(
                f"{svc}-{suffix}",
                description,
                threshold,
                queries,
                evaluations=RELEASE_EVALUATIONS,
                datapoints=RELEASE_DATAPOINTS,
                notify=False,
            )
            names.append(alarm.name)
        return names

    def watch(self, watched: Watched) -> None:
        """Alarms on the services' tasks, the database, the cache and the scheduled jobs."""
        alerts = self._alerts
        for svc, service_name in watched.service_names.items():
            dims = {"ClusterName": watched.cluster_name, "ServiceName": service_name}
            self._alarm(f"{svc}-cpu", "AWS/ECS", "CPUUtilization", dims, alerts.cpu_percent, f"{svc}: CPU above {alerts.cpu_percent}%")
            self._alarm(
                f"{svc}-memory",
                "AWS/ECS",
                "MemoryUtilization",
                dims,
                alerts.memory_percent,
                f"{svc}: memory above {alerts.memory_percent}%",
            )
            self._running_below_desired(svc, dims)
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
            connections = connections_threshold(alerts, watched.database_max_connections)
            self._alarm(
                "database-connections", "AWS/RDS", "DatabaseConnections", dims, connections, f"database connections above {connections}"
            )
        if watched.cache_group_id is not None:
            for node in range(1, watched.cache_nodes + 1):
                dims = {"CacheClusterId": pulumi.Output.format("{0}-{1:03d}", watched.cache_group_id, node)}
                self._alarm(
                    f"cache-{node}-cpu",
                    "AWS/ElastiCache",
                    "EngineCPUUtilization",
                    dims,
                    alerts.cpu_percent,
                    f"cache node {node} engine CPU above {alerts.cpu_percent}%",
                )
                self._alarm(
                    f"cache-{node}-memory",
                    "AWS/ElastiCache",
                    "DatabaseMemoryUsagePercentage",
                    dims,
                    alerts.memory_percent,
                    f"cache node {node} memory above {alerts.memory_percent}%",
                )
        rules: list[aws.cloudwatch.EventRule] = []
        for job, watched_job in watched.jobs.items():
            self._alarm(
                f"{job}-dead-letters",
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                {"QueueName": watched_job.dead_letter_queue},
                0,
                f"{job}: a scheduled run could not be started",
                evaluations=1,
                statistic="Maximum",
            )
            rules += self._job_failures(job, watched_job, watched.cluster_arn)
        self._topic_policy(self._prefix, self._account_id, rules)
        self.register_outputs({"topic": self.topic.arn})

    def _encrypted_topic(self, name: str, account_id: pulumi.Input[str], protect: bool, events: bool) -> aws.sns.Topic:
        """A topic CloudWatch (and EventBridge) can publish to: the AWS-managed SNS key lets neither encrypt, so bring our own."""
        root = pulumi.Output.concat("arn:", self._partition, ":iam::", account_id, ":root")
        only_this_account = {"StringEquals": {"aws:SourceAccount": account_id}}
        statements: list[dict[str, Any]] = [
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
        ]
        if events:
            # EventBridge encrypts what its rules publish to the topic (SNS developer guide, "Configuring AWS KMS
            # permissions": events.amazonaws.com). No condition: the topic policy admits this stack's rules only.
            statements.append(
                {
                    "Sid": "EventBridgeEncryptsJobEvents",
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                }
            )
        key = aws.kms.Key(
            f"{name}-alarms",
            description=f"{name}: alarm notifications",
            enable_key_rotation=True,
            policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements}),
            opts=keep(self, protect),
        )
        return aws.sns.Topic(name, kms_master_key_id=key.arn, opts=pulumi.ResourceOptions(parent=self))

    def _topic_policy(self, name: str, account_id: pulumi.Input[str], rules: list[aws.cloudwatch.EventRule]) -> None:
        statements: list[dict[str, Any]] = [
            {
                "Sid": "CloudWatchPublishes",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": self.topic.arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        ]
        if rules:
            statements.append(
                {
                    "Sid": "EventBridgePublishesJobFailures",
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": self.topic.arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": [rule.arn for rule in rules]}},
                }
            )
        aws.sns.TopicPolicy(
            name,
            arn=self.topic.arn,
            policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements}),
            opts=pulumi.ResourceOptions(parent=self.topic),
        )

    def _slack(self, name: str, channel: str) -> aws.chatbot.SlackChannelConfiguration:
        """The topic, posted to a Slack channel by AWS Chatbot (Amazon Q Developer in chat applications).

        SNS has no Slack target, and an SNS HTTPS subscription to a Slack webhook fails: SNS posts its own JSON and
        waits for the endpoint to confirm the subscription. Chatbot reads the topic and formats alarms for Slack; the
        workspace must be authorised once in the Chatbot console (an OAuth step no API offers), which gives its id.
        """
        workspace, channel_id = channel.split("/")
        # Chatbot renders alarm charts and answers with this role; it may read CloudWatch and nothing else, and the
        # guardrail caps whatever a channel member's own role could do from the channel.
        role, permissions = service_role(
            f"{name}-slack",
            "chatbot.amazonaws.com",
            [allow(["cloudwatch:DescribeAlarms", "cloudwatch:GetMetricData", "cloudwatch:GetMetricWidgetImage"], ["*"])],
            parent=self,
            description=f"{name}: AWS Chatbot reads alarms for the Slack channel, nothing else",
        )
        read_only = pulumi.Output.concat("arn:", self._partition, ":iam::aws:policy/CloudWatchReadOnlyAccess")
        return aws.chatbot.SlackChannelConfiguration(
            f"{name}-slack",
            configuration_name=scoped(name),
            slack_team_id=workspace,
            slack_channel_id=channel_id,
            iam_role_arn=role.arn,
            guardrail_policy_arns=[read_only],
            sns_topic_arns=[self.topic.arn],
            logging_level="ERROR",
            region=self._region.apply(chatbot_region),
            opts=pulumi.ResourceOptions(parent=self, depends_on=permissions),
        )

    def _job_failures(self, job: str, watched: WatchedJob, cluster_arn: pulumi.Input[str] | None) -> list[aws.cloudwatch.EventRule]:
        """Two rules to the topic: a run's task stopped with a non-zero exit or never started; its workflow failed."""
        family_prefix = pulumi.Output.concat(
            "arn:", self._partition, ":ecs:", self._region, ":", self._account_id, ":task-definition/", watched.task_family, ":"
        )
        task_detail: dict[str, Any] = {
            "lastStatus": ["STOPPED"],
            "taskDefinitionArn": [{"prefix": family_prefix}],
            # A container that exited non-zero (a timed-out run is stopped: 137 or 143), or a task that never started
            # (no exit code then: an image that cannot be pulled, a secret that cannot be read).
            "$or": [{"containers": {"exitCode": [{"anything-but": 0}]}}, {"stopCode": ["TaskFailedToStart"]}],
        }
        if cluster_arn is not None:
            task_detail["clusterArn"] = [cluster_arn]
        exited = self._rule(
            f"{job}-exit-code",
            f"{job}: a run exited non-zero or did not start",
            {"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"], "detail": task_detail},
        )
        failed = self._rule(
            f"{job}-run-failed",
            f"{job}: a run failed after its retries or timed out",
            {
                "source": ["aws.states"],
                "detail-type": ["Step Functions Execution Status Change"],
                "detail": {"status": FAILED_EXECUTIONS, "stateMachineArn": [watched.state_machine_arn]},
            },
        )
        return [exited, failed]

    def _rule(self, suffix: str, description: str, pattern: dict[str, Any]) -> aws.cloudwatch.EventRule:
        rule = aws.cloudwatch.EventRule(
            f"{self._prefix}-{suffix}",
            description=description,
            event_pattern=pulumi.Output.json_dumps(pattern),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.cloudwatch.EventTarget(f"{self._prefix}-{suffix}", rule=rule.name, arn=self.topic.arn, opts=pulumi.ResourceOptions(parent=rule))
        return rule

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
        missing: str = "notBreaching",
    ) -> aws.cloudwatch.MetricAlarm:
        return aws.cloudwatch.MetricAlarm(
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
            treat_missing_data=missing,
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _math_alarm(
        self,
        suffix: str,
        description: str,
        threshold: float,
        queries: list[dict[str, object]],
        comparison: str = "GreaterThanThreshold",
        evaluations: int = EVALUATIONS,
        missing: str = "notBreaching",
        datapoints: int | None = None,
        notify: bool = True,
    ) -> aws.cloudwatch.MetricAlarm:
        """`datapoints` of the `evaluations` periods breaching set it off (all of them by default); `notify: False` for an
        alarm another service acts on, paging no one."""
        actions = [self.topic.arn] if notify else None
        return aws.cloudwatch.MetricAlarm(
            f"{self._prefix}-{suffix}",
            alarm_description=description,
            evaluation_periods=evaluations,
            datapoints_to_alarm=datapoints,
            threshold=threshold,
            comparison_operator=comparison,
            treat_missing_data=missing,
            metric_queries=queries,
            alarm_actions=actions,
            ok_actions=actions,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _slowest_p95(self, per_group: list[dict[str, pulumi.Output[str]]]) -> list[dict[str, object]]:
        """The p95 response time of the slower of a service's target groups (the live traffic is on either)."""
        ids = [f"p95{index}" for index in range(len(per_group))]
        return [
            *[self._metric(i, "AWS/ApplicationELB", "TargetResponseTime", dims, "p95") for i, dims in zip(ids, per_group, strict=True)],
            {"id": "slowest", "expression": f"MAX([{', '.join(ids)}])", "label": "p95 latency (s)", "return_data": True},
        ]

    @staticmethod
    def _metric(metric_id: str, namespace: str, name: str, dimensions: Mapping[str, object], stat: str) -> dict[str, object]:
        return {
            "id": metric_id,
            "return_data": False,
            "metric": {"namespace": namespace, "metric_name": name, "period": PERIOD, "stat": stat, "dimensions": dimensions},
        }

    def _running_below_desired(self, svc: str, dims: Mapping[str, object]) -> None:
        """Container Insights reports both counts per service; a crash loop or no Fargate capacity keeps them apart."""
        self._math_alarm(
            f"{svc}-running-tasks",
            f"{svc}: fewer tasks running than desired",
            0,
            [
                self._metric("running", "ECS/ContainerInsights", "RunningTaskCount", dims, "Minimum"),
                self._metric("desired", "ECS/ContainerInsights", "DesiredTaskCount", dims, "Maximum"),
                {"id": "missing", "expression": "desired - running", "label": "tasks missing", "return_data": True},
            ],
        )

    def _error_rate(self, load_balancer: pulumi.Output[str], percent: float) -> aws.cloudwatch.MetricAlarm:
        """5xx from the services and from the load balancer itself, as a share of requests.

        RequestCount leaves out requests the load balancer answered without choosing a target (its 503 when no target
        is registered), so the denominator is at least the errors: with every target gone the rate is 100 %, not a
        division by nothing. ELB 5xx are reported only when there are some: FILL makes a missing point 0.
        """
        dims = {"LoadBalancer": load_balancer}
        return self._math_alarm(
            "5xx-rate",
            f"more than {percent:g}% of requests answered 5xx by the services or the load balancer",
            percent,
            [
                self._metric("target", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", dims, "Sum"),
                self._metric("elb", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", dims, "Sum"),
                self._metric("requests", "AWS/ApplicationELB", "RequestCount", dims, "Sum"),
                {"id": "errors", "expression": "FILL(target, 0) + FILL(elb, 0)", "label": "5xx", "return_data": False},
                {
                    "id": "rate",
                    "expression": "100 * errors / MAX([FILL(requests, 0), errors, 1])",
                    "label": "5xx %",
                    "return_data": True,
                },
            ],
        )
