"""Certificates behind a proxying CDN of the user's own (`allowFrom`) on GCP: DNS-authorized Certificate Manager
certificates served through a certificate map, where a Google-managed certificate authorized by the load balancer would
never be issued (the name resolves to the CDN)."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import mocks as pulumi_mocks

from components.gcp.apis import required_apis
from components.gcp.certificates import CERTIFICATE_MAP_PREFIX
from stacks.cost import FREE, PRICERS, USAGE, unclassified
from stacks.offline import CloudMocks, Rendering, Resource
from stacks.plan import RULES, changed_keys, name_problems, plan, start_dependencies
from tests.harness import render_shared, stack_app
from tests.test_cost import cost_of
from tests.test_examples import example

AUTHORIZATION = "gcp:certificatemanager/dnsAuthorization:DnsAuthorization"
CERTIFICATE = "gcp:certificatemanager/certificate:Certificate"
MAP = "gcp:certificatemanager/certificateMap:CertificateMap"
ENTRY = "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry"
CERTIFICATE_MANAGER = (AUTHORIZATION, CERTIFICATE, MAP, ENTRY)
MANAGED_SSL = "gcp:compute/managedSslCertificate:ManagedSslCertificate"
PROXY = "gcp:compute/targetHttpsProxy:TargetHttpsProxy"
RULE = "gcp:compute/globalForwardingRule:GlobalForwardingRule"
RECORD = "gcp:dns/recordSet:RecordSet"
API = "gcp:projects/service:Service"
# CloudFlare's published ranges, in part (https://www.cloudflare.com/ips/).
CDN_RANGES = ["173.245.48.0/20", "103.21.244.0/22", "2400:cb00::/32"]
ALIAS = "api.example.com"


def answered(resource: Resource) -> dict[str, Any]:
    """What the offline cloud answered for `resource` (its id and outputs), as the program read them."""
    resource_id, state = CloudMocks().new_resource(pulumi_mocks.MockResourceArgs(resource.type, resource.name, resource.inputs))
    return {"id": resource_id, **state}


def open_edge() -> dict[str, Any]:
    """PMIS on GCP without Cloud CDN, which `allowFrom` refuses: the stack before a CDN of the user's own goes in front."""
    app = stack_app("gcp-prod")
    app["services"]["web"].pop("cdn")
    return app


def behind_cdn(zone: bool = True, aliases: tuple[str, ...] = ()) -> dict[str, Any]:
    app = open_edge()
    app["allowFrom"] = CDN_RANGES
    app["clientIpHeader"] = "CF-Connecting-IP"
    if not zone:
        app["domain"].pop("zone")
    if aliases:
        app["domain"]["aliases"] = list(aliases)
    return app


@pytest.fixture(scope="module")
def with_zone() -> Rendering:
    return render_shared(behind_cdn(aliases=(ALIAS,)))


@pytest.fixture(scope="module")
def without_zone() -> Rendering:
    return render_shared(behind_cdn(zone=False, aliases=(ALIAS,)))


def by_domain(rendering: Rendering) -> dict[str, Resource]:
    return {a.inputs["domain"]: a for a in rendering.of_type(AUTHORIZATION)}


def acme_record(rendering: Rendering, host: str) -> dict[str, str]:
    """The record Certificate Manager says the name's authorization needs (its `dnsResourceRecords`)."""
    (record,) = answered(by_domain(rendering)[host])["dnsResourceRecords"]
    return dict(record)


@pytest.mark.parametrize("zone", [True, False])
def test_behind_a_cdn_the_https_proxy_serves_a_certificate_map_and_no_load_balancer_authorized_certificate(zone: bool) -> None:
    rendering = render_shared(behind_cdn(zone=zone, aliases=(ALIAS,)))
    assert rendering.of_type(MANAGED_SSL) == [], "a Google-managed certificate authorized by the load balancer is never issued"
    (proxy,) = rendering.of_type(PROXY)
    (certificate_map,) = rendering.of_type(MAP)
    assert proxy.inputs["certificateMap"] == CERTIFICATE_MAP_PREFIX + answered(certificate_map)["id"]
    assert not proxy.inputs.get("sslCertificates"), "with a map, a proxy's own certificates would be ignored"
    (https,) = [r for r in rendering.of_type(RULE) if r.inputs["portRange"] == "443"]
    assert https.inputs["target"] == answered(proxy)["id"], "port 443 is answered by the proxy with the map"


