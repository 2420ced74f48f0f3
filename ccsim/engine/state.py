"""The state of a fast-engine run: contacts, agents, agent groups and channels.

Slotted classes with named fields: each field has one meaning, written where the class is
defined. The engine (:mod:`ccsim.engine.fast`, :mod:`ccsim.engine.heap`) changes them; these
classes hold no logic beyond drawing a channel's next batch of contacts.
"""

from __future__ import annotations

import math

import numpy as np

from ccsim.engine.events import ArrivalEvent, DoneEvent
from ccsim.engine.routing import Queue
from ccsim.engine.totals import CH_STATS, GROUP_STATS, N_BINS
from ccsim.scenario import REALTIME_KINDS
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

#: A contact's state.
WAITING, SERVING, DONE, ABANDONED, CONTAINED = range(5)
#: A contact's stage: new (entry queue), escalated by transfer, or escalated as a callback ticket.
ENTRY, TRANSFER, CALLBACK = range(3)
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
        "hist",
        "hu",
        "id",
        "issue_row",
        "kind",
        "overflow_queues",
        "queue",
        "root",
        "row",
        "stage",
        "state",
        "t_q",
        "t_start",
        "t_v",
        "token",
        "trow",
        "u_out",
        "v_short",
        "v_within",
        "vrow",
        "work_s",
    )

    def __init__(self, ch: ChannelState, base_s: float, u_out: float, issue_row: list | None) -> None:
        self.ch = ch
        self.base_s = base_s  # handle time before the group's factor
        self.hu = 0.5  # the quantile of its handle time at a group with its own distribution
        self.u_out = u_out  # outcome draw of the first handling
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
        self.overflow_queues: tuple | None = None  # overflowed: the two queues it waited in
        self.row: list | None = None  # the stats row of the interval offered
        self.hist: list | None = None  # the wait histogram of that interval
        self.trow: list | None = None  # escalated: the receiving group's row, interval of the escalation
        self.ctype: str | None = None  # contact type
        self.t_q = 0.0  # when it joined its current queue
        self.deadline = INF  # when it hangs up if still waiting
        self.t_start = 0.0  # chat contacts: when the chat started
        self.work_s = 0.0  # chat contacts: work left at normal speed
        self.vrow: list | None = None  # sent to a vendor: its sums row (interval of the vendor offer)
        self.t_v = 0.0  # ... and when
        self.v_within = 0.0  # ... the vendor's answer time for it (``answered_within``)
        self.v_short = -INF  # ... and its short-abandon allowance (-inf: none)


class Agent:
    """One agent on duty (or finishing a contact after the shift)."""

    __slots__ = ("busy_since", "chats", "contact", "done", "done_cbs", "factor", "group", "t_upd")

    def __init__(self, group: GroupState, on_done) -> None:
        self.group = group
        self.contact = None
        # the agent's completion event, scheduled again for every contact it handles (SimPy
        # swaps out only the callbacks reference when it processes an event)
        self.done = DoneEvent(self)
        self.done_cbs = [on_done]
        self.busy_since = 0.0
        self.chats: list[Contact] = []
        self.factor = 1.0
        self.t_upd = 0.0


class GroupState:
    """One agent group during a run: its agents (or free times), queues and statistics rows."""

    __slots__ = (
        "agents",
        "chat_levels",
        "cur_row",
        "cur_svc",
        "escalate_p",
        "free",
        "heap",
        "idle",
        "index",
        "leaving",
        "levels",
        "name",
        "owed",
        "partial",
        "pres_t",
        "present",
        "pull_ev",
        "pull_pending",
        "pull_token",
        "resolve_p",
        "rows",
        "scheduled",
        "single",
        "spec",
        "svc",
        "target",
    )

    def __init__(self, index: int, name: str, spec, n_intervals: int) -> None:
        self.index = index
        self.name = name
        self.spec = spec
        self.agents: list[Agent] = []  # present: on duty, or finishing after the shift
        self.idle: list[Agent] = []
        self.partial: list[Agent] = []  # chat agents with a free slot
        self.present = 0  # heap groups only (their agents are free times, not Agent objects)
        self.owed = 0  # agents to send home as soon as they finish
        self.scheduled = 0  # agents on duty by the staffing plan now (availability aside: routing asks)
        self.pres_t = 0.0
        self.rows = [[0.0] * len(GROUP_STATS) for _ in range(n_intervals)]
        self.cur_row = self.rows[0]
        self.svc: list[list[list[float]]] = []  # [interval][channel] -> SVC_STATS, set by the model
        self.cur_svc: list[list[float]] = []
        # A "heap group" (one plain entry queue) keeps its agents as free times instead of
        # Agent objects: see ContactCenter._heap_start.
        self.heap = False
        self.free: list[float] = []  # min-heap: when each agent on duty is (or was) free
        self.leaving: list[float] = []  # min-heap: agents going home when their contact ends
        self.pull_pending = False
        self.pull_token = 0
        self.pull_ev = None
        self.resolve_p = spec.resolve_probability
        self.escalate_p = spec.escalation_probability
        self.levels: list[list[Queue]] = []
        self.chat_levels: list[list[Queue]] = []
        self.target: GroupState | None = None  # escalation target group
        self.single: Queue | None = None  # the group's only queue, if it has one (set by the model)

    def on_duty(self) -> int:
        """Agents on duty now (not counting those finishing a contact after their shift)."""
        return len(self.free) if self.heap else len(self.agents) - self.owed


