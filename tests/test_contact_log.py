"""The log of every simulated contact agrees with the run's KPIs, contact by contact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from ccsim import CcsimError, load_scenario, simulate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run():
    sc = load_scenario(ROOT / "scenarios" / "tiered_support.yaml")
    return sc, simulate(sc, replications=3, seed=5, trace=True)


def test_every_offered_contact_is_a_row_and_the_kpis_come_back(run):
    _, res = run
    log = res.contact_log()
    for ch in res.channel_names:
        target = res.answer_within_s[ch]
        offered = res.replication_values("offered", channel=ch)
        answered = res.replication_values("answered", channel=ch)
        asa = res.replication_values("asa_s", channel=ch)
        sl = res.replication_values("service_level", channel=ch)
        for i, rep in enumerate(res.replication_ids):
            mine = (log["channel"] == ch) & (log["replication"] == rep) & (log["outcome"] != "contained")
            ans = mine & (log["outcome"] == "answered")
            assert mine.sum() == offered[i] and ans.sum() == answered[i]
            assert log["wait_s"][ans].mean() == pytest.approx(asa[i], rel=1e-9, abs=1e-9)
            within = (log["wait_s"][ans] <= target + 1e-9).sum()
            assert within / mine.sum() == pytest.approx(sl[i], abs=1e-12)


def test_times_read_as_consecutive_weeks_with_the_calendars_weekdays(run):
    sc, res = run
    log = res.contact_log()
    first = {
        rep: dt.datetime.fromisoformat(log["arrival"][log["replication"] == rep][0]) for rep in res.replication_ids
    }
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(sc.calendar.start_weekday)
    for rep, when in first.items():
        assert when.weekday() == weekday and (when.date() - dt.date(2024, 1, 1)).days // 7 == rep
    answered = log["outcome"] == "answered"
    ends = [dt.datetime.fromisoformat(a) for a in log["end"][answered & (log["end"] != "")][:50]]
    starts = [dt.datetime.fromisoformat(a) for a in log["answer"][answered & (log["end"] != "")][:50]]
    handles = log["handle_s"][answered & (log["end"] != "")][:50]
    for a, b, h in zip(starts, ends, handles, strict=True):
        assert (b - a).total_seconds() == pytest.approx(h, abs=2e-3)


def test_a_run_without_traces_has_no_log(run):
    sc, _ = run
    with pytest.raises(CcsimError, match="simulate with trace=True"):
        simulate(sc, replications=1, seed=1).contact_log()


def test_abandoned_contacts_have_their_time_in_queue(run):
    _, res = run
    log = res.contact_log()
    gone = log["outcome"] == "abandoned"
    assert gone.any() and np.all(log["wait_s"][gone] >= 0) and np.all(log["answer"][gone] == "")
