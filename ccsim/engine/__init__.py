"""The simulation engines: one replication of a scenario, as per-interval totals.

- :mod:`ccsim.engine.reference`: the SimPy model written the way SimPy teaches (processes,
  ``yield``), for reading and as the oracle the fast engine is proven against;
- :mod:`ccsim.engine.fast`: the same model as plain event callbacks with shortcuts, the default;
- :mod:`ccsim.engine.setup`: the channels, agent groups, random streams and staffing both
  build before a run; :mod:`ccsim.engine.rules`: the decisions both apply (shared by both);
- :mod:`ccsim.engine.routing`: where contacts go (shared by both);
- :mod:`ccsim.engine.dispatch`: which free agent answers and which waiting contact a freed
  agent takes (shared by both; replaceable);
- :mod:`ccsim.engine.totals`: what a replication hands back (shared by both), in the
  statistics layout of :mod:`ccsim.results.layout`.

The names below are imported on first use, so that ``ccsim.engine.totals`` stays light.
"""

from __future__ import annotations

import importlib

__all__ = [
    "ContactCenter",
    "Dispatch",
    "Queue",
    "Routing",
    "RunTotals",
    "ScriptedContact",
]

_WHERE = {
    "ContactCenter": "fast",
    "Dispatch": "dispatch",
    "Queue": "routing",
    "Routing": "routing",
    "RunTotals": "totals",
    "ScriptedContact": "totals",
}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f"ccsim.engine.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'ccsim.engine' has no attribute {name!r}")
