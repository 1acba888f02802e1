"""CloudFront on AWS: a `cdn` service cached at the edge, a site served from a private bucket, the load balancer behind."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest
from pulumi.runtime import mocks as pulumi_mocks

from components.aws.cdn import (
    CERTIFICATE_REGION,
    EVERYTHING_TO_THE_ORIGIN,
    NOT_CACHED,
    ORIGIN_HEADER,
    single_page_code,
)
from stacks.config import PROJECT, load
from stacks.diagram import diagram
from stacks.offline import CloudMocks, Rendering, Resource
from stacks.plan import changed_keys, plan
from tests.harness import config_error, render_shared, stack_app

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
RECORD = "aws:route53/record:Record"
FUNCTION = "aws:cloudfront/function:Function"
ACL = "aws:wafv2/webAcl:WebAcl"


def answered(resource: Resource) -> dict[str, Any]:
    """What the offline cloud answered for `resource` (its id and outputs), as the program read them."""
    resource_id, state = CloudMocks().new_resource(pulumi_mocks.MockResourceArgs(resource.type, resource.name, resource.inputs))
    return {"id": resource_id, **state}


def with_cdn(edit: Any = None) -> dict[str, Any]:
    """PMIS on AWS with its web front end cached and an admin single-page app served from a bucket."""
    app = stack_app("aws-prod")
    app["services"]["web"]["cdn"] = True
    app["buckets"]["admin"] = {"site": {"path": "/admin", "singlePage": True}}
    if edit:
        edit(app)
    return app


@pytest.fixture(scope="module")
def cdn() -> Rendering:
    return render_shared(with_cdn())


def behaviours(rendering: Rendering) -> dict[str, dict[str, Any]]:
    """Path pattern -> behaviour, the default one as `default`."""
    inputs = rendering.one(DISTRIBUTION, "pmis").inputs
    return {"default": inputs["defaultCacheBehavior"], **{b["pathPattern"]: b for b in inputs["orderedCacheBehaviors"]}}


def test_only_the_paths_that_ask_are_cached(cdn: Rendering) -> None:
    paths = behaviours(cdn)
    # The web front end owns `/` and asks; the API does not, and is never cached.
    cached = cdn.one("aws:cloudfront/cachePolicy:CachePolicy", "pmis-cached")
    assert paths["default"]["cachePolicyId"] == answered(cached)["id"]
    # One answer per credential: an answer marked public for one token is never served to another caller.
    key = cached.inputs["parametersInCacheKeyAndForwardedToOrigin"]
    assert "Authorization" in key["headersConfig"]["headers"]["items"] and "Host" in key["headersConfig"]["headers"]["items"]
    assert cached.inputs["defaultTtl"] == 0, "nothing is cached without the origin's Cache-Control"
    assert paths["/api"]["cachePolicyId"] == paths["/api/*"]["cachePolicyId"] == f"cache-{NOT_CACHED}"
    for pattern in ("default", "/api", "/api/*"):
        behaviour = paths[pattern]
        assert behaviour["targetOriginId"] == "load-balancer"
        # Every header reaches the load balancer (its host rules and the app need them), and every method.
        assert behaviour["originRequestPolicyId"] == f"origin-{EVERYTHING_TO_THE_ORIGIN}"
        assert {"POST", "PUT", "PATCH", "DELETE"} <= set(behaviour["allowedMethods"])
        assert behaviour["viewerProtocolPolicy"] == "redirect-to-https"


def test_behaviours_are_most_specific_first(cdn: Rendering) -> None:
    app = with_cdn(lambda a: a["services"]["api"].update(routes=["/api", "/api/v2"]))
    patterns = [b["pathPattern"] for b in render_shared(app).one(DISTRIBUTION, "pmis").inputs["orderedCacheBehaviors"]]
    assert patterns.index("/api/v2/*") < patterns.index("/api/*"), "CloudFront takes the first pattern that matches"


def test_the_load_balancer_answers_only_this_distribution(cdn: Rendering) -> None:
    origin = next(o for o in cdn.one(DISTRIBUTION, "pmis").inputs["origins"] if o["originId"] == "load-balancer")
    (header,) = origin["customHeaders"]
    assert origin["customOriginConfig"]["originProtocolPolicy"] == "https-only"
    # The web ACL turns away whatever lacks the distribution's header, with exactly its secret; first, and blocking.
    acl = cdn.one("aws:wafv2/webAcl:WebAcl", "pmis")
    first = min(acl.inputs["rules"], key=lambda r: r["priority"])
    match = first["statement"]["notStatement"]["statement"]["byteMatchStatement"]
    assert match["fieldToMatch"]["singleHeader"]["name"] == header["name"].lower() == ORIGIN_HEADER.lower()
    assert match["searchString"] == header["value"] and match["positionalConstraint"] == "EXACTLY"
    assert first["action"] == {"block": {}}
    assert len({r["priority"] for r in acl.inputs["rules"]}) == len(acl.inputs["rules"]), "WAF refuses two rules at one priority"
    assert "rules" in acl.secret_inputs and "origins" in cdn.one(DISTRIBUTION, "pmis").secret_inputs, "a secret in the state"
    # Its logs keep the header out, as they keep credentials out.
    logging = cdn.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "pmis").inputs
    assert {"singleHeader": {"name": ORIGIN_HEADER.lower()}} in logging["redactedFields"]
    # The console's sampled requests show headers unredacted: none are kept, by the web ACL or any rule.
    configs = [acl.inputs["visibilityConfig"], *(r["visibilityConfig"] for r in acl.inputs["rules"])]
    assert [c["sampledRequestsEnabled"] for c in configs] == [False] * len(configs)


def test_the_origin_check_starts_once_the_names_point_at_the_distribution(cdn: Rendering) -> None:
    """On the run that puts CloudFront in front of a live stack, the viewers still sent to the load balancer get through
    until the names move; the security group is left as it was, so nothing cuts them off earlier."""
    acl = cdn.one("aws:wafv2/webAcl:WebAcl", "pmis")
    records = {r.urn for r in cdn.of_type(RECORD) if r.name.startswith("pmis-alias")}
    assert records and records <= set(acl.dependencies)
    before = stack_app("aws-prod")
    result = plan(render_shared(before), cdn, changed_keys(before, with_cdn()))
    group = [
        s for s in result.steps if s.resource.type == "aws:ec2/securityGroup:SecurityGroup" and s.resource.name == "pmis-load-balancer"
    ]
    assert [s.action for s in group] in ([], ["same"]), group


def test_the_origin_check_blocks_even_while_the_waf_only_counts() -> None:
    rendering = render_shared(with_cdn(lambda a: a.update(wafMode="count")))
    (origin_check,) = rendering.one(ACL, "pmis").inputs["rules"]
    assert origin_check["name"] == "from-cdn-only" and origin_check["action"] == {"block": {}}
    at_the_edge = {r["name"]: r for r in rendering.one(ACL, "pmis-cdn").inputs["rules"]}
    assert at_the_edge["rate-limit"]["action"] == {"count": {}}
    assert all(r["overrideAction"] == {"count": {}} for n, r in at_the_edge.items() if n != "rate-limit")


def test_the_distributions_own_web_acl_sees_the_viewer_and_every_request(cdn: Rendering) -> None:
    """At the load balancer every request comes from a CloudFront address, and cached answers never arrive: the rate
    limit and the managed rules (the IP reputation list among them) sit on the distribution, keyed on the viewer."""
    acl = cdn.one(ACL, "pmis-cdn")
    assert acl.inputs["scope"] == "CLOUDFRONT" and acl.inputs["region"] == CERTIFICATE_REGION
    assert cdn.one(DISTRIBUTION, "pmis").inputs["webAclId"] == answered(acl)["arn"]
    rules = {r["name"]: r for r in acl.inputs["rules"]}
    assert rules["rate-limit"]["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP"
    assert {"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet"} <= set(rules)
    # Its logs are in us-east-1 too, where WAF writes a CLOUDFRONT web ACL's logs, with credentials left out.
    logs = cdn.one("aws:cloudwatch/logGroup:LogGroup", "pmis-cdn-waf").inputs
    assert logs["region"] == CERTIFICATE_REGION and logs["name"].startswith("aws-waf-logs-")
    logging = cdn.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "pmis-cdn").inputs
    assert logging["region"] == CERTIFICATE_REGION and {"singleHeader": {"name": "authorization"}} in logging["redactedFields"]
    # The load balancer's own web ACL only checks the origin header: nothing there counts CloudFront's addresses.
    assert [r["name"] for r in cdn.one(ACL, "pmis").inputs["rules"]] == ["from-cdn-only"]


def test_without_the_waf_the_distribution_has_no_web_acl() -> None:
    rendering = render_shared(with_cdn(lambda a: a.update(wafMode="off", profile="development")))
    assert not rendering.of_type(ACL) and rendering.one(DISTRIBUTION, "pmis").inputs.get("webAclId") is None


def test_every_name_points_at_the_distribution(cdn: Rendering) -> None:
    distribution = cdn.one(DISTRIBUTION, "pmis")
    records = [r for r in cdn.of_type(RECORD) if r.name.startswith("pmis-alias")]
    assert sorted((r.inputs["name"], r.inputs["type"]) for r in records) == [("app.example.com", "A"), ("app.example.com", "AAAA")]
    for record in records:
        (alias,) = record.inputs["aliases"]
        assert alias["name"] == answered(distribution)["domainName"] and alias["zoneId"] == "Z2FDTNDATAQYW2"
        assert alias["evaluateTargetHealth"] is False, "Route 53 refuses target health on a CloudFront alias"
    assert distribution.inputs["aliases"] == ["app.example.com"]


def test_putting_the_cdn_in_front_updates_the_records_in_place() -> None:
    """The name's A record keeps its identity: deleting an old record after writing the new one would delete the name."""
    before = stack_app("aws-prod")
    after = with_cdn()
    result = plan(render_shared(before), render_shared(after), changed_keys(before, after))
    steps = {(s.resource.type, s.resource.name): s.action for s in result.steps}
    assert steps[(RECORD, "pmis-alias")] == "update"
    assert steps[(RECORD, "pmis-alias-ipv6")] == "create"
    assert result.errors == []


