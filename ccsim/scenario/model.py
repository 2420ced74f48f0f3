"""The scenario: one contact-center desk, described once, validated completely.

A :class:`Scenario` is frozen and fully validated: field types and ranges by pydantic, and the
cross-references between its parts (skills name existing channels, escalation targets and
vendors exist, per-interval lists have one value per interval, every channel with volume has
an agent group able to serve it) by :func:`cross_check`. Build one with
:func:`ccsim.load_scenario` (from YAML), :func:`ccsim.scenario_from_dict` or
:func:`validate_scenario`; all raise :class:`ccsim.ScenarioError` listing every problem with
its dotted path. A Scenario is a plain value: it holds no file or loader state, pickles small,
and :meth:`Scenario.variant` and :meth:`Scenario.replace` return new validated Scenarios.

Units sit in key names (``mean_s``, ``per_hour``, ``answer_within_s``); every time inside is in
seconds. Shares are numbers in [0, 1] or percents (``"30%"``). Sizes have upper bounds no real
desk reaches (:data:`MAX_AGENTS`, :data:`MAX_CONTACTS_PER_INTERVAL`, ...), so that a typo cannot
start a run that never ends. The reference of every key is ``docs/scenario-format.md``.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from ccsim.distributions import (
    MAX_TIME_S,
    AtMost,
    Deterministic,
    Distribution,
    Exponential,
    PositiveSeconds,
    Seconds,
    shown,
)
from ccsim.errors import CcsimError, Problem, ScenarioError
from ccsim.fields import (
    PERCENT_PATTERN,
    WEEKDAYS,
    Name,
    NonNegative,
    PositiveShare,
    Probability,
    ShareBelowOne,
    Slowdown,
    Strict,
    Weekday,
    minutes_of_day,
)
from ccsim.problems import merge, problems_from_validation, short
from ccsim.shift_types import Scheduling
from ccsim.weeks import DAYS_PER_MONTH  # days in a month, for contact rates per month (365.25 / 12)

__all__ = [
    "DEFAULT_ANSWER_WITHIN_S",
    "MAX_AGENTS",
    "MAX_CONTACTS_PER_DAY",
    "MAX_CONTACTS_PER_INTERVAL",
    "MAX_CUSTOMERS",
    "PERCENT_PATTERN",
    "WEEKDAYS",
    "AgentGroup",
    "Calendar",
    "Channel",
    "Costs",
    "Escalation",
    "Forecast",
    "Redial",
    "Resolution",
    "Scenario",
    "SelfService",
    "Simulation",
    "Skill",
    "Targets",
    "Variant",
    "Vendor",
    "VendorPricing",
    "VendorRouting",
    "VendorSla",
    "Volume",
    "check_staffing",
    "cross_check",
    "resolve_variant",
    "staffing_per_interval",
    "validate_scenario",
]

#: Most agents on duty in one agent group and interval.
MAX_AGENTS = 100_000
#: Most expected contacts of a channel in one interval (``per_interval``).
MAX_CONTACTS_PER_INTERVAL = 10_000_000
#: Most expected contacts of a channel per day (``per_day``, or customers x contact rate).
MAX_CONTACTS_PER_DAY = 100_000_000
#: Largest customer base of a channel.
MAX_CUSTOMERS = 10_000_000_000


# --------------------------------------------------------------------------- calendar


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
        if (self.day_of_week_factors or {}).get(day, 1.0) == 0:
            return None
        text = (self.hours or {}).get(day)
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
        factors = self.day_of_week_factors or {}
        return np.array([factors.get(self.weekday_of_day(d), 1.0) for d in range(self.days)])

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


# --------------------------------------------------------------------------- channels


class Volume(Strict):
    """Contacts arriving on a channel: one of per interval, per day, or a customer base."""

    per_interval: (
        tuple[Annotated[float, Field(ge=0), AtMost(MAX_CONTACTS_PER_INTERVAL, "contacts per interval")], ...] | None
    ) = Field(None, description="contacts per interval: one value per interval of a day, or of the whole run")
    per_day: Annotated[float, Field(ge=0), AtMost(MAX_CONTACTS_PER_DAY, "contacts per day")] | None = Field(
        None, description="contacts per day, spread by profile"
    )
    customers: Annotated[float, Field(ge=0), AtMost(MAX_CUSTOMERS, "customers")] | None = Field(
        None, description="customer base"
    )
    contacts_per_customer_per_month: NonNegative | None = Field(
        None, description="contact rate (問い合わせ比率): contacts per customer per month"
    )
    contacts_per_customer_per_day: NonNegative | None = Field(
        None, description="contact rate: contacts per customer per day"
    )
    profile: tuple[NonNegative, ...] | None = Field(
        None, description="intraday shape, one weight per interval of a day (normalised; default flat)"
    )
    overdispersion_cv: Annotated[float, Field(ge=0, le=10)] = Field(
        0.0, description="forecast uncertainty: coefficient of variation of a day-level volume multiplier"
    )

    @field_validator("overdispersion_cv")
    @classmethod
    def _cv(cls, v: float) -> float:
        if 0 < v < 0.001:
            raise ValueError(f"must be 0 (no uncertainty) or at least 0.001, got {v!r}")
        return v

    @model_validator(mode="after")
    def _one_source(self) -> Volume:
        given = [k for k in ("per_interval", "per_day", "customers") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of per_interval, per_day, or customers (with a contact rate)"
                + (f"; got {', '.join(given)}" if given else "")
            )
        has_rate = self.contacts_per_customer_per_month is not None or self.contacts_per_customer_per_day is not None
        if self.customers is not None and (
            not has_rate
            or (self.contacts_per_customer_per_month is not None and self.contacts_per_customer_per_day is not None)
        ):
            raise ValueError(
                "customers needs exactly one of contacts_per_customer_per_month or contacts_per_customer_per_day"
            )
        if self.customers is None and has_rate:
            raise ValueError("a contact rate needs customers")
        if self.per_interval is not None and self.profile is not None:
            raise ValueError("profile goes with per_day or customers, not with per_interval")
        if self.profile is not None and sum(self.profile) <= 0:
            raise ValueError("profile must have a positive weight somewhere")
        daily = self.daily_volume()
        if self.customers is not None and daily is not None and not daily <= MAX_CONTACTS_PER_DAY:
            raise ValueError(
                f"customers x contact rate gives {daily:,.0f} contacts per day; must be <= {MAX_CONTACTS_PER_DAY:,}"
            )
        return self

    def daily_volume(self) -> float | None:
        """Contacts per day when given per day or by the customer base, else None."""
        if self.per_day is not None:
            return self.per_day
        if self.customers is not None:
            if self.contacts_per_customer_per_day is not None:
                return self.customers * self.contacts_per_customer_per_day
            return self.customers * self.contacts_per_customer_per_month / DAYS_PER_MONTH
        return None

    def per_interval_volume(self, calendar: Calendar) -> np.ndarray:
        """Expected contacts in every interval of the run (before self-service)."""
        n_day, days = calendar.intervals_per_day_value, calendar.days
        factors = calendar.day_factors()
        is_open = calendar.open_intervals().reshape(days, n_day)
        if self.per_interval is not None:
            values = np.asarray(self.per_interval, dtype=float)
            if values.size == n_day * days:
                return np.where(is_open.ravel(), values, 0.0)
            return np.where(is_open, values[None, :] * factors[:, None], 0.0).ravel()
        shape = np.ones(n_day) if self.profile is None else np.asarray(self.profile, dtype=float)
        # a day's volume spread over its own opening hours by the profile's weights there
        weights = np.where(is_open, shape[None, :], 0.0)
        totals = weights.sum(axis=1, keepdims=True)
        shares = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
        return (self.daily_volume() * factors[:, None] * shares).ravel()


class Redial(Strict):
    """Callers who hung up try again later."""

    probability: Probability = Field(description="share of abandoned contacts that redial")
    delay: Distribution = Field(description="time from hanging up to redialling")


class SelfService(Strict):
    """A chatbot, FAQ or IVR in front of the agents."""

    kind: Literal["chatbot", "faq", "ivr"] = Field(description="the kind of self-service")
    containment: Probability = Field(description="share of contacts it resolves without an agent")
    time: Distribution = Field(
        Deterministic(dist="deterministic", value_s=0.0), description="time a contact spends in it before hand-off"
    )


#: Answer target (seconds) for the service level when a channel gives none: 20 s for voice and
#: chat (as the calculator), 24 h for email and SNS.
DEFAULT_ANSWER_WITHIN_S = {"voice": 20.0, "chat": 20.0, "email": 86400.0, "sns": 86400.0}


class Targets(Strict):
    """Service targets of a channel (targets are named as bounds: ``min_``, ``max_``)."""

    min_service_level: PositiveShare | None = Field(
        None, description="target: least share answered within the answer target"
    )
    answer_within_s: Seconds | None = Field(
        None, description="answer target in seconds (default 20 s for voice and chat, 24 h for email and SNS)"
    )
    answer_within_h: Annotated[float, Field(ge=0), AtMost(MAX_TIME_S // 3600, "h (30 days)")] | None = Field(
        None, description="answer target in hours (email, SNS)"
    )
    max_abandon_rate: Probability | None = Field(None, description="target: highest abandonment rate")
    max_asa_s: PositiveSeconds | None = Field(None, description="target: highest ASA in seconds")

    @model_validator(mode="after")
    def _answer_target(self) -> Targets:
        if self.answer_within_s is not None and self.answer_within_h is not None:
            raise ValueError("give answer_within_s or answer_within_h, not both")
        return self

    @property
    def answer_target_s(self) -> float | None:
        """The answer target in seconds, whichever key gave it (None when not given)."""
        if self.answer_within_h is not None:
            return self.answer_within_h * 3600.0
        return self.answer_within_s


ChannelKind = Literal["voice", "chat", "email", "sns"]
REALTIME_KINDS = ("voice", "chat")


class Channel(Strict):
    """A way customers reach the desk."""

    kind: ChannelKind = Field(description="voice and chat customers wait and abandon; email and SNS form a backlog")
    volume: Volume
    handle_time: Distribution = Field(description="agent handle time of one contact (talk + wrap-up)")
    patience: Distribution | None = Field(
        None,
        description="time a waiting customer stays before abandoning (voice and chat; null: never abandons)",
    )
    handle_time_per_interval_s: tuple[PositiveSeconds, ...] | None = Field(
        None,
        description="forecast: mean handle time of the contacts arriving in each interval (one value per "
        "interval of a day or of the run); handle_time gives the shape, scaled to each interval's mean",
    )
    patience_per_interval_s: tuple[PositiveSeconds, ...] | None = Field(
        None,
        description="forecast: mean patience of the contacts arriving in each interval (one value per interval "
        "of a day or of the run); patience gives the shape, scaled to each interval's mean",
    )
    redial: Redial | None = None
    self_service: SelfService | None = None
    contact_types: dict[Name, Probability] | None = Field(
        None, description="contact types (languages, product lines) and their shares of the volume"
    )
    max_concurrent: Annotated[int, Field(ge=1, le=20)] = Field(1, description="chat: chats an agent runs at once")
    concurrency_slowdown: Slowdown = Field(
        0.0, description="chat: each extra concurrent chat lengthens every chat's handle time by this share"
    )
    targets: Targets = Targets()

    @model_validator(mode="after")
    def _kind_rules(self) -> Channel:
        realtime = self.kind in REALTIME_KINDS
        if realtime and "patience" not in self.model_fields_set:
            raise ValueError(
                f"a {self.kind} channel needs patience (how long customers wait before hanging up; "
                "patience: null if they never do)"
            )
        if not realtime and self.patience is not None:
            raise ValueError(f"{self.kind} customers do not abandon: remove patience")
        if not realtime and self.patience_per_interval_s is not None:
            raise ValueError(f"{self.kind} customers do not abandon: remove patience_per_interval_s")
        if not realtime and self.redial is not None:
            raise ValueError(f"{self.kind} customers do not abandon, so they do not redial: remove redial")
        if self.kind != "chat" and (self.max_concurrent != 1 or self.concurrency_slowdown != 0):
            raise ValueError("max_concurrent and concurrency_slowdown apply to chat channels only")
        if not realtime and self.targets.max_abandon_rate is not None:
            raise ValueError(f"{self.kind} customers do not abandon: remove targets.max_abandon_rate")
        if self.contact_types is not None and not math.isclose(sum(self.contact_types.values()), 1.0, abs_tol=1e-9):
            raise ValueError(f"contact_types shares must add up to 1, got {sum(self.contact_types.values()):g}")
        if self.handle_time_per_interval_s is not None and not self.handle_time.mean_s > 0:
            raise ValueError(
                "handle_time_per_interval_s scales handle_time to each interval's mean, so handle_time needs a "
                f"mean above 0, got {shown(self.handle_time.mean_s)}"
            )
        if self.patience_per_interval_s is not None and (self.patience is None or not self.patience.mean_s > 0):
            got = "null" if self.patience is None else f"a mean of {shown(self.patience.mean_s)}"
            raise ValueError(
                "patience_per_interval_s scales patience to each interval's mean, so patience needs a "
                f"distribution with a mean above 0, got {got}"
            )
        return self

    def handle_scale(self, calendar: Calendar) -> np.ndarray:
        """Per interval of the run, the factor on handle times of contacts arriving then (1 without a forecast)."""
        return _scale(self.handle_time_per_interval_s, self.handle_time, calendar)

    def patience_scale(self, calendar: Calendar) -> np.ndarray:
        """Per interval of the run, the factor on patiences of contacts arriving then (1 without a forecast)."""
        return _scale(self.patience_per_interval_s, self.patience, calendar)

    @property
    def answer_within_s(self) -> float:
        """The answer target of the service level, in seconds (the default when none is given)."""
        given = self.targets.answer_target_s
        return DEFAULT_ANSWER_WITHIN_S[self.kind] if given is None else given


def _scale(per_interval: tuple[float, ...] | None, dist: Any, calendar: Calendar) -> np.ndarray:
    if per_interval is None:
        return np.ones(calendar.intervals)
    values = np.asarray(per_interval, dtype=float) / dist.mean_s
    return values if values.size == calendar.intervals else np.tile(values, calendar.days)


# --------------------------------------------------------------------------- agents


class Skill(Strict):
    """How an agent group handles one channel (or one contact type of it)."""

    handle_time_factor: Annotated[float, Field(gt=0, le=100)] = Field(
        1.0, description="multiplies the channel's handle time (1.3 = 30 % slower)"
    )
    handle_time: Distribution | None = Field(
        None,
        description="the group's own handle time for this skill (a specialist's own mean and spread), instead "
        "of the channel's handle time and any factor",
    )
    priority: Annotated[int, Field(ge=1)] = Field(
        1, description="routing priority: 1 first; a freed agent takes waiting contacts of its best priority first"
    )

    @model_validator(mode="after")
    def _one_handle_time(self) -> Skill:
        if self.handle_time is not None and "handle_time_factor" in self.model_fields_set:
            raise ValueError("give handle_time (the group's own) or handle_time_factor (on the channel's), not both")
        return self


class Escalation(Strict):
    """Where contacts a group cannot resolve go."""

    to: Name = Field(description="the agent group contacts are escalated to")
    probability: Probability = Field(description="share of handled contacts escalated")
    mode: Literal["transfer", "callback"] = Field(
        "transfer", description="transfer: the customer waits in that group's queue; callback: a ticket is queued"
    )


class _JsonMaximum:
    """Annotated metadata: ``maximum`` in the JSON schema only (the check is elsewhere)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        out = handler(schema)
        out["maximum"] = self.limit
        return out


