"""The offline renders, read as the Pulumi engine would: names, updates, refresh, start order and `--target`.

Mocks autoname nothing, replace nothing and order nothing; `stacks.plan` does, from the per-type tables in
`stacks/engine_tables`. Each test below is a change or a deploy a user makes, with the engine's answer.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stacks.engine_tables import TypeRule
from stacks.offline import Rendering, Resource
from stacks.plan import (
    DATA_STORE_TYPES,
    RULES,
    Plan,
    changed_keys,
    closure,
    name_problems,
    physical_names,
    plan,
    refreshed,
    start_dependencies,
)
from tests.harness import ROOT, inputs_json, render_shared, render_stack, stack_app

AWS_TASK = "aws:ecs/taskDefinition:TaskDefinition"
AWS_SERVICE = "aws:ecs/service:Service"
AWS_WORKFLOW = "aws:sfn/stateMachine:StateMachine"
AWS_SECRET = "aws:secretsmanager/secret:Secret"
AWS_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
GCP_SECRET = "gcp:secretmanager/secret:Secret"
GCP_VERSION = "gcp:secretmanager/secretVersion:SecretVersion"
GCP_WORKLOADS = ("gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job", "gcp:cloudrunv2/workerPool:WorkerPool")

# The longest names the model accepts: a 16-character app, 20-character services, jobs and buckets, a 64-character
# secret, and a long stack name (it is part of many physical names).
LONG_APP = "abcdefghij-klmno"
LONG_STACK = "production-europe-west"
LONG_SECRET = "THIRD_PARTY_" + "X" * 52


def longest(cloud: str) -> dict[str, Any]:
    service: dict[str, Any] = {"image": "ghcr.io/example/app:1.0.0", "database": True, "cache": True, "secrets": [LONG_SECRET]}
    app: dict[str, Any] = {
        "name": LONG_APP,
        "cloud": cloud,
        "services": {
            # Cached at the edge (CloudFront on AWS, Cloud CDN on GCP), beside a site bucket: their names are made too.
            "frontend-web-server1": {**service, "kind": "http", "port": 3000, "routes": ["/"], "cdn": True},
            "backend-api-server-1": {
                **service,
                "kind": "http",
                "port": 8000,
                "routes": ["/api"],
                "buckets": ["customer-uploads-eu1"],
                "grants": {"publish": ["order-events-stream1"], "readParameters": ["third-party-config-value"]},
                # It reads the replicas: their URLs are secrets its workloads wait for.
                "databaseReplica": True,
                # A release that shifts traffic: its second target group and rule are named too.
                "rollout": {"strategy": "canary"},
            },
            "internal-api-server1": {**service, "kind": "http", "port": 8001, "public": False},
            "backgroundworker-abc": {**service, "kind": "worker", "buckets": ["customer-uploads-eu1", "public-assets-bucket"]},
            # Built by the stack: its registry repository is named too.
            "built-by-the-stack-1": {"kind": "worker", "build": {"context": "./app"}},
        },
        "version": "1.2.3",
        "jobs": {"nightly-report-build": {"schedule": "0 2 * * *", "service": "backgroundworker-abc", "command": ["report"]}},
        "migrate": {"service": "backend-api-server-1", "command": ["migrate"]},
        "database": {"readReplica": True},
        "cache": {},
        "buckets": {
            "customer-uploads-eu1": {},
            "public-assets-bucket": {"public": True},
            # A path as long as a route may be (126 characters): whatever text names it must fit too.
            "single-page-frontend": {"site": {"path": "/a-rather-long-site-path" * 5 + "/site-path", "singlePage": True}},
        },
        "topics": ["order-events-stream1"],
        "secrets": {LONG_SECRET: {}, "SECRET_KEY": {"generate": True}},
        "secretValues": {LONG_SECRET: "planted-value"},
        # An alias: its certificate (GCP), records and host rules are named after it.
        "domain": {
            "name": "a-rather-long-subdomain.example.com",
            "zone": "example.com",
            "aliases": ["another-rather-long-host-name.example.com"],
        },
    }
    if cloud == "gcp":
        app["gcp"] = {"project": "my-long-project-123"}
    return app


def rendered(app: dict[str, Any], stack: str = "test") -> Rendering:
    return render_shared(app, stack, ("secretValues",) if "secretValues" in app else ())


@pytest.fixture(scope="module", params=["aws", "gcp"])
def long_render(request: pytest.FixtureRequest) -> Rendering:
    return rendered(longest(request.param), LONG_STACK)


# ---------------------------------------------------------------------------------------------------------------------
# The tables


def test_every_type_the_program_creates_has_a_sourced_row(long_render: Rendering, aws_prod: Rendering, gcp_prod: Rendering) -> None:
    for rendering in (long_render, aws_prod, gcp_prod):
        for resource in rendering.resources:
            if resource.custom:
                assert resource.type in RULES, f"{resource.type} has no row in stacks/engine_tables"
                assert RULES[resource.type].source, f"{resource.type}: the row names no source"


def test_table_rows_are_well_formed() -> None:
    for type_, row in RULES.items():
        assert isinstance(row, TypeRule)
        if row.pattern is not None:
            re.compile(row.pattern)
        assert not (row.autonamed and row.name_key is None), f"{type_}: autonamed, but no input holds the name"


# ---------------------------------------------------------------------------------------------------------------------
# Autonaming and name limits


def test_the_longest_names_the_model_accepts_fit_every_cloud_limit(long_render: Rendering) -> None:
    assert name_problems(long_render) == []
    # The test means something only if the long names reach physical names of every origin.
    origins = {n.origin for n in physical_names(long_render)}
    assert {"explicit", "autoname"} <= origins


def test_the_engine_model_catches_a_name_over_its_limit(long_render: Rendering) -> None:
    """A target group named `<16-char app>-<20-char service>` plus the engine's suffix is 45 characters; AWS allows 32."""
    group = Resource("urn:x", "aws:lb/targetGroup:TargetGroup", f"{LONG_APP}-backend-api-server-1", {}, None, True, False, [], False)
    assert any("the limit is 32" in p for p in name_problems(Rendering("t", [group], {}, set(), [])))