def test_every_name_has_its_own_dns_authorization_certificate_and_map_entry(with_zone: Rendering) -> None:
    names = ["app.example.com", ALIAS]
    authorizations = by_domain(with_zone)
    assert sorted(authorizations) == sorted(names)
    certificates = {c.inputs["managed"]["domains"][0]: c for c in with_zone.of_type(CERTIFICATE)}
    (certificate_map,) = with_zone.of_type(MAP)
    entries = with_zone.of_type(ENTRY)
    by_host = {e.inputs["hostname"]: e for e in entries if "hostname" in e.inputs}
    for host in names:
        assert authorizations[host].inputs["type"] == "FIXED_RECORD", "one CNAME at _acme-challenge.<name>"
        managed = certificates[host].inputs["managed"]
        # One name a certificate: adding or removing an alias never replaces the one serving the domain's name.
        assert managed == {"domains": [host], "dnsAuthorizations": [answered(authorizations[host])["id"]]}
        assert by_host[host].inputs["certificates"] == [answered(certificates[host])["id"]]
        assert by_host[host].inputs["map"] == answered(certificate_map)["name"]
    (primary,) = [e for e in entries if e.inputs.get("matcher") == "PRIMARY"]
    assert primary.inputs["certificates"] == [answered(certificates["app.example.com"])["id"]], "a client without SNI"
    assert len(entries) == len(names) + 1


def ancestors(rendering: Rendering, resource: Resource) -> list[Resource]:
    by_urn = {r.urn: r for r in rendering.resources}
    found = []
    while resource.parent in by_urn:
        resource = by_urn[resource.parent]
        found.append(resource)
    return found


def test_the_proxy_waits_for_every_certificate_and_entry_and_everything_waits_for_the_apis(with_zone: Rendering) -> None:
    (proxy,) = with_zone.of_type(PROXY)
    before_proxy = start_dependencies(with_zone, proxy)
    assert {r.urn for t in (CERTIFICATE, ENTRY, MAP) for r in with_zone.of_type(t)} <= before_proxy
    # As every resource of the edge: a child is registered only once its parent is, and the edge waits for every API the
    # stack enables (its `depends_on`, which the SDK expands to the APIs' services).
    apis = {r.urn for r in with_zone.of_type(API)}
    for type_ in CERTIFICATE_MANAGER:
        for resource in with_zone.of_type(type_):
            (edge,) = [a for a in ancestors(with_zone, resource) if a.type == "shipyard:gcp:Edge"]
            assert apis <= set(edge.dependencies), resource.name


def test_the_certificate_manager_api_is_among_the_stacks_apis_when_asked() -> None:
    base = {"database": True, "managed_cache": True, "scheduled_jobs": True, "dns_zone": True}
    assert "certificatemanager.googleapis.com" in required_apis(**base, certificate_manager=True)
    assert "certificatemanager.googleapis.com" not in required_apis(**base)


def test_a_stack_behind_a_cdn_enables_the_certificate_manager_api(with_zone: Rendering) -> None:
    assert "certificatemanager.googleapis.com" in {r.inputs["service"] for r in with_zone.of_type(API)}


def test_with_a_zone_each_authorizations_record_is_created_there(with_zone: Rendering) -> None:
    cnames = {r.inputs["name"]: r for r in with_zone.of_type(RECORD) if r.inputs["type"] != "A"}
    for host, auth in by_domain(with_zone).items():
        wanted = acme_record(with_zone, host)
        record = cnames.pop(wanted["name"])
        assert (record.inputs["type"], record.inputs["rrdatas"]) == (wanted["type"], [wanted["data"]])
        assert record.inputs["managedZone"] == "example-com"
        assert auth.urn in record.property_dependencies["rrdatas"], "read from the authorization itself"
    assert cnames == {}
    assert "certificateDnsRecords" not in with_zone.outputs, "nothing left for the user to create"
    assert not any("domain.zone is not set" in w for w in with_zone.warnings)


def test_without_a_zone_the_records_are_exported_and_one_warning_names_them(without_zone: Rendering) -> None:
    names = ["app.example.com", ALIAS]
    assert without_zone.outputs["certificateDnsRecords"] == [{"host": host, **acme_record(without_zone, host)} for host in names]
    assert without_zone.of_type(RECORD) == [], "no zone to create them in"
    (warning,) = [w for w in without_zone.warnings if "domain.zone" in w]
    for host in names:
        assert f"_acme-challenge.{host}" in warning
    assert "certificateDnsRecords" in warning and "not proxied" in warning
    assert "the certificate is issued once it resolves" not in warning, "it never resolves to the load balancer"


def test_without_allow_from_nothing_changes(gcp_prod: Rendering) -> None:
    for type_ in CERTIFICATE_MANAGER:
        assert gcp_prod.of_type(type_) == [], type_
    assert gcp_prod.of_type(MANAGED_SSL)
    (proxy,) = gcp_prod.of_type(PROXY)
    assert proxy.name == "pmis" and proxy.inputs["sslCertificates"] and "certificateMap" not in proxy.inputs
    assert "certificateDnsRecords" not in gcp_prod.outputs
    assert "certificatemanager.googleapis.com" not in {r.inputs["service"] for r in gcp_prod.of_type(API)}


