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
    if start_weekday is not None and start_weekday not in WEEKDAYS:
        raise CcsimError(f"start_weekday: must be one of {', '.join(WEEKDAYS)}, got {start_weekday!r}")
    layout = _layout(path, header, group)
    if not records:
        raise CcsimError(f"{path}: has a header but no intervals")
    reader = _Reader(path, header, layout)
    for line, row in records:
        reader.read(line, row)
    rows, problems = reader.rows, reader.problems
    if len(reader.kinds) > 1:
        raise CcsimError(f"{path}: column {layout.day}: give weekdays or dates, not both")
    problems += _repeats(path, rows)
    if problems:
        raise _problems(path, sorted(problems))
    order, labels, start_weekday = _days(path, reader, start_weekday)
    rows.sort(key=lambda r: (order[r[1]], r[2]))
    interval_min = _interval_length(path, rows, interval_min)
    problems += _gaps(path, rows, interval_min)
    if problems:
        raise _problems(path, sorted(problems))
    return Requirement(
        required=np.array([v for _, _, _, v in rows]),
        starts_min=np.array([order[d] * 1440 + s for _, d, s, _ in rows], dtype=np.int64),
        interval_min=int(interval_min),
        days=len(labels),
        start_weekday=start_weekday,
        day_labels=labels,
        lines=tuple(line for line, _, _, _ in rows),
        group=layout.group if layout.label else None,
        max_on_duty=None if layout.bound is None else np.array([reader.bounds[(d, s)] for _, d, s, _ in rows]),
    )


#: A row read: (line, day key, start in minutes of the day, agents required).
_Row = tuple[int, _DayKey, int, float]


@dataclass(frozen=True)
class _Layout:
    """Which columns of a requirements file hold what, as its header says."""

    need: str  # the agents required
    time: str  # each interval's start
    day: str | None  # each interval's day (None: one typical day)
    bound: str | None = None  # a plan.csv's GROUP_max_on_duty
    group: str | None = None  # a plan.csv's group
    label: bool = False  # a plan.csv: day and time share its label column ("day 1 08:00")


