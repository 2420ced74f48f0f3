"""Simulation results: every replication's KPIs, their summaries, targets and paired comparisons.

A :class:`SimulationResult` keeps the per-interval sums of every replication, so that every
summary is computed from per-replication values: means and 95 % confidence intervals here,
paired differences in :func:`compare`, and costs with thresholds downstream (the mean of
``max(0, X - 100)`` is not ``max(0, mean X - 100)``). Wait histograms are the exception: they
are kept per replication for each channel's whole run, and pooled over replications per
interval (so memory does not grow with replications x intervals x histogram bins).

KPI names are defined once in ``docs/kpis.md`` (:data:`ccsim.results.kpis.CHANNEL_KPIS` and
:data:`ccsim.results.kpis.GROUP_KPIS`). A misspelt KPI is an error that lists the valid names.

Code above the results (economics, planning, variants) reads the raw sums by statistic name:
:meth:`SimulationResult.channel_stat`, :meth:`~SimulationResult.group_stat` and
:meth:`~SimulationResult.vendor_stat` on a result, or :func:`channel_column`,
:func:`group_column` and :func:`vendor_column` on an array already cut or summed from those
sums (the statistics are the last axis). Neither needs the column layout of
:mod:`ccsim.results.layout`; a misspelt statistic is an error that lists the valid names.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from scipy import special

from ccsim.errors import CcsimError
from ccsim.results.kpis import CHANNEL_KPIS, GROUP_KPIS, channel_kpis, group_kpis, wait_quantile
from ccsim.results.layout import CH_STATS, GROUP_STATS, VENDOR_STATS

__all__ = [
    "Comparison",
    "KpiError",
    "KpiRow",
    "SimulationResult",
    "TargetCheck",
    "channel_column",
    "compare",
    "group_column",
    "vendor_column",
]

_C = {name: i for i, name in enumerate(CH_STATS)}
_G = {name: i for i, name in enumerate(GROUP_STATS)}

#: Channel targets: (target name in the scenario, KPI it bounds, whether it is an upper bound).
TARGETS = (
    ("min_service_level", "service_level", False),
    ("max_abandon_rate", "abandon_rate", True),
    ("max_asa_s", "asa_s", True),
)
#: Relative slack when comparing a value with a target (docs/kpis.md).
TARGET_SLACK = 1e-12
#: KPIs that mean nothing for email and SNS (nobody abandons; the backlog is what waits).
_BACKLOG_HIDDEN = frozenset({"answer_rate", "abandoned", "abandon_rate"})
#: KPIs of the all row that would pool seconds with hours, or abandonment with a backlog.
_MIXED_HIDDEN = frozenset({"answer_rate", "abandon_rate", "p_wait", "asa_s", "mean_wait_all_s", "wait_p90_s"})


class KpiError(CcsimError, KeyError):
    """A KPI, channel, group or interval that a result does not have (the message lists the valid ones)."""

    def __str__(self) -> str:
        return str(self.args[0])


def _unknown(what: str, name: object, valid) -> KpiError:
    valid = [str(v) for v in valid]
    close = difflib.get_close_matches(str(name), valid, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return KpiError(f"no {what} {name!r}{hint} (valid: {', '.join(valid)})")


def _column(what: str, stats: tuple[str, ...], sums: np.ndarray, name: str) -> np.ndarray:
    if name not in stats:
        raise _unknown(what, name, stats)
    i = stats.index(name)
    if i >= sums.shape[-1]:
        raise KpiError(
            f"no {what} {name!r} in these sums ({sums.shape[-1]} statistics, not {len(stats)}: "
            "simulated by an older ccsim?); simulate again"
        )
    return sums[..., i]


def channel_column(sums: np.ndarray, name: str) -> np.ndarray:
    """One channel statistic of an array of channel sums (statistics on the last axis).

    For arrays cut or summed from :attr:`SimulationResult.channel_sums` (e.g. summed over some
    intervals); on a result itself, :meth:`SimulationResult.channel_stat` says the same.

    Parameters
    ----------
    sums : numpy.ndarray
        Any shape ``(..., statistics)``, in the layout of ``channel_sums``.
    name : str
        The statistic: ``offered``, ``answered``, ``answered_within``, ``queue_s``, ...
        (:data:`ccsim.results.layout.CH_STATS`, which documents each).

    Returns
    -------
    numpy.ndarray
        ``sums[..., column]``: a view, the shape of ``sums`` without its last axis.

    Raises
    ------
    KpiError
        For an unknown statistic (the message lists the valid ones).
    """
    return _column("channel statistic", CH_STATS, sums, name)


def group_column(sums: np.ndarray, name: str) -> np.ndarray:
    """One agent-group statistic of an array of group sums (statistics on the last axis).

    As :func:`channel_column`, for :attr:`SimulationResult.group_sums` (``scheduled_s``,
    ``busy_s``, ``handled``, ``transfers_offered``, ...: :data:`ccsim.results.layout.GROUP_STATS`).
    """
    return _column("agent-group statistic", GROUP_STATS, sums, name)


def vendor_column(sums: np.ndarray, name: str) -> np.ndarray:
    """One vendor statistic of an array of vendor sums (statistics on the last axis).

    As :func:`channel_column`, for :attr:`SimulationResult.vendor_sums` (``offered``,
    ``answered``, ``answered_within``, ``wait_answered_s``, ``abandoned``, ``taken_back``,
    ``abandoned_short``: :data:`ccsim.results.layout.VENDOR_STATS`).
    """
    return _column("vendor statistic", VENDOR_STATS, sums, name)


class KpiRow(dict):
    """One row of KPIs (a plain dict); a missing key is a :class:`KpiError` naming the valid keys."""

    def __missing__(self, key: object) -> Any:
        raise _unknown("KPI", key, [k for k in self if not str(k).endswith("_ci95")])


@dataclass(frozen=True)
class TargetCheck:
    """One channel target against the simulated value.

    Attributes
    ----------
    channel : str
        Channel name.
    target_name : str
        The target as the scenario names it: ``min_service_level``, ``max_abandon_rate`` or
        ``max_asa_s``.
    kpi : str
        The KPI it bounds: ``service_level``, ``abandon_rate`` or ``asa_s``.
    target : float
        The target value.
    value : float or None
        The simulated mean (None when undefined, e.g. nothing offered).
    ci95 : float or None
        The 95 % confidence half-width of the mean (None with one replication).
    status : str
        ``met``, ``MISSED``, or ``uncertain`` when the 95 % confidence interval contains the
        target, or there is none (one replication): more replications would tell.
    intervals_met : float or None
        Share of the measured intervals (with a defined value) whose mean meets the target.
    """

    channel: str
    target_name: str
    kpi: str
    target: float
    value: float | None
    ci95: float | None
    status: str
    intervals_met: float | None

    @property
    def met(self) -> bool:
        """Whether the mean meets the target beyond doubt (status ``met``)."""
        return self.status == "met"


def _meets(value: float, target: float, upper: bool) -> bool:
    slack = TARGET_SLACK * max(abs(target), 1.0)
    return value <= target + slack if upper else value >= target - slack


def _status(value: float | None, half: float | None, target: float, upper: bool) -> str:
    if value is None:
        return "MISSED"
    if half is None:  # one replication: no confidence interval to judge by
        return "uncertain"
    if half > 0 and (value - half) <= target <= (value + half):
        return "uncertain"
    return "met" if _meets(value, target, upper) else "MISSED"


def mean_ci(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over axis 0 (replications) and the 95 % confidence half-width (Student t).

    NaN values (a KPI undefined in a replication) are left out; the half-width is NaN with
    fewer than two values, and exactly 0 when every value is the same (no randomness).
    """
    values = np.asarray(values, dtype=float)
    valid = ~np.isnan(values)
    n = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.where(valid, values, 0.0).sum(axis=0) / np.maximum(n, 1), np.nan)
        dev = np.where(valid, values - mean, 0.0)
        var = (dev**2).sum(axis=0) / np.maximum(n - 1, 1)
        t = special.stdtrit(np.maximum(n - 1, 1), 0.975)  # Student t quantile (scipy.stats.t.ppf)
        half = np.where(n > 1, t * np.sqrt(var / np.maximum(n, 1)), np.nan)
        # a value without randomness (the same in every replication) has no interval at all,
        # not one of a few units in the last place
        same = np.where(valid, values, np.inf).min(axis=0) == np.where(valid, values, -np.inf).max(axis=0)
        half = np.where(same & (n > 1), 0.0, half)
    return mean, half


