"""Shift scheduling: the cheapest shifts, with breaks, covering a requirement per interval.

:func:`schedule` solves a set-covering MILP with :func:`scipy.optimize.milp` (HiGHS). One
integer variable counts the shifts of each type starting at each possible start of each day;
each break of each shift gets one integer variable per possible break start (Aykin's implicit
break formulation), so that the model grows with the break windows, not with their product.
The time grid is the greatest common divisor of every interval, start, length and window
given, so nothing is rounded. A week (or a single typical day) is cyclic: a shift crossing
midnight on the last day covers the first day's early hours.

The objective is the cost (the default) or the least weighted under- and over-staffing; among
rosters of equal cost, the one with the fewest agent-hours on duty where nobody is needed.
When an interval cannot be covered (no shift type reaches it, a cap or ``max_on_duty`` keeps
it short, maximum counts), the cost objective falls back to covering as much as it can,
cheapest among those, and the schedule lists the intervals left short instead of failing.
Each schedule also states the people to hire per contract, FTE and the cost per week and per
month (:class:`Hire`). The formulation is written out in ``docs/scheduling.md``.
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
from ccsim.fields import minutes_of_day
from ccsim.planning.shift_milp import Model, build, coverable, grid_min
from ccsim.scenario import MAX_AGENTS, WEEKDAYS
from ccsim.shift_types import Scheduling, clock
from ccsim.weeks import DAYS_PER_MONTH, WEEKS_PER_MONTH, week_basis

__all__ = ["DAYS_PER_MONTH", "Hire", "Schedule", "ShiftChoice", "paid_the_wage", "schedule"]

#: Largest time grid (slots) a schedule may have: a year of 5-minute slots.
MAX_SLOTS = 366 * 288
#: Most agents required on duty in one interval (ccsim's limit for one agent group's staffing).
MAX_REQUIRED = MAX_AGENTS
#: Most MILP variables (candidate shifts and their break starts) a schedule may have.
MAX_VARIABLES = 2_000_000
#: Weight of an agent-hour on duty where nobody is needed, per unit of the cheapest hourly cost:
#: breaks ties between rosters of equal cost without changing which cost is least.
IDLE_WEIGHT = 1e-6
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
class Hire:
    """The people to hire on one contract, and what they cost (every figure per week or month).

    Attributes
    ----------
    contract : str
        The contract (a shift type's ``contract``, else the shift type's name).
    shift_types : tuple of str
        The shift types worked on it.
    shifts : int
        Shifts of the contract in the schedule (the whole run).
    shifts_per_week : float
        Shifts of the contract in a week (see :func:`ccsim.weeks.week_basis`), at work: without shrinkage.
    shifts_per_person_per_week : int
        Shifts one person on the contract works in a week.
    busiest_day : int
        Most shifts of the contract starting on one day.
    people : int
        People to hire: at least the week's shifts with shrinkage over the shifts one person
        works, ``ceil(shifts_per_week / (1 - shrinkage) / shifts_per_person_per_week)``, and the
        busiest day's shifts with shrinkage, ``ceil(busiest_day / (1 - shrinkage))``.
    paid_hours_per_week : float
        Paid hours a week with shrinkage: the shifts' paid hours / (1 - shrinkage).
    fte : float
        Full-time equivalents with shrinkage: paid hours a week / ``fte_hours_per_week``.
    cost_per_week, cost_per_month : float
        The shifts' cost with shrinkage (shift cost / (1 - shrinkage)), a week and a month
        (a month = 30.4375 / 7 weeks).
    """

    contract: str
    shift_types: tuple[str, ...]
    shifts: int
    shifts_per_week: float
    shifts_per_person_per_week: int
    busiest_day: int
    people: int
    paid_hours_per_week: float
    fte: float
    cost_per_week: float
    cost_per_month: float


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
        Whether the cost objective was asked but full cover was impossible (intervals nobody
        can be on duty in, caps, ``max_on_duty``, maximum counts), so the roster covers as much
        as it can (fewest agent-hours short), cheapest among those; :attr:`objective` is then
        ``"coverage"``.
    objective_value : float
        The solved objective's value: the cost (the paid hours when no cost is given); with the
        coverage objective the weighted under- and over-staffing in agent-hours; after a
        fallback the agent-hours short.
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
        People to hire, every contract together (:attr:`hiring`; with :attr:`shrinkage`).
    fte : float
        Full-time equivalents with shrinkage: paid hours a week / (1 - shrinkage) /
        ``fte_hours_per_week``.
    solve_s : float
        Seconds spent in the solver.
    uncoverable : tuple of int
        Intervals with agents required that no roster can cover: no shift type can be on duty
        then (outside every start window and length, or always on a fixed break), or a cap or
        ``max_on_duty`` of 0. They are left short by their whole requirement (in :attr:`under`).
    max_on_duty : numpy.ndarray or None
        The most agents on duty per interval asked for (``inf``: no bound).
    shrinkage : float
        Share of paid time not at work (absence, training) used for the hiring figures.
    weeks : float
        Weeks the run stands for (:func:`ccsim.weeks.week_basis`).
    week_text : str
        That rule in words.
    hiring : tuple of Hire
        People to hire, FTE and cost per week and month, per contract.
    currency : str or None
        The currency of the costs (the shifts' ``currency``), for reports.
    days : int
        Days in the schedule.
    start_weekday : str
        Weekday of the first day.
    fte_hours_per_week : float
        Paid hours of one FTE a week.
    wage : float or None
        The cost per paid hour given for shift types without their own ``cost_per_hour``
        (``schedule(..., wage=)``), or None.
    paid_wage : tuple of str
        The shift types paid :attr:`wage` (they have no ``cost_per_hour``).
    unpriced : tuple of str
        The shift types without ``cost_per_hour`` when no wage was given: their hours cost 0 in
        :attr:`cost` and the hiring figures.
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
    uncoverable: tuple[int, ...] = ()
    max_on_duty: np.ndarray | None = None
    shrinkage: float = 0.0
    weeks: float = 1.0
    week_text: str = ""
    hiring: tuple[Hire, ...] = ()
    currency: str | None = None
    days: int = 1
    start_weekday: str = "mon"
    fte_hours_per_week: float = 40.0
    wage: float | None = None
    paid_wage: tuple[str, ...] = ()
    unpriced: tuple[str, ...] = ()

    @property
    def cost_per_week(self) -> float:
        """The shifts' cost a week with shrinkage, every contract together."""
        return float(sum(h.cost_per_week for h in self.hiring))

    @property
    def cost_per_month(self) -> float:
        """The shifts' cost a month (30.4375 / 7 weeks) with shrinkage, every contract together."""
        return float(sum(h.cost_per_month for h in self.hiring))

    @property
    def fully_covered(self) -> bool:
        """Whether every interval has at least its requirement on duty."""
        return not bool(np.any(self.under > 1e-9))

    @property
    def unmet(self) -> list[tuple[str, float]]:
        """``(interval label, agents short)`` of every interval below its requirement."""
        return [(self.labels[i], float(self.under[i])) for i in np.flatnonzero(self.under > 1e-9)]


