"""Costs of a simulated setup per month, computed from each replication's own counts.

Every cost item and formula is defined once, in ``docs/costs.md``. In short: a month holds
each weekday the run simulated 30.4375 / 7 times (:mod:`ccsim.weeks`). In-house items are a
month of each replication's days; a vendor's charges, with their thresholds (included
contacts, minimum commitments, SLA penalties and bonuses), are priced on billing months
composed of whole simulated days (:mod:`ccsim.economics.months`), never on the mean, and only
then summarised over months (mean and 95 % confidence interval, as the KPIs are).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.economics.months import BillingMonths, billing_months
from ccsim.economics.sla import SlaOutcome, judge_sla
from ccsim.errors import CcsimError
from ccsim.fields import WEEKDAYS, minutes_of_day
from ccsim.results import KpiError, SimulationResult, mean_ci
from ccsim.scenario import Costs, Scenario
from ccsim.weeks import WEEKS_PER_MONTH

__all__ = ["UNITS", "CostResult", "costs", "night_share", "priced_costs", "weekend_mask"]

#: Unit costs: name -> (the count divided by, what it is).
UNITS = {
    "per_contact": ("answered", "contacts answered by an agent (in-house or vendor), each counted once"),
    "per_offered_contact": ("offered", "contacts offered to an agent queue (redials and repeats included)"),
    "per_resolved_issue": ("issues_resolved", "issues resolved by the end of the run"),
    "per_productive_hour": ("productive_hours", "agent hours handling at least one contact (all groups)"),
}


def night_share(starts_s: np.ndarray, interval_s: float, night_start: str, night_end: str) -> np.ndarray:
    """Share of each interval that falls in night hours (``night_start`` to ``night_end``, over midnight if needed)."""
    ns, ne = minutes_of_day(night_start) * 60.0, minutes_of_day(night_end) * 60.0
    t0 = np.mod(np.asarray(starts_s, dtype=float), 86400.0)
    t1 = t0 + interval_s

    def overlap(a: float, b: float) -> np.ndarray:
        return np.clip(np.minimum(t1, b) - np.maximum(t0, a), 0.0, None)

    if ns == ne:
        return np.zeros_like(t0)
    spans = [(ns, ne)] if ns < ne else [(ns, 86400.0), (0.0, ne), (86400.0, 86400.0 + ne)]
    return np.sum([overlap(a, b) for a, b in spans], axis=0) / interval_s


def weekend_mask(starts_s: np.ndarray, start_weekday: str, weekend_days: tuple[str, ...]) -> np.ndarray:
    """Per interval: its calendar day is one of ``weekend_days``."""
    first = WEEKDAYS.index(start_weekday)
    days = (np.asarray(starts_s, dtype=float) // 86400.0).astype(int)
    return np.array([WEEKDAYS[(first + d) % 7] in weekend_days for d in days], dtype=bool)


@dataclass(frozen=True, eq=False)
class CostResult:
    """What a simulated setup costs a month: every item in every billing month, and summaries.

    Attributes
    ----------
    scenario, variant : str, str or None
        The result's scenario and variant.
    seed : int
        The result's seed (paired differences need the same one).
    currency : str
        ``costs.currency``.
    replication_ids : numpy.ndarray
        Replication numbers, in array order: billing month ``k`` is replication ``k``'s month
        (its in-house items) and the month composed from its days first (vendor items).
    horizon_days : float
        Days measured: simulated days less the warm-up.
    month_days : float
        Days in the month the run stands for: 30.4375 / 7 of each weekday it stands for
        (30.4375 for every weekday, 21.74 for Monday to Friday).
    months : float
        The measured horizon in such months (``horizon_days / month_days`` for a run of whole
        weeks or days): a horizon figure is the monthly one x ``months``.
    week : str
        What the run stands for, in words (``a week = the run's mon to fri (sat, sun closed)``).
    weekdays : tuple of str
        The weekdays the monthly figures count.
    not_simulated : tuple of str
        Weekdays the calendar opens but the run did not simulate (left out of the month).
    items : dict
        ``{item: numpy array (months,)}``: each cost item per month, in report order
        (``in_house.wages``, ``vendor.NAME.monthly_fee``, ..., ``one_off.amortized``). The
        items add up to the monthly total. SLA penalties are negative.
    one_off : dict
        ``{item: amount}``: one-off costs (``in_house.setup``, ``transition``,
        ``vendor.NAME.setup_fee``), not part of the running cost.
    amortization_months : int or None
        ``costs.setup_amortization_months``: the one-off costs spread over this many months as
        the item ``one_off.amortized``.
    counts : dict
        ``{answered, offered, issues_resolved, productive_hours: array}`` per month: the
        denominators of the unit costs (:data:`UNITS`).
    sla : dict
        ``{vendor: SlaOutcome}`` for every vendor with an SLA, per billing month.
    fte : numpy.ndarray
        In-house full-time equivalents per replication: paid hours a week /
        ``fte_hours_per_week``, a week holding each weekday simulated once.
    notes : tuple of str
        What the figures leave out, in words.
    composed : tuple of str
        The items priced on composed billing months (a vendor's).
    overlap : float
        How many replications a composed billing month draws its days from, on average (1 for
        a run of five weeks or more): the months share days, so the deviations of a composed
        part are widened by its square root in every half-width (:meth:`mean_ci`).
    """

    scenario: str
    variant: str | None
    seed: int
    currency: str
    replication_ids: np.ndarray
    horizon_days: float
    month_days: float
    months: float
    week: str
    weekdays: tuple[str, ...]
    not_simulated: tuple[str, ...]
    items: dict[str, np.ndarray] = field(repr=False)
    one_off: dict[str, float]
    amortization_months: int | None
    counts: dict[str, np.ndarray] = field(repr=False)
    sla: dict[str, SlaOutcome] = field(repr=False)
    fte: np.ndarray = field(repr=False)
    notes: tuple[str, ...] = ()
    composed: tuple[str, ...] = ()
    overlap: float = 1.0

    @property
    def label(self) -> str:
        """Scenario and variant, for reports."""
        return self.scenario + (f" [{self.variant}]" if self.variant else "")

    @property
    def per_month(self) -> np.ndarray:
        """Total cost per month, per billing month (every item, amortized one-off included)."""
        if not self.items:
            return np.zeros(len(self.replication_ids))
        return np.sum([v for v in self.items.values()], axis=0)

    @property
    def running_per_month(self) -> np.ndarray:
        """Running cost per month: the total without the amortized one-off costs."""
        return self.per_month - self.items.get("one_off.amortized", 0.0)

    @property
    def total(self) -> np.ndarray:
        """Total cost over the measured horizon: per month x :attr:`months`."""
        return self.per_month * self.months

    @property
    def running(self) -> np.ndarray:
        """Running cost over the measured horizon: running per month x :attr:`months`."""
        return self.running_per_month * self.months

    @property
    def one_off_total(self) -> float:
        """Sum of the one-off costs."""
        return float(sum(self.one_off.values()))

    def replication_values(self, name: str) -> np.ndarray:
        """One value per billing month of an item (per month) or a total.

        ``name`` is an item (:attr:`items`, per month), ``per_month`` or
        ``running_per_month``, ``total`` or ``running`` (over the horizon), or a unit cost
        (:data:`UNITS`: the month's total / the month's count, NaN where the count is 0).
        """
        if name in self.items:
            return self.items[name].copy()
        if name == "total":
            return self.total
        if name == "running":
            return self.running
        if name == "per_month":
            return self.per_month
        if name == "running_per_month":
            return self.running_per_month
        if name in UNITS:
            count = self.counts[UNITS[name][0]]
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(count > 0, self.per_month / np.where(count > 0, count, 1.0), np.nan)
        valid = [*self.items, "total", "running", "per_month", "running_per_month", *UNITS]
        raise CcsimError(f"no cost item {name!r} (valid: {', '.join(valid)})")

    def composed_part(self, name: str) -> np.ndarray:
        """The part of :meth:`replication_values` of ``name`` that comes from composed items.

        Per billing month: the item itself when it is composed, the composed items' sum in a
        total (x :attr:`months` over the horizon; over the count for a unit cost), else 0.
        """
        zero = np.zeros(len(self.replication_ids))
        if name in self.items:
            return self.items[name].copy() if name in self.composed else zero
        part = np.sum([self.items[c] for c in self.composed], axis=0) if self.composed else zero
        if name in ("total", "running"):
            return part * self.months
        if name in UNITS:
            count = self.counts[UNITS[name][0]]
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(count > 0, part / np.where(count > 0, count, 1.0), np.nan)
        return part

    def widened(self, values: np.ndarray, part: np.ndarray) -> np.ndarray:
        """``values`` with the deviations of their composed ``part`` scaled by sqrt(:attr:`overlap`).

        Composed billing months share simulated days, so a composed figure varies less from
        month to month than its mean is uncertain; scaling its deviations from their mean gives
        a Student t half-width that allows for it, leaving the in-house part as it is (and a
        constant composed part, a monthly fee, adds nothing).
        """
        if not self.composed or self.overlap <= 1 or not np.isfinite(part).any():
            return values
        return values + (math.sqrt(self.overlap) - 1.0) * (part - np.nanmean(part))

    def mean_ci(self, name: str) -> tuple[float, float]:
        """Mean over billing months of a figure (:meth:`replication_values`) and its 95 % half-width.

        The Student t half-width of the months' values, the composed part's deviations widened
        (:meth:`widened`).
        """
        values = self.replication_values(name)
        mean, _ = mean_ci(values)
        _, half = mean_ci(self.widened(values, self.composed_part(name)))
        return float(mean), float(half)

    def summary(self) -> dict[str, Any]:
        """Mean and 95 % half-width of every figure, as plain JSON-ready data (None: undefined).

        Keys: ``currency``, ``replications``, ``horizon_days``, ``month_days``, ``months``,
        ``week`` (the rule in words), ``weekdays``, ``not_simulated``, ``fte``,
        ``horizon_total``, ``per_month``, ``running_per_month``, the unit costs
        (``per_contact``, ...), each as ``{"mean", "ci95"}``; ``items`` (``{item: {"per_month",
        "per_month_ci95", "horizon", "horizon_ci95"}}``); ``one_off`` and ``one_off_total``;
        ``amortization_months``; ``sla`` (per vendor: promises and the terms they are judged
        on, ``breach_probability`` and its ``breach_ci95`` as ``[low, high]``, billing months
        judged, and the mean figures); ``notes``.
        """

        def stat(name: str, scale: float = 1.0) -> dict[str, float | None]:
            mean, half = self.mean_ci(name)
            return {"mean": _py(mean * scale), "ci95": _py(half * scale)}

        out: dict[str, Any] = {
            "currency": self.currency,
            "replications": len(self.replication_ids),
            "horizon_days": self.horizon_days,
            "month_days": self.month_days,
            "months": self.months,
            "week": self.week,
            "weekdays": list(self.weekdays),
            "not_simulated": list(self.not_simulated),
            "fte": {"mean": _py(mean_ci(self.fte)[0]), "ci95": _py(mean_ci(self.fte)[1])},
            "horizon_total": stat("total"),
            "per_month": stat("per_month"),
            "running_per_month": stat("running_per_month"),
        }
        for unit in UNITS:
            out[unit] = stat(unit)
        items = {}
        for name in self.items:
            m, h = stat(name), stat(name, self.months)
            items[name] = {
                "per_month": m["mean"],
                "per_month_ci95": m["ci95"],
                "horizon": h["mean"],
                "horizon_ci95": h["ci95"],
            }
        out["items"] = items
        out["one_off"] = dict(self.one_off)
        out["one_off_total"] = self.one_off_total
        out["amortization_months"] = self.amortization_months
        sla = {}
        for v, s in self.sla.items():
            p, low, high = s.breach_probability
            sla[v] = {
                "promises": dict(s.promises),
                "terms": dict(s.terms),
                "periods_judged": int(s.judged.sum()),
                "breach_probability": p,
                "breach_ci95": None if p is None else [low, high],
                "answer_rate": _py(mean_ci(s.answer_rate)[0]),
                "service_level": _py(mean_ci(s.service_level)[0]),
                "asa_s": _py(mean_ci(s.asa_s)[0]),
                "scope": dict(s.scope),
            }
        out["sla"] = sla
        out["notes"] = list(self.notes)
        return out


def _py(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _check(result: SimulationResult, scenario: Scenario) -> None:
    if not isinstance(result, SimulationResult):
        raise CcsimError(f"costs: expected a SimulationResult, got {type(result).__name__}")
    if not isinstance(scenario, Scenario):
        raise CcsimError(f"costs: expected a Scenario, got {type(scenario).__name__}")
    if (
        result.group_names != list(scenario.agent_groups)
        or result.channel_names != list(scenario.channels)
        or result.interval_labels != scenario.calendar.interval_labels()
    ):
        raise CcsimError(
            f"costs: the result ({result.scenario!r}, variant {result.variant!r}) was not simulated from this "
            f"scenario ({scenario.name!r}, variant {scenario.variant_name!r}): its agent groups, channels or "
            "calendar differ; pass the scenario (variant) that was simulated"
        )
    if not result.measured.any():
        raise CcsimError("costs: the result has no measured interval (the warm-up covers the whole run)")


def costs(result: SimulationResult, scenario: Scenario) -> CostResult:
    """Every cost item of a simulated setup per month, per billing month, with the one-off costs apart.

    Parameters
    ----------
    result : SimulationResult
        A simulation of ``scenario`` (any replications, seed and staffing override).
    scenario : Scenario
        The scenario (or variant) simulated: its ``costs``, ``vendors`` and agent groups
        price the result's counts.

    Returns
    -------
    CostResult
        Items per month over the measured intervals (``result.measured``): in-house items a
        month of each replication, vendor items and SLAs on billing months composed of whole
        simulated days; the one-off costs, unit-cost denominators and every vendor SLA.

    Raises
    ------
    ccsim.CcsimError
        When the result was not simulated from this scenario.
    """
    _check(result, scenario)
    c = scenario.costs
    months = billing_months(result, scenario)
    week = months.week
    notes: list[str] = []
    if week.not_simulated:
        notes.append(
            f"a month here counts only the weekdays simulated ({', '.join(week.weekdays)}): "
            f"{', '.join(week.not_simulated)} open but not simulated"
        )
    items, fte = _in_house_items(result, scenario, months)
    slas = judge_sla(result, scenario, months)
    vendor_items, vendor_notes = _vendor_items(result, scenario, months, slas)
    items.update(vendor_items)
    notes.extend(vendor_notes)
    one_off = _one_off_costs(scenario)
    amort = c.setup_amortization_months
    if amort is not None and one_off:
        items["one_off.amortized"] = np.full(len(result.replication_ids), sum(one_off.values()) / amort)
    return CostResult(
        scenario=result.scenario,
        variant=result.variant,
        seed=result.seed,
        currency=c.currency,
        replication_ids=np.asarray(result.replication_ids).copy(),
        horizon_days=week.measured_days,
        month_days=week.month_days,
        months=months.months,
        week=week.text,
        weekdays=week.weekdays,
        not_simulated=week.not_simulated,
        items=items,
        one_off=one_off,
        amortization_months=amort,
        counts=_unit_counts(result, months),
        sla=slas,
        fte=fte,
        notes=tuple(notes),
        composed=tuple(vendor_items),
        overlap=months.overlap,
    )


def _in_house_pay(result: SimulationResult, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """In-house paid hours and their wages, per replication and interval (on-duty hours over 1 - shrinkage)."""
    c = scenario.costs
    reps, n = len(result.replication_ids), len(result.interval_starts_s)
    sched = result.group_stat("scheduled_s")  # (replications, groups, intervals)
    paid = np.zeros((reps, n))
    pay = np.zeros((reps, n))
    for i, g in enumerate(scenario.agent_groups.values()):
        if g.vendor is not None:
            continue
        wage = g.cost_per_hour if g.cost_per_hour is not None else c.wage_per_hour
        hours = sched[:, i] / 3600.0 / (1.0 - g.shrinkage)  # (replications, intervals)
        paid += hours
        pay += wage * hours
    return paid, pay


def _in_house_items(
    result: SimulationResult, scenario: Scenario, months: BillingMonths
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The in-house items, a month of each replication (in report order), and the in-house FTE."""
    c = scenario.costs
    starts = np.asarray(result.interval_starts_s, dtype=float)
    night = night_share(starts, result.interval_s, c.night_start, c.night_end) if c.night_premium else 0.0
    weekend = weekend_mask(starts, result.start_weekday, c.weekend_days) if c.weekend_premium else 0.0
    uplift = c.night_premium * night + c.weekend_premium * weekend  # per interval
    paid, pay = _in_house_pay(result, scenario)
    # hours on duty are known in the warm-up too: whole days (BillingMonths.staffed)
    wages, premium, paid_month = months.staffed(pay), months.staffed(pay * uplift), months.staffed(paid)
    fte = paid_month / WEEKS_PER_MONTH / c.fte_hours_per_week
    in_house = [i for i, g in enumerate(scenario.agent_groups.values()) if g.vendor is None]
    items: dict[str, np.ndarray] = {}
    if not in_house:
        return items, fte
    items["in_house.wages"] = wages
    if c.night_premium or c.weekend_premium:
        items["in_house.night_weekend_premium"] = premium
    if c.agents_per_supervisor is not None:
        items["in_house.supervision"] = paid_month / c.agents_per_supervisor * c.supervisor_wage_per_hour
    if c.benefits_share:
        items["in_house.benefits"] = c.benefits_share * (wages + premium + items.get("in_house.supervision", 0.0))
    if c.seat_per_month or c.tools_per_seat_per_month:
        seats = _seats(result, scenario, c, fte)
        if c.seat_per_month:
            items["in_house.seats"] = seats * c.seat_per_month
        if c.tools_per_seat_per_month:
            items["in_house.tools"] = seats * c.tools_per_seat_per_month
    if c.telecom_per_handled_minute:
        minutes = _voice_minutes(result, in_house)  # (replications, intervals)
        items["in_house.telecom"] = months.by_replication(minutes) * c.telecom_per_handled_minute
    if c.hiring_training_per_agent and c.monthly_attrition:
        items["in_house.hiring_training"] = c.monthly_attrition * fte * c.hiring_training_per_agent
    return items, fte


def _one_off_costs(scenario: Scenario) -> dict[str, float]:
    """The one-off costs: in-house setup, transition, then each vendor's setup fee."""
    c = scenario.costs
    one_off: dict[str, float] = {}
    if c.setup:
        one_off["in_house.setup"] = c.setup
    if c.transition:
        one_off["transition"] = c.transition
    for v, vendor in scenario.vendors.items():
        if vendor.pricing.setup_fee:
            one_off[f"vendor.{v}.setup_fee"] = vendor.pricing.setup_fee
    return one_off


def _vendor_items(
    result: SimulationResult, scenario: Scenario, months: BillingMonths, slas: dict[str, SlaOutcome]
) -> tuple[dict[str, np.ndarray], list[str]]:
    """Every vendor's items per composed billing month (``vendor.NAME.item``), and notes on their SLAs."""
    items: dict[str, np.ndarray] = {}
    notes: list[str] = []
    for v, vendor in scenario.vendors.items():
        month, charges = _vendor_charges(result, scenario, months, v)
        sla = slas.get(v)
        if sla is not None and vendor.sla is not None:
            _add_sla_terms(month, charges, sla, vendor.sla)
            note = _unjudged_note(v, sla)
            if note:
                notes.append(note)
        for name, values in month.items():
            items[f"vendor.{v}.{name}"] = values
    return items, notes


def _vendor_charges(
    result: SimulationResult, scenario: Scenario, months: BillingMonths, v: str
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """A vendor's charges per composed billing month, by its pricing (the minimum top-up last), and their sum."""
    c = scenario.costs
    p = scenario.vendors[v].pricing
    groups = list(scenario.agent_groups.values())
    mine = [i for i, g in enumerate(groups) if g.vendor == v]

    def month_of(stat: str) -> np.ndarray:
        return months.composed(result.group_stat(stat)[:, mine].sum(axis=1))

    shr = np.array([groups[i].shrinkage for i in mine]).reshape(1, -1, 1)
    # hours on duty are what the staffing plan fixes: counted whole, the warm-up too
    scheduled = result.group_stat("scheduled_s")[:, mine]  # (replications, its groups, intervals)
    on_duty_h = months.staffed(scheduled.sum(axis=1)) / 3600.0
    vendor_paid_h = months.staffed((scheduled / (1.0 - shr)).sum(axis=1)) / 3600.0
    month: dict[str, np.ndarray] = {}
    if p.monthly_fee:
        month["monthly_fee"] = np.full(len(result.replication_ids), p.monthly_fee)
    if p.per_contact:
        month["contacts"] = p.per_contact * np.maximum(0.0, month_of("handled") - p.included_contacts)
    if p.per_handled_minute:
        month["handled_minutes"] = p.per_handled_minute * month_of("handle_s") / 60.0
    if p.per_agent_hour:
        month["agent_hours"] = p.per_agent_hour * on_duty_h
    if p.per_productive_hour:
        month["productive_hours"] = p.per_productive_hour * month_of("busy_s") / 3600.0
    if p.per_fte_per_month:
        month["fte"] = p.per_fte_per_month * vendor_paid_h / WEEKS_PER_MONTH / c.fte_hours_per_week
    if p.per_resolved_contact:
        month["resolved_contacts"] = p.per_resolved_contact * month_of("resolved")
    charges = np.sum(list(month.values()), axis=0) if month else np.zeros(len(result.replication_ids))
    if p.minimum_monthly:
        month["minimum_top_up"] = np.maximum(0.0, p.minimum_monthly - charges)
        charges = charges + month["minimum_top_up"]
    return month, charges


def _add_sla_terms(month: dict[str, np.ndarray], charges: np.ndarray, sla: SlaOutcome, terms: Any) -> None:
    """Add a vendor's SLA penalty (``penalty_share`` of its ``charges``) and bonus to its month."""
    if terms.penalty or terms.penalty_share:
        month["sla_penalty"] = -np.where(sla.breached, terms.penalty + terms.penalty_share * charges, 0.0)
    if terms.bonus:
        month["sla_bonus"] = np.where(sla.judged & ~sla.breached, terms.bonus, 0.0)


def _unjudged_note(v: str, sla: SlaOutcome) -> str | None:
    """A note naming the channels a vendor's SLA leaves out, and why (None: it judges them all)."""
    unjudged = [f"{ch} ({how[len('not judged: ') :]})" for ch, how in sla.scope.items() if how.startswith("not judged")]
    return f"vendor {v}: the SLA leaves out {', '.join(unjudged)}" if unjudged else None


def _unit_counts(result: SimulationResult, months: BillingMonths) -> dict[str, np.ndarray]:
    """The denominators of the unit costs (:data:`UNITS`), a month of each replication."""
    return {
        "answered": months.by_replication(result.channel_stat("answered").sum(axis=1)),
        "offered": months.by_replication(result.channel_stat("offered").sum(axis=1)),
        "issues_resolved": months.by_replication(result.channel_stat("issues_resolved").sum(axis=1)),
        "productive_hours": months.by_replication(result.group_stat("busy_s").sum(axis=1)) / 3600.0,
    }


def _seats(result: SimulationResult, scenario: Scenario, c: Costs, fte: np.ndarray) -> np.ndarray:
    """Seats per replication: the most in-house agents on duty at once (any interval), or the desk's FTE rounded up."""
    if c.seat_basis == "fte":
        return np.ceil(fte - 1e-9)
    on_duty = sum(
        np.asarray(result.staffing[name], dtype=np.int64)
        for name, g in scenario.agent_groups.items()
        if g.vendor is None
    )
    peak = float(np.max(on_duty, initial=0))  # the staffing plan is known in the warm-up too
    return np.full(len(result.replication_ids), peak)


def _voice_minutes(result: SimulationResult, in_house: list[int]) -> np.ndarray:
    """Minutes in-house agents handled voice contacts, per replication and interval.

    Each group's own: the engines count the handle time of voice handlings per group
    (``voice_handle_s``), so a group mixing calls with email counts only its calls.
    """
    try:
        voice_s = result.group_stat("voice_handle_s")
    except KpiError:  # pragma: no cover - results of this version always count it
        raise CcsimError(
            "costs: the result has no voice handle time per group (simulated by an older ccsim); simulate it again"
        ) from None
    return voice_s[:, in_house].sum(axis=1) / 60.0


def priced_costs(result: SimulationResult, scenario: Scenario) -> CostResult | None:
    """:func:`costs`, or None when the scenario prices nothing (no cost item, no one-off cost)."""
    priced = costs(result, scenario)
    anything = any(np.any(v != 0) for v in priced.items.values()) or any(priced.one_off.values())
    return priced if anything else None
