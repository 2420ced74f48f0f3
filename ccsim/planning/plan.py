"""``ccsim.plan``: agents per group and interval so that every target is met in simulation.

The plan starts from the analytic first guess (:mod:`ccsim.planning.guess`) and is corrected by
simulating the whole desk with common random numbers (the same seed for every evaluation, so
that two staffings are compared on the same contacts):

1. **Judging.** A plan is simulated with ``replications`` replications (default: the
   scenario's ``simulation.replications`` if at least 20, else 20, so that interval figures
   are sharp). Every interval with contacts offered (warm-up included) must meet every target of its
   channel on the *mean over replications* of that interval's KPI: ``min_service_level`` (at
   the channel's answer target), ``max_asa_s``, ``max_abandon_rate``. Email and SNS, worked
   from a backlog answered within hours, are judged per day instead (an email arriving before
   closing cannot be answered within a few hours in its interval's terms). A higher-tier group that
   receives escalations must answer them at the service level its channels ask for
   (``transfer_service_level``).
2. **Adding.** While some interval misses a target, one agent is added in every missed interval
   to the group that answers that channel first (for escalations, the receiving group), and
   the desk is simulated again. An interval inherits its queue from the one before: a miss
   caused by the interval before is cured there too, and the surplus goes in step 3.
3. **Removing.** In turn for every planned group, one agent is removed in every other interval
   (even intervals, then odd ones, so that two removals do not follow each other); the
   removals at an interval that then misses, or just before one, are put back and the desk is
   simulated again, until nothing misses; the removals left are kept. A removal must leave
   every target met with confidence: the 95 % confidence interval of the mean, not only the
   mean, on the right side of the target (otherwise the plan would fit the noise of its own
   seed: an agent whose interval meets the target on this seed's mean by chance is kept). Rounds repeat until a
   round removes nothing. (A removal is kept only when a simulation with it meets every target;
   single removals are not tried one by one, so an agent that could go alone may stay.)

After the adding phase and after the confirmation, an interval where in every replication
no contact of a planned group's channels was offered, waited (then or in the interval before)
or was escalated to it loses that group's agents without a trial (they had nothing to do), and
the desk is simulated again. Closed hours have nobody by the calendar.

Vendor groups keep their staffing. The in-house groups are planned for what the vendors leave
them (:func:`ccsim.planning.guess.in_house_share`); intervals where a vendor takes every contact
of a channel are not judged, and where an outside-hours or overflow vendor waits for the
in-house desk to be empty, a working group keeps one agent where contacts arrive.
The plan is the last staffing that met every target; when
no staffing within the limits meets a target (:attr:`Plan.misses`), the plan says which
channel, interval and target, and keeps what it had. The judging of step 1 is
:func:`ccsim.planning.targets.check_targets`, which the roster's repair uses too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ccsim.errors import CcsimError
from ccsim.planning.guess import (
    analytic_staffing,
    answers,
    entry_group,
    planned_by_planner,
    vendor_rule,
    works,
)
from ccsim.planning.roster import plan_roster
from ccsim.planning.targets import Miss, check_targets
from ccsim.results import SimulationResult
from ccsim.scenario import MAX_AGENTS, Scenario, staffing_per_interval
from ccsim.simulation import MAX_CONTACTS, simulate

__all__ = ["Miss", "Plan", "PlanInterrupted", "plan"]

#: Fewest replications the search judges a staffing on.
MIN_REPLICATIONS = 20
#: Replications the found plan is confirmed (and corrected) on.
CONFIRM_REPLICATIONS = 100
#: A miss that this many agents added for it in a row did not move towards its target by
#: STALL_GAIN (a share of the way to the target) is left: staffing cannot cure it.
STALL = 4
STALL_GAIN = 0.05
#: Confirming, a round that adds agents adds them also where a target is met with confidence by
#: less than this (a share: half a point of service level; for an ASA, this share of it).
CONFIRM_GUARD = 0.005


@dataclass(frozen=True, eq=False)
class Plan:
    """A staffing plan and the simulation that confirms it.

    Attributes
    ----------
    scenario : Scenario
        The scenario planned (with its own staffing).
    staffing : dict
        ``{group: numpy int array}``: agents on duty per interval of the calendar, the plan.
    analytic : dict
        The analytic first guess, the same shape.
    sipp : dict
        What per-interval Erlang formulas in steady state give (the spreadsheet method, SIPP).
    result : SimulationResult
        The simulation of the plan (every replication kept).
    sipp_result : SimulationResult or None
        The simulation of the SIPP staffing, with the same seed (None in a plan left by Ctrl-C).
    planned_groups : tuple of str
        The groups the planner sized (vendor groups keep their staffing).
    misses : list of Miss
        Targets the plan still misses (empty when it meets every target).
    sipp_misses : list of Miss
        Targets the SIPP staffing misses when simulated.
    evaluations : int
        Simulations run to find the plan.
    stopped : str or None
        Why the search stopped early: ``limit`` (a missed interval could get no more agents:
        the group's ``max_agents``, the search's own limit, or nobody of it works that day;
        :attr:`notes` names a ``max_agents`` that blocks), ``evaluations``
        (``max_evaluations`` ran out), ``interrupted`` (Ctrl-C: the last staffing that met
        every target, see :class:`PlanInterrupted`), or None.
    replications, seed : int
        How each staffing was judged.
    roster : ccsim.planning.Roster or None
        With the scenario's ``scheduling:`` shift types: the plan turned into shifts with
        breaks, simulated and repaired until it meets every target (:func:`plan_roster`).
    """

    scenario: Scenario
    staffing: dict[str, np.ndarray]
    analytic: dict[str, np.ndarray]
    sipp: dict[str, np.ndarray]
    result: SimulationResult
    sipp_result: SimulationResult | None
    planned_groups: tuple[str, ...]
    misses: list[Miss]
    sipp_misses: list[Miss]
    evaluations: int
    replications: int
    seed: int
    stopped: str | None = None
    notes: list[str] = field(default_factory=list)
    roster: Any = None

    @property
    def met(self) -> bool:
        """Whether the plan meets every target in every interval."""
        return not self.misses

    def to_scenario(self) -> Scenario:
        """The scenario with the planned staffing (``ccsim.simulate`` confirms it)."""
        groups = {g: {"staffing": [int(x) for x in self.staffing[g]]} for g in self.planned_groups}
        return self.scenario.replace({"agent_groups": groups})

    def hours(self, staffing: dict[str, np.ndarray]) -> dict[str, float]:
        """Agent-hours on duty per group of a staffing, and ``all``."""
        interval_h = self.scenario.calendar.interval_s / 3600.0
        out = {g: float(v.sum()) * interval_h for g, v in staffing.items() if g in self.planned_groups}
        out["all"] = sum(out.values())
        return out


def _limits(
    scenario: Scenario, analytic: dict[str, np.ndarray], planned: tuple[str, ...]
) -> tuple[dict[str, np.ndarray], set[str]]:
    """The most agents the planner may put on duty per group and interval, and the capped groups.

    A group's ``max_agents`` where given; otherwise a search limit far above the analytic guess.
    """
    cal = scenario.calendar
    limit, capped = {}, set()
    for g in planned:
        spec = scenario.agent_groups[g]
        far = max(MAX_AGENTS // 100, 4 * int(analytic[g].max(initial=0)) + 50)
        if spec.max_agents is None:
            limit[g] = np.full(cal.intervals, far, dtype=np.int64)
        else:
            limit[g] = np.minimum(staffing_per_interval(spec.max_agents, None, cal), far)
            capped.add(g)
    return limit, capped


def _floors(
    scenario: Scenario,
    planned: tuple[str, ...],
    entry: dict[str, tuple[tuple[str, ...], ...]],
    on_duty: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """The fewest agents a planned group keeps per interval: 0, or 1 where a vendor waits for it.

    A vendor taking a channel outside hours (or overflow, which takes everything while nobody
    in-house is on duty) would take the whole channel from a group planned down to nobody: where
    the group works and contacts arrive, it keeps one agent, so that the in-house desk is open.
    """
    cal = scenario.calendar
    floor = {g: np.zeros(cal.intervals, dtype=np.int64) for g in planned}
    for name, ch in scenario.channels.items():
        rule = vendor_rule(scenario, name)
        if rule is None or rule[1] not in ("outside_hours", "overflow"):
            continue
        arriving = np.flatnonzero(ch.volume.per_interval_volume(cal) > 0)
        for part in entry.get(name, ()):
            for k in arriving:
                g = part[k]
                if g in floor and on_duty[g][k]:
                    floor[g][k] = 1
    return floor


def _idle(result: SimulationResult, scenario: Scenario, planned: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Per planned group, the intervals where none of its work was there in any replication.

    Its work: contacts of the channels it has a skill for offered in the interval, waiting in
    it or at the end of the one before (a queue or backlog carried over), and escalations to it
    in the interval or the one before.
    """
    queued = result.channel_stat("queue_s") > 0  # (replications, channels, intervals)
    waiting = result.channel_stat("backlog_end") > 0
    seen = np.asarray(((result.channel_stat("offered") > 0) | queued | waiting).any(axis=0))  # (channels, intervals)
    carried = np.zeros_like(seen)
    carried[:, 1:] = (queued[:, :, :-1] | waiting[:, :, :-1]).any(axis=0)
    channel_busy = seen | carried
    transfers = np.asarray((result.group_stat("transfers_offered") > 0).any(axis=0))  # (groups, intervals)
    transfers[:, 1:] |= transfers[:, :-1].copy()
    index = {name: i for i, name in enumerate(result.channel_names)}
    out = {}
    for g in planned:
        mine = {key.split("/")[0] for key in scenario.agent_groups[g].skills}
        busy = transfers[result.group_names.index(g)].copy()
        for c in mine:
            if c in index:
                busy |= channel_busy[index[c]]
        out[g] = ~busy
    return out


