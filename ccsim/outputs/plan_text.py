"""A staffing plan as text: the plan and its roster as printed, tidy rows (CSV), JSON-ready data, a YAML variant.

No computing happens here: everything comes from the :class:`~ccsim.planning.plan.Plan`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import yaml

from ccsim.outputs.schedule_text import hiring_dicts, hiring_rows, hiring_text, schedule_dict, schedule_text, shift_rows
from ccsim.planning.plan import Plan
from ccsim.planning.roster import max_on_duty
from ccsim.volume import factors, volume_field
from ccsim.weeks import DAYS_PER_MONTH, calendar_week

__all__ = [
    "plan_dict",
    "plan_rows",
    "plan_text",
    "plan_variant_yaml",
    "roster_dict",
    "roster_hiring_rows",
    "roster_rows",
    "roster_text",
]


def _kpi(plan: Plan, channel: str, k: int, kpi: str) -> float | None:
    row = plan.result.intervals[plan.result.channel_names.index(channel) * len(plan.result.interval_labels) + k]
    return row[kpi]


def _group_kpi(plan: Plan, group: str, k: int, kpi: str) -> float | None:
    row = plan.result.group_intervals[plan.result.group_names.index(group) * len(plan.result.interval_labels) + k]
    return row[kpi]


def _labels(plan: Plan) -> list[str]:
    """``day 1 (tue) 09:00``: each interval's day of the run, its weekday and start (``ccsim schedule`` reads it)."""
    cal = plan.scenario.calendar
    n_day = cal.intervals_per_day_value
    return [
        f"day {k // n_day + 1} ({cal.weekday_of_day(k // n_day)}) {label.rpartition(' ')[2]}"
        for k, label in enumerate(plan.result.interval_labels)
    ]


def plan_rows(plan: Plan) -> list[dict[str, Any]]:
    """One row per interval: agents per group (analytic, SIPP, planned) and the plan's KPIs.

    An interval is labelled with its day of the run, weekday and start (``day 1 (tue) 09:00``).

    Per group the most agents it may have on duty (``max_on_duty``: its ``max_agents``, 0 where
    it cannot answer, empty without a bound; ``ccsim schedule`` reads it), the planned
    occupancy, per channel the offered contacts, service level, ASA and
    abandonment rate: means over the plan's replications, each with its 95 % confidence
    interval half-width (``_ci95``).
    """
    res = plan.result
    bound = {g: max_on_duty(plan.scenario, g) for g in plan.planned_groups}
    rows = []
    for k, label in enumerate(_labels(plan)):
        row: dict[str, Any] = {"interval": k, "label": label}
        for g in plan.planned_groups:
            row[f"{g}_analytic"] = int(plan.analytic[g][k])
            row[f"{g}_sipp"] = int(plan.sipp[g][k])
            row[f"{g}_planned"] = int(plan.staffing[g][k])
            most = bound[g][k]
            row[f"{g}_max_on_duty"] = int(most) if math.isfinite(most) else None
            row[f"{g}_occupancy"] = _group_kpi(plan, g, k, "occupancy")
            row[f"{g}_occupancy_ci95"] = _group_kpi(plan, g, k, "occupancy_ci95")
        for ch in res.channel_names:
            row[f"{ch}_offered"] = _kpi(plan, ch, k, "offered")
            for kpi in ("service_level", "asa_s", "abandon_rate"):
                row[f"{ch}_{kpi}"] = _kpi(plan, ch, k, kpi)
                row[f"{ch}_{kpi}_ci95"] = _kpi(plan, ch, k, f"{kpi}_ci95")
        rows.append(row)
    return rows


def _week(plan: Plan):
    """What a week of the plan's run is (:func:`ccsim.weeks.calendar_week`)."""
    sc = plan.scenario
    c = sc.costs
    return calendar_week(sc.calendar, None, sc.agent_groups.values(), c.weekend_days if c.weekend_premium else ())


def _per_day(staffing, days: int) -> np.ndarray:
    """Agents on duty per interval, summed per day of the run."""
    return np.asarray(staffing, dtype=float).reshape(days, -1).sum(axis=1)


