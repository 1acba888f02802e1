"""Benchmark: how long the offline render takes, per stack and per added service.

    python bench/render_bench.py [--clouds aws gcp] [--repeat 3]

Prints the render time of each committed stack (the first render of a cloud also
pays for importing its provider SDK, shown separately), then renders generated
apps with 3, 10, 30 and 50 services and fits a line: its slope is the marginal
cost of one more service. Targets: a prod stack under 3 s, a flat slope.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stacks.config import PROJECT
from stacks.offline import committed_stacks, render

SIZES = (3, 10, 30, 50)
SDK = {"aws": "pulumi_aws", "gcp": "pulumi_gcp"}


def generated_app(cloud: str, services: int) -> dict[str, Any]:
    """An app of `services` http services (each with its own route) sharing a database and a cache."""
    app: dict[str, Any] = {
        "name": "bench",
        "cloud": cloud,
        "services": {
            f"svc{i}": {
                "kind": "http",
                "image": f"ghcr.io/example/svc{i}:1.0.0",
                "port": 8000,
                "route": "/" if i == 0 else f"/svc{i}",
                "cpu": 1 if cloud == "gcp" else 0.5,
                "memory": 1024,
                "database": True,
                "cache": True,
                "scaling": {"min": 1, "max": 4},
            }
            for i in range(services)
        },
        "database": {},
        "cache": {},
    }
    if cloud == "gcp":
        app["gcp"] = {"project": "bench-project"}
    return {f"{PROJECT}:{k}": v for k, v in app.items()}


def timed(fn: Any, repeat: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = len(fn().resources)
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def slope(points: list[tuple[int, float]]) -> float:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x in xs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clouds", nargs="+", default=["aws", "gcp"], choices=sorted(SDK))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    stacks = [s for s in committed_stacks() if s.split("-")[0] in args.clouds]
    print("first render in a process (also loads the provider SDK's modules, as `python -m stacks.render` does):")
    for stack in stacks:
        start = time.perf_counter()
        importlib.import_module(SDK[stack.split("-")[0]])
        render(stack)
        print(f"  {stack:<10} {time.perf_counter() - start:6.2f} s")

    print("\ncommitted stacks (median of warm renders, the figure the 3 s target is about):")
    for stack in stacks:
        seconds, count = timed(partial(render, stack), args.repeat)
        verdict = "ok" if seconds < 3 else "OVER the 3 s target"
        print(f"  {stack:<10} {seconds:6.2f} s  {count:4d} resources  {verdict}")

    for cloud in args.clouds:
        print(f"\ngenerated {cloud} apps:")
        points = []
        for size in SIZES:
            seconds, count = timed(partial(render, f"bench-{size}", config=generated_app(cloud, size)), args.repeat)
            points.append((size, seconds))
            print(f"  {size:3d} services  {seconds:6.2f} s  {count:5d} resources  {seconds / size * 1000:6.1f} ms/service")
        print(f"  marginal cost of one more service: {slope(points) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
