"""A fit from contact logs as one self-contained HTML page: the report, the plots, the check."""

from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING

from ccsim.outputs.fit_text import fit_text

if TYPE_CHECKING:
    from ccsim.fit import Fit
    from ccsim.fit.staffing import Check

__all__ = ["fit_html"]


def fit_html(fit: Fit, check: Check | None = None, plots: dict[str, bytes] | None = None) -> str:
    """The report (text), every plot embedded, and the check's agreement, as one HTML page.

    ``plots`` are the PNGs by file name (default: :func:`ccsim.outputs.plots.fit_pngs`).
    """
    e = html.escape
    if plots is None:
        from ccsim.outputs.plots import fit_pngs

        plots = fit_pngs(fit, check)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><title>ccsim fit</title>',
        "<style>body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}"
        "pre{font-size:0.8em;background:#f6f6f6;padding:1em;overflow-x:auto}img{max-width:100%}"
        "table{border-collapse:collapse;font-size:0.85em}td,th{border-bottom:1px solid #ddd;padding:0.2em 0.6em}"
        "td.num{text-align:right}@media print{pre{white-space:pre-wrap}}</style></head>",
        "<body>",
        "<h1>A scenario fitted from contact logs</h1>",
    ]
    if check is not None:
        agree = check.agreement()
        parts.append(
            f"<p><b>Check:</b> of {agree['intervals']} intervals with contacts, the fitted model's service level is "
            f"within {check.sl_points:g} points of the log's in {agree['service_level_agrees']}, and its ASA within "
            f"{check.asa_s:g} s in {agree['asa_agrees']} (abandonment was fitted, so it is no evidence).</p>"
        )
    for name, png in plots.items():
        data = base64.b64encode(png).decode("ascii")
        parts.append(f'<p><img alt="{e(name)}" src="data:image/png;base64,{data}"></p>')
    parts += ["<h2>Report</h2>", f"<pre>{e(fit_text(fit))}</pre>", "</body>", "</html>", ""]
    return "\n".join(parts)
