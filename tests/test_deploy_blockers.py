"""Deploy blockers a review found in the rendered stacks, each pinned by what a real `pulumi up` needs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from stacks import migrate
from stacks.config import ConfigError, load
from stacks.offline import ROOT, SECRET_PLACEHOLDER, Rendering, stack_config
from tests.harness import config_error, inputs_json, render_app, stack_app

EXECUTION_POLICY = "aws:iam/rolePolicy:RolePolicy"


def minimal(cloud: str, **services: dict[str, Any]) -> dict[str, Any]:
    app: dict[str, Any] = {
        "name": "shop",
        "cloud": cloud,
        "services": services or {"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080}},
    }
    if cloud == "gcp":
        app["gcp"] = {"project": "my-project-1"}
    return app


# ---- secrets: a declared secret needs a value; values set with --path are read offline as the engine reads them


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_a_declared_secret_without_a_value_is_refused_naming_it(cloud: str) -> None:
    app = minimal(cloud)
    app["secrets"] = {"SENTRY_DSN": {}}
    app["services"]["web"]["secrets"] = ["SENTRY_DSN"]
    message = config_error(app)
    assert "secretValues.SENTRY_DSN: the secret is declared but has no value" in message
    assert "pulumi config set --secret --path 'secretValues.SENTRY_DSN'" in message


def test_an_empty_secret_values_map_is_not_plain_text() -> None:
    app = minimal("aws")
    app["secretValues"] = {}
    assert render_app(app).resources


def write_stack(root: Path, name: str, config: dict[str, Any], **top: Any) -> None:
    for file in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / file, root / file)
    (root / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({**top, "config": config}))


def test_secret_values_set_with_path_are_read_offline_and_by_the_release_step(tmp_path: Path) -> None:
    """`pulumi config set --secret --path 'secretValues.SENTRY_DSN'` encrypts one leaf of the map."""
    config = {f"shipyard:{k}": v for k, v in stack_app("aws-prod").items()}
    config["shipyard:secrets"]["SENTRY_DSN"] = {}
    config["shipyard:services"]["api"]["secrets"] = ["SECRET_KEY", "SENTRY_DSN"]
    config["shipyard:secretValues"] = {"SENTRY_DSN": {"secure": "v1:aGVsbG8=:ciphertext"}}
    write_stack(tmp_path, "path-secret", config)
    values, secret_keys = stack_config("path-secret", tmp_path)
    assert values["shipyard:secretValues"] == {"SENTRY_DSN": SECRET_PLACEHOLDER}
    assert secret_keys == ["shipyard:secretValues"], "the engine marks the whole key secret"
    assert load(values, secret_keys).secret_values.keys() == {"SENTRY_DSN"}
    targets = migrate.target_urns("path-secret", tmp_path)
    assert any(u.endswith("aws:secretsmanager/secretVersion:SecretVersion::pmis-sentry-dsn") for u in targets)


def test_secret_values_from_an_esc_environment_stand_in_offline(tmp_path: Path) -> None:
    config = {f"shipyard:{k}": v for k, v in stack_app("aws-prod").items()}
    config["shipyard:secrets"]["SENTRY_DSN"] = {}
    write_stack(tmp_path, "esc", config, environment=["pmis/production"])
    values, secret_keys = stack_config("esc", tmp_path)
    assert values["shipyard:secretValues"] == {"SENTRY_DSN": SECRET_PLACEHOLDER}
    assert "shipyard:secretValues" in secret_keys
    load(values, secret_keys)


# ---- the README's own external Redis example


def readme_upstash_example() -> dict[str, Any]:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"`(cache: \{externalUrlSecret: [A-Z_]+\})` and `(secrets: \{[A-Z_]+: \{\}\})`", text)
    assert match, "the README shows the external Redis example"
    return {**yaml.safe_load(match[1]), **yaml.safe_load(match[2])}


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_the_readme_external_redis_example_renders(cloud: str) -> None:
    example = readme_upstash_example()
    (secret,) = example["secrets"]
    app = {**minimal(cloud), **example, "secretValues": {secret: "rediss://default:planted@example.upstash.io:6379"}}
    app["services"]["web"]["cache"] = True
    rendering = render_app(app, secret_keys=["secretValues"])
    assert not rendering.of_type("aws:elasticache/replicationGroup:ReplicationGroup") + rendering.of_type("gcp:redis/instance:Instance")


def test_listing_the_external_redis_secret_next_to_cache_true_is_refused() -> None:
    app = {**minimal("aws"), **readme_upstash_example(), "secretValues": {"REDIS_URL": "x"}}
    app["services"]["web"] |= {"cache": True, "secrets": ["REDIS_URL"]}
    assert "services.web.secrets[0]: 'REDIS_URL' is the external Redis URL, which `cache: true` already delivers" in config_error(app)


# ---- images


def execution_statements(rendering: Rendering, task: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = inputs_json(rendering.one(EXECUTION_POLICY, f"{task}-execution").inputs["policy"])["Statement"]
    return statements


def test_an_image_in_the_accounts_private_ecr_can_be_pulled() -> None:
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:1.0.0"
    rendering = render_app(minimal("aws", web={"kind": "http", "image": image, "port": 8080}))
    statements = execution_statements(rendering, "shop-web")
    pulls = [s for s in statements if "ecr:BatchGetImage" in s["Action"]]
    assert pulls and pulls[0]["Resource"] == ["arn:aws:ecr:eu-west-1:123456789012:repository/team/api"]
    assert any(s["Action"] == ["ecr:GetAuthorizationToken"] for s in statements)


def test_an_image_from_another_registry_gets_no_ecr_grant() -> None:
    statements = execution_statements(render_app(minimal("aws")), "shop-web")
    assert not any(a.startswith("ecr:") for s in statements for a in s["Action"])


def test_cloud_run_refuses_registries_it_cannot_pull_from() -> None:
    app = minimal("gcp", web={"kind": "http", "image": "quay.io/example/web:1.0.0", "port": 8080})
    assert "services.web.image: Cloud Run cannot pull from quay.io; allowed: Artifact Registry" in config_error(app)


def test_cloud_run_warns_that_ghcr_and_docker_hub_images_must_be_public() -> None:
    rendering = render_app(minimal("gcp"))
    assert any("services.web.image: Cloud Run pulls from ghcr.io only when the image is public" in w for w in rendering.warnings)
    own = "us-central1-docker.pkg.dev/my-project-1/images/web:1.0.0"
    quiet = render_app(minimal("gcp", web={"kind": "http", "image": own, "port": 8080}))
    assert not any("services.web.image" in w for w in quiet.warnings)


# ---- GCP specifics


def test_a_user_secret_named_like_the_stacks_own_gets_its_own_id() -> None:
    app = stack_app("gcp-prod")
    app["secrets"]["REDIS_CA"] = {"generate": True}
    rendering = render_app(app)
    ids = [s.inputs["secretId"] for s in rendering.of_type("gcp:secretmanager/secret:Secret")]
    assert len(ids) == len(set(ids)), ids


def test_worker_pools_leave_the_launch_stage_to_the_api(gcp_prod: Rendering) -> None:
    """A launch stage the API reads back differently (BETA -> GA) shows a diff on every `up`."""
    assert "launchStage" not in gcp_prod.one("gcp:cloudrunv2/workerPool:WorkerPool").inputs


def test_the_default_cpu_is_valid_on_each_cloud() -> None:
    job = {"nightly": {"schedule": "0 0 * * *", "service": "web", "command": ["run"]}}
    gcp = render_app({**minimal("gcp"), "jobs": job, "migrate": {"service": "web", "command": ["migrate"]}})
    limits = [
        c["resources"]["limits"]["cpu"] for r in gcp.of_type("gcp:cloudrunv2/service:Service") for c in r.inputs["template"]["containers"]
    ]
    assert limits == ["1"]
    jobs = [r.inputs["template"]["template"]["containers"][0]["resources"]["limits"]["cpu"] for r in gcp.of_type("gcp:cloudrunv2/job:Job")]
    assert jobs == ["1", "1"]
    aws = render_app({**minimal("aws"), "jobs": job})
    assert {r.inputs["cpu"] for r in aws.of_type("aws:ecs/taskDefinition:TaskDefinition")} == {"512", "256"}


# ---- private services are never on the internet


def with_private(cloud: str) -> dict[str, Any]:
    app = stack_app(f"{cloud}-prod")
    app["services"]["billing"] = {"kind": "http", "image": "ghcr.io/example/billing:1.0.0", "port": 9000, "public": False}
    if cloud == "gcp":
        app["services"]["billing"]["cpu"] = 1
    return app


def test_a_private_service_is_not_on_the_aws_load_balancer() -> None:
    rendering = render_app(with_private("aws"))
    assert sorted(g.name for g in rendering.of_type("aws:lb/targetGroup:TargetGroup")) == ["pmis-api", "pmis-web"]
    rules = [r.inputs["actions"][0]["targetGroupArn"] for r in rendering.of_type("aws:lb/listenerRule:ListenerRule")]
    assert not any("billing" in arn for arn in rules)
    service = rendering.one("aws:ecs/service:Service", "pmis-billing").inputs
    assert service["loadBalancers"] == []
    group = rendering.one("aws:ec2/securityGroup:SecurityGroup", "pmis-billing").inputs
    assert group["ingress"] == [], "nothing, the load balancer included, may reach it"
    lb_ports = {rule["fromPort"] for rule in rendering.one("aws:ec2/securityGroup:SecurityGroup", "pmis-load-balancer").inputs["egress"]}
    assert 9000 not in lb_ports


def test_a_private_service_is_internal_only_on_gcp() -> None:
    rendering = render_app(with_private("gcp"))
    service = rendering.one("gcp:cloudrunv2/service:Service", "pmis-billing").inputs
    assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    assert not any(m.inputs["name"] == service["name"] for m in rendering.of_type("gcp:cloudrunv2/serviceIamMember:ServiceIamMember"))
    assert not any("billing" in n.name for n in rendering.of_type("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup"))


def test_a_private_service_takes_no_route() -> None:
    app = with_private("aws")
    app["services"]["billing"]["routes"] = ["/billing"]
    assert "services.billing.routes: a private service (public: false) is not on the load balancer" in config_error(app)


# ---- ECS rollouts report failure, and the count follows `scaling` unless autoscaling owns it


def test_ecs_deploys_wait_for_healthy_tasks(aws_prod: Rendering) -> None:
    assert all(s.inputs["waitForSteadyState"] is True for s in aws_prod.of_type("aws:ecs/service:Service"))


def test_desired_count_is_ignored_only_under_autoscaling() -> None:
    app = stack_app("aws-prod")
    app["services"]["worker"]["scaling"] = {"min": 2, "max": 2}
    rendering = render_app(app)
    targets = {t.name for t in rendering.of_type("aws:appautoscaling/target:Target")}
    for service in rendering.of_type("aws:ecs/service:Service"):
        assert ("desiredCount" in service.ignore_changes) == (service.name in targets), service.name
    assert "pmis-worker" not in targets


def test_config_errors_raised_by_the_loader_are_config_errors() -> None:
    with pytest.raises(ConfigError):
        load({"shipyard:name": "x"}, [])
