"""One wiring for every renderer: each workload gets the same variables, plain and secret, on every cloud."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from stacks.model import RESERVED_ENV, App
from stacks.offline import Rendering
from stacks.wiring import needs
from tests.harness import ROOT, inputs_json, render_shared, stack_app

Names = tuple[frozenset[str], frozenset[str]]  # (plain, secret)


def rich(cloud: str, external_cache: bool = False) -> dict[str, Any]:
    app = stack_app(f"{cloud}-prod")
    app["secrets"]["SENTRY_DSN"] = {}
    app["secretValues"] = {"SENTRY_DSN": "https://planted@sentry.example/1"}
    app["services"]["worker"]["secrets"] = ["SECRET_KEY", "SENTRY_DSN"]
    app["buckets"]["exports"] = {}
    app["services"]["worker"]["buckets"] = ["uploads", "exports"]
    if external_cache:
        app["cache"] = {"externalUrlSecret": "UPSTASH_URL"}
        app["secrets"]["UPSTASH_URL"] = {}
        app["secretValues"]["UPSTASH_URL"] = "rediss://default:planted@example.upstash.io:6379"
    return app


def aws_names(rendering: Rendering) -> dict[str, Names]:
    found = {}
    for task in rendering.of_type("aws:ecs/taskDefinition:TaskDefinition"):
        (container,) = inputs_json(task.inputs["containerDefinitions"])
        plain = frozenset(e["name"] for e in container.get("environment", []))
        found[task.name] = (plain, frozenset(s["name"] for s in container.get("secrets", [])))
    return found


def gcp_names(rendering: Rendering) -> dict[str, Names]:
    found = {}
    for type_ in ("gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job", "gcp:cloudrunv2/workerPool:WorkerPool"):
        for workload in rendering.of_type(type_):
            template = workload.inputs["template"]
            (container,) = template.get("template", template)["containers"]
            envs = container.get("envs", [])
            plain = {e["name"] for e in envs if "valueSource" not in e}
            if container.get("ports"):
                plain.add("PORT")  # Cloud Run sets it to the container port; a revision may not set it itself
            found[workload.name] = (frozenset(plain), frozenset(e["name"] for e in envs if "valueSource" in e))
    return found


def expected(app: App) -> dict[str, Names]:
    found = {}
    for name in app.services:
        wired = needs(app, name)
        found[f"{app.name}-{name}"] = (frozenset(wired.env), frozenset(wired.secrets))
    for name, job in app.jobs.items():
        wired = needs(app, job.service, job)
        found[f"{app.name}-{name}"] = (frozenset(wired.env), frozenset(wired.secrets))
    if app.migrate is not None:
        wired = needs(app, app.migrate.service, release=True)
        found[f"{app.name}-migrate"] = (frozenset(wired.env), frozenset(wired.secrets))
    return found


@pytest.mark.parametrize("external_cache", [False, True], ids=["managed cache", "external cache"])
def test_every_renderer_gives_a_workload_the_same_variables(external_cache: bool) -> None:
    from stacks.config import load

    on_aws = aws_names(render_shared(rich("aws", external_cache), secret_keys=("secretValues",)))
    on_gcp = gcp_names(render_shared(rich("gcp", external_cache), secret_keys=("secretValues",)))
    assert on_aws == on_gcp
    app = load({f"shipyard:{k}": v for k, v in rich("aws", external_cache).items()}, ["shipyard:secretValues"]).app
    assert on_aws == expected(app), "the renderers give exactly what stacks.wiring decides"
    # The case this guards: DATABASE_USER was a secret on AWS and plain on GCP.
    assert all("DATABASE_USER" in plain for plain, _ in on_aws.values() if "DATABASE_URL" in _)


def test_no_renderer_names_a_variable_itself() -> None:
    """The names the stack injects are decided in stacks/wiring.py only; a renderer that spells one has forked the wiring."""
    names = "|".join(sorted(RESERVED_ENV - {"PORT"}))
    pattern = re.compile(rf'"({names}|BUCKET_[A-Z_]+)"')
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "components").rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_the_wiring_module_knows_no_cloud() -> None:
    source = Path(ROOT / "stacks" / "wiring.py").read_text()
    assert not re.search(r"\b(aws|gcp|pulumi)\b", source.split('"""', 2)[2]), "stacks/wiring.py must stay cloud-neutral"


def test_the_docker_renderer_gives_each_workload_what_the_wiring_decides() -> None:
    """The third renderer: every name `stacks.wiring` hands out, no other, and secret in the state when any value is.

    Docker has no separate secret channel (a container's environment is one list), so plain and secret are checked
    as one set plus the list's secrecy; the first test pins the split on the clouds.
    """
    from stacks.config import load

    app_config = stack_app("local")
    app_config["secrets"]["SENTRY_DSN"] = {}
    app_config["secretValues"] = {"SENTRY_DSN": "https://planted@sentry.example/1"}
    app_config["services"]["worker"]["secrets"] = ["SECRET_KEY", "SENTRY_DSN"]
    rendering = render_shared(app_config, "local", ("secretValues",))
    app = load({f"shipyard:{k}": v for k, v in app_config.items()}, ["shipyard:secretValues"]).app
    wanted = expected(app)
    found = {}
    for container in rendering.of_type("docker:index/container:Container"):
        logical = re.sub(r"-1$", "", container.name)
        if logical in wanted:
            names = frozenset(line.split("=", 1)[0] for line in container.inputs.get("envs") or [])
            found[logical] = names
            assert ("envs" in container.secret_inputs) == bool(wanted[logical][1]), logical
    assert found == {name: plain | secret for name, (plain, secret) in wanted.items()}