def test_two_stacks_of_one_app_share_no_physical_name() -> None:
    """Staging next to production in one account or project: every name the program sets differs by stack."""
    for cloud in ("aws", "gcp"):
        app = longest(cloud)
        # The long-stack render the other tests share stands for production.
        staging, production = rendered(app, "staging"), rendered(app, LONG_STACK)

        def explicit(r: Rendering) -> dict[tuple[str, str], str]:
            # Autonamed and prefixed names get a random part of their own; explicit ones must carry the stack.
            return {(n.resource.type, n.resource.name): n.name for n in physical_names(r) if n.origin == "explicit"}

        names_staging, names_production = explicit(staging), explicit(production)
        # Names that identify something outside the stack's own scope are the same by design, and so are names
        # inside a parent that is unique itself (a Cloud SQL database and user inside their instance).
        shared = {
            key
            for key in names_staging
            if key[0]
            in (
                "gcp:projects/service:Service",
                "aws:route53/record:Record",
                "gcp:dns/recordSet:RecordSet",
                "gcp:sql/database:Database",
                "gcp:sql/user:User",
            )
            or key[0].startswith(("gcp:cloudrunv2/serviceIamMember", "gcp:cloudrunv2/jobIamMember"))
        }
        clashes = {k: v for k, v in names_staging.items() if k not in shared and names_production.get(k) == v}
        assert clashes == {}, f"{cloud}: names that would collide between two stacks: {clashes}"


# ---------------------------------------------------------------------------------------------------------------------
# Updates: the changes users make


def with_supplied_secret(stack: str) -> dict[str, Any]:
    """PMIS with a supplied secret, less its web front end and domain (what the changes below touch stays: api,
    worker, job, release step, database, cache, bucket, secrets); it renders faster, and the suite stays fast."""
    app = stack_app(stack)
    del app["services"]["web"], app["domain"]
    app["secrets"]["SENTRY_DSN"] = {}
    app["secretValues"] = {"SENTRY_DSN": "https://first@sentry.example/1"}
    app["services"]["api"]["secrets"] = ["SECRET_KEY", "SENTRY_DSN"]
    return app


def changed(base: dict[str, Any], edit: Callable[[dict[str, Any]], None]) -> tuple[dict[str, Any], dict[str, Any]]:
    after = copy.deepcopy(base)
    edit(after)
    return base, after


def planned(before: dict[str, Any], after: dict[str, Any]) -> Plan:
    return plan(rendered(before), rendered(after), changed_keys(before, after))


