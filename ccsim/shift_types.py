"""Shift types: the ``scheduling:`` section of a scenario, or a standalone shifts file.

A :class:`Scheduling` is frozen and validated like every scenario part: each shift type's
start window, length and breaks must fit together (a break that ends after the shift, an
earliest start after the latest, overlapping break windows are refused with the rule and the
values), and ``groups`` may only name shift types that exist. Times of day are ``"HH:MM"``;
durations are whole minutes in keys ending in ``_min``. :func:`ccsim.planning.schedule` turns
a requirement per interval into shifts of these types; ``docs/scheduling.md`` explains every
key.
"""

from __future__ import annotations

import difflib
import math
from typing import Annotated, Literal, get_args

from pydantic import Field, ValidationInfo, field_validator, model_validator

from ccsim.fields import Name, NonNegative, Slowdown, Strict, Weekday, minutes_of_day

__all__ = ["Break", "Cap", "Premium", "Scheduling", "ShiftType", "clock"]

#: Longest shift, in minutes (a day and a half covers every real shift, night shifts included).
MAX_SHIFT_MIN = 36 * 60

_Minutes = Annotated[int, Field(ge=1, le=MAX_SHIFT_MIN)]
_Offset = Annotated[int, Field(ge=0, le=MAX_SHIFT_MIN)]
_Count = Annotated[int, Field(ge=0, le=10_000_000)]
#: Every weekday, Monday first (ccsim.fields.WEEKDAYS, typed as the weekdays fields hold them).
_EVERY_DAY: tuple[Weekday, ...] = get_args(Weekday)


def clock(minute: int) -> str:
    """``"HH:MM"`` of a minute of the day (taken modulo a day)."""
    minute %= 1440
    return f"{minute // 60:02d}:{minute % 60:02d}"


class Break(Strict):
    """A break or meal inside a shift: its length and the window in which it may start."""

    length_min: _Minutes = Field(description="length of the break in minutes")
    earliest_start_after_min: _Offset = Field(description="earliest start, in minutes after the shift starts")
    latest_start_after_min: _Offset = Field(description="latest start, in minutes after the shift starts")
    start_step_min: _Minutes | None = Field(
        None,
        description="minutes between possible break starts (default: the shift type's start_step_min, or the "
        "largest step dividing both it and the window)",
    )
    paid: bool = Field(False, description="whether the break is paid (an unpaid break is not in the paid hours)")

    @model_validator(mode="after")
    def _window(self) -> Break:
        if self.earliest_start_after_min > self.latest_start_after_min:
            raise ValueError(
                f"earliest_start_after_min ({self.earliest_start_after_min}) must be <= "
                f"latest_start_after_min ({self.latest_start_after_min})"
            )
        return self


