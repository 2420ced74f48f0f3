"""Shift scheduling: optima known by construction or by enumeration, breaks, wraps, caps, the CLI, bad input."""
# ruff: noqa: E501  (expected messages are kept whole, one per line)

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccsim.cli import main
from ccsim.errors import CcsimError, ScenarioError
from ccsim.loader import load_model
from ccsim.outputs.plots import plot_coverage
from ccsim.outputs.schedule_text import schedule_dict, schedule_text
from ccsim.planning import Scheduling, read_requirements_csv, schedule
from ccsim.weeks import week_basis

ROOT = Path(__file__).resolve().parents[1]


def shifts(types: dict, **more) -> Scheduling:
    return Scheduling.model_validate({"shift_types": types, **more})


def hourly_day(values: dict[int, float]) -> np.ndarray:
    """A day of 24 hourly intervals, 0 except at the hours given."""
    req = np.zeros(24)
    for h, v in values.items():
        req[h] = v
    return req


# --------------------------------------------------------------------------- known by construction


def test_constant_day_needs_three_eight_hour_blocks():
    # 3 agents all day, 8-hour shifts starting on any hour, cyclic day: 9 shifts, no over-cover
    sc = shifts({"eight": {"length_min": 480, "earliest_start": "00:00", "latest_start": "23:00"}})
    s = schedule(np.full(24, 3), interval_min=60, shifts=sc)
    assert s.proven_optimal and s.status == "optimal"
    assert s.shift_count == 9 and s.paid_hours == 72.0 and s.over_hours == 0.0 and s.fully_covered
    assert s.on_duty.tolist() == [3] * 24
    assert s.objective_value == 72.0  # no cost given: the fewest paid hours
    # one typical day stands for every day of a week: 63 shifts a week, 5 per person: 12.6, so 13
    # people (at least the day's 9), 504 paid hours a week: 12.6 FTE of 40 hours
    assert s.headcount == 13 and s.fte == pytest.approx(12.6) and s.weeks == pytest.approx(1 / 7)


def test_cost_picks_the_cheaper_type_and_counts_per_shift_and_per_hour():
    # 08:00-16:00 needs 2: an 8-hour shift costs 100 + 8 x 10 = 180, two 4-hour shifts 2 x (10 + 4 x 10) = 100
    sc = shifts(
        {
            "long": {"length_min": 480, "earliest_start": "08:00", "cost_per_hour": 10, "cost_per_shift": 100},
            "half": {
                "length_min": 240,
                "earliest_start": "08:00",
                "latest_start": "12:00",
                "start_step_min": 240,
                "cost_per_hour": 10,
                "cost_per_shift": 10,
            },
        }
    )
    s = schedule(hourly_day({h: 2 for h in range(8, 16)}), interval_min=60, shifts=sc)
    assert s.cost == 2 * 100.0
    assert {(c.shift_type, c.start, c.count) for c in s.shifts} == {("half", "08:00", 2), ("half", "12:00", 2)}


def test_night_shift_wraps_midnight_on_a_typical_day():
    req = hourly_day({22: 2, 23: 2, 0: 2, 1: 2, 2: 2, 3: 2, 4: 2, 5: 2})
    sc = shifts({"night": {"length_min": 480, "earliest_start": "22:00"}})
    s = schedule(req, interval_min=60, shifts=sc)  # one day: cyclic by default
    assert [(c.start, c.end, c.count) for c in s.shifts] == [("22:00", "06:00", 2)]
    assert s.on_duty.tolist() == req.tolist()
    # the same day not cyclic: nothing can cover 00:00-05:59; the rest is covered, those are reported
    s = schedule(req, interval_min=60, shifts=sc, cyclic=False)
    assert [(c.start, c.count) for c in s.shifts] == [("22:00", 2)]
    assert s.fell_back and s.uncoverable == tuple(range(6))
    assert s.unmet == [(f"mon {h:02d}:00", 2.0) for h in range(6)] and s.under_hours == 12.0


def test_sunday_night_covers_monday_morning_in_a_week():
    req = np.zeros(7 * 24)
    req[0:2] = 1  # mon 00:00-02:00
    sc = shifts({"late": {"length_min": 240, "earliest_start": "22:00", "weekdays": ["sun"]}})
    s = schedule(req, interval_min=60, shifts=sc)
    assert [(c.day_label, c.start, c.count) for c in s.shifts] == [("sun", "22:00", 1)]
    assert s.on_duty[:2].tolist() == [1, 1] and s.over_hours == 2.0  # sun 22:00-24:00 needs nobody
    assert s.fte == 4.0 / 40.0  # 4 paid hours in a week of 40-hour FTEs


def test_breaks_are_staggered():
    # 2 agents 08:00-12:00; 4-hour shifts at 08:00 with a 1-hour unpaid break at 09:00 or 10:00.
    # x - b9 >= 2, x - b10 >= 2 and b9 + b10 = x give x >= 4: two breaks at each time
    sc = shifts(
        {
            "four": {
                "length_min": 240,
                "earliest_start": "08:00",
                "breaks": [{"length_min": 60, "earliest_start_after_min": 60, "latest_start_after_min": 120}],
            }
        }
    )
    s = schedule(hourly_day({8: 2, 9: 2, 10: 2, 11: 2}), interval_min=60, shifts=sc)
    (c,) = s.shifts
    assert c.count == 4 and c.breaks == ((("09:00", 2), ("10:00", 2)),)
    assert s.paid_hours == 12.0  # 4 x 3 paid hours
    assert s.on_duty[8:12].tolist() == [4, 2, 2, 4]


