"""KPIs from simulation aggregates: per interval, channel, agent group and overall.

Every KPI is defined once, here and in ``docs/kpis.md``. Each is computed within each
replication (a ratio of that replication's sums) and then summarised over replications as a
mean with a 95 % confidence interval (Student t). Intervals that start inside the warm-up are
left out of the channel, group and overall figures (and flagged in the interval tables).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from ccsim.model import CH_STATS, GROUP_STATS, WAIT_BIN_EDGES

__all__ = ["CHANNEL_KPIS", "GROUP_KPIS", "channel_kpis", "group_kpis", "summarise", "wait_quantile"]

_C = {name: i for i, name in enumerate(CH_STATS)}
_G = {name: i for i, name in enumerate(GROUP_STATS)}

#: KPIs of a channel (or of all channels together), in report order.
CHANNEL_KPIS = (
    "offered",
    "answered",
    "abandoned",
    "answer_rate",
    "abandon_rate",
    "service_level",
    "asa_s",
    "mean_wait_all_s",
    "wait_p90_s",
    "aht_s",
    "first_contact_resolution",
    "resolution_rate",
    "escalation_rate",
    "recontact_rate",
    "containment_rate",
    "mean_queue_len",
    "backlog_end",
    "waiting_at_end",
    "in_service_at_end",
)
#: KPIs of an agent group (or of all groups together).
GROUP_KPIS = (
    "handled",
    "aht_s",
    "transfer_asa_s",
    "occupancy",
    "contacts_per_agent_hour",
    "agent_hours_on_duty",
    "agent_hours_paid",
    "agent_hours_present",
    "resolution_rate",
    "escalation_rate",
)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def wait_quantile(hist: np.ndarray, q: float) -> np.ndarray:
    """Quantile of waits from histograms over the last axis (linear within a bin).

    Parameters
    ----------
    hist : numpy.ndarray
        Counts per bin of ``WAIT_BIN_EDGES`` along the last axis.
    q : float
        The quantile, e.g. 0.9.

    Returns
    -------
    numpy.ndarray
        The quantile in seconds (NaN where there is no count).
    """
    hist = np.asarray(hist, dtype=float)
    total = hist.sum(axis=-1)
    cum = np.cumsum(hist, axis=-1)
    goal = q * total
    idx = np.argmax(cum >= goal[..., None] - 1e-9, axis=-1)
    before = (
        np.take_along_axis(cum, idx[..., None], axis=-1)[..., 0]
        - np.take_along_axis(hist, idx[..., None], axis=-1)[..., 0]
    )
    count = np.take_along_axis(hist, idx[..., None], axis=-1)[..., 0]
    lower = WAIT_BIN_EDGES[idx]
    widths = np.diff(WAIT_BIN_EDGES, append=WAIT_BIN_EDGES[-1])
    width = widths[idx]
    frac = _ratio(goal - before, count)
    out = lower + np.nan_to_num(frac, nan=0.0) * width
    return np.where(total > 0, out, np.nan)


def channel_kpis(sums: np.ndarray, hist: np.ndarray, interval_s: float | np.ndarray) -> dict[str, np.ndarray]:
    """Channel KPIs from summed statistics.

    Parameters
    ----------
    sums : numpy.ndarray
        ``(..., len(CH_STATS))`` sums (any leading shape).
    hist : numpy.ndarray
        ``(..., bins)`` wait histograms with the same leading shape.
    interval_s : float or numpy.ndarray
        Length of the period the sums cover (for the mean queue length).

    Returns
    -------
    dict
        One array per name in ``CHANNEL_KPIS``.
    """

    def c(name: str) -> np.ndarray:
        return sums[..., _C[name]]

    offered, answered, abandoned = c("offered"), c("answered"), c("abandoned")
    return {
        "offered": offered,
        "answered": answered,
        "abandoned": abandoned,
        "answer_rate": _ratio(answered, offered),
        "abandon_rate": _ratio(abandoned, offered),
        "service_level": _ratio(c("answered_within"), offered),
        "asa_s": _ratio(c("wait_answered_s"), answered),
        "mean_wait_all_s": _ratio(c("wait_answered_s") + c("wait_abandoned_s"), answered + abandoned),
        "wait_p90_s": wait_quantile(hist, 0.9),
        "aht_s": _ratio(c("handle_s"), c("handled")),
        "first_contact_resolution": _ratio(c("first_resolved"), c("first_handled")),
        "resolution_rate": _ratio(c("issues_resolved"), c("issues")),
        "escalation_rate": _ratio(c("escalated"), c("handled")),
        "recontact_rate": _ratio(c("repeats"), c("issues")),
        "containment_rate": _ratio(c("contained"), c("contained") + c("issues")),
        "mean_queue_len": c("queue_s") / interval_s,
        "backlog_end": c("backlog_end"),
        "waiting_at_end": c("waiting_at_end"),
        "in_service_at_end": c("in_service_at_end"),
    }


def group_kpis(sums: np.ndarray, shrinkage: np.ndarray | float) -> dict[str, np.ndarray]:
    """Agent-group KPIs from summed statistics ``(..., len(GROUP_STATS))``.

    Parameters
    ----------
    sums : numpy.ndarray
        Summed group statistics.
    shrinkage : float or numpy.ndarray
        The groups' shrinkage (broadcast against the leading shape), for paid hours.

    Returns
    -------
    dict
        One array per name in ``GROUP_KPIS``.
    """

    def g(name: str) -> np.ndarray:
        return sums[..., _G[name]]

    handled = g("handled")
    present_h = g("present_s") / 3600.0
    duty_h = g("scheduled_s") / 3600.0
    return {
        "handled": handled,
        "aht_s": _ratio(g("handle_s"), handled),
        "transfer_asa_s": _ratio(g("transfer_wait_s"), g("transfers_answered")),
        "occupancy": _ratio(g("busy_s"), g("present_s")),
        "contacts_per_agent_hour": _ratio(handled, present_h),
        "agent_hours_on_duty": duty_h,
        "agent_hours_paid": duty_h / (1.0 - np.asarray(shrinkage)),
        "agent_hours_present": present_h,
        "resolution_rate": _ratio(g("resolved"), handled),
        "escalation_rate": _ratio(g("escalated"), handled),
    }


def _mean_ci(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over axis 0 (replications) and the 95 % confidence half-width."""
    values = np.asarray(values, dtype=float)
    valid = ~np.isnan(values)
    n = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(values, axis=0) / np.maximum(n, 1), np.nan)
        dev = np.where(valid, values - mean, 0.0)
        var = (dev**2).sum(axis=0) / np.maximum(n - 1, 1)
        t = stats.t.ppf(0.975, np.maximum(n - 1, 1))
        half = np.where(n > 1, t * np.sqrt(var / np.maximum(n, 1)), np.nan)
    return mean, half


