"""Contact logs: read one or more CSV exports into arrays, clean them, and say what was dropped.

:func:`read_logs` reads each file (plain or gzip) with the :mod:`csv` module in chunks, turns
each column into a numpy array (:mod:`ccsim.fit.times` for the times) and cleans the rows.
Nothing is dropped silently: every dropped row is counted by reason, with the file, line,
column and value of the first one (:class:`Cleaning`). The rules:

- a row with another number of cells than the header: ``unreadable row``;
- a time that does not read with the mapping's format: ``unparseable time``;
- an answered contact without a wait or a handle time, an abandoned one without a wait, or
  any negative one: ``missing or negative duration``;
- an outcome value the mapping does not list: ``unmapped outcome``;
- a contact id seen before (in any file): ``duplicate contact id`` (the first row is kept);
- an outcome mapped to ``drop`` or a queue in ``channels.drop``: ``dropped by the mapping``.

Contacts that hung up before reaching the queue (outcome ``before_queue``) and contacts
resolved by self-service (``contained``) are kept, apart from the queue's answered and
abandoned contacts. A contact belongs to the day it arrived, even when its service runs past
midnight.

Days: every date between the first and the last arrival counts (a date without contacts is
a day with none). A weekday is **open** when its median daily volume is above zero (contacts
on at least half of its dates). An open weekday's date whose volume is below
:data:`LOW_DAY_SHARE` (50 %) of that weekday's median is an exceptional day (a holiday, an
outage, a log starting mid-day); so is a date with contacts on a closed weekday. Exceptional
days are listed and left out unless ``keep_all_days``. The **opening hours** of each open
weekday run from its first to its last open interval: an interval in which contacts that an
agent answered arrived on at least a quarter of the weekday's dates with an answered contact
(:data:`OPEN_INTERVAL_SHARE`), and on two of them at least (or on the only one). Answered
contacts, because a self-service unit or an IVR takes calls around the clock while the desk is
open only when agents answer (every arrival counts when the log has no answered contact); a
quarter of the dates, so that a stray early or late call (a test call, an agent in early)
opens nothing. An open weekday with an answered contact on fewer than half of its used dates,
or without an open interval, is closed after all (its contacts, say an IVR's at night, are
counted outside the hours). Arrivals outside the hours are counted.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from ccsim.errors import CcsimError
from ccsim.fields import WEEKDAYS
from ccsim.fit.mapping import Mapping, guess_kind
from ccsim.fit.times import DAY_S, parse_clock, parse_dates, parse_datetimes

__all__ = [
    "LOW_DAY_SHARE",
    "OPEN_INTERVAL_SHARE",
    "OUTCOME_CODES",
    "Cleaning",
    "ContactLog",
    "Dropped",
    "ExcludedDay",
    "read_logs",
]

#: What the ``outcome`` codes of a :class:`ContactLog` mean (its index).
OUTCOME_CODES = ("answered", "abandoned", "before_queue", "contained")
ANSWERED, ABANDONED, BEFORE_QUEUE, CONTAINED = range(4)
_DROP = 9
#: A date with less than this share of its weekday's median volume is exceptional (left out).
LOW_DAY_SHARE = 0.5
#: An interval is open on a weekday when contacts arrive in it on at least this share of its dates.
OPEN_INTERVAL_SHARE = 0.25
_CHUNK = 50_000
_EPOCH_DATE = date(1970, 1, 1)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_REASONS = (
    "unreadable row",
    "unparseable time",
    "missing or negative duration",
    "unmapped outcome",
    "duplicate contact id",
    "dropped by the mapping",
)


@dataclass(frozen=True)
class Dropped:
    """Rows dropped for one reason: how many, and where the first one is."""

    reason: str
    count: int
    file: str
    line: int
    column: str
    value: str

    def __str__(self) -> str:
        return (
            f"{self.reason}: {self.count:,} row{'s' if self.count != 1 else ''} "
            f"(first: {self.file}, line {self.line}, column {self.column}, got {self.value!r})"
        )


@dataclass(frozen=True)
class ExcludedDay:
    """An exceptional date: its volume against its weekday's median."""

    date: date
    weekday: str
    contacts: int
    weekday_median: float
    why: str


