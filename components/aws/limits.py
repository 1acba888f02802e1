"""AWS limits the neutral model cannot know, checked before any resource is registered."""

from __future__ import annotations

import ipaddress

from components.aws.schedule import to_eventbridge
from stacks.config import ConfigError
from stacks.model import App

# Valid Fargate task sizes: vCPU -> allowed memory in MiB.
# Source: Amazon ECS developer guide, "Task CPU and memory" (Fargate task sizes table).
FARGATE_SIZES: dict[float, list[int]] = {
    0.25: [512, 1024, 2048],
    0.5: list(range(1024, 4096 + 1, 1024)),
    1: list(range(2048, 8192 + 1, 1024)),
    2: list(range(4096, 16384 + 1, 1024)),
    4: list(range(8192, 30720 + 1, 1024)),
    8: list(range(16384, 61440 + 1, 4096)),
    16: list(range(32768, 122880 + 1, 8192)),
}


def fargate_units(cpu: float) -> int:
    """vCPU as ECS CPU units (1 vCPU = 1024)."""
    return int(cpu * 1024)


def _check_size(path: str, cpu: float, memory: int) -> str | None:
    allowed = FARGATE_SIZES.get(cpu)
    if allowed is None:
        return f"{path}.cpu: {cpu:g} vCPU is not a Fargate size; allowed: {', '.join(f'{c:g}' for c in FARGATE_SIZES)}"
    if memory not in allowed:
        return f"{path}.memory: {memory} MiB is not a valid Fargate size for {cpu:g} vCPU; allowed: {_ranges(allowed)}"
    return None


def _ranges(values: list[int]) -> str:
    if len(values) <= 4:
        return ", ".join(str(v) for v in values)
    return f"{values[0]} to {values[-1]} in steps of {values[1] - values[0]}"


def validate(app: App) -> None:
    problems = [_check_size(f"services.{name}", svc.cpu, svc.memory) for name, svc in app.services.items()] + [
        _check_size(f"jobs.{name}", job.cpu, job.memory) for name, job in app.jobs.items()
    ]
    if app.migrate is not None:
        problems.append(_check_size("migrate", app.migrate.cpu, app.migrate.memory))
    assert app.aws is not None
    prefix = ipaddress.ip_network(app.aws.vpc_cidr).prefixlen
    if not 16 <= prefix <= 24:
        problems.append(f"aws.vpcCidr: a /{prefix} network cannot hold the subnets; allowed: /16 to /24")
    for name, job in app.jobs.items():
        try:
            to_eventbridge(job.schedule)
        except ValueError as exc:
            problems.append(f"jobs.{name}.schedule: {exc}; set one of them to '*'")
    found = [p for p in problems if p]
    if found:
        raise ConfigError(found)
