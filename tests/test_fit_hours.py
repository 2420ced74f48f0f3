"""Per-weekday opening hours fitted back: simulate desks whose weekdays have their own hours, fit their logs.

The simulated desk receives contacts only within each weekday's hours, so the inferred hours
must be the scenario's exactly, the fitted scenario's calendar must open and close every
weekday as the truth does, and stray contacts (a test call before opening, an IVR answering
at night, a lone call on the closed day) must change none of it (docs/fit.md, Opening hours).
"""

from __future__ import annotations

import csv
from datetime import date, timedelta

import numpy as np
import pytest
import yaml

import ccsim
from ccsim.fields import WEEKDAYS
from ccsim.fit import Fit, effective_staffing, estimate, read_logs, scenario_data, scenario_yaml
from ccsim.fit.output import run_open

PHONE = {
    "kind": "voice",
    "handle_time": {"dist": "lognormal", "mean_s": 240, "cv": 0.8},
    "patience": {"dist": "exponential", "mean_s": 180},
}
# a desk open Monday to Friday 09:00-18:00, Saturday 10:00-15:00 only, closed on Sunday
SATURDAY_DESK = {
    "name": "saturday desk",
    "calendar": {
        "interval_min": 30,
        "open": "09:00",
        "close": "18:00",
        "hours": {"sat": "10:00-15:00", "sun": "closed"},
        "days": 7,
    },
    "channels": {"phone": {**PHONE, "volume": {"per_day": 300}}},
    "agent_groups": {"team": {"skills": ["phone"], "staffing": 5}},
}
# a bank: Sunday to Thursday 07:00-24:00, Friday until 14:00, Saturday from 20:00 (after the Sabbath)
BANK = {
    "name": "bank",
    "calendar": {
        "interval_min": 30,
        "open": "07:00",
        "close": "24:00",
        "hours": {"fri": "07:00-14:00", "sat": "20:00-24:00"},
        "days": 7,
        "start_weekday": "sun",
        "day_of_week_factors": {"fri": 0.4, "sat": 0.15},
    },
    "channels": {"phone": {**PHONE, "volume": {"per_day": 600}}},
    "agent_groups": {"team": {"skills": ["phone"], "staffing": 6}},
}
WEEKS = 10


def _log(desk: dict, path, extra_rows=()) -> ccsim.Scenario:
    """Simulate WEEKS weeks of the desk and write their contact log (and extra rows) to path."""
    sc = ccsim.scenario_from_dict(desk)
    columns = ccsim.simulate(sc, replications=WEEKS, seed=7, trace=True).contact_log()
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(zip(*columns.values(), strict=True))
        writer.writerows([row.get(c, "") for c in columns] for row in extra_rows)
    return sc


def _open_by_weekday(calendar) -> dict[str, list[bool]]:
    rows = calendar.open_intervals().reshape(calendar.days, -1)
    return {calendar.weekday_of_day(d): rows[d].tolist() for d in range(calendar.days)}


def _minutes(span):
    return None if span is None else (round(span[0] / 60), round(span[1] / 60))


@pytest.mark.parametrize("desk", [SATURDAY_DESK, BANK], ids=["saturday-desk", "bank"])
def test_the_fitted_calendar_has_each_weekdays_hours_exactly(desk, tmp_path):
    truth = _log(desk, tmp_path / "log.csv").calendar
    params = estimate(read_logs(tmp_path / "log.csv"))
    assert {d: _minutes(params.opening_hours.get(d)) for d in WEEKDAYS} == {d: truth.weekday_hours(d) for d in WEEKDAYS}
    data = scenario_data(params)
    fitted = ccsim.scenario_from_dict(data).calendar
    # open/close are the hours most weekdays share; hours lists the others (a closed one as closed)
    common = desk["calendar"]
    assert (data["calendar"]["open"], data["calendar"]["close"]) == (common["open"], common["close"])
    assert data["calendar"]["hours"] == {
        d: ("closed" if truth.weekday_hours(d) is None else h)
        for d, h in {**common["hours"], **{d: "closed" for d in WEEKDAYS if truth.weekday_hours(d) is None}}.items()
    }
    assert {d: fitted.weekday_hours(d) for d in WEEKDAYS} == {d: truth.weekday_hours(d) for d in WEEKDAYS}
    # the same grid, and every weekday open in the same intervals (the fitted week runs Monday to Sunday)
    assert (fitted.days, fitted.day_start, fitted.intervals_per_day_value) == (
        7,
        truth.day_start,
        truth.intervals_per_day_value,
    )
    assert _open_by_weekday(fitted) == _open_by_weekday(truth)
    assert np.array_equal(run_open(params), fitted.open_intervals())
    volume = np.asarray(data["channels"]["phone"]["volume"]["per_interval"])
    assert np.all(volume[fitted.open_intervals()] > 0) and np.all(volume[~fitted.open_intervals()] == 0)
    # the commented YAML says the same
    assert yaml.safe_load(scenario_yaml(params))["calendar"] == data["calendar"]


