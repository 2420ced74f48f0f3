"""``ccsim.fit(paths, mapping)``: a scenario from contact logs, with its effective staffing, in one call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ccsim.errors import CcsimError
from ccsim.fit.estimate import Parameters, estimate
from ccsim.fit.logs import read_logs
from ccsim.fit.mapping import Mapping, load_mapping
from ccsim.fit.output import scenario_data, scenario_yaml
from ccsim.fit.staffing import Check, EffectiveStaffing, check, effective_staffing

__all__ = ["Fit", "fit_logs"]


@dataclass(frozen=True, eq=False)
class Fit:
    """A desk fitted from contact logs.

    Attributes
    ----------
    parameters : Parameters
        Every estimate (arrivals, handle time, patience, redials, agents seen, observed service).
    staffing : EffectiveStaffing
        The effective staffing per interval, and the availability it implies.
    seed, replications : int
        Of the effective-staffing search.
    """

    parameters: Parameters
    staffing: EffectiveStaffing
    seed: int
    replications: int

    def _groups(self) -> tuple[dict[str, list[int]], dict[str, list[float]]]:
        staffing, availability = {}, {}
        for g in self.staffing.effective:
            staffing[g], availability[g] = self.staffing.staffing_and_availability(g)
        return staffing, availability

    @cached_property
    def data(self) -> dict[str, Any]:
        """The fitted scenario as a dict (the YAML file's content)."""
        staffing, availability = self._groups()
        return scenario_data(self.parameters, staffing=staffing, availability=availability, staffing_note=_NOTE)

    @cached_property
    def scenario(self) -> Any:
        """The fitted scenario, validated, with the effective staffing."""
        from ccsim.loader import scenario_from_dict

        return scenario_from_dict(self.data, source="fitted scenario")

    def yaml(self) -> str:
        """The fitted scenario as YAML, commented with where every number came from."""
        staffing, availability = self._groups()
        return scenario_yaml(self.parameters, staffing=staffing, availability=availability, staffing_note=_NOTE)

    def check(self, *, replications: int = 20, seed: int | None = None, executor: Any = None) -> Check:
        """Replay the fitted scenario against the log (another seed than the fit's by default)."""
        return check(
            self.parameters,
            self.scenario,
            replications=replications,
            seed=self.seed + 1 if seed is None else seed,
            executor=executor,
        )


_NOTE = (
    "effective staffing: the agents seen, and availability = effective agents / staffing, with which the "
    "model reproduces the log's abandonment per interval (docs/fit.md)"
)


def fit_logs(
    paths: str | Path | Sequence[str | Path],
    mapping: str | Path | Mapping | None = None,
    *,
    interval: int | str | None = None,
    interval_min: int = 30,
    keep_all_days: bool = False,
    calibrate_to: str = "abandonment",
    replications: int = 20,
    seed: int = 1,
    executor: Any = None,
) -> Fit:
    """Read, clean and fit contact logs, and find the effective staffing.

    Parameters
    ----------
    paths : path or sequence of paths
        CSV logs (plain or gzip).
    mapping : path or Mapping, optional
        The mapping file (or model) naming the log's columns (default: ccsim's own columns,
        as ``ccsim run --contacts`` writes them).
    interval : int or str, optional
        Interval length as ``"30min"`` (or minutes); the same as ``interval_min``.
    interval_min : int, default 30
        Interval length in minutes: 15, 30 or 60.
    keep_all_days : bool, default False
        Keep exceptional days (holidays, outages).
    calibrate_to : {"abandonment", "wait"}
        What the effective staffing reproduces.
    replications, seed : int
        Of the effective-staffing search.

    Returns
    -------
    Fit
    """
    if interval is not None:
        text = str(interval).strip().lower().removesuffix("min").removesuffix("m").strip()
        if text not in ("15", "30", "60"):
            raise CcsimError(f"interval: must be 15min, 30min or 60min, got {interval!r}")
        interval_min = int(text)
    if isinstance(paths, str | Path):
        paths = [paths]
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    log = read_logs(list(paths), mapping, interval_min=interval_min, keep_all_days=keep_all_days)
    params = estimate(log)
    staffing = effective_staffing(
        params, calibrate_to=calibrate_to, replications=replications, seed=seed, executor=executor
    )
    return Fit(params, staffing, seed, replications)
