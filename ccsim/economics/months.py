"""Billing months from simulated days: monthly figures of a run of any length (docs/costs.md).

Two ways to make a month of a run's per-interval counts, both from the rule of
:mod:`ccsim.weeks` (a month holds each weekday 30.4375 / 7 times, of the weekdays the run
stands for):

- **by replication** (:meth:`BillingMonths.by_replication`): each replication's days, each
  weighted by how often a month holds it. Exact for every figure that is a sum of counts (wages,
  telecom, hours): its mean is the mean month.
- **composed** (:meth:`BillingMonths.composed`): billing month k made of whole simulated days,
  as many of each weekday as calendar month k holds (4 or 5; the 48 months of a four-year
  cycle in turn), each weekday's days taken in turn from replication k, then k + 1, k + 2,
  ... (after the last, the first); a typical day (a one-day run) is every open weekday's day,
  each day of the month from another replication; a run of five weeks or more gives month k
  replication k's own days, spread over the run.
  A threshold (included contacts, a minimum commitment, an SLA) is judged on a month
  of contacts, not on a week scaled up, whose counts would vary about twice as much.
  Each weekday's days are weighted 30.4375 / 7 / (days taken), so a composed month's
  expected value is the exact month's; billing month k pairs with replication k (common
  random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ccsim.fields import WEEKDAYS
from ccsim.results import SimulationResult
from ccsim.scenario import Scenario
from ccsim.weeks import WEEKS_PER_MONTH, WeekBasis, calendar_week

__all__ = ["BillingMonths", "billing_months", "month_weekdays"]

_MONTH_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_weekdays(k: int) -> dict[str, int]:
    """How many of each weekday calendar month ``k`` holds, in a four-year cycle of 48 months.

    The cycle starts on a Monday, 1 January of a leap year; its 1,461 days make 48 months of
    30.4375 days on average, so a weekday is held 30.4375 / 7 times a month on average.
    """
    k %= 48
    lengths = [n + (1 if i == 1 else 0) for i, n in enumerate(_MONTH_LENGTHS)] + list(_MONTH_LENGTHS) * 3
    first = sum(lengths[:k]) % 7
    out = dict.fromkeys(WEEKDAYS, 0)
    for d in range(lengths[k]):
        out[WEEKDAYS[(first + d) % 7]] += 1
    return out


@dataclass(frozen=True, eq=False)
class BillingMonths:
    """Monthly figures of a simulated run: by replication, or composed of whole days.

    Attributes
    ----------
    week : ccsim.weeks.WeekBasis
        What the run stands for (its weekdays, how often a week holds each day, the text).
    day_of_interval : numpy.ndarray
        The run's day of each interval.
    measured : numpy.ndarray
        Per interval: measured (the warm-up left out).
    picks : numpy.ndarray
        ``(months, picks)``: the ``(replication position, day)`` of every day each composed
        billing month is made of, as ``position * days + day``.
    weights : numpy.ndarray
        ``(months, picks)``: how many times the month holds each picked day's measured counts.
    whole_week : ccsim.weeks.WeekBasis or None
        The run's week with every interval counted, the warm-up too: for what the staffing
        plan fixes (hours paid, seats), known for every interval (:meth:`staffed`).
    """

    week: WeekBasis
    day_of_interval: np.ndarray
    measured: np.ndarray
    picks: np.ndarray
    weights: np.ndarray
    whole_week: WeekBasis | None = None

    @property
    def days(self) -> int:
        """Days in the run."""
        return len(self.week.per_day)

    @property
    def overlap(self) -> float:
        """How many replications a composed month draws its days from, on average."""
        if self.picks.size == 0:
            return 1.0
        reps = np.where(self.weights > 0, self.picks // self.days, -1)
        return float(np.mean([len(set(row[row >= 0].tolist())) for row in reps]))

    @property
    def months(self) -> float:
        """The run's measured horizon in months of the kind it stands for."""
        return self.week.months

    def per_day(self, values: np.ndarray) -> np.ndarray:
        """Sums over each day's measured intervals: ``(..., intervals)`` -> ``(..., days)``."""
        return self._day_sums(np.where(self.measured, np.asarray(values, dtype=float), 0.0))

    def _day_sums(self, v: np.ndarray) -> np.ndarray:
        """Sums over each day's intervals: ``(..., intervals)`` -> ``(..., days)``."""
        starts = np.searchsorted(self.day_of_interval, np.arange(self.days))
        if np.all(np.diff(self.day_of_interval) >= 0) and np.all(np.diff(np.append(starts, v.shape[-1])) > 0):
            return np.add.reduceat(v, starts, axis=-1)  # intervals in day order, every day has some
        out = np.zeros((*v.shape[:-1], self.days))
        for d in range(self.days):
            out[..., d] = v[..., self.day_of_interval == d].sum(axis=-1)
        return out

    def staffed(self, values: np.ndarray) -> np.ndarray:
        """A month of each replication of a figure the staffing plan fixes, the warm-up included.

        Hours on duty are known for every interval, warm-up or not, so a day cut by the
        warm-up is not scaled up from its measured part.
        """
        return (self.whole_week or self.week).per_month(self._day_sums(np.asarray(values, dtype=float)))

    def by_replication(self, values: np.ndarray) -> np.ndarray:
        """A month of each replication: ``(replications, ..., intervals)`` -> ``(replications, ...)``."""
        return self.week.per_month(self.per_day(values))

    def composed(self, values: np.ndarray) -> np.ndarray:
        """Composed billing months: ``(replications, ..., intervals)`` -> ``(months, ...)``."""
        return self.compose_days(self.per_day(values))

    def compose_days(self, day: np.ndarray) -> np.ndarray:
        """Composed billing months from sums per day: ``(replications, ..., days)`` -> ``(months, ...)``."""
        flat = np.moveaxis(day, -1, 1).reshape(day.shape[0] * self.days, *day.shape[1:-1])
        taken = flat[self.picks]  # (months, picks, ...)
        w = self.weights.reshape(*self.weights.shape, *([1] * (taken.ndim - 2)))
        return (taken * w).sum(axis=1)

    def resampled(self, order: np.ndarray) -> BillingMonths:
        """The same months made from the replications in another ``order`` (positions, with repeats)."""
        order = np.asarray(order, dtype=np.int64)
        return replace(_compose(self.week, self.day_of_interval, self.measured, order), whole_week=self.whole_week)


