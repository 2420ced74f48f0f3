"""Every plot of ccsim (matplotlib): each function takes ``ax=None`` and returns the axes it drew on.

No pyplot state is used: without ``ax`` a new :class:`matplotlib.figure.Figure` is made, so
the functions are safe in scripts, servers and notebooks alike. :func:`figure_png` turns a
plot into PNG bytes (the same plot, the same bytes).

- a simulation result (:mod:`~ccsim.outputs.plots.result`): :func:`plot_service_level`,
  :func:`plot_queue_length`, :func:`plot_occupancy`
- a staffing plan (:mod:`~ccsim.outputs.plots.plan`): :func:`plot_plan`
- a shift schedule (:mod:`~ccsim.outputs.plots.schedule`): :func:`plot_coverage`
- a comparison of variants (:mod:`~ccsim.outputs.plots.comparison`): :func:`plot_variant_costs`,
  :func:`plot_variant_service`, :func:`plot_variant_intervals`
- a fit from contact logs (:mod:`~ccsim.outputs.plots.fit`): :func:`plot_arrivals`,
  :func:`plot_handle_time`, :func:`plot_patience`, :func:`plot_check`, and all of them as
  PNGs (:func:`fit_pngs`)

A sweep's plot is :func:`ccsim.sweep.plot_sweep`.
"""

from ccsim.outputs.plots.comparison import plot_variant_costs, plot_variant_intervals, plot_variant_service
from ccsim.outputs.plots.figures import figure_png, money_axis
from ccsim.outputs.plots.fit import fit_pngs, plot_arrivals, plot_check, plot_handle_time, plot_patience
from ccsim.outputs.plots.plan import plot_plan
from ccsim.outputs.plots.result import LONG_RUN_DAYS, plot_occupancy, plot_queue_length, plot_service_level
from ccsim.outputs.plots.schedule import plot_coverage

__all__ = [
    "LONG_RUN_DAYS",
    "figure_png",
    "fit_pngs",
    "money_axis",
    "plot_arrivals",
    "plot_check",
    "plot_coverage",
    "plot_handle_time",
    "plot_occupancy",
    "plot_patience",
    "plot_plan",
    "plot_queue_length",
    "plot_service_level",
    "plot_variant_costs",
    "plot_variant_intervals",
    "plot_variant_service",
]
