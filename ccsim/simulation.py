"""``ccsim.simulate``: replications of a scenario, summarised with confidence intervals."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.errors import CcsimError
from ccsim.metrics import summarise
from ccsim.model import ContactCenter, RunTotals
from ccsim.routing import Routing
from ccsim.scenario import Scenario

__all__ = ["SimulationResult", "TargetCheck", "simulate"]


@dataclass(frozen=True)
class TargetCheck:
    """One channel target against the simulated value.

    Attributes
    ----------
    channel : str
        Channel name.
    kpi : str
        ``service_level``, ``abandon_rate`` or ``asa_s``.
    target : float
        The target value (a minimum for the service level, a maximum otherwise).
    value : float or None
        The simulated mean (None when undefined, e.g. nothing offered).
    met : bool
        Whether the mean meets the target.
    """

    channel: str
    kpi: str
    target: float
    value: float | None
    met: bool


@dataclass(frozen=True)
class SimulationResult:
    """What a simulation run found.

    Attributes
    ----------
    scenario : str
        Scenario name.
    variant : str or None
        Variant simulated (None: the base scenario).
    seed : int
        The seed used (drawn and recorded when none was given).
    replications : int
        Replications finished.
    replications_requested : int
        Replications asked for (more than finished when interrupted).
    interrupted : bool
        Whether the run was stopped (Ctrl-C) before all replications finished.
    contacts : int
        Contacts simulated over all replications.
    elapsed_s : float
        Wall-clock time of the simulation.
    channels : list of dict
        One row per channel and a final ``all`` row: mean KPIs and ``<kpi>_ci95`` half-widths.
    groups : list of dict
        One row per agent group and a final ``all`` row.
    intervals : list of dict
        One row per channel and interval (tidy: hand it to ``pandas.DataFrame``).
    group_intervals : list of dict
        One row per agent group and interval.
    targets : list of TargetCheck
        Every channel target, met or missed.
    traces : list
        Event logs per replication, when asked for.
    """

    scenario: str
    variant: str | None
    seed: int
    replications: int
    replications_requested: int
    interrupted: bool
    contacts: int
    elapsed_s: float
    channels: list[dict]
    groups: list[dict]
    intervals: list[dict]
    group_intervals: list[dict]
    targets: list[TargetCheck]
    traces: list = field(default_factory=list, repr=False)

    def channel(self, name: str = "all") -> dict:
        """The summary row of one channel (``all``: every channel together)."""
        for row in self.channels:
            if row["channel"] == name:
                return row
        raise CcsimError(f"no channel {name!r} in the result; channels: {[r['channel'] for r in self.channels]}")

    def group(self, name: str = "all") -> dict:
        """The summary row of one agent group (``all``: every group together)."""
        for row in self.groups:
            if row["group"] == name:
                return row
        raise CcsimError(f"no agent group {name!r} in the result; groups: {[r['group'] for r in self.groups]}")

    def to_dict(self) -> dict[str, Any]:
        """The whole result as plain JSON-ready data (None for undefined values)."""
        return {
            "scenario": self.scenario,
            "variant": self.variant,
            "seed": self.seed,
            "replications": self.replications,
            "replications_requested": self.replications_requested,
            "interrupted": self.interrupted,
            "contacts": self.contacts,
            "elapsed_s": self.elapsed_s,
            "targets": [vars(t) | {} for t in self.targets],
            "channels": self.channels,
            "groups": self.groups,
            "intervals": self.intervals,
            "group_intervals": self.group_intervals,
        }


def _targets(scenario: Scenario, rows: list[dict]) -> list[TargetCheck]:
    checks = []
    by_name = {r["channel"]: r for r in rows}
    for name, ch in scenario.channels.items():
        t = ch.targets
        row = by_name[name]
        for kpi, target, upper in (
            ("service_level", t.service_level, False),
            ("abandon_rate", t.max_abandon, True),
            ("asa_s", t.max_asa_s, True),
        ):
            if target is None:
                continue
            value = row[kpi]
            met = value is not None and (value <= target if upper else value >= target)
            checks.append(TargetCheck(name, kpi, target, value, bool(met)))
    return checks


def simulate(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    variant: str | None = None,
    trace: bool = False,
    progress: Callable[[int, int], None] | None = None,
    routing: type[Routing] = Routing,
) -> SimulationResult:
    """Simulate a scenario and summarise the KPIs over replications.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (see :func:`ccsim.load_scenario`).
    replications : int, optional
        Replications to run (default: the scenario's ``simulation.replications``).
    seed : int, optional
        Random seed (default: the scenario's ``simulation.seed``; if that is unset too, one is
        drawn and recorded in the result). The same scenario and seed give the same numbers.
    variant : str, optional
        A variant of the scenario to simulate.
    trace : bool, default False
        Keep an event log of every replication (memory grows with the run: for small runs).
    progress : callable, optional
        Called as ``progress(done, total)`` after each replication.
    routing : type, default Routing
        The routing policy class; subclass :class:`ccsim.routing.Routing` to change it.

    Returns
    -------
    SimulationResult
        Summary rows, per-interval tables and target checks. When interrupted (Ctrl-C) after
        at least one replication, the finished replications are summarised and the result
        says ``interrupted=True``.
    """
    if not isinstance(scenario, Scenario):
        raise CcsimError(f"simulate: expected a Scenario (see ccsim.load_scenario), got {type(scenario).__name__}")
    sc = scenario.variant(variant)
    reps = sc.simulation.replications if replications is None else replications
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        raise CcsimError(f"replications: must be a whole number >= 1, got {reps!r}")
    if seed is None:
        seed = sc.simulation.seed
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 2**32)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise CcsimError(f"seed: must be a whole number >= 0, got {seed!r}")

    t0 = time.perf_counter()
    runs: list[RunTotals] = []
    interrupted = False
    try:
        for r in range(reps):
            runs.append(ContactCenter(sc, seed, r, trace=trace, routing=routing).run())
            if progress is not None:
                progress(r + 1, reps)
    except KeyboardInterrupt:
        if not runs:
            raise
        interrupted = True
    elapsed = time.perf_counter() - t0

    cal = sc.calendar
    starts = cal.interval_starts_s()
    warmup_end = starts[0] + sc.simulation.warmup_min * 60.0
    measured = np.array([s >= warmup_end - 1e-9 for s in starts])
    if not measured.any():
        raise CcsimError(f"simulation.warmup_min: the warm-up ({sc.simulation.warmup_min:g} min) covers the whole run")
    tables = summarise(
        np.stack([r.channels for r in runs]),
        np.stack([r.wait_hist for r in runs]),
        np.stack([r.groups for r in runs]),
        channel_names=list(sc.channels),
        group_names=list(sc.agent_groups),
        shrinkage=np.array([g.shrinkage for g in sc.agent_groups.values()]),
        interval_s=cal.interval_s,
        labels=cal.interval_labels(),
        starts=starts,
        measured=measured,
    )
    return SimulationResult(
        scenario=sc.name,
        variant=sc.variant_name,
        seed=seed,
        replications=len(runs),
        replications_requested=reps,
        interrupted=interrupted,
        contacts=sum(r.contacts for r in runs),
        elapsed_s=elapsed if math.isfinite(elapsed) else 0.0,
        channels=tables["channels"],
        groups=tables["groups"],
        intervals=tables["intervals"],
        group_intervals=tables["group_intervals"],
        targets=_targets(sc, tables["channels"]),
        traces=[r.trace for r in runs] if trace else [],
    )
