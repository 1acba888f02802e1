"""Safer releases: blue/green, canary and linear on both clouds, rolled back by the alarms, and refused where they can't be."""

from __future__ import annotations

from typing import Any

import pytest

from components.aws.release import LOAD_BALANCER_POLICY
from components.gcp.service import FIRST_TRAFFIC
from stacks import release
from stacks.migrate import app_of
from stacks.model import Alerts, Rollout
from stacks.offline import Rendering
from stacks.plan import plan, refreshed
from tests.harness import config_error, inputs_json, render_shared, stack_app

SERVICE = "aws:ecs/service:Service"
RULE = "aws:lb/listenerRule:ListenerRule"
GROUP = "aws:lb/targetGroup:TargetGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
CLOUD_RUN = "gcp:cloudrunv2/service:Service"


def with_rollouts(stack: str, **rollouts: dict[str, Any]) -> dict[str, Any]:
    app = stack_app(stack)
    for svc, rollout in rollouts.items():
        app["services"][svc]["rollout"] = rollout
    return app


def aws_shifting() -> Rendering:
    """PMIS on AWS: the web front end (the catch-all `/`) released as a canary, the api (`/api`) blue/green."""
    return render_shared(with_rollouts("aws-prod", web={"strategy": "canary", "percent": 5}, api={"strategy": "bluegreen"}))


# ---------------------------------------------------------------------------------------------------------------------
# The model, and what each cloud refuses


@pytest.mark.parametrize(
    ("rollout", "key", "says"),
    [
        ({"strategy": "bluegreen", "percent": 10}, "services.api.rollout.percent", "strategy bluegreen takes no percent"),
        ({"strategy": "rolling", "bakeMinutes": 5}, "services.api.rollout.bakeMinutes", "strategy rolling takes no bakeMinutes"),
        ({"strategy": "linear", "percent": 60}, "services.api.rollout.percent", "linear moves 3 to 50% a step"),
        ({"strategy": "canary", "percent": 100}, "services.api.rollout.percent", "less than or equal to 99"),
        ({"strategy": "canary", "intervalMinutes": 2000}, "services.api.rollout.intervalMinutes", "less than or equal to 1440"),
    ],
)
def test_a_setting_its_strategy_does_not_take_is_refused_by_name(rollout: dict[str, Any], key: str, says: str) -> None:
    error = config_error(with_rollouts("aws-prod", api=rollout))
    assert f"{key}: " in error and says in error


def test_a_worker_has_no_traffic_to_shift() -> None:
    error = config_error(with_rollouts("gcp-prod", worker={"strategy": "canary"}))
    assert "services.worker.rollout.strategy: canary shifts traffic, and a worker receives none" in error
    assert "allowed: rolling" in error


def test_a_job_takes_no_rollout() -> None:
    app = stack_app("aws-prod")
    next(iter(app["jobs"].values()))["rollout"] = {"strategy": "canary"}
    assert ".rollout: unknown key" in config_error(app)


def test_aws_refuses_a_shift_it_cannot_make() -> None:
    private = with_rollouts("aws-prod", api={"strategy": "bluegreen"})
    private["services"]["api"].update(public=False, routes=None)
    assert "services.api.rollout.strategy: bluegreen needs the load balancer" in config_error(private)
    two_routes = with_rollouts("aws-prod", api={"strategy": "canary"})
    two_routes["services"]["api"]["routes"] = ["/api", "/admin"]
    assert "ECS shifts one listener rule per service, and this service has 2 routes (/api, /admin)" in config_error(two_routes)
    taken = with_rollouts("aws-prod", api={"strategy": "linear"})
    taken["services"]["api-alt"] = {**taken["services"]["api"], "routes": ["/other"], "rollout": {"strategy": "rolling"}}
    assert "the second target group of 'api' takes the name of the service 'api-alt'" in config_error(taken)


def test_docker_refuses_any_shift() -> None:
    error = config_error(with_rollouts("local", api={"strategy": "bluegreen"}))
    assert "services.api.rollout.strategy: the proxy sends each service's traffic to one container" in error


def test_gcp_shifts_a_private_services_traffic_too() -> None:
    app = with_rollouts("gcp-prod", api={"strategy": "bluegreen"})
    app["services"]["api"].update(public=False, routes=None)
    (api,) = [s for s in render_shared(app).of_type(CLOUD_RUN) if s.name == "pmis-api"]
    assert api.inputs["traffics"] == FIRST_TRAFFIC


# ---------------------------------------------------------------------------------------------------------------------
# AWS: ECS's own strategies


