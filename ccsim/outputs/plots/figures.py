"""What every plot shares: new axes, a cost axis, a figure as PNG bytes."""

from __future__ import annotations

import io
import itertools
import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

__all__ = ["axes", "figure_png", "money_axis"]


def axes(ax: Axes | None) -> Axes:
    """``ax``, or the axes of a new figure (10 x 4.5 inches, constrained layout; no pyplot state)."""
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


def figure_png(ax: Axes) -> bytes:
    """The figure of ``ax`` as PNG bytes (no timestamp: the same result gives the same bytes)."""
    buf = io.BytesIO()
    fig = ax.figure.figure  # the root Figure (ax.figure is a SubFigure for an axes of one)
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()
