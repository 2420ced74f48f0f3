"""The plot of a staffing plan: planned, analytic and SIPP agents per interval, and the service level."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ccsim.outputs.plots.figures import axes
from ccsim.outputs.plots.result import series, time_axis

if TYPE_CHECKING:
    from ccsim.planning import Plan

__all__ = ["plot_plan"]


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
        ax = axes(ax)
        _plan_panel(ax, plan, groups)
        time_axis(ax, plan.result, None)
        return ax
    fig = Figure(figsize=(10, 1.2 + 2.6 * len(groups)), layout="constrained")
    panels = fig.subplots(len(groups), 1, sharex=True, squeeze=False)[:, 0]
    for panel, g in zip(panels, groups, strict=True):
        _plan_panel(panel, plan, [g])
        panel.set_title("")  # the figure's title says what every panel shows
        panel.set_title(g, fontsize=10, loc="left")
    time_axis(panels[-1], plan.result, None)
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
        _, y, _ = series(plan.result.intervals, "channel", name, "service_level")
        color = f"C{(first + i) % 10}"
        sl.plot(x, y, marker=".", markersize=3, linewidth=0.8, alpha=0.7, color=color, label=f"{name} SL")
    sl.set_ylim(0, 1.05)
    sl.set_ylabel("service level (planned)")
    handles, labels = ax.get_legend_handles_labels()
    more, more_labels = sl.get_legend_handles_labels()
    ncols = 1 if len(handles) + len(more) <= 6 else 3
    ax.legend(handles + more, labels + more_labels, fontsize=7, loc="lower center", ncols=ncols)
