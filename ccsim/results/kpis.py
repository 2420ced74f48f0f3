"""KPIs from simulation aggregates: per interval, channel, agent group and overall.

Every KPI is defined once, here and in ``docs/kpis.md``: a function of sums (any leading
shape), so that each is computed within each replication (a ratio of that replication's sums)
and then summarised over replications by :mod:`ccsim.results`.
"""

from __future__ import annotations

import numpy as np

from ccsim.results.layout import CH_STATS, GROUP_STATS, WAIT_BIN_EDGES

__all__ = ["CHANNEL_KPIS", "GROUP_KPIS", "channel_kpis", "group_kpis", "wait_quantile"]

_C = {name: i for i, name in enumerate(CH_STATS)}
_G = {name: i for i, name in enumerate(GROUP_STATS)}

#: KPIs of a channel (or of all channels together), in report order.
CHANNEL_KPIS = (
    "offered",
    "answered",
    "abandoned",
    "answer_rate",
    "abandon_rate",
    "p_wait",
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
    "transfers_offered",
    "transfer_service_level",
    "transfer_asa_s",
    "transfer_abandon_rate",
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


def wait_quantile(hist: np.ndarray, q: float, at_once: np.ndarray | float | None = None) -> np.ndarray:
    """Quantile of waits from histograms, right to the histogram's resolution.

    The quantile is reported as the upper edge of the bin in which it falls (so the true value
    is at most that, and more than the bin's lower edge): resolution 2 s below 2 min, 10 s below
    10 min, 1 min below 1 h, 15 min below a day (``WAIT_BIN_EDGES``); a quantile beyond a day
    is reported as 86,400 s. When at least a share ``q`` of the contacts were answered at once
    (``at_once``), the quantile is exactly 0.

    Parameters
    ----------
    hist : numpy.ndarray
        Counts per bin of ``WAIT_BIN_EDGES`` along the last axis.
    q : float
        The quantile, e.g. 0.9.
    at_once : numpy.ndarray or float, optional
        Contacts answered without waiting (shape of ``hist`` without its last axis).

    Returns
    -------
    numpy.ndarray
        The quantile in seconds (NaN where there is no count).
    """
    hist = np.asarray(hist, dtype=float)
    total = hist.sum(axis=-1)
    cum = np.cumsum(hist, axis=-1)
    goal = q * total
    idx = np.argmax(cum >= goal[..., None] * (1 - 1e-12), axis=-1)
    upper = np.append(WAIT_BIN_EDGES[1:], WAIT_BIN_EDGES[-1])[idx]
    if at_once is not None:
        upper = np.where(np.asarray(at_once, dtype=float) >= goal * (1 - 1e-12), 0.0, upper)
    return np.where(total > 0, upper, np.nan)


def channel_kpis(sums: np.ndarray, hist: np.ndarray | None, interval_s: float | np.ndarray) -> dict[str, np.ndarray]:
    """Channel KPIs from summed statistics.

    Parameters
    ----------
    sums : numpy.ndarray
        ``(..., len(CH_STATS))`` sums (any leading shape).
    hist : numpy.ndarray or None
        ``(..., bins)`` wait histograms with the same leading shape (None: no ``wait_p90_s``).
    interval_s : float or numpy.ndarray
        Length of the period the sums cover (for the mean queue length).

    Returns
    -------
    dict
        One array per name in ``CHANNEL_KPIS`` (``wait_p90_s`` only with ``hist``).
    """

    def c(name: str) -> np.ndarray:
        return sums[..., _C[name]]

    offered, answered, abandoned = c("offered"), c("answered"), c("abandoned")
    kpis: dict[str, np.ndarray] = {
        "offered": offered,
        "answered": answered,
        "abandoned": abandoned,
        "answer_rate": _ratio(answered, offered),
        "abandon_rate": _ratio(abandoned, offered),
        "p_wait": _ratio(offered - c("answered_at_once"), offered),
        "service_level": _ratio(c("answered_within"), offered),
        "asa_s": _ratio(c("wait_answered_s"), answered),
        "mean_wait_all_s": _ratio(c("wait_answered_s") + c("wait_abandoned_s"), answered + abandoned),
    }
    if hist is not None:
        kpis["wait_p90_s"] = wait_quantile(hist, 0.9, c("answered_at_once"))
    kpis |= {
        "aht_s": _ratio(c("handle_s"), c("handled")),
        "first_contact_resolution": _ratio(c("first_resolved"), c("first_handled")),
        "resolution_rate": _ratio(c("issues_resolved"), c("issues")),
        "escalation_rate": _ratio(c("escalated"), c("handled")),
        "recontact_rate": _ratio(c("repeats"), c("issues")),
        "containment_rate": _ratio(c("contained"), c("self_served")),
        "mean_queue_len": c("queue_s") / interval_s,
        "backlog_end": c("backlog_end"),
        "waiting_at_end": c("waiting_at_end"),
        "in_service_at_end": c("in_service_at_end"),
    }
    return kpis


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
        "transfers_offered": g("transfers_offered"),
        "transfer_service_level": _ratio(g("transfers_within"), g("transfers_offered")),
        "transfer_asa_s": _ratio(g("transfer_wait_s"), g("transfers_answered")),
        "transfer_abandon_rate": _ratio(g("transfers_abandoned"), g("transfers_offered")),
        "occupancy": _ratio(g("busy_s"), g("present_s")),
        "contacts_per_agent_hour": _ratio(handled, present_h),
        "agent_hours_on_duty": duty_h,
        "agent_hours_paid": duty_h / (1.0 - np.asarray(shrinkage)),
        "agent_hours_present": present_h,
        "resolution_rate": _ratio(g("resolved"), handled),
        "escalation_rate": _ratio(g("escalated"), handled),
    }
