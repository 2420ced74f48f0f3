"""Exact Erlang B, C and A formulas and the staffing searches built on them.

Conventions (the same everywhere in ccsim, see ``docs/kpis.md``):

* rates are per second, times in seconds; the offered load in Erlangs is
  ``arrival_rate_per_s * aht_s``;
* ``service_level`` is P(answered within ``answer_within_s``) over *all offered* contacts;
* ``asa_s`` is the mean wait of *answered* contacts;
* ``occupancy`` is carried load / agents (0 when there are no agents);
* ``p_wait`` is P(an arrival finds every agent busy).

Every function takes scalars or numpy arrays and broadcasts them, so a whole day of intervals
is sized in one call; results are frozen dataclasses whose fields are floats (all inputs
scalar) or arrays.

Numerics: no factorials. Erlang B is the Poisson ratio ``pmf(n; A) / cdf(n; A)`` with the
log-pmf from Loader's saddle-point form (accurate to a few ulps for any size) and, deep in
overload where the cdf underflows, Lentz's continued fraction for the incomplete gamma
function. Erlang A solves the stationary birth-death chain of M/M/n+M exactly: the states up
to ``n`` are summed in closed form through Erlang B, the queue states are enumerated until a
geometric bound on the neglected probability mass falls below ``1e-15`` of the total.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from ccsim.checks import fraction, nonnegative, positive, whole
from ccsim.errors import CcsimError

__all__ = [
    "ErlangAMetrics",
    "ErlangBMetrics",
    "ErlangCMetrics",
    "StaffingResult",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "required_agents",
    "required_trunks",
    "scheduled_agents",
]

#: Relative bound on the probability mass the Erlang A truncation may neglect.
TRUNCATION_MASS = 1e-15

#: Targets are compared with this relative slack so that a value that meets a target in exact
#: arithmetic is not rejected because of the last bit of a floating-point computation.
_TARGET_SLACK = 1e-12


# --------------------------------------------------------------------------- validation


def _shrinkage(value: object) -> np.ndarray:
    return fraction("shrinkage", value, low_open=False, high_open=True)


def _scalar_out(arrays: dict[str, np.ndarray], scalar: bool) -> dict[str, Any]:
    """The metrics as floats for scalar inputs, else as arrays."""
    if scalar:
        return {k: (v.item() if isinstance(v, np.ndarray) else v) for k, v in arrays.items()}
    return arrays


def _flat(*arrays: np.ndarray) -> tuple[tuple[int, ...], list[np.ndarray]]:
    """Broadcast the arrays together; return the common shape and 1-d float copies."""
    shape = np.broadcast_shapes(*(np.shape(a) for a in arrays))
    return shape, [np.broadcast_to(np.asarray(a, float), shape).ravel() for a in arrays]


def _is_scalar(*values: npt.ArrayLike) -> bool:
    return all(np.ndim(v) == 0 for v in values)


# --------------------------------------------------------------------------- Erlang B

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _stirlerr(n: np.ndarray) -> np.ndarray:
    """log(n!) - log(sqrt(2 pi n) (n/e)^n), accurate for n >= 1."""
    n = np.asarray(n, dtype=float)
    out = np.empty_like(n)
    small = n <= 15
    ns = n[small]
    out[small] = special.gammaln(ns + 1) - (ns + 0.5) * np.log(ns) + ns - _HALF_LOG_2PI
    nl = n[~small]
    inv = 1.0 / nl
    inv2 = inv * inv
    out[~small] = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))))
    return out


def _bd0(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """X log(x/m) + m - x without cancellation (Loader 2000)."""
    out = np.empty_like(x)
    v = (x - m) / (x + m)
    near = np.abs(v) < 0.1
    vn = v[near]
    v2 = vn * vn
    series = np.zeros_like(vn)
    term = vn * v2
    for j in range(1, 20):  # atanh(v) - v = sum_{j>=1} v^(2j+1)/(2j+1)
        series += term / (2 * j + 1)
        term = term * v2
    out[near] = 2 * x[near] * series + vn * (x[near] - m[near])
    far = ~near
    with np.errstate(over="ignore"):  # x / m overflows for subnormal loads: the pmf is 0 there
        out[far] = x[far] * np.log(x[far] / m[far]) + m[far] - x[far]
    return out


def _log_poisson_pmf(n: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Log P(N = n) for N ~ Poisson(load), n >= 1 and load > 0."""
    return -_stirlerr(n) - _bd0(n, load) - _HALF_LOG_2PI - 0.5 * np.log(n)


