"""Private services, declared calls, several routes and WebSockets, on both clouds (TechVault's five services)."""

from __future__ import annotations

from typing import Any

import pytest

from policy.rules import EVERYONE
from stacks.offline import Rendering, Resource
from tests.harness import config_error, inputs_json, render_shared

PRIVATE = ("auth", "product", "payment")


def techvault(cloud: str) -> dict[str, Any]:
    """A public web front end and gateway; three private services only the gateway calls; PostgreSQL, Redis, a bucket."""

    def service(port: int, **more: Any) -> dict[str, Any]:
        return {
            "kind": "http",
            "image": f"ghcr.io/techvault/app:2.1.{port}",
            "port": port,
            **more,
            **({"cpu": 1} if cloud == "gcp" else {}),
        }

    app: dict[str, Any] = {
        "name": "techvault",
        "cloud": cloud,
        "services": {
            "frontend": service(3000, routes=["/"]),
            "gateway": service(5000, routes=["/api"], calls=list(PRIVATE), buckets=["assets"]),
            "auth": service(5001, public=False, database=True, cache=True),
            "product": service(5002, public=False, database=True),
            "payment": service(5003, public=False, database=True),
            "mailer": {
                "kind": "worker",
                "image": "ghcr.io/techvault/app:2.1.0",
                "calls": ["auth"],
                **({"cpu": 1} if cloud == "gcp" else {}),
            },
        },
        "database": {},
        "cache": {},
        "buckets": {"assets": {}},
        "domain": {"name": "shop.example.com", "zone": "example.com"},
    }
    if cloud == "gcp":
        app["gcp"] = {"project": "techvault-prod"}
    return app


@pytest.fixture(scope="module")
def aws_tv() -> Rendering:
    return render_shared(techvault("aws"))


@pytest.fixture(scope="module")
def gcp_tv() -> Rendering:
    return render_shared(techvault("gcp"))


def env_of(task: Resource) -> dict[str, str]:
    (container,) = inputs_json(task.inputs["containerDefinitions"])
    return {e["name"]: e["value"] for e in container.get("environment", [])}


def group_id(rendering: Rendering, name: str) -> str:
    return f"{rendering.one('aws:ec2/securityGroup:SecurityGroup', name).name}-id"


# ---- AWS


def test_aws_private_services_have_no_public_route(aws_tv: Rendering) -> None:
    assert sorted(g.name for g in aws_tv.of_type("aws:lb/targetGroup:TargetGroup")) == ["techvault-frontend", "techvault-gateway"]
    for name in PRIVATE:
        service = aws_tv.one("aws:ecs/service:Service", f"techvault-{name}").inputs
        assert service["loadBalancers"] == [] and service["tags"] == {"visibility": "private"}
        assert aws_tv.one("aws:ec2/securityGroup:SecurityGroup", f"techvault-{name}").inputs["ingress"] == []


def test_aws_the_gateway_reaches_each_private_service_by_its_declared_address(aws_tv: Rendering) -> None:
    env = env_of(aws_tv.one("aws:ecs/taskDefinition:TaskDefinition", "techvault-gateway"))
    for name, port in zip(PRIVATE, (5001, 5002, 5003), strict=True):
        assert env[f"{name.upper()}_URL"] == f"http://{name}.techvault-test.internal:{port}"
        registry = aws_tv.one("aws:servicediscovery/service:Service", f"techvault-{name}")
        assert registry.inputs["name"] == name and registry.inputs["dnsConfig"]["dnsRecords"] == [{"ttl": 10, "type": "A"}]
        service = aws_tv.one("aws:ecs/service:Service", f"techvault-{name}").inputs
        # The mock gives a resource the ARN `arn:aws:<service>:us-east-1:<account>:<logical name>`.
        assert service["serviceRegistries"] == {"registryArn": f"arn:aws:servicediscovery:us-east-1:123456789012:techvault-{name}"}
        callers = aws_tv.one("aws:ec2/securityGroup:SecurityGroup", f"techvault-{name}-callers")
        assert callers.inputs["ingress"] and f"{callers.name}-id" in service["networkConfiguration"]["securityGroups"]
    namespace = aws_tv.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace").inputs
    assert namespace["name"] == "techvault-test.internal" and namespace["vpc"] == "techvault-id"


def test_aws_only_declared_callers_are_admitted(aws_tv: Rendering) -> None:
    gateway, mailer = group_id(aws_tv, "techvault-gateway"), group_id(aws_tv, "techvault-mailer")
    for name, port in zip(PRIVATE, (5001, 5002, 5003), strict=True):
        rules = aws_tv.one("aws:ec2/securityGroup:SecurityGroup", f"techvault-{name}-callers").inputs["ingress"]
        admitted = {group for rule in rules for group in rule["securityGroups"]}
        assert admitted == ({gateway, mailer} if name == "auth" else {gateway})
        assert {(r["fromPort"], r["toPort"]) for r in rules} == {(port, port)}
    # The front end declared no call: it gets no address and no way in.
    assert not any(k.endswith("_URL") for k in env_of(aws_tv.one("aws:ecs/taskDefinition:TaskDefinition", "techvault-frontend")))
    frontend = group_id(aws_tv, "techvault-frontend")
    for group in aws_tv.of_type("aws:ec2/securityGroup:SecurityGroup"):
        assert all(frontend not in rule.get("securityGroups", []) for rule in group.inputs.get("ingress", [])), group.name


