"""ECS's own release strategies (blue/green, canary, linear) for a service behind the load balancer.

ECS starts the new tasks in the service's second target group, moves the traffic of its one listener rule from the first
group to the second (all at once, a share first, or step by step), keeps the old tasks through the bake time, and rolls
back when the deployment's alarms go off or its tasks fail (ECS developer guide, "Amazon ECS blue/green deployments",
"Amazon ECS canary deployments", "Amazon ECS linear deployments", and "Amazon ECS deployment failure detection": the
circuit breaker and CloudWatch alarms both apply to rolling and blue/green-family deployments).

ECS calls the load balancer's API with a role of the stack's: AWS's managed policy for it follows what ECS needs
(AmazonECSInfrastructureRolePolicyForLoadBalancers, AWS managed policy reference; edited as the feature grew).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.aws.iam import trust_policy
from stacks.model import Rollout

ECS_STRATEGIES = {"bluegreen": "BLUE_GREEN", "canary": "CANARY", "linear": "LINEAR"}
LOAD_BALANCER_POLICY = "AmazonECSInfrastructureRolePolicyForLoadBalancers"
# `pulumi up` waits for the deployment (wait_for_steady_state): its time to shift and bake, plus this for the new tasks to
# start and pass their health checks. The provider's own default for an update is 20 minutes.
START_MINUTES = 20


def deployment_configuration(rollout: Rollout) -> dict[str, Any]:
    """The service's `deployment_configuration` for a strategy that shifts traffic."""
    config: dict[str, Any] = {"strategy": ECS_STRATEGIES[rollout.strategy], "bake_time_in_minutes": str(rollout.setting("bake_minutes"))}
    if rollout.strategy == "canary":
        config["canary_configuration"] = {
            "canary_percent": rollout.setting("percent"),
            "canary_bake_time_in_minutes": str(rollout.setting("interval_minutes")),
        }
    if rollout.strategy == "linear":
        config["linear_configuration"] = {
            "step_percent": rollout.setting("percent"),
            "step_bake_time_in_minutes": str(rollout.setting("interval_minutes")),
        }
    return config


def update_timeout(rollout: Rollout) -> str:
    return f"{rollout.minutes + START_MINUTES}m"


class LoadBalancerRole(pulumi.ComponentResource):
    """The role ECS moves the listener rules' traffic with."""

    role: aws.iam.Role
    attachment: aws.iam.RolePolicyAttachment

    def __init__(
        self, name: str, partition: pulumi.Input[str], account_id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("shipyard:aws:LoadBalancerRole", name, None, opts)
        self.role = aws.iam.Role(
            f"{name}-ecs-load-balancers",
            assume_role_policy=trust_policy("ecs.amazonaws.com", account_id),
            description="ECS shifts traffic between a service's two target groups during a release",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.attachment = aws.iam.RolePolicyAttachment(
            f"{name}-ecs-load-balancers",
            role=self.role.name,
            policy_arn=pulumi.Output.concat("arn:", partition, ":iam::aws:policy/", LOAD_BALANCER_POLICY),
            opts=pulumi.ResourceOptions(parent=self.role),
        )
        self.register_outputs({"arn": self.role.arn})
