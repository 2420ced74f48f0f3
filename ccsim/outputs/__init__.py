"""Renderings: text, CSV rows, JSON-ready data, HTML, Excel and plots. No computing happens here.

Each module is named by what it renders and how: a thing's modules read the thing (a result,
a plan, a comparison, a fit) and never the reverse, and only the command line prints or writes.

- a simulation result: :mod:`~ccsim.outputs.result_text` (the summary ``ccsim run`` prints,
  costs, JSON)
- a staffing plan and its roster: :mod:`~ccsim.outputs.plan_text` (text, CSV rows, JSON-ready
  data, a YAML variant)
- a shift schedule: :mod:`~ccsim.outputs.schedule_text` (text, CSV rows, JSON-ready data)
- a comparison of variants: :mod:`~ccsim.outputs.comparison_tables` turns it into typed tables;
  :mod:`~ccsim.outputs.comparison_text`, :mod:`~ccsim.outputs.comparison_html` and
  :mod:`~ccsim.outputs.comparison_xlsx` render them, :mod:`~ccsim.outputs.comparison_data` is
  its JSON
- a fit from contact logs: :mod:`~ccsim.outputs.fit_text` (the report, the check),
  :mod:`~ccsim.outputs.fit_html` (one page with the plots)
- a sweep: :mod:`~ccsim.outputs.sweep_text` (the table ``ccsim sweep`` prints)
- every plot: :mod:`ccsim.outputs.plots`
- shared: :mod:`~ccsim.outputs.formats` (times, thresholds, plurals), :mod:`~ccsim.outputs.csv_text`
  (rows as CSV)
"""

from ccsim.outputs.comparison_html import comparison_html
from ccsim.outputs.comparison_tables import Column, Table, comparison_tables
from ccsim.outputs.comparison_text import comparison_text, format_value
from ccsim.outputs.comparison_xlsx import comparison_xlsx

__all__ = [
    "Column",
    "Table",
    "comparison_html",
    "comparison_tables",
    "comparison_text",
    "comparison_xlsx",
    "format_value",
]
