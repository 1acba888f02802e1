"""Releases that shift traffic (a service's `rollout`): run them on GCP, and roll back on either cloud.

    python -m stacks.release run gcp-prod [--dry-run]            # after `pulumi up`: move each service to its new revision
    python -m stacks.release rollback gcp-prod api [--dry-run]    # put all traffic back on the version before

AWS: ECS runs blue/green, canary and linear itself, inside `pulumi up` (`components/aws/release.py`), and rolls back on its
alarms; `run` has nothing to do there. `rollback` stops a release still in progress (ECS rolls it back) or, once it
finished, deploys the task definition the release before ran (ECS's service deployments and revisions say which).
Either way the stack still holds the current version: revert the change in git, or the next deploy releases it again.

GCP: Cloud Run has revisions and traffic splits but nothing that moves traffic step by step and watches it. Two ways
were open: traffic blocks in the program, or this command. The program cannot watch error rates between steps, and every
step would be a config change and a `pulumi up`; so the program sets the first traffic (all on the latest revision) and
then leaves traffic alone (`ignore_changes`, `components/gcp/service.py`), and this command owns it: after `pulumi up`
has made the new revision, which gets no traffic because traffic stays on the named revision serving it, `run` moves the
traffic in the strategy's steps, watches the new revision's 5xx rate and p95 latency (Cloud Monitoring, the stack's
`alerts` thresholds) between steps and through the bake time, and puts everything back on the previous revision when
either goes over. The previous revision keeps the tag `previous`, which `rollback` returns to.

`pulumi up` must run with `--refresh` for these stacks (the deploy workflow does): the provider sends the service's
whole definition on an update, traffic included, and only a refresh tells it where traffic is now. Without it, the new
revision gets all traffic at once, as with `rolling`; `run` says so and still watches the bake time.
Cloud Run's metrics arrive a minute or more late, so a step's first checks may see few of its requests.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from components.gcp.naming import cloud_run_name
from stacks.migrate import app_of, exported_resources
from stacks.model import Alerts, App, Rollout

CANDIDATE_TAG = "candidate"
PREVIOUS_TAG = "previous"
WATCH_SECONDS = 60
# The window each check reads: long enough to hold requests at a canary's share, short enough to catch a bad step.
WINDOW_MINUTES = 5


@dataclass(frozen=True)
class Health:
    requests: float
    errors: float  # answered 5xx
    p95_ms: float | None


def problem(health: Health, alerts: Alerts) -> str | None:
    """Why the new revision must not keep its traffic, at the stack's alert thresholds; None when it may."""
    if health.requests and 100 * health.errors / health.requests > alerts.error_rate_percent:
        return f"{health.errors:g} of {health.requests:g} requests answered 5xx, over {alerts.error_rate_percent:g}%"
    if health.p95_ms is not None and health.p95_ms > alerts.latency_p95_ms:
        return f"p95 latency {health.p95_ms:.0f} ms, over {alerts.latency_p95_ms} ms"
    return None


class CloudRun(Protocol):
    def describe(self, service: str) -> dict[str, Any]: ...
    def route(self, service: str, traffic: dict[str, int], tags: dict[str, str]) -> None: ...
    def health(self, service: str, revision: str, minutes: int) -> Health: ...


def serving(described: dict[str, Any]) -> dict[str, int]:
    """Revision -> percent, of the revisions serving traffic now (the latest revision named, when traffic follows it)."""
    status = described.get("status", {})
    found: dict[str, int] = {}
    for target in status.get("traffic", []):
        revision = status.get("latestReadyRevisionName") if target.get("latestRevision") else target.get("revisionName")
        if revision and target.get("percent"):
            found[revision] = found.get(revision, 0) + int(target["percent"])
    return found


def release(cloud: CloudRun, service: str, rollout: Rollout, alerts: Alerts, sleep: Callable[[float], None] = time.sleep) -> int:
    """Move `service`'s traffic to its latest revision in `rollout`'s steps; back to the previous one on a problem."""
    status = cloud.describe(service).get("status", {})
    candidate, created = status.get("latestReadyRevisionName"), status.get("latestCreatedRevisionName")
    if created != candidate:
        print(f"{service}: the new revision {created} is not ready (its startup probe failed?); traffic stays where it is", file=sys.stderr)
        return 1
    now = serving({"status": status})
    others = {revision: percent for revision, percent in now.items() if revision != candidate}
    if not others:
        # The first release, or `pulumi up` ran without --refresh and gave the candidate everything: pin it by name, and
        # watch it through the bake time, though there is no earlier revision here to move back to.
        cloud.route(service, {candidate: 100}, {})
        print(f"{service}: {candidate} already serves all traffic; watching it for the bake time")
        found = _watch(cloud, service, candidate, rollout.setting("bake_minutes"), alerts, sleep)
        if found:
            print(f"{service}: {found}; no earlier revision serves traffic: `stacks.release rollback` or revert", file=sys.stderr)
            return 1
        return 0
    previous = max(others, key=lambda revision: others[revision])
    for percent, minutes in rollout.steps:
        traffic = {candidate: percent, previous: 100 - percent} if percent < 100 else {candidate: 100}
        cloud.route(service, traffic, {CANDIDATE_TAG: candidate, PREVIOUS_TAG: previous})
        print(f"{service}: {percent}% on {candidate}, watching for {minutes} min")
        found = _watch(cloud, service, candidate, minutes, alerts, sleep)
        if found:
            cloud.route(service, {previous: 100}, {PREVIOUS_TAG: previous})
            print(f"{service}: {found}; all traffic is back on {previous}", file=sys.stderr)
            return 1
    print(f"{service}: {candidate} serves all traffic; {previous} stays tagged `{PREVIOUS_TAG}` for a rollback")
    return 0


