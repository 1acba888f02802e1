"""Security groups, chained: internet -> load balancer -> http services; workloads -> data stores."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

HTTP, HTTPS = 80, 443
ANYWHERE_V4, ANYWHERE_V6 = "0.0.0.0/0", "::/0"


class SecurityGroups(pulumi.ComponentResource):
    """One group for the load balancer and one per workload (service or job).

    Data stores create their own groups admitting only the workload groups that use them.
    """

    load_balancer: aws.ec2.SecurityGroup
    workloads: dict[str, aws.ec2.SecurityGroup]

    def __init__(
        self,
        name: str,
        vpc: aws.ec2.Vpc,
        workloads: Iterable[str],
        load_balanced: Mapping[str, int],
        opts: pulumi.ResourceOptions | None = None,
        allow_from: Sequence[str] = (),
    ) -> None:
        """A group for each of `workloads` (services and jobs); those in `load_balanced` admit the load balancer on their port.

        The load balancer admits `allow_from` (CIDR ranges) only, or the whole internet when it is empty."""
        workloads = list(workloads)
        strangers = sorted(set(load_balanced) - set(workloads))
        if strangers:
            raise ValueError(f"load-balanced workloads {', '.join(strangers)} are not among the workloads {', '.join(workloads)}")
        super().__init__("shipyard:aws:SecurityGroups", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # The load balancer reaches public services only; a private one admits nothing from it.
        ports = sorted(set(load_balanced.values()))
        v4 = [r for r in allow_from if ipaddress.ip_network(r).version == 4] if allow_from else [ANYWHERE_V4]
        v6 = [r for r in allow_from if ipaddress.ip_network(r).version == 6] if allow_from else [ANYWHERE_V6]
        source = "the allowed ranges (allowFrom)" if allow_from else "the internet"
        self.load_balancer = aws.ec2.SecurityGroup(
            f"{name}-load-balancer",
            vpc_id=vpc.id,
            description=f"Load balancer: HTTP and HTTPS from {source}",
            ingress=[
                {
                    "protocol": "tcp",
                    "from_port": port,
                    "to_port": port,
                    "cidr_blocks": v4,
                    "ipv6_cidr_blocks": v6,
                    "description": f"{label} from {source}",
                }
                for port, label in ((HTTP, "HTTP, redirected to HTTPS"), (HTTPS, "HTTPS"))
            ],
            egress=[
                {
                    "protocol": "tcp",
                    "from_port": port,
                    "to_port": port,
                    "cidr_blocks": [vpc.cidr_block],
                    "description": f"to services listening on {port}",
                }
                for port in ports
            ],
            opts=child,
        )
        self.workloads = {}
        for workload in workloads:
            ingress = []
            port = load_balanced.get(workload)
            if port is not None:
                ingress.append(
                    {
                        "protocol": "tcp",
                        "from_port": port,
                        "to_port": port,
                        "security_groups": [self.load_balancer.id],
                        "description": f"from the load balancer to {workload}",
                    }
                )
            self.workloads[workload] = self._workload(name, workload, vpc, ingress)
        self.register_outputs({"load_balancer": self.load_balancer.id})

    def _workload(self, name: str, workload: str, vpc: aws.ec2.Vpc, ingress: list[dict[str, Any]]) -> aws.ec2.SecurityGroup:
        return aws.ec2.SecurityGroup(
            f"{name}-{workload}",
            vpc_id=vpc.id,
            description=f"{workload}: {'traffic from the load balancer only' if ingress else 'no inbound traffic'}",
            ingress=ingress,
            # Outbound: image pulls, AWS APIs and third-party services via NAT, data stores in the VPC.
            egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": [ANYWHERE_V4], "description": "all outbound"}],
            opts=pulumi.ResourceOptions(parent=self),
        )


def admit_clients(
    name: str,
    vpc: aws.ec2.Vpc,
    port: int,
    clients: Mapping[str, pulumi.Input[str]],
    what: str,
    parent: pulumi.Resource,
) -> aws.ec2.SecurityGroup:
    """A data store's group: `port` from each client workload's group, nothing else."""
    return aws.ec2.SecurityGroup(
        name,
        vpc_id=vpc.id,
        description=f"{what}: port {port} from the workloads that use it",
        ingress=[
            {"protocol": "tcp", "from_port": port, "to_port": port, "security_groups": [group], "description": f"{what} clients: {client}"}
            for client, group in sorted(clients.items())
        ],
        egress=[],
        opts=pulumi.ResourceOptions(parent=parent),
    )
