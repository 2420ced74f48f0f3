"""Costs of two setups side by side: paired differences per replication, and the payback month."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ccsim.economics.costs import UNITS, CostResult
from ccsim.errors import CcsimError
from ccsim.results import mean_ci

__all__ = ["CostComparison", "Payback", "paired_cost_difference", "payback"]

#: Totals compared besides the items, in this order.
TOTALS = ("total", "running", "per_month", "running_per_month", *UNITS)


def _py(x: float | np.ndarray) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class CostComparison:
    """Paired differences ``b - a`` of the cost figures of two setups run with the same seed.

    Attributes
    ----------
    a, b : str
        Labels of the two setups.
    replications : int
        Replications paired (the same replication number in both).
    rows : list of dict
        One row per figure (every item of either setup, an item a setup lacks counting 0, then
        :data:`TOTALS`): ``name``, ``mean_a``, ``mean_b``, ``diff`` (mean of the paired
        differences), ``diff_ci95`` (their 95 % half-width) and ``pairs`` (replications where
        the figure is defined in both). Item rows are over the horizon.
    """

    a: str
    b: str
    replications: int
    rows: list[dict] = field(repr=False)

    def diff(self, name: str) -> dict:
        """The row of one figure (an item, ``total``, ``per_month``, ``per_contact``, ...)."""
        for row in self.rows:
            if row["name"] == name:
                return row
        raise CcsimError(f"no cost figure {name!r} (valid: {', '.join(r['name'] for r in self.rows)})")


def _paired(a: CostResult, b: CostResult) -> tuple[np.ndarray, np.ndarray]:
    for x in (a, b):
        if not isinstance(x, CostResult):
            raise CcsimError(f"expected two CostResults (ccsim.economics.costs), got {type(x).__name__}")
    if a.seed != b.seed:
        raise CcsimError(
            f"the cost results have different seeds ({a.seed} and {b.seed}); paired differences need common "
            "random numbers: simulate both setups with the same seed"
        )
    if a.weekdays != b.weekdays:
        raise CcsimError(
            f"the cost results stand for months of different weekdays ({', '.join(a.weekdays)} and "
            f"{', '.join(b.weekdays)}); simulate both over the same weekdays"
        )
    if a.currency != b.currency:
        raise CcsimError(f"the cost results are in different currencies ({a.currency} and {b.currency})")
    common = np.intersect1d(a.replication_ids, b.replication_ids)
    if common.size == 0:
        raise CcsimError("no replication number is in both cost results")
    return np.searchsorted(a.replication_ids, common), np.searchsorted(b.replication_ids, common)


def _widened(a: CostResult, b: CostResult, d: np.ndarray, part: np.ndarray) -> np.ndarray:
    """Paired differences with their composed part widened as :meth:`CostResult.widened` does."""
    with_composed = [x for x in (a, b) if x.composed]
    if not with_composed:
        return d
    return max(with_composed, key=lambda x: x.overlap).widened(d, part)


def paired_cost_difference(a: CostResult, b: CostResult) -> CostComparison:
    """Per cost figure, ``b - a`` and its paired 95 % confidence interval.

    Billing month ``i`` of ``a`` is paired with billing month ``i`` of ``b``: with the same
    seed both setups met the same contacts (common random numbers), so the difference varies
    less than either cost (as in :func:`ccsim.compare` for KPIs). Items are per month; runs
    with different warm-ups or lengths compare, as long as their months count the same
    weekdays.

    Raises
    ------
    ccsim.CcsimError
        When the seeds, weekdays or currencies differ, or no replication is in both.
    """
    ia, ib = _paired(a, b)
    rows = []
    zero_a, zero_b = np.zeros(len(ia)), np.zeros(len(ib))
    names = list(dict.fromkeys([*a.items, *b.items]))
    for name in [*names, *TOTALS]:
        is_item = name in names
        x = a.items[name][ia] if name in a.items else zero_a if is_item else a.replication_values(name)[ia]
        y = b.items[name][ib] if name in b.items else zero_b if is_item else b.replication_values(name)[ib]
        d = y - x
        mean, _ = mean_ci(d)
        # months composed of shared days: the composed part's deviations widened (CostResult.widened)
        part = b.composed_part(name)[ib] - a.composed_part(name)[ia]
        _, half = mean_ci(_widened(a, b, d, part))
        rows.append(
            {
                "name": name,
                "mean_a": _py(mean_ci(x)[0]),
                "mean_b": _py(mean_ci(y)[0]),
                "diff": _py(mean),
                "diff_ci95": _py(half),
                "pairs": int((~np.isnan(d)).sum()),
            }
        )
    return CostComparison(a.label, b.label, len(ia), rows)


@dataclass(frozen=True)
class Payback:
    """When a setup with a higher one-off cost and a lower running cost has paid for itself.

    Attributes
    ----------
    invest : str
        The setup with the higher one-off cost.
    other : str
        The other setup.
    extra_one_off : float
        One-off cost of ``invest`` - that of ``other`` (> 0).
    monthly_saving : float
        Mean running cost per month of ``other`` - that of ``invest`` (paired when the seeds
        agree; the one-off costs' amortization is not part of it).
    monthly_saving_ci95 : float or None
        Its 95 % half-width (paired differences; None with one pair, or unpaired results).
    break_even_months : float or None
        ``extra_one_off / monthly_saving``; None when ``invest`` never pays back (it saves
        nothing per month).
    month : int or None
        The first whole month at whose end ``invest`` has cost no more in total:
        ``ceil(break_even_months)``; None when never.
    """

    invest: str
    other: str
    extra_one_off: float
    monthly_saving: float
    monthly_saving_ci95: float | None
    break_even_months: float | None
    month: int | None


def payback(a: CostResult, b: CostResult) -> Payback | None:
    """The payback month of the setup with the higher one-off cost against the other.

    Cumulative cost after ``n`` months is ``one_off + n x running per month`` (running per
    month without the amortized one-off costs). The setup with the higher one-off cost pays
    back in month ``ceil(extra one-off / monthly saving)``, never when it saves nothing per
    month. With equal one-off costs there is nothing to pay back: None. With the same seed
    the monthly saving is the mean of the paired per-month savings; otherwise the difference
    of the means (no interval).
    """
    if a.currency != b.currency:
        raise CcsimError(f"the cost results are in different currencies ({a.currency} and {b.currency})")
    if math.isclose(a.one_off_total, b.one_off_total, rel_tol=1e-12, abs_tol=1e-9):
        return None
    first, second = (a, b) if a.one_off_total > b.one_off_total else (b, a)
    extra = first.one_off_total - second.one_off_total
    if first.seed == second.seed:
        i_first, i_second = _paired(first, second)
        saving = second.running_per_month[i_second] - first.running_per_month[i_first]
        mean_arr, _ = mean_ci(saving)
        part = second.composed_part("running_per_month")[i_second] - first.composed_part("running_per_month")[i_first]
        _, half_arr = mean_ci(_widened(first, second, saving, part))  # months of shared days
        mean, half = float(mean_arr), _py(half_arr)
    else:
        mean = float(np.nanmean(second.running_per_month) - np.nanmean(first.running_per_month))
        half = None
    months = extra / mean if mean > 0 else None
    month = None if months is None else math.ceil(months - 1e-12)
    return Payback(first.label, second.label, extra, mean, half, months, month)
