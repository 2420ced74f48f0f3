"""Routing: which queue a contact joins and which agent groups may answer it.

One policy object, :class:`Routing`, with this documented order (see also
``docs/scenario-format.md``):

1. A new contact (fresh, redial or repeat, after self-service) of channel ``c`` and contact
   type ``t`` joins the **entry queue** of ``(c, t)``. Its agent groups are the in-house groups
   of the *lowest tier* having a skill ``c/t`` or ``c``. Higher tiers receive contacts only by
   escalation; vendor groups only through their vendor's routing.
2. Vendor routing, in the order vendors appear in the file (the first that applies decides):
   ``whole_channel`` sends the contact to the vendor's queue; ``share`` does so when the
   contact's routing draw is below the share; ``outside_hours`` does so when no in-house
   agent of the entry queue is on duty; ``overflow`` keeps it in-house and lets the vendor's
   groups answer it too once it has waited ``after_wait_s``, and sends it to the vendor at
   once when no in-house agent of the entry queue is on duty (the in-house desk is closed).
3. On arrival the contact goes to the first group of its queue with a free agent; groups are
   ordered by the priority of the matching skill (1 first), then by their order in the file.
   Chat contacts go to an idle agent first, else to an agent with a free chat slot.
4. A freed agent takes, among the queues of its best skill priority that have a waiting
   contact, the contact that has waited longest; if none, the next priority, and so on.
5. Escalated contacts join the target group's **transfer** queue (the customer waits, and may
   hang up) or **callback** queue (a ticket; nobody hangs up).

To change the policy, subclass :class:`Routing`, override :meth:`Routing.route` (where a
new contact goes) or the queue construction, and pass the class to
``ccsim.simulate(scenario, routing=MyRouting)``.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ccsim.scenario import Scenario

__all__ = ["Queue", "Routing"]


class Queue:
    """Contacts waiting for one set of agent groups, first come first served.

    Attributes
    ----------
    name : str
        ``entry:phone/en``, ``vendor:acme:phone``, ``transfer:tier2:phone``, ...
    channel : int
        Index of the channel whose contacts wait here.
    ctype : str or None
        Their contact type (None: the channel has none).
    groups : list
        Group states that may answer, in the order arrivals try them.
    factors : dict
        Handle-time factor per group index (from the matching skill).
    own : dict or None
        The groups (by index) with their own handle-time distribution for this queue's
        contacts (the skill's ``handle_time``), or None when no group has one.
    items : collections.deque
        The waiting contacts (answered or abandoned ones are skipped lazily).
    callback : bool
        Whether contacts here are tickets that never abandon.
    """

    __slots__ = (
        "callback",
        "channel",
        "ctype",
        "factors",
        "fast",
        "groups",
        "heap_groups",
        "items",
        "name",
        "own",
        "priorities",
        "solo",
        "vendor",
    )

    def __init__(self, name: str, channel: int, ctype: str | None = None, *, callback: bool = False) -> None:
        self.name = name
        self.channel = channel
        self.ctype = ctype
        self.groups: list = []
        self.factors: dict[int, float] = {}
        self.own: dict | None = None
        self.vendor: int | None = None  # a vendor's queue: the vendor's index
        self.priorities: dict[int, int] = {}
        self.items: deque = deque()
        self.callback = callback
        self.fast = False  # set by the model: an entry queue answered on its inlined path
        self.heap_groups: list = []  # set by the model: its groups that keep agents as free times
        self.solo = False  # set by the model: answered by a single group

    def __repr__(self) -> str:
        return f"Queue({self.name!r}, {len(self.items)} waiting)"


def _contact_types(scenario: Scenario, channel: str) -> list[str | None]:
    """A channel's contact types, or ``[None]`` when it has none."""
    return [*(scenario.channels[channel].contact_types or {})] or [None]


class Routing:
    """The routing policy of one scenario (see the module documentation for the order).

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    groups : list
        Group states (objects with ``index``, ``name``, ``spec`` and ``scheduled``: the agents on
        duty by the staffing plan now, whether answering or on other work), in the
        order of the scenario's ``agent_groups``.
    """

    def __init__(self, scenario: Scenario, groups: list) -> None:
        self.scenario = scenario
        self.groups = groups
        self.channel_names = list(scenario.channels)
        self.queues: list[Queue] = []
        self._entry: dict[tuple[int, str | None], Queue] = {}
        self._vendor: dict[tuple[str, int, str | None], Queue] = {}
        self._transfer: dict[tuple[int, int, str | None, bool], Queue] = {}
        # vendor rules per channel, in file order: (mode, vendor name, share, after_wait_s)
        self.vendor_rules: dict[int, list[tuple[str, str, float | None, float | None]]] = {}
        for v, vendor in scenario.vendors.items():
            for ch_name in vendor.routing.channels:
                ch = self.channel_names.index(ch_name)
                self.vendor_rules.setdefault(ch, []).append(
                    (vendor.routing.mode, v, vendor.routing.share, vendor.routing.after_wait_s)
                )
        for ch, name in enumerate(self.channel_names):
            for ctype in _contact_types(scenario, name):
                self._entry[(ch, ctype)] = self._build_entry(ch, ctype)
                for rule in self.vendor_rules.get(ch, []):
                    self._vendor[(rule[1], ch, ctype)] = self._build_vendor(rule[1], ch, ctype)
        for g in groups:
            esc = g.spec.escalation
            if esc is None:
                continue
            target = next(t for t in groups if t.name == esc.to)
            for ch, name in enumerate(self.channel_names):
                for ctype in _contact_types(scenario, name):
                    key = (target.index, ch, ctype, esc.mode == "callback")
                    if key not in self._transfer and self._skill(target, ch, ctype) is not None:
                        kind = "callback" if esc.mode == "callback" else "transfer"
                        q = Queue(f"{kind}:{target.name}:{self._label(ch, ctype)}", ch, ctype, callback=key[3])
                        self._add_group(q, target, ch, ctype)
                        self._transfer[key] = q
        self.queues.extend(self._transfer.values())
        self.levels = {g.index: self._levels(g) for g in groups}

    # ------------------------------------------------------------------ construction

    def _label(self, ch: int, ctype: str | None) -> str:
        return self.channel_names[ch] + (f"/{ctype}" if ctype else "")

    def _skill(self, group, ch: int, ctype: str | None):
        skills = group.spec.skills
        name = self.channel_names[ch]
        if ctype is not None and f"{name}/{ctype}" in skills:
            return skills[f"{name}/{ctype}"]
        return skills.get(name)

    def _add_group(self, q: Queue, group, ch: int, ctype: str | None) -> None:
        skill = self._skill(group, ch, ctype)
        q.groups.append(group)
        q.factors[group.index] = skill.handle_time_factor
        if skill.handle_time is not None:
            q.own = {**(q.own or {}), group.index: skill.handle_time}
        q.priorities[group.index] = skill.priority

    def _sort(self, q: Queue) -> None:
        q.groups.sort(key=lambda g: (q.priorities[g.index], g.index))

    def _build_entry(self, ch: int, ctype: str | None) -> Queue:
        q = Queue(f"entry:{self._label(ch, ctype)}", ch, ctype)
        able = [g for g in self.groups if g.spec.vendor is None and self._skill(g, ch, ctype) is not None]
        if able:
            tier = min(g.spec.tier for g in able)
            for g in able:
                if g.spec.tier == tier:
                    self._add_group(q, g, ch, ctype)
        self._sort(q)
        self.queues.append(q)
        return q

    def _build_vendor(self, vendor: str, ch: int, ctype: str | None) -> Queue:
        q = Queue(f"vendor:{vendor}:{self._label(ch, ctype)}", ch, ctype)
        q.vendor = list(self.scenario.vendors).index(vendor)
        for g in self.groups:
            if g.spec.vendor == vendor and self._skill(g, ch, ctype) is not None:
                self._add_group(q, g, ch, ctype)
        self._sort(q)
        self.queues.append(q)
        return q

    def _levels(self, group) -> list[list[Queue]]:
        """The group's queues grouped by skill priority, best first."""
        mine = [q for q in self.queues if group.index in q.factors]
        prios = sorted({q.priorities[group.index] for q in mine})
        return [[q for q in mine if q.priorities[group.index] == p] for p in prios]

    # ------------------------------------------------------------------ decisions

    def route(self, ch: int, ctype: str | None, u_route: float) -> tuple[Queue, Queue | None, float | None]:
        """Where a new contact goes.

        Parameters
        ----------
        ch : int
            Channel index.
        ctype : str or None
            Contact type.
        u_route : float
            The contact's routing draw, uniform on [0, 1).

        Returns
        -------
        (queue, overflow queue or None, overflow delay in seconds or None)
        """
        entry = self._entry[(ch, ctype)]
        for mode, vendor, share, after in self.vendor_rules.get(ch, ()):
            vq = self._vendor[(vendor, ch, ctype)]
            if mode == "whole_channel":
                return vq, None, None
            if mode == "share":
                if share is not None and u_route < share:
                    return vq, None, None
            elif mode == "outside_hours":  # nobody on duty by the plan (availability aside)
                if not any(g.scheduled for g in entry.groups):
                    return vq, None, None
            elif mode == "overflow":
                if not any(g.scheduled for g in entry.groups):
                    return vq, None, None  # the in-house desk is closed: overflow at once
                return entry, vq, after
        return entry, None, None

    def escalation_queue(self, target: int, ch: int, ctype: str | None, callback: bool) -> Queue:
        """The transfer (or callback) queue of group ``target`` for a channel."""
        return self._transfer[(target, ch, ctype, callback)]
