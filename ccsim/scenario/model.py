"""The Scenario: a whole desk, its variants, and the checks between its sections.

A :class:`Scenario` is frozen and fully validated: field types and ranges by pydantic, and the
cross-references between its parts (skills name existing channels, escalation targets and
vendors exist, per-interval lists have one value per interval, every channel with volume has
an agent group able to serve it) by :func:`cross_check`. Build one with
:func:`ccsim.load_scenario` (from YAML), :func:`ccsim.scenario_from_dict` or
:func:`validate_scenario`; all raise :class:`ccsim.ScenarioError` listing every problem with
its dotted path. A Scenario is a plain value: it holds no file or loader state, pickles small,
and :meth:`Scenario.variant` and :meth:`Scenario.replace` return new validated Scenarios.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from typing import Annotated, Any, cast

import numpy as np
from pydantic import BaseModel, Field, PrivateAttr, ValidationError, model_validator

import ccsim.scenario.cross_checks as checks
from ccsim.errors import CcsimError, Problem, ScenarioError
from ccsim.fields import Name, NonNegative, Strict
from ccsim.problems import merge, problems_from_validation, short
from ccsim.scenario.calendar import Calendar
from ccsim.scenario.channels import Channel
from ccsim.scenario.costs import Costs
from ccsim.scenario.dispatch import Dispatch
from ccsim.scenario.groups import AgentGroup, Resolution, staffing_per_interval
from ccsim.scenario.limits import MAX_AGENTS
from ccsim.scenario.vendors import Vendor
from ccsim.shift_types import Scheduling

__all__ = [
    "Forecast",
    "Scenario",
    "Simulation",
    "Variant",
    "check_staffing",
    "cross_check",
    "resolve_variant",
    "validate_scenario",
]


class Forecast(Strict):
    """A forecast file: volume, handle time and patience per channel and interval, read when the YAML loads."""

    file: Annotated[str, Field(min_length=1)] = Field(
        description="CSV file, relative to the YAML file: columns channel, interval_start (HH:MM), volume, and "
        "optionally day (1, 2, ...), aht_s and patience_s; its values become the channels' volume.per_interval, "
        "handle_time_per_interval_s and patience_per_interval_s"
    )


class Simulation(Strict):
    """How the simulation runs."""

    replications: Annotated[int, Field(ge=1, le=100_000)] = Field(10, description="independent replications")
    seed: Annotated[int, Field(ge=0)] | None = Field(None, description="random seed (default: drawn and recorded)")
    warmup_min: NonNegative = Field(0.0, description="minutes at the start excluded from the statistics")


class Variant(Strict):
    """A named setup: overrides of the base scenario (deep-merged; null removes a key)."""

    description: str = ""
    overrides: dict[str, Any] = Field(default_factory=dict, description="keys of the base scenario to change")


# --------------------------------------------------------------------------- scenario


class Scenario(Strict):
    """A whole desk: calendar, channels, agent groups, vendors, costs and simulation settings."""

    name: str = Field(description="a short name for reports")
    description: str = ""
    calendar: Calendar = Calendar()
    forecast: Forecast | None = Field(None, description="a forecast file the loader reads into the channels")
    channels: dict[Name, Channel] = Field(min_length=1)
    agent_groups: dict[Name, AgentGroup] = Field(min_length=1)
    resolution: Resolution = Resolution()
    dispatch: Dispatch = Field(
        Dispatch(), description="which waiting contact a freed agent takes and which free agent answers"
    )
    vendors: dict[Name, Vendor] = Field(default_factory=dict)
    costs: Costs = Costs()
    simulation: Simulation = Simulation()
    variants: dict[Name, Variant] = Field(default_factory=dict)
    scheduling: Scheduling | None = Field(
        None, description="shift types: ccsim plan turns its plan into shifts with breaks (docs/scheduling.md)"
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_extension_keys(cls, data: Any) -> Any:
        # top-level keys starting with "x-" hold YAML anchors for reuse (as in docker-compose)
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
        return data

    # the name of the variant this scenario is (None: the base); part of the value
    _variant_name: str | None = PrivateAttr(default=None)

    @property
    def variant_name(self) -> str | None:
        """The variant this scenario is (None for the base)."""
        return self._variant_name

    def to_data(self) -> dict[str, Any]:
        """The scenario as plain data, as a YAML file would give it (keys left at their default omitted)."""
        return self.model_dump(mode="json", exclude_unset=True)

    def variant(self, name: str | None) -> Scenario:
        """The scenario with a variant's overrides applied (``None``: the base itself).

        The variant is the base's data deep-merged with the variant's ``overrides``, validated
        like a file; a scenario from :func:`ccsim.load_scenario` had every variant validated
        when it was loaded.

        Raises
        ------
        ccsim.ScenarioError
            When the variant does not exist (the message suggests the closest name) or the
            merged scenario is invalid.
        """
        return self if name is None else resolve_variant(self, name)

    def replace(self, changes: Mapping[str, Any] | None = None, /, **fields: Any) -> Scenario:
        """A re-validated copy with ``changes`` deep-merged in, as a variant's overrides are.

        Mappings merge key by key, ``None`` removes a key, anything else replaces; keyword
        arguments replace top-level keys the same way. The copy is validated completely (its
        variants too) and keeps the variant name.

        Examples
        --------
        >>> sc.replace({"agent_groups": {"tier1": {"staffing": 12}}})  # doctest: +SKIP
        >>> sc.replace(simulation={"replications": 50})  # doctest: +SKIP

        Raises
        ------
        ccsim.ScenarioError
            Every problem of the changed scenario, with its dotted path.
        """
        overrides = merge(_plain(dict(changes or {})), _plain(fields))
        if isinstance(overrides, dict) and "forecast" in overrides:
            raise CcsimError(
                "forecast: a forecast file is read when its YAML file loads (ccsim.load_scenario); to change the "
                "forecast here, replace the channels' volume.per_interval, handle_time_per_interval_s or "
                "patience_per_interval_s"
            )
        data = merge(self.to_data(), overrides)
        out = validate_scenario(data, source=f"{self.name}: replace")
        out._variant_name = self._variant_name
        return out

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Scenario:
        """A copy; with ``update``, top-level fields replaced and the result re-validated."""
        if not update:
            return cast("Scenario", super().model_copy(deep=deep))  # Strict.model_copy says Strict
        data = self.to_data()
        data.update(_plain(dict(update)))
        out = validate_scenario(data, source=f"{self.name}: model_copy")
        out._variant_name = self._variant_name
        return out

    def staffing_plan(self, staffing: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:
        """Agents on duty per agent group in every interval of the run.

        Parameters
        ----------
        staffing : mapping, optional
            ``{group name: whole number or per-interval sequence}`` replacing those groups'
            ``staffing``; checked like the YAML (whole numbers >= 0, one value per interval
            of a day or of the run). A group's ``weekdays`` still apply.

        Returns
        -------
        dict
            ``{group name: numpy int64 array of length calendar.intervals}``, every group in
            file order.

        Raises
        ------
        ccsim.CcsimError
            One line naming the group, the rule and the value.
        """
        given = {
            **{name: g.staffing for name, g in self.agent_groups.items() if not isinstance(g.staffing, str)},
            **check_staffing(self, staffing),
        }
        unplanned = [name for name in self.agent_groups if name not in given]  # staffing: plan, not given here
        if unplanned:
            raise CcsimError(
                f"agent_groups.{unplanned[0]}.staffing: plan: the planner sizes this group; run ccsim plan (or "
                "ccsim compare, ccsim.plan) first, or give its staffing"
            )
        return {
            name: staffing_per_interval(given[name], g.weekdays, self.calendar) for name, g in self.agent_groups.items()
        }


def _plain(value: Any) -> Any:
    """Models inside override data as plain data, so that they are validated again."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_unset=True)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


