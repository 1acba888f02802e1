"""Renderers of the application model: one package per cloud, chosen by `cloud`."""

from __future__ import annotations

import importlib
from typing import Any

from stacks.config import Stack


def deploy(stack: Stack) -> dict[str, Any]:
    """Check the app against its cloud's limits, then register its resources; returns the stack outputs."""
    # Import only the chosen cloud: each provider SDK takes seconds to load.
    renderer = importlib.import_module(f"components.{stack.app.cloud}")
    renderer.validate(stack.app)
    outputs: dict[str, Any] = renderer.deploy(stack)
    return outputs