def _py(x: float | np.ndarray) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """What a simulation run found: every replication's sums, and summaries computed from them.

    Attributes
    ----------
    scenario : str
        Scenario name.
    variant : str or None
        Variant simulated (None: the base scenario).
    seed : int
        The seed used (drawn and recorded when none was given).
    replications : int
        Replications finished.
    replications_requested : int
        Replications asked for (more than finished when interrupted).
    interrupted : bool
        Whether the run was stopped (Ctrl-C) before all replications finished.
    contacts : int
        Contacts simulated over all replications.
    elapsed_s : float
        Wall-clock time of the simulation (not part of :meth:`to_dict`).
    staffing : dict
        ``{group: numpy int array}``: agents on duty per interval, as simulated.
    channel_names, group_names : list of str
        Names in array order.
    interval_labels : list of str
        ``day D HH:MM`` per interval.
    interval_starts_s : list of float
        Interval starts, seconds from midnight of the first day.
    interval_s : float
        Interval length in seconds.
    measured : numpy.ndarray
        Boolean per interval: outside the warm-up (counted in the channel and group figures).
    answer_within_s : dict
        The service level's answer target per channel, in seconds.
    channel_targets : dict
        ``{channel: {target name: value}}`` from the scenario.
    channel_kinds : dict
        ``{channel: voice, chat, email or sns}``.
    not_modelled : tuple of str
        KPIs the scenario does not model (e.g. resolution without any resolution or escalation
        given); they are None in the summary rows.
    dispatch : str
        The dispatch policy the run used (a built-in name, or a user's class name); any but
        ``skill-priority`` ran the fast engine's general path (:mod:`ccsim.engine.dispatch`).
    start_weekday : str
        Weekday of the first day (``mon`` ... ``sun``).
    weekly : bool
        Whether the weekdays differ (a day-of-week volume pattern, or groups working on some
        weekdays only): plots of long runs then show one average day per weekday.
    shrinkage : numpy.ndarray
        Shrinkage per group.
    replication_ids : numpy.ndarray
        The replication number of each kept replication (paired comparisons match on it).
    channel_sums : numpy.ndarray
        ``(replications, channels, intervals, len(CH_STATS))`` sums.
    group_sums : numpy.ndarray
        ``(replications, groups, intervals, len(GROUP_STATS))`` sums.
    wait_hist : numpy.ndarray
        ``(replications, channels, bins)`` waits of answered contacts over the measured intervals.
    interval_wait_hist : numpy.ndarray
        ``(channels, intervals, bins)`` waits of answered contacts, pooled over replications.
    traces : list
        Event logs per replication, when asked for.
    vendor_names : list of str
        The scenario's vendors.
    vendor_sums : numpy.ndarray or None
        ``(replications, vendors, channels, intervals, len(VENDOR_STATS))``: what each vendor
        was sent of each channel, answered (within its SLA's ``answer_within_s``, else the
        channel's answer target, and its waits from the vendor offer), lost to hang-ups (and of
        them, those within the SLA's ``short_abandon_s``) and gave back, per interval of the
        vendor offer.
    """

    scenario: str
    variant: str | None
    seed: int
    replications: int
    replications_requested: int
    interrupted: bool
    contacts: int
    elapsed_s: float
    staffing: dict[str, np.ndarray]
    channel_names: list[str]
    group_names: list[str]
    interval_labels: list[str]
    interval_starts_s: list[float]
    interval_s: float
    measured: np.ndarray
    answer_within_s: dict[str, float]
    channel_targets: dict[str, dict[str, float]]
    channel_kinds: dict[str, str]
    not_modelled: tuple[str, ...]
    start_weekday: str
    weekly: bool
    shrinkage: np.ndarray
    replication_ids: np.ndarray
    channel_sums: np.ndarray = field(repr=False)
    group_sums: np.ndarray = field(repr=False)
    wait_hist: np.ndarray = field(repr=False)
    interval_wait_hist: np.ndarray = field(repr=False)
    traces: list = field(default_factory=list, repr=False)
    vendor_names: list[str] = field(default_factory=list)
    vendor_sums: np.ndarray | None = field(default=None, repr=False)
    dispatch: str = "skill-priority"

    # ------------------------------------------------------------------ raw sums by name

    def channel_stat(self, name: str) -> np.ndarray:
        """One statistic of every channel and interval, per replication, as the engines counted it.

        The raw sums the KPIs are computed from, warm-up included (select the measured intervals
        with :attr:`measured`); ``backlog_end`` is a snapshot at each interval's end, not a sum.

        Parameters
        ----------
        name : str
            A channel statistic (:data:`ccsim.results.layout.CH_STATS`: ``arrivals``,
            ``offered``, ``answered``, ``abandoned``, ``answered_within``, ``queue_s``,
            ``backlog_end``, ``issues_resolved``, ...).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications, channels, intervals)``, channels in :attr:`channel_names`
            order (a view of :attr:`channel_sums`: do not write to it).

        Raises
        ------
        KpiError
            For an unknown statistic (the message lists the valid ones).
        """
        return channel_column(self.channel_sums, name)

    def group_stat(self, name: str) -> np.ndarray:
        """One statistic of every agent group and interval, per replication.

        As :meth:`channel_stat`, for :data:`ccsim.results.layout.GROUP_STATS` (``scheduled_s``,
        ``busy_s``, ``handled``, ``handle_s``, ``resolved``, ``transfers_offered``,
        ``voice_handle_s``, ...): shape ``(replications, groups, intervals)``, groups in
        :attr:`group_names` order.
        """
        return group_column(self.group_sums, name)

    def vendor_stat(self, name: str, vendor: str | None = None) -> np.ndarray:
        """One statistic of what each vendor was sent of each channel, per replication and interval.

        As :meth:`channel_stat`, for :data:`ccsim.results.layout.VENDOR_STATS` (``offered``,
        ``answered``, ``answered_within``, ``wait_answered_s``, ``abandoned``, ``taken_back``,
        ``abandoned_short``), per interval of the vendor offer.

        Parameters
        ----------
        name : str
            The statistic.
        vendor : str, optional
            One vendor (of :attr:`vendor_names`); default: every vendor.

        Returns
        -------
        numpy.ndarray
            ``(replications, vendors, channels, intervals)``, or ``(replications, channels,
            intervals)`` for one vendor.

        Raises
        ------
        KpiError
            For an unknown statistic or vendor, or a result without vendor sums
            (:attr:`vendor_sums` None, as in a result built by hand without them).
        """
        if self.vendor_sums is None:
            raise KpiError(f"vendor_stat: the result of {self.scenario!r} has no vendor sums")
        if vendor is None:
            return vendor_column(self.vendor_sums, name)
        if vendor not in self.vendor_names:
            raise _unknown("vendor", vendor, self.vendor_names)
        return vendor_column(self.vendor_sums[:, self.vendor_names.index(vendor)], name)

    # ------------------------------------------------------------------ per replication

    @cached_property
    def _channel_totals(self) -> dict[str, np.ndarray]:
        """Per-replication channel KPIs over the measured intervals: ``(replications, channels + all)``."""
        m = self.measured
        tot = self.channel_sums.sum(axis=2, where=m[None, None, :, None])  # no copy of the sums
        last = np.flatnonzero(m)[-1]
        tot[..., _C["backlog_end"]] = self.channel_sums[:, :, last, _C["backlog_end"]]  # a snapshot, not a sum
        tot = np.concatenate([tot, tot.sum(axis=1, keepdims=True)], axis=1)
        hist = np.concatenate([self.wait_hist, self.wait_hist.sum(axis=1, keepdims=True)], axis=1)
        return channel_kpis(tot, hist, self.interval_s * int(m.sum()))

    @cached_property
    def _group_totals(self) -> dict[str, np.ndarray]:
        """Per-replication group KPIs over the measured intervals: ``(replications, groups + all)``."""
        tot = self.group_sums.sum(axis=2, where=self.measured[None, None, :, None])
        shr = np.asarray(self.shrinkage, dtype=float)
        paid_all = (tot[..., _G["scheduled_s"]] / (1 - shr)).sum(axis=1)
        kpis = group_kpis(np.concatenate([tot, tot.sum(axis=1, keepdims=True)], axis=1), np.append(shr, 0.0))
        kpis["agent_hours_paid"][:, -1] = paid_all / 3600.0
        return kpis

    def _interval_kpis(self, is_channel: bool, i: int, k: int | slice = slice(None)) -> dict[str, np.ndarray]:
        """Per-replication KPIs of channel or group ``i`` (``len(names)``: all) in interval(s) ``k``.

        Computed for one channel or group at a time, so that memory stays at one KPI table of
        replications x intervals (``wait_p90_s`` is absent: per interval it is pooled).
        """
        if is_channel:
            sums = self.channel_sums
            part = sums[:, i, k] if i < sums.shape[1] else sums[:, :, k].sum(axis=1)
            return channel_kpis(part, None, self.interval_s)
        sums = self.group_sums
        shr = np.asarray(self.shrinkage, dtype=float)
        if i < sums.shape[1]:
            return group_kpis(sums[:, i, k], shr[i])
        kpis = group_kpis(sums[:, :, k].sum(axis=1), 0.0)
        scheduled = sums[:, :, k][..., _G["scheduled_s"]]  # (replications, groups[, intervals])
        keep = (1 - shr).reshape((1, -1) + (1,) * (scheduled.ndim - 2))
        kpis["agent_hours_paid"] = (scheduled / keep).sum(axis=1) / 3600.0
        return kpis

    def contact_log(self) -> dict[str, np.ndarray]:
        """Every simulated contact, one row each, as columns (``pandas.DataFrame(result.contact_log())``).

        (``result.contacts`` is the number of contacts simulated.)

        The columns of :mod:`ccsim.contact_log` (an ACD export's: channel, arrival, answer and
        end times, outcome, group, wait and handle seconds), built from the event traces: run
        with ``simulate(..., trace=True)``.

        Raises
        ------
        ccsim.CcsimError
            When the run kept no traces.
        """
        from ccsim.contact_log import COLUMNS, contact_log

        if not self.traces:
            raise CcsimError("contact_log: the run kept no event traces; simulate with trace=True")
        days = int(max(self.interval_starts_s) // 86400) + 1
        rows = contact_log(
            self.traces, replication_ids=self.replication_ids, start_weekday=self.start_weekday, days=days
        )
        out = {}
        for col in COLUMNS:
            values = [r[col] for r in rows]
            if col in ("wait_s", "handle_s"):
                out[col] = np.array([np.nan if v is None else v for v in values], dtype=float)
            elif col == "replication":
                out[col] = np.array(values, dtype=np.int64)
            else:
                out[col] = np.array(values, dtype=object)
        return out

    def replication_values(
        self,
        kpi: str,
        channel: str | None = None,
        group: str | None = None,
        interval: int | str | None = None,
    ) -> np.ndarray:
        """One value of a KPI per replication (NaN where it is undefined in a replication).

        Parameters
        ----------
        kpi : str
            A channel KPI (``CHANNEL_KPIS``) or an agent-group KPI (``GROUP_KPIS``).
        channel : str, optional
            Channel name, or ``all`` (the default for a channel KPI).
        group : str, optional
            Agent group name, or ``all`` (the default for a group-only KPI). Give ``group`` for
            a KPI both have (``aht_s``, ``resolution_rate``, ``escalation_rate``, ``handled``).
        interval : int or str, optional
            One interval (index, or label such as ``day 1 09:30``); default: the whole run after
            the warm-up.

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``, in the order of :attr:`replication_ids`.

        Raises
        ------
        KpiError
            For an unknown KPI, channel, group or interval (the message lists the valid ones).
        """
        if channel is not None and group is not None:
            raise CcsimError("replication_values: give channel or group, not both")
        is_channel = kpi in CHANNEL_KPIS and group is None
        if group is not None and kpi not in GROUP_KPIS:
            raise _unknown("agent-group KPI", kpi, GROUP_KPIS)
        if not is_channel and kpi not in GROUP_KPIS:
            raise _unknown("KPI", kpi, dict.fromkeys([*CHANNEL_KPIS, *GROUP_KPIS]))
        if is_channel:
            names, name = self.channel_names, "all" if channel is None else channel
        else:
            if channel is not None:
                raise _unknown("channel KPI", kpi, CHANNEL_KPIS)
            names, name = self.group_names, "all" if group is None else group
        what = "channel" if is_channel else "agent group"
        if interval is None:
            valid = [*names, "all"]
            if name not in valid:
                raise _unknown(what, name, valid)
            table = self._channel_totals if is_channel else self._group_totals
            return table[kpi][:, valid.index(name)].copy()
        valid = [*names, "all"]
        if name not in valid:
            raise _unknown(what, name, valid)
        k = self._interval_index(interval)
        if kpi == "wait_p90_s":
            raise CcsimError(
                f"{kpi} per interval comes from wait histograms pooled over replications: "
                "there is one value, in result.intervals, not one per replication"
            )
        return self._interval_kpis(is_channel, valid.index(name), k)[kpi].copy()

    def _interval_index(self, interval: int | str) -> int:
        if isinstance(interval, str):
            if interval not in self.interval_labels:
                close = difflib.get_close_matches(interval, self.interval_labels, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise KpiError(
                    f"no interval {interval!r}{hint} (labels run from {self.interval_labels[0]!r} "
                    f"to {self.interval_labels[-1]!r})"
                )
            return self.interval_labels.index(interval)
        n = len(self.interval_labels)
        if isinstance(interval, bool) or not isinstance(interval, int | np.integer) or not 0 <= interval < n:
            raise KpiError(f"interval: must be an index in [0, {n}) or a label such as {self.interval_labels[0]!r}")
        return int(interval)

    # ------------------------------------------------------------------ summaries

    def hidden(self, name: str, key: str = "channel") -> frozenset[str]:
        """KPIs left out (None) of the summary rows of a channel or group (``all`` included).

        Those the scenario does not model (:attr:`not_modelled`); for email and SNS, which
        nobody abandons, the answer and abandonment figures (their service level within the
        target hours and the backlog say what matters); and for the ``all`` row of a desk that
        mixes real-time channels (voice, chat) with backlog channels (email, SNS), the figures
        that would average seconds with hours or a backlog with abandonment.
        """
        out = set(self.not_modelled)
        if key != "channel":
            return frozenset(out)
        kinds = set(self.channel_kinds.values()) if name == "all" else {self.channel_kinds.get(name)}
        realtime = kinds & {"voice", "chat"}
        if not realtime:
            out |= _BACKLOG_HIDDEN
        elif len(realtime) < len(kinds):  # the all row of a mixed desk
            out |= _MIXED_HIDDEN
        return frozenset(out)

    def _rows(self, kpis: dict[str, np.ndarray], names: list[str], key: str, order: tuple) -> list[KpiRow]:
        out = []
        for i, name in enumerate(names):
            row = KpiRow({key: name})
            if key == "channel":
                row["answer_within_s"] = self.answer_within_s.get(name)
            hidden = self.hidden(name, key)
            for kpi in order:
                mean, half = mean_ci(kpis[kpi][:, i])
                row[kpi] = None if kpi in hidden else _py(mean)
                row[f"{kpi}_ci95"] = None if kpi in hidden else _py(half)
            out.append(row)
        return out

    @cached_property
    def channels(self) -> list[KpiRow]:
        """One row per channel and a final ``all`` row: mean KPIs and ``<kpi>_ci95`` half-widths."""
        return self._rows(self._channel_totals, [*self.channel_names, "all"], "channel", CHANNEL_KPIS)

    @cached_property
    def groups(self) -> list[KpiRow]:
        """One row per agent group and a final ``all`` row."""
        return self._rows(self._group_totals, [*self.group_names, "all"], "group", GROUP_KPIS)

    def _interval_rows(self, names: list[str], key: str, order: tuple) -> list[KpiRow]:
        at_once = self.channel_sums[..., _C["answered_at_once"]].sum(axis=0)  # pooled, like the histograms
        p90 = wait_quantile(self.interval_wait_hist, 0.9, at_once) if key == "channel" else None
        out = []
        for i, name in enumerate(names):
            kpis = self._interval_kpis(key == "channel", i)
            summary: dict[str, tuple[np.ndarray, np.ndarray | None]] = {
                kpi: mean_ci(values) for kpi, values in kpis.items()
            }  # each (intervals,)
            if p90 is not None:
                summary["wait_p90_s"] = (p90[i], None)
            hidden = self.hidden(name, key)
            for k, label in enumerate(self.interval_labels):
                row = KpiRow(
                    {
                        key: name,
                        "interval": k,
                        "label": label,
                        "start_s": self.interval_starts_s[k],
                        "warmup": not bool(self.measured[k]),
                    }
                )
                for kpi in order:
                    mean, half = summary[kpi]
                    shown = kpi not in hidden
                    row[kpi] = _py(mean[k]) if shown else None
                    row[f"{kpi}_ci95"] = _py(half[k]) if half is not None and shown else None
                out.append(row)
        return out

    @cached_property
    def intervals(self) -> list[KpiRow]:
        """One row per channel and interval (tidy: hand it to ``pandas.DataFrame``).

        ``wait_p90_s`` per interval comes from histograms pooled over replications (no CI).
        """
        return self._interval_rows(self.channel_names, "channel", CHANNEL_KPIS)

    @cached_property
    def group_intervals(self) -> list[KpiRow]:
        """One row per agent group and interval."""
        return self._interval_rows(self.group_names, "group", GROUP_KPIS)

    def channel(self, name: str = "all") -> KpiRow:
        """The summary row of one channel (``all``: every channel together)."""
        for row in self.channels:
            if row["channel"] == name:
                return row
        raise _unknown("channel", name, [r["channel"] for r in self.channels])

    def group(self, name: str = "all") -> KpiRow:
        """The summary row of one agent group (``all``: every group together)."""
        for row in self.groups:
            if row["group"] == name:
                return row
        raise _unknown("agent group", name, [r["group"] for r in self.groups])

    @cached_property
    def targets(self) -> list[TargetCheck]:
        """Every channel target: met, MISSED or uncertain, and the share of intervals meeting it."""
        checks = []
        for name, targets in self.channel_targets.items():
            row = self.channel(name)
            for target_name, kpi, upper in TARGETS:
                target = targets.get(target_name)
                if target is None:
                    continue
                value, half = row[kpi], row[f"{kpi}_ci95"]
                per_interval = [
                    r[kpi] for r in self.intervals if r["channel"] == name and not r["warmup"] and r[kpi] is not None
                ]
                share = (
                    sum(_meets(v, target, upper) for v in per_interval) / len(per_interval) if per_interval else None
                )
                checks.append(
                    TargetCheck(name, target_name, kpi, target, value, half, _status(value, half, target, upper), share)
                )
        return checks

    def to_dict(self) -> dict[str, Any]:
        """The whole result as plain JSON-ready data (None for undefined values; no timing)."""
        return {
            "scenario": self.scenario,
            "variant": self.variant,
            "seed": self.seed,
            "replications": self.replications,
            "replications_requested": self.replications_requested,
            "interrupted": self.interrupted,
            "contacts": self.contacts,
            "staffing": {g: [int(x) for x in v] for g, v in self.staffing.items()},
            "not_modelled": list(self.not_modelled),
            "dispatch": self.dispatch,
            "targets": [vars(t) | {"met": t.met} for t in self.targets],
            "channels": self.channels,
            "groups": self.groups,
            "intervals": self.intervals,
            "group_intervals": self.group_intervals,
        }


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Comparison:
    """Paired differences ``b - a`` between two results of one scenario's calendar and seed.

    Attributes
    ----------
    a, b : str
        Labels of the two results (scenario and variant).
    replications : int
        Replications paired (those with the same replication number in both).
    rows : list of dict
        One row per KPI and channel or group: ``kpi``, ``channel`` or ``group``, ``mean_a``,
        ``mean_b``, ``diff`` (mean of the paired differences b - a), ``diff_ci95`` (its 95 %
        half-width from the paired differences), ``unpaired_ci95`` (the Welch half-width the
        same difference would have from independent runs) and ``pairs`` (replications where
        the KPI is defined in both).
    """

    a: str
    b: str
    replications: int
    rows: list[dict] = field(repr=False)

    def diff(self, kpi: str, channel: str | None = None, group: str | None = None) -> dict:
        """The row of one KPI for a channel (default ``all``) or a group."""
        key, name = ("group", group) if group is not None else ("channel", "all" if channel is None else channel)
        for row in self.rows:
            if row["kpi"] == kpi and row.get(key) == name:
                return row
        kpis = sorted({r["kpi"] for r in self.rows if key in r})
        if kpi not in kpis:
            raise _unknown("KPI", kpi, kpis)
        raise _unknown(key, name, sorted({r[key] for r in self.rows if key in r}))


def _label(res: SimulationResult) -> str:
    return res.scenario + (f" [{res.variant}]" if res.variant else "")


def _welch_half(x: np.ndarray, y: np.ndarray) -> float | None:
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    if len(x) < 2 or len(y) < 2:
        return None
    vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se2 = vx + vy
    if se2 == 0:
        return 0.0
    dof = se2**2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1)) if vx > 0 and vy > 0 else len(x) + len(y) - 2
    return _py(special.stdtrit(dof, 0.975) * math.sqrt(se2))


