"""Sites on GCP: a private bucket served through a Cloud CDN backend bucket on every name of the domain."""

from __future__ import annotations

import base64
import copy
import re
from typing import Any

import pulumi
import pulumi_gcp as gcp
import pytest
from pulumi.runtime import mocks as pulumi_mocks

from components.gcp.edge import SITE_BROWSER_TTL_SECONDS, SITE_TTL_SECONDS, Edge
from stacks.model import Domain, Site
from stacks.offline import CloudMocks, Rendering, Resource
from stacks.plan import RULES, changed_keys, name_problems, plan
from tests.harness import config_error, render_component, render_shared, stack_app
from tests.test_policy import RULE, view_of, violations

BACKEND_BUCKET = "gcp:compute/backendBucket:BackendBucket"
SIGNED_URL_KEY = "gcp:compute/backendBucketSignedUrlKey:BackendBucketSignedUrlKey"
GRANT = "gcp:storage/bucketIAMMember:BucketIAMMember"
BUCKET = "gcp:storage/bucket:Bucket"
URL_MAP = "gcp:compute/uRLMap:URLMap"
BACKEND_SERVICE = "gcp:compute/backendService:BackendService"
EVERYONE = {"allUsers", "allAuthenticatedUsers"}


def answered(resource: Resource) -> dict[str, Any]:
    """What the offline cloud answered for `resource` (its id and outputs), as the program read them."""
    resource_id, state = CloudMocks().new_resource(pulumi_mocks.MockResourceArgs(resource.type, resource.name, resource.inputs))
    return {"id": resource_id, **state}


def project_number(project: str) -> str:
    """The number the offline cloud gives the project, as the program looks it up."""
    result, _ = CloudMocks().call(pulumi_mocks.MockCallArgs("gcp:organizations/getProject:getProject", {"projectId": project}, ""))
    return str(result["number"])


def with_site(edit: Any = None) -> dict[str, Any]:
    """PMIS on GCP with an admin single-page app served from a bucket at /admin."""
    app = stack_app("gcp-prod")
    app["buckets"]["admin"] = {"site": {"path": "/admin", "singlePage": True}}
    if edit:
        edit(app)
    return app


@pytest.fixture(scope="module")
def site() -> Rendering:
    return render_shared(with_site())


def two_hosts(app: dict[str, Any]) -> None:
    """An alias with a path matcher of its own: the web front end answers app.example.com only, so the alias answers the
    API alone (and its default is the API), while the domain's name answers the web front end alone."""
    app["domain"]["aliases"] = ["admin.example.com"]
    app["services"]["web"]["hosts"] = ["app.example.com"]