@dataclass(frozen=True)
class Cleaning:
    """What reading and cleaning did: rows read, kept and dropped, days left out, hours found."""

    files: tuple[str, ...]
    rows_read: int
    rows_kept: int
    dropped: tuple[Dropped, ...]
    outcomes: dict[str, int]
    past_midnight: int
    excluded_days: tuple[ExcludedDay, ...]
    kept_all_days: bool
    open_weekdays: tuple[str, ...]
    opening_hours: dict[str, tuple[float, float]]
    outside_hours: int
    first_date: date
    last_date: date
    notes: tuple[str, ...] = ()

    @property
    def rows_dropped(self) -> int:
        """Rows dropped for any reason."""
        return sum(d.count for d in self.dropped)

    def dropped_count(self, reason: str) -> int:
        """Rows dropped for ``reason`` (one of the reasons in the module's docstring)."""
        return next((d.count for d in self.dropped if d.reason == reason), 0)


@dataclass(frozen=True, eq=False)
class ContactLog:
    """Cleaned contacts as column arrays, one entry per contact (row).

    Times are seconds; ``arrival_s`` counts from midnight of the log's first date (day 0).
    ``wait_s`` is the time in the queue until answered or abandoned (``nan`` for contacts
    that never queued); ``handle_s`` the agent's handle time (``nan`` unless answered).
    Codes index the name tuples (``-1``: none).
    """

    channels: tuple[str, ...]
    kinds: tuple[str, ...]
    answer_within_s: tuple[float, ...]
    channel: np.ndarray
    arrival_s: np.ndarray
    day: np.ndarray
    wait_s: np.ndarray
    handle_s: np.ndarray
    outcome: np.ndarray
    agent: np.ndarray
    agents: tuple[str, ...]
    group: np.ndarray
    groups: tuple[str, ...]
    customer: np.ndarray
    self_service_s: np.ndarray
    interval_min: int
    day_weekday: np.ndarray
    days_used: np.ndarray
    first_date: date
    cleaning: Cleaning
    redial_window_s: float = 86400.0
    has_customer: bool = False
    has_agent: bool = False

    def __len__(self) -> int:
        return len(self.arrival_s)

    @property
    def weekday(self) -> np.ndarray:
        """Weekday of each contact's day (0 Monday ... 6 Sunday)."""
        return self.day_weekday[self.day]

    @property
    def interval_s(self) -> float:
        """Interval length in seconds."""
        return self.interval_min * 60.0

    @property
    def intervals_per_day(self) -> int:
        """Intervals in 24 hours."""
        return int(1440 // self.interval_min)

    def date_of(self, day: int) -> date:
        """The date of a day index."""
        return self.first_date + timedelta(days=int(day))


class _Tally:
    """Dropped rows by reason, with the first of each."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.first: dict[str, tuple[str, int, str, str]] = {}

    def add(self, reason: str, file: str, lines: np.ndarray, column: str, values: list[str]) -> None:
        if len(lines) == 0:
            return
        self.counts[reason] = self.counts.get(reason, 0) + len(lines)
        self.first.setdefault(reason, (file, int(lines[0]), column, values[0]))

    def result(self) -> tuple[Dropped, ...]:
        return tuple(Dropped(r, self.counts[r], *self.first[r]) for r in _REASONS if r in self.counts)


def _open_text(path: Path, encoding: str):
    try:
        if path.is_dir():
            raise CcsimError(f"{path}: is a directory, expected a CSV contact log")
        raw = path.open("rb")
    except FileNotFoundError:
        raise CcsimError(f"{path}: no such file") from None
    except PermissionError:
        raise CcsimError(f"{path}: permission denied") from None
    magic = raw.read(2)
    raw.seek(0)
    stream = gzip.GzipFile(fileobj=raw) if magic == b"\x1f\x8b" else raw
    enc = "utf-8-sig" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else encoding
    return io.TextIOWrapper(stream, encoding=enc, newline="")


def _safe_name(value: str) -> str:
    if _NAME.match(value):
        return value[:64]
    cleaned = re.sub(r"[^A-Za-z0-9_\-]+", "_", value).strip("_")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = "q_" + cleaned
    return cleaned[:64]


class _Chunk:
    """One chunk's readable rows as columns, and which of them are still kept (the others counted)."""

    def __init__(
        self, good: list[list[str]], lines: np.ndarray, cols: dict[str, int], file: str, m: Mapping, tally: _Tally
    ) -> None:
        self.table = list(zip(*good, strict=True))
        self.lines = lines
        self.cols = cols
        self.file = file
        self.m = m
        self.tally = tally
        self.n = len(good)
        self.ok = np.ones(self.n, dtype=bool)

    def col(self, key: str) -> tuple[str, ...]:
        """The cells of a column the log has (``key in cols``: the mapping and _columns see to it)."""
        return self.table[self.cols[key]]

    def drop(self, mask: np.ndarray, reason: str, column_key: str, values: list[str] | None) -> None:
        """Drop the rows of ``mask`` still kept, counted under ``reason`` with the first one's value."""
        bad = mask & self.ok
        if bad.any():
            idx = np.flatnonzero(bad)
            name = getattr(self.m.columns, column_key, None) or column_key
            self.tally.add(reason, self.file, self.lines[idx], name, [values[idx[0]] if values else ""])
            self.ok[bad] = False


class _Reader:
    """Reads files chunk by chunk into lists of arrays."""

    def __init__(self, mapping: Mapping, strict_columns: bool) -> None:
        self.m = mapping
        self.strict = strict_columns
        self.tally = _Tally()
        self.parts: dict[str, list[np.ndarray]] = {}
        self.channel_codes: dict[str, int] = {}
        self.channel_of: dict[str, int] = {}  # log value -> channel code (or -1: dropped)
        self.agent_codes: dict[str, int] = {}
        self.group_codes: dict[str, int] = {}
        self.customer_codes: dict[str, int] = {}
        self.seen_ids: set[str] = set()
        self.rows_read = 0
        self.past_midnight = 0
        self.notes: list[str] = []
        self.columns_seen: set[str] = set()
        self.renamed: dict[str, str] = {}

    def read(self, path: Path) -> None:
        file = str(path)
        try:
            with _open_text(path, self.m.encoding) as fh:
                reader = csv.reader(fh, delimiter=self.m.delimiter)
                header = next(reader, None)
                if not header or not any(c.strip() for c in header):
                    raise CcsimError(f"{file}: empty file: expected a header line naming the columns")
                cols = self._columns([c.strip() for c in header], file)
                rows: list[list[str]] = []
                lines: list[int] = []
                for row in reader:
                    rows.append(row)
                    lines.append(reader.line_num)
                    if len(rows) >= _CHUNK:
                        self._chunk(rows, lines, cols, len(header), file)
                        rows, lines = [], []
                if rows:
                    self._chunk(rows, lines, cols, len(header), file)
        except UnicodeDecodeError as exc:
            raise CcsimError(
                f"{file}: not a {self.m.encoding} text file ({exc.reason} at byte {exc.start}); "
                "set encoding: in the mapping file (cp932, shift_jis, latin-1, ...)"
            ) from None
        except (gzip.BadGzipFile, EOFError, OSError) as exc:
            raise CcsimError(f"{file}: not a readable gzip or text file ({exc})") from None
        except csv.Error as exc:
            raise CcsimError(f"{file}: not a readable CSV file ({exc})") from None

    def _columns(self, header: list[str], file: str) -> dict[str, int]:
        wanted = self.m.columns.used()
        required = {"channel", "arrival", "outcome", "answer", "wait_s", "end", "handle_s", "date"}
        out = {}
        for key, name in wanted.items():
            if name in header:
                out[key] = header.index(name)
                continue
            if key in required or self.strict:
                close = difflib.get_close_matches(name, header, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; the header has {', '.join(header[:15])}"
                raise CcsimError(
                    f"{file}: column {name!r} (columns.{key} in the mapping) must be in the log's header, "
                    f"got no such column{hint}"
                )
            self.notes.append(f"{file}: no column {name!r}: {key} not read")
        self.columns_seen.update(out)
        return out

    def _chunk(self, rows: list[list[str]], lines_list: list[int], cols: dict[str, int], width: int, file: str) -> None:
        """Read one chunk of rows: keep the readable ones, read their columns, drop the bad rows, store the rest."""
        chunk = self._readable(rows, lines_list, cols, width, file)
        if chunk is None:
            return
        ch, out = self._channels_and_outcomes(chunk)
        arrival, answer_t, end_t = self._times(chunk, out)
        selfs, wait, handle = self._durations(chunk, out, arrival, answer_t, end_t)
        self._drop_duplicates(chunk)
        self._store(chunk, ch, out, arrival, selfs, wait, handle)

    def _readable(
        self, rows: list[list[str]], lines_list: list[int], cols: dict[str, int], width: int, file: str
    ) -> _Chunk | None:
        """Count the rows read, drop those with another number of cells than the header; None: none left."""
        lines = np.asarray(lines_list, dtype=np.int64)
        self.rows_read += sum(1 for r in rows if any(c.strip() for c in r))
        blank = np.array([not any(c.strip() for c in r) for r in rows], dtype=bool)
        wrong = np.array([len(r) != width for r in rows], dtype=bool) & ~blank
        if wrong.any():
            idx = np.flatnonzero(wrong)
            self.tally.add(
                "unreadable row",
                file,
                lines[idx],
                "(row)",
                [f"{len(rows[idx[0]])} cells, the header has {width} (a comma inside a value needs quotes)"],
            )
        keep = ~(wrong | blank)
        good = [r for r, k in zip(rows, keep, strict=True) if k]
        if not good:
            return None
        return _Chunk(good, lines[keep], cols, file, self.m, self.tally)

    def _channels_and_outcomes(self, c: _Chunk) -> tuple[np.ndarray, np.ndarray]:
        """Each row's channel code and outcome code; rows dropped by the mapping or unmapped go."""
        raw_ch = c.col("channel")
        ch = np.empty(c.n, dtype=np.int32)
        for i, value in enumerate(raw_ch):
            code = self.channel_of.get(value)
            if code is None:
                code = self._channel_code(value)
            ch[i] = code
        c.drop(ch < 0, "dropped by the mapping", "channel", list(raw_ch))
        raw_out = c.col("outcome")
        lookup = {
            k.strip().lower(): OUTCOME_CODES.index(v) if v != "drop" else _DROP for k, v in self.m.outcomes.items()
        }
        out = np.array([lookup.get(v.strip().lower(), -1) for v in raw_out], dtype=np.int16)
        c.drop(out < 0, "unmapped outcome", "outcome", list(raw_out))
        c.drop(out == _DROP, "dropped by the mapping", "outcome", list(raw_out))
        return ch, out

    def _times(self, c: _Chunk, out: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Arrival, answer and end times in seconds (None: a column the log lacks); unparseable rows go."""
        m = self.m
        fmt = m.time_format
        d = None
        if m.columns.date is not None:  # a date column, and clock times of day
            d, bad = parse_dates(list(c.col("date")), m.date_format)
            c.drop(bad | np.isnan(d), "unparseable time", "date", list(c.col("date")))

        def when(key: str) -> tuple[np.ndarray, np.ndarray]:
            return parse_clock(list(c.col(key)), fmt) if d is not None else parse_datetimes(list(c.col(key)), fmt)

        arrival, bad = when("arrival")
        c.drop(bad | np.isnan(arrival), "unparseable time", "arrival", list(c.col("arrival")))
        if d is not None:
            arrival = d + arrival
        answered = out == ANSWERED
        queued = answered | (out == ABANDONED)
        answer_t = end_t = None
        if "answer" in c.cols:
            answer_t, bad = when("answer")
            c.drop(bad & answered, "unparseable time", "answer", list(c.col("answer")))
            if d is not None:
                answer_t = _after(d + answer_t, arrival)
        if "end" in c.cols:
            end_t, bad = when("end")
            c.drop(bad & queued, "unparseable time", "end", list(c.col("end")))
            if d is not None:
                ref = arrival if answer_t is None else np.where(np.isnan(answer_t), arrival, answer_t)
                end_t = _after(d + end_t, ref)
        return arrival, answer_t, end_t

    def _durations(
        self, c: _Chunk, out: np.ndarray, arrival: np.ndarray, answer_t: np.ndarray | None, end_t: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Self-service, wait and handle seconds (given, or from the times); missing or negative ones go."""
        answered = out == ANSWERED
        queued = answered | (out == ABANDONED)
        selfs = np.full(c.n, np.nan)
        if "self_service_s" in c.cols:
            selfs = _numbers(c.col("self_service_s"))
        base = arrival + np.nan_to_num(selfs)  # when the contact reached the queue
        if "wait_s" in c.cols:
            wait = _numbers(c.col("wait_s"))
            wait_col, wait_cells = "wait_s", list(c.col("wait_s"))
        else:
            assert answer_t is not None and end_t is not None  # without wait_s the mapping needs answer and end
            wait = np.where(answered, answer_t - base, end_t - base)
            wait_col = "answer"
            wait_cells = [a if o == ANSWERED else e for a, e, o in zip(c.col("answer"), c.col("end"), out, strict=True)]
        if "handle_s" in c.cols:
            handle = _numbers(c.col("handle_s"))
            handle_col, handle_cells = "handle_s", list(c.col("handle_s"))
        else:
            assert end_t is not None  # without handle_s the mapping needs end
            start = answer_t if answer_t is not None else base + wait
            handle = end_t - start
            handle_col, handle_cells = "end", list(c.col("end"))
        wait = np.where(np.abs(wait) < 1e-3, 0.0, wait)
        handle = np.where(np.abs(handle) < 1e-3, 0.0, handle)
        c.drop(queued & ~(wait >= 0), "missing or negative duration", wait_col, wait_cells)
        c.drop(answered & ~(handle >= 0), "missing or negative duration", handle_col, handle_cells)
        return selfs, np.where(queued, wait, np.nan), np.where(answered, handle, np.nan)

    def _drop_duplicates(self, c: _Chunk) -> None:
        """Drop a row whose contact id was seen before (in any file): the first row of an id is kept."""
        if "contact_id" not in c.cols:
            return
        ids = c.col("contact_id")
        dup = np.zeros(c.n, dtype=bool)
        seen = self.seen_ids
        for k in np.flatnonzero(c.ok):
            cid = ids[k]
            if cid in seen:
                dup[k] = True
            else:
                seen.add(cid)
        c.drop(dup, "duplicate contact id", "contact_id", list(ids))

    def _store(
        self,
        c: _Chunk,
        ch: np.ndarray,
        out: np.ndarray,
        arrival: np.ndarray,
        selfs: np.ndarray,
        wait: np.ndarray,
        handle: np.ndarray,
    ) -> None:
        """Keep the rows left: their columns as arrays, agents, groups and customers as codes."""
        keep = np.flatnonzero(c.ok)
        starts = arrival[keep]
        ends = arrival + np.nan_to_num(wait) + np.nan_to_num(handle)
        self.past_midnight += int(np.sum(np.floor(ends[keep] / DAY_S) > np.floor(starts / DAY_S)))
        self._put("channel", ch[keep].astype(np.int16))
        self._put("arrival", starts)
        self._put("wait", wait[keep])
        self._put("handle", handle[keep])
        self._put("outcome", out[keep].astype(np.int8))
        self._put("self", selfs[keep])
        for key, codes in (
            ("agent", self.agent_codes),
            ("group", self.group_codes),
            ("customer_id", self.customer_codes),
        ):
            values = c.col(key) if key in c.cols else None
            if values is None:
                self._put(key, np.full(len(keep), -1, dtype=np.int32 if key != "customer_id" else np.int64))
                continue
            arr = np.fromiter(
                (codes.setdefault(v, len(codes)) if v.strip() else -1 for v in (values[i] for i in keep)),
                dtype=np.int64,
                count=len(keep),
            )
            self._put(key, arr if key == "customer_id" else arr.astype(np.int32))

    def _channel_code(self, value: str) -> int:
        m = self.m
        stripped = value.strip()
        if stripped in m.channels.drop or not stripped:
            code = -1
        else:
            name = m.channels.rename.get(stripped) or _safe_name(stripped)
            if name != stripped and stripped not in m.channels.rename:
                self.renamed[stripped] = name
            code = self.channel_codes.setdefault(name, len(self.channel_codes))
        self.channel_of[value] = code
        return code

    def _put(self, key: str, arr: np.ndarray) -> None:
        self.parts.setdefault(key, []).append(arr)

    def array(self, key: str, dtype) -> np.ndarray:
        got = self.parts.get(key)
        return np.concatenate(got) if got else np.zeros(0, dtype=dtype)


def _numbers(values: tuple[str, ...] | list[str]) -> np.ndarray:
    try:
        return np.array([v if v.strip() else "nan" for v in values], dtype=float)
    except ValueError:
        out = np.full(len(values), np.nan)
        for i, v in enumerate(values):
            try:
                out[i] = float(v)
            except ValueError:
                pass
        return out


def _empty(values) -> np.ndarray:
    return np.array([not v.strip() for v in values], dtype=bool)


def _after(t: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Clock times on the reference's date, moved to the next day when earlier (past midnight)."""
    return np.where(t < ref - 1e-6, t + DAY_S, t)


def read_logs(
    paths: str | Path | list[str | Path] | tuple[str | Path, ...],
    mapping: Mapping | None = None,
    *,
    interval_min: int = 30,
    keep_all_days: bool = False,
) -> ContactLog:
    """Read and clean contact logs.

    Parameters
    ----------
    paths : path or list of paths
        CSV files (plain or gzip, found by content), read in order: a contact id repeated in a
        later file is a duplicate.
    mapping : Mapping, optional
        The log's layout; default: the columns of ``ccsim run --contacts``
        (:data:`ccsim.fit.mapping.DEFAULT_COLUMNS`; optional columns may then be missing).
    interval_min : {15, 30, 60}, default 30
        Interval length, for the opening hours.
    keep_all_days : bool, default False
        Keep exceptional days (holidays, outages) instead of leaving them out.

    Returns
    -------
    ContactLog
        The contacts kept, with the :class:`Cleaning` report.

    Raises
    ------
    ccsim.CcsimError
        One line naming the file, the column, the rule and the value: a file that cannot be
        read, a column of the mapping not in the header, or a log without a usable contact.
    """
    if interval_min not in (15, 30, 60):
        raise CcsimError(f"interval_min: must be 15, 30 or 60, got {interval_min!r}")
    strict = mapping is not None
    mapping = mapping if mapping is not None else Mapping()
    files = [Path(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]
    if not files:
        raise CcsimError("no contact log given")
    reader = _Reader(mapping, strict)
    for path in files:
        reader.read(path)
    arrival = reader.array("arrival", float)
    dropped = reader.tally.result()
    if len(arrival) == 0:
        first = f"; the first: {dropped[0]}" if dropped else ""
        raise CcsimError(
            f"{files[0]}: no usable contact: {reader.rows_read:,} row(s) read, all dropped{first}"
            + (f" (time_format {mapping.time_format!r})" if dropped and dropped[0].reason == "unparseable time" else "")
        )
    day, arrival_s, first_date, day_weekday = _run_days(arrival)
    n_days = len(day_weekday)
    outcome = reader.array("outcome", np.int8)
    days = _Days.of(day, arrival_s, day_weekday, first_date, outcome == ANSWERED, interval_min, keep_all_days)
    excluded, used, open_days, hours = days.excluded, days.used, days.open_weekdays, days.hours
    channels, kinds, targets, channel_notes = _channels(reader, mapping)
    rows = np.flatnonzero(used[day])
    cleaning = Cleaning(
        files=tuple(map(str, files)),
        rows_read=reader.rows_read,
        rows_kept=len(rows),
        dropped=dropped,
        outcomes={name: int(np.sum(outcome == k)) for k, name in enumerate(OUTCOME_CODES)},
        past_midnight=reader.past_midnight,
        excluded_days=tuple(excluded),
        kept_all_days=keep_all_days,
        open_weekdays=tuple(WEEKDAYS[w] for w in range(7) if open_days[w]),
        opening_hours=hours,
        outside_hours=days.outside,
        first_date=first_date,
        last_date=first_date + timedelta(days=n_days - 1),
        notes=tuple(channel_notes),
    )
    return ContactLog(
        channels=channels,
        kinds=kinds,
        answer_within_s=targets,
        channel=reader.array("channel", np.int16)[rows],
        arrival_s=arrival_s[rows],
        day=day[rows],
        wait_s=reader.array("wait", float)[rows],
        handle_s=reader.array("handle", float)[rows],
        outcome=outcome[rows],
        agent=reader.array("agent", np.int32)[rows],
        agents=tuple(reader.agent_codes),
        group=reader.array("group", np.int32)[rows],
        groups=tuple(reader.group_codes),
        customer=reader.array("customer_id", np.int64)[rows],
        self_service_s=reader.array("self", float)[rows],
        interval_min=interval_min,
        day_weekday=day_weekday,
        days_used=np.flatnonzero(used & open_days[day_weekday]).astype(np.int32),
        first_date=first_date,
        cleaning=cleaning,
        redial_window_s=mapping.redial_window_h * 3600.0,
        has_customer="customer_id" in reader.columns_seen,
        has_agent="agent" in reader.columns_seen,
    )


@dataclass(frozen=True)
class _Days:
    """The log's days: the exceptional ones, those used, the open weekdays, their hours and the arrivals outside."""

    excluded: list[ExcludedDay]
    used: np.ndarray  # per day of the log
    open_weekdays: np.ndarray  # per weekday (0 Monday)
    hours: dict[str, tuple[float, float]]
    outside: int

    @classmethod
    def of(
        cls,
        day: np.ndarray,
        arrival_s: np.ndarray,
        day_weekday: np.ndarray,
        first_date: date,
        answered: np.ndarray,
        interval_min: int,
        keep_all_days: bool,
    ) -> _Days:
        """The days of contacts on run ``day`` at ``arrival_s`` (exceptional days left out unless kept)."""
        excluded, open_days = _exceptional_days(np.bincount(day, minlength=len(day_weekday)), day_weekday, first_date)
        used = np.ones(len(day_weekday), dtype=bool)
        if not keep_all_days:
            for ex in excluded:
                used[(ex.date - first_date).days] = False
        hours, outside = _opening_hours(arrival_s, day, day_weekday, used, open_days, interval_min, answered)
        open_days &= np.array([d in hours for d in WEEKDAYS])  # a weekday where agents never answer is closed
        return cls(excluded, used, open_days, hours, outside)


def _run_days(arrival: np.ndarray) -> tuple[np.ndarray, np.ndarray, date, np.ndarray]:
    """Each contact's run day and seconds from that day's midnight, the first date, each day's weekday (0 Monday)."""
    abs_day = np.floor(arrival / DAY_S).astype(np.int64)
    day0 = int(abs_day.min())
    day = (abs_day - day0).astype(np.int32)
    n_days = int(day.max()) + 1
    day_weekday = ((np.arange(n_days) + day0 + 3) % 7).astype(np.int8)  # 1970-01-01 was a Thursday
    return day, arrival - day0 * DAY_S, _EPOCH_DATE + timedelta(days=day0), day_weekday


def _channels(
    reader: _Reader, mapping: Mapping
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[float, ...], list[str]]:
    """The channels read, their kinds and answer targets, and the reading's notes (queues renamed, kinds guessed)."""
    from ccsim.scenario import DEFAULT_ANSWER_WITHIN_S

    notes = list(reader.notes)
    notes += [
        f"queue {k!r} is named {v!r} (a channel name has letters, digits, _ and -)" for k, v in reader.renamed.items()
    ]
    channels = tuple(reader.channel_codes)
    kinds = tuple(mapping.channel_kind(c) for c in channels)
    notes += [
        f"channel {c!r}: kind {k} guessed from its name (set channels.kinds in the mapping file)"
        for c, k in zip(channels, kinds, strict=True)
        if c not in mapping.channels.kinds and guess_kind(c)
    ]
    targets = tuple(
        float(mapping.channels.answer_within_s.get(c, DEFAULT_ANSWER_WITHIN_S[k]))
        for c, k in zip(channels, kinds, strict=True)
    )
    return channels, kinds, targets, notes


def _exceptional_days(daily: np.ndarray, day_weekday: np.ndarray, first: date) -> tuple[list[ExcludedDay], np.ndarray]:
    """Exceptional dates and the open weekdays (a boolean per weekday)."""
    open_days = np.zeros(7, dtype=bool)
    medians = np.zeros(7)
    for w in range(7):
        counts = daily[day_weekday == w]
        if counts.size:
            medians[w] = float(np.median(counts))
            open_days[w] = medians[w] > 0
    out = []
    for k, count in enumerate(daily):
        w = int(day_weekday[k])
        if not open_days[w]:
            if count > 0:
                out.append(
                    ExcludedDay(first + timedelta(days=k), WEEKDAYS[w], int(count), medians[w], "closed weekday")
                )
        elif count < LOW_DAY_SHARE * medians[w]:
            why = f"below {LOW_DAY_SHARE:.0%} of the {WEEKDAYS[w]} median"
            out.append(ExcludedDay(first + timedelta(days=k), WEEKDAYS[w], int(count), medians[w], why))
    return out, open_days


def _opening_hours(
    arrival_s: np.ndarray,
    day: np.ndarray,
    day_weekday: np.ndarray,
    used: np.ndarray,
    open_days: np.ndarray,
    interval_min: int,
    answered: np.ndarray,
) -> tuple[dict[str, tuple[float, float]], int]:
    """Each open weekday's opening and closing (seconds after midnight), and the arrivals outside them."""
    step = interval_min * 60.0
    n_int = int(DAY_S // step)
    n_days = len(day_weekday)
    k = np.minimum(((arrival_s - day * DAY_S) // step).astype(np.int64), n_int - 1)
    cell = day.astype(np.int64) * n_int + k

    def dates_seen(rows: np.ndarray) -> np.ndarray:
        return np.bincount(cell[rows], minlength=n_days * n_int).reshape(n_days, n_int) > 0

    seen_any, seen_answered = dates_seen(np.ones(len(cell), dtype=bool)), dates_seen(answered)
    hours: dict[str, tuple[float, float]] = {}
    outside = 0
    for w in range(7):
        dates = np.flatnonzero(used & (day_weekday == w))
        if not open_days[w] or dates.size == 0:
            continue
        seen = (seen_answered if answered.any() else seen_any)[dates]
        with_contacts, n = seen.sum(axis=0), int(seen.any(axis=1).sum())  # n: dates it was seen open
        busy = np.flatnonzero(with_contacts >= max(min(2, n), OPEN_INTERVAL_SHARE * n, 1))
        if 2 * n < dates.size or busy.size == 0:
            outside += int(np.sum(np.isin(day, dates)))
            continue
        first, last = int(busy[0]), int(busy[-1])
        hours[WEEKDAYS[w]] = (first * step, (last + 1) * step)
        sel = np.isin(day, dates)
        outside += int(np.sum(sel & ((k < first) | (k > last))))
    return hours, outside
