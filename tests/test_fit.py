"""ccsim.fit: contact logs read, cleaned and fitted; parameters come back from synthetic logs.

Synthetic logs (ccsim.fit.synthetic) have known parameters: Poisson arrivals per interval with a
daily profile, lognormal handle times, Weibull patience censored by waits drawn from a known
distribution (0 with probability 0.4, else exponential), redials after an exponential delay.
Each estimate is checked against the truth with its own 95 % confidence interval.
"""

from __future__ import annotations

import gzip
import math
from datetime import date, datetime

import numpy as np
import pytest
import yaml

import ccsim
from ccsim.errors import CcsimError, ScenarioError
from ccsim.fit import (
    DEFAULT_COLUMNS,
    Mapping,
    estimate,
    fit_durations,
    load_mapping,
    read_logs,
    scenario_data,
    scenario_yaml,
    template,
)
from ccsim.fit.output import PLACEHOLDER_NOTE, group_name
from ccsim.fit.synthetic import SyntheticChannel, synthetic_log
from ccsim.fit.times import parse_clock, parse_dates, parse_datetimes
from ccsim.outputs.fit_text import report_text

PHONE = SyntheticChannel(name="phone", per_day=400, handle_mean_s=300, handle_cv=0.6, patience_mean_s=120)
CHAT = SyntheticChannel(
    name="chat", kind="chat", per_day=200, handle_mean_s=480, handle_cv=0.9, patience_mean_s=200, patience_shape=1.3
)
TRUE = {"phone": PHONE, "chat": CHAT}
DAYS = 28
HOLIDAY = 10  # a Thursday without contacts


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    path = tmp_path_factory.mktemp("log") / "log.csv.gz"
    truth = synthetic_log(path, days=DAYS, channels=(PHONE, CHAT), holidays=(HOLIDAY,), seed=11)
    log = read_logs(path)
    return truth, log, estimate(log)


def inside(value, ci):
    return ci[0] <= value <= ci[1]


# --------------------------------------------------------------------------- parameters come back


def test_the_log_is_read_whole_and_the_holiday_left_out(fitted):
    truth, log, params = fitted
    c = log.cleaning
    assert c.rows_read == truth["rows"] and c.rows_dropped == 0
    assert [d.date for d in c.excluded_days] == [date(2024, 4, 1 + HOLIDAY)]
    assert c.open_weekdays == ("mon", "tue", "wed", "thu", "fri", "sat")
    assert set(c.opening_hours.values()) == {(9 * 3600.0, 18 * 3600.0)}
    assert dict(zip(log.channels, log.kinds, strict=True)) == {"phone": "voice", "chat": "chat"}  # chat: by its name
    # weekdays differ in volume, not in shape: one day type
    assert [t.name for t in params.day_types] == ["mon-sat"]


@pytest.mark.parametrize("channel", ["phone", "chat"])
def test_handle_time_is_lognormal_with_its_mean_and_cv(fitted, channel):
    best = fitted[2].channels[channel].handle.fit.best
    assert best.dist == "lognormal"
    assert inside(TRUE[channel].handle_mean_s, best.mean_ci)
    assert inside(TRUE[channel].handle_cv, best.shape_ci)
    assert best.ks < 0.03


@pytest.mark.parametrize("channel", ["phone", "chat"])
def test_patience_from_censored_waits_is_weibull_with_its_mean_and_shape(fitted, channel):
    p = fitted[2].channels[channel].patience
    weibull = p.fit.fit("weibull")
    assert inside(TRUE[channel].patience_mean_s, weibull.mean_ci)
    assert inside(TRUE[channel].patience_shape, weibull.shape_ci)
    assert p.fit.best.dist in ("weibull", "gamma")  # gamma is close to Weibull near shape 1
    assert p.answered_at_once > 0 and p.answered_waiting > 0
    # the simple estimator is the exponential's MLE: biased for Weibull patience, exact for its own fit
    assert p.simple_mean_s == pytest.approx(p.fit.fit("exponential").mean_s, rel=1e-3)


@pytest.mark.parametrize("channel", ["phone", "chat"])
def test_redials_come_back_with_their_probability_and_delay(fitted, channel):
    r = fitted[2].channels[channel].redials
    assert inside(TRUE[channel].redial_probability, r.probability_ci)
    assert inside(TRUE[channel].redial_delay_mean_s, r.delay.fit("exponential").mean_ci)


