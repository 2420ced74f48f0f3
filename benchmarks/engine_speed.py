"""Speed and memory of the simulation engine against idiomatic SimPy and Ciw, in one run.

The standard workload: one phone queue, 9.5 calls per minute, exponential handle time with a
mean of 1 minute, 10 agents, exponential patience with a mean of 2 minutes, 1,000,000 callers.
The script runs ccsim, an idiomatic SimPy model (a Resource and one process per caller with
``yield request | timeout(patience)``) and Ciw with reneging; checks that all three agree with
Erlang A; prints callers per second and the ratios (goal: ccsim at least 6x SimPy and 12x
Ciw; the SimPy goal is against the fastest idiomatic form, drawing with Python's
``random.expovariate`` as SimPy's own examples do, and the form with numpy scalar draws is
printed for information); prints the SimPy reference engine's speed against idiomatic SimPy;
checks that ccsim's memory does not grow with the run length; and prints contacts per second
on the largest bundled scenario.

    pip install ".[benchmark]" && python benchmarks/engine_speed.py [--callers N]
"""

from __future__ import annotations

import argparse
import math
import random  # noqa: TID251 - SimPy's own examples draw with Python's random: the honest reference
import time
import tracemalloc
from pathlib import Path

import numpy as np
import simpy

import ccsim
import ccsim.simulation  # imported now: the timings measure simulation, not imports
from ccsim.engine import ContactCenter
from ccsim.erlang import erlang_a_metrics
from ccsim.planning.guess import planned_by_planner

RATE_PER_MIN, AHT_S, PATIENCE_S, AGENTS = 9.5, 60.0, 120.0, 10
ROOT = Path(__file__).resolve().parents[1]


def standard_scenario(callers: int, days: int | None = None) -> ccsim.Scenario:
    """The standard workload as a ccsim scenario: enough whole days for ``callers``.

    With ``days`` the callers are spread over that many days instead (the load per agent
    then differs, which is fine for a memory measurement).
    """
    if days is None:
        days = max(1, math.ceil(callers / (RATE_PER_MIN * 1440)))
        per_day = RATE_PER_MIN * 1440
    else:
        per_day = callers / days
    return ccsim.scenario_from_dict(
        {
            "name": "standard workload",
            "calendar": {"interval_min": 60, "days": days},
            "channels": {
                "phone": {
                    "kind": "voice",
                    "volume": {"per_day": per_day},
                    "handle_time": {"dist": "exponential", "mean_s": AHT_S},
                    "patience": {"dist": "exponential", "mean_s": PATIENCE_S},
                    "targets": {"min_service_level": 0.8, "answer_within_s": 20},
                }
            },
            "agent_groups": {"agents": {"skills": ["phone"], "staffing": AGENTS}},
        }
    )


def run_ccsim(callers: int, engine: str = "fast") -> tuple[int, float, float]:
    sc = standard_scenario(callers)
    t0 = time.perf_counter()
    res = ccsim.simulate(sc, replications=1, seed=1, engine=engine)
    dt = time.perf_counter() - t0
    return res.contacts, dt, res.channel("phone")["abandon_rate"]


def run_idiomatic_simpy(callers: int, draws: str = "random") -> tuple[int, float, float]:
    """SimPy's own example style: a Resource, a process per caller, ``request | timeout(patience)``.

    ``draws="random"`` draws with Python's ``random.Random.expovariate``, as SimPy's examples
    do (the fastest idiomatic form: the reference for the goal); ``draws="numpy"`` with numpy
    scalar draws, which cost more per call and flatter the ratio.
    """
    if draws == "random":
        gen = random.Random(1)

        def exponential(mean: float) -> float:
            return gen.expovariate(1.0 / mean)
    else:
        rng = np.random.default_rng(1)
        exponential = rng.exponential
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    counts = {"abandoned": 0}

    def caller(env, handle, patience):
        with agents.request() as req:
            res = yield req | env.timeout(patience)
            if req in res:
                yield env.timeout(handle)
            else:
                counts["abandoned"] += 1

    def source(env):
        for _ in range(callers):
            yield env.timeout(exponential(60.0 / RATE_PER_MIN))
            env.process(caller(env, exponential(AHT_S), exponential(PATIENCE_S)))

    t0 = time.perf_counter()
    env.process(source(env))
    env.run()
    return callers, time.perf_counter() - t0, counts["abandoned"] / callers


