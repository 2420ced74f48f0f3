"""The SimPy model of one contact-center run (one replication).

:class:`ContactCenter` turns a validated :class:`~ccsim.scenario.Scenario` into a SimPy
simulation and returns per-interval aggregates (:class:`RunTotals`). It never reads files and
never prints.

Design, for speed (the hot loop is per contact):

* Every activity is a plain SimPy event with a callback (no generator processes): arrivals,
  the end of self-service, completions, shift changes, overflow and (where a redial must be
  scheduled) abandonment.
* Abandonment is exact but lazy where nothing depends on its moment: a waiting contact's
  abandonment time (arrival + patience) is known on arrival, so the contact is dropped when an
  agent reaches it in the queue, or at the end of the run, and its statistics use that time.
  The sample path is the same as with an abandonment event. Channels with redials get real
  abandonment events, since the redial must be scheduled at that moment.
* Statistics are aggregated as the run goes into one row per interval (the interval a contact
  entered the queue); per-contact records are kept only when a trace is asked for.

Time is in seconds from midnight of the first day. Interval ``k`` runs from its start to the
start of interval ``k + 1``: the last interval of a day also holds the closed night after it
(an agent finishing after closing time, an email waiting overnight).
"""

from __future__ import annotations

import gc
import math
from heapq import heapreplace
from typing import Unpack

import numpy as np

from ccsim.distributions import Deterministic, Empirical
from ccsim.engine.dispatch import free_agent, uses_shortcuts
from ccsim.engine.events import (
    NORMAL,
    URGENT,
    ContactEvent,
    Event,
    IntervalEvent,
    OverflowEvent,
    ScriptEvent,
    SelfServiceEvent,
    scheduler,
)
from ccsim.engine.heap import HeapGroups
from ccsim.engine.routing import Queue, Routing
from ccsim.engine.rules import (
    ESCALATED_OUTCOME,
    RESOLVED_OUTCOME,
    DeskRules,
    book_abandon,
    book_still_waiting,
    book_transfer_answer,
    catch_up,
    escalate,
    handle_work,
    next_arrival,
    offer_to_vendor,
    outcome,
)
from ccsim.engine.setup import RunOptions, RunStreams
from ccsim.engine.state import ABANDONED as ABANDONED_C
from ccsim.engine.state import CONTAINED as CONTAINED_C
from ccsim.engine.state import (
    DONE,
    ENTRY,
    SERVING,
    WAITING,
    Agent,
    ChannelState,
    Contact,
    GroupState,
)
from ccsim.engine.totals import RunTotals, ScriptedContact, book_first_resolved, book_handling, book_vendor_answer
from ccsim.results.layout import (
    ABANDONED,
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
    S_ESCALATED,
    S_FIRST_OTHER,
    S_FIRST_RES,
    S_HANDLE_S,
    S_HANDLED,
    S_LATER_RES,
    SELF_SERVED,
    SERVING_END,
    SVC_STATS,
    VENDOR_STATS,
    WAIT_ABN,
    WAIT_ANS,
    WITHIN,
    wait_bin,
)
from ccsim.scenario import AgentGroup, Channel, Scenario
from ccsim.streams import BATCH

__all__ = ["ContactCenter"]

INF = math.inf


