"""GCP resource IDs have tight length rules; these keep them valid and stable."""

from __future__ import annotations

import hashlib


def short_id(name: str, max_len: int, min_len: int = 1) -> str:
    """`name` if it fits, else a truncated form with a stable hash suffix, so two long names never collide."""
    if len(name) > max_len:
        digest = hashlib.sha256(name.encode()).hexdigest()[:4]
        name = f"{name[: max_len - 5].rstrip('-')}-{digest}"
    return name.ljust(min_len, "0") if len(name) < min_len else name


def service_account_id(app: str, workload: str) -> str:
    # Service account IDs: 6-30 characters.
    return short_id(f"{app}-{workload}", 30, 6)