def _held_table() -> np.ndarray:
    """``(48, 7)``: how many of each weekday (in WEEKDAYS order) each month of the cycle holds."""
    return np.array([[month_weekdays(k)[wd] for wd in WEEKDAYS] for k in range(48)], dtype=np.int64)


_HELD = _held_table()


def _compose(week: WeekBasis, day_of_interval: np.ndarray, measured: np.ndarray, order: np.ndarray) -> BillingMonths:
    """Billing month k from the days of replications order[k], order[k + 1], ... in turn.

    Each weekday has a pool of days: every replication's measured days of that weekday, in
    turn. A run that holds a weekday at least as often as the month does (five weeks or more)
    takes month k's days of it from replication k alone, spread evenly over the run (so a long
    run is priced over all of it, not its first month). A shorter run takes them one after the
    other from replication k's first day of that weekday on, into the next replications. A
    typical day (a one-day run) is every weekday's day: one pool for the whole month, each day
    of it from another replication.
    """
    n, days = len(order), len(week.per_day)
    share = np.where(week.share > 0, week.share, 1.0)
    k = np.arange(n)
    held = _HELD[k % 48]  # (months, 7)
    cols = [WEEKDAYS.index(wd) for wd in week.weekdays]
    j = np.arange(5)
    picks, weights = [], []
    start = k.copy()  # a typical day: where each weekday's days begin in the one pool, month by month
    for wd, c in zip(week.weekdays, cols, strict=True):
        take = j[None, :] < held[:, c : c + 1]  # (months, 5)
        if days == 1:
            pool_r, pool_d = order, np.zeros(n, dtype=np.int64)
            at = (start[:, None] + j[None, :]) % n
            start = start + held[:, c]
        else:
            its_days = np.array([d for d in range(days) if week.weekday_of_day[d] == wd and week.share[d] > 0])
            per_rep = len(its_days)
            pool_r = np.repeat(order, per_rep)  # replications in turn, each with its days of wd
            pool_d = np.tile(its_days, n)
            if per_rep >= 5:  # a long run: this replication's days, spread over the run
                spread = ((2 * j[None, :] + 1) * per_rep) // (2 * np.maximum(held[:, c : c + 1], 1))  # centred
                at = (k[:, None] * per_rep + np.minimum(spread, per_rep - 1)) % len(pool_r)
            else:
                at = (k[:, None] * per_rep + j[None, :]) % len(pool_r)
        picks.append(pool_r[at] * days + pool_d[at])
        weights.append(np.where(take, WEEKS_PER_MONTH / held[:, c : c + 1] / share[pool_d[at]], 0.0))
    pk = np.concatenate(picks, axis=1) if picks else np.zeros((n, 0), dtype=np.int64)
    wt = np.concatenate(weights, axis=1) if weights else np.zeros((n, 0))
    return BillingMonths(week, day_of_interval, measured, pk, wt)


def billing_months(result: SimulationResult, scenario: Scenario) -> BillingMonths:
    """The billing months of a simulation of ``scenario`` (one per replication, in array order)."""
    cal, groups = scenario.calendar, scenario.agent_groups.values()
    weekend = scenario.costs.weekend_days if scenario.costs.weekend_premium else ()
    week = calendar_week(cal, result.measured, groups, weekend)
    day_of_interval = (np.asarray(result.interval_starts_s, dtype=float) // 86400.0).astype(np.int64)
    order = np.arange(len(result.replication_ids))
    whole = calendar_week(cal, None, groups, weekend)
    return replace(_compose(week, day_of_interval, np.asarray(result.measured, dtype=bool), order), whole_week=whole)
