"""Shift scheduling: the cheapest shifts, with breaks, covering a requirement per interval.

:func:`schedule` solves a set-covering MILP with :func:`scipy.optimize.milp` (HiGHS). One
integer variable counts the shifts of each type starting at each possible start of each day;
each break of each shift gets one integer variable per possible break start (Aykin's implicit
break formulation), so that the model grows with the break windows, not with their product.
The time grid is the greatest common divisor of every interval, start, length and window
given, so nothing is rounded. A week (or a single typical day) is cyclic: a shift crossing
midnight on the last day covers the first day's early hours.

The objective is the cost (the default) or the least weighted under- and over-staffing. When
caps or maximum counts make full cover impossible, the cost objective falls back to the
coverage one and the schedule lists the intervals left short instead of failing. The
formulation is written out in ``docs/scheduling.md``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from ccsim.errors import CcsimError
from ccsim.planning.shift_milp import build, coverable, describe, grid_min
from ccsim.scenario import WEEKDAYS
from ccsim.shift_types import Scheduling, clock, minutes

__all__ = ["Schedule", "ShiftChoice", "schedule"]

#: Largest time grid (slots) a schedule may have: a year of 5-minute slots.
MAX_SLOTS = 366 * 288
_DISP = False


@dataclass(frozen=True)
class ShiftChoice:
    """Shifts of one type starting at one time of one day, and when they take their breaks.

    Attributes
    ----------
    day : int
        Index of the day in the schedule (0 for the first).
    day_label : str
        The day as the requirement names it (``mon`` ... ``sun``, or a date).
    start, end : str
        Start and end ``HH:MM`` (the end may fall on a later day).
    start_min : int
        Start in minutes after midnight of the first day.
    shift_type : str
        The shift type's name.
    count : int
        Shifts of this type starting then (agents).
    breaks : tuple
        One entry per break of the shift type: ``((HH:MM, count), ...)``, when those agents
        start that break.
    paid_hours : float
        Paid hours of all ``count`` shifts.
    cost : float
        Cost of all ``count`` shifts, premiums included.
    """

    day: int
    day_label: str
    start: str
    end: str
    start_min: int
    shift_type: str
    count: int
    breaks: tuple[tuple[tuple[str, int], ...], ...]
    paid_hours: float
    cost: float


@dataclass(frozen=True)
class Schedule:
    """The shifts chosen for a requirement, and how they cover it.

    Attributes
    ----------
    status : str
        ``"optimal"`` (HiGHS proved the optimum within ``gap``) or ``"time_limit"`` (the best
        roster found when the time limit was reached).
    proven_optimal : bool
        Whether the optimum is proven (within the relative gap asked for).
    gap : float
        Relative gap between the roster's objective and the best bound (0 when proven exactly).
    objective : str
        The objective solved: ``"cost"`` or ``"coverage"``.
    fell_back : bool
        Whether the cost objective was asked but full cover was impossible (caps, maximum
        counts), so the coverage objective was solved instead.
    objective_value : float
        The solved objective's value (cost; or weighted under- and over-staffing in
        agent-hours).
    shifts : tuple of ShiftChoice
        The shifts, by day, start and type.
    labels : tuple of str
        ``"day HH:MM"`` of every requirement interval.
    interval_min : int
        Length of the requirement intervals in minutes.
    required : numpy.ndarray
        The requirement per interval, as given.
    on_duty : numpy.ndarray
        Agents on duty (working, breaks excluded) per interval: the fewest in the interval
        when starts or breaks fall inside it. Usable as an agent group's staffing.
    under : numpy.ndarray
        Agents short of the requirement per interval (``max(required - on_duty, 0)``).
    over_hours, under_hours : float
        Agent-hours beyond and short of the requirement, over the requirement intervals.
    paid_hours : float
        Paid hours of every shift (unpaid breaks excluded).
    cost : float
        Cost of every shift (``cost_per_shift``, ``cost_per_hour`` and premiums).
    shift_count : int
        Number of shifts.
    headcount : int
        Fewest agents able to work the roster: the busiest day's shifts, and the shifts over
        ``shifts_per_agent_per_week`` per week.
    fte : float
        Full-time equivalents: paid hours / (``fte_hours_per_week`` x weeks).
    solve_s : float
        Seconds spent in the solver.
    """

    status: str
    proven_optimal: bool
    gap: float
    objective: str
    fell_back: bool
    objective_value: float
    shifts: tuple[ShiftChoice, ...]
    labels: tuple[str, ...]
    interval_min: int
    required: np.ndarray
    on_duty: np.ndarray
    under: np.ndarray
    over_hours: float
    under_hours: float
    paid_hours: float
    cost: float
    shift_count: int
    headcount: int
    fte: float
    solve_s: float

    @property
    def fully_covered(self) -> bool:
        """Whether every interval has at least its requirement on duty."""
        return not bool(np.any(self.under > 1e-9))

    @property
    def unmet(self) -> list[tuple[str, float]]:
        """``(interval label, agents short)`` of every interval below its requirement."""
        return [(self.labels[i], float(self.under[i])) for i in np.flatnonzero(self.under > 1e-9)]


# --------------------------------------------------------------------------- solving


def _solve(model, c, constraints, integrality, bounds, time_limit_s, gap):
    """Solve the MILP: its LP relaxation first, which is the optimum when it comes out whole.

    Shift covering without breaks is (nearly) an interval matrix, whose LP optimum is usually
    integral; then the LP's optimum is the MILP's, proven, in a fraction of the time.
    Otherwise the MILP is solved by branch and bound.
    """
    t0 = time.perf_counter()
    integer = np.asarray(integrality) > 0
    if integer.any():
        relaxed = milp(
            c,
            constraints=constraints,
            integrality=np.zeros_like(integrality),
            bounds=bounds,
            options={"time_limit": float(time_limit_s), "disp": _DISP},
        )
        if (
            relaxed.status == 0
            and relaxed.x is not None
            and np.all(np.abs(relaxed.x[integer] - np.round(relaxed.x[integer])) < 1e-9)
        ):
            return relaxed, time.perf_counter() - t0  # a whole LP optimum is the MILP optimum
    res = milp(
        c,
        constraints=constraints,
        integrality=integrality,
        bounds=bounds,
        options={"time_limit": float(time_limit_s), "mip_rel_gap": float(gap), "disp": _DISP},
    )
    return res, time.perf_counter() - t0


def schedule(
    required,
    *,
    interval_min: int,
    shifts: Scheduling,
    starts_min=None,
    day_start: str = "00:00",
    intervals_per_day: int | None = None,
    days: int | None = None,
    start_weekday: str = "mon",
    day_labels=None,
    cyclic: bool | None = None,
    group: str | None = None,
    objective: Literal["cost", "coverage"] | None = None,
    time_limit_s: float = 60.0,
    gap: float = 0.0,
) -> Schedule:
    """Choose shifts, with their breaks, covering a requirement per interval at least cost.

    Parameters
    ----------
    required : array_like
        Agents needed on duty in each interval (whole or fractional, >= 0).
    interval_min : int
        Length of an interval in minutes.
    shifts : Scheduling
        The shift types, premiums, caps and objective settings.
    starts_min : array_like of int, optional
        Start of each interval in minutes after midnight of the first day. Default: days of
        ``intervals_per_day`` consecutive intervals from ``day_start``, as a scenario's
        calendar lays them out (opening hours only).
    day_start : str, default "00:00"
        Start of each day's first interval (a calendar's opening time), without ``starts_min``.
    intervals_per_day : int, optional
        Intervals per day, without ``starts_min`` (default: a whole day's).
    days : int, optional
        Days in the schedule (default: as many as the intervals reach).
    start_weekday : str, default "mon"
        Weekday of the first day (``mon`` ... ``sun``): shift types run on their weekdays only.
    day_labels : sequence of str, optional
        A name for each day in reports (dates, say); default the weekday.
    cyclic : bool, optional
        Whether the last day wraps into the first (a shift crossing midnight at the end covers
        the first day's early hours). Default: for a single (typical) day and whole weeks.
    group : str, optional
        The agent group: only the shift types ``shifts.groups`` lists for it.
    objective : {"cost", "coverage"}, optional
        Default ``shifts.objective``. ``cost``: cheapest roster covering every interval (the
        paid hours when no cost is given); ``coverage``: least ``under_weight`` x agent-hours
        short + ``over_weight`` x agent-hours beyond the requirement.
    time_limit_s : float, default 60
        Seconds HiGHS may search; the best roster found is returned, not proven optimal.
    gap : float, default 0
        Relative gap at which the search stops (0: proven optimal).

    Returns
    -------
    Schedule

    Raises
    ------
    ccsim.CcsimError
        An interval no shift type can cover (named, with the shift types' windows), bad
        arguments, or no roster at all (minimum counts beyond the caps, or none found within
        the time limit).
    """
    req = np.asarray(required, dtype=float).ravel()
    if req.size == 0:
        raise CcsimError("required: needs at least one interval")
    if not np.all(np.isfinite(req)) or np.any(req < 0):
        i = int(np.flatnonzero(~np.isfinite(req) | (req < 0))[0])
        raise CcsimError(f"required: must be finite numbers >= 0, got {req[i]!r} (at index {i})")
    if not isinstance(interval_min, int | np.integer) or interval_min < 1 or 1440 % interval_min:
        raise CcsimError(f"interval_min: must be a whole number of minutes dividing a day, got {interval_min!r}")
    if start_weekday not in WEEKDAYS:
        raise CcsimError(f"start_weekday: must be one of {', '.join(WEEKDAYS)}, got {start_weekday!r}")
    objective = objective or shifts.objective
    if objective not in ("cost", "coverage"):
        raise CcsimError(f"objective: must be 'cost' or 'coverage', got {objective!r}")
    if not time_limit_s > 0:
        raise CcsimError(f"time_limit_s: must be > 0, got {time_limit_s!r}")
    if not 0 <= gap < 1:
        raise CcsimError(f"gap: must be in [0, 1), got {gap!r}")
    if starts_min is None:
        per_day = intervals_per_day or 1440 // interval_min
        if req.size % per_day:
            raise CcsimError(f"required: {req.size} intervals is not a whole number of days of {per_day}")
        first = minutes(day_start)
        if first + per_day * interval_min > 1440:
            raise CcsimError(f"intervals_per_day: {per_day} intervals from {day_start} run past midnight")
        starts = np.array(
            [d * 1440 + first + i * interval_min for d in range(req.size // per_day) for i in range(per_day)]
        )
    else:
        starts = np.asarray(starts_min, dtype=np.int64).ravel()
        if starts.shape != req.shape:
            raise CcsimError(f"starts_min: needs one start per interval ({req.size}), got {starts.size}")
        if np.any(starts < 0):
            raise CcsimError("starts_min: must be >= 0 (minutes after midnight of the first day)")
    need_days = int((starts.max() + interval_min - 1) // 1440 + 1)
    days = need_days if days is None else days
    if days < need_days:
        raise CcsimError(f"days: the intervals reach day {need_days}, got days={days}")
    cyclic = (days == 1 or days % 7 == 0) if cyclic is None else cyclic
    first_weekday = WEEKDAYS.index(start_weekday)
    if day_labels is None:
        day_labels = [
            WEEKDAYS[(first_weekday + d) % 7] if days <= 7 else f"day {d + 1} ({WEEKDAYS[(first_weekday + d) % 7]})"
            for d in range(days)
        ]
    elif len(day_labels) < days:
        raise CcsimError(f"day_labels: needs one label per day ({days}), got {len(day_labels)}")
    labels = tuple(f"{day_labels[s // 1440]} {clock(int(s))}" for s in starts)

    types = shifts.types_for(group)
    cap_times = [minutes(c.start) for c in shifts.caps] + [minutes(c.end) % 1440 for c in shifts.caps]
    grid = grid_min(interval_min, types, [int(s) % 1440 for s in starts[:1]] + cap_times)
    if days * 1440 // grid > MAX_SLOTS:
        raise CcsimError(f"the schedule has {days * 1440 // grid} time slots of {grid} min; at most {MAX_SLOTS}")
    if np.any(starts % grid):
        raise CcsimError(f"starts_min: every interval must start on the {grid}-minute grid of the shift times")
    model = build(types, shifts, days=days, first_weekday=first_weekday, grid=grid, cyclic=cyclic)

    # the requirement on the grid: per slot, which interval it belongs to
    per = interval_min // grid
    slot_of = (starts[:, None] // grid + np.arange(per)[None, :]).ravel()
    owner = np.repeat(np.arange(req.size), per)
    if np.unique(slot_of).size != slot_of.size:
        raise CcsimError("starts_min: two intervals overlap")
    r = req[owner]
    can = coverable(model)[slot_of]
    bad = np.unique(owner[(r > 0) & ~can])
    if bad.size:
        kinds = "; ".join(describe(n, t) for n, t in types.items())
        lines = [f"interval {labels[i]} (required {req[i]:g}): no shift type can cover it ({kinds})" for i in bad[:10]]
        if bad.size > 10:
            lines.append(f"... and {bad.size - 10} more intervals no shift type can cover")
        raise CcsimError("\n".join(lines))

    caps = np.full(model.slots, np.inf)
    for cap in shifts.caps:
        a, b = minutes(cap.start), minutes(cap.end)
        m = np.arange(model.slots) * grid
        of_day = m % 1440
        inside = (of_day >= a) & (of_day < b) if a < b else (of_day >= a) | (of_day < b)
        inside &= np.isin((first_weekday + m // 1440) % 7, [WEEKDAYS.index(d) for d in cap.weekdays])
        caps[inside] = np.minimum(caps[inside], cap.max_on_duty)

    n = model.cover.shape[1]
    common: list[LinearConstraint] = []
    # each break of each shift is taken once
    if model.breaks:
        link_rows, link_cols, link_vals = [], [], []
        index: dict[tuple[int, int], int] = {}
        for j, k, _, col in model.breaks:
            row = index.get((j, k))
            if row is None:  # the shift's count, once per break: sum of its break starts - count = 0
                row = index[(j, k)] = len(index)
                link_rows.append(row)
                link_cols.append(j)
                link_vals.append(-1.0)
            link_rows.append(row)
            link_cols.append(col)
            link_vals.append(1.0)
        link = sparse.csr_array((link_vals, (link_rows, link_cols)), shape=(len(index), n))
        common.append(LinearConstraint(link, 0.0, 0.0))
    capped = np.flatnonzero(np.isfinite(caps))
    if capped.size:
        common.append(LinearConstraint(model.cover[capped, :], -np.inf, caps[capped]))
    counts = []
    for name, spec in types.items():
        mine = [j for j, c in enumerate(model.candidates) if c.name == name]
        if spec.min_count or spec.max_count is not None:
            counts.append((mine, spec.min_count, np.inf if spec.max_count is None else spec.max_count))
        if spec.max_per_day is not None:
            for d in range(days):
                today = [j for j in mine if model.candidates[j].day == d]
                if today:
                    counts.append((today, 0, spec.max_per_day))
        if spec.min_count and not mine:
            raise CcsimError(
                f"shift type {name}: min_count {spec.min_count}, but it runs on none of the days scheduled"
            )
    if counts:
        rows = np.concatenate([np.full(len(js), i) for i, (js, _, _) in enumerate(counts)])
        cols = np.concatenate([np.asarray(js, dtype=np.int64) for js, _, _ in counts])
        a = sparse.csr_array((np.ones(len(cols)), (rows, cols)), shape=(len(counts), n))
        common.append(LinearConstraint(a, [lo for _, lo, _ in counts], [hi for _, _, hi in counts]))

    def solve_cost():
        c = model.cost.copy()
        if not np.any(c[: model.n_x] > 0):
            c = model.paid_min / 60.0  # no cost given: the fewest paid hours
        pos = r > 0
        cover = LinearConstraint(model.cover[slot_of[pos], :], r[pos], np.inf)
        integrality = np.ones(n)
        return _solve(model, c, [cover, *common], integrality, Bounds(0, np.inf), time_limit_s, gap)

    def solve_coverage():
        k = slot_of.size
        h = grid / 60.0
        c = np.concatenate([np.zeros(n), np.full(k, shifts.under_weight * h), np.full(k, shifts.over_weight * h)])
        eye = sparse.identity(k, format="csr")
        a = sparse.hstack([model.cover[slot_of, :], eye, -eye], format="csr")
        cover = LinearConstraint(a, r, r)
        widen = [
            LinearConstraint(sparse.hstack([x.A, sparse.csr_array((x.A.shape[0], 2 * k))]), x.lb, x.ub) for x in common
        ]
        integrality = np.concatenate([np.ones(n), np.zeros(2 * k)])
        top = max(float(np.ceil(r.max(initial=0.0))), max((s.min_count for s in types.values()), default=0))
        ub = np.concatenate([np.full(n, 4 * top + 4), np.full(2 * k, np.inf)])
        return _solve(model, c, [cover, *widen], integrality, Bounds(0, ub), time_limit_s, gap)

    fell_back = False
    res, took = solve_cost() if objective == "cost" else solve_coverage()
    if objective == "cost" and res.status == 2:
        fell_back = True
        res, more = solve_coverage()
        took += more
    if res.x is None:
        if res.status == 2:
            raise CcsimError(
                "no roster meets the shift types' min_count within the caps and max_per_day: lower min_count "
                "or raise the caps"
            )
        raise CcsimError(
            f"no roster found within the time limit of {time_limit_s:g} s ({res.message}): raise time_limit_s"
        )
    return _result(
        model,
        res,
        took,
        fell_back,
        "coverage" if fell_back else objective,
        req,
        r,
        slot_of,
        owner,
        labels,
        day_labels,
        shifts,
        interval_min,
        days,
        gap,
    )


def _result(
    model, res, took, fell_back, objective, req, r, slot_of, owner, labels, day_labels, shifts, interval_min, days, gap
):
    n = model.cover.shape[1]
    x = np.round(res.x[:n]).astype(np.int64)
    cov = model.cover @ x.astype(float)
    on_slot = cov[slot_of]
    on_duty = np.full(req.size, np.iinfo(np.int64).max)
    np.minimum.at(on_duty, owner, np.round(on_slot).astype(np.int64))
    h = model.grid / 60.0
    under_slot = np.maximum(r - on_slot, 0.0)
    over_slot = np.maximum(on_slot - r, 0.0)
    under = np.zeros(req.size)
    np.maximum.at(under, owner, under_slot)
    by_shift: dict[int, list[dict[str, int]]] = {}
    for j, k, t, col in model.breaks:
        if x[col] > 0:
            per = by_shift.setdefault(j, [{} for _ in model.candidates[j].spec.breaks])
            per[k][clock(t)] = per[k].get(clock(t), 0) + int(x[col])
    break_cost = np.zeros(model.n_x)
    for j, _, _, col in model.breaks:
        break_cost[j] += model.cost[col] * x[col]
    chosen = []
    for j in np.flatnonzero(x[: model.n_x] > 0):
        c = model.candidates[j]
        chosen.append(
            ShiftChoice(
                day=c.day,
                day_label=day_labels[c.day],
                start=clock(c.start),
                end=clock(c.start + c.spec.length_min),
                start_min=c.start,
                shift_type=c.name,
                count=int(x[j]),
                breaks=tuple(tuple(sorted(b.items())) for b in by_shift.get(j, [])),
                paid_hours=x[j] * c.spec.paid_min / 60.0,
                cost=float(x[j] * model.cost[j] + break_cost[j]),
            )
        )
    chosen.sort(key=lambda s: (s.start_min, s.shift_type))
    per_day = np.zeros(days, dtype=np.int64)
    for s in chosen:
        per_day[s.day] += s.count
    total = int(per_day.sum())
    weeks = days / 7.0
    headcount = int(per_day.max(initial=0))
    if days >= 7:
        headcount = max(headcount, math.ceil(total / (shifts.shifts_per_agent_per_week * weeks) - 1e-9))
    paid_hours = float(sum(s.paid_hours for s in chosen))
    gap_found = float(getattr(res, "mip_gap", 0.0) or 0.0)
    proven = res.status == 0
    return Schedule(
        status="optimal" if proven else "time_limit",
        proven_optimal=proven,
        gap=max(gap_found, 0.0),
        objective=objective,
        fell_back=fell_back,
        objective_value=float(res.fun),
        shifts=tuple(chosen),
        labels=labels,
        interval_min=interval_min,
        required=req,
        on_duty=on_duty,
        under=under,
        over_hours=float(over_slot.sum() * h),
        under_hours=float(under_slot.sum() * h),
        paid_hours=paid_hours,
        cost=float(sum(s.cost for s in chosen)),
        shift_count=total,
        headcount=headcount,
        fte=paid_hours / (shifts.fte_hours_per_week * weeks),
        solve_s=took,
    )
