"""A fit from contact logs as text: the report and the check by replay.

The report: cleaning, days, arrivals, handle time, patience, redials, agents seen, the
effective staffing.

Returns text; only the command line prints it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ccsim.fields import WEEKDAYS
from ccsim.fit.durations import DurationFit
from ccsim.fit.estimate import ChannelFit, HandleTime, Parameters, Patience, Redials
from ccsim.fit.logs import LOW_DAY_SHARE, Cleaning

if TYPE_CHECKING:
    from ccsim.fit import Fit
    from ccsim.fit.staffing import Check

__all__ = ["check_text", "fit_text", "report_text"]


def _hhmm(seconds: float | np.integer) -> str:
    m = round(seconds / 60)
    return f"{m // 60:02d}:{m % 60:02d}"


def _g(x: float | None, digits: int = 4) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:.{digits}g}"


def _ci(ci: tuple[float, float] | None) -> str:
    if ci is None or not all(math.isfinite(v) for v in ci):
        return ""
    return f" [{_g(ci[0])}, {_g(ci[1])}]"


def _fits(fit: DurationFit, indent: str = "    ") -> list[str]:
    lines = [f"{indent}{'distribution':<12} {'mean_s [95 % CI]':<28} {'cv/shape [95 % CI]':<28} {'dAIC':>8} {'KS':>6}"]
    best = fit.best.aic
    for f in fit.fits:
        second = f"{f.shape_name} {_g(f.shape)}{_ci(f.shape_ci)}" if f.shape_name else "-"
        lines.append(
            f"{indent}{f.dist:<12} {_g(f.mean_s) + _ci(f.mean_ci):<28} {second:<28} {f.aic - best:>8.1f} {f.ks:>6.3f}"
        )
    return lines


def _intervals(params: Parameters, ch: ChannelFit) -> list[str]:
    step = params.interval_min * 60
    lines = []
    for t in params.day_types:
        per = ch.arrivals.per_interval[t.name]
        lo, hi = ch.arrivals.ci_low[t.name], ch.arrivals.ci_high[t.name]
        seen = ch.agents.distinct[t.name]
        busy = ch.agents.busy[t.name]
        obs = ch.observed
        lines.append(f"  {t.name} ({t.dates} dates): per interval of an average day")
        lines.append(
            f"    {'start':<6} {'contacts [95 % CI]':<22} {'agents seen':>11} {'busy':>6} "
            f"{'SL':>6} {'abandon':>8} {'ASA s':>7}"
        )
        for k in np.flatnonzero((per > 0) | (seen > 0)):
            sl, ab, asa = obs.service_level[t.name][k], obs.abandon_rate[t.name][k], obs.asa_s[t.name][k]
            lines.append(
                f"    {_hhmm(k * step):<6} {f'{per[k]:.1f} [{lo[k]:.1f}, {hi[k]:.1f}]':<22} {seen[k]:>11.1f} "
                f"{busy[k]:>6.1f} {_pct(sl):>6} {_pct(ab):>8} {_g(asa, 3):>7}"
            )
    return lines


def _pct(x: float) -> str:
    return "-" if not math.isfinite(x) else f"{100 * x:.0f}%"


def report_text(params: Parameters, *, per_interval: bool = True) -> str:
    """The fit's report as plain text.

    Parameters
    ----------
    params : Parameters
        From :func:`ccsim.fit.estimate`.
    per_interval : bool, default True
        Include the per-interval tables (arrivals with CIs, agents seen, observed service).

    Returns
    -------
    str
    """
    out = _cleaning(params.log.cleaning) + _days(params)
    for name, ch in params.channels.items():
        out += _channel(params, name, ch, per_interval)
    return "\n".join(out) + "\n"


def _cleaning(c: Cleaning) -> list[str]:
    """The contact log: files, rows kept and dropped, outcomes."""
    out = ["Contact log", "==========="]
    out.append(f"files: {', '.join(c.files)}")
    out.append(f"rows read {c.rows_read:,}, kept {c.rows_kept:,}, dropped {c.rows_dropped:,}")
    for d in c.dropped:
        out.append(f"  dropped, {d}")
    oc = c.outcomes
    out.append(
        f"outcomes: answered {oc['answered']:,}, abandoned in the queue {oc['abandoned']:,}, "
        f"hung up before the queue {oc['before_queue']:,} (kept apart, not abandonment), "
        f"resolved by self-service {oc['contained']:,}"
    )
    out.append(f"services running past midnight: {c.past_midnight:,} (each counted on the day it started)")
    return out + list(c.notes)


def _days(params: Parameters) -> list[str]:
    """The days: dates used, open weekdays and hours, exceptional days, day types."""
    c = params.log.cleaning
    out = ["", "Days", "----", f"dates {c.first_date} to {c.last_date}, {params.dates_used} used"]
    out.append(
        f"open weekdays (median daily volume above 0, answered contacts on half the dates): "
        f"{', '.join(c.open_weekdays) or 'none'}"
    )
    for day in WEEKDAYS:
        span = c.opening_hours.get(day)
        out.append(f"  {day} {'closed' if span is None else f'{_hhmm(span[0])}-{_hhmm(span[1])}'}")
    out.append(
        "arrivals outside these hours (open: answered contacts arrived in the interval on >= 25 % of the "
        f"weekday's dates with answers, two at least): {c.outside_hours:,}"
    )
    if c.excluded_days:
        what = "kept (--keep-all-days)" if c.kept_all_days else "left out"
        out.append(
            f"exceptional days (below {LOW_DAY_SHARE:.0%} of the weekday's median, or a closed weekday), {what}:"
        )
        for ex in c.excluded_days:
            out.append(f"  {ex.date} {ex.weekday}: {ex.contacts:,} contacts, median {_g(ex.weekday_median)} ({ex.why})")
    else:
        out.append("no exceptional days")
    out.append(
        "day types (weekdays grouped when their profiles are alike: chi-square p >= 1 % or distance < 5 %): "
        + "; ".join(f"{t.name} ({t.dates} dates)" for t in params.day_types)
    )
    return out


def _channel(params: Parameters, name: str, ch: ChannelFit, per_interval: bool) -> list[str]:
    """One channel: arrivals, handle time, patience, redials, the service observed, agents seen."""
    out = ["", f"Channel {name} ({ch.kind})", "-" * (len(name) + len(ch.kind) + 11)]
    out += _arrivals(params, ch)
    if ch.handle is not None:
        out += _handle_time(params, ch.handle)
    if ch.patience is not None:
        out += _patience(ch.patience)
    if ch.redials is not None:
        out += _redials(params, ch.redials)
    obs = ch.observed
    out.append(
        f"observed: service level ({_g(obs.answer_within_s)} s) {_pct(obs.total_service_level)}, "
        f"abandonment {_pct(obs.total_abandon_rate)}, ASA {_g(obs.total_asa_s, 3)} s"
    )
    out.append(
        "agents seen: distinct agent ids handling a contact in each interval, and busy agents (handle time "
        "/ interval length). Agents in a log often do other work too: they are not the staffing that "
        "reproduces the service."
    )
    if ch.kind == "chat":
        out.append(f"  most chats one agent handled at once: {ch.agents.max_concurrent}")
    if per_interval:
        out += _intervals(params, ch)
    return out


def _arrivals(params: Parameters, ch: ChannelFit) -> list[str]:
    """Contacts, a day per day type and weekday, and how much the days vary."""
    arr = ch.arrivals
    out = [
        f"contacts {ch.contacts:,} (first attempts {ch.first_attempts:,}), hung up before the queue "
        f"{ch.before_queue:,}, resolved by self-service {ch.contained:,}"
    ]
    for t in params.day_types:
        lo, hi = arr.daily_ci[t.name]
        out.append(f"  {t.name}: {arr.daily_mean[t.name]:.1f} contacts a day [{lo:.1f}, {hi:.1f}]")
    means = ", ".join(f"{WEEKDAYS[w]} {arr.weekday_daily_mean[w]:.1f}" for w in range(7) if arr.weekday_dates[w])
    out.append(f"  mean per weekday: {means}")
    disp = arr.dispersion
    out.append(
        f"  over-dispersion: daily counts' variance / mean = {_g(disp.variance_to_mean, 3)} within weekdays "
        f"(1 for Poisson arrivals; chi-square p = {_g(disp.p_value, 3)}, {disp.dof} dof); overdispersion_cv "
        f"{_g(disp.overdispersion_cv, 3)}. Above 1, days vary more than chance alone (campaigns, weather, "
        "a trend); the scenario draws each day's volume with that spread."
    )
    return out


def _handle_time(params: Parameters, handle: HandleTime) -> list[str]:
    """The handle time's fits, and the intervals whose mean differs."""
    out = [f"handle time: {handle.fit.n_observed:,} answered contacts ({handle.zero:,} at 0 s left out)"]
    out += _fits(handle.fit)
    step = params.interval_min * 60
    diff = np.flatnonzero(handle.interval_differs)
    if diff.size:
        out.append(
            "  intervals whose mean differs from the channel's (z-test, 5 % Bonferroni): "
            + ", ".join(f"{_hhmm(k * step)} {handle.interval_mean_s[k]:.0f} s" for k in diff)
        )
    else:
        out.append("  no interval's mean differs significantly from the channel's")
    return out