def _watch(cloud: CloudRun, service: str, revision: str, minutes: int, alerts: Alerts, sleep: Callable[[float], None]) -> str | None:
    """Check the revision once a minute for `minutes`; the first problem found, or None."""
    for _ in range(minutes):
        sleep(WATCH_SECONDS)
        found = problem(cloud.health(service, revision, WINDOW_MINUTES), alerts)
        if found:
            return found
    return None


def rollback_gcp(cloud: CloudRun, service: str) -> int:
    tagged = [t.get("revisionName") for t in cloud.describe(service).get("status", {}).get("traffic", []) if t.get("tag") == PREVIOUS_TAG]
    if not tagged:
        print(f"{service}: no revision is tagged `{PREVIOUS_TAG}`; nothing to roll back to", file=sys.stderr)
        return 1
    cloud.route(service, {tagged[0]: 100}, {})
    print(f"{service}: all traffic is on {tagged[0]}")
    return 0


class Gcloud:
    """Cloud Run through `gcloud`, and the revision's metrics through the Cloud Monitoring API."""

    def __init__(self, project: str, region: str, dry_run: bool = False) -> None:
        self.project, self.region, self.dry_run = project, region, dry_run

    def _where(self) -> list[str]:
        return ["--region", self.region, "--project", self.project]

    def describe(self, service: str) -> dict[str, Any]:
        command = ["gcloud", "run", "services", "describe", service, *self._where(), "--format=json"]
        described: dict[str, Any] = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        return described

    def route(self, service: str, traffic: dict[str, int], tags: dict[str, str]) -> None:
        command = ["gcloud", "run", "services", "update-traffic", service, *self._where()]
        command.append("--to-revisions=" + ",".join(f"{revision}={percent}" for revision, percent in traffic.items()))
        if tags:
            command.append("--update-tags=" + ",".join(f"{tag}={revision}" for tag, revision in tags.items()))
        if self.dry_run:
            print(shlex.join(command))
            return
        subprocess.run(command, check=True)

    def _series(self, query: dict[str, str]) -> list[dict[str, Any]]:
        token = subprocess.run(["gcloud", "auth", "print-access-token"], check=True, capture_output=True, text=True).stdout.strip()
        url = f"https://monitoring.googleapis.com/v3/projects/{self.project}/timeSeries?" + urllib.parse.urlencode(query)
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - a fixed https URL
            series: list[dict[str, Any]] = json.load(response).get("timeSeries", [])
        return series

    def health(self, service: str, revision: str, minutes: int) -> Health:
        """Cloud Run's request_count by response class, and request_latencies' 95th percentile, over the last `minutes`."""
        end = time.time()
        where = (
            f'resource.type="cloud_run_revision" AND resource.labels.service_name="{service}" '
            f'AND resource.labels.revision_name="{revision}"'
        )
        common = {
            "interval.startTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end - minutes * 60)),
            "interval.endTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end)),
            "aggregation.alignmentPeriod": f"{minutes * 60}s",
        }
        counts = self._series(
            {
                **common,
                "filter": f'metric.type="run.googleapis.com/request_count" AND {where}',
                "aggregation.perSeriesAligner": "ALIGN_DELTA",
                "aggregation.crossSeriesReducer": "REDUCE_SUM",
                "aggregation.groupByFields": "metric.labels.response_code_class",
            }
        )
        by_class = {s["metric"]["labels"].get("response_code_class", ""): _value(s) or 0.0 for s in counts}
        latencies = self._series(
            {
                **common,
                "filter": f'metric.type="run.googleapis.com/request_latencies" AND {where}',
                "aggregation.perSeriesAligner": "ALIGN_PERCENTILE_95",
                "aggregation.crossSeriesReducer": "REDUCE_MAX",
            }
        )
        return Health(sum(by_class.values()), by_class.get("5xx", 0.0), _value(latencies[0]) if latencies else None)


def _value(series: dict[str, Any]) -> float | None:
    points = series.get("points", [])
    if not points:
        return None
    value = points[0]["value"]
    return float(value.get("int64Value", value.get("doubleValue", 0)))


