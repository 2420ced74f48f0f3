"""Judging a staffing: every target a simulation of it misses, interval by interval.

A staffing is judged on the *mean over replications* of each interval's KPI (with
``confident``, on its 95 % confidence interval): voice and chat per interval, email and SNS
per day, a vendor's own contacts on its SLA, and the escalations a higher-tier group receives
on ``transfer_service_level``. Used by the planner's search (:mod:`ccsim.planning.plan`) and
by the roster's repair (:mod:`ccsim.planning.roster`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ccsim.planning.guess import answers, in_house_share, vendor_planned_group, vendor_rule, vendor_targets
from ccsim.results import TARGETS, SimulationResult, mean_ci, vendor_column
from ccsim.scenario import REALTIME_KINDS, Scenario

__all__ = ["Miss", "check_targets", "vendor_served"]


@dataclass(frozen=True)
class Miss:
    """A target missed in one interval (the mean over replications)."""

    where: str  # "channel", "group" (escalations it receives) or "vendor" (its own contacts)
    name: str
    interval: int
    label: str
    target_name: str
    target: float
    value: float
    channel: str | None = None  # a vendor's miss: the channel, and the planned group that answers it
    group: str | None = None

    def __str__(self) -> str:
        of = f" ({self.channel} contacts sent to it)" if self.where == "vendor" else ""
        return (
            f"{self.where}s.{self.name}{of}, interval {self.label}: {self.target_name} {self.target:g} "
            f"not met ({self.value:.4g})"
        )


def check_targets(
    result: SimulationResult,
    scenario: Scenario,
    groups: tuple[str, ...],
    confident: bool = False,
    guard: float = 0.0,
) -> list[Miss]:
    """Every (interval, target) the mean over replications misses (email and SNS: every day).

    With ``confident``, also those the mean meets but its 95 % confidence interval does not
    (the mean could meet the target by chance). With ``guard``, also those within that much
    of the target (a share; for an ASA, that share of it): the near misses. Intervals where a
    vendor takes every contact of a channel first are the vendor's, not judged here.
    """
    served = vendor_served(scenario)
    misses = [
        m
        for m in _backlog_misses(result, scenario, confident, guard)
        if not (m.name in served and served[m.name][m.interval])
    ]
    slack = 1e-9
    for row in result.intervals:
        if not row["offered"]:  # every interval counts, the warm-up too: it is staffed like any other
            continue
        name = row["channel"]
        if scenario.channels[name].kind not in REALTIME_KINDS:
            continue  # judged per day
        if name in served and served[name][row["interval"]]:
            continue  # the vendor's
        targets = result.channel_targets.get(name, {})
        for target_name, kpi, upper in TARGETS:
            target = targets.get(target_name)
            value = row[kpi]
            if target is None or value is None:
                continue
            margin = ((row[f"{kpi}_ci95"] or 0.0) if confident else 0.0) + _guard(guard, target_name, target)
            if (value + margin > target + slack) if upper else (value - margin < target - slack):
                misses.append(Miss("channel", name, row["interval"], row["label"], target_name, target, value))
    misses.extend(_vendor_misses(result, scenario, groups, confident, guard))
    can_answer = {g: answers(scenario, g) for g in groups}
    for row in result.group_intervals:
        name = row["group"]
        if name not in groups or not row["transfers_offered"]:
            continue
        if not can_answer[name][row["interval"]]:
            continue  # escalated while the group is off (closed, not its day): they wait for its opening
        target = _transfer_target(scenario, name)
        value = row["transfer_service_level"]
        margin = ((row["transfer_service_level_ci95"] or 0.0) if confident else 0.0) + guard
        if target is not None and value is not None and value - margin < target - slack:
            misses.append(Miss("group", name, row["interval"], row["label"], "min_service_level", target, value))
    return misses


def _backlog_misses(
    result: SimulationResult, scenario: Scenario, confident: bool = False, guard: float = 0.0
) -> list[Miss]:
    """Email and SNS, judged per day: a backlog answered within hours spans intervals and nights.

    The day's service level (answered within the target / offered, the day's intervals pooled in
    each replication, then the mean over replications) must meet the target; a miss is booked at
    the interval of the day with the longest mean queue, where an agent helps most.
    """
    misses = []
    offered_all = result.channel_stat("offered")  # (replications, channels, intervals)
    within_all = result.channel_stat("answered_within")
    queue_all = result.channel_stat("queue_s")
    days = np.array([int(s // 86400) for s in result.interval_starts_s])
    for c, name in enumerate(result.channel_names):
        target = result.channel_targets.get(name, {}).get("min_service_level")
        if scenario.channels[name].kind in REALTIME_KINDS or target is None:
            continue
        for day in np.unique(days):
            ks = np.flatnonzero(days == day)
            offered = offered_all[:, c, ks].sum(axis=1)
            if not offered.any():
                continue
            within = within_all[:, c, ks].sum(axis=1)
            mean, half = mean_ci(np.where(offered > 0, within / np.maximum(offered, 1), np.nan))
            value = float(mean)
            margin = (float(np.nan_to_num(half)) if confident else 0.0) + guard
            if value - margin < target - 1e-9:
                queue = queue_all[:, c, ks].mean(axis=0)
                k = int(ks[int(np.argmax(queue))])
                misses.append(Miss("channel", name, k, f"day {day + 1}", "min_service_level", target, value))
    return misses


def _vendor_misses(
    result: SimulationResult, scenario: Scenario, groups: tuple[str, ...], confident: bool, guard: float = 0.0
) -> list[Miss]:
    """A planned vendor group's targets (its vendor's SLA, else the channel's) on the vendor's own contacts.

    Judged as the in-house channels are: voice and chat per interval (of the vendor offer),
    email and SNS per day; the contacts the vendor was sent (an overflowed one taken back
    in-house is not its), answered within the SLA's answer time (else the channel's answer
    target), their waits and the answered share.
    """
    if result.vendor_sums is None:
        return []
    misses = []
    days = np.array([int(s // 86400) for s in result.interval_starts_s])
    labels = result.interval_labels
    for v in scenario.vendors:
        for c, channel in enumerate(result.channel_names):
            group = vendor_planned_group(scenario, v, channel)
            if group is None or group not in groups or v not in result.vendor_names:
                continue
            # (replications, intervals, statistics): a cell's intervals are summed, then read by name
            sums = result.vendor_sums[:, result.vendor_names.index(v), c]
            realtime = scenario.channels[channel].kind in REALTIME_KINDS
            if realtime:
                cells = [[k] for k in range(sums.shape[1])]
            else:
                cells = [list(np.flatnonzero(days == d)) for d in np.unique(days)]
            targets = vendor_targets(scenario, v, channel)
            for ks in cells:
                part = sums[:, ks].sum(axis=1)  # (replications, statistics)
                sent = vendor_column(part, "offered") - vendor_column(part, "taken_back")
                if not sent.any():
                    continue
                answered = vendor_column(part, "answered")
                within, lost, wait = (
                    vendor_column(part, k) for k in ("answered_within", "abandoned", "wait_answered_s")
                )
                with np.errstate(invalid="ignore", divide="ignore"):
                    kpis = {  # per replication, and whether the target is an upper bound
                        "min_service_level": (np.where(sent > 0, within / sent, np.nan), False),
                        "max_abandon_rate": (np.where(sent > 0, lost / sent, np.nan), True),
                        "max_asa_s": (np.where(answered > 0, wait / answered, np.nan), True),
                    }
                # a day's miss is booked where the vendor was sent the most: an agent helps most there
                k = ks[int(np.argmax(vendor_column(sums, "offered")[:, ks].mean(axis=0)))]
                label = labels[k] if realtime else f"day {days[k] + 1}"
                for name, (values, upper) in kpis.items():
                    target = getattr(targets, name)
                    if target is None:
                        continue
                    mean, half = mean_ci(values)
                    value = float(mean)
                    if np.isnan(value):
                        continue
                    margin = (float(np.nan_to_num(half)) if confident else 0.0) + _guard(guard, name, target)
                    if (value + margin > target + 1e-9) if upper else (value - margin < target - 1e-9):
                        misses.append(Miss("vendor", v, int(k), label, name, target, value, channel, group))
    return misses


def vendor_served(scenario: Scenario) -> dict[str, np.ndarray]:
    """Per channel with a vendor, the intervals where every contact goes to the vendor first.

    The planner sizes the in-house desk: those intervals are the vendor's to serve (its SLA),
    not targets in-house agents could meet.
    """
    out = {}
    for name in scenario.channels:
        if vendor_rule(scenario, name) is not None:
            out[name] = in_house_share(scenario, name) == 0
    return out


def _guard(guard: float, target_name: str, target: float) -> float:
    """The guard band of a target: ``guard`` for a share, that share of the target for seconds."""
    return guard * target if target_name == "max_asa_s" else guard


def _transfer_target(scenario: Scenario, group: str) -> float | None:
    """The service level a group must give escalations: the highest its channels ask for."""
    channels = {key.split("/")[0] for key in scenario.agent_groups[group].skills}
    given = [scenario.channels[c].targets.min_service_level for c in channels if c in scenario.channels]
    levels = [v for v in given if v is not None]
    return max(levels) if levels else None
