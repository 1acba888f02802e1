"""The pack glue, fed the way the engine feeds it: outputs wrapped in unknown-checking proxies, some not known yet.

`policy/pack.py` is imported the way the pack runs (from inside policy/); the pack object is never built.
"""

from __future__ import annotations

import copy
import sys
from typing import Any

import pytest
from pulumi_policy import PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions, StackValidationArgs
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from stacks.offline import ROOT, Rendering

sys.path.insert(0, str(ROOT / "policy"))
import pack
import rules

# Values an engine does not know during a first preview: computed names, digests, generated tokens, ids.
NOT_YET_KNOWN = {
    "aws:ecs/taskDefinition:TaskDefinition": ("containerDefinitions",),
    "aws:rds/instance:Instance": ("parameterGroupName",),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("authToken",),
    "aws:lb/listener:Listener": ("certificateArn",),
    "aws:ec2/securityGroup:SecurityGroup": ("vpcId",),
    "gcp:cloudrunv2/service:Service": ("template", "serviceAccount"),
    "gcp:cloudrunv2/job:Job": ("template", "template", "containers"),
    "gcp:sql/databaseInstance:DatabaseInstance": ("settings", "ipConfiguration", "privateNetwork"),
    "gcp:compute/targetHttpProxy:TargetHttpProxy": ("urlMap",),
}


def unknown_at(props: dict[str, Any], path: tuple[str, ...]) -> None:
    for key in path[:-1]:
        props = props[key]
    props[path[-1]] = UNKNOWN_STRING_VALUE


def engine_args(rendering: Rendering, unknown: bool) -> StackValidationArgs:
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    resources = []
    for r in rendering.resources:
        props = copy.deepcopy(r.inputs)
        if unknown and r.type in NOT_YET_KNOWN:
            unknown_at(props, NOT_YET_KNOWN[r.type])
        protected = PolicyResourceOptions(r.protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
        resource = PolicyResource(r.type, unknown_checking_proxy(props), r.urn, r.name,
                                  protected if r.protect else options, None, None, [], {})  # fmt: skip
        resources.append((r, resource))
    # What the engine hands a policy: each input's dependencies, as the program's outputs recorded them.
    by_urn = {r.urn: resource for r, resource in resources}
    for r, resource in resources:
        for prop, urns in r.property_dependencies.items():
            deps = [by_urn[urn] for urn in urns if urn in by_urn]
            if deps:
                resource.property_dependencies[prop] = deps
    return StackValidationArgs([resource for _, resource in resources], config={"productionStacks": "prod"})


def run(rule: Any, args: StackValidationArgs) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    pack.policy(rule).validate(args, lambda message, urn=None: found.append((message, urn)))
    return found


@pytest.mark.parametrize("rule", rules.RULES, ids=[r.name for r in rules.RULES])
@pytest.mark.parametrize("unknown", [False, True], ids=["known", "preview-unknowns"])
def test_policies_run_through_the_engine_proxies_without_crashing_or_false_alarms(
    rule: Any, unknown: bool, aws_prod: Rendering, gcp_prod: Rendering
) -> None:
    for rendering in (aws_prod, gcp_prod):
        assert run(rule, engine_args(rendering, unknown)) == [], rendering.stack


def test_plain_unwraps_proxies_and_marks_unknowns() -> None:
    proxied = unknown_checking_proxy({"a": [{"b": 1}], "c": UNKNOWN_STRING_VALUE})
    assert pack.plain(proxied) == {"a": [{"b": 1}], "c": rules.UNKNOWN}


def test_a_violation_still_surfaces_through_the_proxies(aws_prod: Rendering) -> None:
    args = engine_args(aws_prod, unknown=True)
    database = next(r for r in args.resources if r.resource_type == "aws:rds/instance:Instance")
    database.props["__target"]["publiclyAccessible"] = True
    found = run(next(r for r in rules.RULES if r.name == "data-stores-private"), args)
    assert [urn for _, urn in found] == [database.urn]
