"""Forecast files: volume, handle time and patience per channel and interval, from a CSV.

A scenario names its forecast with ``forecast: {file: forecast.csv}`` (the path relative to
the YAML file). The loader reads it once, into the channels' ``volume.per_interval``,
``handle_time_per_interval_s`` and ``patience_per_interval_s``: the Scenario holds the
numbers, never the file. A variant may name its own forecast file (a high and a low
forecast, say); its numbers replace the base's.

The file has a header and one row per channel and interval:

``channel``
    The channel (may be left out when the scenario has one channel).
``day``
    Optional: the day of the run, 1, 2, ... (then every day of the run has its rows);
    without it the rows are one day, repeated every day of the run (with the calendar's
    ``day_of_week_factors`` on the volume).
``interval_start``
    The interval's start, ``HH:MM``, on the calendar's interval grid within opening hours.
``volume``
    Contacts arriving in the interval.
``aht_s``, ``patience_s``
    Optional: the mean handle time and patience of the contacts arriving in the interval,
    in seconds (the channel's ``handle_time`` and ``patience`` give the distributions'
    shapes). A cell may be blank for a channel that has none (``patience_s`` of an email
    channel), but then for all of that channel's rows.

Every problem of the file is reported, one line each, as ``FILE, line N, column C: rule, got
value`` (the first :data:`MAX_PROBLEMS`, then how many more); a channel's missing intervals are
named. Volume in an interval the calendar closes (its weekday's ``hours``; without a
``day`` column, closed on every day of the run) is a problem of its line.
"""

from __future__ import annotations

import difflib
import math
from pathlib import Path
from typing import Any

import numpy as np

from ccsim.distributions import MAX_TIME_S, shown
from ccsim.errors import CcsimError, Problem, ScenarioError
from ccsim.files import read_csv_records
from ccsim.problems import merge
from ccsim.scenario import MAX_CONTACTS_PER_INTERVAL, REALTIME_KINDS, Calendar, minutes_of_day
from ccsim.shift_types import clock

__all__ = ["COLUMNS", "MAX_PROBLEMS", "apply_forecasts", "read_forecast"]

#: Most problems of a forecast file listed one by one; the rest are counted ("and N more").
MAX_PROBLEMS = 20

#: The columns a forecast file may have.
COLUMNS = ("channel", "day", "interval_start", "volume", "aht_s", "patience_s")
_VALUES = {  # column: (the channel key it fills, lower bound rule, upper bound)
    "volume": ("volume", "must be >= 0", MAX_CONTACTS_PER_INTERVAL),
    "aht_s": ("handle_time_per_interval_s", "must be > 0", MAX_TIME_S),
    "patience_s": ("patience_per_interval_s", "must be > 0", MAX_TIME_S),
}
_VOLUME_SOURCES = ("per_interval", "per_day", "customers", "profile")
_VOLUME_KEYS = (*_VOLUME_SOURCES, "contacts_per_customer_per_month", "contacts_per_customer_per_day")


def read_forecast(path: Path, calendar: Calendar, channels: dict[str, str | None]) -> dict[str, dict[str, list[float]]]:
    """Read a forecast file for a calendar.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.
    calendar : ccsim.scenario.Calendar
        The scenario's calendar (its interval grid and days).
    channels : dict
        ``{channel name: kind}`` of the scenario (None: a channel whose kind is not known).

    Returns
    -------
    dict
        ``{channel: {column: values}}`` for the channels in the file, with ``volume`` and the
        optional ``aht_s`` and ``patience_s``: one value per interval of a day (no ``day``
        column) or of the run.

    Raises
    ------
    ccsim.ScenarioError
        Listing every problem of the file (source: the file).
    """
    source = str(path)
    header, records = read_csv_records(path)
    problems = _header_problems(header)
    _check_columns(source, header, bool(records), channels)
    forecast = _Forecast(header, calendar, channels, problems)
    for line, row in records:
        forecast.read_row(line, row)
    forecast.check_channels()
    if not problems:
        forecast.check_gaps()
    if problems:
        raise _error(source, problems)
    return forecast.values()


def _header_problems(header: list[str]) -> list[tuple[int, int, str]]:
    """``(line, column, message)`` of each unknown or repeated column name of the header."""
    problems = []
    for j, name in enumerate(header):
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; a forecast has {', '.join(COLUMNS)}"
            problems.append((1, j, f"line 1, column {j + 1}: unknown column {name!r}{hint}"))
        elif name in header[:j]:
            problems.append((1, j, f"line 1, column {name}: a column name must appear once, got it twice"))
    return problems


