"""The edge: Cloud CDN only on the backends that ask for it, and a load balancer that admits only `allowFrom`."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.offline import Rendering
from tests.harness import config_error, render_shared, stack_app

BACKEND = "gcp:compute/backendService:BackendService"
ARMOR = "gcp:compute/securityPolicy:SecurityPolicy"
# CloudFlare's published ranges, in part (https://www.cloudflare.com/ips/): what a CDN in front of the domain sends from.
CDN_RANGES = ["173.245.48.0/20", "103.21.244.0/22", "2400:cb00::/32"]


def test_gcp_caches_only_the_backends_that_ask(gcp_prod: Rendering) -> None:
    cached = {b.name: b.inputs["enableCdn"] for b in gcp_prod.of_type(BACKEND)}
    assert cached == {"pmis-web": True, "pmis-api": False}, "the committed web front end asks; the API does not"
    app = stack_app("gcp-prod")
    app["services"]["web"]["cdn"] = False
    app["services"]["api"]["cdn"] = True
    swapped = {b.name: (b.inputs["enableCdn"], "cdnPolicy" in b.inputs) for b in render_shared(app).of_type(BACKEND)}
    assert swapped == {"pmis-web": (False, False), "pmis-api": (True, True)}, "whichever service owns `/`"


@pytest.mark.parametrize(
    ("stack", "edit", "says"),
    [
        ("aws-prod", lambda a: a["services"]["web"].update(cdn=True), "services.web.cdn: shipyard does not yet put CloudFront"),
        ("gcp-prod", lambda a: (a.pop("domain"), a["services"]["web"].update(cdn=True)), "services.web.cdn: Cloud CDN sits on the load"),
        ("local", lambda a: a["services"]["web"].update(cdn=True), "services.web.cdn: one Docker host has no CDN"),
        ("gcp-prod", lambda a: a["services"]["worker"].update(cdn=True), "services.worker.cdn: only http services take this key"),
        ("gcp-prod", lambda a: a["services"]["api"].update(cdn=True, public=False, routes=None), "a private service (public: false)"),
    ],
)
def test_a_cdn_that_cannot_be_is_refused_by_name(stack: str, edit: Any, says: str) -> None:
    app = stack_app(stack)
    edit(app)
    assert says in config_error(app)


def test_aws_admits_only_the_allowed_ranges_on_both_ports() -> None:
    app = stack_app("aws-prod")
    app["allowFrom"] = CDN_RANGES
    group = render_shared(app).one("aws:ec2/securityGroup:SecurityGroup", "pmis-load-balancer")
    for rule in group.inputs["ingress"]:
        assert rule["cidrBlocks"] == CDN_RANGES[:2] and rule["ipv6CidrBlocks"] == CDN_RANGES[2:]
    assert sorted(r["fromPort"] for r in group.inputs["ingress"]) == [80, 443]


def test_gcp_admits_only_the_allowed_ranges_after_the_waf_and_denies_the_rest() -> None:
    app = stack_app("gcp-prod")
    app["allowFrom"] = [f"198.51.{i}.0/24" for i in range(25)]
    rules = sorted(render_shared(app).one(ARMOR, "pmis").inputs["rules"], key=lambda r: r["priority"])
    allowed = [r for r in rules if r["description"].startswith("allowFrom")]
    assert [len(r["match"]["config"]["srcIpRanges"]) for r in allowed] == [10, 10, 5], "at most 10 ranges a rule"
    assert all(r["action"] == "allow" for r in allowed)
    first_allow = rules.index(allowed[0])
    assert all(r["action"] != "allow" for r in rules[:first_allow]), "the WAF and the rate limit still see every request first"
    assert rules[-1]["action"] == "deny(403)" and rules[-1]["match"]["config"]["srcIpRanges"] == ["*"]


def test_without_allow_from_the_edge_is_open_as_before(aws_prod: Rendering, gcp_prod: Rendering) -> None:
    group = aws_prod.one("aws:ec2/securityGroup:SecurityGroup", "pmis-load-balancer")
    assert all(r["cidrBlocks"] == ["0.0.0.0/0"] for r in group.inputs["ingress"])
    assert sorted(gcp_prod.one(ARMOR, "pmis").inputs["rules"], key=lambda r: r["priority"])[-1]["action"] == "allow"


@pytest.mark.parametrize(
    ("stack", "ranges", "says"),
    [
        ("aws-prod", ["10.0.0.1/8"], "allowFrom[0]: '10.0.0.1/8' is not a network"),
        ("aws-prod", ["198.51.100.0/24", "198.51.100.0/24"], "allowFrom: list each range once"),
        ("aws-prod", [f"198.{i}.0.0/16" for i in range(31)], "31 IPv4 ranges make 62 inbound rules"),
        ("local", ["198.51.100.0/24"], "allowFrom: the Docker renderer keeps no access list"),
    ],
)
def test_an_access_list_a_cloud_cannot_keep_is_refused(stack: str, ranges: list[str], says: str) -> None:
    app = stack_app(stack)
    app["allowFrom"] = ranges
    assert says in config_error(app)


def test_gcp_refuses_an_access_list_without_a_load_balancer() -> None:
    app = stack_app("gcp-prod")
    app.pop("domain")
    app["allowFrom"] = CDN_RANGES
    assert "allowFrom: without `domain` there is no load balancer" in config_error(app)


def test_behind_a_cdn_the_rate_limit_counts_the_forwarded_client_not_the_cdn() -> None:
    aws_app, gcp_app = stack_app("aws-prod"), stack_app("gcp-prod")
    aws_app["allowFrom"] = gcp_app["allowFrom"] = CDN_RANGES
    (rate,) = [r for r in render_shared(aws_app).one("aws:wafv2/webAcl:WebAcl", "pmis").inputs["rules"] if r["name"] == "rate-limit"]
    statement = rate["statement"]["rateBasedStatement"]
    assert statement["aggregateKeyType"] == "FORWARDED_IP" and statement["forwardedIpConfig"]["headerName"] == "X-Forwarded-For"
    (ban,) = [r for r in render_shared(gcp_app).one(ARMOR, "pmis").inputs["rules"] if r["action"] == "rate_based_ban"]
    assert ban["rateLimitOptions"]["enforceOnKey"] == "XFF_IP"
