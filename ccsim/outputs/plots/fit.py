"""Plots of a fit (matplotlib; each function takes ``ax=None`` and returns the axes), and all of them as PNGs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes

from ccsim.outputs.plots.figures import axes, figure_png

if TYPE_CHECKING:
    from ccsim.fit import Fit
    from ccsim.fit.estimate import Parameters
    from ccsim.fit.staffing import Check

__all__ = ["fit_pngs", "plot_arrivals", "plot_check", "plot_handle_time", "plot_patience"]


def _clock_ticks(ax: Axes, interval_min: int, k0: int, k1: int) -> None:
    ticks = list(range(k0, k1 + 1, max(1, (k1 - k0) // 12)))
    ax.set_xticks(ticks, [f"{(k * interval_min) // 60:02d}:{(k * interval_min) % 60:02d}" for k in ticks], fontsize=8)


def plot_arrivals(params: Parameters, channel: str, ax: Axes | None = None) -> Axes:
    """Contacts per interval of the average day of each day type, with 95 % confidence intervals."""
    ax = axes(ax)
    arr = params.channels[channel].arrivals
    for i, (name, values) in enumerate(arr.per_interval.items()):
        x = np.arange(values.size)
        open_ = np.flatnonzero(values > 0)
        if open_.size == 0:
            continue
        k0, k1 = int(open_[0]), int(open_[-1]) + 1
        ax.step(x[k0:k1], values[k0:k1], where="post", color=f"C{i}", label=name)
        ax.fill_between(
            x[k0:k1], arr.ci_low[name][k0:k1], arr.ci_high[name][k0:k1], step="post", color=f"C{i}", alpha=0.2
        )
        _clock_ticks(ax, params.interval_min, k0, k1)
    ax.set_ylabel("contacts per interval")
    ax.set_title(f"{channel}: arrivals of an average day (95 % CI)")
    ax.legend(fontsize=8)
    return ax


def plot_handle_time(params: Parameters, channel: str, ax: Axes | None = None) -> Axes:
    """The handle-time histogram with the fitted densities (the chosen one in bold)."""
    ax = axes(ax)
    ch = params.channels[channel]
    log = params.log
    sel = (log.channel == log.channels.index(channel)) & np.isfinite(log.handle_s) & (log.handle_s > 0)
    values = log.handle_s[sel]
    if ch.handle is None or values.size == 0:
        ax.set_title(f"{channel}: no handle times")
        return ax
    top = float(np.quantile(values, 0.99))
    ax.hist(values[values <= top], bins=60, density=True, color="0.8", label=f"{values.size:,} handled contacts")
    x = np.linspace(top / 400, top, 400)
    for i, f in enumerate(ch.handle.fit.fits):
        ax.plot(x, f.frozen().pdf(x), linewidth=2.2 if i == 0 else 1.0, label=f"{f.dist} (AIC {f.aic:,.0f})")
    ax.set_xlabel("handle time [s]")
    ax.set_ylabel("density")
    ax.set_title(f"{channel}: handle time, fitted by maximum likelihood (best by AIC in bold)")
    ax.legend(fontsize=8)
    return ax


def plot_patience(params: Parameters, channel: str, ax: Axes | None = None) -> Axes:
    """Kaplan-Meier survival of patience with the fitted distributions' survival."""
    ax = axes(ax)
    p = params.channels[channel].patience
    if p is None or p.km_times.size == 0:
        ax.set_title(f"{channel}: no patience (nobody waited)")
        return ax
    ax.step(p.km_times, p.km_survival, where="post", color="black", label="Kaplan-Meier (censored waits)")
    if p.fit is not None:
        x = np.linspace(0, float(p.km_times.max()), 300)
        for i, f in enumerate(p.fit.fits):
            ax.plot(x, f.frozen().sf(x), linewidth=2.2 if i == 0 else 1.0, label=f"{f.dist}, mean {f.mean_s:,.0f} s")
    ax.set_xlabel("time waited [s]")
    ax.set_ylabel("share still waiting (patience survival)")
    ax.set_ylim(0, 1.02)
    ax.set_title(
        f"{channel}: patience, {p.abandoned:,} abandonments, {p.answered_waiting + p.answered_at_once:,} censored"
    )
    ax.legend(fontsize=8)
    return ax


def plot_check(check: Check, channel: str, ax: Axes | None = None) -> Axes:
    """Observed against simulated service level per interval (the simulation with its 95 % CI)."""
    ax = axes(ax)
    rows = [r for r in check.rows if r["channel"] == channel]
    x = np.arange(len(rows))
    obs = [np.nan if r["observed_service_level"] is None else r["observed_service_level"] for r in rows]
    sim = [np.nan if r["simulated_service_level"] is None else r["simulated_service_level"] for r in rows]
    err = [r["service_level_ci95"] or 0.0 for r in rows]
    ax.plot(x, obs, "o-", color="black", markersize=3, label="log")
    ax.errorbar(x, sim, yerr=err, fmt="s", color="C0", markersize=3, capsize=2, label="fitted model (95 % CI)")
    step = max(1, len(rows) // 12)
    ax.set_xticks(
        x[::step], [rows[i]["interval"] for i in range(0, len(rows), step)], rotation=45, ha="right", fontsize=7
    )
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("service level")
    agree = check.agreement(channel)
    ax.set_title(
        f"{channel}: the log against the fitted model, {agree['service_level_agrees']} of {agree['intervals']} "
        f"intervals within {check.sl_points:g} points"
    )
    ax.legend(fontsize=8)
    return ax


def fit_pngs(fit: Fit, check: Check | None = None) -> dict[str, bytes]:
    """The fit's plots as PNG bytes by file name: arrivals, handle time, patience (and the check) per channel."""
    params = fit.parameters
    out: dict[str, bytes] = {}
    for name, ch in params.channels.items():
        out[f"arrivals_{name}.png"] = figure_png(plot_arrivals(params, name))
        if ch.handle is not None:
            out[f"handle_time_{name}.png"] = figure_png(plot_handle_time(params, name))
        if ch.patience is not None:
            out[f"patience_{name}.png"] = figure_png(plot_patience(params, name))
        if check is not None and any(r["channel"] == name for r in check.rows):
            out[f"check_{name}.png"] = figure_png(plot_check(check, name))
    return out
