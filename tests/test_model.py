"""Bad input is refused before any resource exists, with the config key path and what is allowed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from stacks.config import ConfigError, load
from stacks.offline import StackFileError, read_yaml
from tests.harness import config_error, render_app

MINIMAL: dict[str, Any] = {
    "name": "shop",
    "cloud": "aws",
    "services": {"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080}},
}


def app(**changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(MINIMAL)
    result.update(copy.deepcopy(changes))
    return result


def with_service(name: str = "web", **fields: Any) -> dict[str, Any]:
    result = app()
    result["services"].setdefault(name, {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080}).update(fields)
    return result


NIGHTLY = {"schedule": "0 0 * * *", "service": "web", "command": ["run"]}

REFUSED = {
    "unknown top-level key": (
        {**app(), "servcies": {}},
        "servcies: unknown key; allowed: alerts, allowFrom, allowMutableTags, aws, buckets, cache, clientIpHeader, cloud",
    ),
    "unknown service key (typo)": (
        with_service(memroy=512),
        "services.web.memroy: unknown key; allowed: args, buckets, build, cache, calls, cdn, command, concurrency, cpu",
    ),
    "unknown nested key": (
        with_service(scaling={"min": 1, "maxx": 2}),
        "services.web.scaling.maxx: unknown key; allowed: cpuTarget, max, min",
    ),
    "non-DNS-safe service name": (
        app(services={"Web_1": MINIMAL["services"]["web"]}),
        "services.Web_1: 'Web_1' is not a valid name; use 1-20 lowercase letters, digits and '-'",
    ),
    "overlong service name": (
        app(services={"a" * 21: MINIMAL["services"]["web"]}),
        f"services.{'a' * 21}: ",
    ),
    "job named like a service": (
        app(jobs={"web": NIGHTLY}),
        "jobs.web: the name 'web' is already a service",
    ),
    "service named like the stack's own resources": (
        app(services={"load-balancer": MINIMAL["services"]["web"]}),
        "services.load-balancer: 'load-balancer' is reserved for the stack's own resources",
    ),
    "job named with a reserved prefix": (
        app(jobs={"cache-1": NIGHTLY}),
        "jobs.cache-1: 'cache-1' is reserved for the stack's own resources",
    ),
    "secrets differing only in case": (
        app(secrets={"A_B": {}, "a_b": {}}),
        "secrets.A_B: differs from 'a_b' only in case",
    ),
    "secret named like the stack's wiring": (
        app(secrets={"DATABASE_URL": {}}),
        "secrets.DATABASE_URL: is set by the stack itself",
    ),
    "root user": (
        with_service(user="0:0"),
        "services.web.user: containers do not run as root",
    ),
    "user override on Cloud Run": (
        app(
            cloud="gcp",
            gcp={"project": "my-project-1"},
            services={"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080, "cpu": 1, "user": "1000"}},
        ),
        "services.web.user: Cloud Run runs the image's own USER",
    ),
    "release step too small for Cloud Run": (
        app(
            cloud="gcp",
            gcp={"project": "my-project-1"},
            migrate={"service": "web", "command": ["migrate"], "cpu": 0.5},
            services={"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080, "cpu": 1}},
        ),
        "migrate.cpu: 0.5 vCPU is not available with the gen2 execution environment",
    ),
    "two services on one route": (
        with_service("shop", routes=["/"]),
        "services.shop.routes[0]: '/' is already served by 'web'; a path is routed to one service",
    ),
    "domain without an http service": (
        app(services={"w": {"kind": "worker", "image": "ghcr.io/example/w:1.0.0"}}, domain={"name": "app.example.com"}),
        "domain: a domain is set but no public http service serves it",
    ),
    "min above max": (
        with_service(scaling={"min": 5, "max": 2}),
        "services.web.scaling.min: 5 is greater than max (2); min must be <= max",
    ),
    "cron with four fields": (
        app(jobs={"nightly": {**NIGHTLY, "schedule": "0 0 * *"}}),
        "jobs.nightly.schedule: '0 0 * *' has 4 fields; a schedule has 5",
    ),
    "cron out of range": (
        app(jobs={"nightly": {**NIGHTLY, "schedule": "61 0 * * *"}}),
        "jobs.nightly.schedule: '61 0 * * *' is not a valid cron expression",
    ),
    "unknown time zone": (
        app(jobs={"nightly": {**NIGHTLY, "timeZone": "Mars/Olympus"}}),
        "jobs.nightly.timeZone: 'Mars/Olympus' is not an IANA time zone",
    ),
    "job naming an unknown service": (
        app(jobs={"nightly": {**NIGHTLY, "service": "nope"}}),
        "jobs.nightly.service: 'nope' is not a service; known: web",
    ),
    "invalid env var name": (
        with_service(env={"1BAD": "x"}),
        "services.web.env.1BAD: not a valid environment variable name",
    ),
    "secret given as a plain env value": (
        with_service(env={"DB_PASSWORD": "hunter2"}),
        "services.web.env.DB_PASSWORD: looks like a secret but is given as a plain value",
    ),
    "env name the stack sets itself": (
        with_service(env={"DATABASE_URL": "postgres://x"}),
        "services.web.env.DATABASE_URL: is set by the stack itself",
    ),
    "undeclared secret": (
        with_service(secrets=["API_TOKEN"]),
        "services.web.secrets[0]: 'API_TOKEN' is not declared under `secrets`",
    ),
    "worker with a port": (
        app(services={**MINIMAL["services"], "w": {"kind": "worker", "image": "ghcr.io/example/w:1.0.0", "port": 80}}),
        "services.w.port: only http services take this key",
    ),
    "image and build together": (
        with_service(build={"context": "."}),
        "services.web.image: give exactly one of `image` (a registry reference) or `build`",
    ),
    "http service without a port": (
        app(services={"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0"}}),
        "services.web.port: an http service needs the port it listens on",
    ),
    "unknown cloud": (
        app(cloud="azure"),
        "cloud: Input should be 'aws', 'gcp' or 'docker'",
    ),
    "wrong type": (
        with_service(cpu="lots"),
        "services.web.cpu: Input should be a valid number",
    ),
    "missing services": (
        {"name": "shop", "cloud": "aws"},
        "services: required key is missing",
    ),
    "service needs a database that is not configured": (
        with_service(database=True),
        "services.web.database: the service needs a database but no `database` block is configured",
    ),
    "short backups in production": (
        app(database={"backupRetentionDays": 3}),
        "database.backupRetentionDays: production keeps backups at least 7 days",
    ),
    "gcp without its settings block": (
        app(cloud="gcp"),
        "gcp: cloud is gcp, so the gcp settings block (at least `project`) is required",
    ),
    "settings for the other cloud": (
        app(gcp={"project": "my-project-1"}),
        "gcp: settings for gcp given while cloud is aws",
    ),
    "invalid Fargate size": (
        with_service(cpu=0.25, memory=300),
        "services.web.memory: 300 MiB is not a valid Fargate size for 0.25 vCPU; allowed: 512, 1024, 2048",
    ),
    "Fargate cpu that does not exist": (
        with_service(cpu=3, memory=8192),
        "services.web.cpu: 3 vCPU is not a Fargate size; allowed: 0.25, 0.5, 1, 2, 4, 8, 16",
    ),
    "EventBridge cannot take both day fields": (
        app(jobs={"nightly": {**NIGHTLY, "schedule": "0 0 1 * 1"}}),
        "jobs.nightly.schedule: EventBridge cannot restrict both day-of-month and day-of-week",
    ),
    "Cloud Run memory above 4 GiB with 1 CPU": (
        app(
            cloud="gcp",
            gcp={"project": "my-project-1"},
            services={"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080, "cpu": 1, "memory": 8192}},
        ),
        "services.web.memory: 8192 MiB needs at least 2 vCPU on Cloud Run",
    ),
    "Cloud Run fractional CPU": (
        app(
            cloud="gcp",
            gcp={"project": "my-project-1"},
            services={"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080, "cpu": 0.5}},
        ),
        "services.web.cpu: 0.5 vCPU is not available with the gen2 execution environment; allowed: 1, 2, 4, 6, 8",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_bad_input_is_refused_with_its_key_path_before_any_resource(case: str) -> None:
    bad, expected = REFUSED[case]
    assert expected in config_error(bad)


def test_every_problem_is_reported_at_once() -> None:
    bad = app(services={"web": {"kind": "http", "image": "x:1", "port": 8080, "memroy": 1, "cpux": 2}}, servcies={})
    message = config_error(bad)
    assert "servcies: unknown key" in message
    bad = app(services={"web": {"kind": "http", "image": "x:1", "port": 8080, "memroy": 1, "cpux": 2}})
    message = config_error(bad)
    assert "services.web.memroy" in message and "services.web.cpux" in message and "(2 problems)" in message


def test_secret_values_must_be_stored_as_secrets() -> None:
    bad = app(secrets={"API_TOKEN": {}}, secretValues={"API_TOKEN": "plain"})
    assert "secretValues: holds secret values but is stored in plain text" in config_error(bad)


def test_secret_values_for_undeclared_secrets_are_refused() -> None:
    raw = {
        "shipyard:name": "shop",
        "shipyard:cloud": "aws",
        "shipyard:services": MINIMAL["services"],
        "shipyard:secretValues": {"NOPE": "x"},
    }
    with pytest.raises(ConfigError, match=r"secretValues.NOPE: not declared under `secrets`"):
        load(raw, secret_keys=["shipyard:secretValues"])


def test_a_secret_value_set_as_a_secret_is_accepted_and_stays_secret() -> None:
    good = app(secrets={"API_TOKEN": {}}, secretValues={"API_TOKEN": "s3cr3t-value"})
    good["services"]["web"]["secrets"] = ["API_TOKEN"]
    rendering = render_app(good, secret_keys=["secretValues"])
    versions = rendering.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert any(v.name == "shop-api-token" for v in versions)
    assert all("s3cr3t-value" not in str(r.inputs) for r in rendering.of_type("aws:ecs/taskDefinition:TaskDefinition"))


def test_duplicate_keys_in_a_stack_file_are_refused(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.dup.yaml"
    stack_file.write_text("config:\n  shipyard:services:\n    api: {kind: http}\n    api: {kind: worker}\n")
    with pytest.raises(StackFileError, match=r"line 4: config.shipyard:services: duplicate key 'api'"):
        read_yaml(stack_file)


def test_development_profile_turns_defaults_down_but_explicit_values_win() -> None:
    stack = load(
        {
            "shipyard:name": "shop",
            "shipyard:cloud": "aws",
            "shipyard:profile": "development",
            "shipyard:services": MINIMAL["services"],
            "shipyard:database": {"highAvailability": True},
        }
    )
    assert stack.app.database is not None
    assert stack.app.database.high_availability is True
    assert stack.app.database.deletion_protection is False
    assert stack.app.aws is not None and stack.app.aws.single_nat is True
    assert stack.app.protect is False


def test_production_defaults_are_production_grade() -> None:
    stack = load(
        {
            "shipyard:name": "shop",
            "shipyard:cloud": "aws",
            "shipyard:services": MINIMAL["services"],
            "shipyard:database": {},
            "shipyard:cache": {},
        }
    )
    app_model = stack.app
    assert app_model.protect is True
    assert app_model.database is not None and app_model.database.high_availability and app_model.database.deletion_protection
    assert app_model.database.backup_retention_days >= 7
    assert app_model.cache is not None and app_model.cache.high_availability
    assert app_model.aws is not None and not app_model.aws.single_nat


def test_a_singleton_worker_runs_exactly_one_instance() -> None:
    stack = load(
        {
            "shipyard:name": "shop",
            "shipyard:cloud": "aws",
            "shipyard:services": {"beat": {"kind": "worker", "image": "x:1", "singleton": True}},
        }
    )
    scaling = stack.app.services["beat"].instances
    assert (scaling.min, scaling.max) == (1, 1)
    assert "services.beat.scaling: a singleton worker runs exactly one instance" in config_error(
        app(services={"beat": {"kind": "worker", "image": "x:1", "singleton": True, "scaling": {"min": 1, "max": 3}}})
    )


@pytest.mark.parametrize(
    ("cron", "eventbridge"),
    [
        ("0 0 * * *", "cron(0 0 * * ? *)"),
        ("0 9 * * 1-5", "cron(0 9 ? * 2-6 *)"),
        ("0 0 * * 5-7", "cron(0 0 ? * 6-7,1 *)"),
        ("0 0 * * 0,6", "cron(0 0 ? * 1,7 *)"),
        ("0 0 * * MON", "cron(0 0 ? * MON *)"),
        ("*/15 */2 * * *", "cron(0/15 0/2 * * ? *)"),
        ("30 4 1 * *", "cron(30 4 1 * ? *)"),
    ],
)
def test_cron_becomes_eventbridge_six_field_form(cron: str, eventbridge: str) -> None:
    from components.aws.schedule import to_eventbridge

    assert to_eventbridge(cron) == eventbridge