def test_the_certificate_is_in_us_east_1_and_validated_by_the_same_records(cdn: Rendering) -> None:
    assert cdn.one("aws:acm/certificate:Certificate", "pmis-cdn").inputs["region"] == CERTIFICATE_REGION
    assert cdn.one("aws:acm/certificateValidation:CertificateValidation", "pmis-cdn").inputs["region"] == CERTIFICATE_REGION
    assert "region" not in cdn.one("aws:acm/certificate:Certificate", "pmis").inputs, "the load balancer's stays in the stack's"
    regional = cdn.one("aws:acm/certificateValidation:CertificateValidation", "pmis").inputs["validationRecordFqdns"]
    assert cdn.one("aws:acm/certificateValidation:CertificateValidation", "pmis-cdn").inputs["validationRecordFqdns"] == regional
    viewer = cdn.one(DISTRIBUTION, "pmis").inputs["viewerCertificate"]
    assert viewer["sslSupportMethod"] == "sni-only" and viewer["minimumProtocolVersion"] == "TLSv1.2_2021"


def test_a_site_bucket_is_private_and_read_by_this_distribution_only(cdn: Rendering) -> None:
    block = cdn.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pmis-admin").inputs
    assert all(block[k] for k in ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"))
    policy = json.loads(cdn.one("aws:s3/bucketPolicy:BucketPolicy", "pmis-admin").inputs["policy"])
    allows = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    distribution = cdn.one(DISTRIBUTION, "pmis")
    assert allows == [
        {
            "Sid": "CloudFrontReadsTheSite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": f"{answered(cdn.one('aws:s3/bucket:Bucket', 'pmis-admin'))['arn']}/*",
            "Condition": {"StringEquals": {"AWS:SourceArn": answered(distribution)["arn"]}},
        }
    ]
    (origin,) = [o for o in distribution.inputs["origins"] if o["originId"] == "site-admin"]
    access = cdn.one("aws:cloudfront/originAccessControl:OriginAccessControl", "pmis-sites")
    assert origin["originAccessControlId"] == answered(access)["id"] and access.inputs["signingBehavior"] == "always"
    # S3-managed keys: CloudFront reads SSE-KMS objects only if the app's key admitted it, and a site holds public content.
    (rule,) = cdn.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "pmis-admin").inputs[
        "rules"
    ]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"


