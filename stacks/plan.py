"""A model of what the Pulumi engine does and mocks do not: autonaming, replacement, protection, `--target`, refresh.

Offline renders (`stacks.offline.render`) record what the program registers. This module reads two
of them as the engine would read the state and the program of one `pulumi up`:

- `physical_names(rendering)`: the cloud name each resource gets, autonamed as the engine does, checked
  against the cloud's length and character rules (`name_problems`).
- `plan(before, after)`: each resource unchanged, updated, replaced, created or deleted, from the
  replace-on-change table of its type, with the engine's refusals (a protected resource replaced or
  deleted, an explicitly named resource replaced create-before-delete).
- `refreshed(rendering, drift)`: the state after `pulumi refresh` read what the cloud changed itself.
- `closure(rendering, roots)` and `start_dependencies(rendering, resource)`: what `--target` must
  include, and what the engine finishes before it creates a resource.

The per-type facts live in `stacks.engine_tables`, each row with its source.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from stacks.engine_tables import AUTONAME_RANDOM_CHARS, PREFIX_UNIQUE_CHARS, TypeRule
from stacks.engine_tables.aws import RULES as AWS_RULES
from stacks.engine_tables.gcp import RULES as GCP_RULES
from stacks.engine_tables.other import RULES as OTHER_RULES
from stacks.offline import Rendering, Resource

RULES: dict[str, TypeRule] = {**AWS_RULES, **GCP_RULES, **OTHER_RULES}

# Stand-ins for the random parts of generated names: the longest the engine or provider makes, in their alphabets.
AUTONAME_SAMPLE = "0a1b2c3"[:AUTONAME_RANDOM_CHARS]
PREFIX_SAMPLE = "2026112316000000000000000a"[:PREFIX_UNIQUE_CHARS]
DATA_STORE_TYPES = frozenset(
    {
        "aws:rds/instance:Instance",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:s3/bucket:Bucket",
        "aws:secretsmanager/secret:Secret",
        "aws:kms/key:Key",
        "aws:ecr/repository:Repository",
        "gcp:sql/databaseInstance:DatabaseInstance",
        "gcp:sql/database:Database",
        "gcp:redis/instance:Instance",
        "gcp:storage/bucket:Bucket",
        "gcp:secretmanager/secret:Secret",
        "gcp:artifactregistry/repository:Repository",
        "docker:index/volume:Volume",
    }
)


def rule_for(resource: Resource) -> TypeRule:
    """The type's row; component resources (no cloud object) have an empty one."""
    if not resource.custom:
        return TypeRule(source="component resource: no cloud object")
    found = RULES.get(resource.type)
    if found is None:
        raise KeyError(f"{resource.type} is not in stacks/engine_tables: add its row (name, limits, replace-on-change, source)")
    return found


def dig(value: Any, dotted: str) -> Any:
    """`settings.diskSize` in nested inputs; lists (one-element blocks) are looked through at index 0."""
    for part in dotted.split("."):
        if isinstance(value, list):
            value = value[0] if value else None
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


# ---------------------------------------------------------------------------------------------------------------------
# Autonaming


@dataclass(frozen=True)
class PhysicalName:
    resource: Resource
    name: str
    origin: Literal["explicit", "autoname", "prefix"]


def physical_name(resource: Resource) -> PhysicalName | None:
    """The longest name the cloud object can get: explicit, engine autoname, or provider prefix + unique id."""
    row = rule_for(resource)
    if row.name_key is None:
        return None
    explicit = dig(resource.inputs, row.name_key)
    if isinstance(explicit, str):
        return PhysicalName(resource, explicit, "explicit")
    prefix = dig(resource.inputs, row.prefix_key) if row.prefix_key else None
    if isinstance(prefix, str):
        return PhysicalName(resource, prefix + PREFIX_SAMPLE, "prefix")
    if row.autonamed:
        name = f"{resource.name}-{AUTONAME_SAMPLE}"
        return PhysicalName(resource, name.lower() if row.autoname_lowercase else name, "autoname")
    return None


def physical_names(rendering: Rendering) -> list[PhysicalName]:
    return [n for r in rendering.resources if r.custom and (n := physical_name(r)) is not None]


