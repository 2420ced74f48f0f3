"""Staffing plans: how many agents, in which intervals and on which shifts, so that every target is met.

:func:`plan` sizes every in-house agent group per interval: an analytic first guess
(:mod:`ccsim.planning.guess`), corrected by simulation (:mod:`ccsim.planning.plan`). With a
scenario's ``scheduling:`` shift types it also turns the plan into a roster of shifts and
repairs it in simulation (:mod:`ccsim.planning.roster`). :func:`schedule` chooses the
cheapest shifts with breaks for any requirement per interval (:mod:`ccsim.planning.shifts`).
"""

from ccsim.planning.guess import analytic_staffing
from ccsim.planning.plan import Plan, PlanInterrupted, plan
from ccsim.planning.requirements import Requirement, read_requirements_csv
from ccsim.planning.roster import Roster, plan_roster
from ccsim.planning.shifts import Schedule, ShiftChoice, schedule
from ccsim.planning.targets import Miss
from ccsim.shift_types import Break, Cap, Premium, Scheduling, ShiftType

__all__ = [
    "Break",
    "Cap",
    "Miss",
    "Plan",
    "PlanInterrupted",
    "Premium",
    "Requirement",
    "Roster",
    "Schedule",
    "Scheduling",
    "ShiftChoice",
    "ShiftType",
    "analytic_staffing",
    "plan",
    "plan_roster",
    "read_requirements_csv",
    "schedule",
]
