"""A sweep as text: the table ``ccsim sweep`` prints, one line per grid point."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccsim.outputs.formats import duration

if TYPE_CHECKING:
    from ccsim.sweep import SweepResult

__all__ = ["sweep_text"]

#: KPIs of each channel in the printed table (the CSV and JSON have every one).
_SHOWN = ("service_level", "abandon_rate", "asa_s")
_SHARES = {"service_level", "abandon_rate", "answer_rate", "occupancy", "p_wait"}
_NAMES = {"service_level": "SL", "abandon_rate": "abandoned", "asa_s": "ASA", "occupancy": "occupancy"}


def _cell(kpi: str, value: Any, half: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if kpi.split(".")[-1] in _SHARES:
        text, h = f"{100 * value:.1f} %", None if half is None else f"{100 * half:.1f}"
    elif kpi.endswith("_s"):
        text, h = f"{value:.1f} s", None if half is None else f"{half:.1f}"
    elif isinstance(value, int):
        return f"{value:,}"
    elif isinstance(value, float):
        text, h = (f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"), None
        if half is not None:
            h = f"{half:,.0f}" if abs(value) >= 1000 else f"{half:,.2g}"
    else:
        return str(value)
    return text + (f" ±{h}" if half is not None and half > 0 else "")


def sweep_text(result: SweepResult) -> str:
    """The sweep as a table: one line per grid point."""
    rows = result.rows
    variant = f", variant {result.variant}" if result.variant else ""
    head = [
        f"{result.scenario}{variant}: sweep of {result.grid_size} grid point{'s' if result.grid_size != 1 else ''}, "
        f"{result.replications} replications each, seed {result.seed} (common random numbers)",
    ]
    partial = [r for r in rows if r["replications"] != result.replications]
    if result.interrupted:
        head.append(f"interrupted: {len(result.points)} of {result.grid_size} points simulated")
    if not rows:
        return "\n".join(head)
    res0 = result.points[0].result  # rows come from the points simulated
    columns: list[tuple[str, str]] = [(p, ".".join(p.split(".")[-2:])) for p in result.params]
    channels = res0.channel_names + (["all"] if len(res0.channel_names) > 1 else [])
    for ch in channels:
        for kpi in _SHOWN:
            if any(r.get(f"{ch}.{kpi}") not in (None, 0) for r in rows):  # not an abandonment nobody has
                columns.append((f"{ch}.{kpi}", f"{ch} {_NAMES[kpi]}"))
    for g in res0.group_names:
        if f"{g}.occupancy" in rows[0]:
            columns.append((f"{g}.occupancy", f"{g} occupancy"))
    if partial:
        columns.append(("replications", "replications"))
    if any(r.get("targets") is not None for r in rows):
        columns.append(("targets", "targets"))
    if "cost_per_month" in rows[0]:
        columns.append(("cost_per_month", f"cost/month ({rows[0]['currency']})"))
    cells = [[_cell(key, r.get(key), r.get(f"{key}_ci95")) for key, _ in columns] for r in rows]
    for r, row in zip(rows, cells, strict=True):
        if r in partial:  # the point an interrupt cut short: its replications marked
            row[[key for key, _ in columns].index("replications")] = f"{r['replications']} (partial)"
    widths = [max(len(title), *(len(c[i]) for c in cells)) for i, (_, title) in enumerate(columns)]
    lines = ["", "  ".join(title.rjust(w) for (_, title), w in zip(columns, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    notes = ["", "mean ±95 % CI half-width; SL: service level"]
    if res0.answer_within_s:
        notes[-1] += (
            " (answered within "
            + ", ".join(f"{ch} {duration(s)}" for ch, s in res0.answer_within_s.items() if s is not None)
            + ")"
        )
    for r in partial:
        where = ", ".join(f"{_cell(p, r[p], None)}" for p in result.params)
        notes.append(
            f"partial: the point {where} has {r['replications']} of {result.replications} replications "
            "(interrupted): its figures are less certain"
        )
    notes.append("every KPI per channel: --json or --out (sweep.csv)")
    return "\n".join(head + lines + notes)
