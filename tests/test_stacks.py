"""The committed project and stack files are what users run: they load, declare their keys and render."""

from __future__ import annotations

import json
from pathlib import Path

from stacks import render as render_cli
from stacks.config import PROJECT, top_level_keys
from stacks.offline import ROOT, committed_stacks, read_yaml, stack_config
from tests.harness import stack_app


def test_project_uses_pip_virtualenv_runtime() -> None:
    project = read_yaml(ROOT / "Pulumi.yaml")
    assert project["name"] == PROJECT
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}


def test_project_declares_every_config_key_with_a_description() -> None:
    declared = read_yaml(ROOT / "Pulumi.yaml")["config"]
    assert set(declared) == set(top_level_keys())
    assert all(spec.get("description") for spec in declared.values())


def test_both_production_stacks_are_committed() -> None:
    assert {"aws-prod", "gcp-prod"} <= set(committed_stacks())


def test_committed_stacks_hold_no_secrets() -> None:
    for stack in committed_stacks():
        config, secret_keys = stack_config(stack)
        assert secret_keys == [], f"{stack} has encrypted values; secrets belong in `pulumi config set --secret` or ESC"
        assert f"{PROJECT}:secretValues" not in config


def test_production_stacks_describe_pmis_with_its_figures() -> None:
    for stack in ("aws-prod", "gcp-prod"):
        app = stack_app(stack)
        assert app["profile"] == "production"
        assert set(app["services"]) == {"api", "worker", "web"}
        assert app["services"]["api"]["routes"] == ["/api"] and app["services"]["api"]["port"] == 8000
        assert app["services"]["api"]["healthPath"] == "/health"
        assert app["services"]["web"]["port"] == 3000
        assert app["services"]["worker"]["kind"] == "worker"
        job = app["jobs"]["check-overdue-tasks"]
        assert (job["schedule"], job["timeZone"], job["retries"]) == ("0 0 * * *", "UTC", 3)
        assert app["database"]["version"] == 15 and app["cache"]["version"] == "7"
        assert app["domain"]["name"] == "app.example.com"
    assert stack_app("gcp-prod")["services"]["api"]["scaling"]["min"] == 5
    assert stack_app("gcp-prod")["services"]["api"]["scaling"]["max"] == 100
    assert stack_app("aws-prod")["services"]["api"]["scaling"]["min"] >= 2


def test_offline_render_prints_tree_counts_workloads_and_outputs(tmp_path: Path, capsys) -> None:
    out_file = tmp_path / "aws-prod.json"
    assert render_cli.main(["aws-prod", "--json", str(out_file)]) == 0
    printed = capsys.readouterr().out
    for heading in ("Resources:", "Counts by type:", "Workloads:", "Outputs:"):
        assert heading in printed
    assert "pmis-api" in printed and "cron(0 0 * * ? *)" in printed
    data = json.loads(out_file.read_text())
    assert data["stack"] == "aws-prod"
    assert data["counts"]["aws:ecs/service:Service"] == 3
    assert data["outputs"]["url"] == "https://app.example.com"
    assert len(data["resources"]) == sum(data["counts"].values())


def test_offline_render_reports_bad_config_without_a_traceback(tmp_path: Path, capsys, monkeypatch) -> None:
    from stacks import offline

    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "Pulumi.bad.yaml").write_text("config:\n  shipyard:name: Bad_Name\n  shipyard:cloud: aws\n")
    (tmp_path / "__main__.py").write_text((ROOT / "__main__.py").read_text())
    monkeypatch.setattr(offline, "ROOT", tmp_path)
    monkeypatch.setattr(render_cli, "committed_stacks", lambda: ["bad"])
    monkeypatch.setattr(render_cli, "render", lambda stack: offline.render(stack, root=tmp_path))
    assert render_cli.main(["bad"]) == 2
    err = capsys.readouterr().err
    assert "name: 'Bad_Name' is not a valid name" in err and "services: required key is missing" in err
    assert "Traceback" not in err


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = [line for line in readme.splitlines() if line.startswith("python3 -m venv venv && ")]
    assert len(commands) == 2, "the README opens with exactly two commands"
    assert "stacks.render aws-prod" in commands[0] and "pytest" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
