"""Physical names: stable, within each cloud's limits, and unique per stack.

Two stacks of one app often share an AWS account or a GCP project (staging next to production). Every name
the program sets itself therefore carries the stack; names the engine autonames get a random suffix instead.
"""

from __future__ import annotations

import hashlib
import re

import pulumi


def stack_slug(stack: str | None = None) -> str:
    """The stack name (default: the running one) as a name part: lower case, other characters folded to one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", (stack or pulumi.get_stack()).lower()).strip("-") or "stack"


def scoped(app: str, *parts: str, separator: str = "-", stack: str | None = None) -> str:
    """`<app>-<stack>-<parts>`: the name of something of this app in this stack."""
    return separator.join([app, stack_slug(stack), *parts])


def short_id(name: str, max_len: int, min_len: int = 1) -> str:
    """`name` if it fits, else a truncated form with a stable hash suffix, so two long names never collide."""
    if len(name) > max_len:
        digest = hashlib.sha256(name.encode()).hexdigest()[:4]
        name = f"{name[: max_len - 5].rstrip('-_')}-{digest}"
    return name.ljust(min_len, "0") if len(name) < min_len else name


def host_slug(host: str) -> str:
    """A host name as part of a resource's logical name: `api.example.com` -> `api-example-com`."""
    return host.replace(".", "-")
