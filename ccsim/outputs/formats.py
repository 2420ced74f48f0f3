"""How times, thresholds and counts read in every rendering: one unit per table, ``20 s``, ``3 variants``.

A leaf of :mod:`ccsim.outputs`: the text, HTML and workbook renderings of results, plans and
comparisons share these, and import nothing else of the package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["HOURS_TARGET_S", "TIME_UNITS", "duration", "hours_channel", "plural", "time_number", "time_unit"]

#: Seconds in each unit a time is shown in.
TIME_UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0}

#: A channel whose answer target is at least this long (email's 8 h, 24 h) has its waits in hours.
HOURS_TARGET_S = 3600.0


def hours_channel(answer_within_s: Mapping[str, float | None], channel: str) -> bool:
    """Whether a channel's waits are shown in hours: its answer target is an hour or more.

    ``all`` is, when every channel's is.
    """
    if channel == "all":
        return bool(answer_within_s) and all(hours_channel(answer_within_s, ch) for ch in answer_within_s)
    target = answer_within_s.get(channel)
    return target is not None and target >= HOURS_TARGET_S


def time_unit(values_s: Any) -> str:
    """One unit for a set of times: ``min`` when one reaches 10 minutes, else ``s``."""
    big = max((abs(v) for v in values_s if v is not None and np.isfinite(v)), default=0.0)
    return "min" if big >= 600 else "s"


def time_number(value_s: float, unit: str, threshold: bool = False) -> str:
    """A time in ``unit`` (``s``, ``min``, ``h``) without the unit: ``2.3``, ``0.25``, ``8`` for a threshold."""
    v = value_s / TIME_UNITS[unit]
    if threshold:
        return f"{v:g}"
    if unit == "h" and abs(v) < 10:
        return f"{v:.3f}" if abs(v) < 0.1 else f"{v:.2f}"
    return f"{v:.1f}"


def duration(seconds: float) -> str:
    """A threshold as a person says it: ``20 s``, ``5 min``, ``8 h``."""
    if seconds >= 3600 and seconds % 360 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 120 and seconds % 6 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``1 variant``, ``3 variants`` (``nouns`` where the plural is not ``noun + s``)."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"