def _layout(path: Path, header: list[str], group: str | None) -> _Layout:
    """The file's layout: a ccsim plan plan.csv, a ccsim erlang result, or the plain columns."""
    planned = [c[: -len("_planned")] for c in header if c.endswith("_planned") and len(c) > len("_planned")]
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
        bound = f"{group}_max_on_duty" if f"{group}_max_on_duty" in header else None
        return _Layout(f"{group}_planned", "label", "label", bound, group, label=True)
    if "volume" in header and ("scheduled_agents" in header or "agents" in header):
        time_col = next((c for c in _TIME_COLUMNS if c in header), None)
        if time_col is None:
            raise CcsimError(
                f"{path}: a ccsim erlang result needs a column with each interval's start HH:MM "
                f"({', '.join(_TIME_COLUMNS)}), found columns {header}"
            )
        need = "scheduled_agents" if "scheduled_agents" in header else "agents"
        return _Layout(need, time_col, next((c for c in _DAY_COLUMNS if c in header), None))
    problems = []
    for j, name in enumerate(header):
        if name not in _PLAIN:
            close = difflib.get_close_matches(name, _PLAIN, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "the columns are day, start and required"
            problems.append((1, f"{path}, line 1, column {name or j + 1}: unknown column; {hint}"))
    if problems:
        raise _problems(path, problems)
    missing = [c for c in ("start", "required") if c not in header]
    if missing:
        raise CcsimError(
            f"{path}: needs the columns day, start and required (or the CSV ccsim erlang --csv ... --out "
            f"writes), missing {', '.join(missing)}"
        )
    return _Layout("required", "start", "day" if "day" in header else None)


class _Reader:
    """The rows of a requirements file, each cell checked, with the problems found."""

    def __init__(self, path: Path, header: list[str], layout: _Layout) -> None:
        self.path = path
        self.layout = layout
        self.col = {name: header.index(name) for name in {layout.need, layout.time, layout.day, layout.bound} if name}
        self.problems: list[tuple[int, str]] = []  # (line, message)
        self.rows: list[_Row] = []
        self.named: list[tuple[int, int, int, str]] = []  # a run day's weekday in its label: (line, day, weekday, text)
        self.bounds: dict[tuple[_DayKey, int], float] = {}  # (day, start): most agents on duty
        self.kinds: set[str] = set()  # of the days: "date", "run day", "weekday"

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, f"{self.path}, line {line}, {message}"))

    def cell(self, row: list[str], name: str) -> str:
        j = self.col[name]
        return row[j].strip() if j < len(row) else ""

    def time_text(self, row: list[str]) -> str:
        """The start's cell (a plan's label: its last word)."""
        text = self.cell(row, self.layout.time)
        return text.rpartition(" ")[2] if self.layout.label else text

    def day_text(self, row: list[str]) -> str:
        """The day's cell (a plan's label: all but its last word)."""
        assert self.layout.day is not None
        text = self.cell(row, self.layout.day)
        return text.rpartition(" ")[0] if self.layout.label else text

    def read(self, line: int, row: list[str]) -> None:
        """Read one row: its start, day, requirement and bound, each checked, kept if all are good."""
        start = self._start(line, row)
        day, day_ok = self._day(line, row, start is not None)
        value = self._required(line, row)
        most = self._most(line, row)
        if start is not None and day_ok and value is not None and most is not None:
            self.rows.append((line, day, start, value))
            self.bounds[(day, start)] = most

    def _start(self, line: int, row: list[str]) -> int | None:
        start = _time(self.time_text(row))
        if start is None:
            what = (
                "a day and a time of day, as day 1 08:00"
                if self.layout.label
                else "a time of day HH:MM (00:00 to 23:59)"
            )
            got = self.cell(row, self.layout.time)
            self.problem(line, f"column {self.layout.time}: must be {what}, got {got!r}")
        return start

    def _day(self, line: int, row: list[str], start_ok: bool) -> tuple[_DayKey, bool]:
        """The row's day key, and whether it is one (None, True without a day column)."""
        if self.layout.day is None:
            return None, True
        text = self.day_text(row)
        found = _day(text)
        if found is None:
            if start_ok or not self.layout.label:  # a plan's label: one problem per cell
                self.problem(
                    line,
                    f"column {self.layout.day}: must be a weekday (mon ... sun), a date YYYY-MM-DD or day N, got "
                    f"{text!r}",
                )
            return None, False
        kind, day = found
        self.kinds.add(kind)
        weekday = _run_weekday(text) if isinstance(day, tuple) else None
        if isinstance(day, tuple) and weekday is not None:
            self.named.append((line, day[1], weekday, text))
        return day, True

    def _required(self, line: int, row: list[str]) -> float | None:
        need = self.layout.need
        text = self.cell(row, need)
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            got = "an empty cell" if not text else repr(text)
            self.problem(line, f"column {need}: must be a number >= 0, got {got}")
            return None
        if value > MAX_REQUIRED:
            self.problem(
                line,
                f"column {need}: at most {MAX_REQUIRED:,} agents on duty in an interval (ccsim's limit for one "
                f"group), got {text!r}; check that it counts agents (not contacts or seconds), and schedule a "
                "larger desk group by group",
            )
            return None
        return value

    def _most(self, line: int, row: list[str]) -> float | None:
        """A plan's bound on agents on duty: inf where the cell is empty or there is none."""
        bound = self.layout.bound
        if bound is None or not self.cell(row, bound):
            return math.inf
        try:
            most = float(self.cell(row, bound))
        except ValueError:
            most = math.nan
        if math.isnan(most) or most < 0:
            self.problem(line, f"column {bound}: must be a number >= 0 or empty, got {self.cell(row, bound)!r}")
            return None
        return most


def _repeats(path: Path, rows: list[_Row]) -> list[tuple[int, str]]:
    """A problem for each interval given again after its first line."""
    problems = []
    seen: dict[tuple[_DayKey, int], int] = {}
    for line, day, start, _ in rows:
        first = seen.setdefault((day, start), line)
        if first != line:
            problems.append(
                (line, f"{path}, line {line}, interval {_where(day, start)} appears twice (first on line {first})")
            )
    return problems


def _days(path: Path, reader: _Reader, start_weekday: str | None) -> tuple[dict[_DayKey, int], tuple[str, ...], str]:
    """The days in order (day key: index), their labels and the first's weekday; no day may be missing."""
    if reader.kinds == {"date"}:
        return _dates(path, reader.rows)
    if reader.kinds == {"run day"}:
        return _run_days(path, reader, start_weekday)
    if reader.kinds == {"weekday"}:
        return _weekdays(path, reader.rows)
    return {None: 0}, ("day",), "mon"


