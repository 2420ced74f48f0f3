"""What a week and a month of a run are: the one rule behind every weekly and monthly figure.

A month holds each weekday ``DAYS_PER_MONTH / 7`` times (30.4375 = 365.25 / 12 days). A run
stands for the weekdays it simulated, each as often as a week holds it:

- a run of one day is a **typical day**: it stands for every open weekday like it (the same
  hours, volume factor, groups at work and premiums; 7 when every weekday is alike), so a
  week holds it that many times; the open weekdays unlike it are named;
- a longer run stands for each weekday it simulated once a week, that weekday's figure being
  the mean over the run's days of that weekday (a day cut by the warm-up counts as the share
  of it that is measured); weekdays it did not simulate are counted as closed, and the text
  says which of them the calendar opens.

Stated once, with a worked example, in ``docs/costs.md``; the costs (``ccsim.economics``),
the hiring figures of a roster (``ccsim.planning``) and the contacts per month of
``ccsim compare`` all use :func:`week_basis`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ccsim.errors import CcsimError
from ccsim.fields import WEEKDAYS

__all__ = ["DAYS_PER_MONTH", "WEEKS_PER_MONTH", "WeekBasis", "calendar_week", "open_weekdays", "week_basis"]

#: Days in a month: 365.25 / 12.
DAYS_PER_MONTH = 30.4375
#: Weeks in a month: a month holds each weekday this many times.
WEEKS_PER_MONTH = DAYS_PER_MONTH / 7.0


@dataclass(frozen=True, eq=False)
class WeekBasis:
    """How often a week holds each day of a run (see :func:`week_basis`).

    Attributes
    ----------
    per_day : numpy.ndarray
        Per day of the run: how many times a week holds that day's measured figures (0 for a
        day not measured). A weekly figure is ``sum(per_day * day figure)``, a monthly one that
        x :data:`WEEKS_PER_MONTH`.
    share : numpy.ndarray
        Per day of the run: the share of it that is measured (1, or less where the warm-up
        cuts it).
    weekday_of_day : tuple of str
        The weekday of each day of the run.
    weekdays : tuple of str
        The open weekdays the figures stand for, in week order (a closed weekday the run
        simulated adds nothing to a week and is left out).
    not_simulated : tuple of str
        Weekdays the calendar opens but the run did not simulate: counted as closed.
    text : str
        The rule in words, for reports (``a week = the run's mon to fri (sat, sun closed)``).
    """

    per_day: np.ndarray
    share: np.ndarray
    weekday_of_day: tuple[str, ...]
    weekdays: tuple[str, ...]
    not_simulated: tuple[str, ...]
    text: str

    @property
    def week_days(self) -> float:
        """Days in the week the run stands for, closed days it simulated included."""
        return float(np.sum(self.per_day * self.share))

    @property
    def month_days(self) -> float:
        """Open days in the month the run stands for: 30.4375 / 7 x its open weekdays (21.74 for Monday to Friday)."""
        if self.per_day.size == 1:
            return float(self.per_day[0] * self.share[0]) * WEEKS_PER_MONTH
        return len(self.weekdays) * WEEKS_PER_MONTH

    @property
    def measured_days(self) -> float:
        """Days measured: the sum of :attr:`share`."""
        return float(np.sum(self.share))

    @property
    def weeks(self) -> float:
        """The run's measured days in weeks of the kind it stands for (its figures / this = a week's)."""
        return self.measured_days / self.week_days if self.week_days > 0 else 0.0

    @property
    def months(self) -> float:
        """The run's measured days in months of the kind it stands for."""
        return self.weeks / WEEKS_PER_MONTH

    def per_week(self, per_day_values: np.ndarray) -> np.ndarray:
        """A week's figure from figures per day (the last axis is the run's days)."""
        return np.asarray(per_day_values, dtype=float) @ self.per_day

    def per_month(self, per_day_values: np.ndarray) -> np.ndarray:
        """A month's figure from figures per day (the last axis is the run's days)."""
        return self.per_week(per_day_values) * WEEKS_PER_MONTH


def _span(days: Sequence[str]) -> str:
    """``mon to fri`` for weekdays that follow each other, else a list."""
    if len(days) >= 3 and all(WEEKDAYS[(WEEKDAYS.index(days[0]) + i) % 7] == d for i, d in enumerate(days)):
        return f"{days[0]} to {days[-1]}"
    if len(days) == 2 and WEEKDAYS[(WEEKDAYS.index(days[0]) + 1) % 7] == days[1]:
        return f"{days[0]} to {days[1]}"
    return ", ".join(days)


