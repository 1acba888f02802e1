"""The release step (database migrations), run by the deploy before services roll.

    python -m stacks.migrate target aws-prod          # URNs to update first, one per line, for `pulumi up --target`
    python -m stacks.migrate run aws-prod [--dry-run] # run it and wait; exit non-zero if it fails

The deploy first updates only what the migration needs (`pulumi up --target <urn> ...` with
the URNs `target` prints: the new image, the task definition or job, the database, the
network), then runs it here, then rolls the services with a full `pulumi up`. `run` reads the stack's state
(`pulumi stack export`), which a targeted update writes even on the very first deploy.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from components.gcp.naming import cloud_run_name
from stacks.config import load
from stacks.model import App
from stacks.offline import ROOT, render, stack_config
from stacks.plan import closure

MIGRATION_TYPES = ("aws:ecs/taskDefinition:TaskDefinition", "gcp:cloudrunv2/job:Job")


def app_of(stack: str, root: Path = ROOT) -> App:
    config, secret_keys = stack_config(stack, root)
    return load(config, secret_keys).app


def _release_roots(app: App) -> list[tuple[str, str]]:
    """(type, name) of what running the release step uses: the task or job, and on AWS where it runs.

    Everything the step reads when it starts (secret values, the database and its user, the cache, the
    egress routes, its IAM grants) is a dependency of the task definition or job, so `closure` finds it.
    """
    assert app.migrate is not None
    if app.cloud == "gcp":
        return [("gcp:cloudrunv2/job:Job", f"{app.name}-migrate")]
    assert app.aws is not None
    return [
        ("aws:ecs/taskDefinition:TaskDefinition", f"{app.name}-migrate"),
        ("aws:ecs/cluster:Cluster", app.name),
        ("aws:ec2/securityGroup:SecurityGroup", f"{app.name}-{app.migrate.service}"),
        *[("aws:ec2/subnet:Subnet", subnet) for subnet in task_subnets(app)],
    ]


def target_urns(stack: str, root: Path = ROOT) -> list[str]:
    """Engine URNs of the release step and everything it needs, for `pulumi up --target` (one per URN).

    Found by rendering the stack offline (no credentials) and walking what the engine would wait for
    (`stacks.plan.closure`). A first deploy thus creates the database, the secret values, the image and
    the network before the migration runs; `pulumi up --target` would otherwise skip what is not named.
    """
    app = app_of(stack, root)
    rendering = render(stack, root=root)
    roots = set(_release_roots(app))
    needed = closure(rendering, [r.urn for r in rendering.resources if (r.type, r.name) in roots])
    return [r.urn for r in rendering.resources if r.urn in needed]


def _find(resources: list[dict[str, Any]], type_: str, name: str) -> dict[str, Any]:
    # An interrupted update can leave a replaced resource behind, marked for deletion: it is not the live one.
    found = [r for r in resources if r["type"] == type_ and r["urn"].endswith(f"::{name}") and not r.get("delete")]
    if len(found) != 1:
        raise SystemExit(f"the stack has no {type_} named {name}: run the targeted `pulumi up` first")
    outputs: dict[str, Any] = found[0].get("outputs", {})
    return outputs


def aws_migration(app: App, resources: list[dict[str, Any]]) -> dict[str, Any]:
    assert app.migrate is not None and app.aws is not None
    service = app.migrate.service
    return {
        "cluster": _find(resources, "aws:ecs/cluster:Cluster", app.name)["name"],
        "taskDefinition": _find(resources, "aws:ecs/taskDefinition:TaskDefinition", f"{app.name}-migrate")["arn"],
        "subnets": [_find(resources, "aws:ec2/subnet:Subnet", subnet)["id"] for subnet in task_subnets(app)],
        "securityGroups": [_find(resources, "aws:ec2/securityGroup:SecurityGroup", f"{app.name}-{service}")["id"]],
        **({"assignPublicIp": "ENABLED"} if app.aws.public_tasks else {}),
    }


def task_subnets(app: App) -> list[str]:
    """The subnets tasks run in: the private ones behind NAT, or the public ones with `aws.publicTasks`."""
    assert app.aws is not None
    tier = "public" if app.aws.public_tasks else "private"
    return [f"{app.name}-{tier}-{i}" for i in range(app.aws.availability_zones)]


def aws_run_task(migration: dict[str, Any]) -> list[str]:
    network = {
        "awsvpcConfiguration": {
            "subnets": migration["subnets"],
            "securityGroups": migration["securityGroups"],
            # ENABLED only with `aws.publicTasks` (development): the task reaches the internet by its own address.
            "assignPublicIp": migration.get("assignPublicIp", "DISABLED"),
        }
    }
    return ["aws", "ecs", "run-task", "--cluster", migration["cluster"], "--task-definition", migration["taskDefinition"],
            "--launch-type", "FARGATE", "--network-configuration", json.dumps(network),
            "--query", "{arn: tasks[0].taskArn, failures: failures}", "--output", "json"]  # fmt: skip


def gcp_execute(app: App, stack: str) -> list[str]:
    assert app.gcp is not None
    job = cloud_run_name(f"{app.name}-migrate", stack)
    return ["gcloud", "run", "jobs", "execute", job, "--region", app.gcp.region, "--project", app.gcp.project, "--wait"]


def exported_resources(stack: str) -> list[dict[str, Any]]:
    exported = subprocess.run(["pulumi", "stack", "export", "--stack", stack], check=True, capture_output=True, text=True).stdout
    resources: list[dict[str, Any]] = json.loads(exported)["deployment"].get("resources", [])
    return resources


# Time for Fargate to place the task and pull the image, on top of the migration's own timeout.
START_ALLOWANCE_SECONDS = 300
POLL_SECONDS = 15


def _describe(cluster: str, task_arn: str, query: str) -> str:
    return subprocess.run(
        ["aws", "ecs", "describe-tasks", "--cluster", cluster, "--tasks", task_arn, "--query", query, "--output", "text"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip


def run_aws(migration: dict[str, Any], timeout_seconds: int) -> int:
    """Start the task and wait for it; ECS has no task timeout, so the wait enforces the model's one."""
    cluster = migration["cluster"]
    started = json.loads(subprocess.run(aws_run_task(migration), check=True, capture_output=True, text=True).stdout)
    task_arn = started.get("arn")
    if not task_arn:
        # ECS could not place the task (capacity, a subnet, the task definition): it says why in `failures`.
        reasons = "; ".join(f"{f.get('reason')} ({f.get('arn') or f.get('detail') or ''})" for f in started.get("failures") or [])
        print(f"the migration task did not start: {reasons or 'ECS gave no reason'}", file=sys.stderr)
        return 1
    deadline = time.monotonic() + timeout_seconds + START_ALLOWANCE_SECONDS
    while _describe(cluster, task_arn, "tasks[0].lastStatus") != "STOPPED":
        if time.monotonic() > deadline:
            subprocess.run(["aws", "ecs", "stop-task", "--cluster", cluster, "--task", task_arn, "--reason", "release step timed out"],
                           check=False)  # fmt: skip
            print(f"migration task {task_arn} ran past {timeout_seconds} s and was stopped", file=sys.stderr)
            return 1
        time.sleep(POLL_SECONDS)
    exit_code = _describe(cluster, task_arn, "tasks[0].containers[0].exitCode")
    if exit_code == "0":
        print(f"migration task {task_arn} exited with 0")
        return 0
    # No exit code: the container never ran (an image it could not pull, a secret it could not read); ECS says why.
    why = _describe(cluster, task_arn, "[tasks[0].stoppedReason, tasks[0].containers[0].reason]")
    print(f"migration task {task_arn} exited with {exit_code}: {why}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.migrate", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["target", "run"])
    parser.add_argument("stack")
    parser.add_argument("--dry-run", action="store_true", help="with run: print the command, run nothing")
    parser.add_argument("--pulumi-stack", help="with run: the stack's full name in the backend (org/project/stack); default: STACK")
    args = parser.parse_args(argv)
    app = app_of(args.stack)
    if app.migrate is None:
        print(f"{args.stack} has no release step (`migrate` is not configured); nothing to do", file=sys.stderr)
        return 0
    if app.cloud == "docker":
        # `pulumi up` itself runs the release container and waits for it (components/docker/app.py); there is no
        # separate job to target or run.
        print(f"{args.stack} runs on Docker, where `pulumi up` runs the release step itself; nothing to do", file=sys.stderr)
        return 0
    if args.action == "target":
        print("\n".join(target_urns(args.stack)))
        return 0
    if app.cloud == "gcp":
        command = gcp_execute(app, args.pulumi_stack.rsplit("/", 1)[-1] if args.pulumi_stack else args.stack)
        if args.dry_run:
            print(shlex.join(command))
            return 0
        return subprocess.run(command, check=False).returncode
    migration = aws_migration(app, exported_resources(args.pulumi_stack or args.stack))
    if args.dry_run:
        print(shlex.join(aws_run_task(migration)))
        return 0
    return run_aws(migration, app.migrate.timeout_seconds)


if __name__ == "__main__":
    sys.exit(main())
