"""Offline render: what `pulumi up` would create for a stack, with no CLI, credentials or network.

python -m stacks.render aws-prod             # tree, counts, workloads, outputs, monthly cost
python -m stacks.render gcp-prod --json out.json   # the same as JSON, with a top-level `cost` object (stacks/cost.py)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from stacks.config import ConfigError, load
from stacks.cost import estimate, summary_lines
from stacks.model import App
from stacks.offline import SECRET_PLACEHOLDER, Rendering, StackFileError, committed_stacks, render, stack_config

WORKLOAD_TYPES = {
    "aws:ecs/service:Service": ("desiredCount", "launchType", "deploymentMinimumHealthyPercent", "deploymentMaximumPercent"),
    "aws:ecs/taskDefinition:TaskDefinition": ("cpu", "memory"),
    "aws:scheduler/schedule:Schedule": ("scheduleExpression", "scheduleExpressionTimezone"),
    "aws:rds/instance:Instance": ("engine", "engineVersion", "instanceClass", "multiAz"),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("engine", "nodeType", "numCacheClusters"),
    "aws:appautoscaling/target:Target": ("minCapacity", "maxCapacity"),
    "gcp:cloudrunv2/service:Service": (
        "template.containers.0.resources.limits",
        "template.scaling.minInstanceCount",
        "template.scaling.maxInstanceCount",
        "ingress",
    ),
    "gcp:cloudrunv2/workerPool:WorkerPool": ("template.containers.0.resources.limits", "scaling.manualInstanceCount"),
    "gcp:cloudrunv2/job:Job": ("template.template.containers.0.resources.limits", "template.template.maxRetries"),
    "gcp:cloudscheduler/job:Job": ("schedule", "timeZone"),
    "gcp:sql/databaseInstance:DatabaseInstance": ("databaseVersion", "settings.tier", "settings.availabilityType"),
    "gcp:redis/instance:Instance": ("tier", "memorySizeGb", "redisVersion"),
}


def as_dict(rendering: Rendering, cost: dict[str, Any] | None = None) -> dict[str, Any]:
    """The rendering as JSON; `cost` is `stacks.cost.estimate(...).as_dict()`, the top-level `cost` object."""
    return {
        "stack": rendering.stack,
        # By URN, secret inputs masked: two renders of the same code write the same bytes.
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent_name,
                "protect": r.protect,
                "inputs": {k: SECRET_PLACEHOLDER if k in r.secret_inputs else v for k, v in r.inputs.items()},
            }
            for r in sorted(rendering.resources, key=lambda r: r.urn)
        ],
        "counts": dict(sorted(Counter(r.type for r in rendering.resources).items())),
        "workloads": sorted(workloads(rendering), key=lambda w: (w["type"], w["name"])),
        "outputs": {k: "[secret]" if k in rendering.secret_outputs else v for k, v in rendering.outputs.items()},
        "warnings": sorted(rendering.warnings),
        **({"cost": cost} if cost is not None else {}),
    }


def workloads(rendering: Rendering) -> list[dict[str, Any]]:
    rows = []
    for r in rendering.resources:
        keys = WORKLOAD_TYPES.get(r.type)
        if keys:
            rows.append({"type": r.type, "name": r.name, **{k.split(".")[-1]: _whole(_dig(r.inputs, k)) for k in keys}})
    return rows


def _whole(value: Any) -> Any:
    # The engine's wire format carries every number as a float; 2.0 instances reads better as 2.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    return value


def _dig(value: Any, dotted: str) -> Any:
    """`template.containers.0.image` in nested inputs; None where the path stops."""
    for part in dotted.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def tree(rendering: Rendering) -> list[str]:
    by_parent: dict[str | None, list[Any]] = {}
    for r in rendering.resources:
        by_parent.setdefault(r.parent if r.parent and "pulumi:pulumi:Stack" not in r.parent else None, []).append(r)
    lines: list[str] = []

    def walk(parent: str | None, depth: int) -> None:
        for r in by_parent.get(parent, []):
            mark = " [protected]" if r.protect else ""
            lines.append(f"{'  ' * depth}{r.name}  ({r.type}){mark}")
            walk(r.urn, depth + 1)

    walk(None, 0)
    return lines


def text(rendering: Rendering, cost: dict[str, Any] | None = None) -> str:
    out = [f"Stack {rendering.stack}: {len(rendering.resources)} resources would be created", "", "Resources:"]
    out += ["  " + line for line in tree(rendering)]
    out += ["", "Counts by type:"]
    out += [f"  {count:4d}  {type_}" for type_, count in sorted(Counter(r.type for r in rendering.resources).items())]
    out += ["", "Workloads:"]
    for row in workloads(rendering):
        settings = ", ".join(f"{k}={v}" for k, v in row.items() if k not in ("type", "name"))
        out.append(f"  {row['name']} ({row['type'].split(':')[1]}): {settings}")
    out += ["", "Outputs:"]
    for key, value in rendering.outputs.items():
        out.append(f"  {key}: {'[secret]' if key in rendering.secret_outputs else json.dumps(value)}")
    if cost is not None:
        out += ["", *summary_lines(cost)]
    if rendering.warnings:
        out += ["", "Warnings:"] + [f"  - {w}" for w in rendering.warnings]
    return "\n".join(out)


def unmatched_overrides(app: App, rendering: Rendering) -> list[str]:
    """An override that names no resource changes nothing: say so rather than drop it silently."""
    present = {(r.type, r.name) for r in rendering.resources}
    return [
        f"overrides[{i}]: no {o.type} {'named ' + repr(o.name) if o.name else ''} in this stack; it changes nothing".replace("  ", " ")
        for i, o in enumerate(app.overrides)
        if not any(t == o.type and o.name in (None, n) for t, n in present)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.render", description=__doc__.splitlines()[0])
    parser.add_argument("stack", choices=committed_stacks(), help="a committed stack (Pulumi.<stack>.yaml)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the rendering as JSON to FILE")
    args = parser.parse_args(argv)
    try:
        rendering = render(args.stack)
        config, secret_keys = stack_config(args.stack)
        app = load(config, secret_keys).app
        rendering.warnings += unmatched_overrides(app, rendering)
    except (ConfigError, StackFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    cost = estimate(rendering, app).as_dict()
    print(text(rendering, cost))
    if args.json:
        args.json.write_text(json.dumps(as_dict(rendering, cost), indent=2, sort_keys=True, default=str) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
