"""Requirements per interval from a CSV file, for :func:`ccsim.planning.schedule`.

Two layouts are read. The plain one has the columns ``day`` (``mon`` ... ``sun``, or a date
``YYYY-MM-DD``; optional: without it the file is one typical day), ``start`` (``HH:MM``) and
``required`` (agents needed on duty), and no other column. The other is the CSV that
``ccsim erlang --csv ... --out`` writes: its ``scheduled_agents`` column (agents with
shrinkage) is the requirement, its time column is ``start`` or ``interval_start`` (or
``time``), with an optional ``day`` or ``date`` column; its other columns are ignored.

The third is the ``plan.csv`` that ``ccsim plan --out`` writes: its ``label`` column
(``day 1 08:00``, ``mon 08:00`` or ``2024-05-06 08:00``) and a group's ``GROUP_planned``
column (agents on duty); with several groups, ``group`` chooses one. Its days are numbered,
with their weekday (``day 1 (tue) 08:00``; older files without it): ``start_weekday`` says
which weekday the first is (default: the labels' weekday, else Monday).

Each day's intervals must follow each other without a gap, and the days must follow each
other (consecutive weekdays or dates); every problem of the file is reported together, one
per line, as ``FILE, line N, column C: rule, got value`` (the first :data:`MAX_PROBLEMS`, then
how many more). A requirement above :data:`ccsim.planning.shifts.MAX_REQUIRED` agents in an
interval is refused the same way.
"""

from __future__ import annotations

import datetime
import difflib
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ccsim.errors import CcsimError
from ccsim.files import read_csv_records
from ccsim.planning.shifts import MAX_REQUIRED
from ccsim.scenario import WEEKDAYS, minutes_of_day
from ccsim.shift_types import clock

__all__ = ["MAX_PROBLEMS", "Requirement", "read_requirements_csv"]

#: Most problems of a file listed one by one; the rest are counted ("and N more").
MAX_PROBLEMS = 20

_PLAIN = ("day", "start", "required")
_TIME_COLUMNS = ("start", "interval_start", "time")
_DAY_COLUMNS = ("day", "date")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: A row's day, by the kind of the day column: a date, a run day ``("day", N)`` (0-based), a
#: weekday (0 = Monday), or None without a day column.
_DayKey = datetime.date | tuple[str, int] | int | None


@dataclass(frozen=True)
class Requirement:
    """Agents needed per interval, with where each interval sits in the week.

    Attributes
    ----------
    required : numpy.ndarray
        Agents needed on duty per interval, in time order.
    starts_min : numpy.ndarray
        Start of each interval in minutes after midnight of the first day.
    interval_min : int
        Interval length in minutes.
    days : int
        Days covered.
    start_weekday : str
        Weekday of the first day.
    day_labels : tuple of str
        The days as the file names them (weekdays or dates).
    lines : tuple of int
        The file line of each interval.
    group : str or None
        The agent group whose plan it is (a ccsim plan plan.csv), else None.
    max_on_duty : numpy.ndarray or None
        The most agents on duty per interval (a plan.csv's ``GROUP_max_on_duty``: 0 where the
        group cannot answer, ``inf`` where the cell is empty), else None.
    """

    required: np.ndarray
    starts_min: np.ndarray
    interval_min: int
    days: int
    start_weekday: str
    day_labels: tuple[str, ...]
    lines: tuple[int, ...]
    group: str | None = None
    max_on_duty: np.ndarray | None = None

    def schedule_arguments(self) -> dict[str, Any]:
        """Keyword arguments of :func:`ccsim.planning.schedule` for this requirement."""
        return {
            "required": self.required,
            "interval_min": self.interval_min,
            "starts_min": self.starts_min,
            "days": self.days,
            "start_weekday": self.start_weekday,
            "day_labels": self.day_labels,
        } | ({} if self.max_on_duty is None else {"max_on_duty": self.max_on_duty})


def _time(text: str) -> int | None:
    """Minutes after midnight of an interval's start, ``HH:MM`` or ``H:MM`` (None if it is none)."""
    try:
        minute = minutes_of_day(text.strip())
    except ValueError:
        return None
    return minute if minute < 1440 else None


