"""ElastiCache Redis: replicated across zones, encrypted, AUTH token in Secrets Manager."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.aws.secrets import StoredSecret, credentials_secret
from components.aws.security import admit_clients
from components.passwords import generated_password
from components.stateful import final_snapshot_name, keep
from stacks import model

PORT = 6379
# What signs ElastiCache's TLS certificates, delivered as REDIS_CA_CERT like Memorystore's own CA on GCP, so one
# client configuration verifies the server on both clouds. The certificate blocks of the file, without its comments.
AMAZON_ROOT_CAS = "".join(
    re.findall(
        r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\n", (Path(__file__).parent / "amazon-root-cas.pem").read_text(), re.S
    )
)
ENGINE_VERSION = {"6": "6.2", "7": "7.1"}
# Each version's default parameter group (families redis6.x and redis7), named so a version bump sends the new family's
# group with the new version: left out, the group read back from the state stays the old family's, which ElastiCache
# refuses ("Expected a parameter group of family redis7 but found one of family redis6.x";
# hashicorp/terraform-provider-aws#27748, #26484).
PARAMETER_GROUP = {"6": "default.redis6.x", "7": "default.redis7"}
# Neutral memory (GB) -> the smallest node type that holds it. Source: ElastiCache "Supported node types".
NODE_TYPES = (
    (1.37, "cache.t4g.small"),
    (3.09, "cache.t4g.medium"),
    (6.38, "cache.r7g.large"),
    (13.07, "cache.r7g.xlarge"),
    (26.32, "cache.r7g.2xlarge"),
    (52.82, "cache.r7g.4xlarge"),
    (105.81, "cache.r7g.8xlarge"),
    (317.77, "cache.r7g.16xlarge"),
)


def smallest_node_type(memory_gb: float) -> str:
    return next(node for capacity, node in NODE_TYPES if memory_gb <= capacity)


class Cache(pulumi.ComponentResource):
    group: aws.elasticache.ReplicationGroup
    auth_token: random.RandomPassword
    final_snapshot_suffix: random.RandomId
    connection: StoredSecret

    def __init__(
        self,
        name: str,
        app_name: str,
        spec: model.Cache,
        node_type: str,
        protect: bool,
        production: bool,
        vpc: aws.ec2.Vpc,
        subnet_ids: list[pulumi.Output[str]],
        clients: Mapping[str, pulumi.Input[str]],
        key_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Redis as `spec` asks, on `node_type` nodes, in `subnet_ids`, admitting only `clients` (workload -> group id).

        `production` keeps a week of daily snapshots (otherwise one day); `key_arn` encrypts data and the connection secret.
        """
        if not spec.managed:
            raise ValueError(f"the cache is external ({spec.external_url_secret}); the stack creates no Redis for it")
        super().__init__("shipyard:aws:Cache", name, None, opts)
        subnets = aws.elasticache.SubnetGroup(
            name, subnet_ids=subnet_ids, description=f"{app_name} cache subnets (private)", opts=pulumi.ResourceOptions(parent=self)
        )
        group = admit_clients(f"{name}-cache-clients", vpc, PORT, clients, "Redis", self)
        token = self.auth_token = generated_password(f"{name}-auth-token", self, length=64)
        # The inputs that make the provider replace the group (ForceNew in its schema: hashicorp/terraform-provider-aws
        # internal/service/elasticache/replication_group.go); a new group gets a new final snapshot name.
        self.final_snapshot_suffix, snapshot_name = final_snapshot_name(
            app_name,
            "cache",
            self,
            {"engine": "redis", "port": str(PORT), "atRestEncryptionEnabled": "true", "kmsKeyId": key_arn, "subnetGroupName": subnets.name},
        )
        self.group = aws.elasticache.ReplicationGroup(
            name,
            description=f"{app_name} Redis: cache, Celery broker and result backend",
            engine="redis",
            engine_version=ENGINE_VERSION[spec.version],
            parameter_group_name=PARAMETER_GROUP[spec.version],
            node_type=node_type,
            num_cache_clusters=2 if spec.high_availability else 1,
            automatic_failover_enabled=spec.high_availability,
            multi_az_enabled=spec.high_availability,
            port=PORT,
            subnet_group_name=subnets.name,
            security_group_ids=[group.id],
            at_rest_encryption_enabled=True,
            kms_key_id=key_arn,
            transit_encryption_enabled=True,
            auth_token=token.result,
            snapshot_retention_limit=7 if production else 1,
            snapshot_window="02:00-03:00",
            maintenance_window="sun:05:30-sun:06:30",
            auto_minor_version_upgrade=True,
            # As for the database (components/aws/database.py): a change of node type or engine version takes effect
            # at the `pulumi up` that asks for it. Queued for the maintenance window, the provider would read the old
            # value back and every preview and drift check would show the change again until Sunday (Terraform docs,
            # aws_elasticache_replication_group, apply_immediately). Multi-AZ groups change one node at a time.
            apply_immediately=True,
            final_snapshot_identifier=snapshot_name,
            opts=keep(self, protect),
        )
        document = pulumi.Output.all(self.group.primary_endpoint_address, token.result).apply(
            lambda args: json.dumps(
                {
                    # redis-py and Celery need `ssl_cert_reqs` on a rediss:// URL (Celery refuses one without it); the
                    # server's certificate chains to Amazon's roots, which the system trust store holds.
                    # Source: Celery docs, "Using Redis" (rediss:// with ssl_cert_reqs); redis-py `from_url`.
                    "url": f"rediss://:{args[1]}@{args[0]}:{PORT}/0?ssl_cert_reqs=required",
                    "host": args[0],
                    "port": PORT,
                    "token": args[1],
                    "ca": AMAZON_ROOT_CAS,
                }
            )
        )
        self.connection = credentials_secret(
            f"{name}-connection",
            f"{app_name} Redis connection (url with TLS and AUTH token)",
            pulumi.Output.secret(document),
            key_arn,
            protect,
            self,
        )
        self.register_outputs({"endpoint": self.group.primary_endpoint_address})
