"""The database connection budget: how many connections the app's workloads can open at most, by workload.

Each cloud's `validate` sets this against what its database allows (`max_connections`, which it also sets),
and refuses a config that cannot fit, with the arithmetic in the error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from stacks.model import App

# Left for an operator's psql, monitoring agents and the cloud's own maintenance connections.
RESERVED = 10


@dataclass(frozen=True)
class Demand:
    key: str  # the config key that sizes it
    label: str
    instances: int
    per_instance: int

    @property
    def connections(self) -> int:
        return self.instances * self.per_instance


def demands(app: App) -> list[Demand]:
    """Every workload that connects, at its most instances: services at `scaling.max`, a job and the release step once."""
    found = []
    for name, svc in app.services.items():
        if svc.database:
            found.append(Demand(f"services.{name}.databaseConnections", name, svc.instances.max, svc.database_connections))
    for name, job in app.jobs.items():
        svc = app.services[job.service]
        if svc.database:
            found.append(Demand(f"services.{job.service}.databaseConnections", f"job {name}", 1, svc.database_connections))
    if app.migrate is not None and app.services[app.migrate.service].database:
        found.append(
            Demand(
                f"services.{app.migrate.service}.databaseConnections", "migrate", 1, app.services[app.migrate.service].database_connections
            )
        )
    return found


def total(app: App) -> int:
    return sum(d.connections for d in demands(app)) + RESERVED


def over_budget(app: App, allowed: int, database: str) -> str | None:
    """The error when the app can open more connections than `allowed`, or None when it fits."""
    need = total(app)
    if need <= allowed:
        return None
    parts = ", ".join(f"{d.label} {d.instances} x {d.per_instance}" for d in demands(app))
    return (
        f"database: the workloads can open {need} connections ({parts}, reserved {RESERVED}) but {database} allows {allowed} "
        "(max_connections); lower services.<name>.databaseConnections or scaling.max, or choose a larger database"
    )


def budget_problems(app: App, database: str | None, allowed: Callable[[str], int | None]) -> list[str]:
    """[the error] when `database` (the instance class or tier) is known, its limit too, and the app does not fit."""
    limit = allowed(database) if database else None
    problem = over_budget(app, limit, database) if database and limit else None
    return [problem] if problem else []