def _dates(path: Path, rows: list[_Row]) -> tuple[dict[_DayKey, int], tuple[str, ...], str]:
    """Days given as dates: they must follow each other."""
    dates = sorted({d for _, d, _, _ in rows if isinstance(d, datetime.date)})  # every day is one
    for earlier, later in itertools.pairwise(dates):
        if (later - earlier).days != 1:
            one = datetime.timedelta(days=1)
            gap = f"{earlier + one}" if (later - earlier).days == 2 else f"{earlier + one} to {later - one}"
            raise CcsimError(f"{path}: no intervals on {gap}: the dates must follow each other")
    order: dict[_DayKey, int] = {d: i for i, d in enumerate(dates)}
    return order, tuple(d.isoformat() for d in dates), WEEKDAYS[dates[0].weekday()]


def _run_days(
    path: Path, reader: _Reader, start_weekday: str | None
) -> tuple[dict[_DayKey, int], tuple[str, ...], str]:
    """Days numbered from day 1 (a plan.csv): none missing, and the weekdays their labels name agree."""
    numbers = sorted({d[1] for _, d, _, _ in reader.rows if isinstance(d, tuple)})  # every day is one
    absent = sorted(set(range(numbers[-1] + 1)) - set(numbers))
    if absent:
        raise CcsimError(f"{path}: no intervals on day {absent[0] + 1}: the days must follow each other from day 1")
    if reader.named:  # "day 1 (tue)": the labels say which weekday day 1 is
        start_weekday = _named_start(path, reader, start_weekday)
    start_weekday = start_weekday or "mon"
    first_wd = WEEKDAYS.index(start_weekday)
    order: dict[_DayKey, int] = {("day", d): d for d in numbers}
    labels = tuple(
        WEEKDAYS[(first_wd + d) % 7] if len(numbers) <= 7 else f"day {d + 1} ({WEEKDAYS[(first_wd + d) % 7]})"
        for d in numbers
    )
    return order, labels, start_weekday


def _named_start(path: Path, reader: _Reader, start_weekday: str | None) -> str:
    """Day 1's weekday, as the labels name it (``day 3 (wed)``); they, and a start weekday given, must agree."""
    line0, day0, wd0, text0 = reader.named[0]
    first_wd = (wd0 - day0) % 7
    for line, d, wd, text in reader.named:
        if wd != (first_wd + d) % 7:
            raise CcsimError(
                f"{path}, line {line}, column {reader.layout.day}: day {d + 1} must be a "
                f"{WEEKDAYS[(first_wd + d) % 7]}, as line {line0} makes day {day0 + 1} a {WEEKDAYS[wd0]} (the days "
                f"follow each other), got {text!r}"
            )
    if start_weekday is not None and start_weekday != WEEKDAYS[first_wd]:
        raise CcsimError(
            f"{path}: its labels make day 1 a {WEEKDAYS[first_wd]} (line {line0}: {text0!r}), but the "
            f"start weekday given is {start_weekday}; leave it out, or give {WEEKDAYS[first_wd]}"
        )
    return WEEKDAYS[first_wd]


def _weekdays(path: Path, rows: list[_Row]) -> tuple[dict[_DayKey, int], tuple[str, ...], str]:
    """Days given as weekdays: they follow each other from the first row's."""
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
    order: dict[_DayKey, int] = {d: i for i, d in enumerate(span)}
    return order, tuple(WEEKDAYS[d] for d in span), WEEKDAYS[first]


def _interval_length(path: Path, rows: list[_Row], interval_min: int | None) -> int:
    """The interval length given, else the shortest step between starts of a day (rows in order)."""
    if interval_min is not None:
        return interval_min
    steps = [b[2] - a[2] for a, b in itertools.pairwise(rows) if a[1] == b[1]]
    if not steps:
        raise CcsimError(f"{path}: one interval per day: give the interval length (--interval-min)")
    interval_min = min(steps)
    if 1440 % interval_min:
        raise CcsimError(f"{path}: intervals of {interval_min} min do not divide a day")
    return interval_min


def _gaps(path: Path, rows: list[_Row], interval_min: int) -> list[tuple[int, str]]:
    """A problem for each interval not one interval after the previous one of its day (rows in order)."""
    problems = []
    for a, b in itertools.pairwise(rows):
        if a[1] == b[1] and b[2] - a[2] != interval_min:
            problems.append(
                (
                    b[0],
                    f"{path}, line {b[0]}, gap before {_where(b[1], b[2])}: the previous interval starts at "
                    f"{clock(a[2])} and the intervals are {interval_min} min (give every interval of a day, with "
                    "required 0 where none are needed)",
                )
            )
    return problems


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
