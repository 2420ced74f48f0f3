"""Costs per month (ccsim.economics): hand-made replications with known answers.

Each test builds a small scenario and a SimulationResult from hand-made sums (as
tests/test_metrics.py does), so every expected value is computed by hand from the formulas of
docs/costs.md, not pinned from a seeded run. Composed billing months are recomputed here from
Python's own calendar (2024 began on a Monday, in a leap year: the cycle's first month).
"""

from __future__ import annotations

import calendar
import copy
import math
from pathlib import Path

import numpy as np
import pytest

import ccsim
from ccsim.economics import breach_probability, costs, paired_cost_difference, payback
from ccsim.economics.costs import CostResult, night_share, weekend_mask
from ccsim.economics.months import month_weekdays
from ccsim.results import SimulationResult
from ccsim.results.layout import CH_STATS, GROUP_STATS, N_BINS, VENDOR_STATS
from ccsim.weeks import DAYS_PER_MONTH, WEEKDAYS

ROOT = Path(__file__).resolve().parents[1]
M = DAYS_PER_MONTH  # a typical day: a month holds it 30.4375 times
W = DAYS_PER_MONTH / 7  # a month holds each weekday 30.4375 / 7 times


def held(k):
    """Weekdays in billing month k, from Python's calendar: month k of 2024-2027."""
    first, days = calendar.monthrange(2024 + k // 12, k % 12 + 1)
    return {w: sum(1 for d in range(days) if (first + d) % 7 == i) for i, w in enumerate(WEEKDAYS)}


def typical_day_month(per_rep, k):
    """Billing month k of a typical day (every weekday open) by hand: its days, Monday's first,
    from replications k, k + 1, ... in turn, each weekday's weighted 30.4375 / 7 / (its days)."""
    n, j, total = len(per_rep), 0, 0.0
    for h in held(k).values():
        total += W / h * sum(per_rep[(k + j + i) % n] for i in range(h))
        j += h
    return total


def sums(names, **values):
    unknown = set(values) - set(names)
    assert not unknown, unknown
    return np.array([float(values.get(n, 0.0)) for n in names])


def make_result(scenario, channels, groups, *, seed=1, measured=None, staffing=None, vendors=None, daily=False):
    """A result of ``scenario`` from per-replication totals.

    ``channels[r][channel]`` and ``groups[r][group]`` are dicts of sums for the whole run,
    put in the first interval (except ``scheduled_s``, spread as the staffing plan says);
    with ``daily``, the same sums in the first interval of every day. ``vendors[r][vendor]
    [channel]`` are the engines' per-vendor sums, put likewise.
    """
    sc = scenario
    names_c, names_g = list(sc.channels), list(sc.agent_groups)
    n = sc.calendar.intervals
    reps = len(channels)
    plan = sc.staffing_plan(staffing)
    ch = np.zeros((reps, len(names_c), n, len(CH_STATS)))
    gr = np.zeros((reps, len(names_g), n, len(GROUP_STATS)))
    firsts = list(range(0, n, sc.calendar.intervals_per_day_value)) if daily else [0]
    names_v = list(sc.vendors)
    vs = np.zeros((reps, len(names_v), len(names_c), n, len(VENDOR_STATS))) if vendors is not None else None
    for r in range(reps):
        for i in firsts:
            for c, name in enumerate(names_c):
                ch[r, c, i] = sums(CH_STATS, **channels[r].get(name, {}))
            for g, name in enumerate(names_g):
                gr[r, g, i] = sums(GROUP_STATS, **groups[r].get(name, {}))
            for v, name in enumerate(names_v if vendors is not None else []):
                for c, cname in enumerate(names_c):
                    vs[r, v, c, i] = sums(VENDOR_STATS, **vendors[r].get(name, {}).get(cname, {}))
        for g, name in enumerate(names_g):
            gr[r, g, :, GROUP_STATS.index("scheduled_s")] = plan[name] * sc.calendar.interval_s
    extra = {} if vs is None else {"vendor_names": names_v, "vendor_sums": vs}
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
        **extra,
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
                "staff": {"handled": 95, "handle_s": 95 * 300.0, "voice_handle_s": 95 * 300.0, "busy_s": 95 * 300.0},
                "acme_agents": {"handled": answered, "handle_s": answered * 240.0, "busy_s": answered * 240.0},
            }
        )
    return make_result(scenario, channels, groups, seed=seed)


def test_billing_months_follow_the_calendar_of_a_four_year_cycle():
    for k in range(48):
        assert month_weekdays(k) == held(k), k
    assert sum(sum(month_weekdays(k).values()) for k in range(48)) == 1461  # 48 months of 30.4375 days


