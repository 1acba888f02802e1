"""Defects found on real deploys: public buckets on AWS, the ARN partition, and app names the clouds refuse."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from stacks import offline
from stacks.offline import ROOT, Rendering, Resource
from tests.harness import config_error, inputs_json, render_app, stack_app
from tests.test_policy import RULE, view_of, violations

BUCKET = "aws:s3/bucket:Bucket"
ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def with_public_bucket(stack: str) -> dict[str, Any]:
    """A committed stack plus a public `assets` bucket the api uses; `uploads` stays private."""
    app = stack_app(stack)
    app["buckets"] = {**app.get("buckets", {}), "assets": {"public": True}}
    app["services"]["api"]["buckets"] = [*app["services"]["api"].get("buckets", []), "assets"]
    return app


@pytest.fixture(scope="module")
def public_aws() -> Rendering:
    return render_app(with_public_bucket("aws-prod"))


def bucket_part(rendering: Rendering, type_: str, bucket: str) -> Resource:
    """The resource of `type_` that configures the S3 bucket registered as `bucket`."""
    (owner,) = [r for r in rendering.of_type(BUCKET) if r.name == bucket]
    (part,) = [r for r in rendering.of_type(type_) if r.parent == owner.urn]
    return part


def public_by_name(rendering: Rendering) -> dict[str, bool]:
    """Registered bucket name -> whether its public access block lets a public policy through."""
    return {b.name: not bucket_part(rendering, ACCESS_BLOCK, b.name).inputs["blockPublicPolicy"] for b in rendering.of_type(BUCKET)}


def the_public_and_a_private_bucket(rendering: Rendering) -> tuple[str, str]:
    names = public_by_name(rendering)
    (public,) = [n for n, is_public in names.items() if is_public]
    private = next(n for n, is_public in names.items() if not is_public)
    return public, private


# 1a ---------------------------------------------------------------------------------------------------------------


def test_a_public_bucket_policy_is_put_only_after_its_public_access_block(public_aws: Rendering) -> None:
    public, _ = the_public_and_a_private_bucket(public_aws)
    block = bucket_part(public_aws, ACCESS_BLOCK, public)
    policy = bucket_part(public_aws, POLICY, public)
    statements = inputs_json(policy.inputs["policy"])["Statement"]
    assert any(s["Effect"] == "Allow" and s["Principal"] == "*" for s in statements), "the policy is the public-read one"
    assert block.inputs["blockPublicPolicy"] is False
    # S3 refuses a public policy while block_public_policy is still on: the engine must wait for the block.
    assert block.urn in policy.dependencies, policy.dependencies


# 1b ---------------------------------------------------------------------------------------------------------------


def default_encryption(rendering: Rendering, bucket: str) -> tuple[dict[str, Any], Resource]:
    config = bucket_part(rendering, ENCRYPTION, bucket)
    (rule,) = config.inputs["rules"]
    return rule["applyServerSideEncryptionByDefault"], config


def test_a_public_bucket_uses_s3_managed_keys_so_anonymous_reads_work_and_private_ones_keep_kms(public_aws: Rendering) -> None:
    public, private = the_public_and_a_private_bucket(public_aws)
    app_key = public_aws.one("aws:kms/key:Key", stack_app("aws-prod")["name"])  # the app's data key, named after the app

    by_default, config = default_encryption(public_aws, public)
    assert by_default["sseAlgorithm"] == "AES256"
    assert "kmsMasterKeyId" not in by_default
    assert app_key.urn not in config.dependencies, "anonymous GETs cannot use a KMS key"

    by_default, config = default_encryption(public_aws, private)
    assert by_default["sseAlgorithm"] == "aws:kms"
    assert by_default["kmsMasterKeyId"], "private buckets are encrypted with the app's own key"
    assert app_key.urn in config.dependencies
    assert config.inputs["rules"][0]["bucketKeyEnabled"] is True


def test_only_the_public_bucket_is_open_and_only_to_reads_of_its_objects(public_aws: Rendering) -> None:
    public, private = the_public_and_a_private_bucket(public_aws)
    block = bucket_part(public_aws, ACCESS_BLOCK, public).inputs
    assert block["blockPublicAcls"] is True and block["ignorePublicAcls"] is True, "ACLs never make a bucket public"
    allows = [s for s in inputs_json(bucket_part(public_aws, POLICY, public).inputs["policy"])["Statement"] if s["Effect"] == "Allow"]
    assert [(s["Principal"], s["Action"]) for s in allows] == [("*", "s3:GetObject")]
    assert allows[0]["Resource"].endswith("/*"), "objects only, never the bucket (no listing)"
    private_block = bucket_part(public_aws, ACCESS_BLOCK, private).inputs
    assert all(private_block[k] is True for k in ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"))
    private_policy = inputs_json(bucket_part(public_aws, POLICY, private).inputs["policy"])
    assert [s for s in private_policy["Statement"] if s["Effect"] == "Allow"] == []


# 1c ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", sorted(RULE))
def test_a_bucket_the_model_declares_public_passes_the_projects_own_policy_pack(rule: str, public_aws: Rendering) -> None:
    assert violations(rule, view_of(public_aws)) == []


def test_the_program_marks_a_public_bucket_the_way_the_pack_reads_it(public_aws: Rendering) -> None:
    from components.aws.buckets import PUBLIC_READ_TAG
    from policy.rules import PUBLIC_READ_TAG as PACK_TAG

    assert PUBLIC_READ_TAG == PACK_TAG
    public, private = the_public_and_a_private_bucket(public_aws)
    tags = {b.name: b.inputs.get("tags") or {} for b in public_aws.of_type(BUCKET)}
    assert tags[public].get(PACK_TAG) == "true"
    assert PACK_TAG not in tags[private]


# 2 ----------------------------------------------------------------------------------------------------------------

GOVCLOUD = {"partition": "aws-us-gov", "dnsSuffix": "amazonaws.com", "id": "aws-us-gov"}


def test_arns_take_the_partition_from_the_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(offline._CALLS, "aws:index/getPartition:getPartition", lambda args: dict(GOVCLOUD))
    rendering = render_app(stack_app("aws-prod"))
    principals = [
        s["Principal"]["AWS"]
        for key in rendering.of_type("aws:kms/key:Key")
        if key.inputs.get("policy")
        for s in inputs_json(key.inputs["policy"])["Statement"]
        if isinstance(s.get("Principal"), dict) and "AWS" in s["Principal"]
    ]
    assert principals, "a key policy names the account's root"
    for principal in principals:
        assert principal.startswith(f"arn:{GOVCLOUD['partition']}:iam::"), principal


def test_no_component_writes_the_aws_partition_literally() -> None:
    literal = re.compile(r"""["'`]arn:aws:""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "components").rglob("*.py"))
        for n, line in enumerate(Path(path).read_text().splitlines(), 1)
        if literal.search(line)
    ]
    assert found == [], "build ARNs from aws.get_partition_output().partition"