@pytest.mark.parametrize("channel", ["phone", "chat"])
def test_arrivals_per_interval_fall_inside_their_confidence_intervals(fitted, channel):
    truth, log, params = fitted
    (t,) = params.day_types
    arr = params.channels[channel].arrivals
    days = log.days_used
    expected = truth["per_interval"][channel][log.day_weekday[days]].mean(axis=0)  # the type's average day
    open_ = expected > 0
    hit = (arr.ci_low[t.name] <= expected) & (expected <= arr.ci_high[t.name])
    # 95 % intervals: with 18 intervals, at least 14 must hold (P(fewer) < 0.3 % if calibrated)
    assert hit[open_].sum() >= 14, (hit[open_].sum(), open_.sum())
    assert inside(expected.sum(), arr.daily_ci[t.name])
    # weekday volumes: Monday 1.2, Saturday 0.5 of the base
    for w, factor in enumerate(TRUE[channel].weekday_factors[:6]):
        n = arr.weekday_dates[w]
        mean = TRUE[channel].per_day * factor
        assert abs(arr.weekday_daily_mean[w] - mean) < 4 * math.sqrt(mean / n)
    # Poisson days: no over-dispersion found
    assert arr.dispersion.overdispersion_cv == 0 and arr.dispersion.p_value > 0.01


def test_overdispersed_days_give_their_cv(tmp_path):
    cv = 0.25
    ch = SyntheticChannel(name="phone", per_day=600, day_cv=cv, redial_probability=0.0)
    synthetic_log(tmp_path / "od.csv", days=84, channels=(ch,), seed=4)
    arr = estimate(read_logs(tmp_path / "od.csv")).channels["phone"].arrivals
    assert arr.dispersion.p_value < 1e-6 and arr.dispersion.variance_to_mean > 10
    # the standard error of a cv estimated from ~70 degrees of freedom is about cv / sqrt(2 * 70)
    assert abs(arr.dispersion.overdispersion_cv - cv) < 3 * cv / math.sqrt(2 * 70)


def test_a_different_saturday_profile_is_its_own_day_type(tmp_path):
    truth = synthetic_log(tmp_path / "a.csv", days=14, channels=(PHONE,), seed=2)
    rows = (tmp_path / "a.csv").read_text().splitlines()
    # move every Saturday contact (2024-04-06 and 13) three hours later: another profile
    moved = [rows[0]]
    for row in rows[1:]:
        cells = row.split(",")
        if cells[2][:10] in ("2024-04-06", "2024-04-13") and cells[2][11:13] < "15":
            continue  # keep only the afternoon on Saturdays
        moved.append(row)
    (tmp_path / "b.csv").write_text("\n".join(moved) + "\n")
    params = estimate(read_logs(tmp_path / "b.csv"))
    assert truth["rows"] > len(moved)
    assert [t.name for t in params.day_types] == ["mon-fri", "sat"]


def test_fit_durations_with_known_exponential_censoring():
    rng = np.random.default_rng(3)
    patience = rng.exponential(100.0, 5000)
    wait = rng.exponential(50.0, 5000)
    fit = fit_durations(patience[patience < wait], wait[patience >= wait])
    expo = fit.fit("exponential")
    assert inside(100.0, expo.mean_ci)
    assert inside(1.0, fit.fit("weibull").shape_ci)


# --------------------------------------------------------------------------- cleaning


def _write(path, rows):
    path.write_text("\n".join([",".join(DEFAULT_COLUMNS), *rows]) + "\n")


