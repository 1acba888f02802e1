"""The VPC: public subnets for the load balancer and NAT, private subnets for everything else."""

from __future__ import annotations

import ipaddress

import pulumi
import pulumi_aws as aws

from components.aws.iam import allow, service_role
from stacks.model import AwsSettings


class Network(pulumi.ComponentResource):
    vpc: aws.ec2.Vpc
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    # What a task in a private subnet needs to reach the internet (image pulls, AWS APIs): NAT gateways and routes.
    private_egress: list[pulumi.Resource]

    def __init__(
        self,
        name: str,
        settings: AwsSettings,
        log_retention_days: int,
        opts: pulumi.ResourceOptions | None = None,
        log_key_arn: pulumi.Input[str] | None = None,
    ) -> None:
        """A VPC of `settings.vpc_cidr` over `settings.availability_zones` zones; flow logs kept `log_retention_days`,
        encrypted with `log_key_arn` (a key whose policy lets CloudWatch Logs use it: components/aws/logs.py)."""
        super().__init__("shipyard:aws:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Availability Zones only. An account opted into a Local Zone gets it listed too, sorted first: the stack would put
        # subnets in a zone that offers a fraction of the services, and an opt-in after the first deploy would shift the
        # zones, replacing the subnets (EC2 API reference, DescribeAvailabilityZones, `opt-in-status`: Availability
        # Zones are `opt-in-not-required`).
        zones = aws.get_availability_zones(
            state="available",
            filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}],
            opts=pulumi.InvokeOptions(parent=self),
        ).names
        zones = zones[: settings.availability_zones]
        # Eight equal blocks: the first four for private subnets, the next four for public ones.
        blocks = list(ipaddress.ip_network(settings.vpc_cidr).subnets(prefixlen_diff=3))

        self.vpc = aws.ec2.Vpc(
            name,
            cidr_block=settings.vpc_cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": name},
            opts=child,
        )
        vpc_child = pulumi.ResourceOptions(parent=self.vpc)
        # Adopt the default security group and strip its rules, so nothing can use it by accident.
        aws.ec2.DefaultSecurityGroup(f"{name}-default", vpc_id=self.vpc.id, ingress=[], egress=[], opts=vpc_child)
        gateway = aws.ec2.InternetGateway(name, vpc_id=self.vpc.id, tags={"Name": name}, opts=vpc_child)

        public_routes = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=self.vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": gateway.id}],
            tags={"Name": f"{name}-public"},
            opts=vpc_child,
        )
        self.public_subnet_ids, self.private_subnet_ids, self.private_egress = [], [], []
        # Where tasks run: the private subnets behind NAT, or with `public_tasks` the public ones, with public addresses.
        self.tasks_public = settings.public_tasks
        nat_ids: list[pulumi.Output[str]] = []
        for index, zone in enumerate(zones):
            public = aws.ec2.Subnet(
                f"{name}-public-{index}",
                vpc_id=self.vpc.id,
                availability_zone=zone,
                cidr_block=str(blocks[4 + index]),
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-public-{zone}", "tier": "public"},
                opts=vpc_child,
            )
            public_association = aws.ec2.RouteTableAssociation(
                f"{name}-public-{index}", subnet_id=public.id, route_table_id=public_routes.id, opts=pulumi.ResourceOptions(parent=public)
            )
            self.public_subnet_ids.append(public.id)
            if settings.public_tasks:
                # Tasks reach the internet through the internet gateway, each from its own public address.
                self.private_egress += [public_routes, public_association]
            elif index == 0 or not settings.single_nat:
                eip = aws.ec2.Eip(
                    f"{name}-nat-{index}", domain="vpc", tags={"Name": f"{name}-nat-{zone}"}, opts=pulumi.ResourceOptions(parent=public)
                )
                nat = aws.ec2.NatGateway(
                    f"{name}-{index}",
                    subnet_id=public.id,
                    allocation_id=eip.id,
                    tags={"Name": f"{name}-{zone}"},
                    # A NAT gateway forwards only once its own subnet routes to the internet gateway.
                    opts=pulumi.ResourceOptions(parent=public, depends_on=[gateway, public_association]),
                )
                nat_ids.append(nat.id)
                self.private_egress += [nat, public_routes, public_association]

            private = aws.ec2.Subnet(
                f"{name}-private-{index}",
                vpc_id=self.vpc.id,
                availability_zone=zone,
                cidr_block=str(blocks[index]),
                tags={"Name": f"{name}-private-{zone}", "tier": "private"},
                opts=vpc_child,
            )
            routes = aws.ec2.RouteTable(
                f"{name}-private-{index}",
                vpc_id=self.vpc.id,
                # With public tasks the private subnets hold only the data stores, which reach nothing outside the VPC.
                routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat_ids[-1]}] if nat_ids else [],
                tags={"Name": f"{name}-private-{zone}"},
                opts=vpc_child,
            )
            association = aws.ec2.RouteTableAssociation(
                f"{name}-private-{index}", subnet_id=private.id, route_table_id=routes.id, opts=pulumi.ResourceOptions(parent=private)
            )
            self.private_egress += [routes, association]
            self.private_subnet_ids.append(private.id)

        self.task_subnet_ids = self.public_subnet_ids if settings.public_tasks else self.private_subnet_ids
        self._flow_logs(name, log_retention_days, log_key_arn)
        self.register_outputs(
            {"vpc_id": self.vpc.id, "private_subnet_ids": self.private_subnet_ids, "public_subnet_ids": self.public_subnet_ids}
        )

    def _flow_logs(self, name: str, retention_days: int, key_arn: pulumi.Input[str] | None) -> None:
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            retention_in_days=retention_days,
            kms_key_id=key_arn,
            opts=pulumi.ResourceOptions(parent=self.vpc),
        )
        role, permissions = service_role(
            f"{name}-flow-logs",
            "vpc-flow-logs.amazonaws.com",
            [
                allow(
                    ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    [log_group.arn, pulumi.Output.concat(log_group.arn, ":*")],
                )
            ],
            parent=log_group,
            description="VPC flow logs write to their log group",
        )
        aws.ec2.FlowLog(
            name,
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            opts=pulumi.ResourceOptions(parent=self.vpc, depends_on=permissions),
        )
