"""A zoo of generated desks through the commands a planner uses: plan (with its roster) and compare.

Each desk is drawn from a seed: a random calendar (a closed day, a shorter day, per-weekday
hours), a forecast with zeros, chat or email beside the phone, shift types with a lunch break
and part-timers, and a vendor taking the phone line whole, a share of it, the day the in-house
team is off, or its overflow. Every desk must plan without an error, put nobody where nothing
can be, meet its targets on a fresh seed, be rostered (or say what the shifts cannot cover),
and be priced in every variant of ``ccsim compare``. A failing desk names its seed.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from ccsim import scenario_from_dict, simulate
from ccsim.cli import main

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DESKS = 12
#: the desks of the default run (about 18 s); the others run with the slow sweeps (-m slow)
QUICK = 2
SEEDS = [pytest.param(s, marks=[] if s < QUICK else [pytest.mark.slow]) for s in range(DESKS)]


def zoo_desk(seed: int) -> dict:
    """A week-like desk a new user might write, drawn from ``seed``."""
    rng = np.random.default_rng(1000 + seed)
    n_day = int(rng.choice([4, 5, 6]))
    open_h = int(rng.choice([8, 9, 10]))
    start = WEEKDAYS[int(rng.integers(0, 7))]
    days = int(rng.integers(3, 5))
    calendar: dict = {
        "interval_min": 60,
        "open": f"{open_h:02d}:00",
        "close": f"{open_h + n_day:02d}:00",
        "days": days,
        "start_weekday": start,
    }
    second, third = (WEEKDAYS[(WEEKDAYS.index(start) + d) % 7] for d in (1, 2))
    if rng.random() < 0.5:
        calendar["hours"] = {second: "closed", third: f"{open_h + 1:02d}:00-{open_h + n_day - 1:02d}:00"}
    else:
        calendar["day_of_week_factors"] = {second: 0, third: 0.6}
    phone: dict = {
        "kind": "voice",
        "handle_time": {"dist": "lognormal", "mean_s": float(rng.choice([180, 300])), "cv": 0.8},
        "patience": {"dist": "exponential", "mean_s": float(rng.choice([90, 200]))},
        "targets": {"min_service_level": 0.8, "answer_within_s": 20},
    }
    if rng.random() < 0.4:  # a forecast of one day with nothing in the last two hours
        per = [float(x) for x in rng.choice([15.0, 30.0], size=n_day)]
        per[-2:] = [0.0, 0.0]
        phone["volume"] = {"per_interval": per}
    else:
        phone["volume"] = {"per_day": float(rng.choice([60, 120]))}
    channels = {"phone": phone}
    other = str(rng.choice(["chat", "email"]))
    if other == "chat":
        channels["chat"] = {
            "kind": "chat",
            "max_concurrent": 2,
            "volume": {"per_day": 30.0},
            "handle_time": {"dist": "gamma", "mean_s": 420.0, "cv": 0.7},
            "patience": {"dist": "exponential", "mean_s": 240.0},
            "targets": {"min_service_level": 0.8, "answer_within_s": 60},
        }
    else:
        channels["email"] = {
            "kind": "email",
            "volume": {"per_day": 25.0},
            "handle_time": {"dist": "exponential", "mean_s": 360.0},
            "targets": {"min_service_level": 0.9, "answer_within_s": 3 * 3600},
        }
    groups: dict = {
        "voice": {"skills": ["phone"], "staffing": "plan", "shrinkage": 0.3},
        "digital": {"skills": [other], "staffing": "plan", "shrinkage": 0.3},
    }
    lunch = n_day >= 5
    long_shift: dict = {
        "length_min": n_day * 60,
        "earliest_start": calendar["open"],
        "latest_start": calendar["open"],
        "cost_per_hour": 1800,
    }
    if lunch:
        long_shift["breaks"] = [
            {"length_min": 60, "earliest_start_after_min": 120, "latest_start_after_min": 180, "paid": False}
        ]
    data: dict = {
        "name": f"zoo desk {seed}",
        "calendar": calendar,
        "channels": channels,
        "agent_groups": groups,
        "costs": {"currency": "JPY", "wage_per_hour": 1800},
        "scheduling": {
            "shift_types": {
                "long": long_shift,
                "part_time": {
                    "length_min": 120,
                    "earliest_start": calendar["open"],
                    "latest_start": f"{open_h + n_day - 2:02d}:00",
                    "start_step_min": 60,
                    "cost_per_hour": 1700,
                },
            }
        },
        "simulation": {"seed": seed, "replications": 10},
    }
    mode = str(rng.choice(["whole_channel", "share", "outside_hours", "overflow"]))
    routing: dict = {"mode": mode, "channels": ["phone"]}
    vendor_group: dict = {"skills": ["phone"], "staffing": int(rng.integers(3, 6)), "vendor": "bpo"}
    overrides: dict = {
        "vendors": {"bpo": {"routing": routing, "pricing": {"per_contact": 600, "monthly_fee": 50000}}},
        "agent_groups": {"bpo_agents": vendor_group},
    }
    if mode == "whole_channel":
        overrides["agent_groups"]["voice"] = None
    elif mode == "share":
        routing["share"] = 0.4
    elif mode == "overflow":
        routing["after_wait_s"] = 45.0
    else:  # the in-house voice team is off on the last day: the vendor takes it
        last = WEEKDAYS[(WEEKDAYS.index(start) + days - 1) % 7]
        overrides["agent_groups"]["voice"] = {"weekdays": [d for d in WEEKDAYS if d != last]}
    if rng.random() < 0.5:  # planned to its SLA, priced by the hour
        vendor_group["staffing"] = "plan"
        overrides["vendors"]["bpo"]["pricing"] = {"per_agent_hour": 3000}
        overrides["vendors"]["bpo"]["sla"] = {"min_service_level": 0.7}
    data["variants"] = {"in_house": {"description": "as is"}, "hybrid": {"overrides": overrides}}
    return data


def met_on_a_fresh_seed(sc, staffing: dict, seed: int) -> list[str]:
    """Each channel's targets over the run, on 40 replications of another seed (95 % interval)."""
    res = simulate(sc, replications=40, seed=seed, staffing=staffing)
    problems = []
    for name, ch in sc.channels.items():
        row = res.channel(name)
        target = ch.targets.min_service_level
        if target is not None and row["service_level"] is not None:
            if row["service_level"] + (row["service_level_ci95"] or 0.0) < target:
                problems.append(f"{name}: service level {row['service_level']:.3f} < {target}")
    return problems


