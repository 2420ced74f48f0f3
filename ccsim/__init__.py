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
from ccsim.errors import CcsimError
from ccsim.loader import ScenarioError, load_scenario, scenario_from_dict
from ccsim.scenario import Scenario
from ccsim.simulation import SimulationResult, simulate

__version__ = "0.1.0"

__all__ = [
    "CcsimError",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "__version__",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "load_scenario",
    "required_agents",
    "required_trunks",
    "scenario_from_dict",
    "scheduled_agents",
    "simulate",
]