def rotate(app: dict[str, Any]) -> None:
    app["secretValues"]["SENTRY_DSN"] = "https://second@sentry.example/1"


def longer_generated(app: dict[str, Any]) -> None:
    app["secrets"]["SECRET_KEY"]["length"] = 80


def resize(app: dict[str, Any]) -> None:
    app["services"]["worker"]["memory"] = 2048 if app["cloud"] == "aws" else 4096
    app["services"]["worker"]["cpu"] = 1 if app["cloud"] == "aws" else 2


def add_service(app: dict[str, Any]) -> None:
    app["services"]["reports"] = {"kind": "worker", "image": "ghcr.io/example/pmis-api:1.0.0", "command": ["reports"], "database": True}
    if app["cloud"] == "gcp":
        app["services"]["reports"]["cpu"] = 1


def rename_service(app: dict[str, Any]) -> None:
    app["services"]["celery"] = app["services"].pop("worker")


def bump_database(app: dict[str, Any]) -> None:
    app["database"]["version"] = 16


def grow_cache(app: dict[str, Any]) -> None:
    app["cache"]["memoryGb"] = 4


def add_replica(app: dict[str, Any]) -> None:
    app["database"]["readReplica"] = True


ROUTINE = {
    "rotate a supplied secret": rotate,
    "lengthen a generated secret": longer_generated,
    "resize a service": resize,
    "add a service": add_service,
    "rename a service": rename_service,
    "bump database.version": bump_database,
    "grow cache.memoryGb": grow_cache,
    "turn on readReplica": add_replica,
}


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_routine_changes_replace_no_data_store_and_nothing_protected(cloud: str) -> None:
    """Every routine change at once, as one pull request could make them (one render, not one per change: the suite's
    time). A step that replaces or deletes a data store names the input that forces it."""

    def all_routine(app: dict[str, Any]) -> None:
        for change in ROUTINE.values():
            change(app)

    result = planned(*changed(with_supplied_secret(f"{cloud}-prod"), all_routine))
    changed_names = {s.resource.name for s in result.changes}
    # Each change reaches the cloud: the rotated secret's version, the new service, the renamed one, the database.
    assert {"pmis-sentry-dsn", "pmis-reports", "pmis-celery"} <= changed_names, sorted(changed_names)
    assert result.errors == [], "\n".join(result.errors)
    assert result.warnings == [], "\n".join(result.warnings)
    replaced_or_deleted = [str(s) for s in result.of("replace", "delete") if s.resource.type in DATA_STORE_TYPES]
    assert replaced_or_deleted == []


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_a_new_secret_value_replaces_its_version_and_reaches_the_workloads(cloud: str) -> None:
    result = planned(*changed(with_supplied_secret(f"{cloud}-prod"), rotate))
    version_type = AWS_VERSION if cloud == "aws" else GCP_VERSION
    (version,) = [s for s in result.of("replace") if s.resource.type == version_type]
    assert version.resource.name == "pmis-sentry-dsn" and not version.resource.protect
    readers = AWS_TASK if cloud == "aws" else "gcp:cloudrunv2/service:Service"
    assert any(s.resource.type == readers and s.resource.name == "pmis-api" for s in result.changes)


def test_a_new_secret_value_leaves_the_version_the_previous_revision_reads() -> None:
    # Rollback and a canary's previous revision start instances of the revision before the rotation, which pins the
    # old version: replacing the version must abandon it (the provider's delete then only forgets it), not delete it.
    result = planned(*changed(with_supplied_secret("gcp-prod"), rotate))
    (version,) = [s for s in result.of("replace") if s.resource.type == GCP_VERSION]
    assert version.before is not None and version.before.inputs["deletionPolicy"] == "ABANDON"
    # The service gets a new revision reading the new version; the one before keeps its pin on the old.
    (api,) = [s for s in result.changes if s.resource.type == "gcp:cloudrunv2/service:Service" and s.resource.name == "pmis-api"]
    assert api.action == "update" and "template" in api.changed


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_turning_the_read_replica_off_deletes_only_the_replica(cloud: str) -> None:
    base = with_supplied_secret(f"{cloud}-prod")
    add_replica(base)

    def no_replica(app: dict[str, Any]) -> None:
        app["database"]["readReplica"] = False

    result = planned(*changed(base, no_replica))
    assert result.errors == []
    assert [s.resource.name for s in result.of("delete") if s.resource.type in DATA_STORE_TYPES] == ["pmis-replica"]


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_a_public_bucket_can_be_made_private(cloud: str) -> None:
    base = with_supplied_secret(f"{cloud}-prod")
    base["buckets"]["assets"] = {"public": True}

    def private(app: dict[str, Any]) -> None:
        app["buckets"]["assets"]["public"] = False

    result = planned(*changed(base, private))
    assert result.errors == [] and result.warnings == []
    assert result.changes


