"""The plan in shifts: schedule the plan, simulate the roster, repair it until every target holds."""

from __future__ import annotations

import copy
import dataclasses
import json
import math

import numpy as np
import pytest
import yaml

from ccsim import ScenarioError, plan, scenario_from_dict, simulate
from ccsim.cli import main
from ccsim.errors import CcsimError
from ccsim.outputs.plan_text import roster_dict, roster_hiring_rows, roster_text
from ccsim.planning import plan_roster, schedule

DAY = {
    "name": "rostered desk",
    "calendar": {"interval_min": 30, "open": "08:00", "close": "20:00"},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {
                "per_day": 1200,
                "profile": [1, 2, 3, 4, 5, 6, 6, 5, 4, 4, 5, 6, 6, 5, 4, 4, 3, 3, 2, 2, 2, 1, 1, 1],
            },
            "handle_time": {"dist": "exponential", "mean_s": 240},
            "patience": {"dist": "exponential", "mean_s": 120},
            "targets": {"min_service_level": 0.8, "answer_within_s": 20},
        }
    },
    "agent_groups": {"staff": {"skills": ["phone"], "staffing": 1}},
    "simulation": {"replications": 20, "seed": 3},
    "scheduling": {
        "shift_types": {
            "full": {
                "length_min": 540,
                "earliest_start": "08:00",
                "latest_start": "11:00",
                "start_step_min": 30,
                "cost_per_hour": 1600,
                "breaks": [{"length_min": 60, "earliest_start_after_min": 180, "latest_start_after_min": 300}],
            },
            "part": {
                "length_min": 240,
                "earliest_start": "08:00",
                "latest_start": "16:00",
                "start_step_min": 30,
                "cost_per_hour": 1500,
            },
        }
    },
}


@pytest.fixture(scope="module")
def planned():
    return plan(scenario_from_dict(DAY))


def test_the_plan_is_rostered_and_the_roster_meets_every_target(planned):
    r = planned.roster
    assert planned.met and r is not None and r.met
    (s,) = r.schedules.values()
    assert s.fully_covered and s.proven_optimal
    # the roster covers the plan: at least the planned agents on duty in every interval
    assert np.all(r.staffing["staff"] >= planned.staffing["staff"])
    assert r.roster_agent_hours >= r.plan_agent_hours
    assert r.cost == pytest.approx(s.cost) and r.paid_hours == pytest.approx(s.paid_hours)
    # the roster's simulation is that of its agents on duty, with the plan's seed
    again = simulate(planned.scenario, staffing=r.staffing, replications=r.result.replications, seed=planned.seed)
    assert np.array_equal(again.channel_sums, r.result.channel_sums)


def test_a_roster_that_misses_is_repaired_until_it_meets_every_target(planned):
    # half the plan's agents in the morning: the first roster covers too little, misses, and
    # the repair raises the requirement where it missed until every target holds
    short = {"staff": planned.staffing["staff"].copy()}
    short["staff"][:8] //= 2
    weak = dataclasses.replace(planned, staffing=short, roster=None)
    r = plan_roster(weak)
    assert r.met and r.rounds > 1
    assert np.any(r.staffing["staff"][:8] > short["staff"][:8])


def test_caps_that_block_the_cover_are_reported():
    data = copy.deepcopy(DAY)
    data["scheduling"]["caps"] = [{"max_on_duty": 4}]
    sc = scenario_from_dict(data)
    p = plan(sc, shifts=False)
    r = plan_roster(p, max_rounds=2)
    assert not r.met and r.misses
    assert any("cannot cover every interval" in n for n in r.notes)


def test_scheduling_groups_must_be_agent_groups():
    data = copy.deepcopy(DAY)
    data["scheduling"]["groups"] = {"stuff": ["full"]}
    with pytest.raises(ScenarioError, match=r"scheduling\.groups\.stuff: unknown agent group 'stuff'; did you mean"):
        scenario_from_dict(data)