def _log_inv_b_continuedfraction(load: np.ndarray, n: np.ndarray) -> np.ndarray:
    """log(1 / B(n, A)) for A > n + 1 from the continued fraction of Gamma(n + 1, A).

    1/B = e^A Gamma(n + 1, A) / A^n, and e^x x^-a Gamma(a, x) has a continued fraction that
    converges fast for x > a + 1 (modified Lentz algorithm).
    """
    a = n + 1.0
    x = load
    tiny = 1e-300
    b = x + 1.0 - a
    c = np.full_like(x, 1.0 / tiny)
    d = 1.0 / b
    h = d.copy()
    active = np.ones(x.shape, dtype=bool)
    for i in range(1, 100_000):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        an = -i * (i - a[idx])
        b[idx] += 2.0
        dd = an * d[idx] + b[idx]
        dd[np.abs(dd) < tiny] = tiny
        cc = b[idx] + an / c[idx]
        cc[np.abs(cc) < tiny] = tiny
        dd = 1.0 / dd
        delta = dd * cc
        d[idx] = dd
        c[idx] = cc
        h[idx] *= delta
        active[idx] = np.abs(delta - 1.0) > 1e-16
    else:  # pragma: no cover - the fraction converges long before this for x > a + 1
        raise CcsimError("Erlang B continued fraction did not converge")
    return np.log(x) + np.log(h)


