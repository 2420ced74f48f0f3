"""Arrivals: day types, contacts per interval of an average day, and over-dispersion.

**Day types.** Weekdays whose intraday profiles are alike share a day type. Going through the
open weekdays Monday to Sunday, a weekday joins the first day type that has the same opening
hours and a profile like its own: the chi-square test of homogeneity of their contacts per
interval (all channels together) does not reject at 1 %, or the profiles' total-variation
distance (the share of contacts that would have to move to another interval) is below
:data:`PROFILE_DISTANCE` (5 %), too small to change a staffing. Otherwise it starts a day type.

**Contacts per interval** of each day type: the mean, over the used dates of the type, of the
contacts arriving in each interval (for one weekday: times that weekday's mean daily volume
over the type's). The 95 % confidence interval is the wider of the Student t interval from
the day-to-day spread (which holds any over-dispersion) and the exact Poisson interval of the
mean (which holds when every day shows zero or the same count).

**Over-dispersion.** Poisson arrivals give daily counts whose variance equals their mean.
Within each weekday (so that the weekly pattern is not counted as noise), the dispersion
statistic sum((x - mean)^2 / mean) is chi-square with sum(n - 1) degrees of freedom under
Poisson; its ratio to the degrees of freedom is the variance-to-mean ratio. When it exceeds 1
at 5 % significance, the scenario's ``overdispersion_cv`` (a gamma day factor with mean 1,
variance mean + cv^2 mean^2) is sqrt(pooled (variance - mean) / mean^2); otherwise 0. A trend
or a season inside the log counts as over-dispersion too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ccsim.fields import WEEKDAYS

__all__ = ["PROFILE_DISTANCE", "ChannelArrivals", "DayType", "Dispersion", "channel_arrivals", "day_types"]

#: Weekdays whose profiles differ by less than this total-variation distance share a day type.
PROFILE_DISTANCE = 0.05
#: Significance of the chi-square test of homogeneity that splits weekdays into day types.
PROFILE_ALPHA = 0.01


@dataclass(frozen=True)
class DayType:
    """Weekdays with alike intraday profiles."""

    name: str
    weekdays: tuple[int, ...]
    dates: int

    @property
    def weekday_names(self) -> tuple[str, ...]:
        """The weekdays' short names."""
        return tuple(WEEKDAYS[w] for w in self.weekdays)


@dataclass(frozen=True)
class Dispersion:
    """Day-to-day variation of a channel's daily counts against Poisson."""

    variance_to_mean: float
    dof: int
    p_value: float
    overdispersion_cv: float


@dataclass(frozen=True)
class ChannelArrivals:
    """A channel's contacts per interval (24 h grid) per day type and weekday, with CIs.

    ``per_interval[type]``, ``ci_low[type]``, ``ci_high[type]``: the average day of each type.
    ``weekday_per_interval[w]``: Monday (0) ... Sunday (6), zeros on closed weekdays.
    """

    per_interval: dict[str, np.ndarray]
    ci_low: dict[str, np.ndarray]
    ci_high: dict[str, np.ndarray]
    daily_mean: dict[str, float]
    daily_ci: dict[str, tuple[float, float]]
    weekday_daily_mean: np.ndarray
    weekday_dates: np.ndarray
    weekday_per_interval: np.ndarray
    dispersion: Dispersion
    contacts: int


def _name(weekdays: tuple[int, ...]) -> str:
    if len(weekdays) > 2 and weekdays == tuple(range(weekdays[0], weekdays[-1] + 1)):
        return f"{WEEKDAYS[weekdays[0]]}-{WEEKDAYS[weekdays[-1]]}"
    return ",".join(WEEKDAYS[w] for w in weekdays)


def _alike(a: np.ndarray, b: np.ndarray) -> bool:
    ta, tb = a.sum(), b.sum()
    if ta == 0 or tb == 0:
        return ta == tb
    tv = 0.5 * float(np.abs(a / ta - b / tb).sum())
    if tv < PROFILE_DISTANCE:
        return True
    cols = (a + b) > 0
    table = np.vstack([a[cols], b[cols]])
    if table.shape[1] < 2:
        return True
    p = stats.chi2_contingency(table, correction=False).pvalue
    return bool(p >= PROFILE_ALPHA)


