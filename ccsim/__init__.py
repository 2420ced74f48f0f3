"""ccsim: a contact-center simulator and staffing planner.

The analytic core lives in :mod:`ccsim.erlang`; every user-caused error is a
:class:`ccsim.errors.CcsimError`.
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

__version__ = "0.1.0"

__all__ = [
    "CcsimError",
    "__version__",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "required_agents",
    "required_trunks",
    "scheduled_agents",
]
