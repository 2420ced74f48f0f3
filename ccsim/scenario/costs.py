"""In-house costs: wages and premiums, supervision, seats and tools, telecom, hiring, one-off costs.

docs/costs.md has every formula; :mod:`ccsim.economics` computes them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ccsim.fields import Probability, Slowdown, Strict, Weekday, minutes_of_day
from ccsim.scenario.limits import MAX_AGENTS, Amount

__all__ = ["Costs"]


class Costs(Strict):
    """In-house cost items, and the one-off costs of a setup (docs/costs.md has every formula)."""

    currency: str = Field("JPY", description="currency label for reports")
    wage_per_hour: Amount = Field(0.0, description="agent cost per paid hour")
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
    supervisor_wage_per_hour: Amount = Field(0.0, description="supervisor cost per paid hour")
    seat_per_month: Amount = Field(0.0, description="seat and equipment per agent seat per month")
    tools_per_seat_per_month: Amount = Field(
        0.0, description="tools and licences (CRM, chat tool, workforce tool) per seat per month"
    )
    seat_basis: Literal["peak_on_duty", "fte"] = Field(
        "peak_on_duty",
        description="what a seat is: peak_on_duty, the most in-house agents on duty at once; fte, one seat per "
        "full-time equivalent (rounded up)",
    )
    telecom_per_handled_minute: Amount = Field(
        0.0, description="line and call charges per minute in-house agents handle voice contacts"
    )
    hiring_training_per_agent: Amount = Field(0.0, description="hiring and training cost per new agent")
    monthly_attrition: Probability = Field(0.0, description="share of agents leaving per month (replaced by hires)")
    setup: Amount = Field(0.0, description="one-off in-house set-up (lines, PBX, CRM, tools)")
    transition: Amount = Field(
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
