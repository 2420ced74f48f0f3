"""The reference model: one replication of a scenario, written the way SimPy teaches.

Read it beside ``docs/model.md``: it follows a contact from arrival to resolution in the
same order. It gives the same numbers as the fast engine (:mod:`ccsim.engine.fast`), which
``tests/test_engines.py`` checks contact by contact; it is slower, and meant to be read.

Outline
-------
Processes (generator functions that ``yield`` SimPy events):

* :meth:`ReferenceModel.clock`: the shift manager. At each interval start it puts the plan's
  number of agents on duty, and at closing time it sends everybody home (an agent finishes the
  contact in hand first).
* :meth:`ReferenceModel.arrivals`: new contacts of one channel, a Poisson process whose rate
  is constant within an interval and 0 when the desk is closed.
* :meth:`ReferenceModel.customer`: one customer's issue, attempt after attempt (the first
  contact, then redials after hanging up and repeat contacts after an unresolved handling).
  One attempt (:meth:`ReferenceModel.attempt`) is: self-service, joining a queue, waiting
  (``answered | patience``, plus the vendor's overflow timer), handling, and the outcome
  (resolved, escalated: wait again in the next group's queue, or unresolved).
* :meth:`ReferenceModel.chat`: the handling of a chat, whose pace changes whenever its agent
  starts or ends another chat.

Agents are plain records in their groups (:class:`Agent`, :class:`AgentGroup`); routing
decisions are plain functions called at the moment something happens (a contact joins a queue,
an agent becomes free, staffing changes): :meth:`ReferenceModel.offer`,
:meth:`ReferenceModel.agent_free`, :meth:`ReferenceModel.next_contact`. Where a contact goes
is decided by the routing policy (:class:`ccsim.engine.routing.Routing`).

The rules the fast engine applies too are written once, in :mod:`ccsim.engine.rules`, and
called from here: which free agent answers (``rules.free_agent``), the handling's work
(``rules.handle_work``), its outcome (``rules.outcome``), an escalation (``rules.escalate``),
the counts of a vendor offer, an abandonment and a transfer's answer, a chat's pace; and, as
methods this model inherits (:class:`ccsim.engine.rules.DeskRules`), staffing changes
(``set_staff``), an agent going home, and chats starting and ending (``chat_starts``,
``chat_ends``, ``reopen_chat_slots``). Channels, groups and their random streams are set up
by :mod:`ccsim.engine.setup`.

Statistics are added to one row per interval as things happen (see ``docs/kpis.md``): a
contact's wait, answer and abandonment in the interval it was offered; handlings in the
interval in progress when they end; escalations in the receiving group's row of the interval
in progress when they happen; waiting time (``queue_s``) and busy time spread over the
intervals they cover.

Random numbers come from the same named streams as the fast engine (:mod:`ccsim.streams`),
drawn in the same order, so both engines see the same contacts.

Ties: events due at the same instant are processed in the order they were booked (SimPy's
rule, first booked first), as in the fast engine:

* every interval start and closing time is booked when the run starts, before anything else:
  at an instant where the desk opens or closes and something else is due (a redial or repeat
  contact waiting for the opening, a scripted contact, a handling that ends then), the
  staffing changes first. A handling ending at a closing time ends after the agents went off
  duty: the agent finishes it and leaves;
* a customer whose patience ends at the very instant an agent could answer (or the vendor
  overflow would open) has hung up;
* at the end of a handling, an escalated contact is offered to the next group before the agent
  takes its next contact;
* among queues of the same priority whose first contacts joined at the same instant, the first
  queue in the routing's order wins; new agents of an interval take contacts group by group in
  file order.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from ccsim.engine import rules
from ccsim.engine.draws import FreshDraws
from ccsim.engine.routing import Queue
from ccsim.engine.rules import ENTRY, ESCALATED_OUTCOME, NO_HIST, NO_ROW, RESOLVED_OUTCOME
from ccsim.engine.setup import (
    ChannelSetup,
    GroupSetup,
    RunStreams,
)
from ccsim.engine.totals import RunTotals, ScriptedContact, book_vendor_answer
from ccsim.results.layout import (
    ANSWERED,
    ARRIVALS,
    AT_ONCE,
    BACKLOG,
    CONTAINED,
    ESCALATED,
    FIRST,
    FIRST_RES,
    G_BUSY,
    G_ESCALATED,
    G_HANDLE_S,
    G_HANDLED,
    G_PRESENT,
    G_RESOLVED,
    G_VOICE_HANDLE_S,
    HANDLE_S,
    HANDLED,
    ISSUES,
    ISSUES_RES,
    OFFERED,
    QUEUE_S,
    REDIALS,
    REPEATS,
    SELF_SERVED,
    SERVING_END,
    VENDOR_STATS,
    WAIT_ANS,
    WITHIN,
    wait_bin,
)
from ccsim.scenario import AgentGroup as GroupSpec
from ccsim.scenario import Channel

__all__ = ["ReferenceModel"]

INF = math.inf

# where a contact is in its attempt
IN_SELF_SERVICE, WAITING, SERVING, DONE = "self-service", "waiting", "serving", "done"
# which kind of queue it waits in (ccsim.engine.rules): a new contact's ENTRY queue, or after an
# escalation a TRANSFER or CALLBACK queue


# --------------------------------------------------------------------------- records


class Contact:
    """One attempt of a customer's issue: a new contact, a redial or a repeat contact.

    Attributes
    ----------
    id : int
        Contact number, in the order contacts arrive.
    ch : ChannelState
        Its channel.
    kind : str
        ``"fresh"``, ``"redial"`` or ``"repeat"``.
    ctype : str or None
        Contact type.
    base_s : float
        Handle time before the handling group's ``handle_time_factor``.
    u_out : float
        Outcome draw of the issue's first handling.
    hu : float
        The quantile of its handle time at a group with its own handle-time distribution.
    first : bool
        Whether the issue has not been handled yet (the next handling is its first).
    patience_s : float
        Patience (from the moment it joins a queue).
    deadline : float
        When it hangs up if still waiting (``inf``: never).
    """

    def __init__(self, cid: int, ch: ChannelState, kind: str, base_s: float, u_out: float, patience_s: float) -> None:
        self.id = cid
        self.ch = ch
        self.kind = kind
        self.ctype: str | None = None
        self.base_s = base_s
        self.handle_quantile = 0.5
        self.root: int | None = None  # a redial or repeat contact: its customer's first contact
        self.outcome_draw = u_out
        self.first = kind != "repeat"
        self.patience_s = patience_s
        self.deadline = INF
        self.state = IN_SELF_SERVICE
        self.stage = ENTRY
        self.issue_row: list[float] | None = None  # stats row of the interval its issue was first offered
        self.row = NO_ROW  # stats row of the interval it was offered
        self.hist = NO_HIST  # wait histogram of that interval
        self.transfer_row = NO_ROW  # after an escalation: the receiving group's row
        self.vendor_row: list[float] | None = None  # sent to a vendor: its sums row (interval of the vendor offer)
        self.vendor_offered_at = 0.0  # ... and when
        self.vendor_within_s = 0.0  # ... the vendor's answer time for it (``answered_within``)
        self.vendor_short_s = -INF  # ... and its short-abandon allowance (-inf: none)
        self.queued_at = 0.0  # when it joined its (latest) queue
        self.queue: Queue | None = None  # the queue it joined (entry, vendor or transfer)
        self.queues: list[Queue] = []  # the queues it waits in now (two after an overflow)
        self.answered: simpy.Event | None = None  # succeeds when an agent takes it (made when it is offered)
        self.agent: Agent | None = None
        self.t_start = 0.0  # when its handling started
        self.work_s = 0.0  # handling work left (chat: at the agent's last change of pace)
        self.process: simpy.Process | None = None  # chat: the process waiting for its end
        self.done: simpy.Timeout | None = None  # the end of its handling, booked when it starts (chat: at each pace)


class Agent:
    """One agent present: on duty, or finishing a contact after going off duty.

    Attributes
    ----------
    group : AgentGroup
        Its group.
    contact : Contact or None
        The (non-chat) contact in hand.
    chats : list of Contact
        The chats in hand, in the order they started.
    busy_since : float
        When it last went from no contact to one.
    pace : float
        Chat agents: how much longer each chat takes with the current load,
        ``1 + slowdown * (chats - 1)``.
    paced_at : float
        When the chats' work left was last brought up to date.
    """

    def __init__(self, group: AgentGroup) -> None:
        self.group = group
        self.contact: Contact | None = None
        self.chats: list[Contact] = []
        self.busy_since = 0.0
        self.pace = 1.0
        self.paced_at = 0.0


class AgentGroup(GroupSetup[Agent]):
    """An agent group: who is present, who is idle, its queues and statistics rows.

    The fields both engines share are described in :class:`ccsim.engine.setup.GroupSetup`; the
    routing policy reads ``index``, ``name``, ``spec``, ``scheduled`` and :meth:`on_duty`.
    """

    def __init__(self, index: int, name: str, spec: GroupSpec, n_intervals: int) -> None:
        super().__init__(index, name, spec, n_intervals)
        self.counted_until = 0.0  # presence is counted up to here


#: A channel: its settings, random streams and statistics rows (shared with the fast engine).
ChannelState = ChannelSetup


class NewContacts:
    """A channel's new contacts, one by one: ``(gap, handle_s, patience_s, u_out, u_route, u_type, u_ss)``.

    The values come from :class:`ccsim.engine.draws.FreshDraws`, the named streams both engines
    draw a new contact from: the gap to the next arrival (unit-rate exponential), the handle
    time, the patience, and four uniforms (outcome, routing, contact type, self-service).
    """

    def __init__(self, draws: FreshDraws) -> None:
        self.draws = draws
        self.first_gap = draws.first_gap  # before the first arrival
        self.batch: list[tuple[float, float, float, float, float, float, float]] = []
        self.i = 0

    def next(self) -> tuple[float, float, float, float, float, float, float]:
        """The next new contact's draws."""
        if self.i >= len(self.batch):
            gaps, handles, patiences, u = self.draws.batch()
            self.batch = list(zip(gaps, handles, patiences, *u.T.tolist(), strict=True))
            self.i = 0
        self.i += 1
        return self.batch[self.i - 1]


