"""The committed examples: one stack file per capability and cloud, each rendering what it says it shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from stacks.config import PROJECT
from stacks.offline import ROOT, Rendering, read_yaml
from tests.harness import inputs_json, render_shared

EXAMPLES = ROOT / "examples"
CLOUDS = ("aws", "gcp")


def example(capability: str, cloud: str) -> dict[str, Any]:
    config = read_yaml(EXAMPLES / f"{capability}.{cloud}.yaml")["config"]
    prefix = f"{PROJECT}:"
    return {key[len(prefix) :]: value for key, value in config.items() if key.startswith(prefix)}


def env_of(rendering: Rendering, cloud: str, workload: str) -> set[str]:
    """The names a workload's environment holds, plain and secret."""
    if cloud == "aws":
        (container,) = inputs_json(rendering.one("aws:ecs/taskDefinition:TaskDefinition", workload).inputs["containerDefinitions"])
        return {e["name"] for e in container.get("environment", []) + container.get("secrets", [])}
    (container,) = rendering.one("gcp:cloudrunv2/service:Service", workload).inputs["template"]["containers"]
    return {e["name"] for e in container.get("envs", [])}


def cdn_and_site(rendering: Rendering, cloud: str) -> None:
    if cloud == "aws":
        distribution = rendering.one("aws:cloudfront/distribution:Distribution", "shop").inputs
        targets = {b["pathPattern"]: b["targetOriginId"] for b in distribution["orderedCacheBehaviors"]}
        assert targets["/admin/*"] == "site-admin" and targets["/api/*"] == "load-balancer"
    else:
        (bucket,) = rendering.of_type("gcp:compute/backendBucket:BackendBucket")
        assert bucket.inputs["enableCdn"] is True
        cached = {b.name: b.inputs["enableCdn"] for b in rendering.of_type("gcp:compute/backendService:BackendService")}
        assert cached == {"shop-web": True, "shop-api": False}


def access_list(rendering: Rendering, cloud: str) -> None:
    if cloud == "aws":
        group = rendering.one("aws:ec2/securityGroup:SecurityGroup", "portal-load-balancer").inputs
        assert all("0.0.0.0/0" not in rule["cidrBlocks"] for rule in group["ingress"])
    else:
        rules = rendering.one("gcp:compute/securityPolicy:SecurityPolicy", "portal").inputs["rules"]
        assert max(rules, key=lambda r: r["priority"])["action"] == "deny(403)", "what allowFrom does not admit is denied"


def read_replicas(rendering: Rendering, cloud: str) -> None:
    assert len(rendering.outputs["databaseReplicaEndpoints" if cloud == "aws" else "databaseReplicaAddresses"]) == 2
    assert {"DATABASE_REPLICA_URL", "DATABASE_REPLICA_URLS"} <= env_of(rendering, cloud, "ledger-api")


def shared_image(rendering: Rendering, cloud: str) -> None:
    assert [image.name for image in rendering.of_type("docker:index/image:Image")] == ["resee-api"], "built once for three"


def several_domains(rendering: Rendering, cloud: str) -> None:
    if cloud == "aws":
        certificate = rendering.one("aws:acm/certificate:Certificate", "techvault").inputs
        assert [certificate["domainName"], *certificate["subjectAlternativeNames"]] == ["app.example.com", "api.example.com"]
    else:
        names = sorted(
            c.inputs["managed"]["domains"][0] for c in rendering.of_type("gcp:compute/managedSslCertificate:ManagedSslCertificate")
        )
        assert names == ["api.example.com", "app.example.com"]


def cheap_floor(rendering: Rendering, cloud: str) -> None:
    if cloud == "aws":
        assert rendering.of_type("aws:ec2/natGateway:NatGateway") == [] and rendering.of_type("aws:wafv2/webAcl:WebAcl") == []
    else:
        assert rendering.of_type("gcp:compute/securityPolicy:SecurityPolicy") == [], "no Cloud Armor rules to pay for"


def grants(rendering: Rendering, cloud: str) -> None:
    if cloud == "aws":
        policy = inputs_json(rendering.one("aws:iam/rolePolicy:RolePolicy", "pmis-api-task").inputs["policy"])
        actions = {action for statement in policy["Statement"] for action in statement["Action"]}
        assert {"sns:Publish", "ses:SendEmail", "ssm:GetParameter"} <= actions
    else:
        (publisher,) = rendering.of_type("gcp:pubsub/topicIAMMember:TopicIAMMember")
        assert publisher.inputs["role"] == "roles/pubsub.publisher"


SHOWS: dict[str, Callable[[Rendering, str], None]] = {
    "cdn-and-site": cdn_and_site,
    "access-list": access_list,
    "read-replicas": read_replicas,
    "shared-image": shared_image,
    "several-domains": several_domains,
    "cheap-floor": cheap_floor,
    "grants": grants,
}


def test_every_capability_has_an_example_on_both_clouds_and_no_other_file() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*")) == sorted(f"{c}.{cloud}.yaml" for c in SHOWS for cloud in CLOUDS)


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("capability", sorted(SHOWS))
def test_an_example_renders_what_it_shows(capability: str, cloud: str) -> None:
    app = example(capability, cloud)
    assert app["cloud"] == cloud
    SHOWS[capability](render_shared(app), cloud)


def test_the_readme_points_at_every_example() -> None:
    readme = (ROOT / "README.md").read_text()
    for capability in SHOWS:
        assert f"examples/{capability}.aws.yaml" in readme and f"examples/{capability}.gcp.yaml" in readme, capability
