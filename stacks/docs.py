"""The config reference, generated from the model: one source for keys, types, defaults and descriptions.

`venv/bin/python -m stacks.docs` rewrites the tables between the two markers in README.md and the config key
descriptions in Pulumi.yaml; `--check` changes nothing and exits 1 when either is stale (tests/test_docs.py
fails the same way). Each key's meaning is its `Field(description=...)` in stacks/model.py. A default that the
model computes elsewhere (per cloud, or from another key) is written as `json_schema_extra={"docs_default": ...}`;
`docs_type` replaces the derived type, `docs_key` names a map's keys (`NAME` for environment variable names).
What `profile: development` changes is read from `DEVELOPMENT_DEFAULTS`.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from stacks.config import SECRET_VALUES_KEY, top_level_keys
from stacks.model import DEVELOPMENT_DEFAULTS, App

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PROJECT = ROOT / "Pulumi.yaml"
COMMAND = "venv/bin/python -m stacks.docs"
BEGIN = f"<!-- BEGIN config reference: generated from stacks/model.py by `{COMMAND}`; edit the model, not these tables -->"
END = "<!-- END config reference -->"
TOP_LEVEL = "Top level"

# `secretValues` is no key of the model: stacks/config.py takes it out before the model sees the config.
# Its row follows the row of `secrets`, which it belongs to.
SECRET_VALUES_ROW = ("secret map NAME → string", "`{}`")
SECRET_VALUES_AFTER = "secrets"  # noqa: S105 - a config key name

MISSING = object()


@dataclass(frozen=True)
class Row:
    key: str
    type: str
    default: str
    meaning: str


@dataclass(frozen=True)
class Table:
    """The keys of one block; `path` is its key path (`services.<name>.scaling`), TOP_LEVEL for the app itself."""

    path: str
    rows: tuple[Row, ...]


class DocsError(ValueError):
    """The model lacks what the reference needs (a description), named by key path."""


# ---- the model, walked


def _extra(field: FieldInfo) -> dict[str, Any]:
    extra = field.json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}


def _strip_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else Union[tuple(args)]  # noqa: UP007 - built from a runtime tuple
    return annotation


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The model classes a field holds, directly or as the values of a map or the items of a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    args = get_args(annotation)
    if get_origin(annotation) is dict:
        args = args[1:]
    for arg in args:
        found += [m for m in _models(arg) if m not in found]
    return found


def _child_path(parent: str, key: str, field: FieldInfo) -> str:
    """The heading of the block a field holds: `services.<name>`, `migrate`, `overrides[]`."""
    path = key if parent == TOP_LEVEL else f"{parent}.{key}"
    annotation = _strip_none(field.annotation)
    if get_origin(annotation) is dict:
        return f"{path}.<{_extra(field).get('docs_key', 'name')}>"
    if get_origin(annotation) is list:
        return f"{path}[]"
    return path


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _literal(value: Any) -> str:
    """A value as written in the stack file: strings bare unless YAML would read them as something else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _num(value)
    if isinstance(value, str):
        return value if yaml.safe_load(value) == value and value.strip() == value and value else json.dumps(value)
    return json.dumps(value, separators=(", ", ": "))


def _code(value: Any) -> str:
    return f"`{_literal(value)}`"


def _bounds(field: FieldInfo) -> str:
    found: dict[str, Any] = {}
    for item in field.metadata:
        for name in ("ge", "gt", "le", "lt", "min_length", "max_length"):
            if getattr(item, name, None) is not None:
                found[name] = getattr(item, name)
    low = ("ge", found["ge"]) if "ge" in found else ("gt", found["gt"]) if "gt" in found else None
    high = ("le", found["le"]) if "le" in found else ("lt", found["lt"]) if "lt" in found else None
    if low and high and low[0] == "ge" and high[0] == "le":
        return f"{_num(low[1])}-{_num(high[1])}"
    parts = []
    if low:
        parts.append(f"{'≥' if low[0] == 'ge' else '>'} {_num(low[1])}")
    if high:
        parts.append(f"{'≤' if high[0] == 'le' else '<'} {_num(high[1])}")
    if found.get("min_length"):
        parts.append(f"at least {found['min_length']}")
    return ", ".join(parts)


SCALARS = {str: "string", int: "integer", float: "number", bool: "bool"}