# --------------------------------------------------------------------------- validation and variants


def validate_scenario(
    data: Any, *, source: str = "<dict>", line_of: Callable[[tuple], int | None] | None = None
) -> Scenario:
    """Validate plain data into a Scenario, its variants included.

    Parameters
    ----------
    data : dict
        The scenario as a YAML file would give it.
    source : str
        A name for error messages (a file path, say).
    line_of : callable, optional
        ``line_of(location) -> line or None``: the line of a dotted location in the file.

    Raises
    ------
    ccsim.ScenarioError
        Listing every problem: field problems first; cross-references once the fields are
        right; then the problems of each variant.
    """
    scenario = _validate_one(data, source, line_of)
    problems: list[Problem] = []
    for name in scenario.variants:
        try:
            resolve_variant(scenario, name, line_of=line_of)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def _validate_one(data: Any, source: str, line_of: Callable[[tuple], int | None] | None) -> Scenario:
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"{type(data).__name__} {short(data)}"
        raise ScenarioError(
            source, [Problem("", f"the top level must be a mapping (name:, channels:, agent_groups:, ...), got {kind}")]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        found = problems_from_validation(exc, data, Scenario, line_of)
        raise ScenarioError(source, [Problem(_join(loc), msg, line) for loc, msg, line in found]) from None
    problems = [
        Problem(_join(loc), message, line_of(loc) if line_of is not None else None)
        for loc, message in cross_check(scenario)
    ]
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def _join(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def resolve_variant(scenario: Scenario, name: str, *, line_of: Callable[[tuple], int | None] | None = None) -> Scenario:
    """The scenario with variant ``name`` applied and validated (see :meth:`Scenario.variant`).

    Problems inside the overrides are reported at ``variants.NAME.overrides.PATH``; problems
    the overrides cause elsewhere at ``variants.NAME: PATH``.
    """
    source = f"scenario {scenario.name!r}"
    if name not in scenario.variants:
        close = difflib.get_close_matches(str(name), list(scenario.variants), n=1)
        if close:
            hint = f"; did you mean {close[0]!r}?"
        elif scenario.variants:
            hint = f"; variants: {', '.join(scenario.variants)}"
        else:
            hint = "; the scenario has no variants"
        raise ScenarioError(source, [Problem("variants", f"no variant {name!r}{hint}")])
    overrides = scenario.variants[name].overrides
    if "variants" in overrides:
        raise ScenarioError(
            source, [Problem(f"variants.{name}.overrides.variants", "a variant cannot define variants")]
        )
    base = {k: v for k, v in scenario.to_data().items() if k != "variants"}
    try:
        variant = _validate_one(merge(base, overrides), source, None)
    except ScenarioError as exc:
        problems = []
        for p in exc.problems:
            loc = tuple(int(x) if x.isdigit() else x for x in p.path.split(".")) if p.path else ()
            if _value_exists(overrides, loc):
                line = line_of(("variants", name, "overrides", *loc)) if line_of is not None else None
                problems.append(Problem(f"variants.{name}.overrides.{p.path}", p.message, line))
            else:
                line = line_of(loc) if line_of is not None and loc else None
                problems.append(
                    Problem(f"variants.{name}: {p.path}" if p.path else f"variants.{name}", p.message, line)
                )
        raise ScenarioError(source, problems) from None
    variant._variant_name = name
    return variant


def _value_exists(data: Any, loc: tuple) -> bool:
    cur = data
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list | tuple) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
        else:
            return False
    return bool(loc)


# --------------------------------------------------------------------------- staffing overrides


def check_staffing(scenario: Scenario, staffing: Mapping[str, Any] | None) -> dict[str, int | tuple[int, ...]]:
    """Check a staffing override like the YAML's ``staffing`` and return it as whole numbers.

    Raises
    ------
    ccsim.CcsimError
        ``staffing.GROUP: RULE, got VALUE``, or an unknown group with the closest name.
    """
    if staffing is None:
        return {}
    if not isinstance(staffing, Mapping):
        raise CcsimError(f"staffing: must be a mapping of agent group to agents, got {short(staffing)}")
    cal = scenario.calendar
    n_day, n_run = cal.intervals_per_day_value, cal.intervals
    out: dict[str, int | tuple[int, ...]] = {}
    for name, value in staffing.items():
        if name not in scenario.agent_groups:
            raise CcsimError(f"staffing: {checks.unknown_name('agent group', str(name), scenario.agent_groups)}")
        where = f"staffing.{name}"
        if isinstance(value, str | bytes | Mapping) or isinstance(value, bool | np.bool_):
            raise CcsimError(f"{where}: must be a whole number >= 0 or one per interval, got {short(value)}")
        if np.ndim(value) == 0:
            out[name] = _whole_agents(where, value)
            continue
        values = list(np.asarray(value, dtype=object).ravel()) if isinstance(value, np.ndarray) else list(value)
        if len(values) not in (n_day, n_run):
            expect = f"{n_day} values (one per interval of the day)"
            if cal.days > 1:
                expect += f" or {n_run} (one per interval of the run)"
            raise CcsimError(f"{where}: must have {expect}, got {len(values)}")
        out[name] = tuple(_whole_agents(f"{where}[{i}]", v) for i, v in enumerate(values))
    return out


def _whole_agents(where: str, value: Any) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
        raise CcsimError(f"{where}: must be a whole number >= 0, got {short(value)}")
    if not math.isfinite(value) or value != int(value) or value < 0:
        raise CcsimError(f"{where}: must be a whole number >= 0, got {value!r}")
    if value > MAX_AGENTS:
        raise CcsimError(f"{where}: must be <= {MAX_AGENTS:,} agents on duty, got {int(value)}")
    return int(value)


# --------------------------------------------------------------------------- checks between sections


def cross_check(s: Scenario) -> list[tuple[tuple, str]]:
    """Cross-reference rules a single field cannot check (:mod:`ccsim.scenario.cross_checks`).

    Returns
    -------
    list of (location, message)
        Every violation: the location of the offending field and a message naming the rule
        and the bad value.
    """
    cal = s.calendar
    errors = checks.channel_lengths(cal, s.channels)
    if cal.has_closed_intervals:
        errors += checks.closed_volume(cal, s.channels)
    bad_volume = {loc[1] for loc, _ in errors if loc[0] == "channels"}  # volumes not computable as given
    for g, grp in s.agent_groups.items():
        errors += checks.group_lengths(cal, g, grp)
        errors += checks.group_references(g, grp, s.channels, s.agent_groups, s.vendors)
    errors += checks.vendor_routing(s.vendors, s.channels, s.agent_groups)
    errors += checks.chat_pace(s.channels, s.agent_groups)
    errors += checks.scheduling_groups(s.scheduling, s.agent_groups)
    errors += checks.dispatch_priorities(s.dispatch.priorities, s.channels)
    errors += checks.channel_coverage(cal, s.channels, s.agent_groups, bad_volume)
    return errors
