"""Synthetic contact logs with known parameters, for tests, benchmarks and examples.

Not a queue simulation: each contact is offered a wait drawn from a known distribution (0
with probability ``p_immediate``, else exponential), its patience is Weibull, and it abandons
when its patience is shorter than the wait. That makes censoring independent of patience, as
the patience estimator assumes, and every parameter known exactly. Arrivals are Poisson per
interval with a smooth daily profile (a morning and an afternoon peak); some abandoned
customers redial after an exponential delay (as a new contact of the same customer id).
The file has the columns of ``ccsim run --contacts`` (:data:`ccsim.fit.mapping.DEFAULT_COLUMNS`).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from ccsim.fit.mapping import DEFAULT_COLUMNS

__all__ = ["SyntheticChannel", "daily_profile", "synthetic_log"]


@dataclass(frozen=True)
class SyntheticChannel:
    """One channel of a synthetic log, with its true parameters."""

    name: str = "phone"
    kind: str = "voice"
    per_day: float = 400.0
    handle_mean_s: float = 300.0
    handle_cv: float = 0.6
    patience_mean_s: float = 120.0
    patience_shape: float = 0.8
    wait_mean_s: float = 60.0
    p_immediate: float = 0.4
    redial_probability: float = 0.3
    redial_delay_mean_s: float = 600.0
    agents: int = 12
    day_cv: float = 0.0
    weekday_factors: tuple[float, ...] = (1.2, 1.0, 1.0, 1.0, 1.1, 0.5, 0.0)


def daily_profile(open_s: float, close_s: float, interval_s: float) -> np.ndarray:
    """Weights per interval of a 24 h day: zero outside opening hours, peaks at 10:30 and 14:30."""
    n = round(86400 / interval_s)
    mid = (np.arange(n) + 0.5) * interval_s / 3600.0
    w = 1.0 + 1.2 * np.exp(-(((mid - 10.5) / 1.2) ** 2)) + 0.9 * np.exp(-(((mid - 14.5) / 1.5) ** 2))
    w[(mid * 3600 < open_s) | (mid * 3600 > close_s)] = 0.0
    return w / w.sum()


def synthetic_log(
    path: str | Path | None,
    *,
    days: int = 28,
    start: date = date(2024, 4, 1),
    channels: tuple[SyntheticChannel, ...] = (SyntheticChannel(),),
    open_s: float = 9 * 3600.0,
    close_s: float = 18 * 3600.0,
    interval_min: int = 30,
    holidays: tuple[int, ...] = (),
    seed: int = 1,
) -> dict:
    """Write a synthetic contact log (CSV, gzip when the name ends in ``.gz``) and return its truth.

    Parameters
    ----------
    path : str or pathlib.Path or None
        The file to write (None: write nothing, return the rows in ``truth["rows"]``).
    days : int
        Days from ``start``.
    start : datetime.date
        The first date.
    channels : tuple of SyntheticChannel
        The channels and their true parameters.
    open_s, close_s : float
        Opening hours (seconds after midnight), every open weekday.
    interval_min : int
        Interval of the true per-interval volumes.
    holidays : tuple of int
        Day indices with no contacts at all.
    seed : int
        Seed of the numpy generator.

    Returns
    -------
    dict
        ``per_interval[channel]``: the true expected contacts per interval of each weekday
        (7 x intervals, first attempts), and ``rows``: the number of rows written.
    """
    rng = np.random.default_rng(seed)
    step = interval_min * 60.0
    profile = daily_profile(open_s, close_s, step)
    out_cols: dict[str, list] = {k: [] for k in ("arrival", "wait", "handle", "outcome", "agent", "channel", "cust")}
    truth: dict = {"per_interval": {}}
    next_customer = 0
    for ch in channels:
        arrival = _first_attempts(rng, ch, profile, days, start.weekday(), holidays, step)
        truth["per_interval"][ch.name] = np.array([ch.per_day * f * profile for f in ch.weekday_factors])
        customer = next_customer + np.arange(arrival.size)
        next_customer += arrival.size
        _attempts(rng, ch, arrival, customer, (open_s, close_s), out_cols)
    arrival = np.concatenate(out_cols["arrival"])
    order = np.argsort(arrival, kind="stable")
    cols = {k: np.concatenate(v)[order] for k, v in out_cols.items()}
    truth["rows"] = int(arrival.size)
    if path is None:
        truth["columns"] = cols
        return truth
    _write(Path(path), cols, start)
    return truth


def _first_attempts(
    rng: np.random.Generator,
    ch: SyntheticChannel,
    profile: np.ndarray,
    days: int,
    weekday0: int,
    holidays: tuple[int, ...],
    step: float,
) -> np.ndarray:
    """A channel's first attempts: Poisson counts per interval, uniform within it (seconds from the start)."""
    lam = np.array([ch.per_day * ch.weekday_factors[(weekday0 + d) % 7] * profile for d in range(days)])
    if ch.day_cv > 0:  # over-dispersion: a gamma day factor with mean 1
        shape = 1 / ch.day_cv**2
        lam = lam * rng.gamma(shape, 1 / shape, days)[:, None]
    for h in holidays:
        lam[h] = 0.0
    counts = rng.poisson(lam).ravel()
    slot = np.repeat(np.arange(days * profile.size), counts)
    return slot * step + rng.uniform(0, step, slot.size)