def test_cleaning_counts_each_fault_with_its_first_line(tmp_path):
    synthetic_log(tmp_path / "clean.csv", days=14, channels=(PHONE,), holidays=(2,), seed=5)
    lines = (tmp_path / "clean.csv").read_text().splitlines()
    header, rows = lines[0], lines[1:]
    first = rows[0].split(",")

    def variant(**changes):
        cells = list(first)
        for key, value in changes.items():
            cells[DEFAULT_COLUMNS.index(key)] = value
        return ",".join(cells)

    faults = [
        variant(contact_id="x1", arrival="2024-13-45T09:00:00"),  # line 2: unparseable time
        variant(contact_id="x2", arrival="yesterday"),  # line 3
        variant(contact_id="x3", outcome="answered", handle_s="-5"),  # line 4: negative duration
        variant(contact_id="x4", outcome="answered", handle_s=""),  # line 5: missing duration
        variant(contact_id="x5", outcome="transferred"),  # line 6: unmapped outcome
        variant(contact_id="x6") + ",extra",  # line 7: a cell too many
        rows[5],  # line 8: a duplicate of a later row (the first one seen wins)
    ]
    # a service running past midnight: arrives 23:50 on day 1 (Tuesday), ends 00:20 on Wednesday
    midnight = variant(
        contact_id="late", arrival="2024-04-02T23:50:00", outcome="answered", wait_s="30", handle_s="1770"
    )
    (tmp_path / "faulty.csv").write_text("\n".join([header, *faults, midnight, *rows]) + "\n")
    log = read_logs(tmp_path / "faulty.csv")
    c = log.cleaning
    got = {d.reason: (d.count, d.line) for d in c.dropped}
    assert got == {
        "unreadable row": (1, 7),
        "unparseable time": (2, 2),
        "missing or negative duration": (2, 4),
        "unmapped outcome": (1, 6),
        "duplicate contact id": (1, 6 + 5 + 4),  # the original of line 8 is rows[5], now on line 15
    }
    unmapped = next(d for d in c.dropped if d.reason == "unmapped outcome")
    assert (unmapped.column, unmapped.value) == ("outcome", "transferred")
    assert c.rows_read == len(rows) + len(faults) + 1
    assert c.past_midnight == 1
    late = np.flatnonzero(np.isclose(log.arrival_s, 1 * 86400 + 23 * 3600 + 50 * 60))
    assert late.size == 1 and log.day[late[0]] == 1  # counted on the day it started
    assert c.outside_hours >= 1  # 23:50 is outside 09:00-18:00
    assert [str(d.date) for d in c.excluded_days] == ["2024-04-03"]
    # a partly bad log still fits, and its scenario validates
    ccsim.scenario_from_dict(scenario_data(estimate(log)))
    # keep_all_days keeps the holiday's (empty) date
    assert len(read_logs(tmp_path / "faulty.csv", keep_all_days=True).days_used) == len(log.days_used) + 1


def test_a_mapped_log_with_dates_and_clock_times_past_midnight(tmp_path):
    mapping_file = tmp_path / "acd.yaml"
    mapping_file.write_text(
        "columns:\n"
        "  contact_id: CallID\n  channel: Queue\n  date: Date\n  arrival: Start\n  answer: Answered\n"
        "  end: Ended\n  wait_s: null\n  handle_s: null\n  outcome: Result\n  agent: Agent\n  group: null\n"
        "  customer_id: null\n"
        'time_format: "%H:%M:%S"\ndate_format: "%d/%m/%Y"\n'
        "outcomes: {OK: answered, ABAN: abandoned, IVR: before_queue, TEST: drop}\n"
        "channels:\n  rename: {Q_SALES: sales}\n  drop: [Q_TEST]\n"
    )
    rows = [
        "CallID,Queue,Date,Start,Answered,Ended,Result,Agent",
        "1,Q_SALES,01/04/2024,09:00:00,09:00:30,09:05:30,OK,a1",
        "2,Q_SALES,01/04/2024,09:10:00,,09:11:00,ABAN,",
        "3,Q_SALES,01/04/2024,23:58:00,23:59:30,00:04:30,OK,a2",  # past midnight: 5 min of handle time
        "4,Q_SALES,01/04/2024,10:00:00,,10:00:10,IVR,",
        "5,Q_SALES,01/04/2024,10:00:00,,,TEST,",
        "6,Q_TEST,01/04/2024,10:00:00,10:00:01,10:01:00,OK,a1",
        "7,Q_SALES,2024-04-01,10:00:00,10:00:01,10:01:00,OK,a1",  # the date in another format
    ]
    (tmp_path / "acd.csv").write_text("\n".join(rows) + "\n")
    log = read_logs(tmp_path / "acd.csv", load_mapping(mapping_file))
    c = log.cleaning
    assert log.channels == ("sales",)
    assert c.dropped_count("dropped by the mapping") == 2
    assert c.dropped_count("unparseable time") == 1
    assert c.outcomes == {"answered": 2, "abandoned": 1, "before_queue": 1, "contained": 0}
    order = np.argsort(log.arrival_s)
    assert list(log.handle_s[order][[0, 3]]) == [300.0, 300.0]
    assert list(log.wait_s[order][[0, 1, 3]]) == [30.0, 60.0, 90.0]
    assert np.isnan(log.wait_s[order][2])  # hung up before the queue: never waited in it
    assert c.past_midnight == 1 and set(log.day.tolist()) == {0}