def test_a_database_version_bump_upgrades_in_place() -> None:
    for cloud, type_ in (("aws", "aws:rds/instance:Instance"), ("gcp", "gcp:sql/databaseInstance:DatabaseInstance")):
        result = planned(*changed(with_supplied_secret(f"{cloud}-prod"), bump_database))
        step = result.step(type_, "pmis")
        assert step.action == "update", step


def test_a_change_that_truly_replaces_a_data_store_is_refused_and_named() -> None:
    """Memorystore cannot switch tiers in place: protect stops the replacement, and the plan names the key."""

    def lose_ha(app: dict[str, Any]) -> None:
        app["cache"]["highAvailability"] = False

    result = planned(*changed(with_supplied_secret("gcp-prod"), lose_ha))
    assert any("gcp:redis/instance:Instance 'pmis' is protected and cannot be replaced (tier)" in e for e in result.errors)
    assert any("cache.highAvailability" in w and "gcp:redis/instance:Instance" in w for w in result.warnings)


def test_the_plan_command_names_the_key_that_replaces_a_data_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from stacks.plan import main

    base = tmp_path / "Pulumi.gcp-prod.yaml"
    # The committed stack as it was before someone turned the cache's high availability on.
    base.write_text(
        (ROOT / "Pulumi.gcp-prod.yaml")
        .read_text()
        .replace("    highAvailability: true\n  shipyard:buckets", "    highAvailability: false\n  shipyard:buckets")
    )
    assert main(["gcp-prod", "--base", str(base)]) == 1
    out = capsys.readouterr().out
    assert "warning: replaces data store gcp:redis/instance:Instance 'pmis' (tier; config changed: cache.highAvailability)" in out
    assert "error: gcp:redis/instance:Instance 'pmis' is protected and cannot be replaced" in out


def test_the_engine_model_refuses_what_the_engine_refuses() -> None:
    """The model's own check: a protected version (the old defect) cannot take a new value."""
    before, after = changed(with_supplied_secret("aws-prod"), rotate)
    old, new = copy.deepcopy(rendered(before)), copy.deepcopy(rendered(after))
    for r in (*old.of_type(AWS_VERSION), *new.of_type(AWS_VERSION)):
        r.protect = True
    errors = plan(old, new).errors
    assert any("aws:secretsmanager/secretVersion:SecretVersion 'pmis-sentry-dsn' is protected and cannot be replaced" in e for e in errors)


# ---------------------------------------------------------------------------------------------------------------------
# Refresh: what the cloud changes itself


def test_refresh_after_autoscaling_and_storage_growth_plans_nothing(aws_prod: Rendering, gcp_prod: Rendering) -> None:
    drift = {
        ("aws:rds/instance:Instance", "pmis"): {"allocatedStorage": 75},  # RDS storage autoscaling grew it
        (AWS_SERVICE, "pmis-api"): {"desiredCount": 7},  # application autoscaling scaled out
        (AWS_SERVICE, "pmis-worker"): {"desiredCount": 3},
    }
    assert plan(refreshed(aws_prod, drift), aws_prod).changes == []
    grown = {("gcp:sql/databaseInstance:DatabaseInstance", "pmis"): {"settings.diskSize": 80}}  # disk autoresize
    assert plan(refreshed(gcp_prod, grown), gcp_prod).changes == []


def test_refresh_ignores_nothing_else(aws_prod: Rendering, gcp_prod: Rendering) -> None:
    """Drift in what the program owns is put back: a console edit of the instance class shows as an update."""
    console = {("aws:rds/instance:Instance", "pmis"): {"instanceClass": "db.t4g.micro"}}
    assert [str(s) for s in plan(refreshed(aws_prod, console), aws_prod).changes] == [
        "update aws:rds/instance:Instance pmis (instanceClass)"
    ]
    tier = {("gcp:sql/databaseInstance:DatabaseInstance", "pmis"): {"settings.tier": "db-f1-micro"}}
    assert [s.resource.name for s in plan(refreshed(gcp_prod, tier), gcp_prod).changes] == ["pmis"]


