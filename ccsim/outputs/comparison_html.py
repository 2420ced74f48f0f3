"""A comparison of variants as one self-contained HTML file: tables and plots embedded.

The file needs nothing else to be read offline or printed: the plots are PNG images inside
it (base64), the styles are in the page, and no script runs. The same comparison gives the
same bytes.
"""

from __future__ import annotations

import base64
import html

from ccsim._version import __version__
from ccsim.outputs.comparison_tables import Table, cell_column, comparison_heading, comparison_tables
from ccsim.outputs.comparison_text import format_value
from ccsim.outputs.formats import plural
from ccsim.variants import VariantComparison

__all__ = ["comparison_html"]

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 70em;
       color: #222; line-height: 1.4; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 2em; }
p.meta { color: #555; margin-top: 0; }
p.verdict { font-size: 1.1em; font-weight: 600; background: #eef5ee; padding: 0.6em 0.8em;
            border-left: 4px solid #3a7d44; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.85em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; }
th { background: #f3f3f3; text-align: left; vertical-align: bottom; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.MISSED { color: #b00020; font-weight: 600; } td.uncertain { color: #a06000; }
p.note { color: #555; font-size: 0.85em; }
img { max-width: 100%; height: auto; }
nav a { margin-right: 1em; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } table, img { break-inside: avoid; }
               nav { display: none; } }
"""

#: Tables shown in the page (the workbook has the per-interval table too).
HTML_TABLES = (
    "Summary",
    "Service",
    "Targets",
    "Costs",
    "Unit costs",
    "SLA",
    "Differences",
    "Cost differences",
    "Payback",
    "Sensitivity",
    "Break-even",
)


def _table_html(table: Table) -> str:
    e = html.escape
    head = "".join(f"<th>{e(c.label)}</th>" for c in table.columns)
    body = []
    for row in table.rows:
        cells = []
        for column in table.columns:
            c = cell_column(column, row)
            value = row.get(c.key)
            cls = "num" if c.kind != "text" else (str(value) if value in ("MISSED", "uncertain") else "")
            cells.append(
                f'<td class="{cls}">{e(format_value(c, value))}</td>'
                if cls
                else f"<td>{e(format_value(c, value))}</td>"
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = f'<p class="note">{e(table.note)}</p>' if table.note else ""
    anchor = table.name.lower().replace(" ", "-")
    return (
        f'<h2 id="{anchor}">{e(table.title)}</h2>\n<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(body)
        + f"\n</tbody>\n</table>\n{note}"
    )


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<p><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"></p>'


def comparison_html(cmp: VariantComparison) -> str:
    """The whole comparison as one HTML page (tables, the verdict and three plots)."""
    from ccsim.outputs.plots import figure_png, plot_variant_costs, plot_variant_intervals, plot_variant_service

    e = html.escape
    tables = {t.name: t for t in comparison_tables(cmp)}
    if any(r.costs is not None for r in cmp.runs):
        cheapest = cmp.cheapest
        verdict = (
            f"Cheapest variant meeting every target: {cheapest}."
            if cheapest
            else "No variant meets every target beyond doubt."
        )
    else:
        verdict = "The scenario prices nothing: service only."
    axes = []
    if any(r.costs is not None for r in cmp.runs):
        axes.append(plot_variant_costs(cmp))
    axes.append(plot_variant_service(cmp))
    axes += [plot_variant_intervals(cmp, ch) for ch in cmp.runs[0].result.channel_names]
    plots = [_img(figure_png(ax), ax.get_title()) for ax in axes]  # each described by its title
    reps = plural(cmp.replications, "replication")
    meta = (
        f"{reps} per variant, seed {cmp.seed}: every variant saw the same contacts (common random numbers). "
        f"Baseline: {cmp.baseline}."
        if len(cmp.runs) > 1
        else f"{reps}, seed {cmp.seed}."
    )
    shown = [name for name in HTML_TABLES if name in tables]
    nav = " ".join(f'<a href="#{n.lower().replace(" ", "-")}">{e(n)}</a>' for n in shown)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(cmp.scenario)}: comparison</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(cmp.scenario)}: {e(comparison_heading(cmp))}</h1>",
        f'<p class="meta">{e(meta)} ccsim {e(__version__)}.</p>',
        f'<p class="verdict">{e(verdict)}</p>',
        f"<nav>{nav}</nav>",
        _table_html(tables["Summary"]),
        "<h2>Plots</h2>",
        *plots,
        *(_table_html(tables[n]) for n in shown if n != "Summary"),
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)
