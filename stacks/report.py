"""The pull-request report, offline: what a change does to each stack, what the stack looks like, what it costs.

    python -m stacks.report STACK --save FILE            # the working tree's render of STACK, as a full record
    python -m stacks.report STACK --base BASE.json       # base record -> the working tree: plan, cost change, diagram
    python -m stacks.report --all --base-dir DIR         # every stack: committed here, or saved in DIR as STACK.json
        [--head FILE | --head-dir DIR]  compare with saved head records instead of rendering the working tree
        [--markdown FILE]               also write the report as GitHub Markdown (job summary, PR comment)
        [--github]                      print a workflow warning for each possible data loss and engine refusal
        [--strict]                      exit 1 on a possible data loss or an update the engine would refuse

A record is the render as `stacks.plan` reads it: every resource keyed by its URN with its type, name, parent,
inputs, options and dependencies, plus the stack's config, its cost (`stacks.cost`) and its diagram
(`stacks.diagram`). Records of the same code are byte-identical: keys sorted, secret inputs and secret config
masked as "[secret]", and the offline render's generated values fixed. `--save` on the base commit and `--base`
on the head compare two commits; the plan is `stacks.plan.plan()`, so replacements are the engine's, not just
changed inputs, and a data store replaced or deleted is named with the config keys that caused it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stacks.config import PROJECT, ConfigError
from stacks.cost import money
from stacks.offline import SECRET_PLACEHOLDER, Rendering, Resource, StackFileError
from stacks.plan import DATA_STORE_TYPES, Plan, Step, changed_keys, plan

FORMAT = "shipyard-render/1"
# The first line of the Markdown report: the workflow finds its own PR comment by it, to update it in place.
COMMENT_MARKER = "<!-- shipyard offline report -->"
MAX_ROWS = 60

# Config keys (without the project prefix) that can change each kind of data store, besides the ones that change
# every resource: a replacement is attributed to these when one of them changed.
_EVERYTHING = ("name", "cloud", "profile", "protect", "aws.region", "gcp.region", "gcp.project", "overrides")
_CAUSES: dict[str, tuple[str, ...]] = {
    "aws:rds/instance:Instance": ("database", "aws.databaseInstanceClass", "aws.vpcCidr", "aws.availabilityZones"),
    "gcp:sql/databaseInstance:DatabaseInstance": ("database", "gcp.databaseTier", "gcp.subnetCidr"),
    "gcp:sql/database:Database": ("database",),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("cache", "aws.cacheNodeType", "aws.vpcCidr", "aws.availabilityZones"),
    "gcp:redis/instance:Instance": ("cache", "gcp.subnetCidr"),
    "aws:s3/bucket:Bucket": ("buckets",),
    "gcp:storage/bucket:Bucket": ("buckets",),
    "aws:secretsmanager/secret:Secret": ("secrets", "secretValues", "database", "cache"),
    "gcp:secretmanager/secret:Secret": ("secrets", "secretValues", "database", "cache"),
    "aws:kms/key:Key": (),
    "aws:ecr/repository:Repository": ("services", "version"),
    "gcp:artifactregistry/repository:Repository": ("services", "version"),
}


# ---------------------------------------------------------------------------------------------------------------------
# Records


def _masked(inputs: Mapping[str, Any], secret: Iterable[str]) -> dict[str, Any]:
    hidden = set(secret)
    return {key: SECRET_PLACEHOLDER if key in hidden else value for key, value in inputs.items()}


def resource_record(r: Resource) -> dict[str, Any]:
    return {
        "type": r.type,
        "name": r.name,
        "parent": r.parent,
        "custom": r.custom,
        "protect": r.protect,
        "inputs": _masked(r.inputs, r.secret_inputs),
        "secretInputs": sorted(r.secret_inputs),
        "ignoreChanges": sorted(r.ignore_changes),
        "retainOnDelete": r.retain_on_delete,
        "dependencies": sorted(set(r.dependencies)),
        "propertyDependencies": {key: sorted(set(urns)) for key, urns in sorted(r.property_dependencies.items())},
        "deleteBeforeReplace": r.delete_before_replace,
        "replaceOnChanges": sorted(r.replace_on_changes),
        "provider": r.provider,
    }


def record(
    rendering: Rendering,
    config: Mapping[str, Any],
    secret_keys: Iterable[str] = (),
    cost: Mapping[str, Any] | None = None,
    diagram: str | None = None,
) -> dict[str, Any]:
    """Everything the report compares, in a stable form: resources by URN, secrets masked."""
    hidden = set(secret_keys)
    return {
        "format": FORMAT,
        "stack": rendering.stack,
        "config": {key: SECRET_PLACEHOLDER if key in hidden else value for key, value in sorted(config.items())},
        "resources": {r.urn: resource_record(r) for r in sorted(rendering.resources, key=lambda r: r.urn)},
        "outputs": {
            key: SECRET_PLACEHOLDER if key in rendering.secret_outputs else value for key, value in sorted(rendering.outputs.items())
        },
        "warnings": sorted(set(rendering.warnings)),
        "cost": dict(cost) if cost is not None else None,
        "diagram": diagram,
    }


def dumps(rec: Mapping[str, Any]) -> str:
    return json.dumps(rec, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"


@dataclass
class Saved:
    """A record read back: the Rendering `stacks.plan` takes, with the config, cost and diagram saved beside it."""

    stack: str
    rendering: Rendering
    config: dict[str, Any]
    cost: dict[str, Any] | None
    diagram: str | None


def from_record(rec: Mapping[str, Any]) -> Saved:
    if rec.get("format") != FORMAT:
        raise ValueError(
            f"not a {FORMAT} record (format {rec.get('format')!r}); write one with `python -m stacks.report STACK --save FILE`"
        )
    resources = [
        Resource(
            urn=urn,
            type=r["type"],
            name=r["name"],
            inputs=r["inputs"],
            parent=r.get("parent"),
            custom=bool(r.get("custom", True)),
            protect=bool(r.get("protect")),
            ignore_changes=list(r.get("ignoreChanges", [])),
            retain_on_delete=bool(r.get("retainOnDelete")),
            secret_inputs=set(r.get("secretInputs", [])),
            dependencies=list(r.get("dependencies", [])),
            property_dependencies={k: list(v) for k, v in (r.get("propertyDependencies") or {}).items()},
            delete_before_replace=bool(r.get("deleteBeforeReplace")),
            replace_on_changes=list(r.get("replaceOnChanges", [])),
            provider=r.get("provider"),
        )
        for urn, r in rec["resources"].items()
    ]
    outputs = dict(rec.get("outputs") or {})
    rendering = Rendering(
        rec["stack"], resources, outputs, {k for k, v in outputs.items() if v == SECRET_PLACEHOLDER}, list(rec.get("warnings", []))
    )
    return Saved(rec["stack"], rendering, dict(rec.get("config") or {}), rec.get("cost"), rec.get("diagram"))


def load(path: Path) -> Saved:
    return from_record(json.loads(path.read_text()))


def render_record(stack: str) -> dict[str, Any]:
    """The working tree's record of a committed stack."""
    from stacks.config import load as load_config
    from stacks.cost import estimate
    from stacks.diagram import diagram
    from stacks.offline import render, stack_config
    from stacks.render import unmatched_overrides

    rendering = render(stack)
    config, secret_keys = stack_config(stack)
    app = load_config(config, secret_keys).app
    rendering.warnings += unmatched_overrides(app, rendering)
    return record(rendering, config, secret_keys, estimate(rendering, app).as_dict(), diagram(rendering, app))