def test_worked_example_of_the_docs():
    sc = ccsim.scenario_from_dict(EXAMPLE)
    cr = costs(example_result(sc), sc)
    assert cr.horizon_days == 1 and cr.month_days == M and cr.months == pytest.approx(1 / M)
    assert cr.week == "a week = 7 x the run's typical day"
    # in-house: a month of each replication = 30.4375 x the day
    in_house = {
        "in_house.wages": 40000 * M,
        "in_house.supervision": 6000 * M,
        "in_house.benefits": 11500 * M,
        "in_house.seats": 2 * 24350,
        "in_house.tools": 2 * 12175,
        "in_house.telecom": 1900 * M,
        "in_house.hiring_training": 0.05 * 4 * 243500,
    }
    # acme: billing month 1 (January: 5 Mondays, Tuesdays and Wednesdays, 4 of the others) and
    # month 2 (February of a leap year: 5 Thursdays), its days from replications 1, 2, 1, ...
    # (month 1) and 2, 1, 2, ... (month 2), Monday's first
    handled = [
        W * ((3 * 64 + 2 * 96) / 5 + (2 * 64 + 3 * 96) / 5 + (3 * 64 + 2 * 96) / 5 + 4 * (64 + 96) / 2),
        W * (6 * (64 + 96) / 2 + (3 * 96 + 2 * 64) / 5),
    ]
    assert handled == pytest.approx([typical_day_month([64, 96], 0), typical_day_month([64, 96], 1)])
    assert handled == pytest.approx([2421.085714286, 2448.914285714])
    beyond = max(0.0, handled[1] - 2435) * 200  # 2,782.86: month 2 has 13.9 contacts beyond the included
    offered = [typical_day_month([65, 100], 0), typical_day_month([65, 100], 1)]
    assert handled[0] / offered[0] == pytest.approx(0.970035, abs=1e-6)  # kept: >= 0.97
    assert handled[1] / offered[1] == pytest.approx(0.969363, abs=1e-6)  # breached
    expected = {
        **{k: [v, v] for k, v in in_house.items()},
        "vendor.acme.monthly_fee": [60875, 60875],
        "vendor.acme.contacts": [0, beyond],
        "vendor.acme.minimum_top_up": [146100 - 60875, 146100 - 60875 - beyond],
        "vendor.acme.sla_penalty": [0, -24350],
        "one_off.amortized": [876600 / 24, 876600 / 24],
    }
    assert list(cr.items) == list(expected)
    for name, values in expected.items():
        assert cr.items[name] == pytest.approx(values, abs=1e-6), name
    assert sum(v for k, v in cr.items.items() if k.startswith("in_house.")) == pytest.approx([1929737.5] * 2)
    assert sum(v for k, v in cr.items.items() if k.startswith("vendor.")) == pytest.approx([146100, 121750])
    assert cr.one_off == {"in_house.setup": 730500, "vendor.acme.setup_fee": 146100}
    assert cr.one_off_total == 876600
    assert cr.per_month == pytest.approx([2112362.5, 2088012.5])
    s = cr.summary()
    assert s["per_month"]["mean"] == pytest.approx(2100187.5)
    assert s["running_per_month"]["mean"] == pytest.approx(2063662.5)
    assert s["horizon_total"]["mean"] == pytest.approx(2100187.5 / M)
    assert s["fte"]["mean"] == pytest.approx(4.0)
    # per contact: the month's total over the month's answered contacts (a month of each replication)
    assert cr.replication_values("per_contact") == pytest.approx([2112362.5 / (159 * M), 2088012.5 / (191 * M)])
    sla = s["sla"]["acme"]
    assert sla["breach_probability"] == 0.5 and sla["periods_judged"] == 2
    low, high = sla["breach_ci95"]
    assert low <= 0.0126 and high >= 0.9874  # at least the exact binomial interval of 1 in 2
    assert sla["scope"] == {"orders": "every interval"}
    terms = {
        "answer_within_s": {"orders": 20.0},
        "service_level_basis": "offered",
        "short_abandon_s": None,
        "channels": None,
    }
    assert sla["terms"] == terms
    # payback against a setup without one-off costs running at 2,400,000 a month
    other = hand_costs(running_per_month=[2_400_000, 2_400_000], one_off=0.0, seed=1)
    pb = payback(cr, other)
    assert pb.invest == cr.label and pb.extra_one_off == 876600
    assert pb.monthly_saving == pytest.approx(2_400_000 - 2063662.5)
    assert pb.break_even_months == pytest.approx(876600 / 336337.5) and pb.month == 3


