"""Plots of simulation results (matplotlib; each function takes ``ax=None`` and returns the axes).

No pyplot state is used: without ``ax`` a new :class:`matplotlib.figure.Figure` is made, so
the functions are safe in scripts, servers and notebooks alike.

Runs of up to :data:`LONG_RUN_DAYS` days are drawn interval by interval, labelled with the day
and time. Longer runs would be a smear of hundreds of points, so they are drawn as the
**average day**: per time of day, the mean over the simulated days with a band from the lowest
to the highest day; one line (and band) per weekday instead where the weekdays differ (a
day-of-week volume pattern, or groups that work on some weekdays only). Warm-up intervals are
left out of the average day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes

from ccsim.outputs.plots.figures import axes
from ccsim.results import SimulationResult

__all__ = ["LONG_RUN_DAYS", "plot_occupancy", "plot_queue_length", "plot_service_level"]

#: Runs longer than this many days are drawn as an average day.
LONG_RUN_DAYS = 3

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _days(result: SimulationResult) -> int:
    return len({int(s // 86400) for s in result.interval_starts_s})


def long_run(result: SimulationResult) -> bool:
    """Whether a run is drawn as an average day: longer than :data:`LONG_RUN_DAYS` days."""
    return _days(result) > LONG_RUN_DAYS


def none_nan(value: float | None) -> float:
    """A value to draw: NaN (a gap) for an undefined one."""
    return math.nan if value is None else value


def series(
    rows: Sequence[Mapping[str, Any]], key: str, name: str, kpi: str
) -> tuple[list[int], list[float], list[float]]:
    """One channel's or group's (``name`` in column ``key``) KPI per interval: intervals, values, CI half-widths."""
    sel = [r for r in rows if r[key] == name]
    x = [r["interval"] for r in sel]
    y = [none_nan(r[kpi]) for r in sel]
    e = [r[f"{kpi}_ci95"] if r[f"{kpi}_ci95"] is not None else 0.0 for r in sel]
    return x, y, e


def _clock(seconds: float) -> str:
    minute = int(seconds % 86400 // 60)
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _average_day(
    rows: Sequence[Mapping[str, Any]],
    key: str,
    name: str,
    kpi: str,
    result: SimulationResult,
    weekly: bool | None = None,
) -> tuple[list[float], dict[str, tuple[list[float], list[float], list[float]]]]:
    """Times of day, and per line (all days, or each weekday): mean, lowest and highest day."""
    first = _WEEKDAYS.index(result.start_weekday)
    weekly = result.weekly if weekly is None else weekly
    values: dict[str, dict[float, list[float]]] = {}
    for r in rows:
        if r[key] != name or r["warmup"] or r[kpi] is None:
            continue
        start = result.interval_starts_s[r["interval"]]
        line = _WEEKDAYS[(first + int(start // 86400)) % 7] if weekly else "all days"
        values.setdefault(line, {}).setdefault(start % 86400, []).append(r[kpi])
    times = sorted({t for by_time in values.values() for t in by_time})
    lines = {}
    for line in sorted(values, key=lambda w: _WEEKDAYS.index(w) if w in _WEEKDAYS else -1):
        by_time = values[line]
        got = [by_time.get(t, []) for t in times]
        lines[line] = (
            [sum(v) / len(v) if v else math.nan for v in got],
            [min(v) if v else math.nan for v in got],
            [max(v) if v else math.nan for v in got],
        )
    return times, lines


def time_axis(ax: Axes, result: SimulationResult, times: list[float] | None = None, weekly: bool | None = None) -> None:
    """Tick labels: day and time per interval, or the time of day of an average day."""
    if times is None:
        labels = result.interval_labels
    else:
        labels = [_clock(t) for t in times]
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels([labels[i] for i in range(0, len(labels), step)], rotation=45, ha="right", fontsize=8)
    ax.grid(alpha=0.3)
    if times is not None:
        what = "per weekday" if (result.weekly if weekly is None else weekly) else "day"
        ax.set_xlabel(f"time of day (average {what} over {_days(result)} days; band: lowest to highest day)")


def draw_kpi(
    ax: Axes,
    rows: Sequence[Mapping[str, Any]],
    key: str,
    name: str,
    kpi: str,
    result: SimulationResult,
    label: str,
    ci: bool = False,
    linestyle: str = "-",
    weekly: bool | None = None,
) -> list[float] | None:
    """One KPI of one channel or group: per interval, or as an average day. Returns the times drawn.

    Weekday lines keep one colour per weekday (``linestyle`` tells two KPIs apart).
    """
    if not long_run(result):
        x, y, e = series(rows, key, name, kpi)
        if all(math.isnan(v) for v in y):
            return None
        if ci:
            ax.errorbar(x, y, yerr=e, label=label, marker="o", markersize=3, capsize=2)
        else:
            ax.plot(x, y, marker="o", markersize=3, label=label)
        return None
    times, lines = _average_day(rows, key, name, kpi, result, weekly)
    x = list(range(len(times)))
    for line, (mean, low, high) in lines.items():
        text = label if line == "all days" else f"{label}, {line}"
        color = f"C{_WEEKDAYS.index(line)}" if line in _WEEKDAYS else None
        (drawn,) = ax.plot(x, mean, marker="o", markersize=3, label=text, color=color, linestyle=linestyle)
        # the band: from the lowest to the highest day (of that weekday)
        ax.fill_between(x, low, high, color=drawn.get_color(), alpha=0.15 if line == "all days" else 0.07, linewidth=0)
    return times


def plot_service_level(result: SimulationResult, channel: str, ax: Axes | None = None) -> Axes:
    """Service level and answer rate per interval of one channel, with the target.

    Parameters
    ----------
    result : SimulationResult
        A simulation result.
    channel : str
        Channel name.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        Per interval with 95 % confidence intervals; for a long run, the average day with a
        band from the lowest to the highest day.
    """
    result.channel(channel)  # an unknown channel is an error naming the valid ones
    ax = axes(ax)
    times = None
    for kpi, label, style in (("service_level", "service level", "-"), ("answer_rate", "answer rate", "--")):
        drawn = draw_kpi(ax, result.intervals, "channel", channel, kpi, result, label, ci=True, linestyle=style)
        times = drawn or times
    for t in result.targets:
        if t.channel == channel and t.kpi == "service_level":
            ax.axhline(t.target, color="red", linestyle="--", label=f"target {t.target:.0%}")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of offered contacts")
    what = "average day" if long_run(result) else "per interval (95 % CI)"
    ax.set_title(f"{channel}: service level and answer rate, {what}")
    ax.legend(loc="lower left", fontsize=7, ncols=2 if result.weekly and long_run(result) else 1)
    time_axis(ax, result, times)
    return ax


def plot_queue_length(result: SimulationResult, ax: Axes | None = None) -> Axes:
    """Mean number of waiting contacts per interval (during opening hours), one line per channel.

    Parameters
    ----------
    result : SimulationResult
        A simulation result.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
    """
    return _lines(
        result.intervals,
        "channel",
        "mean_queue_len",
        ax,
        result,
        ylabel="mean contacts waiting",
        title="queue length",
    )


def plot_occupancy(result: SimulationResult, ax: Axes | None = None) -> Axes:
    """Occupancy per interval, one line per agent group (busy time / time on duty, docs/kpis.md).

    Parameters
    ----------
    result : SimulationResult
        A simulation result.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _lines(
        result.group_intervals,
        "group",
        "occupancy",
        ax,
        result,
        ylabel="busy time / time on duty",
        title="occupancy per agent group",
    )
    ax.set_ylim(0, 1.05)
    return ax


def _lines(
    rows: Sequence[Mapping[str, Any]],
    key: str,
    kpi: str,
    ax: Axes | None,
    result: SimulationResult,
    *,
    ylabel: str,
    title: str,
) -> Axes:
    """One line per channel or group (``key``) of a KPI over the intervals (or the average day)."""
    ax = axes(ax)
    times = None
    for name in dict.fromkeys(r[key] for r in rows):
        times = draw_kpi(ax, rows, key, name, kpi, result, name) or times
    ax.set_ylabel(ylabel)
    ax.set_title(f"{title}, {'average day' if long_run(result) else 'per interval'}")
    ax.legend(fontsize=8)
    time_axis(ax, result, times)
    return ax
