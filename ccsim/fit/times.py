"""Times in contact logs: datetimes, dates and clock times read into seconds, fast.

A column of texts becomes a float array of seconds (since 1970-01-01 00:00 of the wall clock
written: time zones are not converted, a suffix such as ``+09:00`` is ignored), ``nan`` for an
empty cell, and a mask of the cells that could not be read. ISO datetimes are read by numpy
in one call (a column with a time zone or a bad cell falls back to one cell at a time); a
strftime format is turned into a regular expression once (``%Y %y %m %d %H %I %M %S %f %p %b
%B``; other codes fall back to :func:`datetime.strptime`, cached per distinct text). A
two-digit year (``%y``) reads as :func:`datetime.strptime` reads it: 69-99 are 1969-1999, 00-68
are 2000-2068.
"""

from __future__ import annotations

import re
import warnings
from datetime import datetime

import numpy as np

__all__ = ["DAY_S", "parse_clock", "parse_dates", "parse_datetimes"]

DAY_S = 86400.0
_EPOCH = datetime(1970, 1, 1)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_CODES = {
    "Y": ("year", r"(\d{4})"),
    "y": ("year2", r"(\d{2})"),
    "m": ("month", r"(\d{1,2})"),
    "d": ("day", r"(\d{1,2})"),
    "H": ("hour", r"(\d{1,2})"),
    "I": ("hour12", r"(\d{1,2})"),
    "M": ("minute", r"(\d{1,2})"),
    "S": ("second", r"(\d{1,2})"),
    "f": ("fraction", r"(\d{1,6})"),
    "p": ("ampm", r"([AaPp][Mm])"),
    "b": ("monthname", r"([A-Za-z]{3,9})"),
    "B": ("monthname", r"([A-Za-z]{3,9})"),
}


def _compile(fmt: str) -> tuple[re.Pattern, list[str]] | None:
    """A regular expression for a strftime format and the field of each group (None: a code it lacks)."""
    out, fields, i = [], [], 0
    while i < len(fmt):
        c = fmt[i]
        if c == "%" and i + 1 < len(fmt):
            code = fmt[i + 1]
            i += 2
            if code == "%":
                out.append("%")
            elif code in _CODES:
                name, rx = _CODES[code]
                out.append(rx)
                fields.append(name)
            else:
                return None
        else:
            out.append(r"\s+" if c.isspace() else re.escape(c))
            i += 1
    return re.compile("".join(out)), fields


def _ordinal(year: int, month: int, day: int, cache: dict) -> int:
    key = (year, month, day)
    got = cache.get(key)
    if got is None:
        got = datetime(year, month, day).toordinal() - _EPOCH.toordinal()  # ValueError if no such date
        cache[key] = got
    return got


def _regex_seconds(values: list[str], fmt: str, *, need_date: bool) -> tuple[np.ndarray, np.ndarray]:
    compiled = _compile(fmt)
    out = np.full(len(values), np.nan)
    bad = np.zeros(len(values), dtype=bool)
    if compiled is None:  # a format code the fast path lacks: strptime, once per distinct text
        cache: dict[str, float] = {}
        for i, text in enumerate(values):
            text = text.strip()
            if not text:
                continue
            got = cache.get(text)
            if got is None:
                try:
                    dt = datetime.strptime(text, fmt)
                except ValueError:
                    got = -1e300
                else:
                    got = (
                        (dt - _EPOCH).total_seconds()
                        if need_date
                        else dt.hour * 3600.0 + dt.minute * 60.0 + (dt.second + dt.microsecond / 1e6)
                    )
                cache[text] = got
            if got == -1e300:
                bad[i] = True
            else:
                out[i] = got
        return out, bad
    rx, fields = compiled
    has_date = "year" in fields or "year2" in fields
    if need_date and not has_date:
        raise ValueError(f"the format {fmt!r} has no year (%Y or %y), month and day: it cannot give a date")
    match = rx.fullmatch
    ordinals: dict = {}
    for i, text in enumerate(values):
        text = text.strip()
        if not text:
            continue
        m = match(text)
        if m is None:
            bad[i] = True
            continue
        f = dict(zip(fields, m.groups(), strict=True))
        try:
            hour = int(f.get("hour", 0))
            if "hour12" in f:
                hour = int(f["hour12"]) % 12 + (12 if f.get("ampm", "am").lower() == "pm" else 0)
            minute, second = int(f.get("minute", 0)), int(f.get("second", 0))
            if hour > 23 or minute > 59 or second > 60:
                raise ValueError
            secs = hour * 3600.0 + minute * 60.0 + second
            if "fraction" in f:
                secs += int(f["fraction"]) / 10 ** len(f["fraction"])
            if has_date:
                year = int(f["year"]) if "year" in f else _century(int(f["year2"]))
                month = _MONTHS.index(f["monthname"][:3].lower()) + 1 if "monthname" in f else int(f.get("month", 1))
                secs += _ordinal(year, month, int(f.get("day", 1)), ordinals) * DAY_S
            out[i] = secs
        except ValueError:
            bad[i] = True
    return out, bad


def _century(year2: int) -> int:
    """A two-digit year as strptime's ``%y`` reads it (POSIX: 69-99 are 19xx, 00-68 are 20xx)."""
    return year2 + (1900 if year2 >= 69 else 2000)


def _iso_one_by_one(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    out = np.full(len(values), np.nan)
    bad = np.zeros(len(values), dtype=bool)
    parse = datetime.fromisoformat
    for i, text in enumerate(values):
        text = text.strip()
        if not text:
            continue
        try:
            dt = parse(text).replace(tzinfo=None)
        except ValueError:
            bad[i] = True
            continue
        out[i] = (dt - _EPOCH).total_seconds()
    return out, bad


def parse_datetimes(values: list[str], fmt: str = "iso") -> tuple[np.ndarray, np.ndarray]:
    """Full datetimes as seconds since 1970-01-01 00:00 (wall clock).

    Parameters
    ----------
    values : list of str
        The column's cells.
    fmt : str, default "iso"
        ``"iso"`` or a strftime format.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Seconds (``nan`` for an empty cell) and a boolean mask of cells that could not be read.
    """
    if fmt != "iso":
        return _regex_seconds(values, fmt, need_date=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy warns, then converts, when a text has a time zone
            stamps = np.array(values, dtype="datetime64[ms]")
    except (ValueError, TypeError, UserWarning, DeprecationWarning, OverflowError):
        return _iso_one_by_one(values)
    ms = stamps.astype(np.int64)
    out = ms / 1000.0
    out[np.isnat(stamps)] = np.nan
    bad = np.zeros(len(values), dtype=bool)
    # numpy reads 'NaT', 'today' and 'now' as times; a log never means them
    odd = np.isnat(stamps) | (np.abs(ms) > 10**13)
    for i in np.flatnonzero(odd):
        text = values[i].strip()
        if text:
            one, b = _iso_one_by_one([text])
            out[i], bad[i] = one[0], b[0]
    return out, bad


def parse_dates(values: list[str], fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """Dates as the seconds of their midnight since 1970-01-01 (``nan`` empty, and a bad mask)."""
    if fmt == "iso":
        fmt = "%Y-%m-%d"
    return _regex_seconds(values, fmt, need_date=True)


def parse_clock(values: list[str], fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """Clock times as seconds after midnight (``nan`` empty, and a bad mask)."""
    return _regex_seconds(values, fmt, need_date=False)
