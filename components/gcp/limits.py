"""Cloud Run limits the neutral model cannot know, checked before any resource is registered.

Source: Cloud Run documentation, "Configure CPU limits" and "Configure memory limits"
(second-generation execution environment, which this stack uses).
"""

from __future__ import annotations

from stacks.config import ConfigError
from stacks.model import App

CLOUD_RUN_CPUS = (1, 2, 4, 6, 8)
MIN_MEMORY_MIB = 512
MAX_MEMORY_MIB = 32768
# Memory above the key needs at least the value's CPUs.
CPU_FOR_MEMORY = ((24576, 8), (16384, 6), (8192, 4), (4096, 2))
# CPUs above the key need at least the value's memory.
MEMORY_FOR_CPU = {4: 2048, 6: 4096, 8: 4096}


def _check(path: str, cpu: float, memory: int) -> list[str]:
    problems = []
    if cpu not in CLOUD_RUN_CPUS:
        problems.append(
            f"{path}.cpu: {cpu:g} vCPU is not available with the gen2 execution environment; allowed: {', '.join(map(str, CLOUD_RUN_CPUS))}"
        )
    if not MIN_MEMORY_MIB <= memory <= MAX_MEMORY_MIB:
        problems.append(f"{path}.memory: {memory} MiB is outside Cloud Run's range; allowed: {MIN_MEMORY_MIB} to {MAX_MEMORY_MIB}")
    for above, needs in CPU_FOR_MEMORY:
        if memory > above and cpu < needs:
            problems.append(f"{path}.memory: {memory} MiB needs at least {needs} vCPU on Cloud Run (more than {above} MiB); cpu is {cpu:g}")
            break
    min_memory = MEMORY_FOR_CPU.get(int(cpu), 0)
    if memory < min_memory:
        problems.append(f"{path}.memory: {cpu:g} vCPU needs at least {min_memory} MiB on Cloud Run; memory is {memory}")
    return problems


def validate(app: App) -> None:
    problems: list[str] = []
    for name, svc in app.services.items():
        problems += _check(f"services.{name}", svc.cpu, svc.memory)
        if svc.user is not None:
            problems.append(
                f"services.{name}.user: Cloud Run runs the image's own USER and cannot override it; "
                "set USER in the Dockerfile and remove `user`"
            )
    for name, job in app.jobs.items():
        problems += _check(f"jobs.{name}", job.cpu, job.memory)
    if app.migrate is not None:
        problems += _check("migrate", app.migrate.cpu, app.migrate.memory)
    if problems:
        raise ConfigError(problems)
