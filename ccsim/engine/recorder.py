"""The reference model's statistics: what it counts, called in plain words as things happen.

The story (:mod:`ccsim.engine.reference`) says what happened (``stats.answered(contact,
queue, now)``); this module says where it counts, in the per-interval rows of
:mod:`ccsim.results.layout` (``docs/kpis.md`` defines each one):

- a contact's offer, wait, answer and abandonment count in the interval it was offered;
- handlings count in the interval in progress when they end;
- escalations count in the receiving group's row of the interval in progress when they happen;
- waiting time (``queue_s``), busy and present time are spread over the intervals they cover.

The counting both engines share (an abandonment, a transfer's answer, a vendor offer, a
contact still waiting at the end) is in :mod:`ccsim.engine.rules` and called from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.engine import rules
from ccsim.engine.routing import Queue
from ccsim.engine.rules import ENTRY
from ccsim.engine.totals import RunTotals, TraceEntry, book_vendor_answer
from ccsim.results import layout as stat

if TYPE_CHECKING:
    from ccsim.engine.setup import ChannelSetup, GroupSetup, RunSetup

__all__ = ["Recorder"]


class Recorder:
    """The statistics of one reference run, per interval (``RunTotals`` at the end).

    Parameters
    ----------
    run : RunSetup
        The model: its channels' and groups' rows, vendor rows and intervals.
    """

    def __init__(self, run: RunSetup[Any, Any]) -> None:
        self.channels: list[ChannelSetup] = run.channels
        self.groups: list[GroupSetup[Any]] = run.groups
        self.vendor_rows = run.vendor_rows
        self.vendor_terms = run.vendor_terms
        self.bucket = run.bucket
        self.spread = run.spread
        self.spread_open = run.spread_open
        self.n = run.n
        self.present_since = [0.0] * len(run.groups)  # presence counted up to here, per group

    # ------------------------------------------------------------------ arriving

    def self_service(self, c: Any, k: int, contained: bool) -> None:
        """A new contact entered self-service in interval ``k`` (and was ``contained`` there)."""
        row = c.ch.rows[k]
        row[stat.SELF_SERVED] += 1
        if contained:
            row[stat.CONTAINED] += 1
            row[stat.ARRIVALS] += 1

    def offered(self, c: Any, now: float) -> None:
        """The contact reaches an agent queue: it counts in the interval of ``now`` from here on."""
        k = self.bucket(now)
        row = c.row = c.ch.rows[k]
        c.hist = c.ch.hists[k]
        row[stat.ARRIVALS] += 1
        row[stat.OFFERED] += 1
        if c.kind == "fresh":
            c.issue_row = row
            row[stat.ISSUES] += 1
        elif c.kind == "repeat":
            row[stat.REPEATS] += 1
        else:
            row[stat.REDIALS] += 1

    def vendor_offered(self, c: Any, vendor: int, now: float) -> None:
        """A vendor is offered the contact (routed to it, or overflowed): counted for its SLA."""
        i = c.ch.index
        rules.offer_to_vendor(
            c, vendor, self.vendor_rows[vendor][i][self.bucket(now)], self.vendor_terms[vendor][i], now
        )

    # ------------------------------------------------------------------ waiting

    def answered(self, c: Any, queue: Queue, now: float) -> None:
        """An agent takes the contact from ``queue``: its wait, and the answer where it counts."""
        ch = c.ch
        wait = now - c.queued_at
        if wait > 0:
            self.spread_open(ch.rows, stat.QUEUE_S, c.queued_at, now)
        if c.stage != ENTRY:  # an escalated contact: counted at the receiving group
            rules.book_transfer_answer(c, wait)
            return
        row = c.row
        row[stat.ANSWERED] += 1
        if wait > 0:
            row[stat.WAIT_ANS] += wait
        else:
            row[stat.AT_ONCE] += 1
        if wait <= ch.target_s:
            row[stat.WITHIN] += 1
        c.hist[stat.wait_bin(wait)] += 1
        if c.vendor_row is not None:  # a vendor was offered it: answered by the vendor, or taken back
            book_vendor_answer(c.vendor_row, queue.vendor, now - c.vendor_offered_at, c.vendor_within_s)

    def abandoned(self, c: Any, t: float) -> None:
        """The customer hung up at ``t``: its wait, and the abandonment where it counts."""
        rules.book_abandon(c, t, self.spread_open)

    # ------------------------------------------------------------------ after a handling

    def handled(self, c: Any, g: Any, k: int, handle_s: float) -> None:
        """Group ``g`` finished handling the contact in interval ``k``, after ``handle_s``."""
        crow, grow = c.ch.rows[k], g.rows[k]
        crow[stat.HANDLED] += 1
        crow[stat.HANDLE_S] += handle_s
        grow[stat.G_HANDLED] += 1
        grow[stat.G_HANDLE_S] += handle_s
        if c.ch.voice:
            grow[stat.G_VOICE_HANDLE_S] += handle_s

    def outcome(self, c: Any, g: Any, k: int, result: str, first: bool) -> None:
        """The handling's ``result`` (resolved, escalated, unresolved); ``first``: the issue's first."""
        crow, grow = c.ch.rows[k], g.rows[k]
        if first:
            crow[stat.FIRST] += 1
        if result is rules.RESOLVED_OUTCOME:
            if first:
                crow[stat.FIRST_RES] += 1
            grow[stat.G_RESOLVED] += 1
            if c.issue_row is not None:
                c.issue_row[stat.ISSUES_RES] += 1
        elif result is rules.ESCALATED_OUTCOME:
            crow[stat.ESCALATED] += 1
            grow[stat.G_ESCALATED] += 1

    # ------------------------------------------------------------------ agents

    def busy(self, g: Any, since: float, until: float) -> None:
        """An agent of ``g`` had at least one contact from ``since`` to ``until``."""
        self.spread(g.rows, stat.G_BUSY, since, until)

    def present(self, g: Any, k: int, now: float) -> None:
        """Add the agent-seconds of ``g`` present since the last count to interval ``k``."""
        g.rows[k][stat.G_PRESENT] += len(g.agents) * (now - self.present_since[g.index])
        self.present_since[g.index] = now

    def backlog(self, k: int, waiting: list[Any]) -> None:
        """The email and SNS contacts ``waiting`` at the end of interval ``k``."""
        for ch in self.channels:
            if ch.backlog:
                ch.rows[k][stat.BACKLOG] = len({id(c) for c in waiting if c.ch is ch})

    # ------------------------------------------------------------------ the end of the run

    def still_waiting(self, c: Any, end: float) -> None:
        """The run ends at ``end`` with the contact waiting."""
        rules.book_still_waiting(c, end, self.spread_open)

    def in_service_at_end(self, c: Any) -> None:
        """The run ends with the contact in service (counted for new contacts only)."""
        if c.stage == ENTRY:
            c.row[stat.SERVING_END] += 1

    def totals(self, trace: list[TraceEntry] | None) -> RunTotals:
        """The run's statistics as arrays (contacts still in self-service count as arrivals)."""
        for ch in self.channels:
            ch.rows[-1][stat.ARRIVALS] += ch.in_self_service
        channels = np.array([ch.rows for ch in self.channels], dtype=float)
        return RunTotals(
            channels=channels,
            wait_hist=np.array([ch.hists for ch in self.channels], dtype=np.int32),
            groups=np.array([g.rows for g in self.groups], dtype=float),
            contacts=int(channels[..., stat.ARRIVALS].sum()),
            trace=trace,
            vendors=np.array(self.vendor_rows, dtype=float).reshape(
                len(self.vendor_rows), len(self.channels), self.n, len(stat.VENDOR_STATS)
            ),
        )
