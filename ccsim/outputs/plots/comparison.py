"""Plots of a comparison of variants: costs by item, service with CIs, service level per interval."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ccsim.outputs.plots.figures import axes, money_axis
from ccsim.outputs.plots.result import draw_kpi, long_run, none_nan, time_axis

if TYPE_CHECKING:
    from ccsim.variants import VariantComparison

__all__ = ["plot_variant_costs", "plot_variant_intervals", "plot_variant_service"]


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
    ax = axes(ax)
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
        y = [none_nan(row[kpi]) for row in rows]
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
    ax = axes(ax)
    first = cmp.runs[0].result
    channel = first.channel_names[0] if channel is None else channel
    if channel not in first.channel_names:
        raise KeyError(f"no channel {channel!r} (channels: {', '.join(first.channel_names)})")
    times = None
    for r in cmp.runs:
        lines = draw_kpi(ax, r.result.intervals, "channel", channel, "service_level", r.result, r.name, weekly=False)
        times = lines or times
    for t in first.targets:
        if t.channel == channel and t.kpi == "service_level":
            ax.axhline(t.target, color="black", linestyle="--", linewidth=1, label=f"target {t.target:.0%}")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("service level")
    which = "every variant" if len(cmp.runs) > 1 else cmp.runs[0].name
    ax.set_title(f"{channel}: service level {'of an average day' if long_run(first) else 'per interval'}, {which}")
    ax.legend(fontsize=8)
    time_axis(ax, first, times, weekly=False)
    return ax