def plan_dict(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON-ready data (None for undefined values)."""
    cal, costs = plan.scenario.calendar, plan.scenario.costs
    interval_h = cal.interval_s / 3600.0
    week = _week(plan)  # how often a week holds each day of the run (docs/costs.md)
    groups = {}
    for g in plan.planned_groups:
        spec = plan.scenario.agent_groups[g]
        on_duty = float(plan.staffing[g].sum()) * interval_h
        paid = on_duty / (1.0 - spec.shrinkage)
        # a vendor's staff is priced by its contract (ccsim compare), not at the in-house wage
        if spec.vendor is not None:
            wage = None
        else:
            wage = spec.cost_per_hour if spec.cost_per_hour is not None else costs.wage_per_hour
        groups[g] = {
            "planned": [int(x) for x in plan.staffing[g]],
            "analytic": [int(x) for x in plan.analytic[g]],
            "sipp": [int(x) for x in plan.sipp[g]],
            "agent_hours_on_duty": on_duty,
            "agent_hours_paid": paid,
            "fte": float(week.per_week(_per_day(plan.staffing[g], cal.days)))
            * interval_h
            / (1.0 - spec.shrinkage)
            / costs.fte_hours_per_week,
            "labour_cost": paid * wage if wage else None,
            "peak_agents": int(plan.staffing[g].max(initial=0)),
            "analytic_agent_hours": float(plan.analytic[g].sum()) * interval_h,
            "sipp_agent_hours": float(plan.sipp[g].sum()) * interval_h,
        }
    return {
        "scenario": plan.scenario.name,
        "currency": costs.currency,
        "variant": plan.scenario.variant_name,
        "seed": plan.seed,
        "replications": plan.replications,
        "evaluations": plan.evaluations,
        "met": plan.met,
        "misses": [str(m) for m in plan.misses],
        "sipp_intervals_missed": (
            None if plan.sipp_result is None else len({m.interval for m in plan.sipp_misses})
        ),  # None: not simulated (a plan left by Ctrl-C)
        "notes": plan.notes,
        "groups": groups,
        "intervals": [{k: _clean(v) for k, v in row.items()} for row in plan_rows(plan)],
        "roster": roster_dict(plan),
    }


def roster_dict(plan: Plan) -> dict[str, Any] | None:
    """The plan's roster (shifts per group, its simulation against the targets), or None."""
    r = plan.roster
    if r is None:
        return None
    return {
        "met": r.met,
        "misses": [str(m) for m in r.misses],
        "rounds": r.rounds,
        "cost": r.cost,
        "paid_hours": r.paid_hours,
        "cost_with_shrinkage": r.cost_with_shrinkage,
        "paid_hours_with_shrinkage": r.paid_hours_with_shrinkage,
        "agent_hours_on_duty": r.roster_agent_hours,
        "plan_agent_hours_on_duty": r.plan_agent_hours,
        "staffing": {g: [int(x) for x in v] for g, v in r.staffing.items() if g in plan.planned_groups},
        "targets": [vars(t) | {"met": t.met} for t in r.result.targets],
        "schedules": {g: schedule_dict(s) for g, s in r.schedules.items()},
        "uncovered": [{"group": g, "interval": label, "short": short} for g, label, short in r.uncovered],
        "hiring": {
            "week": next((s.week_text for s in r.schedules.values()), None),
            "days_per_month": DAYS_PER_MONTH,
            "currency": next((s.currency for s in r.schedules.values()), plan.scenario.costs.currency),
            "contracts": [row for g, s in r.schedules.items() for row in hiring_dicts(s, group=g)],
            "people_to_hire": r.people,
            "fte": r.fte,
            "cost_per_week": r.cost_per_week,
            "cost_per_month": r.cost_per_month,
        },
        "notes": list(r.notes),
    }


def roster_hiring_rows(plan: Plan) -> list[dict[str, Any]]:
    """One row per group and contract: people to hire, FTE, cost per week and per month (hiring.csv).

    Every figure is with the group's shrinkage; ``week`` says what a week of the run is.
    """
    if plan.roster is None:
        return []
    return [row for g, s in plan.roster.schedules.items() for row in hiring_rows(s, group=g)]


def roster_rows(plan: Plan) -> list[dict[str, Any]]:
    """One row per shift of the roster: the group, day, start, end, shift type, count and breaks."""
    if plan.roster is None:
        return []
    return [{"group": g, **row} for g, s in plan.roster.schedules.items() for row in shift_rows(s)]


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _scaled_volume(plan: Plan, volume_scale: Mapping[str, float] | float | None) -> dict[str, Any]:
    """The overrides giving each scaled channel the volume the plan was made for (``plan.scenario``'s)."""
    if not volume_scale:
        return {}
    out: dict[str, Any] = {}
    for channel, factor in factors(plan.scenario, volume_scale).items():
        if factor == 1.0:
            continue
        key = volume_field(plan.scenario, channel).rpartition(".")[2]  # per_interval, per_day or customers
        value = getattr(plan.scenario.channels[channel].volume, key)
        out[channel] = {"volume": {key: [float(x) for x in value] if key == "per_interval" else float(value)}}
    return {"channels": out} if out else {}


def plan_variant_yaml(
    plan: Plan, name: str = "planned", *, volume_scale: Mapping[str, float] | float | None = None
) -> str:
    """The plan as a scenario variant to paste under ``variants:`` (``ccsim run --variant NAME``).

    With a roster, a second variant ``rostered`` holds the roster's agents on duty. A plan made
    at a volume scale (``ccsim plan --volume-scale``: ``volume_scale``, as
    :func:`ccsim.volume.scale_volume` takes it, with ``plan.scenario`` the scaled scenario) gives
    its variants the scaled volume too, so that they are simulated at the volume planned for.
    """
    volume = _scaled_volume(plan, volume_scale)
    overrides = {
        **volume,
        "agent_groups": {g: {"staffing": [int(x) for x in plan.staffing[g]]} for g in plan.planned_groups},
    }
    doc = {
        name: {
            "description": f"staffing planned by ccsim plan for {plan.scenario.name} (seed {plan.seed}, "
            f"{plan.replications} replications)",
            "overrides": overrides,
        }
    }
    if plan.roster is not None:
        staffing = plan.roster.staffing
        doc["rostered"] = {
            "description": "agents on duty with the roster of shifts (breaks taken out)",
            "overrides": {
                **volume,
                "agent_groups": {g: {"staffing": [int(x) for x in staffing[g]]} for g in plan.planned_groups},
            },
        }
    return yaml.safe_dump({"variants": doc}, sort_keys=False, default_flow_style=None, width=100)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _vendor_line(plan: Plan) -> list[str]:
    """A line saying which intervals the planner left to a vendor, when it left some."""
    from ccsim.planning.guess import vendor_planned_group, vendor_rule
    from ccsim.planning.targets import vendor_served

    left = {}
    for channel, mask in vendor_served(plan.scenario).items():
        rule = vendor_rule(plan.scenario, channel)
        if rule is not None and vendor_planned_group(plan.scenario, rule[0], channel) in plan.planned_groups:
            continue  # planned to the vendor's SLA: judged
        offered = [r for r in plan.result.intervals if r["channel"] == channel and r["offered"] and mask[r["interval"]]]
        if offered:
            left[channel] = len(offered)
    if not left:
        return []
    where = ", ".join(f"{c} in {n} interval{'s' if n != 1 else ''}" for c, n in left.items())
    return [
        f"  (not judged here: a vendor takes every contact of {where}, at the staffing the scenario gives it; "
        "staffing: plan on its group plans it to its SLA, and ccsim compare judges the SLA)"
    ]


def plan_text(plan: Plan) -> str:
    """A readable plan: totals against the analytic guess and SIPP, then interval by interval."""
    d = plan_dict(plan)
    variant = f", variant {plan.scenario.variant_name}" if plan.scenario.variant_name else ""
    lines = [
        f"Staffing plan: {plan.scenario.name}{variant}",
        f"judged on {plan.replications} replications per staffing (seed {plan.seed}), {plan.evaluations} simulations",
        "every target met in every interval" if plan.met else f"{len(plan.misses)} target(s) NOT met, see below",
        *_vendor_line(plan),
        "",
        f"  {'group':<16}{'planned h':>11}{'paid h':>10}{'FTE':>7}{'peak':>6}{'analytic h':>12}{'SIPP h':>9}"
        f"{'labour cost':>16}",
    ]
    for g, v in d["groups"].items():
        cost = f"{v['labour_cost']:,.0f} {d['currency']}" if v["labour_cost"] is not None else "-"
        lines.append(
            f"  {g:<16}{v['agent_hours_on_duty']:>11,.1f}{v['agent_hours_paid']:>10,.1f}{v['fte']:>7.1f}"
            f"{v['peak_agents']:>6}{v['analytic_agent_hours']:>12,.1f}{v['sipp_agent_hours']:>9,.1f}{cost:>16}"
        )
    days = plan.scenario.calendar.days
    lines.append(
        f"  (hours and labour cost over the run, {days} day{'s' if days != 1 else ''}; paid hours with the group's "
        f"shrinkage; FTE = paid hours a week / {plan.scenario.costs.fte_hours_per_week:g} h, "
        f"{_week(plan).text})"
    )
    n = len(plan.result.interval_labels)
    sipp = (
        "not simulated (the search was interrupted)"
        if d["sipp_intervals_missed"] is None
        else f"simulated: misses a target in {d['sipp_intervals_missed']} of {n} intervals"
    )
    lines += ["", f"SIPP (per-interval Erlang formulas in steady state), {sipp}", ""]
    header = f"  {'interval':<17}" + "".join(f"{g[:10] + ' a/S/p':>20}" for g in plan.planned_groups)
    header += "".join(f"{c[:8] + ' SL':>12}" for c in plan.result.channel_names)
    lines.append(header)
    for row in plan_rows(plan):
        text = f"  {row['label']:<17}"
        for g in plan.planned_groups:
            text += f"{row[g + '_analytic']:>10}/{row[g + '_sipp']:>3}/{row[g + '_planned']:>4}"
        for c in plan.result.channel_names:
            text += f"{_pct(row[c + '_service_level']):>12}"
        lines.append(text)
    lines.append("  (a/S/p: agents from the analytic guess, SIPP, and the plan; SL: the plan's service level)")
    if plan.misses:
        lines += ["", "Not met:"] + [f"  {m}" for m in plan.misses[:20]]
    for note in plan.notes:
        lines.append(f"note: {note}")
    if plan.roster is not None:
        lines += ["", roster_text(plan)]
    return "\n".join(lines)


def roster_text(plan: Plan) -> str:
    """The roster: hiring figures, its shifts per group, cost and hours against the plan, the targets."""
    r = plan.roster
    extra = r.roster_agent_hours / r.plan_agent_hours - 1.0 if r.plan_agent_hours else 0.0
    verdict = "meets every target" if r.met else f"still misses {len(r.misses)} (interval, target)s"
    currency = plan.scenario.costs.currency
    lines = [
        f"Roster (the plan in shifts, from scheduling:): {verdict} when simulated "
        f"({r.rounds} roster{'s' if r.rounds != 1 else ''} simulated)",
        f"  {r.roster_agent_hours:,.1f} agent-hours on duty against the plan's {r.plan_agent_hours:,.1f} "
        f"({100 * extra:+.1f} %) over the run",
        f"  shifts over the run: {r.paid_hours:,.1f} paid hours, cost {r.cost:,.0f} {currency}; with the "
        f"groups' shrinkage (absence, training: shift hours / (1 - shrinkage), as the plan's paid hours): "
        f"{r.paid_hours_with_shrinkage:,.1f} paid hours, cost {r.cost_with_shrinkage:,.0f} {currency}",
    ]
    uncovered = r.uncovered
    if uncovered:
        shown = ", ".join(f"{g} {label} (-{short:g})" for g, label, short in uncovered[:10])
        more = f" and {len(uncovered) - 10} more" if len(uncovered) > 10 else ""
        lines.append(f"  UNCOVERED: {len(uncovered)} intervals the shifts leave short: {shown}{more}")
    if r.schedules:
        lines += ["", *hiring_text(r.schedules, title="Hiring (the roster)")]
    for g, s in r.schedules.items():
        lines += ["", f"{g}:", *(("  " + line).rstrip() for line in schedule_text(s, hiring=False).splitlines())]
    if r.misses:
        lines += ["", "Roster not met:"] + [f"  {m}" for m in r.misses[:20]]
    for note in r.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)