def compare(a: SimulationResult, b: SimulationResult) -> Comparison:
    """Paired comparison of two results: per KPI and channel or group, ``b - a`` with a 95 % CI.

    Replication ``i`` of ``a`` is paired with replication ``i`` of ``b``. With the same seed,
    both saw the same contacts (common random numbers: the same arrival times, handle times
    and patience in every replication), so the paired differences vary far less than two
    independent runs would, and the confidence interval of the difference is narrower. This
    is valid only under common random numbers: the two results must come from the same seed
    and calendar (for example two staffings or variants of one scenario).

    Parameters
    ----------
    a, b : SimulationResult
        The results to compare (differences are ``b - a``).

    Returns
    -------
    Comparison

    Raises
    ------
    ccsim.CcsimError
        When the seeds, channels or calendars differ, or no replication is in both.
    """
    for res in (a, b):
        if not isinstance(res, SimulationResult):
            raise CcsimError(f"compare: expected two SimulationResults, got {type(res).__name__}")
    if a.seed != b.seed:
        raise CcsimError(
            f"compare: the results have different seeds ({a.seed} and {b.seed}); paired differences need "
            "common random numbers: simulate both with the same seed"
        )
    if a.channel_names != b.channel_names:
        raise CcsimError(f"compare: the results have different channels ({a.channel_names} and {b.channel_names})")
    if a.interval_labels != b.interval_labels:
        raise CcsimError("compare: the results have different calendars; compare runs of one calendar")
    if not np.array_equal(a.measured, b.measured):
        raise CcsimError(
            "compare: the results have different warm-ups (simulation.warmup_min); paired KPI differences need "
            "the same measured intervals: give every variant the same warm-up"
        )
    common = np.intersect1d(a.replication_ids, b.replication_ids)
    if common.size == 0:
        raise CcsimError("compare: no replication number is in both results")
    ia = np.searchsorted(a.replication_ids, common)
    ib = np.searchsorted(b.replication_ids, common)
    rows: list[dict] = []

    def add(key: str, name: str, kpi: str, x: np.ndarray, y: np.ndarray) -> None:
        d = y - x
        mean, half = mean_ci(d)
        ma, _ = mean_ci(x)
        mb, _ = mean_ci(y)
        rows.append(
            {
                "kpi": kpi,
                key: name,
                "mean_a": _py(ma),
                "mean_b": _py(mb),
                "diff": _py(mean),
                "diff_ci95": _py(half),
                "unpaired_ci95": _welch_half(x, y),
                "pairs": int((~np.isnan(d)).sum()),
            }
        )

    for name in [*a.channel_names, "all"]:
        for kpi in CHANNEL_KPIS:
            x = a.replication_values(kpi, channel=name)[ia]
            y = b.replication_values(kpi, channel=name)[ib]
            add("channel", name, kpi, x, y)
    for name in [g for g in a.group_names if g in b.group_names] + ["all"]:
        for kpi in GROUP_KPIS:
            x = a.replication_values(kpi, group=name)[ia]
            y = b.replication_values(kpi, group=name)[ib]
            add("group", name, kpi, x, y)
    return Comparison(_label(a), _label(b), int(common.size), rows)
