"""Five-field cron expressions, the one schedule syntax of the model.

croniter checks them and is the reference for what they mean. Each cloud speaks
its own dialect: components/aws/schedule.py converts to EventBridge Scheduler's
six fields and components/gcp/schedule.py checks what Cloud Scheduler's
unix-cron takes; each refuses what its cloud cannot say.

Refused here, for every cloud, is croniter syntax that neither cloud honours:
random ('R') and hashed ('H') values, a '#' on a range of days ('MON-FRI#2'),
a range with equal ends ('5-5', which croniter reads as the whole field where
a cloud reads one value) and a wrap-around range with a step ('21-2/2', which
croniter steps across the wrap differently from a plain count).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from croniter import croniter

FIELD_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")
DAY_OF_MONTH, MONTH, DAY_OF_WEEK = 2, 3, 4
# Lowest and highest value of each field; day-of-week takes 7 as well as 0 for Sunday.
BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
NAMES: tuple[dict[str, int], ...] = (
    {},
    {},
    {},
    {name: number for number, name in enumerate(MONTH_NAMES, start=1)},
    {name: number for number, name in enumerate(WEEKDAY_NAMES)},
)
_EXAMPLE = f"({' '.join(FIELD_NAMES)}, e.g. '0 0 * * *')"
# A lone R or H (not a letter of a name such as FRI or THU).
_RANDOM_OR_HASHED = re.compile(r"(?<![A-Za-z])([RrHh])(?![A-Za-z])")
_RANGE = re.compile(r"^(?P<low>[0-9A-Za-z]+)-(?P<high>[0-9A-Za-z]+)(?:/(?P<step>\d+))?$")


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
    extension = _RANDOM_OR_HASHED.search(expression)
    if extension:
        kind = "a random" if extension.group(1) in "Rr" else "a hashed"
        raise ValueError(
            f"{expression!r} uses '{extension.group(1)}' ({kind} value, a croniter extension neither cloud supports); "
            "write the value itself, e.g. '17 3 * * *'"
        )
    if not croniter.is_valid(expression):
        raise ValueError(f"{expression!r} is not a valid cron expression {_EXAMPLE}")
    for index, field in enumerate(fields):
        for part in field.split(","):
            _check_part(index, part)
    return CronFields(*fields)


def value(field: int, token: str) -> int:
    """A number or a name (JAN, SUN; any case) in field `field` (0 = minute ... 4 = day-of-week), as written: SUN is 0, 7 stays 7."""
    named = NAMES[field].get(token.upper())
    return named if named is not None else int(token)


def range_ends(field: int, part: str) -> tuple[int, int, int | None] | None:
    """`low-high[/step]` as numbers (a day-of-week range starting at 7 starts on Sunday, 0), or None if `part` is no plain range."""
    match = _RANGE.match(part)
    if not match:
        return None
    try:
        low, high = value(field, match["low"]), value(field, match["high"])
    except ValueError:  # '1-L' in day-of-month: not a plain range
        return None
    if field == DAY_OF_WEEK and low == 7:
        low = 0
    return low, high, int(match["step"]) if match["step"] else None


def _check_part(field: int, part: str) -> None:
    where = f"{part!r} in the {FIELD_NAMES[field]} field"
    if field == DAY_OF_WEEK and "#" in part and "-" in part:
        raise ValueError(f"{where}: '#' takes one day, not a range; allowed: a single 'day#n' such as 'MON#2' (second Monday)")
    match = _RANGE.match(part)
    ends = range_ends(field, part)
    if match is None or ends is None:
        return
    low, high, step = ends
    written_low = value(field, match["low"])
    # Day-of-week 0-7 (SUN-7) is the whole week in every dialect; 7-7, 0-0, 7-0 and SUN-SUN are one day.
    whole_week = field == DAY_OF_WEEK and written_low == 0 and high == 7
    same = written_low % 7 == high % 7 and not whole_week if field == DAY_OF_WEEK else low == high
    if same:
        raise ValueError(
            f"{where} has equal ends, which the model's cron parser (croniter) reads as the whole field and the clouds as one value; "
            f"write the single value ({match['low']}) or '*'"
        )
    if step is not None and low > high:
        raise ValueError(
            f"{where} steps across a wrap-around range, which the model's cron parser (croniter) counts differently from the clouds; "
            "list the values, or split it into two ranges that each run low to high (e.g. '21-23/2,1-2/2')"
        )
