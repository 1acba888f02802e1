"""The Mermaid diagrams (stacks/diagram.py): drawn from the render and the wiring, and embedded in README.md up to date."""

from __future__ import annotations

import re

import pytest

from stacks import diagram as diagrams
from stacks.config import load
from stacks.model import App, Service
from stacks.offline import committed_stacks, stack_config
from stacks.wiring import needs
from tests.harness import render_stack

STALE = f"README.md: the diagrams are stale; run `{diagrams.COMMAND}`"


def app_of(stack: str) -> App:
    config, secret_keys = stack_config(stack)
    return load(config, secret_keys).app


def drawn(stack: str, app: App | None = None) -> str:
    return diagrams.diagram(render_stack(stack), app or app_of(stack))


def test_the_readme_embeds_the_current_diagram_of_every_committed_stack() -> None:
    text = diagrams.README.read_text()
    expected = diagrams.render_readme(text, {stack: drawn(stack) for stack in committed_stacks()})
    assert text == expected, STALE


def test_a_stale_or_missing_diagram_is_caught() -> None:
    text = diagrams.README.read_text()
    current = {stack: drawn(stack) for stack in committed_stacks()}
    stale = text.replace("svc_api", "svc_old_api", 1)
    assert stale != text and diagrams.render_readme(stale, current) == text
    with pytest.raises(diagrams.DiagramError, match="no markers for aws-prod"):
        diagrams.render_readme("# no markers", {"aws-prod": current["aws-prod"]})


@pytest.mark.parametrize("stack", committed_stacks())
def test_every_workload_and_store_is_drawn_with_who_reads_what(stack: str) -> None:
    app, text = app_of(stack), drawn(stack)
    assert text.startswith("flowchart LR\n")
    for name, svc in app.services.items():
        node = diagrams.node_id("svc", name)
        assert re.search(rf"^    {node}[\[(]\"{re.escape(name)} \(", text, re.MULTILINE), name
        wired = needs(app, name)
        assert (f"  {node} --> db" in text) == wired.database, name
        assert (f"  {node} --> cache" in text) == (svc.cache and app.cache is not None), name
        for bucket in app.buckets:
            assert (f"  {node} --> {diagrams.node_id('bucket', bucket)}" in text) == (bucket in wired.buckets), (name, bucket)
        for secret in app.secrets:
            assert (f"  {node} -.-> {diagrams.node_id('secret', secret)}" in text) == (secret in wired.app_secrets), (name, secret)
    for name, job in app.jobs.items():
        assert f'  scheduler -- "{job.schedule} {job.time_zone}" --> {diagrams.node_id("job", name)}' in text
    assert "release[/" in text and "  release --> db" in text
    for store in ("db[(", "cache[(", *(f"{diagrams.node_id('bucket', b)}[(" for b in app.buckets)):
        assert store in text, store


def test_the_docker_edge_is_the_proxy_with_the_routes_of_its_caddyfile() -> None:
    text = drawn("local")
    assert 'lb["Caddy reverse proxy"]' in text and "waf" not in text
    assert '  lb -- "/api" --> svc_api' in text and '  lb -- "/" --> svc_web' in text
    assert 'scheduler(["busybox crond"])' in text and "svc_worker(" in text


def test_the_edge_shows_the_load_balancer_its_routes_waf_and_cdn() -> None:
    aws, gcp = drawn("aws-prod"), drawn("gcp-prod")
    assert '    waf{{"AWS WAF' in aws and "  users --> waf" in aws and "  waf --> lb" in aws
    assert 'lb["Application Load Balancer<br/>app.example.com"]' in aws
    assert '  lb -- "/api" --> svc_api' in aws and '  lb -- "/" --> svc_web' in aws
    assert '    waf{{"Cloud Armor' in gcp and 'lb -- "/" --> cdn' in gcp and "  cdn --> svc_web" in gcp
    assert '  lb -- "/api" --> svc_api' in gcp


def test_node_ids_are_stable_and_labels_short() -> None:
    for stack in committed_stacks():
        text = drawn(stack)
        assert text == drawn(stack)
        ids = re.findall(r"^    ([A-Za-z0-9_]+)[\[(>{]", text, re.MULTILINE)
        assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-z]+(_[A-Za-z0-9_]+)?", i) for i in ids), ids
        for label in re.findall(r'"([^"]*)"', text):
            assert all(len(part) <= 48 for part in label.split("<br/>")), label


@pytest.mark.skipif("calls" not in Service.model_fields, reason="services do not declare calls yet")
def test_calls_between_services_are_drawn() -> None:
    app = app_of("aws-prod")
    web = app.services["web"].model_copy(update={"calls": ["api"]})
    calling = app.model_copy(update={"services": {**app.services, "web": web}})
    text = drawn("aws-prod", calling)
    assert '  svc_web -- "calls" --> svc_api' in text
    assert "calls" not in drawn(
        "aws-prod", app.model_copy(update={"services": {**app.services, "web": app.services["web"].model_copy(update={"calls": []})}})
    )