def day_types(
    counts: np.ndarray, day_weekday: np.ndarray, days_used: np.ndarray, hours: dict[str, tuple[float, float]]
) -> tuple[DayType, ...]:
    """Group the open weekdays into day types.

    Parameters
    ----------
    counts : numpy.ndarray
        Contacts per (day, interval of the day), all channels, shape (days, intervals).
    day_weekday : numpy.ndarray
        Weekday of each day.
    days_used : numpy.ndarray
        The days used (open weekdays, exceptional days left out).
    hours : dict
        Opening hours per weekday name (the rule in :mod:`ccsim.fit.logs`).

    Returns
    -------
    tuple of DayType
    """
    profile = {}
    dates = {}
    for w in range(7):
        sel = days_used[day_weekday[days_used] == w]
        if sel.size:
            profile[w] = counts[sel].sum(axis=0)
            dates[w] = sel.size
    groups: list[list[int]] = []
    for w in sorted(profile):
        for g in groups:
            pooled = sum(profile[v] for v in g)
            if hours.get(WEEKDAYS[g[0]]) == hours.get(WEEKDAYS[w]) and _alike(pooled, profile[w]):
                g.append(w)
                break
        else:
            groups.append([w])
    return tuple(DayType(_name(tuple(g)), tuple(g), sum(dates[w] for w in g)) for g in groups)


def _poisson_ci(total: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    low = np.where(total > 0, stats.chi2.ppf(0.025, 2 * total) / 2, 0.0)
    high = stats.chi2.ppf(0.975, 2 * total + 2) / 2
    return low / n, high / n


def _mean_ci(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over axis 0 and its 95 % CI: the wider of Student t and exact Poisson."""
    n = x.shape[0]
    mean = x.mean(axis=0)
    plo, phi = _poisson_ci(x.sum(axis=0), n)
    if n >= 2:
        half = stats.t.ppf(0.975, n - 1) * x.std(axis=0, ddof=1) / math.sqrt(n)
        return mean, np.maximum(np.minimum(plo, mean - half), 0.0), np.maximum(phi, mean + half)
    return mean, plo, phi


def _dispersion(daily: np.ndarray, weekday: np.ndarray) -> Dispersion:
    stat, dof, excess, weight = 0.0, 0, 0.0, 0
    for w in range(7):
        x = daily[weekday == w].astype(float)
        if x.size < 2 or x.mean() <= 0:
            continue
        m = x.mean()
        stat += float(np.sum((x - m) ** 2) / m)
        dof += x.size - 1
        excess += (x.size - 1) * (x.var(ddof=1) - m) / m**2
        weight += x.size - 1
    if dof == 0:
        return Dispersion(math.nan, 0, math.nan, 0.0)
    vmr = stat / dof
    p = float(stats.chi2.sf(stat, dof))
    cv = math.sqrt(max(excess / weight, 0.0)) if p < 0.05 else 0.0
    cv = 0.0 if cv < 0.001 else min(cv, 10.0)
    return Dispersion(vmr, dof, p, cv)


def channel_arrivals(
    counts: np.ndarray, day_weekday: np.ndarray, days_used: np.ndarray, types: tuple[DayType, ...]
) -> ChannelArrivals:
    """A channel's arrivals per day type and weekday.

    Parameters
    ----------
    counts : numpy.ndarray
        The channel's contacts per (day, interval of the day), shape (days, intervals).
    day_weekday, days_used : numpy.ndarray
        As for :func:`day_types`.
    types : tuple of DayType
        The day types.

    Returns
    -------
    ChannelArrivals
    """
    n_int = counts.shape[1]
    per, low, high, dmean, dci = {}, {}, {}, {}, {}
    wk_mean = np.zeros(7)
    wk_dates = np.zeros(7, dtype=int)
    wk_profile = np.zeros((7, n_int))
    used_wd = day_weekday[days_used]
    daily = counts[days_used].sum(axis=1)
    for w in range(7):
        sel = used_wd == w
        wk_dates[w] = int(sel.sum())
        wk_mean[w] = float(daily[sel].mean()) if sel.any() else 0.0
    for t in types:
        sel = days_used[np.isin(used_wd, t.weekdays)]
        x = counts[sel]
        per[t.name], low[t.name], high[t.name] = _mean_ci(x)
        d_mean, d_lo, d_hi = _mean_ci(x.sum(axis=1)[:, None])
        dmean[t.name], dci[t.name] = float(d_mean[0]), (float(d_lo[0]), float(d_hi[0]))
        for w in t.weekdays:
            if dmean[t.name] > 0:
                wk_profile[w] = per[t.name] * wk_mean[w] / dmean[t.name]
    return ChannelArrivals(
        per_interval=per,
        ci_low=low,
        ci_high=high,
        daily_mean=dmean,
        daily_ci=dci,
        weekday_daily_mean=wk_mean,
        weekday_dates=wk_dates,
        weekday_per_interval=wk_profile,
        dispersion=_dispersion(daily, used_wd),
        contacts=int(counts[days_used].sum()),
    )
