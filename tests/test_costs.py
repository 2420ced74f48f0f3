"""Costs per replication (ccsim.economics): hand-made replications with known answers.

Each test builds a small scenario and a SimulationResult from hand-made sums (as
tests/test_metrics.py does), so every expected value is computed by hand from the formulas of
docs/costs.md, not pinned from a seeded run.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest

import ccsim
from ccsim.economics import breach_probability, costs, paired_cost_difference, payback
from ccsim.economics.costs import CostResult, night_share, weekend_mask
from ccsim.engine.totals import CH_STATS, GROUP_STATS, N_BINS
from ccsim.results import SimulationResult
from ccsim.scenario import DAYS_PER_MONTH

ROOT = Path(__file__).resolve().parents[1]
M = DAYS_PER_MONTH  # a one-day horizon: a monthly price is / M per day


# --------------------------------------------------------------------------- building results by hand


def sums(names, **values):
    unknown = set(values) - set(names)
    assert not unknown, unknown
    return np.array([float(values.get(n, 0.0)) for n in names])


def make_result(scenario, channels, groups, *, seed=1, measured=None, staffing=None):
    """A result of ``scenario`` from per-replication totals.

    ``channels[r][channel]`` and ``groups[r][group]`` are dicts of sums for the whole run,
    put in the first interval (except ``scheduled_s``, spread as the staffing plan says).
    """
    sc = scenario
    names_c, names_g = list(sc.channels), list(sc.agent_groups)
    n = sc.calendar.intervals
    reps = len(channels)
    plan = sc.staffing_plan(staffing)
    ch = np.zeros((reps, len(names_c), n, len(CH_STATS)))
    gr = np.zeros((reps, len(names_g), n, len(GROUP_STATS)))
    for r in range(reps):
        for c, name in enumerate(names_c):
            ch[r, c, 0] = sums(CH_STATS, **channels[r].get(name, {}))
        for g, name in enumerate(names_g):
            gr[r, g, 0] = sums(GROUP_STATS, **groups[r].get(name, {}))
            gr[r, g, :, GROUP_STATS.index("scheduled_s")] = plan[name] * sc.calendar.interval_s
    return SimulationResult(
        scenario=sc.name,
        variant=sc.variant_name,
        seed=seed,
        replications=reps,
        replications_requested=reps,
        interrupted=False,
        contacts=0,
        elapsed_s=0.0,
        staffing={k: np.asarray(v) for k, v in plan.items()},
        channel_names=names_c,
        group_names=names_g,
        interval_labels=sc.calendar.interval_labels(),
        interval_starts_s=sc.calendar.interval_starts_s(),
        interval_s=sc.calendar.interval_s,
        measured=np.ones(n, dtype=bool) if measured is None else np.asarray(measured),
        answer_within_s={c: 20.0 for c in names_c},
        channel_targets={},
        channel_kinds={c: sc.channels[c].kind for c in names_c},
        not_modelled=(),
        start_weekday=sc.calendar.start_weekday,
        weekly=False,
        shrinkage=np.array([g.shrinkage for g in sc.agent_groups.values()]),
        replication_ids=np.arange(reps),
        channel_sums=ch,
        group_sums=gr,
        wait_hist=np.zeros((reps, len(names_c), N_BINS)),
        interval_wait_hist=np.zeros((len(names_c), n, N_BINS)),
    )


PHONE = {
    "kind": "voice",
    "volume": {"per_day": 100},
    "handle_time": {"dist": "exponential", "mean_s": 300},
    "patience": None,
}

# The worked example of docs/costs.md.
EXAMPLE = {
    "name": "worked example",
    "calendar": {"interval_min": 60, "open": "09:00", "close": "17:00", "days": 1, "start_weekday": "mon"},
    "channels": {"phone": PHONE, "orders": PHONE},
    "agent_groups": {
        "staff": {"skills": ["phone"], "staffing": 2, "shrinkage": 0.2},
        "acme_agents": {"skills": ["orders"], "staffing": 1, "vendor": "acme"},
    },
    "vendors": {
        "acme": {
            "pricing": {
                "monthly_fee": 60875,
                "included_contacts": 2435,
                "per_contact": 200,
                "minimum_monthly": 146100,
                "setup_fee": 146100,
            },
            "sla": {"min_answer_rate": 0.97, "penalty": 24350},
            "routing": {"mode": "whole_channel", "channels": ["orders"]},
        }
    },
    "costs": {
        "wage_per_hour": 2000,
        "agents_per_supervisor": 10,
        "supervisor_wage_per_hour": 3000,
        "benefits_share": 0.25,
        "seat_per_month": 24350,
        "tools_per_seat_per_month": 12175,
        "telecom_per_handled_minute": 4,
        "monthly_attrition": 0.05,
        "hiring_training_per_agent": 243500,
        "fte_hours_per_week": 35,
        "setup": 730500,
        "setup_amortization_months": 24,
    },
}


def example_result(scenario, acme=((65, 64), (100, 96)), seed=1):
    channels, groups = [], []
    for offered, answered in acme:
        channels.append(
            {
                "phone": {"offered": 95, "answered": 95, "handled": 95, "handle_s": 95 * 300.0},
                "orders": {"offered": offered, "answered": answered, "handled": answered},
            }
        )
        groups.append(
            {
                "staff": {"handled": 95, "handle_s": 95 * 300.0, "busy_s": 95 * 300.0},
                "acme_agents": {"handled": answered, "handle_s": answered * 240.0, "busy_s": answered * 240.0},
            }
        )
    return make_result(scenario, channels, groups, seed=seed)


def test_worked_example_of_the_docs():
    sc = ccsim.scenario_from_dict(EXAMPLE)
    cr = costs(example_result(sc), sc)
    assert cr.horizon_days == 1 and cr.months == pytest.approx(1 / M)
    day = {name: values for name, values in cr.items.items()}
    expected = {
        "in_house.wages": [40000, 40000],
        "in_house.supervision": [6000, 6000],
        "in_house.benefits": [11500, 11500],
        "in_house.seats": [1600, 1600],
        "in_house.tools": [800, 800],
        "in_house.telecom": [1900, 1900],
        "in_house.hiring_training": [1600, 1600],
        "vendor.acme.monthly_fee": [2000, 2000],
        "vendor.acme.contacts": [0, 3200],
        "vendor.acme.minimum_top_up": [2800, 0],
        "vendor.acme.sla_penalty": [0, -800],
        "one_off.amortized": [1200, 1200],
    }
    assert list(day) == list(expected)
    for name, values in expected.items():
        assert day[name] == pytest.approx(values, abs=1e-9), name
    in_house = sum(v for k, v in day.items() if k.startswith("in_house."))
    assert in_house == pytest.approx([63400, 63400])
    vendor = sum(v for k, v in day.items() if k.startswith("vendor."))
    assert vendor == pytest.approx([4800, 4400])
    assert vendor.mean() == pytest.approx(4600)
    # pricing the mean instead: 80 a day, all included, no penalty -> the minimum, 4,800 a day
    mean_only = costs(example_result(sc, acme=((80, 80), (80, 80))), sc)
    assert sum(v for k, v in mean_only.items.items() if k.startswith("vendor.")) == pytest.approx([4800, 4800])
    assert cr.one_off == {"in_house.setup": 730500, "vendor.acme.setup_fee": 146100}
    assert cr.one_off_total == 876600
    assert cr.total == pytest.approx([69400, 69000])
    s = cr.summary()
    assert s["horizon_total"]["mean"] == pytest.approx(69200)
    assert s["per_month"]["mean"] == pytest.approx(2106275)
    assert s["running_per_month"]["mean"] == pytest.approx(2069750)
    assert s["per_contact"]["mean"] == pytest.approx(398.87, abs=0.005)
    assert cr.replication_values("per_contact") == pytest.approx([69400 / 159, 69000 / 191])
    sla = s["sla"]["acme"]
    assert sla["breach_probability"] == 0.5 and sla["periods_judged"] == 2
    assert sla["breach_ci95"] == pytest.approx([0.0126, 0.9874], abs=5e-5)
    assert sla["scope"] == {"orders": "every interval"}
    # payback against a setup without one-off costs running at 2,400,000 a month
    other = hand_costs(running_per_month=[2_400_000, 2_400_000], one_off=0.0, seed=1)
    pb = payback(cr, other)
    assert pb.invest == cr.label and pb.extra_one_off == 876600
    assert pb.monthly_saving == pytest.approx(330250)
    assert pb.break_even_months == pytest.approx(876600 / 330250) and pb.month == 3


def hand_costs(running_per_month, one_off=0.0, seed=1, label="other", items=None):
    reps = len(running_per_month)
    months = 1 / M
    return CostResult(
        scenario=label,
        variant=None,
        seed=seed,
        currency="JPY",
        replication_ids=np.arange(reps),
        horizon_days=1.0,
        months=months,
        items=items or {"in_house.wages": np.asarray(running_per_month, dtype=float) * months},
        one_off={"in_house.setup": one_off} if one_off else {},
        amortization_months=None,
        counts={k: np.ones(reps) for k in ("answered", "offered", "issues_resolved", "productive_hours")},
        sla={},
    )


# --------------------------------------------------------------------------- threshold pricing per replication

VENDOR_ONLY = {
    "name": "vendor only",
    "calendar": {"interval_min": 60, "open": "09:00", "close": "17:00", "days": 1},
    "channels": {"phone": PHONE},
    "agent_groups": {"v": {"skills": ["phone"], "staffing": 1, "vendor": "x"}},
    "vendors": {"x": {"routing": {"mode": "whole_channel", "channels": ["phone"]}}},
}


def vendor_scenario(pricing=None, sla=None, costs_=None, days=1):
    data = copy.deepcopy(VENDOR_ONLY)
    data["calendar"]["days"] = days
    data["vendors"]["x"]["pricing"] = pricing or {}
    if sla:
        data["vendors"]["x"]["sla"] = sla
    if costs_:
        data["costs"] = costs_
    return ccsim.scenario_from_dict(data)


def vendor_result(sc, handled, offered=None, answered=None, within=None, wait=None, resolved=None):
    offered = offered or handled
    answered = answered or handled
    channels, groups = [], []
    for r, h in enumerate(handled):
        channels.append(
            {
                "phone": {
                    "offered": offered[r],
                    "answered": answered[r],
                    "answered_within": (within or answered)[r],
                    "wait_answered_s": (wait or [0] * len(handled))[r],
                    "handled": h,
                    "issues_resolved": h,
                }
            }
        )
        groups.append(
            {"v": {"handled": h, "handle_s": 180.0 * h, "busy_s": 200.0 * h, "resolved": (resolved or handled)[r]}}
        )
    return make_result(sc, channels, groups)


def test_included_contacts_are_priced_per_replication_not_on_the_mean():
    # 3,044 calls a month included: 100 a day is 3,043.75 a month, just within them
    sc = vendor_scenario({"monthly_fee": 10000, "included_contacts": 3044, "per_contact": 200})
    # 80 and 120 calls in a day: 2,435 and 3,652.5 a month against 3,044 included
    cr = costs(vendor_result(sc, [80, 120]), sc)
    monthly = cr.items["vendor.x.contacts"] * M
    assert monthly == pytest.approx([0.0, (120 * M - 3044) * 200])
    mean_of_replications = cr.replication_values("per_month").mean()
    assert mean_of_replications == pytest.approx(10000 + (120 * M - 3044) * 200 / 2)
    # the mean count (100 a day = 3,043.75 a month) is within the included contacts
    at_mean = costs(vendor_result(sc, [100, 100]), sc)
    assert at_mean.replication_values("per_month") == pytest.approx([10000, 10000])
    assert mean_of_replications > at_mean.replication_values("per_month").mean() + 60000


def test_every_vendor_pricing_type_adds_up():
    pricing = {
        "monthly_fee": 1000,
        "per_contact": 2,
        "per_handled_minute": 3,
        "per_agent_hour": 50,
        "per_productive_hour": 70,
        "per_fte_per_month": 100000,
        "per_resolved_contact": 5,
    }
    sc = vendor_scenario(pricing, costs_={"fte_hours_per_week": 40})
    cr = costs(vendor_result(sc, [60], resolved=[45]), sc)
    day = {k.split(".")[-1]: float(v[0]) for k, v in cr.items.items()}
    assert day["monthly_fee"] == pytest.approx(1000 / M)
    assert day["contacts"] == pytest.approx(2 * 60)
    assert day["handled_minutes"] == pytest.approx(3 * 60 * 3)  # 60 x 180 s = 180 minutes
    assert day["agent_hours"] == pytest.approx(50 * 8)
    assert day["productive_hours"] == pytest.approx(70 * 60 * 200 / 3600)
    # 8 paid hours in a day = 56 a week = 1.4 FTE
    assert day["fte"] == pytest.approx(100000 * 1.4 / M)
    assert day["resolved_contacts"] == pytest.approx(5 * 45)
    assert cr.total[0] == pytest.approx(sum(day.values()))


def test_minimum_commitment_tops_up_a_quiet_month_only():
    sc = vendor_scenario({"per_contact": 100, "minimum_monthly": 100 * 50 * M})  # 50 contacts a day
    cr = costs(vendor_result(sc, [30, 70]), sc)
    assert cr.items["vendor.x.contacts"] == pytest.approx([3000, 7000])
    assert cr.items["vendor.x.minimum_top_up"] == pytest.approx([2000, 0])
    assert cr.total == pytest.approx([5000, 7000])


def test_sla_penalty_per_period_and_breach_probability():
    sla = {"min_answer_rate": 0.9, "max_asa_s": 30, "penalty": 1000 * M, "penalty_share": 0.1, "bonus": 500 * M}
    sc = vendor_scenario({"per_contact": 10}, sla=sla)
    # periods: met; answer rate 0.8 (breached); ASA 40 s (breached); met
    offered = [100, 100, 100, 100]
    answered = [95, 80, 95, 100]
    wait = [95 * 10.0, 80 * 10.0, 95 * 40.0, 100 * 30.0]
    cr = costs(vendor_result(sc, answered, offered=offered, answered=answered, wait=wait), sc)
    out = cr.sla["x"]
    assert out.breached.tolist() == [False, True, True, False]
    charges = np.array(answered) * 10.0  # per day
    assert cr.items["vendor.x.sla_penalty"] == pytest.approx([0, -(1000 + 0.1 * 800), -(1000 + 0.1 * 950), 0])
    assert cr.items["vendor.x.sla_bonus"] == pytest.approx([500, 0, 0, 500])
    assert cr.total == pytest.approx(charges + cr.items["vendor.x.sla_penalty"] + cr.items["vendor.x.sla_bonus"])
    p, low, high = out.breach_probability
    assert p == 0.5
    # Clopper-Pearson for 2 of 4: the beta quantiles
    from scipy import stats

    assert low == pytest.approx(stats.beta.ppf(0.025, 2, 3)) and high == pytest.approx(stats.beta.ppf(0.975, 3, 2))
    assert breach_probability(np.array([False] * 20)) == (0.0, 0.0, pytest.approx(1 - 0.025 ** (1 / 20)))


def test_an_sla_with_nothing_sent_to_the_vendor_is_not_judged():
    sc = vendor_scenario({}, sla={"min_service_level": 0.8, "penalty": 1, "bonus": 1})
    cr = costs(vendor_result(sc, [0, 5], offered=[0, 5], answered=[0, 5]), sc)
    assert cr.sla["x"].judged.tolist() == [False, True]
    assert cr.items["vendor.x.sla_bonus"] * M == pytest.approx([0, 1])
    assert cr.sla["x"].breach_probability == (0.0, 0.0, pytest.approx(0.975))


def test_sla_answer_rate_and_asa_leave_out_email_when_voice_is_there():
    data = copy.deepcopy(VENDOR_ONLY)
    data["channels"]["email"] = {"kind": "email", "volume": {"per_day": 10}, "handle_time": PHONE["handle_time"]}
    data["agent_groups"]["v"]["skills"] = ["phone", "email"]
    data["vendors"]["x"]["routing"]["channels"] = ["phone", "email"]
    data["vendors"]["x"]["sla"] = {"max_asa_s": 30, "min_service_level": 0.9}
    sc = ccsim.scenario_from_dict(data)
    phone = {"offered": 10, "answered": 10, "answered_within": 9, "wait_answered_s": 200.0}
    email = {"offered": 10, "answered": 10, "answered_within": 10, "wait_answered_s": 36000.0}
    cr = costs(make_result(sc, [{"phone": phone, "email": email}], [{}]), sc)
    out = cr.sla["x"]
    assert out.asa_s == pytest.approx([20.0]) and out.service_level == pytest.approx([19 / 20])
    assert not out.breached[0]


def test_per_month_scaling_of_a_week():
    sc = vendor_scenario({"monthly_fee": 70000, "per_agent_hour": 1000}, days=7)
    cr = costs(vendor_result(sc, [10]), sc)
    assert cr.horizon_days == 7 and cr.months == pytest.approx(7 / 30.4375)
    assert cr.items["vendor.x.monthly_fee"] == pytest.approx([70000 * 7 / 30.4375])
    assert cr.items["vendor.x.agent_hours"] == pytest.approx([1000 * 8 * 7])
    assert cr.replication_values("per_month") == pytest.approx([70000 + 1000 * 56 * 30.4375 / 7])


def test_warm_up_shortens_the_horizon():
    sc = vendor_scenario({"per_agent_hour": 1000, "monthly_fee": 8 * M})
    measured = [False, False] + [True] * 6
    res = make_result(sc, [{"phone": {"offered": 1}}], [{"v": {}}], measured=measured)
    cr = costs(res, sc)
    assert cr.horizon_days == pytest.approx(6 / 8)
    assert cr.items["vendor.x.agent_hours"] == pytest.approx([6000])
    assert cr.items["vendor.x.monthly_fee"] == pytest.approx([6])


# --------------------------------------------------------------------------- in-house details

IN_HOUSE = {
    "name": "in-house",
    "calendar": {"interval_min": 60, "days": 2, "start_weekday": "sat"},
    "channels": {"phone": PHONE, "chat": {**PHONE, "kind": "chat"}},
    "agent_groups": {"staff": {"skills": ["phone", "chat"], "staffing": 1}},
}


def test_night_and_weekend_premiums():
    data = copy.deepcopy(IN_HOUSE)
    data["costs"] = {"wage_per_hour": 1000, "night_premium": 0.25, "weekend_premium": 0.35, "weekend_days": ["sat"]}
    sc = ccsim.scenario_from_dict(data)
    cr = costs(make_result(sc, [{}], [{}]), sc)
    # 48 paid hours; 14 night hours (22-05 on two days: 05 + 2 on Sat, 05 + 2 on Sun); 24 on Saturday
    assert cr.items["in_house.wages"] == pytest.approx([48000])
    assert cr.items["in_house.night_weekend_premium"] == pytest.approx([1000 * (0.25 * 14 + 0.35 * 24)])


def test_night_share_of_intervals_straddling_the_night_start():
    starts = np.array([21.5, 22.0, 4.5, 5.0]) * 3600
    assert night_share(starts, 3600, "22:00", "05:00") == pytest.approx([0.5, 1, 0.5, 0])
    assert night_share(starts, 3600, "01:00", "04:00") == pytest.approx([0, 0, 0, 0])
    assert weekend_mask(np.array([0, 86400, 2 * 86400]), "fri", ("sat", "sun")).tolist() == [False, True, True]


def test_seats_by_peak_or_fte_and_telecom_on_voice_minutes():
    data = copy.deepcopy(IN_HOUSE)
    data["calendar"] = {"interval_min": 60, "open": "09:00", "close": "13:00", "days": 7}
    data["agent_groups"]["staff"] = {"skills": ["phone", "chat"], "staffing": [2, 4, 4, 2], "shrinkage": 0.5}
    data["costs"] = {"seat_per_month": 1000, "telecom_per_handled_minute": 2, "fte_hours_per_week": 40}
    sc = ccsim.scenario_from_dict(data)
    channels = [{"phone": {"handle_s": 600.0}, "chat": {"handle_s": 1800.0}}]
    res = make_result(sc, channels, [{"staff": {"handle_s": 2400.0}}])
    peak = costs(res, sc)
    assert peak.items["in_house.seats"] == pytest.approx([4 * 1000 * 7 / M])
    # a group mixing voice and chat: the voice share of the handle time, 600 / 2400 of 40 minutes
    assert peak.items["in_house.telecom"] == pytest.approx([2 * 10])
    # 12 on-duty hours a day / 0.5 = 24 paid a day = 168 a week = 4.2 FTE -> 5 seats
    fte = costs(res, sc.replace({"costs": {"seat_basis": "fte"}}))
    assert fte.items["in_house.seats"] == pytest.approx([5 * 1000 * 7 / M])


def test_one_off_costs_are_apart_unless_amortized():
    data = copy.deepcopy(IN_HOUSE)
    data["costs"] = {"wage_per_hour": 1000, "setup": 120000, "transition": 30000}
    sc = ccsim.scenario_from_dict(data)
    res = make_result(sc, [{}], [{}])
    cr = costs(res, sc)
    assert "one_off.amortized" not in cr.items and cr.one_off_total == 150000
    assert cr.running == pytest.approx(cr.total)
    amort = costs(res, sc.replace({"costs": {"setup_amortization_months": 10}}))
    assert amort.items["one_off.amortized"] == pytest.approx([15000 * 2 / M])
    assert amort.running == pytest.approx(cr.total)


# --------------------------------------------------------------------------- comparing setups


def test_paired_cost_difference_matches_a_direct_computation():
    a = hand_costs([100.0, 120.0, 90.0], label="a")
    b = hand_costs([110.0, 125.0, 97.0], label="b")
    row = paired_cost_difference(a, b).diff("per_month")
    d = np.array([10.0, 5.0, 7.0])
    from scipy import stats

    assert row["diff"] == pytest.approx(d.mean())
    assert row["diff_ci95"] == pytest.approx(stats.t.ppf(0.975, 2) * d.std(ddof=1) / math.sqrt(3))
    assert row["pairs"] == 3
    with pytest.raises(ccsim.CcsimError, match="different seeds"):
        paired_cost_difference(a, hand_costs([1.0, 2.0, 3.0], seed=2))


def test_an_item_one_setup_lacks_counts_zero():
    a = hand_costs([100.0, 100.0], label="a")
    b = hand_costs([0, 0], label="b", items={"vendor.x.monthly_fee": np.array([3.0, 3.0])})
    cmp = paired_cost_difference(a, b)
    assert cmp.diff("vendor.x.monthly_fee")["diff"] == 3.0
    assert cmp.diff("in_house.wages")["diff"] == pytest.approx(-100 / M)


def test_payback_month():
    invest = hand_costs([900.0, 1100.0], one_off=5000.0, label="invest")
    other = hand_costs([2000.0, 2000.0], label="other")
    pb = payback(other, invest)
    assert pb.invest == "invest" and pb.extra_one_off == 5000
    assert pb.monthly_saving == pytest.approx(1000) and pb.break_even_months == pytest.approx(5) and pb.month == 5
    never = payback(hand_costs([3000.0, 3000.0], one_off=10.0), other)
    assert never.break_even_months is None and never.month is None


# --------------------------------------------------------------------------- end to end


def test_a_bundled_scenario_end_to_end_cost_identities():
    sc = ccsim.load_scenario(ROOT / "scenarios" / "outsourcing_comparison.yaml")
    for name in ("hybrid_overflow", "in_house"):
        variant = sc.variant(name)
        res = ccsim.simulate(variant, replications=3, seed=4)
        cr = costs(res, variant)
        assert cr.total == pytest.approx(np.sum(list(cr.items.values()), axis=0))
        answered = res.replication_values("answered", channel="all")
        assert cr.replication_values("per_contact") == pytest.approx(cr.total / answered)
        assert cr.replication_values("per_month") == pytest.approx(cr.total * DAYS_PER_MONTH / 7)
        paid = res.replication_values("agent_hours_paid", group="staff")
        assert cr.items["in_house.wages"] == pytest.approx(paid * variant.costs.wage_per_hour)
        s = cr.summary()
        assert s["horizon_total"]["mean"] == pytest.approx(cr.total.mean())
    with pytest.raises(ccsim.CcsimError, match="not simulated from this scenario"):
        costs(res, sc.variant("outsourced"))