def run_ciw(callers: int) -> tuple[int, float, float]:
    try:
        import ciw
    except ImportError:
        raise SystemExit("engine_speed: Ciw is not installed: pip install ciw, or pass --skip-ciw") from None

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE_PER_MIN / 60)],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT_S)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1 / PATIENCE_S)],
    )
    ciw.seed(1)
    sim = ciw.Simulation(network)
    t0 = time.perf_counter()
    sim.simulate_until_max_customers(callers, method="Arrive")
    dt = time.perf_counter() - t0
    records = sim.get_all_records()
    reneged = sum(r.record_type == "renege" for r in records)
    return callers, dt, reneged / max(len(records), 1)


def peak_memory_mb(callers: int, days: int) -> float:
    sc = standard_scenario(callers, days)
    tracemalloc.start()
    ContactCenter(sc, 1, 0).run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def largest_bundled() -> tuple[str, int, float]:
    best = ("", 0, 0.0)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        sc = ccsim.load_scenario(path)
        if planned_by_planner(sc):  # groups the planner sizes (staffing: plan) have no staffing to simulate
            continue
        t0 = time.perf_counter()
        res = ccsim.simulate(sc, replications=1, seed=1)
        dt = time.perf_counter() - t0
        if res.contacts > best[1]:
            best = (path.name, res.contacts, dt)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callers", type=int, default=1_000_000)
    parser.add_argument("--skip-ciw", action="store_true", help="leave Ciw out (it needs about 1 GB per 1M callers)")
    args = parser.parse_args()
    n = args.callers
    theory = erlang_a_metrics(RATE_PER_MIN / 60, AHT_S, PATIENCE_S, AGENTS, 20).p_abandon
    print(f"standard workload: {n:,} callers, 9.5/min, AHT 60 s, 10 agents, patience 120 s")
    print(f"Erlang A P(abandon) = {theory:.4f}")
    results = {
        "ccsim": run_ccsim(n),
        "ccsim reference": run_ccsim(n, engine="reference"),
        "idiomatic SimPy": run_idiomatic_simpy(n),
        "SimPy, numpy draws": run_idiomatic_simpy(n, draws="numpy"),
    }
    if not args.skip_ciw:
        results["Ciw"] = run_ciw(n)
    # agreement: within 3 standard errors of the share, the binomial one inflated 3x for the
    # correlation between successive callers of one run
    tolerance = 3 * 3 * math.sqrt(theory * (1 - theory) / n)
    print(f"agreement tolerance: +-{tolerance:.4f}")
    for name, (count, dt, p_ab) in results.items():
        agree = abs(p_ab - theory) < tolerance
        print(
            f"  {name:<16} {count / dt:>10,.0f} callers/s  ({dt:6.1f} s)  P(abandon) {p_ab:.4f}"
            f"  {'agrees with' if agree else 'DISAGREES with'} Erlang A"
        )
    rate = {name: count / dt for name, (count, dt, _) in results.items()}
    ours = rate["ccsim"]
    print(f"ccsim / idiomatic SimPy:      {ours / rate['idiomatic SimPy']:5.1f} x   (goal >= 6 x; random.expovariate)")
    print(f"ccsim / SimPy, numpy draws:   {ours / rate['SimPy, numpy draws']:5.1f} x   (for information)")
    if "Ciw" in rate:
        print(f"ccsim / Ciw:                  {ours / rate['Ciw']:5.1f} x   (goal >= 12 x)")
    print(
        f"reference engine / idiomatic SimPy: {rate['ccsim reference'] / rate['idiomatic SimPy']:4.2f} x"
        "   (idiomatic SimPy itself, with the whole desk's bookkeeping: it should not be much slower)"
    )
    base = max(n // 8, 20_000)
    days = max(1, math.ceil(base / (RATE_PER_MIN * 1440)))
    m1 = peak_memory_mb(base, days)
    m_more = peak_memory_mb(4 * base, days)
    m_longer = peak_memory_mb(4 * base, 4 * days)
    print(
        f"ccsim peak traced memory, {days} days: {m1:.1f} MB for {base:,} callers, {m_more:.1f} MB for "
        f"{4 * base:,} (ratio {m_more / m1:.2f}: nothing is kept per contact)"
    )
    print(
        f"  {4 * days} days, {4 * base:,} callers: {m_longer:.1f} MB (only the per-interval tables grow: "
        f"{(m_longer - m_more) * 1024 / (3 * days * 24):.1f} KB per interval)"
    )
    name, contacts, dt = largest_bundled()
    print(f"largest bundled scenario: {name}, {contacts:,} contacts in {dt:.2f} s = {contacts / dt:,.0f} contacts/s")


if __name__ == "__main__":
    main()
