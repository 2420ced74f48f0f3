"""The rules between a scenario's sections, one named check each.

A field's own rules are pydantic's; these are the rules no single section can check: lists
with one value per interval, skills naming existing channels and contact types, escalation
targets and vendors that exist, vendor routing its groups can serve, one chat pace per group,
volume the calendar's closed hours would drop, and an agent group for every channel with
volume. :func:`ccsim.scenario.cross_check` runs them in order; each returns its problems as
``(location, message)`` pairs.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping

import numpy as np

from ccsim.scenario.calendar import Calendar
from ccsim.scenario.channels import Channel
from ccsim.scenario.groups import AgentGroup
from ccsim.scenario.vendors import Vendor
from ccsim.shift_types import Scheduling

__all__ = [
    "Found",
    "channel_coverage",
    "channel_lengths",
    "chat_pace",
    "closed_volume",
    "dispatch_priorities",
    "group_lengths",
    "group_references",
    "scheduling_groups",
    "unknown_name",
    "vendor_routing",
]

#: Problems found: the location of each offending field and a message naming the rule and the value.
Found = list[tuple[tuple, str]]


def _skill_channel(skill: str) -> str:
    return skill.split("/", 1)[0]


def unknown_name(what: str, name: str, known: Collection[str]) -> str:
    """``unknown WHAT 'NAME'`` with the closest known name, or the known names."""
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(sorted(known)) or 'none'}"
    return f"unknown {what} {name!r}{hint}"


# --------------------------------------------------------------------------- one value per interval


def _day_note(cal: Calendar) -> str:
    """When per-weekday hours widen the day beyond open/close, a note saying where it runs."""
    if not cal.hours:
        return ""
    end = int(cal.day_start_s // 60) + cal.intervals_per_day_value * cal.interval_min
    return f"; a day runs from {cal.day_start}, the week's earliest opening, to {end // 60:02d}:{end % 60:02d}"


def _lengths(cal: Calendar, loc: tuple, values: tuple | None) -> Found:
    """A per-interval list must have one value per interval of the day or of the run."""
    n_day, n_run = cal.intervals_per_day_value, cal.intervals
    if values is None or len(values) in (n_day, n_run):
        return []
    expect = f"{n_day} values (one per interval of the day)"
    if cal.days > 1:
        expect += f" or {n_run} (one per interval of the run)"
    return [(loc, f"must have {expect}, got {len(values)}{_day_note(cal)}")]


def channel_lengths(cal: Calendar, channels: Mapping[str, Channel]) -> Found:
    """Each channel's per-interval volume, handle times and patiences, and its profile of a day."""
    found: Found = []
    n_day = cal.intervals_per_day_value
    for name, ch in channels.items():
        found += _lengths(cal, ("channels", name, "volume", "per_interval"), ch.volume.per_interval)
        found += _lengths(cal, ("channels", name, "handle_time_per_interval_s"), ch.handle_time_per_interval_s)
        found += _lengths(cal, ("channels", name, "patience_per_interval_s"), ch.patience_per_interval_s)
        if ch.volume.profile is not None and len(ch.volume.profile) != n_day:
            found.append(
                (
                    ("channels", name, "volume", "profile"),
                    f"must have {n_day} values (one per interval of the day), got {len(ch.volume.profile)}"
                    f"{_day_note(cal)}",
                )
            )
    return found


def group_lengths(cal: Calendar, g: str, grp: AgentGroup) -> Found:
    """A group's per-interval staffing, most agents and availability."""
    found: Found = []
    if isinstance(grp.staffing, tuple):
        found += _lengths(cal, ("agent_groups", g, "staffing"), grp.staffing)
    if grp.max_agents is not None and not isinstance(grp.max_agents, int):
        found += _lengths(cal, ("agent_groups", g, "max_agents"), grp.max_agents)
    if isinstance(grp.availability, tuple):
        found += _lengths(cal, ("agent_groups", g, "availability"), grp.availability)
    return found


# --------------------------------------------------------------------------- names that must exist


