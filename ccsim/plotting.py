"""Plots of simulation results (matplotlib; each function takes ``ax=None`` and returns the axes).

No pyplot state is used: without ``ax`` a new :class:`matplotlib.figure.Figure` is made, so
the functions are safe in scripts, servers and notebooks alike.
"""

from __future__ import annotations

import io

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ccsim.results import SimulationResult

__all__ = ["figure_png", "plot_occupancy", "plot_queue_length", "plot_service_level"]


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    fig = Figure(figsize=(10, 4.5), layout="constrained")
    return fig.add_subplot()


def _series(rows: list[dict], key: str, name: str, kpi: str) -> tuple[list[int], list[float], list[float]]:
    sel = [r for r in rows if r[key] == name]
    x = [r["interval"] for r in sel]
    y = [r[kpi] if r[kpi] is not None else float("nan") for r in sel]
    e = [r[f"{kpi}_ci95"] if r[f"{kpi}_ci95"] is not None else 0.0 for r in sel]
    return x, y, e


def _ticks(ax: Axes, result: SimulationResult) -> None:
    labels = [r["label"] for r in result.intervals if r["channel"] == result.intervals[0]["channel"]]
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels([labels[i] for i in range(0, len(labels), step)], rotation=45, ha="right", fontsize=8)
    ax.grid(alpha=0.3)


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
    """
    ax = _axes(ax)
    for kpi, label in (("service_level", "service level"), ("answer_rate", "answer rate")):
        x, y, e = _series(result.intervals, "channel", channel, kpi)
        ax.errorbar(x, y, yerr=e, label=label, marker="o", markersize=3, capsize=2)
    for t in result.targets:
        if t.channel == channel and t.kpi == "service_level":
            ax.axhline(t.target, color="red", linestyle="--", label=f"target {t.target:.0%}")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of offered contacts")
    ax.set_title(f"{channel}: service level and answer rate per interval (95 % CI)")
    ax.legend(loc="lower left")
    _ticks(ax, result)
    return ax


def plot_queue_length(result: SimulationResult, ax: Axes | None = None) -> Axes:
    """Mean number of waiting contacts per interval, one line per channel.

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
        title="queue length per interval",
    )


def plot_occupancy(result: SimulationResult, ax: Axes | None = None) -> Axes:
    """Occupancy per interval, one line per agent group.

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
        ylabel="busy time / time present",
        title="occupancy per agent group and interval",
    )
    ax.set_ylim(0, 1.05)
    return ax


def _lines(
    rows: list[dict], key: str, kpi: str, ax: Axes | None, result: SimulationResult, *, ylabel: str, title: str
) -> Axes:
    """One line per channel or group (``key``) of a KPI over the intervals."""
    ax = _axes(ax)
    names = dict.fromkeys(r[key] for r in rows)
    for name in names:
        x, y, _ = _series(rows, key, name, kpi)
        ax.plot(x, y, marker="o", markersize=3, label=name)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    _ticks(ax, result)
    return ax


def figure_png(ax: Axes) -> bytes:
    """The figure of ``ax`` as PNG bytes."""
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=110)
    return buf.getvalue()
