"""The run's calendar in seconds, shared by both engines: intervals, buckets and opening hours.

Time is in seconds from midnight of the first day. Interval ``k`` is open from ``starts[k]`` to
``ends[k]``; its statistics **bucket** runs from its start to the start of interval ``k + 1``,
so the last interval of a day also holds the closed night after it (an agent finishing after
closing time, an email waiting overnight). Both engines count time through these functions,
so that they add the same floating-point numbers in the same order.
"""

from __future__ import annotations

from bisect import bisect_right

import numpy as np

from ccsim.scenario import Calendar, Volume

__all__ = ["Intervals", "availability_steps"]


class Intervals:
    """Interval starts and ends of a run, and the accounting of time spans over them.

    Parameters
    ----------
    calendar : ccsim.scenario.Calendar
        The scenario's calendar.

    Attributes
    ----------
    starts, ends : list of float
        Opening and closing of every interval.
    bucket_start : list of float
        Start of every interval's statistics bucket (0 for the first).
    horizon : float
        The end of the run (the end of the last interval).
    n : int
        Intervals in the run.
    """

    __slots__ = ("bucket_start", "ends", "horizon", "n", "starts")

    def __init__(self, calendar: Calendar) -> None:
        self.starts = calendar.interval_starts_s()
        self.ends = calendar.interval_ends_s()  # a closed interval (per-weekday hours) ends as it starts
        self.bucket_start = [0.0, *self.starts[1:]]
        self.horizon = self.ends[-1]
        self.n = len(self.starts)

    def bucket(self, t: float) -> int:
        """The interval whose statistics bucket holds time ``t``."""
        return max(bisect_right(self.bucket_start, t) - 1, 0)

    def open_after(self, t0: float, delay: float) -> float | None:
        """The moment ``delay`` seconds of opening hours after ``t0`` (None past the run).

        Redials and repeat contacts come back after a delay counted in opening hours: a
        customer who would come back while the desk is closed comes back that much later into
        the next opening hours, rather than everybody at the opening instant.
        """
        left = delay
        t = t0
        for k in range(self.bucket(t0), self.n):
            start = max(t, self.starts[k])
            if start < self.ends[k]:
                room = self.ends[k] - start
                if left < room:
                    return start + left
                left -= room
            t = self.ends[k]
        return None

    def spread(self, rows: list, col: int, t0: float, t1: float) -> None:
        """Add the span [t0, t1) to column ``col`` of the per-interval rows of the buckets it covers."""
        k = self.bucket(t0)
        starts = self.bucket_start
        last = self.n - 1
        while k < last and starts[k + 1] < t1:
            rows[k][col] += starts[k + 1] - t0
            t0 = starts[k + 1]
            k += 1
        rows[k][col] += t1 - t0

    def spread_open(self, rows: list, col: int, t0: float, t1: float) -> None:
        """Add the part of [t0, t1) within opening hours to column ``col`` of its intervals."""
        starts, ends = self.starts, self.ends
        k = self.bucket(t0)
        while k < self.n and starts[k] < t1:
            lo = max(t0, starts[k])
            hi = min(t1, ends[k])
            if hi > lo:
                rows[k][col] += hi - lo
            k += 1

    def arrival_segments(
        self, volume: Volume, calendar: Calendar, overdispersion: np.random.Generator
    ) -> list[tuple[float, float, float, int]]:
        """``(start, end, rate per second, interval)`` of every interval with arrivals.

        The forecast volume of each interval spread evenly over it (a piecewise-constant
        Poisson rate, 0 when closed); with ``overdispersion_cv``, each day's volume is first
        multiplied by a gamma factor of mean 1 drawn from ``overdispersion``.
        """
        values = volume.per_interval_volume(calendar)
        cv = volume.overdispersion_cv
        if cv > 0:
            shape = 1.0 / cv**2
            day_factor = overdispersion.gamma(shape, 1.0 / shape, calendar.days)
            values = values * np.repeat(day_factor, calendar.intervals_per_day_value)
        return [
            (self.starts[k], self.ends[k], values[k] / calendar.interval_s, k) for k in range(self.n) if values[k] > 0
        ]


def availability_steps(
    staffing: list[np.ndarray], availability: list[np.ndarray], starts: list[float], interval_s: float
) -> tuple[list[list[int]], list[list[tuple[float, list[tuple[int, int]]]]]]:
    """Agents answering per group and interval, and the moments a fractional agent leaves.

    A group with ``n`` agents on duty and availability ``a`` has ``e = n a`` agents answering:
    ``floor(e)`` for the whole interval and one more for the first ``e - floor(e)`` of it.
    Both engines apply the same steps, at the same moments.

    Returns
    -------
    (at_start, drops)
        ``at_start[g][k]``: agents of group ``g`` answering from the start of interval ``k``;
        ``drops[k]``: ``(time, [(group index, agents), ...])`` in time order, the moments in
        interval ``k`` at which groups go down to their whole number of agents (groups in order).
    """
    at_start: list[list[int]] = []
    by_time: list[dict[float, list[tuple[int, int]]]] = [{} for _ in starts]
    for gi, (plan, avail) in enumerate(zip(staffing, availability, strict=True)):
        effective = np.asarray(plan, dtype=float) * np.asarray(avail, dtype=float)
        whole = np.floor(effective + 1e-9)
        frac = np.where(effective - whole > 1e-9, effective - whole, 0.0)
        at_start.append([int(w) + (1 if f > 0 else 0) for w, f in zip(whole, frac, strict=True)])
        for k in np.flatnonzero(frac):
            by_time[k].setdefault(starts[k] + float(frac[k]) * interval_s, []).append((gi, int(whole[k])))
    drops = [sorted(d.items()) for d in by_time]
    return at_start, drops
