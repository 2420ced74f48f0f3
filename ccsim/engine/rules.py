"""The rules both engines apply, written once.

The reference model (:mod:`ccsim.engine.reference`) and the fast engine
(:mod:`ccsim.engine.fast`) call these functions at the moments their stories say; the equality
tests (``tests/test_engines.py``) then check the mechanics around them, not two copies of the
rules. What is here:

- when the next new contact arrives (:func:`next_arrival`);
- how long a handling takes at the group that answers (:func:`handle_work`; which agent answers
  and which contact a freed agent takes are the dispatch policy's, :mod:`ccsim.engine.dispatch`);
- the outcome of a handling (:func:`outcome`): resolved, escalated or unresolved;
- an escalation's new queue, handle time, patience and counts (:func:`escalate`);
- a vendor offer (:func:`offer_to_vendor`), an abandonment's counts (:func:`book_abandon`), a
  transfer's answer counts (:func:`book_transfer_answer`), a contact still waiting when the run
  ends (:func:`book_still_waiting`);
- a chat agent's progress at its pace (:func:`catch_up`; the pace itself is
  :func:`ccsim.engine.setup.chat_paces`).

The fast engine keeps a few of these inlined where a function call would cost measurable time
on its hot path (a first handling resolved at once, a contact answered by a heap group); the
comments there name the rule they stand for.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ccsim.engine.routing import Queue, Routing
from ccsim.engine.setup import ChannelSetup, ChannelT, GroupSetup, GroupT, RunSetup
from ccsim.engine.totals import book_vendor_abandon
from ccsim.results.layout import (
    ABANDONED,
    G_BUSY,
    G_TRANSFER_WAIT,
    G_TRANSFERS,
    G_TRANSFERS_ABANDONED,
    G_TRANSFERS_OFFERED,
    G_TRANSFERS_WAITING_END,
    G_TRANSFERS_WITHIN,
    QUEUE_S,
    V_OFFERED,
    WAIT_ABN,
    WAITING_END,
)
from ccsim.streams import Batch

__all__ = [
    "CALLBACK",
    "ENTRY",
    "ESCALATED_OUTCOME",
    "NO_HIST",
    "NO_ROW",
    "RESOLVED_OUTCOME",
    "TRANSFER",
    "UNRESOLVED_OUTCOME",
    "DeskRules",
    "book_abandon",
    "book_still_waiting",
    "book_transfer_answer",
    "catch_up",
    "escalate",
    "handle_work",
    "next_arrival",
    "offer_to_vendor",
    "outcome",
]

INF = math.inf

#: A contact's stage: new (entry queue), escalated by transfer, or escalated as a callback ticket.
ENTRY, TRANSFER, CALLBACK = range(3)
#: The outcome of a handling.
RESOLVED_OUTCOME, ESCALATED_OUTCOME, UNRESOLVED_OUTCOME = "resolved", "escalated", "unresolved"
#: A statistics row or wait histogram not chosen yet (a contact not offered, or not escalated):
#: empty, so that counting into it fails loudly.
NO_ROW: list[float] = []
NO_HIST: list[int] = []


class Contact(Protocol):
    """A contact as the rules see it (both engines' contacts have these fields)."""

    @property
    def ch(self) -> ChannelSetup: ...

    base_s: float
    handle_quantile: float
    first: bool
    outcome_draw: float
    stage: int
    ctype: str | None
    row: list[float]
    transfer_row: list[float]
    queued_at: float
    deadline: float
    vendor_row: list[float] | None
    vendor_offered_at: float
    vendor_within_s: float
    vendor_short_s: float


class ChatAgent(Protocol):
    """An agent as the chat rules see it."""

    @property
    def chats(self) -> list[Any]: ...

    pace: float
    paced_at: float


class Group(Protocol):
    """An agent group as the rules see it (:class:`ccsim.engine.setup.GroupSetup`)."""

    index: int
    resolve_p: float
    escalate_p: float

    @property
    def idle(self) -> list[Any]: ...

    @property
    def partial(self) -> list[Any]: ...


# --------------------------------------------------------------------------- arriving


def next_arrival(segments: list[tuple[float, float, float, int]], j: int, t: float, e: float) -> tuple[int, float]:
    """When the next new contact arrives: ``e`` unit-rate exponential "work" after ``t``.

    The work is used up at each arrival segment's rate (``(start, end, rate, interval)``, from
    segment ``j`` on), and not at all when the desk is closed. Returns ``(segment, time)``;
    the segment is ``len(segments)`` (and the time inf) when the run has no more arrivals.
    """
    while j < len(segments):
        start, end, rate, _ = segments[j]
        if t < start:
            t = start
        avail = (end - t) * rate
        if e < avail:
            return j, t + e / rate
        e -= avail
        t = end
        j += 1
    return j, INF


# --------------------------------------------------------------------------- answering


def handle_work(c: Contact, g: Group, queue: Queue) -> float:
    """The handling's work at group ``g`` answering from ``queue``, in seconds at normal pace.

    The group's own handle-time distribution for these contacts (by inverse transform of the
    contact's quantile ``handle_quantile``), else the contact's handle time times the skill's factor.
    """
    own = queue.own
    if own is not None and g.index in own:
        return own[g.index].ppf(c.handle_quantile)
    return c.base_s * queue.factors[g.index]


def book_transfer_answer(c: Contact, wait: float) -> None:
    """An escalated contact is answered after ``wait``: counted at the receiving group."""
    trow = c.transfer_row  # the receiving group's row of the interval of the escalation
    trow[G_TRANSFERS] += 1
    trow[G_TRANSFER_WAIT] += wait
    if wait <= c.ch.target_s:
        trow[G_TRANSFERS_WITHIN] += 1


# --------------------------------------------------------------------------- waiting


def offer_to_vendor(c: Contact, vendor: int, row: list[float], terms: tuple[float, float], now: float) -> None:
    """A vendor is offered the contact (routed to it, or overflowed): counted for its SLA.

    ``row``: the vendor's sums row of the interval in progress; ``terms``: its answer time and
    short-abandon allowance for the contact's channel.
    """
    c.vendor_row = row
    row[V_OFFERED] += 1
    c.vendor_offered_at = now
    c.vendor_within_s, c.vendor_short_s = terms


def book_abandon(c: Contact, t: float, spread_open: Callable[[list[list[float]], int, float, float], None]) -> None:
    """The customer hangs up at ``t``: its waiting time, and the abandonment where it counts."""
    spread_open(c.ch.rows, QUEUE_S, c.queued_at, t)
    if c.stage == ENTRY:
        row = c.row
        row[ABANDONED] += 1
        row[WAIT_ABN] += t - c.queued_at
        if c.vendor_row is not None:
            book_vendor_abandon(c.vendor_row, t - c.vendor_offered_at, c.vendor_short_s)
    else:
        c.transfer_row[G_TRANSFERS_ABANDONED] += 1


def book_still_waiting(
    c: Contact, end: float, spread_open: Callable[[list[list[float]], int, float, float], None]
) -> None:
    """The run ends at ``end`` while the contact waits: its waiting time, and where it counts."""
    spread_open(c.ch.rows, QUEUE_S, c.queued_at, end)
    if c.stage == ENTRY:
        c.row[WAITING_END] += 1
    else:
        c.transfer_row[G_TRANSFERS_WAITING_END] += 1


# --------------------------------------------------------------------------- after a handling


def outcome(c: Contact, g: Group, later: Batch) -> str:
    """Resolved, escalated or unresolved, after a handling by group ``g``.

    The issue's first handling uses the contact's own outcome draw (drawn on arrival, so that
    the same contact has the same outcome whatever the staffing); later handlings draw from
    ``later``. Read ``c.first`` before: it is False afterwards.
    """
    if c.first:
        u = c.outcome_draw
        c.first = False
    else:
        u = later.next()
    if u < g.resolve_p:
        return RESOLVED_OUTCOME
    if u < g.resolve_p + g.escalate_p:
        return ESCALATED_OUTCOME
    return UNRESOLVED_OUTCOME


def escalate(c: Contact, g: GroupSetup[Any], routing: Routing, k: int, now: float) -> Queue:
    """Group ``g`` escalates the contact in interval ``k``: a transfer or a callback ticket.

    The contact gets the target group's queue (returned), a new handle time, and for a
    transfer a fresh patience (the customer waits again); a callback never hangs up. The
    target group counts the offer.
    """
    ch = c.ch
    target, esc = g.target, g.spec.escalation
    assert target is not None and esc is not None, "only a group with an escalation escalates"
    callback = esc.mode == "callback"
    queue = routing.escalation_queue(target.index, ch.index, c.ctype, callback)
    c.stage = CALLBACK if callback else TRANSFER
    ch.redraw_handle(c, k)  # the target group's handle time is drawn anew
    c.transfer_row = target.rows[k]
    c.transfer_row[G_TRANSFERS_OFFERED] += 1
    c.queued_at = now
    c.deadline = now + ch.later_patience(k) if not callback and ch.patience_later is not None else INF
    return queue


# --------------------------------------------------------------------------- chats


def catch_up(agent: ChatAgent, now: float) -> None:
    """Bring the work left of the agent's chats up to ``now``, at the pace they had."""
    elapsed = now - agent.paced_at
    if elapsed > 0:
        pace = agent.pace
        for c in agent.chats:
            c.work_s -= elapsed / pace
    agent.paced_at = now


# --------------------------------------------------------------------------- staffing and chats


class DeskRules(RunSetup[ChannelT, GroupT]):
    """The parts of a run's story both engines tell alike: the base class of both models.

    Staffing changes (:meth:`staff_interval`, :meth:`fraction_leaves`, :meth:`closing_time`,
    :meth:`set_staff`), an agent going home (:meth:`agent_goes_home`), a chat
    agent taking one more chat (:meth:`chat_starts`), a chat ending (:meth:`chat_ends`) and
    chat agents taking chats again (:meth:`reopen_chat_slots`). Each engine provides the
    mechanics these call: ``answer``, ``next_contact``, ``agent_free``, ``count_presence``,
    ``set_pace``, ``new_agent``, ``log`` and ``spread`` (the fast engine's heap groups have
    their own staffing, in :mod:`ccsim.engine.heap`).
    """

    if TYPE_CHECKING:  # pragma: no cover - what each engine provides

        def answer(self, c: Any, agent: Any, queue: Queue) -> None:
            """The agent takes the contact, waiting in ``queue``."""

        def next_contact(self, g: GroupT, levels: list[list[Queue]]) -> tuple[Any, Queue] | None:
            """The waiting contact a freed agent of ``g`` takes, and its queue (documented order)."""

        def agent_free(self, agent: Any) -> None:
            """The agent has no contact: it goes home, takes the next contact, or idles."""

        def count_presence(self, g: GroupT) -> None:
            """Count the group's agent-seconds present up to now."""

        def set_pace(self, agent: Any, ch: Any, only: Any) -> None:
            """The agent's chats take their new pace (``only`` the new chat, without slowdown)."""

        def new_agent(self, g: GroupT) -> Any:
            """A new agent of ``g``."""

    def log(self, event: str, c: Any, where: str = "", t: float | None = None) -> None:
        """Add an event to the trace (when one is kept)."""
        if self.trace is not None:
            self.trace.append(
                (self.env.now if t is None else t, event, c.id if c else None, c.ch.name if c else "", where)
            )

    def staff_interval(self, k: int) -> None:
        """Interval ``k`` starts: each group's plan is on duty, its available agents answering."""
        for g, at_start, plan in zip(self.groups, self.at_start, self.plan, strict=True):
            g.scheduled = int(plan[k])  # on duty by the plan (routing asks), answering or not
            self.set_staff(g, at_start[k])

    def fraction_leaves(self, steps: list[tuple[int, int]]) -> None:
        """A fractional agent's share of the interval ends: ``(group index, agents)`` steps."""
        for gi, agents in steps:
            self.set_staff(self.groups[gi], agents)

    def closing_time(self) -> None:
        """Closing time: everybody goes home after the contact in hand."""
        for g in self.groups:
            g.scheduled = 0
            self.count_presence(g)
            self.set_staff(g, 0)

    def set_staff(self, g: GroupT, target: int) -> None:
        """Make ``target`` agents of ``g`` on duty: new agents start at once, leavers finish first."""
        diff = target - g.on_duty()
        if diff == 0:
            return
        self.log("staff", None, f"{g.name}={target}")
        self.count_presence(g)
        if diff > 0:
            stay = min(g.owed, diff)  # agents due to leave stay after all
            g.owed -= stay
            if stay and not g.owed:
                self.reopen_chat_slots(g)
            for _ in range(diff - stay):
                agent = self.new_agent(g)
                g.agents.append(agent)
                self.agent_free(agent)
            return
        while diff < 0 and g.idle:  # idle agents leave at once
            g.agents.remove(g.idle.pop())
            diff += 1
            self.log("leave", None, g.name)
        g.owed += -diff  # the others when their contact in hand ends

    def agent_goes_home(self, agent: Any) -> None:
        """A freed agent of a group with agents due to leave goes home."""
        g = agent.group
        g.owed -= 1
        self.count_presence(g)
        g.agents.remove(agent)
        self.log("leave", None, g.name)
        if not g.owed:
            self.reopen_chat_slots(g)

    def chat_starts(self, c: Any, agent: Any, work: float) -> None:
        """A chat agent takes one more chat, and the next waiting one while it has a free slot."""
        now = self.env.now
        chats = agent.chats
        if not chats:
            agent.busy_since = now
        c.work_s = work
        catch_up(agent, now)
        chats.append(c)
        self.set_pace(agent, c.ch, only=None if c.ch.slowdown else c)
        if len(chats) < c.ch.chat_k:  # a free slot: the next waiting chat, if any, else wait for one
            g = agent.group
            nxt = self.next_contact(g, g.chat_levels) if not g.owed else None
            if nxt is not None:
                self.answer(nxt[0], agent, nxt[1])
            else:
                g.partial.append(agent)

    def chat_ends(self, c: Any, agent: Any) -> None:
        """A chat has ended (and left the agent's hands): another chat, or the agent is free."""
        g, ch = agent.group, c.ch
        if agent.chats:
            if ch.slowdown:
                self.set_pace(agent, ch, only=None)
            if g.owed:  # an agent of the group is due to leave: no new chats
                if agent in g.partial:
                    g.partial.remove(agent)
                return
            nxt = self.next_contact(g, g.chat_levels)
            if nxt is not None:
                if agent in g.partial:
                    g.partial.remove(agent)
                self.answer(nxt[0], agent, nxt[1])
            elif agent not in g.partial:
                g.partial.append(agent)
            return
        if agent in g.partial:
            g.partial.remove(agent)
        self.spread(g.rows, G_BUSY, agent.busy_since, self.env.now)
        self.agent_free(agent)

    def reopen_chat_slots(self, g: GroupT) -> None:
        """Nobody of ``g`` is due to leave any more: its chat agents take chats again.

        While agents of a group are due to leave, its chat agents take no new chats, so that
        some become free and go home; then those still running chats fill their free slots.
        """
        for agent in list(g.agents):
            if agent.chats and agent not in g.partial and len(agent.chats) < agent.chats[0].ch.chat_k:
                nxt = self.next_contact(g, g.chat_levels)
                if nxt is not None:
                    self.answer(nxt[0], agent, nxt[1])  # and the next ones while slots are free
                else:
                    g.partial.append(agent)