def test_a_fixed_break_leaves_its_interval_uncoverable():
    sc = shifts(
        {
            "four": {
                "length_min": 240,
                "earliest_start": "08:00",
                "breaks": [{"length_min": 60, "earliest_start_after_min": 120, "latest_start_after_min": 120}],
            }
        }
    )
    s = schedule(hourly_day({h: 1 for h in range(8, 12)}), interval_min=60, shifts=sc)
    # one shift covers 08:00, 09:00 and 11:00; 10:00 is always its break: reported, not an error
    assert s.shift_count == 1 and s.uncoverable == (10,) and s.unmet == [("mon 10:00", 1.0)]
    assert s.fell_back and s.objective == "coverage" and s.objective_value == 1.0  # agent-hours short


def test_night_and_weekend_premiums_and_an_unpaid_break_inside_them():
    # 22:00-06:00, night premium 25 % from 22:00 to 05:00, 100 per hour, an unpaid hour at 02:00:
    # 7 paid hours (700) + 6 paid night hours x 25 (150) = 850
    night = {"start": "22:00", "end": "05:00", "premium": "25%"}
    brk = [{"length_min": 60, "earliest_start_after_min": 240, "latest_start_after_min": 240}]
    sc = shifts({"n": {"length_min": 480, "earliest_start": "22:00", "cost_per_hour": 100, "breaks": brk}}, night=night)
    req = hourly_day({22: 1, 23: 1, 0: 1, 1: 1, 3: 1, 4: 1, 5: 1})
    s = schedule(req, interval_min=60, shifts=sc)
    assert s.cost == pytest.approx(850.0) and s.paid_hours == 7.0
    # on a Saturday with a 50 % weekend premium on top (sat only; the shift runs into Sunday)
    weekend = {"premium": 0.5, "weekdays": ["sat"]}
    sc = shifts(
        {"n": {"length_min": 480, "earliest_start": "22:00", "cost_per_hour": 100, "breaks": brk}},
        night=night,
        weekend=weekend,
    )
    s = schedule(req, interval_min=60, shifts=sc, start_weekday="sat")
    assert s.cost == pytest.approx(850.0 + 2 * 50.0)  # 22:00-24:00 on Saturday


def test_opening_hours_over_several_days():
    # two days of 08:00-12:00 in 30-minute intervals (the layout of a scenario's calendar)
    req = np.array([1, 1, 2, 2, 2, 2, 1, 1] * 2)
    sc = shifts({"s": {"length_min": 120, "earliest_start": "07:00", "latest_start": "12:00", "start_step_min": 30}})
    s = schedule(req, interval_min=30, shifts=sc, day_start="08:00", intervals_per_day=8)
    assert s.paid_hours == 12.0 and s.fully_covered and s.over_hours == 0.0
    assert s.labels[0] == "mon 08:00" and s.labels[8] == "tue 08:00"
    assert s.on_duty.tolist() == req.tolist()


def test_on_duty_is_the_fewest_agents_inside_an_interval():
    # 60-minute intervals, a shift starting at 08:30: it covers half of 08:00, which counts as 0 on duty
    sc = shifts({"s": {"length_min": 120, "earliest_start": "08:30"}})
    s = schedule(hourly_day({9: 1}), interval_min=60, shifts=sc)
    assert s.on_duty[8:11].tolist() == [0, 1, 0]
    assert s.over_hours == 1.0  # 08:30-09:00 and 10:00-10:30 beyond the requirement


# --------------------------------------------------------------------------- caps and the fallback


def test_caps_force_under_cover_and_the_unmet_intervals_are_listed():
    sc = shifts(
        {"day": {"length_min": 480, "earliest_start": "08:00"}},
        caps=[{"max_on_duty": 2, "start": "10:00", "end": "12:00"}],
    )
    s = schedule(hourly_day({h: 3 for h in range(8, 16)}), interval_min=60, shifts=sc)
    assert s.fell_back and s.objective == "coverage" and not s.fully_covered
    # 2 shifts (capped at 10:00-12:00): 1 short in each of the 8 hours; a third would break the cap
    assert s.shift_count == 2 and s.under_hours == 8.0
    assert s.unmet == [(f"mon {h:02d}:00", 1.0) for h in range(8, 16)]


def test_max_count_forces_under_cover():
    # only 1 shift allowed; 10:00-12:00 need 2: the fallback's objective is the agent-hours short, 2
    sc = shifts({"s": {"length_min": 240, "earliest_start": "08:00", "max_count": 1}})
    s = schedule(hourly_day({8: 1, 9: 1, 10: 2, 11: 2}), interval_min=60, shifts=sc)
    assert s.fell_back and s.objective_value == 2.0 and s.under_hours == 2.0
    assert s.unmet == [("mon 10:00", 1.0), ("mon 11:00", 1.0)]


def test_min_count_beyond_a_cap_is_an_error():
    sc = shifts({"s": {"length_min": 240, "earliest_start": "08:00", "min_count": 3}}, caps=[{"max_on_duty": 2}])
    with pytest.raises(CcsimError, match="no roster meets the shift types' min_count"):
        schedule(hourly_day({8: 1}), interval_min=60, shifts=sc)


# --------------------------------------------------------------------------- pyworkforce's example

PYWORKFORCE_REQUIRED = [
    [9, 11, 17, 9, 7, 12, 5, 11, 8, 9, 18, 17, 8, 12, 16, 8, 7, 12, 11, 10, 13, 19, 16, 7],
    [13, 13, 12, 15, 18, 20, 13, 16, 17, 8, 13, 11, 6, 19, 11, 20, 19, 17, 10, 13, 14, 23, 16, 8],
]