def paid_the_wage(
    shifts: Scheduling, wage: float | None, group: str | None = None
) -> tuple[Scheduling, tuple[str, ...]]:
    """The shift types with those of ``group`` that have no ``cost_per_hour`` paid ``wage`` an hour.

    A shift type without its own cost per paid hour is paid the agents' wage (a scenario's
    group ``cost_per_hour``, else ``costs.wage_per_hour``; ``ccsim schedule --wage``), so that
    the roster's cost and hiring figures are the labour cost the plan states.

    Parameters
    ----------
    shifts : Scheduling
        The shift types.
    wage : float or None
        Cost per paid hour; None or 0 leaves the shift types as they are.
    group : str, optional
        The agent group: only its shift types (``shifts.groups``) are priced.

    Returns
    -------
    (Scheduling, tuple of str)
        The shift types (``shifts`` itself when nothing changes) and the names of those now paid
        the wage.
    """
    if wage is not None and not (math.isfinite(wage) and wage >= 0):
        raise CcsimError(f"wage: must be a number >= 0 (cost per paid hour), got {wage!r}")
    if not wage:
        return shifts, ()
    free = tuple(n for n in shifts.types_for(group) if not shifts.shift_types[n].cost_per_hour)
    if not free:
        return shifts, ()
    types = dict(shifts.shift_types)
    for n in free:
        types[n] = types[n].model_copy(update={"cost_per_hour": wage})
    return shifts.model_copy(update={"shift_types": types}), free


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
    max_on_duty=None,
    shrinkage: float = 0.0,
    wage: float | None = None,
    open_weekdays=None,
    alike_weekdays=None,
    time_limit_s: float = 60.0,
    gap: float = 0.0,
) -> Schedule:
    """Choose shifts, with their breaks, covering a requirement per interval at least cost.

    Parameters
    ----------
    required : array_like
        Agents needed on duty in each interval (whole or fractional, >= 0, at most
        :data:`MAX_REQUIRED`).
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
        paid hours when no cost is given), and among rosters of equal cost the one with the
        fewest agent-hours on duty where nobody is needed; where full cover is impossible,
        the most cover, cheapest among those. ``coverage``: least ``under_weight`` x
        agent-hours short + ``over_weight`` x agent-hours beyond the requirement.
    max_on_duty : array_like, optional
        The most agents on duty in each interval (``inf`` for no bound; 0 where nobody may be
        on duty, a closed hour), on top of the shifts' ``caps``.
    shrinkage : float, default 0
        Share of paid time not at work (absence, training), for the people to hire, FTE and
        cost per week (:attr:`Schedule.hiring`); the shifts themselves are the agents at work.
    wage : float, optional
        Cost per paid hour of the shift types without their own ``cost_per_hour``
        (:func:`paid_the_wage`); without it their hours cost 0, and the schedule says so
        (:attr:`Schedule.unpriced`).
    open_weekdays : iterable of str, optional
        The weekdays the desk opens, for the hiring figures' week (:func:`ccsim.weeks.week_basis`):
        a single day stands for each of them; a shorter run names those it leaves out. Default:
        a single day stands for 7, and the weekdays a run leaves out are taken as closed.
    alike_weekdays : iterable of str, optional
        For a single day: the open weekdays like it (the same hours, volume and groups at work),
        the only ones it stands for; the others are named (default: every open weekday).
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
        Bad arguments, a requirement or a model beyond ccsim's limits (:data:`MAX_REQUIRED`,
        :data:`MAX_VARIABLES`, :data:`MAX_SLOTS`), or no roster at all (minimum counts beyond
        the caps, or none found within the time limit).
    """
    req, objective = _check_arguments(
        required, interval_min, start_weekday, objective or shifts.objective, time_limit_s, gap, shrinkage
    )
    shifts, paid_wage = paid_the_wage(shifts, wage, group)
    bound = _max_on_duty(max_on_duty, req)
    starts = _interval_starts(req, starts_min, interval_min, intervals_per_day, day_start)
    days, cyclic, first_weekday, day_labels = _calendar(starts, interval_min, days, cyclic, start_weekday, day_labels)
    labels = tuple(f"{day_labels[s // 1440]} {clock(int(s))}" for s in starts)
    _check_required_size(req, labels)
    types = shifts.types_for(group)
    model = _build_model(types, shifts, starts, interval_min, days, first_weekday, cyclic)
    problem = _on_the_grid(model, req, starts, interval_min, shifts, types, days, first_weekday, bound)
    res, took, fell_back, proven = _solve_for(objective, problem, shifts, time_limit_s, gap)
    setup = _Setup(
        required=req,
        required_on_grid=problem.r,
        slot_of=problem.slot_of,
        owner=problem.owner,
        labels=labels,
        day_labels=tuple(day_labels),
        interval_min=interval_min,
        days=days,
        start_weekday=start_weekday,
        shifts=shifts,
        types=types,
        max_on_duty=bound,
        shrinkage=shrinkage,
        wage=wage,
        paid_wage=paid_wage,
        open_weekdays=None if open_weekdays is None else tuple(open_weekdays),
        alike_weekdays=None if alike_weekdays is None else tuple(alike_weekdays),
    )
    return _result(model, setup, _read_solution(res, took, fell_back, proven, objective, problem, time_limit_s))