def _type_of(annotation: Any, child: str, key_name: str) -> str:
    annotation = _strip_none(annotation)
    origin = get_origin(annotation)
    if origin is Literal:
        return " | ".join(_code(v) for v in get_args(annotation))
    if origin is dict:
        return f"map {key_name} → {_type_of(get_args(annotation)[1], child, key_name)}"
    if origin is list:
        item = get_args(annotation)[0]
        if _models(item):
            return f"list of objects (`{child}`)"
        text = _type_of(item, child, key_name)
        return f"list of {text}s" if text in SCALARS.values() else f"list of {text}"
    if _models(annotation):
        return f"object (`{child}`)"
    if annotation in SCALARS:
        return SCALARS[annotation]
    return "any value"


def _type_text(field: FieldInfo, child: str) -> str:
    extra = _extra(field)
    if "docs_type" in extra:
        return str(extra["docs_type"])
    text = _type_of(field.annotation, child, str(extra.get("docs_key", "name")))
    bounds = _bounds(field)
    return f"{text}, {bounds}" if bounds else text


def _development_default(parts: Sequence[str]) -> Any:
    current: Any = DEVELOPMENT_DEFAULTS
    for part in parts:
        if not isinstance(current, dict) or part not in current:
            return MISSING
        current = current[part]
    return MISSING if isinstance(current, dict) else current


def _default_text(field: FieldInfo, parts: Sequence[str]) -> str:
    extra = _extra(field)
    if "docs_default" in extra:
        text = str(extra["docs_default"])
    elif field.is_required():
        text = "required"
    else:
        value = field.get_default(call_default_factory=True)
        text = "none" if value is None else "its keys' defaults" if isinstance(value, BaseModel) else _code(value)
    development = _development_default(parts)
    if development is not MISSING:
        text += f" ({_code(development)} in development)"
    return text


def _walk(model: type[BaseModel], path: str, parts: tuple[str, ...], out: list[Table]) -> None:
    rows: list[Row] = []
    nested: list[tuple[type[BaseModel], str, tuple[str, ...]]] = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        child = _child_path(path, key, field)
        if not field.description:
            raise DocsError(f"{child}: the field has no description; give it Field(description=...) in stacks/model.py")
        rows.append(Row(key, _type_text(field, child), _default_text(field, (*parts, key)), field.description))
        if model is App and key == SECRET_VALUES_AFTER:
            rows.append(Row(SECRET_VALUES_KEY, *SECRET_VALUES_ROW, top_level_keys()[SECRET_VALUES_KEY]))
        # A map's or a list's entries are the user's own names, which no development default names.
        child_parts = (*parts, key) if child.endswith(key) else (*parts, key, "*")
        nested += [(m, child, child_parts) for m in _models(_strip_none(field.annotation))]
    out.append(Table(path, tuple(rows)))
    for child_model, child, child_parts in nested:
        several = sum(1 for m, p, _ in nested if p == child) > 1
        _walk(child_model, f"{child} ({child_model.__name__})" if several else child, child_parts, out)


def tables() -> list[Table]:
    """Every block of the config, top level first, each nested block after the table that names it."""
    out: list[Table] = []
    _walk(App, TOP_LEVEL, (), out)
    return out


# ---- README.md


def _cell(text: str) -> str:
    return text.replace("\\|", "|").replace("|", "\\|").replace("\n", " ")


def _heading(path: str) -> str:
    if path == TOP_LEVEL:
        return f"### {TOP_LEVEL}"
    block, _, variant = path.partition(" ")
    return f"### `{block}`{(' ' + variant) if variant else ''}"


