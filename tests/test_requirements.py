"""The requirements CSV of ccsim schedule: which problem is reported, and in which order.

The common cases (a week, dates, a ccsim erlang result, bad cells) are in test_schedule.py; these
pin the remaining rules, with the exact message of each.
"""

from __future__ import annotations

import pytest

from ccsim.errors import CcsimError
from ccsim.planning import read_requirements_csv


def error(tmp_path, text: str | None, **kw) -> list[str]:
    """The lines of the error reading ``text`` as r.csv (None: a file that does not exist), without the folder."""
    path = tmp_path / ("r.csv" if text is not None else "nope.csv")
    if text is not None:
        path.write_text(text)
    with pytest.raises(CcsimError) as err:
        read_requirements_csv(path, **kw)
    return [line.replace(f"{tmp_path}/", "") for line in str(err.value).splitlines()]


@pytest.mark.parametrize(
    ("text", "kw", "message"),
    [
        (
            "day,start,required\nmon,08:00,1\n",
            {"start_weekday": "monday"},
            "start_weekday: must be one of mon, tue, wed, thu, fri, sat, sun, got 'monday'",
        ),
        (None, {"start_weekday": "monday"}, "nope.csv: no such file"),  # the file is read first
        (
            "interval,volume,aht_s,agents,scheduled_agents\n0,10,300,3,4\n",
            {},
            "r.csv: a ccsim erlang result needs a column with each interval's start HH:MM (start, interval_start, "
            "time), found columns ['interval', 'volume', 'aht_s', 'agents', 'scheduled_agents']",
        ),
        ("day,start,required\n", {}, "r.csv: has a header but no intervals"),
        ("interval,label,a_planned\n", {}, "r.csv: has a header but no intervals"),
        (
            "interval,label,a_planned,b_planned\n0,day 1 08:00,1,2\n",
            {},
            "r.csv: holds the plans of 2 agent groups (a, b): choose one (--group)",
        ),
        (
            "interval,label,a_planned,b_planned\n0,day 1 08:00,1,2\n",
            {"group": "c"},
            "r.csv: no column c_planned: the file plans no group 'c'; its groups: a, b",
        ),
        (
            "interval,label,alpha_planned,b_planned\n0,day 1 08:00,1,2\n",
            {"group": "alpah"},
            "r.csv: no column alpah_planned: the file plans no group 'alpah'; did you mean 'alpha'?",
        ),
        (
            "interval,label,a_planned,a_max_on_duty\n0,day 1 08:00,1,lots\n1,day 1 09:00,1,\n",
            {},
            "r.csv, line 2, column a_max_on_duty: must be a number >= 0 or empty, got 'lots'",
        ),
        (
            "start,required\n08:00,1e9\n",
            {},
            "r.csv, line 2, column required: at most 100,000 agents on duty in an interval (ccsim's limit for one "
            "group), got '1e9'; check that it counts agents (not contacts or seconds), and schedule a larger desk "
            "group by group",
        ),
        (
            "day,start,required\nmon,08:00,1\n2024-05-07,08:00,1\n",
            {},
            "r.csv: column day: give weekdays or dates, not both",
        ),
        (
            "day,start,required\nmon,08:00,1\nmon,08:00,1\n2024-05-07,08:00,1\n",
            {},
            "r.csv: column day: give weekdays or dates, not both",  # before the repeated interval
        ),
        (
            "interval,label,a_planned\n0,day 1 08:00,1\n1,mon 09:00,1\n",
            {},
            "r.csv: column label: give weekdays or dates, not both",
        ),
        (
            "day,start,required\nmon,08:00,1\ntue,08:00,1\n",
            {},
            "r.csv: one interval per day: give the interval length (--interval-min)",
        ),
        ("start,required\n00:00,1\n07:00,1\n", {}, "r.csv: intervals of 420 min do not divide a day"),
        (
            "day,start,required\nmon,08:00,1\nmon,09:00,1\nmon,09:30,1\nwed,08:00,1\n",
            {},
            "r.csv: no intervals on tue: the weekdays must follow each other from mon",  # before the gap
        ),
        (
            "day,start,required\n2024-05-01,08:00,1\n2024-05-05,08:00,1\n",
            {},
            "r.csv: no intervals on 2024-05-02 to 2024-05-04: the dates must follow each other",
        ),
        (
            "day,begin,required\nmon,08:00,1\n",
            {},
            "r.csv, line 1, column begin: unknown column; the columns are day, start and required",
        ),
    ],
)
def test_each_rule_of_the_file_has_its_message(tmp_path, text, kw, message):
    assert error(tmp_path, text, **kw) == [message]


def test_a_rows_problems_are_listed_by_line_then_message(tmp_path):
    assert error(tmp_path, "day,start,required\nfoo,8h,x\n") == [
        "r.csv, line 2, column day: must be a weekday (mon ... sun), a date YYYY-MM-DD or day N, got 'foo'",
        "r.csv, line 2, column required: must be a number >= 0, got 'x'",
        "r.csv, line 2, column start: must be a time of day HH:MM (00:00 to 23:59), got '8h'",
    ]
    # a plan's label is one cell: one problem for it, its time first
    assert error(tmp_path, "interval,label,a_planned\n0,foo 8h,x\n") == [
        "r.csv, line 2, column a_planned: must be a number >= 0, got 'x'",
        "r.csv, line 2, column label: must be a day and a time of day, as day 1 08:00, got 'foo 8h'",
    ]
    assert error(tmp_path, "interval,label,a_planned\n0,foo 08:00,x\n") == [
        "r.csv, line 2, column a_planned: must be a number >= 0, got 'x'",
        "r.csv, line 2, column label: must be a weekday (mon ... sun), a date YYYY-MM-DD or day N, got 'foo'",
    ]


def test_past_twenty_problems_the_rest_are_counted(tmp_path):
    found = error(tmp_path, "start,required\n" + "".join(f"{h:02d}:00,x\n" for h in range(23)))
    assert found == [
        *(f"r.csv, line {n}, column required: must be a number >= 0, got 'x'" for n in range(2, 22)),
        "r.csv: and 3 more problems",
    ]


def test_one_interval_a_day_reads_with_the_interval_length_given(tmp_path):
    (tmp_path / "r.csv").write_text("day,start,required\nmon,08:00,1\ntue,08:00,2\n")
    need = read_requirements_csv(tmp_path / "r.csv", interval_min=30)
    assert need.interval_min == 30 and need.days == 2 and need.day_labels == ("mon", "tue")
    assert need.starts_min.tolist() == [480, 1920] and need.required.tolist() == [1, 2] and need.lines == (2, 3)
    assert need.group is None and need.max_on_duty is None and need.start_weekday == "mon"


def test_run_days_past_a_week_are_labelled_with_their_weekday(tmp_path):
    rows = "".join(f"{d},day {d + 1} 08:00,{d}\n{d},day {d + 1} 09:00,{d}\n" for d in range(8))
    (tmp_path / "plan.csv").write_text("interval,label,a_planned\n" + rows)
    need = read_requirements_csv(tmp_path / "plan.csv", start_weekday="wed")
    assert need.day_labels == tuple(
        f"day {d + 1} ({w})" for d, w in enumerate("wed thu fri sat sun mon tue wed".split())
    )
    assert need.group == "a" and need.days == 8 and need.interval_min == 60 and need.start_weekday == "wed"
