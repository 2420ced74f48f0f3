"""Distributions of durations fitted by maximum likelihood, with or without censoring.

Handle times, patience and redial delays are fitted the same way: exponential, lognormal,
gamma and Weibull (location fixed at 0) by maximum likelihood with ``scipy.stats.<dist>.fit``
(``scipy.stats.CensoredData`` when some values are right-censored), ranked by AIC (2 k - 2 log
L; k = 1 for the exponential, 2 for the others). Each fit is expressed as ccsim's scenario
distribution (``{dist: lognormal, mean_s, cv}``, ``{dist: weibull, mean_s, shape}``...), and
its parameters get 95 % Wald confidence intervals from the observed information (the
numerical Hessian of the log-likelihood in log-parameters, so that intervals stay positive).

The goodness-of-fit distance is the Kolmogorov-Smirnov statistic: the largest gap between
the fitted CDF and the empirical CDF, or, with censoring, the Kaplan-Meier estimate (over the
observed range). With many values a small distance can still be significant; it is a size of
misfit to read, not a test.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["DistFit", "DurationFit", "fit_durations", "kaplan_meier", "restricted_mean"]

_Z95 = 1.959963984540054
#: An observed (uncensored) value of 0 is read as this, or as half the smallest positive value
#: when that is smaller (logs round to whole seconds: a 0 means under half a second).
MIN_OBSERVED_S = 0.5
#: When every observed value is a whole number of seconds, values below this are rounded
#: readings: a value v is fitted as lying in [v - 0.5, v + 0.5] (interval-censored).
ROUNDED_BELOW_S = 30.0


@dataclass(frozen=True)
class DistFit:
    """One fitted distribution in ccsim's parameters, with 95 % confidence intervals."""

    dist: str
    mean_s: float
    mean_ci: tuple[float, float]
    shape_name: str | None
    shape: float | None
    shape_ci: tuple[float, float] | None
    loglik: float
    aic: float
    ks: float

    def spec(self, digits: int = 4) -> dict:
        """The scenario distribution, e.g. ``{"dist": "lognormal", "mean_s": 301.2, "cv": 0.61}``."""
        out: dict = {"dist": self.dist, "mean_s": _round(self.mean_s, digits)}
        if self.shape is None:  # exponential: no shape_name either
            return out
        if self.shape_name == "cv":
            out["cv"] = _round(min(max(self.shape, 0.001), 100.0), digits)
        elif self.shape_name == "shape":
            out["shape"] = _round(max(self.shape, 0.1), digits)
        return out

    def frozen(self):
        """The fitted distribution as a frozen ``scipy.stats`` distribution."""
        return _frozen(self.dist, self.mean_s, self.shape)


@dataclass(frozen=True)
class DurationFit:
    """Every candidate fitted to one sample, best (lowest AIC) first."""

    n: int
    n_observed: int
    n_censored: int
    sample_mean: float
    sample_mean_ci: tuple[float, float]
    fits: tuple[DistFit, ...]

    @property
    def best(self) -> DistFit:
        """The fit with the lowest AIC."""
        return self.fits[0]

    def fit(self, dist: str) -> DistFit:
        """The fit of one distribution by name."""
        return next(f for f in self.fits if f.dist == dist)


def _round(x: float, digits: int) -> float:
    if x == 0 or not math.isfinite(x):
        return float(x)
    return float(round(x, max(0, digits - 1 - math.floor(math.log10(abs(x))))))


def _frozen(dist: str, mean: float, second: float | None):
    if dist == "exponential":
        return stats.expon(scale=mean)
    if second is None:
        raise ValueError(f"{dist} needs its cv or shape")
    if dist == "lognormal":
        sigma = math.sqrt(math.log1p(second**2))
        return stats.lognorm(s=sigma, scale=mean * math.exp(-(sigma**2) / 2))
    if dist == "gamma":
        a = 1.0 / second**2
        return stats.gamma(a, scale=mean / a)
    if dist == "weibull":
        return stats.weibull_min(second, scale=mean / math.gamma(1.0 + 1.0 / second))
    raise ValueError(dist)  # pragma: no cover