def _log_erlang_b(load: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Natural log of the Erlang B blocking probability; arrays of equal shape."""
    shape, (load, n) = _flat(load, n)
    out = np.zeros(load.shape)
    some = (n > 0) & (load > 0)
    out[(n > 0) & (load == 0)] = -np.inf
    if not np.any(some):
        return out.reshape(shape)
    a, k = load[some], n[some]
    log_pmf = _log_poisson_pmf(k, a)
    cdf = special.pdtr(k, a)
    res = np.empty_like(a)
    direct = cdf > 1e-12
    res[direct] = log_pmf[direct] - np.log(cdf[direct])
    deep = ~direct  # cdf tiny: far into overload, so A > n + 1 holds
    if np.any(deep):
        res[deep] = -_log_inv_b_continuedfraction(a[deep], k[deep])
    out[some] = res
    return out.reshape(shape)


def erlang_b(offered_load, agents):
    """Erlang B blocking probability of an M/G/n/n loss system.

    Parameters
    ----------
    offered_load : float or array_like
        Offered load in Erlangs (arrival rate times mean holding time), >= 0.
    agents : int or array_like
        Number of servers (agents or trunks), a whole number >= 0.

    Returns
    -------
    float or numpy.ndarray
        The probability that an arrival finds every server busy and is lost.
    """
    load = nonnegative("offered_load", offered_load)
    n = whole("agents", agents)
    out = np.exp(_log_erlang_b(load, n))
    return out.item() if _is_scalar(offered_load, agents) else out


def _erlang_c_core(load: np.ndarray, n: np.ndarray, blocking: np.ndarray | None = None) -> np.ndarray:
    shape, (load, n) = _flat(load, n)
    p = np.ones(load.shape)
    stable = n > load
    if np.any(stable):
        a, k = load[stable], n[stable]
        b = np.exp(_log_erlang_b(a, k)) if blocking is None else np.broadcast_to(blocking, shape).ravel()[stable]
        p[stable] = k * b / (k - a * (1.0 - b))
    return np.clip(p, 0.0, 1.0).reshape(shape)


def erlang_c(offered_load, agents):
    """Erlang C probability of waiting in an M/M/n queue.

    Parameters
    ----------
    offered_load : float or array_like
        Offered load in Erlangs, >= 0.
    agents : int or array_like
        Number of agents, a whole number >= 0.

    Returns
    -------
    float or numpy.ndarray
        P(an arrival waits); 1.0 when ``offered_load >= agents`` (the queue is unstable).
    """
    load = nonnegative("offered_load", offered_load)
    n = whole("agents", agents)
    out = _erlang_c_core(load, n)
    return out.item() if _is_scalar(offered_load, agents) else out


# --------------------------------------------------------------------------- Erlang C


@dataclass(frozen=True)
class ErlangCMetrics:
    """Steady-state M/M/n (Erlang C) metrics of one or many intervals.

    Attributes
    ----------
    stable : bool or numpy.ndarray
        Whether the queue is stable (offered load < agents, or no arrivals).
    p_wait : float or numpy.ndarray
        P(an arrival waits); 1.0 when unstable.
    service_level : float or numpy.ndarray
        P(answered within the answer target); 0.0 when unstable.
    asa_s : float or numpy.ndarray
        Mean wait of answered contacts in seconds; ``inf`` when unstable.
    occupancy : float or numpy.ndarray
        Carried load / agents (at most 1; 0 with no agents).
    mean_queue_len : float or numpy.ndarray
        Mean number of contacts waiting; ``inf`` when unstable.
    """

    stable: object
    p_wait: object
    service_level: object
    asa_s: object
    occupancy: object
    mean_queue_len: object


def _erlang_c_arrays(lam, aht, n, t, blocking=None) -> dict[str, np.ndarray]:
    """Erlang C metrics; ``blocking`` is Erlang B at (load, n) when the caller already has it."""
    shape, (lam, aht, n, t) = _flat(lam, aht, n, t)
    load = lam * aht
    idle = lam == 0
    stable = (n > load) | idle
    p_wait = _erlang_c_core(load, n, blocking)
    p_wait[idle] = 0.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gap = n - load
        asa = np.where(stable, p_wait * aht / np.where(gap > 0, gap, 1.0), np.inf)
        sl = np.where(stable, 1.0 - p_wait * np.exp(-gap * t / aht), 0.0)
        occ = np.where(n > 0, np.minimum(load / np.where(n > 0, n, 1.0), 1.0), 0.0)
    asa[idle] = 0.0
    sl[idle] = 1.0
    out = {
        "stable": stable,
        "p_wait": p_wait,
        "service_level": np.clip(sl, 0.0, 1.0),
        "asa_s": asa,
        "occupancy": occ,
        "mean_queue_len": lam * asa,
    }
    return {k: v.reshape(shape) for k, v in out.items()}


def erlang_c_metrics(arrival_rate_per_s, aht_s, agents, answer_within_s):
    """Erlang C (M/M/n) metrics for given staffing.

    Parameters
    ----------
    arrival_rate_per_s : float or array_like
        Contacts arriving per second, >= 0.
    aht_s : float or array_like
        Mean handle time in seconds, > 0.
    agents : int or array_like
        Agents on duty, a whole number >= 0.
    answer_within_s : float or array_like
        Answer target of the service level in seconds, >= 0.

    Returns
    -------
    ErlangCMetrics
        ``stable, p_wait, service_level, asa_s, occupancy, mean_queue_len``.
    """
    lam = nonnegative("arrival_rate_per_s", arrival_rate_per_s)
    aht = positive("aht_s", aht_s)
    n = whole("agents", agents)
    t = nonnegative("answer_within_s", answer_within_s)
    arrays = _erlang_c_arrays(lam, aht, n, t)
    scalar = _is_scalar(arrival_rate_per_s, aht_s, agents, answer_within_s)
    return ErlangCMetrics(**_scalar_out(arrays, scalar))


# --------------------------------------------------------------------------- Erlang A


@dataclass(frozen=True)
class ErlangAMetrics:
    """Steady-state M/M/n+M (Erlang A, exponential patience) metrics.

    Attributes
    ----------
    p_wait : float or numpy.ndarray
        P(an arrival finds every agent busy).
    p_abandon : float or numpy.ndarray
        P(an arrival hangs up before being answered).
    service_level : float or numpy.ndarray
        P(answered within the answer target), over all offered contacts.
    asa_s : float or numpy.ndarray
        Mean wait of answered contacts in seconds (NaN when nobody is answered).
    mean_wait_all_s : float or numpy.ndarray
        Mean time in queue over all contacts, abandoned ones included.
    occupancy : float or numpy.ndarray
        Carried load / agents (0 with no agents).
    mean_queue_len : float or numpy.ndarray
        Mean number of contacts waiting.
    """

    p_wait: object
    p_abandon: object
    service_level: object
    asa_s: object
    mean_wait_all_s: object
    occupancy: object
    mean_queue_len: object


_A_FIELDS = ("p_wait", "p_abandon", "service_level", "asa_s", "mean_wait_all_s", "occupancy", "mean_queue_len")


def _queue_log_weights(x: float, alpha: float) -> np.ndarray:
    """Log of prod_{i=1..j} x / (alpha + i) for j = 0..J, J large enough for TRUNCATION_MASS."""
    size = int(max(0.0, x - alpha)) + 64
    while True:
        i = np.arange(1, size + 1, dtype=float)
        with np.errstate(divide="ignore"):  # a ratio may underflow to 0 for tiny arrival rates
            logw = np.concatenate(([0.0], np.cumsum(np.log(x / (alpha + i)))))
        # Beyond J the ratios x / (alpha + i) keep falling, so the tail is below a geometric
        # series: sum_{j>J} (j + 1) w_j <= w_J (r/(1-r) (J + 1) + r/(1-r)^2), r = x/(alpha+J+1).
        r = x / (alpha + size + 1)
        if r < 1:
            peak = logw.max()
            tail = math.exp(logw[-1] - peak) * (r / (1 - r) * (size + 1) + r / (1 - r) ** 2)
            total = np.exp(logw - peak).sum()
            if tail <= TRUNCATION_MASS * total:
                return logw
        size *= 2


#: Above this many waiting-queue states the Erlang A sums run over a window around the mode.
WINDOW_STATES = 200_000


def _queue_window(x: float, alpha: float) -> tuple[np.ndarray, np.ndarray] | None:
    """``(j, log w_j)`` over the states holding all but ``TRUNCATION_MASS`` of the queue, or None.

    When many callers wait (far fewer agents than the load, with a long patience), the queue's
    distribution sits around its mode ``j* = x - alpha``, with a spread of about ``sqrt(x)``:
    ``log w_j = j log x - (lgamma(alpha + j + 1) - lgamma(alpha + 1))`` falls by ``d^2 / 2x``
    at ``d`` states from the mode, below ``1e-16`` of the peak at ``d = 9 sqrt(x)``. Only
    that window is summed (None: the queue is short enough to sum from 0).
    """
    mode = x - alpha
    if mode < WINDOW_STATES:
        return None
    half = 9.0 * math.sqrt(x) + 64.0
    lo, hi = max(0, int(mode - half)), int(mode + half)
    if hi - lo > 50 * WINDOW_STATES:
        raise CcsimError(
            f"erlang A: about {mode:,.0f} callers would wait (far fewer agents than the load, with a long "
            "patience): too many queue states to sum; give a shorter patience or more agents"
        )
    j = np.arange(lo, hi + 1, dtype=float)
    logw = j * math.log(x) - (special.gammaln(alpha + j + 1.0) - special.gammaln(alpha + 1.0))
    return j, logw


def _erlang_a_point(lam: float, aht: float, patience: float, n: float, t: float) -> tuple:
    if lam == 0:
        return 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0
    load = lam * aht
    theta = 1.0 / patience
    if n == 0:  # M/M/0+M: everybody waits until they hang up
        return 1.0, 1.0, 0.0, math.nan, patience, 0.0, lam * patience
    alpha = n / aht / theta  # n mu / theta
    x = lam / theta
    window = _queue_window(x, alpha)
    if window is None:
        logw = _queue_log_weights(x, alpha)
        j = np.arange(logw.size, dtype=float)
    else:
        j, logw = window
    log_b = float(_log_erlang_b(np.array([load]), np.array([n]))[0])
    # pi_{n+j} = w_j / (1/B - 1 + sum_j w_j): states below n are summed through Erlang B.
    log_below = -math.inf if log_b == 0.0 else math.log(-math.expm1(log_b)) - log_b
    log_z = np.logaddexp(log_below, special.logsumexp(logw))
    pi = np.exp(logw - log_z)
    p_wait = float(pi.sum())
    served = alpha / (alpha + j + 1.0)  # P(answered | j waiting ahead on arrival)
    p_abandon = float(np.dot(pi, (j + 1.0) / (alpha + j + 1.0)))
    mean_queue = float(np.dot(pi, j))
    # theta V =d -ln U with U ~ Beta(alpha, j + 1), V the wait a caller with j ahead would
    # have if it never hung up. Answered within t: E[U; U >= c] = E[U] P(U' >= c), c = e^(-theta t),
    # U' ~ Beta(alpha + 1, j + 1); and E[V; answered] = E[U] E[-ln U'] / theta with
    # E[-ln U'] = sum_{i=1}^{j+1} 1 / (alpha + i).
    within = special.betaincc(alpha + 1.0, j + 1.0, math.exp(-theta * t)) if t > 0 else 0.0
    # sum_{i=1}^{j+1} 1 / (alpha + i): a running sum from 0, or digamma in a window
    harmonic = (
        np.cumsum(1.0 / (alpha + j + 1.0))
        if window is None
        else special.digamma(alpha + j + 2.0) - special.digamma(alpha + 1.0)
    )
    sl = (1.0 - p_wait) + float(np.dot(pi, served * within))
    answered_wait = float(np.dot(pi, served * harmonic)) / theta
    p_answered = 1.0 - p_abandon
    asa = answered_wait / p_answered
    occupancy = load * p_answered / n
    return (
        min(p_wait, 1.0),
        min(max(p_abandon, 0.0), 1.0),
        min(max(sl, 0.0), 1.0),
        asa,
        mean_queue / lam,
        min(occupancy, 1.0),
        mean_queue,
    )


def _erlang_a_arrays(lam, aht, patience, n, t) -> dict[str, np.ndarray]:
    lam, aht, patience, n, t = np.broadcast_arrays(lam, aht, patience, n, t)
    out = {name: np.empty(lam.shape) for name in _A_FIELDS}
    for idx in np.ndindex(lam.shape):
        values = _erlang_a_point(float(lam[idx]), float(aht[idx]), float(patience[idx]), float(n[idx]), float(t[idx]))
        for name, value in zip(_A_FIELDS, values, strict=True):
            out[name][idx] = value
    return out


def erlang_a_metrics(arrival_rate_per_s, aht_s, patience_s, agents, answer_within_s):
    """Erlang A (M/M/n+M) metrics: exponential handle times and exponential patience.

    Stable for any staffing, including fewer agents than the offered load and no agents.

    Parameters
    ----------
    arrival_rate_per_s : float or array_like
        Contacts arriving per second, >= 0.
    aht_s : float or array_like
        Mean handle time in seconds, > 0.
    patience_s : float or array_like
        Mean patience (time a caller waits before hanging up) in seconds, > 0.
    agents : int or array_like
        Agents on duty, a whole number >= 0.
    answer_within_s : float or array_like
        Answer target of the service level in seconds, >= 0.

    Returns
    -------
    ErlangAMetrics
        ``p_wait, p_abandon, service_level, asa_s, mean_wait_all_s, occupancy, mean_queue_len``.
    """
    lam = nonnegative("arrival_rate_per_s", arrival_rate_per_s)
    aht = positive("aht_s", aht_s)
    patience = positive("patience_s", patience_s)
    n = whole("agents", agents)
    t = nonnegative("answer_within_s", answer_within_s)
    arrays = _erlang_a_arrays(lam, aht, patience, n, t)
    scalar = _is_scalar(arrival_rate_per_s, aht_s, patience_s, agents, answer_within_s)
    return ErlangAMetrics(**_scalar_out(arrays, scalar))


# --------------------------------------------------------------------------- staffing


@dataclass(frozen=True)
class ErlangBMetrics:
    """Erlang B (loss system) metrics.

    Attributes
    ----------
    blocking : float or numpy.ndarray
        P(an arrival finds every trunk busy and is lost).
    carried_load : float or numpy.ndarray
        Offered load times (1 - blocking), in Erlangs.
    occupancy : float or numpy.ndarray
        Carried load / trunks (0 with no trunks).
    """

    blocking: object
    carried_load: object
    occupancy: object


@dataclass(frozen=True)
class StaffingResult:
    """The outcome of a staffing search.

    Attributes
    ----------
    agents : int or numpy.ndarray
        The smallest number of agents (or trunks) on duty meeting every target.
    scheduled_agents : int or numpy.ndarray
        Agents to schedule so that ``agents`` remain after shrinkage.
    metrics : ErlangCMetrics, ErlangAMetrics or ErlangBMetrics
        The metrics with ``agents`` on duty.
    """

    agents: Any  # int, or an array of the input's shape
    scheduled_agents: Any
    metrics: object


def _scheduled(n: np.ndarray, shrinkage: np.ndarray) -> np.ndarray:
    # Rounding to 9 decimals first removes representation error (21 / 0.7 = 30.000000000000004).
    return np.ceil(np.round(n / (1.0 - shrinkage), 9)).astype(np.int64)


def scheduled_agents(agents, shrinkage):
    """Agents to schedule so that ``agents`` are on duty after shrinkage.

    Parameters
    ----------
    agents : int or array_like
        Agents needed on duty, a whole number >= 0.
    shrinkage : float or array_like
        Share of paid time not available for contacts (breaks, training, absence), in [0, 1).

    Returns
    -------
    int or numpy.ndarray
        ``ceil(agents / (1 - shrinkage))``, free of floating-point surprises: 21 agents at
        30 % shrinkage is 30.
    """
    n = whole("agents", agents)
    s = _shrinkage(shrinkage)
    out = _scheduled(n, s)
    return int(out) if _is_scalar(agents, shrinkage) else out


def _smallest(meets, lo: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Smallest whole n >= lo with meets(n, idx) true, per element, for monotone ``meets``.

    ``meets(n, idx)`` evaluates the elements ``idx`` at agent counts ``n``.
    """
    lo = lo.astype(np.int64).copy()
    hi = lo.copy()
    ok = meets(hi, np.arange(lo.size))
    step = np.maximum(step.astype(np.int64), 1)
    todo = np.flatnonzero(~ok)
    while todo.size:  # grow until the target is met: lo fails, hi meets
        lo[todo] = hi[todo] + 1
        hi[todo] += step[todo]
        step[todo] *= 2
        if np.any(hi[todo] > 10**9):
            raise CcsimError("staffing search found no agent count below 10**9 meeting the targets")
        good = meets(hi[todo], todo)
        todo = todo[~good]
    todo = np.flatnonzero(lo < hi)
    while todo.size:  # bisect on [lo, hi]: hi meets, lo unknown
        mid = (lo[todo] + hi[todo]) // 2
        good = meets(mid, todo)
        hi[todo[good]] = mid[good]
        lo[todo[~good]] = mid[~good] + 1
        todo = todo[lo[todo] < hi[todo]]
    return hi


def _march_erlang_c(lam, aht, t, start: np.ndarray, meets, max_steps: int = 64) -> np.ndarray:
    """Walk up from ``start`` agents one at a time while the targets are missed.

    Erlang B is evaluated once at ``start``; each further agent costs a step of the stable
    forward recursion B(n + 1) = A B(n) / (n + 1 + A B(n)). Returns, per element, the first
    count meeting the targets or, for elements still short after ``max_steps``, a count known
    to miss them (a lower bound for the bisection that follows).
    """
    load = lam * aht
    n = start.astype(np.int64).copy()
    b = np.exp(_log_erlang_b(load, n.astype(float)))
    todo = np.arange(n.size)
    for _ in range(max_steps):
        ok = meets(n[todo], todo, b[todo])
        todo = todo[~ok]
        if todo.size == 0:
            break
        n[todo] += 1
        a = load[todo]
        b[todo] = a * b[todo] / (n[todo] + a * b[todo])
    return n


def required_agents(
    arrival_rate_per_s: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    answer_within_s: npt.ArrayLike | None = None,
    min_service_level: npt.ArrayLike | None = None,
    max_asa_s: npt.ArrayLike | None = None,
    max_p_wait: npt.ArrayLike | None = None,
    max_occupancy: npt.ArrayLike | None = None,
    patience_s: npt.ArrayLike | None = None,
    max_abandon_rate: npt.ArrayLike | None = None,
    shrinkage: npt.ArrayLike = 0.0,
) -> StaffingResult:
    """The smallest number of agents meeting every target given.

    Erlang A (M/M/n+M) when ``patience_s`` is given, else Erlang C (M/M/n). The search finds
    the true minimum: it starts from 0 agents (Erlang A, which may need fewer agents than the
    offered load) or the smallest stable count (Erlang C), and gives 0 agents for 0 contacts.

    Parameters
    ----------
    arrival_rate_per_s : float or array_like
        Contacts arriving per second, >= 0.
    aht_s : float or array_like
        Mean handle time in seconds, > 0.
    answer_within_s : float or array_like, optional
        Answer target in seconds; required with ``min_service_level``.
    min_service_level : float or array_like, optional
        Target share answered within ``answer_within_s``, in (0, 1).
    max_asa_s : float or array_like, optional
        Target maximum mean wait of answered contacts in seconds, > 0.
    max_p_wait : float or array_like, optional
        Target maximum P(wait), in (0, 1].
    max_occupancy : float or array_like, optional
        Target maximum occupancy, in (0, 1].
    patience_s : float or array_like, optional
        Mean patience in seconds, > 0; switches to Erlang A.
    max_abandon_rate : float or array_like, optional
        Target maximum abandonment rate, in (0, 1]; requires ``patience_s``.
    shrinkage : float or array_like, default 0.0
        Share of paid time not available for contacts, in [0, 1).

    Returns
    -------
    StaffingResult
        ``agents``, ``scheduled_agents`` and the metrics (``ErlangCMetrics`` or
        ``ErlangAMetrics``) with ``agents`` on duty.
    """
    lam = nonnegative("arrival_rate_per_s", arrival_rate_per_s)
    aht = positive("aht_s", aht_s)
    shr = _shrinkage(shrinkage)
    given = {
        "min_service_level": min_service_level,
        "max_asa_s": max_asa_s,
        "max_p_wait": max_p_wait,
        "max_occupancy": max_occupancy,
        "max_abandon_rate": max_abandon_rate,
    }
    t, targets = _checked_targets(given, answer_within_s, patience_s)
    erlang_a = patience_s is not None
    pat = positive("patience_s", patience_s) if erlang_a else np.asarray(1.0)
    shape = np.broadcast_shapes(*(a.shape for a in [lam, aht, t, pat, shr, *targets.values()]))
    lam, aht, t, pat, shr = (np.broadcast_to(a, shape).ravel() for a in (lam, aht, t, pat, shr))
    search = _Search(lam, aht, t, pat, {k: np.broadcast_to(v, shape).ravel() for k, v in targets.items()}, erlang_a)
    agents = search.agents()
    metrics = {k: v.reshape(shape) for k, v in search.evaluate(agents, np.arange(agents.size)).items()}
    cls = ErlangAMetrics if erlang_a else ErlangCMetrics
    sched = _scheduled(agents, shr).reshape(shape)
    agents = agents.reshape(shape)
    if not shape:
        return StaffingResult(int(agents), int(sched), cls(**_scalar_out(metrics, True)))
    return StaffingResult(agents, sched, cls(**metrics))


def _checked_targets(
    given: dict[str, Any], answer_within_s: Any, patience_s: Any
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The answer time and the targets given, each checked (at least one target; what each needs given)."""
    if all(v is None for v in given.values()):
        raise CcsimError(
            "required_agents: give at least one target "
            "(min_service_level, max_asa_s, max_p_wait, max_occupancy, max_abandon_rate)"
        )
    if given["min_service_level"] is not None and answer_within_s is None:
        raise CcsimError("answer_within_s: required with a min_service_level target")
    if given["max_abandon_rate"] is not None and patience_s is None:
        raise CcsimError("patience_s: required with a max_abandon_rate target")
    t = nonnegative("answer_within_s", 0.0 if answer_within_s is None else answer_within_s)
    targets: dict[str, np.ndarray] = {}
    for name, value in given.items():
        if value is None:
            continue
        if name == "min_service_level":
            targets[name] = fraction(name, value, low_open=True, high_open=True)
        elif name == "max_asa_s":
            targets[name] = positive(name, value)
        else:  # max_p_wait, max_occupancy, max_abandon_rate
            targets[name] = fraction(name, value, low_open=True, high_open=False)
    return t, targets


@dataclass(frozen=True)
class _Search:
    """The search for the fewest agents meeting the targets, over inputs flattened to one shape."""

    lam: np.ndarray
    aht: np.ndarray
    t: np.ndarray
    pat: np.ndarray
    targets: dict[str, np.ndarray]
    erlang_a: bool

    def evaluate(self, n: np.ndarray, idx: np.ndarray) -> dict[str, np.ndarray]:
        """The metrics of the elements ``idx`` with ``n`` agents."""
        if self.erlang_a:
            return _erlang_a_arrays(self.lam[idx], self.aht[idx], self.pat[idx], n.astype(float), self.t[idx])
        return _erlang_c_arrays(self.lam[idx], self.aht[idx], n.astype(float), self.t[idx])

    def meets(self, n: np.ndarray, idx: np.ndarray, blocking: np.ndarray | None = None) -> np.ndarray:
        """Whether ``n`` agents meet every target of the elements ``idx`` (Erlang C: given their Erlang B)."""
        m = (
            _erlang_c_arrays(self.lam[idx], self.aht[idx], n.astype(float), self.t[idx], blocking)
            if blocking is not None
            else (self.evaluate(n, idx))
        )
        ok = np.ones(idx.size, dtype=bool) if self.erlang_a else m["stable"].copy()
        hi_slack, lo_slack = 1 + _TARGET_SLACK, 1 - _TARGET_SLACK
        for name, target in self.targets.items():
            goal = target[idx]
            if name == "min_service_level":
                ok &= m["service_level"] >= goal * lo_slack
            elif name == "max_asa_s":
                ok &= np.nan_to_num(m["asa_s"], nan=0.0) <= goal * hi_slack
            elif name == "max_p_wait":
                ok &= m["p_wait"] <= goal * hi_slack
            elif name == "max_occupancy":
                ok &= m["occupancy"] <= goal * hi_slack
            else:  # max_abandon_rate
                ok &= m["p_abandon"] <= goal * hi_slack
        return ok | (self.lam[idx] == 0)

    def agents(self) -> np.ndarray:
        """The fewest agents per element: from 0 (Erlang A) or marching up from the stable count (Erlang C)."""
        load = self.lam * self.aht
        if self.erlang_a:
            lo = np.zeros(load.shape)
        else:
            lo = _march_erlang_c(self.lam, self.aht, self.t, np.where(load > 0, np.floor(load) + 1, 0), self.meets)
        agents = _smallest(self.meets, lo, np.ceil(3 * np.sqrt(load) + 2))
        agents[self.lam == 0] = 0
        return agents


def required_trunks(offered_load, max_blocking, *, shrinkage=0.0):
    """The smallest number of trunks (or agents) with Erlang B blocking <= ``max_blocking``.

    Parameters
    ----------
    offered_load : float or array_like
        Offered load in Erlangs, >= 0.
    max_blocking : float or array_like
        Target maximum blocking probability, in (0, 1].
    shrinkage : float or array_like, default 0.0
        Share of paid time not available, in [0, 1) (for agents used as servers of a loss
        system).

    Returns
    -------
    StaffingResult
        ``agents`` (the trunks), ``scheduled_agents`` and ``ErlangBMetrics``. No load needs no
        trunks (0, blocking 0), as no volume needs no agents.
    """
    load = nonnegative("offered_load", offered_load)
    target = fraction("max_blocking", max_blocking, low_open=True, high_open=False)
    shr = _shrinkage(shrinkage)
    shape = np.broadcast_shapes(load.shape, target.shape, shr.shape)
    load, target, shr = (np.broadcast_to(a, shape).ravel() for a in (load, target, shr))

    def meets(n: np.ndarray, idx: np.ndarray) -> np.ndarray:
        # no load is never blocked: zero trunks suffice (as zero agents for zero volume)
        blocked = np.exp(_log_erlang_b(load[idx], n.astype(float)))
        return (load[idx] == 0) | (blocked <= target[idx] * (1 + _TARGET_SLACK))

    trunks = _smallest(meets, np.zeros(load.shape), np.ceil(3 * np.sqrt(load) + 2))
    blocking = np.where(load == 0, 0.0, np.exp(_log_erlang_b(load, trunks.astype(float))))
    carried = load * (1 - blocking)
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(trunks > 0, carried / np.maximum(trunks, 1), 0.0)
    metrics = {"blocking": blocking, "carried_load": carried, "occupancy": occ}
    sched = _scheduled(trunks, shr)
    if not shape:
        return StaffingResult(int(trunks[0]), int(sched[0]), ErlangBMetrics(**_scalar_out(metrics, True)))
    metrics = {k: v.reshape(shape) for k, v in metrics.items()}
    return StaffingResult(trunks.reshape(shape), sched.reshape(shape), ErlangBMetrics(**metrics))
