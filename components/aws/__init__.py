"""The AWS renderer: ECS Fargate behind an ALB, RDS PostgreSQL, ElastiCache Redis, EventBridge Scheduler."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.aws.app import AwsApp
from components.aws.limits import validate
from stacks.config import Stack
from stacks.model import App

__all__ = ["deploy", "validate", "with_defaults"]


def with_defaults(app: App) -> App:
    """The model's defaults are all valid on Fargate."""
    return app


def deploy(stack: Stack) -> dict[str, Any]:
    app = stack.app
    assert app.aws is not None
    # An explicit provider: the region comes from the model, and every resource is tagged.
    provider = aws.Provider(
        "aws",
        region=app.aws.region,
        default_tags={"tags": {"app": app.name, "stack": pulumi.get_stack(), "managed-by": "pulumi"}},
    )
    aws_app = AwsApp(app, stack.secret_values, opts=pulumi.ResourceOptions(providers=[provider]))
    return {k: v for k, v in aws_app.outputs.items() if v is not None}
