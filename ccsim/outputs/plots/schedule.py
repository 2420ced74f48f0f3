"""The coverage plot of a shift schedule (matplotlib; ``ax=None`` makes a new figure, no pyplot state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes

from ccsim.outputs.plots.figures import axes

if TYPE_CHECKING:
    from ccsim.planning.shifts import Schedule

__all__ = ["plot_coverage"]


def plot_coverage(schedule: Schedule, ax: Axes | None = None) -> Axes:
    """Agents on duty against the requirement per interval, over- and under-cover shaded.

    Parameters
    ----------
    schedule : ccsim.planning.Schedule
        A schedule from :func:`ccsim.planning.schedule`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes(ax)
    # each interval drawn over its width: the last value repeated at the end, so it shows too
    x = np.arange(len(schedule.labels) + 1)
    req = np.append(schedule.required, schedule.required[-1:])
    on = np.append(schedule.on_duty.astype(float), schedule.on_duty[-1:])
    ax.step(x, req, where="post", color="black", linewidth=1.2, label="required")
    ax.step(x, on, where="post", color="C0", linewidth=1.6, label="on duty")
    ax.fill_between(x, req, on, where=on >= req, step="post", color="C2", alpha=0.3, label="over")
    ax.fill_between(x, req, on, where=on < req, step="post", color="C3", alpha=0.5, label="under")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("agents")
    ax.set_title(
        f"shift coverage: {schedule.shift_count} shifts, {schedule.paid_hours:,.1f} paid hours, "
        f"over {schedule.over_hours:,.1f} / under {schedule.under_hours:,.1f} agent-hours"
    )
    # tick the first interval of each day (or every few intervals within one day)
    days = [label.rpartition(" ")[0] for label in schedule.labels]
    firsts = [i for i in range(len(days)) if i == 0 or days[i] != days[i - 1]]
    if len(firsts) > 1:
        ax.set_xticks(firsts, [schedule.labels[i] for i in firsts], fontsize=8)
    else:
        ticks = np.arange(len(schedule.labels))
        step = max(1, len(ticks) // 12)
        ax.set_xticks(ticks[::step], [schedule.labels[i].rpartition(" ")[2] for i in ticks[::step]], fontsize=8)
    ax.legend(fontsize=8, loc="upper right")
    return ax
