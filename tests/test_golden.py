"""Each committed stack renders exactly as its golden file says; `venv/bin/python -m tests.golden` updates them."""

from __future__ import annotations

import difflib

import pytest

from stacks.offline import committed_stacks
from tests.golden import as_text, path_of
from tests.harness import render_stack

MAX_DIFF_LINES = 200


@pytest.mark.parametrize("stack", committed_stacks())
def test_the_render_matches_its_golden_file(stack: str) -> None:
    golden = path_of(stack)
    assert golden.exists(), f"no golden file for {stack}: run `venv/bin/python -m tests.golden`"
    expected, actual = golden.read_text(), as_text(render_stack(stack))
    if actual != expected:
        diff = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), f"golden/{stack}.json", "render", lineterm="", n=2))
        shown = "\n".join(diff[:MAX_DIFF_LINES]) + (f"\n... {len(diff) - MAX_DIFF_LINES} more lines" if len(diff) > MAX_DIFF_LINES else "")
        pytest.fail(f"{stack} renders differently from its golden file; if intended, run `venv/bin/python -m tests.golden`\n{shown}")
