"""The escape hatch: typed overrides change what the model cannot express, and nothing the guardrails hold."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.plan import plan
from tests.harness import config_error, render_shared, stack_app
from tests.test_policy import view_of, violations

RDS = "aws:rds/instance:Instance"
SQL = "gcp:sql/databaseInstance:DatabaseInstance"


def with_overrides(stack: str, *overrides: dict[str, Any]) -> dict[str, Any]:
    app = stack_app(stack)
    app["overrides"] = list(overrides)
    return app


def test_an_override_sets_an_input_on_the_named_resource_only() -> None:
    override = {"type": RDS, "name": "pmis", "set": {"performanceInsightsRetentionPeriod": 731, "caCertIdentifier": "rds-ca-rsa4096-g1"}}
    before, after = render_shared(stack_app("aws-prod")), render_shared(with_overrides("aws-prod", override))
    changes = plan(before, after).changes
    assert [(s.action, s.resource.name) for s in changes] == [("update", "pmis")]
    assert set(changes[0].changed) == {"performanceInsightsRetentionPeriod", "caCertIdentifier"}
    assert after.one(RDS, "pmis").inputs["performanceInsightsRetentionPeriod"] == 731


def test_an_override_reaches_nested_inputs_and_every_resource_of_its_type() -> None:
    override = {"type": SQL, "set": {"settings.activeDirectoryConfig.domain": "corp.example.com", "settings.pricingPlan": "PER_USE"}}
    rendering = render_shared(with_overrides("gcp-prod", override))
    settings = rendering.one(SQL, "pmis").inputs["settings"]
    assert settings["pricingPlan"] == "PER_USE" and settings["activeDirectoryConfig"] == {"domain": "corp.example.com"}
    assert settings["availabilityType"] == "REGIONAL", "what the override does not name stays as rendered"


@pytest.mark.parametrize(
    ("stack", "path", "value"),
    [
        ("aws-prod", "storageEncrypted", False),
        ("aws-prod", "kmsKeyId", ""),
        ("aws-prod", "deletionProtection", False),
        ("aws-prod", "publiclyAccessible", True),
        ("aws-prod", "skipFinalSnapshot", True),
        ("aws-prod", "backupRetentionPeriod", 0),
        ("gcp-prod", "settings.ipConfiguration.ipv4Enabled", True),
        ("gcp-prod", "settings.deletionProtectionEnabled", False),
    ],
)
def test_an_override_cannot_switch_protection_or_encryption_off(stack: str, path: str, value: Any) -> None:
    override = {"type": RDS if stack == "aws-prod" else SQL, "set": {path: value}}
    message = config_error(with_overrides(stack, override))
    assert f"overrides[0].set.{path}: overrides may not change encryption, protection" in message


def test_an_override_of_a_type_the_program_does_not_create_is_refused() -> None:
    message = config_error(with_overrides("aws-prod", {"type": SQL, "set": {"settings.tier": "db-f1-micro"}}))
    assert "overrides[0].type: 'gcp:sql/databaseInstance:DatabaseInstance' is not a type this program creates on aws" in message


def test_the_policy_pack_still_judges_the_result() -> None:
    """An unguarded input can still weaken a production promise: the pack fails the preview."""
    weakened = render_shared(with_overrides("aws-prod", {"type": RDS, "name": "pmis", "set": {"multiAz": False}}))
    assert violations("stateful-resources-survive-mistakes", view_of(weakened))
    assert not violations("stateful-resources-survive-mistakes", view_of(render_shared(stack_app("aws-prod"))))


def test_overrides_never_change_protection() -> None:
    rendering = render_shared(with_overrides("aws-prod", {"type": RDS, "set": {"performanceInsightsRetentionPeriod": 731}}))
    assert rendering.one(RDS, "pmis").protect


def test_an_override_that_names_no_resource_is_reported() -> None:
    from stacks.config import load
    from stacks.render import unmatched_overrides

    app = with_overrides("aws-prod", {"type": RDS, "name": "no-such-db", "set": {"performanceInsightsRetentionPeriod": 731}})
    rendering = render_shared(app)
    model = load({f"shipyard:{k}": v for k, v in app.items()}).app
    assert unmatched_overrides(model, rendering) == [f"overrides[0]: no {RDS} named 'no-such-db' in this stack; it changes nothing"]
