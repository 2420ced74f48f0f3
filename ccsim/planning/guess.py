"""The planner's analytic first guess: agents per group and interval from Erlang formulas.

Milliseconds for a whole calendar; the simulation then corrects it (:mod:`ccsim.planning.plan`).
For every channel and interval:

1. **Offered rate**: the interval's forecast volume after self-service containment, spread
   over the interval (redials and repeat contacts are left to the simulation), times the
   share the vendors leave the in-house desk (:func:`in_house_share`). Closed intervals
   (the calendar's per-weekday hours) have no opening time, no arrivals and no agents; a
   voice or chat interval without arrivals gets no agent.
2. **Time-varying load**: with ``time_varying`` (the default), the offered load is that of an
   infinite-server queue fed by the piecewise-constant arrival rate, with exponential handle
   times (each interval's mean, when the forecast gives handle time per interval, or the
   group's own for the skill): the load follows the arrivals with a lag of about one handle
   time and decays over closed hours (the "modified offered load" idea). Its mean over the interval is the load
   the interval is sized for. Without it (``time_varying=False``), each interval is sized for
   its own arrivals as if in steady state: the spreadsheet method, SIPP.
3. **Agents**: voice and chat with Erlang A (mean patience, per interval when forecast, when
   the channel has patience) or Erlang C, for every target of the channel
   (``min_service_level`` at the channel's answer target, ``max_asa_s``,
   ``max_abandon_rate``). A chat agent runs ``max_concurrent`` chats,
   each slowed by the concurrency slowdown at full load: the servers of the formula are
   chats, and agents = ceil(servers / max_concurrent). Email and SNS are worked from the
   backlog: the work that arrived within the answer target before the interval's end must be
   done within that target, spread over the open time it covers.
4. **Groups**: a channel's agents go to the first group of its entry queue (in-house, lowest
   tier, best skill priority, then file order), with that group's handle-time factor. A group
   serving several channels gets the sum (pooling would need fewer: the simulation removes
   the surplus). Escalations add a load on the target group: the escalating group's handled
   rate times the escalation probability, with the target's handle time, sized by Erlang A or
   C for the channel's targets (callbacks without patience). Vendor groups keep their staffing.
   A group whose agents are available only a share of the time (``availability``) gets the
   agents the formulas ask for divided by that share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ccsim.erlang import required_agents
from ccsim.errors import CcsimError
from ccsim.scenario import REALTIME_KINDS, Channel, Scenario, Targets, staffing_per_interval

__all__ = [
    "ChannelNeed",
    "analytic_staffing",
    "answers",
    "channel_parts",
    "entry_group",
    "entry_groups",
    "handle_means",
    "in_house_share",
    "planned_by_planner",
    "time_varying_load",
    "vendor_planned_group",
    "vendor_rule",
    "vendor_targets",
    "works",
]


@dataclass(frozen=True)
class ChannelNeed:
    """What the analytic guess found for one channel.

    Attributes
    ----------
    channel : str
        Channel name.
    group : str
        The group its contacts are assigned to.
    rate_per_s : numpy.ndarray
        Contacts offered to agents per second, per interval.
    aht_s : numpy.ndarray
        Mean handle time at that group, per interval (of the contacts arriving then).
    load : numpy.ndarray
        Offered load (Erlangs) each interval is sized for.
    agents : numpy.ndarray
        Agents needed per interval.
    groups : tuple of str
        Per interval, the group the agents go to: the first of the entry queue that works that
        day (``group`` unless it has ``weekdays``).
    parts : tuple of tuple of str
        The same for every part of the channel sized on its own: its contact types when
        different groups answer them first (one part otherwise, equal to ``groups``).
    """

    channel: str
    group: str
    rate_per_s: np.ndarray
    aht_s: np.ndarray
    load: np.ndarray
    agents: np.ndarray
    groups: tuple[str, ...]
    parts: tuple[tuple[str, ...], ...] = ()


def planned_by_planner(scenario: Scenario) -> dict[str, int]:
    """``{group: 0}`` for the groups with ``staffing: plan`` (a stand-in until they are planned)."""
    return {name: 0 for name, g in scenario.agent_groups.items() if g.staffing == "plan"}


def entry_groups(scenario: Scenario, channel: str, contact_type: str | None = None) -> list[str]:
    """The in-house groups of a channel's entry queue: lowest tier, by skill priority, then file order.

    With ``contact_type``, the groups with a skill for the channel or for that contact type of it.
    """
    able = []
    for order, (name, g) in enumerate(scenario.agent_groups.items()):
        if g.vendor is not None:
            continue
        skills = [
            s
            for key, s in g.skills.items()
            if key == channel
            or (key.startswith(channel + "/") if contact_type is None else key == f"{channel}/{contact_type}")
        ]
        if skills:
            able.append((g.tier, min(s.priority for s in skills), order, name))
    if not able:
        raise CcsimError(f"channels.{channel}: no in-house agent group has a skill for it, so none can be planned")
    tier = min(a[0] for a in able)
    return [a[3] for a in sorted(able) if a[0] == tier]


def entry_group(scenario: Scenario, channel: str) -> str:
    """The first group of a channel's entry queue: in-house, lowest tier, best priority, file order."""
    return entry_groups(scenario, channel)[0]


