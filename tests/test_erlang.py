"""The analytic core: exact values, identities, limits, edge cases and bad input."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg

from ccsim import CcsimError
from ccsim.erlang import (
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    required_agents,
    required_trunks,
    scheduled_agents,
)

# --------------------------------------------------------------------------- references


def exact_erlang_b(load: Fraction, n: int) -> Fraction:
    """Erlang B in exact rational arithmetic (the textbook recursion)."""
    b = Fraction(1)
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    return b


def float_erlang_b(load: float, n: int) -> float:
    """The forward recursion in floats: stable, used as reference for large n."""
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    return b


def brute_force_erlang_a(lam, aht, patience, n, t, states=400):
    """M/M/n+M by brute force: an explicitly truncated chain and, for the waiting time, the
    tagged caller's absorbing Markov chain solved with matrix exponentials."""
    mu, theta = 1 / aht, 1 / patience
    death = np.array([min(k, n) * mu + max(k - n, 0) * theta for k in range(states)])
    logp = np.zeros(states)
    for k in range(1, states):
        logp[k] = logp[k - 1] + math.log(lam / death[k])
    pi = np.exp(logp - logp.max())
    pi /= pi.sum()
    p_wait = pi[n:].sum()
    queue = np.maximum(np.arange(states) - n, 0)
    mean_queue = float(pi @ queue)
    sl = pi[:n].sum()
    p_served = pi[:n].sum()
    wait_served = 0.0
    for j in range(states - n):
        if pi[n + j :].sum() < 1e-16:  # the rest cannot move any result by 1e-8 relative
            break
        m = j + 1  # transient states: i = j..0 callers ahead
        q = np.zeros((m, m))
        served = np.zeros(m)
        for pos in range(m):
            ahead = j - pos
            q[pos, pos] = -(n * mu + ahead * theta + theta)
            if ahead > 0:
                q[pos, pos + 1] = n * mu + ahead * theta
            else:
                served[pos] = n * mu
        e0 = np.zeros(m)
        e0[0] = 1
        inv = np.linalg.solve(-q, served)  # P(served) = e0 (-Q)^-1 r
        p_j = inv[0]
        within = p_j - e0 @ linalg.expm(q * t) @ inv if t > 0 else 0.0
        sl += pi[n + j] * within
        p_served += pi[n + j] * p_j
        wait_served += pi[n + j] * np.linalg.solve(-q, inv)[0]  # E[W; served] = e0 Q^-2 r
    return {
        "p_wait": p_wait,
        "p_abandon": 1 - p_served,
        "service_level": sl,
        "asa_s": wait_served / p_served,
        "mean_wait_all_s": mean_queue / lam,
        "mean_queue_len": mean_queue,
    }


# --------------------------------------------------------------------------- Erlang B


@pytest.mark.parametrize("load", [Fraction(1, 2), Fraction(10), Fraction(103, 10), Fraction(47)])
def test_erlang_b_equals_exact_rational_recursion(load):
    for n in range(0, 80):
        exact = float(exact_erlang_b(load, n))
        assert erlang_b(float(load), n) == pytest.approx(exact, rel=1e-13, abs=1e-300)


@pytest.mark.parametrize(
    ("load", "n"),
    [(1e5, 100_000), (1e5, 99_000), (1e5, 101_500), (12345.6, 6173), (1e5, 50_001), (3e5, 300_500), (1e6, 1_000)],
)
def test_erlang_b_large_systems_match_stable_recursion(load, n):
    assert erlang_b(load, n) == pytest.approx(float_erlang_b(load, n), rel=1e-11)


def test_erlang_b_edge_values():
    assert erlang_b(0.0, 0) == 1.0
    assert erlang_b(0.0, 5) == 0.0
    assert erlang_b(5.0, 0) == 1.0
    assert erlang_b(1.0, 1) == pytest.approx(0.5, rel=1e-15)
    assert erlang_b(1.0, 5000) == 0.0  # below the smallest double, not NaN