@pytest.mark.parametrize(("objective", "optimum"), [("coverage", 157.0), ("cost", 113.0)])
def test_pyworkforce_readme_example(objective, optimum):
    # pyworkforce's README: MinAbsDifference 157, MinRequiredResources 113 (each day on its own,
    # its "Night" covering 00:00-05:00 and 21:00-24:00 of the same day: a cyclic day)
    starts = {"Morning": "05:00", "Afternoon": "13:00", "Night": "21:00", "Mixed": "09:00"}
    sc = shifts(
        {
            n: {"length_min": 480, "earliest_start": s, "max_per_day": 25, "cost_per_shift": 1}
            for n, s in starts.items()
        },
        caps=[{"max_on_duty": 27}],
        under_weight=1,
        over_weight=1,
    )
    total = sum(
        schedule(day, interval_min=60, shifts=sc, objective=objective).objective_value for day in PYWORKFORCE_REQUIRED
    )
    assert total == optimum


# --------------------------------------------------------------------------- enumeration


def patterns(
    length_h: int, starts: list[int], window: tuple[int, int] | None, cost_h: float
) -> list[tuple[np.ndarray, float]]:
    """Every way one shift can be worked: (on-duty hours over a day, cost), enumerated independently."""
    out = []
    for s in starts:
        offsets = [None] if window is None else list(range(window[0], window[1] + 1))
        for off in offsets:
            on = np.zeros(24)
            on[s : s + length_h] = 1
            paid = length_h
            if off is not None:
                on[s + off] = 0  # a 1-hour unpaid break
                paid -= 1
            out.append((on, paid * cost_h))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    req=st.lists(st.integers(0, 2), min_size=8, max_size=8),
    length_a=st.sampled_from([3, 4]),
    window=st.sampled_from([None, (1, 1), (1, 2)]),
    cost_b=st.sampled_from([1.0, 1.5, 3.0]),
    cap=st.sampled_from([None, 1, 2]),
)
def test_small_instances_match_enumeration(req, length_a, window, cost_b, cap):
    # requirement 08:00-16:00; type a: length_a hours from 08:00, 10:00 or 12:00 with an optional
    # 1-hour break; type b: 2 hours at 14:00 (no break). Optimum by enumerating the counts of
    # every way of working a shift (0 to max required each: more never helps).
    day = np.zeros(24)
    day[8:16] = req
    brk = (
        []
        if window is None
        else [{"length_min": 60, "earliest_start_after_min": 60 * window[0], "latest_start_after_min": 60 * window[1]}]
    )
    types = {
        "a": {
            "length_min": 60 * length_a,
            "earliest_start": "08:00",
            "latest_start": "12:00",
            "start_step_min": 120,
            "cost_per_hour": 1,
            "breaks": brk,
        },
        "b": {"length_min": 120, "earliest_start": "14:00", "cost_per_hour": cost_b},
    }
    sc = shifts(types, caps=[] if cap is None else [{"max_on_duty": cap}])
    pats = patterns(length_a, [8, 10, 12], window, 1.0) + patterns(2, [14], None, cost_b)
    on = np.array([p[0] for p in pats])
    costs = np.array([p[1] for p in pats])
    top = max(req)
    combos = np.array(list(itertools.product(range(top + 1), repeat=len(pats))))
    cover = combos @ on  # combos x 24
    capped = np.all(cover <= (cap if cap is not None else np.inf), axis=1)
    full = capped & np.all(cover >= day, axis=1)
    cost = combos @ costs
    s = schedule(day, interval_min=60, shifts=sc, cyclic=False)
    s_on = s.on_duty.astype(float)
    if full.any():
        # the cheapest full cover, and among those the fewest agent-hours where nobody is needed
        assert not s.fell_back and not s.uncoverable
        best = cost[full].min()
        assert s.cost == pytest.approx(best)
        idle = (cover * (day == 0)).sum(axis=1)
        assert s_on[day == 0].sum() == idle[full & np.isclose(cost, best)].min()
    else:
        # the fallback: the fewest agent-hours short (intervals no shift reaches count whole), then the cheapest
        short = np.maximum(day - cover, 0).sum(axis=1)
        least = short[capped].min()
        assert s.fell_back and s.under_hours == pytest.approx(least) and s.objective_value == pytest.approx(least)
        assert s.cost == pytest.approx(cost[capped & (short == least)].min())
        assert set(s.uncoverable) == set(np.flatnonzero((day > 0) & (on.max(axis=0) == 0)))


# --------------------------------------------------------------------------- the shifts file


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_bundled_shifts_file_loads():
    sc = load_model(ROOT / "scenarios" / "shifts" / "shifts_week.yaml", Scheduling)
    assert set(sc.shift_types) == {"full_day", "short_day", "part_time"}
    assert sc.shift_types["full_day"].paid_min == 480


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        (
            "{length_min: 240, earliest_start: '08:00', breaks: [{length_min: 30, earliest_start_after_min: 200, latest_start_after_min: 230}]}",
            "shift_types.s: break 1 does not fit in the shift: latest_start_after_min 230 + length_min 30 = 260 is after the shift's end (length_min 240) (line 2)",
        ),
        (
            "{length_min: 240, earliest_start: '08:00', breaks: [{length_min: 30, earliest_start_after_min: 120, latest_start_after_min: 60}]}",
            "shift_types.s.breaks.0: earliest_start_after_min (120) must be <= latest_start_after_min (60) (line 2)",
        ),
        (
            "{length_min: 480, earliest_start: '08:00', breaks: [{length_min: 30, earliest_start_after_min: 60, latest_start_after_min: 180}, {length_min: 30, earliest_start_after_min: 120, latest_start_after_min: 300}]}",
            "shift_types.s: break 2 may start at 120 min, before break 1 can end (210 min): break windows must follow each other without overlapping (line 2)",
        ),
        (
            "{length_min: 240, earliest_start: '8:0'}",
            "shift_types.s.earliest_start: must be a time of day as HH:MM (00:00 to 24:00), got '8:0' (line 2)",
        ),
        (
            "{length_min: 240, earliest_start: '08:00', latest_start: '09:00', start_step_min: 45}",
            "shift_types.s: the start window 08:00 to 09:00 (60 min) is not a whole number of start_step_min (45) (line 2)",
        ),
        (
            "{length_min: 240, earliest_start: '08:00', colour: red}",
            "shift_types.s.colour: unknown key; valid keys:",
        ),
    ],
    ids=["break-after-end", "earliest-after-latest", "overlapping-windows", "bad-time", "step", "unknown-key"],
)
def test_bad_shift_types_name_the_rule_and_the_value(tmp_path, shift, message):
    path = write(tmp_path / "s.yaml", f"shift_types:\n  s: {shift}\n")
    with pytest.raises(ScenarioError) as err:
        load_model(path, Scheduling)
    assert str(err.value).startswith(f"{path}: {message}")


