"""A scenario from fitted parameters: a dict that validates, and YAML saying where each number came from.

The scenario runs one week (Monday to Sunday; fewer days, from the log's first weekday, when
the log covers less than a week) on the log's interval. Its calendar carries the inferred
opening hours of every weekday (:mod:`ccsim.fit.logs`): ``open``/``close`` are the hours most
weekdays share (the earliest such weekday's, on a tie), ``hours`` gives the weekdays whose
hours differ from theirs and closes the weekdays without hours (no contacts, or none in the log), so
that a day's intervals run from the week's earliest opening to its latest closing and those
outside its own hours are closed. Per channel:

- ``volume.per_interval``: one value per interval of the run, each weekday its day type's
  average day scaled to that weekday's mean daily volume, zero on closed weekdays and out of a
  weekday's hours (the arrivals there are counted in the report); ``overdispersion_cv`` from
  the daily counts;
- ``handle_time``: the AIC-best fit; ``handle_time_per_interval_s`` when some interval's mean
  differs significantly (that interval's mean there, the fitted mean elsewhere);
- ``patience`` (voice, chat): the AIC-best censored fit (``null`` when nobody abandoned);
- ``redial`` (with customer ids), ``self_service`` (with contained contacts), ``max_concurrent``
  (chat: the most chats an agent was seen handling at once), and the answer target.

One agent group per channel, ``<channel>_team``, staffed with the agents seen working per
open interval (distinct ids, rounded; 0 where the desk is closed) as a **placeholder**: agents
in a log also do other work, so this is not the staffing that reproduces the log. Pass
``staffing=`` (e.g. an effective staffing) to replace it; the YAML comment says which one the
file holds.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ccsim.fields import WEEKDAYS
from ccsim.fit.durations import DurationFit
from ccsim.fit.estimate import Parameters

__all__ = [
    "PLACEHOLDER_NOTE",
    "group_name",
    "run_open",
    "run_weekdays",
    "run_window",
    "scenario_data",
    "scenario_yaml",
    "weekday_hours",
]

#: The comment above a group's staffing when it holds the agents seen (the placeholder).
PLACEHOLDER_NOTE = (
    "PLACEHOLDER staffing: agents seen working per interval (distinct agent ids, rounded), not the staffing "
    "that reproduces the log; agents in a log also do other work"
)
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_SELF_SERVICE = {"voice": "ivr", "chat": "chatbot", "email": "faq", "sns": "faq"}


def group_name(channel: str) -> str:
    """The agent group fitted for a channel."""
    return f"{channel}_team"


def run_weekdays(params: Parameters) -> list[int]:
    """The weekday (0 Monday) of each day of the fitted scenario's run."""
    span = (params.last_date - params.first_date).days + 1
    if span >= 7:
        return list(range(7))
    first = params.first_date.weekday()
    return [(first + i) % 7 for i in range(span)]


