"""The rules both engines apply, written once.

The reference model (:mod:`ccsim.engine.reference`) and the fast engine
(:mod:`ccsim.engine.fast`) call these functions at the moments their stories say; the equality
tests (``tests/test_engines.py``) then check the mechanics around them, not two copies of the
rules. What is here:

- which free agent of a group answers a contact (:func:`free_agent`), and how long its handling
  takes there (:func:`handle_work`);
- the outcome of a handling (:func:`outcome`): resolved, escalated or unresolved;
- an escalation's new queue, handle time, patience and counts (:func:`escalate`);
- a vendor offer (:func:`offer_to_vendor`), an abandonment's counts (:func:`book_abandon`), a
  transfer's answer counts (:func:`book_transfer_answer`);
- a chat agent's pace (:func:`chat_pace`, :func:`catch_up`).

The fast engine keeps a few of these inlined where a function call would cost measurable time
on its hot path (a first handling resolved at once, a contact answered by a heap group); the
comments there name the rule they stand for.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol

from ccsim.engine.routing import Queue, Routing
from ccsim.engine.setup import ChannelSetup, GroupSetup
from ccsim.engine.totals import (
    ABANDONED,
    G_TRANSFER_WAIT,
    G_TRANSFERS,
    G_TRANSFERS_ABANDONED,
    G_TRANSFERS_OFFERED,
    G_TRANSFERS_WITHIN,
    QUEUE_S,
    V_OFFERED,
    WAIT_ABN,
    book_vendor_abandon,
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
    "book_abandon",
    "book_transfer_answer",
    "catch_up",
    "chat_pace",
    "escalate",
    "free_agent",
    "handle_work",
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
    hu: float
    first: bool
    u_out: float
    stage: int
    ctype: str | None
    row: list[float]
    trow: list[float]
    t_q: float
    deadline: float
    vrow: list[float] | None
    t_v: float
    v_within: float
    v_short: float


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


# --------------------------------------------------------------------------- answering


def free_agent(g: Group, ch: ChannelSetup) -> Any:
    """An idle agent of ``g`` (the last to become idle) or, for a chat, an agent with a free slot.

    Taken out of its list; None when the group has neither.
    """
    if g.idle:
        return g.idle.pop()
    if ch.chat_k:
        for i, agent in enumerate(g.partial):
            if len(agent.chats) < ch.chat_k:
                return g.partial.pop(i)
    return None


def handle_work(c: Contact, g: Group, queue: Queue) -> float:
    """The handling's work at group ``g`` answering from ``queue``, in seconds at normal pace.

    The group's own handle-time distribution for these contacts (by inverse transform of the
    contact's quantile ``hu``), else the contact's handle time times the skill's factor.
    """
    own = queue.own
    if own is not None and g.index in own:
        return own[g.index].ppf(c.hu)
    return c.base_s * queue.factors[g.index]


def book_transfer_answer(c: Contact, wait: float) -> None:
    """An escalated contact is answered after ``wait``: counted at the receiving group."""
    trow = c.trow  # the receiving group's row of the interval of the escalation
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
    c.vrow = row
    row[V_OFFERED] += 1
    c.t_v = now
    c.v_within, c.v_short = terms


def book_abandon(c: Contact, t: float, spread_open: Callable[[list[list[float]], int, float, float], None]) -> None:
    """The customer hangs up at ``t``: its waiting time, and the abandonment where it counts."""
    spread_open(c.ch.rows, QUEUE_S, c.t_q, t)
    if c.stage == ENTRY:
        row = c.row
        row[ABANDONED] += 1
        row[WAIT_ABN] += t - c.t_q
        if c.vrow is not None:
            book_vendor_abandon(c.vrow, t - c.t_v, c.v_short)
    else:
        c.trow[G_TRANSFERS_ABANDONED] += 1


# --------------------------------------------------------------------------- after a handling


def outcome(c: Contact, g: Group, later: Batch) -> str:
    """Resolved, escalated or unresolved, after a handling by group ``g``.

    The issue's first handling uses the contact's own outcome draw (drawn on arrival, so that
    the same contact has the same outcome whatever the staffing); later handlings draw from
    ``later``. Read ``c.first`` before: it is False afterwards.
    """
    if c.first:
        u = c.u_out
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
    c.trow = target.rows[k]
    c.trow[G_TRANSFERS_OFFERED] += 1
    c.t_q = now
    c.deadline = now + ch.later_patience(k) if not callback and ch.patience_later is not None else INF
    return queue


# --------------------------------------------------------------------------- chats


def chat_pace(chats: int, slowdown: float) -> float:
    """How much longer each of an agent's ``chats`` takes: ``1 + slowdown (chats - 1)``."""
    return 1.0 + slowdown * max(chats - 1, 0)


def catch_up(agent: ChatAgent, now: float) -> None:
    """Bring the work left of the agent's chats up to ``now``, at the pace they had."""
    elapsed = now - agent.paced_at
    if elapsed > 0:
        pace = agent.pace
        for c in agent.chats:
            c.work_s -= elapsed / pace
    agent.paced_at = now
