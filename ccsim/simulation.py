"""``ccsim.simulate`` and ``ccsim.run_replication``: replications of a scenario, on any executor.

A replication is a pure function of (scenario, seed, replication number, staffing): it draws
from its own named random streams (:mod:`ccsim.streams`), so it can run in this process, in
another process or on another machine, and give the same numbers. :func:`simulate` runs the
replications (in this process, or through any ``concurrent.futures``-style executor) and keeps
every replication's sums in a :class:`~ccsim.results.SimulationResult`.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ccsim.engine.dispatch import Dispatch
from ccsim.engine.routing import Routing
from ccsim.engine.totals import RunTotals
from ccsim.errors import CcsimError
from ccsim.results import TARGETS, SimulationResult
from ccsim.scenario import Scenario
from ccsim.streams import fresh_seed

__all__ = [
    "MAX_CONTACTS",
    "MAX_RESULT_BYTES",
    "RunTotals",
    "expected_contacts",
    "expected_result_bytes",
    "run_replication",
    "simulate",
]

#: Default limit of new contacts a run may simulate over all replications (about 25 minutes
#: and no more than a few hundred MB on this project's machines); see ``simulate(max_contacts=)``.
MAX_CONTACTS = 2e8
#: Largest result a run may keep (every replication's per-interval sums), in bytes.
MAX_RESULT_BYTES = 8 * 2**30


def expected_result_bytes(scenario: Scenario, replications: int) -> float:
    """Memory the result of a run keeps: every replication's per-interval sums (float64)."""
    from ccsim.results.layout import CH_STATS, GROUP_STATS, N_BINS

    intervals = scenario.calendar.intervals
    per_rep = intervals * (len(scenario.channels) * len(CH_STATS) + len(scenario.agent_groups) * len(GROUP_STATS))
    pooled = len(scenario.channels) * intervals * N_BINS  # wait histograms, once
    return 8.0 * (replications * per_rep + pooled)


def expected_contacts(scenario: Scenario) -> dict[str, float]:
    """Expected new contacts of one replication per channel (before self-service).

    The forecast volumes of the calendar (day-of-week factors included); redials and repeat
    contacts come on top, at most a few times this for any sane scenario.
    """
    cal = scenario.calendar
    return {name: float(ch.volume.per_interval_volume(cal).sum()) for name, ch in scenario.channels.items()}


def _volume_field(scenario: Scenario, channel: str) -> str:
    volume = scenario.channels[channel].volume
    key = (
        "per_interval" if volume.per_interval is not None else "per_day" if volume.per_day is not None else "customers"
    )
    return f"channels.{channel}.volume.{key}"


def _check_size(scenario: Scenario, reps: int, max_contacts: float) -> None:
    if not isinstance(max_contacts, int | float) or isinstance(max_contacts, bool) or not max_contacts > 0:
        raise CcsimError(f"max_contacts: must be a number > 0, got {max_contacts!r}")
    memory = expected_result_bytes(scenario, reps)
    if memory > MAX_RESULT_BYTES:
        raise CcsimError(
            f"simulation.replications: {reps} replications of {scenario.calendar.intervals} intervals would keep "
            f"about {memory / 2**30:.1f} GiB of results (limit {MAX_RESULT_BYTES / 2**30:.0f} GiB); "
            "simulate fewer replications or days"
        )
    per_channel = expected_contacts(scenario)
    total = sum(per_channel.values()) * reps
    if total > max_contacts:
        biggest = max(per_channel, key=lambda name: per_channel[name])
        raise CcsimError(
            f"{_volume_field(scenario, biggest)}: the run would simulate about {total:.2g} contacts "
            f"({reps} replications; limit {max_contacts:.2g}); raise it with --max-contacts "
            "(max_contacts= in Python) or simulate fewer days or replications"
        )