def answers(scenario: Scenario, group: str) -> np.ndarray:
    """Whether a group's agents can answer in each interval: it works that day, and its availability is above 0."""
    return works(scenario, group) & (scenario.agent_groups[group].availability_per_interval(scenario.calendar) > 0)


def works(scenario: Scenario, group: str) -> np.ndarray:
    """Whether a group may be on duty in each interval (its ``weekdays``)."""
    return staffing_per_interval(1, scenario.agent_groups[group].weekdays, scenario.calendar) > 0


def handle_means(scenario: Scenario, group: str, channel: str) -> np.ndarray:
    """Mean handle time of a channel's contacts at a group, per interval of their arrival.

    The group's own distribution for the skill (``skills.<channel>.handle_time``), else the
    channel's mean (per interval with a forecast's ``handle_time_per_interval_s``) times the
    skill's ``handle_time_factor``; with several skills for the channel (contact types), the
    shortest.
    """
    ch = scenario.channels[channel]
    cal = scenario.calendar
    skills = scenario.agent_groups[group].skills
    keys: list[str | None] = [k for k in skills if k == channel or k.startswith(channel + "/")] or [None]
    means = []
    for key in keys:
        skill = skills[key] if key is not None else None
        if skill is not None and skill.handle_time is not None:
            means.append(np.full(cal.intervals, skill.handle_time.mean_s))
        else:
            factor = skill.handle_time_factor if skill is not None else 1.0
            means.append(ch.handle_time.mean_s * ch.handle_scale(cal) * factor)
    return np.minimum.reduce(means)


def time_varying_load(rate_per_s: np.ndarray, aht_s, starts: list[float], ends: list[float]) -> np.ndarray:
    """Mean offered load per interval of an infinite-server queue with exponential handle times.

    The contacts in service ``m`` follow ``dm/dt = rate - m / aht``: within an interval of
    constant rate they move exponentially towards ``rate * aht``; over closed hours they
    decay. With a handle time per interval, the contacts of each arrival interval keep
    theirs (contacts with the same mean are tracked together).

    Parameters
    ----------
    rate_per_s : numpy.ndarray
        Arrival rate per interval (open hours).
    aht_s : float or numpy.ndarray
        Mean handle time (per interval of arrival).
    starts, ends : list of float
        Interval opening and closing times.

    Returns
    -------
    numpy.ndarray
        The mean load over each interval's open time.
    """
    n = len(starts)
    means, cls = np.unique(np.broadcast_to(np.asarray(aht_s, dtype=float), (n,)), return_inverse=True)
    out = np.empty(n)
    m = np.zeros(len(means))  # in service, by mean handle time
    for k, (start, end) in enumerate(zip(starts, ends, strict=True)):
        dt = end - start
        j = cls[k]
        if dt <= 0:  # closed all the interval: nobody arrives, and nobody is sized for
            out[k] = 0.0
            if k + 1 < n:
                m = m * np.exp(-(starts[k + 1] - end) / means)
            continue
        steady = rate_per_s[k] * means[j]
        decay = np.exp(-dt / means)
        share = (means / dt) * (1.0 - decay)  # the mean over the interval of a decaying e^(-t/aht)
        out[k] = float(m @ share) + steady * (1.0 - share[j])
        m = m * decay
        m[j] += steady * (1.0 - decay[j])
        if k + 1 < n:
            m = m * np.exp(-(starts[k + 1] - end) / means)  # closed: nobody arrives
    return out


