"""The monthly cost estimate (stacks/cost.py) from the price table (stacks/prices.py): figures checked by hand."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from stacks import render as render_cli
from stacks.config import PROJECT, load
from stacks.cost import ASSUMPTIONS, FREE, PRICERS, USAGE, Estimate, estimate, unclassified
from stacks.model import App
from stacks.offline import committed_stacks, stack_config
from stacks.plan import RULES
from stacks.prices import PRICES, READ_ON
from tests.harness import render_shared, render_stack, stack_app


def model(app: dict[str, Any]) -> App:
    # As the engine hands config over: strings as they are, everything else as JSON text.
    return load({f"{PROJECT}:{key}": value if isinstance(value, str) else json.dumps(value) for key, value in app.items()}).app


def committed_model(stack: str) -> App:
    config, secret_keys = stack_config(stack)
    return load(config, secret_keys).app


def cost_of(app: dict[str, Any], stack: str = "test") -> Estimate:
    return estimate(render_shared(app, stack), model(app))


def lines(result: Estimate, name: str) -> dict[str, tuple[float, float]]:
    return {line.item: (line.monthly_min, line.monthly_max) for line in result.lines if line.name == name}


def test_a_small_stack_costs_what_the_price_pages_say() -> None:
    app = {
        "name": "tiny",
        "cloud": "aws",
        "profile": "development",  # one NAT gateway, no protection
        "services": {
            "jobs": {"kind": "worker", "image": "ghcr.io/example/jobs:1.0.0", "cpu": 0.25, "memory": 512, "scaling": {"min": 1, "max": 3}}
        },
    }
    result = cost_of(app)
    by_hand = {
        # 0.25 vCPU x 730 h x $0.04048 per vCPU-hour, at 1 and at 3 tasks
        ("tiny-jobs", "Fargate vCPU"): (7.3876, 22.1628),
        # 0.5 GB x 730 h x $0.004445 per GB-hour
        ("tiny-jobs", "Fargate memory"): (1.622425, 4.867275),
        # 1 GB of logs per task x $0.50 per GB
        ("tiny-jobs", "log ingestion"): (0.50, 1.50),
        ("tiny-flow-logs", "log ingestion"): (5.00, 5.00),  # 10 GB x $0.50
        ("tiny-0", "NAT gateway"): (32.85, 32.85),  # 730 h x $0.045
        ("tiny-0", "NAT data processed"): (4.50, 4.50),  # 100 GB x $0.045
        ("tiny-nat-0", "public IPv4 address"): (3.65, 3.65),  # 730 h x $0.005
        ("tiny", "KMS key"): (1.00, 1.00),
        ("tiny-alarms", "KMS key"): (1.00, 1.00),
        ("tiny", "dashboard"): (3.00, 3.00),  # a CloudWatch dashboard, $3 a month
    }
    got = {(line.name, line.item): (line.monthly_min, line.monthly_max) for line in result.lines}
    # Besides these, only alarms: $0.10 a month per standard-resolution metric each reads (cpu, memory, running tasks...).
    rendering = render_shared(app)
    metrics = {
        (r.name, "alarm"): sum(1 for q in r.inputs.get("metricQueries") or [] if q.get("metric")) or 1
        for r in rendering.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    }
    assert len(metrics) >= 2 and got.keys() == by_hand.keys() | metrics.keys()
    for key, count in metrics.items():
        assert got[key] == pytest.approx((0.10 * count, 0.10 * count)), key
    alarms = 0.10 * sum(metrics.values())
    for key, (low, high) in by_hand.items():
        assert got[key][0] == pytest.approx(low) and got[key][1] == pytest.approx(high), key
    as_json = result.as_dict()
    assert round(sum(low for low, _ in by_hand.values()), 2) == 60.51
    assert round(sum(high for _, high in by_hand.values()), 2) == 79.53
    assert as_json["monthlyMin"] == round(60.51 + alarms, 2)
    assert as_json["monthlyMax"] == round(79.53 + alarms, 2)
    # Billed, but by usage the stack cannot know: listed with the reason, never a silent zero.
    assert {u["type"] for u in as_json["unpriced"]} == {"aws:ecs/cluster:Cluster", "aws:sns/topic:Topic"}
    assert all(u["reason"] for u in as_json["unpriced"])


@pytest.mark.parametrize(
    ("stack", "before", "after", "per_instance"),
    [
        # 0.5 vCPU x 730 h x $0.04048 and 1 GB x 730 h x $0.004445 per added task, plus 1 GB of logs x $0.50
        ("aws-prod", 2, 4, {"Fargate vCPU": 14.7752, "Fargate memory": 3.24485, "log ingestion": 0.50}),
        # Cloud Run, CPU always allocated: 1 vCPU x 2,628,000 s x $0.000018, 1 GiB x 2,628,000 s x $0.000002, 1 GiB logs x $0.50
        ("gcp-prod", 5, 10, {"Cloud Run vCPU": 47.304, "Cloud Run memory": 5.256, "log ingestion": 0.50}),
    ],
)
def test_doubling_a_services_min_instances_raises_its_line_by_the_instances_added(
    stack: str, before: int, after: int, per_instance: dict[str, float]
) -> None:
    base = estimate(render_stack(stack), committed_model(stack))
    app = stack_app(stack)
    assert app["services"]["api"]["scaling"]["min"] == before
    app["services"]["api"]["scaling"]["min"] = after
    doubled = cost_of(app, stack)
    old, new = lines(base, "pmis-api"), lines(doubled, "pmis-api")
    assert old.keys() == new.keys() == per_instance.keys()
    for item, each in per_instance.items():
        assert new[item][0] - old[item][0] == pytest.approx((after - before) * each), item
        assert new[item][1] == pytest.approx(old[item][1]), f"{item}: scaling.max did not change"
    assert doubled.monthly_min - base.monthly_min == pytest.approx((after - before) * sum(per_instance.values()))


@pytest.mark.parametrize(
    ("stack", "items"),
    [("aws-prod", ["instance", "gp3 storage"]), ("gcp-prod", ["instance vCPU", "instance memory", "SSD storage"])],
)
def test_high_availability_doubles_the_database_lines_where_the_cloud_bills_it_so(stack: str, items: list[str]) -> None:
    # RDS Multi-AZ bills the standby instance and its storage; Cloud SQL REGIONAL bills vCPU, memory and disk twice.
    app = stack_app(stack)
    assert app["database"]["highAvailability"] is True
    app["database"]["highAvailability"] = False
    ha = lines(estimate(render_stack(stack), committed_model(stack)), "pmis")
    single = lines(cost_of(app, stack), "pmis")
    for item in items:
        assert ha[item][0] == pytest.approx(2 * single[item][0]), item
        assert ha[item][1] == pytest.approx(2 * single[item][1]), item


def test_the_committed_stacks_are_priced_in_their_regions() -> None:
    for stack in [s for s in committed_stacks() if committed_model(s).cloud != "docker"]:
        result = estimate(render_stack(stack), committed_model(stack)).as_dict()
        assert result["currency"] == "USD"
        assert 0 < result["monthlyMin"] <= result["monthlyMax"]
        missing = [u for u in result["unpriced"] if "no price" in u["reason"]]
        assert not missing, f"{stack}: billed lines without a price in {result['region']}: {missing}"
        assert result["assumptions"] == ASSUMPTIONS and result["pricesReadOn"] == READ_ON
        for key, price in result["prices"].items():
            assert price["source"].startswith("https://") and price["title"] and price["readOn"] == READ_ON, key


def test_a_region_without_prices_lists_its_lines_as_unpriced_not_zero() -> None:
    app = committed_model("aws-prod")
    assert app.aws is not None
    elsewhere = app.model_copy(update={"aws": app.aws.model_copy(update={"region": "ap-south-2"})})
    result = estimate(render_stack("aws-prod"), elsewhere).as_dict()
    priced_anywhere = {line["price"] for line in result["lines"]}
    assert priced_anywhere <= {key for key, price in PRICES.items() if "*" in price.usd}, "only region-independent prices apply"
    assert any("no price in ap-south-2" in u["reason"] and "Fargate vCPU" in u["reason"] for u in result["unpriced"])


def test_every_type_the_program_creates_is_priced_free_or_billed_by_usage() -> None:
    assert unclassified(RULES) == [], "add the type to PRICERS, FREE or USAGE in stacks/cost.py"
    assert not set(PRICERS) & set(FREE) and not set(PRICERS) & set(USAGE) and not set(FREE) & set(USAGE)


def test_every_price_names_its_page_and_date() -> None:
    for key, price in PRICES.items():
        assert price.source.startswith("https://") and price.title, key
        assert price.read_on == READ_ON, key
        assert re.fullmatch(r"[a-z0-9-]+|\*", next(iter(price.usd))), key
        assert all(amount > 0 for amount in price.usd.values()), key


def test_the_json_render_has_a_top_level_cost_object_and_the_text_its_total(tmp_path, capsys) -> None:
    out = tmp_path / "render.json"
    assert render_cli.main(["gcp-prod", "--json", str(out)]) == 0
    cost = json.loads(out.read_text())["cost"]
    assert {"currency", "monthlyMin", "monthlyMax", "lines", "unpriced"} <= set(cost)
    assert cost == estimate(render_stack("gcp-prod"), committed_model("gcp-prod")).as_dict()
    printed = capsys.readouterr().out
    assert f"${cost['monthlyMin']:,.2f} with every workload at scaling.min" in printed
    assert "pmis-api: Cloud Run vCPU" in printed


def test_arm64_tasks_and_a_read_replica_are_priced_at_their_own_rates() -> None:
    app = stack_app("aws-prod")
    app["aws"]["architecture"] = "arm64"
    app["database"]["readReplica"] = True
    result = cost_of(app, "aws-prod")
    api = {line.item: line for line in result.lines if line.name == "pmis-api"}
    assert api["Fargate vCPU"].price == "aws.fargate.vcpu.arm64"
    assert api["Fargate vCPU"].monthly_min == pytest.approx(2 * 0.5 * 730 * 0.03238)  # 2 tasks x 0.5 vCPU x $0.03238
    assert api["Fargate memory"].monthly_min == pytest.approx(2 * 1 * 730 * 0.00356)  # 2 tasks x 1 GB x $0.00356
    replica = lines(result, "pmis-replica")
    # A Single-AZ copy of the primary's class, with its own 50-200 GB of gp3.
    assert replica["read replica"] == pytest.approx((730 * 0.168, 730 * 0.168))
    assert replica["gp3 storage"] == pytest.approx((50 * 0.115, 200 * 0.115))


def test_a_docker_stack_costs_its_host_which_is_listed_as_unpriced_not_zero() -> None:
    result = estimate(render_stack("local"), committed_model("local")).as_dict()
    assert result["lines"] == [] and result["monthlyMax"] == 0
    assert [u["type"] for u in result["unpriced"]] == ["docker:host"]
    assert "host's own price" in result["unpriced"][0]["reason"]