# agents on duty; the upper bound is checked on the whole staffing (a check inside the union
# would change the branch labels of pydantic's errors)
_Agents = Annotated[int, Field(ge=0), _JsonMaximum(MAX_AGENTS)]


def _at_most_agents(staffing: int | tuple[int, ...] | str) -> int | tuple[int, ...] | str:
    if isinstance(staffing, str):  # plan: the planner sizes it
        return staffing
    values = (staffing,) if isinstance(staffing, int) else staffing
    for i, n in enumerate(values):
        if n > MAX_AGENTS:
            where = "" if isinstance(staffing, int) else f" at index {i}"
            raise ValueError(f"must be <= {MAX_AGENTS:,} agents on duty, got {shown(n)}{where}")
    return staffing


class AgentGroup(Strict):
    """Agents sharing skills, staffing, tier and cost."""

    skills: dict[str, Skill] = Field(
        description="channel names (or channel/contact_type) the group handles; a list of names is short for defaults"
    )
    staffing: Annotated[_Agents | tuple[_Agents, ...] | Literal["plan"], AfterValidator(_at_most_agents)] = Field(
        description="agents on duty: a constant, or one value per interval of a day or of the run; or plan: "
        "sized by the planner (ccsim plan, ccsim compare) to meet the targets (a vendor's group: its SLA, or "
        "else the channels' targets, on the vendor's own contacts)"
    )
    shrinkage: ShareBelowOne = Field(
        0.0, description="share of paid time not on contacts: paid agents = on duty / (1 - shrinkage)"
    )
    tier: Annotated[int, Field(ge=1)] = Field(1, description="escalation tier (1 answers first)")
    first_contact_resolution: Probability | None = Field(
        None, description="share of handled contacts resolved (default: all that are not escalated)"
    )
    escalation: Escalation | None = None
    cost_per_hour: NonNegative | None = Field(
        None, description="cost per paid hour (in-house; default costs.wage_per_hour)"
    )
    vendor: Name | None = Field(None, description="the vendor running this group (outsourced)")
    weekdays: tuple[Weekday, ...] | None = Field(
        None, description="weekdays the group works (default every day); off days have no agents on duty"
    )
    max_agents: Annotated[_Agents | tuple[_Agents, ...], AfterValidator(_at_most_agents)] | None = Field(
        None,
        description="planning: the most agents the planner may put on duty (a constant, or one per interval "
        "of a day or of the run; seats, hiring); the simulation ignores it",
    )
    availability: Probability | tuple[Probability, ...] = Field(
        1.0,
        description="share of the agents on duty available for contacts (a constant, or one per interval of a "
        "day or of the run): staffing x availability agents answer, a fraction as one agent for that share "
        "of the interval, from its start (the others are on other work)",
    )

    @field_validator("skills", mode="before", json_schema_input_type=dict[str, Skill | None] | list[str])
    @classmethod
    def _list_shorthand(cls, v: Any) -> Any:
        if isinstance(v, list | tuple):
            return {str(name): {} for name in v}
        return {k: ({} if s is None else s) for k, s in v.items()} if isinstance(v, dict) else v

    @field_validator("skills")
    @classmethod
    def _some_skill(cls, v: dict[str, Skill]) -> dict[str, Skill]:
        if not v:
            raise ValueError("a group needs at least one skill")
        return v

    @model_validator(mode="after")
    def _outcomes(self) -> AgentGroup:
        esc = self.escalation_probability
        if self.first_contact_resolution is not None and self.first_contact_resolution + esc > 1 + 1e-12:
            raise ValueError(
                f"first_contact_resolution ({self.first_contact_resolution:g}) + escalation.probability ({esc:g}) "
                "must not exceed 1"
            )
        if self.vendor is not None and self.cost_per_hour is not None:
            raise ValueError("a vendor group is paid by its vendor's pricing: remove cost_per_hour")
        return self

    @property
    def escalation_probability(self) -> float:
        """Share of handled contacts escalated (0 without escalation)."""
        return self.escalation.probability if self.escalation else 0.0

    @property
    def resolve_probability(self) -> float:
        """Share of handled contacts resolved at this contact."""
        if self.first_contact_resolution is None:
            return 1.0 - self.escalation_probability
        return self.first_contact_resolution

    def availability_per_interval(self, calendar: Calendar) -> np.ndarray:
        """Share of the agents on duty available for contacts, in every interval of the run."""
        if isinstance(self.availability, float | int):
            return np.full(calendar.intervals, float(self.availability))
        values = np.asarray(self.availability, dtype=float)
        return values if values.size == calendar.intervals else np.tile(values, calendar.days)

    def staffing_per_interval(self, calendar: Calendar) -> np.ndarray:
        """Agents on duty in every interval of the run (not for ``staffing: plan``: the planner sizes it)."""
        if self.staffing == "plan":
            raise CcsimError("staffing: plan: the planner sizes this group; plan it first (ccsim plan, ccsim.plan)")
        return staffing_per_interval(self.staffing, self.weekdays, calendar)