def group_references(
    g: str,
    grp: AgentGroup,
    channels: Mapping[str, Channel],
    groups: Mapping[str, AgentGroup],
    vendors: Mapping[str, Vendor],
) -> Found:
    """A group's skills name channels (and their contact types), its escalation and vendor exist."""
    return _skills(g, grp, channels) + _escalation(g, grp, groups) + _vendor(g, grp, vendors)


def _skills(g: str, grp: AgentGroup, channels: Mapping[str, Channel]) -> Found:
    found: Found = []
    for skill in grp.skills:
        ch_name, _, ctype = skill.partition("/")
        if ch_name not in channels:
            found.append((("agent_groups", g, "skills", skill), unknown_name("channel", ch_name, channels)))
        elif ctype:
            types = channels[ch_name].contact_types or {}
            if ctype not in types:
                found.append(
                    (
                        ("agent_groups", g, "skills", skill),
                        unknown_name(f"contact type of channel {ch_name}", ctype, types),
                    )
                )
    return found


def _escalation(g: str, grp: AgentGroup, groups: Mapping[str, AgentGroup]) -> Found:
    """The escalation target exists, is another group, and has a skill for every channel ``g`` handles."""
    if grp.escalation is None:
        return []
    loc = ("agent_groups", g, "escalation", "to")
    to = grp.escalation.to
    if to not in groups:
        return [(loc, unknown_name("agent group", to, groups))]
    if to == g:
        return [(loc, f"a group cannot escalate to itself, got {g!r}")]
    target_channels = {_skill_channel(k) for k in groups[to].skills}
    missing = sorted({_skill_channel(k) for k in grp.skills} - target_channels)
    if missing:
        return [(loc, f"group {to!r} has no skill for {', '.join(missing)}, which {g!r} handles and may escalate")]
    return []


def _vendor(g: str, grp: AgentGroup, vendors: Mapping[str, Vendor]) -> Found:
    if grp.vendor is not None and grp.vendor not in vendors:
        return [(("agent_groups", g, "vendor"), unknown_name("vendor", grp.vendor, vendors))]
    return []


def vendor_routing(
    vendors: Mapping[str, Vendor], channels: Mapping[str, Channel], groups: Mapping[str, AgentGroup]
) -> Found:
    """A vendor routes existing channels that one of its groups has a skill for, and has a group."""
    found: Found = []
    for v, vendor in vendors.items():
        own = [grp for grp in groups.values() if grp.vendor == v]
        for i, ch_name in enumerate(vendor.routing.channels):
            loc = ("vendors", v, "routing", "channels", i)
            if ch_name not in channels:
                found.append((loc, unknown_name("channel", ch_name, channels)))
            elif not any(ch_name in [_skill_channel(k) for k in grp.skills] for grp in own):
                found.append((loc, f"no agent group of vendor {v} has a skill for channel {ch_name!r}"))
        if not own:
            found.append((("vendors", v), f"vendor {v!r} has no agent group (set vendor: {v} on one)"))
        for i, ch_name in enumerate(vendor.sla.channels or () if vendor.sla else ()):
            if ch_name not in vendor.routing.channels:
                found.append(
                    (
                        ("vendors", v, "sla", "channels", i),
                        f"{ch_name!r} is not a channel the vendor receives (routing.channels: "
                        f"{', '.join(vendor.routing.channels)})",
                    )
                )
    return found


def scheduling_groups(scheduling: Scheduling | None, groups: Mapping[str, AgentGroup]) -> Found:
    """The groups the shift types name exist."""
    if scheduling is None:
        return []
    return [
        (("scheduling", "groups", g), unknown_name("agent group", g, groups))
        for g in scheduling.groups
        if g not in groups
    ]


def dispatch_priorities(priorities: Mapping[str, int] | None, channels: Mapping[str, Channel]) -> Found:
    """The dispatch priorities name existing channels (or channel/type)."""
    found: Found = []
    for key in priorities or {}:
        ch, _, ctype = key.partition("/")
        loc = ("dispatch", "priorities", key)
        if ch not in channels:
            found.append((loc, unknown_name("channel", ch, channels)))
        elif "/" in key and not ctype:
            found.append((loc, f"{key!r} names no contact type after the '/' (write {ch!r} for the whole channel)"))
        elif ctype and ctype not in (channels[ch].contact_types or {}):
            found.append((loc, unknown_name(f"contact type of {ch}", ctype, channels[ch].contact_types or {})))
    return found


