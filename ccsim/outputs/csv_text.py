"""Rows as CSV text: the tables every command writes into its ``--out`` folder."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["csv_table"]


def csv_table(rows: Sequence[Mapping[str, Any]], float_format: str | None = None) -> str:
    """Rows (dicts with the same keys) as CSV text; undefined values are empty cells.

    Parameters
    ----------
    rows : list of dict
        The rows.
    float_format : str, optional
        A format for floats, e.g. ``".6g"`` (default: full precision).

    Returns
    -------
    str
        The CSV text with a header line.
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: ("" if v is None else format(v, float_format) if float_format and isinstance(v, float) else v)
                for k, v in row.items()
            }
        )
    return buf.getvalue()
