"""The time-varying Erlang A solved exactly (``ccsim.transient``).

Checked against the stationary formulas (a day of one rate settles to Erlang A exactly),
against the simulation (theory inside the confidence interval of many replications, staffing
going up and down), and the search against the known optimum of a small day found by trying
every staffing.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import ccsim
from ccsim.erlang import erlang_a_metrics
from ccsim.errors import CcsimError
from ccsim.results.layout import CH_STATS
from ccsim.transient import erlang_a_transient, transient_required_agents


def test_a_day_of_one_rate_settles_to_stationary_erlang_a():
    lam, aht, patience, agents = 0.05, 300.0, 180.0, 17
    m = erlang_a_transient([lam] * 20, aht, patience, [agents] * 20, interval_s=900, answer_within_s=20)
    exact = erlang_a_metrics(lam, aht, patience, agents, 20)
    mid = 12  # far from the empty start and from the close
    assert m.service_level[mid] == pytest.approx(exact.service_level, rel=1e-7)
    assert m.busy_agents[mid] == pytest.approx(exact.occupancy * agents, rel=1e-7)
    assert m.mean_queue_len[mid] == pytest.approx(exact.mean_queue_len, rel=1e-6)
    assert m.occupancy[mid] == pytest.approx(exact.occupancy, rel=1e-7)
    assert m.offered[mid] == pytest.approx(lam * 900)


def test_the_first_interval_starts_empty_and_the_queue_carries_over():
    """Starting empty, the first interval does better than steady state; after a peak with too
    few agents the queue carries over, so the next interval does worse than its steady state."""
    kw = {"interval_s": 900, "answer_within_s": 20}
    m = erlang_a_transient([0.05, 0.05], 300.0, 180.0, [17, 17], **kw)
    assert m.service_level[0] > erlang_a_metrics(0.05, 300.0, 180.0, 17, 20).service_level
    m = erlang_a_transient([0.08, 0.03], 300.0, 180.0, [16, 12], **kw)
    assert m.service_level[1] < erlang_a_metrics(0.03, 300.0, 180.0, 12, 20).service_level


#: Eight comparisons (two figures in four intervals), each at 1 - 0.05 / 8 (Bonferroni).
Z = 2.73


def _pooled(values: np.ndarray, counts: np.ndarray) -> tuple[float, float]:
    """Ratio of sums over replications and its half-width at ``Z`` (delta method)."""
    n = values.size
    ratio = values.sum() / counts.sum()
    resid = values - ratio * counts
    half = Z * np.sqrt(resid.var(ddof=1) / n) / counts.mean()
    return float(ratio), float(half)


def test_the_simulation_agrees_within_its_confidence_interval():
    """Staffing up, down and up again; exponential handle times and patience, nobody after closing.

    The exact service level is the long-run share (answered within the target over offered,
    over many days), so it is compared with the ratio of the sums over replications."""
    rates = np.array([0.006, 0.012, 0.009, 0.004])  # contacts per second in four 15-minute intervals
    agents = [2, 4, 2, 3]
    aht, patience, answer = 240.0, 120.0, 20
    sc = ccsim.scenario_from_dict(
        {
            "name": "four intervals",
            "calendar": {"interval_min": 15, "open": "09:00", "close": "10:00", "days": 1},
            "channels": {
                "phone": {
                    "kind": "voice",
                    "volume": {"per_interval": [float(r * 900) for r in rates]},
                    "handle_time": {"dist": "exponential", "mean_s": aht},
                    "patience": {"dist": "exponential", "mean_s": patience},
                    "targets": {"min_service_level": 0.8, "answer_within_s": answer},
                }
            },
            "agent_groups": {"agents": {"skills": ["phone"], "staffing": agents}},
        }
    )
    res = ccsim.simulate(sc, replications=8000, seed=11)
    exact = erlang_a_transient(rates, aht, patience, agents, interval_s=900, answer_within_s=answer)
    sums = res.channel_sums[:, 0]  # (replications, intervals, stats)
    col = {name: i for i, name in enumerate(CH_STATS)}
    for k in range(rates.size):
        level, half = _pooled(sums[:, k, col["answered_within"]], sums[:, k, col["offered"]])
        assert abs(level - exact.service_level[k]) < half, (k, level, half, exact.service_level[k])
        queue = sums[:, k, col["queue_s"]] / 900
        assert abs(queue.mean() - exact.mean_queue_len[k]) < Z * queue.std(ddof=1) / np.sqrt(queue.size), k


def test_required_agents_is_the_known_optimum_of_a_small_day():
    """Every staffing of a 4-interval day tried: the search finds the fewest agent-intervals."""
    rates = np.array([0.004, 0.015, 0.01, 0.0])
    kw = {"interval_s": 900, "answer_within_s": 20}
    found = transient_required_agents(rates, 240.0, 120.0, min_service_level=0.8, **kw)
    assert found[3] == 0  # nothing arrives
    best = None
    for s in itertools.product(range(1, 6), range(2, 8), range(1, 7)):
        total = sum(s)
        if best is not None and total >= best:
            continue
        levels = erlang_a_transient(rates, 240.0, 120.0, [*s, 0], **kw).service_level
        if np.all(levels[:3] >= 0.8 - 1e-9):
            best = total
    assert found.sum() == best
    levels = erlang_a_transient(rates, 240.0, 120.0, found, **kw).service_level
    assert np.all(levels[:3] >= 0.8 - 1e-9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"answer_within_s": 1000}, "answer_within_s: must be at most interval_s (900)"),
        ({"agents": [1, 2, 3]}, "agents: must be one whole number per interval (2)"),
        ({"agents": [1, 2.5]}, "agents: must be whole numbers >= 0"),
        ({"aht_s": 0}, "aht_s"),
        ({"arrival_rates_per_s": [0.1, -1]}, "arrival_rates_per_s"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    args = {"arrival_rates_per_s": [0.01, 0.02], "aht_s": 300, "patience_s": 120, "agents": [3, 4]}
    args.update(kwargs)
    answer = args.pop("answer_within_s", 20)
    with pytest.raises(CcsimError) as err:
        erlang_a_transient(**args, interval_s=900, answer_within_s=answer)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_no_arrivals_no_agents():
    m = erlang_a_transient([0.0, 0.0], 300, 120, [0, 0], interval_s=900, answer_within_s=20)
    assert np.all(np.isnan(m.service_level)) and np.all(np.isnan(m.occupancy))
    assert m.waiting_at_end == 0.0
    kw = {"interval_s": 900, "answer_within_s": 20, "min_service_level": 0.8}
    assert transient_required_agents([0.0, 0.0], 300, 120, **kw).tolist() == [0, 0]
