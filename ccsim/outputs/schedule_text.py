"""A shift schedule as text: the schedule and hiring as printed, tidy rows (CSV) and JSON-ready data.

No computing happens here: everything comes from the :class:`~ccsim.planning.shifts.Schedule`.
"""

from __future__ import annotations

from typing import Any

from ccsim.planning.shifts import DAYS_PER_MONTH, Schedule

__all__ = [
    "coverage_rows",
    "hiring_dicts",
    "hiring_rows",
    "hiring_text",
    "schedule_dict",
    "schedule_text",
    "shift_rows",
]


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


def hiring_rows(schedule: Schedule, **first: Any) -> list[dict[str, Any]]:
    """One row per contract: people to hire, FTE, paid hours and cost per week and per month.

    Every figure is with the schedule's shrinkage; ``first`` columns (a group, say) lead each row.
    """
    return [
        {
            **first,
            "contract": h.contract,
            "shift_types": " ".join(h.shift_types),
            "shifts_in_run": h.shifts,
            "shifts_per_week": h.shifts_per_week,
            "shifts_per_person_per_week": h.shifts_per_person_per_week,
            "busiest_day_shifts": h.busiest_day,
            "shrinkage": schedule.shrinkage,
            "people_to_hire": h.people,
            "fte": h.fte,
            "paid_hours_per_week": h.paid_hours_per_week,
            "cost_per_week": h.cost_per_week,
            "cost_per_month": h.cost_per_month,
            "currency": schedule.currency or "",
            "week": schedule.week_text,
        }
        for h in schedule.hiring
    ]


def hiring_dicts(schedule: Schedule, **first: Any) -> list[dict[str, Any]]:
    """The rows of :func:`hiring_rows` as JSON-ready data (the shift types as a list)."""
    return [
        row | {"shift_types": list(h.shift_types)}
        for row, h in zip(hiring_rows(schedule, **first), schedule.hiring, strict=True)
    ]


def _totals(schedule: Schedule) -> dict[str, Any]:
    return {
        "status": schedule.status,
        "proven_optimal": schedule.proven_optimal,
        "gap": schedule.gap,
        "objective": schedule.objective,
        "fell_back": schedule.fell_back,
        "objective_value": schedule.objective_value,
        "fully_covered": schedule.fully_covered,
        "days": schedule.days,
        "paid_hours": schedule.paid_hours,
        "cost": schedule.cost,
        "currency": schedule.currency,
        "wage": schedule.wage,
        "paid_wage": list(schedule.paid_wage),
        "unpriced": list(schedule.unpriced),
        "shift_count": schedule.shift_count,
        "headcount": schedule.headcount,
        "fte": schedule.fte,
        "over_hours": schedule.over_hours,
        "under_hours": schedule.under_hours,
        "required_hours": float(schedule.required.sum()) * schedule.interval_min / 60.0,
        "interval_min": schedule.interval_min,
        "solve_s": schedule.solve_s,
    }


def _hiring_dict(schedule: Schedule) -> dict[str, Any]:
    return {
        "week": schedule.week_text,
        "weeks_in_run": schedule.weeks,
        "days_per_month": DAYS_PER_MONTH,
        "shrinkage": schedule.shrinkage,
        "currency": schedule.currency,
        "contracts": hiring_dicts(schedule),
        "people_to_hire": schedule.headcount,
        "fte": schedule.fte,
        "cost_per_week": schedule.cost_per_week,
        "cost_per_month": schedule.cost_per_month,
    }


def schedule_dict(schedule: Schedule) -> dict[str, Any]:
    """The schedule as plain JSON-ready data: totals, shifts, coverage, unmet intervals and hiring."""
    data = _totals(schedule)
    data["shifts"] = [
        {**row, "breaks": [[{"start": t, "count": n} for t, n in b] for b in s.breaks]}
        for row, s in zip(shift_rows(schedule), schedule.shifts, strict=True)
    ]
    data["coverage"] = coverage_rows(schedule)
    data["unmet"] = [{"interval": label, "short": short} for label, short in schedule.unmet]
    data["uncoverable"] = [
        {"interval": schedule.labels[i], "short": float(schedule.under[i])} for i in schedule.uncoverable
    ]
    data["hiring"] = _hiring_dict(schedule)
    return data


def _money(currency: str | None) -> str:
    return f" ({currency})" if currency else " (cost units: no currency given)"


