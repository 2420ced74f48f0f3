"""Staffing plans: how many agents, in which intervals, so that every target is met.

:func:`plan` sizes every in-house agent group per interval: an analytic first guess
(:mod:`ccsim.planning.guess`), corrected by simulation (:mod:`ccsim.planning.plan`).
"""

from ccsim.planning.guess import analytic_staffing
from ccsim.planning.plan import Plan, plan

__all__ = ["Plan", "analytic_staffing", "plan"]

# shift scheduling: shift types (the scheduling: section or a shifts file), requirements, the MILP
from ccsim.planning.requirements import Requirement, read_requirements_csv
from ccsim.planning.shift_types import Break, Cap, Premium, Scheduling, ShiftType
from ccsim.planning.shifts import Schedule, ShiftChoice, schedule

__all__ += [
    "Break",
    "Cap",
    "Premium",
    "Requirement",
    "Schedule",
    "Scheduling",
    "ShiftChoice",
    "ShiftType",
    "read_requirements_csv",
    "schedule",
]
