"""Memory a simulation result keeps as replications grow (every replication's sums are kept).

Runs a 5-day, 30-minute-interval desk (240 intervals, two channels, few contacts, so that the
result, not the simulation, dominates) with a small and a large number of replications, each in
its own process, and prints the peak resident memory of each and the memory per replication.
Wait histograms are pooled per interval, so memory grows with replications x intervals x the
~37 sums of a channel and a group, not x the 230 histogram bins.

    python benchmarks/result_memory.py [--replications 2000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys

CHILD = """
import resource, sys
import ccsim
data = {
    "name": "long",
    "calendar": {"interval_min": 30, "days": 5},
    "channels": {
        "phone": {"kind": "voice", "volume": {"per_day": 20}, "handle_time": {"dist": "exponential", "mean_s": 180},
                  "patience": {"dist": "exponential", "mean_s": 120}},
        "email": {"kind": "email", "volume": {"per_day": 5}, "handle_time": {"dist": "exponential", "mean_s": 300}},
    },
    "agent_groups": {"a": {"skills": ["phone", "email"], "staffing": 2}},
}
res = ccsim.simulate(ccsim.scenario_from_dict(data), replications=int(sys.argv[1]), seed=1)
res.channels, res.intervals, res.group_intervals
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def peak_mb(replications: int) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD, str(replications)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=2000)
    args = parser.parse_args()
    small, large = 10, args.replications
    a, b = peak_mb(small), peak_mb(large)
    print(f"240 intervals: peak {a:,.0f} MB with {small} replications, {b:,.0f} MB with {large}")
    print(f"  {(b - a) * 1024 / (large - small):.1f} KB per replication ({(b - a) / 1024:.2f} GB for the difference)")


if __name__ == "__main__":
    main()