class Resolution(Strict):
    """What happens to contacts left unresolved."""

    repeat_probability: Probability = Field(0.0, description="share of unresolved contacts that come back")
    repeat_delay: Distribution = Field(
        Exponential(dist="exponential", mean_s=86400.0), description="time until the repeat contact"
    )


# --------------------------------------------------------------------------- vendors and costs

#: Largest amount of money one cost item may state (a typo guard, in any currency).
MAX_AMOUNT = 1e12
_Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]


class VendorPricing(Strict):
    """A vendor's contract terms: every item adds up (docs/costs.md prices each per billing month)."""

    setup_fee: _Amount = Field(0.0, description="one-off set-up fee")
    monthly_fee: _Amount = Field(0.0, description="fixed fee per month")
    included_contacts: Annotated[int, Field(ge=0, le=MAX_CONTACTS_PER_DAY * 31)] = Field(
        0, description="handled contacts per month covered by the monthly fee (per_contact is charged beyond them)"
    )
    per_contact: _Amount = Field(
        0.0,
        description="price per handled contact beyond included_contacts (every handled contact when none are included)",
    )
    per_handled_minute: _Amount = Field(0.0, description="price per minute of handle time")
    per_agent_hour: _Amount = Field(0.0, description="price per vendor agent hour on duty (hours staffed)")
    per_productive_hour: _Amount = Field(
        0.0, description="price per productive vendor agent hour (an agent handling at least one contact)"
    )
    per_fte_per_month: _Amount = Field(
        0.0, description="price per full-time equivalent per month (vendor paid hours / costs.fte_hours_per_week)"
    )
    per_resolved_contact: _Amount = Field(0.0, description="price per contact the vendor resolves")
    minimum_monthly: _Amount = Field(
        0.0, description="minimum monthly commitment: a month's charges (before SLA credits) are at least this"
    )