# --------------------------------------------------------------------------- the steps of schedule


def _check_arguments(
    required, interval_min, start_weekday, objective, time_limit_s, gap, shrinkage
) -> tuple[np.ndarray, Literal["cost", "coverage"]]:
    """Check the requirement and the plain arguments; the requirement as an array, and the objective."""
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
    if objective not in ("cost", "coverage"):
        raise CcsimError(f"objective: must be 'cost' or 'coverage', got {objective!r}")
    if not time_limit_s > 0:
        raise CcsimError(f"time_limit_s: must be > 0, got {time_limit_s!r}")
    if not 0 <= gap < 1:
        raise CcsimError(f"gap: must be in [0, 1), got {gap!r}")
    if not 0 <= shrinkage < 1:
        raise CcsimError(f"shrinkage: must be in [0, 1) (a share of paid time), got {shrinkage!r}")
    return req, objective


def _max_on_duty(max_on_duty, req: np.ndarray) -> np.ndarray | None:
    """The most agents on duty per interval as given (None: no bound), checked against the requirement."""
    if max_on_duty is None:
        return None
    bound = np.asarray(max_on_duty, dtype=float).ravel()
    if bound.shape != req.shape:
        raise CcsimError(f"max_on_duty: needs one value per interval ({req.size}), got {bound.size}")
    if np.any(np.isnan(bound) | (bound < 0)):
        i = int(np.flatnonzero(np.isnan(bound) | (bound < 0))[0])
        raise CcsimError(f"max_on_duty: must be numbers >= 0 (inf: no bound), got {bound[i]!r} (at index {i})")
    return bound