# 3 ----------------------------------------------------------------------------------------------------------------


def problem(error: str) -> str:
    (line,) = [line for line in error.splitlines() if line.startswith("  - ")]
    return line.removeprefix("  - ")


@pytest.mark.parametrize("name", ["sg", "sg-web", "internal", "internal-app", "sthree", "sthree-app", "amzn-s3-demo-a"], ids=lambda n: n)
def test_aws_refuses_app_names_that_make_resource_names_aws_rejects(name: str) -> None:
    app = stack_app("aws-prod")
    app["name"] = name
    message = problem(config_error(app))
    assert message.startswith("name: "), message
    assert "allowed:" in message, message


@pytest.mark.parametrize("cloud", ["aws-prod", "gcp-prod"])
@pytest.mark.parametrize("name", ["a--b", "xn--app", "my--app"], ids=lambda n: n)
def test_no_cloud_takes_a_name_with_consecutive_hyphens(name: str, cloud: str) -> None:
    app = stack_app(cloud)
    app["name"] = name
    message = problem(config_error(app))
    assert message.startswith("name: "), message
    assert "'--'" in message and "allowed:" in message, message


@pytest.mark.parametrize("name", ["goog", "googapp", "goog-app", "my-google", "googleapp", "my-g00gle"], ids=lambda n: n)
def test_gcp_refuses_app_names_google_reserves(name: str) -> None:
    app = stack_app("gcp-prod")
    app["name"] = name
    message = problem(config_error(app))
    assert message.startswith("name: "), message
    assert "allowed:" in message, message


def test_gcp_refuses_a_bucket_whose_name_would_contain_google() -> None:
    app = stack_app("gcp-prod")
    app["buckets"] = {"google-assets": {}}
    for svc in app["services"].values():
        svc["buckets"] = []
    message = problem(config_error(app))
    assert message.startswith("buckets.google-assets: "), message


def test_the_names_one_cloud_refuses_still_deploy_on_the_other() -> None:
    """Checked as the program checks before it registers anything: the model, then the cloud's own limits."""
    import importlib

    from stacks.config import load

    for stack, name in (("gcp-prod", "sg-app"), ("aws-prod", "goog-app")):
        app = stack_app(stack)
        app["name"] = name
        model = load({f"shipyard:{k}": v for k, v in app.items()}).app
        renderer = importlib.import_module(f"components.{model.cloud}")
        renderer.validate(renderer.with_defaults(model))  # raises ConfigError if refused
