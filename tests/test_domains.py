"""Several host names on one edge: one certificate covering them, and services bound to some of them by `hosts`."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.offline import Rendering
from tests.harness import config_error, render_shared, stack_app

RULE = "aws:lb/listenerRule:ListenerRule"


def two_hosts(stack: str) -> dict[str, Any]:
    """PMIS with the API on its own host: `api.example.com` serves the api alone (its `/` too); `app.example.com` keeps
    the web front end and the api's `/api` as before."""
    app = stack_app(stack)
    app["domain"]["aliases"] = ["api.example.com"]
    app["services"]["api"]["hosts"] = ["api.example.com"]
    app["services"]["api"]["routes"] = ["/"]
    app["services"]["web"]["hosts"] = ["app.example.com"]
    return app


def test_the_model_routes_each_host_its_own_services_first() -> None:
    from stacks.config import PROJECT, load

    app = load({f"{PROJECT}:{k}": v for k, v in two_hosts("aws-prod").items()}, []).app
    assert app.host_routes() == {"app.example.com": [("web", "/")], "api.example.com": [("api", "/")]}


def test_aws_covers_every_name_with_one_certificate_and_routes_by_host() -> None:
    rendering = render_shared(two_hosts("aws-prod"))
    certificate = rendering.one("aws:acm/certificate:Certificate", "pmis")
    assert (certificate.inputs["domainName"], certificate.inputs["subjectAlternativeNames"]) == ("app.example.com", ["api.example.com"])
    records = {r.name: r.inputs for r in rendering.of_type("aws:route53/record:Record")}
    # Named by host, so adding or removing an alias touches its own records only; each validation record holds its own
    # host's option, whatever order ACM lists them in (the offline fake lists them in reverse).
    assert records["pmis-alias"]["name"] == "app.example.com" and records["pmis-alias-api-example-com"]["name"] == "api.example.com"
    assert records["pmis-certificate-validation"]["name"] == "_x.app.example.com."
    assert records["pmis-certificate-validation-api-example-com"]["name"] == "_x.api.example.com."
    rules = sorted(rendering.of_type(RULE), key=lambda r: r.inputs["priority"])
    conditions = [(r.name, [c.get("hostHeader", c.get("pathPattern"))["values"] for c in r.inputs["conditions"]]) for r in rules]
    assert conditions == [("pmis-api", [["/*"], ["api.example.com"]]), ("pmis-web", [["/*"], ["app.example.com"]])]


def test_gcp_covers_every_name_and_gives_each_host_its_path_matcher() -> None:
    rendering = render_shared(two_hosts("gcp-prod"))
    # A certificate per name: adding or removing an alias never replaces the one serving the domain's name.
    certificates = {
        c.name: c.inputs["managed"]["domains"] for c in rendering.of_type("gcp:compute/managedSslCertificate:ManagedSslCertificate")
    }
    assert certificates == {"pmis": ["app.example.com"], "pmis-api-example-com": ["api.example.com"]}
    proxy = rendering.one("gcp:compute/targetHttpsProxy:TargetHttpsProxy", "pmis")
    assert len(proxy.inputs["sslCertificates"]) == 2
    (url_map,) = [m for m in rendering.of_type("gcp:compute/uRLMap:URLMap") if "hostRules" in m.inputs]
    matcher_of = {host: rule["pathMatcher"] for rule in url_map.inputs["hostRules"] for host in rule["hosts"]}
    default_of = {m["name"]: m["defaultService"].rsplit("/", 1)[-1] for m in url_map.inputs["pathMatchers"]}
    assert {host: default_of[matcher].split("-")[1] for host, matcher in matcher_of.items()} == {
        "app.example.com": "web",
        "api.example.com": "api",
    }
    records = [r.inputs["name"] for r in rendering.of_type("gcp:dns/recordSet:RecordSet")]
    assert sorted(records) == ["api.example.com.", "app.example.com."]


def test_one_domain_renders_as_before(aws_prod: Rendering) -> None:
    certificate = aws_prod.one("aws:acm/certificate:Certificate", "pmis")
    assert "subjectAlternativeNames" not in certificate.inputs
    assert all(len(r.inputs["conditions"]) == 1 for r in aws_prod.of_type(RULE)), "no host condition"


@pytest.mark.parametrize(
    ("stack", "edit", "says"),
    [
        (
            "aws-prod",
            lambda a: a["services"]["api"].update(hosts=["api.example.com"]),
            "services.api.hosts[0]: 'api.example.com' is not a name",
        ),
        ("aws-prod", lambda a: a["domain"].update(aliases=["api.example.org"]), "domain.aliases[0]: 'api.example.org' is not in the zone"),
        ("aws-prod", lambda a: a["domain"].update(aliases=["app.example.com"]), "domain.aliases: 'app.example.com' is the domain's name"),
        (
            "aws-prod",
            lambda a: (
                a["domain"].update(aliases=["a.example.com", "b.example.com", "c.example.com", "d.example.com"]),
                a["services"]["api"].update(hosts=["a.example.com", "b.example.com", "c.example.com", "d.example.com"]),
            ),
            "services.api.hosts: 4 hosts and the paths of '/api' make 6 values in one listener rule",
        ),
        ("local", lambda a: a.update(domain={"name": "app.example.com", "aliases": ["api.example.com"]}), "domain.aliases: the Docker"),
    ],
)
def test_a_host_that_cannot_be_served_is_refused_by_name(stack: str, edit: Any, says: str) -> None:
    app = stack_app(stack)
    edit(app)
    assert says in config_error(app)


def test_a_path_is_routed_to_one_service_on_each_host() -> None:
    app = two_hosts("aws-prod")
    app["services"]["web"]["hosts"] = ["api.example.com"]
    assert "services.web.routes[0]: '/' is already served by 'api' on api.example.com" in config_error(app)


def test_on_its_host_a_bound_service_takes_every_path_under_its_routes_on_both_clouds() -> None:
    """`api.example.com` is bound to the api at `/`: the web's `/static` is not answered there, on AWS (host rules first)
    as on GCP (the host's path matcher leaves it out)."""
    from stacks.config import PROJECT, load

    app = two_hosts("gcp-prod")
    del app["services"]["web"]["hosts"]
    app["services"]["web"]["routes"] = ["/", "/static"]
    model = load({f"{PROJECT}:{k}": v for k, v in app.items()}, []).app
    assert model.host_routes()["api.example.com"] == [("api", "/")]
    assert model.host_routes()["app.example.com"] == [("web", "/static"), ("web", "/")]


def test_a_host_that_answers_no_route_is_refused() -> None:
    app = two_hosts("aws-prod")
    app["services"]["web"]["hosts"] = ["api.example.com"]
    app["services"]["web"]["routes"] = ["/web"]
    assert "domain.name: 'app.example.com' answers no route" in config_error(app)