def test_without_autoscaling_a_new_scaling_reaches_the_service() -> None:
    def pinned(count: int) -> Callable[[dict[str, Any]], None]:
        def edit(app: dict[str, Any]) -> None:
            app["services"]["worker"]["scaling"] = {"min": count, "max": count}

        return edit

    base = with_supplied_secret("aws-prod")
    pinned(2)(base)
    result = planned(*changed(base, pinned(3)))
    step = result.step(AWS_SERVICE, "pmis-worker")
    assert step.action == "update" and "desiredCount" in step.changed
    assert not rendered(base).one(AWS_SERVICE, "pmis-worker").ignore_changes


# ---------------------------------------------------------------------------------------------------------------------
# Start order and the release step's targets


def aws_secret_reads(rendering: Rendering, task: Resource) -> set[str]:
    """URNs of the secret versions a task definition's container reads."""
    (container,) = inputs_json(task.inputs["containerDefinitions"])
    names = {ref["valueFrom"].split(":")[5] for ref in container.get("secrets", [])}
    secrets = {r.urn for r in rendering.of_type(AWS_SECRET) if r.name in names}
    assert len(secrets) == len(names), f"{task.name}: a reference names no secret of the stack"
    return {v.urn for v in rendering.of_type(AWS_VERSION) if v.parent in secrets}


def gcp_secret_reads(rendering: Rendering, workload: Resource) -> set[str]:
    template = workload.inputs["template"]
    template = template.get("template", template)  # a job's task template is one level down
    ids = {
        env["valueSource"]["secretKeyRef"]["secret"] for c in template["containers"] for env in c.get("envs", []) if "valueSource" in env
    }
    secrets = {r.urn for r in rendering.of_type(GCP_SECRET) if r.inputs["secretId"] in ids}
    assert len(secrets) == len(ids), f"{workload.name}: a reference names no secret of the stack"
    return {v.urn for v in rendering.of_type(GCP_VERSION) if v.parent in secrets}


def urns(rendering: Rendering, type_: str, name_prefix: str = "") -> set[str]:
    return {r.urn for r in rendering.of_type(type_) if r.name.startswith(name_prefix)}