class ShiftType(Strict):
    """One kind of shift: when it may start, how long it lasts, its breaks, cost and counts."""

    length_min: _Minutes = Field(description="minutes from the start to the end of the shift, breaks included")
    earliest_start: str = Field(description="earliest start HH:MM")
    latest_start: str | None = Field(
        None,
        description="latest start HH:MM (default: the earliest start; before the earliest start, the window "
        "crosses midnight)",
    )
    start_step_min: _Minutes = Field(60, description="minutes between possible starts")
    weekdays: tuple[Weekday, ...] = Field(_EVERY_DAY, min_length=1, description="weekdays on which the shift may start")
    breaks: tuple[Break, ...] = Field((), description="breaks and meals, in the order they are taken")
    cost_per_hour: NonNegative = Field(0.0, description="cost per paid hour")
    cost_per_shift: NonNegative = Field(0.0, description="fixed cost per shift worked")
    min_count: _Count = Field(0, description="fewest shifts of this type over the whole schedule")
    max_count: _Count | None = Field(None, description="most shifts of this type over the whole schedule")
    max_per_day: _Count | None = Field(None, description="most shifts of this type starting on one day")
    contract: Name | None = Field(
        None,
        description="the contract people on this shift type are hired on (default: the shift type's own name); "
        "the shift types of one contract are worked by the same people in the hiring figures",
    )
    shifts_per_agent_per_week: Annotated[int, Field(ge=1, le=7)] | None = Field(
        None, description="shifts one person on this contract works in a week (default: the file's)"
    )

    @field_validator("earliest_start", "latest_start")
    @classmethod
    def _time(cls, v: str | None) -> str | None:
        if v is not None and minutes_of_day(v) == 1440:
            raise ValueError("must be a time of day from 00:00 to 23:59 (a shift starts on its day), got '24:00'")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ShiftType:
        if self.max_count is not None and self.min_count > self.max_count:
            raise ValueError(f"min_count ({self.min_count}) must be <= max_count ({self.max_count})")
        if self.window_min % self.start_step_min:
            raise ValueError(
                f"the start window {self.earliest_start} to {self.latest_start} ({self.window_min} min) is not "
                f"a whole number of start_step_min ({self.start_step_min})"
            )
        end_prev = 0
        for k, b in enumerate(self.breaks, start=1):
            if b.latest_start_after_min + b.length_min > self.length_min:
                raise ValueError(
                    f"break {k} does not fit in the shift: latest_start_after_min {b.latest_start_after_min} + "
                    f"length_min {b.length_min} = {b.latest_start_after_min + b.length_min} is after the shift's "
                    f"end (length_min {self.length_min})"
                )
            if b.earliest_start_after_min < end_prev:
                raise ValueError(
                    f"break {k} may start at {b.earliest_start_after_min} min, before break {k - 1} can end "
                    f"({end_prev} min): break windows must follow each other without overlapping"
                )
            step = self.break_step_min(b)
            width = b.latest_start_after_min - b.earliest_start_after_min
            if width % step:
                raise ValueError(
                    f"break {k}: its start window ({width} min) is not a whole number of its start step ({step} min)"
                )
            end_prev = b.latest_start_after_min + b.length_min
        if self.unpaid_min >= self.length_min:
            raise ValueError(
                f"unpaid breaks ({self.unpaid_min} min) leave no paid time in a {self.length_min}-min shift"
            )
        return self

    @property
    def window_min(self) -> int:
        """Minutes from the earliest to the latest start (the window may cross midnight)."""
        first = minutes_of_day(self.earliest_start)
        last = first if self.latest_start is None else minutes_of_day(self.latest_start)
        return (last - first) % 1440

    def start_minutes(self) -> list[int]:
        """Possible starts in minutes after midnight of the shift's day (past 1440 the next day)."""
        first = minutes_of_day(self.earliest_start)
        return list(range(first, first + self.window_min + 1, self.start_step_min))

    def break_step_min(self, b: Break) -> int:
        """Minutes between the possible starts of break ``b`` (its own step, or the default)."""
        if b.start_step_min is not None:
            return b.start_step_min
        return math.gcd(self.start_step_min, b.latest_start_after_min - b.earliest_start_after_min)

    @property
    def unpaid_min(self) -> int:
        """Minutes of unpaid breaks."""
        return sum(b.length_min for b in self.breaks if not b.paid)

    @property
    def paid_min(self) -> int:
        """Paid minutes of one shift: its length less its unpaid breaks."""
        return self.length_min - self.unpaid_min

    @property
    def working_min(self) -> int:
        """Minutes on duty in one shift: its length less every break."""
        return self.length_min - sum(b.length_min for b in self.breaks)


class Premium(Strict):
    """A pay premium for hours worked at night or on some weekdays: a share of the hourly cost."""

    premium: Slowdown = Field(description="extra share of cost_per_hour paid for these hours (0.25 or 25%)")
    start: str = Field("00:00", description="start of the hours HH:MM (night: e.g. 22:00)")
    end: str = Field("24:00", description="end of the hours HH:MM; before the start, they cross midnight")
    weekdays: tuple[Weekday, ...] = Field(_EVERY_DAY, min_length=1, description="weekdays the premium applies on")

    @field_validator("start", "end")
    @classmethod
    def _time(cls, v: str) -> str:
        minutes_of_day(v)
        return v