class VendorSla(Strict):
    """A service-level agreement judged per billing month: a penalty when missed, a bonus when met."""

    min_answer_rate: Probability | None = Field(None, description="answer rate the vendor promises")
    min_service_level: Probability | None = Field(
        None,
        description="service level the vendor promises (at the SLA's answer_within_s, else the channel's)",
    )
    answer_within_s: PositiveSeconds | None = Field(
        None, description="the SLA's own answer time in seconds for min_service_level (default: the channel's)"
    )
    service_level_basis: Literal["offered", "answered"] = Field(
        "offered", description="the service level divides by the contacts offered to the vendor, or answered"
    )
    short_abandon_s: Seconds | None = Field(
        None,
        description="hang-ups within this many seconds of the vendor offer are not counted against the vendor",
    )
    max_asa_s: Annotated[float, Field(gt=0, le=MAX_TIME_S)] | None = Field(
        None, description="average speed of answer the vendor promises, in seconds"
    )
    penalty: _Amount = Field(0.0, description="credited to the client per month the SLA is missed")
    penalty_share: Probability = Field(
        0.0, description="share of the month's charges credited to the client when the SLA is missed"
    )
    bonus: _Amount = Field(0.0, description="paid to the vendor per month every promise is kept")

    @model_validator(mode="after")
    def _some_promise(self) -> VendorSla:
        if self.min_answer_rate is None and self.min_service_level is None and self.max_asa_s is None:
            raise ValueError("an sla needs min_answer_rate, min_service_level or max_asa_s")
        return self


class VendorRouting(Strict):
    """How contacts reach a vendor."""

    mode: Literal["whole_channel", "overflow", "share", "outside_hours"] = Field(
        description=(
            "whole_channel: all contacts of the channels; overflow: contacts still waiting after after_wait_s; "
            "share: a fixed share of arrivals; outside_hours: when no in-house agent is on duty for them"
        )
    )
    channels: tuple[str, ...] = Field(min_length=1, description="channels whose contacts can go to the vendor")
    after_wait_s: Seconds | None = Field(None, description="overflow: seconds waited before overflowing")
    share: Probability | None = Field(None, description="share: share of arrivals sent to the vendor")

    @model_validator(mode="after")
    def _mode_fields(self) -> VendorRouting:
        if self.mode == "overflow" and self.after_wait_s is None:
            raise ValueError("overflow routing needs after_wait_s")
        if self.mode == "share" and self.share is None:
            raise ValueError("share routing needs share")
        if self.mode != "overflow" and self.after_wait_s is not None:
            raise ValueError("after_wait_s applies to overflow routing only")
        if self.mode != "share" and self.share is not None:
            raise ValueError("share applies to share routing only")
        return self


