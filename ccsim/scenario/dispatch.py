"""The dispatch policy: which waiting contact a freed agent takes, which free agent answers.

``dispatch: longest-idle`` (or ``dispatch: {policy: priority, priorities: {phone: 1, email: 2}}``)
at the top of a scenario file. The policies themselves are in :mod:`ccsim.engine.dispatch`;
``docs/scenario-format.md`` (section dispatch) says what each one does.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ccsim.fields import Strict

__all__ = ["DISPATCH_POLICIES", "Dispatch"]

#: The built-in dispatch policies (the first is the default).
DISPATCH_POLICIES = ("skill-priority", "longest-idle", "priority", "random")


class Dispatch(Strict):
    """Who takes what when several contacts wait or several agents are free."""

    policy: Literal["skill-priority", "longest-idle", "priority", "random"] = Field(
        "skill-priority",
        description="skill-priority: a freed agent takes its best skill priority first, then the contact "
        "waiting longest, and a new contact goes to the best-priority group with a free agent; longest-idle: "
        "the same, but a new contact goes to the agent idle longest in any of its groups; priority: the "
        "contact of the lowest `priorities` number first; random: no preference at all",
    )
    priorities: dict[str, Annotated[int, Field(ge=0)]] | None = Field(
        None,
        description="policy priority: a number per channel or channel/type, lower first (e.g. {phone: 1, "
        "email: 2}); channels not named come after those named",
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # `dispatch: random` stands for `dispatch: {policy: random}`
        return {"policy": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _priorities_with_priority(self) -> Dispatch:
        if self.policy == "priority" and not self.priorities:
            raise ValueError("policy priority needs priorities: a number per channel, lower first (e.g. {phone: 1})")
        if self.policy != "priority" and self.priorities:
            raise ValueError(f"priorities are used by policy priority only, not {self.policy}; add policy: priority")
        return self
