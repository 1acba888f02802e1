"""Unix cron, as Cloud Scheduler and busybox crond (the Docker renderer's scheduler) read it: what they take of the
model's cron, checked before any resource.

Both take the 5-field expression as written. From Google's "Configure cron job schedules"
(https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules): minute 0-59, hour 0-23, day of the month
1-31, month 1-12 (or JAN to DEC), day of the week 0-6 (or SUN to SAT; or 7 for Sunday), names as their first three
letters in capitals; special characters are '*' ("first-last"), ranges of two numbers joined by '-' (inclusive),
'/NUMBER' after a range (or '*') for steps, and ',' for lists; "Cloud Scheduler does not support L". busybox's
crond (miscutils/crond.c, ParseField) reads the same fields, names and ranges. So '?', 'L', 'W' and '#' (croniter
extensions; EventBridge's dialect has them) are refused, as are ranges that wrap around ('22-2') and a step after a
single value ('5/15'), which neither describes.

Day-of-month and day-of-week both restricted run on either, as in unix cron. But cron implementations disagree when
one of the two starts with '*' ('*/2': vixie cron then requires both, croniter either), so that case is refused
with its range spelling.
"""

from __future__ import annotations

from stacks import cron
from stacks.cron import DAY_OF_MONTH, DAY_OF_WEEK, FIELD_NAMES, MONTH

DAYS_OF_MONTH = "allowed: days 1-31, '*', ranges, lists and steps"
DAYS_OF_WEEK = "allowed: days 0-7 or SUN-SAT, '*', ranges, lists and steps"


def check(expression: str, scheduler: str) -> None:
    """Raise ValueError saying what a unix-cron `scheduler` allows if `expression` uses anything else."""
    fields = cron.parse(expression)
    for index, text in enumerate(fields):
        for part in text.split(","):
            _check_part(index, part, scheduler)
    day_of_month, day_of_week = fields.day_of_month, fields.day_of_week
    if day_of_month != "*" and day_of_week != "*":
        for index, text in ((DAY_OF_MONTH, day_of_month), (DAY_OF_WEEK, day_of_week)):
            if text.startswith("*"):
                first, last = _bounds(index)
                raise ValueError(
                    f"with both day-of-month and day-of-week restricted, cron implementations disagree on a field starting with '*' "
                    f"({text!r} in {FIELD_NAMES[index]}); write it as a range: {f'{first}-{last}' + text[1:]!r}"
                )


def _bounds(field: int) -> tuple[int, int]:
    first, last = cron.BOUNDS[field]
    return first, 6 if field == DAY_OF_WEEK else last


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def _check_part(field: int, part: str, scheduler: str) -> None:
    where = f"{part!r} in the {FIELD_NAMES[field]} field"
    upper = part.upper()
    if "?" in part:
        raise ValueError(f"{where}: {scheduler}'s unix-cron has no '?'; write '*'")
    if field == DAY_OF_MONTH and "L" in upper:
        raise ValueError(f"{where}: {scheduler} has no 'L' (last day of the month); {DAYS_OF_MONTH}")
    if field == DAY_OF_MONTH and "W" in upper:
        raise ValueError(f"{where}: {scheduler} has no 'W' (nearest weekday); {DAYS_OF_MONTH}")
    if field == DAY_OF_WEEK and "#" in part:
        raise ValueError(f"{where}: {scheduler} has no '#' (nth weekday of the month); {DAYS_OF_WEEK}")
    if field == DAY_OF_WEEK and upper.startswith("L"):
        raise ValueError(f"{where}: {scheduler} has no 'L' (last weekday of the month); {DAYS_OF_WEEK}")
    if field in (MONTH, DAY_OF_WEEK) and any(c.islower() for c in part):
        raise ValueError(f"{where}: {scheduler} documents names in capitals; write {upper!r}")
    first, last = _bounds(field)
    base, _, step = part.partition("/")
    ends = cron.range_ends(field, part)
    if ends is not None:
        low, high, _ = ends
        if cron.value(field, base.split("-")[0]) > high:
            split = _span(low, high) if low <= high else f"{_span(low, last)},{_span(first, high)}"
            raise ValueError(f"{where} runs high to low; {scheduler} ranges run low to high: write {split!r}")
    elif step and base != "*":
        start = cron.value(field, base) % 7 if field == DAY_OF_WEEK else cron.value(field, base)
        fix = str(start) if start == last else f"{start}-{last}/{step}"
        raise ValueError(f"{where}: {scheduler} takes a step after '*' or a range, not a single value; write {fix!r}")