def test_erlang_b_broadcasts():
    out = erlang_b(np.array([[1.0], [10.0]]), np.array([1, 2, 3]))
    assert out.shape == (2, 3)
    assert out[1, 2] == pytest.approx(float(exact_erlang_b(Fraction(10), 3)), rel=1e-14)


# --------------------------------------------------------------------------- Erlang C


def test_published_example_100_calls_per_half_hour():
    res = required_agents(100 / 1800, 180, answer_within_s=20, min_service_level=0.8, shrinkage=0.3)
    assert res.agents == 14
    assert round(res.metrics.service_level, 4) == 0.8884
    assert res.scheduled_agents == 20
    below = erlang_c_metrics(100 / 1800, 180, 13, 20)
    assert below.service_level < 0.8


def test_erlang_c_equals_exact_formula():
    load, n = Fraction(10), 14
    b = exact_erlang_b(load, n)
    c = n * b / (n - load * (1 - b))
    assert erlang_c(10.0, 14) == pytest.approx(float(c), rel=1e-14)
    m = erlang_c_metrics(10 / 180, 180.0, 14, 20.0)
    assert m.p_wait == pytest.approx(float(c), rel=1e-14)
    assert m.service_level == pytest.approx(1 - float(c) * math.exp(-(14 - 10) * 20 / 180), rel=1e-14)
    assert m.asa_s == pytest.approx(float(c) * 180 / 4, rel=1e-14)
    assert m.occupancy == pytest.approx(10 / 14, rel=1e-15)
    assert m.mean_queue_len == pytest.approx(10 / 180 * m.asa_s, rel=1e-14)  # Little's law


def test_erlang_c_unstable_and_idle_intervals():
    m = erlang_c_metrics(np.array([0.1, 0.1, 0.0, 0.0]), 100.0, np.array([10, 9, 0, 3]), 20.0)
    assert list(m.stable) == [False, False, True, True]
    assert list(m.p_wait) == [1.0, 1.0, 0.0, 0.0]
    assert list(m.service_level) == [0.0, 0.0, 1.0, 1.0]
    assert np.isinf(m.asa_s[:2]).all() and (m.asa_s[2:] == 0).all()
    assert list(m.occupancy) == [1.0, 1.0, 0.0, 0.0]
    assert erlang_c(10.0, 10) == 1.0 and erlang_c(11.0, 10) == 1.0


def test_erlang_c_monotone_in_agents():
    n = np.arange(11, 60)
    m = erlang_c_metrics(0.1, 100.0, n, 20.0)
    assert np.all(np.diff(m.service_level) >= 0)  # reaches 1.0 in floating point
    assert np.all(np.diff(m.service_level[:10]) > 0)
    assert np.all(np.diff(m.p_wait) < 0)
    assert np.all(np.diff(m.asa_s) < 0)


def test_huge_loads_stay_finite():
    m = erlang_c_metrics(1e6 / 100, 100.0, np.array([1_000_500, 1_002_000, 1_010_000]), 20.0)
    assert np.all((m.p_wait > 0) & (m.p_wait < 1))
    assert np.all(np.diff(m.p_wait) < 0)
    assert np.all(np.diff(m.asa_s) < 0)
    assert m.asa_s[0] == pytest.approx(m.p_wait[0] * 100 / 500, rel=1e-12)


# --------------------------------------------------------------------------- Erlang A


@pytest.mark.parametrize(
    ("lam", "aht", "patience", "n", "t"),
    [(100 / 1800, 180, 120, 9, 20), (100 / 1800, 180, 120, 14, 20), (0.2, 30, 45, 4, 10), (0.5, 20, 300, 8, 30)],
)
def test_erlang_a_matches_brute_force_chain(lam, aht, patience, n, t):
    ref = brute_force_erlang_a(lam, aht, patience, n, t)
    got = erlang_a_metrics(lam, aht, patience, n, t)
    for key, value in ref.items():
        assert getattr(got, key) == pytest.approx(value, rel=1e-8), key