class Vendor(Strict):
    """An outsourcing vendor (代行会社): contract terms and the contacts it receives."""

    pricing: VendorPricing = Field(VendorPricing(), description="contract terms (all items add up)")
    sla: VendorSla | None = Field(None, description="service-level agreement per billing month")
    routing: VendorRouting = Field(description="which contacts reach the vendor")


class Costs(Strict):
    """In-house cost items, and the one-off costs of a setup (docs/costs.md has every formula)."""

    currency: str = Field("JPY", description="currency label for reports")
    wage_per_hour: _Amount = Field(0.0, description="agent cost per paid hour")
    benefits_share: Slowdown = Field(
        0.0,
        description="on-costs (social insurance, benefits) as a share of wages; a loaded-cost factor f is "
        "benefits_share f - 1",
    )
    night_premium: Slowdown = Field(0.0, description="extra share of the wage paid for hours in night hours")
    night_start: str = Field("22:00", description="start of night hours, HH:MM")
    night_end: str = Field("05:00", description="end of night hours, HH:MM (before night_start: over midnight)")
    weekend_premium: Slowdown = Field(0.0, description="extra share of the wage paid for hours on weekend days")
    weekend_days: tuple[Weekday, ...] = Field(("sat", "sun"), description="weekdays paid the weekend premium")
    agents_per_supervisor: Annotated[float, Field(gt=0, le=MAX_AGENTS)] | None = Field(
        None, description="agents per supervisor"
    )
    supervisor_wage_per_hour: _Amount = Field(0.0, description="supervisor cost per paid hour")
    seat_per_month: _Amount = Field(0.0, description="seat and equipment per agent seat per month")
    tools_per_seat_per_month: _Amount = Field(
        0.0, description="tools and licences (CRM, chat tool, workforce tool) per seat per month"
    )
    seat_basis: Literal["peak_on_duty", "fte"] = Field(
        "peak_on_duty",
        description="what a seat is: peak_on_duty, the most in-house agents on duty at once; fte, one seat per "
        "full-time equivalent (rounded up)",
    )
    telecom_per_handled_minute: _Amount = Field(
        0.0, description="line and call charges per minute in-house agents handle voice contacts"
    )
    hiring_training_per_agent: _Amount = Field(0.0, description="hiring and training cost per new agent")
    monthly_attrition: Probability = Field(0.0, description="share of agents leaving per month (replaced by hires)")
    setup: _Amount = Field(0.0, description="one-off in-house set-up (lines, PBX, CRM, tools)")
    transition: _Amount = Field(
        0.0, description="one-off cost of moving to this setup (knowledge transfer, parallel running, exit fees)"
    )
    setup_amortization_months: Annotated[int, Field(ge=1, le=600)] | None = Field(
        None,
        description="months over which the one-off costs are spread in the monthly cost (none: reported apart only)",
    )
    fte_hours_per_week: Annotated[float, Field(gt=0, le=168)] = Field(
        40.0, description="paid hours of one full-time equivalent (FTE) per week"
    )

    @field_validator("night_start", "night_end")
    @classmethod
    def _time(cls, v: str) -> str:
        minutes_of_day(v)
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Costs:
        if self.night_premium > 0 and minutes_of_day(self.night_start) % 1440 == minutes_of_day(self.night_end) % 1440:
            raise ValueError(
                f"night_start ({self.night_start}) and night_end ({self.night_end}) must differ when a night_premium "
                "is given"
            )
        if self.supervisor_wage_per_hour > 0 and self.agents_per_supervisor is None:
            raise ValueError("supervisor_wage_per_hour needs agents_per_supervisor (agents per supervisor)")
        if len(set(self.weekend_days)) != len(self.weekend_days):
            raise ValueError(f"weekend_days: each weekday once, got {list(self.weekend_days)}")
        return self


class Forecast(Strict):
    """A forecast file: volume, handle time and patience per channel and interval, read when the YAML loads."""

    file: Annotated[str, Field(min_length=1)] = Field(
        description="CSV file, relative to the YAML file: columns channel, interval_start (HH:MM), volume, and "
        "optionally day (1, 2, ...), aht_s and patience_s; its values become the channels' volume.per_interval, "
        "handle_time_per_interval_s and patience_per_interval_s"
    )


class Simulation(Strict):
    """How the simulation runs."""

    replications: Annotated[int, Field(ge=1, le=100_000)] = Field(10, description="independent replications")
    seed: Annotated[int, Field(ge=0)] | None = Field(None, description="random seed (default: drawn and recorded)")
    warmup_min: NonNegative = Field(0.0, description="minutes at the start excluded from the statistics")


class Variant(Strict):
    """A named setup: overrides of the base scenario (deep-merged; null removes a key)."""

    description: str = ""
    overrides: dict[str, Any] = Field(default_factory=dict, description="keys of the base scenario to change")


# --------------------------------------------------------------------------- scenario


