"""The pull-request report (stacks/report.py): stable records, the engine's plan between two of them, data loss named."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

from stacks import render as render_cli
from stacks import report
from stacks.config import load
from stacks.cost import estimate
from stacks.diagram import diagram
from stacks.offline import SECRET_PLACEHOLDER, Rendering, committed_stacks, stack_config
from stacks.plan import plan
from tests.harness import render_shared, render_stack, stack_app


def saved_record(
    rendering: Rendering, stack: str, config: dict[str, Any] | None = None, secret_keys: list[str] | None = None
) -> dict[str, Any]:
    if config is None:
        config, secret_keys = stack_config(stack)
    app = load(config, secret_keys or []).app
    return report.record(rendering, config, secret_keys or [], estimate(rendering, app).as_dict(), diagram(rendering, app))


def committed_record(stack: str) -> dict[str, Any]:
    return saved_record(render_stack(stack), stack)


def changed_aws_prod() -> report.Saved:
    """aws-prod after a risky pull request: a renamed database, one more api task, the uploads bucket removed."""
    app = stack_app("aws-prod")
    app["database"]["name"] = "pmis"
    app["services"]["api"]["scaling"]["min"] = 3
    del app["buckets"]["uploads"]
    for svc in app["services"].values():
        svc.pop("buckets", None)
    config = {f"shipyard:{key}": value for key, value in app.items()}
    return report.from_record(saved_record(render_shared(app, "aws-prod"), "aws-prod", config, []))


def test_records_of_the_same_code_are_byte_identical_whatever_the_registration_order() -> None:
    rendering = render_stack("aws-prod")
    shuffled = copy.deepcopy(rendering)
    shuffled.resources.reverse()
    for resource in shuffled.resources:
        resource.dependencies.reverse()
        resource.secret_inputs = set(reversed(sorted(resource.secret_inputs)))
        resource.property_dependencies = dict(reversed(list(resource.property_dependencies.items())))
    first, second = report.dumps(committed_record("aws-prod")), report.dumps(saved_record(shuffled, "aws-prod"))
    assert first == second
    # `python -m stacks.render --json` too: resources by URN, keys sorted.
    as_json = [json.dumps(render_cli.as_dict(r), indent=2, sort_keys=True, default=str) for r in (rendering, shuffled)]
    assert as_json[0] == as_json[1]
    rec = json.loads(first)
    assert list(rec["resources"]) == sorted(rec["resources"]), "resources are keyed by URN, in order"


def test_secret_inputs_and_generated_values_are_masked() -> None:
    for stack in committed_stacks():
        rendering = render_stack(stack)
        text = report.dumps(committed_record(stack))
        secret = [r for r in rendering.resources if r.secret_inputs]
        assert secret, stack
        rec = json.loads(text)
        for r in secret:
            for name in r.secret_inputs:
                assert rec["resources"][r.urn]["inputs"][name] == SECRET_PLACEHOLDER
                value = r.inputs[name]
                assert not isinstance(value, str) or value not in text, f"{stack}: {r.name}.{name} leaks into the record"


def test_a_record_reads_back_as_the_rendering_the_plan_takes() -> None:
    rec = committed_record("gcp-prod")
    saved = report.from_record(json.loads(report.dumps(rec)))
    assert [report.resource_record(r) for r in sorted(saved.rendering.resources, key=lambda r: r.urn)] == list(rec["resources"].values())
    assert saved.cost == rec["cost"] and saved.diagram == rec["diagram"] and saved.config == rec["config"]
    same = plan(saved.rendering, report.from_record(rec).rendering)
    assert not same.changes and not same.errors and not same.warnings
    original = {dataclasses.astuple(r)[:3] for r in render_stack("gcp-prod").resources}
    assert {dataclasses.astuple(r)[:3] for r in saved.rendering.resources} == original


def test_the_report_lists_replacements_updates_and_deletions_and_names_the_data_lost() -> None:
    base = report.from_record(committed_record("aws-prod"))
    result = report.compare("aws-prod", base, changed_aws_prod())
    assert "database.name" in result.changed_config and "services.api.scaling.min" in result.changed_config
    replaced = {(s.resource.type, s.resource.name): s.reasons for s in result.steps("replace")}
    assert replaced[("aws:rds/instance:Instance", "pmis")] == ["dbName"]
    updated = {(s.resource.type, s.resource.name): s.changed for s in result.steps("update")}
    assert updated[("aws:appautoscaling/target:Target", "pmis-api")] == ["minCapacity"]
    removed = {(s.resource.type, s.resource.name) for s in result.steps("delete")}
    assert ("aws:s3/bucket:Bucket", "pmis-uploads") in removed
    loss = "\n".join(result.data_loss)
    assert "replaces aws:rds/instance:Instance 'pmis' (forced by dbName); caused by config key database.name" in loss
    assert "deletes aws:s3/bucket:Bucket 'pmis-uploads'; caused by config key buckets.uploads" in loss
    assert any("is protected and cannot be replaced" in e for e in result.refusals)
    markdown = report.as_markdown([result])
    assert "> [!CAUTION]" in markdown and "`database.name`" in markdown
    assert "```mermaid" in markdown
    # One more api task: Fargate vCPU and memory plus its logs, 730 hours each.
    assert result.head and result.base and result.head.cost and result.base.cost
    added = result.head.cost["monthlyMin"] - result.base.cost["monthlyMin"]
    assert round(added, 2) == round(0.5 * 730 * 0.04048 + 1 * 730 * 0.004445 + 0.5, 2)
    assert "+$18.52 / ±$0.00" in markdown


def test_a_new_stack_is_all_creation_and_a_missing_base_record_is_said_plainly() -> None:
    head = report.from_record(committed_record("gcp-prod"))
    new = report.compare("gcp-prod", None, head)
    assert new.note.startswith("new stack") and new.plan is not None
    assert {s.action for s in new.plan.steps} == {"create"} and not new.data_loss
    unknown = report.compare("gcp-prod", None, head, base_note="the base commit predates stacks/report.py")
    assert unknown.plan is None and "predates" in report.as_markdown([unknown])
    gone = report.compare("gcp-prod", head, None)
    assert gone.plan is not None and {s.action for s in gone.plan.steps} == {"delete"}
    assert gone.data_loss and all(line.endswith("the stack's file is removed") for line in gone.data_loss)


def write(directory: Path, stack: str, rec: dict[str, Any]) -> None:
    directory.mkdir(exist_ok=True)
    (directory / f"{stack}.json").write_text(report.dumps(rec))


def test_the_command_compares_saved_records_writes_markdown_and_flags_data_loss(tmp_path: Path, capsys) -> None:
    base_dir, head_dir = tmp_path / "base", tmp_path / "head"
    for stack in committed_stacks():
        write(base_dir, stack, committed_record(stack))
        write(head_dir, stack, committed_record(stack))
    markdown = tmp_path / "report.md"
    args = ["--all", "--base-dir", str(base_dir), "--head-dir", str(head_dir), "--markdown", str(markdown)]
    assert report.main(args) == 0
    printed = capsys.readouterr().out
    assert printed.count("0 to add, 0 to update, 0 to replace, 0 to remove") == len(committed_stacks())
    text = markdown.read_text()
    assert text.startswith(report.COMMENT_MARKER) and "## Offline plan, diagram and cost" in text

    changed = changed_aws_prod()
    head_file = tmp_path / "changed.json"
    head_file.write_text(report.dumps(json.loads(json.dumps(_as_record(changed)))))
    base_file = base_dir / "aws-prod.json"
    assert report.main(["aws-prod", "--base", str(base_file), "--head", str(head_file), "--github"]) == 0
    printed = capsys.readouterr().out
    assert "::warning title=Possible data loss in aws-prod::replaces aws:rds/instance:Instance 'pmis'" in printed
    assert report.main(["aws-prod", "--base", str(base_file), "--head", str(head_file), "--strict"]) == 1
    capsys.readouterr()
    assert report.main(["aws-prod", "--base", str(tmp_path / "missing.json")]) == 2


def _as_record(saved: report.Saved) -> dict[str, Any]:
    return report.record(saved.rendering, saved.config, [], saved.cost, saved.diagram)


def test_save_writes_the_working_trees_record(tmp_path: Path) -> None:
    out = tmp_path / "gcp-prod.json"
    assert report.main(["gcp-prod", "--save", str(out)]) == 0
    assert out.read_text() == report.dumps(committed_record("gcp-prod"))
