"""From a per-interval plan to a roster of shifts that meets every target in simulation.

A plan says how many agents each interval needs; agents work shifts. With a scenario's
``scheduling:`` section, :func:`plan_roster` turns each planned group's plan into the cheapest
shifts with breaks covering it (:func:`ccsim.planning.schedule`), simulates the roster (its
agents on duty differ from the plan: shifts over-cover, breaks take agents away), and repairs
it: where the roster misses a target, the requirement of that interval rises to one agent
above what the roster has on duty there and the shifts are chosen again (the cheapest shifts
covering the higher requirement, so the repair stays optimal for what it covers), until every
target holds or ``max_rounds`` rounds have run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.errors import CcsimError
from ccsim.planning.guess import answers, channel_parts, entry_groups
from ccsim.planning.shifts import Schedule, schedule
from ccsim.results import SimulationResult
from ccsim.simulation import simulate

__all__ = ["Roster", "plan_roster"]


@dataclass(frozen=True, eq=False)
class Roster:
    """The shifts of each planned group, and the simulation of them.

    Attributes
    ----------
    schedules : dict
        ``{group: Schedule}``: the shifts chosen for each group with shift types.
    staffing : dict
        ``{group: numpy int array}``: agents on duty per interval with the roster (groups
        without shift types keep the plan's staffing).
    result : SimulationResult
        The roster simulated (the plan's seed and replications).
    misses : list of ccsim.planning.Miss
        Targets the roster still misses (empty: it meets every target).
    rounds : int
        Rosters simulated (1 when the first one met every target).
    plan_agent_hours, roster_agent_hours : float
        Agent-hours on duty of the per-interval plan and of the roster (planned groups).
    shrinkage : dict
        ``{group: shrinkage}`` of the rostered groups: the shifts are the agents at work; the
        paid hours behind them (absence, training, meetings) are the shifts' paid hours /
        (1 - shrinkage), as the plan's are (breaks that the shift types give are in the shifts).
    notes : list of str
        What the roster leaves out (groups without shift types, uncovered intervals).
    """

    schedules: dict[str, Schedule]
    staffing: dict[str, np.ndarray]
    result: SimulationResult
    misses: list[Any]
    rounds: int
    plan_agent_hours: float
    roster_agent_hours: float
    shrinkage: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        """Whether the roster meets every target."""
        return not self.misses

    @property
    def cost(self) -> float:
        """Cost of every group's shifts (the shift types' costs and premiums)."""
        return float(sum(s.cost for s in self.schedules.values()))

    @property
    def paid_hours(self) -> float:
        """Paid hours of every group's shifts."""
        return float(sum(s.paid_hours for s in self.schedules.values()))

    @property
    def paid_hours_with_shrinkage(self) -> float:
        """Paid hours the shifts need with each group's shrinkage: shift hours / (1 - shrinkage)."""
        return float(sum(s.paid_hours / (1.0 - self.shrinkage.get(g, 0.0)) for g, s in self.schedules.items()))

    @property
    def cost_with_shrinkage(self) -> float:
        """The shifts' cost with each group's shrinkage: shift cost / (1 - shrinkage)."""
        return float(sum(s.cost / (1.0 - self.shrinkage.get(g, 0.0)) for g, s in self.schedules.items()))


def plan_roster(
    plan: Any,
    *,
    time_limit_s: float = 60.0,
    gap: float = 0.0,
    max_rounds: int = 20,
    executor: Any = None,
    progress: Callable[[str], None] | None = None,
) -> Roster:
    """Shifts for a plan: schedule each planned group, simulate the roster, repair until targets hold.

    Parameters
    ----------
    plan : ccsim.planning.Plan
        A plan of a scenario with a ``scheduling:`` section.
    time_limit_s, gap : float
        The solver's time limit and relative gap for each schedule.
    max_rounds : int, default 20
        Rosters that may be simulated.
    executor : concurrent.futures.Executor, optional
        Runs the replications (see :func:`ccsim.simulate`).
    progress : callable, optional
        Called with a short text after each round.

    Returns
    -------
    Roster

    Raises
    ------
    ccsim.CcsimError
        When the scenario has no ``scheduling:`` section.
    """
    from ccsim.planning.plan import _check_targets

    sc = plan.scenario
    if sc.scheduling is None:
        raise CcsimError("scheduling: the scenario has no shift types (a scheduling: section) to roster the plan with")
    cal = sc.calendar
    shifts = sc.scheduling
    if "fte_hours_per_week" not in shifts.model_fields_set:  # the scenario's FTE, unless the section says
        shifts = shifts.model_copy(update={"fte_hours_per_week": sc.costs.fte_hours_per_week})
    notes: list[str] = []
    rostered = []
    for g in plan.planned_groups:
        try:
            types = shifts.types_for(g)
        except CcsimError:
            types = {}
        if types:
            rostered.append(g)
        else:
            notes.append(f"agent_groups.{g}: no shift types for it (scheduling.groups): keeps the per-interval plan")
    required = {g: plan.staffing[g].astype(float) for g in rostered}
    on_duty = {g: answers(sc, g) for g in rostered}
    staffing = {g: v.copy() for g, v in plan.staffing.items()}
    schedules: dict[str, Schedule] = {}
    result, misses = plan.result, []
    rounds = 0
    while rounds < max_rounds:
        for g in rostered:
            schedules[g] = schedule(
                required[g],
                interval_min=cal.interval_min,
                shifts=shifts,
                day_start=cal.open or "00:00",
                intervals_per_day=cal.intervals_per_day_value,
                days=cal.days,
                start_weekday=cal.start_weekday,
                group=g,
                time_limit_s=time_limit_s,
                gap=gap,
            )
            staffing[g] = np.where(on_duty[g], np.round(schedules[g].on_duty).astype(np.int64), 0)
        result = simulate(
            sc, replications=plan.result.replications, seed=plan.seed, staffing=staffing, executor=executor
        )
        if result.interrupted:  # Ctrl-C: a repair on partial results would mislead
            raise KeyboardInterrupt
        misses = _check_targets(result, sc, plan.planned_groups, confident=True)
        rounds += 1
        if progress is not None:
            progress(f"roster {rounds}: {sum(s.shift_count for s in schedules.values())} shifts, {len(misses)} misses")
        if not misses:
            break
        raised = False
        for g, k in sorted({(g, m.interval) for m in misses for g in _groups_of(sc, m, rostered, on_duty)}):
            if required[g][k] < staffing[g][k] + 1:
                required[g][k] = staffing[g][k] + 1
                raised = True
        if not raised:
            notes.append("a missed target is not in an interval a rostered group can cover: repair stopped")
            break
    for g, s in schedules.items():
        if not s.fully_covered:
            shown = ", ".join(label for label, _ in s.unmet[:3])
            notes.append(f"agent_groups.{g}: the shift types cannot cover every interval (short: {shown})")
    hours = cal.interval_s / 3600.0
    return Roster(
        schedules=schedules,
        staffing=staffing,
        result=result,
        misses=misses,
        rounds=rounds,
        plan_agent_hours=float(sum(plan.staffing[g].sum() for g in plan.planned_groups)) * hours,
        roster_agent_hours=float(sum(staffing[g].sum() for g in plan.planned_groups)) * hours,
        shrinkage={g: sc.agent_groups[g].shrinkage for g in rostered},
        notes=notes,
    )


def _groups_of(sc, miss, rostered: list[str], on_duty: dict[str, np.ndarray]) -> list[str]:
    """The rostered groups that get an agent for a miss: the first of each part of the channel.

    A channel whose contact types go to different first groups (language teams) has a part per
    type, as the planner's guess sizes it (:func:`ccsim.planning.guess.entry_groups`).
    """
    if miss.where == "group":
        return [miss.name] if miss.name in rostered else []
    out = []
    for ctype, _share in channel_parts(sc, miss.name):
        first = next(
            (g for g in entry_groups(sc, miss.name, ctype) if g in rostered and on_duty[g][miss.interval]), None
        )
        if first is not None and first not in out:
            out.append(first)
    if out:
        return out
    able = [
        g
        for g in rostered
        if on_duty[g][miss.interval] and any(k.split("/")[0] == miss.name for k in sc.agent_groups[g].skills)
    ]
    return able[:1]
