"""Scenarios from contact logs: read and clean an ACD export, estimate a desk's parameters.

:func:`read_logs` reads CSV logs (plain or gzip) as a :class:`Mapping` describes them into a
:class:`ContactLog`, with a :class:`Cleaning` report of every row dropped and every day left
out; :func:`estimate` fits arrivals, handle time, patience, redials and the agents seen
(:class:`Parameters`); :func:`scenario_data` and :func:`scenario_yaml` turn them into a
scenario (a dict that :func:`ccsim.scenario_from_dict` validates, and commented YAML). Their
report and plots are renderings: :mod:`ccsim.outputs.fit_text`, :mod:`ccsim.outputs.fit_html`
and :mod:`ccsim.outputs.plots`. The rules are in ``docs/fit.md``.
"""

import sys as _sys
import types as _types

from ccsim.fit.api import Fit, fit_logs
from ccsim.fit.arrivals import ChannelArrivals, DayType, Dispersion
from ccsim.fit.durations import DistFit, DurationFit, fit_durations, kaplan_meier
from ccsim.fit.estimate import (
    AgentsSeen,
    ChannelFit,
    HandleTime,
    Observed,
    Parameters,
    Patience,
    Redials,
    estimate,
)
from ccsim.fit.logs import Cleaning, ContactLog, Dropped, ExcludedDay, read_logs
from ccsim.fit.mapping import DEFAULT_COLUMNS, Mapping, load_mapping, template
from ccsim.fit.output import scenario_data, scenario_yaml
from ccsim.fit.staffing import Check, EffectiveStaffing, check, effective_staffing

__all__ = [
    "DEFAULT_COLUMNS",
    "AgentsSeen",
    "ChannelArrivals",
    "ChannelFit",
    "Check",
    "Cleaning",
    "ContactLog",
    "DayType",
    "Dispersion",
    "DistFit",
    "Dropped",
    "DurationFit",
    "EffectiveStaffing",
    "ExcludedDay",
    "Fit",
    "HandleTime",
    "Mapping",
    "Observed",
    "Parameters",
    "Patience",
    "Redials",
    "check",
    "effective_staffing",
    "estimate",
    "fit_durations",
    "fit_logs",
    "kaplan_meier",
    "load_mapping",
    "read_logs",
    "scenario_data",
    "scenario_yaml",
    "template",
]


class _CallableModule(_types.ModuleType):
    """``ccsim.fit`` is this package and, called, :func:`fit_logs`: ``ccsim.fit(paths, mapping)``."""

    def __call__(self, *args, **kwargs):
        return fit_logs(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
