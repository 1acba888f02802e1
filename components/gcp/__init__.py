"""The GCP renderer: Cloud Run services, worker pools and jobs, Cloud SQL, Memorystore, Cloud Scheduler."""

from __future__ import annotations

from typing import Any

from components.gcp.limits import validate
from stacks.config import ConfigError, Stack

__all__ = ["deploy", "validate"]


def deploy(stack: Stack) -> dict[str, Any]:
    raise ConfigError(["cloud: the gcp renderer is not built yet (issue 4); use cloud: aws"])
