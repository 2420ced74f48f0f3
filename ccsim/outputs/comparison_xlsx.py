"""A comparison of variants as an Excel workbook: a sheet per table, numbers stored as numbers.

Written with openpyxl (the ``report`` extra: ``pip install ".[report]"`` in ccsim's folder), the maintained
library for the xlsx format. Shares are stored as fractions with a percent format, money and
seconds as numbers with the unit in the header; a second header row is not used, so every
sheet loads into pandas with ``pd.read_excel(path, sheet_name=...)``. The same comparison
gives the same bytes (the workbook's timestamps are fixed).
"""

from __future__ import annotations

import datetime as dt
import io
import re

from ccsim.errors import CcsimError
from ccsim.outputs.comparison_tables import Column, Table, cell_column, comparison_tables
from ccsim.outputs.formats import TIME_UNITS
from ccsim.variants import VariantComparison

__all__ = ["comparison_xlsx"]

_FORMATS = {
    "share": "0.0%",
    "money": "#,##0",
    "unit_money": "#,##0.00",
    "seconds": "0.0",
    "count": "#,##0.0",
    "scale": "0.00",
    "number": "0.0000",
    "time": "hh:mm",
    "date": "yyyy-mm-dd",
}
_FIXED = dt.datetime(2000, 1, 1)


