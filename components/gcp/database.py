"""Cloud SQL PostgreSQL with a private IP only, regional failover, PITR and TLS required."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from components.gcp.limits import MAX_LOG_RETENTION_DAYS, edition_of
from components.gcp.secrets import SecretRef, store_secret
from components.passwords import generated_password
from components.stateful import keep
from stacks import model
from stacks.model import GcpSettings
from stacks.wiring import replica_urls

USERNAME = "app"
PORT = 5432
# Neutral size -> tier (dedicated cores; shared-core tiers carry no SLA).
TIER = {"small": "db-custom-1-3840", "medium": "db-custom-2-7680", "large": "db-custom-4-15360", "xlarge": "db-custom-8-30720"}
# Logging for production. Source: Cloud SQL for PostgreSQL docs, "Configure database flags" (supported flags) and
# "Audit for PostgreSQL using pgAudit".
# - Slow queries: every statement that runs a second or longer is logged with its duration.
# - pgAudit: `cloudsql.enable_pgaudit` loads the extension; `pgaudit.log` picks the classes. `ddl` (schema changes) and
#   `role` (grants, roles, passwords changed) are the audit trail of who changed the database's shape and access.
#   `read` and `write` would log every statement the application runs: the volume, the cost of Cloud Logging, and the
#   personal data in statement text outweigh them here (Cloud SQL writes audit records to the instance's disk before
#   sending them, and warns that heavy auditing uses disk). The records reach Cloud Logging as Data Access audit logs
#   (cloudaudit.googleapis.com/data_access). Cloud SQL cannot create the extension for the stack ("Cloud SQL doesn't
#   support using Terraform to create the pgAudit extension"): run `CREATE EXTENSION IF NOT EXISTS pgaudit;` once in
#   the database, e.g. in a migration (README, "Hardening").
FLAGS = {
    "log_connections": "on",
    "log_disconnections": "on",
    "log_lock_waits": "on",
    "log_checkpoints": "on",
    "log_min_duration_statement": "1000",
    "cloudsql.enable_pgaudit": "on",
    "pgaudit.log": "ddl,role",
}


# Days Cloud SQL keeps the backup it takes when the instance is deleted; the API allows 1-365 (gcloud sql instances
# delete, --final-backup-retention-days: "The valid range is between 1 and 365 ... Default value is 30 days").
FINAL_BACKUP_RETENTION_DAYS = 30


class Database(pulumi.ComponentResource):
    instance: gcp.sql.DatabaseInstance
    database: gcp.sql.Database
    user: gcp.sql.User
    random_password: random.RandomPassword
    url: SecretRef
    password: SecretRef

    def __init__(
        self,
        name: str,
        app_name: str,
        db: model.Database,
        settings: GcpSettings,
        protect: bool,
        production: bool,
        network: gcp.compute.Network,
        depends_on: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
        max_connections: int | None = None,
        replicas_read: bool = False,
    ) -> None:
        """PostgreSQL on `network`'s private service access (`depends_on` holds that peering); the tier comes from
        `settings.database_tier` or the size, and `production` keeps backups after the instance is deleted.
        `replicas_read`: a service reads the replicas, so their URL is stored as a secret."""
        super().__init__("shipyard:gcp:Database", name, None, opts)
        tier = settings.database_tier or TIER[db.size]
        edition = edition_of(tier)
        autoresize = True
        instance_settings = {
            "tier": tier,
            "edition": edition,
            "availability_type": "REGIONAL" if db.high_availability else "ZONAL",
            "disk_type": "PD_SSD",
            "disk_size": db.storage_gb,
            "disk_autoresize": autoresize,
            "disk_autoresize_limit": db.max_storage_gb,
            # The API's own guard, on top of the provider's `deletion_protection`.
            "deletion_protection_enabled": db.deletion_protection,
            "ip_configuration": {
                "ipv4_enabled": False,
                "private_network": network.id,
                "ssl_mode": "ENCRYPTED_ONLY",
                "enable_private_path_for_google_cloud_services": True,
            },
            "backup_configuration": {
                "enabled": True,
                "point_in_time_recovery_enabled": True,
                "start_time": "03:00",
                "transaction_log_retention_days": min(db.backup_retention_days, MAX_LOG_RETENTION_DAYS[edition]),
                "backup_retention_settings": {"retained_backups": db.backup_retention_days, "retention_unit": "COUNT"},
            },
            # With the connection budget the stack checked the workloads against.
            "database_flags": [
                {"name": k, "value": v}
                for k, v in {**FLAGS, **({"max_connections": str(max_connections)} if max_connections else {})}.items()
            ],
            "maintenance_window": {"day": 7, "hour": 4, "update_track": "stable"},
            "insights_config": {"query_insights_enabled": True},
            "user_labels": {"app": app_name},
        }
        if production:
            # A deleted instance takes its backups with it unless told otherwise. Keep the automated ones (for their
            # retention) and take a final one (Cloud SQL "Retain backups after instance deletion"; provider
            # settings.retain_backups_on_delete and settings.final_backup_config, pulumi_gcp 10.2.0).
            instance_settings["retain_backups_on_delete"] = True
            instance_settings["final_backup_config"] = {"enabled": True, "retention_days": FINAL_BACKUP_RETENTION_DAYS}
        self.instance = gcp.sql.DatabaseInstance(
            name,
            database_version=f"POSTGRES_{db.version}",
            region=settings.region,
            deletion_protection=db.deletion_protection,
            settings=instance_settings,
            # A major version bump upgrades the replicas with the primary, in the same operation: Pulumi updates the
            # primary first (the replicas depend on it), which Cloud SQL would otherwise refuse while replicas run the old
            # version. Input only, read at a major upgrade (provider docs, include_replicas_for_major_version_upgrade).
            include_replicas_for_major_version_upgrade=True if db.replicas else None,
            # With autoresize on, Cloud SQL grows the disk itself; without this the next `up` would set `diskSize`
            # back, and a smaller disk replaces the instance. The provider says so itself (settings.disk_size:
            # "Note that this value will override the resizing from disk_autoresize ... set lifecycle.ignore_changes
            # on this field"). A larger `storageGb` then does not reach the disk: autoresize grows it.
            opts=keep(self, protect, depends_on=depends_on, ignore_changes=["settings.diskSize"] if autoresize else []),
        )
        # Children of the instance, so they inherit its `protect`: the database holds the data, and the user is
        # what the services log in as.
        on_instance = pulumi.ResourceOptions(parent=self.instance)
        self.database = gcp.sql.Database(name, instance=self.instance.name, name=db.name, opts=on_instance)
        password = self.random_password = generated_password(f"{name}-password", self)
        self.user = gcp.sql.User(name, instance=self.instance.name, name=USERNAME, password=password.result, opts=on_instance)
        self.replicas: list[gcp.sql.DatabaseInstance] = []
        for index in range(1, db.replicas + 1):
            replica = gcp.sql.DatabaseInstance(
                # The first keeps the name it had when only one was offered.
                f"{name}-replica" if index == 1 else f"{name}-replica-{index}",
                master_instance_name=self.instance.name,
                database_version=f"POSTGRES_{db.version}",
                region=settings.region,
                # A replica is a copy of the primary: `readReplica: false` must be able to delete it, so neither
                # guard nor Pulumi's `protect` (which it would inherit from the primary) is set.
                deletion_protection=False,
                settings={
                    "tier": tier,
                    "edition": edition,
                    "availability_type": "ZONAL",
                    "disk_type": "PD_SSD",
                    "disk_autoresize": True,
                    "deletion_protection_enabled": False,
                    "ip_configuration": {"ipv4_enabled": False, "private_network": network.id, "ssl_mode": "ENCRYPTED_ONLY"},
                },
                opts=pulumi.ResourceOptions(parent=self.instance, protect=False),
            )
            self.replicas.append(replica)
        url = pulumi.Output.format(
            "postgresql://{0}:{1}@{2}:{3}/{4}?sslmode=require", USERNAME, password.result, self.instance.private_ip_address, PORT, db.name
        )
        self.url = store_secret(f"{name}-database-url", pulumi.Output.secret(url), protect, self)
        self.password = store_secret(f"{name}-database-password", password.result, protect, self)
        self.replica_hosts = [replica.private_ip_address for replica in self.replicas]
        # Made from the replicas, and gone with them: `readReplica: 0` must be able to delete them (not protected).
        self.replica_url: SecretRef | None = None
        self.replica_urls: SecretRef | None = None
        if self.replicas and replicas_read:
            urls = pulumi.Output.all(password.result, *self.replica_hosts).apply(lambda a: replica_urls(a[0], list(a[1:]), db.name))
            self.replica_url = store_secret(f"{name}-database-replica-url", pulumi.Output.secret(urls.apply(lambda u: u[0])), False, self)
            self.replica_urls = store_secret(f"{name}-database-replica-urls", pulumi.Output.secret(urls.apply(",".join)), False, self)
        self.register_outputs({"connection_name": self.instance.connection_name})