def run_window(params: Parameters) -> tuple[int, int]:
    """The fitted calendar's intervals of the 24 h grid: from the earliest opening to the latest closing."""
    step = params.interval_min * 60.0
    hours = params.opening_hours.values()
    k0 = int(min(h[0] for h in hours) // step) if hours else 0
    k1 = math.ceil(max(h[1] for h in hours) / step) if hours else params.intervals_per_day
    return k0, max(k1, k0 + 1)


def weekday_hours(params: Parameters) -> dict[str, tuple[float, float] | None]:
    """Opening and closing (seconds after midnight) of every weekday in the fitted calendar; None: closed."""
    return {d: params.opening_hours.get(d) for d in WEEKDAYS}


def run_open(params: Parameters) -> np.ndarray:
    """Whether each interval of the fitted scenario's run is open (within its weekday's hours).

    The same as the fitted scenario's ``calendar.open_intervals()``.
    """
    k0, k1 = run_window(params)
    step = params.interval_min * 60.0
    starts = (k0 + np.arange(k1 - k0)) * step
    hours = weekday_hours(params)
    out = []
    for w in run_weekdays(params):
        span = hours[WEEKDAYS[w]]
        out.append(np.zeros(k1 - k0, dtype=bool) if span is None else (starts >= span[0]) & (starts < span[1]))
    return np.concatenate(out)


def _calendar(params: Parameters, wds: list[int], k0: int, k1: int) -> dict[str, Any]:
    """The fitted calendar: the commonest hours as open/close, the other weekdays' in ``hours``."""
    calendar: dict[str, Any] = {"interval_min": params.interval_min}
    spans = weekday_hours(params)
    common = Counter(s for s in spans.values() if s is not None).most_common(1)
    if not common:  # no weekday with hours: cannot happen with a log that has contacts
        calendar["open"], calendar["close"] = _hhmm(k0 * params.interval_min * 60), _hhmm(k1 * params.interval_min * 60)
    else:
        base = common[0][0]
        calendar["open"], calendar["close"] = _hhmm(base[0]), _hhmm(base[1])
        other = {d: "closed" if s is None else f"{_hhmm(s[0])}-{_hhmm(s[1])}" for d, s in spans.items() if s != base}
        if other:
            calendar["hours"] = other
    calendar["days"] = len(wds)
    calendar["start_weekday"] = WEEKDAYS[wds[0]]
    return calendar


def _hhmm(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _r(x: float, digits: int = 4) -> float:
    if x == 0 or not math.isfinite(x):
        return 0.0 if not math.isfinite(x) else float(x)
    return float(round(x, max(0, digits - 1 - math.floor(math.log10(abs(x))))))


def _ci(lo_hi: tuple[float, float] | None, unit: str = "") -> str:
    if lo_hi is None or not all(math.isfinite(v) for v in lo_hi):
        return "CI n/a"
    return f"95 % CI {_r(lo_hi[0], 3):g}-{_r(lo_hi[1], 3):g}{unit}"


def _fit_note(fit: DurationFit, what: str) -> str:
    b = fit.best
    others = ", ".join(f"{f.dist} {f.aic - b.aic:+.0f}" for f in fit.fits[1:])
    shape = f", {b.shape_name} {_r(b.shape, 3):g} ({_ci(b.shape_ci)})" if b.shape is not None else ""
    cens = f" and {fit.n_censored:,} censored" if fit.n_censored else ""
    return (
        f"{what}: maximum likelihood on {fit.n_observed:,} values{cens}; {b.dist} has the lowest AIC "
        f"(others: {others}); mean {_r(b.mean_s, 4):g} s ({_ci(b.mean_ci, ' s')}){shape}; KS distance {b.ks:.3f}"
    )


@dataclass(frozen=True)
class _Run:
    """The fitted scenario's run: the parameters, each day's weekday, its intervals of the 24 h grid, which are open."""

    params: Parameters
    weekdays: list[int]
    k0: int
    k1: int
    is_open: np.ndarray

    def week(self, per_weekday: Mapping[int, np.ndarray] | Sequence[np.ndarray]) -> np.ndarray:
        """A value per interval of the run from a 24 h day per weekday, zero where closed."""
        return np.concatenate([per_weekday[w][self.k0 : self.k1] for w in self.weekdays]) * self.is_open


def _build(
    params: Parameters,
    name: str | None,
    staffing: Mapping[str, Sequence[float]] | None,
    staffing_note: str | None,
    availability: Mapping[str, Sequence[float]] | None = None,
) -> tuple[dict[str, Any], dict[tuple, str]]:
    """The scenario's data, and the note on where each of its numbers came from (by key path)."""
    k0, k1 = run_window(params)
    run = _Run(params, run_weekdays(params), k0, k1, run_open(params))
    notes: dict[tuple, str] = {("calendar",): _calendar_note(params, len(run.weekdays))}
    channels: dict[str, Any] = {}
    groups: dict[str, Any] = {}
    for ch_name, ch in params.channels.items():
        channels[ch_name] = _channel(run, ch_name, ch, notes)
        group = group_name(ch_name)
        groups[group] = _group(run, ch_name, ch, staffing, staffing_note, notes)
        if availability is not None and group in availability:
            groups[group]["availability"] = [float(a) for a in availability[group]]
            notes[("agent_groups", group, "availability")] = (
                "share of the agents on duty answering contacts: effective staffing / staffing (see docs/fit.md)"
            )
    data = {
        "name": name or "Fitted desk",
        "description": (
            f"Fitted by ccsim fit from {params.rows_used:,} contacts, {params.first_date} to {params.last_date} "
            f"({params.dates_used} dates used)"
        ),
        "calendar": _calendar(params, run.weekdays, k0, k1),
        "channels": channels,
        "agent_groups": groups,
        "simulation": {"replications": 10, "seed": 1},
    }
    return data, notes


def _calendar_note(params: Parameters, days: int) -> str:
    """Where the calendar's opening hours came from."""
    spans = weekday_hours(params)
    hours = ", ".join(f"{d} {'closed' if s is None else f'{_hhmm(s[0])}-{_hhmm(s[1])}'}" for d, s in spans.items())
    return (
        "Opening hours per weekday inferred from arrivals (first to last interval in which answered contacts "
        f"arrived on at least 25 % of the weekday's dates with answers, two at least): {hours}; "
        f"{params.log.cleaning.outside_hours:,} arrival(s) fell outside (left out of the volumes). One week of "
        f"{days} days, each weekday as fitted; the intervals outside a weekday's hours are closed."
    )


def _channel(run: _Run, ch_name: str, ch: Any, notes: dict[tuple, str]) -> dict[str, Any]:
    """A channel's fitted section: volume, handle time, patience and redials, self-service, chats, target."""
    path = ("channels", ch_name)
    cd: dict[str, Any] = {"kind": ch.kind, "volume": _volume(run, ch, notes, path)}
    cd |= _handle_time(run, ch, notes, path)
    if ch.kind in ("voice", "chat"):
        cd |= _patience(run.params, ch, notes, path)
    if ch.contained > 0:
        ss: dict[str, Any] = {"kind": _SELF_SERVICE[ch.kind], "containment": _r(ch.containment, 3)}
        if ch.self_service_time is not None:
            ss["time"] = ch.self_service_time.best.spec()
        cd["self_service"] = ss
        notes[(*path, "self_service")] = f"{ch.contained:,} of {ch.contacts:,} contacts resolved by self-service"
    if ch.kind == "chat" and ch.agents.max_concurrent > 1:
        cd["max_concurrent"] = min(20, ch.agents.max_concurrent)
        notes[(*path, "max_concurrent")] = "the most chats one agent was seen handling at once"
    cd["targets"] = {"answer_within_s": _r(ch.observed.answer_within_s, 6)}
    return cd


def _volume(run: _Run, ch: Any, notes: dict[tuple, str], path: tuple) -> dict[str, Any]:
    """Contacts per interval of the run, and the over-dispersion of the daily counts when significant."""
    params, arr = run.params, ch.arrivals
    volume: dict[str, Any] = {"per_interval": [_r(v, 4) for v in run.week(arr.weekday_per_interval)]}
    disp = arr.dispersion
    if disp.overdispersion_cv > 0:
        volume["overdispersion_cv"] = _r(disp.overdispersion_cv, 3)
    types = ", ".join(f"{t.name} ({t.dates} dates)" for t in params.day_types)
    daily = "; ".join(
        f"{t.name}: {_r(arr.daily_mean[t.name], 4):g} a day ({_ci(arr.daily_ci[t.name])})" for t in params.day_types
    )
    notes[(*path, "volume")] = (
        f"Contacts per interval: mean over {params.dates_used} dates of each day type ({types}), each weekday "
        f"scaled to its mean daily volume; {arr.contacts:,} contacts (first attempts: redials are simulated). "
        f"{daily}. Daily counts' variance/mean {_r(disp.variance_to_mean, 3):g} "
        f"(chi-square p = {disp.p_value:.3g}, {disp.dof} dof)"
        + ("" if disp.overdispersion_cv > 0 else ": no significant over-dispersion")
    )
    return volume


def _handle_time(run: _Run, ch: Any, notes: dict[tuple, str], path: tuple) -> dict[str, Any]:
    """The handle time fitted (and per interval where an interval's mean differs), or a guess without any."""
    if ch.handle is None:
        notes[(*path, "handle_time")] = "No handle times in the log: 300 s, a guess to replace"
        return {"handle_time": {"dist": "exponential", "mean_s": 300.0}}
    out: dict[str, Any] = {"handle_time": ch.handle.fit.best.spec()}
    notes[(*path, "handle_time")] = _fit_note(ch.handle.fit, "Handle time")
    k0, k1 = run.k0, run.k1
    if ch.handle.interval_differs[k0:k1].any():
        mean = ch.handle.fit.best.mean_s
        per = np.where(ch.handle.interval_differs, ch.handle.interval_mean_s, mean)[k0:k1]
        out["handle_time_per_interval_s"] = [_r(v, 4) for v in per]
        notes[(*path, "handle_time_per_interval_s")] = (
            f"{int(ch.handle.interval_differs.sum())} interval(s) whose mean handle time differs from the "
            "channel's (z-test, 5 % with Bonferroni); the fitted mean elsewhere"
        )
    return out


def _patience(params: Parameters, ch: Any, notes: dict[tuple, str], path: tuple) -> dict[str, Any]:
    """A voice or chat channel's patience (None when nobody abandoned), and its redials when seen."""
    out: dict[str, Any] = {}
    p = ch.patience
    if p is not None and p.fit is not None:
        out["patience"] = p.fit.best.spec()
        notes[(*path, "patience")] = _fit_note(p.fit, "Patience, censored by answered waits") + (
            f"; total queue time / abandonments = {_r(p.simple_mean_s, 4):g} s"
        )
    else:
        out["patience"] = None
        notes[(*path, "patience")] = "Nobody abandoned in the log: customers never hang up (Erlang C)"
    r = ch.redials
    if r is not None and r.delay is not None and r.redialled >= 5:
        out["redial"] = {"probability": _r(r.probability, 3), "delay": r.delay.best.spec()}
        notes[(*path, "redial")] = (
            f"{r.redialled:,} of {r.abandoned:,} abandoning customers came back within "
            f"{params.log.redial_window_s / 3600:g} h ({_ci(r.probability_ci)}); " + _fit_note(r.delay, "delay")
        )
    return out


def _group(
    run: _Run,
    ch_name: str,
    ch: Any,
    staffing: Mapping[str, Sequence[float]] | None,
    staffing_note: str | None,
    notes: dict[tuple, str],
) -> dict[str, Any]:
    """A channel's agent group: the staffing given, else the agents seen working (the placeholder)."""
    group = group_name(ch_name)
    if staffing is not None and group in staffing:
        values = [float(v) for v in staffing[group]]
        note = staffing_note or "staffing given to scenario_data"
    else:
        seen = []
        for w in run.weekdays:
            t = run.params.day_type_of(w)
            seen.append(np.zeros(run.k1 - run.k0) if t is None else ch.agents.distinct[t.name][run.k0 : run.k1])
        values = [round(float(v)) for v in np.concatenate(seen) * run.is_open]
        note = PLACEHOLDER_NOTE
    notes[("agent_groups", group, "staffing")] = note
    return {"skills": [ch_name], "staffing": [int(v) if float(v).is_integer() else v for v in values]}


def scenario_data(
    params: Parameters,
    *,
    name: str | None = None,
    staffing: Mapping[str, Sequence[float]] | None = None,
    staffing_note: str | None = None,
    availability: Mapping[str, Sequence[float]] | None = None,
) -> dict[str, Any]:
    """The fitted scenario as a dict (``ccsim.scenario_from_dict`` validates it).

    Parameters
    ----------
    params : Parameters
        From :func:`ccsim.fit.estimate`.
    name : str, optional
        The scenario's name (default "Fitted desk").
    staffing : mapping, optional
        ``{group: one value per interval of the run}`` replacing the placeholder (the agents
        seen) of those groups; group names are :func:`group_name` of each channel.
    staffing_note : str, optional
        Where the given staffing comes from (the YAML comment).
    availability : mapping, optional
        ``{group: one share per interval of the run}``: the groups' ``availability``.

    Returns
    -------
    dict
    """
    return _build(params, name, staffing, staffing_note, availability)[0]


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return f"{v:g}" if abs(v) < 1e15 and v == round(v, 10) and "e" not in f"{v:g}" else repr(v)
    text = str(v)
    if _PLAIN.match(text) and text.lower() not in ("true", "false", "null", "yes", "no", "on", "off", "y", "n"):
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v)


def _comment(text: str, indent: str, width: int = 100) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(indent) + 2 + len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return [f"{indent}# {line}" for line in lines]


def _emit(obj: dict, path: tuple, depth: int, notes: dict[tuple, str], per_day: int, day_names: list[str]) -> list[str]:
    lines: list[str] = []
    indent = "  " * depth
    for key, value in obj.items():
        here = (*path, key)
        if here in notes:
            lines += _comment(notes[here], indent)
        small = isinstance(value, dict) and (
            "dist" in value
            or key in ("targets", "hours")
            or (len(value) <= 2 and all(not isinstance(x, dict | list) for x in value.values()))
        )
        if isinstance(value, dict) and value and not small:
            lines.append(f"{indent}{key}:")
            lines += _emit(value, here, depth + 1, notes, per_day, day_names)
        elif isinstance(value, list) and len(value) > 12 and all(isinstance(x, int | float) for x in value):
            lines.append(f"{indent}{key}: [")
            step = per_day if len(value) % per_day == 0 else 12
            for i in range(0, len(value), step):
                chunk = ", ".join(_scalar(x) for x in value[i : i + step])
                end = "," if i + step < len(value) else ""
                label = f"  # {day_names[i // step]}" if step == per_day and len(value) > per_day else ""
                lines.append(f"{indent}  {chunk}{end}{label}")
            lines.append(f"{indent}]")
        else:
            lines.append(f"{indent}{key}: {_flow(value)}")
    return lines


def scenario_yaml(
    params: Parameters,
    *,
    name: str | None = None,
    staffing: Mapping[str, Sequence[float]] | None = None,
    staffing_note: str | None = None,
    availability: Mapping[str, Sequence[float]] | None = None,
) -> str:
    """The fitted scenario as YAML, commented with where every number came from.

    Takes the arguments of :func:`scenario_data`; ``yaml.safe_load`` of the text gives the
    same dict.
    """
    data, notes = _build(params, name, staffing, staffing_note, availability)
    c = params.log.cleaning
    head = [
        f"Fitted by ccsim fit from {len(c.files)} file(s): {', '.join(c.files)}.",
        f"{c.rows_read:,} rows read, {c.rows_kept:,} used; {c.rows_dropped:,} dropped"
        + (f" ({'; '.join(f'{d.reason} {d.count:,}' for d in c.dropped)})" if c.dropped else "")
        + ".",
        f"Dates {c.first_date} to {c.last_date}; "
        + (
            f"{len(c.excluded_days)} exceptional day(s) "
            + ("kept" if c.kept_all_days else "left out")
            + ": "
            + ", ".join(f"{d.date} ({d.contacts})" for d in c.excluded_days[:10])
            + (" ..." if len(c.excluded_days) > 10 else "")
            if c.excluded_days
            else "no exceptional days"
        )
        + ".",
        "Day types (weekdays with alike intraday profiles): "
        + ", ".join(f"{t.name}" for t in params.day_types)
        + ". Rules and estimators: docs/fit.md.",
    ]
    lines = []
    for text in head:
        lines += _comment(text, "")
    wds = run_weekdays(params)
    k0, k1 = run_window(params)
    lines += _emit(data, (), 0, notes, k1 - k0, [WEEKDAYS[w] for w in wds])
    return "\n".join(lines) + "\n"
