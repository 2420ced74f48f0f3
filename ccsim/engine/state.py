"""The state of a fast-engine run: contacts, agents, agent groups and channels.

Slotted classes with named fields: each field has one meaning, written where the class is
defined. The engine (:mod:`ccsim.engine.fast`, :mod:`ccsim.engine.heap`) changes them; these
classes hold no logic beyond drawing a channel's next batch of contacts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ccsim.engine.events import ArrivalEvent, DoneEvent, PullEvent
from ccsim.engine.routing import Queue
from ccsim.engine.rules import CALLBACK, ENTRY, NO_HIST, NO_ROW, TRANSFER
from ccsim.engine.setup import ChannelSetup, GroupSetup, RunStreams
from ccsim.scenario import AgentGroup, Channel
from ccsim.streams import BATCH

__all__ = [
    "ABANDONED",
    "CALLBACK",
    "CONTAINED",
    "DONE",
    "ENTRY",
    "SERVING",
    "TRANSFER",
    "WAITING",
    "Agent",
    "ChannelState",
    "Contact",
    "GroupState",
]

#: A contact's state. Its stage (ENTRY, TRANSFER, CALLBACK) is shared with the reference
#: model: see :mod:`ccsim.engine.rules`.
WAITING, SERVING, DONE, ABANDONED, CONTAINED = range(5)
INF = math.inf


class Contact:
    """One contact (an attempt of a customer's issue) moving through the desk."""

    __slots__ = (
        "agent",
        "base_s",
        "ch",
        "ctype",
        "deadline",
        "first",
        "handle_quantile",
        "hist",
        "id",
        "issue_row",
        "kind",
        "outcome_draw",
        "overflow_queues",
        "queue",
        "queued_at",
        "root",
        "row",
        "stage",
        "state",
        "t_start",
        "token",
        "transfer_row",
        "vendor_offered_at",
        "vendor_row",
        "vendor_short_s",
        "vendor_within_s",
        "work_s",
    )

    def __init__(self, ch: ChannelState, base_s: float, u_out: float, issue_row: list[float] | None) -> None:
        self.ch = ch
        self.base_s = base_s  # handle time before the group's factor
        self.handle_quantile = 0.5  # the quantile of its handle time at a group with its own distribution
        self.outcome_draw = u_out  # outcome draw of the first handling
        self.issue_row = issue_row  # stats row of the interval the issue was first offered
        self.id: int | None = None  # numbered only when a trace is kept
        self.root: int | None = None  # a redial or repeat contact: its customer's first contact (traces)
        self.state = WAITING
        self.stage = ENTRY
        self.kind = "fresh"  # fresh, redial or repeat
        self.first = True  # its issue's first handling is still to come
        self.token = 0  # bumped when a scheduled event for it becomes stale
        self.agent: Agent | None = None  # chat contacts: the agent running the chat
        self.queue: Queue | None = None  # the queue it waits in
        self.overflow_queues: tuple[Queue, Queue] | None = None  # overflowed: the two queues it waited in
        self.row = NO_ROW  # the stats row of the interval offered (NO_ROW: not offered yet)
        self.hist = NO_HIST  # the wait histogram of that interval
        self.transfer_row = NO_ROW  # escalated: the receiving group's row, interval of the escalation
        self.ctype: str | None = None  # contact type
        self.queued_at = 0.0  # when it joined its current queue
        self.deadline = INF  # when it hangs up if still waiting
        self.t_start = 0.0  # chat contacts: when the chat started
        self.work_s = 0.0  # chat contacts: work left at normal speed
        self.vendor_row: list[float] | None = None  # sent to a vendor: its sums row (interval of the vendor offer)
        self.vendor_offered_at = 0.0  # ... and when
        self.vendor_within_s = 0.0  # ... the vendor's answer time for it (``answered_within``)
        self.vendor_short_s = -INF  # ... and its short-abandon allowance (-inf: none)

    def offered_row(self) -> list[float]:
        """The stats row of the interval it was offered (answered at once on the fast path: its issue's)."""
        row = self.row if self.row is not NO_ROW else self.issue_row
        assert row is not None, "a contact in service was offered"
        return row


class Agent:
    """One agent on duty (or finishing a contact after the shift)."""

    __slots__ = ("busy_since", "chats", "contact", "done", "done_cbs", "group", "idle_since", "pace", "paced_at")

    def __init__(self, group: GroupState, on_done: Callable[[DoneEvent], None]) -> None:
        self.group = group
        self.contact: Contact | None = None
        # the agent's completion event, scheduled again for every contact it handles (SimPy
        # swaps out only the callbacks reference when it processes an event)
        self.done = DoneEvent(self)
        self.done_cbs = [on_done]
        self.busy_since = 0.0
        self.idle_since = 0.0  # when it last became idle
        self.chats: list[Contact] = []
        self.pace = 1.0  # chats: how much longer each takes with the current load
        self.paced_at = 0.0  # chats: when their work left was last brought up to date


class GroupState(GroupSetup[Agent]):
    """One agent group during a run: its agents (or free times), queues and statistics rows.

    The fields both engines share are described in :class:`ccsim.engine.setup.GroupSetup`.
    """

    __slots__ = (
        "cur_row",
        "cur_svc",
        "free",
        "heap",
        "leaving",
        "pres_t",
        "present",
        "pull_ev",
        "pull_pending",
        "pull_token",
        "single",
        "svc",
    )

    def __init__(
        self, index: int, name: str, spec: AgentGroup, n_intervals: int, n_channels: int, svc_stats: int
    ) -> None:
        super().__init__(index, name, spec, n_intervals)
        self.present = 0  # heap groups only (their agents are free times, not Agent objects)
        self.pres_t = 0.0
        self.cur_row = self.rows[0]
        # [interval][channel] -> SVC_STATS: handlings counted by channel, summed up at the end
        self.svc = [[[0.0] * svc_stats for _ in range(n_channels)] for _ in range(n_intervals)]
        self.cur_svc = self.svc[0]
        # A "heap group" (one plain entry queue) keeps its agents as free times instead of
        # Agent objects: see ContactCenter._heap_start.
        self.heap = False
        self.free: list[float] = []  # min-heap: when each agent on duty is (or was) free
        self.leaving: list[float] = []  # min-heap: agents going home when their contact ends
        self.pull_pending = False
        self.pull_token = 0
        self.pull_ev: PullEvent | None = None
        self.single: Queue | None = None  # the group's only queue, if it has one (set by the model)

    def on_duty(self) -> int:
        """Agents on duty now (not counting those finishing a contact after their shift)."""
        return len(self.free) if self.heap else len(self.agents) - self.owed


class ChannelState(ChannelSetup):
    """One channel during a run: its arrival segments, random draws and statistics rows.

    The fields both engines share are described in :class:`ccsim.engine.setup.ChannelSetup`.
    """

    __slots__ = (
        "arrival",
        "arrival_cbs",
        "cur_hist",
        "cur_row",
        "eager",
        "entry",
        "fast",
        "gaps",
        "handles",
        "i",
        "patiences",
        "seg",
        "seg_end",
        "seg_h",
        "seg_p",
        "seg_rate",
        "u_outs",
        "u_rest",
    )

    def __init__(self, index: int, name: str, spec: Channel, run: RunStreams) -> None:
        super().__init__(index, name, spec, run)
        self.eager = spec.redial is not None and spec.redial.probability > 0  # real abandonment events
        self.seg = 0
        self.gaps: list[float] = []
        self.handles: list[float] = []
        self.patiences: list[float] = []
        self.u_outs: list[float] = []
        self.u_rest: list[list[float]] = []
        self.i = BATCH  # empty: the first arrival fills it
        self.seg_end = -INF  # end of the arrival segment in use (none yet)
        self.seg_rate = 1.0
        self.seg_h = self.seg_p = 1.0  # handle-time and patience factors of that segment's interval
        self.entry: Queue | None = None  # the only queue, on the fast path
        self.fast = False
        self.cur_row = self.rows[0]
        self.cur_hist = self.hists[0]
        self.arrival = ArrivalEvent(self)  # the channel's next-arrival event, scheduled again and again
        self.arrival_cbs: list[Callable[[Any], None]] = []

    def refill(self) -> None:
        """Draw the next batch of new contacts (see :class:`ccsim.engine.draws.FreshDraws`)."""
        self.gaps, self.handles, self.patiences, u = self.fresh.batch()
        self.u_outs = u[:, 0].tolist()
        if not self.fast:  # routing, contact type and self-service draws (unused on the fast path)
            self.u_rest = u[:, 1:].tolist()
        self.i = 0
