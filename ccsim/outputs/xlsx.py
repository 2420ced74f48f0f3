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
from ccsim.outputs.tables import cell_column, comparison_tables
from ccsim.variants import VariantComparison

__all__ = ["comparison_xlsx"]

_FORMATS = {
    "share": "0.0%",
    "money": "#,##0",
    "seconds": "0.0",
    "count": "#,##0.0",
    "scale": "0.00",
    "number": "0.0000",
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
    for table in comparison_tables(cmp):
        ws = wb.create_sheet(table.name[:31])
        ws.append([c.title for c in table.columns])
        for cell in ws[1]:
            cell.font = bold
        for row in table.rows:
            ws.append([row.get(c.key) if row.get(c.key) != "" else None for c in table.columns])
            for j, c in enumerate(table.columns, start=1):  # each number in its unit's format
                fmt = _FORMATS.get(cell_column(c, row).kind)
                if fmt:
                    ws.cell(row=ws.max_row, column=j).number_format = fmt
        for j, c in enumerate(table.columns, start=1):
            width = max(len(c.title), 10)
            ws.column_dimensions[get_column_letter(j)].width = min(width + 2, 40)
        ws.freeze_panes = "A2"
        if table.note:
            ws.append([])
            ws.append([table.note])
    wb.properties.created = _FIXED
    wb.properties.modified = _FIXED
    wb.properties.creator = "ccsim"
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_times(buf.getvalue())


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
