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

import io
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from ccsim.results import SimulationResult

if TYPE_CHECKING:
    from ccsim.planning import Plan
    from ccsim.variants import VariantComparison

__all__ = [
    "LONG_RUN_DAYS",
    "figure_png",
    "money_axis",
    "plot_occupancy",
    "plot_plan",
    "plot_queue_length",
    "plot_service_level",
    "plot_variant_costs",
    "plot_variant_intervals",
    "plot_variant_service",
]

#: Runs longer than this many days are drawn as an average day.
LONG_RUN_DAYS = 3

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    fig = Figure(figsize=(10, 4.5), layout="constrained")
    return fig.add_subplot()


class _Money(Formatter):
    """Tick labels of a cost axis: ``25,000,000 JPY`` (decimals only where the ticks need them)."""

    def __init__(self, currency: str) -> None:
        self.unit = f" {currency}" if currency else ""
        self._ticks: list[float] = []

    def set_locs(self, locs) -> None:
        self._ticks = sorted(float(v) for v in locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        locs = self._ticks if len(self._ticks) > 1 else [0.0, 1.0]
        step = min((b - a for a, b in itertools.pairwise(locs) if b > a), default=1.0)
        decimals = 0 if step >= 1 else min(4, math.ceil(-math.log10(step) - 1e-9))
        text = f"{x:,.{decimals}f}"
        if text.lstrip("-").strip("0.,") == "":  # no "-0"
            text = text.lstrip("-")
        return text + self.unit


def money_axis(axis, currency: str | None) -> None:
    """Make ``axis`` (``ax.yaxis`` or ``ax.xaxis``) a cost axis: ``1,250,000 JPY``, never ``1e6``.

    Every plot of money in ccsim labels its ticks this way, with the scenario's
    ``costs.currency`` (none when the scenario gives none).
    """
    axis.set_major_formatter(_Money(currency or ""))


def _days(result: SimulationResult) -> int:
    return len({int(s // 86400) for s in result.interval_starts_s})


def _long(result: SimulationResult) -> bool:
    return _days(result) > LONG_RUN_DAYS


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _series(
    rows: Sequence[Mapping[str, Any]], key: str, name: str, kpi: str
) -> tuple[list[int], list[float], list[float]]:
    sel = [r for r in rows if r[key] == name]
    x = [r["interval"] for r in sel]
    y = [_nan(r[kpi]) for r in sel]
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


def _time_axis(
    ax: Axes, result: SimulationResult, times: list[float] | None = None, weekly: bool | None = None
) -> None:
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


def _draw(
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
    if not _long(result):
        x, y, e = _series(rows, key, name, kpi)
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
    ax = _axes(ax)
    times = None
    for kpi, label, style in (("service_level", "service level", "-"), ("answer_rate", "answer rate", "--")):
        times = _draw(ax, result.intervals, "channel", channel, kpi, result, label, ci=True, linestyle=style) or times
    for t in result.targets:
        if t.channel == channel and t.kpi == "service_level":
            ax.axhline(t.target, color="red", linestyle="--", label=f"target {t.target:.0%}")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of offered contacts")
    what = "average day" if _long(result) else "per interval (95 % CI)"
    ax.set_title(f"{channel}: service level and answer rate, {what}")
    ax.legend(loc="lower left", fontsize=7, ncols=2 if result.weekly and _long(result) else 1)
    _time_axis(ax, result, times)
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
    ax = _axes(ax)
    times = None
    for name in dict.fromkeys(r[key] for r in rows):
        times = _draw(ax, rows, key, name, kpi, result, name) or times
    ax.set_ylabel(ylabel)
    ax.set_title(f"{title}, {'average day' if _long(result) else 'per interval'}")
    ax.legend(fontsize=8)
    _time_axis(ax, result, times)
    return ax


def plot_plan(plan: Plan, group: str | None = None, ax: Axes | None = None) -> Axes:
    """A staffing plan: planned, analytic and SIPP agents per interval, and the service level.

    Every planned group is drawn: one panel per group, stacked over the same intervals, each
    with the service level (planned) of the channels the group serves on a second axis. On a
    given ``ax`` several groups share it instead: one colour per group (planned solid,
    analytic guess dashed, SIPP dotted).

    Parameters
    ----------
    plan : ccsim.planning.Plan
        A plan from :func:`ccsim.plan`.
    group : str, optional
        One agent group only (default: every planned group).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure, one panel per group).

    Returns
    -------
    matplotlib.axes.Axes
        The agents' axes, the service level on a second axis. With several groups and no
        ``ax``: the first group's panel; the other groups' panels are below it in the same
        figure (``ax.figure``), in the order of ``plan.planned_groups``.
    """
    groups = list(plan.planned_groups) if group is None else [group]
    for g in groups:
        if g not in plan.staffing:
            raise KeyError(f"no agent group {g!r} in the plan (groups: {', '.join(plan.planned_groups)})")
    if not groups:
        raise KeyError("the plan has no planned agent group to draw")
    if len(groups) == 1 or ax is not None:
        ax = _axes(ax)
        _plan_panel(ax, plan, groups)
        _time_axis(ax, plan.result, None)
        return ax
    fig = Figure(figsize=(10, 1.2 + 2.6 * len(groups)), layout="constrained")
    panels = fig.subplots(len(groups), 1, sharex=True, squeeze=False)[:, 0]
    for panel, g in zip(panels, groups, strict=True):
        _plan_panel(panel, plan, [g])
        panel.set_title("")  # the figure's title says what every panel shows
        panel.set_title(g, fontsize=10, loc="left")
    _time_axis(panels[-1], plan.result, None)
    for panel in panels[:-1]:
        panel.grid(alpha=0.3)
        panel.tick_params(labelbottom=False)
    fig.suptitle(f"staffing plan of {len(groups)} agent groups, and the service level it achieves", fontsize=11)
    return panels[0]


def _group_channels(plan: Plan, group: str) -> list[str]:
    """The channels a group serves, in the result's order (all of them if the scenario does not say)."""
    names = plan.result.channel_names
    try:
        skills = plan.scenario.agent_groups[group].skills
    except (AttributeError, KeyError, TypeError):
        return list(names)
    served = {str(k).split("/", 1)[0] for k in skills}
    return [n for n in names if n in served] or list(names)


def _plan_panel(ax: Axes, plan: Plan, groups: list[str]) -> None:
    """One panel: the groups' planned, analytic and SIPP agents, the service level of their channels."""
    x = list(range(len(plan.result.interval_labels)))
    if len(groups) == 1:
        (g,) = groups
        ax.step(x, plan.staffing[g], where="mid", label=f"{g}: planned", linewidth=2)
        ax.step(x, plan.analytic[g], where="mid", label="analytic guess", linestyle="--")
        ax.step(x, plan.sipp[g], where="mid", label="SIPP", linestyle=":")
        ax.set_title(f"staffing plan of {g}, and the service level it achieves", fontsize=10)
    else:
        for i, g in enumerate(groups):
            color = f"C{i}"
            ax.step(x, plan.staffing[g], where="mid", label=f"{g}: planned", linewidth=2, color=color)
            ax.step(x, plan.analytic[g], where="mid", label=f"{g}: analytic guess", linestyle="--", color=color)
            ax.step(x, plan.sipp[g], where="mid", label=f"{g}: SIPP", linestyle=":", color=color, linewidth=1)
        ax.set_title(f"staffing plan of {', '.join(groups)}, and the service level it achieves", fontsize=10)
    ax.set_ylabel("agents on duty")
    ax.set_ylim(bottom=0)
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    channels = list(dict.fromkeys(ch for g in groups for ch in _group_channels(plan, g)))
    sl = ax.twinx()
    first = len(groups) if len(groups) > 1 else 3
    for name in channels:
        i = plan.result.channel_names.index(name)
        _, y, _ = _series(plan.result.intervals, "channel", name, "service_level")
        color = f"C{(first + i) % 10}"
        sl.plot(x, y, marker=".", markersize=3, linewidth=0.8, alpha=0.7, color=color, label=f"{name} SL")
    sl.set_ylim(0, 1.05)
    sl.set_ylabel("service level (planned)")
    handles, labels = ax.get_legend_handles_labels()
    more, more_labels = sl.get_legend_handles_labels()
    ncols = 1 if len(handles) + len(more) <= 6 else 3
    ax.legend(handles + more, labels + more_labels, fontsize=7, loc="lower center", ncols=ncols)


def plot_variant_costs(cmp: VariantComparison, ax: Axes | None = None) -> Axes:
    """Cost per month of every variant, stacked by cost item (credits such as SLA penalties below 0).

    Parameters
    ----------
    cmp : ccsim.variants.VariantComparison
        A comparison from :func:`ccsim.compare_variants`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).
    """
    runs = [r for r in cmp.runs if r.costs is not None]
    items = list(dict.fromkeys(item for r in runs for item in r.costs.items))
    own = ax is None
    if ax is None:  # taller with more items: the legend below the bars holds them all
        ax = Figure(figsize=(10, 4.5 + 0.2 * math.ceil(len(items) / 3)), layout="constrained").add_subplot()
    x = list(range(len(runs)))
    up = [0.0] * len(runs)
    down = [0.0] * len(runs)
    for i, item in enumerate(items):
        values = [
            float(sum(r.costs.items[item]) / len(r.costs.items[item]) / r.costs.months)
            if item in r.costs.items
            else 0.0
            for r in runs
        ]
        base = [down[j] if v < 0 else up[j] for j, v in enumerate(values)]
        ax.bar(x, values, bottom=base, label=item, color=_item_colour(i, len(items)), width=0.6)
        for j, v in enumerate(values):
            if v < 0:
                down[j] += v
            else:
                up[j] += v
    currency = runs[0].costs.currency if runs else ""
    unit = f" {currency}" if currency else ""
    for j, r in enumerate(runs):
        ax.annotate(f"{r.monthly_cost:,.0f}{unit}", (j, up[j]), ha="center", va="bottom", fontsize=8)
    names = [r.name for r in runs]
    long_names = sum(len(n) for n in names) > 70  # they would run into each other
    ax.set_xticks(x, names, rotation=20 if long_names else 0, ha="right" if long_names else "center")
    low, high = min(down, default=0.0), max(up, default=0.0)
    ax.set_ylim(min(0.0, low * 1.12), max(high * 1.12, 1.0))  # room for the totals above the bars
    ax.set_ylabel(f"cost per month [{currency}]" if currency else "cost per month")
    money_axis(ax.yaxis, currency)
    ax.set_title("cost per month by item (mean over replications)")
    ax.axhline(0, color="black", linewidth=0.6)
    if items:
        if own:  # below the axes, the layout making room for it
            ax.figure.legend(*ax.get_legend_handles_labels(), fontsize=7, ncols=3, loc="outside lower center")
        else:
            below = -0.3 if long_names else -0.1  # under the tick labels
            ax.legend(fontsize=7, ncols=3, loc="upper center", bbox_to_anchor=(0.5, below))
    return ax


def _item_colour(i: int, n: int):
    """Distinct colours for up to 20 items (matplotlib's tab10, then tab20)."""
    from matplotlib import colormaps

    return f"C{i}" if n <= 10 else colormaps["tab20"](i % 20)


def plot_variant_service(cmp: VariantComparison, channel: str = "all", ax: Axes | None = None) -> Axes:
    """Service level and answer rate of every variant, with 95 % confidence intervals.

    A KPI no variant has (the answer rate of email, or of ``all`` where real-time channels
    and email are mixed: docs/kpis.md) is neither drawn nor in the legend; the title says so.

    Parameters
    ----------
    cmp : ccsim.variants.VariantComparison
        A comparison from :func:`ccsim.compare_variants`.
    channel : str, default "all"
        The channel (``all``: every channel together).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        One bar per variant and KPI drawn; the legend names exactly the KPIs drawn.
    """
    ax = _axes(ax)
    rows = [r.result.channel(channel) for r in cmp.runs]
    kpis = [
        (kpi, label)
        for kpi, label in (("service_level", "service level"), ("answer_rate", "answer rate"))
        if any(row[kpi] is not None and math.isfinite(row[kpi]) for row in rows)
    ]
    left_out = [
        label
        for kpi, label in (("service_level", "service level"), ("answer_rate", "answer rate"))
        if (kpi, label) not in kpis
    ]
    width = 0.76 / max(1, len(kpis))
    for k, (kpi, label) in enumerate(kpis):
        y = [_nan(row[kpi]) for row in rows]
        e = [row[f"{kpi}_ci95"] or 0.0 for row in rows]
        x = [i + (k - (len(kpis) - 1) / 2) * width for i in range(len(rows))]
        ax.bar(x, y, width=width, yerr=e, capsize=3, label=label, color=f"C{k}")
    ax.set_xticks(range(len(cmp.runs)), [r.name for r in cmp.runs])
    ax.set_xlim(-0.5, len(cmp.runs) - 0.5)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share (mean, 95 % CI)")
    where = "all channels" if channel == "all" else channel
    title = " and ".join(label for _, label in kpis) or "service level"
    note = ""
    if left_out:
        why = "real-time channels mixed with email or SNS" if channel == "all" else f"none for {channel}"
        note = f" (no {' or '.join(left_out)}: {why})"
    ax.set_title(f"{title}, {where}{note}")
    if kpis:
        ax.legend(fontsize=8, loc="lower right")
    return ax


def plot_variant_intervals(cmp: VariantComparison, channel: str | None = None, ax: Axes | None = None) -> Axes:
    """Per-interval service level of every variant on one axis.

    Parameters
    ----------
    cmp : ccsim.variants.VariantComparison
        A comparison from :func:`ccsim.compare_variants`.
    channel : str, optional
        The channel (default: the first).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).
    """
    ax = _axes(ax)
    first = cmp.runs[0].result
    channel = first.channel_names[0] if channel is None else channel
    if channel not in first.channel_names:
        raise KeyError(f"no channel {channel!r} (channels: {', '.join(first.channel_names)})")
    times = None
    for r in cmp.runs:
        lines = _draw(ax, r.result.intervals, "channel", channel, "service_level", r.result, r.name, weekly=False)
        times = lines or times
    for t in first.targets:
        if t.channel == channel and t.kpi == "service_level":
            ax.axhline(t.target, color="black", linestyle="--", linewidth=1, label=f"target {t.target:.0%}")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("service level")
    which = "every variant" if len(cmp.runs) > 1 else cmp.runs[0].name
    ax.set_title(f"{channel}: service level {'of an average day' if _long(first) else 'per interval'}, {which}")
    ax.legend(fontsize=8)
    _time_axis(ax, first, times, weekly=False)
    return ax


def figure_png(ax: Axes) -> bytes:
    """The figure of ``ax`` as PNG bytes (no timestamp: the same result gives the same bytes)."""
    buf = io.BytesIO()
    fig = ax.figure.figure  # the root Figure (ax.figure is a SubFigure for an axes of one)
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()
