"""What Cloud Scheduler's unix-cron takes of the model's cron (the rules and their source: stacks/unix_cron.py)."""

from __future__ import annotations

from stacks import unix_cron


def check_cloud_scheduler(expression: str) -> None:
    """Raise ValueError saying what Cloud Scheduler allows if `expression` uses anything else."""
    unix_cron.check(expression, "Cloud Scheduler")