def test_other_buckets_keep_their_policy_and_key(cdn: Rendering) -> None:
    policy = json.loads(cdn.one("aws:s3/bucketPolicy:BucketPolicy", "pmis-uploads").inputs["policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["DenyInsecureTransport"]
    (rule,) = cdn.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "pmis-uploads").inputs[
        "rules"
    ]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"


def test_a_site_is_served_from_its_bucket_with_security_headers(cdn: Rendering) -> None:
    paths = behaviours(cdn)
    for pattern in ("/admin", "/admin/*"):
        behaviour = paths[pattern]
        assert behaviour["targetOriginId"] == "site-admin"
        assert set(behaviour["allowedMethods"]) == {"GET", "HEAD", "OPTIONS"}, "a site takes no writes"
        assert behaviour["responseHeadersPolicyId"] == "headers-Managed-SecurityHeadersPolicy"
        assert behaviour["cachePolicyId"] == answered(cdn.one("aws:cloudfront/cachePolicy:CachePolicy", "pmis-sites"))["id"]
    assert cdn.one("aws:cloudfront/cachePolicy:CachePolicy", "pmis-sites").inputs["defaultTtl"] == 3600


def run_function(code: str, request: dict[str, Any], viewer_ip: str = "198.51.100.7") -> dict[str, Any]:
    """Run a CloudFront Function's handler under Node.js on one viewer request; return the request it passes on."""
    event = json.dumps({"request": request, "viewer": {"ip": viewer_ip}})
    script = f"{code}\nconsole.log(JSON.stringify(handler({event})));"
    # Node.js is on every machine of this project's kind (the workplace's python machine ships v20), CI's included.
    node = shutil.which("node")
    assert node, "Node.js runs the CloudFront Functions' code in these tests"
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)  # noqa: S603 - our code, no shell
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("/admin", "/admin/index.html"),
        ("/admin/users/42", "/admin/index.html"),
        ("/admin/assets/app.3f2a.js", "/admin/assets/app.3f2a.js"),
        ("/admin/favicon.ico", "/admin/favicon.ico"),
    ],
)
def test_a_single_page_app_answers_its_routes_with_its_index(cdn: Rendering, uri: str, served: str) -> None:
    function = cdn.one(FUNCTION, "pmis-admin-single-page")
    assert function.inputs["code"] == single_page_code("/admin/index.html")
    assert [a["functionArn"] for a in behaviours(cdn)["/admin/*"]["functionAssociations"]] == [answered(function)["arn"]]
    assert run_function(function.inputs["code"], {"uri": uri, "headers": {}})["uri"] == served


