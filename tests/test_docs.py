"""The config reference in README.md and the config descriptions in Pulumi.yaml come from the model alone.

After changing a key, a default or a description in stacks/model.py, run `venv/bin/python -m stacks.docs`.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest

from components.gcp.defaults import DEFAULT_CPU
from stacks import docs
from stacks.config import top_level_keys
from stacks.model import DEVELOPMENT_DEFAULTS, App, Job, Migration, Service
from stacks.offline import read_yaml

STALE = f"stale: run `{docs.COMMAND}` and commit the result"


def _diff(old: str, new: str, name: str) -> str:
    return "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), name, "generated", lineterm="", n=1))


def test_readme_config_reference_is_generated_from_the_model() -> None:
    text = docs.README.read_text()
    expected = docs.render_readme(text)
    assert text == expected, f"README.md: {STALE}\n{_diff(text, expected, 'README.md')}"


def test_pulumi_yaml_config_descriptions_are_generated_from_the_model() -> None:
    text = docs.PROJECT.read_text()
    expected = docs.render_project(text)
    assert text == expected, f"Pulumi.yaml: {STALE}\n{_diff(text, expected, 'Pulumi.yaml')}"


def test_readme_lists_every_model_key_and_no_other() -> None:
    in_readme, in_model = set(docs.readme_rows(docs.README.read_text())), set(docs.model_rows())
    assert not in_model - in_readme, f"keys of the model missing from README.md: {sorted(in_model - in_readme)}; {STALE}"
    assert not in_readme - in_model, f"keys in README.md the model does not have: {sorted(in_readme - in_model)}; {STALE}"


def test_readme_types_defaults_and_meanings_are_the_models() -> None:
    in_readme, in_model = docs.readme_rows(docs.README.read_text()), docs.model_rows()
    differ = [f"{path}: README {in_readme[path]} != model {row}" for path, row in in_model.items() if in_readme.get(path, row) != row]
    assert not differ, "\n".join([*differ, STALE])


def test_every_key_of_every_model_has_a_one_line_description() -> None:
    rows = docs.model_rows()  # raises DocsError naming a key without a description
    assert {"services.<name>.scaling.cpuTarget", "jobs.<name>.schedule", "secrets.<NAME>.length", "gcp.project"} <= set(rows)
    long = [path for path, row in rows.items() if "\n" in row.meaning or not row.meaning.strip()]
    assert not long, f"descriptions are one line: {long}"


@pytest.mark.parametrize("model", [Service, Job, Migration])
def test_cloud_dependent_cpu_defaults_are_written_as_each_cloud_applies_them(model: type[Any]) -> None:
    # components/gcp/defaults.py raises the model's cpu to Cloud Run's smallest where the stack sets none.
    field = model.model_fields["cpu"]
    assert field.default < DEFAULT_CPU
    assert (field.json_schema_extra or {}).get("docs_default") == f"`{field.default:g}` on AWS, `{DEFAULT_CPU:g}` on GCP"


def _flatten(defaults: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in defaults.items():
        flat |= _flatten(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}": value}
    return flat


def test_every_development_default_is_shown_with_its_key() -> None:
    rows = docs.model_rows()
    for path, value in _flatten(DEVELOPMENT_DEFAULTS).items():
        assert path in rows, f"DEVELOPMENT_DEFAULTS names {path}, which is no key of the model"
        assert rows[path].default.endswith(f"({docs._code(value)} in development)"), rows[path]


def test_pulumi_yaml_types_and_defaults_agree_with_the_model() -> None:
    declared = read_yaml(docs.PROJECT)["config"]
    assert list(declared) == [k for k in declared if k in top_level_keys()]
    fields = {f.alias or n: f for n, f in App.model_fields.items()}
    for key, spec in declared.items():
        if "type" in spec:
            assert spec["type"] == docs.project_type(key), (
                f"Pulumi.yaml: {key}: type {spec['type']}, the model takes {docs.project_type(key)}"
            )
        if "default" in spec:
            assert not fields[key].is_required() and spec["default"] == fields[key].default, f"Pulumi.yaml: {key}: default differs"


def test_a_readme_that_drifted_is_caught_in_both_directions(tmp_path: Path) -> None:
    good = docs.render_readme(docs.README.read_text())
    row = "| `cpuTarget` | integer, 10-95 | `70` |"
    assert row in good
    drifted = {
        "a key left out": good.replace(next(line for line in good.splitlines() if line.startswith(row)) + "\n", ""),
        "a key the model lacks": good.replace(row, "| `burst` | bool | `false` | more |\n" + row),
        "a default changed": good.replace(row, "| `cpuTarget` | integer, 10-95 | `60` |"),
        "a meaning changed": good.replace("| Target average CPU %", "| Average CPU %"),
    }
    for what, text in drifted.items():
        assert text != good, what
        assert docs.readme_rows(text) != docs.model_rows(), what
        readme = tmp_path / "README.md"
        readme.write_text(text)
        assert len(docs.stale(readme, docs.PROJECT)) == 1, what
        assert docs.render_readme(text) == good, what


def test_prose_outside_the_markers_is_kept() -> None:
    text = f"# Title\n\nBefore.\n\n{docs.BEGIN}\nold tables\n{docs.END}\n\n## After\n\nText.\n"
    rendered = docs.render_readme(text)
    assert rendered.startswith(f"# Title\n\nBefore.\n\n{docs.BEGIN}\n\n### Top level\n")
    assert rendered.endswith(f"\n\n{docs.END}\n\n## After\n\nText.\n")
    with pytest.raises(docs.DocsError, match="markers"):
        docs.render_readme("no markers here")


def test_check_command_passes_on_the_committed_files(capsys) -> None:
    assert docs.main(["--check"]) == 0, capsys.readouterr().out
