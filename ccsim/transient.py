"""The time-varying Erlang A queue solved exactly: a day of M(t)/M/s(t)+M, interval by interval.

Erlang A (``ccsim.erlang``) assumes every interval is in steady state. A real day is not: a
queue built in a peak carries into the next interval, and the first interval of the morning
starts empty. This module solves the same model without that assumption: Poisson arrivals
with a rate per interval, exponential handle times, exponential patience, and a number of
agents per interval, starting empty, with the staffing rule of ccsim's engines (an agent
going off duty finishes the contact in hand first; see ``docs/model.md``). Nothing is
simulated and nothing is approximated but the truncation of the queue (checked, below) and
a Gauss-Legendre quadrature over the last ``answer_within_s`` of each interval (16 nodes on
a smooth integrand: error far below 1e-12).

The state is ``(busy agents, waiting contacts)``. The distribution over it moves by the
Kolmogorov forward equations, solved by uniformization (Jensen's method: a Poisson mixture of
the powers of a jump chain, every term non-negative; the time integrals come from the same
series). A contact arriving in interval i
is answered within the target when, in the chain of the agents busy and the contacts ahead
of it, an agent takes it before ``answer_within_s`` passes and before it hangs up; that
probability is the matrix exponential of that chain's generator, across the change of
staffing at the interval's end when the target reaches past it. The service level of an
interval is that probability averaged over its arrivals (answered within the target /
offered, as everywhere in ccsim). After the last interval nobody is on duty.

``transient_required_agents`` finds the fewest agents per interval that give every interval
its target under this model: the exact reference the planner's quality is measured against
(``benchmarks/planner_quality.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.stats import poisson

from ccsim.checks import fraction, nonnegative, positive
from ccsim.errors import CcsimError

__all__ = ["TransientMetrics", "erlang_a_transient", "transient_required_agents"]

#: Gauss-Legendre nodes over the last answer_within_s of an interval.
QUADRATURE_NODES = 16
#: The queue is truncated where the probability of a full queue stays below this.
QUEUE_TAIL = 1e-12
#: A target counts as met with this slack, so that exact ties are not lost to rounding.
_TARGET_SLACK = 1e-9
#: Largest state space (busy x waiting states) the solver builds.
MAX_STATES = 400_000


@dataclass(frozen=True)
class TransientMetrics:
    """Per-interval results of :func:`erlang_a_transient` (numpy arrays, one value per interval).

    Attributes
    ----------
    offered : numpy.ndarray
        Expected contacts arriving in the interval.
    service_level : numpy.ndarray
        P(answered within the target) of a contact arriving in the interval, over all offered
        (NaN where nothing arrives).
    busy_agents : numpy.ndarray
        Time-mean number of busy agents over the interval.
    mean_queue_len : numpy.ndarray
        Time-mean number of contacts waiting over the interval.
    occupancy : numpy.ndarray
        busy_agents / agents on duty (NaN with no agents; above 1 can happen just after the
        staffing falls, while leaving agents finish their contacts).
    waiting_at_end : float
        Expected contacts still waiting when the last interval ends.
    """

    offered: np.ndarray
    service_level: np.ndarray
    busy_agents: np.ndarray
    mean_queue_len: np.ndarray
    occupancy: np.ndarray
    waiting_at_end: float


#: Uniformization keeps Poisson terms until the probability left out is below this.
_POISSON_TAIL = 1e-15


def _poisson_terms(rate_time: float) -> int:
    """How many terms of a Poisson(rate_time) series leave out less than ``_POISSON_TAIL``."""
    k = int(rate_time + 10.0 * math.sqrt(rate_time) + 30)
    while poisson.sf(k, rate_time) > _POISSON_TAIL:
        k = int(k * 1.25) + 10
    return k + 1


class _Uniformized:
    """A generator G (rows: from) as a jump chain at one uniform rate (Jensen's uniformization).

    With P = I + G / rate, e^(G t) = sum over k of Poisson(k; rate t) P^k: every term is
    non-negative, so the sums lose nothing to cancellation.
    """

    def __init__(self, generator: sparse.csr_matrix):
        self.rate = max(float(-generator.diagonal().min(initial=0.0)), 1e-12)
        jump = (sparse.identity(generator.shape[0], format="csr") + generator / self.rate).tocsr()
        self.jump, self.jump_t = jump, jump.T.tocsr()

    def forward(self, p: np.ndarray, time: float, integral: bool = False):
        """A distribution carried forward, p e^(G time); with ``integral`` also its integral.

        The integral is that of p e^(G u) over u from 0 to ``time``.
        """
        if time <= 0:
            return (p, np.zeros_like(p)) if integral else p
        x = self.rate * time
        k = np.arange(_poisson_terms(x))
        weights = poisson.pmf(k, x)
        later = poisson.sf(k, x) / self.rate  # integral of Poisson(k; rate u) over u up to time
        out, total, term = np.zeros_like(p), np.zeros_like(p), p
        for j in k:
            out += weights[j] * term
            if integral:
                total += later[j] * term
            term = self.jump_t @ term
        return (out, total) if integral else out

    def backward(self, v: np.ndarray, times: np.ndarray) -> np.ndarray:
        """e^(G time) v for each of ``times`` (rows of the result): a value carried back."""
        times = np.atleast_1d(times)
        out = np.zeros((times.size, v.size))
        x = self.rate * times
        k = np.arange(_poisson_terms(float(x.max(initial=0.0))))
        weights = poisson.pmf(k[None, :], x[:, None])
        term = v
        for j in k:
            out += weights[:, j, None] * term[None, :]
            term = self.jump @ term
        return out


class _Chain:
    """State space and generators of one queue: busy agents 0..B, waiting contacts 0..Q."""

    def __init__(self, mu: float, theta: float, busy_max: int, queue_max: int):
        self.mu, self.theta = mu, theta
        self.B, self.Q = busy_max, queue_max
        self.n = (busy_max + 1) * (queue_max + 1)
        if self.n > MAX_STATES:
            raise CcsimError(
                f"transient Erlang A: {busy_max} agents and up to {queue_max} waiting make {self.n:,} states "
                f"(limit {MAX_STATES:,}); give fewer agents per interval or a shorter patience"
            )
        idx = np.arange(self.n)
        self.b, self.q = np.divmod(idx, queue_max + 1)
        self._forward: dict[tuple[float, int], _Uniformized] = {}
        self._caller: dict[int, tuple[_Uniformized, np.ndarray]] = {}

    def index(self, b: np.ndarray, q: np.ndarray) -> np.ndarray:
        return b * (self.Q + 1) + q

    @staticmethod
    def _generator(rows, cols, rates, n: int) -> sparse.csr_matrix:
        rows, cols, rates = np.concatenate(rows), np.concatenate(cols), np.concatenate(rates)
        keep = rates > 0
        rows, cols, rates = rows[keep], cols[keep], rates[keep]
        out = np.bincount(rows, weights=rates, minlength=n)
        g = sparse.coo_matrix((rates, (rows, cols)), shape=(n, n)).tocsr()
        return (g - sparse.diags(out)).tocsr()

    def forward(self, lam: float, s: int) -> _Uniformized:
        """Generator (rows: from) of the queue with arrival rate lam and s agents on duty."""
        key = (lam, s)
        if key not in self._forward:
            b, q, mu, theta = self.b, self.q, self.mu, self.theta
            src = np.arange(self.n)
            free = b < s
            # an arrival takes a free agent, else waits (a full queue turns it away: truncation)
            arr_to = np.where(free, self.index(np.minimum(b + 1, self.B), q), self.index(b, np.minimum(q + 1, self.Q)))
            arr_rate = np.where(free | (q < self.Q), lam, 0.0)
            # a contact ends: the head of the queue takes the agent unless the agent goes home
            takes = (q > 0) & (b <= s)
            end_to = np.where(takes, self.index(b, np.maximum(q - 1, 0)), self.index(np.maximum(b - 1, 0), q))
            end_rate = mu * b
            # a waiting contact hangs up
            ab_to = self.index(b, np.maximum(q - 1, 0))
            ab_rate = theta * q
            self._forward[key] = _Uniformized(
                self._generator([src, src, src], [arr_to, end_to, ab_to], [arr_rate, end_rate, ab_rate], self.n)
            )
        return self._forward[key]

    def caller(self, s: int) -> tuple[_Uniformized, np.ndarray]:
        """One waiting contact's chain under s agents, and where its states sit in the queue's.

        Its states are (busy, ahead) with busy >= s (the only ones a waiting contact sees),
        then answered and hung up.
        """
        if s not in self._caller:
            where = np.flatnonzero(self.b >= s)
            b, k, mu, theta = self.b[where], self.q[where], self.mu, self.theta
            n = where.size
            answered, hung_up = n, n + 1
            src = np.arange(n)

            def local(bb, kk):
                return (bb - s) * (self.Q + 1) + kk

            takes = b <= s
            end_to = np.where(
                takes, np.where(k > 0, local(b, np.maximum(k - 1, 0)), answered), local(np.maximum(b - 1, s), k)
            )
            generator = self._generator(
                [src, src, src],
                [end_to, local(b, np.maximum(k - 1, 0)), np.full(n, hung_up)],
                [mu * b, theta * k, np.full(n, theta)],
                n + 2,
            )
            self._caller[s] = (_Uniformized(generator), where)
        return self._caller[s]

    def start_waiting(self, p: np.ndarray, s: int) -> np.ndarray:
        """The distribution after the staffing becomes s: free agents take waiting contacts."""
        b, q = self.b, self.q
        move = (b < s) & (q > 0)
        if not move.any():
            return p
        k = np.minimum(s - b, q)
        target = np.where(move, self.index(b + k, q - k), np.arange(self.n))
        out = np.zeros_like(p)
        np.add.at(out, target, p)
        return out

    def caller_after_change(self, value_after: np.ndarray, s_new: int) -> np.ndarray:
        """A waiting contact's chance of an answer in time from its state before the staffing becomes s_new.

        ``value_after`` is its chance from each state after the change.
        """
        b, k = self.b, self.q
        free = np.maximum(s_new - b, 0)
        now = k + 1 <= free  # it and everyone ahead of it find an agent
        moved = self.index(np.minimum(b + free, self.B), np.maximum(k - free, 0))
        return np.where(now, 1.0, value_after[moved])


def _answered_in_time(chain: _Chain, s: int, horizons) -> np.ndarray:
    """P(answered within each of ``horizons`` s) of a contact arriving to each state: a row per horizon.

    s agents are on duty throughout; the chance is 1 where an agent is free.
    """
    caller, where = chain.caller(s)
    value = np.zeros(where.size + 2)
    value[-2] = 1.0
    horizons = np.atleast_1d(np.asarray(horizons, dtype=float))
    out = np.ones((horizons.size, chain.n))
    out[:, where] = caller.backward(value, horizons)[:, :-2]
    return out


def _answered_then(chain: _Chain, s: int, horizon: float, after: np.ndarray) -> np.ndarray:
    """As :func:`_answered_in_time` for one horizon, followed by a later stretch.

    A contact still waiting at the horizon has ``after`` (its chance from each state then)
    instead of 0.
    """
    caller, where = chain.caller(s)
    value = np.zeros(where.size + 2)
    value[-2] = 1.0
    value[:-2] = after[where]
    out = np.ones(chain.n)
    out[where] = caller.backward(value, np.array([horizon]))[0, :-2]
    return out


@dataclass
class _IntervalResult:
    served_in_time: float  # expected contacts answered within the target
    busy: float  # integral of busy agents over the interval
    waiting: float  # integral of waiting contacts over the interval
    end: np.ndarray  # distribution at the interval's end (before the next staffing)
    tail: float  # probability of a full queue at the start of the interval's last answer_within_s


class _Day:
    """The pieces of an interval's solution that do not depend on the distribution it starts with.

    They are cached by (arrival rate, agents, agents of the next interval).
    """

    def __init__(self, chain: _Chain, length: float, t: float):
        self.chain, self.length, self.t = chain, length, t
        nodes, weights = np.polynomial.legendre.leggauss(QUADRATURE_NODES)
        self.u = (nodes + 1.0) * t / 2.0  # time before the interval's end
        self.w = weights * t / 2.0
        self._whole: dict[int, np.ndarray] = {}
        self._edge: dict[tuple[float, int, int], np.ndarray] = {}

    def whole(self, s: int) -> np.ndarray:
        """Value of an arrival (by the state it finds) whose target ends before the interval does."""
        if s not in self._whole:
            chain = self.chain
            self._whole[s] = _answered_in_time(chain, s, self.t)[0]
        return self._whole[s]

    def edge(self, lam: float, s: int, s_next: int) -> np.ndarray:
        """Contacts answered in time among the arrivals of an interval's last t s, by the state at their start.

        With p the distribution t seconds before the end and G the generator, the arrivals at
        u seconds before the end find p e^(G(t-u)); so the count is p dotted with the integral
        over u of lam e^(G(t-u)) f(u), f(u) their chance from each state they find, taken on
        the quadrature nodes.
        """
        key = (lam, s, s_next)
        if key not in self._edge:
            chain = self.chain
            queue = chain.forward(lam, s)
            served = np.zeros(chain.n)
            if lam > 0:
                later = _answered_in_time(chain, s_next, self.t - self.u)
                for j, (u, w) in enumerate(zip(self.u, self.w, strict=True)):
                    chance = _answered_then(chain, s, u, chain.caller_after_change(later[j], s_next))
                    served += w * lam * queue.backward(chance, np.array([self.t - u]))[0]
            self._edge[key] = served
        return self._edge[key]

    def interval(self, p0: np.ndarray, lam: float, s: int, s_next: int) -> _IntervalResult:
        """One interval: p0 at its start (after its staffing took effect)."""
        chain, t = self.chain, self.t
        queue = chain.forward(lam, s)
        p_body, integral = queue.forward(p0, self.length - t, integral=True)
        served = lam * float(integral @ self.whole(s)) if lam > 0 else 0.0
        served += float(p_body @ self.edge(lam, s, s_next))
        p_end, edge_integral = queue.forward(p_body, t, integral=True)
        integral = integral + edge_integral
        full = chain.q == chain.Q
        return _IntervalResult(
            served_in_time=served,
            busy=float(integral @ chain.b),
            waiting=float(integral @ chain.q),
            end=p_end,
            tail=max(float(p_body[full].sum()), float(p_end[full].sum())),
        )


def _check(arrival_rates_per_s, aht_s, patience_s, agents, interval_s, answer_within_s):
    lam = np.atleast_1d(nonnegative("arrival_rates_per_s", arrival_rates_per_s)).astype(float)
    if lam.ndim != 1:
        raise CcsimError(f"arrival_rates_per_s: must be one rate per interval, got shape {lam.shape}")
    aht = float(positive("aht_s", aht_s))
    patience = float(positive("patience_s", patience_s))
    length = float(positive("interval_s", interval_s))
    t = float(nonnegative("answer_within_s", answer_within_s))
    if t > length:
        raise CcsimError(f"answer_within_s: must be at most interval_s ({length:g}), got {t:g}")
    if agents is None:
        return lam, aht, patience, length, t, None
    s = np.atleast_1d(np.asarray(agents, dtype=float))
    if s.shape != lam.shape:
        raise CcsimError(f"agents: must be one whole number per interval ({lam.size}), got shape {s.shape}")
    if not np.all(np.isfinite(s)) or np.any(s < 0) or np.any(s != np.round(s)):
        raise CcsimError(f"agents: must be whole numbers >= 0, got {s.tolist()}")
    return lam, aht, patience, length, t, s.astype(int)


def _queue_max(lam: np.ndarray, patience: float) -> int:
    x = float(lam.max(initial=0.0)) * patience  # about the most that wait when nobody answers
    return int(x + 6.0 * math.sqrt(x) + 12)


@dataclass
class _Solution:
    starts: list[np.ndarray]  # distribution at each interval's start, before its staffing
    results: list[_IntervalResult]


#: A re-solve stops early where the distribution is back within this (L1) of the previous one.
_SAME = 1e-13


def _solve(day: _Day, lam: np.ndarray, s: np.ndarray, changed: int = 0, previous: _Solution | None = None) -> _Solution:
    """Solve the day, or with ``previous`` only what a change of ``s[changed]`` alters.

    ``previous`` is the same day with only ``s[changed]`` different: the day is solved again
    from the interval before the change, and only as far as the change is felt.
    """
    chain = day.chain
    first = max(changed - 1, 0) if previous is not None else 0
    if previous is None or first == 0:
        p = np.zeros(chain.n)
        p[0] = 1.0
        starts, results = [], []
    else:
        p = previous.starts[first]
        starts, results = previous.starts[:first], previous.results[:first]
    for i in range(first, lam.size):
        starts.append(p)
        s_next = int(s[i + 1]) if i + 1 < lam.size else 0
        r = day.interval(chain.start_waiting(p, int(s[i])), float(lam[i]), int(s[i]), s_next)
        results.append(r)
        p = r.end
        if previous is not None and i >= changed and i + 1 < lam.size:
            if float(np.abs(p - previous.starts[i + 1]).sum()) < _SAME:
                return _Solution(starts + previous.starts[i + 1 :], results + previous.results[i + 1 :])
    return _Solution(starts, results)


def _levels(solution: _Solution, lam: np.ndarray, length: float) -> np.ndarray:
    served = np.array([r.served_in_time for r in solution.results])
    offered = lam * length
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(offered > 0, np.minimum(served / np.where(offered > 0, offered, 1.0), 1.0), np.nan)


def erlang_a_transient(arrival_rates_per_s, aht_s, patience_s, agents, *, interval_s, answer_within_s):
    """A day of M(t)/M/s(t)+M solved exactly, starting empty, nobody on duty after the last interval.

    Parameters
    ----------
    arrival_rates_per_s : array_like
        Contacts arriving per second, one rate per interval, >= 0.
    aht_s : float
        Mean handle time in seconds (exponential), > 0.
    patience_s : float
        Mean patience in seconds (exponential), > 0.
    agents : array_like
        Agents on duty per interval, whole numbers >= 0.
    interval_s : float
        Length of an interval in seconds.
    answer_within_s : float
        Answer target of the service level in seconds, at most ``interval_s``.

    Returns
    -------
    TransientMetrics
    """
    checked = _check(arrival_rates_per_s, aht_s, patience_s, agents, interval_s, answer_within_s)
    lam, aht, patience, length, t, s = checked
    queue_max = _queue_max(lam, patience)
    while True:
        chain = _Chain(1.0 / aht, 1.0 / patience, int(s.max(initial=0)), queue_max)
        solution = _solve(_Day(chain, length, t), lam, s)
        if max((r.tail for r in solution.results), default=0.0) <= QUEUE_TAIL:
            break
        queue_max *= 2
    results = solution.results
    busy = np.array([r.busy for r in results]) / length
    with np.errstate(invalid="ignore", divide="ignore"):
        occupancy = np.where(s > 0, busy / np.where(s > 0, s, 1), np.nan)
    return TransientMetrics(
        offered=lam * length,
        service_level=_levels(solution, lam, length),
        busy_agents=busy,
        mean_queue_len=np.array([r.waiting for r in results]) / length,
        occupancy=occupancy,
        waiting_at_end=float(results[-1].end @ chain.q) if results else 0.0,
    )


def transient_required_agents(
    arrival_rates_per_s, aht_s, patience_s, *, interval_s, answer_within_s, min_service_level, start=None
) -> np.ndarray:
    """The fewest agents per interval that give every interval ``min_service_level`` (exact model).

    The search runs forward through the day (each interval gets the fewest agents that meet
    its target, given the queue the earlier intervals leave it), then, from the interval with
    the most agents down, takes an agent away wherever every interval still meets its target
    (a later interval may now need one more: it is kept only if the total falls). Each step
    is judged with :func:`erlang_a_transient`'s exact numbers. Intervals with no arrivals get
    0. ``start`` (agents per interval) is where the forward search starts looking.

    This is a search, not a proof: a staffing with fewer agent-hours could exist where
    raising one interval lets several later ones fall. On the days of the planner's benchmark
    the removal pass finds no such trade.
    """
    lam, aht, patience, length, t, _ = _check(arrival_rates_per_s, aht_s, patience_s, None, interval_s, answer_within_s)
    target = float(fraction("min_service_level", min_service_level, low_open=True, high_open=True))
    if start is None:
        from ccsim.erlang import required_agents

        guess = np.asarray(
            required_agents(lam, aht, answer_within_s=t, min_service_level=target, patience_s=patience).agents
        )
    else:
        guess = np.asarray(start, dtype=int)
    chain = _Chain(1.0 / aht, 1.0 / patience, int(guess.max(initial=0) * 1.25) + 10, _queue_max(lam, patience))
    day = _Day(chain, length, t)

    def short(levels: np.ndarray) -> np.ndarray:
        return np.nan_to_num(levels, nan=1.0) < target - _TARGET_SLACK

    # forward: the fewest agents for each interval, given the queue the earlier ones leave
    # (assuming the next interval keeps them)
    s = np.zeros(lam.size, dtype=int)
    p = np.zeros(chain.n)
    p[0] = 1.0
    for i in range(lam.size):
        if lam[i] == 0:
            p = day.interval(chain.start_waiting(p, 0), 0.0, 0, 0).end
            continue

        def level(n: int, p: np.ndarray = p, rate: float = float(lam[i])) -> tuple[float, _IntervalResult]:
            r = day.interval(chain.start_waiting(p, n), rate, n, n)
            return r.served_in_time / (rate * length), r

        n = max(int(guess[i]), 1)
        sl, r = level(n)
        while sl < target - _TARGET_SLACK:
            n += 1
            if n > chain.B:
                raise CcsimError(f"transient Erlang A: interval {i} needs more than {chain.B} agents")
            sl, r = level(n)
        while n > 1:
            sl_down, r_down = level(n - 1)
            if sl_down < target - _TARGET_SLACK:
                break
            n, r = n - 1, r_down
        s[i] = n
        p = r.end
    # the next interval's staffing differs from the forward search's assumption: repair
    solution = _solve(day, lam, s)
    while short(_levels(solution, lam, length)).any():
        s[short(_levels(solution, lam, length))] += 1
        solution = _solve(day, lam, s)
    # removals, from the interval with the most agents down
    improved = True
    while improved:
        improved = False
        for i in np.argsort(-s, kind="stable"):
            if s[i] == 0:
                continue
            trial = s.copy()
            trial[i] -= 1
            tried = _solve(day, lam, trial, changed=int(i), previous=solution)
            if not short(_levels(tried, lam, length)).any():
                s, solution, improved = trial, tried, True
    return s