def _patience(p: Patience) -> list[str]:
    """Patience: the abandonments and censored waits, the simple and Kaplan-Meier estimates, the fits."""
    out = [
        f"patience: {p.abandoned:,} abandonments (observed), {p.answered_waiting:,} answered after waiting "
        f"(censored at their wait), {p.answered_at_once:,} answered at once (censored at 0)",
        f"  simple estimator (total queue time / abandonments): {_g(p.simple_mean_s)} s{_ci(p.simple_mean_ci)}"
        " (exact for exponential patience)",
        f"  Kaplan-Meier: median {_g(p.km_median_s)} s, mean up to the longest wait "
        f"{_g(p.km_restricted_mean_s)} s (a lower bound)",
    ]
    if p.fit is not None:
        out += _fits(p.fit)
    return out


def _redials(params: Parameters, r: Redials) -> list[str]:
    """Redials after abandoning (and their delay), repeat contacts after an answer."""
    out = [
        f"redials: {r.redialled:,} of {r.abandoned:,} abandoning customers came back "
        f"({100 * r.probability:.1f} %{_ci((100 * r.probability_ci[0], 100 * r.probability_ci[1]))} %)"
        f" within {params.log.redial_window_s / 3600:g} h"
    ]
    if r.delay is not None:
        out.append("  delay from hanging up to the next contact:")
        out += _fits(r.delay)
    out.append(
        f"repeat contacts: {r.repeated:,} of {r.answered:,} answered customers contacted again "
        f"({100 * r.repeat_share:.1f} %)"
    )
    return out


