"""IAM roles with one inline policy each, written as plain policy documents.

Every statement names its actions and resources; nothing here grants `*` actions.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws


def trust_policy(service: str, source_account: pulumi.Input[str] | None = None) -> pulumi.Output[str]:
    """Who may assume the role: one AWS service, optionally only on behalf of this account."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if source_account is not None:
        # Confused-deputy guard: the service acts only for this account.
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [statement]})


def allow(actions: list[str], resources: list[Any], **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": sorted(actions), "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


def service_role(
    name: str,
    service: str,
    statements: list[dict[str, Any]],
    parent: pulumi.Resource,
    description: str,
    source_account: pulumi.Input[str] | None = None,
) -> tuple[aws.iam.Role, list[aws.iam.RolePolicy]]:
    """A role `service` can assume, with `statements` as its only permissions.

    Returns the policy too: whatever uses the role must wait for it, not just for the role.
    """
    role = aws.iam.Role(
        name,
        assume_role_policy=trust_policy(service, source_account),
        description=description,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    if not statements:
        return role, []
    policy = aws.iam.RolePolicy(
        name,
        role=role.id,
        policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements}),
        opts=pulumi.ResourceOptions(parent=role),
    )
    return role, [policy]
