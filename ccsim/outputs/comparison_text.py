"""A comparison of variants as plain text: the tables a terminal can show."""

from __future__ import annotations

from typing import Any

from ccsim.outputs.comparison_tables import Column, Table, cell_column, comparison_tables
from ccsim.outputs.formats import plural, time_number
from ccsim.variants import VariantComparison

__all__ = ["comparison_text", "format_value", "table_text"]

#: The tables the text shows (the HTML report and the workbook have them all).
TEXT_TABLES = (
    "Summary",
    "Service",
    "Targets",
    "Costs",
    "SLA",
    "Differences",
    "Cost differences",
    "Payback",
    "Sensitivity",
    "Break-even",
)


def format_value(column: Column, value: Any) -> str:
    """A value as a report shows it (``-`` for a missing one)."""
    if value is None or value == "":
        return "-" if column.kind != "text" else ""
    kind = column.kind
    if kind == "text":
        return str(value)
    if kind == "share":
        return f"{100 * value:.1f} %"
    if kind == "money":
        return f"{value:,.0f}"
    if kind == "unit_money":
        return f"{value:,.2f}"
    if kind in ("seconds", "duration"):
        unit = column.unit or ("s" if abs(value) < 600 else "min")
        return f"{time_number(value, unit, threshold=kind == 'duration')} {unit}"
    if kind == "count":
        return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"
    if kind == "scale":
        return f"x{value:g}"
    if kind == "time":
        return str(value)
    if kind == "date":
        return value.isoformat()
    return f"{value:.4g}"


def _pm(column: Column, value: Any, half: Any) -> str:
    if half is None or value is None:
        return ""
    if column.kind == "seconds":  # in the value's unit
        unit = column.unit or ("s" if abs(value) < 600 else "min")
        return f" ±{time_number(half, unit)}"
    text = format_value(column, half)
    return " ±" + text.removesuffix(" %")


def table_text(table: Table) -> str:
    """A table as aligned text: a title, a header line and one line per row.

    A column followed by its ``<key>_ci95`` column shows as one: ``85.3 % ±1.2``.
    """
    cols: list[Column] = []
    halves: dict[str, Column] = {}
    for c in table.columns:
        if cols and c.key == cols[-1].key + "_ci95":
            halves[cols[-1].key] = c
        else:
            cols.append(c)
    cells = [
        [
            format_value(cell_column(c, row), row.get(c.key))
            + (
                _pm(cell_column(halves[c.key], row), row.get(c.key), row.get(halves[c.key].key))
                if c.key in halves
                else ""
            )
            for c in cols
        ]
        for row in table.rows
    ]
    heads = [c.label for c in cols]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(heads)]
    right = [c.kind != "text" for c in cols]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right, strict=True)
        ).rstrip()

    out = [table.title, "  " + line(heads)]
    out += ["  " + line(r) for r in cells]
    if table.note:
        out.append("  " + table.note)
    return "\n".join(out)


def comparison_text(cmp: VariantComparison) -> str:
    """The comparison as text: summary, service, targets, costs, SLAs and paired differences."""
    n = len(cmp.runs)
    each = "each" if n > 1 else ""
    head = (
        f"Comparison: {cmp.scenario}, {plural(n, 'variant')}, {plural(cmp.replications, 'replication')}"
        f"{' ' + each if each else ''}, seed {cmp.seed}"
        f"{' (the same contacts in every variant)' if n > 1 else ''}"
    )
    tables = {t.name: t for t in comparison_tables(cmp)}
    parts = [head] + [table_text(tables[name]) for name in TEXT_TABLES if name in tables]
    return "\n\n".join(parts)