# ---------------------------------------------------------------------------------------------------------------------
# Comparing


@dataclass
class StackReport:
    stack: str
    base: Saved | None
    head: Saved | None
    note: str = ""  # why there is no plan, or what is special about it
    plan: Plan | None = None
    changed_config: list[str] = field(default_factory=list)
    data_loss: list[str] = field(default_factory=list)
    error: str = ""

    def steps(self, *actions: str) -> list[Step]:
        if self.plan is None:
            return []
        return [s for s in self.plan.steps if s.action in actions and s.resource.custom]

    @property
    def refusals(self) -> list[str]:
        return self.plan.errors if self.plan else []


def _empty(stack: str) -> Rendering:
    return Rendering(stack, [], {}, set(), [])


def _causes(resource: Resource, changed: list[str]) -> list[str]:
    prefixes = (*_EVERYTHING, *_CAUSES.get(resource.type, ()))
    return [key for key in changed if any(key == p or key.startswith(f"{p}.") for p in prefixes)]


def data_loss(steps: Iterable[Step], changed: list[str], removed: bool = False) -> list[str]:
    """Each data store the plan replaces or deletes, with the config keys that caused it (`removed`: the stack is gone)."""
    lines = []
    for step in steps:
        r = step.resource
        if step.action not in ("replace", "delete") or r.type not in DATA_STORE_TYPES:
            continue
        verb = "replaces" if step.action == "replace" else "deletes"
        why = f" (forced by {', '.join(step.reasons)})" if step.reasons else ""
        causes = _causes(r, changed)
        if removed:
            cause = "the stack's file is removed"
        elif causes:
            cause = f"caused by config key{'s' if len(causes) > 1 else ''} {', '.join(causes)}"
        elif changed:
            cause = f"config changed: {', '.join(changed)}"
        else:
            cause = "no config key changed: the program's code did"
        lines.append(f"{verb} {r.type} {r.name!r}{why}; {cause}")
    return lines