# ---- GCP


def gcp_service(rendering: Rendering, name: str) -> dict[str, Any]:
    inputs: dict[str, Any] = rendering.one("gcp:cloudrunv2/service:Service", f"techvault-{name}").inputs
    return inputs


def test_gcp_private_services_are_internal_and_not_on_the_load_balancer(gcp_tv: Rendering) -> None:
    negs = {n.name for n in gcp_tv.of_type("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup")}
    assert negs == {"techvault-frontend", "techvault-gateway"}
    for name in PRIVATE:
        service = gcp_service(gcp_tv, name)
        assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY" and service["labels"] == {"visibility": "private"}
        members = [
            m.inputs["member"]
            for m in gcp_tv.of_type("gcp:cloudrunv2/serviceIamMember:ServiceIamMember")
            if m.inputs["name"] == service["name"]
        ]
        # Only the identities granted roles/run.invoker call it: the check stays on, and nobody anonymous is granted.
        assert service["invokerIamDisabled"] is False and not EVERYONE & set(members)


def test_gcp_the_gateway_reaches_each_private_service_with_its_own_identity(gcp_tv: Rendering) -> None:
    gateway = gcp_service(gcp_tv, "gateway")
    (container,) = gateway["template"]["containers"]
    env = {e["name"]: e.get("value") for e in container["envs"]}
    account = gateway["template"]["serviceAccount"]
    for name in PRIVATE:
        callee = gcp_service(gcp_tv, name)
        # Cloud Run's deterministic URL: <service>-<project number>.<region>.run.app (the mock's project number).
        assert env[f"{name.upper()}_URL"] == f"https://{callee['name']}-123456789.us-central1.run.app"
        grants = [
            m.inputs for m in gcp_tv.of_type("gcp:cloudrunv2/serviceIamMember:ServiceIamMember") if m.inputs["name"] == callee["name"]
        ]
        assert {"role": "roles/run.invoker", "member": f"serviceAccount:{account}"} in [
            {k: g[k] for k in ("role", "member")} for g in grants
        ]
    # Its calls to run.app leave through the VPC, where internal services take them.
    assert gateway["template"]["vpcAccess"]["egress"] == "ALL_TRAFFIC"


def test_gcp_a_service_that_declared_no_call_gets_no_access(gcp_tv: Rendering) -> None:
    frontend = gcp_service(gcp_tv, "frontend")
    account = f"serviceAccount:{frontend['template']['serviceAccount']}"
    assert not [m for m in gcp_tv.of_type("gcp:cloudrunv2/serviceIamMember:ServiceIamMember") if m.inputs["member"] == account]
    assert frontend["template"]["vpcAccess"]["egress"] == "PRIVATE_RANGES_ONLY"
    (container,) = frontend["template"]["containers"]
    assert not any(e["name"].endswith("_URL") for e in container["envs"])


def test_a_worker_may_call_an_http_service_on_both_clouds(aws_tv: Rendering, gcp_tv: Rendering) -> None:
    assert env_of(aws_tv.one("aws:ecs/taskDefinition:TaskDefinition", "techvault-mailer"))["AUTH_URL"].startswith("http://auth.")
    pool = gcp_tv.one("gcp:cloudrunv2/workerPool:WorkerPool").inputs
    assert pool["template"]["vpcAccess"]["egress"] == "ALL_TRAFFIC"


# ---- several routes, WebSockets


def social(cloud: str, **websocket: Any) -> dict[str, Any]:
    app = techvault(cloud)
    app["services"]["social"] = {
        "kind": "http",
        "image": "ghcr.io/techvault/social:1.0.0",
        "port": 7000,
        "routes": ["/social", "/ws"],
        "websocket": websocket,
        **({"cpu": 1} if cloud == "gcp" else {}),
    }
    return app


def test_a_service_serves_several_routes_on_both_clouds() -> None:
    aws = render_shared(social("aws"))
    rules = [r for r in aws.of_type("aws:lb/listenerRule:ListenerRule") if "social" in r.name]
    assert sorted(r.inputs["conditions"][0]["pathPattern"]["values"][0] for r in rules) == ["/social", "/ws"]
    gcp = render_shared(social("gcp"))
    (matcher,) = gcp.one("gcp:compute/uRLMap:URLMap", "techvault").inputs["pathMatchers"]
    social_paths = [p for rule in matcher["pathRules"] for p in rule["paths"] if "techvault-social" in rule["service"]]
    assert sorted(social_paths) == ["/social", "/social/*", "/ws", "/ws/*"]


def test_two_services_on_one_route_are_refused_naming_both() -> None:
    app = social("aws")
    app["services"]["social"]["routes"] = ["/ws", "/api"]
    assert "services.social.routes[1]: '/api' is already served by 'gateway'" in config_error(app)