def week_basis(
    days: int,
    start_weekday: str = "mon",
    *,
    share: Sequence[float] | np.ndarray | None = None,
    open_weekdays: Iterable[str] | None = None,
    alike: Iterable[str] | None = None,
) -> WeekBasis:
    """How many times a week holds each day of a run of ``days`` days, and that rule in words.

    Parameters
    ----------
    days : int
        Days simulated (>= 1).
    start_weekday : str
        Weekday of the first day.
    share : sequence of float, optional
        Per day, the share of it that is measured (default: all of every day).
    open_weekdays : iterable of str, optional
        The weekdays the calendar opens (default: all seven). A typical day stands for these;
        a longer run names those it did not simulate (unknown: they are taken as closed).
    alike : iterable of str, optional
        For a one-day run: the open weekdays like the simulated day (the same hours, volume
        factor, agent groups at work and premiums). The typical day stands for these only;
        the other open weekdays are named as not simulated. Default: every open weekday.

    Returns
    -------
    WeekBasis
    """
    first = WEEKDAYS.index(start_weekday)
    weekday_of_day = tuple(WEEKDAYS[(first + d) % 7] for d in range(days))
    measured = np.ones(days) if share is None else np.clip(np.asarray(share, dtype=float), 0.0, 1.0)
    opened = [d for d in WEEKDAYS if open_weekdays is None or d in set(open_weekdays)] or list(WEEKDAYS)
    per_day = np.zeros(days)
    if days == 1:
        if open_weekdays is not None and weekday_of_day[0] not in opened:
            raise CcsimError(
                f"calendar.start_weekday: the run's only day, {weekday_of_day[0]}, is closed: it stands for no "
                "weekday; start the run on an open weekday"
            )
        like = [d for d in opened if alike is None or d in set(alike) or d == weekday_of_day[0]]
        unlike = [d for d in opened if d not in like]
        if measured[0] > 0:
            per_day[0] = len(like) / measured[0]
        if len(like) == 7:
            text = "a week = 7 x the run's typical day"
        else:
            text = f"a week = {len(like)} x the run's typical day ({_span(like)}"
            if unlike:
                text += f"; {', '.join(unlike)} open but unlike it, not simulated: counted as closed"
            text += ")"
        return WeekBasis(per_day, measured, weekday_of_day, tuple(like), tuple(unlike), text)
    of_weekday = {w: float(sum(m for m, d in zip(measured, weekday_of_day, strict=True) if d == w)) for w in WEEKDAYS}
    for d, w in enumerate(weekday_of_day):
        if measured[d] > 0:
            per_day[d] = 1.0 / of_weekday[w]
    simulated = [w for w in WEEKDAYS if of_weekday[w] > 0]
    run_order = list(dict.fromkeys(w for d, w in enumerate(weekday_of_day) if measured[d] > 0))
    others = [WEEKDAYS[(WEEKDAYS.index(run_order[0]) + i) % 7] for i in range(7)] if run_order else list(WEEKDAYS)
    others = [w for w in others if w not in simulated]
    known = open_weekdays is not None  # unknown: the weekdays not simulated are taken as closed
    not_simulated = [w for w in others if known and w in opened]
    closed = [w for w in others if w not in not_simulated]
    if not others:
        counts = {of_weekday[w] for w in WEEKDAYS}
        if days == 7 and measured.min() == 1.0:
            text = "a week = the run's 7 days"
        elif len(counts) == 1 and measured.min() == 1.0:
            text = f"a week = the run's {days} days x 7 / {days}"
        else:
            text = f"a week = each weekday once, its mean over the run's {days} days"
        shut = [w for w in WEEKDAYS if known and w not in opened]
        if shut:
            text += f" ({', '.join(shut)} closed)"
    else:
        parts = []
        if closed:
            parts.append(f"{', '.join(closed)} closed")
        warm = [w for w in not_simulated if w in weekday_of_day]  # simulated, but only in the warm-up
        cold = [w for w in not_simulated if w not in warm]
        if cold:
            parts.append(f"{', '.join(cold)} open but not simulated: counted as closed")
        if warm:
            parts.append(f"{', '.join(warm)} only in the warm-up: counted as closed")
        once = "" if max(of_weekday.values()) <= 1.0 else ", each weekday its mean"
        text = f"a week = the run's {_span(run_order)}{once} ({'; '.join(parts)})"
    open_simulated = tuple(w for w in simulated if w in opened)  # a closed weekday simulated adds nothing
    return WeekBasis(per_day, measured, weekday_of_day, open_simulated, tuple(not_simulated), text)


def open_weekdays(calendar) -> tuple[str, ...]:
    """The weekdays a scenario's calendar opens (``Calendar.weekday_hours`` is not None)."""
    return tuple(d for d in WEEKDAYS if calendar.weekday_hours(d) is not None)


def calendar_week(
    calendar, measured: np.ndarray | None = None, groups: Iterable | None = None, weekend_days: Iterable[str] = ()
) -> WeekBasis:
    """The :class:`WeekBasis` of a scenario's run: its days, first weekday, open weekdays and warm-up.

    ``measured`` is the per-interval mask of measured intervals (``SimulationResult.measured``);
    default: every interval. A one-day run stands for the open weekdays like its day: the
    same hours and ``day_of_week_factors``, the same agent ``groups`` at work (their
    ``weekdays``), and on the same side of ``weekend_days`` (the weekend premium).
    """
    per_day = calendar.intervals_per_day_value
    share = None
    if measured is not None:
        share = np.asarray(measured, dtype=float).reshape(calendar.days, per_day).mean(axis=1)
    day = calendar.start_weekday
    factors = calendar.day_of_week_factors or {}
    weekend = set(weekend_days)

    def working(w: str) -> tuple:
        return tuple(g.weekdays is None or w in g.weekdays for g in (groups or ()))

    alike = [
        w
        for w in open_weekdays(calendar)
        if calendar.weekday_hours(w) == calendar.weekday_hours(day)
        and factors.get(w, 1.0) == factors.get(day, 1.0)
        and working(w) == working(day)
        and (w in weekend) == (day in weekend)
    ]
    return week_basis(
        calendar.days, calendar.start_weekday, share=share, open_weekdays=open_weekdays(calendar), alike=alike
    )