def test_erlang_a_tends_to_erlang_c_as_patience_grows():
    c = erlang_c_metrics(100 / 1800, 180, 14, 20)
    a = erlang_a_metrics(100 / 1800, 180, 1e9, 14, 20)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-6)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-6)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-6)
    assert a.p_abandon < 1e-7


def test_erlang_a_tends_to_erlang_b_as_patience_vanishes():
    a = erlang_a_metrics(100 / 1800, 180, 1e-7, 12, 20)
    assert a.p_abandon == pytest.approx(erlang_b(10.0, 12), rel=1e-6)
    assert a.p_wait == pytest.approx(erlang_b(10.0, 12), rel=1e-6)


def test_erlang_a_abandonment_identity_and_littles_law():
    lam, patience = 0.08, 90.0
    m = erlang_a_metrics(lam, 150.0, patience, np.arange(0, 20), 15.0)
    # P(abandon) = mean wait of all callers / mean patience (exponential patience)
    assert np.allclose(m.p_abandon, m.mean_wait_all_s / patience, rtol=1e-10)
    assert np.allclose(m.mean_queue_len, lam * m.mean_wait_all_s, rtol=1e-12)
    # carried load = offered load x P(answered)
    assert np.allclose(m.occupancy[1:] * np.arange(1, 20), 12.0 * (1 - m.p_abandon[1:]), rtol=1e-10)


def test_erlang_a_monotone_and_stable_beyond_the_offered_load():
    m = erlang_a_metrics(0.1, 100.0, 60.0, np.arange(0, 30), 20.0)  # 10 Erlangs
    assert np.all(np.diff(m.service_level) > 0)
    assert np.all(np.diff(m.p_abandon) < 0)
    assert np.all(np.diff(m.asa_s[1:]) < 0)
    assert np.all(np.diff(m.occupancy[1:]) < 0)
    assert 0 < m.p_abandon[5] < 1  # 5 agents for 10 Erlangs: still a finite answer


def test_erlang_a_with_no_agents_and_no_contacts():
    m = erlang_a_metrics(0.1, 100.0, 60.0, 0, 20.0)
    assert (m.p_wait, m.p_abandon, m.service_level, m.occupancy) == (1.0, 1.0, 0.0, 0.0)
    assert math.isnan(m.asa_s)
    assert m.mean_wait_all_s == pytest.approx(60.0)
    idle = erlang_a_metrics(0.0, 100.0, 60.0, 3, 20.0)
    assert (idle.p_wait, idle.p_abandon, idle.service_level, idle.asa_s) == (0.0, 0.0, 1.0, 0.0)


def test_erlang_a_heavy_overload():
    m = erlang_a_metrics(10.0, 180.0, 60.0, 900, 20.0)  # 1800 Erlangs on 900 agents
    assert m.p_abandon == pytest.approx(0.5, abs=1e-3)  # fluid limit: 1 - n / A
    assert m.occupancy == pytest.approx(1.0, abs=1e-3)


# --------------------------------------------------------------------------- staffing


def _check_minimal(res, meets):
    n = np.atleast_1d(res.agents)
    assert np.all(meets(n))
    assert not np.any(meets(n - 1)[n > 0])


def test_required_agents_is_the_true_minimum_across_loads():
    rng = np.random.default_rng(7)
    load = np.concatenate([[0.3, 0.7, 10.5, 10.7, 99.5], np.exp(rng.uniform(np.log(0.05), np.log(6000), 200))])
    lam = load / 240
    res = required_agents(lam, 240.0, answer_within_s=30, min_service_level=0.8, max_asa_s=25, max_occupancy=0.9)

    def meets(n):
        m = erlang_c_metrics(lam, 240.0, np.maximum(n, 0), 30.0)
        return m.stable & (m.service_level >= 0.8) & (m.asa_s <= 25) & (m.occupancy <= 0.9) & (n >= 0)

    _check_minimal(res, meets)
    assert res.agents.max() > 5000


