"""Simulation against theory: the exact value must lie inside the 99 % confidence interval.

Each case is a steady-state queue (constant arrival rate around the clock, a warm-up hour
left out) simulated with a fixed seed; the confidence interval comes from independent
replications. Low-variance KPIs are used (service level, abandonment, P(wait)).
"""

from __future__ import annotations

import pytest
from scipy import stats

from ccsim import erlang_a_metrics, erlang_b, erlang_c_metrics, scenario_from_dict
from ccsim.simulation import simulate

REPS = 30


def queue(
    *,
    rate_per_hour,
    handle,
    patience,
    agents,
    answer_within_s=20.0,
    days=1,
    reps=REPS,
    seed=2024,
    row="phone",
    skill=None,
    **channel,
):
    targets = {} if answer_within_s is None else {"min_service_level": 0.8, "answer_within_s": answer_within_s}
    data = {
        "name": "steady queue",
        "calendar": {"interval_min": 60, "days": days},
        "channels": {
            "phone": {
                "kind": "voice",
                "volume": {"per_day": rate_per_hour * 24},
                "handle_time": handle,
                "patience": patience,
                "targets": targets,
                **channel,
            }
        },
        "agent_groups": {"agents": {"skills": {"phone": skill or {}}, "staffing": agents}},
        "simulation": {"replications": reps, "seed": seed, "warmup_min": 60},
    }
    res = simulate(scenario_from_dict(data))
    return res.channel("phone") if row == "phone" else res.group("agents")


def assert_inside_99(row: dict, kpi: str, exact: float, reps: int = REPS) -> None:
    mean, half95 = row[kpi], row[f"{kpi}_ci95"]
    half99 = half95 * stats.t.ppf(0.995, reps - 1) / stats.t.ppf(0.975, reps - 1)
    assert abs(mean - exact) <= half99, f"{kpi}: exact {exact:.5f} outside {mean:.5f} +- {half99:.5f}"
    assert half99 < 0.25 * max(abs(exact), 1e-3) or kpi == "asa_s", f"{kpi}: interval too wide to test anything"


EXP = {"dist": "exponential", "mean_s": 180}


def test_mmc_matches_erlang_c():
    row = queue(rate_per_hour=200, handle=EXP, patience=None, agents=14)
    theory = erlang_c_metrics(200 / 3600, 180, 14, 20)
    assert_inside_99(row, "service_level", theory.service_level)
    assert_inside_99(row, "asa_s", theory.asa_s)


def test_mmc_p_wait_and_occupancy_match_erlang_c():
    theory = erlang_c_metrics(200 / 3600, 180, 11, 20)
    assert_inside_99(queue(rate_per_hour=200, handle=EXP, patience=None, agents=11, seed=5), "p_wait", theory.p_wait)
    group = queue(rate_per_hour=200, handle=EXP, patience=None, agents=11, seed=6, row="agents")
    assert_inside_99(group, "occupancy", theory.occupancy)


def test_service_level_without_an_answer_target_is_measured_at_20_s():
    # textbook_erlang_c without targets once reported 100 % (everything answered "within" no
    # threshold) beside an ASA of 7.9 s; the default answer target is 20 s, as in the calculator
    row = queue(rate_per_hour=200, handle=EXP, patience=None, agents=12, answer_within_s=None, seed=9)
    assert row["answer_within_s"] == 20.0
    assert_inside_99(row, "service_level", erlang_c_metrics(200 / 3600, 180, 12, 20).service_level)


def test_mmc_probability_of_waiting_matches_erlang_c():
    # with an answer target of 0 s the service level is 1 - P(wait)
    row = queue(rate_per_hour=200, handle=EXP, patience=None, agents=13, answer_within_s=0.0, seed=7)
    theory = erlang_c_metrics(200 / 3600, 180, 13, 0)
    assert_inside_99(row, "service_level", 1 - theory.p_wait)


def test_mmc_with_abandonment_matches_erlang_a():
    patience = {"dist": "exponential", "mean_s": 120}
    row = queue(rate_per_hour=200, handle=EXP, patience=patience, agents=9)
    theory = erlang_a_metrics(200 / 3600, 180, 120, 9, 20)
    assert_inside_99(row, "abandon_rate", theory.p_abandon)
    assert_inside_99(row, "service_level", theory.service_level)
    assert_inside_99(row, "asa_s", theory.asa_s)
    assert_inside_99(row, "mean_wait_all_s", theory.mean_wait_all_s)


def test_handle_time_per_interval_sets_the_mean_of_the_channels_distribution():
    # the channel's distribution says 600 s; the forecast says 180 s in every interval
    slow = {"dist": "exponential", "mean_s": 600}
    row = queue(rate_per_hour=200, handle=slow, patience=None, agents=14, handle_time_per_interval_s=[180] * 24)
    assert_inside_99(row, "service_level", erlang_c_metrics(200 / 3600, 180, 14, 20).service_level)


def test_patience_per_interval_sets_the_mean_of_the_channels_patience():
    patient = {"dist": "exponential", "mean_s": 1000}
    row = queue(rate_per_hour=200, handle=EXP, patience=patient, agents=9, patience_per_interval_s=[120] * 24)
    theory = erlang_a_metrics(200 / 3600, 180, 120, 9, 20)
    assert_inside_99(row, "abandon_rate", theory.p_abandon)
    assert_inside_99(row, "service_level", theory.service_level)


def test_a_groups_own_handle_time_replaces_the_channels():
    slow = {"dist": "exponential", "mean_s": 600}
    row = queue(rate_per_hour=200, handle=slow, patience=None, agents=14, skill={"handle_time": EXP}, seed=8)
    assert_inside_99(row, "service_level", erlang_c_metrics(200 / 3600, 180, 14, 20).service_level)


def test_mgcc_with_lognormal_handle_times_matches_erlang_b():
    # zero patience: a caller who finds every agent busy is lost; Erlang B is insensitive to
    # the handle-time distribution
    handle = {"dist": "lognormal", "mean_s": 180, "cv": 1.5}
    zero = {"dist": "deterministic", "value_s": 0}
    row = queue(rate_per_hour=160, handle=handle, patience=zero, agents=10)
    assert_inside_99(row, "abandon_rate", erlang_b(8.0, 10))


@pytest.mark.slow
@pytest.mark.parametrize(("rate", "agents"), [(100, 6), (300, 17), (600, 32), (1200, 62)])
def test_erlang_a_sweep(rate, agents):
    patience = {"dist": "exponential", "mean_s": 90}
    handle = {"dist": "exponential", "mean_s": 180}
    row = queue(rate_per_hour=rate, handle=handle, patience=patience, agents=agents, reps=40, seed=rate)
    theory = erlang_a_metrics(rate / 3600, 180, 90, agents, 20)
    assert_inside_99(row, "abandon_rate", theory.p_abandon, reps=40)
    assert_inside_99(row, "service_level", theory.service_level, reps=40)
