"""Alerts that catch what users feel, job timeouts, dashboards and chat channels, on the rendered stacks of both clouds."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from components.aws.connections import max_connections as rds_max_connections
from components.aws.observability import Alarms, Watched, chatbot_region
from components.gcp.connections import max_connections as cloud_sql_max_connections
from stacks import model, offline
from stacks.offline import Rendering, Resource
from tests.harness import config_error, inputs_json, render_app, render_component, render_shared, stack_app

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
WORKFLOW = "aws:sfn/stateMachine:StateMachine"
POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:pmis"
WEBHOOK = "https://hooks.example.com/services/T000/B000/planted"


def alarms(rendering: Rendering) -> dict[str, dict[str, Any]]:
    return {a.name: a.inputs for a in rendering.of_type(ALARM)}


def policies(rendering: Rendering) -> dict[str, dict[str, Any]]:
    return {p.name: p.inputs for p in rendering.of_type(POLICY)}


def condition(policy: dict[str, Any], index: int = 0) -> dict[str, Any]:
    return dict(policy["conditions"][index]["conditionThreshold"])


def queries(alarm: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in alarm["metricQueries"]}


def variant(stack: str, **alerts: Any) -> dict[str, Any]:
    app = stack_app(stack)
    app["alerts"] = {**app["alerts"], **alerts}
    return app


# ---------------------------------------------------------------------------------------------------------------------
# AWS: what users feel


def test_aws_error_rate_counts_the_load_balancers_own_5xx(aws_prod: Rendering) -> None:
    rate = alarms(aws_prod)["pmis-5xx-rate"]
    found = queries(rate)
    metrics = {q["metric"]["metricName"] for q in found.values() if "metric" in q}
    assert metrics == {"HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "RequestCount"}
    assert found["errors"]["expression"] == "FILL(target, 0) + FILL(elb, 0)"
    # With every target gone RequestCount leaves the load balancer's 503s out: the rate is then 100 %, not undefined.
    assert found["rate"]["expression"] == "100 * errors / MAX([FILL(requests, 0), errors, 1])" and found["rate"]["returnData"]
    assert rate["threshold"] == 5


def test_aws_alarms_when_a_target_group_has_no_healthy_target(aws_prod: Rendering) -> None:
    found = alarms(aws_prod)
    for svc in ("api", "web"):
        healthy = found[f"pmis-{svc}-healthy-hosts"]
        assert healthy["metricName"] == "HealthyHostCount" and healthy["statistic"] == "Minimum"
        assert healthy["dimensions"] == {"TargetGroup": f"targetgroup/pmis-{svc}/0123", "LoadBalancer": "app/pmis/0123"}
        assert (healthy["comparisonOperator"], healthy["threshold"]) == ("LessThanThreshold", 1)
        assert healthy["treatMissingData"] == "breaching", "a target group with no target at all reports nothing"
    assert "pmis-worker-healthy-hosts" not in found, "a worker has no target group"


def test_aws_service_that_may_run_no_task_has_no_healthy_host_alarm() -> None:
    def build() -> Alarms:
        alarms = Alarms("shop", model.Alerts(), "123456789012", protect=False, events=False)
        groups = {n: [pulumi.Output.from_input(f"targetgroup/shop-{n}/0123")] for n in ("api", "admin")}
        alarms.load_balancer(pulumi.Output.from_input("app/shop/0123"), groups, scaled_to_zero={"admin"})
        alarms.watch(Watched(cluster_name="shop"))
        return alarms

    found = alarms(render_component(build))
    assert "shop-api-healthy-hosts" in found and "shop-admin-healthy-hosts" not in found


def test_aws_alarms_when_fewer_tasks_run_than_desired(aws_prod: Rendering) -> None:
    found = alarms(aws_prod)
    for svc in ("api", "worker", "web"):
        by_id = queries(found[f"pmis-{svc}-running-tasks"])
        assert by_id["running"]["metric"]["namespace"] == by_id["desired"]["metric"]["namespace"] == "ECS/ContainerInsights"
        assert (by_id["running"]["metric"]["metricName"], by_id["desired"]["metric"]["metricName"]) == (
            "RunningTaskCount",
            "DesiredTaskCount",
        )
        assert by_id["running"]["metric"]["dimensions"] == {"ClusterName": "pmis", "ServiceName": f"pmis-{svc}"}
        assert by_id["missing"]["expression"] == "desired - running" and by_id["missing"]["returnData"]
        assert found[f"pmis-{svc}-running-tasks"]["comparisonOperator"] == "GreaterThanThreshold"
    cluster = aws_prod.one("aws:ecs/cluster:Cluster").inputs["settings"]
    assert {"name": "containerInsights", "value": "enhanced"} in cluster, "the counts come from Container Insights"


def test_aws_thresholds_come_from_the_config() -> None:
    found = alarms(render_shared(variant("aws-prod", cpuPercent=65, memoryPercent=70, connectionsPercent=50)))
    assert found["pmis-api-cpu"]["threshold"] == 65 and found["pmis-database-cpu"]["threshold"] == 65
    assert found["pmis-worker-memory"]["threshold"] == 70 and found["pmis-cache-2-memory"]["threshold"] == 70
    allowed = rds_max_connections("db.m7g.large")
    assert allowed and found["pmis-database-connections"]["threshold"] == int(allowed * 0.5)


def test_aws_default_connection_alarm_is_80_percent_of_max_connections(aws_prod: Rendering) -> None:
    allowed = rds_max_connections("db.m7g.large")
    assert allowed and alarms(aws_prod)["pmis-database-connections"]["threshold"] == int(allowed * 0.8)


# ---------------------------------------------------------------------------------------------------------------------
# AWS: jobs, their exit codes and their timeout


def event_rules(rendering: Rendering) -> dict[str, tuple[dict[str, Any], list[Resource]]]:
    targets = rendering.of_type(TARGET)
    return {r.name: (json.loads(r.inputs["eventPattern"]), [t for t in targets if t.parent == r.urn]) for r in rendering.of_type(RULE)}


def test_aws_a_job_run_that_exits_non_zero_reaches_the_alert_topic(aws_prod: Rendering) -> None:
    pattern, targets = event_rules(aws_prod)["pmis-check-overdue-tasks-exit-code"]
    assert pattern["source"] == ["aws.ecs"] and pattern["detail-type"] == ["ECS Task State Change"]
    detail = pattern["detail"]
    assert detail["lastStatus"] == ["STOPPED"]
    family = aws_prod.one("aws:ecs/taskDefinition:TaskDefinition", "pmis-check-overdue-tasks").inputs["family"]
    assert detail["taskDefinitionArn"] == [{"prefix": f"arn:aws:ecs:us-east-1:123456789012:task-definition/{family}:"}]
    assert {"containers": {"exitCode": [{"anything-but": 0}]}} in detail["$or"]
    assert {"stopCode": ["TaskFailedToStart"]} in detail["$or"], "a run that never started pages too"
    assert [t.inputs["arn"] for t in targets] == [TOPIC_ARN]


def test_aws_a_job_run_that_fails_or_times_out_reaches_the_alert_topic(aws_prod: Rendering) -> None:
    pattern, targets = event_rules(aws_prod)["pmis-check-overdue-tasks-run-failed"]
    assert pattern["detail-type"] == ["Step Functions Execution Status Change"]
    assert pattern["detail"]["status"] == ["FAILED", "TIMED_OUT"]
    assert pattern["detail"]["stateMachineArn"] == ["arn:aws:sfn:us-east-1:123456789012:pmis-check-overdue-tasks"]
    assert [t.inputs["arn"] for t in targets] == [TOPIC_ARN]


def test_aws_eventbridge_may_publish_to_the_encrypted_topic(aws_prod: Rendering) -> None:
    topic_policy = inputs_json(aws_prod.one("aws:sns/topicPolicy:TopicPolicy").inputs["policy"])
    (events,) = [s for s in topic_policy["Statement"] if s["Principal"] == {"Service": "events.amazonaws.com"}]
    assert events["Action"] == "sns:Publish"
    rule_arns = sorted(r.name for r in aws_prod.of_type(RULE))
    assert sorted(a.rsplit(":", 1)[-1] for a in events["Condition"]["ArnEquals"]["aws:SourceArn"]) == rule_arns
    key_policy = inputs_json(aws_prod.one("aws:kms/key:Key", "pmis-alarms").inputs["policy"])
    (key,) = [s for s in key_policy["Statement"] if s["Principal"] == {"Service": "events.amazonaws.com"}]
    assert set(key["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_aws_without_jobs_eventbridge_gets_no_grant() -> None:
    app = stack_app("aws-prod")
    app["jobs"] = {}
    rendering = render_shared(app)
    assert not rendering.of_type(RULE) and not rendering.of_type(WORKFLOW)
    for document in (
        rendering.one("aws:sns/topicPolicy:TopicPolicy").inputs["policy"],
        rendering.one("aws:kms/key:Key", "pmis-alarms").inputs["policy"],
    ):
        assert "events.amazonaws.com" not in document


def test_aws_job_timeout_is_enforced_by_a_step_functions_state_with_the_jobs_retries(aws_prod: Rendering) -> None:
    workflow = aws_prod.one(WORKFLOW, "pmis-check-overdue-tasks")
    assert workflow.inputs["type"] == "STANDARD"
    definition = json.loads(workflow.inputs["definition"])
    run = definition["States"][definition["StartAt"]]
    assert run["Resource"] == "arn:aws:states:::ecs:runTask.sync", "waits for the task and fails on a non-zero exit"
    assert run["TimeoutSeconds"] == 120, "jobs.check-overdue-tasks.timeoutSeconds"
    (retry,) = run["Retry"]
    assert retry["MaxAttempts"] == 3 and set(retry["ErrorEquals"]) == {"States.TaskFailed", "States.Timeout"}
    # PMIS's backoff: 60, 120, 180 s (Step Functions waits IntervalSeconds x BackoffRate^n, at most MaxDelaySeconds).
    waits = [min(retry["IntervalSeconds"] * retry["BackoffRate"] ** n, retry["MaxDelaySeconds"]) for n in range(retry["MaxAttempts"])]
    assert waits == [60, 120, 180]
    schedule = aws_prod.one("aws:scheduler/schedule:Schedule").inputs["target"]
    assert schedule["arn"] == "arn:aws:sfn:us-east-1:123456789012:pmis-check-overdue-tasks", "the scheduler starts the workflow"


def test_aws_job_without_retries_has_no_retry() -> None:
    app = stack_app("aws-prod")
    app["jobs"]["check-overdue-tasks"].update(retries=0, timeoutSeconds=900)
    run = json.loads(render_shared(app).one(WORKFLOW).inputs["definition"])["States"]["Run"]
    assert run["TimeoutSeconds"] == 900 and "Retry" not in run


def test_aws_job_roles_are_least_privilege(aws_prod: Rendering) -> None:
    runner = inputs_json(aws_prod.one("aws:iam/rolePolicy:RolePolicy", "pmis-check-overdue-tasks-runner").inputs["policy"])
    by_action = {action: s for s in runner["Statement"] for action in s["Action"]}
    assert by_action["ecs:StopTask"]["Resource"] == ["arn:aws:ecs:us-east-1:123456789012:task/pmis/*"], "only this cluster's tasks"
    assert by_action["events:PutRule"]["Resource"] == ["arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForECSTaskRule"]
    assert all(r != "*" for s in runner["Statement"] for r in s["Resource"])
    trust = inputs_json(aws_prod.one("aws:iam/role:Role", "pmis-check-overdue-tasks-runner").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "states.amazonaws.com"}
    scheduler = inputs_json(aws_prod.one("aws:iam/rolePolicy:RolePolicy", "pmis-check-overdue-tasks-scheduler").inputs["policy"])
    assert sorted(a for s in scheduler["Statement"] for a in s["Action"]) == ["sqs:SendMessage", "states:StartExecution"]


# ---------------------------------------------------------------------------------------------------------------------
# AWS: dashboard and chat


def test_aws_dashboard_shows_traffic_capacity_stores_and_jobs(aws_prod: Rendering) -> None:
    dashboard = aws_prod.one("aws:cloudwatch/dashboard:Dashboard")
    assert dashboard.inputs["dashboardName"] == "pmis-aws-prod"
    widgets = {w["properties"]["title"]: w["properties"] for w in json.loads(dashboard.inputs["dashboardBody"])["widgets"]}

    def lines(title_start: str) -> list[list[Any]]:
        (title,) = [t for t in widgets if t.startswith(title_start)]
        return list(widgets[title]["metrics"])

    per_service = {
        "Requests per minute": "RequestCount",
        "p95 latency": "TargetResponseTime",
        "5xx per minute": "HTTPCode_Target_5XX_Count",
    }
    for title, name in per_service.items():
        assert {line[-1]["label"] for line in lines(title) if line[1] == name} == {"api", "web"}
    assert any(line[1] == "HTTPCode_ELB_5XX_Count" for line in lines("5xx per minute"))
    for title in ("CPU %", "Memory %"):
        assert {line[-1]["label"] for line in lines(title)} == {"api", "worker", "web"}
    assert lines("Database CPU")[0][1] == "CPUUtilization" and lines("Database connections")[0][1] == "DatabaseConnections"
    assert len(lines("Cache memory")) == 2
    assert {line[1] for line in lines("Job runs")} == {"ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"}
    assert all(w["region"] == "us-east-1" for w in widgets.values())
    assert aws_prod.outputs["dashboardUrl"] == (
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/pmis-aws-prod"
    )


def test_aws_slack_channel_posts_the_alert_topic_through_chatbot() -> None:
    rendering = render_shared(variant("aws-prod", slackChannel="T07EA123LEP/C07EZ1ABC23"))
    chat = rendering.one("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration").inputs
    assert (chat["slackTeamId"], chat["slackChannelId"]) == ("T07EA123LEP", "C07EZ1ABC23")
    assert chat["snsTopicArns"] == [TOPIC_ARN] and chat["configurationName"] == "pmis-test"
    assert chat["guardrailPolicyArns"] == ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"], "not the default AdministratorAccess"
    assert chat["region"] == "us-east-2", "Chatbot's API is not in us-east-1"
    role = inputs_json(rendering.one("aws:iam/rolePolicy:RolePolicy", "pmis-slack").inputs["policy"])
    assert all(action.split(":")[1].startswith(("Describe", "Get")) for s in role["Statement"] for action in s["Action"])
    assert "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration" not in {
        r.type for r in render_shared(stack_app("aws-prod")).resources
    }


def test_aws_chatbot_is_made_in_the_stacks_region_where_its_api_answers() -> None:
    # The offline provider always answers us-east-1 (stacks/offline.py), so the choice itself is checked here.
    assert [chatbot_region(r) for r in ("eu-west-1", "us-west-2", "us-east-1", "eu-central-1")] == [
        "eu-west-1",
        "us-west-2",
        "us-east-2",
        "us-east-2",
    ]


# ---------------------------------------------------------------------------------------------------------------------
# GCP


def test_gcp_uptime_check_failures_page(gcp_prod: Rendering) -> None:
    found = policies(gcp_prod)
    check = gcp_prod.one("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig")
    uptime = next(p for p in gcp_prod.of_type(POLICY) if p.name == "pmis-web-uptime")
    threshold = condition(found["pmis-web-uptime"])
    assert 'metric.type = "monitoring.googleapis.com/uptime_check/check_passed"' in threshold["filter"]
    assert "metric.labels.check_id" in threshold["filter"] and check.urn in uptime.property_dependencies["conditions"]
    assert threshold["aggregations"][0]["crossSeriesReducer"] == "REDUCE_COUNT_FALSE"
    assert (threshold["comparison"], threshold["thresholdValue"]) == ("COMPARISON_GT", 1), "more than one location failing"


def test_gcp_alerts_on_cloud_sql_cpu_memory_disk_and_connections(gcp_prod: Rendering) -> None:
    found = policies(gcp_prod)
    expected = {
        "pmis-database-cpu": ("cloudsql.googleapis.com/database/cpu/utilization", 0.8),
        "pmis-database-memory": ("cloudsql.googleapis.com/database/memory/utilization", 0.8),
        "pmis-database-disk": ("cloudsql.googleapis.com/database/disk/utilization", 0.9),
    }
    allowed = cloud_sql_max_connections("db-custom-2-7680")
    assert allowed
    expected["pmis-database-connections"] = ("cloudsql.googleapis.com/database/postgresql/num_backends", int(allowed * 0.8))
    for name, (metric, value) in expected.items():
        threshold = condition(found[name])
        assert f'metric.type = "{metric}"' in threshold["filter"] and 'resource.type = "cloudsql_database"' in threshold["filter"]
        assert threshold["thresholdValue"] == pytest.approx(value), name


def test_gcp_alerts_on_memorystore_memory(gcp_prod: Rendering) -> None:
    threshold = condition(policies(gcp_prod)["pmis-cache-memory"])
    assert 'metric.type = "redis.googleapis.com/stats/memory/usage_ratio"' in threshold["filter"]
    assert 'resource.labels.instance_id = "projects/pmis-production/locations/us-central1/instances/pmis"' in threshold["filter"]
    assert threshold["thresholdValue"] == pytest.approx(0.8)


def test_gcp_alerts_on_failed_job_executions(gcp_prod: Rendering) -> None:
    threshold = condition(policies(gcp_prod)["pmis-check-overdue-tasks-failed-runs"])
    assert 'metric.type = "run.googleapis.com/job/completed_execution_count"' in threshold["filter"]
    assert 'metric.labels.result = "failed"' in threshold["filter"]
    assert 'resource.labels.job_name = "pmis-check-overdue-tasks-gcp-prod"' in threshold["filter"]
    assert (threshold["comparison"], threshold["thresholdValue"]) == ("COMPARISON_GT", 0)


def test_gcp_alerts_when_a_worker_pool_runs_fewer_instances_than_asked(gcp_prod: Rendering) -> None:
    policy = policies(gcp_prod)["pmis-worker-instances"]
    below = condition(policy)
    assert 'resource.type = "cloud_run_worker_pool"' in below["filter"] and "container/instance_count" in below["filter"]
    assert (below["comparison"], below["thresholdValue"]) == ("COMPARISON_LT", 2), "services.worker.scaling.min"
    assert policy["conditions"][1]["conditionAbsent"]["filter"] == below["filter"], "no instance at all reports nothing"


def test_gcp_uses_the_configured_thresholds() -> None:
    found = policies(render_shared(variant("gcp-prod", cpuPercent=65, memoryPercent=70)))
    for name in ("pmis-api-cpu", "pmis-worker-cpu", "pmis-database-cpu"):
        assert condition(found[name])["thresholdValue"] == pytest.approx(0.65), name
    for name in ("pmis-web-memory", "pmis-worker-memory", "pmis-database-memory", "pmis-cache-memory"):
        assert condition(found[name])["thresholdValue"] == pytest.approx(0.7), name


def test_gcp_job_timeout_is_the_cloud_run_task_timeout(gcp_prod: Rendering) -> None:
    job = gcp_prod.one("gcp:cloudrunv2/job:Job", "pmis-check-overdue-tasks").inputs["template"]["template"]
    assert (job["timeout"], job["maxRetries"]) == ("120s", 3)


def test_gcp_dashboard_shows_traffic_capacity_stores_and_jobs(gcp_prod: Rendering) -> None:
    body = json.loads(gcp_prod.one("gcp:monitoring/dashboard:Dashboard").inputs["dashboardJson"])
    tiles = {t["widget"]["title"]: t["widget"]["xyChart"]["dataSets"] for t in body["mosaicLayout"]["tiles"]}

    def filters(title_start: str) -> list[str]:
        (title,) = [t for t in tiles if t.startswith(title_start)]
        return [d["timeSeriesQuery"]["timeSeriesFilter"]["filter"] for d in tiles[title]]

    for title, metric in (("Requests", "request_count"), ("p95 latency", "request_latencies"), ("5xx", "request_count")):
        assert len(filters(title)) == 2 and all(metric in f for f in filters(title)), title
    for title in ("CPU", "Memory"):
        assert {f.split('"')[3] for f in filters(title)} == {"pmis-api-gcp-prod", "pmis-web-gcp-prod", "pmis-worker-gcp-prod"}
    assert "cpu/utilization" in filters("Database CPU")[0] and "num_backends" in filters("Database connections")[0]
    assert "usage_ratio" in filters("Cache memory")[0] and "completed_execution_count" in filters("Job runs")[0]
    assert (
        gcp_prod.outputs["dashboardUrl"] == "https://console.cloud.google.com/monitoring/dashboards/custom/pmis-id?project=pmis-production"
    )


def test_gcp_webhook_channel_takes_its_url_from_a_supplied_secret() -> None:
    app = variant("gcp-prod", webhookSecret="SLACK_WEBHOOK_URL")
    app["secrets"]["SLACK_WEBHOOK_URL"] = {}
    app["secretValues"] = {"SLACK_WEBHOOK_URL": WEBHOOK}
    rendering = render_shared(app, secret_keys=("secretValues",))
    channels = {c.name: c for c in rendering.of_type(CHANNEL)}
    webhook = channels["pmis-webhook"]
    assert webhook.inputs["type"] == "webhook_tokenauth" and webhook.inputs["labels"] == {"url": WEBHOOK}
    assert "labels" in webhook.secret_inputs, "the URL is its own credential and stays encrypted"
    assert all(sorted(p["notificationChannels"]) == ["pmis", "pmis-webhook"] for p in policies(rendering).values())


# ---------------------------------------------------------------------------------------------------------------------
# Refusals


def test_a_webhook_secret_must_be_declared() -> None:
    assert "alerts.webhookSecret: 'SLACK_WEBHOOK_URL' is not declared under `secrets`; declared: SECRET_KEY" in config_error(
        variant("gcp-prod", webhookSecret="SLACK_WEBHOOK_URL")
    )


def test_a_webhook_secret_is_supplied_not_generated() -> None:
    app = variant("gcp-prod", webhookSecret="SECRET_KEY")
    assert "alerts.webhookSecret: 'SECRET_KEY' is generated by the stack, but a webhook URL comes from the chat tool" in config_error(app)


def test_aws_refuses_a_webhook_and_points_to_slack_channel() -> None:
    app = variant("aws-prod", webhookSecret="SLACK_WEBHOOK_URL")
    app["secrets"]["SLACK_WEBHOOK_URL"] = {}
    app["secretValues"] = {"SLACK_WEBHOOK_URL": WEBHOOK}
    assert "alerts.webhookSecret: SNS cannot post to a chat webhook" in config_error(app)
    assert "use slackChannel (AWS Chatbot)" in config_error(app)


def test_gcp_refuses_a_slack_channel_and_points_to_the_webhook() -> None:
    message = config_error(variant("gcp-prod", slackChannel="T07EA123LEP/C07EZ1ABC23"))
    assert "alerts.slackChannel: AWS Chatbot's Slack channel is AWS only; on GCP post alerts to a webhook with webhookSecret" in message


@pytest.mark.parametrize("channel", ["C07EZ1ABC23", "T07EA123LEP/#alerts", "t07ea123lep/C07EZ1ABC23", "T07EA123LEP/C07EZ1ABC23/x"])
def test_a_slack_channel_is_a_workspace_id_and_a_channel_id(channel: str) -> None:
    assert f"alerts.slackChannel: {channel!r} is not `<workspace id>/<channel id>`" in config_error(
        variant("aws-prod", slackChannel=channel)
    )


@pytest.mark.parametrize("key", ["memoryPercent", "connectionsPercent", "cpuPercent"])
def test_thresholds_are_percentages(key: str) -> None:
    assert f"alerts.{key}: Input should be less than or equal to 100" in config_error(variant("aws-prod", **{key: 150}))


def test_aws_workflow_and_dashboard_follow_the_partition(monkeypatch: pytest.MonkeyPatch) -> None:
    govcloud = {"partition": "aws-us-gov", "dnsSuffix": "amazonaws.com", "id": "aws-us-gov"}
    monkeypatch.setitem(offline._CALLS, "aws:index/getPartition:getPartition", lambda args: dict(govcloud))
    rendering = render_app(stack_app("aws-prod"))  # not shared: rendered under a patched mock
    run = json.loads(rendering.one(WORKFLOW).inputs["definition"])["States"]["Run"]
    assert run["Resource"] == "arn:aws-us-gov:states:::ecs:runTask.sync"
    assert rendering.outputs["dashboardUrl"].startswith("https://us-east-1.console.amazonaws-us-gov.com/cloudwatch/")
