"""Economics: what a simulated setup costs, per replication, and how two setups compare.

:func:`costs` prices a :class:`ccsim.SimulationResult` with its scenario's in-house costs and
vendor contracts (every item per replication, threshold pricing and SLAs per billing month);
:func:`paired_cost_difference` and :func:`payback` compare two setups. Every formula is in
``docs/costs.md``. Nothing here prints or reads files.
"""

from ccsim.economics.compare import CostComparison, Payback, paired_cost_difference, payback
from ccsim.economics.costs import UNITS, CostResult, costs
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
    "sla_scope",
]
