"""Workloads that shut down and connect correctly: stop timeouts, rediss:// URLs, connection budgets, keep-alive."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from stacks.offline import Rendering
from tests.harness import config_error, inputs_json, render_shared, stack_app

TASK = "aws:ecs/taskDefinition:TaskDefinition"


def container(rendering: Rendering, name: str) -> dict[str, Any]:
    (definition,) = inputs_json(rendering.one(TASK, name).inputs["containerDefinitions"])
    found: dict[str, Any] = definition
    return found


# ---- shutting down


def test_workers_get_time_for_a_warm_shutdown_on_aws(aws_prod: Rendering) -> None:
    assert container(aws_prod, "pmis-worker")["stopTimeout"] == 120, "Fargate's maximum: Celery finishes its tasks"
    assert container(aws_prod, "pmis-api")["stopTimeout"] == 30


def test_cloud_run_refuses_a_stop_timeout_it_cannot_give() -> None:
    app = stack_app("gcp-prod")
    app["services"]["worker"]["stopTimeoutSeconds"] = 60
    assert "services.worker.stopTimeoutSeconds: Cloud Run gives an instance 10 s after SIGTERM" in config_error(app)


# ---- rediss:// URLs as Celery and redis-py need them


def test_the_aws_redis_url_requires_certificate_checks(aws_prod: Rendering) -> None:
    document = json.loads(aws_prod.one("aws:secretsmanager/secretVersion:SecretVersion", "pmis-connection").inputs["secretString"])
    assert document["url"] == "rediss://:generated-pmis-auth-token@master.pmis.cache.amazonaws.com:6379/0?ssl_cert_reqs=required"
    assert document["ca"].count("-----BEGIN CERTIFICATE-----") == 4, "Amazon's root CAs, as REDIS_CA_CERT"


def test_the_gcp_redis_ca_file_holds_every_ca_memorystore_lists(gcp_prod: Rendering) -> None:
    """During a CA rotation Memorystore lists the new CA beside the old: clients must trust both."""
    from components.gcp.cache import ca_bundle

    old, new = (
        "-----BEGIN CERTIFICATE-----\nold\n-----END CERTIFICATE-----",
        "-----BEGIN CERTIFICATE-----\nnew\n-----END CERTIFICATE-----\n",
    )
    assert ca_bundle([{"cert": old}, {"cert": new}]) == f"{old}\n{new}"
    stored = gcp_prod.one("gcp:secretmanager/secretVersion:SecretVersion", "pmis-redis-ca").inputs["secretData"]
    assert stored.startswith("-----BEGIN CERTIFICATE-----"), "the instance's CA, from the cloud's answer"


def test_the_gcp_redis_url_points_at_the_mounted_ca(gcp_prod: Rendering) -> None:
    url = gcp_prod.one("gcp:secretmanager/secretVersion:SecretVersion", "pmis-redis-url").inputs["secretData"]
    assert url == "rediss://:mock-auth@10.20.1.4:6378/0?ssl_cert_reqs=required&ssl_ca_certs=/var/run/secrets/redis/ca.pem"
    query = parse_qs(urlsplit(url).query)
    directory, _, filename = query["ssl_ca_certs"][0].rpartition("/")
    ca_secret = gcp_prod.one("gcp:secretmanager/secret:Secret", "pmis-redis-ca").inputs["secretId"]
    users = [w for w in gcp_prod.resources if w.type.startswith("gcp:cloudrunv2/") and "Iam" not in w.type and "REDIS_URL" in str(w.inputs)]
    assert {w.name for w in users} >= {"pmis-api", "pmis-worker", "pmis-migrate", "pmis-check-overdue-tasks"}
    for workload in users:
        template = workload.inputs["template"]
        template = template.get("template", template)
        (volume,) = template["volumes"]
        assert volume["secret"]["secret"] == ca_secret and volume["secret"]["items"][0]["path"] == filename
        assert volume["secret"]["items"][0]["version"] == "1", "pinned to the version that holds the CA"
        (mount,) = template["containers"][0]["volumeMounts"]
        assert (mount["name"], mount["mountPath"]) == (volume["name"], directory)


# ---- the connection budget


def test_every_workload_fits_under_max_connections_which_the_stack_sets(aws_prod: Rendering, gcp_prod: Rendering) -> None:
    parameters = {p["name"]: p for p in aws_prod.one("aws:rds/parameterGroup:ParameterGroup").inputs["parameters"]}
    # db.m7g.large: 8 GiB / 9531392 bytes per connection (RDS's default formula).
    assert parameters["max_connections"] == {"name": "max_connections", "value": "901", "applyMethod": "pending-reboot"}
    flags = {f["name"]: f["value"] for f in gcp_prod.one("gcp:sql/databaseInstance:DatabaseInstance").inputs["settings"]["databaseFlags"]}
    assert flags["max_connections"] == "400", "db-custom-2-7680 (7.5 GB): Cloud SQL's default for its memory"


def test_pmis_on_cloud_run_with_default_pools_is_refused_with_the_arithmetic() -> None:
    app = stack_app("gcp-prod")
    del app["services"]["api"]["databaseConnections"]  # the default, 5 per instance
    message = config_error(app)
    assert (
        "database: the workloads can open 530 connections (api 100 x 5, worker 2 x 5, job check-overdue-tasks 1 x 5, "
        "migrate 1 x 5, reserved 10) but db-custom-2-7680 allows 400 (max_connections)"
    ) in message


def test_a_larger_database_makes_room() -> None:
    app = stack_app("gcp-prod")
    del app["services"]["api"]["databaseConnections"]
    app["database"]["size"] = "xlarge"  # db-custom-8-30720, 30 GB: 600
    flags = render_shared(app).one("gcp:sql/databaseInstance:DatabaseInstance").inputs["settings"]["databaseFlags"]
    assert {"name": "max_connections", "value": "600"} in flags


# ---- keep-alive


def keep_alive_seconds(command: list[str], env: dict[str, str]) -> float | None:
    for flag in ("--timeout-keep-alive", "--keep-alive"):  # uvicorn, gunicorn
        if flag in command:
            return float(command[command.index(flag) + 1])
    return float(env["KEEP_ALIVE_TIMEOUT"]) / 1000 if "KEEP_ALIVE_TIMEOUT" in env else None  # Node.js/Next.js, in ms


def test_committed_http_servers_keep_connections_longer_than_the_load_balancer(aws_prod: Rendering) -> None:
    idle = aws_prod.one("aws:lb/loadBalancer:LoadBalancer").inputs["idleTimeout"]
    for name in ("pmis-api", "pmis-web"):
        spec = container(aws_prod, name)
        env = {e["name"]: e["value"] for e in spec["environment"]}
        keep_alive = keep_alive_seconds(spec.get("command", []), env)
        assert keep_alive is not None and keep_alive > idle, f"{name}: keep-alive {keep_alive} s, load balancer idle timeout {idle} s"


# ---- what a cloud cannot honour is refused, never dropped


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda a: a["services"]["worker"].update(scaling={"min": 2, "max": 4}),
            "services.worker.scaling.max: Cloud Run worker pools do not autoscale",
        ),
        (
            lambda a: a["services"]["api"].update(scaling={"min": 5, "max": 100, "cpuTarget": 70}),
            "services.api.scaling.cpuTarget: Cloud Run",
        ),
        (lambda a: a["services"]["worker"].update(healthCommand=["celery", "inspect", "ping"]), "services.worker.healthCommand: Cloud Run"),
        (lambda a: a["services"]["api"].update(readOnlyRootFilesystem=True), "services.api.readOnlyRootFilesystem: Cloud Run"),
    ],
    ids=["worker autoscaling", "cpu target", "worker health command", "read-only root"],
)
def test_cloud_run_refuses_what_it_cannot_honour(change: Any, expected: str) -> None:
    app = stack_app("gcp-prod")
    change(app)
    assert expected in config_error(app)


# ---- containers on AWS


def test_container_hardening_switches_on_aws() -> None:
    app = stack_app("aws-prod")
    app["services"]["worker"]["healthCommand"] = ["celery", "-A", "app.worker", "inspect", "ping"]
    app["services"]["api"]["readOnlyRootFilesystem"] = True
    rendering = render_shared(app)
    worker = container(rendering, "pmis-worker")
    assert worker["healthCheck"]["command"] == ["CMD", "celery", "-A", "app.worker", "inspect", "ping"]
    api = container(rendering, "pmis-api")
    assert api["readonlyRootFilesystem"] is True and api["mountPoints"] == [{"sourceVolume": "tmp", "containerPath": "/tmp"}]  # noqa: S108
    assert rendering.one(TASK, "pmis-api").inputs["volumes"] == [{"name": "tmp"}]


def test_ecs_exec_switches_on_with_its_permissions() -> None:
    app = stack_app("aws-prod")
    app["aws"]["ecsExec"] = True
    rendering = render_shared(app)
    assert rendering.one("aws:ecs/service:Service", "pmis-api").inputs["enableExecuteCommand"] is True
    policy = inputs_json(rendering.one("aws:iam/rolePolicy:RolePolicy", "pmis-api-task").inputs["policy"])
    assert any("ssmmessages:OpenDataChannel" in s["Action"] for s in policy["Statement"])


def test_ecs_exec_beside_a_read_only_root_filesystem_is_refused() -> None:
    """ECS Exec's agent writes into the container's filesystem and does not run on a read-only root: refused by name, not
    left to fail when someone needs a shell."""
    app = stack_app("aws-prod")
    app["aws"]["ecsExec"] = True
    app["services"]["api"]["readOnlyRootFilesystem"] = True
    assert "services.api.readOnlyRootFilesystem: ECS Exec (aws.ecsExec) needs a writable root filesystem" in config_error(app)


def test_ecs_exec_is_off_by_default(aws_prod: Rendering) -> None:
    assert all(s.inputs["enableExecuteCommand"] is False for s in aws_prod.of_type("aws:ecs/service:Service"))
    assert not any("ssmmessages" in json.dumps(r.inputs) for r in aws_prod.of_type("aws:iam/rolePolicy:RolePolicy"))


def test_a_health_command_is_for_workers_only() -> None:
    app = stack_app("aws-prod")
    app["services"]["api"]["healthCommand"] = ["true"]
    assert re.search(r"services\.api\.healthCommand: only workers take a health command", config_error(app))