def test_aws_maps_each_strategy_to_ecs_with_its_bake_and_steps() -> None:
    rendering = aws_shifting()
    web, api = rendering.one(SERVICE, "pmis-web").inputs, rendering.one(SERVICE, "pmis-api").inputs
    assert web["deploymentConfiguration"] == {
        "strategy": "CANARY",
        "bakeTimeInMinutes": "10",
        "canaryConfiguration": {"canaryPercent": 5, "canaryBakeTimeInMinutes": "10"},
    }
    assert api["deploymentConfiguration"] == {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": "10"}
    linear = render_shared(with_rollouts("aws-prod", api={"strategy": "linear", "percent": 25, "intervalMinutes": 3, "bakeMinutes": 3}))
    service = linear.one(SERVICE, "pmis-api")
    assert service.inputs["deploymentConfiguration"]["linearConfiguration"] == {"stepPercent": 25, "stepBakeTimeInMinutes": "3"}
    # `pulumi up` waits for the release: 3 waits of 3 minutes between 4 steps, 3 to bake, and 20 to start the tasks.
    assert service.custom_timeouts == {"update": "32m"}


def test_aws_gives_a_shifting_service_a_twin_target_group_and_a_weighted_rule_ecs_owns() -> None:
    rendering = aws_shifting()
    for svc, patterns in (("api", ["/api", "/api/*"]), ("web", ["/*"])):
        primary, alternate = rendering.one(GROUP, f"pmis-{svc}"), rendering.one(GROUP, f"pmis-{svc}-alt")
        assert {k: v for k, v in alternate.inputs.items() if k != "name"} == {k: v for k, v in primary.inputs.items() if k != "name"}
        rule = rendering.one(RULE, f"pmis-{svc}-alt")
        assert rule.inputs["conditions"] == [{"pathPattern": {"values": patterns}}]
        weights = {g["arn"].rsplit(":", 1)[-1]: g["weight"] for g in rule.inputs["actions"][0]["forward"]["targetGroups"]}
        assert weights == {f"pmis-{svc}": 100, f"pmis-{svc}-alt": 0}, "all traffic on the first group until ECS moves it"
        assert rule.ignore_changes == ["actions"], "ECS moves the weights at every release"
        # A replaced target group makes the rule afresh, deleted first: two rules cannot share a priority.
        assert sorted(rule.replacement_trigger) == sorted(g["arn"] for g in rule.inputs["actions"][0]["forward"]["targetGroups"])
        assert rule.delete_before_replace
        attached = rendering.one(SERVICE, f"pmis-{svc}").inputs["loadBalancers"][0]["advancedConfiguration"]
        assert attached["alternateTargetGroupArn"].endswith(f"pmis-{svc}-alt")
        assert attached["productionListenerRule"].endswith(f"pmis-{svc}-alt")
    rules = sorted(rendering.of_type(RULE), key=lambda r: r.inputs["priority"])
    assert rules[-1].name == "pmis-web-alt", "the catch-all is the last rule"
    https = rendering.one("aws:lb/listener:Listener", "pmis-https")
    assert https.inputs["defaultActions"][0]["targetGroupArn"].endswith("pmis-web"), "the default action stays as it was"


def test_aws_lets_ecs_move_traffic_with_a_role_of_its_own_waited_for() -> None:
    rendering = aws_shifting()
    role = rendering.one("aws:iam/role:Role", "pmis-ecs-load-balancers")
    assert inputs_json(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": "ecs.amazonaws.com"}
    attachment = rendering.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "pmis-ecs-load-balancers")
    assert attachment.inputs["policyArn"].endswith(f":iam::aws:policy/{LOAD_BALANCER_POLICY}")
    assert attachment.urn in rendering.one(SERVICE, "pmis-api").dependencies


def test_aws_rolls_a_release_back_on_the_services_own_5xx_rate_and_latency() -> None:
    rendering = aws_shifting()
    for svc in ("api", "web"):
        alarms = rendering.one(SERVICE, f"pmis-{svc}").inputs["alarms"]
        assert alarms["enable"] and alarms["rollback"]
        assert sorted(alarms["alarmNames"]) == [f"pmis-{svc}-release-5xx", f"pmis-{svc}-release-latency"]
        for name in alarms["alarmNames"]:
            alarm = rendering.one(ALARM, name).inputs
            groups = {q["metric"]["dimensions"]["TargetGroup"].rsplit(":", 1)[-1] for q in alarm["metricQueries"] if "metric" in q}
            assert len(groups) == 2, "its own two target groups, not the whole load balancer"
            # 2 bad minutes of 3: the production minimum of a step or bake (3 minutes) is enough to see it.
            assert (alarm["evaluationPeriods"], alarm["datapointsToAlarm"]) == (3, 2)
    assert rendering.one(SERVICE, "pmis-api").inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}


