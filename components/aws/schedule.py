"""The model's 5-field cron in EventBridge Scheduler's 6-field dialect."""

from __future__ import annotations

import re

from stacks import cron


def to_eventbridge(expression: str) -> str:
    """`0 0 * * *` -> `cron(0 0 * * ? *)`.

    EventBridge wants a year field, `?` in whichever of day-of-month and
    day-of-week is unrestricted, and numbers days of the week 1-7 from Sunday
    where cron uses 0-6 (or 7) from Sunday.
    """
    fields = cron.parse(expression)
    day_of_month, day_of_week = fields.day_of_month, fields.day_of_week
    if day_of_week == "*":
        day_of_week = "?"
    elif day_of_month == "*":
        day_of_month = "?"
        day_of_week = _shift_weekdays(day_of_week)
    else:
        raise ValueError("EventBridge cannot restrict both day-of-month and day-of-week")
    minute, hour = _step_from(fields.minute, "0"), _step_from(fields.hour, "0")
    day_of_month, month = _step_from(day_of_month, "1"), _step_from(fields.month, "1")
    return f"cron({minute} {hour} {day_of_month} {month} {day_of_week} *)"


def _step_from(field: str, first: str) -> str:
    # EventBridge documents steps as `0/15`, not `*/15`.
    return ",".join(first + part[1:] if part.startswith("*/") else part for part in field.split(","))


def _shift_weekdays(field: str) -> str:
    # Names (MON-FRI) mean the same in both dialects; only digits move. Step values after '/' are counts, not days.
    def shift(match: re.Match[str]) -> str:
        return str(int(match.group(0)) % 7 + 1)

    parts = []
    for part in field.split(","):
        base, _, step = part.partition("/")
        if re.fullmatch(r"[0-6]-7", base) and not step:
            # A range ending on Sunday (7) wraps in EventBridge numbering: 5-7 -> 6-7,1.
            parts.append(f"{int(base[0]) + 1}-7,1")
            continue
        base = re.sub(r"\d+", shift, base)
        parts.append(f"{base}/{step}" if step else base)
    return ",".join(parts)
