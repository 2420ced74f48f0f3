"""Argument checks shared by the public functions: one clear error naming the argument.

Each check takes the argument's name and value (a scalar or an array), returns the value as a
float array, and raises :class:`ccsim.errors.InputError` for the first bad element, e.g.
``arrival_rate_per_s: must be a finite number >= 0, got -1.0 (at index 3)``.
"""

from __future__ import annotations

import numpy as np

from ccsim.errors import InputError

__all__ = ["fraction", "nonnegative", "positive", "whole"]


def _array(name: str, value: object) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(name, "must be a number or an array of numbers", value) from None
    return arr


def _first_bad(name: str, arr: np.ndarray, bad: np.ndarray, rule: str) -> None:
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        index = None if not idx else (idx[0] if len(idx) == 1 else idx)
        raise InputError(name, rule, arr[idx].item(), index)


def nonnegative(name: str, value: object) -> np.ndarray:
    """A finite number >= 0 (or an array of them)."""
    arr = _array(name, value)
    _first_bad(name, arr, ~np.isfinite(arr) | (arr < 0), "must be a finite number >= 0")
    return arr


def positive(name: str, value: object, *, allow_inf: bool = False) -> np.ndarray:
    """A number > 0, finite unless ``allow_inf``."""
    arr = _array(name, value)
    bad = np.isnan(arr) | (arr <= 0) | (~allow_inf & np.isinf(arr))
    _first_bad(name, arr, bad, "must be a number > 0" if allow_inf else "must be a finite number > 0")
    return arr


def whole(name: str, value: object) -> np.ndarray:
    """A whole number >= 0."""
    arr = _array(name, value)
    bad = ~np.isfinite(arr) | (arr < 0) | (arr != np.floor(arr))
    _first_bad(name, arr, bad, "must be a whole number >= 0")
    return arr


def fraction(name: str, value: object, *, low_open: bool, high_open: bool) -> np.ndarray:
    """A share in [0, 1], with each end open or closed."""
    arr = _array(name, value)
    low_bad = arr <= 0 if low_open else arr < 0
    high_bad = arr >= 1 if high_open else arr > 1
    rule = f"must be in {'(' if low_open else '['}0, 1{')' if high_open else ']'}"
    _first_bad(name, arr, np.isnan(arr) | low_bad | high_bad, rule)
    return arr
