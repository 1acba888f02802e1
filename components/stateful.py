"""Options for resources that hold data: they survive a mistaken rename or destroy."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pulumi
import pulumi_random as random

# The final snapshot's name, kept within what every AWS data store the stack uses accepts:
# RDS DeleteDBInstance FinalDBSnapshotIdentifier "Must be 1 to 255 letters or numbers. First character must be a
# letter. Can't end with a hyphen or contain two consecutive hyphens" (RDS API reference), checked by the provider as
# well (hashicorp/terraform-provider-aws internal/service/rds/instance.go, final_snapshot_identifier ValidateFunc).
# ElastiCache DeleteReplicationGroup FinalSnapshotIdentifier documents no limit (its serverless snapshots allow 1-255);
# 63, the RDS-family limit for cluster snapshot identifiers, fits all of them with room to spare. The random suffix,
# not the stack part, is what makes the name unique, so the stack part is the one shortened.
FINAL_SNAPSHOT_MAX = 63
SUFFIX_BYTES = 4  # 8 hex characters: a fresh value per lifetime of the data store


def final_snapshot_identifier(app_name: str, stack: str, what: str, suffix: str) -> str:
    """`<app>-<stack>-<what>-final-<suffix>`: a letter first, [a-z0-9-], no `--`, no trailing `-`, at most 63."""
    slug = re.sub(r"[^a-z0-9]+", "-", stack.lower()).strip("-")
    tail = "-".join(part for part in (what, "final", suffix.lower()) if part)
    room = FINAL_SNAPSHOT_MAX - len(app_name) - len(tail) - 2
    slug = slug[: max(room, 0)].strip("-")
    name = "-".join(part for part in (app_name, slug, tail) if part)
    # App names may hold `--` (a DNS label allows it); snapshot identifiers may not.
    return re.sub(r"-{2,}", "-", name)[:FINAL_SNAPSHOT_MAX].rstrip("-")


def final_snapshot_name(
    app_name: str, what: str, parent: pulumi.Resource, replaced_with: Mapping[str, pulumi.Input[str]]
) -> tuple[random.RandomId, pulumi.Output[str]]:
    """The final snapshot's name, unique per lifetime of the data store.

    A fixed name is taken by the first destroy; the next destroy of a recreated stack then fails because that
    snapshot still exists. The RandomId is created with the data store and destroyed with it, so a recreated one
    gets a new suffix. `replaced_with` holds the inputs that make the provider replace the data store (ForceNew):
    when they change, the RandomId is replaced too and the new data store gets a name of its own.
    """
    suffix = random.RandomId(
        f"{app_name}-{what}-final-snapshot",
        byte_length=SUFFIX_BYTES,
        keepers=dict(replaced_with),
        # Explicitly unprotected: it holds no data, and a replacement (its keepers changed) must not fail the
        # update even when its parent carries `protect`, which children inherit. The data store keeps its own.
        opts=pulumi.ResourceOptions(parent=parent, protect=False),
    )
    stack = pulumi.get_stack()
    # The provider always sets `hex`; the offline mocks answer nothing for it, hence `or ""`.
    return suffix, suffix.hex.apply(lambda hex_: final_snapshot_identifier(app_name, stack, what, hex_ or ""))


def keep(parent: pulumi.Resource, protect: bool, **extra: object) -> pulumi.ResourceOptions:
    """`protect` makes `pulumi destroy` and accidental replacement fail until it is lifted on purpose."""
    return pulumi.ResourceOptions(parent=parent, protect=protect, **extra)  # type: ignore[arg-type]