class Cap(Strict):
    """The most agents on duty in some intervals (seats, a budget), breaks excluded."""

    max_on_duty: _Count = Field(description="most agents on duty (working, not on a break) in each interval")
    start: str = Field("00:00", description="first time of day the cap applies HH:MM")
    end: str = Field("24:00", description="time of day the cap ends HH:MM; before the start, it crosses midnight")
    weekdays: tuple[Weekday, ...] = Field(
        _EVERY_DAY, min_length=1, description="weekdays the cap applies on (each interval by its own weekday)"
    )

    @field_validator("start", "end")
    @classmethod
    def _time(cls, v: str) -> str:
        minutes_of_day(v)
        return v


class Scheduling(Strict):
    """Shift types, pay premiums, caps, and the shift types each agent group uses."""

    shift_types: dict[Name, ShiftType] = Field(min_length=1, description="the shift types, by name")
    night: Premium | None = Field(None, description="night premium (e.g. 25% from 22:00 to 05:00)")
    weekend: Premium | None = Field(None, description="weekend or holiday premium (e.g. 35% on sat and sun)")
    caps: tuple[Cap, ...] = Field((), description="most agents on duty in some intervals")
    groups: dict[Name, tuple[Name, ...]] = Field(
        default_factory=dict, description="the shift types each agent group uses (default: every shift type)"
    )
    objective: Literal["cost", "coverage"] = Field(
        "cost",
        description="cost: cheapest roster covering every interval; coverage: least weighted under- and over-staffing",
    )
    under_weight: Annotated[float, Field(gt=0)] = Field(
        10.0, description="coverage objective: weight of an agent-hour short of the requirement"
    )
    over_weight: Annotated[float, Field(ge=0)] = Field(
        1.0, description="coverage objective: weight of an agent-hour beyond the requirement"
    )
    fte_hours_per_week: Annotated[float, Field(gt=0, le=168)] = Field(
        40.0, description="paid hours of one full-time equivalent (FTE) per week"
    )
    shifts_per_agent_per_week: Annotated[int, Field(ge=1, le=7)] = Field(
        5, description="shifts one person works in a week (for the people to hire; a shift type may say otherwise)"
    )
    currency: str | None = Field(
        None, description="currency of the costs, for reports (in a scenario: default its costs.currency)"
    )

    @model_validator(mode="after")
    def _contracts(self) -> Scheduling:
        seen: dict[str, tuple[str, int]] = {}
        for name, t in self.shift_types.items():
            contract = t.contract or name
            per_week = t.shifts_per_agent_per_week or self.shifts_per_agent_per_week
            first = seen.setdefault(contract, (name, per_week))
            if first[1] != per_week:
                raise ValueError(
                    f"shift_types.{name}: contract {contract!r} has {first[1]} shifts per person per week on "
                    f"{first[0]} but {per_week} on {name}: one contract, one number of shifts a week"
                )
        return self

    def contract_of(self, name: str) -> str:
        """The contract of a shift type (its ``contract``, else its own name)."""
        return self.shift_types[name].contract or name

    def shifts_per_week_of(self, name: str) -> int:
        """Shifts one person on a shift type's contract works in a week."""
        return self.shift_types[name].shifts_per_agent_per_week or self.shifts_per_agent_per_week

    @field_validator("groups")
    @classmethod
    def _groups(cls, v: dict[str, tuple[str, ...]], info: ValidationInfo) -> dict[str, tuple[str, ...]]:
        types = info.data.get("shift_types")
        if types is None:  # reported on shift_types already
            return v
        for group, names in v.items():
            if not names:
                raise ValueError(f"{group}: needs at least one shift type")
            for name in names:
                if name not in types:
                    close = difflib.get_close_matches(name, list(types), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else f"; shift types: {', '.join(types)}"
                    raise ValueError(f"{group} names no shift type {name!r}{hint}")
        return v

    def types_for(self, group: str | None = None) -> dict[str, ShiftType]:
        """The shift types a group uses (every shift type for ``None`` or a group not listed).

        Raises
        ------
        ccsim.CcsimError
            When ``groups`` lists some groups but not this one.
        """
        if group is None or not self.groups:
            return dict(self.shift_types)
        if group not in self.groups:
            from ccsim.errors import CcsimError

            raise CcsimError(
                f"scheduling.groups: no entry for agent group {group!r} (listed: {', '.join(self.groups)})"
            )
        return {name: self.shift_types[name] for name in self.groups[group]}