def _interval_starts(req: np.ndarray, starts_min, interval_min: int, intervals_per_day, day_start: str) -> np.ndarray:
    """Each interval's start in minutes after midnight of the first day (given, or days of a calendar)."""
    if starts_min is None:
        per_day = intervals_per_day or 1440 // interval_min
        if req.size % per_day:
            raise CcsimError(f"required: {req.size} intervals is not a whole number of days of {per_day}")
        first = minutes_of_day(day_start)
        if first + per_day * interval_min > 1440:
            raise CcsimError(f"intervals_per_day: {per_day} intervals from {day_start} run past midnight")
        return np.array(
            [d * 1440 + first + i * interval_min for d in range(req.size // per_day) for i in range(per_day)]
        )
    starts = np.asarray(starts_min, dtype=np.int64).ravel()
    if starts.shape != req.shape:
        raise CcsimError(f"starts_min: needs one start per interval ({req.size}), got {starts.size}")
    if np.any(starts < 0):
        raise CcsimError("starts_min: must be >= 0 (minutes after midnight of the first day)")
    return starts


def _calendar(starts: np.ndarray, interval_min: int, days, cyclic, start_weekday: str, day_labels):
    """The days scheduled, whether the last wraps into the first, the first's weekday, each day's label."""
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
    return days, cyclic, first_weekday, day_labels


def _check_required_size(req: np.ndarray, labels: tuple[str, ...]) -> None:
    """Refuse a requirement beyond :data:`MAX_REQUIRED` agents in an interval, naming the interval."""
    if np.any(req > MAX_REQUIRED):
        i = int(np.flatnonzero(req > MAX_REQUIRED)[0])
        raise CcsimError(
            f"required: at most {MAX_REQUIRED:,} agents on duty in an interval, got {req[i]:g} in {labels[i]}; "
            "check that it counts agents (not contacts or seconds), and schedule a larger desk group by group"
        )


def _build_model(
    types, shifts: Scheduling, starts: np.ndarray, interval_min: int, days: int, first_weekday: int, cyclic: bool
) -> Model:
    """The MILP's candidate shifts and cover matrix on the time grid, within ccsim's size limits."""
    variables = _variables(types, days, first_weekday)
    if variables > MAX_VARIABLES:
        raise CcsimError(
            f"the schedule would have {variables:,} variables (candidate shifts and break starts over {days} days), "
            f"at most {MAX_VARIABLES:,}: give the shift types a larger start_step_min (or their breaks a larger "
            "start_step_min), or schedule fewer days at once"
        )
    cap_times = [minutes_of_day(c.start) for c in shifts.caps] + [minutes_of_day(c.end) % 1440 for c in shifts.caps]
    grid = grid_min(interval_min, types, [int(s) % 1440 for s in starts[:1]] + cap_times)
    if days * 1440 // grid > MAX_SLOTS:
        raise CcsimError(f"the schedule has {days * 1440 // grid} time slots of {grid} min; at most {MAX_SLOTS}")
    if np.any(starts % grid):
        raise CcsimError(f"starts_min: every interval must start on the {grid}-minute grid of the shift times")
    return build(types, shifts, days=days, first_weekday=first_weekday, grid=grid, cyclic=cyclic)


@dataclass(frozen=True)
class _Problem:
    """The requirement laid on the model's grid, the constraints every objective shares, and the costs."""

    model: Model
    slot_of: np.ndarray  # the grid slot of each requirement slot
    owner: np.ndarray  # the interval of each requirement slot
    r: np.ndarray  # agents required per requirement slot
    r_eff: np.ndarray  # the same, 0 in the intervals no roster can cover
    uncoverable: np.ndarray  # those intervals
    common: list[LinearConstraint]  # breaks taken once, caps, shift counts
    base: np.ndarray  # the cost of each variable (the paid hours when no cost is given)
    c_cost: np.ndarray  # the cost with the tie-break on idle agent-hours
    top: float  # the most agents an interval or a shift type's min_count asks for

    @property
    def n(self) -> int:
        """Variables of the model: candidate shifts and break starts."""
        return int(self.model.cover.shape[1])

    @property
    def h(self) -> float:
        """Hours per grid slot."""
        return self.model.grid / 60.0

    @property
    def pos(self) -> np.ndarray:
        """The requirement slots that need somebody (and can have them)."""
        return self.r_eff > 0


def _on_the_grid(model, req, starts, interval_min, shifts, types, days, first_weekday, bound) -> _Problem:
    """Lay the requirement on the model's grid, and write the constraints and costs every objective shares."""
    grid = model.grid
    # the requirement on the grid: per slot, which interval it belongs to
    per = interval_min // grid
    slot_of = (starts[:, None] // grid + np.arange(per)[None, :]).ravel()
    owner = np.repeat(np.arange(req.size), per)
    if np.unique(slot_of).size != slot_of.size:
        raise CcsimError("starts_min: two intervals overlap")
    r = req[owner]
    caps = _caps(model, shifts, first_weekday, bound, slot_of, owner)
    # intervals no roster can cover: nobody can be on duty in some of their time (no shift type
    # reaches it, or a cap of 0). They stay short by their whole requirement; the rest is covered.
    can = coverable(model)[slot_of] & (caps[slot_of] >= 1)
    uncoverable = np.unique(owner[(r > 0) & ~can])
    r_eff = np.where(np.isin(owner, uncoverable), 0.0, r)
    common = _common_constraints(model, types, days, caps)
    base, c_cost = _costs(model, slot_of, r_eff)
    top = max(float(np.ceil(r.max(initial=0.0))), max((s.min_count for s in types.values()), default=0))
    return _Problem(model, slot_of, owner, r, r_eff, uncoverable, common, base, c_cost, top)


def _caps(model, shifts: Scheduling, first_weekday: int, bound, slot_of: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """The most agents on duty per grid slot: the shifts' caps and ``max_on_duty`` (inf: no bound)."""
    grid = model.grid
    caps = np.full(model.slots, np.inf)
    for cap in shifts.caps:
        a, b = minutes_of_day(cap.start), minutes_of_day(cap.end)
        m = np.arange(model.slots) * grid
        of_day = m % 1440
        inside = (of_day >= a) & (of_day < b) if a < b else (of_day >= a) | (of_day < b)
        inside &= np.isin((first_weekday + m // 1440) % 7, [WEEKDAYS.index(d) for d in cap.weekdays])
        caps[inside] = np.minimum(caps[inside], cap.max_on_duty)
    if bound is not None:
        caps[slot_of] = np.minimum(caps[slot_of], np.floor(bound[owner]))
    return caps


def _common_constraints(model, types, days: int, caps: np.ndarray) -> list[LinearConstraint]:
    """The constraints of every objective: each break taken once, the caps, the shift counts."""
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
    return common


def _costs(model, slot_of: np.ndarray, r_eff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cost of each variable, and that cost with a tie-break on idle agent-hours.

    The cost is the paid hours when no cost is given; the tie-break is the agent-hours on duty
    where nobody is needed (requirement 0, or outside the requirement), weighted far below any
    cost difference (:data:`IDLE_WEIGHT` of the cheapest hourly cost).
    """
    h = model.grid / 60.0
    base = model.cost.copy()
    if not np.any(base[: model.n_x] > 0):
        base = model.paid_min / 60.0
    pos = r_eff > 0
    needed = np.zeros(model.slots, dtype=bool)
    needed[slot_of[pos]] = True
    idle = h * np.asarray(model.cover[np.flatnonzero(~needed), :].sum(axis=0)).ravel()
    paid_h = model.paid_min[: model.n_x] / 60.0
    hourly = base[: model.n_x][paid_h > 0] / paid_h[paid_h > 0]
    scale = float(hourly[hourly > 0].min()) if np.any(hourly > 0) else 1.0
    return base, base + IDLE_WEIGHT * scale * idle


def _solve_for(objective: str, p: _Problem, shifts: Scheduling, time_limit_s: float, gap: float):
    """Solve for the objective; for cost, fall back to the most cover when full cover is infeasible.

    Returns the solver's result, the seconds it took, whether it fell back and whether the
    fallback's first stage (the most cover) is proven.
    """
    fell_back = False
    proven = True
    if objective == "coverage":
        res, took = _solve_coverage(p, shifts, time_limit_s, gap)
    else:
        res, took = _solve_cost(p, time_limit_s, gap)
        fell_back = p.uncoverable.size > 0
        if res.status == 2:  # infeasible: caps, max_on_duty or maximum counts keep some interval short
            fell_back = True
            res, took_more, first = _solve_most_cover(p, time_limit_s, gap)
            took += took_more
            proven = first.status == 0
    return res, took, fell_back, proven


def _widened(common: list[LinearConstraint], extra: int) -> list[LinearConstraint]:
    """The shared constraints with ``extra`` columns of zeros for the slack variables."""
    return [
        LinearConstraint(sparse.hstack([x.A, sparse.csr_array((x.A.shape[0], extra))], format="csr"), x.lb, x.ub)
        for x in common
    ]


def _solve_cost(p: _Problem, time_limit_s: float, gap: float):
    """The cheapest roster covering every coverable interval."""
    pos = p.pos
    cover = LinearConstraint(p.model.cover[p.slot_of[pos], :], p.r_eff[pos], np.inf)
    return _solve(p.model, p.c_cost, [cover, *p.common], np.ones(p.n), Bounds(0, np.inf), time_limit_s, gap)


def _solve_most_cover(p: _Problem, time_limit_s: float, gap: float):
    """The most cover (least agent-hours short), then the cheapest roster giving it."""
    pos, n, h, model = p.pos, p.n, p.h, p.model
    k = int(pos.sum())
    if k == 0:  # nothing to cover: only the counts and caps can have failed
        res, took = _solve_cost(p, time_limit_s, gap)
        return res, took, res
    top = p.top
    eye = sparse.identity(k, format="csr")
    cover = LinearConstraint(sparse.hstack([model.cover[p.slot_of[pos], :], eye], format="csr"), p.r_eff[pos], np.inf)
    integrality = np.concatenate([np.ones(n), np.zeros(k)])
    ub = np.concatenate([np.full(n, 4 * top + 4), np.full(k, np.inf)])
    c = np.concatenate([np.zeros(n), np.full(k, h)])
    first, took = _solve(model, c, [cover, *_widened(p.common, k)], integrality, Bounds(0, ub), time_limit_s, gap)
    if first.x is None:
        return first, took, first
    short = LinearConstraint(
        np.concatenate([np.zeros(n), np.full(k, h)])[None, :], -np.inf, first.fun * (1 + 1e-9) + 1e-7
    )
    c = np.concatenate([p.c_cost, np.zeros(k)])
    left = max(time_limit_s - took, 0.1 * time_limit_s)
    second, more = _solve(model, c, [cover, short, *_widened(p.common, k)], integrality, Bounds(0, ub), left, gap)
    return (second if second.x is not None else first), took + more, first


def _solve_coverage(p: _Problem, shifts: Scheduling, time_limit_s: float, gap: float):
    """The least weighted agent-hours short and beyond the requirement."""
    n, h, kk = p.n, p.h, p.slot_of.size
    top = p.top
    c = np.concatenate([np.zeros(n), np.full(kk, shifts.under_weight * h), np.full(kk, shifts.over_weight * h)])
    eye = sparse.identity(kk, format="csr")
    a = sparse.hstack([p.model.cover[p.slot_of, :], eye, -eye], format="csr")
    cover = LinearConstraint(a, p.r, p.r)
    integrality = np.concatenate([np.ones(n), np.zeros(2 * kk)])
    ub = np.concatenate([np.full(n, 4 * top + 4), np.full(2 * kk, np.inf)])
    return _solve(p.model, c, [cover, *_widened(p.common, 2 * kk)], integrality, Bounds(0, ub), time_limit_s, gap)


def _read_solution(
    res, took: float, fell_back: bool, proven: bool, objective: str, p: _Problem, time_limit_s: float
) -> _Solved:
    """The shifts chosen and the objective's value, or why there is no roster."""
    if res.x is None:
        if res.status == 2:
            raise CcsimError(
                "no roster meets the shift types' min_count within the caps, max_on_duty and max_per_day: lower "
                "min_count or raise the caps"
            )
        raise CcsimError(
            f"no roster found within the time limit of {time_limit_s:g} s ({res.message}): raise time_limit_s"
        )
    x = np.round(res.x[: p.n]).astype(np.int64)
    if objective == "coverage":
        value = float(res.fun)
    elif fell_back:
        value = float(np.maximum(p.r - p.model.cover[p.slot_of, :] @ x.astype(float), 0.0).sum() * p.h)
    else:
        value = float(p.base @ x)
    return _Solved(
        x=x,
        proven=res.status == 0 and proven,
        gap=float(getattr(res, "mip_gap", 0.0) or 0.0),
        solve_s=took,
        fell_back=fell_back,
        objective="coverage" if fell_back else objective,
        value=value,
        uncoverable=tuple(int(i) for i in p.uncoverable),
    )


def _variables(types, days: int, first_weekday: int) -> int:
    """Columns the MILP would have: candidate shifts and, per candidate, its break starts."""
    total = 0
    for t in types.values():
        running = sum(1 for d in range(days) if WEEKDAYS[(first_weekday + d) % 7] in t.weekdays)
        per = 1 + sum(
            (b.latest_start_after_min - b.earliest_start_after_min) // t.break_step_min(b) + 1 for b in t.breaks
        )
        total += running * len(t.start_minutes()) * per
    return total


def _hiring(chosen, shifts: Scheduling, types, days: int, week, shrinkage: float):
    """People to hire, FTE and cost per week and month, per contract (see :class:`Hire`).

    A week's figure counts each day of the run as often as a week holds it (``week``, a
    :class:`ccsim.weeks.WeekBasis`): a typical day 7 times, Monday to Friday once each.
    """
    keep = 1.0 - shrinkage
    contracts: dict[str, list[str]] = {}
    for name in types:
        contracts.setdefault(shifts.contract_of(name), []).append(name)
    out = []
    for contract, names in contracts.items():
        mine = [s for s in chosen if s.shift_type in names]
        per_day = np.zeros(days, dtype=np.int64)
        paid_day, cost_day = np.zeros(days), np.zeros(days)
        for s in mine:
            per_day[s.day] += s.count
            paid_day[s.day] += s.paid_hours
            cost_day[s.day] += s.cost
        count = int(per_day.sum())
        per_person = shifts.shifts_per_week_of(names[0])
        per_week = float(week.per_week(per_day))
        people = max(
            math.ceil(per_week / keep / per_person - 1e-9),
            math.ceil(int(per_day.max(initial=0)) / keep - 1e-9),
        )
        paid = float(week.per_week(paid_day)) / keep
        cost = float(week.per_week(cost_day)) / keep
        out.append(
            Hire(
                contract=contract,
                shift_types=tuple(names),
                shifts=count,
                shifts_per_week=per_week,
                shifts_per_person_per_week=per_person,
                busiest_day=int(per_day.max(initial=0)),
                people=people,
                paid_hours_per_week=paid,
                fte=paid / shifts.fte_hours_per_week,
                cost_per_week=cost,
                cost_per_month=cost * WEEKS_PER_MONTH,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class _Setup:
    """A requirement as laid on the MILP's time grid, with what the schedule reports about it."""

    required: np.ndarray  # per interval, as given
    required_on_grid: np.ndarray  # per requirement slot
    slot_of: np.ndarray  # the grid slot of each requirement slot
    owner: np.ndarray  # the interval of each requirement slot
    labels: tuple[str, ...]
    day_labels: tuple[str, ...]
    interval_min: int
    days: int
    start_weekday: str
    shifts: Scheduling
    types: dict
    max_on_duty: np.ndarray | None
    shrinkage: float
    wage: float | None
    paid_wage: tuple[str, ...]
    open_weekdays: tuple[str, ...] | None
    alike_weekdays: tuple[str, ...] | None


@dataclass(frozen=True)
class _Solved:
    """What the solver found: the shifts and break starts chosen, and how far it is proven."""

    x: np.ndarray  # every variable, whole
    proven: bool
    gap: float
    solve_s: float
    fell_back: bool
    objective: str
    value: float
    uncoverable: tuple[int, ...]


def _result(model, setup: _Setup, solved: _Solved) -> Schedule:
    """The :class:`Schedule` of a solved model: the shifts chosen, their cover, cost and hiring."""
    x, req, r, slot_of, owner = solved.x, setup.required, setup.required_on_grid, setup.slot_of, setup.owner
    shifts, days, start_weekday = setup.shifts, setup.days, setup.start_weekday
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
                day_label=setup.day_labels[c.day],
                start=clock(c.start),
                end=clock(c.start + c.spec.length_min),
                start_min=c.start,
                shift_type=c.name,
                count=int(x[j]),
                breaks=tuple(tuple(sorted(b.items())) for b in by_shift.get(int(j), [])),
                paid_hours=float(x[j] * c.spec.paid_min / 60.0),
                cost=float(x[j] * model.cost[j] + break_cost[j]),
            )
        )
    chosen.sort(key=lambda s: (s.start_min, s.shift_type))
    week = week_basis(days, start_weekday, open_weekdays=setup.open_weekdays, alike=setup.alike_weekdays)
    hiring = _hiring(chosen, shifts, setup.types, days, week, setup.shrinkage)
    return Schedule(
        status="optimal" if solved.proven else "time_limit",
        proven_optimal=solved.proven,
        gap=max(solved.gap, 0.0),
        objective=solved.objective,
        fell_back=solved.fell_back,
        objective_value=solved.value,
        shifts=tuple(chosen),
        labels=setup.labels,
        interval_min=setup.interval_min,
        required=req,
        on_duty=on_duty,
        under=under,
        over_hours=float(over_slot.sum() * h),
        under_hours=float(under_slot.sum() * h),
        paid_hours=float(sum(s.paid_hours for s in chosen)),
        cost=float(sum(s.cost for s in chosen)),
        shift_count=int(sum(s.count for s in chosen)),
        headcount=int(sum(hh.people for hh in hiring)),
        fte=float(sum(hh.fte for hh in hiring)),
        solve_s=solved.solve_s,
        uncoverable=solved.uncoverable,
        max_on_duty=None if setup.max_on_duty is None else setup.max_on_duty.copy(),
        shrinkage=float(setup.shrinkage),
        weeks=week.weeks,
        week_text=week.text,
        hiring=hiring,
        currency=shifts.currency,
        days=days,
        start_weekday=start_weekday,
        fte_hours_per_week=shifts.fte_hours_per_week,
        wage=setup.wage,
        paid_wage=setup.paid_wage,
        unpriced=() if setup.wage is not None else tuple(n for n in setup.types if not setup.types[n].cost_per_hour),
    )