class ContactCenter(HeapGroups, DeskRules[ChannelState, GroupState]):
    """One SimPy run of a scenario's desk.

    The parameters, and what is set up before the run, are those of
    :class:`ccsim.engine.setup.RunSetup` (shared with the reference model). A routing subclass
    that overrides ``route`` decides where every new contact goes (the fast path is then off).
    """

    def __init__(self, scenario: Scenario, seed: int, replication: int = 0, **options: Unpack[RunOptions]) -> None:
        # channels, agent groups, routing and staffing as in the reference model (RunSetup)
        super().__init__(scenario, seed, replication, **options)
        # a trace follows every contact, and a dispatch policy other than the default decides
        # every answer: both take the general path, without shortcuts
        general = self.trace is not None or not uses_shortcuts(self.dispatch)
        self.interval_s = scenario.calendar.interval_s
        self.cur_start = 0.0
        self.cur_open_start = self.starts[0]  # opening hours of the current interval
        self.cur_open_end = self.ends[0]
        self.cur_end = self.bucket_start[1] if self.n > 1 else self.horizon  # end of the interval's bucket
        self.staff_change_at = 0.0  # set by each interval tick
        self._schedule = scheduler(self.env)
        # bound methods made once (each attribute access would make a new one)
        self._cb_arrive = self._arrive
        self._cb_complete = self._complete
        self._pull_cbs = [self._heap_pull]
        self.ended = False  # the run is over: contacts who hang up now are counted, nothing is booked
        for ch in self.channels:
            ch.arrival_cbs = [self._cb_arrive]
        # the fast path knows each channel's queue in advance: only with the default decisions
        custom_route = type(self.routing).route is not Routing.route
        for ch in self.channels:
            ch.fast = (
                ch.own_fresh is None
                and not custom_route
                and ch.ss_time is None
                and not ch.eager
                and not ch.chat_k
                and len(ch.ctypes) == 1
                and not self.routing.vendor_rules.get(ch.index)
            )
            ch.fast = ch.fast and not general
            if ch.fast:
                ch.entry = self.routing.route(ch.index, None, 1.0)[0]
        # Entry queues that heap groups may answer: not with a trace, and only where handle times
        # are continuous (deterministic or empirical ones end at the same instant, and the heap
        # path does not keep the order of simultaneous completions that the event path keeps).
        continuous = [not isinstance(c.spec.handle_time, Deterministic | Empirical) for c in self.channels]
        for q in self.routing.queues:
            q.fast = q.name.startswith("entry:") and not general and continuous[q.channel] and q.own is None
        for g in self.groups:
            g.single = None
            if (
                not general
                and len(g.levels) == 1
                and len(g.levels[0]) == 1
                and not self.channels[g.levels[0][0].channel].chat_k
            ):
                g.single = g.levels[0][0]
            g.heap = g.single is not None and g.single.fast
        for q in self.routing.queues:
            q.heap_groups = [g for g in q.groups if g.heap]
            q.solo = len(q.groups) == 1

    def make_channel(self, index: int, name: str, spec: Channel, run: RunStreams) -> ChannelState:
        """A channel's state in this engine."""
        return ChannelState(index, name, spec, run)

    def make_group(self, index: int, name: str, spec: AgentGroup) -> GroupState:
        """An agent group's state in this engine (with its handlings counted by channel)."""
        return GroupState(index, name, spec, self.n, len(self.scenario.channels), len(SVC_STATS))

    # ------------------------------------------------------------------ scheduling

    def _after(self, delay: float, ev: Event, callback) -> None:
        """Schedule a new event ``ev`` to run ``callback(ev)`` after ``delay`` seconds."""
        ev.callbacks = [callback]
        self._schedule(ev, NORMAL, delay)

    def _schedule_interval(self, when: float, ev: IntervalEvent, callback) -> None:
        """Schedule an interval start or closing time at ``when``, before anything else due then."""
        ev.callbacks = [callback]
        self._schedule(ev, URGENT, when - self.env.now)

    # ------------------------------------------------------------------ arrivals

    def _schedule_arrival(self, ch: ChannelState, t: float, e: float) -> None:
        """Schedule the next fresh arrival, ``e`` unit-rate exponential time after ``t``.

        Called when an arrival falls beyond the current segment (``_arrive`` books the others).
        """
        segs = ch.segments
        j, when = next_arrival(segs, ch.seg, t, e)  # the rule: rules.next_arrival
        ch.seg = j
        if j == len(segs):  # no more arrivals in the run
            ch.seg_end = -INF
            return
        _, ch.seg_end, ch.seg_rate, k = segs[j]
        ch.seg_h = ch.h_scale[k]
        ch.seg_p = ch.p_scale[k]
        ch.arrival.callbacks = ch.arrival_cbs
        self._schedule(ch.arrival, NORMAL, when - self.env.now)

    def _new_contact(self, ch: ChannelState, base_s: float = 0.0, u_out: float = 1.0) -> Contact:
        """A new contact of ``ch`` (numbered when a trace is kept)."""
        c = Contact(ch, base_s, u_out, None)
        if self.trace is not None:
            c.id = self.contacts_so_far
            self.contacts_so_far += 1
        return c

    def _arrive(self, ev) -> None:
        """A fresh contact arrives (the hot path: kept flat on purpose)."""
        ch = ev.channel
        now = self.env.now
        i = ch.i
        if i >= BATCH:
            ch.refill()
            i = 0
        ch.i = i + 1
        gap = ch.gaps[i]
        base = ch.handles[i] * ch.seg_h  # the arrival interval's handle time and patience
        patience = ch.patiences[i] * ch.seg_p
        u_out = ch.u_outs[i]
        t = now + gap / ch.seg_rate
        if t < ch.seg_end:
            ev.callbacks = ch.arrival_cbs
            self._schedule(ev, NORMAL, t - now)
        else:
            self._schedule_arrival(ch, now, gap)
        if not ch.fast:
            u_route, u_type, u_ss = ch.u_rest[i]
            c = self._new_contact(ch, base, u_out)  # the issue row is set when it is offered
            c.deadline = patience  # relative until the contact reaches a queue
            if ch.own_fresh is not None:
                c.handle_quantile = ch.own_fresh.next()
            if len(ch.ctypes) > 1:
                c.ctype = ch.contact_type(u_type)
            self._reach(c, u_route, u_ss)
            return
        # fast path: no self-service, vendor, contact types, chat, redials or trace
        row = ch.cur_row
        row[OFFERED] += 1
        q = ch.entry
        for g in q.groups:
            if g.heap:
                free = g.free
                if not free:
                    continue
                start = free[0]
                if start <= now:  # a free agent answers at once
                    start = now
                    row[WITHIN] += 1
                    row[AT_ONCE] += 1
                    ch.cur_hist[0] += 1
                elif q.solo and not q.items and start < self.staff_change_at:
                    # Nobody waits ahead, this group alone answers the queue and its staffing
                    # cannot change before its first agent is free: the contact hangs up before
                    # then or is answered then, as on the event path. Book it now.
                    if now + patience <= start:
                        row[ABANDONED] += 1
                        row[WAIT_ABN] += patience
                        ch.cur_row[QUEUE_S] += patience
                        return
                    self._answered(ch, row, ch.cur_hist, now, start)
                else:
                    continue
                h = base * q.factors[g.index]
                end = start + h
                heapreplace(free, end)
                if end < self.cur_end and u_out < g.resolve_p:  # resolved within the interval
                    self._book_resolved(g, ch, row, h)
                    return  # no Contact object is needed at all
                c = Contact(ch, base, u_out, row)
                c.state = SERVING
                self._heap_account(c, g, start, end, h)
                return
            idle = g.idle
            if idle:  # answered at once: what answer() does for a wait of 0
                agent = idle.pop()
                c = Contact(ch, base, u_out, row)
                c.state = SERVING
                row[WITHIN] += 1
                row[AT_ONCE] += 1
                ch.cur_hist[0] += 1
                agent.busy_since = now
                agent.contact = c
                done = agent.done
                done.callbacks = agent.done_cbs
                self._schedule(done, NORMAL, base * q.factors[g.index])
                return
        c = Contact(ch, base, u_out, row)
        c.row = row
        c.hist = ch.cur_hist
        c.queued_at = now
        c.deadline = now + patience
        c.queue = q
        q.items.append(c)
        for g in q.heap_groups:
            if not g.pull_pending and g.free:
                self._schedule_pull(g, g.free[0])

    def _reach(self, c: Contact, u_route: float, u_ss: float) -> None:
        """A contact reaches the channel: self-service first (fresh contacts), then a queue."""
        ch = c.ch
        row = ch.rows[self.cur]
        if self.trace is not None:
            self.log("arrive", c, c.kind if c.root is None else f"{c.kind} of {c.root}")
        if ch.ss_time is not None and c.kind == "fresh":
            row[SELF_SERVED] += 1
            if u_ss < ch.containment:
                row[CONTAINED] += 1
                c.state = CONTAINED_C
                if self.trace is not None:
                    self.log("contained", c)
                return
            delay = ch.ss_time.next()
            if delay > 0:
                ch.in_self_service += 1
                self._after(delay, SelfServiceEvent(c, u_route), self._after_self_service)
                return
        self._enter(c, u_route)

    def _after_self_service(self, ev) -> None:
        ev.contact.ch.in_self_service -= 1
        self._enter(ev.contact, ev.u_route)

    def _enter(self, c: Contact, u_route: float) -> None:
        """The contact joins an agent queue: it is offered."""
        ch = c.ch
        now = self.env.now
        k = self.cur if self.starts[self.cur] <= now < self.ends[self.cur] else self.bucket(now)
        row = ch.rows[k]
        row[OFFERED] += 1
        c.row = row
        c.hist = ch.hists[k]
        if c.kind == "fresh":
            c.issue_row = row
        elif c.kind == "repeat":
            row[REPEATS] += 1
        else:
            row[REDIALS] += 1
        c.queued_at = now
        c.deadline += now
        queue, overflow, after = self.routing.route(ch.index, c.ctype, u_route)
        if self.trace is not None:
            self.log("offer", c, queue.name)
        if queue.vendor is not None:  # sent to a vendor: counted for its SLA
            v = queue.vendor
            offer_to_vendor(c, v, self.vendor_rows[v][ch.index][k], self.vendor_terms[v][ch.index], now)
        self._queue_or_start(c, queue)
        if overflow is not None and after is not None and c.state == WAITING:
            self._after(after, OverflowEvent(c, c.token, overflow), self._overflow)

    # ------------------------------------------------------------------ queueing

    def _queue_or_start(self, c: Contact, queue: Queue) -> None:
        now = self.env.now
        if queue.heap_groups:  # the default dispatch, some groups as heaps of free times
            for g in queue.groups:
                if g.heap:
                    if g.free and g.free[0] <= now:
                        self._heap_start(c, g, queue, now)
                        return
                    continue
                agent = free_agent(g, c.ch)
                if agent is not None:
                    self.answer(c, agent, queue)
                    return
        else:
            agent = self.dispatch.agent_for(queue, c.ch)
            if agent is not None:
                self.answer(c, agent, queue)
                return
        c.queue = queue
        c.state = WAITING
        queue.items.append(c)
        for g in queue.heap_groups:
            if not g.pull_pending and g.free:
                self._schedule_pull(g, max(g.free[0], now))
        ch = c.ch
        if ch.eager and c.deadline < INF and not queue.callback:
            self._after(c.deadline - self.env.now, ContactEvent(c, c.token), self._patience_over)

    def _patience_over(self, ev) -> None:
        c = ev.contact
        if c.state == WAITING and c.token == ev.token:
            self._abandon(c, self.env.now)

    def _overflow(self, ev) -> None:
        c = ev.contact
        if c.state != WAITING or c.token != ev.token:
            return
        if c.deadline <= self.env.now:
            return  # hung up before: dropped lazily from its queue
        vendor_q = ev.queue
        if self.trace is not None:
            self.log("overflow", c, vendor_q.name)
        assert c.queue is not None and vendor_q.vendor is not None, "an overflow leaves an entry queue for a vendor's"
        c.overflow_queues = (c.queue, vendor_q)  # it waits in both; the first agent wins
        now, v, i = self.env.now, vendor_q.vendor, c.ch.index
        offer_to_vendor(c, v, self.vendor_rows[v][i][self.bucket(now)], self.vendor_terms[v][i], now)
        agent = self.dispatch.agent_for(vendor_q, c.ch)
        if agent is not None:
            self.answer(c, agent, vendor_q)
            return
        vendor_q.items.append(c)

    def _abandon(self, c: Contact, t: float) -> None:
        c.state = ABANDONED_C
        ch = c.ch
        book_abandon(c, t, self.spread_open)  # its waiting time, the abandonment where it counts
        if self.trace is not None:
            self.trace.append((t, "abandon", c.id, ch.name, c.queue.name if c.queue else ""))
        if ch.redial_p and not self.ended:
            when = ch.redial_at(t, self.open_after)
            if when is not None:
                self._after(when - self.env.now, ContactEvent(c), self._redial)

    def _redial(self, ev) -> None:
        old = ev.contact
        c = self._new_contact(old.ch)
        c.kind = "redial"
        c.root = old.root if old.root is not None else old.id
        c.ctype = old.ctype
        c.base_s = old.base_s
        c.handle_quantile = old.handle_quantile
        c.outcome_draw = old.outcome_draw
        c.first = old.first
        c.issue_row = old.issue_row
        ch = c.ch
        c.deadline = ch.later_patience(self.cur)
        self._reach(c, ch.u_later.next(), 1.0)

    def _next_waiting(self, items, now: float) -> Contact | None:
        """Take the first contact of a queue that is still waiting (hung-up ones are dropped)."""
        c = self._first_waiting(items, now)
        if c is not None:
            items.popleft()
        return c

    def _first_waiting(self, items, now: float) -> Contact | None:
        """The first contact of a queue still waiting at ``now``, left in place (answered and hung-up ones dropped)."""
        while items:
            c = items[0]
            if c.state != WAITING:
                items.popleft()
                continue  # answered elsewhere (overflow), or hung up with an abandonment event
            if c.deadline <= now:
                items.popleft()
                self._abandon(c, c.deadline)
                continue
            return c
        return None

    def next_contact(self, g: GroupState, levels: list[list[Queue]]) -> tuple[Contact, Queue] | None:
        """The next contact for a freed agent of ``g``: the dispatch policy's choice, taken out of its queue."""
        best = self.dispatch.contact_for(g, levels, self._head)
        if best is not None:
            best[1].items.popleft()
        return best

    def _head(self, q: Queue) -> Contact | None:
        """The first contact still waiting in ``q`` (what a dispatch policy sees)."""
        return self._first_waiting(q.items, self.env.now)

    # ------------------------------------------------------------------ service

    def _answered(self, ch: ChannelState, row: list, hist: list, t_q: float, now: float) -> None:
        """Statistics of a first-line contact answered at ``now`` after waiting since ``queued_at``."""
        wait = now - t_q
        if wait > 0.0:
            if t_q >= self.cur_open_start and now <= self.cur_open_end:
                ch.cur_row[QUEUE_S] += wait
            else:
                self.spread_open(ch.rows, QUEUE_S, t_q, now)
            row[WAIT_ANS] += wait
        else:
            row[AT_ONCE] += 1
        if wait <= ch.target_s:
            row[WITHIN] += 1
        hist[int(wait * 0.5) if wait < 120.0 else wait_bin(wait)] += 1

    def answer(self, c: Contact, agent: Agent, queue: Queue) -> None:
        """An agent answers a contact (hot path)."""
        now = self.env.now
        g = agent.group
        ch = c.ch
        t_q = c.queued_at
        c.state = SERVING
        if c.stage == ENTRY:
            self._answered(ch, c.row, c.hist, t_q, now)
            if c.vendor_row is not None:
                book_vendor_answer(c.vendor_row, queue.vendor, now - c.vendor_offered_at, c.vendor_within_s)
        else:
            wait = now - t_q
            if wait > 0:
                self.spread_open(ch.rows, QUEUE_S, t_q, now)
            book_transfer_answer(c, wait)
        if self.trace is not None:
            self.log("answer", c, g.name)
        work = handle_work(c, g, queue)  # the skill's factor, or the group's own handle time
        if ch.chat_k:
            c.queue = queue
            c.agent = agent
            c.t_start = now
            self.chat_starts(c, agent, work)  # DeskRules
            return
        agent.busy_since = now
        agent.contact = c
        ev = agent.done
        ev.callbacks = agent.done_cbs
        self._schedule(ev, NORMAL, work)

    def set_pace(self, agent: Agent, ch: ChannelState, only: Contact | None) -> None:
        """Book the end of the agent's chats (or ``only`` the new one) again, at the new pace."""
        agent.pace = ch.paces[len(agent.chats)]  # setup.chat_paces
        for c in agent.chats if only is None else (only,):
            c.token += 1
            self._after(max(c.work_s, 0.0) * agent.pace, ContactEvent(c, c.token), self._complete_chat)

    def _complete(self, ev) -> None:
        """An agent finishes a (non-chat) contact (hot path)."""
        agent = ev.agent
        c = agent.contact
        now = self.env.now
        g = agent.group
        ch = c.ch
        t0 = agent.busy_since
        handle = now - t0
        svc = g.cur_svc[ch.index]
        book_handling(svc, handle)
        if self.trace is None and c.first and c.outcome_draw < g.resolve_p:  # rules.outcome's common case, inlined
            book_first_resolved(svc, c.issue_row)
        else:
            if self.trace is not None:
                self.log("complete", c, g.name)
            self._outcome(c, g, svc, now)
        if t0 >= self.cur_start:
            g.cur_row[G_BUSY] += now - t0
        else:
            self.spread(g.rows, G_BUSY, t0, now)
        self.agent_free(agent)

    def _complete_chat(self, ev) -> None:
        c = ev.contact
        if c.token != ev.token or c.state != SERVING:
            return  # a completion that was rescheduled when the chat load changed
        now = self.env.now
        agent = c.agent
        g = agent.group
        ch = c.ch
        handle = now - c.t_start
        c.state = DONE
        svc = g.cur_svc[ch.index]
        book_handling(svc, handle)
        if self.trace is not None:
            self.log("complete", c, g.name)
        # the chat leaves the agent's hands before its outcome: an escalated chat may be answered
        # at once elsewhere, and must not carry this agent's progress with it
        catch_up(agent, now)
        agent.chats.remove(c)
        self._outcome(c, g, svc, now)
        self.chat_ends(c, agent)  # DeskRules

    def _outcome(self, c: Contact, g: GroupState, svc: list[float], now: float) -> None:
        """Resolved, escalated or unresolved, after a handling (``svc``: the service row).

        The rule is :func:`ccsim.engine.rules.outcome`; this counts it.
        """
        first = c.first
        result = outcome(c, g, self.outcomes.later)
        if result is RESOLVED_OUTCOME:
            if first:
                book_first_resolved(svc, c.issue_row)
            else:
                svc[S_LATER_RES] += 1
                if c.issue_row is not None:
                    c.issue_row[ISSUES_RES] += 1
            if self.trace is not None:
                self.log("resolved", c, g.name)
            return
        if first:
            svc[S_FIRST_OTHER] += 1
        if result is ESCALATED_OUTCOME:
            svc[S_ESCALATED] += 1
            self._escalate(c, g)
            return
        if self.trace is not None:
            self.log("unresolved", c, g.name)
        when = self.outcomes.repeat_at(now, self.open_after)
        if when is not None:
            self._after(when - now, ContactEvent(c), self._repeat)

    def _escalate(self, c: Contact, g: GroupState) -> None:
        if c.overflow_queues is not None:  # answered from one of two queues: its entry in the other is stale
            for q in c.overflow_queues:
                if c in q.items:
                    q.items.remove(c)
            c.overflow_queues = None
        queue = escalate(c, g, self.routing, self.cur, self.env.now)  # its queue, handle time, patience
        c.token += 1
        if self.trace is not None:
            self.log("escalate", c, queue.name)
        self._queue_or_start(c, queue)

    def _repeat(self, ev: ContactEvent) -> None:
        old = ev.contact
        c = self._new_contact(old.ch)
        c.kind = "repeat"
        c.root = old.root if old.root is not None else old.id
        c.first = False
        c.ctype = old.ctype
        c.issue_row = old.issue_row
        ch = c.ch
        ch.redraw_handle(c, self.cur)
        c.outcome_draw = 1.0
        c.deadline = ch.later_patience(self.cur)
        self._reach(c, ch.u_later.next(), 1.0)

    def agent_free(self, agent: Agent) -> None:
        """An agent has no contact: go home if owed, else take the next contact, else idle."""
        g = agent.group
        if g.owed:
            self.agent_goes_home(agent)
            return
        q = g.single
        if q is not None:  # one queue: the common case (heap groups have no Agent objects)
            c = self._next_waiting(q.items, self.env.now)
            if c is not None:
                self.answer(c, agent, q)
            else:
                agent.idle_since = self.env.now
                g.idle.append(agent)
            return
        nxt = self.next_contact(g, g.levels)
        if nxt is not None:
            self.answer(nxt[0], agent, nxt[1])
        else:
            agent.idle_since = self.env.now
            g.idle.append(agent)

    # ------------------------------------------------------------------ staffing

    def count_presence(self, g: GroupState) -> None:
        """Add the agent-seconds present since the last count to the interval in progress."""
        if g.heap:
            self._heap_presence(g, self.env.now)
            return
        now = self.env.now
        g.rows[self.cur][G_PRESENT] += len(g.agents) * (now - g.pres_t)
        g.pres_t = now

    def _tick(self, ev) -> None:
        """Start of interval ``ev.k``: backlog snapshot, new staffing."""
        k = ev.k
        if k > 0:
            self._backlog(k - 1)
        for g in self.groups:
            self.count_presence(g)
        self.cur = k
        self.cur_start = self.bucket_start[k]
        self.cur_open_start = self.starts[k]
        self.cur_open_end = self.ends[k]
        self.cur_end = self.bucket_start[k + 1] if k + 1 < self.n else self.horizon
        # the next moment staffing may change: the next interval, closing time, or a fractional agent leaving
        self.staff_change_at = min(self.cur_end, self.ends[k], *(t for t, _ in self.drops[k]))
        for ch in self.channels:
            ch.cur_row = ch.rows[k]
            ch.cur_hist = ch.hists[k]
        for g in self.groups:
            g.cur_row = g.rows[k]
            g.cur_svc = g.svc[k]
        if self.trace is not None:
            self.trace.append((self.env.now, "interval", None, "", str(k)))
        self.staff_interval(k)
        for t, steps in self.drops[k]:
            ev = IntervalEvent(k)
            ev.steps = steps
            self._schedule_interval(t, ev, self._drop)
        if k + 1 < self.n:
            if self.starts[k + 1] > self.ends[k]:  # closing time: everybody home after the contact in hand
                self._schedule_interval(self.ends[k], IntervalEvent(k), self._close)
            self._schedule_interval(self.starts[k + 1], IntervalEvent(k + 1), self._tick)

    def _backlog(self, k: int) -> None:
        """Snapshot of the email and SNS contacts waiting at the end of interval ``k``."""
        waiting: dict[int, set[int]] = {ch.index: set() for ch in self.channels if ch.backlog}
        for q in self.routing.queues:
            if q.channel in waiting:
                waiting[q.channel].update(id(c) for c in q.items if c.state == WAITING)
        for index, ids in waiting.items():
            self.channels[index].rows[k][BACKLOG] = len(ids)

    def _drop(self, ev) -> None:
        """A fractional agent's share of the interval is over: groups go down to their whole number."""
        self.fraction_leaves(ev.steps)
        k = ev.k
        self.staff_change_at = min(self.cur_end, self.ends[k], *(t for t, _ in self.drops[k] if t > self.env.now))

    def _close(self, ev: IntervalEvent) -> None:
        self.closing_time()

    def set_staff(self, g: GroupState, target: int) -> None:
        """Make ``target`` agents of ``g`` on duty (the rule: :meth:`DeskRules.set_staff`)."""
        if g.heap:
            self._heap_staff(g, target)
            return
        super().set_staff(g, target)

    def new_agent(self, g: GroupState) -> Agent:
        """A new agent of ``g`` on duty."""
        return Agent(g, self._cb_complete)

    # ------------------------------------------------------------------ run

    def run(self) -> RunTotals:
        """Simulate the whole calendar and return the aggregates.

        Python's cyclic garbage collector is paused during the run: the model's garbage is
        acyclic (freed by reference counting) and the collector's passes over the many live
        contacts would cost about a sixth of the run time. It is restored afterwards.
        """
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if was_enabled:
                gc.enable()

    def _run(self) -> RunTotals:
        env = self.env
        # Interval starts and closing times are urgent: at an instant where the desk opens or
        # closes and something else happens, the staffing changes first (tie rule). Each books
        # the next, so that the event queue stays short.
        self._schedule_interval(self.starts[0], IntervalEvent(0), self._tick)
        if self.script is None:
            for ch in self.channels:
                self._schedule_arrival(ch, 0.0, ch.fresh.first_gap)
        else:
            self._by_name = {ch.name: ch for ch in self.channels}
            for sc in sorted(self.script, key=lambda s: s.time_s):
                self._after(sc.time_s, ScriptEvent(sc), self._scripted)
        env.run(until=self.horizon)
        return self._finish()

    def _scripted(self, ev) -> None:
        sc: ScriptedContact = ev.script
        ch = self._by_name[sc.channel]
        c = self._new_contact(ch)
        c.base_s = sc.handle_s
        c.handle_quantile = sc.own_u
        c.deadline = sc.patience_s
        c.outcome_draw = sc.outcome_u
        c.ctype = sc.contact_type
        self._reach(c, sc.routing_u, 1.0)

    def _finish(self) -> RunTotals:
        self.ended = True
        end = self.horizon
        self._backlog(self.n - 1)
        seen: set[int] = set()
        for q in self.routing.queues:
            for c in q.items:
                if c.state != WAITING or id(c) in seen:
                    continue
                seen.add(id(c))
                if c.deadline <= end:
                    self._abandon(c, c.deadline)
                    continue
                book_still_waiting(c, end, self.spread_open)
        for g in self.groups:
            self.count_presence(g)
            idle = set(map(id, g.idle))
            for agent in g.agents:
                serving = agent.chats if agent.chats else ([agent.contact] if id(agent) not in idle else [])
                for c in serving:
                    if c is not None and c.state == SERVING and c.stage == ENTRY:
                        c.offered_row()[SERVING_END] += 1
                if serving:
                    self.spread(g.rows, G_BUSY, agent.busy_since, end)
        if self.trace is not None:  # lazily detected abandonments were logged late
            self.trace.sort(key=lambda e: e[0])
        channels = np.array([ch.rows for ch in self.channels], dtype=float)
        hist = np.array([ch.hists for ch in self.channels], dtype=np.int32)
        groups = np.array([g.rows for g in self.groups], dtype=float)
        svc = np.array([g.svc for g in self.groups], dtype=float)  # (groups, intervals, channels, SVC)
        by_channel = svc.sum(axis=0).transpose(1, 0, 2)  # (channels, intervals, SVC)
        by_group = svc.sum(axis=2)  # (groups, intervals, SVC)
        channels[..., HANDLED] = by_channel[..., S_HANDLED]
        channels[..., HANDLE_S] = by_channel[..., S_HANDLE_S]
        channels[..., FIRST] = by_channel[..., S_FIRST_RES] + by_channel[..., S_FIRST_OTHER]
        channels[..., FIRST_RES] = by_channel[..., S_FIRST_RES]
        channels[..., ESCALATED] = by_channel[..., S_ESCALATED]
        groups[..., G_HANDLED] = by_group[..., S_HANDLED]
        groups[..., G_HANDLE_S] = by_group[..., S_HANDLE_S]
        groups[..., G_RESOLVED] = by_group[..., S_FIRST_RES] + by_group[..., S_LATER_RES]
        groups[..., G_ESCALATED] = by_group[..., S_ESCALATED]
        voice = [ch.index for ch in self.channels if ch.spec.kind == "voice"]  # handle time on voice channels
        groups[..., G_VOICE_HANDLE_S] = svc[:, :, voice, S_HANDLE_S].sum(axis=2)
        channels[..., ANSWERED] = hist.sum(axis=2)
        channels[..., ISSUES] = channels[..., OFFERED] - channels[..., REPEATS] - channels[..., REDIALS]
        channels[..., ARRIVALS] = channels[..., OFFERED] + channels[..., CONTAINED]
        for i, ch in enumerate(self.channels):  # still in self-service when the run ended
            channels[i, -1, ARRIVALS] += ch.in_self_service
        return RunTotals(
            channels=channels,
            wait_hist=hist,
            groups=groups,
            contacts=int(channels[..., ARRIVALS].sum()),
            trace=self.trace,
            vendors=np.array(self.vendor_rows, dtype=float).reshape(
                len(self.vendor_rows), len(self.channels), self.n, len(VENDOR_STATS)
            ),
        )