def test_aws_alarms_watch_both_target_groups_of_a_shifting_service() -> None:
    rendering = aws_shifting()
    latency = rendering.one(ALARM, "pmis-api-latency-p95").inputs
    groups = {q["metric"]["dimensions"]["TargetGroup"] for q in latency["metricQueries"] if "metric" in q}
    assert len(groups) == 2, "the live traffic is on either group"
    assert [q["expression"] for q in latency["metricQueries"] if "expression" in q] == ["MAX([p950, p951])"]
    healthy = rendering.one(ALARM, "pmis-api-healthy-hosts").inputs
    assert [q["expression"] for q in healthy["metricQueries"] if "expression" in q] == ["FILL(healthy0, 0) + FILL(healthy1, 0)"]
    assert (healthy["comparisonOperator"], healthy["treatMissingData"]) == ("LessThanThreshold", "breaching")


def test_a_refresh_after_ecs_moved_the_traffic_plans_nothing() -> None:
    """ECS rewrites the rule's weights (seen live, go-to-k/cdk-real-drift#1730); the service's own load balancer block is
    the program's, so a change there is put back."""
    before = aws_shifting()
    rule, service = before.one(RULE, "pmis-api-alt"), before.one(SERVICE, "pmis-api")
    moved = [
        {
            "type": "forward",
            "forward": {
                "targetGroups": [
                    {"arn": g["arn"], "weight": 100 - g["weight"]} for g in rule.inputs["actions"][0]["forward"]["targetGroups"]
                ]
            },
        }
    ]
    swapped = [
        {
            **service.inputs["loadBalancers"][0],
            "targetGroupArn": service.inputs["loadBalancers"][0]["advancedConfiguration"]["alternateTargetGroupArn"],
        }
    ]
    drift = {(RULE, "pmis-api-alt"): {"actions": moved}}
    assert plan(refreshed(before, drift), before).changes == []
    console: dict[tuple[str, str], dict[str, Any]] = {
        (RULE, "pmis-api-alt"): {"priority": 5},
        (SERVICE, "pmis-api"): {"loadBalancers": swapped},
    }
    assert sorted(str(s) for s in plan(refreshed(before, console), before).changes) == [
        "update aws:ecs/service:Service pmis-api (loadBalancers[0].targetGroupArn)",
        "update aws:lb/listenerRule:ListenerRule pmis-api-alt (priority)",
    ], "only the weights are ECS's own"


def test_switching_a_strategy_on_and_off_sends_what_ecs_needs() -> None:
    rolling, canary = render_shared(stack_app("aws-prod")), render_shared(with_rollouts("aws-prod", api={"strategy": "canary"}))
    switch_on = plan(rolling, canary)
    # The twin group and the weighted rule are made afresh, with their actions (an update would send none: ignored).
    created = {(s.resource.type, s.resource.name) for s in switch_on.of("create")}
    assert {(RULE, "pmis-api-alt"), (GROUP, "pmis-api-alt"), ("aws:iam/role:Role", "pmis-ecs-load-balancers")} <= created
    assert [s.resource.name for s in switch_on.of("delete") if s.resource.type == RULE] == ["pmis-api"]
    service = switch_on.step(SERVICE, "pmis-api")
    assert service.action == "update" and {"loadBalancers", "deploymentConfiguration", "alarms"} <= {
        p.split(".")[0].split("[")[0] for p in service.changed
    }
    assert switch_on.errors == []
    switch_off = plan(canary, rolling)
    assert [s.resource.name for s in switch_off.of("create") if s.resource.type == RULE] == ["pmis-api"]
    assert "loadBalancers" in {p.split(".")[0].split("[")[0] for p in switch_off.step(SERVICE, "pmis-api").changed}


def test_rolling_stays_as_it_was(aws_prod: Rendering, gcp_prod: Rendering) -> None:
    """The committed stacks roll; their golden files (tests/test_golden.py) hold the rest of the render unchanged."""
    for service in aws_prod.of_type(SERVICE):
        assert service.inputs.get("deploymentConfiguration") is None and service.inputs.get("alarms") is None
    assert not [g for g in aws_prod.of_type(GROUP) if g.name.endswith("-alt")]
    assert all("traffics" not in s.inputs and not s.ignore_changes for s in gcp_prod.of_type(CLOUD_RUN))