@pytest.fixture(scope="module")
def zoo(tmp_path_factory) -> list[tuple[int, dict, object]]:
    folder = tmp_path_factory.mktemp("zoo")
    out = []
    for seed in range(DESKS):
        data = zoo_desk(seed)
        path = folder / f"desk{seed}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        out.append((seed, data, path))
    return out


def test_every_desk_validates_and_has_closed_hours(zoo):
    for seed, data, _ in zoo:
        sc = scenario_from_dict(data)
        assert sc.calendar.has_closed_intervals, f"desk seed {seed}"
        for variant in sc.variants:
            sc.variant(variant)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_desk_is_planned_rostered_and_holds_on_a_fresh_seed(seed, zoo, tmp_path, capsys):
    _, data, path = zoo[seed]
    for variant in ("in_house", "hybrid"):
        out = tmp_path / variant
        code = main(["plan", str(path), "--variant", variant, "--replications", "10", "--out", str(out)])
        text = capsys.readouterr()
        where = f"desk seed {seed}, {variant}"
        assert code == 0, f"{where}: {text.err[-600:]}"
        assert {"plan.csv", "plan.json", "roster.csv", "hiring.csv"} <= {p.name for p in out.iterdir()}, where
        written = json.loads((out / "plan.json").read_text())
        assert written["met"], f"{where}: {written['misses'][:3]}"
        sc = scenario_from_dict(data).variant(variant)
        closed = ~sc.calendar.open_intervals()
        roster = written["roster"]
        assert roster is not None, f"{where}: no roster"
        for g, spec in written["groups"].items():
            planned = np.array(spec["planned"])
            rostered = np.array(roster["staffing"][g])
            assert not planned[closed].any() and not rostered[closed].any(), f"{where}: {g} in closed hours"
            short = [u for u in roster["uncovered"] if u.get("group") == g]
            assert (rostered >= planned).all() or short, f"{where}: {g} short of the plan and nothing reported"
        staffing = {g: roster["staffing"][g] for g in written["groups"]}
        assert met_on_a_fresh_seed(sc, staffing, seed + 101) == [], where


@pytest.mark.parametrize("seed", SEEDS)
def test_a_desk_is_compared_with_costs_for_every_variant(seed, zoo, capsys):
    _, _, path = zoo[seed]
    code = main(["compare", str(path), "--replications", "10", "--json"])
    text = capsys.readouterr()
    assert code == 0, f"desk seed {seed}: {text.err[-600:]}"
    report = json.loads(text.out)
    assert set(report["variants"]) == {"in_house", "hybrid"} and not report["partial"], f"desk seed {seed}"
    for name, v in report["variants"].items():
        cost = v.get("cost") or {}
        assert (cost.get("per_month") or {}).get("mean", 0) > 0, f"desk seed {seed}: no monthly cost for {name}"