def _targets(ch: Channel, name: str) -> dict[str, float]:
    t = ch.targets
    out = {}
    if t.min_service_level is not None:  # the formulas take a share below 1; the simulation judges 100 %
        out["min_service_level"] = min(t.min_service_level, 1.0 - 1e-6)
    if t.max_asa_s is not None:
        out["max_asa_s"] = t.max_asa_s
    if t.max_abandon_rate is not None:
        out["max_abandon_rate"] = t.max_abandon_rate
    if not out:
        raise CcsimError(
            f"channels.{name}.targets: the planner needs a target for every channel with volume "
            "(min_service_level, max_asa_s or max_abandon_rate), got none"
        )
    return out


def _realtime_agents(
    ch: Channel, name: str, work_s: np.ndarray, load: np.ndarray, patience: np.ndarray | None
) -> np.ndarray:
    """Agents per interval for a voice or chat channel: Erlang A (with patience) or C.

    ``work_s`` is a contact's handle time (a chat's at full concurrency) and ``load`` the
    offered load in those units; the servers of the formula are chats for a chat channel.
    """
    targets = _targets(ch, name)
    k = ch.max_concurrent if ch.kind == "chat" else 1
    eff_rate = load / work_s  # the arrival rate that gives the load each interval is sized for
    if "max_abandon_rate" in targets and patience is None:
        targets.pop("max_abandon_rate")  # nobody abandons: met by any staffing
        if not targets:
            return np.zeros(len(load), dtype=np.int64)
    res = required_agents(
        eff_rate,
        work_s,
        answer_within_s=ch.answer_within_s,
        patience_s=patience,
        **targets,
    )
    servers = np.asarray(res.agents, dtype=float)
    return np.ceil(servers / k).astype(np.int64)


def _mean_patience(ch: Channel, scenario: Scenario) -> np.ndarray | None:
    """Mean patience per interval (of arrival), or None when nobody abandons."""
    return ch.patience.mean_s * ch.patience_scale(scenario.calendar) if ch.patience is not None else None


def _backlog_agents(
    ch: Channel, rate: np.ndarray, aht: np.ndarray, starts: list[float], ends: list[float]
) -> np.ndarray:
    """Agents per interval for email or SNS: the work of the answer window, over its open time."""
    window = ch.answer_within_s
    out = np.zeros(len(starts), dtype=np.int64)
    for k in range(len(starts)):
        work = 0.0
        open_s = 0.0
        for j in range(k, -1, -1):
            if ends[k] - starts[j] > window and j < k:
                break
            work += rate[j] * (ends[j] - starts[j]) * aht[j]
            open_s += ends[j] - starts[j]
        out[k] = math.ceil(work / max(open_s, 1.0) - 1e-9) if work > 0 else 0
    return out