class ChannelState:
    """One channel during a run: its arrival segments, random draws and statistics rows."""

    __slots__ = (
        "arrival",
        "arrival_cbs",
        "backlog",
        "chat_k",
        "containment",
        "ctype_cum",
        "ctypes",
        "cur_hist",
        "cur_row",
        "eager",
        "entry",
        "fast",
        "fresh",
        "gaps",
        "h_scale",
        "handle_later",
        "handles",
        "hists",
        "i",
        "in_self_service",
        "index",
        "name",
        "own_fresh",
        "own_later",
        "p_scale",
        "patience_later",
        "patiences",
        "redial_delay",
        "redial_p",
        "redial_u",
        "rows",
        "seg",
        "seg_end",
        "seg_h",
        "seg_p",
        "seg_rate",
        "segments",
        "slowdown",
        "spec",
        "ss_time",
        "target_s",
        "u_later",
        "u_outs",
        "u_rest",
    )

    def __init__(self, index: int, name: str, spec, n_intervals: int) -> None:
        self.index = index
        self.name = name
        self.spec = spec
        self.backlog = spec.kind not in REALTIME_KINDS  # email and SNS: a backlog, nobody abandons
        self.target_s = spec.answer_within_s  # the service level's answer target
        self.rows = [[0.0] * len(CH_STATS) for _ in range(n_intervals)]
        self.hists = [[0] * N_BINS for _ in range(n_intervals)]
        self.in_self_service = 0
        self.eager = spec.redial is not None and spec.redial.probability > 0
        self.segments: list[tuple[float, float, float, int]] = []
        self.seg = 0
        self.chat_k = spec.max_concurrent if spec.kind == "chat" else 0
        self.slowdown = spec.concurrency_slowdown
        types = spec.contact_types or {}
        self.ctypes = list(types) or [None]
        self.ctype_cum = np.cumsum(list(types.values())).tolist() if types else [1.0]
        self.gaps: list[float] = []
        self.handles: list[float] = []
        self.patiences: list[float] = []
        self.u_outs: list[float] = []
        self.u_rest: list[list[float]] = []
        self.i = BATCH  # empty: the first arrival fills it
        self.seg_end = -INF  # end of the arrival segment in use (none yet)
        self.seg_rate = 1.0
        self.seg_h = self.seg_p = 1.0  # handle-time and patience factors of that segment's interval
        self.h_scale: list[float] = []  # per interval: the forecast's handle-time factor
        self.p_scale: list[float] = []  # and patience factor
        self.own_fresh = self.own_later = None  # uniforms for groups with their own handle time
        self.entry: Queue | None = None  # the only queue, on the fast path
        self.fast = False
        self.cur_row = self.rows[0]
        self.cur_hist = self.hists[0]
        self.arrival = ArrivalEvent(self)  # the channel's next-arrival event, scheduled again and again
        self.arrival_cbs: list = []

    def refill(self) -> None:
        """Draw the next batch of new contacts (see :class:`ccsim.engine.draws.FreshDraws`)."""
        self.gaps, self.handles, self.patiences, u = self.fresh.batch()
        self.u_outs = u[:, 0].tolist()
        if not self.fast:  # routing, contact type and self-service draws (unused on the fast path)
            self.u_rest = u[:, 1:].tolist()
        self.i = 0
