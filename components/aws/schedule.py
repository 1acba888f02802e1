"""The model's 5-field cron in EventBridge Scheduler's 6-field dialect.

What EventBridge takes, from "Cron-based schedules" in the EventBridge Scheduler
User Guide (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based)
and its field table in the EventBridge "Cron expressions reference"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html):

    Minutes       0-59              , - * /
    Hours         0-23              , - * /
    Day-of-month  1-31              , - * ? / L W
    Month         1-12 or JAN-DEC   , - * /
    Day-of-week   1-7 or SUN-SAT    , - * ? L #
    Year          1970-2199         , - * /

So, against cron:
- day-of-week counts 1-7 from Sunday (cron: 0-6 from Sunday, and 7 for Sunday
  too) and takes no '/' step: steps are written out as a list of days;
- one of day-of-month and day-of-week must be '?': EventBridge cannot restrict
  both, where cron runs on either;
- '#' ('3#2', the second Tuesday) must be the whole day-of-week field ("3#1,6#3"
  is not valid, says the reference); 'L' after a day is the last such day of the
  month ('6L', the last Friday, in the reference's examples);
- in day-of-month, 'L' is the last day and '3W' the weekday nearest the 3rd;
  like '#', they are taken here only as the whole field;
- steps are written from a start value ('0/15'), not '*/15'.
"""

from __future__ import annotations

from stacks import cron
from stacks.cron import DAY_OF_MONTH, DAY_OF_WEEK

_UNRESTRICTED = ("*", "?")


def to_eventbridge(expression: str) -> str:
    """`0 0 * * *` -> `cron(0 0 * * ? *)`; raise ValueError saying what EventBridge allows instead."""
    fields = cron.parse(expression)
    day_of_month, day_of_week = fields.day_of_month, fields.day_of_week
    if day_of_month not in _UNRESTRICTED and day_of_week not in _UNRESTRICTED:
        raise ValueError(
            "EventBridge cannot restrict both day-of-month and day-of-week "
            f"({day_of_month!r} and {day_of_week!r}; cron runs on either, EventBridge needs '?' in one); "
            "set one of them to '*', or use two jobs"
        )
    if day_of_week in _UNRESTRICTED:
        day_of_month, day_of_week = _day_of_month(day_of_month), "?"
    else:
        day_of_month, day_of_week = "?", _day_of_week(day_of_week)
    minute, hour, month = (_plain(index, field) for index, field in ((0, fields.minute), (1, fields.hour), (3, fields.month)))
    return f"cron({minute} {hour} {day_of_month} {month} {day_of_week} *)"


def _plain(field: int, text: str) -> str:
    """A field of numbers, names, ranges, lists and steps, which EventBridge reads as cron does but for '*/n' and wrap-around ranges."""
    if text in _UNRESTRICTED:
        return "*"
    first, last = cron.BOUNDS[field]
    parts = []
    for part in text.split(","):
        base, _, step = part.partition("/")
        ends = cron.range_ends(field, part)
        if base == "*":
            parts.append(f"{first}/{step}" if step else "*")
        elif ends is not None and ends[0] > ends[1]:
            # croniter runs 22-2 on past the end: 22-23,0-2. EventBridge documents ranges low to high (the model refuses a step here).
            parts.append(f"{ends[0]}-{last},{first}-{ends[1]}")
        elif step:
            # The documented steps are numeric ('1/10'): JAN/3 -> 1/3.
            parts.append(f"{ends[0]}-{ends[1]}/{step}" if ends else f"{cron.value(field, base)}/{step}")
        else:
            parts.append(part.upper())
    return ",".join(parts)


def _day_of_month(text: str) -> str:
    if any(letter in text.upper() for letter in "LW"):
        if "," in text or "-" in text or "/" in text:
            raise ValueError(
                f"EventBridge takes 'L' (last day) and 'W' (nearest weekday) only as the whole day-of-month field, not in {text!r}; "
                "allowed: 'L' or one day with W, e.g. '15W'"
            )
        return "L" if text.upper() == "L" else f"{int(text.upper().strip('W'))}W"
    return _plain(DAY_OF_MONTH, text)


def _day_of_week(text: str) -> str:
    parts = text.split(",")
    if any("#" in part or part.upper().startswith("L") for part in parts):
        if len(parts) > 1:
            raise ValueError(
                f"EventBridge takes '#' (nth weekday) and 'L' (last weekday) only as the whole day-of-week field, not in {text!r}; "
                "allowed: one 'day#n' such as '2#1' (first Tuesday) or one 'Lday' such as 'L5' (last Friday)"
            )
        day, hash_mark, nth = text.partition("#")
        if hash_mark:
            return f"{_eventbridge_day(day)}#{int(nth)}"
        return f"{_eventbridge_day(text[1:])}L"
    return ",".join(_weekday_part(part) for part in parts)


def _eventbridge_day(token: str) -> int:
    """A cron day (0-7 from Sunday, or a name) in EventBridge numbering (1-7 from Sunday)."""
    return cron.value(DAY_OF_WEEK, token) % 7 + 1


def _weekday_part(part: str) -> str:
    base, _, step = part.partition("/")
    ends = cron.range_ends(DAY_OF_WEEK, part)
    if not step and base != "*":
        if ends is None:
            return base.upper() if base.isalpha() else str(_eventbridge_day(base))
        low, high, _ = ends
        if low <= high:
            start, end = base.split("-")
            if start.isalpha() and end.isalpha():
                return base.upper()  # SUN-SAT name the same days in both dialects
            if high == 7:
                # Ends on Sunday written 7, which is EventBridge's 1: 5-7 -> 6-7,1.
                if low == 0:
                    return "1-7"
                return "7,1" if low == 6 else f"{low + 1}-7,1"
            return f"{low + 1}-{high + 1}"
    # A step, '*' in a list, or a range past Saturday ('FRI-MON'): EventBridge has no step here, so the days one by one.
    return ",".join(str(day + 1) for day in sorted(weekdays(part)))


def weekdays(part: str) -> set[int]:
    """The days (0-6 from Sunday) a day-of-week list item of numbers, names, ranges and steps stands for, as croniter reads it."""
    base, _, step_text = part.partition("/")
    step = int(step_text) if step_text else 1
    ends = cron.range_ends(DAY_OF_WEEK, part)
    if base == "*":
        low, high = 0, 6
    elif ends is not None:
        low, high, _ = ends
    else:
        low = cron.value(DAY_OF_WEEK, base) % 7
        high = 6 if step_text else low  # croniter reads '3/2' as '3-6/2'
    if low > high:  # a wrap-around range (the model refuses one with a step)
        return set(range(low, 7)) | set(range(0, high + 1))
    return {day % 7 for day in range(low, high + 1, step)}
