"""Parameters of a desk estimated from a cleaned contact log.

:func:`estimate` turns a :class:`ccsim.fit.logs.ContactLog` into :class:`Parameters`: per
channel, arrivals per interval of each day type (:mod:`ccsim.fit.arrivals`), the handle time
and patience distributions (:mod:`ccsim.fit.durations`), redials, self-service, and the
agents seen working per interval; and the observed service per interval, for comparing a
replay with the log. The assumptions:

- **Volume** counts the contacts a scenario's ``volume`` means: those answered, abandoned in
  the queue or resolved by self-service; a redial (see below) is not a new contact, as the
  simulator adds redials itself. Contacts that hung up before the queue are counted apart.
- **Handle time**: the answered contacts' handle times above 0 s. An interval's mean differs
  significantly from the channel's when the z-test of its mean (at least
  :data:`MIN_PER_INTERVAL` contacts) rejects at 5 % after a Bonferroni correction for the
  number of intervals tested.
- **Patience** is censored data: an abandonment's wait is an observed patience; an answered
  contact's wait is a right-censored patience (the customer would have waited at least that
  long; one answered at once, at 0, adds nothing). Censoring is assumed independent of
  patience. Kaplan-Meier gives the survival curve; exponential, lognormal, gamma and Weibull
  are fitted with censoring, chosen by AIC. The simple estimator, total time in queue /
  abandonments, is the exponential's maximum likelihood estimate.
- **Redials** (with a customer id): an abandonment is redialled when the same customer's next
  contact on the same channel arrives within the mapping's ``redial_window_h`` after the
  hang-up; the delay distribution is fitted to those delays (truncated by the window).
  Repeat contacts after an answered contact are reported the same way.
- **Agents seen**: per interval, the distinct agent ids handling a contact of the channel at
  some time in the interval, and the busy agents (handle time inside the interval / interval
  length; a chat agent's concurrent chats add up). They are what the log shows, not the
  staffing a model needs: agents in a real log also do other work.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import stats

from ccsim.fields import WEEKDAYS
from ccsim.fit.arrivals import ChannelArrivals, DayType, channel_arrivals, day_types
from ccsim.fit.durations import DurationFit, fit_durations, kaplan_meier, restricted_mean
from ccsim.fit.logs import ABANDONED, ANSWERED, CONTAINED, ContactLog

__all__ = [
    "MIN_PER_INTERVAL",
    "AgentsSeen",
    "ChannelFit",
    "HandleTime",
    "Observed",
    "Parameters",
    "Patience",
    "Redials",
    "estimate",
]

#: Fewest handle times in an interval for its own mean to be tested.
MIN_PER_INTERVAL = 30
_Z95 = 1.959963984540054


@dataclass(frozen=True)
class HandleTime:
    """A channel's handle time: fitted distributions and the intervals whose mean differs."""

    fit: DurationFit
    zero: int
    interval_mean_s: np.ndarray
    interval_n: np.ndarray
    interval_differs: np.ndarray


@dataclass(frozen=True)
class Patience:
    """A channel's patience from censored waits."""

    fit: DurationFit | None
    abandoned: int
    answered_waiting: int
    answered_at_once: int
    simple_mean_s: float
    simple_mean_ci: tuple[float, float]
    km_times: np.ndarray
    km_survival: np.ndarray
    km_low: np.ndarray
    km_high: np.ndarray
    km_median_s: float
    km_restricted_mean_s: float


@dataclass(frozen=True)
class Redials:
    """Abandoned customers who come back (and answered ones who contact again)."""

    abandoned: int
    redialled: int
    probability: float
    probability_ci: tuple[float, float]
    delay: DurationFit | None
    answered: int
    repeated: int
    repeat_share: float


@dataclass(frozen=True)
class AgentsSeen:
    """Agents seen per interval (24 h grid), average day of each day type."""

    distinct: dict[str, np.ndarray]
    busy: dict[str, np.ndarray]
    max_concurrent: int


