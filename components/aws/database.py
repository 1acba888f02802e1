"""RDS PostgreSQL in the private subnets, reachable only from the workloads that use it.

Major version upgrade (`database.version: 15` -> `16`), in one `pulumi up`, never a replacement:

1. The parameter group's `family` changes, which the provider can only do by replacing the group. Pulumi replaces
   create-before-delete, and the group is auto-named, so the new `postgres16` group exists before anything moves.
2. The instance is updated in place: `engine_version` and `parameter_group_name` go to RDS in one ModifyDBInstance
   call with AllowMajorVersionUpgrade (RDS refuses a major version without it; a custom parameter group must be of
   the target family: "How to perform a major version upgrade for RDS for PostgreSQL", step 1). Neither input is
   ForceNew (hashicorp/terraform-provider-aws internal/service/rds/instance.go schema; resourceInstanceUpdate sends
   both together).
3. Pulumi deletes the old group last. RDS refuses to delete a group an instance still uses, so the modification
   must have happened by then: `apply_immediately=True`. With False, RDS queues both changes for the maintenance
   window, the old group stays attached, and the delete fails the update.

`apply_immediately=True` therefore applies every change at `pulumi up` (reviewed in the deploy workflow) rather than in
the maintenance window, and leaves no pending modification for the daily drift check to report. The upgrade itself
takes the instance down while pg_upgrade runs (Multi-AZ does not avoid it; RDS snapshots before and after).

RDS Blue/Green (`blue_green_update`) is not used: the provider's low-downtime updates "cannot be used with DB
Instances with replicas" (this stack has `readReplica`), and a PostgreSQL major upgrade by Blue/Green runs on
logical replication, which needs `rds.logical_replication` (a static parameter, so a reboot) and does not replicate
DDL or sequences (RDS user guide, "PostgreSQL replication methods for blue/green deployments" and "Limitations and
considerations for Amazon RDS blue/green deployments"). For a zero-downtime upgrade, run a Blue/Green deployment by
hand and point the stack at the result (README, "Major version upgrade").

Logs. Enhanced Monitoring (OS metrics every `MONITORING_INTERVAL_SECONDS`) runs as a role RDS assumes, with the AWS
managed policy AmazonRDSEnhancedMonitoringRole (RDS user guide, "Setting up and enabling Enhanced Monitoring"). The
exported PostgreSQL logs go to `/aws/rds/instance/<identifier>/postgresql`, a log group RDS creates itself, never
expiring and without the app's key. The stack does not create it first, with retention and the key, because it cannot
name it in time: the identifier is `identifier_prefix` plus a unique id the provider makes when it creates the
instance (terraform-plugin-sdk helper/id PrefixedUniqueId), so the name is known only after RDS exists, and RDS has
created the group by then; creating it afterwards fails with ResourceAlreadyExistsException. A fixed identifier would
make the name known, but changing it renames the running instance and moves its endpoint. README, "Hardening: what
is not done, and why", gives the two commands that set the retention and the key once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.aws import limits
from components.aws.iam import trust_policy
from components.aws.secrets import StoredSecret, credentials_secret
from components.aws.security import admit_clients
from components.passwords import generated_password
from components.stateful import final_snapshot_name, keep
from stacks import model
from stacks.wiring import replica_urls

PORT = 5432
USERNAME = "app"
# Neutral size -> instance class (Graviton, burstable at the small end).
INSTANCE_CLASS = {"small": "db.t4g.medium", "medium": "db.m7g.large", "large": "db.m7g.xlarge", "xlarge": "db.m7g.2xlarge"}


# Opting out of paid RDS Extended Support, which RDS otherwise enrolls an instance in when its major version passes
# the end of standard support (RDS user guide, "Amazon RDS Extended Support"). The allowed versions are kept inside
# standard support by components/aws/limits.py.
LIFECYCLE = "open-source-rds-extended-support-disabled"
# Enhanced Monitoring's granularity: 1, 5, 10, 15, 30 or 60 s (RDS API, CreateDBInstance MonitoringInterval). A minute
# gives per-process CPU and memory at the lowest CloudWatch Logs ingestion (its metrics land in the RDSOSMetrics group).
MONITORING_INTERVAL_SECONDS = 60
# Source: RDS user guide, "Setting up and enabling Enhanced Monitoring" (the role RDS assumes, and its managed policy).
MONITORING_PRINCIPAL = "monitoring.rds.amazonaws.com"
MONITORING_POLICY = "iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


class Database(pulumi.ComponentResource):
    instance: aws.rds.Instance
    parameters: aws.rds.ParameterGroup
    password: random.RandomPassword
    final_snapshot_suffix: random.RandomId
    credentials: StoredSecret

    def __init__(
        self,
        name: str,
        app_name: str,
        spec: model.Database,
        instance_class: str,
        protect: bool,
        vpc: aws.ec2.Vpc,
        subnet_ids: list[pulumi.Output[str]],
        clients: Mapping[str, pulumi.Input[str]],
        key_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        max_connections: int | None = None,
    ) -> None:
        """PostgreSQL as `spec` asks, on `instance_class`, in `subnet_ids`, admitting only `clients` (workload -> group id).

        `app_name` prefixes the instance identifier and final snapshot; `key_arn` encrypts storage and credentials.
        """
        super().__init__("shipyard:aws:Database", name, None, opts)
        # `limits.validate` refused a version past its end of standard support; one close to it deploys with a warning.
        warning = limits.database_version_warning(spec.version, limits.today())
        if warning:
            pulumi.log.warn(warning, resource=self)
        child = pulumi.ResourceOptions(parent=self)
        subnets = aws.rds.SubnetGroup(name, subnet_ids=subnet_ids, description=f"{app_name} database subnets (private)", opts=child)
        group = admit_clients(f"{name}-database-clients", vpc, PORT, clients, "PostgreSQL", self)
        # Auto-named, so a new family (a major upgrade) creates the new group before the old one is deleted.
        parameters = self.parameters = aws.rds.ParameterGroup(
            name,
            family=f"postgres{spec.version}",
            description=f"{app_name}: TLS only, slow-query and lock logging",
            parameters=[
                {"name": "rds.force_ssl", "value": "1"},
                {"name": "log_min_duration_statement", "value": "1000"},
                {"name": "log_lock_waits", "value": "1"},
                {"name": "log_connections", "value": "1"},
                {"name": "log_disconnections", "value": "1"},
                # The connection budget the stack checked the workloads against (static: applied at the next reboot).
                *(
                    [{"name": "max_connections", "value": str(max_connections), "apply_method": "pending-reboot"}]
                    if max_connections
                    else []
                ),
            ],
            opts=child,
        )
        monitoring_role, monitoring = self._monitoring_role(name, app_name)
        password = self.password = generated_password(f"{name}-password", self)
        # The inputs that make the provider replace the instance (ForceNew in its schema): a new instance gets a
        # new final snapshot name, so the old one's snapshot never blocks the new one's deletion.
        self.final_snapshot_suffix, snapshot_name = final_snapshot_name(
            app_name,
            "database",
            self,
            {"engine": "postgres", "dbName": spec.name, "username": USERNAME, "storageEncrypted": "true", "kmsKeyId": key_arn},
        )
        autoscaling = spec.max_storage_gb > spec.storage_gb
        self.instance = aws.rds.Instance(
            name,
            identifier_prefix=f"{app_name}-",
            engine="postgres",
            engine_version=str(spec.version),
            engine_lifecycle_support=LIFECYCLE,
            allow_major_version_upgrade=True,
            instance_class=instance_class,
            db_name=spec.name,
            username=USERNAME,
            password=password.result,
            port=PORT,
            allocated_storage=spec.storage_gb,
            # 0 turns storage autoscaling off: RDS refuses a ceiling equal to the size ("Invalid max storage size"), and
            # the provider sends none at 0 (instance.go: MaxAllocatedStorage only when non-zero).
            max_allocated_storage=spec.max_storage_gb if autoscaling else 0,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=key_arn,
            multi_az=spec.high_availability,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[group.id],
            publicly_accessible=False,
            parameter_group_name=parameters.name,
            backup_retention_period=spec.backup_retention_days,
            backup_window="03:00-04:00",
            maintenance_window="sun:04:30-sun:05:30",
            copy_tags_to_snapshot=True,
            deletion_protection=spec.deletion_protection,
            skip_final_snapshot=False,
            final_snapshot_identifier=snapshot_name,
            performance_insights_enabled=True,
            performance_insights_kms_key_id=key_arn,
            enabled_cloudwatch_logs_exports=["postgresql", "upgrade"],
            monitoring_interval=MONITORING_INTERVAL_SECONDS,
            monitoring_role_arn=monitoring_role.arn,
            auto_minor_version_upgrade=True,
            # See the module docstring: a major upgrade must happen within the `pulumi up` that asks for it.
            apply_immediately=True,
            # RDS storage autoscaling grows `allocated_storage` up to `max_allocated_storage` by itself; without
            # this, the next `up` would ask to shrink it back, which RDS refuses. The provider suppresses that diff
            # too (instance.go, allocated_storage DiffSuppressFunc); ignoring it here does not depend on the
            # provider's rule. With autoscaling off (max == storage) a new `storageGb` still reaches the instance.
            # RDS refuses a monitoring role that cannot yet publish the metrics: wait for its policy.
            opts=keep(self, protect, ignore_changes=["allocatedStorage"] if autoscaling else [], depends_on=[monitoring]),
        )
        self.replicas: list[aws.rds.Instance] = []
        for index in range(1, spec.replicas + 1):
            replica = aws.rds.Instance(
                # The first keeps the name it had when only one was offered.
                f"{name}-replica" if index == 1 else f"{name}-replica-{index}",
                identifier_prefix=f"{app_name}-replica-",
                replicate_source_db=self.instance.identifier,
                instance_class=instance_class,
                # A replica starts with the primary's disk and does not follow its growth: it autoscales to the same
                # ceiling, or replication stops when its disk fills (aws/aws-cdk#16425).
                max_allocated_storage=spec.max_storage_gb if autoscaling else 0,
                storage_encrypted=True,
                kms_key_id=key_arn,
                vpc_security_group_ids=[group.id],
                publicly_accessible=False,
                parameter_group_name=parameters.name,
                performance_insights_enabled=True,
                performance_insights_kms_key_id=key_arn,
                monitoring_interval=MONITORING_INTERVAL_SECONDS,
                monitoring_role_arn=monitoring_role.arn,
                skip_final_snapshot=True,
                # A replica is a copy of the primary: `readReplica: false` must be able to delete it, so neither
                # the API's guard nor Pulumi's `protect` (which it would inherit from the primary) is set.
                deletion_protection=False,
                auto_minor_version_upgrade=True,
                # RDS upgrades in-Region replicas with their source; the replica must leave the old parameter
                # group in the same `up` too, or that group cannot be deleted.
                apply_immediately=True,
                # One after another: RDS refuses a replica of a source that is still busy making the previous one
                # (InvalidDBInstanceState; hashicorp/terraform-provider-aws#43474).
                opts=pulumi.ResourceOptions(
                    parent=self.instance,
                    protect=False,
                    depends_on=[monitoring, *self.replicas[-1:]],
                    ignore_changes=["allocatedStorage"] if autoscaling else None,
                ),
            )
            self.replicas.append(replica)
        replica_hosts = [replica.address for replica in self.replicas]
        document = pulumi.Output.all(self.instance.address, password.result, *replica_hosts).apply(
            lambda args: _connection(args[0], args[1], spec.name, list(args[2:]))
        )
        self.credentials = credentials_secret(
            f"{name}-credentials",
            f"{app_name} PostgreSQL connection (url, username, password, host, port, dbname)",
            pulumi.Output.secret(document),
            key_arn,
            protect,
            self,
        )
        self.register_outputs({"endpoint": self.instance.address, "replica_endpoints": replica_hosts})

    def _monitoring_role(self, name: str, app_name: str) -> tuple[aws.iam.Role, aws.iam.RolePolicyAttachment]:
        """The role RDS Enhanced Monitoring publishes OS metrics as, and the attachment of its policy."""
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOptions(parent=self)).account_id
        partition = aws.get_partition_output(opts=pulumi.InvokeOptions(parent=self)).partition
        role = aws.iam.Role(
            f"{name}-database-monitoring",
            assume_role_policy=trust_policy(MONITORING_PRINCIPAL, account_id),
            description=f"{app_name}: RDS Enhanced Monitoring publishes the database's OS metrics",
            opts=pulumi.ResourceOptions(parent=self),
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-database-monitoring",
            role=role.name,
            policy_arn=pulumi.Output.concat("arn:", partition, ":", MONITORING_POLICY),
            opts=pulumi.ResourceOptions(parent=role),
        )
        return role, attachment


def _connection(host: str, password: str, dbname: str, replica_hosts: list[str]) -> str:
    replicas = replica_urls(password, replica_hosts, dbname)
    return json.dumps(
        {
            **({"replica_url": replicas[0], "replica_urls": ",".join(replicas)} if replicas else {}),
            "url": f"postgresql://{USERNAME}:{password}@{host}:{PORT}/{dbname}?sslmode=require",
            "username": USERNAME,
            "password": password,
            "host": host,
            "port": PORT,
            "dbname": dbname,
        }
    )
