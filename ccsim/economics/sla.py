"""Vendor SLAs judged per billing month: which contacts each vendor received, and whether it kept its promises.

A billing period is a month of contacts: a billing month composed of whole simulated days
(:mod:`ccsim.economics.months`, docs/costs.md). The SLA is judged on that month's counts of
the contacts the vendor received, pooled over its voice and chat channels when it has some
(else over all its channels: an email backlog's hours would swamp the seconds of a queue, and
an answer time in seconds is not an email's): answered / offered, answered within the SLA's
own answer time (else the channel's) / offered (or / answered, as the contract says;
hang-ups within its short-abandon allowance left out), and the waits of the answered
contacts.

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

from ccsim.economics.months import BillingMonths, billing_months
from ccsim.results import TARGET_SLACK, SimulationResult
from ccsim.scenario import REALTIME_KINDS, Scenario

__all__ = ["SlaOutcome", "breach_probability", "judge_sla", "sla_scope"]


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
        Bool per billing month: the vendor received contacts in scope (an SLA with nothing to
        judge is neither breached nor rewarded).
    breached : numpy.ndarray
        Bool per billing month: a promise was missed.
    answer_rate, service_level, asa_s : numpy.ndarray
        The vendor's figures per billing month over the contacts in scope (NaN: undefined).
    offered : numpy.ndarray
        Contacts in scope per billing month (short abandons left out).
    scope : dict
        ``{channel: how the scope was chosen}`` (``every interval``, ``intervals without an
        in-house agent on duty``, or ``not judged: ...``).
    terms : dict
        How it is judged: ``answer_within_s`` (``{"all": s}`` for the SLA's own answer time,
        else ``{channel: s}``), ``service_level_basis`` (``offered`` or ``answered``) and
        ``short_abandon_s`` (None: every hang-up counts).
    breach_ci95 : tuple of float or None
        The 95 % interval of the breach probability (see :attr:`breach_probability`).
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
    terms: dict = field(default_factory=dict)
    breach_ci95: tuple[float, float] | None = None

    @property
    def breach_probability(self) -> tuple[float | None, float | None, float | None]:
        """Share of billing months breached and its 95 % interval: ``(p, low, high)``.

        The interval is :attr:`breach_ci95` when the months were judged by :func:`judge_sla`
        (the wider of the exact binomial interval and a bootstrap over replications), else
        the exact binomial one.
        """
        p, low, high = breach_probability(self.breached, self.judged)
        if p is not None and self.breach_ci95 is not None:
            low, high = self.breach_ci95
        return p, low, high


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
    out: dict[str, tuple[np.ndarray, dict[str, str]]] = {
        v: (np.zeros((len(result.channel_names), n), dtype=bool), {}) for v in scenario.vendors
    }
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


def _vendor_counts(
    result: SimulationResult, vendor: str, judged: tuple[str, ...] | None = None
) -> dict[str, np.ndarray] | None:
    """Per replication and interval, what a vendor was sent and did (the engines' per-vendor sums), or None.

    ``judged``: the channels the SLA names; default its voice and chat channels when it was
    sent some, else all.
    """
    if result.vendor_sums is None or vendor not in result.vendor_names:
        return None

    def v(stat: str) -> np.ndarray:  # (replications, channels, intervals)
        return result.vendor_stat(stat, vendor)

    realtime = np.array([result.channel_kinds[ch] in REALTIME_KINDS for ch in result.channel_names])
    sent = v("offered") - v("taken_back")  # an overflowed contact answered in-house: not the vendor's
    short = v("abandoned_short")
    rt = realtime if (sent[:, realtime].sum() > 0 if realtime.any() else False) else np.ones_like(realtime)
    if judged is not None:
        rt = np.array([ch in judged for ch in result.channel_names])
    return {
        "offered": sent.sum(axis=1),
        "short": short.sum(axis=1),
        "within": v("answered_within")[:, rt].sum(axis=1),
        "answered_all": v("answered")[:, rt].sum(axis=1),
        "rt_offered": sent[:, rt].sum(axis=1),
        "rt_short": short[:, rt].sum(axis=1),
        "answered": v("answered")[:, rt].sum(axis=1),
        "wait": v("wait_answered_s")[:, rt].sum(axis=1),
    }


def _cell_counts(result: SimulationResult, cells: np.ndarray) -> dict[str, np.ndarray]:
    """Per replication and interval, the channel sums of the (channel, interval) cells in scope."""
    realtime = np.array([result.channel_kinds[ch] in REALTIME_KINDS for ch in result.channel_names])
    rt_cells = cells & realtime[:, None] if (cells & realtime[:, None]).any() else cells

    def total(stat: str, where: np.ndarray) -> np.ndarray:
        return (result.channel_stat(stat) * where).sum(axis=1)

    offered = total("offered", cells)  # (replications, intervals)
    zero = np.zeros(offered.shape)
    return {
        "offered": offered,
        "short": zero,
        "within": total("answered_within", rt_cells),
        "answered_all": total("answered", rt_cells),
        "rt_offered": total("offered", rt_cells),
        "rt_short": zero,
        "answered": total("answered", rt_cells),
        "wait": total("wait_answered_s", rt_cells),
    }


@dataclass(frozen=True)
class _Figures:
    judged: np.ndarray
    breached: np.ndarray
    answer_rate: np.ndarray
    service_level: np.ndarray
    asa_s: np.ndarray
    offered: np.ndarray


def _judge(sla, month: dict[str, np.ndarray]) -> _Figures:
    """The SLA's figures and verdict in each billing month, from that month's counts.

    Counted over the channels in the SLA's scope (``rt_``: its channels, else the vendor's
    voice and chat ones when it has some); short abandons do not count, by contract.
    """
    rt_offered = month["rt_offered"] - month["rt_short"]
    answered, within, wait = month["answered"], month["within"], month["wait"]
    # like the answer rate and ASA, over the voice and chat channels when the vendor has some
    over = month["answered_all"] if sla.service_level_basis == "answered" else rt_offered
    with np.errstate(invalid="ignore", divide="ignore"):
        answer_rate = np.where(rt_offered > 0, answered / np.where(rt_offered > 0, rt_offered, 1.0), np.nan)
        service_level = np.where(over > 0, within / np.where(over > 0, over, 1.0), np.nan)
        asa = np.where(answered > 0, wait / np.where(answered > 0, answered, 1.0), np.nan)
    judged = rt_offered > 1e-9  # contacts in the SLA's scope, short abandons left out
    breached = np.zeros(len(rt_offered), dtype=bool)
    if sla.min_answer_rate is not None:
        breached |= judged & (rt_offered > 0) & (answer_rate < sla.min_answer_rate - TARGET_SLACK)
    if sla.min_service_level is not None:
        breached |= judged & (over > 0) & (service_level < sla.min_service_level - TARGET_SLACK)
    if sla.max_asa_s is not None:
        # nobody answered at all: the ASA promise is missed too
        breached |= judged & (rt_offered > 0) & ((answered <= 0) | (asa > sla.max_asa_s * (1 + TARGET_SLACK)))
    return _Figures(judged, breached, answer_rate, service_level, asa, rt_offered)


#: Resamples of the replications behind the breach probability's bootstrap interval.
BOOTSTRAP_RESAMPLES = 200


def judge_sla(
    result: SimulationResult, scenario: Scenario, months: BillingMonths | None = None
) -> dict[str, SlaOutcome]:
    """Every vendor SLA in every billing month; vendors without an SLA are left out.

    The counts are the engines' per-vendor sums: every contact routed or overflowed to the
    vendor (an overflowed contact answered in-house after all is left out), its waits counted
    from the vendor offer, answers within the SLA's own ``answer_within_s`` (else the
    channel's). (Results without them, built by hand, fall back on the channel cells in which
    the vendor receives every contact: :func:`sla_scope`.) They are summed over each composed
    billing month (:class:`ccsim.economics.months.BillingMonths`) and judged there.
    """
    months = billing_months(result, scenario) if months is None else months
    scopes = sla_scope(result, scenario)
    out = {}
    for v, vendor in scenario.vendors.items():
        sla = vendor.sla
        if sla is None:
            continue
        mask, how = scopes[v]
        counts = _vendor_counts(result, v, sla.channels)
        if counts is not None:
            how = {
                ch: "every contact sent to the vendor (routed or overflowed; taken back ones left out)"
                for ch in vendor.routing.channels
            }
        else:
            cells = mask & result.measured[None, :]
            if sla.channels:
                cells = cells & np.array([ch in sla.channels for ch in result.channel_names])[:, None]
            counts = _cell_counts(result, cells)
        per_day = {name: months.per_day(values) for name, values in counts.items()}
        figures = _judge(sla, {name: months.compose_days(d) for name, d in per_day.items()})
        ci = _bootstrap(sla, per_day, months, figures, result.seed)
        promises = {
            name: getattr(sla, name)
            for name in ("min_answer_rate", "min_service_level", "max_asa_s")
            if getattr(sla, name) is not None
        }
        out[v] = SlaOutcome(
            v,
            promises,
            figures.judged,
            figures.breached,
            figures.answer_rate,
            figures.service_level,
            figures.asa_s,
            figures.offered,
            dict(how),
            terms=_terms(sla, scenario, vendor),
            breach_ci95=ci,
        )
    return out


def _terms(sla, scenario: Scenario, vendor) -> dict:
    """How the SLA is judged: its answer time (its own, else each channel's), basis, short abandons."""
    answer = (
        {"all": sla.answer_within_s}
        if sla.answer_within_s is not None
        else {ch: scenario.channels[ch].answer_within_s for ch in (sla.channels or vendor.routing.channels)}
    )
    return {
        "answer_within_s": answer,
        "service_level_basis": sla.service_level_basis,
        "short_abandon_s": sla.short_abandon_s,
        "channels": list(sla.channels) if sla.channels else None,
    }


def _bootstrap(sla, per_day: dict, months: BillingMonths, figures: _Figures, seed: int) -> tuple[float, float] | None:
    """95 % interval of the breach probability: the wider of the exact binomial one and a bootstrap.

    Composed billing months share simulated days when the run is shorter than a month, so
    they are not independent; resampling the replications (their days whole) and composing
    the months again shows how much the share of breached months would vary.
    """
    p, low, high = breach_probability(figures.breached, figures.judged)
    if p is None:
        return None
    n = len(figures.judged)
    if n > 1:
        rng = np.random.default_rng([int(seed), 0x51A])
        shares = []
        for _ in range(BOOTSTRAP_RESAMPLES):
            again = months.resampled(rng.integers(0, n, size=n))
            f = _judge(sla, {name: again.compose_days(d) for name, d in per_day.items()})
            if f.judged.any():
                shares.append(float((f.breached & f.judged).sum() / f.judged.sum()))
        if shares:
            low = min(low, float(np.quantile(shares, 0.025)))
            high = max(high, float(np.quantile(shares, 0.975)))
    return low, high