def run_replication(
    scenario: Scenario,
    seed: int,
    replication: int,
    *,
    staffing: Mapping[str, Any] | None = None,
    routing: type[Routing] = Routing,
    trace: bool = False,
    engine: str = "fast",
    dispatch: type[Dispatch] | None = None,
) -> RunTotals:
    """Simulate one replication: a pure function of its arguments.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (a variant already applied: ``scenario.variant(name)``).
    seed : int
        The run's seed (>= 0).
    replication : int
        Replication number (>= 0); with the seed it selects the random streams.
    staffing : mapping, optional
        ``{group: agents or per-interval agents}`` replacing those groups' staffing (checked
        like the YAML; see :meth:`ccsim.Scenario.staffing_plan`).
    routing : type, default Routing
        The routing policy class.
    trace : bool, default False
        Keep an event log.
    engine : {"fast", "reference"}, default "fast"
        The fast engine, or the SimPy reference model (slower, written to be read); both give
        the same numbers (``docs/model.md``).
    dispatch : type, optional
        A dispatch policy class (:mod:`ccsim.engine.dispatch`) instead of the scenario's.

    Returns
    -------
    RunTotals
        Per-interval sums of the replication (picklable, a few hundred KB at most for the
        bundled scenarios).
    """
    model = _engine(engine)
    return model(scenario, seed, replication, staffing=staffing, routing=routing, trace=trace, dispatch=dispatch).run()


ENGINES = ("fast", "reference")


def _engine(name: str):
    if name == "fast":
        from ccsim.engine.fast import ContactCenter

        return ContactCenter
    if name == "reference":
        from ccsim.engine.reference import ReferenceModel

        return ReferenceModel
    raise CcsimError(f"engine: must be one of {', '.join(ENGINES)}, got {name!r}")


