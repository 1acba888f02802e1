"""Databases and caches outlive their routine changes: version upgrades, storage growth, destroy and recreate."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random
import pytest

from components.aws import limits as aws_limits
from components.stateful import FINAL_SNAPSHOT_MAX, final_snapshot_identifier
from stacks.config import PROJECT, ConfigError, load
from stacks.offline import Rendering, Resource
from stacks.plan import plan
from tests.harness import config_error, render_app, stack_app

RDS = "aws:rds/instance:Instance"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
RANDOM_ID = "random:index/randomId:RandomId"
CLOUD_SQL = "gcp:sql/databaseInstance:DatabaseInstance"
MEMORYSTORE = "gcp:redis/instance:Instance"

# The instance inputs the AWS provider replaces the instance for (ForceNew in hashicorp/terraform-provider-aws
# internal/service/rds/instance.go); `engine_version` and `parameter_group_name` are not among them.
RDS_FORCE_NEW = {"engine", "dbName", "username", "kmsKeyId", "storageEncrypted", "availabilityZone", "snapshotIdentifier"}
# A RandomId's URN carries its parent's type, so it tells which data store the suffix belongs to.
OWNER_TYPE = {RDS: "shipyard:aws:Database", REPLICATION_GROUP: "shipyard:aws:Cache"}


def aws_app(**database: Any) -> dict[str, Any]:
    app = stack_app("aws-prod")
    app["database"] = {**app["database"], **database}
    return app


def gcp_app(**changes: Any) -> dict[str, Any]:
    app = stack_app("gcp-prod")
    for block, values in changes.items():
        app[block] = {**app[block], **values}
    return app


def model(app: dict[str, Any]) -> Any:
    return load({f"{PROJECT}:{key}": json.dumps(value) for key, value in app.items()}).app


def by_urn(rendering: Rendering) -> dict[str, Resource]:
    return {r.urn: r for r in rendering.resources}


# ---- RDS: a major version upgrade is an in-place update, in one `pulumi up` ----


def test_a_major_version_bump_updates_the_instance_in_place_with_a_new_parameter_group() -> None:
    before, after = render_app(aws_app(version=15)), render_app(aws_app(version=16))
    old, new = before.one(RDS), after.one(RDS)
    assert old.urn == new.urn, "the instance keeps its identity"
    changed = {k for k in old.inputs.keys() | new.inputs.keys() if old.inputs.get(k) != new.inputs.get(k)}
    assert "engineVersion" in changed and not changed & RDS_FORCE_NEW, f"only in-place inputs change: {changed}"
    # RDS refuses a major engine_version without AllowMajorVersionUpgrade.
    assert new.inputs["allowMajorVersionUpgrade"] is True
    # The upgrade and the parameter group move happen in this `up`, so the old group is free to be deleted.
    assert new.inputs["applyImmediately"] is True
    assert new.protect, "protect stays on: a replacement would be refused, and none is planned"

    old_group, new_group = before.one(PARAMETER_GROUP), after.one(PARAMETER_GROUP)
    assert (old_group.inputs["family"], new_group.inputs["family"]) == ("postgres15", "postgres16")
    # A new family replaces the group; auto-named and not delete-before-replace, the new one is created first.
    assert "name" not in new_group.inputs and not new_group.delete_before_replace
    assert new_group.urn in new.dependencies, "the instance moves to the group in the same update"


def test_a_cache_version_bump_moves_to_the_new_familys_parameter_group_in_place() -> None:
    """ElastiCache refuses version 7 beside a redis6.x parameter group: the group is named, and moves with the version."""
    app = stack_app("aws-prod")
    app["cache"]["version"] = "6"
    before = render_app(app)
    app["cache"]["version"] = "7"
    after = render_app(app)
    result = plan(before, after)
    step = result.step("aws:elasticache/replicationGroup:ReplicationGroup", "pmis")
    assert step.action == "update" and {"engineVersion", "parameterGroupName"} <= set(step.changed), step
    assert step.before is not None and step.after is not None
    assert (step.before.inputs["parameterGroupName"], step.after.inputs["parameterGroupName"]) == ("default.redis6.x", "default.redis7")
    assert result.errors == []


def test_a_read_replica_leaves_the_old_parameter_group_in_the_same_update() -> None:
    rendering = render_app(aws_app(version=16, readReplica=True))
    (replica,) = [r for r in rendering.of_type(RDS) if r.inputs.get("replicateSourceDb")]
    assert replica.inputs["applyImmediately"] is True
    assert rendering.one(PARAMETER_GROUP).urn in replica.dependencies


# ---- RDS: no paid Extended Support, and only versions inside standard support ----


def test_rds_opts_out_of_paid_extended_support(aws_prod: Rendering) -> None:
    assert aws_prod.one(RDS).inputs["engineLifecycleSupport"] == "open-source-rds-extended-support-disabled"


def test_a_version_past_its_end_of_standard_support_is_refused_with_what_is_allowed() -> None:
    # PostgreSQL 13 left RDS standard support on 2026-02-28, for good.
    error = config_error(aws_app(version=13))
    assert "database.version" in error and "PostgreSQL 13" in error
    allowed = re.search(r"allowed: ([\d, ]+)", error)
    assert allowed and "13" not in allowed.group(1).split(", ") and "17" in allowed.group(1).split(", ")


@pytest.mark.parametrize(
    ("version", "on", "refused"),
    [
        (14, date(2027, 2, 28), False),  # the last day of standard support
        (14, date(2027, 3, 1), True),
        (15, date(2027, 3, 1), False),
        (17, date(2030, 3, 1), True),
    ],
)
def test_the_support_calendar_is_read_against_the_date_given(version: int, on: date, refused: bool) -> None:
    app = model(aws_app(version=version))
    if not refused:
        aws_limits.validate(app, on=on)
        return
    with pytest.raises(ConfigError) as caught:
        aws_limits.validate(app, on=on)
    (problem,) = [p for p in caught.value.problems if p.startswith("database.version")]
    allowed = problem.rsplit("allowed: ", 1)[1].split(", ")
    assert str(version) not in allowed
    assert all(aws_limits.RDS_POSTGRES_STANDARD_SUPPORT_ENDS[int(v)] >= on for v in allowed if v.isdigit())


def test_a_version_close_to_its_end_deploys_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    near = date(2026, 11, 23)  # 97 days before PostgreSQL 14 leaves standard support
    warning = aws_limits.database_version_warning(14, near)
    assert warning and "database.version" in warning and "2027-02-28" in warning
    assert aws_limits.database_version_warning(15, near) is None
    assert aws_limits.database_version_warning(14, date(2026, 6, 1)) is None, "not yet within 180 days"

    monkeypatch.setattr(aws_limits, "today", lambda: near)
    rendering = render_app(aws_app(version=14))
    assert any(w.startswith("database.version: PostgreSQL 14 leaves RDS standard support") for w in rendering.warnings)


# ---- final snapshots: a new name per lifetime of the data store ----


def test_final_snapshot_names_fit_rds_and_elasticache_rules_for_long_names() -> None:
    app, stack = "abcdefghij-klmno", "Team.Production--eu-west-1_" + "x" * 90 + "-"
    names = {final_snapshot_identifier(app, stack, what, suffix) for what in ("database", "cache") for suffix in ("0a1b2c3d", "ffffffff")}
    assert len(names) == 4, "each data store and each lifetime has a name of its own"
    for name in names:
        assert len(name) <= FINAL_SNAPSHOT_MAX <= 255
        assert re.fullmatch(r"[a-z][a-z0-9-]*[a-z0-9]", name) and "--" not in name, name
        assert name.startswith(f"{app}-team-production-") and re.search(r"-final-(0a1b2c3d|ffffffff)$", name)


@pytest.mark.parametrize("data_store", [RDS, REPLICATION_GROUP])
def test_the_final_snapshot_name_comes_from_a_random_id_created_and_destroyed_with_the_data_store(
    aws_prod: Rendering, data_store: str
) -> None:
    resources = by_urn(aws_prod)
    store = aws_prod.one(data_store)
    suffixes = [resources[u] for u in store.dependencies if resources.get(u) and resources[u].type == RANDOM_ID]
    assert len(suffixes) == 1, "the name carries a random suffix"
    suffix = suffixes[0]
    # Its parent is the data store's component: a destroy removes it too, and a recreated stack gets a new value.
    assert suffix.parent is not None and OWNER_TYPE[data_store] in suffix.parent
    assert store.protect and not suffix.protect, "a new suffix (its keepers changed) must not be refused by protect"
    assert store.inputs["finalSnapshotIdentifier"].startswith("pmis-aws-prod-")


# ---- storage: the cloud grows it, the stack does not shrink it back ----


def test_rds_autoscaled_storage_is_not_shrunk_back_on_the_primary_or_its_replicas() -> None:
    rendering = render_app(aws_app(storageGb=50, maxStorageGb=200, readReplica=1))
    for instance in rendering.of_type(RDS):
        assert "allocatedStorage" in instance.ignore_changes, instance.name
        # A replica does not follow the primary's growth: it autoscales to the same ceiling, or its disk fills and
        # replication stops.
        assert instance.inputs["maxAllocatedStorage"] == 200, instance.name


def test_without_autoscaling_a_storage_change_reaches_the_instance() -> None:
    instance = render_app(aws_app(storageGb=100, maxStorageGb=100)).one(RDS)
    assert "allocatedStorage" not in instance.ignore_changes
    # RDS refuses a ceiling equal to the size; 0 is autoscaling off, and the provider sends no ceiling then.
    assert instance.inputs["allocatedStorage"] == 100 and instance.inputs["maxAllocatedStorage"] == 0


def test_aws_refuses_a_storage_ceiling_rds_refuses() -> None:
    error = config_error(aws_app(storageGb=100, maxStorageGb=105))
    assert "database.maxStorageGb: 105 is less than 10% above storageGb (100)" in error
    assert "allowed: 100 (autoscaling off) or at least 110" in error
    render_app(aws_app(storageGb=100, maxStorageGb=110))


def test_cloud_sql_autoresized_disk_is_not_shrunk_back(gcp_prod: Rendering) -> None:
    instance = gcp_prod.one(CLOUD_SQL)
    assert instance.inputs["settings"]["diskAutoresize"] is True
    assert "settings.diskSize" in instance.ignore_changes


# ---- Cloud SQL keeps backups after a deletion ----


def test_production_cloud_sql_keeps_its_backups_and_takes_a_final_one(gcp_prod: Rendering) -> None:
    settings = gcp_prod.one(CLOUD_SQL).inputs["settings"]
    assert settings["retainBackupsOnDelete"] is True
    final = settings["finalBackupConfig"]
    assert final["enabled"] is True and 1 <= final["retentionDays"] <= 365  # the API's range


def test_a_performance_optimized_tier_is_enterprise_plus_on_the_primary_and_its_replicas(gcp_prod: Rendering) -> None:
    """Cloud SQL refuses a db-perf-optimized tier on the Enterprise edition and any other tier on Enterprise Plus."""
    app = gcp_app(database={"backupRetentionDays": 30, "readReplica": 1})
    app["gcp"]["databaseTier"] = "db-perf-optimized-N-4"
    instances = render_app(app).of_type(CLOUD_SQL)
    assert len(instances) == 2 and {i.inputs["settings"]["edition"] for i in instances} == {"ENTERPRISE_PLUS"}
    (primary,) = [i for i in instances if not i.inputs.get("masterInstanceName")]
    assert primary.inputs["settings"]["backupConfiguration"]["transactionLogRetentionDays"] == 30, "Enterprise Plus keeps up to 35"
    # Every other tier stays on Enterprise, whose logs are kept at most 7 days.
    settings = gcp_prod.one(CLOUD_SQL).inputs["settings"]
    assert settings["edition"] == "ENTERPRISE" and settings["backupConfiguration"]["transactionLogRetentionDays"] <= 7


def test_development_cloud_sql_does_not_keep_backups_after_deletion() -> None:
    app = gcp_app()
    app["profile"] = "development"
    settings = render_app(app).one(CLOUD_SQL).inputs["settings"]
    assert not settings.get("retainBackupsOnDelete") and not settings.get("finalBackupConfig")


# ---- Memorystore sizes are whole GB ----


@pytest.mark.parametrize("size", [2.5, 0.5])
def test_gcp_refuses_a_cache_size_memorystore_cannot_have(size: float) -> None:
    error = config_error(gcp_app(cache={"memoryGb": size}))
    assert "cache.memoryGb" in error and "whole numbers of GB from 1 to 300" in error


def test_gcp_cache_gets_exactly_the_size_asked_for() -> None:
    assert render_app(gcp_app(cache={"memoryGb": 3})).one(MEMORYSTORE).inputs["memorySizeGb"] == 3


def test_aws_still_takes_fractional_cache_sizes() -> None:
    app = stack_app("aws-prod")
    app["cache"] = {**app["cache"], "memoryGb": 2.5}
    assert render_app(app).one(REPLICATION_GROUP).inputs["nodeType"] == "cache.t4g.medium"


# ---- components expose what the app wires start order to ----


def test_components_expose_their_users_databases_and_generated_values(monkeypatch: pytest.MonkeyPatch) -> None:
    from components.aws import app as aws_app_module
    from components.aws.database import Database as AwsDatabase
    from components.gcp import app as gcp_app_module
    from components.gcp.database import Database as GcpDatabase

    built: list[pulumi.ComponentResource] = []

    class RecordingAws(AwsDatabase):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            built.append(self)

    class RecordingGcp(GcpDatabase):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            built.append(self)

    monkeypatch.setattr(aws_app_module, "Database", RecordingAws)
    monkeypatch.setattr(gcp_app_module, "Database", RecordingGcp)
    render_app(stack_app("aws-prod"))
    render_app(stack_app("gcp-prod"))
    aws_db, gcp_db = built
    assert isinstance(aws_db, AwsDatabase) and isinstance(gcp_db, GcpDatabase)
    assert isinstance(aws_db.password, random.RandomPassword) and isinstance(aws_db.final_snapshot_suffix, random.RandomId)
    assert isinstance(gcp_db.user, gcp.sql.User) and isinstance(gcp_db.database, gcp.sql.Database)
