"""The Erlang calculator behind ``ccsim erlang``: planner units in, rows of metrics out.

A planner speaks in volumes per interval; :mod:`ccsim.erlang` speaks in rates per second.
This module converts between the two, sizes or evaluates one interval or a whole day read
from a CSV file, and returns plain rows (dicts) that the CLI prints or writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ccsim import erlang
from ccsim.checks import nonnegative, positive, whole
from ccsim.errors import CcsimError, InputError
from ccsim.files import read_csv_records

__all__ = ["NUMERIC_COLUMNS", "TARGETS", "evaluate_intervals", "read_interval_csv", "rows_for_csv"]

#: Columns of the interval CSV that ccsim reads as numbers; every other column is passed
#: through to the output unchanged (an interval start, a date, a queue name ...).
NUMERIC_COLUMNS = ("volume", "aht_s", "patience_s", "agents")

#: The queueing targets (Erlang C and A), as in :func:`ccsim.erlang.required_agents`.
TARGETS = ("min_service_level", "max_asa_s", "max_p_wait", "max_occupancy", "max_abandon_rate")

#: The rule each numeric column must follow (the same checks as the library's arguments).
_COLUMN_CHECKS = {"volume": nonnegative, "aht_s": positive, "patience_s": positive, "agents": whole}


def evaluate_intervals(
    volume,
    *,
    interval_s: float,
    aht_s,
    answer_within_s=20.0,
    agents=None,
    patience_s=None,
    min_service_level=None,
    max_asa_s=None,
    max_p_wait=None,
    max_occupancy=None,
    max_abandon_rate=None,
    max_blocking=None,
    shrinkage=0.0,
) -> list[dict[str, Any]]:
    """Metrics for given agents, or required agents for targets, one row per interval.

    Erlang C by default, Erlang A with ``patience_s``, Erlang B (blocked contacts are lost)
    with ``max_blocking``.

    Parameters
    ----------
    volume : float or array_like
        Contacts offered in each interval.
    interval_s : float
        Interval length in seconds.
    aht_s : float or array_like
        Mean handle time in seconds.
    answer_within_s : float or array_like, default 20
        Answer target of the service level in seconds.
    agents : int or array_like, optional
        Agents on duty; when given, metrics are computed for this staffing, and with targets
        each row also gets ``agents_needed`` and ``targets`` (``met``, or ``MISSED:`` and the
        targets missed).
    patience_s : float or array_like, optional
        Mean patience in seconds; switches from Erlang C to Erlang A.
    min_service_level, max_asa_s, max_p_wait, max_occupancy, max_abandon_rate : optional
        Targets, as in :func:`ccsim.erlang.required_agents`.
    max_blocking : float or array_like, optional
        Target maximum blocking probability of a loss system (Erlang B, as in
        :func:`ccsim.erlang.required_trunks`); not with the queueing targets or patience.
    shrinkage : float, default 0
        Share of paid time not available for contacts.

    Returns
    -------
    list of dict
        One row per interval with the inputs, the offered load, agents, scheduled agents and
        the metrics.
    """
    positive("interval_s", interval_s)
    vol = np.atleast_1d(nonnegative("volume", volume))
    aht = np.broadcast_to(positive("aht_s", aht_s), vol.shape)
    rate = vol / interval_s
    targets = {
        "min_service_level": min_service_level,
        "max_asa_s": max_asa_s,
        "max_p_wait": max_p_wait,
        "max_occupancy": max_occupancy,
        "max_abandon_rate": max_abandon_rate,
    }
    targets = {k: v for k, v in targets.items() if v is not None}
    if max_blocking is not None:
        if targets or patience_s is not None:
            given = ", ".join([*targets, *(["patience_s"] if patience_s is not None else [])])
            raise CcsimError(f"max_blocking: Erlang B has no queue: not with {given}")
        return _erlang_b_rows(vol, rate, aht, agents, max_blocking, shrinkage)
    size: dict[str, Any] = {"answer_within_s": answer_within_s, "patience_s": patience_s, "shrinkage": shrinkage}
    needed = None
    missed: list[tuple[str, np.ndarray]] = []
    if agents is not None:
        n = np.broadcast_to(whole("agents", agents), vol.shape)
        if patience_s is None:
            m = erlang.erlang_c_metrics(rate, aht, n, answer_within_s)
        else:
            m = erlang.erlang_a_metrics(rate, aht, patience_s, n, answer_within_s)
        sched = erlang.scheduled_agents(n, shrinkage)
        # each target alone: the targets improve with every agent added, so the agents meet a
        # target exactly when they are at least the smallest number meeting it
        for name, value in targets.items():
            need = np.broadcast_to(erlang.required_agents(rate, aht, **{name: value}, **size).agents, vol.shape)
            needed = need if needed is None else np.maximum(needed, need)
            missed.append((name, n < need))
    else:
        if not targets:
            raise CcsimError("give agents to evaluate, or a target to size for (service level, ASA, ...)")
        res = erlang.required_agents(rate, aht, **targets, **size)
        n, sched, m = res.agents, res.scheduled_agents, res.metrics
    metrics = {k: np.broadcast_to(v, vol.shape) for k, v in vars(m).items() if k != "stable"}
    n = np.broadcast_to(n, vol.shape)
    sched = np.broadcast_to(sched, vol.shape)
    pat = None if patience_s is None else np.broadcast_to(np.asarray(patience_s, dtype=float), vol.shape)
    rows = []
    for i in range(vol.size):
        row: dict[str, Any] = {
            "volume": float(vol[i]),
            "rate_per_hour": float(rate[i] * 3600.0),
            "aht_s": float(aht[i]),
        }
        if pat is not None:
            row["patience_s"] = float(pat[i])
        row["offered_load"] = float(rate[i] * aht[i])
        row["agents"] = int(n[i])
        row["scheduled_agents"] = int(sched[i])
        row.update({k: float(v[i]) for k, v in metrics.items()})
        if needed is not None:
            row["agents_needed"] = int(needed[i])
            row["targets"] = _status([name for name, bad in missed if bad[i]])
        rows.append(row)
    return rows


def _status(missed: list[str]) -> str:
    return "MISSED: " + ", ".join(missed) if missed else "met"


def _erlang_b_rows(vol, rate, aht, agents, max_blocking, shrinkage) -> list[dict[str, Any]]:
    load = rate * aht
    sized = erlang.required_trunks(load, max_blocking, shrinkage=shrinkage)
    # no contacts, none lost: an empty interval needs no trunk (as required_agents gives 0 agents)
    need = np.where(load > 0, sized.agents, 0)
    if agents is None:
        n, needed = need, None
    else:
        n, needed = np.broadcast_to(whole("agents", agents), vol.shape), need
    n = np.broadcast_to(n, vol.shape)
    sched = np.broadcast_to(erlang.scheduled_agents(n, shrinkage), vol.shape)
    blocking = np.where(load > 0, erlang.erlang_b(load, n), 0.0)
    rows = []
    for i in range(vol.size):
        carried = float(load[i] * (1.0 - blocking[i]))
        row: dict[str, Any] = {
            "volume": float(vol[i]),
            "rate_per_hour": float(rate[i] * 3600.0),
            "aht_s": float(aht[i]),
            "offered_load": float(load[i]),
            "agents": int(n[i]),
            "scheduled_agents": int(sched[i]),
            "blocking": float(blocking[i]),
            "carried_load": carried,
            "occupancy": carried / int(n[i]) if n[i] > 0 else 0.0,
        }
        if needed is not None:
            row["agents_needed"] = int(needed[i])
            row["targets"] = _status(["max_blocking"] if n[i] < needed[i] else [])
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- CSV


def read_interval_csv(path: str | Path) -> tuple[list[str], list[dict[str, str]], dict[str, np.ndarray]]:
    """Read a CSV of intervals (one row each, a header naming the columns).

    Every problem of the file is collected, and all of them are reported together, one per
    line, as ``FILE, line N, column C: rule, got value``.

    Parameters
    ----------
    path : str or pathlib.Path
        The file (UTF-8, comma-separated). It needs a ``volume`` column; ``aht_s``,
        ``patience_s`` and ``agents`` are read as numbers when present; other columns are
        passed through. Blank rows are skipped; a column without a name is ignored when it
        holds no value.

    Returns
    -------
    (header, rows, numeric columns)
        The column names, each row's cells as text (by column name), and the numeric columns
        as arrays.

    Raises
    ------
    ccsim.CcsimError
        Listing every problem found, one per line.
    """
    path = Path(path)
    header, records = read_csv_records(path)
    if "volume" not in header:
        hint = ""
        if len(header) == 1 and any(sep in header[0] for sep in ";\t"):
            hint = "; the columns must be separated by commas"
        raise CcsimError(f"{path}: needs a 'volume' column, found columns {header}{hint}")
    if not records:
        raise CcsimError(f"{path}: has a header but no intervals")
    problems: list[tuple[int, int, str]] = []  # (line, column index, message) sorted at the end

    def problem(line: int, col: int, message: str) -> None:
        problems.append((line, col, f"{path}, line {line}, {message}"))

    keep = []  # the columns read: named ones, and unnamed ones holding a value
    for j, name in enumerate(header):
        if name:
            if name in header[:j]:
                problem(1, j, f"column {name}: a column name must appear once, got it twice")
            keep.append(j)
        elif any(j < len(row) and row[j].strip() for _, row in records):
            problem(1, j, f"column {j + 1}: a column needs a name in the header line, got ''")
    width = len(header)
    rows: list[dict[str, str]] = []
    for line, row in records:
        if len(row) < width:
            missing = [header[j] for j in range(len(row), width) if header[j] in NUMERIC_COLUMNS]
            if missing:
                plural = "s" if len(missing) > 1 else ""
                problem(
                    line,
                    len(row),
                    f"column{plural} {', '.join(missing)}: needs a value, got a row of {len(row)} cells "
                    f"(the header has {width})",
                )
        elif any(c.strip() for c in row[width:]):
            problem(
                line,
                width,
                f"column {width + 1}: the row has {len(row)} cells, the header only {width} "
                "(a comma inside a value needs quotes)",
            )
        rows.append({header[j]: row[j] if j < len(row) else "" for j in keep})
    numeric: dict[str, np.ndarray] = {}
    for col in NUMERIC_COLUMNS:
        if col not in header:
            continue
        j = header.index(col)
        values = np.full(len(records), np.nan)
        parsed = np.zeros(len(records), dtype=bool)
        for i, (line, row) in enumerate(records):
            if j >= len(row):
                continue  # reported above as a short row
            cell = row[j].strip()
            try:
                values[i] = float(cell)
                parsed[i] = True
            except ValueError:
                got = "an empty cell" if not cell else repr(cell)
                problem(line, j, f"column {col}: must be a number, got {got}")
        check = _COLUMN_CHECKS[col]
        try:
            check(col, values[parsed])
        except InputError:
            for k in np.flatnonzero(parsed):
                try:
                    check(col, values[k])
                except InputError as exc:
                    problem(records[k][0], j, f"column {col}: {exc.rule}, got {records[k][1][j].strip()}")
        numeric[col] = values
    if problems:
        raise CcsimError("\n".join(message for _, _, message in sorted(problems, key=lambda p: p[:2])))
    return [header[j] for j in keep], rows, numeric


def rows_for_csv(
    path: str | Path,
    *,
    interval_s: float,
    aht_s: float | None,
    patience_s: float | None,
    agents: int | None = None,
    notes: list[str] | None = None,
    **kwargs,
) -> list[dict[str, Any]]:
    """Evaluate every interval of a CSV file; errors name the file, line and column.

    Parameters
    ----------
    path : str or pathlib.Path
        The interval CSV (see :func:`read_interval_csv`).
    interval_s : float
        Interval length in seconds.
    aht_s, patience_s : float or None
        Defaults for rows of a file without an ``aht_s`` / ``patience_s`` column.
    agents : int, optional
        Agents on duty in every interval, for a file without an ``agents`` column.
    notes : list of str, optional
        Receives a note when the file has columns named like the calculator's results (they
        are replaced by the computed values).
    **kwargs
        Targets, answer target and shrinkage, as in :func:`evaluate_intervals`.

    Returns
    -------
    list of dict
        Every column of the file in its order (the numeric ones as numbers), followed by the
        calculator's columns.
    """
    header, cells, numeric = read_interval_csv(path)
    for name, column, value in (("aht_s", "aht_s", aht_s), ("patience_s", "patience_s", patience_s)):
        if column in numeric and value is not None:
            raise CcsimError(f"{path}: has a '{column}' column; --{name.replace('_', '-')} is for files without one")
    if "agents" in numeric and agents is not None:
        raise CcsimError(f"{path}: has an 'agents' column; --agents is for files without one")
    aht = numeric.get("aht_s", aht_s)
    if aht is None:
        raise CcsimError(f"{path}: no 'aht_s' column; give the handle time with --aht-s")
    patience = numeric.get("patience_s", patience_s)
    if kwargs.get("max_blocking") is not None and "patience_s" in numeric:
        raise CcsimError(f"{path}: has a 'patience_s' column; Erlang B (--max-blocking) has no queue to abandon")
    if kwargs.get("max_abandon_rate") is not None and patience is None:
        raise CcsimError(f"{path}: an abandonment target needs a 'patience_s' column or --patience-s")
    rows = evaluate_intervals(
        numeric["volume"],
        interval_s=interval_s,
        aht_s=aht,
        patience_s=patience,
        agents=numeric.get("agents", agents),
        **kwargs,
    )
    replaced = [c for c in header if c in rows[0] and c not in NUMERIC_COLUMNS]
    if replaced and notes is not None:
        notes.append(f"{path}: column(s) {', '.join(replaced)} replaced by the computed values")
    columns = header + [k for k in rows[0] if k not in header]
    return [{c: r[c] if c in r else text[c] for c in columns} for text, r in zip(cells, rows, strict=True)]