def _check_columns(source: str, header: list[str], has_rows: bool, channels: dict[str, str | None]) -> None:
    """Refuse a file without the columns it needs, or without a row."""
    need = ["interval_start", "volume"] + (["channel"] if len(channels) > 1 else [])
    missing = [c for c in need if c not in header]
    if missing:
        why = " (the scenario has several channels)" if missing == ["channel"] else ""
        raise ScenarioError(source, [Problem("", f"needs the column(s) {', '.join(missing)}{why}, got {header}")])
    if not has_rows:
        raise ScenarioError(source, [Problem("", "has a header but no intervals")])


def _error(source: str, problems: list[tuple[int, int, str]]) -> ScenarioError:
    """The file's problems in line and column order, the first :data:`MAX_PROBLEMS` of them."""
    listed = [Problem("", m) for _, _, m in sorted(problems, key=lambda p: p[:2])]
    if len(listed) > MAX_PROBLEMS:
        extra = len(listed) - MAX_PROBLEMS
        listed = [*listed[:MAX_PROBLEMS], Problem("", f"and {extra} more problem{'s' if extra > 1 else ''}")]
    return ScenarioError(source, listed)


class _Forecast:
    """A forecast file being read: its columns, the calendar's interval grid, and what the rows gave."""

    def __init__(
        self,
        header: list[str],
        calendar: Calendar,
        channels: dict[str, str | None],
        problems: list[tuple[int, int, str]],
    ) -> None:
        self.header = header
        self.calendar = calendar
        self.channels = channels
        self.problems = problems  # (line, column, message)
        self.col = {name: header.index(name) for name in COLUMNS if name in header}
        self.by_day = "day" in self.col
        self.per_day = calendar.intervals_per_day_value
        self.days = calendar.days if self.by_day else 1
        first = int(calendar.day_start_s // 60)
        self.grid = {first + i * calendar.interval_min: i for i in range(self.per_day)}  # minute: interval
        self.only = next(iter(channels)) if len(channels) == 1 else None
        # volume may not go where the calendar closes the desk: a run's own values (a day column) on
        # their day; a day repeated every day of the run, where the desk is closed on all of them
        run_open = calendar.open_intervals().reshape(calendar.days, self.per_day)
        self.is_open = np.asarray(run_open.ravel() if self.by_day else run_open.any(axis=0))
        self.seen: dict[tuple[str, int], int] = {}  # (channel, interval): line
        self.out: dict[str, dict[str, list[float]]] = {}  # a column's values: nan until read
        self.first_line: dict[tuple[str, str], tuple[int, bool]] = {}  # (channel, column): (line, blank)

    def problem(self, line: int, col: int, message: str) -> None:
        self.problems.append((line, col, f"line {line}, {message}"))

    def cell(self, row: list[str], name: str) -> str:
        j = self.col[name]
        return row[j].strip() if j < len(row) else ""

    def read_row(self, line: int, row: list[str]) -> None:
        """Read one row: where it belongs (channel, day, interval), then its values."""
        place = self._place(line, row)
        if place is not None:
            self._read_values(line, row, *place)

    def _place(self, line: int, row: list[str]) -> tuple[str, int, int, int] | None:
        """The row's channel, day, start minute and interval of the values; None (a problem) if it has none."""
        header, col = self.header, self.col
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            self.problem(
                line,
                len(header),
                f"column {len(header) + 1}: the row has {len(row)} cells, the header only "
                f"{len(header)} (a comma inside a value needs quotes)",
            )
            return None
        channel = self.cell(row, "channel") if "channel" in col else self.only
        if channel not in self.channels:
            close = difflib.get_close_matches(channel or "", list(self.channels), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; the scenario has {', '.join(self.channels)}"
            self.problem(line, col.get("channel", 0), f"column channel: unknown channel {channel!r}{hint}")
            return None
        assert channel is not None  # a channel of the scenario
        day = 0
        if self.by_day:
            text = self.cell(row, "day")
            if not text.isdigit() or not 1 <= int(text) <= self.calendar.days:
                message = f"column day: must be a day of the run, 1 to {self.calendar.days}, got {text!r}"
                self.problem(line, col["day"], message)
                return None
            day = int(text) - 1
        start = self._start(line, row)
        if start is None:
            return None
        k = day * self.per_day + self.grid[start]
        if (channel, k) in self.seen:
            self.problem(
                line,
                col["interval_start"],
                f"column interval_start: {_where(channel, day, clock(start), self.by_day)} is given twice "
                f"(first on line {self.seen[channel, k]})",
            )
            return None
        self.seen[channel, k] = line
        return channel, day, start, k

    def _start(self, line: int, row: list[str]) -> int | None:
        """The row's interval start in minutes of the day, or None (a problem) off the calendar's grid."""
        try:
            start = minutes_of_day(self.cell(row, "interval_start"))  # 8:00 as 08:00
        except ValueError:
            start = -1
        if start in self.grid:
            return start
        first, last = clock(next(iter(self.grid))), clock(list(self.grid)[-1])
        self.problem(
            line,
            self.col["interval_start"],
            f"column interval_start: must be the start of an interval, HH:MM from {first} to {last} every "
            f"{self.calendar.interval_min} minutes, got {self.cell(row, 'interval_start')!r}",
        )
        return None

    def _read_values(self, line: int, row: list[str], channel: str, day: int, start: int, k: int) -> None:
        """Check and keep the row's volume, handle time and patience (each column's rule in turn)."""
        col = self.col
        values = self.out.setdefault(channel, {})
        for name, (_key, rule, upper) in _VALUES.items():
            if name not in col:
                continue
            text = self.cell(row, name)
            value = self._number(line, channel, name, text)
            if value is None:
                continue
            low_ok = value >= 0 if name == "volume" else value > 0
            if not math.isfinite(value):
                self.problem(line, col[name], f"column {name}: must be a finite number, got {text}")
            elif not low_ok:
                self.problem(line, col[name], f"column {name}: {rule}, got {text}")
            elif value > upper:
                self.problem(line, col[name], f"column {name}: must be <= {upper:,}, got {shown(value)}")
            elif name == "volume" and value > 0 and not self.is_open[k]:
                where = _closed(self.calendar, channel, day, start, col)
                self.problem(line, col[name], f"column volume: {text} contacts in {where}")
            else:
                values.setdefault(name, [math.nan] * (self.days * self.per_day))[k] = value

    def _number(self, line: int, channel: str, name: str, text: str) -> float | None:
        """A cell's number; None when blank, or (a problem) blank or given unlike the channel's first row."""
        blank = not text
        known = self.first_line.setdefault((channel, name), (line, blank))
        if blank != known[1]:
            was = "blank" if known[1] else "given"
            self.problem(
                line,
                self.col[name],
                f"column {name}: {channel}'s {name} was {was} on line {known[0]}, so it must "
                f"be {'blank' if known[1] else 'given'} on every row of {channel}, got {text or 'a blank'}",
            )
            return None
        if blank:
            return None
        try:
            return float(text)
        except ValueError:
            self.problem(line, self.col[name], f"column {name}: must be a number, got {text!r}")
            return None

    def check_channels(self) -> None:
        """Every channel gives its volume, and only channels whose customers abandon give a patience."""
        for (channel, name), (line, blank) in self.first_line.items():
            if name == "volume" and blank:
                self.problem(line, self.col["volume"], f"column volume: must be a number, got a blank for {channel}")
            if name == "patience_s" and not blank and self.channels[channel] not in REALTIME_KINDS:
                self.problem(
                    line,
                    self.col[name],
                    f"column patience_s: {self.channels[channel]} customers do not abandon, so "
                    f"{channel} has no patience; leave its cells blank, got a value",
                )

    def check_gaps(self) -> None:
        """Every channel of the file has a row for every interval (up to five missing ones named)."""
        labels = [clock(m) for m in self.grid]
        per_day = self.per_day
        for channel in self.out:
            gaps = [k for k in range(self.days * per_day) if (channel, k) not in self.seen]
            if gaps:
                shown_gaps = ", ".join(
                    _where(channel, k // per_day, labels[k % per_day], self.by_day) for k in gaps[:5]
                )
                more = f" and {len(gaps) - 5} more" if len(gaps) > 5 else ""
                self.problems.append(
                    (0, 0, f"channel {channel}: every interval needs a row; missing {shown_gaps}{more}")
                )

    def values(self) -> dict[str, dict[str, list[float]]]:
        """``{channel: {column: values}}`` as read."""
        return {
            ch: {name: [float(v) for v in vals] for name, vals in values.items()} for ch, values in self.out.items()
        }


def _hours(calendar: Calendar, weekday: str) -> str:
    span = calendar.weekday_hours(weekday)
    return "closed all day" if span is None else f"open {clock(span[0])}-{clock(span[1])}"


def _closed(calendar: Calendar, channel: str, day: int, start: int, col: dict) -> str:
    """Where volume meets a closed desk, and the hours that close it."""
    if "day" in col:
        weekday = calendar.weekday_of_day(day)
        where, hours = f"{_where(channel, day, clock(start), True)} ({weekday})", _hours(calendar, weekday)
    else:
        weekdays = dict.fromkeys(calendar.weekday_of_day(d) for d in range(calendar.days))
        where = f"{_where(channel, 0, clock(start), False)}, every day of the run"
        hours = ", ".join(f"{w}: {_hours(calendar, w)}" for w in weekdays)
    return f"{where}, when the calendar closes the desk ({hours}); give 0 there"


def _where(channel: str, day: int, start: str, with_day: bool) -> str:
    return f"{channel} day {day + 1} {start}" if with_day else f"{channel} {start}"


def apply_forecasts(data: Any, yaml_path: Path, line_of: Any = None) -> Any:
    """Read the forecast files a scenario's data names, and put their numbers into the channels.

    Parameters
    ----------
    data : Any
        The scenario as read from YAML (left unchanged; a changed copy is returned).
    yaml_path : pathlib.Path
        The YAML file (forecast paths are relative to its folder).
    line_of : callable, optional
        ``line_of(location) -> line`` in the YAML file, for errors about its keys.

    Returns
    -------
    Any
        The data with each forecast's channels filled in (the base's and every variant's).

    Raises
    ------
    ccsim.ScenarioError
        A forecast file's problems (source: the file), or a channel given both in the YAML and
        in its forecast (source: the YAML).
    """
    if not isinstance(data, dict):
        return data
    out = dict(data)
    problems: list[Problem] = []
    calendar = _calendar(data.get("calendar"))
    file = _file(data)
    if file is not None and calendar is not None:
        out["channels"] = _fill(
            data, file, yaml_path.parent, calendar, ("forecast", "file"), problems, line_of, replace=False
        )
    variants = data.get("variants")
    if isinstance(variants, dict):
        new_variants = dict(variants)
        for vname, variant in variants.items():
            overrides = variant.get("overrides") if isinstance(variant, dict) else None
            over_file = _file(overrides) if isinstance(overrides, dict) else None
            if not isinstance(overrides, dict) or over_file is None:
                continue
            merged = merge(data, overrides)
            cal = _calendar(merged.get("calendar"))
            if cal is None:
                continue
            loc = ("variants", vname, "overrides", "forecast", "file")
            filled = _fill(merged, over_file, yaml_path.parent, cal, loc, problems, line_of, replace=True)
            new_over = dict(overrides)
            new_over["channels"] = {
                name: merge(overrides.get("channels", {}).get(name) or {}, filled[name]) if name in filled else ch
                for name, ch in {**(overrides.get("channels") or {}), **filled}.items()
            }
            new_variants[vname] = {**variant, "overrides": new_over}
        out["variants"] = new_variants
    if problems:
        raise ScenarioError(str(yaml_path), problems)
    return out


def _file(data: dict) -> str | None:
    forecast = data.get("forecast")
    if isinstance(forecast, dict) and isinstance(forecast.get("file"), str) and forecast["file"]:
        return forecast["file"]
    return None  # absent, or malformed: the scenario's validation reports it


def _calendar(data: Any) -> Calendar | None:
    try:
        return Calendar.model_validate(data if data is not None else {})
    except ValueError:
        return None  # the scenario's validation reports it


def _fill(
    data: dict,
    file: str,
    base_dir: Path,
    calendar: Calendar,
    loc: tuple,
    problems: list[Problem],
    line_of: Any,
    *,
    replace: bool,
) -> dict:
    """The channels of ``data`` with the forecast's numbers (only changed channels when ``replace``)."""
    channels = data.get("channels")
    if not isinstance(channels, dict):
        channels = {}
    kinds = {name: ch.get("kind") if isinstance(ch, dict) else None for name, ch in channels.items()}
    path = base_dir / file
    try:
        forecast = read_forecast(path, calendar, kinds)
    except ScenarioError:
        raise
    except CcsimError as exc:  # the file cannot be read: named where the YAML names it
        problems.append(Problem(".".join(loc), str(exc), line_of(loc) if line_of else None))
        return {} if replace else dict(channels)
    out = {} if replace else dict(channels)
    for name, values in forecast.items():
        ch = dict(channels.get(name) or {})
        change: dict[str, Any] = {}
        volume = ch.get("volume")
        if not isinstance(volume, dict):
            volume = {}
        given = [k for k in _VOLUME_SOURCES if volume.get(k) is not None]
        if given and not replace:
            at: tuple[str, ...] = ("channels", name, "volume", given[0])
            problems.append(
                Problem(
                    ".".join(map(str, at)),
                    f"the forecast file {file} gives {name}'s volume too; give it in one place",
                    line_of(at) if line_of else None,
                )
            )
            continue
        change["volume"] = (
            {**dict.fromkeys(_VOLUME_KEYS), "per_interval": values["volume"]}
            if replace
            else {**volume, "per_interval": values["volume"]}
        )
        for column, (key, _rule, _upper) in _VALUES.items():
            if column == "volume" or column not in values:
                continue
            if ch.get(key) is not None and not replace:
                at = ("channels", name, key)
                problems.append(
                    Problem(
                        ".".join(at),
                        f"the forecast file {file} gives it too (column {column}); give it in one place",
                        line_of(at) if line_of else None,
                    )
                )
                continue
            change[key] = values[column]
        out[name] = change if replace else {**ch, **change}
    return out
