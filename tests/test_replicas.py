"""Read replicas that are used: as many as asked for, their endpoint delivered to the services that read from them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

import pytest

from stacks.offline import Rendering
from tests.harness import config_error, inputs_json, render_shared, stack_app


def with_replicas(stack: str, count: int | bool = 2) -> dict[str, Any]:
    app = stack_app(stack)
    app["database"]["readReplica"] = count
    app["services"]["api"]["databaseReplica"] = True
    return app


def aws_container(rendering: Rendering, name: str) -> dict[str, Any]:
    (container,) = inputs_json(rendering.one("aws:ecs/taskDefinition:TaskDefinition", name).inputs["containerDefinitions"])
    return dict(container)


def test_aws_makes_each_replica_one_after_another_and_gives_the_api_a_url_for_each() -> None:
    rendering = render_shared(with_replicas("aws-prod"))
    replicas = [r for r in rendering.of_type("aws:rds/instance:Instance") if r.inputs.get("replicateSourceDb")]
    assert sorted(r.name for r in replicas) == ["pmis-replica", "pmis-replica-2"]
    hosts = rendering.outputs["databaseReplicaEndpoints"]
    assert len(hosts) == 2
    api = aws_container(rendering, "pmis-api")
    assert {e["name"]: e["value"] for e in api["environment"]}["DATABASE_REPLICA_HOSTS"] == ",".join(hosts)
    secrets = {s["name"]: s["valueFrom"] for s in api["secrets"]}
    assert ":replica_url::" in secrets["DATABASE_REPLICA_URL"] and ":replica_urls::" in secrets["DATABASE_REPLICA_URLS"]
    (version,) = [v for v in rendering.of_type("aws:secretsmanager/secretVersion:SecretVersion") if v.name.startswith("pmis-credentials")]
    assert "secretString" in version.secret_inputs, "keys of the database's credentials secret, never plain variables"
    document = json.loads(version.inputs["secretString"])
    urls = document["replica_urls"].split(",")
    # One plain URL per replica, which any URL parser reads (a multi-host URL sends every read to the first replica).
    assert [urlparse(u).hostname for u in urls] == hosts and all(urlparse(u).port == 5432 for u in urls)
    assert document["replica_url"] == urls[0]
    second = rendering.one("aws:rds/instance:Instance", "pmis-replica-2")
    assert rendering.one("aws:rds/instance:Instance", "pmis-replica").urn in second.dependencies, "RDS makes one replica at a time"
    worker = aws_container(rendering, "pmis-worker")
    assert not [e for e in [*worker["environment"], *worker["secrets"]] if "REPLICA" in e["name"]], "only who asks reads the replicas"


def test_gcp_makes_each_replica_and_stores_their_url_as_a_secret_the_api_alone_may_read() -> None:
    rendering = render_shared(with_replicas("gcp-prod", 3))
    replicas = [r for r in rendering.of_type("gcp:sql/databaseInstance:DatabaseInstance") if r.inputs.get("masterInstanceName")]
    assert len(replicas) == 3 and len(rendering.outputs["databaseReplicaAddresses"]) == 3
    (api,) = [s for s in rendering.of_type("gcp:cloudrunv2/service:Service") if s.name == "pmis-api"]
    envs = {e["name"]: e for e in api.inputs["template"]["containers"][0]["envs"]}
    assert envs["DATABASE_REPLICA_URL"]["valueSource"]["secretKeyRef"]["secret"].startswith("pmis-database-replica-url")
    assert envs["DATABASE_REPLICA_URLS"]["valueSource"]["secretKeyRef"]["secret"].startswith("pmis-database-replica-urls")
    assert "DATABASE_REPLICA_HOSTS" in envs
    grants = {g.name for g in rendering.of_type("gcp:secretmanager/secretIamMember:SecretIamMember") if "replica-url" in g.name}
    assert "pmis-api-reads-database-replica-url" in grants and not [g for g in grants if "worker" in g]


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda app: app["database"].update(readReplica=False), "services.api.databaseReplica: reading from the replicas needs"),
        (lambda app: app["database"].update(readReplica=6), "database.readReplica"),
        (lambda app: app["services"]["api"].update(database=False), "services.api.databaseReplica"),
        (lambda app: app["services"]["api"]["env"].update(DATABASE_REPLICA_URL="x"), "is set by the stack itself"),
    ],
)
def test_a_replica_nobody_can_serve_is_refused_by_name(edit: Any, says: str) -> None:
    app = with_replicas("aws-prod")
    app["services"]["api"].setdefault("env", {})
    edit(app)
    assert says in config_error(app)


def test_one_replica_keeps_its_name_and_the_committed_stacks_have_none(aws_prod: Rendering) -> None:
    one = render_shared(with_replicas("aws-prod", True))
    assert [r.name for r in one.of_type("aws:rds/instance:Instance") if r.inputs.get("replicateSourceDb")] == ["pmis-replica"]
    assert "databaseReplicaEndpoints" not in aws_prod.outputs


def test_gcp_upgrades_the_replicas_with_the_primary(gcp_prod: Rendering) -> None:
    """Pulumi updates the primary before its replicas; a major upgrade takes them along, in one Cloud SQL operation."""
    primary = render_shared(with_replicas("gcp-prod")).one("gcp:sql/databaseInstance:DatabaseInstance", "pmis")
    assert primary.inputs["includeReplicasForMajorVersionUpgrade"] is True
    assert "includeReplicasForMajorVersionUpgrade" not in gcp_prod.one("gcp:sql/databaseInstance:DatabaseInstance", "pmis").inputs