def reference() -> str:
    """The markdown between the markers."""
    parts = []
    for table in tables():
        lines = [_heading(table.path), "", "| key | type | default | meaning |", "|---|---|---|---|"]
        lines += [f"| `{r.key}` | {_cell(r.type)} | {_cell(r.default)} | {_cell(r.meaning)} |" for r in table.rows]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _split(text: str) -> tuple[str, str, str]:
    """README text as (before BEGIN, the generated part, from END on)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise DocsError(f"README.md: the markers are missing or out of order; the config reference sits between\n{BEGIN}\nand\n{END}")
    return text[: start + len(BEGIN)], text[start + len(BEGIN) : end], text[end:]


def render_readme(text: str) -> str:
    before, _, after = _split(text)
    return f"{before}\n\n{reference()}\n\n{after}"


HEADING = re.compile(r"^### (?:`(?P<path>[^`]+)`(?P<variant> \(\w+\))?|(?P<top>.+))$")
CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def readme_rows(text: str) -> dict[str, Row]:
    """The reference as README.md has it, by full key path (`services.<name>.scaling.min`)."""
    _, generated, _ = _split(text)
    rows: dict[str, Row] = {}
    block = None
    for line in generated.splitlines():
        heading = HEADING.match(line)
        if heading:
            block = heading["path"] + (heading["variant"] or "") if heading["path"] else heading["top"]
            continue
        cells = [c.strip().replace("\\|", "|") for c in CELL_SEPARATOR.split(line)]
        if block is not None and len(cells) == 6 and cells[1].startswith("`") and cells[1].endswith("`"):
            key = cells[1].strip("`")
            rows[key if block == TOP_LEVEL else f"{block}.{key}"] = Row(key, *cells[2:5])
    return rows


def model_rows() -> dict[str, Row]:
    """The reference as the model has it, keyed like `readme_rows`."""
    return {(r.key if t.path == TOP_LEVEL else f"{t.path}.{r.key}"): r for t in tables() for r in t.rows}


# ---- Pulumi.yaml


def _join(*sentences: str) -> str:
    return " ".join(s if s.endswith((".", "!", "?")) else f"{s}." for s in sentences if s)


def project_description(key: str) -> str:
    """A top-level key's description in Pulumi.yaml: its meaning, then its default or the keys of its block."""
    row = next(r for r in tables()[0].rows if r.key == key)
    field = _app_field(key)
    annotation = _strip_none(field.annotation) if field is not None else None
    models = _models(annotation)
    if models:
        each = " of each" if get_origin(annotation) in (dict, list) else ""
        names = ", ".join(dict.fromkeys(f.alias or n for m in models for n, f in m.model_fields.items()))
        return _join(row.meaning, f"Keys{each}: {names}")
    return _join(row.meaning, "" if row.default == "required" else f"Default: {row.default}")


def _app_field(key: str) -> FieldInfo | None:
    return next((f for n, f in App.model_fields.items() if (f.alias or n) == key), None)


def project_type(key: str) -> str | None:
    """The Pulumi project config `type` a top-level key can declare; none for maps, objects and lists of objects."""
    field = _app_field(key)
    if field is None:
        return None
    annotation = _strip_none(field.annotation)
    if get_origin(annotation) is Literal:
        kinds = {type(v) for v in get_args(annotation)}
        annotation = kinds.pop() if len(kinds) == 1 else None
    return {str: "string", bool: "boolean", int: "integer"}.get(annotation)


BLOCK = re.compile(r"^  (?P<key>[^\s#][^:]*):\s*$")


def render_project(text: str) -> str:
    """Pulumi.yaml with one config entry per top-level key, each described from the model; `type` and `default`
    lines of existing entries are kept (tests/test_docs.py checks them), entries for new keys get a `type`."""
    lines = text.splitlines()
    start = lines.index("config:") + 1
    end = next((i for i in range(start, len(lines)) if lines[i] and not lines[i].startswith((" ", "#"))), len(lines))
    head: list[str] = []
    blocks: dict[str, list[str]] = {}
    current: list[str] = head
    for line in lines[start:end]:
        found = BLOCK.match(line)
        if found:
            current = blocks.setdefault(found["key"], [])
        elif not line.strip().startswith("description:") or current is head:
            current.append(line)
    wanted = top_level_keys()
    order = [k for k in blocks if k in wanted] + [k for k in wanted if k not in blocks]
    body: list[str] = []
    for key in order:
        described = yaml.safe_dump({"description": project_description(key)}, width=1_000_000, allow_unicode=True).strip()
        entry = blocks.get(key)
        if entry is None:
            kind = project_type(key)
            entry = [f"    type: {kind}"] if kind else []
        at = next((i + 1 for i, line in enumerate(entry) if line.strip().startswith("type:")), 0)
        body += [f"  {key}:", *entry[:at], f"    {described}", *entry[at:]]
    return "\n".join([*lines[:start], *head, *body, *lines[end:]]) + "\n"


# ---- the command


def _diff(name: str, old: str, new: str) -> str:
    return "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), name, f"{name} (generated)", lineterm="", n=1))


def stale(readme: Path = README, project: Path = PROJECT) -> list[str]:
    """A diff per file that differs from what the model generates."""
    found = []
    for path, render in ((readme, render_readme), (project, render_project)):
        old = path.read_text()
        new = render(old)
        if new != old:
            found.append(_diff(path.name, old, new))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.docs", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when README.md or Pulumi.yaml is stale")
    args = parser.parse_args(argv)
    try:
        if args.check:
            diffs = stale()
            for diff in diffs:
                print(diff)
            if diffs:
                print(f"\nstale: run `{COMMAND}`", file=sys.stderr)
            return 1 if diffs else 0
        for path, render in ((README, render_readme), (PROJECT, render_project)):
            old = path.read_text()
            new = render(old)
            if new != old:
                path.write_text(new)
                print(f"updated {path.name}")
    except DocsError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
