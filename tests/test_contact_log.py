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


def test_ccsim_run_writes_the_contact_log_that_ccsim_fit_reads(tmp_path, capsys):
    from ccsim.cli import main

    log = tmp_path / "contacts.csv"
    scenario = str(ROOT / "scenarios" / "erlang_a_abandonment.yaml")
    assert main(["run", scenario, "--replications", "3", "--seed", "1", "--contacts", str(log)]) == 0
    capsys.readouterr()
    header = log.read_text().splitlines()[0].split(",")
    from ccsim.fit import DEFAULT_COLUMNS

    assert set(DEFAULT_COLUMNS) <= set(header)
    out, report = tmp_path / "fitted.yaml", tmp_path / "report"
    args = ["fit", str(log), "--replications", "4", "--out", str(out), "--report", str(report), "--check"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "Effective staffing" in text and "Check: the fitted scenario replayed" in text
    assert load_scenario(out).agent_groups and (report / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert main(["run", str(out), "--replications", "2"]) == 0


def test_ccsim_fit_template_and_bad_arguments(tmp_path, capsys):
    from ccsim.cli import main

    assert main(["fit", "--template"]) == 0
    assert "columns:" in capsys.readouterr().out
    assert main(["fit"]) == 2
    assert "give one or more contact logs" in capsys.readouterr().err
    assert main(["fit", "x.csv", "--interval", "20min"]) == 2
    assert "--interval: must be 15min, 30min or 60min, got '20min'" in capsys.readouterr().err
    assert (
        main(["run", str(ROOT / "scenarios" / "textbook_erlang_c.yaml"), "--contacts", str(tmp_path / "no" / "c.csv")])
        == 2
    )
    assert f"--contacts: the folder {tmp_path / 'no'} does not exist" in capsys.readouterr().err