def name_problems(rendering: Rendering) -> list[str]:
    """Every physical name, and every free text with a limit, the cloud or the engine would refuse, one line each."""
    problems = []
    for resource in rendering.resources:
        for key, most in rule_for(resource).text_limits if resource.custom else ():
            text = dig(resource.inputs, key)
            if isinstance(text, str) and len(text) > most:
                problems.append(f"{resource.type} {resource.name!r}: {key} has {len(text)} characters; the limit is {most}")
    for found in physical_names(rendering):
        row = rule_for(found.resource)
        where = f"{found.resource.type} {found.resource.name!r}: {found.origin} name {found.name!r}"
        if row.max_length is not None and len(found.name) > row.max_length:
            problems.append(f"{where} has {len(found.name)} characters; the limit is {row.max_length}")
        if row.pattern is not None and not re.match(row.pattern, found.name):
            problems.append(f"{where} does not match {row.pattern}")
    return problems


# ---------------------------------------------------------------------------------------------------------------------
# Plans

Action = Literal["same", "update", "replace", "create", "delete"]


@dataclass
class Step:
    action: Action
    before: Resource | None
    after: Resource | None
    changed: list[str] = field(default_factory=list)
    # The changed inputs that force the replacement (or the replaced resources it reads from).
    reasons: list[str] = field(default_factory=list)

    @property
    def resource(self) -> Resource:
        found = self.after or self.before
        assert found is not None
        return found

    def __str__(self) -> str:
        r = self.resource
        detail = f" ({', '.join(self.reasons or self.changed)})" if self.changed or self.reasons else ""
        return f"{self.action} {r.type} {r.name}{detail}"


@dataclass
class Plan:
    steps: list[Step]
    # What the engine or the provider would refuse, each a sentence naming the resource.
    errors: list[str]
    # Data stores replaced or deleted, with the config keys that changed: possible data loss.
    warnings: list[str]

    def of(self, *actions: Action) -> list[Step]:
        return [s for s in self.steps if s.action in actions]

    def step(self, type_: str, name: str) -> Step:
        found = [s for s in self.steps if s.resource.type == type_ and s.resource.name == name]
        if len(found) != 1:
            raise LookupError(f"expected one step for {type_} {name!r}, found {len(found)}")
        return found[0]

    @property
    def changes(self) -> list[Step]:
        return [s for s in self.steps if s.action != "same"]


def changed_paths(old: Any, new: Any, path: str = "") -> list[str]:
    """Dotted paths whose values differ; list items by index (`rules[2].name`)."""
    if isinstance(old, dict) and isinstance(new, dict):
        paths: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            sub = f"{path}.{key}" if path else str(key)
            paths += changed_paths(old.get(key), new.get(key), sub)
        return paths
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        paths = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            paths += changed_paths(a, b, f"{path}[{index}]")
        return paths
    return [] if _same(old, new) else [path]


def _same(old: Any, new: Any) -> bool:
    # The wire format carries numbers as floats: 2 and 2.0 are one value.
    if isinstance(old, int | float) and isinstance(new, int | float) and not isinstance(old, bool) and not isinstance(new, bool):
        return float(old) == float(new)
    return bool(old == new)


def _strip_indexes(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path)


def _under(path: str, prefixes: Iterable[str]) -> bool:
    """Does `path` fall under one of `prefixes`? List indexes are ignored (`rules[0].x` is under `rules.x`)."""
    bare = _strip_indexes(path)
    return any(bare == p or bare.startswith(f"{p}.") for p in (_strip_indexes(p) for p in prefixes))