# ---------------------------------------------------------------------------------------------------------------------
# GCP: revisions and traffic, moved by `stacks.release`


def test_gcp_starts_a_shifting_service_on_its_latest_revision_and_leaves_traffic_to_the_release() -> None:
    rendering = render_shared(with_rollouts("gcp-prod", web={"strategy": "canary"}))
    (web,) = [s for s in rendering.of_type(CLOUD_RUN) if s.name == "pmis-web"]
    assert web.inputs["traffics"] == [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}]
    assert web.ignore_changes == ["traffics"]


@pytest.mark.parametrize(
    ("rollout", "expected"),
    [
        (Rollout(strategy="bluegreen", bake_minutes=15), [(100, 15)]),
        (Rollout(strategy="canary"), [(10, 10), (100, 10)]),
        (Rollout(strategy="linear", percent=30, interval_minutes=2, bake_minutes=0), [(30, 2), (60, 2), (90, 2), (100, 0)]),
    ],
)
def test_each_strategy_moves_the_traffic_in_its_steps(rollout: Rollout, expected: list[tuple[int, int]]) -> None:
    assert rollout.steps == expected
    assert rollout.minutes == sum(minutes for _, minutes in expected[:-1]) + expected[-1][1]


class FakeCloudRun:
    def __init__(self, traffic: list[dict[str, Any]], ready: str = "web-2", created: str = "web-2", bad: bool = False) -> None:
        self.status = {"latestReadyRevisionName": ready, "latestCreatedRevisionName": created, "traffic": traffic}
        self.routes: list[dict[str, int]] = []
        self.tags: list[dict[str, str]] = []
        self.bad = bad

    def describe(self, service: str) -> dict[str, Any]:
        return {"status": self.status}

    def route(self, service: str, traffic: dict[str, int], tags: dict[str, str]) -> None:
        self.routes.append(traffic)
        self.tags.append(tags)

    def health(self, service: str, revision: str, minutes: int) -> release.Health:
        return release.Health(requests=200, errors=50 if self.bad else 0, p95_ms=120)


ON_PREVIOUS = [{"revisionName": "web-1", "percent": 100}]


def test_a_canary_moves_its_share_then_everything_and_keeps_the_previous_revision_tagged() -> None:
    cloud = FakeCloudRun(ON_PREVIOUS)
    assert release.release(cloud, "pmis-web", Rollout(strategy="canary", percent=10), Alerts(), sleep=lambda _: None) == 0
    assert cloud.routes == [{"web-2": 10, "web-1": 90}, {"web-2": 100}]
    assert cloud.tags[-1] == {"candidate": "web-2", "previous": "web-1"}


def test_errors_on_the_new_revision_put_all_traffic_back_on_the_previous_one() -> None:
    cloud = FakeCloudRun(ON_PREVIOUS, bad=True)
    assert release.release(cloud, "pmis-web", Rollout(strategy="linear"), Alerts(error_rate_percent=5), sleep=lambda _: None) == 1
    assert cloud.routes == [{"web-2": 20, "web-1": 80}, {"web-1": 100}]


def test_a_new_revision_that_never_got_ready_gets_no_traffic() -> None:
    cloud = FakeCloudRun(ON_PREVIOUS, ready="web-1", created="web-2")
    assert release.release(cloud, "pmis-web", Rollout(strategy="bluegreen"), Alerts(), sleep=lambda _: None) == 1
    assert cloud.routes == []


def test_the_first_release_pins_the_only_revision_by_name() -> None:
    cloud = FakeCloudRun([{"latestRevision": True, "percent": 100}])
    assert release.release(cloud, "pmis-web", Rollout(strategy="canary"), Alerts(), sleep=lambda _: None) == 0
    assert cloud.routes == [{"web-2": 100}]


def test_rollback_is_one_command_back_to_the_previous_revision() -> None:
    cloud = FakeCloudRun([{"revisionName": "web-2", "percent": 100}, {"revisionName": "web-1", "percent": 0, "tag": "previous"}])
    assert release.rollback_gcp(cloud, "pmis-web") == 0
    assert cloud.routes == [{"web-1": 100}]


def test_thresholds_are_the_stacks_alerts() -> None:
    alerts = Alerts(error_rate_percent=2, latency_p95_ms=800)
    assert release.problem(release.Health(100, 1, 300), alerts) is None
    assert "over 2%" in str(release.problem(release.Health(100, 3, 300), alerts))
    assert "over 800 ms" in str(release.problem(release.Health(100, 0, 900), alerts))


