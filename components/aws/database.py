"""RDS PostgreSQL in the private subnets, reachable only from the workloads that use it."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.aws.secrets import credentials_secret
from components.aws.security import admit_clients
from components.passwords import generated_password
from components.stateful import final_snapshot_name, keep
from stacks.model import App

PORT = 5432
USERNAME = "app"
# Neutral size -> instance class (Graviton, burstable at the small end).
INSTANCE_CLASS = {"small": "db.t4g.medium", "medium": "db.m7g.large", "large": "db.m7g.xlarge", "xlarge": "db.m7g.2xlarge"}


class Database(pulumi.ComponentResource):
    instance: aws.rds.Instance
    credentials: aws.secretsmanager.Secret

    def __init__(
        self,
        name: str,
        app: App,
        vpc: aws.ec2.Vpc,
        subnet_ids: list[pulumi.Output[str]],
        clients: dict[str, pulumi.Input[str]],
        key_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("shipyard:aws:Database", name, None, opts)
        db = app.database
        assert db is not None and app.aws is not None
        child = pulumi.ResourceOptions(parent=self)
        subnets = aws.rds.SubnetGroup(name, subnet_ids=subnet_ids, description=f"{app.name} database subnets (private)", opts=child)
        group = admit_clients(f"{name}-database-clients", vpc, PORT, clients, "PostgreSQL", self)
        parameters = aws.rds.ParameterGroup(
            name,
            family=f"postgres{db.version}",
            description=f"{app.name}: TLS only, slow-query and lock logging",
            parameters=[
                {"name": "rds.force_ssl", "value": "1"},
                {"name": "log_min_duration_statement", "value": "1000"},
                {"name": "log_lock_waits", "value": "1"},
                {"name": "log_connections", "value": "1"},
                {"name": "log_disconnections", "value": "1"},
            ],
            opts=child,
        )
        password = generated_password(f"{name}-password", self)
        self.instance = aws.rds.Instance(
            name,
            identifier_prefix=f"{app.name}-",
            engine="postgres",
            engine_version=str(db.version),
            instance_class=app.aws.database_instance_class or INSTANCE_CLASS[db.size],
            db_name=db.name,
            username=USERNAME,
            password=password.result,
            port=PORT,
            allocated_storage=db.storage_gb,
            max_allocated_storage=db.max_storage_gb,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=key_arn,
            multi_az=db.high_availability,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[group.id],
            publicly_accessible=False,
            parameter_group_name=parameters.name,
            backup_retention_period=db.backup_retention_days,
            backup_window="03:00-04:00",
            maintenance_window="sun:04:30-sun:05:30",
            copy_tags_to_snapshot=True,
            deletion_protection=db.deletion_protection,
            skip_final_snapshot=False,
            final_snapshot_identifier=final_snapshot_name(app.name, "database"),
            performance_insights_enabled=True,
            performance_insights_kms_key_id=key_arn,
            enabled_cloudwatch_logs_exports=["postgresql", "upgrade"],
            auto_minor_version_upgrade=True,
            apply_immediately=False,
            opts=keep(self, app.protect),
        )
        if db.read_replica:
            aws.rds.Instance(
                f"{name}-replica",
                identifier_prefix=f"{app.name}-replica-",
                replicate_source_db=self.instance.identifier,
                instance_class=app.aws.database_instance_class or INSTANCE_CLASS[db.size],
                storage_encrypted=True,
                kms_key_id=key_arn,
                vpc_security_group_ids=[group.id],
                publicly_accessible=False,
                parameter_group_name=parameters.name,
                performance_insights_enabled=True,
                performance_insights_kms_key_id=key_arn,
                skip_final_snapshot=True,
                deletion_protection=db.deletion_protection,
                auto_minor_version_upgrade=True,
                opts=pulumi.ResourceOptions(parent=self.instance),
            )
        document = pulumi.Output.all(self.instance.address, password.result).apply(lambda args: _connection(args[0], args[1], db.name))
        self.credentials = credentials_secret(
            f"{name}-credentials",
            f"{app.name} PostgreSQL connection (url, username, password, host, port, dbname)",
            pulumi.Output.secret(document),
            key_arn,
            app.protect,
            self,
        )
        self.register_outputs({"endpoint": self.instance.address})


def _connection(host: str, password: str, dbname: str) -> str:
    return json.dumps(
        {
            "url": f"postgresql://{USERNAME}:{password}@{host}:{PORT}/{dbname}?sslmode=require",
            "username": USERNAME,
            "password": password,
            "host": host,
            "port": PORT,
            "dbname": dbname,
        }
    )