def test_required_agents_starts_at_the_smallest_stable_count():
    # 10.7 Erlangs with a low target: 11 agents suffice (not round(10.7 + 1) = 12)
    res = required_agents(10.7 / 100, 100.0, answer_within_s=20, min_service_level=0.05)
    assert res.agents == 11


def test_required_agents_erlang_a_goes_below_the_offered_load():
    res = required_agents(10.0, 180.0, patience_s=60.0, max_abandon_rate=0.5)  # 1800 Erlangs
    assert res.agents < 1800
    assert erlang_a_metrics(10.0, 180.0, 60.0, res.agents - 1, 0).p_abandon > 0.5
    assert res.metrics.p_abandon <= 0.5 + 1e-9


def test_required_agents_erlang_a_with_several_targets():
    lam = np.array([0.01, 0.05, 0.3])
    res = required_agents(
        lam, 200.0, patience_s=100.0, answer_within_s=20, min_service_level=0.7, max_abandon_rate=0.05
    )

    def meets(n):
        m = erlang_a_metrics(lam, 200.0, 100.0, np.maximum(n, 0), 20.0)
        return (m.service_level >= 0.7) & (m.p_abandon <= 0.05) & (n >= 0)

    _check_minimal(res, meets)


def test_required_agents_zero_contacts_needs_zero_agents():
    res = required_agents(np.array([0.0, 0.1]), 100.0, answer_within_s=20, min_service_level=0.8)
    assert res.agents[0] == 0 and res.scheduled_agents[0] == 0
    assert res.metrics.service_level[0] == 1.0
    res_a = required_agents(0.0, 100.0, patience_s=30.0, max_abandon_rate=0.01)
    assert res_a.agents == 0


def test_required_agents_max_p_wait_target():
    res = required_agents(0.1, 100.0, max_p_wait=0.2)
    assert erlang_c(10.0, res.agents) <= 0.2 < erlang_c(10.0, res.agents - 1)


def test_scheduled_agents_has_no_floating_point_surprises():
    assert scheduled_agents(21, 0.3) == 30
    assert scheduled_agents(14, 0.3) == 20
    assert scheduled_agents(0, 0.5) == 0
    assert list(scheduled_agents(np.array([7, 21, 22]), 0.3)) == [10, 30, 32]


def test_required_trunks():
    res = required_trunks(np.array([0.0, 10.0, 500.0]), 0.01, shrinkage=0.1)
    for load, n in zip([0.0, 10.0, 500.0], res.agents, strict=True):
        assert erlang_b(load, n) <= 0.01 or (load == 0 and n == 0)  # no load: no trunks needed
        assert n == 0 or erlang_b(load, n - 1) > 0.01
    assert res.agents[1] == 18
    assert res.scheduled_agents[1] == 20


# --------------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(
    lam=st.floats(0, 2),
    aht=st.floats(1, 600),
    patience=st.floats(1, 1000),
    n=st.integers(0, 60),
    t=st.floats(0, 120),
)
def test_erlang_a_metrics_are_probabilities(lam, aht, patience, n, t):
    m = erlang_a_metrics(lam, aht, patience, n, t)
    for p in (m.p_wait, m.p_abandon, m.service_level, m.occupancy):
        assert 0.0 <= p <= 1.0
    assert m.service_level <= 1 - m.p_abandon + 1e-12
    assert m.mean_wait_all_s >= 0
    assert math.isnan(m.asa_s) or m.asa_s >= 0