@pytest.mark.parametrize("direction", ["on", "off"])
def test_switching_allow_from_moves_the_forwarding_rule_to_a_new_proxy_and_deletes_the_old_one_after(direction: str) -> None:
    """Never an in-place swap of `sslCertificates` for `certificateMap`: the provider would set an empty certificate list
    first, which Compute refuses while no map is set. A second proxy takes over instead."""
    before, after = (open_edge(), behind_cdn()) if direction == "on" else (behind_cdn(), open_edge())
    result = plan(render_shared(before), render_shared(after), changed_keys(before, after))
    assert result.errors == [] and result.warnings == []
    proxies = {s.resource.name: s.action for s in result.steps if s.resource.type == PROXY}
    old, new = ("pmis", "pmis-certificate-map") if direction == "on" else ("pmis-certificate-map", "pmis")
    assert proxies == {old: "delete", new: "create"}
    https = result.step(RULE, "pmis-https")
    assert (https.action, https.changed) == ("update", ["target"]), "the rule moves in place; the address stays"
    # Deleted at the end of the run, after the rule has moved: the old proxy, then the certificates it served.
    # (and the certificatemanager API's service, once the stack stops needing it: disable_on_destroy is off, so the API
    # stays enabled).
    gone = {s.resource.type for s in result.of("delete")}
    assert gone <= {PROXY, MANAGED_SSL, *CERTIFICATE_MANAGER, RECORD, API}
    assert (MANAGED_SSL in gone) == (direction == "on") and (CERTIFICATE in gone) == (direction == "off")
    assert result.of("replace") == []


def test_adding_an_alias_behind_a_cdn_replaces_nothing_serving_the_domain() -> None:
    before, after = behind_cdn(), behind_cdn(aliases=(ALIAS,))
    result = plan(render_shared(before), render_shared(after), changed_keys(before, after))
    assert result.errors == [] and result.of("replace", "delete") == []
    for type_ in CERTIFICATE_MANAGER:
        assert result.step(type_, "pmis").action == "same", type_
    assert result.step(ENTRY, "pmis-primary").action == "same"
    assert result.step(PROXY, "pmis-certificate-map").action == "same"
    created = {s.resource.type for s in result.of("create")}
    assert {AUTHORIZATION, CERTIFICATE, ENTRY, RECORD} <= created


def test_a_new_domain_name_behind_a_cdn_gets_a_new_certificate_next_to_the_old() -> None:
    before = behind_cdn()
    after = behind_cdn()
    after["domain"]["name"] = "portal.example.com"
    result = plan(render_shared(before), render_shared(after), changed_keys(before, after))
    # Autonamed, so replaced create-before-delete under a new name: the engine refuses nothing.
    assert result.errors == []
    assert result.step(CERTIFICATE, "pmis").action == "replace" and result.step(AUTHORIZATION, "pmis").action == "replace"
    assert result.step(MAP, "pmis").action in ("same", "update") and result.step(PROXY, "pmis-certificate-map").action == "same"
    assert result.step(ENTRY, "pmis-primary").action == "update", "it moves to the new certificate in place"


def test_the_longest_names_fit_and_every_new_type_has_a_sourced_row_and_a_cost_rule() -> None:
    app = behind_cdn(aliases=("another-rather-long-host-name-of-the-domain.example.com",))
    app["name"] = "abcdefghij-klmno"
    for svc in ("api", "worker"):
        app["services"][svc]["buckets"] = ["uploads"]
    rendering = render_shared(app, "production-europe-west")
    assert rendering.of_type(ENTRY) and rendering.of_type(RECORD)
    assert name_problems(rendering) == []
    for resource in rendering.resources:
        if resource.custom:
            assert resource.type in RULES and RULES[resource.type].source, resource.type
    assert unclassified(r.type for r in rendering.resources if r.custom) == []


def test_certificate_manager_is_listed_as_unpriced_with_its_reason_never_as_zero() -> None:
    result = cost_of(behind_cdn())
    unpriced = {u.type: u.reason for u in result.unpriced}
    for type_ in CERTIFICATE_MANAGER:
        assert type_ in USAGE and type_ not in FREE and type_ not in PRICERS, type_
        assert "certificate-manager/pricing" in unpriced[type_], type_
    assert not any(line.type in CERTIFICATE_MANAGER for line in result.lines)


def test_the_access_list_example_gets_dns_authorized_certificates_and_says_what_to_create() -> None:
    rendering = render_shared(example("access-list", "gcp"))
    assert rendering.of_type(MANAGED_SSL) == [] and len(rendering.of_type(CERTIFICATE)) == 1
    (record,) = rendering.outputs["certificateDnsRecords"]
    assert record["name"] == "_acme-challenge.portal.example.com." and record["type"] == "CNAME"
    assert any("_acme-challenge.portal.example.com" in w for w in rendering.warnings)
