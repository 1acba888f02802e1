"""The model's 5-field cron on each cloud: what is converted, what is refused and why.

Expected EventBridge outputs are worked out from the EventBridge docs, not taken from the code:
"Cron expressions reference" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html,
the field table EventBridge Scheduler's "Cron-based schedules" uses): day-of-week is 1-7 = SUN-SAT and takes
`, - * ? L #` (no `/`), day-of-month takes `, - * ? / L W`, one of the two must be `?`, and `#` must be the whole
day-of-week field. Cron's day-of-week is 0-6 = SUN-SAT with 7 for Sunday as well, so cron day d is EventBridge d+1
and cron 7 is EventBridge 1.

What Cloud Scheduler accepts comes from Google's "Configure cron job schedules"
(https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules): `*`, low-high ranges, `/NUMBER` after a
range or `*`, lists, names JAN-DEC and SUN-SAT in capitals, 7 for Sunday; no `L` (said outright), and no `?`, `W`
or `#` (not in the page's special characters).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from croniter import croniter
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from components.aws.schedule import to_eventbridge
from components.gcp.schedule import check_cloud_scheduler
from stacks import cron
from tests.harness import config_error, render_app, stack_app

BOTH_DAYS = "EventBridge cannot restrict both day-of-month and day-of-week"
EB_WHOLE_DOW = "EventBridge takes '#' (nth weekday) and 'L' (last weekday) only as the whole day-of-week field"
EB_WHOLE_DOM = "EventBridge takes 'L' (last day) and 'W' (nearest weekday) only as the whole day-of-month field"
RANDOM = "uses 'R' (a random value, a croniter extension neither cloud supports)"
HASHED = "uses 'H' (a hashed value, a croniter extension neither cloud supports)"
EQUAL_ENDS = "has equal ends, which the model's cron parser (croniter) reads as the whole field"
WRAP_STEP = "steps across a wrap-around range"
HASH_RANGE = "'#' takes one day, not a range"

# (cron, EventBridge expression or a fragment of the error)
AWS_TABLE: list[tuple[str, str]] = [
    # Six fields: a year of '*', and '?' in the unrestricted one of the two day fields.
    ("0 0 * * *", "cron(0 0 * * ? *)"),
    ("30 4 1 * *", "cron(30 4 1 * ? *)"),
    # Steps start from a value in EventBridge ('0/15' in the docs), and '*' starts at the field's first value.
    ("*/15 */2 * * *", "cron(0/15 0/2 * * ? *)"),
    ("0 0 */2 * *", "cron(0 0 1/2 * ? *)"),
    ("0 0 1 */3 *", "cron(0 0 1 1/3 ? *)"),
    ("0 0 1 JAN/3 *", "cron(0 0 1 1/3 ? *)"),  # January and every third month on: 1,4,7,10
    ("0 0 1 jan-mar *", "cron(0 0 1 JAN-MAR ? *)"),
    # Ranges past the field's end (cron as the model reads it) split into two that run low to high.
    ("0 22-2 * * *", "cron(0 22-23,0-2 * * ? *)"),
    ("0 0 25-5 * *", "cron(0 0 25-31,1-5 * ? *)"),
    ("0 0 1 NOV-FEB *", "cron(0 0 1 11-12,1-2 ? *)"),
    # Day-of-week numbers move up by one; Sunday is cron 0 or 7 and EventBridge 1.
    ("0 9 * * 1-5", "cron(0 9 ? * 2-6 *)"),
    ("0 0 * * 0", "cron(0 0 ? * 1 *)"),
    ("0 0 * * 7", "cron(0 0 ? * 1 *)"),
    ("0 0 * * 0,6", "cron(0 0 ? * 1,7 *)"),
    ("0 0 * * 5-7", "cron(0 0 ? * 6-7,1 *)"),  # Fri-Sun: Fri 6, Sat 7, Sun 1
    ("0 0 * * 6-7", "cron(0 0 ? * 7,1 *)"),  # Sat, Sun
    ("0 0 * * 0-7", "cron(0 0 ? * 1-7 *)"),  # the whole week
    ("0 0 * * 7-3", "cron(0 0 ? * 1-4 *)"),  # Sun-Wed
    ("0 0 * * MON-5", "cron(0 0 ? * 2-6 *)"),
    # Names are the same days in both dialects.
    ("0 0 * * MON", "cron(0 0 ? * MON *)"),
    ("0 0 * * MON-FRI", "cron(0 0 ? * MON-FRI *)"),
    ("0 0 * * sat,sun", "cron(0 0 ? * SAT,SUN *)"),
    ("0 0 * * FRI-MON", "cron(0 0 ? * 1,2,6,7 *)"),  # Fri, Sat, Sun, Mon: past Saturday, so day by day
    # No '/' in EventBridge's day-of-week: a step becomes its days.
    ("0 0 * * */2", "cron(0 0 ? * 1,3,5,7 *)"),  # Sun, Tue, Thu, Sat
    ("0 0 * * 1-5/2", "cron(0 0 ? * 2,4,6 *)"),  # Mon, Wed, Fri
    ("0 0 * * MON-FRI/2", "cron(0 0 ? * 2,4,6 *)"),
    ("0 0 * * 1-7/2", "cron(0 0 ? * 1,2,4,6 *)"),  # Mon, Wed, Fri, Sun (7)
    ("0 0 * * */3", "cron(0 0 ? * 1,4,7 *)"),  # Sun, Wed, Sat
    ("0 0 * * 1,3-6/2", "cron(0 0 ? * 2,4,6 *)"),  # Mon; Wed, Fri
    # '#': only the day is renumbered, n stays the nth.
    ("0 0 * * 2#1", "cron(0 0 ? * 3#1 *)"),  # first Tuesday
    ("0 0 * * 5#3", "cron(0 0 ? * 6#3 *)"),  # third Friday
    ("0 0 * * 0#2", "cron(0 0 ? * 1#2 *)"),  # second Sunday
    ("0 0 * * 7#2", "cron(0 0 ? * 1#2 *)"),
    ("0 0 * * MON#2", "cron(0 0 ? * 2#2 *)"),
    # 'L': croniter writes the last Friday L5, EventBridge 6L; the last day of the month is L in both.
    ("0 0 * * L5", "cron(0 0 ? * 6L *)"),
    ("0 0 * * L0", "cron(0 0 ? * 1L *)"),
    ("0 0 L * *", "cron(0 0 L * ? *)"),
    ("0 0 15W * *", "cron(0 0 15W * ? *)"),
    ("0 0 W15 * *", "cron(0 0 15W * ? *)"),
    # '?' is '*' for croniter and EventBridge alike.
    ("0 0 ? * 1", "cron(0 0 ? * 2 *)"),
    ("0 0 1 * ?", "cron(0 0 1 * ? *)"),
    ("0 0 ? * ?", "cron(0 0 * * ? *)"),
    # Refused by EventBridge.
    ("0 0 1 * 1", BOTH_DAYS),
    ("0 0 L * 5", BOTH_DAYS),
    ("0 0 */2 * 1-5", BOTH_DAYS),
    ("0 0 * * 2#1,4#3", EB_WHOLE_DOW),
    ("0 0 * * L1,L5", EB_WHOLE_DOW),
    ("0 0 1,L * *", EB_WHOLE_DOM),
    ("0 0 1-L * *", EB_WHOLE_DOM),
    # Refused by the model: croniter syntax neither cloud honours.
    ("0 0 * * R", RANDOM),
    ("H 0 * * *", HASHED),
    ("0 5-5 * * *", EQUAL_ENDS),
    ("0 0 * * 7-7", EQUAL_ENDS),
    ("0 0 * * SUN-SUN", EQUAL_ENDS),
    ("0 21-2/2 * * *", WRAP_STEP),
    ("0 0 * * 5-1/2", WRAP_STEP),
    ("0 0 * * MON-FRI#2", HASH_RANGE),
]

ACCEPTED = ""
# (cron, "" if Cloud Scheduler takes it as written, else a fragment of the error)
GCP_TABLE: list[tuple[str, str]] = [
    ("0 0 * * *", ACCEPTED),
    ("*/15 */2 * * *", ACCEPTED),
    ("0 0-23/2 * * *", ACCEPTED),
    ("0 9 * * 1-5", ACCEPTED),
    ("0 0 * * 0", ACCEPTED),
    ("0 0 * * 7", ACCEPTED),  # "or 7 for Sunday"
    ("0 0 * * 5-7", ACCEPTED),
    ("0 0 * * 0-7", ACCEPTED),
    ("0 0 * * MON-FRI", ACCEPTED),
    ("0 0 1 JAN-MAR *", ACCEPTED),
    ("0 0 * * */2", ACCEPTED),  # '/NUMBER' after '*' or a range, in any field
    ("0 0 * * 1-5/2", ACCEPTED),
    ("0 0 1,15 * 1", ACCEPTED),  # both day fields: runs on either, as unix cron
    ("0 0 1-31/10 * 1", ACCEPTED),
    # Not in Cloud Scheduler's unix-cron.
    ("0 0 ? * 1", "'?' in the day-of-month field: Cloud Scheduler's unix-cron has no '?'; write '*'"),
    ("0 0 1 * ?", "'?' in the day-of-week field: Cloud Scheduler's unix-cron has no '?'; write '*'"),
    ("0 0 L * *", "'L' in the day-of-month field: Cloud Scheduler has no 'L' (last day of the month); allowed: days 1-31"),
    ("0 0 1,L * *", "Cloud Scheduler has no 'L' (last day of the month)"),
    ("0 0 15W * *", "'15W' in the day-of-month field: Cloud Scheduler has no 'W' (nearest weekday); allowed: days 1-31"),
    ("0 0 * * 2#1", "'2#1' in the day-of-week field: Cloud Scheduler has no '#' (nth weekday of the month); allowed: days 0-7 or SUN-SAT"),
    ("0 0 * * L5", "'L5' in the day-of-week field: Cloud Scheduler has no 'L' (last weekday of the month)"),
    ("0 0 * * mon", "'mon' in the day-of-week field: Cloud Scheduler documents names in capitals; write 'MON'"),
    ("0 0 1 jan *", "write 'JAN'"),
    ("0 22-2 * * *", "'22-2' in the hour field runs high to low; Cloud Scheduler ranges run low to high: write '22-23,0-2'"),
    ("0 0 * * FRI-MON", "write '5-6,0-1'"),
    ("0 0 * * MON-SUN", "write '1-6,0'"),  # SUN is 0
    ("0 0 * * 7-3", "write '0-3'"),
    ("5/15 * * * *", "'5/15' in the minute field: Cloud Scheduler takes a step after '*' or a range, not a single value; write '5-59/15'"),
    ("0 0 * * 3/2", "write '3-6/2'"),
    # Both day fields with a '*'-led step: vixie cron needs both, croniter either.
    ("0 0 1 * */2", "cron implementations disagree on a field starting with '*' ('*/2' in day-of-week); write it as a range: '0-6/2'"),
    ("0 0 */10 * 1", "write it as a range: '1-31/10'"),
    # Refused by the model for every cloud.
    ("R 0 * * *", RANDOM),
    ("H 0 * * *", HASHED),
    ("0 0 1-1 * *", EQUAL_ENDS),
    ("0 21-2/2 * * *", WRAP_STEP),
]


def _is_error(expected: str) -> bool:
    return not expected.startswith("cron(")


@pytest.mark.parametrize(("expression", "expected"), AWS_TABLE, ids=[e for e, _ in AWS_TABLE])
def test_cron_on_eventbridge(expression: str, expected: str) -> None:
    if _is_error(expected):
        with pytest.raises(ValueError) as caught:
            to_eventbridge(expression)
        assert expected in str(caught.value)
    else:
        assert to_eventbridge(expression) == expected


@pytest.mark.parametrize(("expression", "expected"), GCP_TABLE, ids=[e for e, _ in GCP_TABLE])
def test_cron_on_cloud_scheduler(expression: str, expected: str) -> None:
    if expected == ACCEPTED:
        check_cloud_scheduler(expression)
    else:
        with pytest.raises(ValueError) as caught:
            check_cloud_scheduler(expression)
        assert expected in str(caught.value)


# ---- through the real program: refused before any resource, one problem naming its key path ----

JOBS: dict[str, dict[str, Any]] = {
    "aws": {"service": "web", "command": ["run"]},
    "gcp": {"service": "web", "command": ["run"], "cpu": 1, "memory": 512},  # Cloud Run has no fractional CPU
}
APPS: dict[str, dict[str, Any]] = {
    "aws": {
        "name": "shop",
        "cloud": "aws",
        "services": {"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080}},
    },
    "gcp": {
        "name": "shop",
        "cloud": "gcp",
        "gcp": {"project": "my-project-1"},
        "services": {"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080, "cpu": 1, "memory": 512}},
    },
}
REFUSED = [("aws", e, x) for e, x in AWS_TABLE if _is_error(x)] + [("gcp", e, x) for e, x in GCP_TABLE if x != ACCEPTED]


@pytest.mark.parametrize(("cloud", "expression", "fragment"), REFUSED, ids=[f"{c}: {e}" for c, e, _ in REFUSED])
def test_a_refused_schedule_is_one_problem_under_its_key_path(cloud: str, expression: str, fragment: str) -> None:
    app = {**APPS[cloud], "jobs": {"nightly": {**JOBS[cloud], "schedule": expression}}}
    message = config_error(app)
    problems = [line.removeprefix("  - ") for line in message.splitlines()[1:]]
    assert len(problems) == 1, problems
    assert problems[0].startswith("jobs.nightly.schedule: "), problems
    assert fragment in problems[0]
    assert "Traceback" not in message
    # The both-days advice belongs to the both-days problem only.
    assert ("set one of them to '*'" in problems[0]) == (fragment == BOTH_DAYS)


def test_the_committed_aws_stack_runs_a_first_tuesday_job_on_the_first_tuesday() -> None:
    app = stack_app("aws-prod")
    job = next(iter(app["jobs"]))
    app["jobs"][job]["schedule"] = "0 6 * * 2#1"
    schedule = render_app(app).one("aws:scheduler/schedule:Schedule")
    assert schedule.inputs["scheduleExpression"] == "cron(0 6 ? * 3#1 *)"


def test_the_committed_aws_stack_refuses_two_nth_weekdays_before_any_resource() -> None:
    app = stack_app("aws-prod")
    job = next(iter(app["jobs"]))
    app["jobs"][job]["schedule"] = "0 6 * * 2#1,4#3"
    assert f"jobs.{job}.schedule: {EB_WHOLE_DOW}" in config_error(app)


def test_the_committed_gcp_stack_passes_a_weekday_step_to_cloud_scheduler_as_written() -> None:
    app = stack_app("gcp-prod")
    job = next(iter(app["jobs"]))
    app["jobs"][job]["schedule"] = "0 6 * * 1-5/2"
    trigger = render_app(app).one("gcp:cloudscheduler/job:Job")
    assert trigger.inputs["schedule"] == "0 6 * * 1-5/2"


def test_the_committed_gcp_stack_refuses_the_last_day_of_the_month_before_any_resource() -> None:
    app = stack_app("gcp-prod")
    job = next(iter(app["jobs"]))
    app["jobs"][job]["schedule"] = "0 6 L * *"
    assert f"jobs.{job}.schedule: 'L' in the day-of-month field: Cloud Scheduler has no 'L'" in config_error(app)


# ---- property: EventBridge fires on the same weekdays as croniter ----

PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=120, suppress_health_check=[HealthCheck.filter_too_much])
EB_DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")  # EventBridge 1-7
A_SUNDAY = datetime(2024, 6, 2)

day = st.integers(0, 7).map(str) | st.sampled_from(cron.WEEKDAY_NAMES) | st.sampled_from(cron.WEEKDAY_NAMES).map(str.lower)
step = st.integers(1, 8).map(str)
item = st.one_of(
    day,
    st.builds(lambda a, b: f"{a}-{b}", day, day),
    st.builds(lambda s: f"*/{s}", step),
    st.builds(lambda a, b, s: f"{a}-{b}/{s}", day, day, step),
    st.builds(lambda a, s: f"{a}/{s}", day, step),
)
day_of_week_fields = st.lists(item, min_size=1, max_size=3).map(",".join)


def croniter_weekdays(day_of_week: str) -> set[int]:
    """The days (0 = Sunday) croniter runs `0 0 * * <day_of_week>` on, from one week of dates."""
    expression = f"0 0 * * {day_of_week}"
    return {(A_SUNDAY + timedelta(days=n)).isoweekday() % 7 for n in range(7) if croniter.match(expression, A_SUNDAY + timedelta(days=n))}


def eventbridge_weekdays(expression: str) -> set[int]:
    """The days (0 = Sunday) an EventBridge `cron(...)` with '?' in day-of-month runs on, read as the reference says."""
    match = re.fullmatch(r"cron\(0 0 (\S+) \* (\S+) \*\)", expression)
    assert match, expression
    day_of_month, day_of_week = match.groups()
    if day_of_week == "?":
        assert day_of_month == "*"
        return set(range(7))
    assert day_of_month == "?", expression
    days: set[int] = set()
    for part in day_of_week.split(","):
        assert "/" not in part, f"EventBridge has no step in day-of-week: {expression}"
        low, _, high = part.partition("-")
        first = EB_DAY_NAMES.index(low) + 1 if low in EB_DAY_NAMES else int(low)
        last = (EB_DAY_NAMES.index(high) + 1 if high in EB_DAY_NAMES else int(high)) if high else first
        assert 1 <= first <= last <= 7, f"not a low-to-high range of 1-7: {part} in {expression}"
        days |= {n - 1 for n in range(first, last + 1)}
    return days


@PROPERTY
@given(day_of_week=day_of_week_fields)
def test_eventbridge_runs_on_the_weekdays_croniter_does(day_of_week: str) -> None:
    expression = f"0 0 * * {day_of_week}"
    try:
        cron.parse(expression)
    except ValueError:
        assume(False)  # refused by the model (invalid, equal ends, a step across a wrap)
    assert eventbridge_weekdays(to_eventbridge(expression)) == croniter_weekdays(day_of_week)


@PROPERTY
@given(day_of_week=day_of_week_fields)
def test_cloud_scheduler_gets_only_documented_day_of_week_syntax(day_of_week: str) -> None:
    expression = f"0 0 * * {day_of_week}"
    try:
        cron.parse(expression)
    except ValueError:
        assume(False)
    try:
        check_cloud_scheduler(expression)
    except ValueError as exc:
        assert "allowed" in str(exc) or "write" in str(exc)
        return
    for part in day_of_week.split(","):
        base, _, every = part.partition("/")
        assert re.fullmatch(r"\*|[0-7]|[A-Z]{3}|([0-7]|[A-Z]{3})-([0-7]|[A-Z]{3})", base), part
        assert not every or base == "*" or "-" in base, part
        if "-" in base:
            low, high = (cron.value(cron.DAY_OF_WEEK, end) for end in base.split("-"))
            assert low < high, part
