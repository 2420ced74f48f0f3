"""The reference model: one replication of a scenario, written the way SimPy teaches.

This is the specification of the model. Read it beside ``docs/model.md`` and notebook 04,
which follows one call through it: a contact's story is :meth:`ReferenceModel.customer` and
:meth:`ReferenceModel.attempt`, from arrival to answer, hang-up or escalation, in that order.

Processes (generator functions that ``yield`` SimPy events):

* :meth:`~ReferenceModel.clock`, the shift manager: the plan's agents on duty at each interval
  start, everybody home at closing time (after the contact in hand);
* :meth:`~ReferenceModel.arrivals`, one per channel: a Poisson process whose rate is constant
  within an interval and 0 when the desk is closed; every arrival starts a customer;
* :meth:`~ReferenceModel.customer`, one per issue: the first contact, redials after hanging up,
  repeat contacts after an unresolved handling. An attempt is self-service, joining a queue,
  waiting (``answered | patience``: reneging with ``any_of``), the handling, and the outcome
  (resolved; escalated: wait again in the next group's queue; or unresolved);
* :meth:`~ReferenceModel.chat`: a chat's handling (inside its customer's process), at a pace
  that changes when its agent starts or ends another chat with a slowdown (then it is
  interrupted to wait for its new end).

Why agents are not a ``simpy.Resource``: a resource serves one FIFO queue, but an agent freed
here chooses among several queues (by default its skills by priority, then the contact that
waited longest), and a contact may wait in two queues at once (a vendor's overflow). So routing
decisions are plain functions called when something happens: :meth:`~ReferenceModel.offer` (a
contact joins a queue), :meth:`~ReferenceModel.agent_free` (an agent finishes) and
``set_staff`` (staffing changes); the waiting customer learns it from its ``answered`` event.
Which free agent answers and which waiting contact a freed agent takes are the dispatch
policy's choices (``self.dispatch``, :mod:`ccsim.engine.dispatch`).

The rules the fast engine applies too are written once, in :mod:`ccsim.engine.rules`, and
statistics are counted by a :class:`~ccsim.engine.recorder.Recorder` (``self.stats``) that the
story calls in plain words. Both engines draw from the same named random streams in the same
order and follow the same tie rules for simultaneous events (``docs/model.md``), so
``tests/test_engines.py`` compares them contact by contact.
"""

from __future__ import annotations

import math
from typing import Unpack

import simpy

from ccsim.engine import rules
from ccsim.engine.recorder import Recorder
from ccsim.engine.routing import Queue
from ccsim.engine.rules import ENTRY, ESCALATED_OUTCOME, NO_HIST, NO_ROW, RESOLVED_OUTCOME
from ccsim.engine.setup import ChannelSetup, GroupSetup, RunOptions, RunStreams
from ccsim.engine.totals import RunTotals, ScriptedContact
from ccsim.scenario import AgentGroup as GroupSpec
from ccsim.scenario import Channel, Scenario

__all__ = ["ReferenceModel"]

INF = math.inf

#: Where a contact is in its attempt.
IN_SELF_SERVICE, WAITING, SERVING, DONE = "self-service", "waiting", "serving", "done"
#: A customer's next attempt: ``("redial" or "repeat", when)``, or None.
NextAttempt = tuple[str, float] | None

#: A channel: its settings, random streams and statistics rows (shared with the fast engine).
ChannelState = ChannelSetup


