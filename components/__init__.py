"""Renderers of the application model: one package per cloud, chosen by `cloud`."""

from __future__ import annotations

import importlib
from dataclasses import replace
from typing import Any

from components import overrides
from stacks.config import ConfigError, Stack


def deploy(stack: Stack) -> dict[str, Any]:
    """Fill the cloud's own defaults, check the app against its limits, then register its resources; returns the outputs."""
    # Import only the chosen cloud: each provider SDK takes seconds to load.
    renderer = importlib.import_module(f"components.{stack.app.cloud}")
    app = renderer.with_defaults(stack.app)
    unknown = overrides.problems(app)
    if unknown:
        raise ConfigError(unknown)
    renderer.validate(app)
    overrides.register(app.overrides)
    outputs: dict[str, Any] = renderer.deploy(replace(stack, app=app))
    return outputs
