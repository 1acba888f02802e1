"""The VPC: one subnet for Cloud Run egress, private service access for Cloud SQL and Memorystore, Cloud NAT."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from stacks.model import GcpSettings

# Size of the range Google carves Cloud SQL and Memorystore addresses from.
PRIVATE_SERVICES_PREFIX = 16


class Network(pulumi.ComponentResource):
    network: gcp.compute.Network
    subnet: gcp.compute.Subnetwork
    private_services: gcp.servicenetworking.Connection | None
    # What a workload needs to reach Cloud SQL and Memorystore (the peering) and the internet (Cloud NAT).
    egress: list[pulumi.Resource]

    def __init__(self, name: str, settings: GcpSettings, private_services: bool, opts: pulumi.ResourceOptions | None = None) -> None:
        """`private_services`: reserve a range and peer with Google's services, which Cloud SQL and Memorystore need."""
        super().__init__("shipyard:gcp:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.network = gcp.compute.Network(
            name, auto_create_subnetworks=False, routing_mode="REGIONAL", description=f"{name} network", opts=child
        )
        on_network = pulumi.ResourceOptions(parent=self.network)
        self.subnet = gcp.compute.Subnetwork(
            name,
            network=self.network.id,
            region=settings.region,
            ip_cidr_range=settings.subnet_cidr,
            private_ip_google_access=True,
            log_config={"aggregation_interval": "INTERVAL_5_SEC", "flow_sampling": 0.5, "metadata": "INCLUDE_ALL_METADATA"},
            opts=on_network,
        )
        self.private_services = None
        if private_services:
            reserved = gcp.compute.GlobalAddress(
                f"{name}-private-services",
                network=self.network.id,
                purpose="VPC_PEERING",
                address_type="INTERNAL",
                prefix_length=PRIVATE_SERVICES_PREFIX,
                opts=on_network,
            )
            self.private_services = gcp.servicenetworking.Connection(
                name,
                network=self.network.id,
                service="servicenetworking.googleapis.com",
                reserved_peering_ranges=[reserved.name],
                # Deleting the connection fails while Cloud SQL or Memorystore still holds addresses in it (they release
                # them some time after their own deletion). REMOVE_PEERING then removes the VPC peering from the network
                # so the network can go too; ABANDON would leave the peering, which blocks deleting the network, so a
                # `pulumi destroy` (a pull-request stack's cleanup) could never finish (pulumi-gcp 10
                # servicenetworking.Connection, `deletion_policy`).
                deletion_policy="REMOVE_PEERING",
                opts=on_network,
            )
        router = gcp.compute.Router(name, network=self.network.id, region=settings.region, opts=on_network)
        nat = gcp.compute.RouterNat(
            name,
            router=router.name,
            region=settings.region,
            nat_ip_allocate_option="AUTO_ONLY",
            source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
            log_config={"enable": True, "filter": "ERRORS_ONLY"},
            opts=pulumi.ResourceOptions(parent=router),
        )
        self.egress = [nat, *([self.private_services] if self.private_services is not None else [])]
        self.register_outputs({"network": self.network.id, "subnet": self.subnet.id})
