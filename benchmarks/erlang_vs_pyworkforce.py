"""Size 10,000 intervals with ccsim (one call) and with pyworkforce (one interval at a time).

Prints both times, the ratio, and, where the two disagree on the number of agents, which of the
two is right there (checked against an independent pure-Python Erlang B recursion). Goal: ccsim
at least 100x faster, identical wherever pyworkforce is right.

    pip install ".[benchmark]" && python benchmarks/erlang_vs_pyworkforce.py [--intervals N]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from ccsim.erlang import required_agents


def reference_service_level(load: float, n: int, aht_s: float, t_s: float) -> float:
    """Erlang C service level from the forward Erlang B recursion (pure Python, independent)."""
    if n <= load:
        return 0.0
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    c = n * b / (n - load * (1 - b))
    return 1.0 - c * math.exp(-(n - load) * t_s / aht_s)


def is_minimal(load: float, n: int, aht_s: float, t_s: float, target: float) -> bool:
    return reference_service_level(load, n, aht_s, t_s) >= target and (
        n == 0 or reference_service_level(load, n - 1, aht_s, t_s) < target
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    from pyworkforce.queuing import ErlangC

    rng = np.random.default_rng(args.seed)
    n_iv = args.intervals
    interval_min = 30.0
    aht_s = rng.uniform(120, 420, n_iv).round()
    # mostly small and medium desks (0.2 to 300 Erlangs), 5 % very large ones (up to 5,000 Erlangs)
    load = np.where(
        rng.random(n_iv) < 0.95,
        np.exp(rng.uniform(np.log(0.2), np.log(300), n_iv)),
        np.exp(rng.uniform(np.log(300), np.log(5000), n_iv)),
    )
    volume = np.maximum(np.round(load * interval_min * 60 / aht_s), 1)
    rate = volume / (interval_min * 60)
    target, t_s = 0.8, 20.0

    t0 = time.perf_counter()
    ours = required_agents(rate, aht_s, answer_within_s=t_s, min_service_level=target).agents
    t_ours = time.perf_counter() - t0

    t0 = time.perf_counter()
    theirs = np.array(
        [
            ErlangC(transactions=v, aht=a / 60, asa=t_s / 60, interval=interval_min).required_positions(target)[
                "raw_positions"
            ]
            for v, a in zip(volume, aht_s, strict=True)
        ]
    )
    t_theirs = time.perf_counter() - t0

    differ = np.flatnonzero(ours != theirs)
    ours_right = theirs_right = neither = 0
    for i in differ:
        a = float(rate[i] * aht_s[i])
        o = is_minimal(a, int(ours[i]), aht_s[i], t_s, target)
        p = is_minimal(a, int(theirs[i]), aht_s[i], t_s, target)
        ours_right += o
        theirs_right += p
        neither += not (o or p)
    print(f"intervals: {n_iv} (offered load {load.min():.2f} to {load.max():.0f} Erlangs), 80 % in 20 s")
    print(f"ccsim required_agents, one call:     {t_ours:9.3f} s")
    print(f"pyworkforce ErlangC, one at a time:  {t_theirs:9.3f} s")
    print(f"speed ratio (pyworkforce / ccsim):   {t_theirs / t_ours:9.1f} x   (goal >= 100 x)")
    print(f"intervals where the two differ:      {differ.size}")
    print(f"  of those, ccsim is the true minimum:        {ours_right}")
    print(f"  of those, pyworkforce is the true minimum:  {theirs_right}")
    print(f"  neither:                                    {neither}")
    if differ.size:
        i = differ[0]
        print(
            f"  e.g. load {rate[i] * aht_s[i]:.2f} Erl: ccsim {ours[i]}, pyworkforce {theirs[i]} "
            f"(pyworkforce starts its search at round(load + 1))"
        )
    # identical where pyworkforce is right: no interval where pyworkforce has the minimum and ccsim not
    print(f"identical wherever pyworkforce is right: {theirs_right == 0}")


if __name__ == "__main__":
    main()
