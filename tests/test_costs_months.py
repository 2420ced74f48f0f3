"""Monthly figures by simulation: billing months composed of days against whole simulated months,
and a weekday-only run against a whole week (docs/costs.md, "Month, week and billing month").

Theory, not pinned numbers: a month of contacts varies less than a week scaled to a month, so an
SLA judged on composed months must breach as often as one judged on months simulated whole, and
clearly less often than one judged on weeks; a desk closed at weekends costs the same a month
whether its run is five days or seven.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from scipy import stats

import ccsim
from ccsim.economics import costs
from ccsim.economics.months import billing_months
from ccsim.results.layout import GROUP_STATS

DESK = {
    "name": "sla desk",
    "calendar": {"interval_min": 60, "open": "09:00", "close": "17:00", "days": 7},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 100},
            "handle_time": {"dist": "exponential", "mean_s": 240},
            "patience": {"dist": "exponential", "mean_s": 60},
        }
    },
    "agent_groups": {"v": {"skills": ["phone"], "staffing": 2, "vendor": "x"}},
    "vendors": {
        "x": {
            "routing": {"mode": "whole_channel", "channels": ["phone"]},
            "pricing": {"per_contact": 100},
            "sla": {"min_answer_rate": 0.5, "penalty": 1000},
        }
    },
}


def desk(days, min_answer_rate=0.5):
    data = copy.deepcopy(DESK)
    data["calendar"]["days"] = days
    data["vendors"]["x"]["sla"]["min_answer_rate"] = min_answer_rate
    return ccsim.scenario_from_dict(data)


def share_ci(k, n):
    """A share and its normal-approximation standard error."""
    p = k / n
    return p, math.sqrt(max(p * (1 - p), 1 / n) / n)


def test_composed_billing_months_breach_as_often_as_months_simulated_whole():
    # the promise: the 10th percentile of monthly answer rates, from months simulated whole (seed 1)
    pilot = costs(ccsim.simulate(desk(28), replications=100, seed=1), desk(28))
    promise = float(np.quantile(pilot.sla["x"].answer_rate, 0.10))
    # months simulated whole: 28-day runs, each billing month its own replication's days (seed 2)
    whole = costs(ccsim.simulate(desk(28, promise), replications=100, seed=2), desk(28, promise)).sla["x"]
    # months composed of one-week runs: as many simulated days (seed 3)
    weeks_run = ccsim.simulate(desk(7, promise), replications=400, seed=3)
    composed = costs(weeks_run, desk(7, promise)).sla["x"]
    p_whole, se_whole = share_ci(int(whole.breached.sum()), 100)
    # composed months share days: their standard error is that of the 400 x 7 / 30.4375 = 92 months of data
    p_comp, _ = share_ci(int(composed.breached.sum()), 400)
    se_comp = math.sqrt(max(p_comp * (1 - p_comp), 1 / 92) / 92)
    z = stats.norm.ppf(0.995)
    assert abs(p_comp - p_whole) < z * math.hypot(se_whole, se_comp), (p_comp, p_whole)
    # a week scaled to a month (the old billing period) breaches far more often: its answer rate
    # varies about sqrt(30.4375 / 7) = 2.1 times as much
    sent = weeks_run.replication_values("answer_rate", channel="phone")
    p_week, se_week = share_ci(int((sent < promise).sum()), 400)
    assert p_week - p_comp > z * math.hypot(se_week, se_comp), (p_week, p_comp)


def closed_at_weekends(days):
    data = copy.deepcopy(DESK)
    data["calendar"].update(days=days, day_of_week_factors={"sat": 0, "sun": 0})
    data["agent_groups"]["staff"] = {"skills": ["phone"], "staffing": 1}
    data["vendors"]["x"]["routing"] = {"mode": "overflow", "after_wait_s": 30, "channels": ["phone"]}
    data["vendors"]["x"]["pricing"] = {"per_contact": 300, "monthly_fee": 20000}
    data["costs"] = {"wage_per_hour": 2000, "telecom_per_handled_minute": 5, "seat_per_month": 30000}
    return ccsim.scenario_from_dict(data)


def test_a_weekday_only_run_and_a_whole_week_cost_the_same_a_month():
    five = costs(ccsim.simulate(closed_at_weekends(5), replications=40, seed=5), closed_at_weekends(5))
    seven = costs(ccsim.simulate(closed_at_weekends(7), replications=40, seed=6), closed_at_weekends(7))
    assert five.weekdays == seven.weekdays == ("mon", "tue", "wed", "thu", "fri")
    assert five.week == "a week = the run's mon to fri (sat, sun closed)" and not five.notes
    # staffing: the same paid hours a month exactly; FTE of 8 paid hours a weekday: 40 a week
    assert np.allclose(five.items["in_house.wages"], seven.items["in_house.wages"])
    assert np.allclose(five.fte, 1.0)
    # telecom: a month of each replication, independent replications
    t = stats.ttest_ind(five.items["in_house.telecom"], seven.items["in_house.telecom"], equal_var=False)
    assert t.pvalue > 0.001, (five.items["in_house.telecom"].mean(), seven.items["in_house.telecom"].mean())
    # the vendor's composed months share days, so their spread understates the mean's; its
    # standard error is that of a month of each replication (the same days, each once)
    z = stats.norm.ppf(0.9995)
    means, errors = [], []
    for cr, sc, seed in ((five, closed_at_weekends(5), 5), (seven, closed_at_weekends(7), 6)):
        res = ccsim.simulate(sc, replications=40, seed=seed)
        handled = res.group_sums[:, list(sc.agent_groups).index("v"), :, GROUP_STATS.index("handled")]
        monthly = 300 * billing_months(res, sc).by_replication(handled)
        means.append(cr.items["vendor.x.contacts"].mean())
        errors.append(monthly.std(ddof=1) / math.sqrt(len(monthly)))
        assert abs(means[-1] - monthly.mean()) < z * errors[-1]
    assert abs(means[0] - means[1]) < z * math.hypot(*errors), means


def test_the_launch_desk_of_the_docs_costs_its_five_weekdays_a_month():
    # docs/costs.md, "A weekday-only run": staffing is given, so the wages are exact
    from pathlib import Path

    sc = ccsim.load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "launch_sizing.yaml")
    cr = costs(ccsim.simulate(sc, replications=2, seed=1), sc)
    horizon = cr.items["in_house.wages"] * cr.months
    assert horizon == pytest.approx([3725357.14] * 2, abs=0.01)  # 5 days of paid hours x the wage
    assert round(float(cr.items["in_house.wages"][0])) == 16198651 == round(3725357 * 30.4375 / 7)
    assert cr.not_simulated == ("sat", "sun")


def test_the_half_width_of_composed_months_matches_the_spread_between_seeds():
    # per-contact pricing on one-week runs: composed months share days, so the spread of their
    # values understates the uncertainty of their mean; CostResult.mean_ci widens it by
    # sqrt(overlap). Judged against the standard deviation of the mean over 40 seeds.
    sc = closed_at_weekends(7)
    means, halves = [], []
    for seed in range(40):
        cr = costs(ccsim.simulate(sc, replications=20, seed=100 + seed), sc)
        mean, half = cr.mean_ci("vendor.x.contacts")
        means.append(mean)
        halves.append(half / stats.t.ppf(0.975, 19))  # the standard error it implies
    assert cr.overlap > 4
    ratio = float(np.mean(halves)) / float(np.std(means, ddof=1))
    # the spread of 40 means is known to about +-25 % (chi-square, 39 degrees of freedom)
    assert 0.65 < ratio < 1.5, ratio


# --------------------------------------------------------------------------- composed months, by construction


def poisson_days(replications, days, rng):
    return rng.poisson(100, size=(replications, days)).astype(float)


def test_a_month_composed_of_typical_days_varies_as_a_month_of_days():
    from ccsim.economics.months import _compose
    from ccsim.weeks import week_basis

    rng = np.random.default_rng(7)
    days = poisson_days(2000, 1, rng)
    months = _compose(week_basis(1, "mon"), np.zeros(1, dtype=int), np.ones(1, bool), np.arange(2000))
    composed = months.compose_days(days)
    # a month of 30.4375 independent Poisson(100) days: mean 3,043.75, sd sqrt(3,043.75) = 55.2
    assert composed.mean() == pytest.approx(3043.75, rel=0.01)
    assert composed.std() == pytest.approx(math.sqrt(3043.75), rel=0.15)
    assert months.overlap > 28  # each day of a month from another replication


def test_a_long_run_is_priced_over_all_its_days():
    from ccsim.economics.months import _compose
    from ccsim.weeks import week_basis

    week = week_basis(70, "mon")
    ramp = np.concatenate([np.ones(35), 3 * np.ones(35)])[None, :]  # volume triples after five weeks
    months = _compose(week, np.arange(70), np.ones(70, bool), np.arange(1))
    exact = float(week.per_month(ramp)[0])  # 30.4375 x 2 a day
    assert exact == pytest.approx(2 * 30.4375)
    assert months.compose_days(ramp)[0] == pytest.approx(exact, rel=0.06) and months.overlap == 1


def test_ccsim_run_prints_and_writes_the_costs_of_a_priced_scenario(tmp_path, capsys):
    import json
    from pathlib import Path

    from ccsim.cli import main

    root = Path(__file__).resolve().parents[1] / "scenarios"
    args = ["run", str(root / "outsourcing_comparison.yaml"), "--variant", "hybrid_nights", "--replications", "3"]
    assert main([*args, "--seed", "5"]) == 0
    text = capsys.readouterr().out
    sc = ccsim.load_scenario(root / "outsourcing_comparison.yaml").variant("hybrid_nights")
    cr = costs(ccsim.simulate(sc, replications=3, seed=5), sc)
    assert "Costs per month" in text and f"{cr.mean_ci('per_month')[0]:,.0f}" in text
    assert "a week = the run's 7 days" in text
    assert main([*args, "--seed", "5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cost"]["per_month"]["mean"] == pytest.approx(cr.mean_ci("per_month")[0])
    out = tmp_path / "out"
    assert main([*args, "--seed", "5", "--out", str(out)]) == 0
    rows = (out / "costs.csv").read_text().splitlines()
    assert rows[0] == "item,per_month,per_month_ci95,one_off,currency" and any(r.startswith("total,") for r in rows)
    # a scenario that prices nothing shows no costs
    capsys.readouterr()
    assert main(["run", str(root / "erlang_a_abandonment.yaml"), "--replications", "2"]) == 0
    assert "Costs per month" not in capsys.readouterr().out