def test_groups_must_name_shift_types(tmp_path):
    path = write(
        tmp_path / "s.yaml",
        "shift_types:\n  early: {length_min: 240, earliest_start: '08:00'}\ngroups:\n  tier1: [erly]\n",
    )
    with pytest.raises(
        ScenarioError, match=r"s.yaml: groups: tier1 names no shift type 'erly'; did you mean 'early'\? \(line 3\)$"
    ):
        load_model(path, Scheduling)
    sc = shifts(
        {
            "early": {"length_min": 240, "earliest_start": "08:00"},
            "late": {"length_min": 240, "earliest_start": "12:00"},
        },
        groups={"tier1": ["late"]},
    )
    s = schedule(hourly_day({12: 1}), interval_min=60, shifts=sc, group="tier1")
    assert [c.shift_type for c in s.shifts] == ["late"]
    with pytest.raises(CcsimError, match="no entry for agent group 'tier2'"):
        schedule(hourly_day({12: 1}), interval_min=60, shifts=sc, group="tier2")


def test_empty_shifts_file(tmp_path):
    with pytest.raises(ScenarioError, match="empty file: expected a shifts file"):
        load_model(write(tmp_path / "s.yaml", "# nothing\n"), Scheduling)


# --------------------------------------------------------------------------- the requirements CSV


def test_bundled_requirements_read_as_a_week():
    need = read_requirements_csv(ROOT / "scenarios" / "requirements_week.csv")
    assert need.interval_min == 30 and need.days == 7 and need.start_weekday == "mon"
    assert need.starts_min[0] == 8 * 60 and need.starts_min[-1] == 6 * 1440 + 15 * 60 + 30


def test_requirements_with_dates(tmp_path):
    path = write(tmp_path / "r.csv", "day,start,required\n2024-05-05,10:00,1\n2024-05-05,10:30,2\n2024-05-04,10:00,1\n")
    need = read_requirements_csv(path)
    assert need.start_weekday == "sat" and need.day_labels == ("2024-05-04", "2024-05-05")
    assert need.starts_min.tolist() == [600, 1440 + 600, 1440 + 630] and need.required.tolist() == [1, 1, 2]


def test_requirements_from_ccsim_erlang(tmp_path, capsys):
    out = tmp_path / "plan.csv"
    assert (
        main(
            [
                "erlang",
                "--csv",
                str(ROOT / "scenarios" / "forecast_day.csv"),
                "--min-service-level",
                "80%",
                "--shrinkage",
                "30%",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    need = read_requirements_csv(out)
    rows = out.read_text().splitlines()
    header = rows[1 - 1].split(",")
    sched = [int(r.split(",")[header.index("scheduled_agents")]) for r in rows[1:]]
    assert need.required.tolist() == sched and need.days == 1 and need.interval_min == 30
    assert need.starts_min[0] == 8 * 60


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "day,start,required\nmon,08:00,1\nmon,09:00,1\nmon,09:30,1\n",
            "r.csv, line 3, gap before mon 09:00: the previous interval starts at 08:00 and the intervals are 30 min",
        ),
        (
            "day,start,required\nmon,08:00,1\nmon,08:30,1\nmon,08:00,2\n",
            "r.csv, line 4, interval mon 08:00 appears twice (first on line 2)",
        ),
        ("day,start,requird\nmon,08:00,1\n", "r.csv, line 1, column requird: unknown column; did you mean 'required'?"),
        (
            "day,start,required,team\nmon,08:00,1\n",
            "r.csv, line 1, column team: unknown column; the columns are day, start and required",
        ),
        ("day,start,required\nmon,08:00,lots\n", "r.csv, line 2, column required: must be a number >= 0, got 'lots'"),
        ("day,start,required\nmon,08:00,-2\n", "r.csv, line 2, column required: must be a number >= 0, got '-2'"),
        (
            "day,start,required\nmon,08:00,\n",
            "r.csv, line 2, column required: must be a number >= 0, got an empty cell",
        ),
        (
            "day,start,required\nmon,8h,1\n",
            "r.csv, line 2, column start: must be a time of day HH:MM (00:00 to 23:59), got '8h'",
        ),
        (
            "day,start,required\nmonday,08:00,1\nwed,08:00,1\n",
            "r.csv: no intervals on tue: the weekdays must follow each other from mon",
        ),
        (
            "day,start,required\n2024-05-01,08:00,1\n2024-05-03,08:00,1\n",
            "r.csv: no intervals on 2024-05-02: the dates must follow each other",
        ),
        ("day,start\nmon,08:00\n", "r.csv: needs the columns day, start and required"),
    ],
    ids=[
        "gap",
        "duplicate",
        "misspelt",
        "unknown",
        "text",
        "negative",
        "empty",
        "time",
        "missing-day",
        "missing-date",
        "no-required",
    ],
)
def test_bad_requirements_name_file_line_and_column(tmp_path, text, message):
    path = write(tmp_path / "r.csv", text)
    with pytest.raises(CcsimError) as err:
        read_requirements_csv(path)
    assert str(err.value).splitlines()[0] == f"{tmp_path / message}" or str(err.value).splitlines()[0].startswith(
        f"{tmp_path / message}"
    )


