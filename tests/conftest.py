"""Shared renders of the committed stacks: each runs once per test session."""

from __future__ import annotations

import gc

import pytest

from stacks.offline import Rendering
from tests.harness import render_stack

# A render makes tens of thousands of short-lived objects, and with CPython's default thresholds about a third of a
# render went to the garbage collector, mostly re-walking long-lived module objects. Freezing what is loaded by
# now and collecting less often change no result, only when garbage is freed (README "Performance").
gc.freeze()
gc.set_threshold(50_000, 50, 100)


@pytest.fixture(scope="session")
def aws_prod() -> Rendering:
    return render_stack("aws-prod")


@pytest.fixture(scope="session")
def gcp_prod() -> Rendering:
    return render_stack("gcp-prod")
