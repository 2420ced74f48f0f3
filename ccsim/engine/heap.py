"""The heap-group fast path of the fast engine.

A group whose only queue is an entry queue (a "heap group") keeps its agents on duty as a
min-heap of the times they are (or were) free, instead of Agent objects. A contact answered at
time t with handle time h replaces the earliest free time by t + h; its completion statistics
go at once into the interval in which it will complete (its outcome draw is known), so no
completion event is needed. Events remain where something must happen at that moment: a
"pull" at the earliest free time while contacts wait, and the outcome of a contact that is
escalated or unresolved. Going off duty, the agents that finish first go home ("leaving"), as
on the general path. The equality tests (tests/test_engines.py, tests/test_model.py) cover
every shortcut here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from heapq import heapify, heappop, heappush, heapreplace
from typing import TYPE_CHECKING

import simpy

from ccsim.engine.events import NORMAL, Event, HeapOutcomeEvent, PullEvent, Schedule, pending
from ccsim.engine.routing import Queue
from ccsim.engine.state import SERVING, ChannelState, Contact, GroupState
from ccsim.engine.totals import book_first_resolved, book_handling, book_vendor_answer
from ccsim.results.layout import G_BUSY, G_PRESENT, SERVING_END

__all__ = ["HeapGroups"]


class HeapGroups:
    """The heap-group methods of :class:`ccsim.engine.fast.ContactCenter` (a mixin; see the module)."""

    # what these methods use of ContactCenter (declared for the type checker; set there)
    env: simpy.Environment
    horizon: float
    cur_end: float
    _pull_cbs: list[Callable[[PullEvent], None]]
    _schedule: Schedule
    bucket: Callable[[float], int]
    spread: Callable[[list[list[float]], int, float, float], None]

    if TYPE_CHECKING:  # pragma: no cover

        def _answered(self, ch: ChannelState, row: list[float], hist: list[int], t_q: float, now: float) -> None: ...

        def _after(self, delay: float, ev: Event, callback: Callable[[HeapOutcomeEvent], None]) -> None: ...

        def _outcome(self, c: Contact, g: GroupState, svc: list[float], now: float) -> None: ...

        def _next_waiting(self, items: deque[Contact], now: float) -> Contact | None: ...

    def _heap_start(self, c: Contact, g: GroupState, q: Queue, now: float) -> None:
        """A heap group's free agent answers ``c`` (any wait; ENTRY contacts only)."""
        c.state = SERVING
        self._answered(c.ch, c.row, c.hist, c.queued_at, now)
        if c.vendor_row is not None:  # an overflowed contact answered in-house: taken back from the vendor
            book_vendor_answer(c.vendor_row, q.vendor, now - c.vendor_offered_at, c.vendor_within_s)
        h = c.base_s * q.factors[g.index]
        heapreplace(g.free, now + h)
        self._heap_account(c, g, now, now + h, h)

    def _heap_account(self, c: Contact, g: GroupState, now: float, end: float, h: float) -> None:
        """Book a heap-group handling from ``now`` to ``end`` when it starts."""
        ch = c.ch
        if end >= self.horizon:  # still in service when the run ends (nothing is processed at its end)
            c.offered_row()[SERVING_END] += 1
            self.spread(g.rows, G_BUSY, now, self.horizon)
            return
        resolved = c.first and c.outcome_draw < g.resolve_p
        if end < self.cur_end and resolved:
            self._book_resolved(g, ch, c.issue_row, h)
            return
        if end < self.cur_end:
            g.cur_row[G_BUSY] += h
            svc = g.cur_svc[ch.index]
        else:
            self.spread(g.rows, G_BUSY, now, end)
            svc = g.svc[self.bucket(end)][ch.index]
        book_handling(svc, h)
        if resolved:
            book_first_resolved(svc, c.issue_row)
        else:  # escalated, unresolved or a later handling: decided when it ends
            self._after(end - self.env.now, HeapOutcomeEvent(c, g, svc), self._heap_outcome)

    def _book_resolved(self, g: GroupState, ch: ChannelState, issue_row: list | None, h: float) -> None:
        """A first handling that ends, resolved, within the current interval."""
        g.cur_row[G_BUSY] += h
        svc = g.cur_svc[ch.index]
        book_handling(svc, h)
        book_first_resolved(svc, issue_row)

    def _heap_outcome(self, ev: HeapOutcomeEvent) -> None:
        """The end of a heap-group handling whose outcome is decided then."""
        self._outcome(ev.contact, ev.group, ev.service_row, self.env.now)

    def _schedule_pull(self, g: GroupState, when: float) -> None:
        """A pull at ``when``; reuses the group's pull event unless it is still scheduled."""
        g.pull_pending = True
        g.pull_token += 1
        ev = g.pull_ev
        if ev is None or pending(ev):  # none yet, or still scheduled (then superseded by the token)
            ev = g.pull_ev = PullEvent(g)
        ev.token = g.pull_token
        ev.callbacks = self._pull_cbs
        self._schedule(ev, NORMAL, when - self.env.now)

    def _heap_pull(self, ev: PullEvent) -> None:
        """Free agents of a heap group answer the waiting contacts they can.

        A pull event, or called directly with a stand-in event; schedules the next pull at the
        next free time while contacts still wait.
        """
        g = ev.group
        if ev.token != g.pull_token:
            return  # superseded
        g.pull_pending = False
        now = self.env.now
        q = g.single
        assert q is not None, "a heap group has one queue"
        items = q.items
        free = g.free
        while items and free and free[0] <= now:
            c = self._next_waiting(items, now)
            if c is None:
                break
            self._heap_start(c, g, q, now)
        if items and free:
            self._schedule_pull(g, max(free[0], now))

    def _heap_presence(self, g: GroupState, now: float) -> None:
        """Presence up to ``now``, with agents going home at the end of their contact."""
        leaving = g.leaving
        row = g.cur_row
        while leaving and leaving[0] <= now:
            t = heappop(leaving)
            row[G_PRESENT] += g.present * (t - g.pres_t)
            g.pres_t = t
            g.present -= 1
        row[G_PRESENT] += g.present * (now - g.pres_t)
        g.pres_t = now

    def _heap_staff(self, g: GroupState, target: int) -> None:
        now = self.env.now
        self._heap_presence(g, now)
        free = g.free
        diff = target - len(free)
        if diff > 0:
            if diff and g.leaving:  # stay after all: those finishing last
                while diff and g.leaving:
                    t = max(g.leaving)
                    g.leaving.remove(t)
                    heappush(free, t)
                    diff -= 1
                heapify(g.leaving)  # removing from a heap's middle breaks its order
            for _ in range(diff):
                heappush(free, now)
                g.present += 1
            if (
                g.single is not None and g.single.items
            ):  # the new agents answer at once, as they would on the general path
                g.pull_token += 1
                now_ev = PullEvent(g)  # a stand-in for a pull event, processed right now
                now_ev.token = g.pull_token
                self._heap_pull(now_ev)
            elif g.pull_pending:  # a pull booked for the old earliest free time is stale now
                g.pull_token += 1
                g.pull_pending = False
            return
        while diff < 0 and free and free[0] <= now:  # idle agents go at once
            heappop(free)
            g.present -= 1
            diff += 1
        while diff < 0:  # the first to finish go home then
            heappush(g.leaving, heappop(free))
            diff += 1