# --------------------------------------------------------------------------- the command


def test_cli_text_json_and_out(tmp_path, capsys):
    req = write(tmp_path / "r.csv", "day,start,required\nmon,08:00,2\nmon,09:00,2\nmon,10:00,2\nmon,11:00,2\n")
    sh = write(
        tmp_path / "s.yaml",
        "shift_types:\n  four:\n    length_min: 240\n    earliest_start: '08:00'\n    cost_per_hour: 10\n"
        "    breaks: [{length_min: 60, earliest_start_after_min: 60, latest_start_after_min: 120}]\n",
    )
    assert main(["schedule", str(req), "--shifts", str(sh)]) == 0
    text = capsys.readouterr().out
    assert "proven optimal" in text and "09:00 x2, 10:00 x2" in text and "cost 120.00" in text
    assert "every interval covered" in text
    assert main(["schedule", str(req), "--shifts", str(sh), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "optimal" and data["proven_optimal"] is True
    assert data["paid_hours"] == 12.0 and data["cost"] == 120.0
    assert data["shifts"][0]["count"] == 4 and data["shifts"][0]["breaks"] == [
        [{"start": "09:00", "count": 2}, {"start": "10:00", "count": 2}]
    ]
    assert [c["on_duty"] for c in data["coverage"]] == [4, 2, 2, 4]
    out = tmp_path / "out"
    assert main(["schedule", str(req), "--shifts", str(sh), "--out", str(out)]) == 0
    assert "wrote 5 files" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [
        ".ccsim-manifest.json",
        "coverage.csv",
        "coverage.png",
        "hiring.csv",
        "schedule.json",
        "shifts.csv",
    ]
    assert (out / "shifts.csv").read_text().splitlines()[1] == 'mon,08:00,12:00,four,4,"09:00 x2, 10:00 x2",12.0,120.0'
    assert (out / "coverage.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["schedule", str(req), "--shifts", str(sh), "--out", str(out)]) == 0  # its own folder again


def test_cli_reports_intervals_no_shift_can_cover_and_exits_0(tmp_path, capsys):
    req = write(tmp_path / "r.csv", "day,start,required\nmon,07:00,1\nmon,08:00,1\n")
    sh = write(tmp_path / "s.yaml", "shift_types:\n  day: {length_min: 60, earliest_start: '08:00'}\n")
    assert main(["schedule", str(req), "--shifts", str(sh), "--interval-min", "60"]) == 0
    out = capsys.readouterr().out
    assert "NOT COVERABLE: 1 intervals need agents where nobody can be on duty" in out
    assert "mon 07:00 (-1)" in out and "UNMET: 1 intervals short: mon 07:00 (-1)" in out
    assert main(["schedule", str(req), "--shifts", str(sh), "--interval-min", "60", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["uncoverable"] == [{"interval": "mon 07:00", "short": 1.0}] and data["shift_count"] == 1


def test_cli_caps_report_unmet(tmp_path, capsys):
    req = write(tmp_path / "r.csv", "start,required\n08:00,3\n09:00,3\n")
    sh = write(
        tmp_path / "s.yaml", "shift_types:\n  d: {length_min: 120, earliest_start: '08:00'}\ncaps: [{max_on_duty: 2}]\n"
    )
    assert main(["schedule", str(req), "--shifts", str(sh)]) == 0
    out = capsys.readouterr().out
    assert "UNMET: 2 intervals short: day 08:00 (-1), day 09:00 (-1)" in out


def test_plot_coverage_returns_its_axes():
    sc = shifts({"eight": {"length_min": 480, "earliest_start": "00:00", "latest_start": "23:00"}})
    s = schedule(np.full(24, 3), interval_min=60, shifts=sc)
    ax = plot_coverage(s)
    assert ax.get_ylabel() == "agents" and "9 shifts" in ax.get_title()


# --------------------------------------------------------------------------- ties, bounds per interval, limits


def test_among_rosters_of_equal_cost_the_one_with_nobody_idle_is_chosen():
    # Saturday 09:00-18:00 in hours, 1 agent needed 10:00-15:00 (5 hours), 4-hour shifts starting on the
    # hour from 09:00 to 14:00 at 10 an hour. Every cover needs 2 shifts (80); by enumeration, the
    # only one with nobody on duty where nobody is needed (09:00, 15:00-18:00) is 10:00 + 11:00
    req = np.array([0, 1, 1, 1, 1, 1, 0, 0, 0])
    sc = shifts({"part": {"length_min": 240, "earliest_start": "09:00", "latest_start": "14:00", "cost_per_hour": 10}})
    s = schedule(req, interval_min=60, shifts=sc, day_start="09:00", intervals_per_day=9, start_weekday="sat")
    starts = [9, 10, 11, 12, 13, 14]
    covers = []
    for a, b in itertools.combinations_with_replacement(starts, 2):
        on = np.zeros(24)
        on[a : a + 4] += 1
        on[b : b + 4] += 1
        if np.all(on[9:18] >= req):
            covers.append(((a, b), on[9:18][req == 0].sum() + on[:9].sum() + on[18:].sum()))
    assert len(covers) > 1 and min(c[1] for c in covers) == 0
    assert [c[0] for c in covers if c[1] == 0] == [(10, 11)]
    assert s.cost == 80.0 and [(c.start, c.count) for c in s.shifts] == [("10:00", 1), ("11:00", 1)]
    assert s.on_duty.tolist() == [0, 1, 2, 2, 2, 1, 0, 0, 0] and s.over_hours == 3.0


def test_max_on_duty_keeps_nobody_where_it_is_0():
    # 10:00-13:00 need 1, the grid runs 09:00-14:00: a 4-hour shift at 09:00 or at 10:00 covers it at the
    # same cost and with the same idle hour. A bound of 0 at 09:00 (closed) leaves only 10:00, at 13:00 only 09:00
    req = np.array([0, 1, 1, 1, 0])
    sc = shifts({"part": {"length_min": 240, "earliest_start": "09:00", "latest_start": "10:00"}})
    kw = {"interval_min": 60, "shifts": sc, "day_start": "09:00", "intervals_per_day": 5}
    s = schedule(req, max_on_duty=[0, np.inf, np.inf, np.inf, np.inf], **kw)
    assert [(c.start, c.count) for c in s.shifts] == [("10:00", 1)] and s.on_duty.tolist() == [0, 1, 1, 1, 1]
    s = schedule(req, max_on_duty=[np.inf, np.inf, np.inf, np.inf, 0], **kw)
    assert [(c.start, c.count) for c in s.shifts] == [("09:00", 1)] and s.on_duty.tolist() == [1, 1, 1, 1, 0]
    assert s.fully_covered and not s.fell_back and s.max_on_duty.tolist() == [np.inf] * 4 + [0.0]


def test_max_on_duty_below_the_requirement_falls_back_to_the_most_cover_cheapest():
    # 2 needed 08:00-12:00; a 4-hour shift from 08:00 (10 an hour) or 2-hour shifts from 08:00 or 10:00
    # (12 an hour). At most 1 on duty at 09:00: whoever works 09:00 works 08:00, so both are short by 1 at
    # least: 2 agent-hours short, the fewest. Among the rosters short by 2 (10:00-11:00 covered twice):
    # four + two at 10:00 = 40 + 24 = 64; two at 08:00 + 2 x two at 10:00 = 72; the cheapest is 64
    sc = shifts(
        {
            "four": {"length_min": 240, "earliest_start": "08:00", "cost_per_hour": 10},
            "two": {
                "length_min": 120,
                "earliest_start": "08:00",
                "latest_start": "10:00",
                "start_step_min": 120,
                "cost_per_hour": 12,
            },
        }
    )
    bound = np.full(24, np.inf)
    bound[9] = 1
    s = schedule(hourly_day({8: 2, 9: 2, 10: 2, 11: 2}), interval_min=60, shifts=sc, max_on_duty=bound)
    assert s.fell_back and s.objective == "coverage" and s.objective_value == 2.0 and s.under_hours == 2.0
    assert s.unmet == [("mon 08:00", 1.0), ("mon 09:00", 1.0)] and not s.uncoverable
    assert s.cost == 64.0
    assert sorted((c.shift_type, c.start, c.count) for c in s.shifts) == [("four", "08:00", 1), ("two", "10:00", 1)]
    # a bound of 0 where agents are needed: not coverable at all, reported as such
    bound[9] = 0
    s = schedule(hourly_day({8: 2, 9: 2, 10: 2, 11: 2}), interval_min=60, shifts=sc, max_on_duty=bound)
    assert s.uncoverable == (9,) and s.unmet[0] == ("mon 08:00", 2.0) and ("mon 09:00", 2.0) in s.unmet


def test_a_requirement_or_a_model_beyond_the_limits_is_refused_before_solving(tmp_path, capsys):
    sc = shifts({"eight": {"length_min": 480, "earliest_start": "08:00"}})
    with pytest.raises(
        CcsimError, match=r"^required: at most 100,000 agents on duty in an interval, got 1e\+09 in mon 08:00; check"
    ):
        schedule(hourly_day({8: 1e9}), interval_min=60, shifts=sc)
    huge = shifts(
        {
            "any": {
                "length_min": 480,
                "earliest_start": "00:00",
                "latest_start": "23:59",
                "start_step_min": 1,
                "breaks": [
                    {
                        "length_min": 30,
                        "earliest_start_after_min": 60,
                        "latest_start_after_min": 360,
                        "start_step_min": 1,
                    }
                ],
            }
        }
    )
    # 7 days x 1,440 starts x (the shift + 301 break starts) = 3,044,160
    with pytest.raises(
        CcsimError,
        match=r"^the schedule would have 3,044,160 variables \(candidate shifts and break starts over 7 days\), at most 2,000,000: give the shift types a larger start_step_min",
    ):
        schedule(np.ones(7 * 24), interval_min=60, shifts=huge)
    req = write(tmp_path / "r.csv", "day,start,required\nmon,08:00,1\nmon,09:00,1e9\n")
    sh = write(tmp_path / "s.yaml", "shift_types:\n  day: {length_min: 480, earliest_start: '08:00'}\n")
    assert main(["schedule", str(req), "--shifts", str(sh)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"ccsim: error: {req}, line 3, column required: at most 100,000 agents on duty in an interval (ccsim's limit for one group), got '1e9'; check that it counts agents (not contacts or seconds), and schedule a larger desk group by group"
    ]


# --------------------------------------------------------------------------- hiring


def test_hiring_figures_of_a_week_with_shrinkage_match_a_hand_count():
    # Monday to Friday 09:00-17:00: 2 agents; Saturday 10:00-14:00: 3; Sunday closed (0), in hours.
    # Full-timers: 8 hours from 09:00 on weekdays, 20 an hour, 5 shifts a week; part-timers: 4 hours from
    # 10:00 on Saturday, 15 an hour, 2 shifts a week. Shrinkage 30 %.
    week = np.zeros((7, 8))
    week[:5, :] = 2
    week[5, 1:5] = 3
    sc = shifts(
        {
            "full": {
                "length_min": 480,
                "earliest_start": "09:00",
                "weekdays": ["mon", "tue", "wed", "thu", "fri"],
                "cost_per_hour": 20,
            },
            "part": {
                "length_min": 240,
                "earliest_start": "10:00",
                "weekdays": ["sat"],
                "cost_per_hour": 15,
                "shifts_per_agent_per_week": 2,
            },
        },
        currency="EUR",
    )
    s = schedule(week.ravel(), interval_min=60, shifts=sc, day_start="09:00", intervals_per_day=8, shrinkage=0.3)
    assert s.shift_count == 13 and s.fully_covered and s.weeks == 1.0 and s.week_text == "a week = the run's 7 days"
    full, part = s.hiring
    # full: 10 shifts a week / 0.7 / 5 = 2.86 -> 3 people (busiest day 2 / 0.7 = 2.86 -> 3);
    # 80 paid hours / 0.7 = 114.29 a week = 2.857 FTE of 40 h; 80 x 20 / 0.7 = 2,285.71 a week
    assert (full.contract, full.shifts_per_week, full.busiest_day, full.people) == ("full", 10.0, 2, 3)
    assert full.paid_hours_per_week == pytest.approx(80 / 0.7) and full.fte == pytest.approx(80 / 0.7 / 40)
    assert full.cost_per_week == pytest.approx(1600 / 0.7)
    assert full.cost_per_month == pytest.approx(1600 / 0.7 * 30.4375 / 7)
    # part: 3 shifts a week / 0.7 / 2 = 2.14 -> 3, but Saturday's 3 / 0.7 = 4.29 -> 5 people
    assert (part.shifts_per_week, part.shifts_per_person_per_week, part.busiest_day, part.people) == (3.0, 2, 3, 5)
    assert part.fte == pytest.approx(12 / 0.7 / 40) and part.cost_per_week == pytest.approx(180 / 0.7)
    assert s.headcount == 8 and s.fte == pytest.approx(92 / 0.7 / 40)
    assert s.cost_per_week == pytest.approx(1780 / 0.7) and s.cost_per_month == pytest.approx(1780 / 0.7 * 30.4375 / 7)
    text = schedule_text(s)
    assert "shrinkage 30 %" in text and "a week = the run's 7 days; a month = 30.4375 days = 4.3482 weeks" in text
    assert "cost a week (EUR)" in text and "cost a month (EUR)" in text and "people to hire" in text
    data = schedule_dict(s)
    assert data["hiring"]["people_to_hire"] == 8 and data["hiring"]["contracts"][1]["people_to_hire"] == 5
    assert data["hiring"]["contracts"][0]["cost_per_month"] == pytest.approx(1600 / 0.7 * 30.4375 / 7)


def test_a_run_shorter_than_a_week_stands_for_its_weekdays_and_contracts_group_shift_types():
    # Monday to Friday, 08:00-16:00 needs 1: an early (08:00-12:00) and a late (12:00-16:00) shift a day,
    # both on the contract "half", 5 shifts a week: 10 shifts a week, 2 people (no shrinkage)
    sc = shifts(
        {
            "early": {"length_min": 240, "earliest_start": "08:00", "contract": "half"},
            "late": {"length_min": 240, "earliest_start": "12:00", "contract": "half"},
        }
    )
    s = schedule(np.ones(5 * 8), interval_min=60, shifts=sc, day_start="08:00", intervals_per_day=8)
    assert s.week_text == "a week = the run's mon to fri (sat, sun closed)" and s.weeks == 1.0
    (h,) = s.hiring
    assert (h.contract, h.shift_types, h.shifts_per_week, h.people, h.fte) == ("half", ("early", "late"), 10.0, 2, 1.0)
    two = week_basis(14, "mon")
    assert (two.weeks, two.text) == (2.0, "a week = the run's 14 days x 7 / 14")
    # ten days from a Monday: Monday to Wednesday twice, so each counts half, the others whole
    ten = week_basis(10, "mon")
    assert ten.per_day.tolist() == [0.5, 0.5, 0.5, 1, 1, 1, 1, 0.5, 0.5, 0.5] and ten.week_days == 7
    assert ten.text == "a week = each weekday once, its mean over the run's 10 days"
    # a warm-up of half of the only Monday: its measured half counts twice
    cut = week_basis(7, "mon", share=[0.5, 1, 1, 1, 1, 1, 1])
    assert cut.per_day.tolist() == [2, 1, 1, 1, 1, 1, 1] and cut.week_days == 7
    # a typical day of a desk open Monday to Friday stands for five days a week
    typical = week_basis(1, "mon", open_weekdays=["mon", "tue", "wed", "thu", "fri"])
    assert typical.per_day.tolist() == [5] and typical.month_days == pytest.approx(5 * 30.4375 / 7)
    with pytest.raises(ValueError, match="contract 'half' has 5 shifts per person per week on early but 4 on late"):
        shifts(
            {
                "early": {"length_min": 240, "earliest_start": "08:00", "contract": "half"},
                "late": {
                    "length_min": 240,
                    "earliest_start": "12:00",
                    "contract": "half",
                    "shifts_per_agent_per_week": 4,
                },
            }
        )


def test_cli_shrinkage_and_hiring_csv(tmp_path, capsys):
    req = write(tmp_path / "r.csv", "start,required\n08:00,2\n09:00,2\n10:00,2\n11:00,2\n")
    sh = write(
        tmp_path / "s.yaml",
        "shift_types:\n  four: {length_min: 240, earliest_start: '08:00', cost_per_hour: 10}\ncurrency: EUR\n",
    )
    out = tmp_path / "out"
    assert main(["schedule", str(req), "--shifts", str(sh), "--shrinkage", "20%", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    # a typical day: 2 shifts a day, 14 a week; / 0.8 / 5 = 3.5 -> 4 people; 56 h / 0.8 = 70 h = 1.75 FTE
    assert "shrinkage 20 %" in text and "a week = 7 x the run's typical day" in text
    rows = (out / "hiring.csv").read_text().splitlines()
    assert (
        rows[0]
        == "contract,shift_types,shifts_in_run,shifts_per_week,shifts_per_person_per_week,busiest_day_shifts,shrinkage,people_to_hire,fte,paid_hours_per_week,cost_per_week,cost_per_month,currency,week"
    )
    assert rows[1].startswith("four,four,2,14.0,5,2,0.2,4,1.75,70.0,700.0,3043.75,EUR,")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    req=st.lists(st.integers(0, 3), min_size=12, max_size=12),
    bound=st.lists(st.sampled_from([0, 1, 2, 5]), min_size=12, max_size=12),
    earliest=st.sampled_from(["06:00", "08:00", "10:00"]),
    brk=st.booleans(),
    shrinkage=st.sampled_from([0.0, 0.25]),
)
def test_random_bounds_are_kept_and_nothing_fails(req, bound, earliest, brk, shrinkage):
    # a day 08:00-20:00 in hours: whatever the requirement and the bounds, a roster comes back that
    # keeps every bound, says which intervals nobody can reach, and reports every shortfall
    breaks = [{"length_min": 60, "earliest_start_after_min": 120, "latest_start_after_min": 180}] if brk else []
    sc = shifts(
        {
            "s": {
                "length_min": 300,
                "earliest_start": earliest,
                "latest_start": "14:00",
                "breaks": breaks,
                "cost_per_hour": 10,
            }
        }
    )
    r, b = np.array(req, dtype=float), np.array(bound, dtype=float)
    s = schedule(
        r, interval_min=60, shifts=sc, day_start="08:00", intervals_per_day=12, max_on_duty=b, shrinkage=shrinkage
    )
    assert np.all(s.on_duty <= b) and np.all(s.under == np.maximum(r - s.on_duty, 0))
    assert set(s.uncoverable) >= set(np.flatnonzero((b == 0) & (r > 0)))
    assert s.fully_covered == (not s.fell_back)
    assert s.headcount == sum(h.people for h in s.hiring) and s.weeks == pytest.approx(1 / 7)
    n = sum(c.count for c in s.shifts)
    assert s.headcount == (
        max(math.ceil(7 * n / (1 - shrinkage) / 5 - 1e-9), math.ceil(n / (1 - shrinkage) - 1e-9)) if n else 0
    )


def test_a_plan_csv_with_bad_cells_names_file_line_and_column(tmp_path):
    path = write(
        tmp_path / "plan.csv",
        "interval,label,a_planned,a_max_on_duty,b_planned\n0,day 1 08:00,1,,2\n1,day 1 8h,1,,2\n"
        "2,someday 09:00,1,,2\n3,day 1 09:30,x,,2\n4,day 1 10:00,1,-1,2\n",
    )
    with pytest.raises(CcsimError) as err:
        read_requirements_csv(path, group="a")
    assert str(err.value).splitlines() == [
        f"{path}, line 3, column label: must be a day and a time of day, as day 1 08:00, got 'day 1 8h'",
        f"{path}, line 4, column label: must be a weekday (mon ... sun), a date YYYY-MM-DD or day N, got 'someday'",
        f"{path}, line 5, column a_planned: must be a number >= 0, got 'x'",
        f"{path}, line 6, column a_max_on_duty: must be a number >= 0 or empty, got '-1'",
    ]
    # a label that is neither a day nor a time: one problem for the cell, not a crash
    path = write(tmp_path / "plan.csv", "interval,label,a_planned\n0,day 1 08:00,1\n1,garbage,1\n")
    with pytest.raises(CcsimError) as err:
        read_requirements_csv(path)
    assert str(err.value).splitlines() == [
        f"{path}, line 3, column label: must be a day and a time of day, as day 1 08:00, got 'garbage'"
    ]
    path = write(tmp_path / "plan.csv", "interval,label,a_planned,a_max_on_duty\n0,day 2 08:00,1,0\n")
    with pytest.raises(
        CcsimError, match=r"plan.csv: no intervals on day 1: the days must follow each other from day 1$"
    ):
        read_requirements_csv(path)
    path = write(
        tmp_path / "plan.csv",
        "interval,label,a_planned,a_max_on_duty\n0,day 1 08:00,0,0\n1,day 2 08:00,1,0\n2,day 2 09:00,2,\n",
    )
    need = read_requirements_csv(path, start_weekday="sat")
    # days are numbered from the weekday given; an empty bound is no bound
    assert need.group == "a" and need.day_labels == ("sat", "sun") and need.days == 2 and need.interval_min == 60
    assert need.starts_min.tolist() == [480, 1440 + 480, 1440 + 540] and need.max_on_duty.tolist() == [0.0, 0.0, np.inf]
