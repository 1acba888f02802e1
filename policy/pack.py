"""CrossGuard glue: what the engine hands a stack policy, turned into the plain `StackView` the rules read.

Kept apart from `__main__.py` (which starts the policy server) so tests can run it.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy
from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE, UNKNOWN_BOOLEAN_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_OBJECT_VALUE, UNKNOWN_STRING_VALUE
from rules import UNKNOWN, Rule, StackView, Subject

DEFAULT_PRODUCTION_STACKS = "prod"
CONFIG = PolicyConfigSchema(properties={"productionStacks": {"type": "string", "default": DEFAULT_PRODUCTION_STACKS}})
_UNKNOWNS = {UNKNOWN_BOOLEAN_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_STRING_VALUE, UNKNOWN_ARRAY_VALUE, UNKNOWN_OBJECT_VALUE}


def plain(value: Any) -> Any:
    """Unwrap the engine's unknown-checking proxies into dicts and lists; values not known yet become UNKNOWN."""
    if hasattr(value, "__getitem__") and not isinstance(value, str | bytes | dict | list):
        with contextlib.suppress(KeyError, TypeError, IndexError):
            value = value["__target"]  # the proxies' way to the wrapped value
    if isinstance(value, str) and value in _UNKNOWNS:
        return UNKNOWN
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def view(args: StackValidationArgs) -> StackView:
    pattern = (args.get_config() or {}).get("productionStacks", DEFAULT_PRODUCTION_STACKS)
    subjects = [
        Subject(
            type=r.resource_type,
            name=r.name,
            urn=r.urn,
            props=plain(r.props),
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