def _stall_key(m: Miss) -> tuple:
    return (m.where, m.name, m.interval, m.target_name, m.channel)


def _gain(before: float, after: float, upper: bool, target: float) -> float:
    """The share of the way to the target that ``after`` covered from ``before`` (0: none, 1: all)."""
    gap = (before - target) if upper else (target - before)
    moved = (before - after) if upper else (after - before)
    return moved / gap if gap > 1e-12 else 1.0


class PlanInterrupted(KeyboardInterrupt):
    """Ctrl-C during the planner's search: :attr:`plan` is the best staffing that met every target so far.

    A ``KeyboardInterrupt``, so that code that stops on Ctrl-C still stops; the plan it carries
    has ``stopped == "interrupted"``, no SIPP simulation (``sipp_result`` None) and no roster.
    """

    def __init__(self, plan: Plan) -> None:
        super().__init__("interrupted: the plan is the best found so far")
        self.plan = plan


def plan(
    scenario: Scenario,
    *,
    seed: int | None = None,
    replications: int | None = None,
    executor: Any = None,
    max_evaluations: int = 200,
    progress: Callable[[str], None] | None = None,
    shifts: bool = True,
    max_contacts: float = MAX_CONTACTS,
) -> Plan:
    """Size every in-house agent group per interval so that every target is met in simulation.

    Parameters
    ----------
    scenario : Scenario
        The desk, with targets for every channel that has volume (a variant already applied).
    seed : int, optional
        The seed of every evaluation (default: the scenario's, else 1): common random numbers.
    replications : int, optional
        Replications per evaluation (default: the scenario's if at least 20, else 20).
    executor : concurrent.futures.Executor, optional
        Runs the replications (see :func:`ccsim.simulate`); the plan is the same whatever the
        executor.
    max_evaluations : int, default 200
        Simulations the search may run.
    progress : callable, optional
        Called with a short text after each evaluation.
    shifts : bool, default True
        With the scenario's ``scheduling:`` section, turn the plan into a roster of shifts and
        repair it in simulation (:attr:`Plan.roster`); False: the per-interval plan only.
    max_contacts : float, default 2e8
        The most contacts one simulation of the search may be expected to hold (see
        :func:`ccsim.simulate`).

    Returns
    -------
    Plan
        The plan, its simulation, the analytic guess and SIPP for comparison. When a target
        cannot be met within the limits, :attr:`Plan.misses` names the channel, interval and
        target, and the plan keeps the best staffing it found.

    Raises
    ------
    ccsim.CcsimError
        A channel with volume but no target, or no in-house group to serve it.
    PlanInterrupted
        Ctrl-C during the search, after some staffing met every target: its ``plan`` is the
        last one that did (a plain ``KeyboardInterrupt`` before any did).
    """
    best: dict[str, Any] = {}
    try:
        search = _Search(scenario, seed, replications, executor, max_evaluations, progress, max_contacts, best)
        return search.run(shifts)
    except KeyboardInterrupt:
        if "staffing" not in best:
            raise
        partial = Plan(
            scenario=scenario,
            sipp_result=None,
            misses=[],
            sipp_misses=[],
            stopped="interrupted",
            **best,
        )
        partial.notes.append(
            f"interrupted after {best['evaluations']} simulations: the last staffing that met every target"
        )
        raise PlanInterrupted(partial) from None


