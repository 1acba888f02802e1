"""What a Cloud SQL PostgreSQL instance allows: its default `max_connections`, from the tier's memory.

Source: Cloud SQL for PostgreSQL docs, "Quotas and limits", section "Maximum concurrent connections" (defaults by
instance memory). The stack sets the `max_connections` flag to that value explicitly and refuses an app whose
workloads could open more.
"""

from __future__ import annotations

import re

# (memory from, in GB; connections), ascending: the default for an instance of at least that memory.
BY_MEMORY = ((0.6, 25), (1.7, 50), (3.75, 100), (6, 200), (7.5, 400), (15, 500), (30, 600), (60, 800), (120, 1000))
SHARED = {"db-f1-micro": 0.6, "db-g1-small": 1.7}
CUSTOM = re.compile(r"^db-custom-(?P<cpus>\d+)-(?P<mb>\d+)$")


def memory_gb(tier: str) -> float | None:
    if tier in SHARED:
        return SHARED[tier]
    match = CUSTOM.match(tier)
    return int(match["mb"]) / 1024 if match else None


def max_connections(tier: str) -> int | None:
    memory = memory_gb(tier)
    if memory is None:
        return None
    allowed = [connections for floor, connections in BY_MEMORY if memory >= floor]
    return allowed[-1] if allowed else None
