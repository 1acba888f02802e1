"""One image, several services: the Django/Celery shape (API, worker and beat from one Dockerfile) builds once."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.offline import Rendering
from tests.harness import inputs_json, render_shared, stack_app

BUILD = {"context": "./backend", "target": "runtime"}
IMAGE = "docker:index/image:Image"


def one_build(stack: str, worker_build: dict[str, Any] = BUILD) -> dict[str, Any]:
    """PMIS with its api and worker built from one Dockerfile (the worker's image has been the api's all along)."""
    app = stack_app(stack)
    for svc, build in (("api", BUILD), ("worker", worker_build)):
        app["services"][svc].pop("image")
        app["services"][svc]["build"] = build
    app["version"] = "2.0.0"
    return app


def aws_image(rendering: Rendering, task: str) -> str:
    (container,) = inputs_json(rendering.one("aws:ecs/taskDefinition:TaskDefinition", task).inputs["containerDefinitions"])
    return str(container["image"])


def test_aws_builds_and_pushes_a_shared_build_once_and_runs_its_digest_everywhere() -> None:
    rendering = render_shared(one_build("aws-prod"))
    assert [r.name for r in rendering.of_type(IMAGE)] == ["pmis-api"], "built and pushed once"
    # Each building service keeps its repository: sharing a build (or reordering services) deletes none, which protect
    # and the images in it would refuse.
    assert sorted(r.name for r in rendering.of_type("aws:ecr/repository:Repository")) == ["pmis-api", "pmis-worker"]
    digests = {aws_image(rendering, task) for task in ("pmis-api", "pmis-worker", "pmis-migrate", "pmis-check-overdue-tasks")}
    assert len(digests) == 1 and "@sha256:" in digests.pop()

    def pulls(role: str) -> list[str]:
        policy = inputs_json(rendering.one("aws:iam/rolePolicy:RolePolicy", role).inputs["policy"])
        return [r for s in policy["Statement"] if "ecr:BatchGetImage" in s["Action"] for r in s["Resource"]]

    assert pulls("pmis-worker-execution") == pulls("pmis-api-execution"), "the worker pulls from the api's repository"
    assert len(pulls("pmis-worker-execution")) == 1, "and from no other"


def test_gcp_and_docker_build_a_shared_build_once() -> None:
    gcp = render_shared(one_build("gcp-prod"))
    assert [r.name for r in gcp.of_type(IMAGE)] == ["pmis-api"]
    images = {
        s.name: s.inputs["template"]["containers"][0]["image"]
        for s in [*gcp.of_type("gcp:cloudrunv2/service:Service"), *gcp.of_type("gcp:cloudrunv2/workerPool:WorkerPool")]
        if s.name in ("pmis-api", "pmis-worker")
    }
    assert len(images) == 2 and len(set(images.values())) == 1
    local = render_shared(one_build("local"))
    built = [r for r in local.of_type("docker:index/remoteImage:RemoteImage") if r.inputs.get("build")]
    assert [r.name for r in built] == ["pmis-api"]


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod"])
def test_a_different_build_is_its_own_image(stack: str) -> None:
    rendering = render_shared(one_build(stack, {**BUILD, "target": "worker"}))
    assert sorted(r.name for r in rendering.of_type(IMAGE)) == ["pmis-api", "pmis-worker"]
