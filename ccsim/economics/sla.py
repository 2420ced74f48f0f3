"""Vendor SLAs judged per billing period: which contacts each vendor received, and whether it kept its promises.

A billing period is one replication: the replication's measured horizon, scaled to a month,
stands for one billing month (docs/costs.md). The SLA is judged on that replication's counts
of the contacts the vendor received, pooled over its channels: answered / offered, answered
within the channel's answer target / offered, and the waits of the answered contacts; the
answer rate and ASA over the vendor's voice and chat channels only, when it has some (an
email backlog's hours would swamp the seconds of a queue).

The engines count, per vendor, every contact routed or overflowed to it (whole channel,
share, outside hours, overflow), answered by its agents (within the channel's answer target,
and the wait from the vendor offer), lost to hang-ups while waiting for it, and taken back (an
overflowed contact answered in-house after all: not the vendor's). Results built without
those sums fall back on the (channel, interval) cells in which the vendor receives every
contact of the channel (:func:`sla_scope`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from ccsim.engine.totals import CH_STATS, VENDOR_STATS
from ccsim.results import TARGET_SLACK, SimulationResult
from ccsim.scenario import REALTIME_KINDS, Scenario

__all__ = ["SlaOutcome", "breach_probability", "judge_sla", "sla_scope"]

_C = {name: i for i, name in enumerate(CH_STATS)}
_V = {name: i for i, name in enumerate(VENDOR_STATS)}


@dataclass(frozen=True, eq=False)
class SlaOutcome:
    """One vendor's SLA in every billing period (replication).

    Attributes
    ----------
    vendor : str
        Vendor name.
    promises : dict
        ``{min_answer_rate | min_service_level | max_asa_s: value}`` as the scenario gives them.
    judged : numpy.ndarray
        Bool per replication: the vendor received contacts in scope (an SLA with nothing to
        judge is neither breached nor rewarded).
    breached : numpy.ndarray
        Bool per replication: a promise was missed.
    answer_rate, service_level, asa_s : numpy.ndarray
        The vendor's figures per replication over the contacts in scope (NaN: undefined).
    offered : numpy.ndarray
        Contacts in scope per replication.
    scope : dict
        ``{channel: how the scope was chosen}`` (``every interval``, ``intervals without an
        in-house agent on duty``, or ``not judged: ...``).
    """

    vendor: str
    promises: dict[str, float]
    judged: np.ndarray = field(repr=False)
    breached: np.ndarray = field(repr=False)
    answer_rate: np.ndarray = field(repr=False)
    service_level: np.ndarray = field(repr=False)
    asa_s: np.ndarray = field(repr=False)
    offered: np.ndarray = field(repr=False)
    scope: dict[str, str] = field(default_factory=dict)

    @property
    def breach_probability(self) -> tuple[float | None, float | None, float | None]:
        """Share of billing periods breached and its exact 95 % interval: ``(p, low, high)``."""
        return breach_probability(self.breached, self.judged)


def breach_probability(breached: np.ndarray, judged: np.ndarray | None = None) -> tuple:
    """Share of breached periods among the judged ones, with the Clopper-Pearson 95 % interval.

    The exact binomial interval, not the Student t one of the KPIs: a share of 0 out of 20
    periods still has an upper bound above 0 (0.168). ``(None, None, None)`` with no period
    judged.
    """
    breached = np.asarray(breached, dtype=bool)
    judged = np.ones_like(breached) if judged is None else np.asarray(judged, dtype=bool)
    n = int(judged.sum())
    if n == 0:
        return None, None, None
    k = int((breached & judged).sum())
    low = 0.0 if k == 0 else float(stats.beta.ppf(0.025, k, n - k + 1))
    high = 1.0 if k == n else float(stats.beta.ppf(0.975, k + 1, n - k))
    return k / n, low, high


def _closed(result: SimulationResult, scenario: Scenario, channel: str) -> np.ndarray:
    """Per interval: no in-house agent of the channel's entry queue is on duty."""
    able = [
        (name, g)
        for name, g in scenario.agent_groups.items()
        if g.vendor is None and any(s.split("/", 1)[0] == channel for s in g.skills)
    ]
    n = len(result.interval_labels)
    if not able:
        return np.ones(n, dtype=bool)
    tier = min(g.tier for _, g in able)
    on_duty = sum(np.asarray(result.staffing[name], dtype=np.int64) for name, g in able if g.tier == tier)
    return np.asarray(on_duty) == 0


