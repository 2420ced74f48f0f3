"""ccsim: a contact-center simulator and staffing planner.

The analytic core lives in :mod:`ccsim.erlang`, the scenario format in :mod:`ccsim.scenario`
(read with :func:`load_scenario`); every user-caused error is a :class:`CcsimError`.
"""

from ccsim.erlang import (
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    required_agents,
    required_trunks,
    scheduled_agents,
)
from ccsim.errors import CcsimError, ScenarioError
from ccsim.loader import load_scenario, scenario_from_dict
from ccsim.results import Comparison, SimulationResult, compare
from ccsim.scenario import Scenario
from ccsim.simulation import run_replication, simulate

__version__ = "0.1.0"

__all__ = [
    "CcsimError",
    "Comparison",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "__version__",
    "compare",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "load_scenario",
    "required_agents",
    "required_trunks",
    "run_replication",
    "scenario_from_dict",
    "scheduled_agents",
    "simulate",
]