# --------------------------------------------------------------------------- the model


class ReferenceModel(rules.DeskRules[ChannelState, AgentGroup]):
    """One SimPy run of a scenario's desk, written to be read.

    ``ReferenceModel(scenario, seed, replication=0, *, trace=False, script=None,
    routing=Routing, staffing=None)``: the parameters, and what is set up before the run (the
    calendar's intervals, the channels with their random streams, the agent groups, the routing
    and the staffing), are those of :class:`ccsim.engine.setup.RunSetup`, shared with the fast
    engine.
    """

    def make_channel(self, index: int, name: str, spec: Channel, run: RunStreams) -> ChannelState:
        """A channel: settings, random streams, statistics rows."""
        return ChannelState(index, name, spec, run)

    def make_group(self, index: int, name: str, spec: GroupSpec) -> AgentGroup:
        """An agent group: its agents and statistics rows."""
        return AgentGroup(index, name, spec, self.n)

    # ------------------------------------------------------------------ running

    def run(self) -> RunTotals:
        """Simulate the whole calendar and return the per-interval totals."""
        env = self.env
        env.process(self.clock())
        if self.script is None:
            for ch in self.channels:
                env.process(self.arrivals(ch))
        else:
            by_name = {ch.name: ch for ch in self.channels}
            for sc in sorted(self.script, key=lambda s: s.time_s):
                env.process(self.scripted_arrival(sc, by_name[sc.channel]))
        env.run(until=self.horizon)
        return self.totals()

    # ------------------------------------------------------------------ 7. staffing

    def clock(self):
        """The shift manager: staffing at every interval start, everybody home at closing time.

        Every interval start and closing time is booked at once, before anything else happens
        (see the tie rules in the module documentation): at an instant where the desk opens or
        closes and something else is due, the staffing changes first.
        """
        env = self.env
        marks = []
        for k in range(self.n):
            marks.append((k, "start", env.timeout(self.starts[k]), None))
            for t, steps in self.drops[k]:  # a fractional agent's share of the interval ends
                marks.append((k, "drop", env.timeout(t), steps))
            if k + 1 < self.n and self.ends[k] < self.starts[k + 1]:
                marks.append((k, "close", env.timeout(self.ends[k]), None))
        for k, mark, when, steps in marks:
            yield when
            if mark == "drop":
                self.fraction_leaves(steps)
                continue
            if mark == "close":
                self.closing_time()  # everybody goes home after the contact in hand
                continue
            if k > 0:
                self.backlog_snapshot(k - 1)
            for g in self.groups:
                self.count_presence(g)
            self.cur = k
            self.log("interval", None, str(k))
            self.staff_interval(k)

    def new_agent(self, g: AgentGroup) -> Agent:
        """A new agent of ``g`` on duty."""
        return Agent(g)

    def count_presence(self, g: AgentGroup) -> None:
        """Add the agent-seconds present since the last count to the interval in progress."""
        now = self.env.now
        g.rows[self.cur][G_PRESENT] += len(g.agents) * (now - g.counted_until)
        g.counted_until = now

    # ------------------------------------------------------------------ 1. arrival

    def arrivals(self, ch: ChannelState):
        """New contacts of a channel: a Poisson process with a rate constant in each interval.

        ``e`` is the unit-rate exponential "work" left until the next arrival: it is used up at
        each interval's rate, and not at all when the desk is closed.
        """
        env = self.env
        segments = ch.segments
        new_contacts = NewContacts(ch.fresh)
        j, t, e = 0, 0.0, new_contacts.first_gap
        while True:
            j, when = rules.next_arrival(segments, j, t, e)  # e used up at the intervals' rates
            if j == len(segments):
                return  # no more arrivals in the run
            _, end, rate, k = segments[j]
            yield env.timeout(when - env.now)
            gap, handle_s, patience_s, u_out, u_route, u_type, u_ss = new_contacts.next()
            t, e = env.now, gap
            if t + e / rate < end:  # the next arrival is in this interval (the fast engine's arithmetic)
                t, e = t + e / rate, 0.0
            # handle time and patience as forecast for the interval of arrival
            c = self.new_contact(ch, "fresh", handle_s * ch.h_scale[k], u_out, patience_s * ch.p_scale[k])
            if ch.own_fresh is not None:
                c.handle_quantile = ch.own_fresh.next()
            c.ctype = ch.contact_type(u_type)
            env.process(self.customer(c, u_route, u_ss))

    def scripted_arrival(self, sc: ScriptedContact, ch: ChannelState):
        """A contact given by a script arrives at its time."""
        yield self.env.timeout(sc.time_s)
        c = self.new_contact(ch, "fresh", sc.handle_s, sc.outcome_u, sc.patience_s)
        c.handle_quantile = sc.own_u
        c.ctype = sc.contact_type
        yield from self.customer(c, sc.routing_u, 1.0)

    def new_contact(self, ch: ChannelState, kind: str, base_s: float, u_out: float, patience_s: float) -> Contact:
        """A new contact record, numbered in arrival order."""
        c = Contact(self.contacts_so_far, ch, kind, base_s, u_out, patience_s)
        self.contacts_so_far += 1
        return c

    def customer(self, c: Contact, u_route: float, u_ss: float):
        """One customer's issue: its first contact, then redials and repeat contacts."""
        env = self.env
        while True:
            again = yield from self.attempt(c, u_route, u_ss)
            if again is None:
                return
            kind, when = again
            yield env.timeout(when - env.now)  # the next attempt, its delay counted in opening hours
            ch, old = c.ch, c
            if kind == "redial":  # the same contact again: same handle time and first outcome draw
                c = self.new_contact(ch, "redial", old.base_s, old.outcome_draw, 0.0)
                c.handle_quantile, c.first = old.handle_quantile, old.first
            else:  # a repeat contact: a new handle time (this interval's), and never a first handling
                c = self.new_contact(ch, "repeat", 0.0, 1.0, 0.0)
                ch.redraw_handle(c, self.cur)
            c.patience_s = ch.later_patience(self.cur)
            c.ctype, c.issue_row = old.ctype, old.issue_row
            c.root = old.root if old.root is not None else old.id  # the customer's first contact
            u_route, u_ss = ch.u_later.next(), 1.0

    def attempt(self, c: Contact, u_route: float, u_ss: float):
        """One contact from arrival to the end of its last handling (or hanging up).

        Returns ``(kind, when)`` of the customer's next attempt (``"redial"`` or
        ``"repeat"``), or None.
        """
        env, ch = self.env, c.ch
        self.log("arrive", c, c.kind if c.root is None else f"{c.kind} of {c.root}")

        # 2. self-service (new contacts only: redials and repeats ask for an agent)
        if ch.ss_time is not None and c.kind == "fresh":
            row = ch.rows[self.cur]
            row[SELF_SERVED] += 1
            if u_ss < ch.containment:
                row[CONTAINED] += 1
                row[ARRIVALS] += 1
                c.state = DONE
                self.log("contained", c)
                return None
            delay = ch.ss_time.next()
            if delay > 0:
                ch.in_self_service += 1
                yield env.timeout(delay)
                ch.in_self_service -= 1

        # 3. routing: the contact is offered to a queue (and maybe answered at once)
        k = self.bucket(env.now)
        row = c.row = ch.rows[k]
        c.hist = ch.hists[k]
        row[ARRIVALS] += 1
        row[OFFERED] += 1
        if c.kind == "fresh":
            c.issue_row = row
            row[ISSUES] += 1
        elif c.kind == "repeat":
            row[REPEATS] += 1
        else:
            row[REDIALS] += 1
        c.queued_at = env.now
        c.deadline = c.patience_s + env.now
        queue, overflow, after = self.routing.route(ch.index, c.ctype, u_route)
        self.log("offer", c, queue.name)
        if queue.vendor is not None:  # sent to a vendor: counted for its SLA
            self.vendor_offer(c, queue.vendor)
        self.offer(c, queue)

        while True:
            # 4. waiting
            if c.state == WAITING:
                answered = yield from self.wait(c, overflow, after)
                if not answered:
                    self.abandon(c, env.now)
                    return self.redial(c, env.now)
            # 5. handling
            agent, done = c.agent, c.done
            assert agent is not None and done is not None, "an answered contact has its agent and end"
            if ch.chat_k:
                yield from self.chat(c)
            else:
                yield done  # booked when the agent answered
            # 6. outcome
            again = self.handling_ends(c, agent)
            if c.state not in (WAITING, SERVING):  # resolved or unresolved
                return again
            overflow = None  # escalated: it waits again (or is answered at once) in the next group's queue

    # ------------------------------------------------------------------ 3. routing

    def offer(self, c: Contact, queue: Queue) -> None:
        """Give the contact to the first group of the queue with a free agent, or queue it."""
        c.answered = self.env.event()
        for g in queue.groups:
            agent = rules.free_agent(g, c.ch)
            if agent is not None:
                self.answer(c, agent, queue)
                return
        c.state = WAITING
        c.queue = queue
        c.queues = [queue]
        queue.items.append(c)

    def next_contact(self, g: AgentGroup, levels: list[list[Queue]]) -> tuple[Contact, Queue] | None:
        """The contact a freed agent of ``g`` takes (documented routing order).

        Among the queues of its best skill priority that have a waiting contact, the contact that
        has waited longest; if none, the next priority. A customer whose patience ends at this
        very instant has hung up.
        """
        now = self.env.now
        for level in levels:
            best: tuple[Contact, Queue] | None = None
            for q in level:
                head = next((c for c in q.items if c.deadline > now), None)
                if head is not None and (best is None or head.queued_at < best[0].queued_at):
                    best = head, q
            if best is not None:
                return best
        return None

    def agent_free(self, agent: Agent) -> None:
        """An agent has no contact: go home if due to, else take the next contact, else idle."""
        g = agent.group
        if g.owed:
            self.agent_goes_home(agent)
            return
        nxt = self.next_contact(g, g.levels)
        if nxt is not None:
            self.answer(nxt[0], agent, nxt[1])
        else:
            g.idle.append(agent)

    # ------------------------------------------------------------------ 4. waiting

    def wait(self, c: Contact, overflow: Queue | None, after: float | None):
        """Wait until an agent answers (True) or the customer hangs up (False).

        With vendor overflow, after ``after`` seconds the contact also joins the vendor's queue.
        """
        env = self.env
        answered = c.answered
        assert answered is not None, "offered contacts have an answered event"
        events: list[simpy.Event] = [answered]
        patience = None
        if c.deadline < INF:
            patience = env.timeout(c.deadline - env.now)
            events.append(patience)
        if overflow is not None and after is not None:
            events.append(env.timeout(after))
        while True:
            yield env.any_of(events) if len(events) > 1 else events[0]
            if answered.triggered:
                return True
            if patience is not None and patience.processed:
                return False
            # the overflow timer: the vendor's agents may answer it too
            events.pop()
            if c.deadline > env.now and overflow is not None:
                self.overflow(c, overflow)

    def vendor_offer(self, c: Contact, vendor: int) -> None:
        """A vendor is offered the contact (routed to it, or overflowed): counted for its SLA."""
        now, i = self.env.now, c.ch.index
        row = self.vendor_rows[vendor][i][self.bucket(now)]
        rules.offer_to_vendor(c, vendor, row, self.vendor_terms[vendor][i], now)

    def overflow(self, c: Contact, vendor_q: Queue) -> None:
        """The contact also waits for the vendor's agents (the first agent to take it wins)."""
        self.log("overflow", c, vendor_q.name)
        assert vendor_q.vendor is not None, "an overflow queue is a vendor's"
        self.vendor_offer(c, vendor_q.vendor)
        for g in vendor_q.groups:
            agent = rules.free_agent(g, c.ch)
            if agent is not None:
                self.answer(c, agent, vendor_q)
                return
        vendor_q.items.append(c)
        c.queues.append(vendor_q)

    def abandon(self, c: Contact, t: float) -> None:
        """The customer hangs up at ``t`` and leaves the queue."""
        c.state = DONE
        for q in c.queues:
            q.items.remove(c)
        c.queues = []
        rules.book_abandon(c, t, self.spread_open)  # its waiting time, the abandonment where it counts
        self.log("abandon", c, c.queue.name if c.queue else "", t=t)

    def redial(self, c: Contact, t: float) -> tuple[str, float] | None:
        """Whether (and when) a customer who hung up at ``t`` calls again: ``("redial", when)`` or None."""
        when = c.ch.redial_at(t, self.open_after)
        return ("redial", when) if when is not None else None

    # ------------------------------------------------------------------ 5. handling

    def answer(self, c: Contact, agent: Agent, queue: Queue) -> None:
        """An agent takes the contact: count its wait, start the handling."""
        now = self.env.now
        g, ch = agent.group, c.ch
        c.state = SERVING
        for q in c.queues:
            q.items.remove(c)
        c.queues = []
        wait = now - c.queued_at
        if wait > 0:
            self.spread_open(ch.rows, QUEUE_S, c.queued_at, now)
        if c.stage == ENTRY:
            row = c.row
            row[ANSWERED] += 1
            if wait > 0:
                row[WAIT_ANS] += wait
            else:
                row[AT_ONCE] += 1
            if wait <= ch.target_s:
                row[WITHIN] += 1
            c.hist[wait_bin(wait)] += 1
            if c.vendor_row is not None:  # a vendor was offered it: answered by the vendor, or taken back
                book_vendor_answer(c.vendor_row, queue.vendor, now - c.vendor_offered_at, c.vendor_within_s)
        else:  # an escalated contact: counted at the receiving group
            rules.book_transfer_answer(c, wait)
        self.log("answer", c, g.name)
        c.agent = agent
        c.t_start = now
        work = rules.handle_work(c, g, queue)  # the skill's factor, or the group's own handle time
        if ch.chat_k:
            self.chat_starts(c, agent, work)
        else:
            c.work_s = work
            agent.contact = c
            agent.busy_since = now
            c.done = self.env.timeout(work)  # booked now, as the agent starts
        assert c.answered is not None, "offered contacts have an answered event"
        c.answered.succeed()

    def chat(self, c: Contact):
        """A chat's handling, at its agent's pace.

        Its end (``c.done``) is booked when it starts and again whenever the pace changes (the
        agent starts or ends another chat, see :meth:`set_pace`), which interrupts the wait:
        the chat then waits for its new end.
        """
        c.process = self.env.active_process
        while True:
            try:
                yield c.done
            except simpy.Interrupt:  # the pace changed: c.done was booked again
                continue
            c.process = None
            return

    def set_pace(self, agent: Agent, ch: ChannelState, only: Contact | None) -> None:
        """Each of m chats runs at 1 / (1 + slowdown (m - 1)) of the normal speed.

        The chats whose pace changed (all, or ``only`` the new one when there is no slowdown)
        get their end booked again, and are told.
        """
        agent.pace = ch.paces[len(agent.chats)]  # 1 + slowdown (chats - 1): setup.chat_paces
        for other in agent.chats if only is None else (only,):
            other.done = self.env.timeout(max(other.work_s, 0.0) * agent.pace)
            if other.process is not None:  # waiting for its old end: wake it to wait for the new one
                other.process.interrupt("pace")

    # ------------------------------------------------------------------ 6. outcome

    def handling_ends(self, c: Contact, agent: Agent):
        """Count the handling, decide its outcome, and free the agent.

        Returns the customer's next attempt (a repeat contact), or None.
        """
        now = self.env.now
        g, ch = agent.group, c.ch
        handle = now - c.t_start
        if ch.chat_k:
            c.state = DONE
        crow, grow = ch.rows[self.cur], g.rows[self.cur]
        crow[HANDLED] += 1
        crow[HANDLE_S] += handle
        grow[G_HANDLED] += 1
        grow[G_HANDLE_S] += handle
        if ch.voice:
            grow[G_VOICE_HANDLE_S] += handle
        self.log("complete", c, g.name)
        if ch.chat_k:  # the chat leaves the agent's hands (before an escalation gives it to another agent)
            rules.catch_up(agent, self.env.now)
            agent.chats.remove(c)
        again = self.outcome(c, g)
        if ch.chat_k:
            self.chat_ends(c, agent)
        else:
            self.spread(g.rows, G_BUSY, agent.busy_since, now)
            self.agent_free(agent)
        return again

    def outcome(self, c: Contact, g: AgentGroup) -> tuple[str, float] | None:
        """Resolved, escalated or unresolved, after a handling by group ``g``.

        The rule is :func:`ccsim.engine.rules.outcome`; this counts it. Returns the customer's
        next attempt (``("repeat", when)``), or None.
        """
        ch, now = c.ch, self.env.now
        crow, grow = ch.rows[self.cur], g.rows[self.cur]
        first = c.first
        result = rules.outcome(c, g, self.outcomes.later)
        if first:
            crow[FIRST] += 1
        if result is RESOLVED_OUTCOME:
            if first:
                crow[FIRST_RES] += 1
            grow[G_RESOLVED] += 1
            if c.issue_row is not None:
                c.issue_row[ISSUES_RES] += 1
            c.state = DONE
            self.log("resolved", c, g.name)
            return None
        if result is ESCALATED_OUTCOME:
            crow[ESCALATED] += 1
            grow[G_ESCALATED] += 1
            self.escalate(c, g)
            return None
        c.state = DONE
        self.log("unresolved", c, g.name)
        when = self.outcomes.repeat_at(now, self.open_after)
        return ("repeat", when) if when is not None else None

    def escalate(self, c: Contact, g: AgentGroup) -> None:
        """Transfer (the customer waits again, with a fresh patience) or callback (a ticket)."""
        queue = rules.escalate(c, g, self.routing, self.cur, self.env.now)  # its queue, handle time, patience
        self.log("escalate", c, queue.name)
        self.offer(c, queue)

    # ------------------------------------------------------------------ statistics

    def backlog_snapshot(self, k: int) -> None:
        """Email and SNS contacts waiting at the end of interval ``k``."""
        for ch in self.channels:
            if ch.backlog:
                waiting = {id(c) for q in self.routing.queues if q.channel == ch.index for c in q.items}
                ch.rows[k][BACKLOG] = len(waiting)

    # ------------------------------------------------------------------ the end of the run

    def totals(self) -> RunTotals:
        """Count what is still going on when the run ends, and return the totals."""
        end = self.horizon
        self.backlog_snapshot(self.n - 1)
        seen: set[int] = set()
        for q in self.routing.queues:
            for c in list(q.items):
                if id(c) in seen:
                    continue
                seen.add(id(c))
                if c.deadline <= end:  # hung up at the very end
                    self.abandon(c, c.deadline)
                    continue
                rules.book_still_waiting(c, end, self.spread_open)
        for g in self.groups:
            self.count_presence(g)
            for agent in g.agents:
                in_hand = agent.chats if agent.chats else ([agent.contact] if agent not in g.idle else [])
                for c in in_hand:
                    if c is not None and c.state == SERVING and c.stage == ENTRY:
                        c.row[SERVING_END] += 1
                if in_hand:
                    self.spread(g.rows, G_BUSY, agent.busy_since, end)
        for ch in self.channels:  # still in self-service
            ch.rows[-1][ARRIVALS] += ch.in_self_service
        if self.trace is not None:
            self.trace.sort(key=lambda e: e[0])
        channels = np.array([ch.rows for ch in self.channels], dtype=float)
        return RunTotals(
            channels=channels,
            wait_hist=np.array([ch.hists for ch in self.channels], dtype=np.int32),
            groups=np.array([g.rows for g in self.groups], dtype=float),
            contacts=int(channels[..., ARRIVALS].sum()),
            trace=self.trace,
            vendors=np.array(self.vendor_rows, dtype=float).reshape(
                len(self.vendor_rows), len(self.channels), self.n, len(VENDOR_STATS)
            ),
        )
