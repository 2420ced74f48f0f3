"""Replications per second with 1, 2, ... worker processes and on a dask LocalCluster, and the driver's memory.

Throughput: the bundled ``launch_sizing`` desk (three channels, 90 intervals, about 10,000
contacts a replication) is simulated in this process, then with a process pool of 1, 2, ...
workers (``concurrent.futures.ProcessPoolExecutor``, as ``--workers N``), then, when dask is
installed, on a ``LocalCluster`` of 1, 2, ... single-threaded worker processes (as ``--dask
local``). Every run has the same seed and must give the in-process numbers bit for bit (the
script checks it). It prints replications per second, the speed-up over this process and the
parallel efficiency (speed-up / workers; 1.0 is perfect). Pools and clusters are started and
warmed up before the clock starts (their start-up time is printed apart).

Memory: the driver (this process) keeps every replication's per-interval sums, so its memory
grows with the result and with nothing else. A 5-day desk with few contacts (240 intervals,
where the result, not the simulation, dominates) is run on 2 worker processes with a small
and a large number of replications; the script prints the driver's peak memory (tracemalloc:
Python and NumPy allocations), the result's size, and the difference, which stays flat.

    python benchmarks/scaling.py [--replications 60] [--max-workers N] [--quick]

On the 2-core machines of this project, shared with other work, what two processes give
depends on what else runs: from about one core's throughput (efficiency near 0.5) when the
machine is busy to two cores' when it is idle. Parallel runs are for bigger machines and
clusters; the numbers show that the overhead is small. The full run takes about 2 minutes.
Last run (machine quiet): in this process 8.1 replications/s; 1 process 8.2 (x1.00); 2
processes 16.3 (x2.01, efficiency 1.00); dask LocalCluster 1 worker 7.6 (x0.94), 2 workers
14.4 (x1.77, efficiency 0.88); all identical. Driver peak 25.9 MB with 200 replications (the
result 23.3 MB) and 229.2 MB with 2,000 (the result 224.6 MB): 2.6 and 4.5 MB besides. A
``--quick`` run while others worked gave x1.17 with 2 processes.
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

import ccsim
from ccsim import parallel

ROOT = Path(__file__).resolve().parents[1]
SEED = 11

MEMORY_DESK = {
    "name": "long, few contacts",
    "calendar": {"interval_min": 30, "days": 5},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 20},
            "handle_time": {"dist": "exponential", "mean_s": 180},
            "patience": {"dist": "exponential", "mean_s": 120},
        },
        "email": {"kind": "email", "volume": {"per_day": 5}, "handle_time": {"dist": "exponential", "mean_s": 300}},
    },
    "agent_groups": {"a": {"skills": ["phone", "email"], "staffing": 2}},
}


def timed(scenario, reps: int, executor) -> tuple[float, ccsim.SimulationResult]:
    t0 = time.perf_counter()
    res = ccsim.simulate(scenario, replications=reps, seed=SEED, executor=executor)
    return reps / (time.perf_counter() - t0), res


def identical(a, b) -> bool:
    return (
        np.array_equal(a.channel_sums, b.channel_sums)
        and np.array_equal(a.group_sums, b.group_sums)
        and np.array_equal(a.interval_wait_hist, b.interval_wait_hist)
    )


def line(label: str, rate: float, base: float, workers: int, same: bool) -> str:
    speedup = rate / base
    return (
        f"  {label:<30} {rate:7.2f} replications/s  x{speedup:4.2f} of one process  "
        f"efficiency {speedup / workers:4.2f}  {'identical' if same else 'DIFFERENT NUMBERS'}"
    )


def throughput(reps: int, max_workers: int) -> None:
    sc = ccsim.load_scenario(ROOT / "scenarios" / "launch_sizing.yaml")
    ccsim.simulate(sc, replications=1, seed=SEED)  # warm up imports and caches
    base, serial = timed(sc, reps, None)
    print(f"launch_sizing, {reps} replications, seed {SEED}, {os.cpu_count()} CPUs")
    print(f"  {'in this process':<30} {base:7.2f} replications/s")
    for n in range(1, max_workers + 1):
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=n) as ex:
            ccsim.simulate(sc, replications=n, seed=SEED + 1, executor=ex)  # start and warm up every worker
            started = time.perf_counter() - t0
            rate, res = timed(sc, reps, ex)
        print(line(f"{n} process{'es' if n > 1 else ''}", rate, base, n, identical(serial, res)))
        print(f"  {'':<30} (pool start-up and warm-up {started:.1f} s, not counted)")
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("  dask: not installed (pip install 'ccsim[dask]'), skipped")
        return
    for n in range(1, max_workers + 1):
        t0 = time.perf_counter()
        with parallel.executor(dask="local", workers=n) as ex:
            ccsim.simulate(sc, replications=n, seed=SEED + 1, executor=ex)
            started = time.perf_counter() - t0
            rate, res = timed(sc, reps, ex)
        print(line(f"dask LocalCluster, {n} worker{'s' if n > 1 else ''}", rate, base, n, identical(serial, res)))
        print(f"  {'':<30} (cluster start-up and warm-up {started:.1f} s, not counted)")


def driver_memory(small: int, large: int) -> None:
    sc = ccsim.scenario_from_dict(MEMORY_DESK)
    print(f"driver memory, 5 days of 30-minute intervals ({sc.calendar.intervals}), 2 worker processes:")
    with parallel.executor(workers=2) as ex:
        ccsim.simulate(sc, replications=2, seed=SEED, executor=ex)  # warm up
        rows = []
        for reps in (small, large):
            tracemalloc.start()
            res = ccsim.simulate(sc, replications=reps, seed=SEED, executor=ex)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            arrays = (res.channel_sums, res.group_sums, res.wait_hist, res.interval_wait_hist)
            kept = sum(a.nbytes for a in arrays)
            rows.append((reps, peak, kept))
            del res, arrays
    for reps, peak, kept in rows:
        print(
            f"  {reps:5d} replications: peak {peak / 2**20:6.1f} MB, of which the result {kept / 2**20:6.1f} MB, "
            f"the rest {(peak - kept) / 2**20:5.1f} MB"
        )
    (r1, p1, k1), (r2, p2, k2) = rows
    print(
        f"  the rest grows by {((p2 - k2) - (p1 - k1)) / 2**20:.1f} MB for {r2 / r1:.0f}x the replications; "
        f"the result by {(k2 - k1) / (r2 - r1) / 1024:.0f} KB per replication"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=60, help="replications of each throughput run (60)")
    parser.add_argument("--max-workers", type=int, default=os.cpu_count() or 1, help="most workers (the CPUs)")
    parser.add_argument("--quick", action="store_true", help="20 replications, and 50/500 for the memory")
    args = parser.parse_args()
    reps = 20 if args.quick else args.replications
    throughput(reps, args.max_workers)
    print()
    driver_memory(50, 500) if args.quick else driver_memory(200, 2000)


if __name__ == "__main__":
    main()
