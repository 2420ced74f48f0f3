"""ccsim schedule --wage: shift types without cost_per_hour paid the wage, or said to cost 0."""

from __future__ import annotations

import json

import pytest

from ccsim.cli import main
from ccsim.errors import CcsimError
from ccsim.planning import Scheduling, schedule

SHIFTS = """\
shift_types:
  day:                      # no cost of its own: the wage prices it
    length_min: 240
    earliest_start: "08:00"
    latest_start: "10:00"
    start_step_min: 60
  cheap:
    length_min: 240
    earliest_start: "08:00"
    cost_per_hour: 10
"""
REQUIRED = "start,required\n08:00,2\n09:00,2\n10:00,3\n11:00,3\n12:00,1\n13:00,1\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "shifts.yaml").write_text(SHIFTS)
    (tmp_path / "r.csv").write_text(REQUIRED)
    return tmp_path


def test_schedule_wage_prices_the_shift_types_without_a_cost():
    shifts = Scheduling.model_validate(
        {"shift_types": {"day": {"length_min": 240, "earliest_start": "08:00", "latest_start": "10:00"}}}
    )
    need = [2, 2, 3, 3, 1, 1]
    free = schedule(need, interval_min=60, shifts=shifts, day_start="08:00", intervals_per_day=6)
    paid = schedule(need, interval_min=60, shifts=shifts, day_start="08:00", intervals_per_day=6, wage=20)
    # 08:00 x2 and 10:00 x1, 4 paid hours each: 12 paid hours
    assert free.paid_hours == paid.paid_hours == 12
    assert free.cost == 0 and free.unpriced == ("day",) and free.wage is None
    assert paid.cost == pytest.approx(240) and paid.paid_wage == ("day",) and paid.unpriced == ()
    # a typical day: a week is 7 of it
    assert paid.cost_per_week == pytest.approx(7 * 240)
    with pytest.raises(CcsimError, match=r"^wage: must be a number >= 0 \(cost per paid hour\), got -1$"):
        schedule(need, interval_min=60, shifts=shifts, day_start="08:00", intervals_per_day=6, wage=-1)


def test_cli_wage_in_the_cost_figures_and_a_note_without_it(files, capsys):
    assert main(["schedule", str(files / "r.csv"), "--shifts", str(files / "shifts.yaml"), "--json"]) == 0
    free = json.loads(capsys.readouterr().out)
    # without a wage the cheap type (10 an hour) is the only cost: day shifts are free, chosen alone
    assert free["cost"] == 0 and free["wage"] is None and free["unpriced"] == ["day"]
    assert main(["schedule", str(files / "r.csv"), "--shifts", str(files / "shifts.yaml")]) == 0
    text = capsys.readouterr().out
    assert "NOTE: shift types without cost_per_hour (day) cost 0 an hour in these figures: no wage was given" in text

    argv = ["schedule", str(files / "r.csv"), "--shifts", str(files / "shifts.yaml"), "--wage", "20"]
    assert main([*argv, "--json"]) == 0
    paid = json.loads(capsys.readouterr().out)
    # at 20 an hour the cheap type takes 08:00 (2 x 4 h x 10), a day shift 10:00 (4 h x 20)
    assert paid["cost"] == pytest.approx(160)
    assert {(s["start"], s["shift_type"], s["count"]) for s in paid["shifts"]} == {
        ("08:00", "cheap", 2),
        ("10:00", "day", 1),
    }
    assert paid["hiring"]["cost_per_week"] == pytest.approx(7 * 160)
    assert paid["wage"] == 20 and paid["paid_wage"] == ["day"] and paid["unpriced"] == []
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "shift types without cost_per_hour (day) are paid the wage, 20 a paid hour" in text
    assert "NOTE" not in text
