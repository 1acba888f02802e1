"""What the model leaves to the cloud: sizes where the model's default is not valid on Cloud Run."""

from __future__ import annotations

from typing import TypeVar

from stacks.model import App, Job, Migration, Service

Workload = TypeVar("Workload", Service, Job, Migration)

# The second-generation execution environment (which this stack uses) allocates whole CPUs; the model's
# defaults (0.5 for services and the release step, 0.25 for jobs) are below that.
# Source: Cloud Run docs, "Configure CPU limits" (gen2 requires at least 1 CPU).
DEFAULT_CPU = 1.0


def _sized(workload: Workload) -> Workload:
    return workload if "cpu" in workload.model_fields_set else workload.model_copy(update={"cpu": DEFAULT_CPU})


def with_defaults(app: App) -> App:
    """`app` with Cloud Run's smallest CPU wherever the stack did not choose one."""
    return app.model_copy(
        update={
            "services": {name: _sized(svc) for name, svc in app.services.items()},
            "jobs": {name: _sized(job) for name, job in app.jobs.items()},
            "migrate": _sized(app.migrate) if app.migrate is not None else None,
        }
    )