def test_a_site_at_the_root_is_the_default_and_answers_the_bare_domain() -> None:
    def root_site(app: dict[str, Any]) -> None:
        app["services"]["web"].update(cdn=False, routes=["/web"])
        app["buckets"]["admin"]["site"] = {"path": "/"}

    distribution = render_shared(with_cdn(root_site)).one(DISTRIBUTION, "pmis").inputs
    assert distribution["defaultCacheBehavior"]["targetOriginId"] == "site-admin"
    assert distribution["defaultRootObject"] == "index.html"
    assert "functionAssociations" not in distribution["defaultCacheBehavior"], "not a single-page app: objects by key"


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (
            lambda a: a["buckets"]["admin"].update(public=True),
            "buckets.admin.public: a site's bucket stays private and only the CDN reads it",
        ),
        (lambda a: a.pop("domain"), "buckets.admin.site: a site is served on the domain"),
        (lambda a: a.update(allowFrom=["173.245.48.0/20"]), "buckets.admin.site: the CDN answers from its cache before"),
        (lambda a: a["buckets"]["admin"]["site"].update(path="/api"), "buckets.admin.site.path: '/api' is already served by service 'api'"),
        (lambda a: a["buckets"]["admin"]["site"].update(path="/admin/"), "buckets.admin.site.path"),
    ],
)
def test_a_site_that_cannot_be_is_refused_by_name(edit: Any, says: str) -> None:
    assert says in config_error(with_cdn(edit))


