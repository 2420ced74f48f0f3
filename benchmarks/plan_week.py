"""Where the time of a manager's loop goes: a week planned, rostered and confirmed.

The desk is ``scenarios/week_desk.yaml`` (phone, chat and email; Monday to Friday 09:00-18:00,
Saturday 10:00-15:00, Sunday closed; 30-minute intervals; two teams; shifts with lunch and
part-timers). The script plans it as ``ccsim plan`` does (the search, the confirmation on 100
replications, SIPP for comparison, then the roster, simulated and repaired), one process,
and prints the time of each phase (each line is one simulation: the search's of 20
replications, the confirmation's and the roster's of 100). It does so twice in the same run:
with today's planner, and with the planner as it was before its confirmation rounds added
agents at the near misses too (``CONFIRM_GUARD = 0``), and prints both times and agent-hours
(these machines are noisy: compare the two, not seconds from another day).

Goal (issue 20): planned, rostered and confirmed in at most 20 s on these machines.

    python benchmarks/plan_week.py [--variant NAME]
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

import ccsim
import ccsim.planning  # imported now: the timings measure planning, not imports
from ccsim.planning import plan, plan_roster

ROOT = Path(__file__).resolve().parents[1]
# the module, not the function ccsim.planning exports under the same name
plan_module = importlib.import_module("ccsim.planning.plan")


def loop(sc, label: str) -> tuple[float, float, float]:
    """Plan, roster and confirm; print each phase; return (seconds planned, seconds in all, agent-hours)."""
    marks: list[tuple[float, str]] = []
    t0 = time.perf_counter()

    def mark(text: str) -> None:
        marks.append((time.perf_counter() - t0, text))

    p = plan(sc, progress=mark, shifts=False)
    t_plan = time.perf_counter() - t0
    roster = plan_roster(p, progress=mark)
    t_all = time.perf_counter() - t0
    print(f"{label}:")
    last = 0.0
    for s, m in marks:
        print(f"  {s:7.2f} s  (+{s - last:5.2f})  {m}")
        last = s
    hours = sum(p.hours(p.staffing)[g] for g in p.planned_groups)
    print(
        f"  planned in {t_plan:.2f} s ({hours:.1f} agent-hours, met: {p.met}); rostered and confirmed in "
        f"{t_all:.2f} s (roster met: {roster.met} after {roster.rounds} simulated roster(s))"
    )
    return t_plan, t_all, hours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", help="a variant of week_desk.yaml (default: the base)")
    args = parser.parse_args()
    sc = ccsim.load_scenario(ROOT / "scenarios" / "week_desk.yaml").variant(args.variant)
    print(f"desk: {sc.name}{' / ' + args.variant if args.variant else ''}")
    t = time.perf_counter()
    ccsim.simulate(sc, replications=100, seed=1, staffing={g: 6 for g in sc.agent_groups})
    reference = time.perf_counter() - t
    print(f"one simulation of 100 replications (for scale): {reference:.2f} s")
    new = loop(sc, "today's planner (confirmation rounds add at near misses too)")
    guard = plan_module.CONFIRM_GUARD
    plan_module.CONFIRM_GUARD = 0.0
    try:
        old = loop(sc, "the planner before (confirmation rounds add at misses only)")
    finally:
        plan_module.CONFIRM_GUARD = guard
    print(
        f"time, planned, rostered and confirmed: {new[1]:.2f} s against {old[1]:.2f} s before "
        f"(x {old[1] / new[1]:.2f} faster); agent-hours {new[2]:.1f} against {old[2]:.1f} "
        f"({100 * (new[2] / old[2] - 1):+.1f} %)"
    )
    print(f"goal (at most 20 s): {'met' if new[1] <= 20.0 else 'NOT met'}")


if __name__ == "__main__":
    main()
