"""An ECS Fargate service: load-balanced (http) or a backend worker, with CPU autoscaling."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.release import LoadBalancerRole, deployment_configuration, update_timeout
from components.aws.task import FargateTask
from stacks.model import Service

HEALTH_CHECK_GRACE_SECONDS = 60


@dataclass
class Release:
    """A service's second target group, the listener rule ECS reweights, the role it does so with, and the alarms that
    roll a release back."""

    alternate_target_group: aws.lb.TargetGroup
    production_rule: aws.lb.ListenerRule
    role: LoadBalancerRole
    alarm_names: list[pulumi.Output[str]]


class FargateService(pulumi.ComponentResource):
    service: aws.ecs.Service

    def __init__(
        self,
        name: str,
        svc: Service,
        task: FargateTask,
        cluster: aws.ecs.Cluster,
        subnet_ids: list[pulumi.Output[str]],
        security_group: aws.ec2.SecurityGroup,
        target_group: aws.lb.TargetGroup | None,
        routing: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
        discovery: aws.servicediscovery.Service | None = None,
        callers: aws.ec2.SecurityGroup | None = None,
        exec_enabled: bool = False,
        release: Release | None = None,
        public_address: bool = False,
    ) -> None:
        """`discovery`: the registry its callers resolve it by; `callers`: the group admitting them; `release`: what ECS
        shifts the traffic with when `svc.rollout` is not rolling."""
        super().__init__("shipyard:aws:FargateService", name, None, opts)
        scaling = svc.instances
        autoscaled = scaling.max > scaling.min
        # A singleton stops the old task before starting the new one, so two never run at once.
        min_healthy, max_percent = (0, 100) if svc.singleton else (100, 200)
        self.service = aws.ecs.Service(
            name,
            cluster=cluster.arn,
            task_definition=task.definition.arn,
            launch_type="FARGATE",
            platform_version="LATEST",
            desired_count=scaling.min,
            deployment_minimum_healthy_percent=min_healthy,
            deployment_maximum_percent=max_percent,
            deployment_circuit_breaker={"enable": True, "rollback": True},
            network_configuration={
                "subnets": subnet_ids,
                "security_groups": [security_group.id, *([callers.id] if callers else [])],
                # Only with `aws.publicTasks` (development): in a public subnet, a task reaches the internet by its own address.
                "assign_public_ip": public_address,
            },
            service_registries={"registry_arn": discovery.arn} if discovery else None,
            # The policy pack fails any internet path to a service tagged private.
            tags={"visibility": "private"} if svc.kind == "http" and not svc.is_public else None,
            load_balancers=[self._load_balancer(svc, target_group, release)] if target_group else [],
            health_check_grace_period_seconds=HEALTH_CHECK_GRACE_SECONDS if target_group else None,
            propagate_tags="SERVICE",
            # ECS Exec opens a shell in a running task: off unless the stack asks (aws.ecsExec).
            enable_execute_command=exec_enabled,
            enable_ecs_managed_tags=True,
            # `pulumi up` fails when the new tasks never become healthy (the circuit breaker rolls them back),
            # instead of reporting success for a release that is not running.
            wait_for_steady_state=True,
            # With autoscaling, the running count belongs to it after the first deploy; without, `scaling` is the count.
            # ECS refuses a target group until a listener attaches it to the load balancer.
            opts=pulumi.ResourceOptions(
                parent=self,
                ignore_changes=["desiredCount"] if autoscaled else [],
                depends_on=[*routing, *task.permissions, *([release.role.attachment] if release else [])],
                custom_timeouts=pulumi.CustomTimeouts(update=update_timeout(svc.rollout)) if release else None,
            ),
            # The strategy, and the alarms that stop and roll back a release (5xx rate, p95 latency).
            deployment_configuration=deployment_configuration(svc.rollout) if release else None,
            alarms={"alarm_names": release.alarm_names, "enable": True, "rollback": True} if release else None,
        )
        if autoscaled:
            self._autoscaling(name, cluster, scaling.min, scaling.max, scaling.cpu_target)
        self.register_outputs({"name": self.service.name})

    @staticmethod
    def _load_balancer(svc: Service, target_group: aws.lb.TargetGroup, release: Release | None) -> dict[str, object]:
        attached: dict[str, object] = {"target_group_arn": target_group.arn, "container_name": "app", "container_port": svc.port}
        if release:
            attached["advanced_configuration"] = {
                "alternate_target_group_arn": release.alternate_target_group.arn,
                "production_listener_rule": release.production_rule.arn,
                "role_arn": release.role.role.arn,
            }
        return attached

    def _autoscaling(self, name: str, cluster: aws.ecs.Cluster, low: int, high: int, cpu_target: int) -> None:
        target = aws.appautoscaling.Target(
            name,
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", cluster.name, "/", self.service.name),
            min_capacity=low,
            max_capacity=high,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.appautoscaling.Policy(
            f"{name}-cpu",
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration={
                "target_value": cpu_target,
                "predefined_metric_specification": {"predefined_metric_type": "ECSServiceAverageCPUUtilization"},
                "scale_in_cooldown": 300,
                "scale_out_cooldown": 60,
            },
            opts=pulumi.ResourceOptions(parent=target),
        )
