"""A comparison of variants as tables: the one data model the text, HTML and Excel reports render.

Each :class:`Table` has typed columns (a share, money, seconds, a count, text) so that every
rendering formats a value its own way (``85.3 %`` in text and HTML, the number 0.853 with a
percent format in Excel) from the same numbers. No computing happens here beyond picking
values out of the :class:`~ccsim.variants.VariantComparison`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.outputs.formats import duration, hours_channel, plural, time_unit
from ccsim.results import mean_ci
from ccsim.variants import VariantComparison, VariantRun

__all__ = [
    "SERVICE_KPIS",
    "Column",
    "Table",
    "cell_column",
    "comparison_heading",
    "comparison_tables",
]

#: The channel KPIs the comparison shows, with their column kinds.
SERVICE_KPIS = (
    ("answer_rate", "answer rate", "share"),
    ("service_level", "service level", "share"),
    ("asa_s", "ASA", "seconds"),
    ("abandon_rate", "abandonment rate", "share"),
    ("resolution_rate", "resolution rate", "share"),
)


@dataclass(frozen=True)
class Column:
    """A column: its key in the rows, its header, its unit and how its values are shown.

    ``kind`` is ``text``, ``count`` (whole or fractional counts), ``share`` (0..1, shown as a
    percent), ``money`` (in the currency, whole), ``unit_money`` (in the currency, with cents:
    a cost per contact or per hour), ``seconds`` (a measured time, held in seconds and
    shown in ``unit``: ``s``, ``min`` or ``h``), ``duration`` (a threshold such as an answer
    target, the same but shown as ``30 s``, ``8 h``), ``number``, ``scale``, ``time`` (a time of
    day, ``HH:MM``) or ``date`` (a :class:`datetime.date`).
    """

    key: str
    header: str
    kind: str = "text"
    unit: str = ""

    @property
    def title(self) -> str:
        """The header with its unit, e.g. ``cost per month [JPY]`` (a workbook's numbers need it)."""
        unit = self.unit or {"share": "%", "seconds": "s", "duration": "s"}.get(self.kind, "")
        return f"{self.header} [{unit}]" if unit else self.header

    @property
    def csv_title(self) -> str:
        """The header of a CSV file, whose shares are fractions: ``service level [0-1]``."""
        return f"{self.header} [0-1]" if self.kind == "share" else self.title

    @property
    def label(self) -> str:
        """The header as text and HTML show it: the unit only where the cells do not show one."""
        return self.header if self.kind in ("share", "seconds", "duration") else self.title


@dataclass(frozen=True)
class Table:
    """A titled table: a sheet of the workbook, a section of the HTML report.

    A row may carry ``_kinds``, ``{column key: kind}``, for values whose unit differs from row
    to row (a target's value is a share or seconds), and ``_units``, ``{column key: unit}``
    (a wait in hours on the rows of a channel whose answer target is in hours):
    :func:`cell_column` applies them.
    """

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


def cell_column(column: Column, row: dict[str, Any]) -> Column:
    """The column as one row's cell is shown: its ``_kinds`` and ``_units`` overrides applied."""
    kind = row.get("_kinds", {}).get(column.key)
    unit = row.get("_units", {}).get(column.key)
    if kind is None and unit is None:
        return column
    return Column(column.key, column.header, kind or column.kind, column.unit if unit is None else unit)


def _time_units(rows: list[dict[str, Any]], keys: tuple[str, ...], answer_within_s: dict, when=None) -> None:
    """Give the time columns ``keys`` (one quantity) one unit per table, row by row.

    Hours on the rows of a channel answered in hours; for the others one unit for every value
    of these columns (``s``, or ``min``). ``when(row)`` picks the rows that hold a time there
    (default: all).
    """
    chosen = [r for r in rows if when is None or when(r)]
    timed = [r for r in chosen if not hours_channel(answer_within_s, r["channel"])]
    unit = time_unit(r.get(key) for r in timed for key in keys)
    for r in chosen:
        u = "h" if hours_channel(answer_within_s, r["channel"]) else unit
        units = r.setdefault("_units", {})
        for key in keys:
            units[key] = units[f"{key}_ci95"] = u


def comparison_heading(cmp: VariantComparison) -> str:
    """``3 variants compared``, or ``1 variant`` when there is nothing to compare it with."""
    n = len(cmp.runs)
    return f"{plural(n, 'variant')} compared" if n > 1 else plural(n, "variant")


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None


def _stat(values: np.ndarray) -> tuple[float | None, float | None]:
    mean, half = mean_ci(np.asarray(values, dtype=float))
    return _num(mean), _num(half)


def _cost_stat(costs: Any, name: str) -> tuple[float | None, float | None]:
    """A cost figure's mean and 95 % half-width, as the cost result computes them (one place)."""
    if hasattr(costs, "mean_ci"):
        mean, half = costs.mean_ci(name)
        return _num(mean), _num(half)
    return _stat(costs.replication_values(name))


def _status_counts(run: VariantRun) -> str:
    statuses = [t.status for t in run.result.targets]
    if not statuses:
        return "no targets"
    parts = [f"{statuses.count(s)} {s}" for s in ("met", "MISSED", "uncertain") if statuses.count(s)]
    return ", ".join(parts)


def comparison_tables(cmp: VariantComparison) -> list[Table]:
    """Every table of a comparison, in report order (empty ones left out)."""
    currency = next((r.costs.currency for r in cmp.runs if r.costs is not None), "")
    tables = [
        _summary(cmp, currency),
        _service(cmp),
        _targets(cmp),
        _costs(cmp, currency),
        _unit_costs(cmp, currency),
        _sla(cmp),
        _differences(cmp),
        _cost_differences(cmp, currency),
        _paybacks(cmp, currency),
        _sensitivity(cmp, currency),
        _break_even(cmp),
        _intervals(cmp),
    ]
    return [t for t in tables if t.rows]


def _summary(cmp: VariantComparison, currency: str) -> Table:
    rows = []
    for r in cmp.runs:
        row: dict[str, Any] = {
            "variant": r.name,
            "baseline": "yes" if r.name == cmp.baseline else "",
            "targets": _status_counts(r),
            "meets_all": "yes" if r.targets_met else "no",
            "offered_per_month": r.offered_per_month,
        }
        if r.costs is not None:
            row["per_month"], row["per_month_ci95"] = _cost_stat(r.costs, "per_month")
            row["per_contact"], _ = _cost_stat(r.costs, "per_contact")
            row["one_off"] = r.costs.one_off_total
            if hasattr(r.costs, "fte") and any(g.vendor is None for g in r.scenario.agent_groups.values()):
                row["fte"] = float(np.mean(r.costs.fte))
        row["planned"] = "yes" if r.plan is not None else ""
        rows.append(row)
    columns = [
        Column("variant", "variant"),
        Column("baseline", "baseline"),
        Column("targets", "targets"),
        Column("meets_all", "meets every target"),
        Column("offered_per_month", "contacts offered per month", "count"),
    ]
    if any(r.costs is not None for r in cmp.runs):
        columns += [
            Column("per_month", "cost per month", "money", currency),
            Column("per_month_ci95", "cost per month, CI95 ±", "money", currency),
            Column("per_contact", "cost per contact answered", "unit_money", currency),
            Column("one_off", "one-off costs", "money", currency),
            Column("fte", "in-house FTE", "count"),
        ]
    if any(r.plan is not None for r in cmp.runs):
        columns.append(Column("planned", "staffing planned"))
    cheapest = cmp.cheapest
    note = (
        f"Cheapest variant meeting every target: {cheapest}."
        if cheapest
        else "No variant meets every target beyond doubt."
        if any(r.costs is not None for r in cmp.runs)
        else ""
    )
    side = "variants side by side" if len(cmp.runs) > 1 else f"one variant ({cmp.runs[0].name})"
    return Table("Summary", f"{cmp.scenario}: {side}", columns, rows, note)


def _service(cmp: VariantComparison) -> Table:
    rows = []
    for r in cmp.runs:
        for ch in r.result.channel_names:
            row = r.result.channel(ch)
            out: dict[str, Any] = {
                "variant": r.name,
                "channel": ch,
                "offered": _num(row["offered"]),
                "answer_within_s": r.result.answer_within_s.get(ch),
            }
            for kpi, _, _ in SERVICE_KPIS:
                out[kpi], out[f"{kpi}_ci95"] = _num(row[kpi]), _num(row[f"{kpi}_ci95"])
            rows.append(out)
    aw = cmp.runs[0].result.answer_within_s
    _time_units(rows, ("answer_within_s",), aw)
    for kpi, _, kind in SERVICE_KPIS:
        if kind == "seconds":
            _time_units(rows, (kpi,), aw)
    columns = [Column("variant", "variant"), Column("channel", "channel"), Column("offered", "offered", "count")]
    for kpi, header, kind in SERVICE_KPIS:
        columns += [Column(kpi, header, kind), Column(f"{kpi}_ci95", f"{header}, CI95 ±", kind)]
        if kpi == "service_level":
            columns.insert(len(columns) - 2, Column("answer_within_s", "answer target", "duration"))
    return Table("Service", "Service per channel (mean over replications, 95 % CI half-width)", columns, rows)


def _targets(cmp: VariantComparison) -> Table:
    rows = []
    for r in cmp.runs:
        for t in r.result.targets:
            rows.append(
                {
                    "variant": r.name,
                    "channel": t.channel,
                    "target": t.target_name,
                    "bound": t.target,
                    "value": _num(t.value),
                    "ci95": _num(t.ci95),
                    "status": t.status,
                    "intervals_met": _num(t.intervals_met),
                    # each row's numbers in its KPI's unit (a share, or a time for the ASA)
                    "_kinds": {"bound": "duration", "value": "seconds", "ci95": "seconds"}
                    if t.kpi == "asa_s"
                    else dict.fromkeys(("bound", "value", "ci95"), "share"),
                }
            )
    if cmp.runs:
        _time_units(
            rows, ("bound", "value", "ci95"), cmp.runs[0].result.answer_within_s, lambda r: "asa_s" in str(r["target"])
        )
    columns = [
        Column("variant", "variant"),
        Column("channel", "channel"),
        Column("target", "target"),
        Column("bound", "target value", "number"),
        Column("value", "achieved", "number"),
        Column("ci95", "CI95 ±", "number"),
        Column("status", "status"),
        Column("intervals_met", "intervals meeting it", "share"),
    ]
    note = (
        "uncertain: the 95 % confidence interval contains the target; more replications would tell."
        if any(r["status"] == "uncertain" for r in rows)
        else ""
    )
    return Table("Targets", "Targets: met, MISSED or uncertain", columns, rows, note)


def _costs(cmp: VariantComparison, currency: str) -> Table:
    rows = []
    for r in cmp.runs:
        if r.costs is None:
            continue
        months = r.costs.months
        for item, values in r.costs.items.items():
            mean, half = _cost_stat(r.costs, item)
            rows.append(
                {
                    "variant": r.name,
                    "item": item,
                    "per_month": mean,
                    "per_month_ci95": half,
                    "horizon": _stat(np.asarray(values) * months)[0],
                }
            )
        mean, half = _cost_stat(r.costs, "per_month")
        rows.append(
            {
                "variant": r.name,
                "item": "total",
                "per_month": mean,
                "per_month_ci95": half,
                "horizon": _stat(r.costs.total)[0],
            }
        )
        for item, amount in r.costs.one_off.items():
            rows.append({"variant": r.name, "item": f"{item} (one-off)", "one_off": amount})
    columns = [
        Column("variant", "variant"),
        Column("item", "cost item"),
        Column("per_month", "per month", "money", currency),
        Column("per_month_ci95", "per month, CI95 ±", "money", currency),
        Column("horizon", "over the simulated horizon", "money", currency),
        Column("one_off", "one-off", "money", currency),
    ]
    weeks = sorted({r.costs.week for r in cmp.runs if r.costs is not None})
    note = "Per month: each weekday the run stands for, 30.4375 / 7 times; " + "; ".join(weeks) + " (docs/costs.md)."
    return Table("Costs", "Cost items", columns, rows, note)


def _unit_costs(cmp: VariantComparison, currency: str) -> Table:
    units = ("per_contact", "per_offered_contact", "per_resolved_issue", "per_productive_hour")
    rows = []
    for r in cmp.runs:
        if r.costs is None:
            continue
        row: dict[str, Any] = {"variant": r.name}
        for unit in units:
            row[unit] = _cost_stat(r.costs, unit)[0]
        rows.append(row)
    columns = [Column("variant", "variant")] + [Column(u, u.replace("_", " "), "unit_money", currency) for u in units]
    return Table("Unit costs", "Unit costs", columns, rows)


def _promise(name: str, value: float) -> str:
    """An SLA promise in its unit: ``min_service_level 80 %``, ``max_asa_s 30 s``, ``answer_within_s 4 h``."""
    if name.endswith("_s"):
        return f"{name} {duration(value)}"
    if name.startswith(("min_", "max_")) and 0 <= value <= 1:
        return f"{name} {100 * value:g} %"
    return f"{name} {value:g}"


def _sla_text(s) -> str:
    """An SLA's promises with the terms they are judged on.

    ``min_service_level 80 % within 30 s, max_asa_s 30 s`` (the SLA's own answer time, else
    each channel's), then ``over answered`` and ``hang-ups within 5 s not counted`` where the
    contract says so.
    """
    terms = s.terms or {}
    parts = []
    for k, v in s.promises.items():
        text = _promise(k, v)
        if k == "min_service_level" and terms.get("answer_within_s"):
            within = terms["answer_within_s"]
            if set(within) == {"all"}:
                text += f" within {duration(within['all'])}"
            else:
                text += " within " + ", ".join(f"{duration(t)} ({ch})" for ch, t in within.items() if t is not None)
            if terms.get("service_level_basis") == "answered":
                text += " of those answered"
        parts.append(text)
    if terms.get("short_abandon_s"):
        parts.append(f"hang-ups within {duration(terms['short_abandon_s'])} not counted")
    if terms.get("channels"):
        parts.append(f"on {', '.join(terms['channels'])} only")
    return ", ".join(parts)


def _sla(cmp: VariantComparison) -> Table:
    rows = []
    for r in cmp.runs:
        if r.costs is None:
            continue
        for vendor, s in r.costs.sla.items():
            p, low, high = s.breach_probability
            rows.append(
                {
                    "variant": r.name,
                    "vendor": vendor,
                    "promises": _sla_text(s),
                    "breach_probability": _num(p),
                    "breach_low": _num(low),
                    "breach_high": _num(high),
                    "periods": int(np.sum(s.judged)),
                }
            )
    columns = [
        Column("variant", "variant"),
        Column("vendor", "vendor"),
        Column("promises", "SLA"),
        Column("breach_probability", "probability of a breach in a billing month", "share"),
        Column("breach_low", "CI95 low", "share"),
        Column("breach_high", "CI95 high", "share"),
        Column("periods", "billing months judged", "count"),
    ]
    note = (
        "Billing months composed of whole simulated days (docs/costs.md); the interval is the wider of the "
        "exact binomial one and a bootstrap over replications."
    )
    if any(r["breach_high"] is not None and r["breach_high"] - r["breach_low"] > 0.5 for r in rows):
        note += " An interval wider than 50 points says too few replications: simulate more (--replications)."
    return Table("SLA", "Vendor SLAs: how likely a billing month breaches them", columns, rows, note)


def _differences(cmp: VariantComparison) -> Table:
    rows = []
    for name, c in cmp.differences.items():
        channels = list(dict.fromkeys(r["channel"] for r in c.rows if "channel" in r))
        if len(channels) == 2:  # one channel and "all": the same numbers twice
            channels = channels[:1]
        for ch in channels:
            out: dict[str, Any] = {"variant": name, "channel": ch}
            for kpi, _, _ in SERVICE_KPIS:
                d = c.diff(kpi, channel=ch)
                out[kpi], out[f"{kpi}_ci95"] = _num(d["diff"]), _num(d["diff_ci95"])
            rows.append(out)
    if cmp.runs:
        aw = cmp.runs[0].result.answer_within_s
        for kpi, _, kind in SERVICE_KPIS:
            if kind == "seconds":
                _time_units(rows, (kpi,), aw)
    columns = [Column("variant", "variant"), Column("channel", "channel")]
    for kpi, header, kind in SERVICE_KPIS:
        columns += [Column(kpi, f"{header}, difference", kind), Column(f"{kpi}_ci95", "paired CI95 ±", kind)]
    note = (
        f"Differences are variant - {cmp.baseline}, paired by replication (common random numbers: the same "
        "contacts in both), with the 95 % confidence half-width of the paired differences."
    )
    return Table("Differences", f"Service against the baseline ({cmp.baseline})", columns, rows, note)


def _cost_differences(cmp: VariantComparison, currency: str) -> Table:
    rows = []
    for name, items in cmp.cost_differences.items():
        order = [k for k in items if k != "per_month"] + (["per_month"] if "per_month" in items else [])
        for item in order:
            d = items[item]
            label = "total" if item == "per_month" else item
            rows.append({"variant": name, "item": label, "diff": d["diff"], "diff_ci95": d["diff_ci95"]})
    columns = [
        Column("variant", "variant"),
        Column("item", "cost item"),
        Column("diff", "difference per month", "money", currency),
        Column("diff_ci95", "paired CI95 ±", "money", currency),
    ]
    return Table("Cost differences", f"Costs against the baseline ({cmp.baseline})", columns, rows)


def _paybacks(cmp: VariantComparison, currency: str) -> Table:
    rows = []
    for name, p in cmp.paybacks.items():
        rows.append(
            {
                "variant": name,
                "invest": p.invest,
                "other": p.other,
                "extra_one_off": p.extra_one_off,
                # the dearer setup to run saves nothing: no "saving" to show, only "never"
                "monthly_saving": p.monthly_saving if p.monthly_saving > 0 else None,
                "monthly_saving_ci95": p.monthly_saving_ci95 if p.monthly_saving > 0 else None,
                "months": p.break_even_months,
                "month": p.month if p.month is not None else "never",
            }
        )
    columns = [
        Column("variant", "variant"),
        Column("invest", "higher one-off cost"),
        Column("other", "against"),
        Column("extra_one_off", "extra one-off cost", "money", currency),
        Column("monthly_saving", "running saving per month", "money", currency),
        Column("monthly_saving_ci95", "paired CI95 ±", "money", currency),
        Column("months", "break-even", "number", "months"),
        Column("month", "pays back in month"),
    ]
    note = "Cumulative cost after n months = one-off + n x running cost per month (docs/costs.md)."
    return Table("Payback", f"One-off against running costs (each variant and {cmp.baseline})", columns, rows, note)


def _sensitivity(cmp: VariantComparison, currency: str) -> Table:
    if len(cmp.volume_scales) < 2:
        return Table("Sensitivity", "", [], [])
    rows = []
    for scale in cmp.volume_scales:
        for name in cmp.names:
            r = cmp.run(name, scale)
            rows.append(
                {
                    "scale": scale,
                    "variant": name,
                    "offered_per_month": r.offered_per_month,
                    "per_month": r.monthly_cost,
                    "service_level": _num(r.result.channel("all")["service_level"]),
                    "answer_rate": _num(r.result.channel("all")["answer_rate"]),
                    "meets_all": "yes" if r.targets_met else "no",
                }
            )
    columns = [
        Column("scale", "volume scale", "scale"),
        Column("variant", "variant"),
        Column("offered_per_month", "contacts offered per month", "count"),
        Column("per_month", "cost per month", "money", currency),
        Column("service_level", "service level (all channels)", "share"),
        Column("answer_rate", "answer rate (all channels)", "share"),
        Column("meets_all", "meets every target"),
    ]
    note = ""
    if not cmp.break_even and any(r.costs is not None for r in cmp.runs):
        lo, hi = cmp.volume_scales[0], cmp.volume_scales[-1]
        note = (
            f"No break-even volume between x{lo:g} and x{hi:g}: no variant's monthly cost crosses the "
            f"baseline's ({cmp.baseline}) there."
        )
    return Table("Sensitivity", "Cost and service at scaled volumes", columns, rows, note)


def _break_even(cmp: VariantComparison) -> Table:
    rows = [
        {
            "a": b.a,
            "b": b.b,
            "scale": b.scale,
            "contacts_per_month": b.contacts_per_month,
            "cheaper_below": b.cheaper_below,
        }
        for b in cmp.break_even
    ]
    columns = [
        Column("a", "variant"),
        Column("b", "against"),
        Column("scale", "break-even volume scale", "scale"),
        Column("contacts_per_month", "contacts offered per month there", "count"),
        Column("cheaper_below", "cheaper below it"),
    ]
    return Table("Break-even", "Break-even volumes (where the monthly costs cross)", columns, rows)


def _intervals(cmp: VariantComparison) -> Table:
    """Per interval: day, weekday, date (when the calendar has a start date) and start time apart.

    The ``interval`` label (``day 1 09:00``) stays for whoever reads it; rows come in blocks of
    one variant and one channel, interval after interval (the workbook's charts rely on it).
    """
    rows = []
    dated = False
    for r in cmp.runs:
        start_date = _start_date(r)
        weekday = getattr(r.scenario.calendar, "weekday_of_day", None)
        targets = r.result.channel_targets
        for row in r.result.intervals:
            day = int(row["start_s"] // 86400)
            out = {
                "variant": r.name,
                "channel": row["channel"],
                "day": day + 1,
                "weekday": weekday(day) if weekday is not None else "",
                "start": _clock(row["start_s"]),
                "interval": row["label"],
                "offered": _num(row["offered"]),
                "service_level": _num(row["service_level"]),
                "service_level_ci95": _num(row["service_level_ci95"]),
                "target": _num(targets.get(row["channel"], {}).get("min_service_level")),
                "answer_rate": _num(row["answer_rate"]),
            }
            if start_date is not None:
                out["date"] = start_date + dt.timedelta(days=day)
                dated = True
            rows.append(out)
    columns = [
        Column("variant", "variant"),
        Column("channel", "channel"),
        Column("day", "day", "count"),
        Column("weekday", "weekday"),
        *([Column("date", "date", "date")] if dated else []),
        Column("start", "start", "time"),
        Column("interval", "interval"),
        Column("offered", "offered", "count"),
        Column("service_level", "service level", "share"),
        Column("service_level_ci95", "service level, CI95 ±", "share"),
        Column("target", "service level target", "share"),
        Column("answer_rate", "answer rate", "share"),
    ]
    return Table("Intervals", "Per interval", columns, rows)


def _clock(seconds: float) -> str:
    minute = int(seconds % 86400 // 60)
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _start_date(run: VariantRun) -> dt.date | None:
    """The calendar's first date, when it gives one (``calendar.start_date``); else None."""
    value = getattr(run.scenario.calendar, "start_date", None)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