def test_times_in_strftime_formats_and_iso_with_zones():
    secs, bad = parse_datetimes(["01/04/2024 01:30:05 PM", "1/4/2024 12:00:00 AM", "31/02/2024 10:00:00 AM", ""],
                                "%d/%m/%Y %I:%M:%S %p")  # fmt: skip
    day = (date(2024, 4, 1) - date(1970, 1, 1)).days * 86400.0
    assert secs[0] == day + 13.5 * 3600 + 5 and secs[1] == day
    assert list(bad) == [False, False, True, False] and np.isnan(secs[3])
    secs, bad = parse_datetimes(["2024-04-01T09:00:00+09:00", "2024-04-01 09:00:00.250", "2024-04-01T09:00:00Z"])
    assert list(secs - day) == [32400.0, 32400.25, 32400.0] and not bad.any()  # the wall clock, zone ignored
    secs, bad = parse_datetimes(["2024-04-01 09:00", "now", "not a time"])
    assert secs[0] == day + 32400 and list(bad) == [False, True, True]
    secs, bad = parse_clock(["9:05", "23:59", "24:30"], "%H:%M")
    assert list(secs[:2]) == [9 * 3600 + 300, 23 * 3600 + 59 * 60] and list(bad) == [False, False, True]
    # a two-digit year reads as strptime reads it: 69-99 are 19xx (1999-01-01 was a Friday), 00-68 20xx
    texts = ["990101", "690101", "680101", "240401"]
    secs, bad = parse_dates(texts, "%y%m%d")
    strptime = [(datetime.strptime(t, "%y%m%d").date() - date(1970, 1, 1)).days * 86400.0 for t in texts]
    assert list(secs) == strptime and not bad.any()


# --------------------------------------------------------------------------- errors: one line each


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("missing", "no such file"),
        ("directory", "is a directory"),
        ("binary", "not a utf-8 text file"),
        ("empty", "empty file"),
        ("badgzip", "not a readable gzip"),
        ("nocolumn", "column 'outcome' (columns.outcome in the mapping) must be in the log's header, got no such"),
        ("wrongformat", "column arrival, got '01/04/2024 09:00'"),
    ],
)
def test_an_unreadable_log_is_one_line_naming_the_column_rule_and_value(tmp_path, setup, expected):
    path = tmp_path / "log.csv"
    good = ",".join(DEFAULT_COLUMNS)
    if setup == "directory":
        path.mkdir()
    elif setup == "binary":
        path.write_bytes(good.encode() + b"\n\xff\xfe\x00bad\n")
    elif setup == "empty":
        path.write_text("")
    elif setup == "badgzip":
        path.write_bytes(gzip.compress(b"contact_id,channel\n")[:12])
    elif setup == "nocolumn":
        path.write_text(good.replace(",outcome", ",result") + "\n")
    elif setup == "wrongformat":
        _write(path, ["k1,phone,01/04/2024 09:00,,,abandoned,,,c1,5,"])
    with pytest.raises(CcsimError) as err:
        read_logs(path)
    message = str(err.value)
    assert expected in message.replace("UTF-8", "utf-8").lower() or expected in message
    assert "\n" not in message


def test_a_mapping_naming_a_missing_optional_column_is_an_error_and_suggests(tmp_path):
    path = tmp_path / "log.csv"
    _write(path, [])
    mapping = Mapping.model_validate({"columns": {"customer_id": "customer"}})
    with pytest.raises(CcsimError, match=r"column 'customer' .*did you mean 'customer_id'\?"):
        read_logs(path, mapping)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("columns: {chanel: queue}\n", "columns.chanel: unknown key"),
        ("outcomes: {OK: answerd}\n", "outcomes.OK"),
        ("columns: {wait_s: null, answer: null}\n", "give the wait_s column"),
        ("time_format: dd/mm/yyyy\n", "time_format must be 'iso' or a strftime format"),
        ("encoding: klingon\n", "unknown text encoding 'klingon'"),
        ("columns: {agent: channel}\n", "'channel' named twice"),
    ],
)
def test_a_bad_mapping_file_names_the_key_the_rule_and_the_line(tmp_path, text, expected):
    path = tmp_path / "map.yaml"
    path.write_text("delimiter: ','\n" + text)
    with pytest.raises(ScenarioError) as err:
        load_mapping(path)
    assert expected in str(err.value)
    assert "(line 2)" in str(err.value)