@settings(max_examples=80, deadline=None)
@given(lam=st.floats(0, 50), aht=st.floats(1, 600), n=st.integers(0, 20_000), t=st.floats(0, 120))
def test_erlang_c_metrics_are_probabilities(lam, aht, n, t):
    m = erlang_c_metrics(lam, aht, n, t)
    assert 0.0 <= m.p_wait <= 1.0 and 0.0 <= m.service_level <= 1.0 and 0.0 <= m.occupancy <= 1.0
    assert m.asa_s >= 0


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "name", "value"),
    [
        (lambda: erlang_c_metrics(-1, 100, 5, 20), "arrival_rate_per_s", "-1"),
        (lambda: erlang_c_metrics(float("nan"), 100, 5, 20), "arrival_rate_per_s", "nan"),
        (lambda: erlang_c_metrics(0.1, 0, 5, 20), "aht_s", "0"),
        (lambda: erlang_c_metrics(0.1, 100, 2.5, 20), "agents", "2.5"),
        (lambda: erlang_c_metrics(0.1, 100, -1, 20), "agents", "-1"),
        (lambda: erlang_c_metrics(0.1, 100, 5, -20), "answer_within_s", "-20"),
        (lambda: erlang_a_metrics(0.1, 100, 0, 5, 20), "patience_s", "0"),
        (lambda: erlang_a_metrics(0.1, 100, -3, 5, 20), "patience_s", "-3"),
        (lambda: erlang_b(-2, 3), "offered_load", "-2"),
        (lambda: required_agents(0.1, 100, answer_within_s=20, min_service_level=1.0), "min_service_level", "1.0"),
        (lambda: required_agents(0.1, 100, answer_within_s=20, min_service_level=0), "min_service_level", "0"),
        (lambda: required_agents(0.1, 100, max_asa_s=20, shrinkage=1.0), "shrinkage", "1.0"),
        (lambda: required_agents(0.1, 100, max_asa_s=20, shrinkage=-0.1), "shrinkage", "-0.1"),
        (lambda: scheduled_agents(3, 1.2), "shrinkage", "1.2"),
        (lambda: scheduled_agents(3.5, 0.2), "agents", "3.5"),
        (lambda: required_trunks(10, 0), "max_blocking", "0"),
        (lambda: erlang_c_metrics([0.1, -0.2], 100, 5, 20), "arrival_rate_per_s", "-0.2"),
    ],
)
def test_bad_input_names_argument_and_value(call, name, value):
    with pytest.raises(CcsimError) as info:
        call()
    msg = str(info.value)
    assert msg.startswith(name + ":")
    assert value in msg


def test_targets_need_their_companions():
    with pytest.raises(CcsimError, match="answer_within_s"):
        required_agents(0.1, 100, min_service_level=0.8)
    with pytest.raises(CcsimError, match="patience_s"):
        required_agents(0.1, 100, max_abandon_rate=0.05)
    with pytest.raises(CcsimError, match="at least one target"):
        required_agents(0.1, 100)


def test_no_load_needs_no_trunks():
    res = required_trunks(0.0, 0.01)
    assert res.agents == 0 and res.metrics.blocking == 0.0
    both = required_trunks(np.array([0.0, 8.0]), 0.01)
    assert list(both.agents) == [0, required_trunks(8.0, 0.01).agents]


def test_erlang_a_with_a_long_queue_sums_a_window_around_its_mode(monkeypatch):
    # far fewer agents than the load and a long patience: hundreds of thousands wait; the sums
    # over a window around the mode equal the sums from 0
    windowed = erlang_a_metrics(1.0, 100.0, 3e6, 80, 20.0)
    monkeypatch.setattr("ccsim.erlang.WINDOW_STATES", 10**12)
    full = erlang_a_metrics(1.0, 100.0, 3e6, 80, 20.0)
    for name in ("p_wait", "p_abandon", "asa_s", "mean_wait_all_s", "occupancy", "mean_queue_len"):
        assert getattr(windowed, name) == pytest.approx(getattr(full, name), rel=1e-9), name


def test_erlang_a_with_a_huge_patience_and_an_overloaded_queue_stays_small():
    # 10 Erlangs on 4 agents, patience of 30 years: the fluid limit abandons 1 - 4/10 of callers
    m = erlang_a_metrics(100 / 1800, 180.0, 1e9, 4, 20.0)
    assert m.p_abandon == pytest.approx(0.6, abs=1e-4) and m.service_level < 1e-9