def _check_whole(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise CcsimError(f"{name}: must be a whole number >= {low}, got {value!r}")
    return int(value)


def simulate(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    staffing: Mapping[str, Any] | None = None,
    executor: Any = None,
    trace: bool = False,
    progress: Callable[[int, int], None] | None = None,
    routing: type[Routing] = Routing,
    engine: str = "fast",
    max_contacts: float = MAX_CONTACTS,
    dispatch: type[Dispatch] | None = None,
) -> SimulationResult:
    """Simulate a scenario: every replication's KPIs, summarised with confidence intervals.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (see :func:`ccsim.load_scenario`; a variant is
        ``scenario.variant(name)``).
    replications : int, optional
        Replications to run (default: the scenario's ``simulation.replications``).
    seed : int, optional
        Random seed (default: the scenario's ``simulation.seed``; if that is unset too, one is
        drawn and recorded in the result). The same scenario and seed give the same numbers.
    staffing : mapping, optional
        ``{group name: int or per-interval sequence}`` replacing those groups' staffing for
        this run: whole numbers >= 0, one value per interval of the calendar or of a day (the
        group's ``weekdays`` still apply). The numbers are identical to a variant with the same
        staffing.
    executor : concurrent.futures.Executor, optional
        Runs the replications (a process pool, a dask ``client.get_executor()``, ...; see
        :func:`ccsim.parallel.executor`); None runs them in this process. The results are
        identical whatever the executor: a replication depends only on (scenario, seed,
        replication, staffing), and each is kept in its own row. With ``submit`` (as every
        ``concurrent.futures`` executor has) a window of replications is submitted ahead and
        each is kept as it finishes; with ``map`` alone, in order.
    trace : bool, default False
        Keep an event log of every replication (memory grows with the run: for small runs).
    progress : callable, optional
        Called as ``progress(done, total)`` as replications finish.
    routing : type, default Routing
        The routing policy class; subclass :class:`ccsim.engine.routing.Routing` to change it (with
        an executor, define it at module level so that it can be pickled).
    engine : {"fast", "reference"}, default "fast"
        The fast engine, or the SimPy reference model that students read (same numbers,
        slower).
    max_contacts : float, default 2e8
        Refuse, before simulating, a run expected to simulate more new contacts than this over
        all replications (see :func:`expected_contacts`); raise it for a deliberately huge run.
    dispatch : type, optional
        A dispatch policy class replacing the scenario's ``dispatch`` policy: subclass
        :class:`ccsim.engine.dispatch.Dispatch` (with an executor, at module level). Any policy
        but the default runs the fast engine's general path, two to three times slower.

    Returns
    -------
    SimulationResult
        Every replication's sums, with summary rows, per-interval tables and target checks.
        When interrupted (Ctrl-C) after at least one replication, the finished replications
        are kept and the result says ``interrupted=True``; on an executor the replications not
        started are cancelled, and those that came back are kept whatever their number
        (``result.replication_ids`` lists them).

    Raises
    ------
    ccsim.CcsimError
        For a bad argument: one line naming it, the rule and the value.
    """
    if not isinstance(scenario, Scenario):
        raise CcsimError(f"simulate: expected a Scenario (see ccsim.load_scenario), got {type(scenario).__name__}")
    sc = scenario
    reps = _check_whole("replications", sc.simulation.replications if replications is None else replications, 1)
    if seed is None:
        seed = sc.simulation.seed
    if seed is None:
        seed = fresh_seed()
    seed = _check_whole("seed", seed, 0)
    if executor is not None and not callable(getattr(executor, "map", None)):
        raise CcsimError(f"executor: must have a map method like concurrent.futures.Executor, got {executor!r}")
    _engine(engine)  # a bad name fails before anything runs
    _check_size(sc, reps, max_contacts)
    plan = sc.staffing_plan(staffing)  # checked here, once, with a one-line error
    cal = sc.calendar
    starts = cal.interval_starts_s()
    warmup_end = starts[0] + sc.simulation.warmup_min * 60.0
    measured = np.array([s >= warmup_end - 1e-9 for s in starts])
    if not measured.any():
        raise CcsimError(f"simulation.warmup_min: the warm-up ({sc.simulation.warmup_min:g} min) covers the whole run")

    one = functools.partial(
        run_replication, sc, seed, staffing=plan, routing=routing, trace=trace, engine=engine, dispatch=dispatch
    )
    t0 = time.perf_counter()
    kept = _Kept(measured, reps)
    interrupted = False
    runs = _Runs(one, reps, executor)
    try:
        for replication, run in runs:
            kept.add(run, replication)
            if progress is not None:
                progress(kept.count, reps)
    except KeyboardInterrupt:
        for replication, run in runs.finished():  # those that came back before the interrupt
            kept.add(run, replication)
        if not kept.count:
            raise
        interrupted = True
    finally:
        runs.cancel()
    elapsed = time.perf_counter() - t0
    policy = sc.dispatch.policy if dispatch is None else dispatch.__name__
    return _result(sc, seed, reps, kept, plan, measured, interrupted, elapsed, policy)


def not_modelled(scenario: Scenario) -> tuple[str, ...]:
    """The KPIs a scenario does not model: resolution, escalation or repeat contacts left out.

    Without ``first_contact_resolution``, escalation or repeat contacts anywhere, every handled
    contact counts as resolved: a resolution rate of 100 % would be an assumption, not a
    result. Without escalation, the escalation figures are empty.
    """
    groups = scenario.agent_groups.values()
    escalation = any(g.escalation is not None for g in groups)
    repeats = scenario.resolution.repeat_probability > 0
    resolution = escalation or repeats or any(g.first_contact_resolution is not None for g in groups)
    out = []
    if not resolution:
        out += ["first_contact_resolution", "resolution_rate"]
    if not escalation:
        out += ["escalation_rate", "transfers_offered", "transfer_service_level", "transfer_asa_s"]
        out += ["transfer_abandon_rate"]
    if not repeats:
        out += ["recontact_rate"]
    return tuple(out)


class _Runs:
    """The replications of a run as ``(replication, RunTotals)`` pairs, as they finish.

    In this process they come in order. On an executor with ``submit`` they are submitted a
    window at a time and yielded as each finishes (so progress moves and an interrupt keeps
    every replication that came back); on one with ``map`` alone, in order. The results do
    not depend on the order: each is kept in its replication's row.
    """

    #: Replications submitted ahead of those finished: enough to keep a large cluster busy,
    #: few enough that cancelling the rest is instant and the driver's memory stays flat.
    IN_FLIGHT = 512

    def __init__(self, one: Callable[[int], RunTotals], reps: int, executor: Any) -> None:
        self.one = one
        self.reps = reps
        self.executor = executor
        self.pending: dict[Any, int] = {}  # future -> replication
        self.mapped: Any = None

    def __iter__(self):
        if self.executor is None:
            for replication in range(self.reps):
                yield replication, self.one(replication)
        elif not callable(getattr(self.executor, "submit", None)):
            self.mapped = self.executor.map(self.one, range(self.reps))
            yield from enumerate(self.mapped)
        else:
            yield from self._submitted()

    def _submitted(self):
        from concurrent.futures import FIRST_COMPLETED, wait

        following = 0
        while following < self.reps or self.pending:
            while following < self.reps and len(self.pending) < self.IN_FLIGHT:
                self.pending[self.executor.submit(self.one, following)] = following
                following += 1
            done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=self.pending.__getitem__):
                replication = self.pending.pop(future)
                yield replication, future.result()

    def finished(self):
        """After an interrupt: the submitted replications that finished, in order (the rest are cancelled)."""
        for future, replication in sorted(self.pending.items(), key=lambda item: item[1]):
            if future.done() and not future.cancelled() and future.exception() is None:
                del self.pending[future]
                yield replication, future.result()

    def cancel(self) -> None:
        """Cancel the replications not started yet (those running finish on their own)."""
        for future in self.pending:
            future.cancel()
        self.pending.clear()
        close = getattr(self.mapped, "close", None)
        if close is not None:  # Executor.map's iterator cancels the rest when closed
            close()


