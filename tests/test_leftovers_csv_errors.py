"""A CSV's errors name the CSV, its line and column: a forecast's volume in closed hours, every bad row (capped)."""

from __future__ import annotations

import pytest
import yaml
from test_leftovers_plan import desk

from ccsim import ScenarioError, load_scenario


def _yaml(**calendar) -> str:
    """The desk of test_leftovers_plan (Friday 08:00-12:00, Saturday 09:00-11:00), its volume from f.csv."""
    changes = {"forecast": {"file": "f.csv"}, "channels": {"phone": {"volume": None}}, "calendar": calendar}
    return yaml.safe_dump(desk(changes))


YAML = _yaml()


def _rows(volume) -> str:
    """The forecast: day,interval_start,volume for Friday and Saturday 08:00-11:00, ``volume(day, hour)``."""
    return "day,interval_start,volume\n" + "".join(
        f"{d},{h:02d}:00,{volume(d, h)}\n" for d in (1, 2) for h in (8, 9, 10, 11)
    )


def _errors(tmp_path, csv: str) -> list[str]:
    (tmp_path / "f.csv").write_text(csv)
    (tmp_path / "s.yaml").write_text(YAML)
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "s.yaml")
    assert info.value.source == str(tmp_path / "f.csv")  # the CSV, not the YAML
    return str(info.value).splitlines()


def test_volume_in_closed_hours_names_every_csv_line(tmp_path):
    csv = _rows(lambda d, h: 10)  # Saturday 08:00 (line 6) and 11:00 (line 9) are closed
    f = tmp_path / "f.csv"
    assert _errors(tmp_path, csv) == [
        f"{f}: line 6, column volume: 10 contacts in phone day 2 08:00 (sat), when the calendar closes the desk "
        "(open 09:00-11:00); give 0 there",
        f"{f}: line 9, column volume: 10 contacts in phone day 2 11:00 (sat), when the calendar closes the desk "
        "(open 09:00-11:00); give 0 there",
    ]
    # with 0 there, the file loads, and its values are the run's
    (tmp_path / "f.csv").write_text(_rows(lambda d, h: 0 if d == 2 and h in (8, 11) else 10 * h))
    sc = load_scenario(tmp_path / "s.yaml")
    assert list(sc.channels["phone"].volume.per_interval) == [80, 90, 100, 110, 0, 90, 100, 0]


def test_every_bad_row_is_reported_with_its_closed_hours_ones(tmp_path):
    bad = {(1, 9): "-1", (1, 10): "x", (2, 8): "5"}
    f = tmp_path / "f.csv"
    assert _errors(tmp_path, _rows(lambda d, h: bad.get((d, h), 0))) == [
        f"{f}: line 3, column volume: must be >= 0, got -1",
        f"{f}: line 4, column volume: must be a number, got 'x'",
        f"{f}: line 6, column volume: 5 contacts in phone day 2 08:00 (sat), when the calendar closes the desk "
        "(open 09:00-11:00); give 0 there",
    ]


def test_more_than_twenty_bad_rows_are_counted_after_the_twentieth(tmp_path):
    week = _yaml(days=7, start_weekday="mon")
    csv = "day,interval_start,volume\n" + "".join(f"{d},{h:02d}:00,-{d}\n" for d in range(1, 8) for h in (8, 9, 10, 11))
    (tmp_path / "f.csv").write_text(csv)
    (tmp_path / "s.yaml").write_text(week)
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "s.yaml")
    lines = str(info.value).splitlines()
    assert len(lines) == 21  # 28 bad rows: lines 2 to 21, then the count of the others
    assert lines[0] == f"{tmp_path / 'f.csv'}: line 2, column volume: must be >= 0, got -1"
    assert lines[19] == f"{tmp_path / 'f.csv'}: line 21, column volume: must be >= 0, got -5"
    assert lines[20] == f"{tmp_path / 'f.csv'}: and 8 more problems"


def test_a_requirements_csv_lists_twenty_bad_rows_and_counts_the_others(tmp_path):
    from ccsim.errors import CcsimError
    from ccsim.planning import read_requirements_csv

    path = tmp_path / "r.csv"
    path.write_text("start,required\n" + "".join(f"{h}:00,-{h + 1}\n" for h in range(24)))
    with pytest.raises(CcsimError) as info:
        read_requirements_csv(path)
    lines = str(info.value).splitlines()
    assert lines[0] == f"{path}, line 2, column required: must be a number >= 0, got '-1'"
    assert lines[19] == f"{path}, line 21, column required: must be a number >= 0, got '-20'"
    assert lines[20:] == [f"{path}: and 4 more problems"]


def test_a_forecast_day_repeated_may_not_put_volume_where_every_day_of_the_run_is_closed(tmp_path):
    # one Saturday (09:00-11:00) on the week's grid (08:00-12:00): 08:00 and 11:00 never open
    (tmp_path / "s.yaml").write_text(_yaml(days=1, start_weekday="sat"))
    (tmp_path / "f.csv").write_text("interval_start,volume\n08:00,4\n09:00,10\n10:00,10\n11:00,0\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "s.yaml")
    assert str(info.value).splitlines() == [
        f"{tmp_path / 'f.csv'}: line 2, column volume: 4 contacts in phone 08:00, every day of the run, when the "
        "calendar closes the desk (sat: open 09:00-11:00); give 0 there"
    ]
    # over Friday and Saturday, 08:00 is open on Friday: the repeated day is fine
    (tmp_path / "s.yaml").write_text(YAML)
    assert list(load_scenario(tmp_path / "s.yaml").channels["phone"].volume.per_interval) == [4, 10, 10, 0]
