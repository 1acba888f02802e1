"""Scheduled jobs on one host: busybox crond in a container of the official `docker` CLI image, one per job.

Why this scheduler:
- The job's own container is created by the stack, stopped, with the same wiring as the service (secrets, networks,
  CA file). The scheduler only starts it (`docker start -a`): no secret passes through the scheduler's config, and the
  job runs exactly as configured, as on the clouds.
- crond reads unix cron, the dialect Cloud Scheduler reads too (stacks/unix_cron.py), so one check covers both.
- Time zone: crond runs in the container's local time; the job's IANA zone is copied in from the pinned `tzdata`
  package and named in TZ, so DST is the zone's own.
- Retries, backoff and the timeout are a short script (run-job.sh), tested against a stand-in `docker`.
- Ofelia, the usual Docker job scheduler, has no retries or run timeout of its own in its documented job options.

The cost: the scheduler holds the Docker socket, which is root on the host. It runs only crond and the script.
"""

from __future__ import annotations

import base64
from importlib import resources
from pathlib import Path

import pulumi
import pulumi_docker as docker

from components.docker.images import DOCKER_CLI, official
from components.docker.workload import LOG_OPTIONS
from components.naming import scoped
from stacks import unix_cron
from stacks.cron import DAY_OF_WEEK
from stacks.model import Job

RUNNER = Path(__file__).with_name("run-job.sh")
SOCKET = "/var/run/docker.sock"


def check_crond(expression: str) -> None:
    """Raise ValueError saying what busybox crond allows if `expression` uses anything else."""
    unix_cron.check(expression, "busybox crond")
    day_of_week = expression.split()[DAY_OF_WEEK]
    if any(part.split("/")[0].split("-")[-1] == "7" or part.startswith("7") for part in day_of_week.split(",")):
        # busybox's ParseField takes day-of-week 0-6 only.
        raise ValueError(f"{day_of_week!r} in the day-of-week field: busybox crond takes 0-6 (or SUN-SAT); write 0 for Sunday")


def zoneinfo(zone: str) -> str:
    """The zone's TZif file from the pinned tzdata package, base64: what TZ=<zone> reads under /usr/share/zoneinfo."""
    data = resources.files("tzdata").joinpath("zoneinfo", *zone.split("/")).read_bytes()
    return base64.b64encode(data).decode()


def crontab(job: Job, container: pulumi.Input[str]) -> pulumi.Output[str]:
    # The job's output goes to the scheduler's own log (`docker logs <app>-<stack>-<job>-schedule`).
    return pulumi.Output.concat(
        job.schedule, " /usr/local/bin/run-job ", container, f" {job.timeout_seconds} {job.retries} > /proc/1/fd/1 2>&1\n"
    )


def scheduler_image(app: str, parent: pulumi.Resource) -> docker.RemoteImage:
    return official(f"{app}-scheduler", DOCKER_CLI, parent)


def scheduler(
    name: str, app: str, job_name: str, job: Job, run: docker.Container, image: docker.RemoteImage, parent: pulumi.Resource
) -> docker.Container:
    return docker.Container(
        f"{name}-schedule",
        name=scoped(app, job_name, "schedule"),
        image=image.image_id,
        entrypoints=["crond", "-f"],
        envs=[f"TZ={job.time_zone}"],
        uploads=[
            docker.ContainerUploadArgs(file="/etc/crontabs/root", content=crontab(job, run.name)),
            docker.ContainerUploadArgs(file="/usr/local/bin/run-job", content=RUNNER.read_text(), executable=True),
            docker.ContainerUploadArgs(file=f"/usr/share/zoneinfo/{job.time_zone}", content_base64=zoneinfo(job.time_zone)),
        ],
        volumes=[docker.ContainerVolumeArgs(host_path=SOCKET, container_path=SOCKET)],
        restart="unless-stopped",
        log_driver="json-file",
        log_opts=LOG_OPTIONS,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[run]),
    )