def fit_text(fit: Fit) -> str:
    """The estimates in words and numbers, with the effective staffing and the availability it implies.

    What ``ccsim fit`` prints and writes as ``report.txt``: :func:`report_text` of the fit's
    parameters, then the effective staffing of every agent group.
    """
    p, st = fit.parameters, fit.staffing
    lines = [report_text(p), "", "Effective staffing (dedicated agents reproducing the log)"]
    for g, e in st.effective.items():
        overall = st.overall_availability(g)
        modes = st.calibrated_to[g]
        hours = e.sum() * p.interval_min / 60
        seen = st.seen[g].sum() * p.interval_min / 60
        if seen > 0:
            lines.append(
                f"  {g}: {hours:,.1f} effective agent-hours against {seen:,.1f} seen; the log's agents "
                f"answered {100 * overall:.0f} % of their time"
            )
        else:
            lines.append(f"  {g}: {hours:,.1f} effective agent-hours (the log names no agents: none seen)")
        lines.append(
            f"    intervals calibrated on abandonment {int((modes == 'abandonment').sum())}, on the wait "
            f"{int((modes == 'wait').sum())}, left at the agents seen {int((modes == 'seen').sum())}"
        )
    lines.append(
        "  Agents seen in a log are often busy with other work (email, breaks, meetings): the effective "
        "staffing is how many agents doing nothing but this queue would give the log's abandonment."
    )
    return "\n".join(lines)


def check_text(check: Check) -> str:
    """The check by replay: the verdict per channel first, then the log against the model interval by interval."""
    lines = [
        f"Check: the fitted scenario replayed ({check.result.replications} replications, seed {check.result.seed}) "
        "against the log",
        f"  {'channel':<10}{'interval':<16}{'SL log':>8}{'SL model':>10}{'±':>6}{'ASA log':>9}{'ASA model':>11}"
        f"{'abandon log':>13}{'model':>7}",
    ]
    pct = lambda v: "-" if v is None else f"{100 * v:.0f}%"  # noqa: E731
    sec = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
    for r in check.rows:
        lines.append(
            f"  {r['channel']:<10}{r['interval']:<16}{pct(r['observed_service_level']):>8}"
            f"{pct(r['simulated_service_level']):>10}{pct(r['service_level_ci95']):>6}{sec(r['observed_asa_s']):>9}"
            f"{sec(r['simulated_asa_s']):>11}{pct(r['observed_abandon_rate']):>13}{pct(r['simulated_abandon_rate']):>7}"
        )
    summary = []
    for name in dict.fromkeys(r["channel"] for r in check.rows):
        a = check.agreement(name)
        summary.append(
            f"  {name}: service level within {check.sl_points:g} points in {a['service_level_agrees']} of "
            f"{a['intervals']} intervals, ASA within {check.asa_s:g} s in {a['asa_agrees']} (abandonment was fitted: "
            "no evidence)"
        )
    return "\n".join([lines[0], *summary, *lines[1:]])  # the verdict first, then interval by interval
