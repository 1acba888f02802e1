"""The CrossGuard pack: `pulumi preview --policy-pack policy` fails on any violation of policy/rules.py.

Which stacks count as production is pack config: `productionStacks`, a regular
expression matched against the stack name (default: names containing "prod").
"""

import re

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from rules import RULES, Rule, StackView, Subject

DEFAULT_PRODUCTION_STACKS = "prod"
CONFIG = PolicyConfigSchema(
    properties={"productionStacks": {"type": "string", "default": DEFAULT_PRODUCTION_STACKS}},
)


def view(args: StackValidationArgs) -> StackView:
    pattern = (args.get_config() or {}).get("productionStacks", DEFAULT_PRODUCTION_STACKS)
    subjects = [
        Subject(
            type=r.resource_type,
            name=r.name,
            urn=r.urn,
            props=r.props,
            protect=bool(r.opts.protect),
            links={prop: tuple(dep.urn for dep in deps) for prop, deps in r.property_dependencies.items()},
        )
        for r in args.resources
    ]
    stack_name = subjects[0].urn.split("::")[0].removeprefix("urn:pulumi:") if subjects else ""
    return StackView(subjects, production=bool(re.search(pattern, stack_name)))


def policy(rule: Rule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for urn, message in rule.check(view(args)):
            report_violation(message, urn)

    return StackValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=validate,
        config_schema=CONFIG,
        enforcement_level=EnforcementLevel.MANDATORY,
    )


PolicyPack(name="shipyard-guardrails", enforcement_level=EnforcementLevel.MANDATORY, policies=[policy(rule) for rule in RULES])
