"""The escape hatch: a user's typed overrides of resource inputs, applied by a Pulumi stack transform.

The model refuses overrides of guarded inputs (encryption, protection, exposure, credentials: `stacks.model.Override`)
before anything is registered; here the types are checked against what the program creates on the stack's cloud, and
the transform sets the inputs. Protection and other resource options are never changed; the policy pack still runs
on the result.
"""

from __future__ import annotations

import copy
from typing import Any

import pulumi

from stacks.engine_tables.aws import RULES as AWS_TYPES
from stacks.engine_tables.gcp import RULES as GCP_TYPES
from stacks.engine_tables.other import RULES as OTHER_TYPES
from stacks.model import App, Override

TYPES = {"aws": {*AWS_TYPES, *OTHER_TYPES}, "gcp": {*GCP_TYPES, *OTHER_TYPES}, "docker": set(OTHER_TYPES)}


def problems(app: App) -> list[str]:
    """Overrides of types the program does not create on this cloud: one line each, naming the key."""
    known = TYPES[app.cloud] - {t for t in OTHER_TYPES if t.startswith("pulumi:providers:")}
    return [
        f"overrides[{index}].type: {override.type!r} is not a type this program creates on {app.cloud}; "
        f"allowed: the types in stacks/engine_tables (e.g. {sorted(known)[0]})"
        for index, override in enumerate(app.overrides)
        if override.type not in known
    ]


def _set(props: dict[str, Any], path: str, value: Any, key: str) -> None:
    *parents, last = path.split(".")
    target = props
    for part in parents:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise pulumi.RunError(f"{key}: {part!r} is not a nested object of this resource's inputs; overrides set keys of objects only")
    target[last] = value


def register(overrides: list[Override]) -> None:
    """Set each override's inputs on the resources it names, as they are registered."""
    if not overrides:
        return

    def apply(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
        chosen = [(i, o) for i, o in enumerate(overrides) if args.custom and o.type == args.type_ and o.name in (None, args.name)]
        if not chosen:
            return None
        props = copy.deepcopy(dict(args.props))
        for index, override in chosen:
            for path, value in override.set.items():
                _set(props, path, value, f"overrides[{index}].set.{path}")
        return pulumi.ResourceTransformResult(props, args.opts)

    pulumi.runtime.register_resource_transform(apply)
