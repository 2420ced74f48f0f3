"""Simulation results: the statistics a run counts, the KPIs they give, and their summaries.

- :mod:`ccsim.results.layout`: the per-interval statistics the engines count (the contract
  between the engines and everything above them);
- :mod:`ccsim.results.kpis`: KPIs from summed statistics (``docs/kpis.md``);
- :mod:`ccsim.results.summary`: :class:`SimulationResult`, every replication's sums with
  means, confidence intervals, targets and paired comparisons.
"""

from ccsim.results.summary import (
    TARGET_SLACK,
    TARGETS,
    Comparison,
    KpiError,
    KpiRow,
    SimulationResult,
    TargetCheck,
    compare,
    mean_ci,
)

__all__ = [
    "TARGETS",
    "TARGET_SLACK",
    "Comparison",
    "KpiError",
    "KpiRow",
    "SimulationResult",
    "TargetCheck",
    "compare",
    "mean_ci",
]
