"""The Erlang calculator behind ``ccsim erlang``: planner units in, rows of metrics out.

A planner speaks in volumes per interval; :mod:`ccsim.erlang` speaks in rates per second.
This module converts between the two, sizes or evaluates one interval or a whole day read
from a CSV file, and returns plain rows (dicts) that the CLI prints or writes.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ccsim import erlang
from ccsim.checks import nonnegative, positive, whole
from ccsim.errors import CcsimError, InputError

__all__ = ["NUMERIC_COLUMNS", "evaluate_intervals", "read_interval_csv", "rows_for_csv"]

#: Columns of the interval CSV that ccsim reads as numbers; every other column is passed
#: through to the output unchanged (an interval start, a date, a queue name ...).
NUMERIC_COLUMNS = ("volume", "aht_s", "patience_s", "agents")


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
    shrinkage=0.0,
) -> list[dict[str, float]]:
    """Metrics for given agents, or required agents for targets, one row per interval.

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
        Agents on duty; when given, metrics are computed for this staffing and targets are
        not used.
    patience_s : float or array_like, optional
        Mean patience in seconds; switches from Erlang C to Erlang A.
    min_service_level, max_asa_s, max_p_wait, max_occupancy, max_abandon_rate : optional
        Targets, as in :func:`ccsim.erlang.required_agents`.
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
    if agents is not None:
        n = np.broadcast_to(whole("agents", agents), vol.shape)
        if patience_s is None:
            m = erlang.erlang_c_metrics(rate, aht, n, answer_within_s)
        else:
            m = erlang.erlang_a_metrics(rate, aht, patience_s, n, answer_within_s)
        sched = erlang.scheduled_agents(n, shrinkage)
    else:
        if all(v is None for v in targets.values()):
            raise CcsimError("give agents to evaluate, or a target to size for (service level, ASA, ...)")
        res = erlang.required_agents(
            rate,
            aht,
            answer_within_s=answer_within_s,
            patience_s=patience_s,
            shrinkage=shrinkage,
            **targets,
        )
        n, sched, m = res.agents, res.scheduled_agents, res.metrics
    metrics = {k: np.broadcast_to(v, vol.shape) for k, v in vars(m).items() if k != "stable"}
    n = np.broadcast_to(n, vol.shape)
    sched = np.broadcast_to(sched, vol.shape)
    rows = []
    for i in range(vol.size):
        row = {
            "volume": float(vol[i]),
            "rate_per_hour": float(rate[i] * 3600.0),
            "aht_s": float(aht[i]),
            "offered_load": float(rate[i] * aht[i]),
            "agents": int(n[i]),
            "scheduled_agents": int(sched[i]),
        }
        row.update({k: float(v[i]) for k, v in metrics.items()})
        rows.append(row)
    return rows


def read_interval_csv(path: str | Path) -> tuple[list[str], list[dict[str, str]], dict[str, np.ndarray]]:
    """Read a CSV of intervals (one row each, a header naming the columns).

    Parameters
    ----------
    path : str or pathlib.Path
        The file. It needs a ``volume`` column; ``aht_s``, ``patience_s`` and ``agents`` are
        read when present; other columns are passed through.

    Returns
    -------
    (header, passthrough rows, numeric columns)
        The header, each row's non-numeric cells, and the numeric columns as arrays.
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or [])
            raw = list(reader)
    except FileNotFoundError:
        raise CcsimError(f"{path}: no such file") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CcsimError(f"{path}: not a readable CSV file ({exc})") from None
    except IsADirectoryError:
        raise CcsimError(f"{path}: is a directory, expected a CSV file") from None
    if "volume" not in header:
        raise CcsimError(f"{path}: needs a 'volume' column, found columns {header}")
    if not raw:
        raise CcsimError(f"{path}: has a header but no intervals")
    numeric: dict[str, np.ndarray] = {}
    for col in NUMERIC_COLUMNS:
        if col not in header:
            continue
        values = []
        for lineno, row in enumerate(raw, start=2):
            cell = row.get(col)
            try:
                values.append(float(cell))
            except (TypeError, ValueError):
                raise CcsimError(f"{path}:{lineno}: column '{col}' must be a number, got {cell!r}") from None
        numeric[col] = np.array(values)
    passthrough = [{k: v for k, v in row.items() if k not in NUMERIC_COLUMNS and k is not None} for row in raw]
    return header, passthrough, numeric


def rows_for_csv(
    path: str | Path,
    *,
    interval_s: float,
    aht_s: float | None,
    patience_s: float | None,
    **kwargs,
) -> list[dict[str, object]]:
    """Evaluate every interval of a CSV file; errors name the file and line.

    Parameters
    ----------
    path : str or pathlib.Path
        The interval CSV (see :func:`read_interval_csv`).
    interval_s : float
        Interval length in seconds.
    aht_s, patience_s : float or None
        Defaults for rows of a file without an ``aht_s`` / ``patience_s`` column.
    **kwargs
        Targets, answer target and shrinkage, as in :func:`evaluate_intervals`.

    Returns
    -------
    list of dict
        The pass-through columns followed by the calculator's columns.
    """
    _, passthrough, numeric = read_interval_csv(path)
    aht = numeric.get("aht_s", aht_s)
    if aht is None:
        raise CcsimError(f"{path}: no 'aht_s' column; give the handle time with --aht-s")
    patience = numeric.get("patience_s", patience_s)
    agents = numeric.get("agents")
    if agents is not None:
        kwargs = {k: v for k, v in kwargs.items() if k in ("answer_within_s", "shrinkage")}
    try:
        rows = evaluate_intervals(
            numeric["volume"], interval_s=interval_s, aht_s=aht, patience_s=patience, agents=agents, **kwargs
        )
    except InputError as exc:
        if isinstance(exc.index, int) and exc.name in NUMERIC_COLUMNS:
            raise CcsimError(f"{path}:{exc.index + 2}: column '{exc.name}' {exc.rule}, got {exc.value!r}") from None
        raise
    return [{**p, **r} for p, r in zip(passthrough, rows, strict=True)]
