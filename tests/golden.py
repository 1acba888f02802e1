"""Golden renders: each committed stack's whole render, committed as JSON, so a change's effect shows in its diff.

    venv/bin/python -m tests.golden          # rewrite tests/golden/<stack>.json from the working tree

`tests/test_golden.py` fails on any difference and prints it as a unified diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from stacks.offline import Rendering, committed_stacks, render

GOLDEN = Path(__file__).parent / "golden"


def snapshot(rendering: Rendering) -> dict[str, Any]:
    """What a change can alter, in a stable order: resources by URN, with their inputs and options."""
    resources = {
        r.urn: {
            "inputs": r.inputs,
            **({"secretInputs": sorted(r.secret_inputs)} if r.secret_inputs else {}),
            **({"protect": True} if r.protect else {}),
            **({"ignoreChanges": r.ignore_changes} if r.ignore_changes else {}),
            **({"deleteBeforeReplace": True} if r.delete_before_replace else {}),
            **({"customTimeouts": r.custom_timeouts} if r.custom_timeouts else {}),
            **({"replacementTrigger": r.replacement_trigger} if r.replacement_trigger is not None else {}),
            **({"dependsOn": sorted(set(r.dependencies))} if r.dependencies else {}),
        }
        for r in rendering.resources
    }
    outputs = {k: "[secret]" if k in rendering.secret_outputs else v for k, v in rendering.outputs.items()}
    return {"resources": dict(sorted(resources.items())), "outputs": outputs, "warnings": sorted(rendering.warnings)}


def as_text(rendering: Rendering) -> str:
    return json.dumps(snapshot(rendering), indent=1, sort_keys=True, default=str) + "\n"


def path_of(stack: str) -> Path:
    return GOLDEN / f"{stack}.json"


def main() -> int:
    GOLDEN.mkdir(exist_ok=True)
    for stack in committed_stacks():
        path_of(stack).write_text(as_text(render(stack)))
        print(f"wrote {path_of(stack).relative_to(Path.cwd()) if path_of(stack).is_relative_to(Path.cwd()) else path_of(stack)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
