"""Staffing plans: how many agents, in which intervals, so that every target is met.

:func:`plan` sizes every in-house agent group per interval: an analytic first guess
(:mod:`ccsim.planning.guess`), corrected by simulation (:mod:`ccsim.planning.plan`).
"""

from ccsim.planning.guess import analytic_staffing
from ccsim.planning.plan import Plan, plan

__all__ = ["Plan", "analytic_staffing", "plan"]
