"""The edge: Cloud CDN only on the backends that ask for it, and a load balancer that admits only `allowFrom`."""

from __future__ import annotations

from ipaddress import ip_address, ip_network
from typing import Any

import pytest

from stacks.offline import Rendering, Resource
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
        ("aws-prod", lambda a: (a.pop("domain"), a["services"]["web"].update(cdn=True)), "services.web.cdn: the CDN fronts the load"),
        ("gcp-prod", lambda a: (a.pop("domain"), a["services"]["web"].update(cdn=True)), "services.web.cdn: the CDN fronts the load"),
        (
            "local",
            lambda a: (a.update(domain={"name": "app.example.com"}), a["services"]["web"].update(cdn=True)),
            "services.web.cdn: one Docker host has no CDN",
        ),
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


def first_match(rules: list[dict[str, Any]], address: str) -> dict[str, Any]:
    """The rule Cloud Armor applies to a plain request from `address`: the first by priority whose source ranges hold it
    (the WAF's expressions match attacks, not a plain request)."""
    for rule in sorted(rules, key=lambda r: r["priority"]):
        ranges = rule["match"].get("config", {}).get("srcIpRanges")
        if ranges and any(r == "*" or ip_address(address) in ip_network(r) for r in ranges):
            return rule
    raise AssertionError("no rule matched")


def without_cdn(app: dict[str, Any]) -> dict[str, Any]:
    app["services"]["web"].pop("cdn")  # Cloud CDN answers cache hits before the access list (refused together)
    return app


@pytest.mark.parametrize("waf_mode", ["block", "count"])
def test_gcp_admits_only_the_allowed_ranges_and_denies_the_rest(waf_mode: str) -> None:
    app = without_cdn(stack_app("gcp-prod"))
    app["allowFrom"] = [f"198.51.{i}.0/24" for i in range(25)]
    app["wafMode"] = waf_mode
    rules = render_shared(app).one(ARMOR, "pmis").inputs["rules"]
    allowed = [r for r in rules if r["description"].startswith("allowFrom")]
    assert [len(r["match"]["config"]["srcIpRanges"]) for r in allowed] == [10, 10, 5], "at most 10 ranges a rule"
    enforced = [r for r in rules if not r.get("preview")]
    assert first_match(enforced, "203.0.113.9")["action"] == "deny(403)", "an address outside the list is denied"
    admitted = first_match(enforced, "198.51.24.7")
    assert admitted["action"] in ("allow", "rate_based_ban"), "an admitted address is let through, rate-limited"
    rate_rules = [r for r in rules if r["action"] == "rate_based_ban"]
    assert all("*" not in r["match"]["config"]["srcIpRanges"] for r in rate_rules), "the rate limit admits no one else"


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


def test_a_client_header_without_an_access_list_is_refused_not_dropped() -> None:
    app = stack_app("aws-prod")
    app["clientIpHeader"] = "CF-Connecting-IP"
    assert "clientIpHeader: it names the client behind a CDN of your own" in config_error(app)


def test_gcp_refuses_an_access_list_without_a_load_balancer() -> None:
    app = without_cdn(stack_app("gcp-prod"))
    app.pop("domain")
    app["allowFrom"] = CDN_RANGES
    assert "allowFrom: without `domain` there is no load balancer" in config_error(app)


def test_behind_a_cdn_the_rate_limit_counts_the_client_the_cdn_names() -> None:
    aws_app, gcp_app = stack_app("aws-prod"), without_cdn(stack_app("gcp-prod"))
    aws_app["allowFrom"] = gcp_app["allowFrom"] = CDN_RANGES
    aws_app["clientIpHeader"] = gcp_app["clientIpHeader"] = "CF-Connecting-IP"
    (rate,) = [r for r in render_shared(aws_app).one("aws:wafv2/webAcl:WebAcl", "pmis").inputs["rules"] if r["name"] == "rate-limit"]
    statement = rate["statement"]["rateBasedStatement"]
    assert statement["aggregateKeyType"] == "FORWARDED_IP" and statement["forwardedIpConfig"]["headerName"] == "CF-Connecting-IP"
    policy = render_shared(gcp_app).one(ARMOR, "pmis").inputs
    (ban,) = [r for r in policy["rules"] if r["action"] == "rate_based_ban"]
    assert ban["rateLimitOptions"]["enforceOnKey"] == "USER_IP"
    assert policy["advancedOptionsConfig"]["userIpRequestHeaders"] == ["CF-Connecting-IP"]


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod"])
def test_a_cdn_behind_an_access_list_is_refused(stack: str) -> None:
    app = stack_app(stack)
    app["services"]["web"]["cdn"] = True
    app["allowFrom"] = CDN_RANGES
    assert "services.web.cdn: the CDN answers from its cache before the load balancer's access list" in config_error(app)


def names_pointed_at_the_load_balancer(rendering: Rendering) -> list[Resource]:
    aliases = [r for r in rendering.of_type("aws:route53/record:Record") if r.inputs.get("aliases")]
    return aliases + [r for r in rendering.of_type("gcp:dns/recordSet:RecordSet") if r.inputs["type"] == "A"]


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod"])
def test_behind_an_access_list_the_names_are_left_to_the_proxy(stack: str) -> None:
    """A name pointed at the load balancer would send viewers past the user's proxy to a load balancer that admits only
    the proxy's ranges: the zone keeps only the certificates' records, and the render says where the names go."""
    app = stack_app(stack)
    app["allowFrom"] = CDN_RANGES
    if stack == "gcp-prod":
        without_cdn(app)
    rendering = render_shared(app)
    assert names_pointed_at_the_load_balancer(rendering) == []
    (warning,) = [w for w in rendering.warnings if w.startswith("allowFrom:")]
    assert "app.example.com at your proxy and the proxy at the load balancer" in warning
    # Without the access list the stack points the names at its load balancer, as before.
    assert names_pointed_at_the_load_balancer(render_shared(stack_app(stack)))