def plan(
    before: Rendering,
    after: Rendering,
    changed_config: Iterable[str] = (),
) -> Plan:
    """The steps of `pulumi up` from the state `before` to the program `after`.

    `before` stands for the state: a render of the old config, possibly `refreshed`. `changed_config`
    names the config keys that differ, for the warnings about data stores.
    """
    # The harness records the engine's URNs (whole type chain), the identity the engine diffs state by.
    old = {r.urn: r for r in before.resources}
    steps: list[Step] = []
    replaced: set[str] = set()  # URNs (in `after`) whose outputs become unknown
    for resource in after.resources:
        previous = old.pop(resource.urn, None)
        if previous is None:
            steps.append(Step("create", None, resource))
            replaced.add(resource.urn)
            continue
        row = rule_for(resource)
        ignored = resource.ignore_changes
        changed = [p for p in changed_paths(previous.inputs, resource.inputs) if not _under(p, ignored)]
        forcing = [p for p in changed if _under(p, (*row.replace_on, *resource.replace_on_changes))]
        if resource.replacement_trigger is not None and resource.replacement_trigger != previous.replacement_trigger:
            forcing.append("replacement_trigger")
        # An input read from a replaced resource is unknown until that one exists: the provider must assume it changes.
        from_replaced = [
            prop for prop, urns in resource.property_dependencies.items() if replaced.intersection(urns) and not _under(prop, ignored)
        ]
        forcing += [f"{p} (from a replaced resource)" for p in from_replaced if _under(p, row.replace_on) and p not in forcing]
        if forcing:
            steps.append(Step("replace", previous, resource, changed, forcing))
            replaced.add(resource.urn)
        elif changed or from_replaced:
            steps.append(Step("update", previous, resource, changed or from_replaced))
        else:
            steps.append(Step("same", previous, resource))
    steps += [Step("delete", r, None) for r in old.values()]
    return Plan(steps, _refusals(steps), _data_loss(steps, sorted(changed_config)))


def _refusals(steps: list[Step]) -> list[str]:
    errors = []
    for step in steps:
        r = step.resource
        # Source: pulumi/pulumi pkg/resource/deploy/step_generator.go ("unable to replace resource ... as it is currently
        # marked for protection": refused when both the state and the program protect it) and step.go (DeleteStep.Apply
        # refuses when the state protects it).
        if step.action == "replace" and step.before and step.after and step.before.protect and step.after.protect:
            errors.append(f"{r.type} {r.name!r} is protected and cannot be replaced ({', '.join(step.reasons)})")
        if step.action == "delete" and step.before is not None and step.before.protect:
            errors.append(f"{r.type} {r.name!r} is protected and cannot be deleted")
        row = rule_for(r)
        dbr = row.delete_before_replace or not row.unique_name or (step.after is not None and step.after.delete_before_replace)
        if step.action == "replace" and step.before is not None and step.after is not None and not dbr:
            old_name, new_name = physical_name(step.before), physical_name(step.after)
            if old_name is not None and new_name is not None and old_name.origin == "explicit" and old_name.name == new_name.name:
                errors.append(
                    f"{r.type} {r.name!r} is replaced create-before-delete under the same explicit name {new_name.name!r}; "
                    "the cloud refuses the duplicate"
                )
    return errors


