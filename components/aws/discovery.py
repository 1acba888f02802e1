"""Service-to-service calls inside the VPC: a Cloud Map private DNS namespace, and who may call whom.

Why not Service Connect or an internal load balancer (both considered):
- Service Connect (Cloud Map plus an Envoy sidecar in each task) serves ECS *services* only. Scheduled jobs and the
  release step run as standalone tasks (RunTask) and could not resolve the names their service's code calls.
- An internal ALB costs an always-on load balancer (hourly plus LCUs) for traffic that never leaves the VPC, adds a
  hop, and one load balancer for every private service cannot tell callers apart: its security group admits a caller
  to every service behind it, where the model promises access only to the services a caller declares.
- ECS service discovery registers each running task's IP under `<service>.<namespace>` (A records, 10 s TTL) as it
  becomes healthy and removes it as it drains, so a rolling deploy moves callers to the new tasks within a TTL. Any
  task in the VPC resolves the name (jobs and the release step too); each callee's own security group admits exactly
  its declared callers. Traffic stays plain HTTP inside the VPC: TLS between tasks would need a private CA (ACM PCA),
  which costs more than the rest of a small stack, so it is left to the application where it needs it.
Source: Amazon ECS developer guide, "Use service discovery to connect Amazon ECS services with DNS names", and
"Service Connect" (service-only, "Service Connect doesn't support standalone tasks").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from components.naming import stack_slug

DNS_TTL_SECONDS = 10


def namespace_name(app_name: str) -> str:
    return f"{app_name}-{stack_slug()}.internal"


class Discovery(pulumi.ComponentResource):
    """Registries for the called services, and a `callers` security group per callee admitting only its callers."""

    registries: dict[str, aws.servicediscovery.Service]
    callers: dict[str, aws.ec2.SecurityGroup]
    domain: str

    def __init__(
        self,
        name: str,
        app_name: str,
        vpc: aws.ec2.Vpc,
        # callee -> (its port, the workloads that call it: their security group ids by workload name)
        calls: Mapping[str, tuple[int, Mapping[str, pulumi.Input[str]]]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("shipyard:aws:Discovery", name, None, opts)
        self.domain = namespace_name(app_name)
        namespace = aws.servicediscovery.PrivateDnsNamespace(
            name,
            name=self.domain,
            vpc=vpc.id,
            description=f"{app_name}: service-to-service calls",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.registries, self.callers = {}, {}
        for callee, (port, callers) in sorted(calls.items()):
            self.registries[callee] = aws.servicediscovery.Service(
                f"{name}-{callee}",
                name=callee,
                namespace_id=namespace.id,
                dns_config={
                    "namespace_id": namespace.id,
                    "dns_records": [{"ttl": DNS_TTL_SECONDS, "type": "A"}],
                    "routing_policy": "MULTIVALUE",
                },
                # ECS reports each task's health; a task leaves DNS when it stops being healthy.
                health_check_custom_config={},
                opts=pulumi.ResourceOptions(parent=namespace),
            )
            self.callers[callee] = aws.ec2.SecurityGroup(
                f"{name}-{callee}-callers",
                vpc_id=vpc.id,
                description=f"{callee}: port {port} from the workloads that declare calls to it",
                ingress=_admit(callee, port, callers),
                egress=[],
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"namespace": self.domain})

    def url(self, callee: str, port: int) -> str:
        return f"http://{callee}.{self.domain}:{port}"


def _admit(callee: str, port: int, callers: Mapping[str, pulumi.Input[str]]) -> Sequence[dict[str, object]]:
    return [
        {"protocol": "tcp", "from_port": port, "to_port": port, "security_groups": [group], "description": f"{caller} calls {callee}"}
        for caller, group in sorted(callers.items())
    ]
