"""Comparing setups: a scenario's variants run with the same seed, side by side.

:func:`compare_variants` runs every variant of a scenario (or those named) with one seed, so
that all of them see the same contacts (common random numbers), computes their costs where
the scenario prices them, and the paired differences of each against a baseline. With
``volume_scales`` it reruns every variant at scaled volumes (a sensitivity to the forecast)
and finds the volume at which two variants cost the same, where it lies in the range.

Nothing here prints or reads files: the command line (``ccsim compare``) and the renderings
in :mod:`ccsim.outputs` take the :class:`VariantComparison`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ccsim.errors import CcsimError
from ccsim.results import Comparison, SimulationResult, compare
from ccsim.scenario import Scenario
from ccsim.simulation import simulate
from ccsim.streams import fresh_seed
from ccsim.volume import scale_volume  # the one volume scale (ccsim plan, sweep and compare)

__all__ = [
    "BASE",
    "BreakEven",
    "VariantComparison",
    "VariantRun",
    "compare_variants",
    "comparison_of",
    "scale_volume",
]

#: The name of the base scenario among the variants compared (when no variant has that name).
BASE = "base"


@dataclass(frozen=True)
class VariantRun:
    """One variant simulated at one volume scale.

    Attributes
    ----------
    name : str
        The variant's name (:data:`BASE` for the base scenario).
    scale : float
        The factor on every channel's volume (1: as forecast).
    scenario : Scenario
        The scenario simulated (the variant applied, volumes scaled, planned staffing set).
    result : SimulationResult
        Its simulation (every replication kept).
    costs : object or None
        Its costs (:func:`ccsim.economics.costs`), None when the scenario prices nothing.
    plan : object or None
        The :class:`ccsim.planning.Plan` that sized its ``staffing: plan`` groups, if any.
    """

    name: str
    scale: float
    scenario: Scenario
    result: SimulationResult
    costs: Any = None
    plan: Any = None

    @property
    def targets_met(self) -> bool:
        """Whether every target of every channel is met beyond doubt (none missed or uncertain)."""
        return all(t.met for t in self.result.targets)

    @property
    def monthly_cost(self) -> float | None:
        """The mean cost per month, amortized one-off costs included (None without costs)."""
        if self.costs is None:
            return None
        return float(np.mean(self.costs.replication_values("per_month")))

    @property
    def offered_per_month(self) -> float:
        """The mean contacts offered per month (a month of the weekdays the run stands for)."""
        from ccsim.economics.months import billing_months

        offered = self.result.channel_stat("offered").sum(axis=1)
        return float(np.mean(billing_months(self.result, self.scenario).by_replication(offered)))


@dataclass(frozen=True)
class BreakEven:
    """Where two variants cost the same, within the volume scales compared.

    Attributes
    ----------
    a, b : str
        The two variants.
    scale : float
        The volume scale at which their monthly costs cross (linear between the two scales
        around the crossing).
    contacts_per_month : float
        The offered contacts per month at that scale (of ``a``).
    cheaper_below : str
        The variant that is cheaper at smaller volumes.
    """

    a: str
    b: str
    scale: float
    contacts_per_month: float
    cheaper_below: str


@dataclass(frozen=True)
class VariantComparison:
    """Variants of one scenario side by side (see :func:`compare_variants`).

    Attributes
    ----------
    scenario : str
        The scenario's name.
    baseline : str
        The variant the others are compared with.
    seed, replications : int
        Every run's seed and replications.
    runs : tuple of VariantRun
        Every variant at scale 1, in the order compared.
    differences : dict
        Per other variant, its paired :class:`ccsim.results.Comparison` against the baseline
        (``b`` the variant, ``a`` the baseline: differences are variant - baseline).
    cost_differences : dict
        Per other variant and cost item (and ``per_month``, the total), the paired difference
        (variant - baseline) of the cost per month: ``{"diff": mean, "diff_ci95": half-width}``.
    paybacks : dict
        Per other variant, the :class:`ccsim.economics.Payback` of it against the baseline: which
        of the two has the higher one-off cost, and the month in which it pays back.
    sensitivity : tuple of VariantRun
        Every variant at every other volume scale.
    volume_scales : tuple of float
        The scales compared (1 included).
    break_even : tuple of BreakEven
        For each other variant against the baseline, the volume where their costs cross, when
        it lies within the scales.
    """

    scenario: str
    baseline: str
    seed: int
    replications: int
    runs: tuple[VariantRun, ...]
    differences: dict[str, Comparison] = field(repr=False)
    cost_differences: dict[str, dict[str, dict[str, float | None]]] = field(repr=False)
    paybacks: dict[str, Any] = field(default_factory=dict, repr=False)
    sensitivity: tuple[VariantRun, ...] = ()
    volume_scales: tuple[float, ...] = (1.0,)
    break_even: tuple[BreakEven, ...] = ()

    @property
    def names(self) -> list[str]:
        """The variants compared, in order."""
        return [r.name for r in self.runs]

    def run(self, name: str, scale: float = 1.0) -> VariantRun:
        """The run of one variant at one volume scale."""
        for r in (*self.runs, *self.sensitivity):
            if r.name == name and r.scale == scale:
                return r
        if name not in self.names:
            raise CcsimError(_unknown("variant", name, self.names))
        raise CcsimError(
            f"no run of {name} at volume scale {scale:g}; scales: {', '.join(map(str, self.volume_scales))}"
        )

    @property
    def cheapest(self) -> str | None:
        """The cheapest variant (by mean monthly cost) that meets every target, or None."""
        able = [(r.name, cost) for r in self.runs if r.targets_met and (cost := r.monthly_cost) is not None]
        return min(able, key=lambda name_cost: name_cost[1])[0] if able else None


def _unknown(what: str, name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known) or 'none'}"
    return f"unknown {what} {name!r}{hint}"


def _variant(scenario: Scenario, name: str) -> Scenario:
    if name == BASE and BASE not in scenario.variants:
        return scenario
    if name not in scenario.variants:
        raise CcsimError("--variants: " + _unknown("variant", name, [BASE, *scenario.variants]))
    return scenario.variant(name)


def compare_variants(
    scenario: Scenario,
    variants: Sequence[str] | None = None,
    *,
    baseline: str | None = None,
    seed: int | None = None,
    replications: int | None = None,
    volume_scales: Sequence[float] = (1.0,),
    executor: Any = None,
    progress: Callable[[str], None] | None = None,
    costs: Callable[[SimulationResult, Scenario], Any] | None = None,
    prepare: Callable[[Scenario, int, int], tuple[Scenario, Any]] | None = None,
) -> VariantComparison:
    """Run variants of a scenario with one seed and compare them with a baseline.

    Parameters
    ----------
    scenario : Scenario
        The base scenario (with its variants).
    variants : sequence of str, optional
        The variants to compare, in order (default: all the scenario's variants, or the base
        alone when it has none). :data:`BASE` names the base scenario.
    baseline : str, optional
        The variant the others are compared with (default: the first).
    seed : int, optional
        The seed of every run (default: the scenario's; if unset, one is drawn once).
    replications : int, optional
        Replications of every run (default: the scenario's).
    volume_scales : sequence of float, default (1.0,)
        Factors on every channel's volume; 1 is always included.
    executor : concurrent.futures.Executor, optional
        Runs the replications (see :func:`ccsim.simulate`).
    progress : callable, optional
        Called with a short text as each run starts.
    costs : callable, optional
        ``costs(result, scenario)`` giving a run's costs (default:
        :func:`ccsim.economics.costs`).
    prepare : callable, optional
        ``prepare(scenario, seed, replications) -> (scenario, plan)``: what a variant's
        scenario goes through before it is simulated (default: groups with ``staffing: plan``
        are sized by the planner, and staffed as its roster of shifts when the scenario has
        shift types).

    Returns
    -------
    VariantComparison

    Raises
    ------
    ccsim.CcsimError
        An unknown or repeated variant, a baseline not among them, or a bad volume scale.
    """
    names = list(variants) if variants else (list(scenario.variants) or [BASE])
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise CcsimError(f"--variants: {name!r} is named twice")
        seen.add(name)
    bases = {name: _variant(scenario, name) for name in names}
    baseline = names[0] if baseline is None else baseline
    if baseline not in names:
        raise CcsimError(f"--baseline: {baseline!r} is not among the variants compared ({', '.join(names)})")
    _same_run(bases, baseline)
    scales = sorted({1.0, *(float(s) for s in volume_scales)})
    for s in scales:
        if not (np.isfinite(s) and s > 0):
            raise CcsimError(f"--volume-scale: every scale must be a number > 0, got {s:g}")
    seed = scenario.simulation.seed if seed is None else seed
    seed = fresh_seed() if seed is None else seed  # drawn once for all
    reps = scenario.simulation.replications if replications is None else replications
    cost_of = costs if costs is not None else _default_costs()
    if prepare is None:

        def prepare(sc: Scenario, seed: int, reps: int) -> tuple[Scenario, Any]:
            return _default_prepare(sc, seed, reps, executor)

    runs: list[VariantRun] = []
    for scale in scales:
        for name in names:
            if progress is not None:
                progress(f"{name}" + (f" at volume x{scale:g}" if scale != 1 else ""))
            sc = scale_volume(bases[name], scale)
            sc, plan = prepare(sc, seed, reps)
            res = simulate(sc, replications=reps, seed=seed, executor=executor)
            if res.interrupted:  # Ctrl-C: a comparison of partial runs would mislead
                raise KeyboardInterrupt
            runs.append(VariantRun(name, scale, sc, res, cost_of(res, sc) if cost_of else None, plan))
    return comparison_of(scenario.name, runs, names, baseline, scales)


def _same_run(bases: dict[str, Scenario], baseline: str) -> None:
    """Refuse, before anything is simulated, variants whose runs cannot be paired with the baseline's.

    KPI differences pair the same measured intervals (the calendar and the warm-up), and the
    monthly costs months of the same weekdays.
    """
    base = bases[baseline]
    for name, sc in bases.items():
        if name == baseline:
            continue
        pairs: list[tuple[str, Any, Any]] = [
            ("simulation.warmup_min", sc.simulation.warmup_min, base.simulation.warmup_min)
        ]
        mine_cal, base_cal = sc.calendar.model_dump(), base.calendar.model_dump()
        pairs += [(f"calendar.{k}", mine_cal[k], base_cal.get(k)) for k in mine_cal]
        for path, mine, theirs in pairs:
            if mine != theirs:
                raise CcsimError(
                    f"variant {name}: {path} is {mine!r}, the baseline {baseline}'s {theirs!r}; ccsim compare pairs "
                    "every variant with the baseline over the same days and measured intervals: give the variants "
                    "one calendar and warm-up"
                )


def comparison_of(
    scenario_name: str,
    runs: Sequence[VariantRun],
    names: Sequence[str],
    baseline: str,
    scales: Sequence[float],
    reference: float = 1.0,
) -> VariantComparison:
    """The comparison of variant runs: differences, cost differences and paybacks against the baseline.

    Parameters
    ----------
    scenario_name : str
        The scenario's name, for reports.
    runs : sequence of VariantRun
        Every run: each variant at the ``reference`` scale, and at the other ``scales``.
    names : sequence of str
        The variants, in order.
    baseline : str
        The variant the others are compared with.
    scales : sequence of float
        The volume scales of the runs.
    reference : float, default 1
        The scale the comparison is made at (a partial comparison may have no run at 1);
        break-even volumes are found only at 1.
    """
    main = tuple(r for name in names for r in runs if r.name == name and r.scale == reference)
    base_run = next(r for r in main if r.name == baseline)
    others = [r for r in main if r.name != baseline]
    paybacks = {r.name: _payback(base_run, r) for r in others}
    return VariantComparison(
        scenario=scenario_name,
        baseline=baseline,
        seed=base_run.result.seed,
        replications=base_run.result.replications,
        runs=main,
        differences={r.name: compare(base_run.result, r.result) for r in others},
        cost_differences={r.name: _cost_differences(base_run, r) for r in others},
        paybacks={k: v for k, v in paybacks.items() if v is not None},
        sensitivity=tuple(r for r in runs if r.scale != reference),
        volume_scales=tuple(scales),
        break_even=_break_even(list(runs), list(names), baseline, list(scales)) if reference == 1.0 else (),
    )


def _default_costs() -> Callable[[SimulationResult, Scenario], Any] | None:
    try:
        from ccsim.economics import costs
    except ImportError:  # pragma: no cover - the economics package is part of ccsim
        return None
    return costs


def _default_prepare(scenario: Scenario, seed: int, replications: int, executor: Any = None) -> tuple[Scenario, Any]:
    planned = [g for g, spec in scenario.agent_groups.items() if getattr(spec, "staffing", None) == "plan"]
    if not planned:
        return scenario, None
    from ccsim.planning import plan

    p = plan(scenario, seed=seed, executor=executor)
    if p.roster is not None:  # with shift types: the roster's agents on duty, over-cover and all
        groups = {g: {"staffing": [int(x) for x in p.roster.staffing[g]]} for g in p.planned_groups}
        return scenario.replace({"agent_groups": groups}), p
    return p.to_scenario(), p


def _cost_differences(a: VariantRun, b: VariantRun) -> dict[str, dict[str, float | None]]:
    """Per cost item and the total, the paired difference b - a of the cost per month."""
    from ccsim.economics import CostResult, paired_cost_difference

    if not (isinstance(a.costs, CostResult) and isinstance(b.costs, CostResult)):
        return {}  # no costs (or another pricing function's)

    rows = {r["name"]: r for r in paired_cost_difference(a.costs, b.costs).rows}
    items = [k for k in rows if k in a.costs.items or k in b.costs.items]
    out: dict[str, dict[str, float | None]] = {}
    for name in [*items, "per_month"]:  # items are per month
        out[name] = {"diff": rows[name]["diff"], "diff_ci95": rows[name]["diff_ci95"]}
    return out


def _payback(a: VariantRun, b: VariantRun) -> Any:
    from ccsim.economics import CostResult, payback

    if not (isinstance(a.costs, CostResult) and isinstance(b.costs, CostResult)):
        return None

    p = payback(a.costs, b.costs)
    if p is None:  # equal one-off costs: nothing to pay back
        return None
    names = {a.costs.label: a.name, b.costs.label: b.name}
    return replace(p, invest=names.get(p.invest, p.invest), other=names.get(p.other, p.other))


def _break_even(runs: list[VariantRun], names: list[str], baseline: str, scales: list[float]) -> tuple[BreakEven, ...]:
    """Where each variant's monthly cost crosses the baseline's, between two scales compared."""
    if len(scales) < 2:
        return ()
    by = {(r.name, r.scale): r for r in runs}
    out = []
    for name in names:
        if name == baseline:
            continue
        diffs = []
        for s in scales:
            a, b = by[(baseline, s)].monthly_cost, by[(name, s)].monthly_cost
            diffs.append(None if a is None or b is None else b - a)
        for i in range(len(scales) - 1):
            d0, d1 = diffs[i], diffs[i + 1]
            if d0 is None or d1 is None or d0 == d1 or d0 * d1 > 0:
                continue  # no crossing between these two scales
            s = scales[i] + (scales[i + 1] - scales[i]) * d0 / (d0 - d1)
            offered = by[(baseline, 1.0)].offered_per_month
            out.append(BreakEven(baseline, name, s, offered * s, name if d0 < 0 else baseline))
            break
    return tuple(out)