def comparison_xlsx(cmp: VariantComparison) -> bytes:
    """The comparison as the bytes of an ``.xlsx`` workbook (a sheet per table).

    Raises
    ------
    ccsim.CcsimError
        When openpyxl is not installed (the message says how to install it).
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise CcsimError(
            '--xlsx needs openpyxl: pip install openpyxl (in ccsim\'s folder: pip install ".[report]")'
        ) from None
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    sheets = {}
    for table in comparison_tables(cmp):
        ws = wb.create_sheet(table.name[:31])
        sheets[table.name] = (ws, table)
        ws.append([_title_of(c, table) for c in table.columns])
        for cell in ws[1]:
            cell.font = bold
        for row in table.rows:
            ws.append([_cell_value(cell_column(c, row), row.get(c.key)) for c in table.columns])
            for j, c in enumerate(table.columns, start=1):  # each number in its unit's format
                cc = cell_column(c, row)
                fmt = _FORMATS.get(cc.kind)
                if cc.kind == "count" and isinstance(row.get(c.key), int):
                    fmt = "#,##0"
                if cc.kind in ("seconds", "duration"):  # the number in its unit, the unit shown beside it
                    fmt = f'#,##0.0##" {cc.unit or "s"}"' if cc.kind == "seconds" else f'General" {cc.unit or "s"}"'

                if fmt:
                    ws.cell(row=ws.max_row, column=j).number_format = fmt
        for j, c in enumerate(table.columns, start=1):
            width = max(len(c.title), 10)
            ws.column_dimensions[get_column_letter(j)].width = min(width + 2, 40)
        ws.freeze_panes = "A2"
        if table.note:
            ws.append([])
            ws.append([table.note])
    if "Summary" in sheets:
        _cost_chart(*sheets["Summary"])
    if "Intervals" in sheets:
        _interval_charts(*sheets["Intervals"])
    wb.properties.created = _FIXED
    wb.properties.modified = _FIXED
    wb.properties.creator = "ccsim"
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _cell_value(column: Column, value):
    """A row's value as the workbook stores it.

    A time of day as a time; a time in seconds as a number in its column's unit (minutes,
    hours); nothing for a missing value.
    """
    if value is None or value == "":
        return None
    if column.kind == "time":  # HH:MM
        hour, minute = (int(x) for x in str(value).split(":"))
        return dt.time(hour, minute)
    if column.kind in ("seconds", "duration") and column.unit:
        return value / TIME_UNITS[column.unit]
    return value


def _title_of(column: Column, table: Table) -> str:
    """The header with its unit; a time column whose rows differ (``s`` and ``h``) names both.

    Each cell's number format shows its own unit (``2.3 s``, ``0.03 h``).
    """
    kinds = {cell_column(column, row).kind for row in table.rows} or {column.kind}
    if not kinds <= {"seconds", "duration"}:
        return column.title
    units = list(dict.fromkeys(cell_column(column, row).unit or "s" for row in table.rows)) or ["s"]
    return f"{column.header} [{' or '.join(units)}]"


def _col(table: Table, key: str) -> int | None:
    """The 1-based column of ``key`` in the sheet, or None."""
    return next((j for j, c in enumerate(table.columns, start=1) if c.key == key), None)


def _cost_chart(ws, table: Table) -> None:
    """A bar chart of the cost per month of every variant, beside the Summary table."""
    from openpyxl.chart import BarChart, Reference

    col, names = _col(table, "per_month"), _col(table, "variant")
    if col is None or not table.rows:
        return
    n = len(table.rows)
    chart = BarChart()
    chart.type = "col"
    chart.title = "Cost per month by variant"
    chart.y_axis.title = table.columns[col - 1].title
    chart.y_axis.numFmt = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.title = "variant"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=1 + n), titles_from_data=True)
    _text_categories(chart, Reference(ws, min_col=names, min_row=2, max_row=1 + n))
    _show_axes(chart)
    chart.width, chart.height = 16, 8
    ws.add_chart(chart, f"B{n + 5 + (2 if table.note else 0)}")


def _interval_charts(ws, table: Table) -> None:
    """Per channel, a line chart of the service level per interval of every variant, against the target.

    The rows come in blocks of one variant and one channel (see ``tables._intervals``); each
    block is a series, the channel's target one more.
    """
    from openpyxl.chart import LineChart, Reference
    from openpyxl.utils import get_column_letter

    blocks: dict[str, list[tuple[str, int, int]]] = {}
    first = 2
    for i in range(1, len(table.rows) + 1):
        row = table.rows[i - 1]
        nxt = table.rows[i] if i < len(table.rows) else None
        if nxt is None or (nxt["variant"], nxt["channel"]) != (row["variant"], row["channel"]):
            blocks.setdefault(row["channel"], []).append((row["variant"], first, i + 1))
            first = i + 2
    sl, target, label = _col(table, "service_level"), _col(table, "target"), _col(table, "interval")
    anchor_col = get_column_letter(len(table.columns) + 2)
    for k, (channel, series) in enumerate(blocks.items()):
        chart = LineChart()
        chart.title = f"{channel}: service level per interval"
        chart.y_axis.title = "service level"
        chart.y_axis.numFmt = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.x_axis.title = "interval"
        for variant, lo, hi in series:
            chart.add_data(Reference(ws, min_col=sl, min_row=lo, max_row=hi), titles_from_data=False)
            chart.series[-1].tx = _title(variant)
        _, lo, hi = series[0]
        if any(table.rows[j - 2].get("target") is not None for j in range(lo, hi + 1)):
            chart.add_data(Reference(ws, min_col=target, min_row=lo, max_row=hi), titles_from_data=False)
            line = chart.series[-1]
            line.tx = _title("target")
            line.graphicalProperties.line.dashStyle = "dash"
            line.graphicalProperties.line.solidFill = "C00000"
        for line in chart.series:
            line.marker.symbol = "none"
            line.smooth = False
        _text_categories(chart, Reference(ws, min_col=label, min_row=lo, max_row=hi))
        _show_axes(chart)
        chart.width, chart.height = 24, 9
        ws.add_chart(chart, f"{anchor_col}{2 + 19 * k}")


def _text_categories(chart, ref) -> None:
    """Label every series' points with the text in ``ref`` (variant names, interval labels)."""
    from openpyxl.chart.data_source import AxDataSource, StrRef

    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(ref)))


def _title(text: str):
    from openpyxl.chart.series import SeriesLabel

    return SeriesLabel(v=text)


def _show_axes(chart) -> None:
    """Axes with their labels shown (openpyxl 3.1 hides them unless told)."""
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False


def _fixed_zip_times(data: bytes) -> bytes:
    """The workbook with fixed times: the same comparison, the same bytes.

    (openpyxl stamps each entry of the xlsx zip, and the document's modified time, with the
    time of saving.)
    """
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time as modified
                content = re.sub(
                    rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>",
                    rb"<dcterms:modified\1>2000-01-01T00:00:00Z</dcterms:modified>",
                    content,
                )
            dst.writestr(fixed, content)
    return out.getvalue()
