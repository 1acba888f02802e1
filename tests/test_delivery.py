"""Delivery: images the stack builds are pushed and deployed by digest; the release step runs before services roll."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stacks import migrate
from tests.harness import config_error, inputs_json, render_app, render_shared, stack_app

BUILT_API = {
    "kind": "http",
    "build": {"context": "./api", "target": "runtime", "args": {"PYTHON": "3.11"}},
    "port": 8000,
    "routes": ["/api"],
}


def built(cloud: str) -> dict[str, Any]:
    app = stack_app(f"{cloud}-prod")
    app["services"]["api"] = {**app["services"]["api"], **BUILT_API}
    del app["services"]["api"]["image"]
    app["version"] = "1.4.2"
    return app


@pytest.fixture(scope="module")
def aws_built() -> Any:
    return render_app(built("aws"))


@pytest.fixture(scope="module")
def gcp_built() -> Any:
    return render_app(built("gcp"))


def test_aws_builds_into_an_immutable_scanned_ecr_repository(aws_built: Any) -> None:
    (repo,) = aws_built.of_type("aws:ecr/repository:Repository")
    assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
    assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo.protect
    assert aws_built.one("aws:ecr/lifecyclePolicy:LifecyclePolicy")
    image = aws_built.one("docker:index/image:Image").inputs
    assert image["imageName"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/pmis/test/api:1.4.2"  # the repository carries the stack
    assert image["build"]["platform"] == "linux/amd64" and image["build"]["target"] == "runtime"
    assert image["build"]["args"] == {"PYTHON": "3.11"}


def test_aws_registry_login_comes_from_the_token_call(aws_built: Any) -> None:
    registry = aws_built.one("docker:index/image:Image").inputs["registry"]
    # The mock's getAuthorizationToken answer: a literal in the program would show anything else.
    assert registry["username"] == "AWS" and registry["password"] == "mock-token"
    assert registry["server"] == "https://123456789012.dkr.ecr.us-east-1.amazonaws.com"


def test_aws_services_and_jobs_run_the_pushed_digest(aws_built: Any) -> None:
    digest = "123456789012.dkr.ecr.us-east-1.amazonaws.com/pmis/test/api@sha256:" + "0" * 64
    for task in ("pmis-api", "pmis-check-overdue-tasks", "pmis-migrate"):
        (definition,) = inputs_json(aws_built.one("aws:ecs/taskDefinition:TaskDefinition", task).inputs["containerDefinitions"])
        assert definition["image"] == digest, task
    policy = inputs_json(aws_built.one("aws:iam/rolePolicy:RolePolicy", "pmis-api-execution").inputs["policy"])
    pulls = [s for s in policy["Statement"] if "ecr:BatchGetImage" in s["Action"]]
    assert pulls and pulls[0]["Resource"] == ["arn:aws:ecr:us-east-1:123456789012:pmis-api"]


def test_gcp_builds_into_artifact_registry_and_runs_the_digest(gcp_built: Any) -> None:
    image = gcp_built.one("docker:index/image:Image").inputs
    assert image["imageName"] == "us-central1-docker.pkg.dev/pmis-production/pmis-test/api:1.4.2"
    assert image["registry"]["username"] == "oauth2accesstoken" and image["registry"]["password"] == "mock-token"
    service = gcp_built.one("gcp:cloudrunv2/service:Service", "pmis-api").inputs
    assert service["template"]["containers"][0]["image"] == "us-central1-docker.pkg.dev/pmis-production/pmis-test/api@sha256:" + "0" * 64


def test_a_build_needs_a_version() -> None:
    app = built("aws")
    del app["version"]
    assert "version: services api are built by the stack and need a version to tag them" in config_error(app)


@pytest.mark.parametrize("image", ["ghcr.io/example/pmis-api:latest", "ghcr.io/example/pmis-api"])
def test_production_refuses_mutable_image_references(image: str) -> None:
    app = stack_app("aws-prod")
    app["services"]["api"]["image"] = image
    assert f"services.api.image: '{image}' is a mutable reference; production images are pinned" in config_error(app)


def test_mutable_tags_are_allowed_by_opt_in_or_outside_production() -> None:
    app = stack_app("aws-prod")
    app["services"]["web"]["image"] = "ghcr.io/example/pmis-web:latest"
    app["allowMutableTags"] = True
    rendering = render_app(app)
    (definition,) = inputs_json(rendering.one("aws:ecs/taskDefinition:TaskDefinition", "pmis-web").inputs["containerDefinitions"])
    assert definition["image"].endswith(":latest")


def test_release_step_renders_a_one_off_task_on_aws_with_database_access() -> None:
    rendering = render_shared(stack_app("aws-prod"))
    (definition,) = inputs_json(rendering.one("aws:ecs/taskDefinition:TaskDefinition", "pmis-migrate").inputs["containerDefinitions"])
    assert definition["command"] == ["alembic", "upgrade", "head"]
    assert "DATABASE_URL" in {s["name"] for s in definition["secrets"]}
    assert not any(s.name == "pmis-migrate" for s in rendering.of_type("aws:ecs/service:Service")), "a task, not a service"
    migration = rendering.outputs["migration"]
    assert migration["taskDefinition"].endswith(":pmis-migrate") and migration["securityGroups"] == ["pmis-api-id"]


def test_release_step_renders_an_unscheduled_cloud_run_job_on_gcp() -> None:
    rendering = render_shared(stack_app("gcp-prod"))
    job = rendering.one("gcp:cloudrunv2/job:Job", "pmis-migrate").inputs["template"]["template"]
    # The job's cloud name carries the stack (`test` here), so two stacks of one app can share a project.
    assert job["containers"][0]["args"] == ["alembic", "upgrade", "head"] and job["maxRetries"] == 0
    assert [t.name for t in rendering.of_type("gcp:cloudscheduler/job:Job")] == ["pmis-check-overdue-tasks"]
    assert rendering.outputs["migration"] == {"job": "pmis-migrate-test", "region": "us-central1", "project": "pmis-production"}


def test_migrate_targets_the_release_resource_and_everything_it_needs() -> None:
    urns = migrate.target_urns("aws-prod")
    task = "urn:pulumi:aws-prod::shipyard::shipyard:aws:App$shipyard:aws:FargateTask$aws:ecs/taskDefinition:TaskDefinition::pmis-migrate"
    assert task in urns
    names = {urn.rsplit("::", 1)[1] + " " + urn.split("::")[2].rsplit("$", 1)[-1] for urn in urns}
    for needed in ("pmis aws:rds/instance:Instance", "pmis-credentials aws:secretsmanager/secret:Secret", "pmis aws:ecs/cluster:Cluster",
                   "pmis-private-0 aws:ec2/subnet:Subnet", "pmis-0 aws:ec2/natGateway:NatGateway", "aws pulumi:providers:aws",
                   "pmis-migrate-execution aws:iam/rolePolicy:RolePolicy"):  # fmt: skip
        assert needed in names, needed
    assert not any("ecs/service:Service" in urn for urn in urns), "services roll only in the full update"
    gcp = migrate.target_urns("gcp-prod")
    assert any(urn.endswith("gcp:cloudrunv2/job:Job::pmis-migrate") for urn in gcp)
    assert any(urn.endswith("gcp:sql/databaseInstance:DatabaseInstance::pmis") for urn in gcp)
    assert not any("cloudrunv2/service:Service" in urn for urn in gcp)


def test_migrate_runs_the_task_named_by_the_stack_state(monkeypatch, capsys) -> None:
    state = [
        {"type": "aws:ecs/cluster:Cluster", "urn": "urn:...::pmis", "outputs": {"name": "pmis-1a2b"}},
        {"type": "aws:ecs/taskDefinition:TaskDefinition", "urn": "urn:...::pmis-migrate", "outputs": {"arn": "arn:td:7"}},
        {"type": "aws:ec2/subnet:Subnet", "urn": "urn:...::pmis-private-0", "outputs": {"id": "subnet-0"}},
        {"type": "aws:ec2/subnet:Subnet", "urn": "urn:...::pmis-private-1", "outputs": {"id": "subnet-1"}},
        {"type": "aws:ec2/securityGroup:SecurityGroup", "urn": "urn:...::pmis-api", "outputs": {"id": "sg-api"}},
    ]
    exported: list[str] = []

    def export(stack: str) -> list[dict[str, Any]]:
        exported.append(stack)
        return state

    monkeypatch.setattr(migrate, "exported_resources", export)
    assert migrate.main(["run", "aws-prod", "--dry-run", "--pulumi-stack", "acme/shipyard/aws-prod"]) == 0
    assert exported == ["acme/shipyard/aws-prod"]
    printed = capsys.readouterr().out
    assert "aws ecs run-task --cluster pmis-1a2b --task-definition arn:td:7 --launch-type FARGATE" in printed
    network = json.loads(printed.split("--network-configuration ")[1].split(" --query")[0].strip("'"))
    assert network == {
        "awsvpcConfiguration": {"subnets": ["subnet-0", "subnet-1"], "securityGroups": ["sg-api"], "assignPublicIp": "DISABLED"}
    }
    assert migrate.main(["run", "gcp-prod", "--dry-run"]) == 0
    assert "gcloud run jobs execute pmis-migrate-gcp-prod --region us-central1 --project pmis-production --wait" in capsys.readouterr().out


def test_migrate_waits_for_the_task_and_fails_on_a_non_zero_exit(monkeypatch, capsys) -> None:
    calls: list[list[str]] = []
    statuses = iter(["RUNNING", "STOPPED"])

    class Done:
        def __init__(self, stdout: str) -> None:
            self.stdout, self.returncode = stdout, 0

    def fake_run(command: list[str], **_: Any) -> Done:
        calls.append(command)
        if command[2] == "run-task":
            return Done('{"arn": "arn:task/1", "failures": []}\n')
        query = command[command.index("--query") + 1]
        if query == "tasks[0].lastStatus":
            return Done(next(statuses))
        return Done("3" if query.endswith("exitCode") else "Essential container in task exited\tNone")

    monkeypatch.setattr("stacks.migrate.subprocess.run", fake_run)
    monkeypatch.setattr("stacks.migrate.time.sleep", lambda _: None)
    migration = {"cluster": "c", "taskDefinition": "td", "subnets": ["s"], "securityGroups": ["g"]}
    assert migrate.run_aws(migration, timeout_seconds=600) == 1, "exit code 3 fails the deploy"
    assert [c[2] for c in calls] == ["run-task", "describe-tasks", "describe-tasks", "describe-tasks", "describe-tasks"]
    assert "exited with 3: Essential container in task exited" in capsys.readouterr().err


def test_migrate_says_why_ecs_did_not_start_the_task(monkeypatch, capsys) -> None:
    failure = '{"arn": null, "failures": [{"arn": "arn:td:7", "reason": "RESOURCE:ENI"}]}'

    class Done:
        stdout, returncode = failure, 0

    monkeypatch.setattr("stacks.migrate.subprocess.run", lambda command, **_: Done())
    migration = {"cluster": "c", "taskDefinition": "td", "subnets": ["s"], "securityGroups": ["g"]}
    assert migrate.run_aws(migration, timeout_seconds=600) == 1
    assert "the migration task did not start: RESOURCE:ENI (arn:td:7)" in capsys.readouterr().err
