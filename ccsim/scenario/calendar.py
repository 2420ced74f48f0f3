"""The calendar: interval length, opening hours per weekday, days simulated.

Times of day are read by :func:`ccsim.fields.minutes_of_day` (``H:MM`` or ``HH:MM``); a day's
intervals run from the week's earliest opening to its latest closing, and the hours a weekday
is closed hold no contacts and no agents.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

import numpy as np
from pydantic import AfterValidator, Field, PrivateAttr, field_validator, model_validator

from ccsim.fields import WEEKDAYS, NonNegative, Strict, Weekday, minutes_of_day

__all__ = ["Calendar"]

_T = TypeVar("_T")

_HOURS = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")


def _day_hours(text: str) -> tuple[int, int] | None:
    """``"HH:MM-HH:MM"`` as minutes after midnight, or None for ``closed``."""
    if text.strip().lower() == "closed":
        return None
    m = _HOURS.match(text)
    if not m:
        raise ValueError(f"must be opening hours as HH:MM-HH:MM (say 10:00-15:00) or closed, got {text!r}")
    start, end = (minutes_of_day(part) for part in m.groups())
    if end <= start:
        raise ValueError(f"the closing time must be after the opening time, got {text!r}")
    return start, end


def _on_day(values: Mapping[Any, _T] | None, day: str, default: _T) -> _T:
    """A weekday's value in a mapping by weekday, ``default`` when the day (or the mapping) is not given."""
    return default if values is None else values.get(day, default)


def _check_day_hours(text: str) -> str:
    _day_hours(text)
    return text


