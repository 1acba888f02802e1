"""Grants to other cloud services: typed, per service, least privilege, and checked by the policy pack."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.offline import Rendering
from tests.harness import config_error, inputs_json, render_shared, stack_app
from tests.test_policy import view_of, violations


def with_grants(stack: str, **grants: Any) -> dict[str, Any]:
    app = stack_app(stack)
    app["topics"] = ["orders"]
    app["services"]["api"]["grants"] = {"publish": ["orders"], **grants}
    return app


def task_policy(rendering: Rendering, workload: str) -> list[dict[str, Any]]:
    return list(inputs_json(rendering.one("aws:iam/rolePolicy:RolePolicy", f"pmis-{workload}-task").inputs["policy"])["Statement"])


def aws_grants() -> Rendering:
    return render_shared(with_grants("aws-prod", sendEmailFrom=["mail.example.com"], readParameters=["/pmis/partner/url", "feature-flags"]))


def test_aws_publishes_to_its_topic_only() -> None:
    rendering = aws_grants()
    topic = rendering.one("aws:sns/topic:Topic", "pmis-orders")
    assert topic.inputs["kmsMasterKeyId"], "messages at rest are encrypted with the app's key"
    (container,) = inputs_json(rendering.one("aws:ecs/taskDefinition:TaskDefinition", "pmis-api").inputs["containerDefinitions"])
    assert {e["name"]: e["value"] for e in container["environment"]}["TOPIC_ORDERS"].endswith("pmis-orders")
    (publish,) = [s for s in task_policy(rendering, "api") if s["Action"] == ["sns:Publish"]]
    assert [r.rsplit(":", 1)[-1] for r in publish["Resource"]] == ["pmis-orders"]
    assert any(
        s["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"] and "sns." in str(s["Condition"]) for s in task_policy(rendering, "api")
    )
    assert not [s for s in task_policy(rendering, "worker") if "sns:Publish" in s["Action"]], "only the service granted"


def test_aws_sends_as_its_identity_and_reads_its_parameters_by_arn() -> None:
    statements = task_policy(aws_grants(), "api")
    (ses,) = [s for s in statements if "ses:SendEmail" in s["Action"]]
    assert ses["Action"] == ["ses:SendEmail", "ses:SendRawEmail"]
    assert ses["Resource"] == ["arn:aws:ses:us-east-1:123456789012:identity/mail.example.com"]
    (ssm,) = [s for s in statements if "ssm:GetParameter" in s["Action"]]
    assert ssm["Resource"] == [
        "arn:aws:ssm:us-east-1:123456789012:parameter/pmis/partner/url",
        "arn:aws:ssm:us-east-1:123456789012:parameter/feature-flags",
    ]


def test_gcp_grants_publish_on_the_topic_and_access_to_the_named_secret() -> None:
    rendering = render_shared(with_grants("gcp-prod", readParameters=["partner-url"]))
    topic = rendering.one("gcp:pubsub/topic:Topic", "pmis-orders")
    publishers = rendering.of_type("gcp:pubsub/topicIAMMember:TopicIAMMember")
    assert {(p.inputs["role"], p.inputs["topic"]) for p in publishers} == {("roles/pubsub.publisher", topic.inputs["name"])}
    # The api, and what runs its image with its access (its scheduled job, the release step); never the worker or web.
    assert sorted(p.name.removesuffix("-publishes-orders") for p in publishers) == ["pmis-api", "pmis-check-overdue-tasks", "pmis-migrate"]
    readers = [g for g in rendering.of_type("gcp:secretmanager/secretIamMember:SecretIamMember") if "parameter" in g.name]
    assert {g.inputs["secretId"] for g in readers} == {"projects/pmis-production/secrets/partner-url"}
    assert "pubsub.googleapis.com" in {s.inputs["service"] for s in rendering.of_type("gcp:projects/service:Service")}


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod"])
def test_grants_pass_the_policy_packs_iam_rules(stack: str) -> None:
    rendering = aws_grants() if stack == "aws-prod" else render_shared(with_grants("gcp-prod", readParameters=["partner-url"]))
    assert violations("least-privilege", view_of(rendering)) == []


@pytest.mark.parametrize(
    ("stack", "grants", "says"),
    [
        ("aws-prod", {"publish": ["invoices"]}, "services.api.grants.publish[0]: 'invoices' is not a topic; known: orders"),
        ("aws-prod", {"sendEmailFrom": ["not mail"]}, "services.api.grants.sendEmailFrom[0]: 'not mail' is not a domain"),
        ("aws-prod", {"readParameters": ["a b"]}, "services.api.grants.readParameters[0]: 'a b' is not a parameter name"),
        ("gcp-prod", {"sendEmailFrom": ["mail.example.com"]}, "services.api.grants.sendEmailFrom: Google Cloud has no e-mail"),
        ("gcp-prod", {"readParameters": ["/pmis/url"]}, "services.api.grants.readParameters[0]: '/pmis/url' is not a Secret Manager"),
        ("local", {}, "topics: the Docker renderer runs no message broker"),
    ],
)
def test_a_grant_that_cannot_be_given_is_refused_by_name(stack: str, grants: dict[str, Any], says: str) -> None:
    assert says in config_error(with_grants(stack, **grants))
