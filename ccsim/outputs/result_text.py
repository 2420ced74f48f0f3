"""A simulation result as text: the summary ``ccsim run`` prints, its costs a month, the JSON, the costs' CSV rows."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ccsim.outputs.formats import duration, hours_channel, time_number, time_unit
from ccsim.results import SimulationResult
from ccsim.results.kpis import CHANNEL_KPIS, GROUP_KPIS

__all__ = ["costs_rows", "costs_text", "result_json", "summary_text"]

_PERCENT = {
    "answer_rate",
    "abandon_rate",
    "p_wait",
    "service_level",
    "transfer_service_level",
    "transfer_abandon_rate",
    "first_contact_resolution",
    "resolution_rate",
    "escalation_rate",
    "recontact_rate",
    "containment_rate",
    "occupancy",
}
_LABELS = {
    "offered": "offered",
    "answered": "answered",
    "abandoned": "abandoned",
    "answer_rate": "answer rate",
    "abandon_rate": "abandonment rate",
    "p_wait": "waited (P(wait))",
    "service_level": "service level",
    "asa_s": "ASA",
    "mean_wait_all_s": "mean wait (all)",
    "wait_p90_s": "wait, 90th percentile",
    "aht_s": "handle time (AHT)",
    "first_contact_resolution": "first-contact resolution",
    "resolution_rate": "resolution rate",
    "escalation_rate": "escalation rate",
    "recontact_rate": "repeat contacts / issue",
    "containment_rate": "self-service containment",
    "mean_queue_len": "mean queue length",
    "backlog_end": "backlog at the end",
    "waiting_at_end": "waiting at the end",
    "in_service_at_end": "in service at the end",
    "handled": "handled",
    "transfers_offered": "escalations received",
    "transfer_service_level": "service level of escalations",
    "transfer_asa_s": "ASA of escalations",
    "transfer_abandon_rate": "abandonment of escalations",
    "occupancy": "occupancy",
    "contacts_per_agent_hour": "contacts per agent-hour",
    "agent_hours_on_duty": "agent hours on duty",
    "agent_hours_paid": "agent hours paid",
    "agent_hours_present": "agent hours present",
}


#: Waits: shown in hours for a channel whose answer target is in hours (email's 8 h).
_WAITS = {"asa_s", "mean_wait_all_s", "wait_p90_s", "transfer_asa_s"}


def _fmt(kpi: str, value: float | None, half: float | None, unit: str | None = None) -> str:
    """A KPI's value (± its CI half-width); a time in ``unit`` (default: ``s``, or ``min`` from 10 minutes)."""
    if value is None:
        return "-"
    if kpi in _PERCENT:
        text = f"{100 * value:.1f} %"
        if half is not None and half > 0:
            text += f" ±{100 * half:.1f}"
        return text
    if kpi.endswith("_s"):
        unit = unit or ("s" if abs(value) < 600 else "min")
        text = f"{time_number(value, unit)} {unit}"
        if half is not None and half > 0:
            text += f" ±{time_number(half, unit)}"
        return text
    text = f"{value:,.1f}" if abs(value) < 1e6 else f"{value:,.0f}"
    if half is not None and half > 0:
        text += f" ±{half:,.1f}"
    return text


