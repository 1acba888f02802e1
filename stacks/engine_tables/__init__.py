"""What the Pulumi engine and the providers do that mocks do not: one row per resource type the program creates.

Each row says where a resource's physical (cloud) name comes from, what the cloud allows in it, and
which inputs force the resource to be replaced when they change. `stacks.plan` reads these rows to
model autonaming, replacement and protection; every row names its source.
"""

from __future__ import annotations

from dataclasses import dataclass

# The engine's autoname: `<logical name>-<7 random hex characters>`.
# Source: pulumi/pulumi sdk/go/common/resource/urn.go and pulumi-terraform-bridge pkg/tfbridge/names.go
# (`NewUniqueHex(name+"-", 7, maxlen)`, which fails when the name cannot fit `maxlen`).
AUTONAME_RANDOM_CHARS = 7
# Terraform's `name_prefix` / `identifier_prefix`: the prefix plus a 26-character unique id.
# Source: hashicorp/terraform-plugin-sdk helper/id/id.go (`PrefixedUniqueId`: timestamp + counter, 26 chars).
PREFIX_UNIQUE_CHARS = 26


@dataclass(frozen=True)
class TypeRule:
    """How the engine and the provider treat one resource type.

    Input names are as the program sends them to the engine (camelCase, dotted for nested keys).
    """

    # The input that holds the physical name; None when the cloud names the resource itself (an id).
    name_key: str | None = None
    # The engine fills `name_key` with `<logical>-<7 hex>` when the program leaves it out.
    autonamed: bool = False
    # The autoname is lower-cased by the provider (e.g. S3 buckets).
    autoname_lowercase: bool = False
    # An input the provider extends with a 26-character unique id (`namePrefix`, `identifierPrefix`).
    prefix_key: str | None = None
    # The cloud's limit on the physical name's length, and the pattern the whole name must match.
    max_length: int | None = None
    pattern: str | None = None
    # Inputs whose change replaces the resource (Terraform ForceNew, or the provider's replaceOnChanges).
    # A dotted path covers everything below it.
    replace_on: tuple[str, ...] = ()
    # False where many cloud objects share the name by design (ECS task definition revisions share a family),
    # so a replacement under the same name is a new revision, not a duplicate.
    unique_name: bool = True
    # The provider's mapping sets DeleteBeforeReplace: the old one goes first, so its name can be reused.
    delete_before_replace: bool = False
    # Free-text inputs the cloud refuses above a length (`comment`, `description`), which mocks and most provider
    # schemas accept: (input, most characters).
    text_limits: tuple[tuple[str, int], ...] = ()
    # Where the row comes from: the provider's resource mapping, its schema or source, or the cloud's docs.
    source: str = ""
