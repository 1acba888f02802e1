"""The release step (database migrations), run by the deploy before services roll.

    python -m stacks.migrate target aws-prod          # URN of the migration task/job, for `pulumi up --target`
    python -m stacks.migrate run aws-prod [--dry-run] # run it and wait; exit non-zero if it fails

The deploy first updates only what the migration needs (`pulumi up --target-dependencies
--target <urn>`: the new image, the task definition or job, the database), then runs it
here, then rolls the services with a full `pulumi up`. `run` reads the stack's state
(`pulumi stack export`), which a targeted update writes even on the very first deploy.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from typing import Any

from stacks.config import load
from stacks.model import App
from stacks.offline import render, stack_config

MIGRATION_TYPES = ("aws:ecs/taskDefinition:TaskDefinition", "gcp:cloudrunv2/job:Job")


def app_of(stack: str) -> App:
    config, secret_keys = stack_config(stack)
    return load(config, secret_keys).app


def target_urn(stack: str) -> str:
    """Where the migration lives in the stack, found by rendering it offline: no credentials needed."""
    app = app_of(stack)
    rendering = render(stack)
    (resource,) = [r for r in rendering.resources if r.type in MIGRATION_TYPES and r.name == f"{app.name}-migrate"]
    return rendering.engine_urn(resource)


def _find(resources: list[dict[str, Any]], type_: str, name: str) -> dict[str, Any]:
    found = [r for r in resources if r["type"] == type_ and r["urn"].endswith(f"::{name}")]
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
        "subnets": [_find(resources, "aws:ec2/subnet:Subnet", f"{app.name}-private-{i}")["id"] for i in range(app.aws.availability_zones)],
        "securityGroups": [_find(resources, "aws:ec2/securityGroup:SecurityGroup", f"{app.name}-{service}")["id"]],
    }


def aws_run_task(migration: dict[str, Any]) -> list[str]:
    network = {
        "awsvpcConfiguration": {
            "subnets": migration["subnets"],
            "securityGroups": migration["securityGroups"],
            "assignPublicIp": "DISABLED",
        }
    }
    return ["aws", "ecs", "run-task", "--cluster", migration["cluster"], "--task-definition", migration["taskDefinition"],
            "--launch-type", "FARGATE", "--network-configuration", json.dumps(network),
            "--query", "tasks[0].taskArn", "--output", "text"]  # fmt: skip


def gcp_execute(app: App) -> list[str]:
    assert app.gcp is not None
    return ["gcloud", "run", "jobs", "execute", f"{app.name}-migrate", "--region", app.gcp.region, "--project", app.gcp.project, "--wait"]


def exported_resources(stack: str) -> list[dict[str, Any]]:
    exported = subprocess.run(["pulumi", "stack", "export", "--stack", stack], check=True, capture_output=True, text=True).stdout
    resources: list[dict[str, Any]] = json.loads(exported)["deployment"].get("resources", [])
    return resources


def run_aws(migration: dict[str, Any]) -> int:
    task_arn = subprocess.run(aws_run_task(migration), check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run(["aws", "ecs", "wait", "tasks-stopped", "--cluster", migration["cluster"], "--tasks", task_arn], check=True)
    exit_code = subprocess.run(
        ["aws", "ecs", "describe-tasks", "--cluster", migration["cluster"], "--tasks", task_arn,
         "--query", "tasks[0].containers[0].exitCode", "--output", "text"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    print(f"migration task {task_arn} exited with {exit_code}")
    return 0 if exit_code == "0" else 1


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
    if args.action == "target":
        print(target_urn(args.stack))
        return 0
    if app.cloud == "gcp":
        command = gcp_execute(app)
        if args.dry_run:
            print(shlex.join(command))
            return 0
        return subprocess.run(command, check=False).returncode
    migration = aws_migration(app, exported_resources(args.pulumi_stack or args.stack))
    if args.dry_run:
        print(shlex.join(aws_run_task(migration)))
        return 0
    return run_aws(migration)


if __name__ == "__main__":
    sys.exit(main())