def compare(stack: str, base: Saved | None, head: Saved | None, base_note: str = "") -> StackReport:
    """The plan from `base` to `head`; a missing base is a new stack (or, with `base_note`, unknown), a missing head a removed one."""
    report = StackReport(stack, base, head)
    if base is None and base_note:
        report.note = base_note
        return report
    before = base.rendering if base else _empty(stack)
    after = head.rendering if head else _empty(stack)
    if base is None:
        report.note = "new stack: not in the base commit, every resource is created"
    elif head is None:
        report.note = "stack removed: every resource is deleted"
    prefix = f"{PROJECT}:"
    old = {k[len(prefix) :]: v for k, v in (base.config if base else {}).items() if k.startswith(prefix)}
    new = {k[len(prefix) :]: v for k, v in (head.config if head else {}).items() if k.startswith(prefix)}
    report.changed_config = changed_keys(old, new) if base and head else []
    try:
        report.plan = plan(before, after, report.changed_config)
    except KeyError as exc:  # a type the engine tables do not know
        report.error = f"no plan: {exc.args[0]}"
        return report
    report.data_loss = data_loss(report.plan.steps, report.changed_config, removed=head is None)
    return report


# ---------------------------------------------------------------------------------------------------------------------
# Output


def _cost_range(cost: Mapping[str, Any] | None) -> str:
    return f"{money(cost['monthlyMin'])} to {money(cost['monthlyMax'])}" if cost else "none"


def _cost_change(report: StackReport) -> str:
    """Head minus base, min / max; a new stack starts from nothing, a base without a record from the unknown."""
    if report.base is None and report.plan is None:
        return "no base record"
    return _delta(report.base.cost if report.base else None, report.head.cost if report.head else None)


def _delta(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    if not before and not after:
        return "none"
    low = (after or {}).get("monthlyMin", 0.0) - (before or {}).get("monthlyMin", 0.0)
    high = (after or {}).get("monthlyMax", 0.0) - (before or {}).get("monthlyMax", 0.0)

    def signed(value: float) -> str:
        return ("+" if value >= 0.005 else "-" if value <= -0.005 else "±") + money(abs(value))

    return f"{signed(low)} / {signed(high)}"


def _counts(report: StackReport) -> str:
    if report.plan is None:
        return report.error or report.note
    return (
        f"{len(report.steps('create'))} to add, {len(report.steps('update'))} to update, {len(report.steps('replace'))} to replace, "
        f"{len(report.steps('delete'))} to remove, {len(report.steps('same'))} unchanged"
    )


def _detail(step: Step) -> str:
    if step.action == "replace":
        return "forced by " + ", ".join(step.reasons)
    if step.action == "update":
        return ", ".join(step.changed)
    return ""


def _changed_lines(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[tuple[str, str, str]]:
    """(resource: item, base range, head range) of every cost line that differs."""

    def index(cost: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
        return {f"{x['name']}: {x['item']}": x for x in (cost or {}).get("lines", [])}

    old, new = index(before), index(after)
    rows = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        ra, rb = _cost_range(a), _cost_range(b)
        if ra != rb:
            rows.append((key, ra, rb))
    return rows


def as_text(reports: Sequence[StackReport], github: bool = False) -> str:
    out: list[str] = []
    for report in reports:
        head_cost = report.head.cost if report.head else None
        base_cost = report.base.cost if report.base else None
        out.append(f"Stack {report.stack}: {_counts(report)}")
        if report.note and report.plan is not None:
            out.append(f"  note: {report.note}")
        if report.changed_config:
            out.append(f"  config changed: {', '.join(report.changed_config)}")
        for line in report.data_loss:
            out.append(f"  POSSIBLE DATA LOSS: {line}")
            if github:
                out.append(f"::warning title=Possible data loss in {report.stack}::{line}")
        for line in report.refusals:
            out.append(f"  ENGINE REFUSES: {line}")
            if github:
                out.append(f"::warning title=pulumi up would fail in {report.stack}::{line}")
        for action, label in (("create", "add"), ("delete", "remove"), ("replace", "replace"), ("update", "update")):
            for step in report.steps(action):
                detail = _detail(step)
                out.append(f"  {label:8} {step.resource.type} {step.resource.name}" + (f"  ({detail})" if detail else ""))
        out.append(f"  monthly cost: {_cost_range(base_cost)} -> {_cost_range(head_cost)} ({_cost_change(report)})")
        for key, old, new in _changed_lines(base_cost, head_cost) if base_cost and head_cost else []:
            out.append(f"    {key}: {old} -> {new}")
        out.append("")
    return "\n".join(out)


def _table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...], limit: int) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows[:limit]]
    if len(rows) > limit:
        out.append(f"| … {len(rows) - limit} more |" + " |" * (len(header) - 1))
    return out


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