def _attempts(
    rng: np.random.Generator,
    ch: SyntheticChannel,
    arrival: np.ndarray,
    customer: np.ndarray,
    hours: tuple[float, float],
    out_cols: dict[str, list],
) -> None:
    """Each attempt's wait, outcome, handle time and agent into ``out_cols``: first attempts, then redials."""
    open_s, close_s = hours
    weib_scale = ch.patience_mean_s / math.gamma(1 + 1 / ch.patience_shape)
    sigma = math.sqrt(math.log1p(ch.handle_cv**2))
    mu = math.log(ch.handle_mean_s) - sigma**2 / 2
    realtime = ch.kind in ("voice", "chat")
    for _round in range(4):
        n = arrival.size
        if n == 0:
            break
        wait = np.where(rng.random(n) < ch.p_immediate, 0.0, rng.exponential(ch.wait_mean_s, n))
        patience = weib_scale * rng.weibull(ch.patience_shape, n) if realtime else np.full(n, np.inf)
        abandoned = patience < wait
        observed_wait = np.where(abandoned, patience, wait)
        handle = np.where(abandoned, np.nan, rng.lognormal(mu, sigma, n))
        agent = np.where(abandoned, -1, rng.integers(0, ch.agents, n))
        out_cols["arrival"].append(arrival)
        out_cols["wait"].append(observed_wait)
        out_cols["handle"].append(handle)
        out_cols["outcome"].append(np.where(abandoned, "abandoned", "answered"))
        out_cols["agent"].append(np.array([f"{ch.name}-{a:03d}" if a >= 0 else "" for a in agent], dtype=object))
        out_cols["channel"].append(np.full(n, ch.name, dtype=object))
        out_cols["cust"].append(customer)
        back = abandoned & (rng.random(n) < ch.redial_probability) if realtime else np.zeros(n, dtype=bool)
        arrival = arrival[back] + observed_wait[back] + rng.exponential(ch.redial_delay_mean_s, int(back.sum()))
        customer = customer[back]
        open_now = (arrival % 86400 >= open_s) & (arrival % 86400 < close_s)  # a redial after hours finds it closed
        arrival, customer = arrival[open_now], customer[open_now]


def _write(path: Path, cols: dict[str, np.ndarray], start: date) -> None:
    """Write the contacts as a log with the columns of ``ccsim run --contacts`` (gzip for ``.gz``)."""
    base = np.datetime64(start.isoformat(), "s")
    wait, handle = cols["wait"], cols["handle"]
    arr = cols["arrival"]
    t_arr = np.datetime_as_string(base + (arr * 1000).astype("timedelta64[ms]"), unit="ms")
    answered = ~np.isnan(handle)
    t_ans = np.datetime_as_string(base + ((arr + wait) * 1000).astype("timedelta64[ms]"), unit="ms")
    t_end = np.datetime_as_string(
        base + ((arr + wait + np.nan_to_num(handle)) * 1000).astype("timedelta64[ms]"), unit="ms"
    )
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(DEFAULT_COLUMNS)
    for i in range(arr.size):
        ans = bool(answered[i])
        w.writerow(
            (
                f"k{i + 1}",
                cols["channel"][i],
                t_arr[i],
                t_ans[i] if ans else "",
                t_end[i],
                cols["outcome"][i],
                cols["agent"][i],
                f"{cols['channel'][i]}_team" if ans else "",
                f"c{cols['cust'][i]}",
                f"{wait[i]:.3f}",
                f"{handle[i]:.3f}" if ans else "",
            )
        )
    data = buf.getvalue().encode()
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
