"""A time of day is H:MM or HH:MM wherever ccsim reads one (calendar, hours, costs, forecast, requirements)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from test_leftovers_plan import desk

import ccsim
from ccsim.errors import ScenarioError
from ccsim.planning import read_requirements_csv
from ccsim.problems import merge
from ccsim.scenario import minutes_of_day


def _desk(open_: str, close: str, night: str, **more) -> dict:
    """The desk of test_leftovers_plan with these times of day, and ``more`` changes."""
    times = {
        "calendar": {"open": open_, "close": close, "hours": {"sat": "9:00-11:00"}},
        "costs": {"night_start": night, "night_end": "6:00", "night_premium": 0.2},
    }
    return merge(desk(times), more)


def _load(tmp_path, open_: str, close: str, night: str, **more):
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(_desk(open_, close, night, **more)))
    return ccsim.load_scenario(path)


def test_one_parser_reads_h_mm_and_hh_mm():
    assert minutes_of_day("9:00") == minutes_of_day("09:00") == 540
    assert minutes_of_day("0:30") == 30 and minutes_of_day("24:00") == 1440
    for bad in ("24:30", "25:00", "9:0", "9:60", "900", "123:00", " 9:00", "9:00\n", ""):
        with pytest.raises(ValueError, match=r"must be a time of day as HH:MM \(00:00 to 24:00\)"):
            minutes_of_day(bad)


def test_calendar_open_close_and_night_hours_take_one_digit_hours(tmp_path):
    short = _load(tmp_path, "8:00", "12:00", "7:00")
    padded = _load(tmp_path, "08:00", "12:00", "07:00")
    assert short.calendar.day_start == "08:00" and short.calendar.intervals_per_day_value == 4
    assert list(short.calendar.open_intervals()) == list(padded.calendar.open_intervals())
    # Friday 08:00-12:00, Saturday 09:00-11:00
    assert list(short.calendar.open_intervals()) == [True] * 4 + [False, True, True, False]
    assert short.calendar.interval_labels() == padded.calendar.interval_labels()
    with pytest.raises(ScenarioError, match=r"calendar\.open: .*must be a time of day as HH:MM .*got '8:5'"):
        _load(tmp_path, "8:5", "12:00", "07:00")


def test_forecast_and_requirements_take_one_digit_hours(tmp_path):
    (tmp_path / "f.csv").write_text("interval_start,volume\n8:00,10\n9:00,20\n10:00,30\n11:00,40\n")
    changes = {"calendar": {"days": 1}, "forecast": {"file": "f.csv"}, "channels": {"phone": {"volume": None}}}
    sc = _load(tmp_path, "8:00", "12:00", "22:00", **changes)
    assert list(sc.channels["phone"].volume.per_interval) == [10, 20, 30, 40]

    (tmp_path / "r.csv").write_text("start,required\n8:00,1\n8:30,2\n09:00,3\n")
    need = read_requirements_csv(tmp_path / "r.csv")
    assert list(need.starts_min) == [480, 510, 540] and np.array_equal(need.required, [1, 2, 3])
