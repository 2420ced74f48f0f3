"""Renderings of results: text, HTML and Excel. No computing happens here.

:mod:`ccsim.outputs.tables` turns a comparison into typed tables; :mod:`ccsim.outputs.text`,
:mod:`ccsim.outputs.html` and :mod:`ccsim.outputs.xlsx` render them.
"""

from ccsim.outputs.html import comparison_html
from ccsim.outputs.tables import Column, Table, comparison_tables
from ccsim.outputs.text import comparison_text, format_value
from ccsim.outputs.xlsx import comparison_xlsx

__all__ = [
    "Column",
    "Table",
    "comparison_html",
    "comparison_tables",
    "comparison_text",
    "comparison_xlsx",
    "format_value",
]
