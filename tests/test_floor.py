"""A cheaper floor for development: tasks without NAT gateways, no web application firewall; production keeps both."""

from __future__ import annotations

from typing import Any

from policy.rules import RULES
from stacks.config import PROJECT, load
from stacks.cost import estimate
from stacks.offline import Rendering
from tests.harness import config_error, inputs_json, render_shared, stack_app
from tests.test_policy import view_of

GUARDS = next(rule for rule in RULES if rule.name == "production-keeps-its-guards")


def floor(stack: str) -> dict[str, Any]:
    app = stack_app(stack)
    app["profile"] = "development"
    app["wafMode"] = "off"
    if app["cloud"] == "aws":
        app["aws"]["publicTasks"] = True
    return app


def test_aws_public_tasks_need_no_nat_gateway_and_keep_the_data_stores_private() -> None:
    rendering = render_shared(floor("aws-prod"))
    assert rendering.of_type("aws:ec2/natGateway:NatGateway") == [] and rendering.of_type("aws:ec2/eip:Eip") == []
    public = {s.urn for s in rendering.of_type("aws:ec2/subnet:Subnet") if s.name.startswith("pmis-public-")}
    for service in rendering.of_type("aws:ecs/service:Service"):
        network = service.inputs["networkConfiguration"]
        assert network["assignPublicIp"] is True and set(service.property_dependencies["networkConfiguration"]) & public
        groups = [
            g
            for g in rendering.of_type("aws:ec2/securityGroup:SecurityGroup")
            if g.urn in service.property_dependencies["networkConfiguration"]
        ]
        assert all(r.get("cidrBlocks") in (None, []) for g in groups for r in g.inputs.get("ingress", [])), "nothing from the internet"
    (machine,) = rendering.of_type("aws:sfn/stateMachine:StateMachine")
    run = next(iter(inputs_json(machine.inputs["definition"])["States"].values()))
    assert run["Parameters"]["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "ENABLED"
    assert rendering.outputs["migration"]["assignPublicIp"] == "ENABLED"
    for table in rendering.of_type("aws:ec2/routeTable:RouteTable"):
        if table.name.startswith("pmis-private-"):
            assert table.inputs.get("routes", []) == [], "the databases' subnets reach nothing outside the VPC"
    for group in ("aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup"):
        assert not set(rendering.one(group, "pmis").property_dependencies["subnetIds"]) & public, group


def test_without_a_firewall_there_is_no_web_acl_and_no_armor_policy() -> None:
    assert render_shared(floor("aws-prod")).of_type("aws:wafv2/webAcl:WebAcl") == []
    gcp = render_shared(floor("gcp-prod"))
    assert gcp.of_type("gcp:compute/securityPolicy:SecurityPolicy") == []
    assert all("securityPolicy" not in b.inputs for b in gcp.of_type("gcp:compute/backendService:BackendService"))


def test_the_floor_costs_less_by_the_nat_gateways_and_the_firewall(aws_prod: Rendering) -> None:
    def cost(rendering: Rendering, app: dict[str, Any]) -> Any:
        return estimate(rendering, load({f"{PROJECT}:{k}": v for k, v in app.items()}, []).app)

    production, cheap = cost(aws_prod, stack_app("aws-prod")), cost(render_shared(floor("aws-prod")), floor("aws-prod"))
    assert {line.price for line in production.lines} - {line.price for line in cheap.lines} >= {"aws.nat.hour", "aws.waf.acl"}
    assert cheap.monthly_min < production.monthly_min
    api = [line for line in cheap.lines if line.name == "pmis-api" and line.price == "aws.ipv4.hour"]
    assert len(api) == 1, "each public task's address is priced"


def test_production_refuses_the_floor_and_the_policy_pack_catches_it_anyway(aws_prod: Rendering) -> None:
    app = stack_app("aws-prod")
    app["aws"]["publicTasks"] = True
    assert "aws.publicTasks: production keeps its tasks in private subnets" in config_error(app)
    app = stack_app("gcp-prod")
    app["wafMode"] = "off"
    assert "wafMode: production keeps its web application firewall" in config_error(app)
    # A development render checked as if it were production: the pack names both.
    found = [message for _, message in GUARDS.check(view_of(render_shared(floor("aws-prod")), production=True))]
    assert any("no web ACL" in m for m in found) and any("public IP address" in m for m in found)
    assert list(GUARDS.check(view_of(aws_prod))) == []


def test_one_zone_is_refused_on_aws_with_the_reason() -> None:
    app = stack_app("aws-prod")
    app["profile"] = "development"
    app["aws"]["availabilityZones"] = 1
    says = config_error(app)
    assert "aws.availabilityZones: an Application Load Balancer and an RDS subnet group each need subnets in two zones" in says