def test_the_template_is_the_default_mapping(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(template())
    assert load_mapping(path) == Mapping()
    named = {v for v in Mapping().columns.__dict__.values() if v is not None}
    assert named == set(DEFAULT_COLUMNS)  # every column the simulator writes, by its name


# --------------------------------------------------------------------------- outputs


def test_the_scenario_validates_and_its_yaml_is_the_same_dict(fitted):
    params = fitted[2]
    data = scenario_data(params)
    sc = ccsim.scenario_from_dict(data)
    assert sc.calendar.days == 7 and sc.calendar.open == "09:00" and sc.calendar.close == "18:00"
    assert sc.channels["chat"].kind == "chat" and sc.channels["chat"].max_concurrent >= 2
    assert sc.channels["phone"].handle_time.dist == "lognormal"
    assert sc.channels["phone"].redial is not None
    text = scenario_yaml(params)
    assert yaml.safe_load(text) == data
    assert PLACEHOLDER_NOTE.split(":")[0] in text
    # the first attempts of a week, Monday to Sunday: Sunday closed
    week = np.asarray(data["channels"]["phone"]["volume"]["per_interval"]).reshape(7, -1)
    assert week[6].sum() == 0 and week[0].sum() > week[5].sum() > 0
    # effective staffing (from elsewhere) replaces the placeholder
    staffing = {group_name("phone"): [3] * week.size}
    replaced = scenario_yaml(params, staffing=staffing, staffing_note="effective staffing")
    assert yaml.safe_load(replaced)["agent_groups"]["phone_team"]["staffing"] == [3] * week.size
    assert "# effective staffing" in replaced


def test_the_report_says_what_was_found(fitted):
    text = report_text(fitted[2])
    for words in ("dropped 0", "exceptional days", "day types", "over-dispersion", "Kaplan-Meier", "redials:",
                  "agents seen", "simple estimator"):  # fmt: skip
        assert words in text


def test_the_bundled_example_fits_as_docs_fit_md_says():
    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    log = read_logs(root / "scenarios/logs/acd_export.csv.gz", load_mapping(root / "scenarios/logs/acd_mapping.yaml"))
    c = log.cleaning
    assert (c.rows_read, c.rows_kept, c.rows_dropped, c.past_midnight) == (3156, 3153, 3, 1)
    assert [str(d.date) for d in c.excluded_days] == ["2024-04-04"]
    params = estimate(log)
    support = params.channels["support"]
    assert support.patience.fit.best.dist == "weibull" and support.handle.fit.best.dist == "lognormal"
    docs = (root / "docs/fit.md").read_text()
    for line in report_text(params, per_interval=False).splitlines()[3:10]:
        if line.startswith(("  dropped", "outcomes", "services")):
            assert line.replace(f"{root}/", "") in docs
    ccsim.scenario_from_dict(scenario_data(params))


def test_a_synthetic_log_without_a_path_returns_the_rows_it_would_write(tmp_path):
    channels = (SyntheticChannel(), SyntheticChannel(name="mail", kind="email", per_day=50))
    truth = synthetic_log(None, days=3, channels=channels, seed=4)
    written = synthetic_log(tmp_path / "log.csv", days=3, channels=channels, seed=4)
    cols = truth["columns"]
    lines = (tmp_path / "log.csv").read_text().splitlines()
    assert "columns" not in written and written["rows"] == truth["rows"] == len(lines) - 1 == cols["arrival"].size
    assert [line.split(",")[1] for line in lines[1:]] == list(cols["channel"])
    assert [line.split(",")[5] for line in lines[1:]] == list(cols["outcome"])
    assert np.all(np.diff(cols["arrival"]) >= 0) and set(cols["channel"]) == {"phone", "mail"}


def test_read_logs_checks_the_interval_before_the_files(tmp_path):
    with pytest.raises(CcsimError) as err:
        read_logs([], interval_min=20)
    assert str(err.value) == "interval_min: must be 15, 30 or 60, got 20"
    with pytest.raises(CcsimError) as err:
        read_logs([])
    assert str(err.value) == "no contact log given"


def test_a_log_without_abandons_handle_times_or_self_service_times_says_so(tmp_path):
    import dataclasses

    path = tmp_path / "calm.csv"
    synthetic_log(path, channels=(SyntheticChannel(p_immediate=1.0),), days=14)  # nobody waits: nobody abandons
    params = estimate(read_logs(path))
    assert scenario_data(params)["channels"]["phone"]["patience"] is None
    assert "# Nobody abandoned in the log: customers never hang up (Erlang C)" in scenario_yaml(params)
    phone = params.channels["phone"]
    guessed = dataclasses.replace(phone, handle=None, contained=7, self_service_time=None)
    params = dataclasses.replace(params, channels={"phone": guessed})
    data = scenario_data(params)["channels"]["phone"]
    assert data["handle_time"] == {"dist": "exponential", "mean_s": 300.0}
    assert data["self_service"] == {"kind": "ivr", "containment": pytest.approx(guessed.containment, rel=1e-2)}
    text = scenario_yaml(params)
    assert "# No handle times in the log: 300 s, a guess to replace" in text
    assert f"# 7 of {phone.contacts:,} contacts resolved by self-service" in text
