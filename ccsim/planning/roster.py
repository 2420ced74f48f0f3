"""From a per-interval plan to a roster of shifts that meets every target in simulation.

A plan says how many agents each interval needs; agents work shifts. With a scenario's
``scheduling:`` section, :func:`plan_roster` turns each planned group's plan into the cheapest
shifts with breaks covering it (:func:`ccsim.planning.schedule`), simulates the roster (its
agents on duty differ from the plan: shifts over-cover, breaks take agents away), and repairs
it: where the roster misses a target, the requirement of that interval rises to one agent
above what the roster has on duty there and the shifts are chosen again (the cheapest shifts
covering the higher requirement, so the repair stays optimal for what it covers), until every
target holds or ``max_rounds`` rounds have run.

The roster puts nobody on duty where the group cannot answer (:func:`ccsim.planning.guess.answers`:
a closed hour, a day it does not work, availability 0) and at most its ``max_agents``
elsewhere; an interval the shift types cannot cover is reported, never an error. Its hiring
figures (people per contract with shrinkage, FTE, cost per week and per month) are each
schedule's :attr:`~ccsim.planning.Schedule.hiring`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.errors import CcsimError
from ccsim.planning.guess import answers, channel_parts, entry_groups
from ccsim.planning.shifts import Schedule, paid_the_wage, schedule
from ccsim.planning.targets import check_targets
from ccsim.results import SimulationResult
from ccsim.scenario import staffing_per_interval
from ccsim.simulation import MAX_CONTACTS, simulate
from ccsim.weeks import calendar_week, open_weekdays

__all__ = ["Roster", "max_on_duty", "plan_roster"]


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
    max_on_duty : dict
        ``{group: numpy array}``: the most agents each rostered group may have on duty per
        interval (``max_agents``, 0 where it cannot answer; ``inf``: no bound).
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
    max_on_duty: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def people(self) -> int:
        """People to hire, every group and contract together (with shrinkage)."""
        return int(sum(s.headcount for s in self.schedules.values()))

    @property
    def fte(self) -> float:
        """Full-time equivalents with shrinkage, every group together."""
        return float(sum(s.fte for s in self.schedules.values()))

    @property
    def cost_per_week(self) -> float:
        """The shifts' cost a week with shrinkage, every group together."""
        return float(sum(s.cost_per_week for s in self.schedules.values()))

    @property
    def cost_per_month(self) -> float:
        """The shifts' cost a month (30.4375 / 7 weeks) with shrinkage, every group together."""
        return float(sum(s.cost_per_month for s in self.schedules.values()))

    @property
    def uncovered(self) -> list[tuple[str, str, float]]:
        """``(group, interval label, agents short)`` of every interval a group's shifts leave short."""
        return [(g, label, short) for g, s in self.schedules.items() for label, short in s.unmet]

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
    max_contacts: float = MAX_CONTACTS,
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
    max_contacts : float, default 2e8
        The most contacts one simulation of a roster may be expected to hold (see
        :func:`ccsim.simulate`).

    Returns
    -------
    Roster

    Raises
    ------
    ccsim.CcsimError
        When the scenario has no ``scheduling:`` section.
    """
    sc = plan.scenario
    if sc.scheduling is None:
        raise CcsimError("scheduling: the scenario has no shift types (a scheduling: section) to roster the plan with")
    shifts = sc.scheduling
    if "fte_hours_per_week" not in shifts.model_fields_set:  # the scenario's FTE, unless the section says
        shifts = shifts.model_copy(update={"fte_hours_per_week": sc.costs.fte_hours_per_week})
    if shifts.currency is None:
        shifts = shifts.model_copy(update={"currency": sc.costs.currency})
    notes: list[str] = []
    rostered = _rostered_groups(plan, shifts, notes)
    job = _Rostering(plan, rostered, shifts, notes, {"time_limit_s": time_limit_s, "gap": gap})
    result, misses, rounds = job.repair(max_rounds, executor, progress, max_contacts)
    job.note_blocked(result.interval_labels)
    job.note_uncovered()
    hours = sc.calendar.interval_s / 3600.0
    return Roster(
        schedules=job.schedules,
        staffing=job.staffing,
        result=result,
        misses=misses,
        rounds=rounds,
        plan_agent_hours=float(sum(plan.staffing[g].sum() for g in plan.planned_groups)) * hours,
        roster_agent_hours=float(sum(job.staffing[g].sum() for g in plan.planned_groups)) * hours,
        shrinkage={g: sc.agent_groups[g].shrinkage for g in rostered},
        notes=notes,
        max_on_duty=job.bound,
    )


def _rostered_groups(plan: Any, shifts: Any, notes: list[str]) -> list[str]:
    """The planned groups with shift types (a vendor's staff and groups without any keep the plan, noted)."""
    sc = plan.scenario
    rostered = []
    for g in plan.planned_groups:
        if sc.agent_groups[g].vendor is not None:
            notes.append(
                f"agent_groups.{g}: the vendor's staff, priced by its contract: keeps the per-interval plan (not "
                "rostered, not hired)"
            )
            continue
        try:
            types = shifts.types_for(g)
        except CcsimError:
            types = {}
        if types:
            rostered.append(g)
        else:
            notes.append(f"agent_groups.{g}: no shift types for it (scheduling.groups): keeps the per-interval plan")
    return rostered


class _Rostering:
    """A plan's roster being built: each rostered group's requirement, bounds, priced shift types and schedule."""

    def __init__(self, plan: Any, rostered: list[str], shifts: Any, notes: list[str], solver: dict[str, float]) -> None:
        sc = plan.scenario
        cal = sc.calendar
        self.plan, self.sc, self.rostered, self.notes, self.solver = plan, sc, rostered, notes, solver
        self.on_duty = {g: answers(sc, g) for g in rostered}
        self.bound = {g: max_on_duty(sc, g) for g in rostered}
        self.required = {g: self._requirement(g) for g in rostered}
        self.priced = {g: self._priced(shifts, g) for g in rostered}
        self.starts = np.round(np.asarray(cal.interval_starts_s()) / 60.0).astype(np.int64)
        self.staffing = {g: v.copy() for g, v in plan.staffing.items()}
        self.schedules: dict[str, Schedule] = {}
        # the hiring figures' week as the costs count it (ccsim.weeks): a typical day stands for the
        # open weekdays like it
        weekend = sc.costs.weekend_days if sc.costs.weekend_premium else ()
        self.alike = calendar_week(cal, None, sc.agent_groups.values(), weekend).weekdays if cal.days == 1 else None
        self.blocked: set[tuple[str, int]] = set()  # (group, interval) that max_agents keeps from more agents

    def _requirement(self, g: str) -> np.ndarray:
        """The plan's agents of a group where it can answer, within its max_agents (agents elsewhere noted)."""
        planned = self.plan.staffing[g].astype(float)
        idle = float(planned[~self.on_duty[g]].sum())
        if idle:
            self.notes.append(
                f"agent_groups.{g}: the plan has {idle:g} agent-intervals where the group cannot answer (closed, "
                "not its day, availability 0): not rostered"
            )
        return np.where(self.on_duty[g], np.minimum(planned, self.bound[g]), 0.0)

    def _priced(self, shifts: Any, g: str) -> Any:
        """The shift types of a group, those without a cost paid the group's wage (as the plan's labour cost)."""
        spec = self.sc.agent_groups[g]
        wage = spec.cost_per_hour if spec.cost_per_hour is not None else self.sc.costs.wage_per_hour
        priced, free = paid_the_wage(shifts, wage, g)
        if free:
            self.notes.append(
                f"agent_groups.{g}: shift types without cost_per_hour ({', '.join(free)}) are paid the group's wage, "
                f"{wage:g} {self.sc.costs.currency} an hour"
            )
        return priced

    def repair(
        self, max_rounds: int, executor: Any, progress: Callable[[str], None] | None, max_contacts: float
    ) -> tuple[SimulationResult, list[Any], int]:
        """Schedule, simulate and raise the requirement where targets are missed, until none is or no round is left."""
        result, misses = self.plan.result, []
        rounds = 0
        while rounds < max_rounds:
            self._schedule()
            result = simulate(
                self.sc,
                replications=self.plan.result.replications,
                seed=self.plan.seed,
                staffing=self.staffing,
                executor=executor,
                max_contacts=max_contacts,
            )
            if result.interrupted:  # Ctrl-C: a repair on partial results would mislead
                raise KeyboardInterrupt
            misses = check_targets(result, self.sc, self.plan.planned_groups, confident=True)
            rounds += 1
            if progress is not None:
                shifts = sum(s.shift_count for s in self.schedules.values())
                progress(f"roster {rounds}: {shifts} shifts, {len(misses)} misses")
            if not misses:
                break
            if not self._raise_missed(misses):
                self.notes.append(
                    "repair stopped: the intervals still missed cannot get more agents (the shift types' hours, caps "
                    "or max_agents)"
                )
                break
        return result, misses, rounds

    def _schedule(self) -> None:
        """The cheapest shifts covering each rostered group's requirement, and the agents they put on duty."""
        cal = self.sc.calendar
        for g in self.rostered:
            self.schedules[g] = schedule(
                self.required[g],
                interval_min=cal.interval_min,
                shifts=self.priced[g],
                starts_min=self.starts,
                days=cal.days,
                start_weekday=cal.start_weekday,
                group=g,
                max_on_duty=self.bound[g],
                shrinkage=self.sc.agent_groups[g].shrinkage,
                open_weekdays=open_weekdays(cal),
                alike_weekdays=self.alike,
                time_limit_s=self.solver["time_limit_s"],
                gap=self.solver["gap"],
            )
            on_duty = np.round(self.schedules[g].on_duty).astype(np.int64)
            self.staffing[g] = np.where(self.on_duty[g], on_duty, 0)

    def _raise_missed(self, misses: list[Any]) -> bool:
        """One agent above the roster's where a target is missed, within max_agents; whether any requirement rose."""
        raised = False
        for g, k in sorted(
            {(g, m.interval) for m in misses for g in _groups_of(self.sc, m, self.rostered, self.on_duty)}
        ):
            want = self.staffing[g][k] + 1
            if want > self.bound[g][k]:
                self.blocked.add((g, k))
            elif self.required[g][k] < want:
                self.required[g][k] = want
                raised = True
        return raised

    def note_blocked(self, labels: Any) -> None:
        """A note per group whose max_agents kept the repair from an interval (up to five named)."""
        blocked = self.blocked
        for g in sorted({g for g, _ in blocked}):
            ks = sorted(k for h, k in blocked if h == g)
            shown = ", ".join(f"{labels[k]} ({self.bound[g][k]:g})" for k in ks[:5]) + (
                f" and {len(ks) - 5} more" if len(ks) > 5 else ""
            )
            self.notes.append(
                f"agent_groups.{g}.max_agents (0 where it cannot answer) blocks the repair in {len(ks)} intervals: "
                f"{shown}"
            )

    def note_uncovered(self) -> None:
        """A note per group with intervals no shift type can cover, and per group its shifts leave short."""
        for g, s in self.schedules.items():
            if s.uncoverable:
                shown = ", ".join(f"{s.labels[i]} (-{s.under[i]:g})" for i in s.uncoverable[:5])
                more = f" and {len(s.uncoverable) - 5} more" if len(s.uncoverable) > 5 else ""
                self.notes.append(
                    f"agent_groups.{g}: no shift type can be on duty in {len(s.uncoverable)} intervals with agents "
                    f"planned: {shown}{more}"
                )
            hard = [s.labels[i] for i in s.uncoverable]
            short = [label for label, _ in s.unmet if label not in hard]
            if short:
                shown = ", ".join(short[:3]) + (f" and {len(short) - 3} more" if len(short) > 3 else "")
                self.notes.append(
                    f"agent_groups.{g}: the shift types cannot cover every interval within the caps and max_agents "
                    f"(short: {shown})"
                )


def max_on_duty(scenario: Any, group: str) -> np.ndarray:
    """The most agents of a group the roster may put on duty per interval of the calendar.

    Its ``max_agents`` (``inf`` without one), and 0 wherever it cannot answer
    (:func:`ccsim.planning.guess.answers`: closed hours and weekdays, a weekday it does not
    work, availability 0).
    """
    spec = scenario.agent_groups[group]
    cal = scenario.calendar
    most = (
        np.full(cal.intervals, np.inf)
        if spec.max_agents is None
        else staffing_per_interval(spec.max_agents, None, cal).astype(float)
    )
    return np.where(answers(scenario, group), most, 0.0)


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
