"""Five-field cron expressions, the one schedule syntax of the model.

Each cloud speaks its own dialect (AWS wants six fields with `?`); renderers
convert from the parsed fields here.
"""

from __future__ import annotations

from typing import NamedTuple

from croniter import croniter

FIELD_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")


class CronFields(NamedTuple):
    minute: str
    hour: str
    day_of_month: str
    month: str
    day_of_week: str


def parse(expression: str) -> CronFields:
    """Split and check a 5-field cron expression; raise ValueError saying what is wrong."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"{expression!r} has {len(fields)} fields; a schedule has 5: {' '.join(FIELD_NAMES)} (e.g. '0 0 * * *')")
    if not croniter.is_valid(expression):
        raise ValueError(f"{expression!r} is not a valid cron expression ({' '.join(FIELD_NAMES)}, e.g. '0 0 * * *')")
    return CronFields(*fields)