def _py(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def summarise(
    channels: np.ndarray,
    hist: np.ndarray,
    groups: np.ndarray,
    *,
    channel_names: list[str],
    group_names: list[str],
    shrinkage: np.ndarray,
    interval_s: float,
    labels: list[str],
    starts: list[float],
    measured: np.ndarray,
) -> dict[str, list[dict]]:
    """Tidy tables of mean KPIs with 95 % confidence half-widths (``<kpi>_ci95``).

    Parameters
    ----------
    channels : numpy.ndarray
        ``(replications, channels, intervals, stats)``.
    hist : numpy.ndarray
        ``(replications, channels, intervals, bins)``.
    groups : numpy.ndarray
        ``(replications, groups, intervals, stats)``.
    channel_names, group_names : list of str
        Names in array order.
    shrinkage : numpy.ndarray
        Shrinkage per group.
    interval_s : float
        Interval length.
    labels, starts : list
        Interval labels and start times.
    measured : numpy.ndarray
        Boolean per interval: outside the warm-up.

    Returns
    -------
    dict
        ``channels`` (one row per channel, then ``all``), ``groups`` (one per group, then
        ``all``), ``intervals`` (channel x interval) and ``group_intervals`` (group x
        interval); every row a plain dict.
    """
    m = measured.astype(bool)
    period = interval_s * max(int(m.sum()), 1)
    shr = np.asarray(shrinkage, dtype=float)

    def rows(kpis: dict[str, np.ndarray], names: list[str], key: str, order: tuple) -> list[dict]:
        out = []
        for i, name in enumerate(names):
            row: dict[str, object] = {key: name}
            for kpi in order:
                mean, half = _mean_ci(kpis[kpi][:, i])
                row[kpi] = _py(mean)
                row[f"{kpi}_ci95"] = _py(half)
            out.append(row)
        return out

    ch_tot = channels[:, :, m].sum(axis=2)
    last = np.flatnonzero(m)[-1]
    ch_tot[..., _C["backlog_end"]] = channels[:, :, last, _C["backlog_end"]]  # a snapshot, not a sum
    h_tot = hist[:, :, m].sum(axis=2)
    ch_k = channel_kpis(
        np.concatenate([ch_tot, ch_tot.sum(axis=1, keepdims=True)], axis=1),
        np.concatenate([h_tot, h_tot.sum(axis=1, keepdims=True)], axis=1),
        period,
    )
    g_tot = groups[:, :, m].sum(axis=2)
    paid_all = (g_tot[..., _G["scheduled_s"]] / (1 - shr)).sum(axis=1)
    g_k = group_kpis(np.concatenate([g_tot, g_tot.sum(axis=1, keepdims=True)], axis=1), np.append(shr, 0.0))
    g_k["agent_hours_paid"][:, -1] = paid_all / 3600.0

    def table(kpis: dict[str, np.ndarray], names: list[str], key: str, order: tuple) -> list[dict]:
        stats_ = {kpi: _mean_ci(kpis[kpi]) for kpi in order}  # each (names, intervals)
        out = []
        for i, name in enumerate(names):
            for k, label in enumerate(labels):
                row: dict[str, object] = {
                    key: name,
                    "interval": k,
                    "label": label,
                    "start_s": starts[k],
                    "warmup": not bool(m[k]),
                }
                for kpi in order:
                    mean, half = stats_[kpi]
                    row[kpi] = _py(mean[i, k])
                    row[f"{kpi}_ci95"] = _py(half[i, k])
                out.append(row)
        return out

    interval_rows = table(channel_kpis(channels, hist, interval_s), channel_names, "channel", CHANNEL_KPIS)
    group_interval_rows = table(group_kpis(groups, shr[None, :, None]), group_names, "group", GROUP_KPIS)
    return {
        "channels": rows(ch_k, [*channel_names, "all"], "channel", CHANNEL_KPIS),
        "groups": rows(g_k, [*group_names, "all"], "group", GROUP_KPIS),
        "intervals": interval_rows,
        "group_intervals": group_interval_rows,
    }
