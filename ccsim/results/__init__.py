"""Simulation results: the statistics a run counts, the KPIs they give, and their summaries.

- :mod:`ccsim.results.layout`: the per-interval statistics the engines count (the contract
  between the engines and everything above them);
- :mod:`ccsim.results.kpis`: KPIs from summed statistics (``docs/kpis.md``);
- :mod:`ccsim.results.summary`: :class:`SimulationResult`, every replication's sums with
  means, confidence intervals, targets and paired comparisons.

Code above the results reads the raw sums by statistic name (``result.channel_stat("offered")``,
:func:`channel_column` on an array cut from them), never by the column layout.
"""

from ccsim.results.summary import (
    TARGET_SLACK,
    TARGETS,
    Comparison,
    KpiError,
    KpiRow,
    SimulationResult,
    TargetCheck,
    channel_column,
    compare,
    group_column,
    mean_ci,
    vendor_column,
)

__all__ = [
    "TARGETS",
    "TARGET_SLACK",
    "Comparison",
    "KpiError",
    "KpiRow",
    "SimulationResult",
    "TargetCheck",
    "channel_column",
    "compare",
    "group_column",
    "mean_ci",
    "vendor_column",
]