def shifting(app: App) -> dict[str, Rollout]:
    return {name: svc.rollout for name, svc in app.services.items() if svc.rollout.shifts_traffic}


@dataclass(frozen=True)
class EcsService:
    cluster: str
    name: str


def ecs_service(app: App, resources: list[dict[str, Any]], service: str) -> EcsService:
    """The ECS service of `service`, from the stack's state (`pulumi stack export`)."""
    found = [
        r
        for r in resources
        if r["type"] == "aws:ecs/service:Service" and r["urn"].endswith(f"::{app.name}-{service}") and not r.get("delete")
    ]
    if len(found) != 1:
        raise SystemExit(f"the stack has no ECS service for {service}: deploy it first")
    return EcsService(str(found[0]["outputs"]["cluster"]), str(found[0]["outputs"]["name"]))


def _ecs(*args: str) -> Any:
    return json.loads(subprocess.run(["aws", "ecs", *args, "--output", "json"], check=True, capture_output=True, text=True).stdout)


def previous_task_definition(deployments: list[dict[str, Any]], revisions: dict[str, str]) -> str | None:
    """The task definition the last successful release before the current one ran, from ECS's service deployments
    (`describe-service-deployments`) and their revisions' task definitions (`describe-service-revisions`)."""
    done = sorted((d for d in deployments if d.get("status") == "SUCCESSFUL"), key=lambda d: str(d.get("finishedAt", "")), reverse=True)
    if len(done) < 2:
        return None
    return revisions.get(str(done[1].get("targetServiceRevision", {}).get("arn")))


def rollback_aws(target: EcsService, dry_run: bool) -> int:
    """Stop a release still running (ECS rolls it back), or deploy again what the release before the current one ran.

    Old revisions of a shifting service's task definition stay registered (`keep_revisions`, components/aws/task.py)."""
    where = ["--cluster", target.cluster, "--service", target.name]
    running = _ecs("list-service-deployments", *where, "--status", "PENDING", "IN_PROGRESS")["serviceDeployments"]
    if running:
        arn = running[0]["serviceDeploymentArn"]
        command = ["aws", "ecs", "stop-service-deployment", "--stop-type", "ROLLBACK", "--service-deployment-arn", arn]
    else:
        arns = [d["serviceDeploymentArn"] for d in _ecs("list-service-deployments", *where, "--status", "SUCCESSFUL")["serviceDeployments"]]
        deployments = _ecs("describe-service-deployments", "--service-deployment-arns", *arns)["serviceDeployments"] if arns else []
        revision_arns = [d["targetServiceRevision"]["arn"] for d in deployments if d.get("targetServiceRevision")]
        described = (
            _ecs("describe-service-revisions", "--service-revision-arns", *revision_arns)["serviceRevisions"] if revision_arns else []
        )
        task_definition = previous_task_definition(deployments, {r["serviceRevisionArn"]: r["taskDefinition"] for r in described})
        if task_definition is None:
            print(f"{target.name}: no successful release before the current one; nothing to roll back to", file=sys.stderr)
            return 1
        command = ["aws", "ecs", "update-service", *where, "--task-definition", task_definition]
    if dry_run:
        print(shlex.join(command))
        return 0
    return subprocess.run(command, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.release", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["run", "rollback"])
    parser.add_argument("stack")
    parser.add_argument("service", nargs="?", help="with rollback: the service to roll back")
    parser.add_argument("--dry-run", action="store_true", help="print the traffic changes (GCP) or commands (AWS); change nothing")
    parser.add_argument("--pulumi-stack", help="the stack's full name in the backend (org/project/stack); default: STACK")
    args = parser.parse_args(argv)
    app = app_of(args.stack)
    services = shifting(app)
    if args.action == "rollback" and args.service not in services:
        print(f"rollback: name a service whose rollout shifts traffic; in {args.stack}: {', '.join(services) or 'none'}", file=sys.stderr)
        return 2
    if app.cloud == "aws":
        if args.action == "run":
            print(f"{args.stack}: ECS ran each release's strategy during `pulumi up`; nothing to do")
            return 0
        return rollback_aws(ecs_service(app, exported_resources(args.pulumi_stack or args.stack), args.service), args.dry_run)
    if app.cloud != "gcp" or not services:
        print(f"{args.stack}: no service shifts traffic; nothing to do")
        return 0
    assert app.gcp is not None
    cloud = Gcloud(app.gcp.project, app.gcp.region, args.dry_run)
    stack = args.pulumi_stack.rsplit("/", 1)[-1] if args.pulumi_stack else args.stack
    if args.action == "rollback":
        return rollback_gcp(cloud, cloud_run_name(f"{app.name}-{args.service}", stack))
    # A dry run prints each traffic change and does not wait between them.
    wait: Callable[[float], None] = (lambda _: None) if args.dry_run else time.sleep
    failed = [
        name for name, rollout in services.items() if release(cloud, cloud_run_name(f"{app.name}-{name}", stack), rollout, app.alerts, wait)
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
