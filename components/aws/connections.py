"""What an RDS PostgreSQL instance allows: its default `max_connections`, from the instance class's memory.

RDS's default is LEAST({DBInstanceClassMemory/9531392}, 5000). Source: Amazon RDS user guide, "Quotas and
constraints for Amazon RDS", section "Maximum number of database connections" (PostgreSQL). The stack sets the
parameter to that value explicitly and refuses an app whose workloads could open more.
"""

from __future__ import annotations

import re

BYTES_PER_CONNECTION = 9531392
MAX = 5000
# GiB of memory by instance size. Source: Amazon RDS user guide, "DB instance classes" (hardware specifications).
# Burstable (t4g, t3), general purpose (m*) and memory optimized (r*) classes double with each size.
SIZES = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge")
SMALL_BURSTABLE = {"micro": 1, "small": 2, "medium": 4}
CLASS = re.compile(r"^db\.(?P<family>[tmr])(?P<generation>\d+)[a-z]*\.(?P<size>\w+)$")


def memory_gib(instance_class: str) -> float | None:
    """The class's memory, or None for a class outside the table (the budget is then not checked)."""
    match = CLASS.match(instance_class)
    if match is None:
        return None
    family, size = match["family"], match["size"]
    if size in SMALL_BURSTABLE:
        return SMALL_BURSTABLE[size] if family == "t" else None
    if size not in SIZES:
        return None
    multiple = {"large": 1, "xlarge": 2}.get(size) or int(size.removesuffix("xlarge")) * 2
    per_unit = {"t": 8, "m": 8, "r": 16}[family]
    return float(per_unit * multiple)


def max_connections(instance_class: str) -> int | None:
    memory = memory_gib(instance_class)
    if memory is None:
        return None
    return min(int(memory * 2**30 // BYTES_PER_CONNECTION), MAX)