def test_a_websocket_service_keeps_its_connections_on_aws() -> None:
    rendering = render_shared(social("aws", timeoutSeconds=3600))
    assert rendering.one("aws:lb/loadBalancer:LoadBalancer").inputs["idleTimeout"] == 3600
    group = rendering.one("aws:lb/targetGroup:TargetGroup", "techvault-social").inputs
    assert group["stickiness"] == {"type": "lb_cookie", "enabled": True, "cookieDuration": 3600}
    assert group["deregistrationDelay"] == 300
    others = rendering.one("aws:lb/targetGroup:TargetGroup", "techvault-gateway").inputs
    assert "stickiness" not in others and others["deregistrationDelay"] == 30


def test_a_websocket_service_keeps_its_connections_on_gcp() -> None:
    template = (
        render_shared(social("gcp", timeoutSeconds=3600)).one("gcp:cloudrunv2/service:Service", "techvault-social").inputs["template"]
    )
    assert template["timeout"] == "3600s" and template["sessionAffinity"] is True


@pytest.mark.parametrize(
    ("cloud", "websocket", "expected"),
    [
        ("aws", {"timeoutSeconds": 5000}, "services.social.websocket.timeoutSeconds: 5000 s is above the Application Load Balancer's"),
        ("gcp", {"timeoutSeconds": 4000}, "services.social.websocket.timeoutSeconds: 4000 s is above Cloud Run's request timeout limit"),
        ("gcp", {"drainSeconds": 60}, "services.social.websocket.drainSeconds: Cloud Run has no connection draining"),
    ],
)
def test_websocket_settings_a_cloud_cannot_honour_are_refused(cloud: str, websocket: dict[str, Any], expected: str) -> None:
    assert expected in config_error(social(cloud, **websocket))


@pytest.mark.parametrize(
    ("callee", "expected"),
    [
        ("nope", "services.gateway.calls[0]: 'nope' is not a service"),
        ("mailer", "services.gateway.calls[0]: 'mailer' is a worker and takes no calls"),
        ("gateway", "services.gateway.calls[0]: a service does not call itself"),
    ],
)
def test_a_call_to_an_unknown_or_undeclarable_service_is_refused(callee: str, expected: str) -> None:
    app = techvault("aws")
    app["services"]["gateway"]["calls"] = [callee]
    assert expected in config_error(app)


# ---- the policy pack


def test_the_policy_pack_passes_private_services_rendered_as_declared(aws_tv: Rendering, gcp_tv: Rendering) -> None:
    from tests.test_policy import view_of, violations

    for rendering in (aws_tv, gcp_tv):
        assert violations("private-services-stay-private", view_of(rendering)) == []


def test_the_policy_pack_fails_any_internet_path_to_a_private_service(aws_tv: Rendering, gcp_tv: Rendering) -> None:
    from policy.rules import StackView, Subject
    from tests.test_policy import view_of, violations

    def exposed(view: StackView, type_: str, name: str, edit: Any) -> StackView:
        subjects = []
        for s in view.subjects:
            if s.name == name and s.type == type_:
                props = dict(s.props)
                edit(props)
                s = Subject(s.type, s.name, s.urn, props, s.protect, s.links)
            subjects.append(s)
        return StackView(subjects, view.production)

    def open_to_world(props: dict[str, Any]) -> None:
        props["ingress"] = [{"protocol": "tcp", "fromPort": 5001, "toPort": 5001, "cidrBlocks": ["0.0.0.0/0"]}]

    def public_ip(props: dict[str, Any]) -> None:
        props["networkConfiguration"] = {**props["networkConfiguration"], "assignPublicIp": True}

    def all_ingress(props: dict[str, Any]) -> None:
        props["ingress"] = "INGRESS_TRAFFIC_ALL"

    aws, gcp = view_of(aws_tv), view_of(gcp_tv)
    rule = "private-services-stay-private"
    found = violations(rule, exposed(aws, "aws:ec2/securityGroup:SecurityGroup", "techvault-auth", open_to_world))
    assert any("admits the internet" in m for m in found)
    assert any("public IP" in m for m in violations(rule, exposed(aws, "aws:ecs/service:Service", "techvault-auth", public_ip)))
    found = violations(rule, exposed(gcp, "gcp:cloudrunv2/service:Service", "techvault-auth", all_ingress))
    assert any("not internal-only" in m for m in found)

    def no_invoker_check(props: dict[str, Any]) -> None:
        props["invokerIamDisabled"] = True

    found = violations(rule, exposed(gcp, "gcp:cloudrunv2/service:Service", "techvault-auth", no_invoker_check))
    assert any("invoker IAM check is off" in m for m in found)


def test_the_engine_model_knows_every_resource_these_render(aws_tv: Rendering, gcp_tv: Rendering) -> None:
    from stacks.plan import RULES, name_problems

    for rendering in (aws_tv, gcp_tv, render_shared(social("aws")), render_shared(social("gcp"))):
        assert {r.type for r in rendering.resources if r.custom} <= set(RULES)
        assert name_problems(rendering) == []
