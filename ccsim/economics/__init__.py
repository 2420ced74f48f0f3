"""Economics: what a simulated setup costs a month, and how two setups compare.

:func:`costs` prices a :class:`ccsim.SimulationResult` with its scenario's in-house costs and
vendor contracts (every item per month; threshold pricing and SLAs on billing months composed
of simulated days); :func:`priced_costs` is the same, or None when nothing is priced;
:func:`paired_cost_difference` and :func:`payback` compare two setups. Every formula is in
``docs/costs.md``. Nothing here prints or reads files.
"""

from ccsim.economics.costs import UNITS, CostResult, costs, priced_costs
from ccsim.economics.paired import CostComparison, Payback, paired_cost_difference, payback
from ccsim.economics.sla import SlaOutcome, breach_probability, judge_sla, sla_scope

__all__ = [
    "UNITS",
    "CostComparison",
    "CostResult",
    "Payback",
    "SlaOutcome",
    "breach_probability",
    "costs",
    "judge_sla",
    "paired_cost_difference",
    "payback",
    "priced_costs",
    "sla_scope",
]