def hand_costs(running_per_month, one_off=0.0, seed=1, label="other", items=None, weekdays=WEEKDAYS):
    reps = len(running_per_month)
    return CostResult(
        scenario=label,
        variant=None,
        seed=seed,
        currency="JPY",
        replication_ids=np.arange(reps),
        horizon_days=1.0,
        month_days=M,
        months=1 / M,
        week="a week = 7 x the run's typical day",
        weekdays=tuple(weekdays),
        not_simulated=(),
        items=items or {"in_house.wages": np.asarray(running_per_month, dtype=float)},
        one_off={"in_house.setup": one_off} if one_off else {},
        amortization_months=None,
        counts={k: np.ones(reps) for k in ("answered", "offered", "issues_resolved", "productive_hours")},
        sla={},
        fte=np.zeros(reps),
    )


# --------------------------------------------------------------------------- threshold pricing per billing month

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


def vendor_result(sc, handled, offered=None, answered=None, within=None, wait=None, resolved=None, daily=False):
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
            {
                "v": {
                    "handled": h,
                    "handle_s": 180.0 * h,
                    "voice_handle_s": 180.0 * h,
                    "busy_s": 200.0 * h,
                    "resolved": (resolved or handled)[r],
                }
            }
        )
    return make_result(sc, channels, groups, daily=daily)


def test_included_contacts_are_priced_per_billing_month_not_on_the_mean():
    # 3,044 calls a month included: 100 a day is 3,043.75 a month, just within them
    sc = vendor_scenario({"monthly_fee": 10000, "included_contacts": 3044, "per_contact": 200})
    # days of 40 and 160 calls: months of them in turn, about 3,044 each, some above, some below
    cr = costs(vendor_result(sc, [40, 160]), sc)
    months = [typical_day_month([40, 160], k) for k in range(2)]
    assert cr.items["vendor.x.contacts"] == pytest.approx([200 * max(0.0, m - 3044) for m in months])
    assert cr.items["vendor.x.contacts"][0] == 0 and cr.items["vendor.x.contacts"][1] > 0
    # a week scaled to a month would have priced 40 x 30.4375 and 160 x 30.4375 calls
    assert cr.items["vendor.x.contacts"].mean() < 200 * (160 * M - 3044) / 2 / 10
    # the mean count (100 a day = 3,043.75 a month) is within the included contacts
    at_mean = costs(vendor_result(sc, [100, 100]), sc)
    assert at_mean.replication_values("per_month") == pytest.approx([10000, 10000])


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
    month = {k.split(".")[-1]: float(v[0]) for k, v in cr.items.items()}
    assert month["monthly_fee"] == pytest.approx(1000)
    assert month["contacts"] == pytest.approx(2 * 60 * M)
    assert month["handled_minutes"] == pytest.approx(3 * 60 * 3 * M)  # 60 x 180 s = 180 minutes a day
    assert month["agent_hours"] == pytest.approx(50 * 8 * M)
    assert month["productive_hours"] == pytest.approx(70 * 60 * 200 / 3600 * M)
    # 8 paid hours in a typical day = 56 a week = 1.4 FTE
    assert month["fte"] == pytest.approx(100000 * 1.4)
    assert month["resolved_contacts"] == pytest.approx(5 * 45 * M)
    assert cr.per_month[0] == pytest.approx(sum(month.values()))


def test_minimum_commitment_tops_up_a_quiet_month_only():
    sc = vendor_scenario({"per_contact": 100, "minimum_monthly": 100 * 50 * M})  # 50 contacts a day
    cr = costs(vendor_result(sc, [30, 30]), sc)
    assert cr.items["vendor.x.contacts"] == pytest.approx([3000 * M] * 2)
    assert cr.items["vendor.x.minimum_top_up"] == pytest.approx([2000 * M] * 2)
    busy = costs(vendor_result(sc, [70, 70]), sc)
    assert busy.items["vendor.x.minimum_top_up"] == pytest.approx([0, 0])
    assert busy.per_month == pytest.approx([7000 * M] * 2)