def sla_scope(result: SimulationResult, scenario: Scenario) -> dict[str, tuple[np.ndarray, dict[str, str]]]:
    """Which (channel, interval) cells hold only contacts sent to each vendor.

    Vendor rules are applied per channel in file order, the first that applies deciding, as
    the routing does: ``whole_channel`` takes every interval not taken yet; ``outside_hours``
    and ``overflow`` take the intervals without an in-house agent on duty (an ``overflow``
    vendor's contacts in the other intervals are shared with the in-house desk and left out);
    ``share`` takes no cell (its contacts are mixed with in-house ones in every cell), and a
    later rule of that channel is left out too.

    Returns
    -------
    dict
        ``{vendor: (mask of shape (channels, intervals), {channel: how})}``.
    """
    n = len(result.interval_labels)
    out = {v: (np.zeros((len(result.channel_names), n), dtype=bool), {}) for v in scenario.vendors}
    for c, channel in enumerate(result.channel_names):
        remaining = np.ones(n, dtype=bool)
        mixed = False
        for v, vendor in scenario.vendors.items():
            if channel not in vendor.routing.channels:
                continue
            mask, how = out[v]
            mode = vendor.routing.mode
            if mixed:
                how[channel] = "not judged: an earlier share rule mixes its contacts"
                continue
            if mode == "whole_channel":
                mask[c] = remaining
                how[channel] = "every interval" if remaining.all() else "the intervals not taken by earlier vendors"
                remaining = np.zeros(n, dtype=bool)
            elif mode in ("outside_hours", "overflow"):
                closed = _closed(result, scenario, channel)
                mask[c] = remaining & closed
                how[channel] = "intervals without an in-house agent on duty"
                if mode == "overflow":
                    how[channel] += " (contacts overflowed while in-house agents are on duty are not counted)"
                    remaining = np.zeros(n, dtype=bool)
                else:
                    remaining &= ~closed
            else:  # share
                how[channel] = "not judged: share routing mixes the vendor's contacts with in-house ones"
                mixed = True
    return out


def _vendor_counts(result: SimulationResult, vendor: str) -> dict[str, np.ndarray] | None:
    """Per replication, what a vendor was sent and did (the engines' per-vendor sums), or None."""
    if result.vendor_sums is None or vendor not in result.vendor_names:
        return None
    v = result.vendor_sums[:, result.vendor_names.index(vendor)]  # (replications, channels, intervals, stats)
    v = v * result.measured[None, None, :, None]
    realtime = np.array([result.channel_kinds[ch] in REALTIME_KINDS for ch in result.channel_names])
    sent = v[..., _V["offered"]] - v[..., _V["taken_back"]]  # an overflowed contact answered in-house: not the vendor's
    rt = realtime if (sent[:, realtime].sum() > 0 if realtime.any() else False) else np.ones_like(realtime)
    return {
        "offered": sent.sum(axis=(1, 2)),
        "within": v[..., _V["answered_within"]].sum(axis=(1, 2)),
        "rt_offered": sent[:, rt].sum(axis=(1, 2)),
        "answered": v[:, rt][..., _V["answered"]].sum(axis=(1, 2)),
        "wait": v[:, rt][..., _V["wait_answered_s"]].sum(axis=(1, 2)),
    }


def judge_sla(result: SimulationResult, scenario: Scenario) -> dict[str, SlaOutcome]:
    """Every vendor SLA in every replication (billing period); vendors without an SLA are left out.

    The counts are the engines' per-vendor sums: every contact routed or overflowed to the
    vendor (an overflowed contact answered in-house after all is left out), its waits counted
    from the vendor offer. (Results without them, built by hand, fall back on the channel
    cells in which the vendor receives every contact: :func:`sla_scope`.)
    """
    scopes = sla_scope(result, scenario)
    sums = result.channel_sums  # (replications, channels, intervals, stats)
    out = {}
    for v, vendor in scenario.vendors.items():
        sla = vendor.sla
        if sla is None:
            continue
        mask, how = scopes[v]
        cells = mask & result.measured[None, :]
        # answer rate and ASA over the real-time channels only when the vendor has some (as
        # the all row of kpis.md: no averaging of seconds with an email backlog's hours)
        realtime = np.array([result.channel_kinds[ch] in REALTIME_KINDS for ch in result.channel_names])
        rt_cells = cells & realtime[:, None] if (cells & realtime[:, None]).any() else cells
        counts = _vendor_counts(result, v)
        if counts is not None:
            offered, within, rt_offered = counts["offered"], counts["within"], counts["rt_offered"]
            answered, wait = counts["answered"], counts["wait"]
            how = {
                ch: "every contact sent to the vendor (routed or overflowed; taken back ones left out)"
                for ch in vendor.routing.channels
            }
        else:
            offered = (sums[..., _C["offered"]] * cells).sum(axis=(1, 2))
            within = (sums[..., _C["answered_within"]] * cells).sum(axis=(1, 2))
            rt_offered = (sums[..., _C["offered"]] * rt_cells).sum(axis=(1, 2))
            answered = (sums[..., _C["answered"]] * rt_cells).sum(axis=(1, 2))
            wait = (sums[..., _C["wait_answered_s"]] * rt_cells).sum(axis=(1, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            answer_rate = np.where(rt_offered > 0, answered / np.maximum(rt_offered, 1), np.nan)
            service_level = np.where(offered > 0, within / np.maximum(offered, 1), np.nan)
            asa = np.where(answered > 0, wait / np.maximum(answered, 1), np.nan)
        judged = offered > 0
        breached = np.zeros(len(offered), dtype=bool)
        promises = {}
        if sla.min_answer_rate is not None:
            promises["min_answer_rate"] = sla.min_answer_rate
            breached |= judged & (rt_offered > 0) & (answer_rate < sla.min_answer_rate - TARGET_SLACK)
        if sla.min_service_level is not None:
            promises["min_service_level"] = sla.min_service_level
            breached |= judged & (service_level < sla.min_service_level - TARGET_SLACK)
        if sla.max_asa_s is not None:
            promises["max_asa_s"] = sla.max_asa_s
            # nobody answered at all: the ASA promise is missed too
            breached |= judged & (rt_offered > 0) & ((answered == 0) | (asa > sla.max_asa_s * (1 + TARGET_SLACK)))
        out[v] = SlaOutcome(v, promises, judged, breached, answer_rate, service_level, asa, offered, dict(how))
    return out
