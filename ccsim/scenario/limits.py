"""Upper bounds no real desk reaches, so that a typo cannot start a run that never ends."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

__all__ = ["MAX_AGENTS", "MAX_AMOUNT", "MAX_CONTACTS_PER_DAY", "MAX_CONTACTS_PER_INTERVAL", "MAX_CUSTOMERS", "Amount"]

#: Most agents on duty in one agent group and interval.
MAX_AGENTS = 100_000
#: Most expected contacts of a channel in one interval (``per_interval``).
MAX_CONTACTS_PER_INTERVAL = 10_000_000
#: Most expected contacts of a channel per day (``per_day``, or customers x contact rate).
MAX_CONTACTS_PER_DAY = 100_000_000
#: Largest customer base of a channel.
MAX_CUSTOMERS = 10_000_000_000
#: Largest amount of money one cost item may state (a typo guard, in any currency).
MAX_AMOUNT = 1e12
#: An amount of money in a cost item: >= 0 and at most :data:`MAX_AMOUNT`.
Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]