def test_sla_penalty_per_billing_month_and_breach_probability():
    sla = {"min_answer_rate": 0.9, "max_asa_s": 30, "penalty": 1000, "penalty_share": 0.1, "bonus": 500}
    sc = vendor_scenario({"per_contact": 10}, sla=sla, days=28)
    # four replications of four weeks, their days alike: answer rates 0.95, 0.8, 0.95, 1 and ASA
    # 10, 10, 40 and 30 s. A run of a month makes billing month k of replication k's own days; a
    # weekday the month holds 5 times takes its fifth day from replication k + 1
    offered = [100, 100, 100, 100]
    answered = [95, 80, 95, 100]
    wait = [95 * 10.0, 80 * 10.0, 95 * 40.0, 100 * 30.0]
    res = vendor_result(sc, answered, offered=offered, answered=answered, wait=wait, daily=True)
    cr = costs(res, sc)
    out = cr.sla["x"]

    def month(x, k):
        return sum(W / h * sum(x[(k + j // 4) % 4] for j in range(h)) for h in held(k).values())

    charges = np.array([10.0 * month(answered, k) for k in range(4)])
    assert cr.items["vendor.x.contacts"] == pytest.approx(charges)
    rates = np.array([month(answered, k) / month(offered, k) for k in range(4)])
    asa = np.array([month(wait, k) / month(answered, k) for k in range(4)])
    assert out.answer_rate == pytest.approx(rates) and out.asa_s == pytest.approx(asa)
    breached = (rates < 0.9) | (asa > 30)
    assert breached.tolist() == [False, True, True, False]  # met; answer rate; ASA; met
    assert out.breached.tolist() == breached.tolist()
    assert cr.items["vendor.x.sla_penalty"] == pytest.approx(np.where(breached, -(1000 + 0.1 * charges), 0))
    assert cr.items["vendor.x.sla_bonus"] == pytest.approx(np.where(breached, 0, 500))
    p, low, high = out.breach_probability
    assert p == 0.5
    from scipy import stats

    # at least as wide as the exact binomial interval of 2 in 4
    assert low <= stats.beta.ppf(0.025, 2, 3) and high >= stats.beta.ppf(0.975, 3, 2)
    assert breach_probability(np.array([False] * 20)) == (0.0, 0.0, pytest.approx(1 - 0.025 ** (1 / 20)))


def test_an_sla_with_nothing_sent_to_the_vendor_is_not_judged():
    sc = vendor_scenario({}, sla={"min_service_level": 0.8, "penalty": 1, "bonus": 1})
    cr = costs(vendor_result(sc, [0]), sc)
    assert cr.sla["x"].judged.tolist() == [False]
    assert cr.items["vendor.x.sla_bonus"] == pytest.approx([0])
    assert cr.sla["x"].breach_probability == (None, None, None)
    sent = costs(vendor_result(sc, [5]), sc)
    assert sent.items["vendor.x.sla_bonus"] == pytest.approx([1])
    assert sent.sla["x"].breach_probability == (0.0, 0.0, pytest.approx(0.975))


def test_sla_figures_leave_out_email_when_voice_is_there():
    data = copy.deepcopy(VENDOR_ONLY)
    data["channels"]["email"] = {"kind": "email", "volume": {"per_day": 10}, "handle_time": PHONE["handle_time"]}
    data["agent_groups"]["v"]["skills"] = ["phone", "email"]
    data["vendors"]["x"]["routing"]["channels"] = ["phone", "email"]
    data["vendors"]["x"]["sla"] = {"max_asa_s": 30, "min_service_level": 0.85}
    sc = ccsim.scenario_from_dict(data)
    phone = {"offered": 10, "answered": 10, "answered_within": 9, "wait_answered_s": 200.0}
    email = {"offered": 10, "answered": 10, "answered_within": 10, "wait_answered_s": 36000.0}
    cr = costs(make_result(sc, [{"phone": phone, "email": email}], [{}]), sc)
    out = cr.sla["x"]
    # 9 of 10 calls within 20 s: the emails' hours are not judged at a queue's seconds
    assert out.asa_s == pytest.approx([20.0]) and out.service_level == pytest.approx([9 / 10])
    assert not out.breached[0]


def test_a_month_of_a_week_counts_each_weekday_30_4375_over_7_times():
    sc = vendor_scenario({"monthly_fee": 70000, "per_agent_hour": 1000}, days=7)
    cr = costs(vendor_result(sc, [10], daily=True), sc)
    assert cr.horizon_days == 7 and cr.months == pytest.approx(7 / M) and cr.month_days == M
    assert cr.items["vendor.x.monthly_fee"] == pytest.approx([70000])
    assert cr.items["vendor.x.agent_hours"] == pytest.approx([1000 * 56 * W])
    assert cr.replication_values("total") == pytest.approx([(70000 + 1000 * 56 * W) * 7 / M])


def test_warm_up_shortens_the_horizon_not_the_month():
    sc = vendor_scenario({"per_agent_hour": 1000, "monthly_fee": 8 * M})
    measured = [False, False] + [True] * 6
    res = make_result(sc, [{"phone": {"offered": 1}}], [{"v": {}}], measured=measured)
    cr = costs(res, sc)
    assert cr.horizon_days == pytest.approx(6 / 8)
    # 6 measured hours stand for the day: 8 agent-hours a day, 30.4375 days a month
    assert cr.items["vendor.x.agent_hours"] == pytest.approx([1000 * 8 * M])
    assert cr.items["vendor.x.monthly_fee"] == pytest.approx([8 * M])


# --------------------------------------------------------------------------- weekdays and months


def weekday_desk(days, weekend_open):
    data = copy.deepcopy(VENDOR_ONLY)
    data["calendar"] = {"interval_min": 60, "open": "09:00", "close": "17:00", "days": days}
    if not weekend_open:
        data["calendar"]["day_of_week_factors"] = {"sat": 0, "sun": 0}
    data["agent_groups"] = {"staff": {"skills": ["phone"], "staffing": 2}}
    data["vendors"] = {}
    data["costs"] = {"wage_per_hour": 1000, "seat_per_month": 5000, "fte_hours_per_week": 40}
    return ccsim.scenario_from_dict(data)


def test_a_monday_to_friday_run_stands_for_21_74_days_a_month():
    # the issue's example: wages of a five-weekday run scaled as five weekdays, not as 30 days
    sc = weekday_desk(5, weekend_open=True)
    cr = costs(make_result(sc, [{}], [{}]), sc)
    assert cr.items["in_house.wages"] == pytest.approx([2 * 8 * 1000 * 5 * W])  # 347,857.14
    assert cr.month_days == pytest.approx(5 * W) and cr.weekdays == ("mon", "tue", "wed", "thu", "fri")
    # 80 paid hours a week = 2 FTE (not 80 x 7 / 5 = 112 hours)
    assert cr.fte == pytest.approx([2.0]) and cr.items["in_house.seats"] == pytest.approx([10000])
    assert cr.not_simulated == ("sat", "sun")
    assert cr.week == "a week = the run's mon to fri (sat, sun open but not simulated: counted as closed)"
    assert any("sat, sun open but not simulated" in n for n in cr.notes)
    closed = weekday_desk(5, weekend_open=False)
    cc = costs(make_result(closed, [{}], [{}]), closed)
    assert cc.week == "a week = the run's mon to fri (sat, sun closed)" and not cc.notes
    # the whole week of the desk closed at weekends: the same month
    week = weekday_desk(7, weekend_open=False)
    cw = costs(make_result(week, [{}], [{}]), week)
    assert cw.items["in_house.wages"] == pytest.approx(cc.items["in_house.wages"])
    assert cw.month_days == cc.month_days == pytest.approx(5 * W) and cw.weekdays == cc.weekdays
    assert cw.fte == pytest.approx([2.0])


def test_a_typical_day_of_a_desk_closed_at_weekends_stands_for_its_five_open_weekdays():
    data = copy.deepcopy(VENDOR_ONLY)
    data["calendar"]["day_of_week_factors"] = {"sat": 0, "sun": 0}
    data["agent_groups"] = {"staff": {"skills": ["phone"], "staffing": 2}}
    data["vendors"] = {}
    data["costs"] = {"wage_per_hour": 1000}
    sc = ccsim.scenario_from_dict(data)
    cr = costs(make_result(sc, [{}], [{}]), sc)
    assert cr.items["in_house.wages"] == pytest.approx([16000 * 5 * W])
    assert cr.week == "a week = 5 x the run's typical day (mon to fri)"


def test_a_typical_day_stands_only_for_the_weekdays_like_it():
    # Saturday opens shorter and Monday has more volume: a Tuesday stands for Tuesday to Friday
    data = copy.deepcopy(VENDOR_ONLY)
    data["calendar"].update(
        start_weekday="tue", hours={"sat": "09:00-13:00", "sun": "closed"}, day_of_week_factors={"mon": 1.2}
    )
    data["agent_groups"] = {"staff": {"skills": ["phone"], "staffing": 2}}
    data["vendors"] = {}
    data["costs"] = {"wage_per_hour": 1000}
    sc = ccsim.scenario_from_dict(data)
    cr = costs(make_result(sc, [{}], [{}]), sc)
    assert cr.items["in_house.wages"] == pytest.approx([16000 * 4 * W])
    assert cr.weekdays == ("tue", "wed", "thu", "fri") and cr.not_simulated == ("mon", "sat")
    assert cr.week == (
        "a week = 4 x the run's typical day (tue to fri; mon, sat open but unlike it, not simulated: counted as closed)"
    )
    assert any("mon, sat open but not simulated" in n for n in cr.notes)


def test_runs_standing_for_different_weekdays_are_not_paired():
    a = hand_costs([1.0, 2.0])
    b = hand_costs([1.0, 2.0], weekdays=("mon", "tue", "wed", "thu", "fri"))
    with pytest.raises(ccsim.CcsimError, match="months of different weekdays"):
        paired_cost_difference(a, b)


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
    # 48 paid hours; 14 night hours (22-05 on two days: 05 + 2 on Sat, 05 + 2 on Sun); 24 on Saturday;
    # a Saturday and a Sunday, each held 30.4375 / 7 times a month
    assert cr.items["in_house.wages"] == pytest.approx([48000 * W])
    assert cr.items["in_house.night_weekend_premium"] == pytest.approx([1000 * (0.25 * 14 + 0.35 * 24) * W])


def test_night_share_of_intervals_straddling_the_night_start():
    starts = np.array([21.5, 22.0, 4.5, 5.0]) * 3600
    assert night_share(starts, 3600, "22:00", "05:00") == pytest.approx([0.5, 1, 0.5, 0])
    assert night_share(starts, 3600, "01:00", "04:00") == pytest.approx([0, 0, 0, 0])
    assert weekend_mask(np.array([0, 86400, 2 * 86400]), "fri", ("sat", "sun")).tolist() == [False, True, True]


def test_seats_by_peak_or_fte_and_telecom_on_the_groups_own_voice_minutes():
    data = copy.deepcopy(IN_HOUSE)
    data["calendar"] = {"interval_min": 60, "open": "09:00", "close": "13:00", "days": 7}
    data["agent_groups"]["staff"] = {"skills": ["phone", "chat"], "staffing": [2, 4, 4, 2], "shrinkage": 0.5}
    data["costs"] = {"seat_per_month": 1000, "telecom_per_handled_minute": 2, "fte_hours_per_week": 40}
    sc = ccsim.scenario_from_dict(data)
    channels = [{"phone": {"handle_s": 600.0}, "chat": {"handle_s": 1800.0}}]
    res = make_result(sc, channels, [{"staff": {"handle_s": 2400.0, "voice_handle_s": 600.0}}])
    peak = costs(res, sc)
    assert peak.items["in_house.seats"] == pytest.approx([4 * 1000])
    # a group mixing voice and chat: its own 10 voice minutes in the week, not a share of 40
    assert peak.items["in_house.telecom"] == pytest.approx([2 * 10 * W])
    # 12 on-duty hours a day / 0.5 = 24 paid a day = 168 a week = 4.2 FTE -> 5 seats (the desk's FTE)
    fte = costs(res, sc.replace({"costs": {"seat_basis": "fte"}}))
    assert fte.fte == pytest.approx([4.2]) and fte.items["in_house.seats"] == pytest.approx([5 * 1000])


def test_one_off_costs_are_apart_unless_amortized():
    data = copy.deepcopy(IN_HOUSE)
    data["costs"] = {"wage_per_hour": 1000, "setup": 120000, "transition": 30000}
    sc = ccsim.scenario_from_dict(data)
    res = make_result(sc, [{}], [{}])
    cr = costs(res, sc)
    assert "one_off.amortized" not in cr.items and cr.one_off_total == 150000
    assert cr.running == pytest.approx(cr.total)
    amort = costs(res, sc.replace({"costs": {"setup_amortization_months": 10}}))
    assert amort.items["one_off.amortized"] == pytest.approx([15000])
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
    assert cmp.diff("in_house.wages")["diff"] == pytest.approx(-100)


def test_payback_month():
    invest = hand_costs([900.0, 1100.0], one_off=5000.0, label="invest")
    other = hand_costs([2000.0, 2000.0], label="other")
    pb = payback(other, invest)
    assert pb.invest == "invest" and pb.extra_one_off == 5000
    assert pb.monthly_saving == pytest.approx(1000) and pb.break_even_months == pytest.approx(5) and pb.month == 5
    never = payback(hand_costs([3000.0, 3000.0], one_off=10.0), other)
    assert never.break_even_months is None and never.month is None and never.monthly_saving < 0
    # equal one-off costs: nothing to pay back
    assert payback(hand_costs([900.0], one_off=10.0), hand_costs([800.0], one_off=10.0)) is None
    assert payback(hand_costs([900.0]), hand_costs([800.0])) is None


# --------------------------------------------------------------------------- end to end


def test_a_bundled_scenario_end_to_end_cost_identities():
    sc = ccsim.load_scenario(ROOT / "scenarios" / "outsourcing_comparison.yaml")
    for name in ("hybrid_overflow", "in_house"):
        variant = sc.variant(name)
        res = ccsim.simulate(variant, replications=3, seed=4)
        cr = costs(res, variant)
        assert variant.calendar.days == 7 and cr.month_days == M
        assert cr.per_month == pytest.approx(np.sum(list(cr.items.values()), axis=0))
        answered = res.replication_values("answered", channel="all")
        assert cr.replication_values("per_contact") == pytest.approx(cr.per_month / (answered * W))
        assert cr.replication_values("total") == pytest.approx(cr.per_month * 7 / M)
        paid = res.replication_values("agent_hours_paid", group="staff")
        assert cr.items["in_house.wages"] == pytest.approx(paid * variant.costs.wage_per_hour * W)
        s = cr.summary()
        assert s["horizon_total"]["mean"] == pytest.approx(cr.total.mean())
    with pytest.raises(ccsim.CcsimError, match="not simulated from this scenario"):
        costs(res, sc.variant("outsourced"))


# --------------------------------------------------------------------------- the second worked example

WEEK_EXAMPLE = {
    "name": "week example",
    "calendar": {"interval_min": 60, "open": "16:00", "close": "24:00", "days": 7, "start_weekday": "mon"},
    "channels": {
        "phone": PHONE,
        "email": {"kind": "email", "volume": {"per_day": 40}, "handle_time": PHONE["handle_time"]},
        "orders": PHONE,
    },
    "agent_groups": {
        "desk": {"skills": ["phone", "email"], "staffing": 3, "shrinkage": 0.25},
        "callpro_agents": {"skills": ["orders"], "staffing": 2, "vendor": "callpro"},
    },
    "vendors": {
        "callpro": {
            "pricing": {"monthly_fee": 100000, "included_contacts": 3000, "per_contact": 150},
            "sla": {"min_service_level": 0.8, "answer_within_s": 30, "penalty_share": 0.1, "bonus": 10000},
            "routing": {"mode": "whole_channel", "channels": ["orders"]},
        }
    },
    "costs": {
        "wage_per_hour": 1600,
        "night_premium": 0.25,
        "weekend_premium": 0.5,
        "weekend_days": ["sat", "sun"],
        "telecom_per_handled_minute": 3,
        "seat_per_month": 20000,
        "fte_hours_per_week": 40,
    },
}


def test_second_worked_example_of_the_docs():
    sc = ccsim.scenario_from_dict(WEEK_EXAMPLE)
    # every day alike: the desk handles 90 minutes of calls and 360 of email; the vendor is sent
    # 120 orders calls, answers 114, 100 of them within the SLA's 30 s (84 within the channel's 20 s)
    channels = [
        {
            "phone": {"offered": 20, "answered": 20, "handled": 20},
            "email": {"offered": 40, "answered": 40, "handled": 40},
            "orders": {"offered": 120, "answered": 114, "answered_within": 84, "handled": 114},
        }
    ]
    groups = [
        {
            "desk": {"handled": 60, "handle_s": 27000.0, "voice_handle_s": 5400.0},
            "callpro_agents": {"handled": 114, "handle_s": 114 * 240.0},
        }
    ]
    vendors = [{"callpro": {"orders": {"offered": 120, "answered": 114, "answered_within": 100}}}]
    cr = costs(make_result(sc, channels, groups, vendors=vendors, daily=True), sc)
    assert cr.month_days == M and cr.week == "a week = the run's 7 days"
    # a week: 3 x 8 h x 7 / 0.75 = 224 paid hours; nights (22:00-24:00) 56 of them; Saturday and Sunday 64
    week = {
        "in_house.wages": 224 * 1600,
        "in_house.night_weekend_premium": 1600 * (0.25 * 56 + 0.5 * 64),
        "in_house.telecom": 3 * 90 * 7,  # the desk's own 630 voice minutes, not a share of its 3,150
    }
    month = {k: v * W for k, v in week.items()}
    assert month == pytest.approx(
        {"in_house.wages": 1558400, "in_house.night_weekend_premium": 320028.5714, "in_house.telecom": 8218.125}
    )
    month = {**month, "in_house.seats": 3 * 20000}  # the most on duty at once: 3
    month["in_house.telecom"] = month.pop("in_house.telecom")  # the report's order
    handled = 114 * M  # 3,469.875 calls a month: 469.875 beyond the 3,000 included
    month["vendor.callpro.monthly_fee"] = 100000
    month["vendor.callpro.contacts"] = 150 * (handled - 3000)
    month["vendor.callpro.sla_penalty"] = 0  # 100 / 120 = 83.3 % within 30 s: kept, no penalty
    month["vendor.callpro.sla_bonus"] = 10000
    assert list(cr.items) == list(month)
    for name, value in month.items():
        assert cr.items[name] == pytest.approx([value], abs=1e-6), name
    assert cr.items["vendor.callpro.contacts"] == pytest.approx([70481.25])
    assert cr.per_month == pytest.approx([2127127.9464], abs=1e-4)
    assert cr.fte == pytest.approx([5.6])
    out = cr.sla["callpro"]
    assert out.service_level == pytest.approx([100 / 120]) and not out.breached[0]
    # judged at the channel's 20 s (84 / 120 = 70 %) the month would have been breached
    assert 84 / 120 < 0.8


@pytest.mark.parametrize(
    ("terms", "short", "service_level", "breached"),
    [
        ({}, 0, 72 / 100, True),  # over offered: 72 %
        ({"service_level_basis": "answered"}, 0, 72 / 90, False),  # over answered: 80 %
        ({"short_abandon_s": 5}, 10, 72 / 90, False),  # 10 hang-ups within 5 s not counted: 72 / 90
    ],
)
def test_an_sla_is_judged_on_its_own_terms(terms, short, service_level, breached):
    sc = vendor_scenario({}, sla={"min_service_level": 0.8, "answer_within_s": 30, **terms})
    vendors = [{"x": {"phone": {"offered": 100, "answered": 90, "answered_within": 72, "abandoned_short": short}}}]
    res = make_result(sc, [{"phone": {"offered": 100, "answered": 90}}], [{"v": {"handled": 90}}], vendors=vendors)
    out = costs(res, sc).sla["x"]
    assert out.service_level == pytest.approx([service_level]) and out.breached.tolist() == [breached]
    assert out.terms["answer_within_s"] == {"all": 30.0}


def test_an_sla_may_judge_some_of_the_vendors_channels():
    data = copy.deepcopy(VENDOR_ONLY)
    data["channels"]["email"] = {"kind": "email", "volume": {"per_day": 10}, "handle_time": PHONE["handle_time"]}
    data["agent_groups"]["v"]["skills"] = ["phone", "email"]
    data["vendors"]["x"]["routing"]["channels"] = ["phone", "email"]
    data["vendors"]["x"]["sla"] = {"min_service_level": 0.9, "channels": ["email"]}
    sc = ccsim.scenario_from_dict(data)
    vendors = [
        {
            "x": {
                "phone": {"offered": 10, "answered": 10, "answered_within": 5},
                "email": {"offered": 20, "answered": 20, "answered_within": 19},
            }
        }
    ]
    out = costs(make_result(sc, [{}], [{}], vendors=vendors), sc).sla["x"]
    assert out.service_level == pytest.approx([19 / 20]) and not out.breached[0]  # the calls' 50 % not judged
    assert out.terms["channels"] == ["email"] and out.terms["answer_within_s"] == {"email": 86400.0}
    data["vendors"]["x"]["sla"]["channels"] = ["chat"]
    with pytest.raises(ccsim.ScenarioError, match=r"vendors\.x\.sla\.channels\.0: 'chat' is not a channel the vendor"):
        ccsim.scenario_from_dict(data)


def test_the_warm_up_does_not_scale_up_the_hours_a_staffing_plan_fixes():
    data = copy.deepcopy(IN_HOUSE)
    data["calendar"] = {"interval_min": 60, "open": "09:00", "close": "17:00", "days": 7}
    data["agent_groups"]["staff"] = {"skills": ["phone", "chat"], "staffing": [1, 1, 5, 5, 5, 5, 5, 5]}
    data["costs"] = {"wage_per_hour": 1000, "fte_hours_per_week": 40}
    sc = ccsim.scenario_from_dict(data)
    measured = [False, False] + [True] * 54  # a two-hour warm-up on Monday
    cr = costs(make_result(sc, [{}], [{}], measured=measured), sc)
    # 32 hours a day, 224 a week: 5.6 FTE; a month of 224 x 30.4375 / 7 hours at 1,000
    assert cr.fte == pytest.approx([5.6]) and cr.items["in_house.wages"] == pytest.approx([224 * 1000 * W])


def test_a_one_day_run_on_a_closed_weekday_is_refused():
    data = copy.deepcopy(VENDOR_ONLY)
    data["calendar"].update(start_weekday="sat", day_of_week_factors={"sat": 0, "sun": 0})
    sc = ccsim.scenario_from_dict(data)
    with pytest.raises(ccsim.CcsimError, match=r"^calendar\.start_weekday: the run's only day, sat, is closed"):
        costs(make_result(sc, [{}], [{}]), sc)


def test_an_sla_with_nothing_in_its_scope_is_not_judged():
    data = copy.deepcopy(VENDOR_ONLY)
    data["channels"]["email"] = {"kind": "email", "volume": {"per_day": 10}, "handle_time": PHONE["handle_time"]}
    data["agent_groups"]["v"]["skills"] = ["phone", "email"]
    data["vendors"]["x"]["routing"]["channels"] = ["phone", "email"]
    data["vendors"]["x"]["sla"] = {"min_service_level": 0.9, "channels": ["email"], "bonus": 5000}
    sc = ccsim.scenario_from_dict(data)
    calls_only = [{"x": {"phone": {"offered": 10, "answered": 10, "answered_within": 10}}}]
    cr = costs(make_result(sc, [{}], [{}], vendors=calls_only), sc)
    assert cr.sla["x"].judged.tolist() == [False] and cr.items["vendor.x.sla_bonus"] == pytest.approx([0])
    data["vendors"]["x"]["sla"] = {"min_service_level": 0.9, "short_abandon_s": 5, "bonus": 5000}
    sc = ccsim.scenario_from_dict(data)
    all_short = [{"x": {"phone": {"offered": 4, "abandoned": 4, "abandoned_short": 4}}}]
    cr = costs(make_result(sc, [{}], [{}], vendors=all_short), sc)
    assert cr.sla["x"].judged.tolist() == [False] and cr.items["vendor.x.sla_bonus"] == pytest.approx([0])