def _row(cid: str, arrival: str, outcome: str = "answered") -> dict:
    """A contact added to the log by hand: answered after 10 s, handled for 3 minutes; or contained."""
    day, clock = arrival.split("T")
    h, m = (int(x) for x in clock.split(":")[:2])
    if outcome == "contained":  # resolved by the IVR in a minute
        return {"contact_id": cid, "channel": "phone", "arrival": arrival, "outcome": outcome, "customer_id": cid}
    return {
        "contact_id": cid,
        "channel": "phone",
        "arrival": arrival,
        "answer": f"{day}T{h:02d}:{m:02d}:10",
        "end": f"{day}T{h:02d}:{m + 3:02d}:10",
        "outcome": outcome,
        "group": "team",
        "customer_id": cid,
        "wait_s": 10,
        "handle_s": 180,
    }


# the log's first day, Monday 2024-01-01; a week later is the next replication
STRAYS = [
    _row("early", "2024-01-01T06:10:00"),  # a Monday call before anyone opens
    _row("sat-early", "2024-01-13T09:10:00"),  # a Saturday call before Saturday's 10:00
    _row("late", "2024-01-17T19:40:00"),  # a Wednesday call after closing
    _row("sunday", "2024-01-21T12:00:00"),  # a lone call on one of the closed Sundays
] + [  # an IVR answering every night, Sundays too, resolving the caller
    _row(f"ivr{d}", f"{date(2024, 1, 1) + timedelta(days=d)}T03:00:00", "contained") for d in range(7 * WEEKS)
]


@pytest.fixture(scope="module")
def stray_fit(tmp_path_factory):
    path = tmp_path_factory.mktemp("strays") / "log.csv"
    truth = _log(SATURDAY_DESK, path, STRAYS).calendar
    params = estimate(read_logs(path))
    return truth, params


def test_stray_calls_and_a_night_ivr_change_no_hours(stray_fit):
    truth, params = stray_fit
    assert {d: _minutes(params.opening_hours.get(d)) for d in WEEKDAYS} == {d: truth.weekday_hours(d) for d in WEEKDAYS}
    c = params.log.cleaning
    assert c.rows_read == c.rows_kept
    assert c.open_weekdays == ("mon", "tue", "wed", "thu", "fri", "sat")  # Sunday: nobody answers there
    # every stray is outside: 3 calls on open weekdays, 6 x WEEKS IVR contacts of open weekdays, and
    # every Sunday contact (the lone call and WEEKS IVR contacts)
    assert c.outside_hours == 3 + 6 * WEEKS + 1 + WEEKS
    sc = ccsim.scenario_from_dict(scenario_data(params))
    assert {d: sc.calendar.weekday_hours(d) for d in WEEKDAYS} == {d: truth.weekday_hours(d) for d in WEEKDAYS}
    staffing = np.asarray(sc.agent_groups["phone_team"].staffing, dtype=float)
    assert np.all(staffing[~sc.calendar.open_intervals()] == 0)  # placeholder: nobody where it is closed


def test_effective_staffing_and_check_keep_to_the_hours(stray_fit):
    _, params = stray_fit
    # a short search: what matters here is where it calibrates, not how well
    staffing = effective_staffing(params, replications=2, sweeps=2, seed=1)
    fit = Fit(params, staffing, seed=1, replications=2)
    is_open = fit.scenario.calendar.open_intervals()
    assert np.array_equal(is_open, run_open(params))
    mode, effective = staffing.calibrated_to["phone_team"], staffing.effective["phone_team"]
    # the stray Saturday 09:10 call is in the log, but that interval is closed: 0 agents, not calibrated
    assert np.all(mode[~is_open] == "closed") and np.all(effective[~is_open] == 0)
    assert np.all(staffing.seen["phone_team"][~is_open] == 0)
    assert np.all(np.asarray(fit.data["agent_groups"]["phone_team"]["staffing"])[~is_open] == 0)
    checked = fit.check(replications=2)
    labels = np.asarray(fit.scenario.calendar.interval_labels())
    compared = {r["interval"] for r in checked.rows}
    assert compared and compared <= set(labels[is_open])  # only open intervals are compared
    assert "day 6 09:00" not in compared  # the stray Saturday call's interval