class _Kept:
    """What is kept of each replication as it arrives: its sums, and its waits pooled.

    The arrays are allocated once for every replication asked for, so that memory is the
    result's size and no more (no list of arrays to stack at the end). Each replication goes
    into its own row, whatever the order it arrives in; the pooled histograms are sums of
    whole numbers: the result does not depend on the order.
    """

    def __init__(self, measured: np.ndarray, reps: int) -> None:
        self.measured = measured
        self.reps = reps
        self.count = 0
        self.contacts = 0
        self.done = np.zeros(reps, dtype=bool)
        self.traces: dict[int, Any] = {}

    def add(self, run: RunTotals, replication: int) -> None:
        assert run.vendors is not None  # both engines count the vendors' offer
        if self.count == 0:
            n = self.reps
            self.channels = np.empty((n, *run.channels.shape))
            self.groups = np.empty((n, *run.groups.shape))
            self.wait_hist = np.zeros((n, run.wait_hist.shape[0], run.wait_hist.shape[2]), dtype=np.int64)
            self.pooled = np.zeros(run.wait_hist.shape, dtype=np.int64)  # (channels, intervals, bins)
            self.vendors = np.empty((n, *run.vendors.shape))  # (vendors, channels, intervals, VENDOR_STATS)
        i = replication
        self.vendors[i] = run.vendors
        self.channels[i] = run.channels
        self.groups[i] = run.groups
        self.wait_hist[i] = run.wait_hist.sum(axis=1, where=self.measured[None, :, None], dtype=np.int64)
        self.pooled += run.wait_hist
        self.contacts += run.contacts
        if run.trace is not None:
            self.traces[i] = run.trace
        self.done[i] = True
        self.count += 1

    def ids(self) -> np.ndarray:
        """The replication numbers kept, in order."""
        return np.flatnonzero(self.done)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The channel sums, group sums, wait histograms and vendor sums of the replications kept."""
        if self.count == self.reps:
            return self.channels, self.groups, self.wait_hist, self.vendors
        rows = self.ids()  # interrupted: copy, so that the unused part is freed
        return self.channels[rows], self.groups[rows], self.wait_hist[rows], self.vendors[rows]


def _result(
    sc: Scenario,
    seed: int,
    reps: int,
    kept: _Kept,
    plan: dict[str, np.ndarray],
    measured: np.ndarray,
    interrupted: bool,
    elapsed: float,
    dispatch: str,
) -> SimulationResult:
    cal = sc.calendar
    channel_sums, group_sums, wait_hist, vendor_sums = kept.arrays()
    targets = {
        name: {t: getattr(ch.targets, t) for t, _, _ in TARGETS if getattr(ch.targets, t) is not None}
        for name, ch in sc.channels.items()
    }
    return SimulationResult(
        scenario=sc.name,
        variant=sc.variant_name,
        seed=seed,
        replications=kept.count,
        replications_requested=reps,
        interrupted=interrupted,
        contacts=kept.contacts,
        elapsed_s=elapsed if math.isfinite(elapsed) else 0.0,
        staffing=plan,
        channel_names=list(sc.channels),
        group_names=list(sc.agent_groups),
        interval_labels=cal.interval_labels(),
        interval_starts_s=cal.interval_starts_s(),
        interval_s=cal.interval_s,
        measured=measured,
        answer_within_s={name: ch.answer_within_s for name, ch in sc.channels.items()},
        channel_targets=targets,
        channel_kinds={name: ch.kind for name, ch in sc.channels.items()},
        not_modelled=not_modelled(sc),
        dispatch=dispatch,
        start_weekday=cal.start_weekday,
        weekly=len(set((cal.day_of_week_factors or {}).values()) | {1.0}) > 1
        or any(g.weekdays is not None for g in sc.agent_groups.values()),
        shrinkage=np.array([g.shrinkage for g in sc.agent_groups.values()]),
        replication_ids=kept.ids(),
        channel_sums=channel_sums,
        group_sums=group_sums,
        wait_hist=wait_hist,
        interval_wait_hist=kept.pooled,
        traces=[kept.traces[i] for i in sorted(kept.traces)],
        vendor_names=list(sc.vendors),
        vendor_sums=vendor_sums,
    )
