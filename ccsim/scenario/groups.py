"""Agent groups: skills, escalation tiers, staffing, and what happens to unresolved contacts.

An :class:`AgentGroup` handles the channels its :class:`Skill` entries name, at its own
priority and pace; it may escalate (:class:`Escalation`) to a higher tier and be run by a
vendor. :func:`staffing_per_interval` spreads a group's staffing over the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, Field, field_validator, model_validator

from ccsim.distributions import Distribution, Exponential, shown
from ccsim.errors import CcsimError
from ccsim.fields import Name, NonNegative, Probability, ShareBelowOne, Strict, Weekday
from ccsim.scenario.calendar import Calendar
from ccsim.scenario.limits import MAX_AGENTS

__all__ = ["AgentGroup", "Escalation", "Resolution", "Skill", "staffing_per_interval"]


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
