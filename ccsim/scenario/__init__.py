"""The scenario: one contact-center desk, described once, validated completely.

A :class:`Scenario` is frozen and fully validated (:mod:`ccsim.scenario.model`); build one with
:func:`ccsim.load_scenario` (from YAML), :func:`ccsim.scenario_from_dict` or
:func:`validate_scenario`, which raise :class:`ccsim.ScenarioError` listing every problem with
its dotted path.

Units sit in key names (``mean_s``, ``per_hour``, ``answer_within_s``); every time inside is in
seconds. Shares are numbers in [0, 1] or percents (``"30%"``). Sizes have upper bounds no real
desk reaches (:data:`MAX_AGENTS`, :data:`MAX_CONTACTS_PER_INTERVAL`, ...), so that a typo cannot
start a run that never ends. The reference of every key is ``docs/scenario-format.md``.

One module per section of a scenario file:

- :mod:`~ccsim.scenario.calendar`: :class:`Calendar`, interval length, opening hours, days
- :mod:`~ccsim.scenario.channels`: :class:`Channel` and its :class:`Volume`, :class:`Targets`,
  :class:`SelfService`, :class:`Redial`
- :mod:`~ccsim.scenario.groups`: :class:`AgentGroup`, :class:`Skill`, :class:`Escalation`,
  :class:`Resolution`, :func:`staffing_per_interval`
- :mod:`~ccsim.scenario.vendors`: :class:`Vendor`, :class:`VendorPricing`, :class:`VendorSla`,
  :class:`VendorRouting`
- :mod:`~ccsim.scenario.costs`: :class:`Costs`, the in-house cost items
- :mod:`~ccsim.scenario.dispatch`: :class:`Dispatch`, which contact a freed agent takes
- :mod:`~ccsim.scenario.model`: :class:`Scenario`, :class:`Variant`, :class:`Simulation`,
  :class:`Forecast`, validation, variants, :func:`cross_check`
- :mod:`~ccsim.scenario.cross_checks`: the named rules between sections
- :mod:`~ccsim.scenario.limits`: the upper bounds on sizes and amounts
"""

from __future__ import annotations

from ccsim.fields import PERCENT_PATTERN, WEEKDAYS, minutes_of_day
from ccsim.scenario.calendar import Calendar
from ccsim.scenario.channels import (
    DEFAULT_ANSWER_WITHIN_S,
    REALTIME_KINDS,
    Channel,
    ChannelKind,
    Redial,
    SelfService,
    Targets,
    Volume,
)
from ccsim.scenario.costs import Costs
from ccsim.scenario.dispatch import DISPATCH_POLICIES, Dispatch
from ccsim.scenario.groups import AgentGroup, Escalation, Resolution, Skill, staffing_per_interval
from ccsim.scenario.limits import (
    MAX_AGENTS,
    MAX_AMOUNT,
    MAX_CONTACTS_PER_DAY,
    MAX_CONTACTS_PER_INTERVAL,
    MAX_CUSTOMERS,
)
from ccsim.scenario.model import (
    Forecast,
    Scenario,
    Simulation,
    Variant,
    check_staffing,
    cross_check,
    resolve_variant,
    validate_scenario,
)
from ccsim.scenario.vendors import Vendor, VendorPricing, VendorRouting, VendorSla

__all__ = [
    "DEFAULT_ANSWER_WITHIN_S",
    "DISPATCH_POLICIES",
    "MAX_AGENTS",
    "MAX_AMOUNT",
    "MAX_CONTACTS_PER_DAY",
    "MAX_CONTACTS_PER_INTERVAL",
    "MAX_CUSTOMERS",
    "PERCENT_PATTERN",
    "REALTIME_KINDS",
    "WEEKDAYS",
    "AgentGroup",
    "Calendar",
    "Channel",
    "ChannelKind",
    "Costs",
    "Dispatch",
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
    "minutes_of_day",
    "resolve_variant",
    "staffing_per_interval",
    "validate_scenario",
]
