"""Parameter sweeps: a grid over scenario parameters, every point simulated with one seed.

A parameter is a dotted path into the scenario, as in the YAML file
(``agent_groups.staff.staffing``, ``channels.phone.volume.per_day``); its values are a list.
:func:`sweep` checks every path against the scenario schema and every grid point against the
scenario's rules before anything runs, applies each point with :meth:`ccsim.Scenario.replace`
and simulates it with the same seed and replications: common random numbers, so that the
differences between points are the parameters' and not the luck of the draw. The result is a
tidy table, one row per grid point (:attr:`SweepResult.rows`), and :func:`plot_sweep` draws a
KPI against a parameter. ``docs/sweeps.md`` has the details; nothing here prints.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel

from ccsim.errors import CcsimError, ScenarioError
from ccsim.results import TARGETS, SimulationResult
from ccsim.results.kpis import CHANNEL_KPIS
from ccsim.scenario import Scenario
from ccsim.streams import fresh_seed
from ccsim.volume import ALL, factors, scale_volume, volume_field

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ccsim.economics import CostResult

__all__ = [
    "MAX_POINTS",
    "VOLUME_SCALE",
    "SweepPoint",
    "SweepResult",
    "check_path",
    "grid",
    "parse_param",
    "parse_values",
    "plot_sweep",
    "sweep",
]

#: Most grid points a sweep may have (and values a range may expand to).
MAX_POINTS = 10_000

#: The sweepable factor on every channel's volume (``volume_scale``) or one channel's
#: (``volume_scale.phone``): :func:`ccsim.volume.scale_volume`, a forecast's volume included.
VOLUME_SCALE = "volume_scale"

#: Paths a sweep may not change, and why.
_FIXED = {
    "simulation.seed": "every grid point runs with the sweep's seed (common random numbers): give seed= (--seed)",
    "simulation.replications": "every grid point runs the sweep's replications: give replications= (--replications)",
    "forecast": "the forecast file is read when the scenario loads; sweep volume_scale or volume_scale.CHANNEL "
    "(a factor on its volume) instead",
    "variants": "variants are not simulated by a sweep; sweep the variant itself (--variant)",
    "name": "the scenario's name is not a parameter",
    "description": "the scenario's description is not a parameter",
}

#: Group KPIs in the table (next to every channel KPI).
_GROUP_COLUMNS = ("occupancy",)

_NUMBER = r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
_RANGE = re.compile(rf"\s*({_NUMBER})\s*:\s*({_NUMBER})\s*(:\s*({_NUMBER})\s*)?")


# --------------------------------------------------------------------------- parsing


def _number(text: str) -> int | float | None:
    text = text.strip()
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    if re.fullmatch(_NUMBER, text):
        value = float(text)
        return value if math.isfinite(value) else None
    return None


def _range(text: str, item: str) -> list[int | float]:
    m = _RANGE.fullmatch(item)
    assert m is not None
    start, stop = _number(m.group(1)), _number(m.group(5))
    step = _number(m.group(10)) if m.group(10) else 1
    if start is None or stop is None or step is None:
        raise CcsimError(f"{text}: the range {item.strip()} needs finite numbers")
    if not step > 0:
        raise CcsimError(f"{text}: the step of {item.strip()} must be > 0, got {step}")
    if stop < start:
        raise CcsimError(f"{text}: the range {item.strip()} must end at or after its start")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > MAX_POINTS:
        raise CcsimError(f"{text}: the range {item.strip()} has {count} values (at most {MAX_POINTS:,})")
    if isinstance(start, int) and isinstance(stop, int) and isinstance(step, int):
        return list(range(start, stop + 1, step))
    digits = max(_decimals(m.group(1)), _decimals(m.group(5)), _decimals(m.group(10) or "1"))
    return [round(start + i * step, digits + 6) for i in range(count)]


def _decimals(text: str) -> int:
    mantissa, _, exponent = text.strip().lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return max(0, decimals - int(exponent or 0))


def parse_values(text: str, *, numbers: bool = True) -> list[Any]:
    """The values of one parameter, from text: ``8:14``, ``0.7:0.9:0.05``, ``400,500,600``, ``8:10,12``.

    Parameters
    ----------
    text : str
        Values separated by commas; each a number, a range ``start:stop`` or
        ``start:stop:step`` (inclusive, step 1 by default), a word, or ``null`` (None: the
        key is removed, as in a variant's overrides).
    numbers : bool, default True
        False for a parameter that takes text (a time of day like ``08:00``, a distribution
        name): the values are taken as words, without ranges.

    Returns
    -------
    list
        The values in order (int where written as whole numbers, else float or str).

    Raises
    ------
    ccsim.CcsimError
        An empty value, a bad range, or a value given twice.
    """
    out: list[Any] = []
    for item in text.split(","):
        word = item.strip()
        if not word:
            raise CcsimError(f"{text}: an empty value; give values separated by commas, e.g. 400,500,600")
        if word.lower() in ("null", "none"):
            values: list[Any] = [None]
        elif numbers and _RANGE.fullmatch(item):
            values = _range(text, item)
        elif numbers and _number(word) is not None:
            values = [_number(word)]
        else:
            values = [word]
        for value in values:
            if any(value == seen and type(value) is type(seen) for seen in out):
                raise CcsimError(f"{text}: the value {value} is given twice")
            out.append(value)
    if len(out) > MAX_POINTS:
        raise CcsimError(f"{text}: {len(out)} values (at most {MAX_POINTS:,})")
    return out


def parse_param(text: str, scenario: Scenario | None = None) -> tuple[str, list[Any]]:
    """One ``PATH=VALUES`` parameter: its dotted path and its values.

    With ``scenario``, the path is checked against the scenario schema (see :func:`grid`), and
    the values of a parameter that takes text (``calendar.open=08:00,09:00``) are read as words.

    Raises
    ------
    ccsim.CcsimError
        A missing ``=``, an empty path or values, an unknown key (with the closest valid name).
    """
    path, eq, values = text.partition("=")
    path = path.strip()
    if not eq or not path or not values.strip():
        raise CcsimError(
            f"{text}: must be PATH=VALUES, e.g. agent_groups.staff.staffing=8:14 or "
            "channels.phone.volume.per_day=400,500,600"
        )
    numbers = True if scenario is None else _takes_numbers(check_path(scenario, path))
    return path, parse_values(values, numbers=numbers)


# --------------------------------------------------------------------------- the schema


def _members(ann: Any) -> list[Any]:
    """The types an annotation allows: Annotated and unions unwrapped, None left out."""
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        return _members(typing.get_args(ann)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [m for arg in typing.get_args(ann) for m in _members(arg)]
    if ann is type(None):
        return []
    return [ann]


def _is_model(ann: Any) -> bool:
    return isinstance(ann, type) and issubclass(ann, BaseModel)


def _takes_numbers(ann: Any) -> bool:
    """Whether a leaf takes numbers (ranges allowed) rather than text only."""
    for m in _members(ann):
        origin = typing.get_origin(m)
        if m is Any or origin in (tuple, list) or m in (int, float, tuple, list):
            return True
        if origin is typing.Literal and any(isinstance(v, int | float) for v in typing.get_args(m)):
            return True
    return False


def _unknown_key(where: str, key: str, valid: Sequence[str], what: str = "key") -> CcsimError:
    close = difflib.get_close_matches(key, list(valid), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (valid: {', '.join(valid)})" if valid else ""
    return CcsimError(f"{where}: unknown {what}{hint}")


def check_path(scenario: Scenario, path: str) -> Any:
    """Check a dotted path against the scenario schema; return the annotation of its value.

    Every key must be a field of the section it is in (the closest valid name is suggested),
    and a key of a named collection (``channels``, ``agent_groups``, ``vendors``, a group's
    ``skills``) must be one the scenario has.

    Raises
    ------
    ccsim.CcsimError
        One line: the path up to the bad key, and what is wrong.
    """
    if not isinstance(path, str) or not path:
        raise CcsimError(f"{path!r}: must be a dotted path such as agent_groups.staff.staffing")
    parts = path.split(".")
    for k, part in enumerate(parts):
        if not part:
            raise CcsimError(f"{path}: an empty key (two dots, or a dot at an end)")
        fixed = ".".join(parts[: k + 1])
        if fixed in _FIXED:
            raise CcsimError(f"{path}: cannot be swept: {_FIXED[fixed]}")
    if parts[0] == VOLUME_SCALE:
        if len(parts) > 2:
            raise CcsimError(f"{path}: volume_scale.{parts[1]} is a value, not a section with keys")
        if len(parts) == 2:
            factors(scenario, {parts[1]: 1.0})  # an unknown channel, with the closest name
        return float
    ann: Any = Scenario
    value: Any = scenario
    for k, part in enumerate(parts):
        where = ".".join(parts[: k + 1])
        members = _members(ann)
        models = [m for m in members if _is_model(m)]
        mappings = [m for m in members if typing.get_origin(m) in (dict, Mapping)]
        if models:
            fields: dict[str, Any] = {}
            for m in models:
                for name, info in m.model_fields.items():
                    fields.setdefault(name, info.annotation)
            if part not in fields:
                raise _unknown_key(where, part, list(fields))
            value = getattr(value, part, None) if isinstance(value, BaseModel) else None
            ann = fields[part]
        elif mappings:
            key_ann, value_ann = typing.get_args(mappings[0]) or (str, Any)
            literal = [v for m in _members(key_ann) if typing.get_origin(m) is typing.Literal for v in m.__args__]
            if literal and part not in literal:
                raise _unknown_key(where, part, [str(v) for v in literal])
            if not literal and isinstance(value, Mapping) and part not in value:
                what = {"channels": "channel", "agent_groups": "agent group", "vendors": "vendor"}.get(
                    ".".join(parts[:k]), "key"
                )
                raise _unknown_key(where, part, list(value), what)
            value = value.get(part) if isinstance(value, Mapping) else None
            ann = value_ann
        elif Any in members:
            return Any
        else:
            parent = ".".join(parts[:k])
            raise CcsimError(f"{path}: {parent} is a value, not a section with keys")
    if len(parts) == 4 and parts[:1] + parts[2:3] == ["channels", "volume"] and parts[1] in scenario.channels:
        given = volume_field(scenario, parts[1]).rpartition(".")[2]
        if parts[3] in ("per_interval", "per_day", "customers") and parts[3] != given:
            raise CcsimError(
                f"{path}: cannot be swept: channels.{parts[1]}.volume gives {given}"
                + (" (from the forecast)" if scenario.forecast is not None and given == "per_interval" else "")
                + f"; sweep volume_scale.{parts[1]} (a factor on its volume) instead"
            )
    if len(parts) == 4 and parts[0] == "channels" and parts[2] in ("handle_time", "patience") and parts[3] == "mean_s":
        per_interval = f"{parts[2]}_per_interval_s"
        if getattr(scenario.channels.get(parts[1]), per_interval, None) is not None:
            raise CcsimError(
                f"{path}: cannot be swept: channels.{parts[1]}.{per_interval} sets the mean of every interval "
                "(the distribution's mean only scales it): change the forecast's values instead"
            )
    return ann


def _nest(path: str, value: Any) -> dict[str, Any]:
    out: Any = value
    for part in reversed(path.split(".")):
        out = {part: out}
    return out


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        out[k] = _merge(out[k], v) if isinstance(out.get(k), dict) and isinstance(v, dict) else v
    return out


def _shown(value: Any) -> str:
    return "null" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _check_params(scenario: Scenario, params: Mapping[str, Sequence[Any]]) -> dict[str, tuple[Any, ...]]:
    if not isinstance(scenario, Scenario):
        raise CcsimError(f"sweep: expected a Scenario (see ccsim.load_scenario), got {type(scenario).__name__}")
    if not isinstance(params, Mapping) or not params:
        raise CcsimError("params: give at least one parameter, {dotted path: [values]}")
    out: dict[str, tuple[Any, ...]] = {}
    for path, values in params.items():
        check_path(scenario, path)
        if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
            raise CcsimError(f"{path}: the values must be a list, got {values!r}")
        values = tuple(v.item() if isinstance(v, np.generic) else v for v in values)
        if not values:
            raise CcsimError(f"{path}: no values")
        for earlier in out:
            if path.split(".")[0] == VOLUME_SCALE == earlier.split(".")[0]:
                continue  # the factor for every channel and one channel's multiply
            if path.startswith(earlier + ".") or earlier.startswith(path + "."):
                raise CcsimError(f"{path}: overlaps {earlier}; give each part of the scenario once")
        out[path] = values
    size = math.prod(len(v) for v in out.values())
    if size > MAX_POINTS:
        raise CcsimError(f"params: the grid has {size:,} points (at most {MAX_POINTS:,})")
    return out


def grid(scenario: Scenario, params: Mapping[str, Sequence[Any]]) -> list[tuple[dict[str, Any], Scenario]]:
    """Every grid point: its parameter values and the scenario with them applied, checked.

    The first parameter varies slowest. Each point is applied with
    :meth:`ccsim.Scenario.replace` (a deep merge, validated as a file is).

    Raises
    ------
    ccsim.CcsimError
        An unknown path (with the closest valid name), or a point the scenario rejects: the
        path, the value and the rule, in one line.
    """
    return _grid(scenario, params)[1]


def _grid(
    scenario: Scenario, params: Mapping[str, Sequence[Any]]
) -> tuple[dict[str, tuple[Any, ...]], list[tuple[dict[str, Any], Scenario]]]:
    checked = _check_params(scenario, params)
    paths = list(checked)
    points = []
    for combo in itertools.product(*checked.values()):
        values = dict(zip(paths, combo, strict=True))
        changes: dict[str, Any] = {}
        scale: dict[str, Any] = {}
        for path, value in values.items():
            if path.split(".")[0] == VOLUME_SCALE:
                scale[path.partition(".")[2] or ALL] = value
            else:
                changes = _merge(changes, _nest(path, value))
        try:
            sc = scenario.replace(changes) if changes else scenario
        except ScenarioError as exc:
            raise _rejected(values, exc) from None
        if scale:
            try:
                sc = scale_volume(sc, scale)
            except CcsimError as exc:
                raise _rejected_scale(values, exc) from None
        points.append((values, sc))
    return checked, points


def _rejected_scale(values: dict[str, Any], exc: CcsimError) -> CcsimError:
    """A volume scale the scenario rejects: named by the parameter and its value."""
    scaled = {p: v for p, v in values.items() if p.split(".")[0] == VOLUME_SCALE}
    assigned = ", ".join(f"{p}={_shown(v)}" for p, v in scaled.items())
    message = str(exc)
    for p in scaled:  # a bad factor's own message already names the parameter
        if message.startswith(p + ":"):
            message = message[len(p) + 1 :].strip()
    return CcsimError(f"{assigned}: {message}")


def _rejected(values: dict[str, Any], exc: ScenarioError) -> CcsimError:
    problem = exc.problems[0]
    for path, value in values.items():
        if problem.path == path or problem.path.startswith(path + "."):
            rest = problem.path[len(path) + 1 :]
            return CcsimError(f"{path}={_shown(value)}: {rest + ': ' if rest else ''}{problem.message}")
    assigned = ", ".join(f"{p}={_shown(v)}" for p, v in values.items())
    return CcsimError(f"{assigned}: {problem}")


# --------------------------------------------------------------------------- running


@dataclass(frozen=True, eq=False)
class SweepPoint:
    """One grid point: its parameter values, its scenario, its simulation and its costs.

    Attributes
    ----------
    values : dict
        ``{path: value}`` of this point.
    scenario : Scenario
        The scenario with the values applied.
    result : SimulationResult
        Its simulation (the sweep's seed and replications).
    costs : ccsim.economics.CostResult or None
        Its costs, when the scenario prices anything (``costs:`` or vendors).
    """

    values: dict[str, Any]
    scenario: Scenario = field(repr=False)
    result: SimulationResult = field(repr=False)
    costs: CostResult | None = field(repr=False)


@dataclass(frozen=True, eq=False)
class SweepResult:
    """A sweep: every grid point simulated with one seed (common random numbers).

    Attributes
    ----------
    scenario, variant : str, str or None
        The scenario swept.
    seed : int
        The seed of every point.
    replications : int
        Replications of every point.
    params : dict
        ``{path: (values...)}`` in grid order (the first varies slowest).
    points : tuple of SweepPoint
        The points simulated, in grid order.
    grid_size : int
        Points in the grid (more than ``len(points)`` when interrupted).
    interrupted : bool
        Ctrl-C stopped the sweep: the points finished are kept, the last one possibly with
        fewer replications (its ``replications`` column says how many).
    """

    scenario: str
    variant: str | None
    seed: int
    replications: int
    params: dict[str, tuple[Any, ...]]
    points: tuple[SweepPoint, ...] = field(repr=False)
    grid_size: int
    interrupted: bool = False

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        """One row per grid point (tidy; hand it to ``pandas.DataFrame``).

        Columns: each parameter (its path), ``replications``, ``targets`` (``met``,
        ``MISSED`` or ``uncertain`` over every channel target; None without targets), every
        channel KPI as ``CHANNEL.KPI`` with ``CHANNEL.KPI_ci95`` (the ``all`` channel too
        when there are several), each agent group's ``GROUP.occupancy``, and, when the
        scenario prices anything, ``cost_per_month`` and ``cost_per_contact`` with their
        ``_ci95`` (``currency`` names the unit). KPIs undefined at every point are left out.
        """
        rows = [self._row(p) for p in self.points]
        keep = [k for k in (rows[0] if rows else {}) if k in self.params or any(r[k] is not None for r in rows)]
        return [{k: r[k] for k in keep} for r in rows]

    def _row(self, point: SweepPoint) -> dict[str, Any]:
        res = point.result
        row: dict[str, Any] = dict(point.values)
        row["replications"] = res.replications
        statuses = {t.status for t in res.targets}
        row["targets"] = None if not statuses else "MISSED" if "MISSED" in statuses else "uncertain"
        if statuses == {"met"}:
            row["targets"] = "met"
        channels = res.channel_names + (["all"] if len(res.channel_names) > 1 else [])
        for ch in channels:
            kpis = res.channel(ch)
            for kpi in CHANNEL_KPIS:
                row[f"{ch}.{kpi}"] = kpis[kpi]
                row[f"{ch}.{kpi}_ci95"] = kpis[f"{kpi}_ci95"]
        for g in res.group_names:
            kpis = res.group(g)
            for kpi in _GROUP_COLUMNS:
                row[f"{g}.{kpi}"] = kpis[kpi]
                row[f"{g}.{kpi}_ci95"] = kpis[f"{kpi}_ci95"]
        if point.costs is not None:
            summary = point.costs.summary()
            row["currency"] = summary["currency"]
            for name in ("per_month", "per_contact"):
                row[f"cost_{name}"] = summary[name]["mean"]
                row[f"cost_{name}_ci95"] = summary[name]["ci95"]
        return row

    def to_dict(self) -> dict[str, Any]:
        """The sweep as JSON-ready data: what was swept, and the rows."""
        return {
            "scenario": self.scenario,
            "variant": self.variant,
            "seed": self.seed,
            "replications": self.replications,
            "params": {k: list(v) for k, v in self.params.items()},
            "grid_size": self.grid_size,
            "points": len(self.points),
            "interrupted": self.interrupted,
            "rows": self.rows,
        }


def _priced(result: SimulationResult, scenario: Scenario) -> CostResult | None:
    from ccsim.economics import priced_costs

    return priced_costs(result, scenario)  # nothing priced: no cost columns of zeros


def sweep(
    scenario: Scenario,
    params: Mapping[str, Sequence[Any]],
    *,
    replications: int | None = None,
    seed: int | None = None,
    executor: Any = None,
    progress: Callable[[int, int], None] | None = None,
    max_contacts: float | None = None,
) -> SweepResult:
    """Simulate every point of a grid over scenario parameters, with one seed.

    Parameters
    ----------
    scenario : Scenario
        The scenario (a variant already applied: ``scenario.variant(name)``).
    params : mapping
        ``{dotted path: [values]}``, e.g. ``{"agent_groups.staff.staffing": range(8, 15),
        "channels.phone.volume.per_day": [400, 500, 600]}``: the grid is every combination,
        the first parameter varying slowest. :func:`parse_param` reads ``PATH=VALUES`` text.
    replications : int, optional
        Replications of every point (default: the scenario's).
    seed : int, optional
        The seed of every point (default: the scenario's; if unset, one is drawn once): the
        points see the same contacts, so their differences are sharp.
    executor : concurrent.futures.Executor, optional
        Runs the replications of each point (see :func:`ccsim.simulate` and
        :func:`ccsim.parallel.executor`); the result is the same whatever the executor.
    progress : callable, optional
        Called as ``progress(done, total)`` with replications over the whole grid.
    max_contacts : float, optional
        Refuse, before simulating, a sweep expected to simulate more new contacts than this
        over every point and replication (default :data:`ccsim.simulation.MAX_CONTACTS`, as a
        run); each point is simulated with this limit too.

    Returns
    -------
    SweepResult
        The points with their simulations and costs, and the table (:attr:`SweepResult.rows`).
        Interrupted (Ctrl-C) after the first replication, the points finished are kept.

    Raises
    ------
    ccsim.CcsimError
        A bad path or value (checked for every point before anything runs), a sweep beyond
        ``max_contacts`` or the memory its results would take, or a bad argument.
    """
    from ccsim.simulation import MAX_CONTACTS, simulate

    checked, points = _grid(scenario, params)
    reps = scenario.simulation.replications if replications is None else replications
    if isinstance(reps, bool) or not isinstance(reps, int | np.integer) or reps < 1:
        raise CcsimError(f"replications: must be a whole number >= 1, got {reps!r}")
    limit = MAX_CONTACTS if max_contacts is None else max_contacts
    _check_size([sc for _, sc in points], int(reps), limit)
    seed = scenario.simulation.seed if seed is None else seed
    seed = fresh_seed() if seed is None else seed  # drawn once for all
    total = len(points) * int(reps)
    done: list[SweepPoint] = []
    interrupted = False
    for k, (values, sc) in enumerate(points):

        def step(count: int, _: int, before: int = k * int(reps)) -> None:
            if progress is not None:
                progress(before + count, total)

        try:
            res = simulate(sc, replications=int(reps), seed=seed, executor=executor, progress=step, max_contacts=limit)
        except KeyboardInterrupt:
            if not done:
                raise
            interrupted = True
            break
        done.append(SweepPoint(values, sc, res, _priced(res, sc)))
        if res.interrupted:
            interrupted = True
            break
    return SweepResult(
        scenario=scenario.name,
        variant=scenario.variant_name,
        seed=int(seed),
        replications=int(reps),
        params=checked,
        points=tuple(done),
        grid_size=len(points),
        interrupted=interrupted,
    )


def _check_size(scenarios: list[Scenario], reps: int, max_contacts: float) -> None:
    """Refuse a sweep beyond its limits before it starts: the contacts it would simulate, the memory it keeps."""
    from ccsim.simulation import MAX_RESULT_BYTES, expected_result_bytes
    from ccsim.volume import expected_work

    if isinstance(max_contacts, bool) or not isinstance(max_contacts, int | float) or not max_contacts > 0:
        raise CcsimError(f"max_contacts: must be a number > 0, got {max_contacts!r}")
    memory = sum(expected_result_bytes(sc, reps) for sc in scenarios)  # every point's result is kept
    if memory > MAX_RESULT_BYTES:
        raise CcsimError(
            f"replications: {len(scenarios):,} points x {reps} replications would keep about "
            f"{memory / 2**30:.1f} GiB of results (limit {MAX_RESULT_BYTES / 2**30:.0f} GiB); sweep fewer points, "
            "replications or days"
        )
    work = [expected_work(sc, reps) for sc in scenarios]
    total = sum(contacts for contacts, _ in work)
    if total > max_contacts:
        field_ = max(work)[1]
        raise CcsimError(
            f"{field_}: the sweep would simulate about {total:.2g} contacts ({len(scenarios):,} points x {reps} "
            f"replications; limit {max_contacts:.2g}); raise it with --max-contacts (max_contacts= in Python) or "
            "sweep fewer points, replications or days"
        )


# --------------------------------------------------------------------------- plots


def _label(path: str) -> str:
    return ".".join(path.split(".")[-2:])


def _column(result: SweepResult, kpi: str, channel: str | None) -> tuple[str, str | None]:
    """The table column of a KPI, and its channel (None for a column given whole)."""
    rows = result.rows
    columns = [c for c in rows[0] if c.endswith("_ci95")]
    stems = [c.removesuffix("_ci95") for c in columns]
    if channel is None and kpi in stems:
        return kpi, None
    names = [*result.points[0].result.channel_names, "all"]
    ch = channel if channel is not None else names[0]
    if ch not in names:
        raise _unknown_key("channel", ch, names, "channel")
    column = f"{ch}.{kpi}"
    if column not in stems:
        kpis = sorted({s.split(".", 1)[1] for s in stems if s.startswith(ch + ".")})
        raise _unknown_key(f"{ch}.{kpi}", kpi, kpis, f"KPI (or one undefined in this sweep) of {ch}")
    return column, ch


def plot_sweep(
    result: SweepResult,
    kpi: str = "service_level",
    *,
    channel: str | None = None,
    x: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A KPI against one parameter, one curve per value of the others, with 95 % CIs.

    Parameters
    ----------
    result : SweepResult
        A sweep.
    kpi : str, default "service_level"
        A channel KPI (with ``channel``), or any column of :attr:`SweepResult.rows` that has
        a ``_ci95`` beside it (``cost_per_month``, ``staff.occupancy``, ``phone.asa_s``).
    channel : str, optional
        The channel of a channel KPI (default: the first; ``all`` for every channel).
    x : str, optional
        The parameter on the x axis (default: the first with more than one value).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure, no pyplot state).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.figure import Figure

    if not result.points:
        raise CcsimError("plot_sweep: the sweep has no point to draw")
    column, ch = _column(result, kpi, channel)
    paths = list(result.params)
    if x is None:
        x = next((p for p in paths if len(result.params[p]) > 1), paths[0])
    if x not in paths:
        raise _unknown_key("x", x, paths, "parameter")
    others = [p for p in paths if p != x]
    if ax is None:
        ax = Figure(figsize=(8, 4.5), layout="constrained").add_subplot()
    xs_all = result.params[x]
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in xs_all)
    position = {v: (v if numeric else i) for i, v in enumerate(xs_all)}
    rows = result.rows
    for combo in itertools.product(*(result.params[p] for p in others)):
        chosen = [r for r in rows if all(r[p] == v for p, v in zip(others, combo, strict=True))]
        if not chosen:
            continue
        px = [position[r[x]] for r in chosen]
        py = [np.nan if r[column] is None else r[column] for r in chosen]
        pe = [0.0 if r.get(f"{column}_ci95") is None else r[f"{column}_ci95"] for r in chosen]
        label = ", ".join(f"{_label(p)}={_shown(v)}" for p, v in zip(others, combo, strict=True)) or None
        ax.errorbar(px, py, yerr=pe, marker="o", capsize=3, label=label)
    if ch is not None:
        targets = result.points[0].result.channel_targets.get(ch, {})
        for target, name, _ in TARGETS:
            if name == kpi and target in targets:
                ax.axhline(targets[target], color="0.4", linestyle="--", linewidth=1, label=f"target {target}")
    if not numeric:
        ax.set_xticks(range(len(xs_all)), [_shown(v) for v in xs_all])
    ax.set_xlabel(x)
    ax.set_ylabel(f"{column} (mean, 95 % CI)")
    if column.startswith("cost_"):
        from ccsim.outputs.plots import money_axis

        money_axis(ax.yaxis, next((r.get("currency") for r in rows if r.get("currency")), None))
    ax.set_title(f"{column} against {_label(x)}: {result.replications} replications, seed {result.seed}", fontsize=10)
    if numeric and all(isinstance(v, int) for v in xs_all):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if ax.get_legend_handles_labels()[1]:
        ax.legend(fontsize=8)
    return ax
