"""Stateful resources survive mistakes: protected in production, and untouched by renames and resizes of services."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.offline import Rendering
from tests.harness import render_app, stack_app

DATA = {
    "aws": ("aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:s3/bucket:Bucket",
            "aws:secretsmanager/secret:Secret", "aws:kms/key:Key"),
    "gcp": ("gcp:sql/databaseInstance:DatabaseInstance", "gcp:redis/instance:Instance", "gcp:storage/bucket:Bucket",
            "gcp:secretmanager/secret:Secret", "gcp:artifactregistry/repository:Repository"),
}  # fmt: skip


def renamed_and_resized(cloud: str) -> dict[str, Any]:
    app = stack_app(f"{cloud}-prod")
    app["services"]["backend"] = app["services"].pop("api")
    app["services"]["backend"]["cpu"] = 1 if cloud == "aws" else 2
    app["services"]["backend"]["memory"] = 2048
    app["jobs"]["check-overdue-tasks"]["service"] = "backend"
    app["migrate"]["service"] = "backend"
    return app


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_production_data_is_protected(cloud: str, aws_prod: Rendering, gcp_prod: Rendering) -> None:
    rendering = aws_prod if cloud == "aws" else gcp_prod
    for type_ in DATA[cloud]:
        resources = rendering.of_type(type_)
        assert resources and all(r.protect for r in resources), type_


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_protection_can_be_lifted_deliberately(cloud: str) -> None:
    app = stack_app(f"{cloud}-prod")
    app["protect"] = False
    rendering = render_app(app)
    assert not any(r.protect for type_ in DATA[cloud] for r in rendering.of_type(type_))
    # Deletion protection in the cloud itself is a separate, explicit switch.
    database = rendering.of_type(DATA[cloud][0])[0]
    assert database.inputs["deletionProtection"] is True


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_renaming_or_resizing_a_service_leaves_data_stores_untouched(cloud: str, aws_prod: Rendering, gcp_prod: Rendering) -> None:
    before = aws_prod if cloud == "aws" else gcp_prod
    after = render_app(renamed_and_resized(cloud), stack=before.stack)
    for type_ in DATA[cloud][:3]:
        old = {r.urn: r.inputs for r in before.of_type(type_)}
        new = {r.urn: r.inputs for r in after.of_type(type_)}
        # Same URNs: Pulumi sees the same resources. Same inputs: no update, so no replacement.
        assert old == new, type_


def test_data_store_names_derive_from_the_app_name_only() -> None:
    app = stack_app("aws-prod")
    app["name"] = "acme"
    rendering = render_app(app)
    assert rendering.one("aws:rds/instance:Instance").name == "acme"
    assert rendering.one("aws:rds/instance:Instance").inputs["identifierPrefix"] == "acme-"