def analytic_staffing(
    scenario: Scenario, *, time_varying: bool = True
) -> tuple[dict[str, np.ndarray], dict[str, ChannelNeed]]:
    """Agents per group and interval from the Erlang formulas (see the module documentation).

    Parameters
    ----------
    scenario : Scenario
        The desk.
    time_varying : bool, default True
        Size each interval for the time-varying offered load; False: for its own arrivals in
        steady state (SIPP, the spreadsheet method).

    Returns
    -------
    (dict, dict)
        ``{group: numpy int64 array per interval}`` for every group (vendor groups: their own
        staffing), and ``{channel: ChannelNeed}``.

    Raises
    ------
    ccsim.CcsimError
        A channel with volume but no target, or no in-house group able to serve it.
    """
    cal = scenario.calendar
    starts = cal.interval_starts_s()
    ends = cal.interval_ends_s()
    n = len(starts)
    current = scenario.staffing_plan(planned_by_planner(scenario))
    staffing = {
        name: current[name] if g.vendor is not None and g.staffing != "plan" else np.zeros(n, dtype=np.int64)
        for name, g in scenario.agent_groups.items()
    }
    needs: dict[str, ChannelNeed] = {}
    for name, ch in scenario.channels.items():
        volume = ch.volume.per_interval_volume(cal) * in_house_share(scenario, name)
        if not np.any(volume > 0):
            continue  # no contact, or every contact goes to a vendor
        containment = ch.self_service.containment if ch.self_service is not None else 0.0
        channel_rate = volume * (1.0 - containment) / cal.interval_s
        parts = []
        for ctype, share in channel_parts(scenario, name):
            rate = channel_rate * share
            order = entry_groups(scenario, name, ctype)
            group = order[0]
            aht = handle_means(scenario, group, name)
            if ch.kind in REALTIME_KINDS:
                k = ch.max_concurrent if ch.kind == "chat" else 1
                work = aht * (1.0 + ch.concurrency_slowdown * (k - 1))
                load = time_varying_load(rate, work, starts, ends) if time_varying else rate * work
                agents = _realtime_agents(ch, name, work, load, _mean_patience(ch, scenario))
                # nobody where nothing arrives: a contact in service from before is finished by
                # the agent who took it, and a queue carried over is the simulation's to find
                agents = np.where(rate > 0, agents, 0)
            else:
                load = rate * aht
                agents = _backlog_agents(ch, rate, aht, starts, ends)
            at = _on_duty(scenario, name, order, volume)
            for j in np.flatnonzero(agents):
                staffing[at[j]][j] += agents[j]
            parts.append((group, rate, aht, load, agents, tuple(at)))
            _escalations(scenario, name, ch, group, rate, starts, ends, time_varying, staffing)
        group, _, aht, _, _, first_at = parts[0]
        load = np.sum([p[3] for p in parts], axis=0)
        agents = np.sum([p[4] for p in parts], axis=0)
        needs[name] = ChannelNeed(name, group, channel_rate, aht, load, agents, first_at, tuple(p[5] for p in parts))
    _vendor_guess(scenario, starts, ends, time_varying, staffing)
    for name in staffing:
        spec = scenario.agent_groups[name]
        if spec.vendor is None or spec.staffing == "plan":
            # agents on duty answer only their availability's share of the time
            avail = spec.availability_per_interval(scenario.calendar)
            with np.errstate(divide="ignore", invalid="ignore"):
                needed = np.where(avail > 0, np.ceil(staffing[name] / np.where(avail > 0, avail, 1.0) - 1e-9), 0)
            staffing[name] = np.where(works(scenario, name), needed, 0).astype(np.int64)
    return staffing, needs


def vendor_rule(scenario: Scenario, channel: str) -> tuple[str, str, float] | None:
    """``(vendor, mode, share)`` of the first vendor whose routing takes the channel, or None.

    Vendors are tried in file order and the first that applies decides (the routing's rule), so
    the first vendor naming the channel is the one that shapes the in-house desk's work.
    """
    for name, vendor in scenario.vendors.items():
        if channel in vendor.routing.channels:
            return name, vendor.routing.mode, float(vendor.routing.share or 0.0)
    return None


def in_house_share(scenario: Scenario, channel: str) -> np.ndarray:
    """Per interval, the share of a channel's contacts the in-house desk answers first.

    0 where a vendor takes the whole channel, or where it takes the channel's contacts outside
    hours and no in-house group of the channel works; 1 - share for a share vendor; 1 else (an
    overflow vendor takes only what waited too long: the simulation finds how much).
    """
    n = scenario.calendar.intervals
    rule = vendor_rule(scenario, channel)
    if rule is None:
        return np.ones(n)
    _, mode, share = rule
    if mode == "whole_channel":
        return np.zeros(n)
    if mode == "share":
        return np.full(n, 1.0 - share)
    if mode == "outside_hours":
        groups = [
            g
            for g, spec in scenario.agent_groups.items()
            if spec.vendor is None and any(_skill_of(k, channel) for k in spec.skills)
        ]
        able = np.zeros(n, dtype=bool)
        for g in groups:
            able |= works(scenario, g)
        return able.astype(float)
    return np.ones(n)


def vendor_targets(scenario: Scenario, vendor: str, channel: str) -> Targets:
    """What a planned vendor group must give the vendor's contacts of a channel.

    The vendor's SLA (its ``min_service_level`` at its own ``answer_within_s``, else the
    channel's answer target, ``max_asa_s``, and ``min_answer_rate`` as an abandonment of at most
    1 - it), else the channel's targets.
    """
    ch = scenario.channels[channel]
    sla = scenario.vendors[vendor].sla
    if sla is None:
        return ch.targets
    return Targets(
        min_service_level=sla.min_service_level,
        answer_within_s=ch.answer_within_s if sla.answer_within_s is None else sla.answer_within_s,
        max_asa_s=sla.max_asa_s,
        max_abandon_rate=None if sla.min_answer_rate is None else 1.0 - sla.min_answer_rate,
    )


def vendor_planned_group(scenario: Scenario, vendor: str, channel: str) -> str | None:
    """The first ``staffing: plan`` group of a vendor with a skill for a channel, or None."""
    for name, g in scenario.agent_groups.items():
        if g.vendor == vendor and g.staffing == "plan" and any(_skill_of(k, channel) for k in g.skills):
            return name
    return None


