"""The shift-scheduling MILP's parts: candidate shifts, the time grid, the cover matrix, costs.

Used by :func:`ccsim.planning.shifts.schedule`; the formulation is in ``docs/scheduling.md``.
One column per candidate shift (type, day, start) counts the shifts; one column per break of a
candidate and possible break start counts the agents taking that break then (Aykin's
formulation). The cover matrix has one row per time slot: +1 where a shift is at work, -1
where one of its breaks is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

import numpy as np
from scipy import sparse

from ccsim.fields import minutes_of_day
from ccsim.scenario import WEEKDAYS
from ccsim.shift_types import Scheduling, ShiftType, clock

__all__ = ["Candidate", "Model", "build", "coverable", "describe", "grid_min", "slots_of"]


@dataclass
class Candidate:
    """A shift that may be worked: its type, its day and its start (minutes from midnight of day 0)."""

    name: str
    spec: ShiftType
    day: int
    start: int  # minutes after midnight of day 0


@dataclass
class Model:
    """The MILP's data: the grid, the candidates, the cover matrix and each column's cost and paid minutes."""

    grid: int
    slots: int
    cyclic: bool
    candidates: list[Candidate]
    cover: sparse.csc_array  # slots x variables: +1 working, -1 on a break
    breaks: list[tuple[int, int, int, int]]  # per break variable: (candidate, break index, start minute, column)
    cost: np.ndarray  # per variable (x and break variables)
    paid_min: np.ndarray  # per variable
    n_x: int


def slots_of(start: int, length: int, grid: int, slots: int, cyclic: bool) -> np.ndarray:
    """The slots from minute ``start`` for ``length`` minutes (wrapped when cyclic, else cut at the end)."""
    idx = np.arange(start // grid, (start + length) // grid)
    return idx % slots if cyclic else idx[idx < slots]


def grid_min(interval_min: int, types: dict[str, ShiftType], extra: list[int]) -> int:
    """The time grid in minutes: the greatest common divisor of every time given (nothing is rounded)."""
    values = [interval_min, *extra]
    for t in types.values():
        values += [t.length_min, minutes_of_day(t.earliest_start), t.start_step_min]
        for b in t.breaks:
            values += [b.length_min, b.earliest_start_after_min, t.break_step_min(b)]
    return reduce(math.gcd, values, 1440)


def _premium_per_minute(shifts: Scheduling, first_weekday: int, total_min: int) -> np.ndarray:
    """Premium share of every minute from midnight of day 0 (night and weekend add up)."""
    rate = np.zeros(total_min)
    m = np.arange(total_min)
    weekday = (first_weekday + m // 1440) % 7
    of_day = m % 1440
    for p in (shifts.night, shifts.weekend):
        if p is None:
            continue
        a, b = minutes_of_day(p.start), minutes_of_day(p.end)
        inside = (of_day >= a) & (of_day < b) if a < b else (of_day >= a) | (of_day < b)
        days = np.isin(weekday, [WEEKDAYS.index(d) for d in p.weekdays])
        rate += p.premium * (inside & days)
    return rate


def build(
    types: dict[str, ShiftType], shifts: Scheduling, *, days: int, first_weekday: int, grid: int, cyclic: bool
) -> Model:
    """Every candidate shift of ``types`` over ``days``, its cover column(s), cost and paid minutes."""
    slots = days * 1440 // grid
    horizon = days * 1440
    candidates = []
    for name, spec in types.items():
        allowed = {WEEKDAYS.index(d) for d in spec.weekdays}
        for d in range(days):
            if (first_weekday + d) % 7 not in allowed:
                continue
            for s in spec.start_minutes():
                start = d * 1440 + s
                if start < horizon:
                    candidates.append(Candidate(name, spec, d, start))
    longest = max(t.length_min for t in types.values())
    premium = _premium_per_minute(shifts, first_weekday, horizon + 1440 + longest)
    cum = np.concatenate([[0.0], np.cumsum(premium)])
    n_x = len(candidates)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    cost = np.zeros(n_x)
    paid = np.zeros(n_x)
    breaks = []
    col = n_x
    extra_cost: list[float] = []
    for j, c in enumerate(candidates):
        spec = c.spec
        span = slots_of(c.start, spec.length_min, grid, slots, cyclic)
        rows.append(span)
        cols.append(np.full(span.size, j))
        vals.append(np.ones(span.size))
        prem = cum[c.start + spec.length_min] - cum[c.start]
        cost[j] = spec.cost_per_shift + spec.cost_per_hour * (spec.paid_min + prem) / 60.0
        paid[j] = spec.paid_min
        for k, b in enumerate(spec.breaks):
            step = spec.break_step_min(b)
            for off in range(b.earliest_start_after_min, b.latest_start_after_min + 1, step):
                t = c.start + off
                bs = slots_of(t, b.length_min, grid, slots, cyclic)
                rows.append(bs)
                cols.append(np.full(bs.size, col))
                vals.append(-np.ones(bs.size))
                # an unpaid break is not paid its premium either
                extra_cost.append(0.0 if b.paid else -spec.cost_per_hour * (cum[t + b.length_min] - cum[t]) / 60.0)
                breaks.append((j, k, t, col))
                col += 1
    n = col
    cover = sparse.csc_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(slots, n))
    cost = np.concatenate([cost, np.array(extra_cost)])
    paid = np.concatenate([paid, np.zeros(n - n_x)])
    return Model(grid, slots, cyclic, candidates, cover, breaks, cost, paid, n_x)


def coverable(model: Model) -> np.ndarray:
    """Per slot, whether some shift can be on duty then (some placement of its breaks frees it)."""
    ok = np.zeros(model.slots, dtype=bool)
    for c in model.candidates:
        span = np.zeros(model.slots, dtype=bool)
        span[slots_of(c.start, c.spec.length_min, model.grid, model.slots, model.cyclic)] = True
        for b in c.spec.breaks:
            always = b.earliest_start_after_min + b.length_min - b.latest_start_after_min  # always on break
            if always > 0:
                fixed = slots_of(c.start + b.latest_start_after_min, always, model.grid, model.slots, model.cyclic)
                span[fixed] = False
        ok |= span
    return ok


def describe(name: str, t: ShiftType) -> str:
    """When a shift type may be on duty, in words (for error messages)."""
    window = (
        t.earliest_start
        if t.window_min == 0
        else f"{t.earliest_start} to {clock(minutes_of_day(t.earliest_start) + t.window_min)}"
    )
    days = "every day" if len(t.weekdays) == 7 else ",".join(t.weekdays)
    return f"{name} starts {window} on {days} and lasts {t.length_min} min"
