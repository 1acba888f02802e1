"""The CrossGuard pack: `pulumi preview --policy-pack policy` fails on any violation of policy/rules.py.

Which stacks count as production is each policy's config `productionStacks`, a regular expression
matched against the stack name (default: names containing "prod").
"""

from pack import policy
from pulumi_policy import EnforcementLevel, PolicyPack
from rules import RULES

PolicyPack(name="shipyard-guardrails", enforcement_level=EnforcementLevel.MANDATORY, policies=[policy(rule) for rule in RULES])
