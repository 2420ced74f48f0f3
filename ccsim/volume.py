"""What-if on volume: a scenario with its channels' volumes scaled, and the work a run would be.

:func:`scale_volume` is the one volume scale of ``ccsim plan``, ``ccsim sweep`` (``--volume-scale``
and the sweepable ``volume_scale`` / ``volume_scale.CHANNEL``) and ``ccsim compare``: a factor for
every channel, one per channel, or both (they multiply). A channel's volume is scaled however it
is given: ``per_interval`` (a forecast's volume per interval included: the forecast file is read
into it when the YAML loads), ``per_day`` or ``customers``; the profile, the day-of-week factors,
handle times and everything else stay.

:func:`parse_volume_scale` reads the command line's ``[CHANNEL=]FACTOR``, and
:func:`expected_work` the contacts a number of replications of a scenario would simulate (the
estimate ``ccsim run`` refuses a run beyond, :func:`ccsim.simulation.expected_contacts`), so that
each command can refuse work beyond its limit before it starts. Nothing here prints.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

from ccsim.errors import CcsimError, ScenarioError
from ccsim.scenario import Scenario

__all__ = ["ALL", "expected_work", "factors", "parse_volume_scale", "scale_volume", "volume_field"]

#: The key of a factor on every channel's volume.
ALL = "all"


def _factor(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not value > 0:
        raise CcsimError(f"{name}: must be a number > 0, got {value!r}")
    return float(value)


def factors(scenario: Scenario, scale: float | Mapping[str, float]) -> dict[str, float]:
    """The factor on each channel's volume: ``{channel: factor}`` (1 where none is given).

    Parameters
    ----------
    scenario : Scenario
        The scenario whose channels are scaled.
    scale : float or mapping
        A factor for every channel, or ``{channel or "all": factor}`` (a channel's own factor
        multiplies the one for all).

    Raises
    ------
    ccsim.CcsimError
        A factor that is not a number > 0, or a channel the scenario does not have (the closest
        name suggested).
    """
    if not isinstance(scale, Mapping):
        scale = {ALL: scale}
    out = dict.fromkeys(scenario.channels, 1.0)
    for key in scale:
        if key != ALL and key not in scenario.channels:
            close = difflib.get_close_matches(str(key), list(scenario.channels), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (channels: {', '.join(scenario.channels)})"
            raise CcsimError(f"volume_scale.{key}: unknown channel{hint}")
    for key, value in scale.items():
        f = _factor("volume_scale" if key == ALL else f"volume_scale.{key}", value)
        for ch in out if key == ALL else [key]:
            out[ch] *= f
    return out


def volume_field(scenario: Scenario, channel: str) -> str:
    """The dotted path of the field that gives a channel's volume (``channels.phone.volume.per_day``)."""
    volume = scenario.channels[channel].volume
    key = (
        "per_interval" if volume.per_interval is not None else "per_day" if volume.per_day is not None else "customers"
    )
    return f"channels.{channel}.volume.{key}"


def scale_volume(scenario: Scenario, scale: float | Mapping[str, float]) -> Scenario:
    """The scenario with its channels' volumes multiplied: a new, validated :class:`~ccsim.Scenario`.

    Parameters
    ----------
    scenario : Scenario
        The scenario (a variant applied or not; the copy keeps its variant name).
    scale : float or mapping
        A factor (> 0) on every channel's volume, or ``{channel: factor}`` per channel, with
        ``"all"`` for every channel (a channel's own factor multiplies it):
        ``scale_volume(sc, 1.2)``, ``scale_volume(sc, {"phone": 1.3})``,
        ``scale_volume(sc, {"all": 1.1, "chat": 2})``.

    Returns
    -------
    Scenario
        ``per_interval`` (a forecast's volume too), ``per_day`` or ``customers`` of each channel
        multiplied by its factor; the scenario itself when every factor is 1.

    Raises
    ------
    ccsim.CcsimError
        A bad factor or an unknown channel, or a scaled volume beyond the scenario's limits (the
        field, the factor and the rule, in one line).
    """
    if not isinstance(scenario, Scenario):
        raise CcsimError(f"scale_volume: expected a Scenario (see ccsim.load_scenario), got {type(scenario).__name__}")
    per_channel = factors(scenario, scale)
    changes: dict[str, Any] = {}
    for name, f in per_channel.items():
        if f == 1.0:
            continue
        v = scenario.channels[name].volume
        if v.per_interval is not None:
            new: dict[str, Any] = {"per_interval": [x * f for x in v.per_interval]}
        elif v.per_day is not None:
            new = {"per_day": v.per_day * f}
        else:
            assert v.customers is not None  # a volume gives per_interval, per_day or customers
            new = {"customers": v.customers * f}
        changes[name] = {"volume": new}
    if not changes:
        return scenario
    try:
        return scenario.replace({"channels": changes})
    except ScenarioError as exc:
        problem = exc.problems[0]
        channel = problem.path.split(".")[1] if problem.path.startswith("channels.") else None
        shown = f"{per_channel[channel]:g}" if channel in per_channel else ""
        raise CcsimError(f"{problem.path}: scaled by the volume scale {shown}: {problem.message}") from None


def parse_volume_scale(texts: list[str] | None) -> dict[str, float]:
    """The ``--volume-scale`` options: ``1.2`` (every channel) or ``phone=1.3`` (one channel).

    Parameters
    ----------
    texts : list of str or None
        The options as given (repeatable; one factor per option).

    Returns
    -------
    dict
        ``{"all" or channel: factor}``, for :func:`scale_volume` (empty when none was given).

    Raises
    ------
    ccsim.CcsimError
        A factor that is not a number > 0, or a channel given twice.
    """
    out: dict[str, float] = {}
    for text in texts or []:
        key, eq, value = text.rpartition("=")
        key = key.strip() if eq else ALL
        if not key:
            raise CcsimError(f"--volume-scale {text}: must be FACTOR or CHANNEL=FACTOR, e.g. 1.2 or phone=1.3")
        try:
            factor = float(value)
        except ValueError:
            factor = math.nan
        if not math.isfinite(factor) or not factor > 0:
            raise CcsimError(f"--volume-scale {text}: the factor must be a number > 0, got {value.strip()!r}")
        if key in out:
            what = "every channel's factor" if key == ALL else f"{key}'s factor"
            raise CcsimError(f"--volume-scale {text}: {what} is given twice; give it once")
        out[key] = factor
    return out


def expected_work(scenario: Scenario, replications: float) -> tuple[float, str]:
    """The contacts ``replications`` replications of a scenario are expected to simulate.

    The estimate ``ccsim.simulate`` refuses a run beyond (its ``max_contacts``):
    :func:`ccsim.simulation.expected_contacts` over the calendar, times the replications.

    Returns
    -------
    (contacts, field)
        The expected new contacts, and the volume field of the busiest channel (for an error).
    """
    from ccsim.simulation import expected_contacts

    per_channel = expected_contacts(scenario)
    busiest = max(per_channel, key=lambda name: per_channel[name])
    return sum(per_channel.values()) * replications, volume_field(scenario, busiest)
