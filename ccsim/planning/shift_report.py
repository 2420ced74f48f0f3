"""Renderings of a shift schedule: text, tidy rows (CSV) and JSON-ready data.

No computing happens here: everything comes from the :class:`~ccsim.planning.shifts.Schedule`.
"""

from __future__ import annotations

from typing import Any

from ccsim.planning.shifts import Schedule

__all__ = ["coverage_rows", "schedule_dict", "schedule_text", "shift_rows"]


def _breaks(breaks: tuple[tuple[tuple[str, int], ...], ...]) -> str:
    """``12:00 x3, 12:30 x2; 15:00 x5``: each break's starts, breaks separated by ``;``."""
    return "; ".join(", ".join(f"{t} x{n}" for t, n in b) for b in breaks)


def shift_rows(schedule: Schedule) -> list[dict[str, Any]]:
    """One row per day, start and shift type: the count, its breaks, paid hours and cost."""
    return [
        {
            "day": s.day_label,
            "start": s.start,
            "end": s.end,
            "shift_type": s.shift_type,
            "count": s.count,
            "breaks": _breaks(s.breaks),
            "paid_hours": s.paid_hours,
            "cost": s.cost,
        }
        for s in schedule.shifts
    ]


def coverage_rows(schedule: Schedule) -> list[dict[str, Any]]:
    """One row per requirement interval: required, on duty, over and under."""
    rows = []
    for i, label in enumerate(schedule.labels):
        day, _, start = label.rpartition(" ")
        req = float(schedule.required[i])
        on = int(schedule.on_duty[i])
        rows.append(
            {
                "day": day,
                "start": start,
                "required": int(req) if req.is_integer() else req,
                "on_duty": on,
                "over": max(on - req, 0.0),
                "under": float(schedule.under[i]),
            }
        )
    return rows


def _totals(schedule: Schedule) -> dict[str, Any]:
    return {
        "status": schedule.status,
        "proven_optimal": schedule.proven_optimal,
        "gap": schedule.gap,
        "objective": schedule.objective,
        "fell_back": schedule.fell_back,
        "objective_value": schedule.objective_value,
        "fully_covered": schedule.fully_covered,
        "paid_hours": schedule.paid_hours,
        "cost": schedule.cost,
        "shift_count": schedule.shift_count,
        "headcount": schedule.headcount,
        "fte": schedule.fte,
        "over_hours": schedule.over_hours,
        "under_hours": schedule.under_hours,
        "required_hours": float(schedule.required.sum()) * schedule.interval_min / 60.0,
        "interval_min": schedule.interval_min,
        "solve_s": schedule.solve_s,
    }


def schedule_dict(schedule: Schedule) -> dict[str, Any]:
    """The schedule as plain JSON-ready data: totals, shifts, coverage and unmet intervals."""
    data = _totals(schedule)
    data["shifts"] = [
        {**row, "breaks": [[{"start": t, "count": n} for t, n in b] for b in s.breaks]}
        for row, s in zip(shift_rows(schedule), schedule.shifts, strict=True)
    ]
    data["coverage"] = coverage_rows(schedule)
    data["unmet"] = [{"interval": label, "short": short} for label, short in schedule.unmet]
    return data


def schedule_text(schedule: Schedule, *, max_unmet: int = 20) -> str:
    """A readable summary: the status, totals, the shifts chosen and the intervals left short."""
    t = _totals(schedule)
    proven = "proven optimal" if schedule.proven_optimal else f"not proven optimal (gap {100 * schedule.gap:.2f} %)"
    lines = [f"shift schedule: {schedule.objective} objective, {proven}, {schedule.solve_s:.2f} s"]
    if schedule.fell_back:
        lines.append(
            "full cover is impossible within the caps and maximum counts: solved for the least weighted "
            "under- and over-staffing instead"
        )
    widths = {"day": 10, "start": 5, "end": 5, "shift_type": 12, "count": 5}
    rows = shift_rows(schedule)
    if rows:
        widths["day"] = max(3, *(len(r["day"]) for r in rows))
        widths["shift_type"] = max(10, *(len(r["shift_type"]) for r in rows))
    head = (
        f"  {'day':<{widths['day']}}  {'start':<5}  {'end':<5}  {'shift type':<{widths['shift_type']}}  "
        f"{'count':>5}  breaks"
    )
    lines += ["", head]
    day_w, type_w = widths["day"], widths["shift_type"]
    for r in rows:
        lines.append(
            f"  {r['day']:<{day_w}}  {r['start']:<5}  {r['end']:<5}  {r['shift_type']:<{type_w}}  "
            f"{r['count']:>5}  {r['breaks']}".rstrip()
        )
    if not rows:
        lines.append("  (no shift)")
    lines += [
        "",
        f"shifts {t['shift_count']}, headcount at least {t['headcount']}, FTE {t['fte']:.2f}, "
        f"paid hours {t['paid_hours']:,.2f}, cost {t['cost']:,.2f}",
        f"required {t['required_hours']:,.2f} agent-hours; over {t['over_hours']:,.2f}, "
        f"under {t['under_hours']:,.2f} agent-hours",
    ]
    unmet = schedule.unmet
    if unmet:
        shown = ", ".join(f"{label} (-{short:g})" for label, short in unmet[:max_unmet])
        more = f" and {len(unmet) - max_unmet} more" if len(unmet) > max_unmet else ""
        lines.append(f"UNMET: {len(unmet)} intervals short: {shown}{more}")
    else:
        lines.append("every interval covered")
    return "\n".join(lines)
