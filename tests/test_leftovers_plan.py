"""ccsim plan --out on a desk of its own: plan_variant.yaml at the volume planned, plan.csv labels with
weekdays that ccsim schedule reads. One desk, planned once, for every test here; the other
test_leftovers_* files build theirs from it (:func:`desk`)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import yaml

import ccsim
from ccsim.cli import main
from ccsim.errors import CcsimError
from ccsim.planning import read_requirements_csv
from ccsim.problems import merge

#: A Friday 08:00-12:00 and a Saturday 09:00-11:00, in hours: a desk whose weekdays matter.
DESK = """\
name: friday and saturday
calendar:
  interval_min: 60
  open: "08:00"
  close: "12:00"
  days: 2
  start_weekday: fri
  hours: {sat: "09:00-11:00"}
channels:
  phone:
    kind: voice
    volume: {per_day: 100}
    handle_time: {dist: exponential, mean_s: 240}
    patience: {dist: exponential, mean_s: 180}
    targets: {min_service_level: 0.8, answer_within_s: 30}
agent_groups:
  team: {skills: [phone], staffing: plan, shrinkage: 0.3}
costs: {wage_per_hour: 20}
simulation: {seed: 3}
"""


def desk(changes: dict | None = None) -> dict:
    """The desk as data, with ``changes`` deep-merged in (``None`` removes a key): the one desk of these tests."""
    return merge(yaml.safe_load(DESK), changes or {})


#: Shift types for the plan: weekday shifts and a Saturday one (which only runs on day 2 when it is a Saturday).
SHIFTS = """\
shift_types:
  weekday:
    length_min: 240
    earliest_start: "08:00"
    weekdays: [mon, tue, wed, thu, fri]
  saturday:
    length_min: 120
    earliest_start: "09:00"
    weekdays: [sat]
"""


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """The desk, and its plan at 1.2 x the volume written to a folder: (folder, scenario file)."""
    folder = tmp_path_factory.mktemp("desk")
    (folder / "desk.yaml").write_text(DESK)
    (folder / "shifts.yaml").write_text(SHIFTS)
    argv = ["plan", str(folder / "desk.yaml"), "--volume-scale", "1.2", "--replications", "10"]
    assert main([*argv, "--out", str(folder / "out")]) == 0
    return folder


def test_plan_variant_carries_the_volume_scale(planned):
    variant = yaml.safe_load((planned / "out" / "plan_variant.yaml").read_text())["variants"]["planned"]
    assert variant["overrides"]["channels"] == {"phone": {"volume": {"per_day": pytest.approx(120)}}}
    assert "(volume x1.2)" in variant["description"]  # the plan's name says the scale
    # the variant added to the scenario: simulated at the volume planned for, with the plan's staffing
    data = yaml.safe_load(DESK)
    data["variants"] = {"planned": variant}
    (planned / "with_plan.yaml").write_text(yaml.safe_dump(data))
    sc = ccsim.load_scenario(planned / "with_plan.yaml")
    base, plan = sc, sc.variant("planned")
    assert base.channels["phone"].volume.per_day == 100
    assert plan.channels["phone"].volume.per_day == pytest.approx(120)
    cal = plan.calendar
    volume = plan.channels["phone"].volume.per_interval_volume(cal)
    assert volume.sum() == pytest.approx(1.2 * base.channels["phone"].volume.per_interval_volume(cal).sum())
    rows = list(csv.DictReader((planned / "out" / "plan.csv").open()))
    assert plan.staffing_plan()["team"].tolist() == [int(r["team_planned"]) for r in rows]


def test_a_plan_without_a_volume_scale_keeps_the_volume_out_of_its_variant(tmp_path):
    from ccsim.outputs.plan_text import plan_variant_yaml

    (tmp_path / "desk.yaml").write_text(DESK.replace("per_day: 100", "per_day: 20"))
    sc = ccsim.load_scenario(tmp_path / "desk.yaml")
    scaled = ccsim.volume.scale_volume(sc, {"phone": 1.5})
    p = ccsim.plan(scaled, replications=2, max_evaluations=3, seed=1)
    assert "channels" not in yaml.safe_load(plan_variant_yaml(p))["variants"]["planned"]["overrides"]
    over = yaml.safe_load(plan_variant_yaml(p, volume_scale={"phone": 1.5}))["variants"]["planned"]["overrides"]
    assert over["channels"] == {"phone": {"volume": {"per_day": pytest.approx(30)}}}


def test_plan_csv_labels_name_the_weekday_and_schedule_reads_them(planned, capsys):
    rows = list(csv.DictReader((planned / "out" / "plan.csv").open()))
    assert [r["label"] for r in rows] == [
        *(f"day 1 (fri) {h:02d}:00" for h in (8, 9, 10, 11)),
        *(f"day 2 (sat) {h:02d}:00" for h in (8, 9, 10, 11)),
    ]
    need = read_requirements_csv(planned / "out" / "plan.csv")
    assert need.start_weekday == "fri" and need.day_labels == ("fri", "sat")
    # ccsim schedule without --start-weekday: day 2 is a Saturday, which the Saturday shifts cover
    argv = ["schedule", str(planned / "out" / "plan.csv"), "--shifts", str(planned / "shifts.yaml"), "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["uncoverable"] == [] and data["fully_covered"]
    assert {s["shift_type"] for s in data["shifts"] if s["day"] == "sat"} == {"saturday"}
    planned_sat = [int(r["team_planned"]) for r in rows[4:]]
    # closed at 08:00 and 11:00 (nobody planned, nobody on duty); one 2-hour shift start, 09:00, for both hours
    assert planned_sat[0] == planned_sat[3] == 0 and min(planned_sat[1:3]) > 0
    assert [c["on_duty"] for c in data["coverage"][4:]] == [0, max(planned_sat), max(planned_sat), 0]
    # a start weekday given must agree with the labels
    with pytest.raises(CcsimError, match=r"its labels make day 1 a fri \(line 2: 'day 1 \(fri\)'\), but the start "):
        read_requirements_csv(planned / "out" / "plan.csv", start_weekday="mon")


def test_old_and_new_plan_labels_read_alike(tmp_path):
    old = "interval,label,a_planned\n0,day 1 08:00,1\n1,day 1 09:00,2\n2,day 2 08:00,3\n"
    new = old.replace("day 1 ", "day 1 (sat) ").replace("day 2 ", "day 2 (sun) ")
    (tmp_path / "old.csv").write_text(old)
    (tmp_path / "new.csv").write_text(new)
    a = read_requirements_csv(tmp_path / "old.csv", start_weekday="sat")
    b = read_requirements_csv(tmp_path / "new.csv")
    assert a.day_labels == b.day_labels == ("sat", "sun") and a.start_weekday == b.start_weekday == "sat"
    assert np.array_equal(a.starts_min, b.starts_min) and np.array_equal(a.required, b.required)
    assert read_requirements_csv(tmp_path / "old.csv").start_weekday == "mon"  # no weekday named: Monday
    (tmp_path / "bad.csv").write_text(new.replace("day 2 (sun)", "day 2 (mon)"))
    with pytest.raises(CcsimError, match=r"bad\.csv, line 4, column label: day 2 must be a sun, as line 2 makes day 1"):
        read_requirements_csv(tmp_path / "bad.csv")