def aws_needs(rendering: Rendering, task: Resource) -> set[str]:
    needs = aws_secret_reads(rendering, task)
    needs |= {r.urn for r in rendering.of_type("aws:iam/rolePolicy:RolePolicy") if r.name == f"{task.name}-execution"}
    needs |= urns(rendering, "aws:ec2/natGateway:NatGateway")
    needs |= {r.urn for r in rendering.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation") if "-private-" in r.name}
    (container,) = inputs_json(task.inputs["containerDefinitions"])
    env = {e["name"] for e in container.get("environment", [])}
    if "DATABASE_HOST" in env:
        needs |= {r.urn for r in rendering.of_type("aws:rds/instance:Instance") if not r.inputs.get("replicateSourceDb")}
    return needs


def gcp_needs(rendering: Rendering, workload: Resource) -> set[str]:
    needs = gcp_secret_reads(rendering, workload)
    template = workload.inputs["template"]
    template = template.get("template", template)
    account = template["serviceAccount"]
    needs |= {
        r.urn
        for r in rendering.resources
        if r.type in ("gcp:secretmanager/secretIamMember:SecretIamMember", "gcp:projects/iAMMember:IAMMember")
        and r.inputs.get("member") == f"serviceAccount:{account}"
    }
    needs |= urns(rendering, "gcp:compute/routerNat:RouterNat")
    envs = {e["name"] for c in template["containers"] for e in c.get("envs", [])}
    if "DATABASE_URL" in envs:
        needs |= urns(rendering, "gcp:sql/user:User") | urns(rendering, "gcp:sql/database:Database")
        needs |= urns(rendering, "gcp:servicenetworking/connection:Connection")
    if "REDIS_URL" in envs and rendering.of_type("gcp:redis/instance:Instance"):
        needs |= urns(rendering, "gcp:redis/instance:Instance")
    return needs


def workloads_and_needs(rendering: Rendering) -> list[tuple[Resource, set[str]]]:
    if rendering.of_type(AWS_TASK):
        tasks = {r.urn: r for r in rendering.of_type(AWS_TASK)}
        found = [(task, aws_needs(rendering, task)) for task in tasks.values()]
        # Services and jobs' workflows start tasks, and schedules start the workflows: each waits for everything its
        # task definition waits for.
        workflows = {r.urn: r for r in rendering.of_type(AWS_WORKFLOW)}
        for runner in (*rendering.of_type(AWS_SERVICE), *workflows.values()):
            (task_urn,) = [u for u in runner.property_dependencies.get("taskDefinition", []) or _workflow_task(runner) if u in tasks]
            found.append((runner, aws_needs(rendering, tasks[task_urn])))
        for schedule in rendering.of_type("aws:scheduler/schedule:Schedule"):
            (workflow_urn,) = [u for u in _schedule_target(schedule) if u in workflows]
            (task_urn,) = [u for u in _workflow_task(workflows[workflow_urn]) if u in tasks]
            found.append((schedule, aws_needs(rendering, tasks[task_urn])))
        return found
    return [(w, gcp_needs(rendering, w)) for type_ in GCP_WORKLOADS for w in rendering.of_type(type_)]


def _schedule_target(schedule: Resource) -> list[str]:
    return schedule.property_dependencies.get("target", [])


def _workflow_task(workflow: Resource) -> list[str]:
    return workflow.property_dependencies.get("definition", [])


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_every_workload_starts_after_what_it_reads(cloud: str, long_render: Rendering) -> None:
    for rendering in (render_stack(f"{cloud}-prod"), rendered(with_supplied_secret(f"{cloud}-prod")), long_render):
        if (cloud == "aws") != bool(rendering.of_type(AWS_TASK)):
            continue
        found = workloads_and_needs(rendering)
        assert found
        for workload, needs in found:
            assert needs, f"{workload.name}: nothing found to wait for"
            missing = needs - start_dependencies(rendering, workload)
            assert missing == set(), f"{workload.type} {workload.name} can start before {sorted(missing)}"


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_the_release_step_targets_everything_it_reads_at_run_time(cloud: str) -> None:
    from stacks.migrate import _release_roots, app_of

    rendering = render_stack(f"{cloud}-prod")
    roots = set(_release_roots(app_of(f"{cloud}-prod")))
    targeted = closure(rendering, [r.urn for r in rendering.resources if (r.type, r.name) in roots])
    migration = next(r for r in rendering.resources if r.name == "pmis-migrate" and r.type in (AWS_TASK, "gcp:cloudrunv2/job:Job"))
    needs = aws_needs(rendering, migration) if cloud == "aws" else gcp_needs(rendering, migration)
    assert needs - targeted == set()
    # What the issue names explicitly: the secret values, the database (and its user), the cache's secret, the routes.
    kinds = {r.type for r in rendering.resources if r.urn in targeted}
    if cloud == "aws":
        assert {AWS_VERSION, "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup"} <= kinds
        assert {"aws:ec2/natGateway:NatGateway", "aws:ec2/routeTableAssociation:RouteTableAssociation"} <= kinds
        # A NAT gateway forwards only once its public subnet routes to the internet gateway.
        public_route = [r for r in rendering.of_type("aws:ec2/routeTable:RouteTable") if r.name == "pmis-public"]
        public_links = [r for r in rendering.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation") if "-public-" in r.name]
        assert public_route and public_links and {r.urn for r in public_route + public_links} <= targeted
    else:
        assert {GCP_VERSION, "gcp:sql/user:User", "gcp:sql/database:Database", "gcp:redis/instance:Instance"} <= kinds
        assert {"gcp:servicenetworking/connection:Connection", "gcp:compute/routerNat:RouterNat"} <= kinds
    # ... and not the whole stack: no service, load balancer or alarm.
    assert not kinds & {AWS_SERVICE, "aws:lb/loadBalancer:LoadBalancer", "gcp:cloudrunv2/service:Service", "gcp:compute/uRLMap:URLMap"}


def test_plans_and_keys_never_show_secret_values() -> None:
    before, after = changed(with_supplied_secret("aws-prod"), rotate)
    result = planned(before, after)
    text = json.dumps([str(s) for s in result.steps] + result.errors + result.warnings + changed_keys(before, after))
    assert "sentry.example" not in text
    assert "secretValues.SENTRY_DSN" in changed_keys(before, after)