def _day(text: str) -> tuple[str, _DayKey] | None:
    t = text.strip().lower()
    day, _, weekday = t.partition(" (")  # "day 3" or "day 3 (wed)", as ccsim plan labels intervals
    run_day = day.split()
    if len(run_day) == 2 and run_day[0] == "day" and run_day[1].isdigit() and int(run_day[1]) >= 1:
        if weekday and (not weekday.endswith(")") or weekday.removesuffix(")") not in WEEKDAYS):
            return None
        return "run day", ("day", int(run_day[1]) - 1)
    if t in WEEKDAYS:
        return "weekday", WEEKDAYS.index(t)
    if t in _FULL_DAYS:
        return "weekday", _FULL_DAYS.index(t)
    try:
        return "date", datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _run_weekday(text: str) -> int | None:
    """The weekday a run day's label names (``day 3 (wed)``: 2), or None (``day 3``)."""
    _, _, weekday = text.strip().lower().partition(" (")
    return WEEKDAYS.index(weekday.removesuffix(")")) if weekday else None


def read_requirements_csv(
    path: str | Path, *, interval_min: int | None = None, group: str | None = None, start_weekday: str | None = None
) -> Requirement:
    """Read the requirement per interval of a CSV file (see the module's description).

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file.
    interval_min : int, optional
        Interval length in minutes (default: the step between the file's consecutive starts).
    group : str, optional
        The agent group whose plan a ``ccsim plan`` plan.csv gives (needed when it holds several).
    start_weekday : str, optional
        Weekday of the first day of a file whose days are numbered (a plan.csv's ``day 1``).
        Default: the weekday its labels name (``day 1 (tue) 08:00``), else Monday; given, it
        must agree with them.

    Returns
    -------
    Requirement

    Raises
    ------
    ccsim.CcsimError
        Every problem of the file, one per line, naming the file, line and column.
    """
    path = Path(path)
    header, records = read_csv_records(path)
    header = [c.strip() for c in header]
    problems: list[tuple[int, str]] = []

    def problem(line: int, message: str) -> None:
        problems.append((line, f"{path}, line {line}, {message}"))

    bound_col = None
    dcol: str | None
    if start_weekday is not None and start_weekday not in WEEKDAYS:
        raise CcsimError(f"start_weekday: must be one of {', '.join(WEEKDAYS)}, got {start_weekday!r}")
    planned = [c[: -len("_planned")] for c in header if c.endswith("_planned") and len(c) > len("_planned")]
    split_label = False
    if "label" in header and planned:  # the plan.csv of ccsim plan
        if group is None:
            if len(planned) > 1:
                raise CcsimError(
                    f"{path}: holds the plans of {len(planned)} agent groups ({', '.join(planned)}): choose one "
                    "(--group)"
                )
            group = planned[0]
        if group not in planned:
            close = difflib.get_close_matches(group, planned, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"its groups: {', '.join(planned)}"
            raise CcsimError(f"{path}: no column {group}_planned: the file plans no group {group!r}; {hint}")
        need, tcol, dcol = f"{group}_planned", "label", "label"
        split_label = True
        bound_col = f"{group}_max_on_duty" if f"{group}_max_on_duty" in header else None
    elif "volume" in header and ("scheduled_agents" in header or "agents" in header):
        need = "scheduled_agents" if "scheduled_agents" in header else "agents"
        time_col = next((c for c in _TIME_COLUMNS if c in header), None)
        if time_col is None:
            raise CcsimError(
                f"{path}: a ccsim erlang result needs a column with each interval's start HH:MM "
                f"({', '.join(_TIME_COLUMNS)}), found columns {header}"
            )
        tcol = time_col
        dcol = next((c for c in _DAY_COLUMNS if c in header), None)
    else:
        for j, name in enumerate(header):
            if name not in _PLAIN:
                close = difflib.get_close_matches(name, _PLAIN, n=1)
                hint = f"did you mean {close[0]!r}?" if close else "the columns are day, start and required"
                problem(1, f"column {name or j + 1}: unknown column; {hint}")
        missing = [c for c in ("start", "required") if c not in header]
        if missing and not problems:
            raise CcsimError(
                f"{path}: needs the columns day, start and required (or the CSV ccsim erlang --csv ... --out "
                f"writes), missing {', '.join(missing)}"
            )
        need, tcol, dcol = "required", "start", "day" if "day" in header else None
    if problems:
        raise _problems(path, problems)
    if not records:
        raise CcsimError(f"{path}: has a header but no intervals")
    col = {name: header.index(name) for name in {need, tcol, dcol, bound_col} if name}

    def cell(row: list[str], name: str) -> str:
        j = col[name]
        text = row[j].strip() if j < len(row) else ""
        if split_label and name == "label":  # "day 1 08:00": the time is the last word, the day the rest
            day, _, time = text.rpartition(" ")
            return time if want_time else day
        return text

    rows: list[tuple[int, _DayKey, int, float]] = []  # (line, day key, minute, required)
    named: list[tuple[int, int, int, str]] = []  # a run day's weekday in its label: (line, day, weekday, text)
    bounds: dict[tuple[_DayKey, int], float] = {}
    kinds: set[str] = set()
    for line, row in records:
        ok = True
        want_time = True
        start = _time(cell(row, tcol))
        if start is None:
            got = row[col[tcol]].strip() if split_label and col[tcol] < len(row) else cell(row, tcol)
            what = "a day and a time of day, as day 1 08:00" if split_label else "a time of day HH:MM (00:00 to 23:59)"
            problem(line, f"column {tcol}: must be {what}, got {got!r}")
            ok = False
        day: _DayKey = None
        if dcol is not None:
            want_time = False
            found = _day(cell(row, dcol))
            if found is None:
                if ok or not split_label:  # a plan's label: one problem per cell
                    problem(
                        line,
                        f"column {dcol}: must be a weekday (mon ... sun), a date YYYY-MM-DD or day N, got "
                        f"{cell(row, dcol)!r}",
                    )
                ok = False
            else:
                kind, day = found
                kinds.add(kind)
                weekday = _run_weekday(cell(row, dcol)) if isinstance(day, tuple) else None
                if isinstance(day, tuple) and weekday is not None:
                    named.append((line, day[1], weekday, cell(row, dcol)))
        text = cell(row, need)
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            got = "an empty cell" if not text else repr(text)
            problem(line, f"column {need}: must be a number >= 0, got {got}")
            ok = False
        elif value > MAX_REQUIRED:
            problem(
                line,
                f"column {need}: at most {MAX_REQUIRED:,} agents on duty in an interval (ccsim's limit for one "
                f"group), got {text!r}; check that it counts agents (not contacts or seconds), and schedule a "
                "larger desk group by group",
            )
            ok = False
        most = math.inf
        if bound_col is not None and cell(row, bound_col):
            try:
                most = float(cell(row, bound_col))
            except ValueError:
                most = math.nan
            if math.isnan(most) or most < 0:
                problem(line, f"column {bound_col}: must be a number >= 0 or empty, got {cell(row, bound_col)!r}")
                ok = False
        if ok and start is not None:  # start is None only where ok is False
            rows.append((line, day, start, value))
            bounds[(day, start)] = most
    if len(kinds) > 1:
        raise CcsimError(f"{path}: column {dcol}: give weekdays or dates, not both")
    seen: dict[tuple[_DayKey, int], int] = {}
    for line, day, start, _ in rows:
        first = seen.setdefault((day, start), line)
        if first != line:
            problem(line, f"interval {_where(day, start)} appears twice (first on line {first})")
    if problems:
        raise _problems(path, sorted(problems))

    # the days, in order, without a missing one
    order: dict[_DayKey, int]
    labels: tuple[str, ...]
    if kinds == {"date"}:
        dates = sorted({d for _, d, _, _ in rows if isinstance(d, datetime.date)})  # every day is one
        order = {d: i for i, d in enumerate(dates)}
        for earlier, later in itertools.pairwise(dates):
            if (later - earlier).days != 1:
                one = datetime.timedelta(days=1)
                gap = f"{earlier + one}" if (later - earlier).days == 2 else f"{earlier + one} to {later - one}"
                raise CcsimError(f"{path}: no intervals on {gap}: the dates must follow each other")
        labels = tuple(d.isoformat() for d in dates)
        start_weekday = WEEKDAYS[dates[0].weekday()]
    elif kinds == {"run day"}:
        numbers = sorted({d[1] for _, d, _, _ in rows if isinstance(d, tuple)})  # every day is one
        absent = sorted(set(range(numbers[-1] + 1)) - set(numbers))
        if absent:
            raise CcsimError(f"{path}: no intervals on day {absent[0] + 1}: the days must follow each other from day 1")
        if named:  # "day 1 (tue)": the labels say which weekday day 1 is
            line0, day0, wd0, _ = named[0]
            first_wd = (wd0 - day0) % 7
            for line, d, wd, text in named:
                if wd != (first_wd + d) % 7:
                    raise CcsimError(
                        f"{path}, line {line}, column {dcol}: day {d + 1} must be a {WEEKDAYS[(first_wd + d) % 7]}, "
                        f"as line {line0} makes day {day0 + 1} a {WEEKDAYS[wd0]} (the days follow each other), "
                        f"got {text!r}"
                    )
            if start_weekday is not None and start_weekday != WEEKDAYS[first_wd]:
                raise CcsimError(
                    f"{path}: its labels make day 1 a {WEEKDAYS[first_wd]} (line {line0}: {named[0][3]!r}), but the "
                    f"start weekday given is {start_weekday}; leave it out, or give {WEEKDAYS[first_wd]}"
                )
            start_weekday = WEEKDAYS[first_wd]
        start_weekday = start_weekday or "mon"
        first_wd = WEEKDAYS.index(start_weekday)
        order = {("day", d): d for d in numbers}
        labels = tuple(
            WEEKDAYS[(first_wd + d) % 7] if len(numbers) <= 7 else f"day {d + 1} ({WEEKDAYS[(first_wd + d) % 7]})"
            for d in numbers
        )
    elif kinds == {"weekday"}:
        firsts: list[int] = []
        for _, key, _, _ in rows:
            if isinstance(key, int) and key not in firsts:  # every day is a weekday number
                firsts.append(key)
        present = set(firsts)
        first = firsts[0]
        span = [(first + i) % 7 for i in range(len(present))]
        if set(span) != present:
            absent_day = next(WEEKDAYS[(first + i) % 7] for i in range(7) if (first + i) % 7 not in present)
            raise CcsimError(
                f"{path}: no intervals on {absent_day}: the weekdays must follow each other from {WEEKDAYS[first]}"
            )
        order = {d: i for i, d in enumerate(span)}
        labels = tuple(WEEKDAYS[d] for d in span)
        start_weekday = WEEKDAYS[first]
    else:
        order, labels, start_weekday = {None: 0}, ("day",), "mon"
    rows.sort(key=lambda r: (order[r[1]], r[2]))

    # the interval length, and no gap inside a day
    steps = [b[2] - a[2] for a, b in itertools.pairwise(rows) if a[1] == b[1]]
    if interval_min is None:
        if not steps:
            raise CcsimError(f"{path}: one interval per day: give the interval length (--interval-min)")
        interval_min = min(steps)
        if 1440 % interval_min:
            raise CcsimError(f"{path}: intervals of {interval_min} min do not divide a day")
    for a, b in itertools.pairwise(rows):
        if a[1] == b[1] and b[2] - a[2] != interval_min:
            problem(
                b[0],
                f"gap before {_where(b[1], b[2])}: the previous interval starts at {clock(a[2])} and the "
                f"intervals are {interval_min} min (give every interval of a day, with required 0 where none are "
                "needed)",
            )
    starts = np.array([order[d] * 1440 + s for _, d, s, _ in rows], dtype=np.int64)
    if problems:
        raise _problems(path, sorted(problems))
    return Requirement(
        required=np.array([v for _, _, _, v in rows]),
        starts_min=starts,
        interval_min=int(interval_min),
        days=len(labels),
        start_weekday=start_weekday,
        day_labels=labels,
        lines=tuple(line for line, _, _, _ in rows),
        group=group if split_label else None,
        max_on_duty=None if bound_col is None else np.array([bounds[(d, s)] for _, d, s, _ in rows]),
    )


def _problems(path: Path, problems: list[tuple[int, str]]) -> CcsimError:
    """One error listing the file's problems, one a line, the first :data:`MAX_PROBLEMS` of them."""
    lines = [m for _, m in problems[:MAX_PROBLEMS]]
    more = len(problems) - MAX_PROBLEMS
    if more > 0:
        lines.append(f"{path}: and {more} more problem{'s' if more > 1 else ''}")
    return CcsimError("\n".join(lines))


def _where(day: _DayKey, start: int) -> str:
    return f"{_label(day)} {clock(start)}".strip()


def _label(day: _DayKey) -> str:
    if isinstance(day, datetime.date):
        return day.isoformat()
    if isinstance(day, tuple):
        return f"day {day[1] + 1}"
    return "" if day is None else WEEKDAYS[day]