def as_markdown(reports: Sequence[StackReport], limit: int = MAX_ROWS) -> str:
    out = [COMMENT_MARKER, "## Offline plan, diagram and cost", ""]
    out += _table(
        [
            (
                f"[{r.stack}](#{r.stack})",
                _counts(r),
                f"⚠️ {len(r.data_loss)}" if r.data_loss else "none",
                _cost_range(r.base.cost if r.base else None),
                _cost_range(r.head.cost if r.head else None),
                _cost_change(r),
            )
            for r in reports
        ],
        ("stack", "plan", "possible data loss", "monthly cost, base", "head", "change (min / max)"),
        limit,
    )
    out.append("")
    for report in reports:
        head_cost = report.head.cost if report.head else None
        base_cost = report.base.cost if report.base else None
        out += [f"### {report.stack}", "", f"**Plan:** {_counts(report)}", ""]
        if report.note and report.plan is not None:
            out += [f"_{report.note}_", ""]
        if report.changed_config:
            out += ["**Config keys changed:** " + ", ".join(_code(k) for k in report.changed_config), ""]
        if report.data_loss:
            out += ["> [!CAUTION]", "> **Possible data loss.** This change"]
            out += [f"> - {line}" for line in report.data_loss]
            out.append("")
        if report.refusals:
            out += ["> [!WARNING]", "> **`pulumi up` would refuse this change:**"]
            out += [f"> - {line}" for line in report.refusals]
            out.append("")
        changes = [
            (
                action,
                s.resource.name,
                _code(s.resource.type),
                ", ".join(_code(p) for p in (s.reasons if action == "replace" else s.changed)),
            )
            for action in ("replace", "delete", "create", "update")
            for s in report.steps(action)
        ]
        if changes:
            out += _table(changes, ("change", "resource", "type", "inputs"), limit)
            out.append("")
        out += [f"**Monthly cost (USD):** {_cost_range(base_cost)} → {_cost_range(head_cost)} ({_cost_change(report)})", ""]
        changed_lines = _changed_lines(base_cost, head_cost) if base_cost and head_cost else []
        if changed_lines:
            out += _table(changed_lines, ("cost line", "base", "head"), limit)
            out.append("")
        if head_cost:
            out += _cost_details(head_cost, limit)
        if report.head and report.head.diagram:
            changed = report.base is not None and report.base.diagram is not None and report.base.diagram != report.head.diagram
            out += [f"<details{' open' if changed else ''}><summary>Diagram{' (changed)' if changed else ''}</summary>", ""]
            out += ["```mermaid", report.head.diagram.rstrip("\n"), "```", "", "</details>", ""]
    out += [
        "<sub>Rendered offline under Pulumi mocks (`python -m stacks.report`), without cloud credentials; "
        "`pulumi preview` against the real accounts is the other check on this pull request.</sub>",
        "",
    ]
    return "\n".join(out)


