"""Vendors (outsourcing): contract pricing, service-level agreements, and which contacts they get.

A :class:`Vendor` runs the agent groups that name it; its :class:`VendorRouting` sends it whole
channels, overflow, a share of arrivals or the hours nobody in-house is on duty, and
docs/costs.md prices its :class:`VendorPricing` and :class:`VendorSla` per billing month.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ccsim.distributions import MAX_TIME_S, PositiveSeconds, Seconds
from ccsim.fields import Probability, Strict
from ccsim.scenario.limits import MAX_CONTACTS_PER_DAY, Amount

__all__ = ["Vendor", "VendorPricing", "VendorRouting", "VendorSla"]


class VendorPricing(Strict):
    """A vendor's contract terms: every item adds up (docs/costs.md prices each per billing month)."""

    setup_fee: Amount = Field(0.0, description="one-off set-up fee")
    monthly_fee: Amount = Field(0.0, description="fixed fee per month")
    included_contacts: Annotated[int, Field(ge=0, le=MAX_CONTACTS_PER_DAY * 31)] = Field(
        0, description="handled contacts per month covered by the monthly fee (per_contact is charged beyond them)"
    )
    per_contact: Amount = Field(
        0.0,
        description="price per handled contact beyond included_contacts (every handled contact when none are included)",
    )
    per_handled_minute: Amount = Field(0.0, description="price per minute of handle time")
    per_agent_hour: Amount = Field(0.0, description="price per vendor agent hour on duty (hours staffed)")
    per_productive_hour: Amount = Field(
        0.0, description="price per productive vendor agent hour (an agent handling at least one contact)"
    )
    per_fte_per_month: Amount = Field(
        0.0, description="price per full-time equivalent per month (vendor paid hours / costs.fte_hours_per_week)"
    )
    per_resolved_contact: Amount = Field(0.0, description="price per contact the vendor resolves")
    minimum_monthly: Amount = Field(
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
    channels: tuple[str, ...] | None = Field(
        None,
        min_length=1,
        description="the vendor's channels the SLA judges (default: its voice and chat channels if any, else all)",
    )
    penalty: Amount = Field(0.0, description="credited to the client per month the SLA is missed")
    penalty_share: Probability = Field(
        0.0, description="share of the month's charges credited to the client when the SLA is missed"
    )
    bonus: Amount = Field(0.0, description="paid to the vendor per month every promise is kept")

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