def _from_scipy(dist: str, params: tuple) -> tuple[float, float | None]:
    """(mean_s, cv or shape) from scipy's fitted parameters (loc fixed at 0)."""
    if dist == "exponential":
        return float(params[-1]), None
    if dist == "lognormal":
        sigma, scale = params[0], params[-1]
        return float(scale * math.exp(sigma**2 / 2)), float(math.sqrt(math.expm1(sigma**2)))
    if dist == "gamma":
        a, scale = params[0], params[-1]
        return float(a * scale), float(1 / math.sqrt(a))
    k, scale = params[0], params[-1]
    return float(scale * math.gamma(1 + 1 / k)), float(k)


_SCIPY = {"exponential": stats.expon, "lognormal": stats.lognorm, "gamma": stats.gamma, "weibull": stats.weibull_min}
_SECOND = {"exponential": None, "lognormal": "cv", "gamma": "cv", "weibull": "shape"}


def _loglik(dist: str, theta: np.ndarray, obs: np.ndarray, cens: np.ndarray, iv: np.ndarray) -> float:
    mean = math.exp(theta[0])
    second = math.exp(theta[1]) if len(theta) > 1 else None
    f = _frozen(dist, mean, second)
    with np.errstate(all="ignore"):
        total = float(np.sum(f.logpdf(obs)))
        if cens.size:
            total += float(np.sum(f.logsf(cens)))
        if iv.size:
            total += float(np.sum(np.log(f.cdf(iv[:, 1]) - f.cdf(iv[:, 0]))))
    return total if math.isfinite(total) else -math.inf


def _wald(dist: str, theta: np.ndarray, obs: np.ndarray, cens: np.ndarray, iv: np.ndarray) -> np.ndarray | None:
    """Standard errors of the log-parameters from the numerical Hessian (None if not definite)."""
    k = len(theta)
    h = 1e-3
    f0 = _loglik(dist, theta, obs, cens, iv)
    hess = np.zeros((k, k))
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
            if i == j:
                val = (
                    _loglik(dist, theta + ei, obs, cens, iv) - 2 * f0 + _loglik(dist, theta - ei, obs, cens, iv)
                ) / h**2
            else:
                val = (
                    _loglik(dist, theta + ei + ej, obs, cens, iv)
                    - _loglik(dist, theta + ei - ej, obs, cens, iv)
                    - _loglik(dist, theta - ei + ej, obs, cens, iv)
                    + _loglik(dist, theta - ei - ej, obs, cens, iv)
                ) / (4 * h**2)
            hess[i, j] = hess[j, i] = val
    try:
        cov = np.linalg.inv(-hess)
    except np.linalg.LinAlgError:
        return None
    var = np.diag(cov)
    if not np.all(np.isfinite(var)) or np.any(var <= 0):
        return None
    return np.sqrt(var)


def kaplan_meier(observed: np.ndarray, censored: np.ndarray):
    """The Kaplan-Meier estimate (``scipy.stats.ecdf`` of ``CensoredData``): its ``.sf``.

    Parameters
    ----------
    observed : numpy.ndarray
        Observed values (events: an abandonment's wait).
    censored : numpy.ndarray
        Right-censored values (the event had not happened: an answered contact's wait).

    Returns
    -------
    scipy.stats._survival.ECDFResult
        ``.sf.quantiles`` (the event times) and ``.sf.probabilities``, ``.sf.confidence_interval()``.
    """
    data = stats.CensoredData(uncensored=observed, right=censored) if censored.size else observed
    return stats.ecdf(data)


