"""The policy pack's rules pass on both committed production stacks and catch a bad resource on each cloud.

The rules run offline on resources rendered under mocks; the pack object itself is
never built here (constructing it starts the policy server).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from policy.rules import RULES, StackView, Subject
from stacks.offline import Rendering

RULE = {rule.name: rule for rule in RULES}


def view_of(rendering: Rendering, production: bool = True) -> StackView:
    """What the pack sees: inputs, protection, and which resources each property refers to.

    As in policy/pack.py, a property's links are the resources its value came from (the engine's property
    dependencies), wherever in the property the reference sits; plus, for values set by hand in a test, any
    mock id (`<name>-id`) it names.
    """
    by_id: dict[str, list[str]] = {}
    for r in rendering.resources:
        by_id.setdefault(f"{r.name}-id", []).append(r.urn)
    subjects = []
    for r in rendering.resources:
        links = {prop: tuple(urns) for prop, urns in r.property_dependencies.items() if urns}
        for prop, value in r.inputs.items():
            if refs := _refs(value, by_id):
                links[prop] = tuple(dict.fromkeys([*links.get(prop, ()), *refs]))
        subjects.append(Subject(r.type, r.name, r.urn, copy.deepcopy(r.inputs), r.protect, links))
    return StackView(subjects, production)


def _refs(value: Any, by_id: dict[str, list[str]]) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(urn for v in values if isinstance(v, str) for urn in by_id.get(v, []))


def changed(view: StackView, type_: str, change: Callable[[dict[str, Any]], None], protect: bool | None = None) -> StackView:
    """The same stack with the first resource of `type_` made bad by `change`."""
    subjects = list(view.subjects)
    index = next(i for i, s in enumerate(subjects) if s.type == type_)
    props = copy.deepcopy(dict(subjects[index].props))
    change(props)
    old = subjects[index]
    subjects[index] = Subject(old.type, old.name, old.urn, props, old.protect if protect is None else protect, old.links)
    return StackView(subjects, view.production)


def violations(rule: str, view: StackView) -> list[str]:
    return [message for _, message in RULE[rule].check(view)]


@pytest.fixture(scope="module")
def aws_view(aws_prod: Rendering) -> StackView:
    return view_of(aws_prod)


@pytest.fixture(scope="module")
def gcp_view(gcp_prod: Rendering) -> StackView:
    return view_of(gcp_prod)


@pytest.mark.parametrize("rule", sorted(RULE))
def test_committed_production_stacks_pass_every_policy(rule: str, aws_view: StackView, gcp_view: StackView) -> None:
    assert violations(rule, aws_view) == []
    assert violations(rule, gcp_view) == []


def set_path(*path_and_value: Any) -> Callable[[dict[str, Any]], None]:
    *path, value = path_and_value

    def change(props: dict[str, Any]) -> None:
        target = props
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value

    return change


def env_var(name: str, value: str, cloud: str) -> Callable[[dict[str, Any]], None]:
    def change(props: dict[str, Any]) -> None:
        if cloud == "aws":
            definitions = json.loads(props["containerDefinitions"])
            definitions[0].setdefault("environment", []).append({"name": name, "value": value})
            props["containerDefinitions"] = json.dumps(definitions)
        else:
            props["template"]["containers"][0]["envs"].append({"name": name, "value": value})

    return change


def image(reference: str, cloud: str) -> Callable[[dict[str, Any]], None]:
    def change(props: dict[str, Any]) -> None:
        if cloud == "aws":
            definitions = json.loads(props["containerDefinitions"])
            definitions[0]["image"] = reference
            props["containerDefinitions"] = json.dumps(definitions)
        else:
            props["template"]["containers"][0]["image"] = reference

    return change


def plain_http(props: dict[str, Any]) -> None:
    """Whichever listener comes first (the engine registers them in no fixed order): serving plain HTTP."""
    props.update(protocol="HTTP", port=80, defaultActions=[{"type": "forward", "targetGroupArn": "tg"}])


def private_on_the_edge(props: dict[str, Any]) -> None:
    """Whichever service comes first (registration order varies): declared private, yet in a target group."""
    props["tags"] = {"visibility": "private"}
    props["loadBalancers"] = [{"targetGroupArn": "pmis-web-id", "containerName": "app", "containerPort": 3000}]


Bad = tuple[str, Callable[[dict[str, Any]], None], str]
BAD: dict[str, tuple[Bad, Bad | None]] = {
    # rule: ((aws type, change, expected message), (gcp type, change, expected message))
    "data-stores-private": (
        ("aws:rds/instance:Instance", set_path("publiclyAccessible", True), "publicly accessible"),
        ("gcp:sql/databaseInstance:DatabaseInstance", set_path("settings", "ipConfiguration", "ipv4Enabled", True), "public IPv4"),
    ),
    "encrypted-at-rest-and-in-transit": (
        ("aws:elasticache/replicationGroup:ReplicationGroup", set_path("transitEncryptionEnabled", False), "not encrypted in transit"),
        ("gcp:redis/instance:Instance", set_path("transitEncryptionMode", "DISABLED"), "does not use TLS"),
    ),
    "no-open-ingress": (
        (
            "aws:ec2/securityGroup:SecurityGroup",
            set_path("ingress", [{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]),
            "whole internet",
        ),
        None,  # the GCP stack has no firewall to spoil: test_an_open_gcp_firewall_fails adds one
    ),
    "no-secrets-in-plain-env": (
        ("aws:ecs/taskDefinition:TaskDefinition", env_var("STRIPE_SECRET", "sk_live_x", "aws"), "STRIPE_SECRET looks like a secret"),
        ("gcp:cloudrunv2/service:Service", env_var("UPSTREAM", "https://bot:hunter2@example.com", "gcp"), "credential-shaped"),
    ),
    "stateful-resources-survive-mistakes": (
        ("aws:rds/instance:Instance", set_path("backupRetentionPeriod", 1), "less than 7 days"),
        ("gcp:sql/databaseInstance:DatabaseInstance", set_path("settings", "availabilityType", "ZONAL"), "zonal"),
    ),
    "least-privilege": (
        (
            "aws:iam/rolePolicy:RolePolicy",
            set_path("policy", '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'),
            "every action",
        ),
        ("gcp:projects/iAMMember:IAMMember", set_path("role", "roles/editor"), "basic role roles/editor"),
    ),
    "pinned-images": (
        ("aws:ecs/taskDefinition:TaskDefinition", image("ghcr.io/example/api:latest", "aws"), "not pinned"),
        ("gcp:cloudrunv2/service:Service", image("ghcr.io/example/api", "gcp"), "not pinned"),
    ),
    "https-only": (
        ("aws:lb/listener:Listener", plain_http, "plain HTTP"),
        ("gcp:compute/sSLPolicy:SSLPolicy", set_path("minTlsVersion", "TLS_1_0"), "older than TLS 1.2"),
    ),
    # The development floor in a production stack: tasks with public addresses, a backend without WAF rules.
    "production-keeps-its-guards": (
        ("aws:ecs/service:Service", set_path("networkConfiguration", "assignPublicIp", True), "gets a public IP address"),
        ("gcp:compute/securityPolicy:SecurityPolicy", set_path("rules", []), "has no WAF rules"),
    ),
    # A service on the internet-facing edge, declared private: every path to it is a violation.
    "private-services-stay-private": (
        ("aws:ecs/service:Service", private_on_the_edge, "registered with a load balancer"),
        ("gcp:cloudrunv2/service:Service", set_path("labels", {"visibility": "private"}), "ingress is not internal-only"),
    ),
}


@pytest.mark.parametrize("rule", sorted(BAD))
def test_each_policy_fails_on_a_bad_aws_resource(rule: str, aws_view: StackView) -> None:
    type_, change, expected = BAD[rule][0]
    found = violations(rule, changed(aws_view, type_, change))
    assert any(expected in message for message in found), found


@pytest.mark.parametrize("rule", sorted(r for r in BAD if BAD[r][1] is not None))
def test_each_policy_fails_on_a_bad_gcp_resource(rule: str, gcp_view: StackView) -> None:
    bad = BAD[rule][1]
    assert bad is not None
    type_, change, expected = bad
    found = violations(rule, changed(gcp_view, type_, change))
    assert any(expected in message for message in found), found


def test_an_open_gcp_firewall_fails(gcp_view: StackView) -> None:
    ssh = Subject(
        "gcp:compute/firewall:Firewall",
        "ssh",
        "urn:ssh",
        {"direction": "INGRESS", "sourceRanges": ["0.0.0.0/0"], "allows": [{"protocol": "tcp", "ports": ["22"]}]},
    )
    web = Subject(
        "gcp:compute/firewall:Firewall",
        "web",
        "urn:web",
        {"direction": "INGRESS", "sourceRanges": ["0.0.0.0/0"], "allows": [{"protocol": "tcp", "ports": ["443"]}]},
    )
    found = list(RULE["no-open-ingress"].check(StackView([*gcp_view.subjects, ssh, web], True)))
    assert [urn for urn, _ in found] == ["urn:ssh"]


def test_unprotected_production_state_fails_but_development_may_drop_protection(aws_view: StackView) -> None:
    bad = changed(aws_view, "aws:s3/bucket:Bucket", lambda p: None, protect=False)
    assert any("not `protect`ed" in m for m in violations("stateful-resources-survive-mistakes", bad))
    development = StackView(bad.subjects, production=False)
    assert violations("stateful-resources-survive-mistakes", development) == []
    assert (
        violations(
            "pinned-images",
            StackView(changed(aws_view, "aws:ecs/taskDefinition:TaskDefinition", image("x:latest", "aws")).subjects, production=False),
        )
        == []
    )


def test_a_gcp_http_proxy_that_does_not_redirect_fails(gcp_view: StackView) -> None:
    redirect_map = next(s for s in gcp_view.subjects if s.type == "gcp:compute/uRLMap:URLMap" and "defaultUrlRedirect" in s.props)
    bad = StackView(
        [s if s.urn != redirect_map.urn else Subject(s.type, s.name, s.urn, {}, s.protect, s.links) for s in gcp_view.subjects], True
    )
    assert any("plain HTTP" in m for m in violations("https-only", bad))


def test_a_stack_without_a_domain_fails_the_https_policy() -> None:
    from tests.harness import render_app, stack_app

    app = stack_app("aws-prod")
    del app["domain"]
    assert any("plain HTTP" in m for m in violations("https-only", view_of(render_app(app))))


def test_an_open_security_group_that_guards_no_load_balancer_fails(aws_view: StackView) -> None:
    web_open = [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"], "description": "x"}]
    bad = changed(aws_view, "aws:ec2/securityGroup:SecurityGroup", set_path("ingress", web_open))
    target = next(s for s in aws_view.subjects if s.type == "aws:ec2/securityGroup:SecurityGroup")
    assert target.name != "pmis-load-balancer"
    assert any("guards no load balancer" in m for m in violations("no-open-ingress", bad))


def test_an_administrator_policy_attachment_fails(aws_view: StackView) -> None:
    attachment = Subject("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", "urn:admin",
                         {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})  # fmt: skip
    assert [u for u, _ in RULE["least-privilege"].check(StackView([*aws_view.subjects, attachment], True))] == ["urn:admin"]


# Public buckets: the model may declare a bucket public-read; the pack lets exactly that through and nothing more.

S3_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
S3_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
GCS_BUCKET = "gcp:storage/bucket:Bucket"
GCS_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember"


def with_public_bucket(stack: str) -> dict[str, Any]:
    from tests.harness import stack_app

    app = stack_app(stack)
    app["buckets"] = {**app.get("buckets", {}), "assets": {"public": True}}
    return app


@pytest.fixture(scope="module")
def aws_public_view() -> StackView:
    from tests.harness import render_app

    return view_of(render_app(with_public_bucket("aws-prod")))


@pytest.fixture(scope="module")
def gcp_public_view() -> StackView:
    from tests.harness import render_app

    return view_of(render_app(with_public_bucket("gcp-prod")))


def edited(view: StackView, target: Subject, change: Callable[[dict[str, Any]], None]) -> StackView:
    props = copy.deepcopy(dict(target.props))
    change(props)
    new = Subject(target.type, target.name, target.urn, props, target.protect, target.links)
    return StackView([new if s.urn == target.urn else s for s in view.subjects], view.production)


def public_s3_bucket(view: StackView) -> Subject:
    """The bucket whose public access block lets a public policy through."""
    buckets = view.of_type("aws:s3/bucket:Bucket")
    (bucket,) = [b for b in buckets if not all(block.props["blockPublicPolicy"] for block in view.referring(b, S3_BLOCK, "bucket"))]
    return bucket


def s3_part(view: StackView, bucket: Subject, type_: str) -> Subject:
    (part,) = view.referring(bucket, type_, "bucket")
    return part


def statements(change: Callable[[list[dict[str, Any]]], None]) -> Callable[[dict[str, Any]], None]:
    def on_policy(props: dict[str, Any]) -> None:
        document = json.loads(props["policy"])
        change(document["Statement"])
        props["policy"] = json.dumps(document)

    return on_policy


def objects_of(listed: list[dict[str, Any]]) -> str:
    return next(str(s["Resource"]) for s in listed if s["Effect"] == "Allow")


def allow(principal: Any, action: str, resource: Callable[[list[dict[str, Any]]], str]) -> Callable[[list[dict[str, Any]]], None]:
    return lambda listed: listed.append({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource(listed)})


def read_action(action: str) -> Callable[[list[dict[str, Any]]], None]:
    def change(listed: list[dict[str, Any]]) -> None:
        next(s for s in listed if s["Effect"] == "Allow")["Action"] = action

    return change


PUBLIC_S3_MISTAKES: dict[str, tuple[str | None, Callable[[dict[str, Any]], None], str]] = {
    # case: (the part of the bucket it spoils (None: the bucket), change, expected message)
    "public-without-the-tag": (None, lambda props: props.pop("tags"), "does not block public access"),
    "public-acls": (S3_BLOCK, set_path("blockPublicAcls", False), "does not block public access"),
    "public-acls-honoured": (S3_BLOCK, set_path("ignorePublicAcls", False), "does not block public access"),
    "anonymous-write": (S3_POLICY, statements(allow("*", "s3:PutObject", objects_of)), "grants more than anonymous s3:GetObject"),
    "anonymous-list": (
        S3_POLICY,
        statements(allow("*", "s3:ListBucket", lambda listed: objects_of(listed).removesuffix("/*"))),
        "grants more than anonymous s3:GetObject",
    ),
    "wildcard-read": (S3_POLICY, statements(read_action("s3:Get*")), "grants more than anonymous s3:GetObject"),
    "versions-read": (S3_POLICY, statements(read_action("s3:GetObjectVersion")), "grants more than anonymous s3:GetObject"),
    "another-account": (
        S3_POLICY,
        statements(allow({"AWS": "arn:aws:iam::111122223333:root"}, "s3:GetObject", objects_of)),
        "grants more than anonymous s3:GetObject",
    ),
    "no-tls-statement": (
        S3_POLICY,
        statements(lambda listed: listed.remove(next(s for s in listed if s["Effect"] == "Deny"))),
        "does not deny requests without TLS",
    ),
    "unencrypted": (S3_ENCRYPTION, set_path("rules", []), "no server-side encryption"),
}


def test_a_declared_public_s3_bucket_passes_every_policy(aws_public_view: StackView) -> None:
    assert public_s3_bucket(aws_public_view).props["tags"]
    for rule in sorted(RULE):
        assert violations(rule, aws_public_view) == [], rule


@pytest.mark.parametrize("case", sorted(PUBLIC_S3_MISTAKES))
def test_a_public_s3_bucket_that_is_more_than_declared_public_read_fails(case: str, aws_public_view: StackView) -> None:
    part, change, expected = PUBLIC_S3_MISTAKES[case]
    bucket = public_s3_bucket(aws_public_view)
    target = bucket if part is None else s3_part(aws_public_view, bucket, part)
    found = violations("encrypted-at-rest-and-in-transit", edited(aws_public_view, target, change))
    assert any(expected in message for message in found), found


def test_a_public_policy_not_known_during_a_preview_waits_for_up(aws_public_view: StackView) -> None:
    from policy.rules import UNKNOWN

    policy = s3_part(aws_public_view, public_s3_bucket(aws_public_view), S3_POLICY)
    assert violations("encrypted-at-rest-and-in-transit", edited(aws_public_view, policy, set_path("policy", UNKNOWN))) == []


def test_a_private_s3_bucket_must_still_deny_plain_http(aws_view: StackView) -> None:
    bucket = aws_view.of_type("aws:s3/bucket:Bucket")[0]
    no_tls = statements(lambda listed: listed.remove(next(s for s in listed if s["Effect"] == "Deny")))
    found = violations("encrypted-at-rest-and-in-transit", edited(aws_view, s3_part(aws_view, bucket, S3_POLICY), no_tls))
    assert any("does not deny requests without TLS" in message for message in found), found


def public_gcs_bucket(view: StackView) -> tuple[Subject, Subject]:
    (bucket,) = [b for b in view.of_type(GCS_BUCKET) if b.props.get("publicAccessPrevention") != "enforced"]
    (grant,) = [g for g in view.of_type(GCS_MEMBER) if g.props.get("member") == "allUsers"]
    return bucket, grant


def labelled(props: dict[str, Any]) -> None:
    props["labels"] = {**props.get("labels", {}), "public-read": "true"}


def unlabelled(props: dict[str, Any]) -> None:
    props["labels"] = {k: v for k, v in props.get("labels", {}).items() if k != "public-read"}


def test_a_declared_public_gcs_bucket_passes_as_rendered(gcp_public_view: StackView) -> None:
    assert violations("encrypted-at-rest-and-in-transit", gcp_public_view) == []


def test_a_labelled_gcs_bucket_readable_by_everyone_without_listing_passes(gcp_public_view: StackView) -> None:
    bucket, grant = public_gcs_bucket(gcp_public_view)
    view = edited(edited(gcp_public_view, bucket, labelled), grant, set_path("role", "roles/storage.legacyObjectReader"))
    for rule in sorted(RULE):
        assert violations(rule, view) == [], rule


def test_a_public_gcs_bucket_that_is_more_than_declared_public_read_fails(gcp_public_view: StackView) -> None:
    bucket, grant = public_gcs_bucket(gcp_public_view)
    reader = set_path("role", "roles/storage.legacyObjectReader")
    undeclared = edited(edited(gcp_public_view, bucket, unlabelled), grant, reader)
    assert any("does not enforce public access prevention" in m for m in violations("encrypted-at-rest-and-in-transit", undeclared))
    for role in ("roles/storage.objectViewer", "roles/storage.objectAdmin", "roles/storage.legacyBucketReader"):
        listing = edited(edited(gcp_public_view, bucket, labelled), grant, set_path("role", role))
        assert any(f"grants {role} to allUsers" in m for m in violations("encrypted-at-rest-and-in-transit", listing)), role
    private = next(b for b in gcp_public_view.of_type(GCS_BUCKET) if b.urn != bucket.urn)
    stray = Subject(GCS_MEMBER, "stray", "urn:stray", {"role": "roles/storage.legacyObjectReader", "member": "allUsers"},
                    links={"bucket": (private.urn,)})  # fmt: skip
    found = list(RULE["encrypted-at-rest-and-in-transit"].check(StackView([*gcp_public_view.subjects, stray], True)))
    assert ("urn:stray", "grants allUsers access to a bucket not labelled public-read: 'true'") in found, found
