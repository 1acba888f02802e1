"""Cloud Run: http services (load-balanced or public) and worker pools (no ingress)."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp

from components.gcp.identity import WorkloadIdentity
from components.gcp.naming import cloud_run_name
from stacks.model import Service

# Fronted by the load balancer, a service takes no traffic from anywhere else.
INGRESS_LOAD_BALANCER = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
INGRESS_ALL = "INGRESS_TRAFFIC_ALL"
# A private service takes requests from inside the VPC and the project only, never from the internet.
INGRESS_INTERNAL = "INGRESS_TRAFFIC_INTERNAL_ONLY"
# A service whose releases shift traffic starts with all of it on its latest revision; from then on `stacks.release` moves
# it between named revisions, and the program never sets it again (`stacks/release.py` says why).
FIRST_TRAFFIC = [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}]


class HttpService(pulumi.ComponentResource):
    service: gcp.cloudrunv2.Service

    def __init__(
        self,
        name: str,
        svc: Service,
        region: str,
        container: dict[str, Any],
        vpc_access: dict[str, Any],
        identity: WorkloadIdentity,
        behind_load_balancer: bool,
        needs: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
        volumes: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__("shipyard:gcp:HttpService", name, None, opts)
        health = svc.effective_health_path
        probe = {"http_get": {"path": health, "port": svc.port}}
        spec = {
            **container,
            "ports": {"container_port": svc.port},
            "startup_probe": {**probe, "initial_delay_seconds": 0, "period_seconds": 5, "failure_threshold": 24, "timeout_seconds": 3},
            "liveness_probe": {**probe, "period_seconds": 15, "failure_threshold": 3, "timeout_seconds": 3},
        }
        self.service = gcp.cloudrunv2.Service(
            name,
            name=cloud_run_name(name),
            location=region,
            ingress=INGRESS_INTERNAL if not svc.is_public else INGRESS_LOAD_BALANCER if behind_load_balancer else INGRESS_ALL,
            # Stateless: nothing is lost by deleting it, and the default guard blocks `pulumi destroy`.
            deletion_protection=False,
            # Public services answer unauthenticated requests (through the load balancer when there is one). Cloud Run's
            # recommended way is to turn its invoker IAM check off, not to grant roles/run.invoker to allUsers, which an
            # organisation policy restricting domains (iam.allowedPolicyMemberDomains) refuses (Cloud Run docs, "Allowing
            # public (unauthenticated) access"). A private service keeps the check: only the identities granted it call it.
            invoker_iam_disabled=svc.is_public,
            template={
                "service_account": identity.email,
                "execution_environment": "EXECUTION_ENVIRONMENT_GEN2",
                "max_instance_request_concurrency": svc.concurrency or 80,
                "scaling": {"min_instance_count": svc.scaling.min, "max_instance_count": svc.scaling.max},
                "vpc_access": vpc_access,
                "containers": [spec],
                **({"volumes": volumes} if volumes else {}),
                # Long-lived connections: a request (a WebSocket is one) may last this long, and a client comes back
                # to the instance that holds its session. Source: Cloud Run docs, "Using WebSockets".
                **({"timeout": f"{svc.websocket.timeout_seconds}s", "session_affinity": svc.websocket.affinity} if svc.websocket else {}),
            },
            # The policy pack fails any internet path to a service labelled private.
            labels={"visibility": "private"} if not svc.is_public else None,
            traffics=FIRST_TRAFFIC if svc.rollout.shifts_traffic else None,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[*identity.grants, *needs],
                ignore_changes=["traffics"] if svc.rollout.shifts_traffic else None,
            ),
        )
        self.register_outputs({"uri": self.service.uri})


class WorkerPool(pulumi.ComponentResource):
    pool: gcp.cloudrunv2.WorkerPool

    def __init__(
        self,
        name: str,
        svc: Service,
        region: str,
        container: dict[str, Any],
        vpc_access: dict[str, Any],
        identity: WorkloadIdentity,
        needs: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
        volumes: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__("shipyard:gcp:WorkerPool", name, None, opts)
        self.pool = gcp.cloudrunv2.WorkerPool(
            name,
            name=cloud_run_name(name),
            location=region,
            # No `launch_stage`: the API reports the stage of the features in use (GA), so a BETA here would read back
            # differently and show a diff on every `up`. Source: magic-modules mmv1/products/cloudrunv2/WorkerPool.yaml
            # (launch_stage: default_from_api), and magic-modules#17029 dropping BETA from the worker pool examples.
            deletion_protection=False,
            # Worker pools scale manually: they run the model's minimum (exactly one for a singleton).
            scaling={"scaling_mode": "MANUAL", "manual_instance_count": svc.instances.min},
            template={
                "service_account": identity.email,
                "vpc_access": vpc_access,
                "containers": [container],
                **({"volumes": volumes} if volumes else {}),
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*identity.grants, *needs]),
        )
        self.register_outputs({"name": self.pool.name})