def _cost_details(cost: Mapping[str, Any], limit: int) -> list[str]:
    lines = sorted(cost["lines"], key=lambda x: (-x["monthlyMax"], -x["monthlyMin"], x["name"], x["item"]))
    out = ["<details><summary>Cost lines, what is not priced, and the assumptions</summary>", ""]
    rows = [
        (
            x["name"],
            f"{x['item']} ({x['detail']})" + ("" if x.get("priceConfirmed", True) else " \\*"),
            f"{x['unitPrice']:g} / {x['unit']}",
            money(x["monthlyMin"]),
            money(x["monthlyMax"]),
        )
        for x in lines
    ]
    out += _table(rows, ("resource", "item", "unit price", "min", "max"), limit)
    if any(not x.get("priceConfirmed", True) for x in lines):
        out += ["", "\\* the figure was not in the stored text of its price page; see `stacks/prices.py`"]
    if cost["unpriced"]:
        out += ["", "**Not priced:**", ""]
        out += [f"- {u['name']} ({_code(u['type'])}): {u['reason']}" for u in cost["unpriced"][:limit]]
    out += ["", f"**Assumptions** (region {cost['region']}, prices read {cost['pricesReadOn']}):", ""]
    out += [f"- {a}" for a in cost["assumptions"]]
    out += ["", "</details>", ""]
    return out


# ---------------------------------------------------------------------------------------------------------------------
# Command line


def _reports(args: argparse.Namespace) -> list[StackReport]:
    from stacks.offline import committed_stacks

    if args.all:
        base_dir: Path = args.base_dir
        head_dir: Path | None = args.head_dir
        saved = {p.stem for p in base_dir.glob("*.json")} if base_dir.is_dir() else set()
        heads = {p.stem for p in head_dir.glob("*.json")} if head_dir else set(committed_stacks())
        reports = []
        for stack in sorted(saved | heads):
            note = args.base_note
            try:
                base = load(base_dir / f"{stack}.json") if stack in saved else None
            except ValueError as exc:  # a record the base commit wrote in another format
                base, note = None, f"the base record cannot be read: {exc}"
            if stack not in heads:
                head = None
            elif head_dir is not None:
                head = load(head_dir / f"{stack}.json")
            else:
                head = from_record(render_record(stack))
            reports.append(compare(stack, base, head, note if base is None else ""))
        return reports
    base = load(args.base)
    head = load(args.head) if args.head else from_record(render_record(args.stack))
    return [compare(args.stack, base, head)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.report", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("stack", nargs="?", help="a committed stack (Pulumi.<stack>.yaml)")
    parser.add_argument("--save", type=Path, metavar="FILE", help="write the working tree's record of STACK to FILE")
    parser.add_argument("--base", type=Path, metavar="FILE", help="the base record (written by --save on the base commit)")
    parser.add_argument("--head", type=Path, metavar="FILE", help="a saved head record instead of rendering the working tree")
    parser.add_argument("--all", action="store_true", help="every stack committed here or saved in --base-dir")
    parser.add_argument("--base-dir", type=Path, metavar="DIR", help="with --all: the base records, one STACK.json each")
    parser.add_argument("--head-dir", type=Path, metavar="DIR", help="with --all: saved head records instead of rendering")
    parser.add_argument("--base-note", default="", help="with --all: why a stack has no base record (default: it is new)")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the report as GitHub Markdown to FILE")
    parser.add_argument("--github", action="store_true", help="print workflow warnings for data loss and refusals")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a possible data loss or a refused update")
    args = parser.parse_args(argv)
    try:
        if args.save:
            if not args.stack:
                parser.error("--save needs a STACK")
            args.save.write_text(dumps(render_record(args.stack)))
            print(f"wrote {args.save}")
            return 0
        if args.all:
            if not args.base_dir:
                parser.error("--all needs --base-dir")
        elif not (args.stack and args.base):
            parser.error("give STACK --save FILE, STACK --base FILE, or --all --base-dir DIR")
        reports = _reports(args)
    except (ConfigError, StackFileError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(as_text(reports, github=args.github))
    if args.markdown:
        args.markdown.write_text(as_markdown(reports))
    flagged = any(r.data_loss or r.refusals or r.error for r in reports)
    return 1 if args.strict and flagged else 0


if __name__ == "__main__":
    sys.exit(main())