class _Search:
    """The planner's search (see :func:`plan`): guess, add until met, remove, confirm.

    Every staffing meeting every target is kept in ``best`` (what Ctrl-C leaves).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int | None,
        replications: int | None,
        executor: Any,
        max_evaluations: int,
        progress: Callable[[str], None] | None,
        max_contacts: float,
        best: dict[str, Any],
    ) -> None:
        if not isinstance(scenario, Scenario):
            raise CcsimError(f"plan: expected a Scenario (see ccsim.load_scenario), got {type(scenario).__name__}")
        self.scenario = scenario
        seed = scenario.simulation.seed if seed is None else seed
        self.seed: int = 1 if seed is None else seed
        self.reps = (
            replications if replications is not None else max(scenario.simulation.replications, MIN_REPLICATIONS)
        )
        self.confirm_reps = max(self.reps, CONFIRM_REPLICATIONS) if replications is None else self.reps
        self.executor = executor
        self.max_evaluations = max_evaluations
        self.progress = progress
        self.max_contacts = max_contacts
        self.best = best
        self.evaluations = 0
        self.notes: list[str] = []
        self.stopped: str | None = None
        self.seen: dict[tuple, list[float]] = {}  # per miss, its value each time agents were added for it
        self.stalled: set[tuple] = set()

    def run(self, shifts: bool) -> Plan:
        """The plan: the analytic guess, agents added until every target is met, removed, confirmed."""
        self.guess()
        self.result, self.misses = self.evaluate(self.staffing)
        self.floor = _floors(self.scenario, self.planned, self.entry, self.on_duty)
        self.settle()  # 2. adding
        if self.misses:
            self.stopped = self.stopped or "evaluations"
            return self.finish(shifts)
        self.remove()  # 3. removing
        self.confirm()  # 4. confirming
        return self.finish(shifts)

    def guess(self) -> None:
        """1. The analytic first guess (and SIPP), the groups to plan and the limits of each."""
        scenario = self.scenario
        analytic, needs = analytic_staffing(scenario)
        sipp, _ = analytic_staffing(scenario, time_varying=False)
        marked = tuple(planned_by_planner(scenario))
        # the groups with staffing: plan if any, else every in-house group; the others keep theirs
        planned = marked or tuple(g for g, spec in scenario.agent_groups.items() if spec.vendor is None)
        if marked:
            current = scenario.staffing_plan(planned_by_planner(scenario))
            for g in scenario.agent_groups:
                if g not in planned:
                    analytic[g] = current[g]
                    sipp[g] = current[g]
        self.analytic, self.sipp, self.planned = analytic, sipp, planned
        # per part of a channel (its contact types, when language teams answer them) and interval:
        # the group that answers it first that day
        self.entry = {name: need.parts or (need.groups,) for name, need in needs.items()}
        # a group may take agents where it works and its agents answer at all (availability > 0)
        self.on_duty = {g: answers(scenario, g) for g in planned}
        self.limit, self.capped = _limits(scenario, analytic, planned)
        limit = self.limit
        self.staffing = {
            g: np.minimum(v.astype(np.int64), limit[g]) if g in limit else v.copy() for g, v in analytic.items()
        }
        if any(np.any(self.staffing[g] < analytic[g]) for g in limit):
            self.notes.append("the analytic guess exceeds max_agents in some intervals: capped")

    def evaluate(
        self, staffing: dict[str, np.ndarray], confident: bool = False, replications: int | None = None
    ) -> tuple[SimulationResult, list[Miss]]:
        """Simulate a staffing and judge it; a staffing meeting every target is kept in ``best``."""
        self.evaluations += 1
        n = self.reps if replications is None else replications
        res = simulate(
            self.scenario,
            replications=n,
            seed=self.seed,
            staffing=staffing,
            executor=self.executor,
            max_contacts=self.max_contacts,
        )
        if res.interrupted:  # Ctrl-C: a search on partial results would mislead
            raise KeyboardInterrupt
        misses = check_targets(res, self.scenario, self.planned, confident)
        if not misses:  # what Ctrl-C leaves: the last staffing that met every target
            self.best.update(
                staffing={h: v.copy() for h, v in staffing.items()},
                analytic=self.analytic,
                sipp=self.sipp,
                result=res,
                planned_groups=self.planned,
                evaluations=self.evaluations,
                replications=n,
                seed=self.seed,
                notes=list(self.notes),
            )
        if self.progress is not None:
            self.progress(
                f"evaluation {self.evaluations}: {sum(int(staffing[g].sum()) for g in self.planned)} "
                f"agent-intervals, {len(misses)} misses"
            )
        return res, misses

    def groups_of(self, miss: Miss) -> list[str]:
        """The groups a miss adds an agent to: the first of each part of the channel (planned ones)."""
        if miss.where == "group":
            return [miss.name]
        if miss.where == "vendor":
            return [miss.group] if miss.group else []
        if miss.name in self.entry:
            firsts = list(dict.fromkeys(part[miss.interval] for part in self.entry[miss.name]))
        else:
            firsts = [entry_group(self.scenario, miss.name)]
        chosen = [g for g in firsts if g in self.planned]
        if chosen:
            return chosen
        able = [  # the channel's first group is not planned: the first planned group with the skill
            g
            for g in self.planned
            if self.on_duty[g][miss.interval]
            and any(k == miss.name or k.startswith(miss.name + "/") for k in self.scenario.agent_groups[g].skills)
        ]
        return able[:1] if able else firsts[:1]

    def add(self, misses: list[Miss]) -> bool:
        """One more agent in every missed interval; False when none could be added.

        A miss where no group could take an agent (availability 0, or not working that day) is
        noted once; when only such misses are left, the search stops. So is a miss that
        :data:`STALL` agents added for it in a row did not move towards its target (escalations
        raised after closing wait overnight whatever the staffing): no more are added for it.
        """
        misses = self.unstalled(misses)
        if not misses:
            self.stopped = "limit"
            return False
        self.note_unanswerable(misses)
        curable = any(g in self.limit and self.on_duty[g][m.interval] for m in misses for g in self.groups_of(m))
        grown = False
        staffing, limit, on_duty = self.staffing, self.limit, self.on_duty
        for g, k in sorted({(g, m.interval) for m in misses for g in self.groups_of(m)}):
            if g in limit and staffing[g][k] < limit[g][k] and on_duty[g][k]:
                staffing[g][k] += 1
                grown = True
        grown = grown and curable
        if not grown:
            self.stopped = "limit"
            first = misses[0]
            g = self.groups_of(first)[0]
            if g in self.capped and staffing[g][first.interval] >= limit[g][first.interval]:
                self.notes.append(
                    f"agent_groups.{g}.max_agents ({limit[g][first.interval]}) blocks interval {first.label}"
                )
        return grown

    def unstalled(self, misses: list[Miss]) -> list[Miss]:
        """The misses agents may still be added for: a miss :data:`STALL` agents did not move is left."""
        stalled = self.stalled
        misses = [m for m in misses if _stall_key(m) not in stalled]
        for m in {_stall_key(m): m for m in reversed(misses)}.values():  # once each, as first found
            values = self.seen.setdefault(_stall_key(m), [])
            values.append(m.value)
            upper = m.target_name in ("max_asa_s", "max_abandon_rate")
            if len(values) > STALL and _gain(values[-STALL - 1], values[-1], upper, m.target) < STALL_GAIN:
                stalled.add(_stall_key(m))
                self.notes.append(
                    f"{m}: {STALL} more agents did not move it towards the target (escalations raised after "
                    "closing, say, wait for the opening whatever the staffing): no more are added for it"
                )
        return [m for m in misses if _stall_key(m) not in stalled]

    def note_unanswerable(self, misses: list[Miss]) -> None:
        """Note once each missed interval where a planned group works but none of its agents can answer."""
        for m in misses:
            for g in self.groups_of(m):
                if g in self.limit and self.on_duty[g][m.interval]:
                    continue
                if g in self.planned and works(self.scenario, g)[m.interval]:
                    note = f"agent_groups.{g}.availability is 0 in interval {m.label}: no agent of it can answer there"
                    if note not in self.notes:
                        self.notes.append(note)

    def empty_idle(self) -> bool:
        """Nobody where nothing happened: no contact of the group's channels offered or waiting.

        Judged on every replication of the last simulation. Those agents had nothing to do,
        so they go without a trial; True when some went (the desk must be simulated again).
        """
        quiet = _idle(self.result, self.scenario, self.planned)
        cut = False
        for g in self.planned:
            ks = quiet[g] & (self.staffing[g] > self.floor[g])
            if ks.any():
                self.staffing[g][ks] = self.floor[g][ks]
                cut = True
        return cut

    def settle(self, confident: bool = False, replications: int | None = None) -> None:
        """Add agents until nothing misses (or the limits stop it), nobody where nothing happens.

        Confirming (``confident``), a round that must add agents anyway adds them at the near
        misses too (within :data:`CONFIRM_GUARD` of a target with confidence): adding agents
        moves the other intervals a little under common random numbers, and a near miss would
        most often become the next round's miss, each round a simulation of ``confirm``
        replications.
        """
        self.seen.clear()  # a stall is judged within one run of additions, on one number of replications

        def more(found: list[Miss]) -> list[Miss]:
            if not confident or not found:
                return found
            return found + check_targets(self.result, self.scenario, self.planned, True, guard=CONFIRM_GUARD)

        while True:
            while self.misses and self.evaluations < self.max_evaluations and self.add(more(self.misses)):
                self.result, self.misses = self.evaluate(self.staffing, confident=confident, replications=replications)
            if self.misses or self.evaluations >= self.max_evaluations or not self.empty_idle():
                return
            self.result, self.misses = self.evaluate(self.staffing, confident=confident, replications=replications)

    def remove(self) -> None:
        """3. Removing: one agent in every other interval of each group, in rounds until none goes."""
        changed = True
        while changed and self.evaluations < self.max_evaluations:
            changed = False
            for g in self.planned:
                for parity in (0, 1):
                    if self.evaluations >= self.max_evaluations:
                        break
                    ks = [
                        k
                        for k in range(self.scenario.calendar.intervals)
                        if k % 2 == parity and self.staffing[g][k] > self.floor[g][k]
                    ]
                    if ks and self.remove_some(g, ks):
                        changed = True

    def remove_some(self, g: str, ks: list[int]) -> bool:
        """Remove one agent of ``g`` at each of ``ks``; those at or just before a miss are put back.

        True when some removals stay (the staffing, its simulation and no misses are kept).
        """
        keep = ks
        while True:  # take back the removals at or just before a miss, until nothing misses
            trial = {h: v.copy() for h, v in self.staffing.items()}
            trial[g][keep] -= 1
            trial_res, trial_misses = self.evaluate(trial, confident=True)
            if not trial_misses or self.evaluations >= self.max_evaluations:
                break
            bad = {m.interval for m in trial_misses} | {m.interval - 1 for m in trial_misses}
            kept = [k for k in keep if k not in bad]
            if not kept or kept == keep:  # nothing left, or the misses come from further back
                break
            keep = kept
        if trial_misses or not keep:
            return False
        self.staffing, self.result, self.misses = trial, trial_res, []
        return True

    def confirm(self) -> None:
        """4. Confirming: judged again on more replications, agents added where it then misses.

        The search's replications can meet a target by chance.
        """
        self.result, self.misses = self.evaluate(self.staffing, replications=self.confirm_reps, confident=True)
        self.settle(confident=True, replications=self.confirm_reps)
        if self.evaluations >= self.max_evaluations:
            self.stopped = "evaluations"
            self.notes.append(f"stopped after {self.max_evaluations} evaluations: some agents may still be removable")

    def finish(self, shifts: bool) -> Plan:
        """The plan found, with the SIPP staffing simulated beside it, and its roster when asked."""
        scenario = self.scenario
        sipp_result = simulate(
            scenario,
            replications=self.reps,
            seed=self.seed,
            staffing=self.sipp,
            executor=self.executor,
            max_contacts=self.max_contacts,
        )
        out = Plan(
            scenario=scenario,
            staffing=self.staffing,
            analytic=self.analytic,
            sipp=self.sipp,
            result=self.result,
            sipp_result=sipp_result,
            planned_groups=self.planned,
            misses=self.misses,
            sipp_misses=check_targets(sipp_result, scenario, self.planned),
            evaluations=self.evaluations,
            replications=self.reps,
            seed=self.seed,
            stopped=self.stopped,
            notes=self.notes,
        )
        if shifts and scenario.scheduling is not None and out.met:
            out = replace(out, roster=plan_roster(out, executor=self.executor, max_contacts=self.max_contacts))
        return out