class Contact:
    """One attempt of a customer's issue: a new contact, a redial or a repeat contact."""

    def __init__(self, number: int, ch: ChannelState, kind: str, base_s: float, outcome_draw: float) -> None:
        self.id = number  # contacts are numbered in the order they arrive
        self.ch = ch  # its channel
        self.kind = kind  # "fresh", "redial" or "repeat"
        self.root: int | None = None  # a redial or repeat: the number of its customer's first contact
        self.ctype: str | None = None  # its contact type (None: the channel has none)
        self.base_s = base_s  # handle time, before the handling group's factor
        self.handle_quantile = 0.5  # its handle time's quantile at a group with its own distribution
        self.outcome_draw = outcome_draw  # decides the outcome of the issue's first handling
        self.first = kind != "repeat"  # the issue's first handling is still to come
        self.patience_s = INF  # how long it waits in a queue before hanging up
        self.state = IN_SELF_SERVICE
        self.stage = ENTRY  # ENTRY, or after an escalation TRANSFER or CALLBACK (rules.py)
        # where it counts (the Recorder): the rows of the interval it, and its issue, were offered
        self.row = NO_ROW
        self.hist = NO_HIST
        self.issue_row: list[float] | None = None
        self.transfer_row = NO_ROW  # escalated: the receiving group's row
        self.vendor_row: list[float] | None = None  # offered to a vendor: its row, ...
        self.vendor_offered_at = 0.0  # ... when, ...
        self.vendor_within_s = 0.0  # ... the vendor's answer time for it
        self.vendor_short_s = -INF  # ... and its short-abandon allowance (-inf: none)
        # waiting
        self.queued_at = 0.0  # when it joined its latest queue
        self.deadline = INF  # when it hangs up if still waiting
        self.queue: Queue | None = None  # the queue it joined (entry, vendor or escalation)
        self.queues: list[Queue] = []  # the queues it waits in now (two after an overflow)
        self.answered: simpy.Event | None = None  # succeeds when an agent takes it
        # handling
        self.agent: Agent | None = None
        self.started_at = 0.0  # when its handling started
        self.work_s = 0.0  # work left at normal pace (a chat: at its agent's last change of pace)
        self.done: simpy.Timeout | None = None  # the handling's end (a chat's: booked again at each pace)
        self.process: simpy.Process | None = None  # a chat: the process waiting for its end


class Agent:
    """One agent present: on duty, or finishing a contact after going off duty."""

    def __init__(self, group: AgentGroup) -> None:
        self.group = group
        self.contact: Contact | None = None  # the (non-chat) contact in hand
        self.chats: list[Contact] = []  # the chats in hand, in the order they started
        self.busy_since = 0.0  # when it last went from no contact to one
        self.idle_since = 0.0  # when it last became idle
        self.pace = 1.0  # chats: how much longer each takes with the current load
        self.paced_at = 0.0  # chats: when their work left was last brought up to date


class AgentGroup(GroupSetup[Agent]):
    """An agent group: its agents (present, idle, with a free chat slot), queues and rows.

    The fields are described in :class:`ccsim.engine.setup.GroupSetup`.
    """


