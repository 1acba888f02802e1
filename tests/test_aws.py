"""Properties of the AWS rendering that users rely on, on the committed aws-prod stack and in-test configs."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from stacks.offline import Rendering, Resource
from tests.harness import inputs_json, render_app, stack_app

SERVICE = "aws:ecs/service:Service"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
GROUP = "aws:ec2/securityGroup:SecurityGroup"


def container(task: Resource) -> dict[str, Any]:
    (definition,) = inputs_json(task.inputs["containerDefinitions"])
    return dict(definition)


def policies(rendering: Rendering) -> list[dict[str, Any]]:
    return [inputs_json(r.inputs["policy"]) for r in rendering.of_type("aws:iam/rolePolicy:RolePolicy")]


def test_database_is_private_multi_az_encrypted_and_kept(aws_prod: Rendering) -> None:
    db = aws_prod.one("aws:rds/instance:Instance")
    assert db.inputs["publiclyAccessible"] is False
    assert db.inputs["multiAz"] is True
    assert db.inputs["storageEncrypted"] is True and db.inputs["kmsKeyId"]
    assert db.inputs["storageType"] == "gp3" and db.inputs["maxAllocatedStorage"] > db.inputs["allocatedStorage"]
    assert db.inputs["backupRetentionPeriod"] >= 7
    assert db.inputs["deletionProtection"] is True and db.inputs["skipFinalSnapshot"] is False
    # Followed by a random suffix per instance (tests/test_data_stores.py); mocks leave the suffix empty.
    assert db.inputs["finalSnapshotIdentifier"].startswith("pmis-aws-prod-database-final") and db.inputs["copyTagsToSnapshot"] is True
    assert db.inputs["performanceInsightsEnabled"] is True
    assert set(db.inputs["enabledCloudwatchLogsExports"]) == {"postgresql", "upgrade"}
    assert db.inputs["engine"] == "postgres" and db.inputs["engineVersion"] == "15"
    assert db.protect, "the database carries Pulumi protect in production"
    params = {p["name"]: p["value"] for p in aws_prod.one("aws:rds/parameterGroup:ParameterGroup").inputs["parameters"]}
    assert params["rds.force_ssl"] == "1"


def test_database_password_is_generated_and_stored_only_as_a_secret(aws_prod: Rendering) -> None:
    db = aws_prod.one("aws:rds/instance:Instance")
    assert "manageMasterUserPassword" in db.inputs or db.inputs.get("password"), "a password is set"
    generated = {r.name for r in aws_prod.of_type("random:index/randomPassword:RandomPassword")}
    assert "pmis-password" in generated
    for task in aws_prod.of_type(TASK):
        env = {e["name"]: e["value"] for e in container(task).get("environment", [])}
        assert not any(marker in name for name in env for marker in ("PASSWORD", "TOKEN", "SECRET")), task.name
        assert not any("postgresql://" in value or "rediss://" in value for value in env.values()), task.name


def test_cache_is_replicated_encrypted_and_authenticated(aws_prod: Rendering) -> None:
    cache = aws_prod.one("aws:elasticache/replicationGroup:ReplicationGroup")
    assert cache.inputs["numCacheClusters"] >= 2
    assert cache.inputs["automaticFailoverEnabled"] is True and cache.inputs["multiAzEnabled"] is True
    assert cache.inputs["atRestEncryptionEnabled"] is True and cache.inputs["transitEncryptionEnabled"] is True
    assert cache.inputs["authToken"], "AUTH is on"
    assert cache.inputs["snapshotRetentionLimit"] >= 1
    assert cache.protect


def test_no_security_group_admits_the_internet_except_the_load_balancer_on_80_and_443(aws_prod: Rendering) -> None:
    for group in aws_prod.of_type(GROUP):
        for rule in group.inputs.get("ingress", []):
            assert rule.get("description"), f"{group.name}: every rule says why"
            open_to_world = "0.0.0.0/0" in rule.get("cidrBlocks", []) or "::/0" in rule.get("ipv6CidrBlocks", [])
            if open_to_world:
                assert group.name == "pmis-load-balancer" and rule["fromPort"] in (80, 443) and rule["fromPort"] == rule["toPort"]


def test_security_groups_are_chained(aws_prod: Rendering) -> None:
    api = aws_prod.one(GROUP, "pmis-api")
    (rule,) = api.inputs["ingress"]
    assert (rule["fromPort"], rule["toPort"]) == (8000, 8000) and rule["securityGroups"] == ["pmis-load-balancer-id"]
    assert aws_prod.one(GROUP, "pmis-worker").inputs.get("ingress", []) == []
    database_group = next(g for g in aws_prod.of_type(GROUP) if "PostgreSQL" in g.inputs["description"])
    ports = {r["fromPort"] for r in database_group.inputs["ingress"]}
    clients = {r["securityGroups"][0] for r in database_group.inputs["ingress"]}
    assert ports == {5432}
    assert clients == {"pmis-api-id", "pmis-worker-id", "pmis-check-overdue-tasks-id"}, "web does not reach the database"


def test_default_security_group_is_emptied(aws_prod: Rendering) -> None:
    default = aws_prod.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default.inputs.get("ingress", []) == [] and default.inputs.get("egress", []) == []


def test_network_spans_two_zones_with_a_nat_per_zone_and_flow_logs(aws_prod: Rendering) -> None:
    subnets = aws_prod.of_type("aws:ec2/subnet:Subnet")
    # The offline cloud answers as an account opted into a Local Zone, which sorts first: only Availability Zones count.
    assert {s.inputs["availabilityZone"] for s in subnets} == {"us-east-1a", "us-east-1b"}
    assert sum(1 for s in subnets if s.inputs["tags"]["tier"] == "private") == 2
    assert not any(s.inputs.get("mapPublicIpOnLaunch") for s in subnets)
    assert len(aws_prod.of_type("aws:ec2/natGateway:NatGateway")) == 2
    assert aws_prod.one("aws:ec2/flowLog:FlowLog").inputs["trafficType"] == "ALL"


def test_worker_has_no_load_balancer_and_services_have_no_public_ip(aws_prod: Rendering) -> None:
    services = {s.name: s for s in aws_prod.of_type(SERVICE)}
    assert services["pmis-worker"].inputs.get("loadBalancers", []) == []
    assert services["pmis-api"].inputs["loadBalancers"][0]["containerPort"] == 8000
    for service in services.values():
        assert service.inputs["networkConfiguration"]["assignPublicIp"] is False


def test_services_roll_safely_and_autoscaling_owns_the_count(aws_prod: Rendering) -> None:
    for service in aws_prod.of_type(SERVICE):
        assert service.inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
        assert (service.inputs["deploymentMinimumHealthyPercent"], service.inputs["deploymentMaximumPercent"]) == (100, 200)
        assert "desiredCount" in service.ignore_changes
    assert aws_prod.one(SERVICE, "pmis-api").inputs["healthCheckGracePeriodSeconds"] > 0
    targets = {t.name: t.inputs for t in aws_prod.of_type("aws:appautoscaling/target:Target")}
    assert (targets["pmis-api"]["minCapacity"], targets["pmis-api"]["maxCapacity"]) == (2, 10)
    policy = aws_prod.one("aws:appautoscaling/policy:Policy", "pmis-api-cpu").inputs["targetTrackingScalingPolicyConfiguration"]
    assert policy["targetValue"] == 70
    assert policy["predefinedMetricSpecification"]["predefinedMetricType"] == "ECSServiceAverageCPUUtilization"


def test_task_definitions_are_fargate_sized_logged_and_unprivileged(aws_prod: Rendering) -> None:
    api = aws_prod.one(TASK, "pmis-api")
    assert (api.inputs["cpu"], api.inputs["memory"]) == ("512", "1024")
    assert api.inputs["requiresCompatibilities"] == ["FARGATE"] and api.inputs["networkMode"] == "awsvpc"
    assert api.inputs["runtimePlatform"]["cpuArchitecture"] == "X86_64"
    for task in aws_prod.of_type(TASK):
        definition = container(task)
        assert definition["privileged"] is False
        assert definition["logConfiguration"]["logDriver"] == "awslogs"
    groups = {g.name: g.inputs for g in aws_prod.of_type("aws:cloudwatch/logGroup:LogGroup")}
    assert all(g["retentionInDays"] == 30 for g in groups.values())


def test_services_receive_connections_through_secrets(aws_prod: Rendering) -> None:
    api = container(aws_prod.one(TASK, "pmis-api"))
    secrets = {s["name"]: s["valueFrom"] for s in api["secrets"]}
    # `<arn>:<json key>:<stage>:<version id>`: pinned to the version, so a new value rolls the services.
    assert re.search(r":url::pmis-credentials-version$", secrets["DATABASE_URL"])
    assert re.search(r":url::pmis-connection-version$", secrets["REDIS_URL"])
    assert "SECRET_KEY" in secrets
    env = {e["name"]: e["value"] for e in api["environment"]}
    assert env["BUCKET_UPLOADS"] and env["PORT"] == "8000" and env["DATABASE_PORT"] == "5432"
    web = container(aws_prod.one(TASK, "pmis-web"))
    assert {s["name"] for s in web.get("secrets", [])} == set(), "web needs no database, cache or secrets"


def test_iam_policies_name_their_actions_and_resources(aws_prod: Rendering) -> None:
    for document in policies(aws_prod):
        for statement in document["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert all("*" not in action for action in actions), statement
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            assert "*" not in resources, statement


def test_execution_role_reads_only_its_own_secrets(aws_prod: Rendering) -> None:
    web_policy = inputs_json(aws_prod.one("aws:iam/rolePolicy:RolePolicy", "pmis-web-execution").inputs["policy"])
    assert not any("secretsmanager:GetSecretValue" in s["Action"] for s in web_policy["Statement"])
    api_policy = inputs_json(aws_prod.one("aws:iam/rolePolicy:RolePolicy", "pmis-api-execution").inputs["policy"])
    (read,) = [s for s in api_policy["Statement"] if "secretsmanager:GetSecretValue" in s["Action"]]
    assert len(read["Resource"]) == 3  # SECRET_KEY, database credentials, Redis connection


def test_scheduled_job_runs_daily_at_midnight_utc_with_three_retries_and_a_dead_letter_queue(aws_prod: Rendering) -> None:
    schedule = aws_prod.one("aws:scheduler/schedule:Schedule")
    assert schedule.inputs["scheduleExpression"] == "cron(0 0 * * ? *)"
    assert schedule.inputs["scheduleExpressionTimezone"] == "UTC"
    target = schedule.inputs["target"]
    assert target["retryPolicy"]["maximumRetryAttempts"] == 3
    assert target["deadLetterConfig"]["arn"].endswith("pmis-check-overdue-tasks-dead-letters")
    # The scheduler starts the job's workflow, which runs the task (tests/test_observability.py: the timeout).
    assert target["arn"].endswith(":pmis-check-overdue-tasks") and "ecsParameters" not in target
    workflow = json.loads(aws_prod.one("aws:sfn/stateMachine:StateMachine").inputs["definition"])
    ecs = workflow["States"]["Run"]["Parameters"]
    assert ecs["LaunchType"] == "FARGATE" and ecs["TaskDefinition"].endswith(":pmis-check-overdue-tasks")
    assert ecs["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"
    command = container(aws_prod.one(TASK, "pmis-check-overdue-tasks"))["command"]
    assert command == ["python", "-m", "app.jobs.check_overdue_tasks"]


def test_scheduler_role_runs_only_the_job_task_and_passes_only_its_roles(aws_prod: Rendering) -> None:
    scheduler = inputs_json(aws_prod.one("aws:iam/rolePolicy:RolePolicy", "pmis-check-overdue-tasks-scheduler").inputs["policy"])
    starts = {s["Action"][0]: s["Resource"] for s in scheduler["Statement"]}
    assert starts["states:StartExecution"] == ["arn:aws:sfn:us-east-1:123456789012:pmis-check-overdue-tasks"]
    # The job's workflow runs the task with the runner role.
    policy = inputs_json(aws_prod.one("aws:iam/rolePolicy:RolePolicy", "pmis-check-overdue-tasks-runner").inputs["policy"])
    by_action = {s["Action"][0]: s["Resource"] for s in policy["Statement"]}
    assert by_action["ecs:RunTask"] == ["arn:aws:ecs:us-east-1:123456789012:pmis-check-overdue-tasks"]
    assert sorted(by_action["iam:PassRole"]) == sorted(
        [
            "arn:aws:iam:us-east-1:123456789012:pmis-check-overdue-tasks-execution",
            "arn:aws:iam:us-east-1:123456789012:pmis-check-overdue-tasks-task",
        ]
    )


def test_edge_redirects_http_serves_tls12_plus_and_routes_api_before_web(aws_prod: Rendering) -> None:
    listeners = {listener.name: listener.inputs for listener in aws_prod.of_type("aws:lb/listener:Listener")}
    assert listeners["pmis-http"]["defaultActions"][0]["redirect"]["protocol"] == "HTTPS"
    https = listeners["pmis-https"]
    assert https["protocol"] == "HTTPS" and "TLS13-1-2" in https["sslPolicy"]
    assert https["defaultActions"][0]["targetGroupArn"].endswith("pmis-web")
    (rule,) = aws_prod.of_type("aws:lb/listenerRule:ListenerRule")
    assert rule.inputs["conditions"][0]["pathPattern"]["values"] == ["/api", "/api/*"]
    assert rule.inputs["actions"][0]["targetGroupArn"].endswith("pmis-api")
    lb = aws_prod.one("aws:lb/loadBalancer:LoadBalancer").inputs
    assert lb["dropInvalidHeaderFields"] is True and lb["enableDeletionProtection"] is True and lb["internal"] is False
    health = {t.name: t.inputs["healthCheck"]["path"] for t in aws_prod.of_type("aws:lb/targetGroup:TargetGroup")}
    assert health == {"pmis-api": "/health", "pmis-web": "/"}


def test_certificate_is_validated_in_route53_and_the_domain_aliases_the_load_balancer(aws_prod: Rendering) -> None:
    assert aws_prod.one("aws:acm/certificate:Certificate").inputs["domainName"] == "app.example.com"
    records = {r.name: r.inputs for r in aws_prod.of_type("aws:route53/record:Record")}
    assert records["pmis-alias"]["aliases"][0]["name"] == "pmis.elb.amazonaws.com"
    assert aws_prod.one("aws:acm/certificateValidation:CertificateValidation").inputs["validationRecordFqdns"]


def test_waf_with_managed_rules_guards_the_load_balancer(aws_prod: Rendering) -> None:
    acl = aws_prod.one("aws:wafv2/webAcl:WebAcl").inputs
    groups = {r["statement"]["managedRuleGroupStatement"]["name"] for r in acl["rules"] if "managedRuleGroupStatement" in r["statement"]}
    assert "AWSManagedRulesCommonRuleSet" in groups and "AWSManagedRulesKnownBadInputsRuleSet" in groups
    assert aws_prod.one("aws:wafv2/webAclAssociation:WebAclAssociation").inputs["resourceArn"].endswith(":pmis")


def test_buckets_are_private_encrypted_versioned_and_tls_only(aws_prod: Rendering) -> None:
    # The app's bucket; the access-log bucket is tests/test_hardening.py's.
    block = aws_prod.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pmis-uploads").inputs
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    sse = aws_prod.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "pmis-uploads").inputs
    assert sse["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert aws_prod.one("aws:s3/bucketVersioning:BucketVersioning").inputs["versioningConfiguration"]["status"] == "Enabled"
    policy = inputs_json(aws_prod.one("aws:s3/bucketPolicy:BucketPolicy", "pmis-uploads").inputs["policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert aws_prod.one("aws:s3/bucket:Bucket", "pmis-uploads").protect


def test_alarms_cover_errors_latency_compute_and_data_stores(aws_prod: Rendering) -> None:
    alarms = {a.name: a.inputs for a in aws_prod.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert alarms["pmis-5xx-rate"]["threshold"] == 5
    assert alarms["pmis-api-latency-p95"]["threshold"] == 0.5 and alarms["pmis-api-latency-p95"]["extendedStatistic"] == "p95"
    assert alarms["pmis-api-cpu"]["threshold"] == 80
    for name in (
        "pmis-database-cpu",
        "pmis-database-free-storage",
        "pmis-database-connections",
        "pmis-cache-1-cpu",
        "pmis-cache-2-memory",
        "pmis-check-overdue-tasks-dead-letters",
    ):
        assert name in alarms
    assert all(a["alarmActions"] == ["arn:aws:sns:us-east-1:123456789012:pmis"] for a in alarms.values())
    assert aws_prod.one("aws:sns/topicSubscription:TopicSubscription").inputs["endpoint"] == "ops@example.com"


def test_outputs_name_endpoints_but_no_secrets(aws_prod: Rendering) -> None:
    outputs = aws_prod.outputs
    assert outputs["url"] == "https://app.example.com"
    assert {"loadBalancerDnsName", "clusterName", "serviceNames", "databaseEndpoint", "cacheEndpoint"} <= set(outputs)
    text = json.dumps(outputs)
    assert "password" not in text.lower() and "rediss://" not in text


def development(app: dict[str, Any]) -> dict[str, Any]:
    app["profile"] = "development"
    app["database"].pop("backupRetentionDays", None)
    app["database"].pop("highAvailability", None)
    app["cache"].pop("highAvailability", None)
    return app


@pytest.fixture(scope="module")
def aws_dev() -> Rendering:
    return render_app(development(stack_app("aws-prod")))


def test_development_profile_renders_smaller_and_unprotected(aws_dev: Rendering) -> None:
    assert len(aws_dev.of_type("aws:ec2/natGateway:NatGateway")) == 1
    db = aws_dev.one("aws:rds/instance:Instance")
    assert db.inputs["multiAz"] is False and db.inputs["deletionProtection"] is False and not db.protect
    cache = aws_dev.one("aws:elasticache/replicationGroup:ReplicationGroup")
    assert cache.inputs["numCacheClusters"] == 1 and cache.inputs["automaticFailoverEnabled"] is False
    assert aws_dev.one("aws:lb/loadBalancer:LoadBalancer").inputs["enableDeletionProtection"] is False


TECHVAULT: dict[str, Any] = {
    "name": "techvault",
    "cloud": "aws",
    "services": {
        "frontend": {"kind": "http", "image": "ghcr.io/techvault/frontend:2.1.0", "port": 3000, "routes": ["/"]},
        "gateway": {"kind": "http", "image": "ghcr.io/techvault/gateway:2.1.0", "port": 5000, "routes": ["/api"]},
        "auth": {"kind": "http", "image": "ghcr.io/techvault/auth:2.1.0", "port": 5001, "routes": ["/api/auth"], "database": True},
        "products": {
            "kind": "http",
            "image": "ghcr.io/techvault/products:2.1.0",
            "port": 5002,
            "routes": ["/api/products"],
            "database": True,
            "cache": True,
        },
        "payments": {
            "kind": "http",
            "image": "ghcr.io/techvault/payments:2.1.0",
            "port": 5003,
            "routes": ["/api/payments"],
            "database": True,
        },
    },
    "database": {"readReplica": True},
    "cache": {},
    "buckets": {"assets": {"versioning": True}, "backups": {"expireAfterDays": 90}},
    "aws": {"vpcCidr": "10.0.0.0/16", "availabilityZones": 2},
}


def test_five_http_services_get_five_target_groups_and_deterministic_path_rules() -> None:
    rendering = render_app(TECHVAULT)
    assert len(rendering.of_type("aws:lb/targetGroup:TargetGroup")) == 5
    rules = sorted(rendering.of_type("aws:lb/listenerRule:ListenerRule"), key=lambda r: r.inputs["priority"])
    routes = [r.inputs["conditions"][0]["pathPattern"]["values"][0] for r in rules]
    assert routes[-1] == "/api", "the broader /api comes after every /api/<service>"
    assert set(routes[:3]) == {"/api/auth", "/api/products", "/api/payments"}
    assert [r.inputs["priority"] for r in rules] == [10, 20, 30, 40]
    assert len(rendering.of_type("aws:rds/instance:Instance")) == 2, "primary and read replica"
    assert len(rendering.of_type("aws:s3/bucket:Bucket")) == 3, "two app buckets and the access-log bucket"
    lifecycle = {r.name: r.inputs["rules"] for r in rendering.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")}
    assert any(rule.get("expiration", {}).get("days") == 90 for rule in lifecycle["techvault-backups"])


def test_external_redis_renders_no_cache_and_wires_the_url_secret() -> None:
    resee = {
        "name": "resee",
        "cloud": "aws",
        "services": {
            "backend": {
                "kind": "http",
                "image": "ghcr.io/resee/backend:1.4.2",
                "port": 8000,
                "routes": ["/api"],
                "healthPath": "/api/health/",
                "database": True,
                "cache": True,
            },
            "celery": {
                "kind": "worker",
                "image": "ghcr.io/resee/backend:1.4.2",
                "command": ["celery", "-A", "resee", "worker"],
                "cache": True,
            },
            "beat": {
                "kind": "worker",
                "image": "ghcr.io/resee/backend:1.4.2",
                "command": ["celery", "-A", "resee", "beat"],
                "singleton": True,
                "cache": True,
            },
        },
        "database": {},
        "cache": {"externalUrlSecret": "UPSTASH_REDIS_URL"},
        "secrets": {"UPSTASH_REDIS_URL": {}},
        "secretValues": {"UPSTASH_REDIS_URL": "rediss://default:planted@example.upstash.io:6379"},
    }
    rendering = render_app(resee, secret_keys=["secretValues"])
    assert rendering.of_type("aws:elasticache/replicationGroup:ReplicationGroup") == []
    beat = rendering.one(SERVICE, "resee-beat").inputs
    assert beat["desiredCount"] == 1
    assert (beat["deploymentMinimumHealthyPercent"], beat["deploymentMaximumPercent"]) == (0, 100)
    assert not any(t.name == "resee-beat" for t in rendering.of_type("aws:appautoscaling/target:Target"))
    celery = container(rendering.one(TASK, "resee-celery"))
    (redis,) = [s for s in celery["secrets"] if s["name"] == "REDIS_URL"]
    assert "UPSTASH_REDIS_URL" in redis["valueFrom"] or "upstash" in redis["valueFrom"]


def test_no_domain_serves_http_with_a_warning() -> None:
    app = stack_app("aws-prod")
    del app["domain"]
    rendering = render_app(app)
    assert {listener.inputs["protocol"] for listener in rendering.of_type("aws:lb/listener:Listener")} == {"HTTP"}
    assert rendering.of_type("aws:acm/certificate:Certificate") == []
    assert any("no domain is set" in w for w in rendering.warnings)
    assert rendering.outputs["url"].startswith("http://")


def test_generated_credentials_are_pulumi_secrets(aws_prod: Rendering) -> None:
    assert "password" in aws_prod.one("aws:rds/instance:Instance").secret_inputs
    assert "authToken" in aws_prod.one("aws:elasticache/replicationGroup:ReplicationGroup").secret_inputs
    versions = aws_prod.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert versions and all("secretString" in v.secret_inputs for v in versions)


def test_services_wait_for_their_listener_and_their_permissions(aws_prod: Rendering) -> None:
    https = aws_prod.one("aws:lb/listener:Listener", "pmis-https")
    rule = aws_prod.one("aws:lb/listenerRule:ListenerRule", "pmis-api")
    api = aws_prod.one(SERVICE, "pmis-api")
    # ECS refuses a target group that no listener attaches to the load balancer yet.
    assert https.urn in api.dependencies and rule.urn in api.dependencies
    execution = aws_prod.one("aws:iam/rolePolicy:RolePolicy", "pmis-api-execution")
    assert execution.urn in api.dependencies, "tasks start only once they may read their secrets"
    worker = aws_prod.one(SERVICE, "pmis-worker")
    assert https.urn not in worker.dependencies


def test_alarm_topic_is_encrypted_with_a_key_cloudwatch_may_use(aws_prod: Rendering) -> None:
    topic = aws_prod.one("aws:sns/topic:Topic")
    assert topic.inputs["kmsMasterKeyId"] == "arn:aws:kms:us-east-1:123456789012:pmis-alarms"
    key_policy = inputs_json(aws_prod.one("aws:kms/key:Key", "pmis-alarms").inputs["policy"])
    cloudwatch = [s for s in key_policy["Statement"] if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert cloudwatch and set(cloudwatch[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    topic_policy = inputs_json(aws_prod.one("aws:sns/topicPolicy:TopicPolicy").inputs["policy"])
    publish, *_ = topic_policy["Statement"]  # then EventBridge's, for the jobs' failure rules (tests/test_observability.py)
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"} and publish["Action"] == "sns:Publish"
    assert publish["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_containers_run_as_the_configured_non_root_user(aws_prod: Rendering) -> None:
    assert container(aws_prod.one(TASK, "pmis-api"))["user"] == "1000:1000"
    assert container(aws_prod.one(TASK, "pmis-check-overdue-tasks"))["user"] == "1000:1000", "jobs run as their service's user"
    assert "user" not in container(aws_prod.one(TASK, "pmis-web")), "web keeps its image's USER"


def test_cluster_has_container_insights(aws_prod: Rendering) -> None:
    settings = aws_prod.one("aws:ecs/cluster:Cluster").inputs["settings"]
    assert {"name": "containerInsights", "value": "enhanced"} in settings


def test_arm64_and_three_zones_come_from_config() -> None:
    app = stack_app("aws-prod")
    app["aws"].update({"architecture": "arm64", "availabilityZones": 3})
    rendering = render_app(app)
    assert rendering.one(TASK, "pmis-api").inputs["runtimePlatform"]["cpuArchitecture"] == "ARM64"
    zones = {s.inputs["availabilityZone"] for s in rendering.of_type("aws:ec2/subnet:Subnet")}
    assert zones == {"us-east-1a", "us-east-1b", "us-east-1c"}
    assert len(rendering.of_type("aws:ec2/natGateway:NatGateway")) == 3


def test_task_roles_reach_only_the_buckets_their_service_names(aws_prod: Rendering) -> None:
    api = inputs_json(aws_prod.one("aws:iam/rolePolicy:RolePolicy", "pmis-api-task").inputs["policy"])
    objects = [s for s in api["Statement"] if "s3:PutObject" in s["Action"]]
    assert objects[0]["Resource"] == ["arn:aws:s3:us-east-1:123456789012:pmis-uploads/*"]
    assert not any(r.name == "pmis-web-task" for r in aws_prod.of_type("aws:iam/rolePolicy:RolePolicy")), "web has no permissions"
