"""Run the real program under mocks, from a committed stack or an in-test config.

Guards against the ways mock tests pass silently: mocks are set before the
program registers anything (`stacks.offline.render`), the run is not a preview,
and a render with duplicate resource URNs fails here, as a real preview would.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from typing import Any

import pytest

from stacks.config import PROJECT
from stacks.offline import ROOT, Rendering, Resource, read_yaml, render, run_program, stack_config


def checked(rendering: Rendering) -> Rendering:
    assert not rendering.duplicate_urns, f"duplicate resource URNs (a real preview rejects these): {rendering.duplicate_urns}"
    assert rendering.resources, "the program registered nothing"
    return rendering


@functools.cache
def render_stack(stack: str) -> Rendering:
    """A committed stack, rendered once per test session: tests read it and never change it."""
    return checked(render(stack))


@functools.cache
def _render_cached(config_json: str, stack: str, secret_keys: tuple[str, ...]) -> Rendering:
    return render_app(json.loads(config_json), stack, list(secret_keys))


def render_shared(app: dict[str, Any], stack: str = "test", secret_keys: tuple[str, ...] = ()) -> Rendering:
    """`render_app`, rendered once per distinct config: for the many tests that read the same variants.

    Never mutate the result, and never call it under a monkeypatch (the cache knows only the config)."""
    return _render_cached(json.dumps(app, sort_keys=True), stack, secret_keys)


def render_app(
    app: dict[str, Any],
    stack: str = "test",
    secret_keys: list[str] | None = None,
    recorded: list[Resource] | None = None,
) -> Rendering:
    """Render an app given as the stack file's `shipyard:` keys, without the prefix."""
    config = {f"{PROJECT}:{key}": value for key, value in app.items()}
    keys = [f"{PROJECT}:{k}" for k in secret_keys or []]
    return checked(render(stack, config=config, secret_keys=keys, recorded=recorded))


def stack_app(stack: str) -> dict[str, Any]:
    """A committed stack's app as a mutable dict, for tests that vary one thing."""
    config, _ = stack_config(stack)
    prefix = f"{PROJECT}:"
    return copy.deepcopy({k[len(prefix) :]: v for k, v in config.items() if k.startswith(prefix)})


def inputs_json(resource_input: Any) -> Any:
    """Inputs such as container definitions or IAM policies arrive as JSON text."""
    return json.loads(resource_input) if isinstance(resource_input, str) else resource_input


def config_error(app: dict[str, Any]) -> str:
    """Render an app that must be refused; return the error text and check nothing was registered."""
    from stacks.config import ConfigError

    registered: list[Resource] = []
    with pytest.raises(ConfigError) as caught:
        render_app(app, recorded=registered)
    assert registered == [], f"resources were registered before the error: {[r.name for r in registered]}"
    return str(caught.value)


__all__ = [
    "ROOT",
    "checked",
    "config_error",
    "inputs_json",
    "read_yaml",
    "render_app",
    "render_component",
    "render_shared",
    "render_stack",
    "stack_app",
]


def render_component(build: Callable[[], object], stack: str = "test") -> Rendering:
    """Build one component alone (no stack config, no other component) under the same mocks and checks."""

    def program() -> None:
        build()

    return checked(run_program(program, stack))