class Scenario(Strict):
    """A whole desk: calendar, channels, agent groups, vendors, costs and simulation settings."""

    name: str = Field(description="a short name for reports")
    description: str = ""
    calendar: Calendar = Calendar()
    forecast: Forecast | None = Field(None, description="a forecast file the loader reads into the channels")
    channels: dict[Name, Channel] = Field(min_length=1)
    agent_groups: dict[Name, AgentGroup] = Field(min_length=1)
    resolution: Resolution = Resolution()
    vendors: dict[Name, Vendor] = Field(default_factory=dict)
    costs: Costs = Costs()
    simulation: Simulation = Simulation()
    variants: dict[Name, Variant] = Field(default_factory=dict)
    scheduling: Scheduling | None = Field(
        None, description="shift types: ccsim plan turns its plan into shifts with breaks (docs/scheduling.md)"
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_extension_keys(cls, data: Any) -> Any:
        # top-level keys starting with "x-" hold YAML anchors for reuse (as in docker-compose)
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
        return data

    # the name of the variant this scenario is (None: the base); part of the value
    _variant_name: str | None = PrivateAttr(default=None)

    @property
    def variant_name(self) -> str | None:
        """The variant this scenario is (None for the base)."""
        return self._variant_name

    def to_data(self) -> dict[str, Any]:
        """The scenario as plain data, as a YAML file would give it (keys left at their default omitted)."""
        return self.model_dump(mode="json", exclude_unset=True)

    def variant(self, name: str | None) -> Scenario:
        """The scenario with a variant's overrides applied (``None``: the base itself).

        The variant is the base's data deep-merged with the variant's ``overrides``, validated
        like a file; a scenario from :func:`ccsim.load_scenario` had every variant validated
        when it was loaded.

        Raises
        ------
        ccsim.ScenarioError
            When the variant does not exist (the message suggests the closest name) or the
            merged scenario is invalid.
        """
        return self if name is None else resolve_variant(self, name)

    def replace(self, changes: Mapping[str, Any] | None = None, /, **fields: Any) -> Scenario:
        """A re-validated copy with ``changes`` deep-merged in, as a variant's overrides are.

        Mappings merge key by key, ``None`` removes a key, anything else replaces; keyword
        arguments replace top-level keys the same way. The copy is validated completely (its
        variants too) and keeps the variant name.

        Examples
        --------
        >>> sc.replace({"agent_groups": {"tier1": {"staffing": 12}}})  # doctest: +SKIP
        >>> sc.replace(simulation={"replications": 50})  # doctest: +SKIP

        Raises
        ------
        ccsim.ScenarioError
            Every problem of the changed scenario, with its dotted path.
        """
        overrides = merge(_plain(dict(changes or {})), _plain(fields))
        if isinstance(overrides, dict) and "forecast" in overrides:
            raise CcsimError(
                "forecast: a forecast file is read when its YAML file loads (ccsim.load_scenario); to change the "
                "forecast here, replace the channels' volume.per_interval, handle_time_per_interval_s or "
                "patience_per_interval_s"
            )
        data = merge(self.to_data(), overrides)
        out = validate_scenario(data, source=f"{self.name}: replace")
        out._variant_name = self._variant_name
        return out

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Scenario:
        """A copy; with ``update``, top-level fields replaced and the result re-validated."""
        if not update:
            return super().model_copy(deep=deep)
        data = self.to_data()
        data.update(_plain(dict(update)))
        out = validate_scenario(data, source=f"{self.name}: model_copy")
        out._variant_name = self._variant_name
        return out

    def staffing_plan(self, staffing: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:
        """Agents on duty per agent group in every interval of the run.

        Parameters
        ----------
        staffing : mapping, optional
            ``{group name: whole number or per-interval sequence}`` replacing those groups'
            ``staffing``; checked like the YAML (whole numbers >= 0, one value per interval
            of a day or of the run). A group's ``weekdays`` still apply.

        Returns
        -------
        dict
            ``{group name: numpy int64 array of length calendar.intervals}``, every group in
            file order.

        Raises
        ------
        ccsim.CcsimError
            One line naming the group, the rule and the value.
        """
        overrides = check_staffing(self, staffing)
        unplanned = [name for name, g in self.agent_groups.items() if g.staffing == "plan" and name not in overrides]
        if unplanned:
            raise CcsimError(
                f"agent_groups.{unplanned[0]}.staffing: plan: the planner sizes this group; run ccsim plan (or "
                "ccsim compare, ccsim.plan) first, or give its staffing"
            )
        return {
            name: staffing_per_interval(overrides.get(name, g.staffing), g.weekdays, self.calendar)
            for name, g in self.agent_groups.items()
        }


def _plain(value: Any) -> Any:
    """Models inside override data as plain data, so that they are validated again."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_unset=True)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def validate_scenario(
    data: Any, *, source: str = "<dict>", line_of: Callable[[tuple], int | None] | None = None
) -> Scenario:
    """Validate plain data into a Scenario, its variants included.

    Parameters
    ----------
    data : dict
        The scenario as a YAML file would give it.
    source : str
        A name for error messages (a file path, say).
    line_of : callable, optional
        ``line_of(location) -> line or None``: the line of a dotted location in the file.

    Raises
    ------
    ccsim.ScenarioError
        Listing every problem: field problems first; cross-references once the fields are
        right; then the problems of each variant.
    """
    scenario = _validate_one(data, source, line_of)
    problems: list[Problem] = []
    for name in scenario.variants:
        try:
            resolve_variant(scenario, name, line_of=line_of)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def _validate_one(data: Any, source: str, line_of: Callable[[tuple], int | None] | None) -> Scenario:
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"{type(data).__name__} {short(data)}"
        raise ScenarioError(
            source, [Problem("", f"the top level must be a mapping (name:, channels:, agent_groups:, ...), got {kind}")]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        found = problems_from_validation(exc, data, Scenario, line_of)
        raise ScenarioError(source, [Problem(_join(loc), msg, line) for loc, msg, line in found]) from None
    problems = [
        Problem(_join(loc), message, line_of(loc) if line_of is not None else None)
        for loc, message in cross_check(scenario)
    ]
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def _join(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def resolve_variant(scenario: Scenario, name: str, *, line_of: Callable[[tuple], int | None] | None = None) -> Scenario:
    """The scenario with variant ``name`` applied and validated (see :meth:`Scenario.variant`).

    Problems inside the overrides are reported at ``variants.NAME.overrides.PATH``; problems
    the overrides cause elsewhere at ``variants.NAME: PATH``.
    """
    source = f"scenario {scenario.name!r}"
    if name not in scenario.variants:
        close = difflib.get_close_matches(str(name), list(scenario.variants), n=1)
        if close:
            hint = f"; did you mean {close[0]!r}?"
        elif scenario.variants:
            hint = f"; variants: {', '.join(scenario.variants)}"
        else:
            hint = "; the scenario has no variants"
        raise ScenarioError(source, [Problem("variants", f"no variant {name!r}{hint}")])
    overrides = scenario.variants[name].overrides
    if "variants" in overrides:
        raise ScenarioError(
            source, [Problem(f"variants.{name}.overrides.variants", "a variant cannot define variants")]
        )
    base = {k: v for k, v in scenario.to_data().items() if k != "variants"}
    try:
        variant = _validate_one(merge(base, overrides), source, None)
    except ScenarioError as exc:
        problems = []
        for p in exc.problems:
            loc = tuple(int(x) if x.isdigit() else x for x in p.path.split(".")) if p.path else ()
            if _value_exists(overrides, loc):
                line = line_of(("variants", name, "overrides", *loc)) if line_of is not None else None
                problems.append(Problem(f"variants.{name}.overrides.{p.path}", p.message, line))
            else:
                line = line_of(loc) if line_of is not None and loc else None
                problems.append(
                    Problem(f"variants.{name}: {p.path}" if p.path else f"variants.{name}", p.message, line)
                )
        raise ScenarioError(source, problems) from None
    variant._variant_name = name
    return variant


def _value_exists(data: Any, loc: tuple) -> bool:
    cur = data
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list | tuple) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
        else:
            return False
    return bool(loc)


# --------------------------------------------------------------------------- staffing


def staffing_per_interval(
    staffing: int | Sequence[int], weekdays: Sequence[str] | None, calendar: Calendar
) -> np.ndarray:
    """Agents on duty in every interval of the run, from a constant or a per-interval list.

    A list has one value per interval of a day (repeated every day) or of the run; days not
    in ``weekdays`` (when given), and the calendar's closed hours, have nobody on duty.
    """
    if isinstance(staffing, int | np.integer):
        out = np.full(calendar.intervals, int(staffing), dtype=np.int64)
    else:
        values = np.asarray(staffing, dtype=np.int64)
        out = values.copy() if values.size == calendar.intervals else np.tile(values, calendar.days)
    if weekdays is not None:
        per_day = out.reshape(calendar.days, calendar.intervals_per_day_value)
        for d in range(calendar.days):
            if calendar.weekday_of_day(d) not in weekdays:
                per_day[d] = 0
    if calendar.has_closed_intervals:  # nobody on duty while the desk is closed
        out[~calendar.open_intervals()] = 0
    return out


def check_staffing(scenario: Scenario, staffing: Mapping[str, Any] | None) -> dict[str, int | tuple[int, ...]]:
    """Check a staffing override like the YAML's ``staffing`` and return it as whole numbers.

    Raises
    ------
    ccsim.CcsimError
        ``staffing.GROUP: RULE, got VALUE``, or an unknown group with the closest name.
    """
    if staffing is None:
        return {}
    if not isinstance(staffing, Mapping):
        raise CcsimError(f"staffing: must be a mapping of agent group to agents, got {short(staffing)}")
    cal = scenario.calendar
    n_day, n_run = cal.intervals_per_day_value, cal.intervals
    out: dict[str, int | tuple[int, ...]] = {}
    for name, value in staffing.items():
        if name not in scenario.agent_groups:
            raise CcsimError(f"staffing: {_unknown('agent group', str(name), scenario.agent_groups)}")
        where = f"staffing.{name}"
        if isinstance(value, str | bytes | Mapping) or isinstance(value, bool | np.bool_):
            raise CcsimError(f"{where}: must be a whole number >= 0 or one per interval, got {short(value)}")
        if np.ndim(value) == 0:
            out[name] = _whole_agents(where, value)
            continue
        values = list(np.asarray(value, dtype=object).ravel()) if isinstance(value, np.ndarray) else list(value)
        if len(values) not in (n_day, n_run):
            expect = f"{n_day} values (one per interval of the day)"
            if cal.days > 1:
                expect += f" or {n_run} (one per interval of the run)"
            raise CcsimError(f"{where}: must have {expect}, got {len(values)}")
        out[name] = tuple(_whole_agents(f"{where}[{i}]", v) for i, v in enumerate(values))
    return out


def _whole_agents(where: str, value: Any) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
        raise CcsimError(f"{where}: must be a whole number >= 0, got {short(value)}")
    if not math.isfinite(value) or value != int(value) or value < 0:
        raise CcsimError(f"{where}: must be a whole number >= 0, got {value!r}")
    if value > MAX_AGENTS:
        raise CcsimError(f"{where}: must be <= {MAX_AGENTS:,} agents on duty, got {int(value)}")
    return int(value)


def _skill_channel(skill: str) -> str:
    return skill.split("/", 1)[0]


def cross_check(s: Scenario) -> list[tuple[tuple, str]]:
    """Cross-reference rules a single field cannot check.

    Returns
    -------
    list of (location, message)
        Every violation: the location of the offending field and a message naming the rule
        and the bad value.
    """
    errors: list[tuple[tuple, str]] = []
    cal = s.calendar
    n_day, n_run = cal.intervals_per_day_value, cal.intervals

    day = ""
    if cal.hours:  # per-weekday hours may widen the day beyond open/close: say so
        end = int(cal.day_start_s // 60) + n_day * cal.interval_min
        day = f"; a day runs from {cal.day_start}, the week's earliest opening, to {end // 60:02d}:{end % 60:02d}"

    def lengths(loc: tuple, values: tuple | None) -> None:
        if values is not None and len(values) not in (n_day, n_run):
            expect = f"{n_day} values (one per interval of the day)"
            if cal.days > 1:
                expect += f" or {n_run} (one per interval of the run)"
            errors.append((loc, f"must have {expect}, got {len(values)}{day}"))

    for name, ch in s.channels.items():
        lengths(("channels", name, "volume", "per_interval"), ch.volume.per_interval)
        lengths(("channels", name, "handle_time_per_interval_s"), ch.handle_time_per_interval_s)
        lengths(("channels", name, "patience_per_interval_s"), ch.patience_per_interval_s)
        if ch.volume.profile is not None and len(ch.volume.profile) != n_day:
            errors.append(
                (
                    ("channels", name, "volume", "profile"),
                    f"must have {n_day} values (one per interval of the day), got {len(ch.volume.profile)}{day}",
                )
            )
    if cal.has_closed_intervals:
        errors.extend(_closed_volume(s))
    vendor_groups: dict[str, list[str]] = {}
    for g, grp in s.agent_groups.items():
        if isinstance(grp.staffing, tuple):
            lengths(("agent_groups", g, "staffing"), grp.staffing)
        if grp.max_agents is not None and not isinstance(grp.max_agents, int):
            lengths(("agent_groups", g, "max_agents"), grp.max_agents)
        if isinstance(grp.availability, tuple):
            lengths(("agent_groups", g, "availability"), grp.availability)
        for skill in grp.skills:
            ch_name, _, ctype = skill.partition("/")
            if ch_name not in s.channels:
                errors.append((("agent_groups", g, "skills", skill), _unknown("channel", ch_name, s.channels)))
            elif ctype:
                types = s.channels[ch_name].contact_types or {}
                if ctype not in types:
                    errors.append(
                        (
                            ("agent_groups", g, "skills", skill),
                            _unknown(f"contact type of channel {ch_name}", ctype, types),
                        )
                    )
        if grp.escalation is not None:
            if grp.escalation.to not in s.agent_groups:
                errors.append(
                    (
                        ("agent_groups", g, "escalation", "to"),
                        _unknown("agent group", grp.escalation.to, s.agent_groups),
                    )
                )
            elif grp.escalation.to == g:
                errors.append(
                    (("agent_groups", g, "escalation", "to"), f"a group cannot escalate to itself, got {g!r}")
                )
            else:
                target = s.agent_groups[grp.escalation.to]
                target_channels = {_skill_channel(k) for k in target.skills}
                missing = sorted({_skill_channel(k) for k in grp.skills} - target_channels)
                if missing:
                    errors.append(
                        (
                            ("agent_groups", g, "escalation", "to"),
                            f"group {grp.escalation.to!r} has no skill for {', '.join(missing)}, "
                            f"which {g!r} handles and may escalate",
                        )
                    )
        if grp.vendor is not None:
            if grp.vendor not in s.vendors:
                errors.append((("agent_groups", g, "vendor"), _unknown("vendor", grp.vendor, s.vendors)))
            vendor_groups.setdefault(grp.vendor, []).append(g)
    for v, vendor in s.vendors.items():
        for i, ch_name in enumerate(vendor.routing.channels):
            if ch_name not in s.channels:
                errors.append((("vendors", v, "routing", "channels", i), _unknown("channel", ch_name, s.channels)))
            elif not any(
                ch_name in [_skill_channel(k) for k in s.agent_groups[g].skills] for g in vendor_groups.get(v, [])
            ):
                errors.append(
                    (
                        ("vendors", v, "routing", "channels", i),
                        f"no agent group of vendor {v} has a skill for channel {ch_name!r}",
                    )
                )
        if v not in vendor_groups:
            errors.append((("vendors", v), f"vendor {v!r} has no agent group (set vendor: {v} on one)"))
    for g, grp in s.agent_groups.items():
        chats = sorted({_skill_channel(k) for k in grp.skills} & {n for n, c in s.channels.items() if c.kind == "chat"})
        modes = {(s.channels[c].max_concurrent, s.channels[c].concurrency_slowdown) for c in chats}
        if len(modes) > 1:
            got = ", ".join(
                f"{c}: {s.channels[c].max_concurrent} at {s.channels[c].concurrency_slowdown:g}" for c in chats
            )
            errors.append(
                (
                    ("agent_groups", g, "skills"),
                    "chat channels one group handles must have the same max_concurrent and "
                    f"concurrency_slowdown (an agent's pace depends on all its chats), got {got}",
                )
            )
    if s.scheduling is not None:
        for g in s.scheduling.groups:
            if g not in s.agent_groups:
                errors.append((("scheduling", "groups", g), _unknown("agent group", g, s.agent_groups)))
    bad_length = {loc[1] for loc, _ in errors if loc[0] == "channels"}
    for name, ch in s.channels.items():
        if name not in bad_length and not np.any(ch.volume.per_interval_volume(cal) > 0):
            continue
        types = list(ch.contact_types or {}) or [None]
        for ctype in types:
            able = [
                g
                for g, grp in s.agent_groups.items()
                if name in grp.skills or (ctype is not None and f"{name}/{ctype}" in grp.skills)
            ]
            if not able:
                what = f"channel {name}" + (f" (contact type {ctype})" if ctype else "")
                errors.append((("channels", name), f"no agent group has a skill for {what}"))
    return errors


def _closed_volume(s: Scenario) -> list[tuple[tuple, str]]:
    """Volume the calendar's closed hours would drop: a run's values there, a profile with no open weight."""
    cal = s.calendar
    errors: list[tuple[tuple, str]] = []
    is_open = cal.open_intervals()
    labels = cal.interval_labels()
    n_day = cal.intervals_per_day_value
    for name, ch in s.channels.items():
        per = ch.volume.per_interval
        if per is not None and len(per) == cal.intervals and len(per) != n_day:
            shut = [k for k in np.flatnonzero(~is_open) if per[k] > 0]
            if shut:
                k = int(shut[0])
                day = cal.weekday_of_day(k // n_day)
                errors.append(
                    (
                        ("channels", name, "volume", "per_interval", k),
                        f"{per[k]:g} contacts in interval {labels[k]} ({day}), when the calendar closes the desk "
                        f"({_hours_text(cal, day)}); {len(shut)} closed interval(s) have volume",
                    )
                )
        profile = ch.volume.profile
        if profile is not None and len(profile) == n_day:
            for d in range(min(cal.days, 7)):
                day = cal.weekday_of_day(d)
                if cal.weekday_hours(day) is not None and not any(
                    w > 0 for w, o in zip(profile, is_open[d * n_day : (d + 1) * n_day], strict=True) if o
                ):
                    errors.append(
                        (
                            ("channels", name, "volume", "profile"),
                            f"no weight within {day}'s opening hours ({_hours_text(cal, day)}): its contacts "
                            "would have no interval to arrive in",
                        )
                    )
                    break
    return errors


def _hours_text(cal: Calendar, day: str) -> str:
    span = cal.weekday_hours(day)
    if span is None:
        return "closed"
    return "open " + "-".join(f"{t // 60:02d}:{t % 60:02d}" for t in span)


def _unknown(what: str, name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(sorted(known)) or 'none'}"
    return f"unknown {what} {name!r}{hint}"