def _labels(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """KPI labels; the service level names its answer target (``service level (20 s)``)."""
    labels = dict(_LABELS)
    targets = {r["answer_within_s"] for r in rows if r.get("answer_within_s") is not None}
    if len(targets) == 1:
        labels["service_level"] = f"service level ({duration(targets.pop())})"
    elif targets:
        labels["service_level"] = "service level (answer target below)"
    return labels


def _units(rows: Sequence[Mapping[str, Any]], key: str, kpi: str, answer_within_s: dict | None) -> list[str | None]:
    """The unit of each cell of one KPI's row: one unit per KPI in a table.

    Hours for the waits of a channel answered in hours; for the other cells one unit for the
    whole row (``s``, or ``min`` when a value reaches 10 minutes).
    """
    if not kpi.endswith("_s"):
        return [None] * len(rows)
    aw = answer_within_s or {}
    hours = [kpi in _WAITS and key == "channel" and hours_channel(aw, str(r[key])) for r in rows]
    unit = time_unit(r.get(kpi) for r, h in zip(rows, hours, strict=True) if not h)
    return ["h" if h else unit for h in hours]


def _table(
    rows: Sequence[Mapping[str, Any]], key: str, kpis: tuple[str, ...], answer_within_s: dict | None = None
) -> list[str]:
    names = [str(r[key]) for r in rows]
    shown = [k for k in kpis if any(r.get(k) not in (None, 0, 0.0) for r in rows)]
    cells = [
        [
            _fmt(k, r.get(k), r.get(f"{k}_ci95"), u)
            for r, u in zip(rows, _units(rows, key, k, answer_within_s), strict=True)
        ]
        for k in shown
    ]
    labels = _labels(rows)
    thresholds = [r.get("answer_within_s") for r in rows]
    if "service_level" in shown and len({t for t in thresholds if t is not None}) > 1:
        at = shown.index("service_level") + 1
        shown.insert(at, "answer_within_s")
        cells.insert(at, [duration(t) if t is not None else "-" for t in thresholds])
        labels["answer_within_s"] = "  answer target"
    label_w = max(len(labels.get(k, k)) for k in shown) if shown else 10
    widths = [max(len(n), *(len(c[i]) for c in cells)) if cells else len(n) for i, n in enumerate(names)]
    out = [" " * label_w + "  " + "  ".join(n.rjust(w) for n, w in zip(names, widths, strict=True))]
    for k, row in zip(shown, cells, strict=True):
        out.append(
            labels.get(k, k).ljust(label_w) + "  " + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
        )
    return out


def summary_text(result: SimulationResult) -> str:
    """A readable summary: KPIs per channel and agent group (mean ± 95 % CI), targets marked."""
    variant = f", variant {result.variant}" if result.variant else ""
    reps = f"{result.replications} replication{'s' if result.replications != 1 else ''}"
    if result.interrupted:
        reps += f" of {result.replications_requested} (interrupted)"
    lines = [
        f"{result.scenario}{variant}",
        f"{reps}, seed {result.seed}, {result.contacts:,} contacts simulated in {result.elapsed_s:.1f} s",
    ]
    if result.dispatch != "skill-priority":
        lines.append(f"dispatch {result.dispatch}: the fast engine's general path, slower than the default's shortcuts")
    lines += [
        "",
        "Channels (mean ±95 % CI half-width)",
    ]
    rows = result.channels if len(result.channels) > 2 else result.channels[:1]
    lines += ["  " + line for line in _table(rows, "channel", CHANNEL_KPIS, result.answer_within_s)]
    lines += ["", "Agent groups"]
    grows = result.groups if len(result.groups) > 2 else result.groups[:1]
    lines += ["  " + line for line in _table(grows, "group", GROUP_KPIS)]
    if result.targets:
        lines += ["", "Targets (uncertain: the 95 % CI of the mean contains the target)"]
        labels = _labels(result.channels)
        for t in result.targets:
            op = ">=" if t.kpi == "service_level" else "<="
            unit = None
            if t.kpi.endswith("_s"):  # the value and its target in one unit
                hours = t.kpi in _WAITS and hours_channel(result.answer_within_s, t.channel)
                unit = "h" if hours else time_unit([t.value, t.target])
            value = _fmt(t.kpi, t.value, t.ci95, unit)
            target = _fmt(t.kpi, t.target, None, unit)
            label = labels[t.kpi]
            if t.kpi == "service_level":
                label = f"service level ({duration(result.answer_within_s[t.channel])})"
            share = f"; met in {100 * t.intervals_met:.0f} % of intervals" if t.intervals_met is not None else ""
            lines.append(f"  {t.channel}: {label} {value} (target {op} {target}{share})  {t.status}")
    return "\n".join(lines)


def _clean(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def result_json(result: SimulationResult, cost: Mapping[str, Any] | None = None) -> str:
    """The whole result as JSON (undefined values are null), with its ``cost`` summary when given."""
    data = result.to_dict()
    if cost is not None:
        data["cost"] = dict(cost)
    return json.dumps(data, indent=2, default=_clean, allow_nan=False)


def costs_text(costs: Any) -> str:
    """A priced run's costs a month (a :class:`ccsim.economics.CostResult`), as ``ccsim run`` prints them."""
    summary = costs.summary()
    cur = summary["currency"]

    def money(name: str) -> str:
        mean, half = costs.mean_ci(name)
        return f"{mean:,.0f} ±{half:,.0f} {cur}" if math.isfinite(half) else f"{mean:,.0f} {cur}"

    width = max([len(n) for n in costs.items] + [len(n) + 10 for n in costs.one_off] + [24])
    lines = ["", "Costs per month (mean ±95 % CI half-width; docs/costs.md)"]
    lines += [f"  {name:<{width}}  {money(name)}" for name in costs.items]
    lines.append(f"  {'total':<{width}}  {money('per_month')}")
    per_contact, _ = costs.mean_ci("per_contact")
    if math.isfinite(per_contact):
        lines.append(f"  {'per contact answered':<{width}}  {per_contact:,.2f} {cur}")
    if summary["fte"]["mean"]:
        lines.append(f"  {'in-house FTE':<{width}}  {summary['fte']['mean']:,.1f}")
    for name, amount in costs.one_off.items():
        lines.append(f"  {name + ' (one-off)':<{width}}  {amount:,.0f} {cur}")
    lines.append(f"  ({summary['week']}; a month holds each weekday it stands for 30.4375 / 7 times)")
    lines += [f"  note: {n}" for n in summary["notes"]]
    return "\n".join(lines)


def costs_rows(costs: Any) -> list[dict[str, Any]]:
    """A priced run's cost items a month, one row each, with the total and the one-off costs (``costs.csv``)."""
    rows = []
    for name in [*costs.items, "per_month"]:
        mean, half = costs.mean_ci(name)
        rows.append(
            {
                "item": "total" if name == "per_month" else name,
                "per_month": mean,
                "per_month_ci95": half,
                "one_off": None,
                "currency": costs.currency,
            }
        )
    for name, amount in costs.one_off.items():
        rows.append(
            {"item": name, "per_month": None, "per_month_ci95": None, "one_off": amount, "currency": costs.currency}
        )
    return rows