def _data_loss(steps: list[Step], changed_config: list[str]) -> list[str]:
    keys = f"config changed: {', '.join(changed_config)}" if changed_config else "no config key changed"
    return [
        f"{s.action}s data store {s.resource.type} {s.resource.name!r} ({', '.join(s.reasons) or 'removed'}; {keys})"
        for s in steps
        if s.action in ("replace", "delete") and s.resource.type in DATA_STORE_TYPES
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Refresh


def refreshed(rendering: Rendering, drift: Mapping[tuple[str, str], Mapping[str, Any]]) -> Rendering:
    """The state after `pulumi refresh`, when the cloud changed what it owns: {(type, name): {dotted input: value}}."""
    state = copy.deepcopy(rendering)
    by_key = {(r.type, r.name): r for r in state.resources}
    for key, values in drift.items():
        resource = by_key[key]
        for dotted, value in values.items():
            _set(resource.inputs, dotted, value)
    return state


def _set(inputs: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    target: Any = inputs
    for part in parents:
        target = target[0] if isinstance(target, list) else target
        target = target.setdefault(part, {})
    target = target[0] if isinstance(target, list) else target
    target[last] = value


# ---------------------------------------------------------------------------------------------------------------------
# Order and --target


def _edges(resource: Resource) -> set[str]:
    """What the engine finishes before it creates `resource`: its `depends_on` and the resources its inputs come from."""
    edges = set(resource.dependencies)
    for urns in resource.property_dependencies.values():
        edges.update(urns)
    return edges


def start_dependencies(rendering: Rendering, resource: Resource) -> set[str]:
    """URNs created before `resource`, transitively. A component's dependencies stand for its children."""
    by_urn = {r.urn: r for r in rendering.resources}
    children: dict[str, list[str]] = {}
    for r in rendering.resources:
        if r.parent:
            children.setdefault(r.parent, []).append(r.urn)
    seen: set[str] = set()
    pending = list(_edges(resource))
    while pending:
        urn = pending.pop()
        if urn in seen:
            continue
        seen.add(urn)
        found = by_urn.get(urn)
        if found is None:
            continue
        pending += _edges(found)
        if not found.custom:
            # Depending on a component waits for everything inside it.
            pending += children.get(urn, [])
    return seen


def closure(rendering: Rendering, roots: Iterable[str]) -> set[str]:
    """What `pulumi up --target` must name for `roots` to be created: their dependencies, parents and providers."""
    by_urn = {r.urn: r for r in rendering.resources}
    seen: set[str] = set()
    expanded: set[str] = set()
    # (urn, whole): a component reached as a dependency stands for all its children; reached as a parent, only itself.
    pending = [(urn, True) for urn in roots] + [(r.urn, True) for r in rendering.resources if r.type.startswith("pulumi:providers:")]
    while pending:
        urn, whole = pending.pop()
        resource = by_urn.get(urn)
        if resource is None or (urn in seen and not whole):
            continue
        if urn in seen and (resource.custom or urn in expanded):
            continue
        seen.add(urn)
        pending += [(edge, True) for edge in _edges(resource)]
        if whole and not resource.custom:
            expanded.add(urn)
            pending += [(r.urn, True) for r in rendering.resources if r.parent == urn]
        if resource.parent:
            pending.append((resource.parent, False))
    return seen


def changed_keys(before: Mapping[str, Any], after: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Dotted config keys whose values differ between two stack configs (`database.version`); values are not shown."""
    keys: list[str] = []
    for key in sorted(set(before) | set(after), key=str):
        old, new = before.get(key), after.get(key)
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            keys += changed_keys(old, new, path)
        elif old != new:
            keys.append(path)
    return keys


def main(argv: list[str] | None = None) -> int:
    """`python -m stacks.plan STACK --base OLD_STACK_FILE`: what `pulumi up` would do to go from the old config to the
    committed one, offline. Exits 1 when the engine would refuse the update or a data store would be replaced."""
    import argparse
    import shutil
    import sys
    import tempfile
    from pathlib import Path

    from stacks.config import ConfigError
    from stacks.offline import ROOT, StackFileError, render, stack_config

    parser = argparse.ArgumentParser(prog="python -m stacks.plan", description=(main.__doc__ or "").splitlines()[0])
    parser.add_argument("stack", help="a committed stack (Pulumi.<stack>.yaml): the config after the change")
    parser.add_argument("--base", type=Path, required=True, help="the stack file before the change (e.g. from `git show`)")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            shutil.copy(ROOT / "Pulumi.yaml", Path(scratch) / "Pulumi.yaml")
            shutil.copy(args.base, Path(scratch) / f"Pulumi.{args.stack}.yaml")
            old_config, old_secrets = stack_config(args.stack, Path(scratch))
        new_config, new_secrets = stack_config(args.stack)
        before = render(args.stack, config=old_config, secret_keys=old_secrets)
        after = render(args.stack, config=new_config, secret_keys=new_secrets)
    except (ConfigError, StackFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    keys = [key.split(":", 1)[-1] for key in changed_keys(old_config, new_config)]
    result = plan(before, after, keys)
    for step in result.changes:
        print(step)
    for warning in result.warnings:
        print(f"warning: {warning}")
    for error in result.errors:
        print(f"error: {error}")
    print(f"{len(result.changes)} changes, {len(result.of('replace'))} replacements, {len(result.errors)} refusals")
    return 1 if result.errors or result.warnings else 0


if __name__ == "__main__":
    raise SystemExit(main())