class Calendar(Strict):
    """Interval length, opening hours (per weekday) and days simulated."""

    interval_min: Literal[15, 30, 60] = Field(30, description="interval length in minutes")
    open: str | None = Field(None, description="opening time HH:MM (default 00:00)")
    close: str | None = Field(None, description="closing time HH:MM (default 24:00)")
    intervals_per_day: Annotated[int, Field(ge=1, le=96)] | None = Field(
        None, description="intervals per day, counted from the opening time (instead of close)"
    )
    hours: dict[Weekday, Annotated[str, AfterValidator(_check_day_hours)]] | None = Field(
        None,
        description="opening hours of single weekdays, HH:MM-HH:MM or closed (the weekdays not listed keep "
        "open/close); a day's intervals run from the week's earliest opening to its latest closing",
    )
    days: Annotated[int, Field(ge=1, le=366)] = Field(1, description="days simulated")
    start_weekday: Weekday = Field("mon", description="weekday of the first day")
    day_of_week_factors: dict[Weekday, NonNegative] | None = Field(
        None, description="volume multiplier per weekday (missing days count 1; 0 closes the day)"
    )

    @field_validator("open", "close")
    @classmethod
    def _time(cls, v: str | None) -> str | None:
        if v is not None:
            minutes_of_day(v)
        return v

    # the week's day in minutes (earliest opening, latest closing), derived once in _consistent
    _day: tuple[int, int] = PrivateAttr(default=(0, 1440))

    @model_validator(mode="after")
    def _consistent(self) -> Calendar:
        start = minutes_of_day(self.open) if self.open else 0
        if start % self.interval_min:
            raise ValueError(f"open {self.open} is not on a {self.interval_min}-minute interval boundary")
        if self.close is not None:
            end = minutes_of_day(self.close)
            if end <= start:
                raise ValueError(f"close {self.close} must be after open {self.open or '00:00'}")
            if (end - start) % self.interval_min:
                raise ValueError(f"open to close ({end - start} min) is not a whole number of intervals")
            if self.intervals_per_day is not None and self.intervals_per_day * self.interval_min != end - start:
                raise ValueError(
                    f"intervals_per_day {self.intervals_per_day} disagrees with open {self.open} to close {self.close}"
                )
        if start + self._base_intervals() * self.interval_min > 24 * 60:
            raise ValueError("the opening hours run past midnight")
        for day, text in (self.hours or {}).items():
            span = _day_hours(text)
            if span is not None and any(t % self.interval_min for t in span):
                raise ValueError(
                    f"hours.{day}: must fall on {self.interval_min}-minute interval boundaries, got {text!r}"
                )
            if span is not None and (self.day_of_week_factors or {}).get(day, 1.0) == 0:
                raise ValueError(
                    f"hours.{day}: opening hours for a weekday that day_of_week_factors.{day}: 0 closes, got "
                    f"{text!r} (remove one of them)"
                )
        spans = [s for s in (self.weekday_hours(d) for d in WEEKDAYS) if s is not None]
        if not spans:
            raise ValueError("every weekday is closed (hours, day_of_week_factors): nothing can happen")
        self._day = (min(s[0] for s in spans), max(s[1] for s in spans))
        return self

    def _base_intervals(self) -> int:
        if self.intervals_per_day is not None:
            return self.intervals_per_day
        start = minutes_of_day(self.open) if self.open else 0
        end = minutes_of_day(self.close) if self.close else 24 * 60
        return (end - start) // self.interval_min

    def weekday_hours(self, day: str) -> tuple[int, int] | None:
        """Opening and closing of a weekday in minutes after midnight, or None when it is closed.

        A weekday is closed when ``hours`` says so or its ``day_of_week_factors`` is 0 (no
        contact can arrive); otherwise its ``hours``, or ``open`` to ``close``.
        """
        if _on_day(self.day_of_week_factors, day, 1.0) == 0:
            return None
        text = _on_day(self.hours, day, None)
        if text is not None:
            return _day_hours(text)
        start = minutes_of_day(self.open) if self.open else 0
        return start, start + self._base_intervals() * self.interval_min

    def _grid(self) -> tuple[int, int]:
        """The day's intervals in minutes: the week's earliest opening to its latest closing."""
        return self._day

    @property
    def interval_s(self) -> float:
        """Interval length in seconds."""
        return self.interval_min * 60.0

    @property
    def day_start_s(self) -> float:
        """Start of the first interval of every day in seconds after midnight (the earliest opening)."""
        return self._grid()[0] * 60.0

    @property
    def day_start(self) -> str:
        """Start of the first interval of every day as HH:MM."""
        minute = self._grid()[0]
        return f"{minute // 60:02d}:{minute % 60:02d}"

    @property
    def intervals_per_day_value(self) -> int:
        """Intervals per day: from the week's earliest opening to its latest closing."""
        start, end = self._grid()
        return (end - start) // self.interval_min

    @property
    def intervals(self) -> int:
        """Intervals in the whole run."""
        return self.intervals_per_day_value * self.days

    def weekday_of_day(self, day: int) -> str:
        """Weekday of simulated day ``day`` (0 is the first)."""
        return WEEKDAYS[(WEEKDAYS.index(self.start_weekday) + day) % 7]

    def day_factors(self) -> np.ndarray:
        """Volume multiplier of each simulated day (day-of-week pattern)."""
        return np.array([_on_day(self.day_of_week_factors, self.weekday_of_day(d), 1.0) for d in range(self.days)])

    def open_intervals(self) -> np.ndarray:
        """Whether the desk is open in every interval of the run (its weekday's hours)."""
        start, _ = self._grid()
        n_day = self.intervals_per_day_value
        minutes = start + np.arange(n_day) * self.interval_min
        out = np.zeros((self.days, n_day), dtype=bool)
        for d in range(self.days):
            span = self.weekday_hours(self.weekday_of_day(d))
            if span is not None:
                out[d] = (minutes >= span[0]) & (minutes < span[1])
        return out.ravel()

    @property
    def has_closed_intervals(self) -> bool:
        """Whether some interval of the run is closed (per-weekday hours or closed weekdays)."""
        return not bool(self.open_intervals().all())

    def interval_starts_s(self) -> list[float]:
        """Start of every interval of the run, in seconds from midnight of the first day."""
        first, step = self.day_start_s, self.interval_s
        return [d * 86400.0 + first + i * step for d in range(self.days) for i in range(self.intervals_per_day_value)]

    def interval_ends_s(self) -> list[float]:
        """Closing of every interval's open time: its end, or its start when the desk is closed then."""
        return [
            s + self.interval_s if is_open else s
            for s, is_open in zip(self.interval_starts_s(), self.open_intervals(), strict=True)
        ]

    def interval_labels(self) -> list[str]:
        """``day D HH:MM`` start label of every interval of the run."""
        labels = []
        for start in self.interval_starts_s():
            day, minute = divmod(int(start // 60), 1440)
            labels.append(f"day {day + 1} {minute // 60:02d}:{minute % 60:02d}")
        return labels
