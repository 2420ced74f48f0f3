"""Speed of ``ccsim.planning.schedule`` on a week of 15-minute intervals (672), 24 x 7.

The requirement is a typical desk's week: a morning and an afternoon peak (up to about 25
agents), a quiet night (2 agents) and weekends at 60 %. Shift types: 4, 6, 8 and 9 hours,
starting every 15 minutes of every day (2,688 candidate shifts), the week cyclic (Sunday night
runs into Monday), cost = paid hours. Two runs, each to a proven optimum (gap 0):

(a) no breaks. Goal: under 5 s.
(b) a 30-minute unpaid meal on the 8- and 9-hour shifts, starting 3 to 5 hours into the shift
    (every 15 minutes: 9 possible starts, so 12,096 break variables). Goal: under 2 minutes.

It also prints the over-cover with 8-hour shifts alone against the mix (the issue's point that
the shift types allowed matter more than the solver). The script prints the times and whether
each optimum is proven; it asserts nothing.

    python benchmarks/scheduling_speed.py [--skip-meal]

Last run (2 cores, the other one busy): (a) 0.23 s, proven; (b) 50 s, proven (85 s on an
earlier, similar requirement: HiGHS's time varies with the instance); 8-hour shifts alone
over-cover the requirement by 13.1 %, the mix by 0.5 % (0.2 % with the meal).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ccsim.planning import Scheduling, schedule


def week_requirement() -> np.ndarray:
    """672 quarter hours from Monday 00:00: peaks near 10:30 and 15:00, 2 at night, weekends at 60 %."""
    q = np.arange(7 * 96)
    hours = (q % 96) / 4.0 + 0.125
    load = 2 + 20 * np.exp(-0.5 * ((hours - 10.5) / 2.0) ** 2) + 16 * np.exp(-0.5 * ((hours - 15.0) / 2.5) ** 2)
    weekend = (q // 96) >= 5
    return np.round(np.where(weekend, 0.6 * load, load)).astype(int)


def shift_types(lengths_h: tuple[int, ...], meal: bool) -> Scheduling:
    types = {}
    for h in lengths_h:
        spec = {
            "length_min": 60 * h,
            "earliest_start": "00:00",
            "latest_start": "23:45",
            "start_step_min": 15,
            "cost_per_hour": 1,
        }
        if meal and h >= 8:
            spec["breaks"] = [
                {"length_min": 30, "earliest_start_after_min": 180, "latest_start_after_min": 300, "paid": False}
            ]
        types[f"h{h}"] = spec
    return Scheduling.model_validate({"shift_types": types})


def run(label: str, required: np.ndarray, sc: Scheduling, goal_s: float) -> None:
    t0 = time.perf_counter()
    s = schedule(required, interval_min=15, shifts=sc, time_limit_s=600)
    took = time.perf_counter() - t0
    need = required.sum() / 4.0
    verdict = "goal met" if took < goal_s and s.proven_optimal else "goal NOT met"
    print(
        f"{label:<44} {took:7.2f} s  {'proven optimal' if s.proven_optimal else f'gap {100 * s.gap:.2f} %':<15}"
        f" paid {s.paid_hours:8.2f} h, over {100 * s.over_hours / need:5.2f} %, {s.shift_count} shifts"
        f"  (goal < {goal_s:g} s: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-meal", action="store_true", help="skip run (b), the long one")
    args = parser.parse_args()
    required = week_requirement()
    print(f"requirement: {required.size} intervals, {required.sum() / 4:.1f} agent-hours, peak {required.max()}")
    run("8-hour shifts only, no breaks", required, shift_types((8,), False), 5)
    run("(a) 4, 6, 8, 9-hour shifts, no breaks", required, shift_types((4, 6, 8, 9), False), 5)
    if not args.skip_meal:
        run("(b) the same, a meal on 8 and 9-hour shifts", required, shift_types((4, 6, 8, 9), True), 120)


if __name__ == "__main__":
    main()