def test_ccsim_plan_prints_and_writes_the_roster(tmp_path, capsys):
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(DAY))
    out = tmp_path / "out"
    assert main(["plan", str(path), "--json", "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    roster = data["roster"]
    assert roster["met"] and roster["cost"] > 0 and roster["schedules"]["staff"]["status"]
    names = {f.name for f in out.iterdir()}
    assert {"roster.csv", "roster_staff.png", "plan_variant.yaml"} <= names
    variants = yaml.safe_load((out / "plan_variant.yaml").read_text())["variants"]
    assert variants["rostered"]["overrides"]["agent_groups"]["staff"]["staffing"] == roster["staffing"]["staff"]
    assert main(["plan", str(path)]) == 0
    assert "Roster (the plan in shifts, from scheduling:): meets every target" in capsys.readouterr().out


def test_a_language_team_short_in_the_plan_gets_the_agents_in_the_repair():
    data = copy.deepcopy(DAY)
    data["channels"]["phone"]["contact_types"] = {"en": 0.5, "ja": 0.5}
    data["agent_groups"] = {
        "en_team": {"skills": ["phone/en"], "staffing": 1},
        "ja_team": {"skills": ["phone/ja"], "staffing": 1},
    }
    p = plan(scenario_from_dict(data), replications=20, shifts=False)
    weak = dataclasses.replace(p, staffing={"en_team": p.staffing["en_team"], "ja_team": p.staffing["ja_team"] // 2})
    r = plan_roster(weak)
    assert r.met
    # a miss on the channel cannot tell the languages apart: both teams' requirements rise, and
    # the Japanese team gets its agents back (it used to go to the first team only, forever)
    assert np.all(r.staffing["ja_team"] >= p.staffing["ja_team"] - 1)


# --------------------------------------------------------------------------- closed hours, caps, uncovered, hiring

SATURDAY = {
    "name": "friday and a short saturday",
    "calendar": {
        "interval_min": 30,
        "open": "09:00",
        "close": "18:00",
        "hours": {"sat": "10:00-15:00"},
        "days": 2,
        "start_weekday": "fri",
    },
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 300},
            "handle_time": {"dist": "exponential", "mean_s": 240},
            "patience": {"dist": "exponential", "mean_s": 120},
            "targets": {"min_service_level": 0.8, "answer_within_s": 20},
        }
    },
    "agent_groups": {"team": {"skills": ["phone"], "staffing": 1, "shrinkage": 0.3, "max_agents": 12}},
    "costs": {"currency": "EUR"},
    "simulation": {"replications": 20, "seed": 4},
    "scheduling": {
        "shift_types": {
            "full": {
                "length_min": 540,
                "earliest_start": "09:00",
                "latest_start": "09:00",
                "weekdays": ["fri", "sat"],
                "breaks": [{"length_min": 60, "earliest_start_after_min": 180, "latest_start_after_min": 300}],
                "cost_per_hour": 20,
            },
            "part": {
                "length_min": 240,
                "earliest_start": "09:00",
                "latest_start": "14:00",
                "start_step_min": 30,
                "cost_per_hour": 20,
                "shifts_per_agent_per_week": 3,
            },
        }
    },
}


def test_the_roster_puts_nobody_on_duty_where_the_desk_is_closed_and_keeps_to_max_agents(tmp_path, capsys):
    from ccsim.outputs.csv_text import csv_table
    from ccsim.outputs.plan_text import plan_rows
    from ccsim.planning.guess import answers

    p = plan(scenario_from_dict(SATURDAY))
    r = p.roster
    assert p.met and r is not None and r.met
    s = r.schedules["team"]
    can = answers(p.scenario, "team")
    # Saturday 09:00-10:00 and 15:00-18:00 are closed: the bound is 0 there, max_agents elsewhere
    assert can.tolist() == [True] * 18 + [False, False] + [True] * 10 + [False] * 6
    assert r.max_on_duty["team"].tolist() == np.where(can, 12.0, 0.0).tolist()
    # nobody on duty there (the schedule's own agents at work, not only the simulated staffing), at most 12 elsewhere
    assert np.all(s.on_duty[~can] == 0) and s.on_duty.max() <= 12
    # a 9-hour shift cannot fit in Saturday's 5 hours; part-timers start 10:00 to 11:00 there
    sat = [c for c in s.shifts if c.day_label == "sat"]
    assert sat and all(c.shift_type == "part" and "10:00" <= c.start <= "11:00" for c in sat)
    # hiring, recounted by hand from the shifts: a run of fri and sat stands for one week's fri and sat
    assert (
        s.week_text
        == "a week = the run's fri to sat (sun, mon, tue, wed, thu open but not simulated: counted as closed)"
    )
    for h in s.hiring:
        mine = [c for c in s.shifts if c.shift_type == h.contract]
        n = sum(c.count for c in mine)
        busiest = max((sum(c.count for c in mine if c.day == d) for d in (0, 1)), default=0)
        per = 3 if h.contract == "part" else 5
        assert h.people == max(math.ceil(n / 0.7 / per - 1e-9), math.ceil(busiest / 0.7 - 1e-9))
        hours = sum(c.paid_hours for c in mine)
        assert h.fte == pytest.approx(hours / 0.7 / 40) and h.cost_per_week == pytest.approx(20 * hours / 0.7)
        assert h.cost_per_month == pytest.approx(20 * hours / 0.7 * 30.4375 / 7)
    assert r.people == s.headcount and r.cost_per_month == pytest.approx(s.cost_per_month)
    data = roster_dict(p)["hiring"]
    assert data["currency"] == "EUR" and data["people_to_hire"] == r.people
    assert [c["contract"] for c in data["contracts"]] == ["full", "part"] and data["contracts"][0]["group"] == "team"
    text = roster_text(p)
    assert "Hiring (the roster): people to hire, with shrinkage 30 %" in text and "cost a month (EUR)" in text
    assert [row["contract"] for row in roster_hiring_rows(p)] == ["full", "part"]
    # the issue's case: at most 9 agents, 6 planned 10:00-15:00 on Saturday, 4-hour part-timers starting
    # 10:00 or 11:00: x10 >= 6 and x11 >= 6 cannot hold with x10 + x11 <= 9 (11:00-14:00), so the roster
    # covers as much as it can: 12 - 9 = 3 agents short for an hour (2 intervals), nobody above 9
    assert p.staffing["team"][20:30].tolist() == [6] * 10
    capped = copy.deepcopy(SATURDAY)
    capped["agent_groups"]["team"]["max_agents"] = 9
    r9 = plan_roster(dataclasses.replace(p, scenario=scenario_from_dict(capped), roster=None), max_rounds=1)
    s9 = r9.schedules["team"]
    assert s9.fell_back and s9.under_hours == 3.0 and len(s9.unmet) == 2 and s9.on_duty.max() == 9
    assert np.all(s9.on_duty[~can] == 0) and not s9.uncoverable
    # at most 5: the plan's 6 are cut to 5, and the repair cannot add the agent the misses ask for
    capped["agent_groups"]["team"]["max_agents"] = 5
    r5 = plan_roster(dataclasses.replace(p, scenario=scenario_from_dict(capped), roster=None), max_rounds=3)
    assert not r5.met and r5.schedules["team"].on_duty.max() == 5
    assert any("agent_groups.team.max_agents (0 where it cannot answer) blocks the repair in" in n for n in r5.notes)
    # shift types without a cost are paid the group's wage, as the plan's labour cost is
    unpriced = copy.deepcopy(SATURDAY)
    unpriced["costs"]["wage_per_hour"] = 15
    for t in unpriced["scheduling"]["shift_types"].values():
        del t["cost_per_hour"]
    rw = plan_roster(dataclasses.replace(p, scenario=scenario_from_dict(unpriced), roster=None), max_rounds=1)
    sw = rw.schedules["team"]
    assert sw.cost == 15 * sw.paid_hours > 0 and sw.cost_per_week == pytest.approx(15 * sw.paid_hours / 0.7)
    assert (
        "agent_groups.team: shift types without cost_per_hour (full, part) are paid the group's wage, 15 EUR an hour"
        in rw.notes
    )
    # plan.csv carries the bound (team_max_on_duty): ccsim schedule makes the same roster from it
    rows = plan_rows(p)
    assert [row["team_max_on_duty"] for row in rows] == np.where(can, 12, 0).tolist()
    (tmp_path / "plan.csv").write_text(csv_table(rows))
    (tmp_path / "shifts.yaml").write_text(yaml.safe_dump(SATURDAY["scheduling"]))
    args = ["schedule", str(tmp_path / "plan.csv"), "--shifts", str(tmp_path / "shifts.yaml"), "--start-weekday"]
    assert main([*args, "fri", "--shrinkage", "30%", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert r.rounds == 1 and data["cost"] == s.cost and data["hiring"]["people_to_hire"] == s.headcount
    assert [c["on_duty"] for c in data["coverage"]] == s.on_duty.tolist()
    assert data["hiring"]["week"] == "a week = the run's fri to sat (sun, mon, tue, wed, thu closed)"


def test_a_roster_that_cannot_cover_an_interval_reports_it_and_keeps_the_plan(planned):
    # shift types that start at 10:00 at the earliest: 08:00-09:30 cannot be covered (it used to stop
    # the roster with "no shift type can cover it")
    data = copy.deepcopy(DAY)
    data["scheduling"]["shift_types"] = {
        "late": {"length_min": 240, "earliest_start": "10:00", "latest_start": "16:00", "start_step_min": 30}
    }
    late = dataclasses.replace(planned, scenario=scenario_from_dict(data), roster=None)
    r = plan_roster(late, max_rounds=1)
    s = r.schedules["staff"]
    assert s.uncoverable == (0, 1, 2, 3) and s.fell_back
    short = [float(x) for x in planned.staffing["staff"][:4]]
    times = ["08:00", "08:30", "09:00", "09:30"]
    assert r.uncovered[:4] == [("staff", f"mon {t}", v) for t, v in zip(times, short, strict=True)]
    assert any("no shift type can be on duty in 4 intervals" in n for n in r.notes)
    assert roster_dict(replace_roster(late, r))["uncovered"][0] == {
        "group": "staff",
        "interval": "mon 08:00",
        "short": short[0],
    }
    assert "UNCOVERED: " in roster_text(replace_roster(late, r))


def replace_roster(p, r):
    return dataclasses.replace(p, roster=r)


def test_ccsim_schedule_reads_the_planners_plan_csv(planned, tmp_path, capsys):
    from ccsim.outputs.csv_text import csv_table
    from ccsim.outputs.plan_text import plan_rows

    path = tmp_path / "plan.csv"
    path.write_text(csv_table(plan_rows(planned)))
    shifts = tmp_path / "shifts.yaml"
    shifts.write_text(yaml.safe_dump(DAY["scheduling"]))
    assert main(["schedule", str(path), "--shifts", str(shifts), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    sc = planned.scenario
    direct = schedule(
        planned.staffing["staff"], interval_min=30, shifts=sc.scheduling, day_start="08:00", intervals_per_day=24
    )
    assert data["cost"] == direct.cost and [c["on_duty"] for c in data["coverage"]] == direct.on_duty.tolist()
    assert [c["required"] for c in data["coverage"]] == planned.staffing["staff"].tolist()
    # two groups: the error names them, --group chooses one
    rows = [
        row | {k.replace("staff_", "other_"): v for k, v in row.items() if k.startswith("staff_")}
        for row in plan_rows(planned)
    ]
    path.write_text(csv_table(rows))
    assert main(["schedule", str(path), "--shifts", str(shifts)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"ccsim: error: {path}: holds the plans of 2 agent groups (staff, other): choose one (--group)"
    ]
    assert main(["schedule", str(path), "--shifts", str(shifts), "--group", "other", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cost"] == direct.cost
    assert main(["schedule", str(path), "--shifts", str(shifts), "--group", "stuff"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"ccsim: error: {path}: no column stuff_planned: the file plans no group 'stuff'; did you mean 'staff'?"
    ]


def test_the_rosters_week_of_a_typical_day_is_the_costs_week():
    # a Monday stands for the weekdays like it: not Saturday, open 09:00-13:00 only
    data = copy.deepcopy(DAY)
    data["calendar"]["hours"] = {"sat": "09:00-13:00"}
    sc = scenario_from_dict(data)
    p = plan(sc)
    from ccsim.economics.months import billing_months

    week = billing_months(p.result, p.scenario).week
    assert week.text.startswith("a week = 6 x the run's typical day") and "sat open but unlike it" in week.text
    assert p.roster.schedules["staff"].week_text == week.text


def test_a_scenario_without_shift_types_cannot_be_rostered(planned):
    data = copy.deepcopy(DAY)
    del data["scheduling"]
    bare = dataclasses.replace(planned, scenario=scenario_from_dict(data), roster=None)
    with pytest.raises(CcsimError) as err:
        plan_roster(bare)
    assert str(err.value) == (
        "scheduling: the scenario has no shift types (a scheduling: section) to roster the plan with"
    )


def test_groups_left_out_of_the_roster_and_agents_where_a_group_cannot_answer_are_noted(planned):
    data = copy.deepcopy(DAY)
    data["agent_groups"] = {
        "bpo": {"tier": 2, "skills": ["phone"], "staffing": 2, "vendor": "acme"},
        "staff": {"skills": ["phone"], "staffing": 1, "availability": [0.0] + [1.0] * 23},
        "extra": {"skills": ["phone"], "staffing": 1},
    }
    data["vendors"] = {"acme": {"routing": {"mode": "share", "share": 0.0, "channels": ["phone"]}}}
    data["scheduling"]["groups"] = {"staff": ["full", "part"]}
    staff = planned.staffing["staff"].copy()
    staff[0] = 3  # where staff's availability is 0
    wide = dataclasses.replace(
        planned,
        scenario=scenario_from_dict(data),
        staffing={"bpo": np.full(24, 2), "staff": staff, "extra": np.ones(24, dtype=np.int64)},
        planned_groups=("bpo", "staff", "extra"),
        roster=None,
    )
    r = plan_roster(wide, max_rounds=1)
    assert r.notes[:3] == [
        "agent_groups.bpo: the vendor's staff, priced by its contract: keeps the per-interval plan (not rostered, "
        "not hired)",
        "agent_groups.extra: no shift types for it (scheduling.groups): keeps the per-interval plan",
        "agent_groups.staff: the plan has 3 agent-intervals where the group cannot answer (closed, not its day, "
        "availability 0): not rostered",
    ]
    assert list(r.schedules) == ["staff"] and r.rounds == 1 and r.staffing["staff"][0] == 0
    assert np.array_equal(r.staffing["extra"], np.ones(24)) and r.shrinkage == {"staff": 0.0}