class ReferenceModel(rules.DeskRules[ChannelState, AgentGroup]):
    """One SimPy run of a scenario's desk, written to be read.

    The parameters (scenario, seed, replication; trace, script, routing, staffing) and what is
    set up before the run are those of :class:`ccsim.engine.setup.RunSetup`, shared with the
    fast engine.
    """

    def __init__(self, scenario: Scenario, seed: int, replication: int = 0, **options: Unpack[RunOptions]) -> None:
        super().__init__(scenario, seed, replication, **options)
        self.stats = Recorder(self)  # the statistics, counted as things happen

    def make_channel(self, index: int, name: str, spec: Channel, run: RunStreams) -> ChannelState:
        """A channel: settings, random streams, statistics rows."""
        return ChannelState(index, name, spec, run)

    def make_group(self, index: int, name: str, spec: GroupSpec) -> AgentGroup:
        """An agent group: its agents and statistics rows."""
        return AgentGroup(index, name, spec, self.n)

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

    # ------------------------------------------------------------------ the shift manager

    def clock(self):
        """Staffing at every interval start, everybody home at closing time.

        Every staffing change is booked at once, before anything else happens: at an instant
        where the desk opens or closes and something else is due, the staffing changes first.
        """
        env = self.env
        marks = []
        for k in range(self.n):
            marks.append((k, "start", env.timeout(self.starts[k]), None))
            for t, steps in self.drops[k]:
                marks.append((k, "drop", env.timeout(t), steps))
            if k + 1 < self.n and self.ends[k] < self.starts[k + 1]:
                marks.append((k, "close", env.timeout(self.ends[k]), None))
        for k, mark, when, steps in marks:
            yield when
            if mark == "drop":
                self.fraction_leaves(steps)
            elif mark == "close":
                self.closing_time()
            else:
                if k > 0:
                    self.backlog_snapshot(k - 1)
                for g in self.groups:
                    self.count_presence(g)
                self.cur = k
                self.log("interval", None, str(k))
                self.staff_interval(k)

    def new_agent(self, g: AgentGroup) -> Agent:
        """A new agent of ``g`` comes on duty."""
        return Agent(g)

    def count_presence(self, g: AgentGroup) -> None:
        """Count the agent-seconds of ``g`` present up to now."""
        self.stats.present(g, self.cur, self.env.now)

    # ------------------------------------------------------------------ 1. arrival

    def arrivals(self, ch: ChannelState):
        """New contacts of a channel: a Poisson process with a rate constant in each interval.

        ``e`` is the unit-rate exponential "work" left until the next arrival: it is used up at
        each interval's rate, and not at all when the desk is closed.
        """
        env = self.env
        segments = ch.segments
        draws = ch.fresh.one_by_one()
        j, t, e = 0, 0.0, ch.fresh.first_gap
        while True:
            j, when = rules.next_arrival(segments, j, t, e)
            if j == len(segments):
                return  # no more arrivals in the run
            _, end, rate, k = segments[j]
            yield env.timeout(when - env.now)
            gap, handle_s, patience_s, u_outcome, u_route, u_type, u_self_service = next(draws)
            t, e = env.now, gap
            if t + e / rate < end:  # the next arrival is in this interval: computed here, once
                t, e = t + e / rate, 0.0
            # handle time and patience as forecast for the interval of arrival
            c = self.new_contact(ch, "fresh", handle_s * ch.h_scale[k], u_outcome)
            c.patience_s = patience_s * ch.p_scale[k]
            if ch.own_fresh is not None:
                c.handle_quantile = ch.own_fresh.next()
            c.ctype = ch.contact_type(u_type)
            env.process(self.customer(c, u_route, u_self_service))

    def scripted_arrival(self, sc: ScriptedContact, ch: ChannelState):
        """A contact given by a script arrives at its time."""
        yield self.env.timeout(sc.time_s)
        c = self.new_contact(ch, "fresh", sc.handle_s, sc.outcome_u)
        c.patience_s, c.handle_quantile, c.ctype = sc.patience_s, sc.own_u, sc.contact_type
        yield from self.customer(c, sc.routing_u, 1.0)

    def new_contact(self, ch: ChannelState, kind: str, base_s: float, outcome_draw: float) -> Contact:
        """A new contact, numbered in arrival order."""
        c = Contact(self.contacts_so_far, ch, kind, base_s, outcome_draw)
        self.contacts_so_far += 1
        return c

    def customer(self, c: Contact, u_route: float, u_self_service: float):
        """One customer's issue: its first contact, then redials and repeat contacts."""
        env = self.env
        while True:
            again = yield from self.attempt(c, u_route, u_self_service)
            if again is None:
                return
            kind, when = again
            yield env.timeout(when - env.now)  # the next attempt, its delay counted in opening hours
            ch, old = c.ch, c
            if kind == "redial":  # the same contact again: same handle time and first outcome draw
                c = self.new_contact(ch, "redial", old.base_s, old.outcome_draw)
                c.handle_quantile, c.first = old.handle_quantile, old.first
            else:  # a repeat contact: a new handle time (this interval's), never a first handling
                c = self.new_contact(ch, "repeat", 0.0, 1.0)
                ch.redraw_handle(c, self.cur)
            c.patience_s = ch.later_patience(self.cur)
            c.ctype, c.issue_row = old.ctype, old.issue_row
            c.root = old.root if old.root is not None else old.id
            u_route, u_self_service = ch.u_later.next(), 1.0

    def attempt(self, c: Contact, u_route: float, u_self_service: float):
        """One contact from arrival to the end of its last handling, or hanging up.

        Returns the customer's next attempt (:data:`NextAttempt`).
        """
        env, ch = self.env, c.ch
        self.log("arrive", c, c.kind if c.root is None else f"{c.kind} of {c.root}")

        # 2. self-service (new contacts only: redials and repeats ask for an agent)
        if ch.ss_time is not None and c.kind == "fresh":
            contained = u_self_service < ch.containment
            self.stats.self_service(c, self.cur, contained)
            if contained:
                c.state = DONE
                self.log("contained", c)
                return None
            delay = ch.ss_time.next()
            if delay > 0:
                ch.in_self_service += 1
                yield env.timeout(delay)
                ch.in_self_service -= 1

        # 3. routing: the contact is offered to a queue (and maybe answered at once)
        self.stats.offered(c, env.now)
        c.queued_at = env.now
        c.deadline = env.now + c.patience_s
        queue, overflow, after = self.routing.route(ch.index, c.ctype, u_route)
        self.log("offer", c, queue.name)
        if queue.vendor is not None:  # sent to a vendor: counted for its SLA
            self.stats.vendor_offered(c, queue.vendor, env.now)
        self.offer(c, queue)

        while True:
            # 4. waiting: answered, or the customer hangs up
            if c.state == WAITING:
                answered = yield from self.wait(c, overflow, after)
                if not answered:
                    self.abandon(c, env.now)
                    when = ch.redial_at(env.now, self.open_after)
                    return ("redial", when) if when is not None else None
            # 5. handling: its end was booked when the agent answered
            agent, done = c.agent, c.done
            assert agent is not None and done is not None, "an answered contact has its agent and end"
            if ch.chat_k:
                yield from self.chat(c)
            else:
                yield done
            # 6. outcome: resolved, unresolved (the attempt ends) or escalated (it waits again)
            again = self.handling_ends(c, agent)
            if c.state == DONE:
                return again
            overflow = None

    # ------------------------------------------------------------------ 3. routing

    def offer(self, c: Contact, queue: Queue) -> None:
        """A free agent the dispatch policy chooses answers the contact, or it waits in ``queue``."""
        c.answered = self.env.event()
        if not self.answered_at_once(c, queue):
            c.state, c.queue, c.queues = WAITING, queue, [queue]
            queue.items.append(c)

    def answered_at_once(self, c: Contact, queue: Queue) -> bool:
        """Whether a free agent of the queue's groups answers the contact now."""
        agent = self.dispatch.agent_for(queue, c.ch)  # which free agent: the dispatch policy's choice
        if agent is None:
            return False
        self.answer(c, agent, queue)
        return True

    def next_contact(self, g: AgentGroup, levels: list[list[Queue]]) -> tuple[Contact, Queue] | None:
        """The waiting contact a freed agent of ``g`` takes, and its queue: the dispatch policy's choice.

        The policy sees the first contact still waiting in each queue: a customer whose patience
        ends at this very instant has hung up.
        """
        now = self.env.now
        return self.dispatch.contact_for(g, levels, lambda q: next((c for c in q.items if c.deadline > now), None))

    def agent_free(self, agent: Agent) -> None:
        """An agent has no contact: it goes home if due to, else takes the next contact, else idles."""
        g = agent.group
        if g.owed:
            self.agent_goes_home(agent)
            return
        nxt = self.next_contact(g, g.levels)
        if nxt is not None:
            self.answer(nxt[0], agent, nxt[1])
        else:
            agent.idle_since = self.env.now
            g.idle.append(agent)

    # ------------------------------------------------------------------ 4. waiting

    def wait(self, c: Contact, overflow: Queue | None, after: float | None):
        """Wait until an agent answers (True) or the customer hangs up (False).

        With a vendor overflow, after ``after`` seconds the contact also waits for the vendor.
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
            events.pop()  # the overflow timer went off: the vendor's agents may answer it too
            if c.deadline > env.now and overflow is not None:
                self.overflow(c, overflow)

    def overflow(self, c: Contact, vendor_q: Queue) -> None:
        """The contact also waits for the vendor's agents (the first agent to take it wins)."""
        self.log("overflow", c, vendor_q.name)
        assert vendor_q.vendor is not None, "an overflow queue is a vendor's"
        self.stats.vendor_offered(c, vendor_q.vendor, self.env.now)
        if not self.answered_at_once(c, vendor_q):
            vendor_q.items.append(c)
            c.queues.append(vendor_q)

    def abandon(self, c: Contact, t: float) -> None:
        """The customer hangs up at ``t`` and leaves the queue."""
        c.state = DONE
        for q in c.queues:
            q.items.remove(c)
        c.queues = []
        self.stats.abandoned(c, t)
        self.log("abandon", c, c.queue.name if c.queue else "", t=t)

    # ------------------------------------------------------------------ 5. handling

    def answer(self, c: Contact, agent: Agent, queue: Queue) -> None:
        """An agent takes the contact from ``queue``: its wait ends, its handling starts."""
        now = self.env.now
        c.state = SERVING
        for q in c.queues:
            q.items.remove(c)
        c.queues = []
        self.stats.answered(c, queue, now)
        self.log("answer", c, agent.group.name)
        c.agent = agent
        c.started_at = now
        work = rules.handle_work(c, agent.group, queue)  # the skill's factor, or the group's own time
        if c.ch.chat_k:
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

        Its end (``c.done``) is booked when it starts and again whenever the pace changes
        (:meth:`set_pace`), which interrupts this wait: the chat then waits for its new end.
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
        agent.pace = ch.paces[len(agent.chats)]
        for other in agent.chats if only is None else (only,):
            other.done = self.env.timeout(max(other.work_s, 0.0) * agent.pace)
            if other.process is not None:  # waiting for its old end: wake it to wait for the new one
                other.process.interrupt("pace")

    # ------------------------------------------------------------------ 6. outcome

    def handling_ends(self, c: Contact, agent: Agent) -> NextAttempt:
        """Count the handling, decide its outcome, and free the agent.

        Returns the customer's next attempt (a repeat contact), or None.
        """
        now = self.env.now
        g, ch = agent.group, c.ch
        if ch.chat_k:
            c.state = DONE
        self.stats.handled(c, g, self.cur, now - c.started_at)
        self.log("complete", c, g.name)
        if ch.chat_k:  # the chat leaves the agent's hands (before an escalation gives it to another)
            rules.catch_up(agent, now)
            agent.chats.remove(c)
        again = self.outcome(c, g)
        if ch.chat_k:
            self.chat_ends(c, agent)
        else:
            agent.contact = None
            self.stats.busy(g, agent.busy_since, now)
            self.agent_free(agent)
        return again

    def outcome(self, c: Contact, g: AgentGroup) -> NextAttempt:
        """Resolved, escalated or unresolved, after a handling by group ``g`` (the rule: rules.outcome)."""
        first = c.first
        result = rules.outcome(c, g, self.outcomes.later)
        self.stats.outcome(c, g, self.cur, result, first)
        if result is ESCALATED_OUTCOME:  # a transfer (the customer waits again) or a callback ticket
            queue = rules.escalate(c, g, self.routing, self.cur, self.env.now)
            self.log("escalate", c, queue.name)
            self.offer(c, queue)
            return None
        c.state = DONE
        if result is RESOLVED_OUTCOME:
            self.log("resolved", c, g.name)
            return None
        self.log("unresolved", c, g.name)
        when = self.outcomes.repeat_at(self.env.now, self.open_after)
        return ("repeat", when) if when is not None else None

    # ------------------------------------------------------------------ statistics

    def backlog_snapshot(self, k: int) -> None:
        """Email and SNS contacts waiting at the end of interval ``k``."""
        self.stats.backlog(k, [c for q in self.routing.queues for c in q.items])

    def totals(self) -> RunTotals:
        """Count what is still going on when the run ends, and return the totals."""
        end = self.horizon
        self.backlog_snapshot(self.n - 1)
        for c in dict.fromkeys(c for q in self.routing.queues for c in q.items):  # each once, in queue order
            if c.deadline <= end:  # hung up at the very end
                self.abandon(c, c.deadline)
            else:
                self.stats.still_waiting(c, end)
        for g in self.groups:
            self.count_presence(g)
            for agent in g.agents:
                in_hand = agent.chats or ([agent.contact] if agent.contact is not None else [])
                for c in in_hand:
                    if c.state == SERVING:
                        self.stats.in_service_at_end(c)
                if in_hand:
                    self.stats.busy(g, agent.busy_since, end)
        if self.trace is not None:
            self.trace.sort(key=lambda e: e[0])
        return self.stats.totals(self.trace)