@dataclass(frozen=True)
class Observed:
    """The log's service per interval (by arrival), pooled over the dates of each day type.

    ``offered``: contacts per day reaching the queue; the rates are pooled ratios (nan where
    none were offered).
    """

    offered: dict[str, np.ndarray]
    service_level: dict[str, np.ndarray]
    abandon_rate: dict[str, np.ndarray]
    asa_s: dict[str, np.ndarray]
    answer_within_s: float
    total_service_level: float
    total_abandon_rate: float
    total_asa_s: float


@dataclass(frozen=True)
class ChannelFit:
    """Everything estimated for one channel."""

    name: str
    kind: str
    contacts: int
    before_queue: int
    contained: int
    first_attempts: int
    arrivals: ChannelArrivals
    handle: HandleTime | None
    patience: Patience | None
    redials: Redials | None
    self_service_time: DurationFit | None
    agents: AgentsSeen
    observed: Observed

    @property
    def containment(self) -> float:
        """Share of the channel's contacts resolved by self-service."""
        total = self.contacts
        return self.contained / total if total else 0.0


@dataclass(frozen=True)
class Parameters:
    """A desk's parameters estimated from a contact log."""

    interval_min: int
    day_types: tuple[DayType, ...]
    open_weekdays: tuple[str, ...]
    opening_hours: dict[str, tuple[float, float]]
    channels: dict[str, ChannelFit]
    dates_used: int
    first_date: date
    last_date: date
    rows_used: int
    log: ContactLog

    @property
    def intervals_per_day(self) -> int:
        """Intervals in 24 hours."""
        return int(1440 // self.interval_min)

    def day_type_of(self, weekday: int) -> DayType | None:
        """The day type of a weekday (0 Monday), None when closed."""
        return next((t for t in self.day_types if weekday in t.weekdays), None)


def _per_day_interval(log: ContactLog, mask: np.ndarray, n_int: int, weights=None) -> np.ndarray:
    n_days = len(log.day_weekday)
    k = np.minimum((log.arrival_s[mask] - log.day[mask] * 86400.0) // log.interval_s, n_int - 1).astype(np.int64)
    idx = log.day[mask].astype(np.int64) * n_int + k
    w = None if weights is None else weights
    return np.bincount(idx, weights=w, minlength=n_days * n_int).reshape(n_days, n_int)


def _open_gap(log: ContactLog, t0: np.ndarray, t1: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """The part of each gap ``[t0, t1)`` within opening hours (the model counts redial delays so).

    A customer who hangs up at 17:55 and calls back at 09:05 the next morning waited 10 minutes of
    opening hours, not 15 hours. Gaps within one day are kept; weekdays without inferred hours count
    as closed all day.
    """
    hours = log.cleaning.opening_hours
    first = log.first_date.weekday()  # day 0's weekday
    out = gap.copy()
    d0, d1 = (t0 // 86400).astype(np.int64), (t1 // 86400).astype(np.int64)
    for i in np.flatnonzero(d1 > d0):
        total = 0.0
        for d in range(int(d0[i]), int(d1[i]) + 1):
            start, end = hours.get(WEEKDAYS[(first + d) % 7], (0.0, 0.0))
            lo, hi = d * 86400.0 + start, d * 86400.0 + end
            total += max(0.0, min(hi, t1[i]) - max(lo, t0[i]))
        out[i] = total
    return out


def _redial_marks(log: ContactLog) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each contact: is it a redial, and for each abandonment / answer: the delay to the next (nan: none)."""
    n = len(log)
    is_redial = np.zeros(n, dtype=bool)
    delay = np.full(n, np.nan)
    if not log.has_customer:
        return is_redial, delay, np.zeros(n, dtype=bool)
    has = np.flatnonzero(log.customer >= 0)
    order = has[np.lexsort((log.arrival_s[has], log.customer[has], log.channel[has]))]
    same = (log.customer[order[1:]] == log.customer[order[:-1]]) & (log.channel[order[1:]] == log.channel[order[:-1]])
    cur, nxt = order[:-1][same], order[1:][same]
    left = log.arrival_s[cur] + np.nan_to_num(log.self_service_s[cur]) + np.nan_to_num(log.wait_s[cur])
    left = np.where(log.outcome[cur] == ANSWERED, left + np.nan_to_num(log.handle_s[cur]), left)
    gap = log.arrival_s[nxt] - left
    within = (gap >= 0) & (gap <= log.redial_window_s)
    gap = _open_gap(log, left, log.arrival_s[nxt], gap)
    delay[cur[within]] = gap[within]
    is_redial[nxt[within & (log.outcome[cur] == ABANDONED)]] = True
    known = np.zeros(n, dtype=bool)
    known[has] = True
    return is_redial, delay, known


def _agents_seen(log: ContactLog, sel: np.ndarray, n_int: int, types: tuple[DayType, ...]) -> AgentsSeen:
    step = log.interval_s
    n_days = len(log.day_weekday)
    ans = sel & (log.outcome == ANSWERED)
    start = log.arrival_s[ans] + np.nan_to_num(log.self_service_s[ans]) + log.wait_s[ans]
    end = start + log.handle_s[ans]
    agent = log.agent[ans].astype(np.int64)
    k0 = np.floor(start / step).astype(np.int64)
    k1 = np.maximum(np.floor((end - 1e-9) / step).astype(np.int64), k0)
    reps = k1 - k0 + 1
    total = n_days * n_int
    rep_idx = np.repeat(np.arange(len(k0)), reps)
    offsets = np.arange(len(rep_idx)) - np.repeat(np.cumsum(reps) - reps, reps)
    g = k0[rep_idx] + offsets
    overlap = np.minimum(end[rep_idx], (g + 1) * step) - np.maximum(start[rep_idx], g * step)
    inside = g < total
    g, overlap, a = g[inside], overlap[inside], agent[rep_idx][inside]
    busy = np.bincount(g, weights=np.maximum(overlap, 0.0), minlength=total)[:total].reshape(n_days, n_int) / step
    known = a >= 0
    pairs = np.unique(g[known] * (len(log.agents) + 1) + a[known])
    distinct = np.bincount(pairs // (len(log.agents) + 1), minlength=total)[:total].reshape(n_days, n_int)
    used_wd = log.day_weekday[log.days_used]
    d_out, b_out = {}, {}
    for t in types:
        days = log.days_used[np.isin(used_wd, t.weekdays)]
        d_out[t.name] = distinct[days].mean(axis=0) if days.size else np.zeros(n_int)
        b_out[t.name] = busy[days].mean(axis=0) if days.size else np.zeros(n_int)
    # most contacts one agent handled at once (chat)
    most = 1
    if known.any():
        a_all, s_all, e_all = agent[agent >= 0], start[agent >= 0], end[agent >= 0]
        times = np.concatenate([s_all, e_all])
        change = np.concatenate([np.ones(s_all.size), -np.ones(e_all.size)])
        who = np.concatenate([a_all, a_all])
        order = np.lexsort((change, times, who))  # ends before starts at the same time
        level = np.cumsum(change[order])
        most = int(max(1, level.max()))
    return AgentsSeen(d_out, b_out, most)


def _observed(log: ContactLog, sel: np.ndarray, c: int, n_int: int, types: tuple[DayType, ...]) -> Observed:
    target = log.answer_within_s[c]
    queued = sel & ((log.outcome == ANSWERED) | (log.outcome == ABANDONED))
    ans = queued & (log.outcome == ANSWERED)
    offered = _per_day_interval(log, queued, n_int)
    answered = _per_day_interval(log, ans, n_int)
    abandoned = _per_day_interval(log, queued & (log.outcome == ABANDONED), n_int)
    in_target = _per_day_interval(log, ans & (log.wait_s <= target), n_int)
    wait_sum = _per_day_interval(log, ans, n_int, weights=log.wait_s[ans])
    used_wd = log.day_weekday[log.days_used]
    out: dict[str, dict] = {"offered": {}, "sl": {}, "ab": {}, "asa": {}}
    with np.errstate(invalid="ignore", divide="ignore"):
        for t in types:
            days = log.days_used[np.isin(used_wd, t.weekdays)]
            off = offered[days].sum(axis=0)
            out["offered"][t.name] = off / max(days.size, 1)
            out["sl"][t.name] = np.where(off > 0, in_target[days].sum(axis=0) / off, np.nan)
            out["ab"][t.name] = np.where(off > 0, abandoned[days].sum(axis=0) / off, np.nan)
            an = answered[days].sum(axis=0)
            out["asa"][t.name] = np.where(an > 0, wait_sum[days].sum(axis=0) / an, np.nan)
    n_off, n_ans = int(queued.sum()), int(ans.sum())
    return Observed(
        offered=out["offered"],
        service_level=out["sl"],
        abandon_rate=out["ab"],
        asa_s=out["asa"],
        answer_within_s=target,
        total_service_level=float(np.sum(ans & (log.wait_s <= target)) / n_off) if n_off else math.nan,
        total_abandon_rate=float(np.sum(queued & (log.outcome == ABANDONED)) / n_off) if n_off else math.nan,
        total_asa_s=float(np.mean(log.wait_s[ans])) if n_ans else math.nan,
    )


def _handle(log: ContactLog, sel: np.ndarray, n_int: int) -> HandleTime | None:
    ans = sel & (log.outcome == ANSWERED)
    h = log.handle_s[ans]
    positive = h > 0
    fit = fit_durations(h[positive])
    if fit is None:
        return None
    k = np.minimum((log.arrival_s[ans] - log.day[ans] * 86400.0) // log.interval_s, n_int - 1).astype(np.int64)
    k, h = k[positive], h[positive]
    n = np.bincount(k, minlength=n_int)
    s1 = np.bincount(k, weights=h, minlength=n_int)
    s2 = np.bincount(k, weights=h * h, minlength=n_int)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_k = np.where(n > 0, s1 / n, np.nan)
        var_k = np.where(n > 1, (s2 - n * mean_k**2) / (n - 1), np.nan)
        z = (mean_k - h.mean()) / np.sqrt(var_k / n)
    tested = n >= MIN_PER_INTERVAL
    alpha = 0.05 / max(int(tested.sum()), 1)
    differs = tested & (2 * stats.norm.sf(np.abs(np.nan_to_num(z))) < alpha)
    return HandleTime(fit, int((~positive).sum()), mean_k, n, differs)


def _patience(log: ContactLog, sel: np.ndarray) -> Patience | None:
    ab = sel & (log.outcome == ABANDONED)
    an = sel & (log.outcome == ANSWERED)
    obs, cens = log.wait_s[ab], log.wait_s[an]
    total_wait = float(obs.sum() + cens.sum())
    n_ab = int(ab.sum())
    if n_ab == 0:
        simple, ci = math.inf, (math.nan, math.nan)
    else:  # exponential MLE; its CI from the chi-square of 2 * abandonments
        simple = total_wait / n_ab
        ci = (2 * total_wait / stats.chi2.ppf(0.975, 2 * n_ab), 2 * total_wait / stats.chi2.ppf(0.025, 2 * n_ab))
    if obs.size + (cens > 0).sum() == 0:
        return None
    fit = fit_durations(obs, cens) if n_ab >= 2 else None
    if n_ab:
        km = kaplan_meier(np.maximum(obs, 0.0), cens[cens > 0]).sf
        t, p = km.quantiles, km.probabilities
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # undefined at the last observations: nan there
                band = km.confidence_interval(0.95)
            lo, hi = band.low.probabilities, band.high.probabilities
        except (ValueError, FloatingPointError):
            lo, hi = np.full(t.size, np.nan), np.full(t.size, np.nan)
    else:
        t = p = lo = hi = np.zeros(0)
    below = np.flatnonzero(p <= 0.5)
    median = float(t[below[0]]) if below.size else math.nan
    return Patience(
        fit=fit,
        abandoned=n_ab,
        answered_waiting=int((cens > 0).sum()),
        answered_at_once=int((cens <= 0).sum()),
        simple_mean_s=simple,
        simple_mean_ci=ci,
        km_times=t,
        km_survival=p,
        km_low=np.asarray(lo),
        km_high=np.asarray(hi),
        km_median_s=median,
        km_restricted_mean_s=restricted_mean(t, p),
    )


def _wilson(k: int, n: int) -> tuple[float, float]:
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    z2 = _Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _redials(log: ContactLog, sel: np.ndarray, delay: np.ndarray, known: np.ndarray) -> Redials | None:
    if not log.has_customer:
        return None
    ab = sel & (log.outcome == ABANDONED) & known
    an = sel & (log.outcome == ANSWERED) & known
    back = ab & ~np.isnan(delay)
    again = an & ~np.isnan(delay)
    n_ab, n_back = int(ab.sum()), int(back.sum())
    delays = delay[back]
    fit = fit_durations(delays) if delays.size >= 5 else None
    return Redials(
        abandoned=n_ab,
        redialled=n_back,
        probability=n_back / n_ab if n_ab else 0.0,
        probability_ci=_wilson(n_back, n_ab),
        delay=fit,
        answered=int(an.sum()),
        repeated=int(again.sum()),
        repeat_share=float(again.sum() / an.sum()) if an.any() else 0.0,
    )


def estimate(log: ContactLog) -> Parameters:
    """Estimate a desk's parameters from a cleaned contact log.

    Parameters
    ----------
    log : ContactLog
        From :func:`ccsim.fit.read_logs` (exceptional days already left out, unless kept).

    Returns
    -------
    ccsim.fit.Parameters
        Day types and, per channel, arrivals, handle time, patience, redials, self-service,
        agents seen and the observed service per interval.
    """
    n_int = log.intervals_per_day
    is_redial, delay, known = _redial_marks(log)
    counted = (log.outcome == ANSWERED) | (log.outcome == ABANDONED) | (log.outcome == CONTAINED)
    all_counts = _per_day_interval(log, counted & ~is_redial, n_int)
    hours = log.cleaning.opening_hours
    types = day_types(all_counts, log.day_weekday, log.days_used, hours)
    channels = {}
    for c, name in enumerate(log.channels):
        sel = log.channel == c
        first = sel & counted & ~is_redial
        counts = _per_day_interval(log, first, n_int)
        ss = log.self_service_s[sel & ~np.isnan(log.self_service_s) & (log.self_service_s > 0)]
        realtime = log.kinds[c] in ("voice", "chat")
        channels[name] = ChannelFit(
            name=name,
            kind=log.kinds[c],
            contacts=int((sel & counted).sum()),
            before_queue=int((sel & (log.outcome == 2)).sum()),
            contained=int((sel & (log.outcome == CONTAINED)).sum()),
            first_attempts=int(first.sum()),
            arrivals=channel_arrivals(counts, log.day_weekday, log.days_used, types),
            handle=_handle(log, sel, n_int),
            patience=_patience(log, sel) if realtime else None,
            redials=_redials(log, sel, delay, known) if realtime else None,
            self_service_time=fit_durations(ss) if ss.size >= 5 else None,
            agents=_agents_seen(log, sel, n_int, types),
            observed=_observed(log, sel, c, n_int, types),
        )
    return Parameters(
        interval_min=log.interval_min,
        day_types=types,
        open_weekdays=log.cleaning.open_weekdays,
        opening_hours=hours,
        channels=channels,
        dates_used=len(log.days_used),
        first_date=log.cleaning.first_date,
        last_date=log.cleaning.last_date,
        rows_used=len(log),
        log=log,
    )
