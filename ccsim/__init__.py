"""ccsim: a contact-center simulator and staffing planner.

The analytic core lives in :mod:`ccsim.erlang`, the scenario format in :mod:`ccsim.scenario`
(read with :func:`load_scenario`); every user-caused error is a :class:`CcsimError`.

The public names are imported on first use, so that ``import ccsim`` (and the command line's
``--help`` and ``--version``) does not load numpy, scipy, pydantic or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ccsim._version import __version__

#: Where each public name lives, imported when first asked for.
_LAZY = {
    "erlang_a_metrics": "ccsim.erlang",
    "erlang_b": "ccsim.erlang",
    "erlang_c": "ccsim.erlang",
    "erlang_c_metrics": "ccsim.erlang",
    "required_agents": "ccsim.erlang",
    "required_trunks": "ccsim.erlang",
    "scheduled_agents": "ccsim.erlang",
    "erlang_a_transient": "ccsim.transient",
    "transient_required_agents": "ccsim.transient",
    "CcsimError": "ccsim.errors",
    "ScenarioError": "ccsim.errors",
    "load_scenario": "ccsim.loader",
    "scenario_from_dict": "ccsim.loader",
    "Plan": "ccsim.planning",
    "plan": "ccsim.planning",
    "schedule": "ccsim.planning",
    "costs": "ccsim.economics",
    "VariantComparison": "ccsim.variants",
    "compare_variants": "ccsim.variants",
    "Comparison": "ccsim.results",
    "SimulationResult": "ccsim.results",
    "compare": "ccsim.results",
    "Scenario": "ccsim.scenario",
    "run_replication": "ccsim.simulation",
    "simulate": "ccsim.simulation",
}

__all__ = [
    "CcsimError",
    "Comparison",
    "Plan",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "VariantComparison",
    "__version__",
    "compare",
    "compare_variants",
    "costs",
    "erlang_a_metrics",
    "erlang_a_transient",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "load_scenario",
    "plan",
    "required_agents",
    "required_trunks",
    "run_replication",
    "scenario_from_dict",
    "schedule",
    "scheduled_agents",
    "simulate",
    "transient_required_agents",
]

if TYPE_CHECKING:  # for type checkers and editors: the names as if imported eagerly
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
    from ccsim.planning.plan import Plan, plan  # the function, not the submodule of its name
    from ccsim.results import Comparison, SimulationResult, compare
    from ccsim.scenario import Scenario
    from ccsim.simulation import run_replication, simulate
    from ccsim.transient import erlang_a_transient, transient_required_agents


def __getattr__(name: str) -> Any:
    """Import a public name (or a submodule, as ``ccsim.erlang``) on first use."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if not name.startswith("_"):
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names, the lazy ones included."""
    return sorted({*globals(), *__all__})