def hiring_text(schedules: dict[str, Schedule], *, title: str = "Hiring") -> list[str]:
    """The people to hire per contract (per group when several), FTE and cost per week and month.

    Every figure is labelled with its unit and period; the first lines state what a week and a
    month are and the shrinkage.
    """
    any_s = next(iter(schedules.values()))
    currency = next((s.currency for s in schedules.values() if s.currency), None)
    shrink = sorted({s.shrinkage for s in schedules.values()})
    shrink_text = ", ".join(f"{100 * x:g} %" for x in shrink)
    several = len(schedules) > 1 or next(iter(schedules)) != ""
    lines = [
        f"{title}: people to hire, with shrinkage {shrink_text} (absence, training: paid hours = shift hours / "
        f"(1 - shrinkage)); {any_s.week_text}; a month = {DAYS_PER_MONTH} days = {DAYS_PER_MONTH / 7:.4f} weeks",
    ]
    head = ["group"] if several else []
    head += [
        "contract",
        "shifts a week",
        "shifts a person a week",
        "people to hire",
        "FTE",
        "paid hours a week",
        f"cost a week{_money(currency)}",
        f"cost a month{_money(currency)}",
    ]
    table = []
    for g, s in schedules.items():
        for h in s.hiring:
            if not h.shifts:  # a contract the roster does not use (the JSON and CSV rows keep it)
                continue
            table.append(
                ([g] if several else [])
                + [
                    h.contract,
                    f"{h.shifts_per_week:,.2f}",
                    f"{h.shifts_per_person_per_week}",
                    f"{h.people}",
                    f"{h.fte:,.2f}",
                    f"{h.paid_hours_per_week:,.2f}",
                    f"{h.cost_per_week:,.0f}",
                    f"{h.cost_per_month:,.0f}",
                ]
            )
    people = sum(s.headcount for s in schedules.values())
    fte = sum(s.fte for s in schedules.values())
    paid = sum(h.paid_hours_per_week for s in schedules.values() for h in s.hiring)
    week = sum(s.cost_per_week for s in schedules.values())
    month = sum(s.cost_per_month for s in schedules.values())
    total = (["total"] if several else []) + [
        "" if several else "total",
        "",
        "",
        f"{people}",
        f"{fte:,.2f}",
        f"{paid:,.2f}",
        f"{week:,.0f}",
        f"{month:,.0f}",
    ]
    table.append(total)
    widths = [max(len(head[j]), *(len(r[j]) for r in table)) for j in range(len(head))]
    texts = len(head) - 7  # group and contract columns are left-aligned

    def line(cells: list[str]) -> str:
        return "  " + "  ".join(
            c.ljust(w) if j < texts else c.rjust(w) for j, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    lines.append(line(head))
    lines += [line(r).rstrip() for r in table]
    lines.append(
        f"  (FTE: {any_s.fte_hours_per_week:g} paid hours a week; people: the week's shifts over a person's shifts "
        "a week, and at least the busiest day's shifts, each with shrinkage, rounded up)"
    )
    return lines


def _wage_lines(schedule: Schedule) -> list[str]:
    """What the shift types without ``cost_per_hour`` cost: the wage given, or 0 because none was."""
    if schedule.paid_wage:
        currency = f" {schedule.currency}" if schedule.currency else ""
        return [
            f"shift types without cost_per_hour ({', '.join(schedule.paid_wage)}) are paid the wage, "
            f"{schedule.wage:g}{currency} a paid hour"
        ]
    if schedule.unpriced:
        return [
            f"NOTE: shift types without cost_per_hour ({', '.join(schedule.unpriced)}) cost 0 an hour in these "
            "figures: no wage was given (ccsim schedule --wage: cost per paid hour; in a scenario, costs.wage_per_hour "
            "or the group's cost_per_hour)"
        ]
    return []


def schedule_text(schedule: Schedule, *, max_unmet: int = 20, hiring: bool = True) -> str:
    """A readable summary: the status, totals, the shifts chosen, the intervals left short, hiring."""
    t = _totals(schedule)
    proven = "proven optimal" if schedule.proven_optimal else f"not proven optimal (gap {100 * schedule.gap:.2f} %)"
    objective = (
        "most cover, then cost (full cover is impossible)" if schedule.fell_back else f"{schedule.objective} objective"
    )
    lines = [f"shift schedule: {objective}, {proven}, {schedule.solve_s:.2f} s"]
    if schedule.uncoverable:
        shown = ", ".join(f"{schedule.labels[i]} (-{schedule.under[i]:g})" for i in schedule.uncoverable[:max_unmet])
        more = f" and {len(schedule.uncoverable) - max_unmet} more" if len(schedule.uncoverable) > max_unmet else ""
        lines.append(
            f"NOT COVERABLE: {len(schedule.uncoverable)} intervals need agents where nobody can be on duty (outside "
            f"every shift type's hours, on a fixed break, or a cap or max_on_duty of 0): {shown}{more}"
        )
    if schedule.fell_back:
        lines.append(
            f"full cover is impossible: the roster covers as much as it can ({schedule.under_hours:,.2f} agent-hours "
            "short, the fewest), cheapest among those"
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
    days = f"{schedule.days} day{'s' if schedule.days != 1 else ''}"
    lines += [
        "",
        f"the run ({days}, shift hours without shrinkage): shifts {t['shift_count']}, paid hours "
        f"{t['paid_hours']:,.2f}, cost {t['cost']:,.2f}{_money(schedule.currency)}",
        f"required {t['required_hours']:,.2f} agent-hours; over {t['over_hours']:,.2f}, "
        f"under {t['under_hours']:,.2f} agent-hours",
        *_wage_lines(schedule),
    ]
    unmet = schedule.unmet
    if unmet:
        shown = ", ".join(f"{label} (-{short:g})" for label, short in unmet[:max_unmet])
        more = f" and {len(unmet) - max_unmet} more" if len(unmet) > max_unmet else ""
        lines.append(f"UNMET: {len(unmet)} intervals short: {shown}{more}")
    else:
        lines.append("every interval covered")
    if hiring:
        lines += ["", *hiring_text({"": schedule})]
    return "\n".join(lines)