def fit_durations(
    values: np.ndarray,
    censored: np.ndarray | None = None,
    *,
    dists: tuple[str, ...] = ("exponential", "lognormal", "gamma", "weibull"),
) -> DurationFit | None:
    """Fit the candidate distributions to durations, some perhaps right-censored.

    Parameters
    ----------
    values : numpy.ndarray
        Observed durations in seconds. When all are whole seconds, those below
        :data:`ROUNDED_BELOW_S` are fitted as intervals [v - 0.5, v + 0.5]; otherwise a 0 is
        read as :data:`MIN_OBSERVED_S` or less.
    censored : numpy.ndarray, optional
        Right-censored durations: the true value is known to exceed these (0 adds nothing
        and is left out).
    dists : tuple of str
        The candidates, among exponential, lognormal, gamma and weibull.

    Returns
    -------
    DurationFit or None
        Every fit, best AIC first; None with fewer than 2 observed values.
    """
    obs = np.asarray(values, dtype=float)
    whole = obs.size > 0 and bool(np.all(obs == np.round(obs)))
    if np.any(obs <= 0) and not whole:
        positive = obs[obs > 0]
        floor = min(MIN_OBSERVED_S, 0.5 * float(positive.min())) if positive.size else MIN_OBSERVED_S
        obs = np.where(obs > 0, obs, floor)
    cens = np.asarray(censored if censored is not None else [], dtype=float)
    n_zero_cens = int(np.sum(cens <= 0))
    cens = cens[cens > 0]
    if obs.size < 2:
        return None
    mean = float(obs.mean())
    if cens.size == 0:
        half = float(stats.t.ppf(0.975, obs.size - 1) * obs.std(ddof=1) / math.sqrt(obs.size))
        mean_ci = (mean - half, mean + half)
    else:
        mean_ci = (math.nan, math.nan)
    iv = np.zeros((0, 2))
    n_obs = obs.size
    if whole:  # whole seconds: small values are rounded readings
        small = obs < ROUNDED_BELOW_S
        iv = np.column_stack([np.maximum(obs[small] - 0.5, 0.0), obs[small] + 0.5])
        obs = obs[~small]
    if iv.size:
        data = stats.CensoredData(uncensored=obs, right=cens, interval=iv)
    else:
        data = stats.CensoredData(uncensored=obs, right=cens) if cens.size else obs
    if cens.size:
        km = kaplan_meier(np.concatenate([obs, iv.mean(axis=1)]) if iv.size else obs, cens).sf
        km_t, km_p = km.quantiles, km.probabilities
    else:
        sorted_obs = np.sort(np.concatenate([obs, iv.mean(axis=1)]) if iv.size else obs)
    fits = []
    for dist in dists:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                params = _SCIPY[dist].fit(data, floc=0)
            except (ValueError, RuntimeError, FloatingPointError):
                continue
        try:
            m, second = _from_scipy(dist, params)
        except (OverflowError, ValueError, ZeroDivisionError):
            continue
        if not (math.isfinite(m) and m > 0) or (second is not None and not (math.isfinite(second) and second > 0)):
            continue
        theta = np.log([m] if second is None else [m, second])
        ll = _loglik(dist, theta, obs, cens, iv)
        if not math.isfinite(ll):
            continue
        se = _wald(dist, theta, obs, cens, iv)
        if se is None:
            m_ci = (math.nan, math.nan)
            s_ci = None if second is None else (math.nan, math.nan)
        else:
            m_ci = (m * math.exp(-_Z95 * se[0]), m * math.exp(_Z95 * se[0]))
            s_ci = None if second is None else (second * math.exp(-_Z95 * se[1]), second * math.exp(_Z95 * se[1]))
        frozen = _frozen(dist, m, second)
        if cens.size:
            ks = float(np.max(np.abs(frozen.sf(km_t) - km_p))) if km_t.size else math.nan
        else:
            cdf = frozen.cdf(sorted_obs)
            n = sorted_obs.size
            ks = float(max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n)))
        k = 1 if second is None else 2
        fits.append(DistFit(dist, m, m_ci, _SECOND[dist], second, s_ci, ll, 2 * k - 2 * ll, ks))
    if not fits:
        return None
    fits.sort(key=lambda f: f.aic)
    return DurationFit(
        n=int(n_obs + cens.size + n_zero_cens),
        n_observed=int(n_obs),
        n_censored=int(cens.size + n_zero_cens),
        sample_mean=mean,
        sample_mean_ci=mean_ci,
        fits=tuple(fits),
    )


def restricted_mean(sf_t: np.ndarray, sf_p: np.ndarray) -> float:
    """Area under a step survival curve up to its last time (a lower bound of the mean)."""
    if sf_t.size == 0:
        return math.nan
    t = np.concatenate([[0.0], sf_t])
    p = np.concatenate([[1.0], sf_p])
    return float(np.sum(np.diff(t) * p[:-1]))