def test_aws_refuses_a_path_cached_on_one_host_and_not_another() -> None:
    def two_hosts(app: dict[str, Any]) -> None:
        app["domain"]["aliases"] = ["admin.example.com"]
        app["services"]["web"]["hosts"] = ["app.example.com"]
        app["services"]["api"].update(routes=["/"], hosts=["admin.example.com"])

    assert "services.web.cdn: on AWS, CloudFront caches a path on every host alike, and '/' is also served by 'api'" in config_error(
        with_cdn(two_hosts)
    )


def test_the_diagram_puts_cloudfront_in_front_and_draws_the_site(cdn: Rendering) -> None:
    app = with_cdn()
    text = diagram(cdn, load({f"{PROJECT}:{k}": v for k, v in app.items()}, []).app)
    assert 'cdn[["CloudFront<br/>app.example.com"]]' in text
    # CloudFront's own web ACL is in front of it; the load balancer's origin check is not drawn as a WAF.
    assert "  users --> waf\n  waf --> cdn\n  cdn --> lb" in text and "AWS WAF<br/>5 rule groups" in text
    assert '  lb -- "/, cached" --> svc_web' in text and '  lb -- "/api" --> svc_api' in text
    assert '  cdn -- "/admin" --> bucket_admin' in text


def test_errors_are_not_served_from_the_cache(cdn: Rendering) -> None:
    responses = cdn.one(DISTRIBUTION, "pmis").inputs["customErrorResponses"]
    assert {r["errorCode"]: r["errorCachingMinTtl"] for r in responses} == {500: 0, 502: 0, 503: 0, 504: 0}


def test_a_websocket_longer_than_cloudfront_keeps_one_is_refused() -> None:
    def long_socket(app: dict[str, Any]) -> None:
        app["services"]["api"]["websocket"] = {"timeoutSeconds": 3600}

    says = config_error(with_cdn(long_socket))
    assert "services.api.websocket.timeoutSeconds: behind CloudFront" in says and "at most 600" in says


def test_the_stack_exports_what_an_invalidation_names(cdn: Rendering) -> None:
    # README: `aws cloudfront create-invalidation --distribution-id "$(pulumi stack output cdnDistributionId)"`.
    distribution = answered(cdn.one(DISTRIBUTION, "pmis"))
    assert (cdn.outputs["cdnDistributionId"], cdn.outputs["cdnDomainName"]) == (distribution["id"], distribution["domainName"])


def test_without_a_zone_the_warning_sends_the_names_to_cloudfront_not_the_load_balancer() -> None:
    def no_zone(app: dict[str, Any]) -> None:
        del app["domain"]["zone"]

    rendering = render_shared(with_cdn(no_zone))
    (warning,) = [w for w in rendering.warnings if w.startswith("domain.zone is not set")]
    assert "CNAME to the CloudFront distribution (the output cdnDomainName), not to the load balancer" in warning
    assert not rendering.of_type(RECORD)


def test_a_custom_cache_policy_is_made_only_for_what_is_cached() -> None:
    """Custom cache policies count against an account-wide quota: a stack whose services are not cached makes none for
    them, only the site's."""

    def nothing_cached(app: dict[str, Any]) -> None:
        app["services"]["web"]["cdn"] = False

    rendering = render_shared(with_cdn(nothing_cached))
    policies = [p.name for p in rendering.of_type("aws:cloudfront/cachePolicy:CachePolicy")]
    assert policies == ["pmis-sites"]
    assert all(b["cachePolicyId"] != "pmis-cached-id" for b in behaviours(rendering).values())
