"""Channels: how customers reach the desk, how many come, how long they take and wait.

A :class:`Channel` holds its :class:`Volume` (per interval, per day, or a customer base and a
contact rate), handle time, patience, :class:`Redial`, :class:`SelfService` in front of the
agents, and service :class:`Targets`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from ccsim.distributions import (
    MAX_TIME_S,
    AtMost,
    Deterministic,
    Distribution,
    PositiveSeconds,
    Seconds,
    shown,
)
from ccsim.fields import Name, NonNegative, PositiveShare, Probability, Slowdown, Strict
from ccsim.scenario.calendar import Calendar
from ccsim.scenario.limits import MAX_CONTACTS_PER_DAY, MAX_CONTACTS_PER_INTERVAL, MAX_CUSTOMERS
from ccsim.weeks import DAYS_PER_MONTH  # days in a month, for contact rates per month (365.25 / 12)

__all__ = [
    "DEFAULT_ANSWER_WITHIN_S",
    "REALTIME_KINDS",
    "Channel",
    "ChannelKind",
    "Redial",
    "SelfService",
    "Targets",
    "Volume",
]


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
        per_day, per_month = self.contacts_per_customer_per_day, self.contacts_per_customer_per_month
        if self.customers is not None and per_day is not None:
            return self.customers * per_day
        if self.customers is not None and per_month is not None:
            return self.customers * per_month / DAYS_PER_MONTH
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