def rules_by_paths(matcher: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    return {tuple(rule["paths"]): rule for rule in matcher.get("pathRules", [])}


def test_a_site_bucket_stays_private_and_only_cloud_cdns_fill_agent_reads_it(site: Rendering) -> None:
    bucket = site.one(BUCKET, "pmis-admin")
    assert bucket.inputs["publicAccessPrevention"] == "enforced"
    assert bucket.inputs["uniformBucketLevelAccess"] is True, "no object ACL can make an object public"
    assert "public-read" not in bucket.inputs["labels"], "the policy pack admits public access only with this label"
    bucket_name = answered(bucket)["name"]
    grants = [g for g in site.of_type(GRANT) if g.inputs["bucket"] == bucket_name]
    # objects.get alone: with objects.list (roles/storage.objectViewer) a request for the bucket itself could list it.
    assert [(g.inputs["role"], g.inputs["member"]) for g in grants] == [
        (
            "roles/storage.legacyObjectReader",
            f"serviceAccount:service-{project_number('pmis-production')}@cloud-cdn-fill.iam.gserviceaccount.com",
        )
    ]
    assert not any(g.inputs["member"] in EVERYONE for g in site.of_type(GRANT))
    for whole_role in ("gcp:storage/bucketIAMBinding:BucketIAMBinding", "gcp:storage/bucketIAMPolicy:BucketIAMPolicy"):
        assert site.of_type(whole_role) == [], "no other way to grant the bucket"


def test_the_fill_agent_is_granted_only_after_a_key_makes_google_create_it(site: Rendering) -> None:
    (grant,) = [g for g in site.of_type(GRANT) if g.name == "pmis-admin-cdn-fill"]
    (key,) = site.of_type(SIGNED_URL_KEY)
    assert key.urn in grant.dependencies, "granting a role to the agent before it exists fails"
    backend = site.one(BACKEND_BUCKET, "pmis-admin")
    assert key.inputs["backendBucket"] == answered(backend)["name"]
    # 128 random bits as unpadded base64url; the offline bytes encode to standard base64 with `+`, `/` and `=`.
    value = key.inputs["keyValue"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", value)
    assert len(base64.urlsafe_b64decode(value + "==")) == 16
    assert "keyValue" in key.secret_inputs


def test_the_site_is_cached_for_an_hour_whatever_its_objects_say(site: Rendering) -> None:
    backend = site.one(BACKEND_BUCKET, "pmis-admin").inputs
    assert backend["bucketName"] == answered(site.one(BUCKET, "pmis-admin"))["name"]
    assert backend["enableCdn"] is True
    # A private object answers `private, max-age=0`: only FORCE_CACHE_ALL caches it.
    policy = {"cacheMode": "FORCE_CACHE_ALL", "defaultTtl": SITE_TTL_SECONDS, "clientTtl": SITE_BROWSER_TTL_SECONDS}
    assert backend["cdnPolicy"] == policy
    # The README promises an hour at the edge, and at most five minutes of a stale index.html in a browser after a deploy.
    assert (SITE_TTL_SECONDS, SITE_BROWSER_TTL_SECONDS) == (3600, 300)
    assert backend["compressionMode"] == "AUTOMATIC"


def test_every_host_routes_the_site_path_to_its_bucket_and_the_api_still_to_its_service() -> None:
    rendering = render_shared(with_site(two_hosts))
    url_map = rendering.one(URL_MAP, "pmis").inputs
    bucket_id = answered(rendering.one(BACKEND_BUCKET, "pmis-admin"))["id"]
    api_id = answered(rendering.one(BACKEND_SERVICE, "pmis-api"))["id"]
    web_id = answered(rendering.one(BACKEND_SERVICE, "pmis-web"))["id"]
    matchers = {m["name"]: m for m in url_map["pathMatchers"]}
    hosts = {host: rule["pathMatcher"] for rule in url_map["hostRules"] for host in rule["hosts"]}
    assert set(hosts) == {"app.example.com", "admin.example.com"} and len(matchers) == 2, "one path matcher per host here"
    for matcher in matchers.values():
        assert rules_by_paths(matcher)[("/admin", "/admin/*")]["service"] == bucket_id
    app_host, alias = matchers[hosts["app.example.com"]], matchers[hosts["admin.example.com"]]
    assert app_host["defaultService"] == web_id and set(rules_by_paths(app_host)) == {("/admin", "/admin/*")}
    assert alias["defaultService"] == api_id and rules_by_paths(alias)[("/api", "/api/*")]["service"] == api_id


def test_a_longer_service_path_under_the_site_still_goes_to_the_service() -> None:
    rendering = render_shared(with_site(lambda a: a["services"]["api"].update(routes=["/api", "/admin/api"])))
    (matcher,) = rendering.one(URL_MAP, "pmis").inputs["pathMatchers"]
    rules = rules_by_paths(matcher)
    # The URL map matches the longest path whatever the rules' order: /admin/api/* beats /admin/*.
    assert rules[("/admin/api", "/admin/api/*")]["service"] == answered(rendering.one(BACKEND_SERVICE, "pmis-api"))["id"]
    assert rules[("/admin", "/admin/*")]["service"] == answered(rendering.one(BACKEND_BUCKET, "pmis-admin"))["id"]


def test_a_single_page_app_answers_its_index_with_200_on_its_own_path_rule_only(site: Rendering) -> None:
    url_map = site.one(URL_MAP, "pmis").inputs
    (matcher,) = url_map["pathMatchers"]
    rules = rules_by_paths(matcher)
    assert rules[("/admin", "/admin/*")]["customErrorResponsePolicy"] == {
        # The bucket answers a missing object 403 to a reader that may not list it (404 to one that may).
        "errorResponseRules": [{"matchResponseCodes": ["403", "404"], "path": "/admin/index.html", "overrideResponseCode": 200}],
        "errorService": answered(site.one(BACKEND_BUCKET, "pmis-admin"))["id"],
    }
    # An API's 404 stays a 404: no policy on its rule, on the matcher or on the URL map would catch it.
    assert "customErrorResponsePolicy" not in rules[("/api", "/api/*")]
    assert "defaultCustomErrorResponsePolicy" not in matcher and "defaultCustomErrorResponsePolicy" not in url_map


def test_a_site_that_is_not_a_single_page_app_answers_its_404s_as_they_are() -> None:
    rendering = render_shared(with_site(lambda a: a["buckets"]["admin"]["site"].update(singlePage=False)))
    (matcher,) = rendering.one(URL_MAP, "pmis").inputs["pathMatchers"]
    assert "customErrorResponsePolicy" not in rules_by_paths(matcher)[("/admin", "/admin/*")]


def test_a_site_at_the_root_answers_what_no_path_matches() -> None:
    def root_site(app: dict[str, Any]) -> None:
        app["services"]["web"].update(routes=["/web"])
        app["buckets"]["admin"]["site"] = {"path": "/", "singlePage": True}
        two_hosts(app)

    rendering = render_shared(with_site(root_site))
    url_map = rendering.one(URL_MAP, "pmis").inputs
    bucket_id = answered(rendering.one(BACKEND_BUCKET, "pmis-admin"))["id"]
    assert url_map["defaultService"] == bucket_id
    assert len(url_map["pathMatchers"]) == 2
    for matcher in url_map["pathMatchers"]:
        assert matcher["defaultService"] == bucket_id
        rule = rules_by_paths(matcher)[("/*",)]
        assert rule["service"] == bucket_id
        assert rule["customErrorResponsePolicy"]["errorResponseRules"][0]["path"] == "/index.html"
    # `/` asks for the bucket itself: its main page, never a listing of its objects.
    assert rendering.one(BUCKET, "pmis-admin").inputs["website"] == {"mainPageSuffix": "index.html"}


def test_a_site_is_not_behind_cloud_armor_but_the_services_still_are(site: Rendering) -> None:
    backend = site.one(BACKEND_BUCKET, "pmis-admin").inputs
    assert "edgeSecurityPolicy" not in backend, "a backend bucket takes no WAF or rate limit"
    policy_id = answered(site.one("gcp:compute/securityPolicy:SecurityPolicy", "pmis"))["id"]
    assert {s.name: s.inputs["securityPolicy"] for s in site.of_type(BACKEND_SERVICE)} == {"pmis-api": policy_id, "pmis-web": policy_id}


def test_the_url_map_to_invalidate_is_exported(site: Rendering, gcp_prod: Rendering) -> None:
    assert site.outputs["cdnUrlMap"] == answered(site.one(URL_MAP, "pmis"))["name"]
    assert site.outputs["buckets"]["admin"] == answered(site.one(BUCKET, "pmis-admin"))["name"], "where to upload the build"
    assert "cdnUrlMap" not in gcp_prod.outputs


def test_a_stack_without_sites_gets_none_of_it(gcp_prod: Rendering) -> None:
    for type_ in (BACKEND_BUCKET, SIGNED_URL_KEY, "random:index/randomBytes:RandomBytes"):
        assert gcp_prod.of_type(type_) == [], type_
    assert all("website" not in b.inputs for b in gcp_prod.of_type(BUCKET))


def test_adding_a_site_to_a_running_stack_replaces_nothing() -> None:
    before, after = stack_app("gcp-prod"), with_site()
    result = plan(render_shared(before), render_shared(after), changed_keys(before, after))
    assert result.errors == []
    assert result.of("replace", "delete") == []
    assert result.step(URL_MAP, "pmis").action == "update"
    assert result.step(BUCKET, "pmis-uploads").action == "same"


def test_making_a_bucket_a_site_keeps_the_bucket_and_its_objects() -> None:
    before = stack_app("gcp-prod")
    after = copy.deepcopy(before)
    after["buckets"]["uploads"]["site"] = {"path": "/files"}
    result = plan(render_shared(before), render_shared(after), changed_keys(before, after))
    step = result.step(BUCKET, "pmis-uploads")
    assert step.action == "update" and step.changed == ["website"]
    assert result.of("replace", "delete") == [] and result.errors == []


def test_a_site_passes_every_policy_of_the_pack(site: Rendering) -> None:
    view = view_of(site)
    for rule in RULE:
        assert violations(rule, view) == [], rule


def test_the_longest_names_fit_and_every_new_type_has_a_sourced_row() -> None:
    app = with_site()
    app["name"] = "abcdefghij-klmno"
    app["buckets"] = {"customer-uploads-eu1": app["buckets"]["uploads"], "public-assets-bucket": app["buckets"].pop("admin")}
    for svc in ("api", "worker"):
        app["services"][svc]["buckets"] = ["customer-uploads-eu1"]
    rendering = render_shared(app, "production-europe-west")
    assert rendering.of_type(BACKEND_BUCKET) and rendering.of_type(SIGNED_URL_KEY)
    assert name_problems(rendering) == []
    for resource in rendering.resources:
        if resource.custom:
            assert resource.type in RULES and RULES[resource.type].source, resource.type


def test_an_edge_with_sites_alone_defaults_to_the_site_and_makes_no_cloud_armor_policy() -> None:
    """The model refuses a domain without a public service today; the edge itself serves a site alone."""

    def build() -> None:
        bucket = gcp.storage.Bucket("docs", location="US")
        Edge(
            "docs",
            Domain(name="docs.example.com"),
            "us-central1",
            [],
            {},
            sites={"docs": (Site(path="/guide"), bucket)},
            project_number=pulumi.Output.from_input("42"),
        )

    rendering = render_component(build)
    url_map = rendering.one(URL_MAP, "docs").inputs
    bucket_id = answered(rendering.one(BACKEND_BUCKET, "docs-docs"))["id"]
    (matcher,) = url_map["pathMatchers"]
    assert url_map["defaultService"] == matcher["defaultService"] == bucket_id
    assert rendering.of_type("gcp:compute/securityPolicy:SecurityPolicy") == [], "nothing to attach it to"


def test_docker_refuses_a_site_by_its_key() -> None:
    app = stack_app("local")
    app["domain"] = {"name": "app.example.com"}
    app["buckets"] = {"admin": {"site": {"path": "/admin"}}}
    assert "buckets.admin.site: one Docker host has no CDN to serve a bucket's files from" in config_error(app)
