"""Shared renders of the committed stacks: each runs once per test session."""

from __future__ import annotations

import pytest

from stacks.offline import Rendering
from tests.harness import render_stack


@pytest.fixture(scope="session")
def aws_prod() -> Rendering:
    return render_stack("aws-prod")


@pytest.fixture(scope="session")
def gcp_prod() -> Rendering:
    return render_stack("gcp-prod")