# --------------------------------------------------------------------------- channels and groups together


def chat_pace(channels: Mapping[str, Channel], groups: Mapping[str, AgentGroup]) -> Found:
    """The chat channels one group handles share max_concurrent and concurrency_slowdown."""
    found: Found = []
    chat_channels = {n for n, c in channels.items() if c.kind == "chat"}
    for g, grp in groups.items():
        chats = sorted({_skill_channel(k) for k in grp.skills} & chat_channels)
        modes = {(channels[c].max_concurrent, channels[c].concurrency_slowdown) for c in chats}
        if len(modes) > 1:
            got = ", ".join(f"{c}: {channels[c].max_concurrent} at {channels[c].concurrency_slowdown:g}" for c in chats)
            found.append(
                (
                    ("agent_groups", g, "skills"),
                    "chat channels one group handles must have the same max_concurrent and "
                    f"concurrency_slowdown (an agent's pace depends on all its chats), got {got}",
                )
            )
    return found


def channel_coverage(
    cal: Calendar, channels: Mapping[str, Channel], groups: Mapping[str, AgentGroup], unchecked: Collection[str]
) -> Found:
    """Every channel with volume (and each of its contact types) has an agent group with a skill for it.

    The channels in ``unchecked`` had problems in their volume: they are judged whatever
    their volume, which cannot be computed.
    """
    found: Found = []
    for name, ch in channels.items():
        if name not in unchecked and not np.any(ch.volume.per_interval_volume(cal) > 0):
            continue
        ctypes: list[str | None] = [*(ch.contact_types or {})] or [None]
        for ctype in ctypes:
            able = [
                g
                for g, grp in groups.items()
                if name in grp.skills or (ctype is not None and f"{name}/{ctype}" in grp.skills)
            ]
            if not able:
                what = f"channel {name}" + (f" (contact type {ctype})" if ctype else "")
                found.append((("channels", name), f"no agent group has a skill for {what}"))
    return found


# --------------------------------------------------------------------------- closed hours


def closed_volume(cal: Calendar, channels: Mapping[str, Channel]) -> Found:
    """Volume the calendar's closed hours would drop: a run's values there, a profile with no open weight."""
    errors: Found = []
    is_open = cal.open_intervals()
    labels = cal.interval_labels()
    n_day = cal.intervals_per_day_value
    for name, ch in channels.items():
        per = ch.volume.per_interval
        if per is not None and len(per) == cal.intervals and len(per) != n_day:
            shut = [k for k in np.flatnonzero(~is_open) if per[k] > 0]
            if shut:
                k = int(shut[0])
                day = cal.weekday_of_day(k // n_day)
                errors.append(
                    (
                        ("channels", name, "volume", "per_interval", k),
                        f"{per[k]:g} contacts in interval {labels[k]} ({day}), when the calendar closes the desk "
                        f"({_hours_text(cal, day)}); {len(shut)} closed interval(s) have volume",
                    )
                )
        profile = ch.volume.profile
        if profile is not None and len(profile) == n_day:
            for d in range(min(cal.days, 7)):
                day = cal.weekday_of_day(d)
                if cal.weekday_hours(day) is not None and not any(
                    w > 0 for w, o in zip(profile, is_open[d * n_day : (d + 1) * n_day], strict=True) if o
                ):
                    errors.append(
                        (
                            ("channels", name, "volume", "profile"),
                            f"no weight within {day}'s opening hours ({_hours_text(cal, day)}): its contacts "
                            "would have no interval to arrive in",
                        )
                    )
                    break
    return errors


def _hours_text(cal: Calendar, day: str) -> str:
    span = cal.weekday_hours(day)
    if span is None:
        return "closed"
    return "open " + "-".join(f"{t // 60:02d}:{t % 60:02d}" for t in span)