def _skill_of(key: str, channel: str) -> bool:
    return key == channel or key.startswith(channel + "/")


def _vendor_guess(
    scenario: Scenario, starts: list[float], ends: list[float], time_varying: bool, staffing: dict[str, np.ndarray]
) -> None:
    """Agents for the planned vendor groups: the vendor's share of each channel, at its SLA."""
    cal = scenario.calendar
    for name, ch in scenario.channels.items():
        rule = vendor_rule(scenario, name)
        if rule is None:
            continue
        group = vendor_planned_group(scenario, rule[0], name)
        if group is None:
            continue
        containment = ch.self_service.containment if ch.self_service is not None else 0.0
        volume = ch.volume.per_interval_volume(cal) * (1.0 - in_house_share(scenario, name))
        rate = volume * (1.0 - containment) / cal.interval_s
        if not np.any(rate > 0):
            continue  # an overflow vendor: what overflows is the simulation's to find
        sized = ch.model_copy(update={"targets": vendor_targets(scenario, rule[0], name)})
        aht = handle_means(scenario, group, name)
        if ch.kind in REALTIME_KINDS:
            k = ch.max_concurrent if ch.kind == "chat" else 1
            work = aht * (1.0 + ch.concurrency_slowdown * (k - 1))
            load = time_varying_load(rate, work, starts, ends) if time_varying else rate * work
            agents = np.where(rate > 0, _realtime_agents(sized, name, work, load, _mean_patience(ch, scenario)), 0)
        else:
            agents = _backlog_agents(sized, rate, aht, starts, ends)
        staffing[group] = staffing[group] + agents


def channel_parts(scenario: Scenario, channel: str) -> list[tuple[str | None, float]]:
    """``(contact type, share)`` of a channel's parts sized on their own (``[(None, 1)]``: one).

    A channel's contact types are sized apart when groups with skills for single contact
    types (``phone/en``, ``phone/ja``) make the first group differ between them: each type's
    agents then go to its own first group (a language team each).
    """
    types = scenario.channels[channel].contact_types or {}
    if not types:
        return [(None, 1.0)]
    firsts = {t: entry_groups(scenario, channel, t)[0] for t in types}
    if len(set(firsts.values())) == 1:
        return [(None, 1.0)]
    return list(types.items())


def _on_duty(scenario: Scenario, channel: str, order: list[str], volume: np.ndarray) -> list[str]:
    """Per interval, the first group of the channel's entry queue that works that day."""
    able = [works(scenario, g) for g in order]
    at = []
    for k in range(len(volume)):
        first = next((g for g, ok in zip(order, able, strict=True) if ok[k]), None)
        if first is None:
            if volume[k] > 0:
                day = scenario.calendar.interval_labels()[k].split(" ")[1]
                raise CcsimError(
                    f"channels.{channel}: no in-house group with a skill for it works on day {day}, "
                    "when it has contacts (see agent_groups.*.weekdays)"
                )
            first = order[0]
        at.append(first)
    return at


def _escalations(
    scenario: Scenario,
    channel: str,
    ch: Channel,
    group: str,
    rate: np.ndarray,
    starts: list[float],
    ends: list[float],
    time_varying: bool,
    staffing: dict[str, np.ndarray],
) -> None:
    """Add the agents the escalations of ``channel`` need at each higher tier."""
    seen = {group}
    g = scenario.agent_groups[group]
    esc_rate = rate
    while g.escalation is not None and g.escalation.to not in seen and np.any(esc_rate > 0):
        target = g.escalation.to
        if scenario.agent_groups[target].vendor is not None:
            return  # a vendor's group keeps its staffing
        seen.add(target)
        esc_rate = esc_rate * g.escalation.probability
        aht = handle_means(scenario, target, channel)
        load = time_varying_load(esc_rate, aht, starts, ends) if time_varying else esc_rate * aht
        if ch.kind in REALTIME_KINDS:  # a callback ticket never hangs up
            patience = None if g.escalation.mode == "callback" else _mean_patience(ch, scenario)
            agents = _realtime_agents(ch, channel, aht, load, patience)
        else:
            agents = _backlog_agents(ch, esc_rate, aht, starts, ends)
        staffing[target] = staffing[target] + agents
        g = scenario.agent_groups[target]