def test_aws_rollback_deploys_what_the_release_before_the_current_one_ran() -> None:
    deployments = [
        {"status": "SUCCESSFUL", "finishedAt": "2026-11-20T10:00:00Z", "targetServiceRevision": {"arn": "rev/5"}},
        {"status": "ROLLBACK_SUCCESSFUL", "finishedAt": "2026-11-21T10:00:00Z", "targetServiceRevision": {"arn": "rev/6"}},
        {"status": "SUCCESSFUL", "finishedAt": "2026-11-22T10:00:00Z", "targetServiceRevision": {"arn": "rev/7"}},
    ]
    revisions = {"rev/5": "arn:td/pmis-api:5", "rev/6": "arn:td/pmis-api:6", "rev/7": "arn:td/pmis-api:7"}
    assert release.previous_task_definition(deployments, revisions) == "arn:td/pmis-api:5", "not the failed one in between"
    assert release.previous_task_definition(deployments[2:], revisions) is None
    exported = [
        {
            "type": SERVICE,
            "urn": "urn:pulumi:aws-prod::shipyard::shipyard:aws:FargateService$aws:ecs/service:Service::pmis-api",
            "outputs": {"name": "pmis-api-1a2b3c4", "cluster": "arn:aws:ecs:us-east-1:1:cluster/pmis"},
        }
    ]
    assert release.ecs_service(app_of("aws-prod"), exported, "api") == release.EcsService(
        "arn:aws:ecs:us-east-1:1:cluster/pmis", "pmis-api-1a2b3c4"
    )


def test_aws_keeps_the_revisions_a_rollback_deploys() -> None:
    rendering = aws_shifting()
    assert rendering.one("aws:ecs/taskDefinition:TaskDefinition", "pmis-api").inputs["skipDestroy"] is True
    assert "skipDestroy" not in rendering.one("aws:ecs/taskDefinition:TaskDefinition", "pmis-worker").inputs


def test_the_release_command_names_what_it_can_roll_back(capsys: pytest.CaptureFixture[str]) -> None:
    assert release.main(["rollback", "aws-prod", "api"]) == 2
    assert "in aws-prod: none" in capsys.readouterr().err
    assert release.main(["run", "aws-prod"]) == 0
    assert "ECS ran each release's strategy during `pulumi up`" in capsys.readouterr().out


def test_the_deploy_shifts_traffic_after_a_refreshed_up() -> None:
    from tests.test_workflows import workflow

    (job,) = [j for j in workflow("deploy")["jobs"].values() if any("pulumi up" in str(s.get("name", "")) for s in j["steps"])]
    names = [str(s.get("name", "")) for s in job["steps"]]
    up = job["steps"][names.index("pulumi up")]
    assert up["with"]["refresh"] is True, "only a refresh tells the provider where Cloud Run's traffic is now"
    shift = [i for i, s in enumerate(job["steps"]) if "stacks.release run" in str(s.get("run", ""))]
    assert shift and shift[0] > names.index("pulumi up")


def test_releases_that_shift_traffic_pass_every_policy() -> None:
    from tests.test_policy import RULE, view_of, violations

    gcp = render_shared(with_rollouts("gcp-prod", web={"strategy": "canary"}))
    for rendering in (aws_shifting(), gcp):
        assert {rule: violations(rule, view_of(rendering)) for rule in RULE if violations(rule, view_of(rendering))} == {}


def test_the_cost_estimate_counts_the_second_set_of_tasks_a_release_runs() -> None:
    from stacks.config import PROJECT, load
    from stacks.cost import DEPLOYS_PER_MONTH, estimate
    from stacks.prices import PRICES

    app = with_rollouts("aws-prod", web={"strategy": "canary", "percent": 5}, api={"strategy": "bluegreen"})
    result = estimate(aws_shifting(), load({f"{PROJECT}:{k}": v for k, v in app.items()}, []).app)
    task = aws_shifting().one("aws:ecs/taskDefinition:TaskDefinition", "pmis-api").inputs
    api_min = app["services"]["api"]["scaling"]["min"]
    # Blue/green with a 10-minute bake: the new tasks run beside the old ones for 10 minutes, 20 releases a month.
    hours = api_min * DEPLOYS_PER_MONTH * 10 / 60
    (vcpu,) = [line for line in result.lines if line.name == "pmis-api" and line.item == "release overlap vCPU"]
    assert vcpu.monthly_min == pytest.approx(int(task["cpu"]) / 1024 * hours * PRICES["aws.fargate.vcpu.x86_64"].usd["us-east-1"])
