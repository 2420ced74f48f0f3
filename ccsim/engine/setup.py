"""What both engines build before a run, written once.

- :class:`ChannelSetup`: a channel's settings, named random streams, arrival segments and
  statistics rows (the reference model's and the fast engine's channel states extend it);
- :class:`GroupSetup`: an agent group's agents, queues, outcome probabilities and statistics
  rows (extended by both engines' group states);
- :class:`OutcomeDraws`: the run's streams for what happens after a handling (later outcome
  draws, repeat contacts);
- :func:`link_groups` and :func:`staffing_steps`: escalation targets, skill levels, the
  staffing plan and the agents answering per interval;
- :class:`RunSetup`: all of it for one run, the base class of both models.

Every stream is named (:func:`ccsim.streams.stream`), so the order in which they are made does
not matter: both engines see the same contacts.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, Protocol, Self, TypedDict, TypeVar

import numpy as np
import simpy

from ccsim.engine.dispatch import Dispatch, make_dispatch
from ccsim.engine.draws import FreshDraws, own_handle_draws
from ccsim.engine.intervals import Intervals, availability_steps
from ccsim.engine.routing import Queue, Routing
from ccsim.engine.totals import ScriptedContact, TraceEntry, vendor_rows, vendor_terms
from ccsim.results.layout import CH_STATS, G_SCHED, GROUP_STATS, N_BINS
from ccsim.scenario import REALTIME_KINDS, AgentGroup, Calendar, Channel, Scenario
from ccsim.streams import Batch, stream

__all__ = [
    "ChannelSetup",
    "GroupSetup",
    "OutcomeDraws",
    "RunOptions",
    "RunSetup",
    "RunStreams",
    "Streams",
    "chat_paces",
    "link_groups",
    "staffing_steps",
]

INF = math.inf

#: ``rng(source)``: the run's generator for a named source (seed and replication bound).
Streams = Callable[[str], np.random.Generator]


def _uniforms(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.random(size)


class RunStreams:
    """One run's calendar and named random streams: ``run(source)`` is the source's generator."""

    __slots__ = ("calendar", "intervals", "replication", "seed")

    def __init__(self, seed: int, replication: int, calendar: Calendar, intervals: Intervals) -> None:
        self.seed = seed
        self.replication = replication
        self.calendar = calendar
        self.intervals = intervals

    def __call__(self, source: str) -> np.random.Generator:
        """The generator of a named source in this run (:func:`ccsim.streams.stream`)."""
        return stream(self.seed, self.replication, source)


def chat_paces(chat_k: int, slowdown: float) -> list[float]:
    """A chat agent's pace with ``m`` chats, for ``m`` up to ``chat_k``: ``1 + slowdown (m - 1)``.

    Each of ``m`` chats runs at ``1 / pace`` of the normal speed. A table, so that the engines
    look the pace up where they would otherwise compute it for every chat that starts or ends
    (an agent's chats all have the same ``chat_k`` and slowdown: a scenario check).
    """
    return [1.0 + slowdown * max(m - 1, 0) for m in range(chat_k + 1)]


class HasDraws(Protocol):
    """A contact as the shared set-up sees it: a handle time and its own-distribution quantile."""

    base_s: float
    handle_quantile: float


class ChannelSetup:
    """One channel in a run: its settings, random streams, arrival segments and statistics rows.

    Attributes
    ----------
    index, name, spec
        Position in the scenario, name and settings (:class:`ccsim.scenario.Channel`).
    backlog : bool
        Email and SNS: contacts wait as a backlog, nobody abandons.
    target_s : float
        The service level's answer target.
    voice : bool
        A voice channel (its handle time counts in the groups' ``voice_handle_s``).
    chat_k : int
        Chats an agent runs at once (0: not a chat channel); ``slowdown`` their slowdown.
    paces : list of float
        ``paces[m]``: how much longer each of an agent's ``m`` chats takes (:func:`chat_paces`).
    ctypes, ctype_cum
        Contact types and their cumulative shares (``[None]`` and ``[1.0]`` without types).
    rows, hists
        Statistics per interval (``CH_STATS``) and wait histograms.
    in_self_service : int
        Contacts in self-service now.
    segments : list
        ``(start, end, rate, interval)`` of every interval with arrivals.
    fresh : FreshDraws
        The new contacts' streams.
    handle_later, patience_later, u_later
        Streams of repeat contacts, redials and escalations: handle time, patience (None: the
        channel has none) and routing draws.
    h_scale, p_scale : list of float
        Per interval: the forecast's handle-time and patience factors.
    containment, ss_time
        Self-service: the share contained and the time spent in it (None: no self-service).
    redial_p, redial_u, redial_delay
        Redials: probability, decision draws and delays (None without redials).
    own_fresh, own_later
        Uniforms for groups with their own handle time (None: no such group), set by
        :meth:`draw_own_handles` once the routing is known.
    """

    __slots__ = (
        "backlog",
        "chat_k",
        "containment",
        "ctype_cum",
        "ctypes",
        "fresh",
        "h_scale",
        "handle_later",
        "hists",
        "in_self_service",
        "index",
        "name",
        "own_fresh",
        "own_later",
        "p_scale",
        "paces",
        "patience_later",
        "redial_delay",
        "redial_p",
        "redial_u",
        "rows",
        "segments",
        "slowdown",
        "spec",
        "ss_time",
        "target_s",
        "u_later",
        "voice",
    )

    def __init__(self, index: int, name: str, spec: Channel, run: RunStreams) -> None:
        rng, cal = run, run.calendar
        n = cal.intervals
        self.index = index
        self.name = name
        self.spec = spec
        self.backlog = spec.kind not in REALTIME_KINDS
        self.target_s = spec.answer_within_s
        self.voice = spec.kind == "voice"  # its handle time counts in the groups' voice_handle_s
        self.chat_k = spec.max_concurrent if spec.kind == "chat" else 0
        self.slowdown = spec.concurrency_slowdown
        self.paces = chat_paces(self.chat_k, self.slowdown)
        types = spec.contact_types or {}
        self.ctypes: list[str | None] = list(types) or [None]
        self.ctype_cum: list[float] = np.cumsum(list(types.values())).tolist() if types else [1.0]
        self.rows = [[0.0] * len(CH_STATS) for _ in range(n)]
        self.hists = [[0] * N_BINS for _ in range(n)]
        self.in_self_service = 0
        self.fresh = FreshDraws(spec, run.seed, run.replication, name)
        self.handle_later = Batch(rng(f"handle-later/{name}"), spec.handle_time.sample)
        self.patience_later = Batch(rng(f"patience-later/{name}"), spec.patience.sample) if spec.patience else None
        self.u_later = Batch(rng(f"draws-later/{name}"), _uniforms)
        self.h_scale: list[float] = spec.handle_scale(cal).tolist()
        self.p_scale: list[float] = spec.patience_scale(cal).tolist()
        ss = spec.self_service
        self.containment = ss.containment if ss is not None else 0.0
        self.ss_time = Batch(rng(f"self-service/{name}"), ss.time.sample) if ss is not None else None
        redial = spec.redial
        self.redial_p = redial.probability if redial is not None else 0.0
        self.redial_u = Batch(rng(f"redial/decision/{name}"), _uniforms) if redial is not None else None
        self.redial_delay = Batch(rng(f"redial/delay/{name}"), redial.delay.sample) if redial is not None else None
        self.segments: list[tuple[float, float, float, int]] = run.intervals.arrival_segments(
            spec.volume, cal, rng(f"overdispersion/{name}")
        )
        self.own_fresh: Batch | None = None
        self.own_later: Batch | None = None

    def draw_own_handles(self, routing: Routing, rng: Streams) -> None:
        """Make the streams for groups with their own handle time, if the routing has any."""
        self.own_fresh, self.own_later = own_handle_draws(routing, self.index, self.name, rng)

    def contact_type(self, u: float) -> str | None:
        """The contact type of a contact with contact-type draw ``u``."""
        ctypes = self.ctypes
        if len(ctypes) == 1:
            return ctypes[0]
        return ctypes[min(bisect_right(self.ctype_cum, u), len(ctypes) - 1)]

    def later_patience(self, k: int) -> float:
        """The patience of a redial, a repeat contact or a transfer in interval ``k`` (inf: none)."""
        patience = self.patience_later
        return patience.next() * self.p_scale[k] if patience is not None else INF

    def redraw_handle(self, c: HasDraws, k: int) -> None:
        """A repeat contact or an escalation in interval ``k``: a new handle time, drawn now."""
        c.base_s = self.handle_later.next() * self.h_scale[k]
        if self.own_later is not None:
            c.handle_quantile = self.own_later.next()

    def redial_at(self, t: float, open_after: Callable[[float, float], float | None]) -> float | None:
        """When a customer who hung up at ``t`` calls again, or None (no redial, or after the run)."""
        if self.redial_p and self.redial_u is not None and self.redial_delay is not None:
            if self.redial_u.next() < self.redial_p:
                return open_after(t, self.redial_delay.next())
        return None


AgentT = TypeVar("AgentT")


class GroupSetup(Generic[AgentT]):
    """One agent group in a run: its agents, skill levels, outcome probabilities and statistics rows.

    The routing policy reads ``index``, ``name``, ``spec``, ``scheduled`` and :meth:`on_duty`.

    Attributes
    ----------
    agents : list
        Agents present: on duty, or finishing a contact after going off duty.
    idle : list
        Present agents with no contact (the last to become idle is taken first).
    partial : list
        Chat agents with a free chat slot, in the order they got one.
    owed : int
        Agents due to go home as soon as they finish their contact.
    scheduled : int
        Agents on duty by the staffing plan now (availability aside: routing asks).
    rows : list
        Statistics per interval (``GROUP_STATS``).
    resolve_p, escalate_p : float
        Outcome probabilities of a handling here.
    target : GroupSetup or None
        The escalation target.
    levels, chat_levels : list of list of Queue
        Its queues by skill priority, best first; the same, chat queues only.
    """

    __slots__ = (
        "agents",
        "chat_levels",
        "escalate_p",
        "idle",
        "index",
        "levels",
        "name",
        "owed",
        "partial",
        "resolve_p",
        "rows",
        "scheduled",
        "spec",
        "target",
    )

    def __init__(self, index: int, name: str, spec: AgentGroup, n_intervals: int) -> None:
        self.index = index
        self.name = name
        self.spec = spec
        self.agents: list[AgentT] = []
        self.idle: list[AgentT] = []
        self.partial: list[AgentT] = []
        self.owed = 0
        self.scheduled = 0
        self.rows = [[0.0] * len(GROUP_STATS) for _ in range(n_intervals)]
        self.resolve_p = spec.resolve_probability
        self.escalate_p = spec.escalation_probability
        self.target: Self | None = None
        self.levels: list[list[Queue]] = []
        self.chat_levels: list[list[Queue]] = []

    def on_duty(self) -> int:
        """Agents on duty (present and not due to leave)."""
        return len(self.agents) - self.owed


class OutcomeDraws:
    """The run's streams for after a handling: later outcomes and repeat contacts."""

    __slots__ = ("later", "repeat_delay", "repeat_p", "repeat_u")

    def __init__(self, scenario: Scenario, rng: Streams) -> None:
        res = scenario.resolution
        self.repeat_p = res.repeat_probability
        self.repeat_u = Batch(rng("repeat/decision"), _uniforms)
        self.repeat_delay = Batch(rng("repeat/delay"), res.repeat_delay.sample)
        self.later = Batch(rng("outcome/later"), _uniforms)

    def repeat_at(self, now: float, open_after: Callable[[float, float], float | None]) -> float | None:
        """When an unresolved customer contacts the desk again, or None (no repeat, or after the run)."""
        if self.repeat_p and self.repeat_u.next() < self.repeat_p:
            return open_after(now, self.repeat_delay.next())
        return None


def link_groups(groups: Sequence[GroupSetup[Any]], routing: Routing, channels: Sequence[ChannelSetup]) -> None:
    """Escalation targets and each group's queues by skill priority (and its chat queues)."""
    by_name = {g.name: g for g in groups}
    chat_channels = {ch.index for ch in channels if ch.chat_k}
    for g in groups:
        if g.spec.escalation is not None:
            g.target = by_name[g.spec.escalation.to]
        g.levels = routing.levels[g.index]
        g.chat_levels = [lv for lv in ([q for q in level if q.channel in chat_channels] for level in g.levels) if lv]


def staffing_steps(
    scenario: Scenario,
    staffing: Mapping[str, Any] | None,
    groups: Sequence[GroupSetup[Any]],
    starts: list[float],
) -> tuple[list[np.ndarray], list[list[int]], list[list[tuple[float, list[tuple[int, int]]]]]]:
    """The staffing plan per group, and the agents answering (staffing x availability).

    Books each group's scheduled agent-seconds per interval (``G_SCHED``) and returns
    ``(plan, at_start, drops)``: see :func:`ccsim.engine.intervals.availability_steps` (a
    fraction of an agent answers as one agent for the first part of the interval).
    """
    cal = scenario.calendar
    by_group = scenario.staffing_plan(staffing)
    plan = [by_group[g.name] for g in groups]
    at_start, drops = availability_steps(
        plan, [g.spec.availability_per_interval(cal) for g in groups], starts, cal.interval_s
    )
    for g, agents in zip(groups, plan, strict=True):
        rows = g.rows
        for k in range(len(rows)):
            rows[k][G_SCHED] = float(agents[k]) * cal.interval_s
    return plan, at_start, drops


class RunOptions(TypedDict, total=False):
    """The keyword arguments of a run (:class:`RunSetup`), for engines that pass them on."""

    trace: bool
    script: Iterable[ScriptedContact] | None
    routing: type[Routing]
    staffing: Mapping[str, Any] | None
    dispatch: type[Dispatch] | None


ChannelT = TypeVar("ChannelT", bound=ChannelSetup)
GroupT = TypeVar("GroupT", bound=GroupSetup[Any])


class RunSetup(Generic[ChannelT, GroupT]):
    """What both engines build for one replication of a scenario (the base of both models).

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (a variant already applied).
    seed : int
        The run's seed.
    replication : int
        Replication number; with the seed it selects the random streams.
    trace : bool, default False
        Keep an event log ``(time_s, event, contact id, channel, where)``.
    script : iterable of ScriptedContact, optional
        Replace the random arrivals by these contacts (redials and repeats stay random).
    routing : type, default Routing
        The routing policy class (see :mod:`ccsim.engine.routing`).
    dispatch : type, optional
        A dispatch policy class (:mod:`ccsim.engine.dispatch`) instead of the scenario's
        ``dispatch`` policy.
    staffing : mapping, optional
        ``{group: agents or per-interval agents}`` replacing those groups' staffing (see
        :meth:`ccsim.Scenario.staffing_plan`).

    Interval ``k`` is open from ``starts[k]`` to ``ends[k]``; its statistics "bucket" runs on to
    the next interval start (so the last interval of a day also holds the night after it).
    Time spans are added to the intervals they cover by ``spread`` and ``spread_open``
    (:class:`ccsim.engine.intervals.Intervals`). Each engine says how it makes a channel and a
    group (:meth:`make_channel`, :meth:`make_group`).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        replication: int = 0,
        *,
        trace: bool = False,
        script: Iterable[ScriptedContact] | None = None,
        routing: type[Routing] = Routing,
        staffing: Mapping[str, Any] | None = None,
        dispatch: type[Dispatch] | None = None,
    ) -> None:
        self.scenario = scenario
        self.env = simpy.Environment()
        cal = scenario.calendar
        self.n = cal.intervals
        self.intervals = iv = Intervals(cal)
        self.starts, self.ends, self.bucket_start, self.horizon = iv.starts, iv.ends, iv.bucket_start, iv.horizon
        self.bucket, self.open_after = iv.bucket, iv.open_after
        self.spread, self.spread_open = iv.spread, iv.spread_open
        self.cur = 0  # the interval in progress: the last one started
        self.trace: list[TraceEntry] | None = [] if trace else None
        self.contacts_so_far = 0  # contacts numbered so far (the fast engine: only with a trace)
        self.script = list(script) if script is not None else None
        # channels with their random streams and arrival rates, agent groups, routing, staffing
        rng = RunStreams(seed, replication, cal, iv)
        self.channels = [
            self.make_channel(i, name, spec, rng) for i, (name, spec) in enumerate(scenario.channels.items())
        ]
        self.outcomes = OutcomeDraws(scenario, rng)  # outcomes after a handling, repeat contacts
        self.groups = [self.make_group(i, name, spec) for i, (name, spec) in enumerate(scenario.agent_groups.items())]
        self.vendor_rows = vendor_rows(len(scenario.vendors), len(self.channels), self.n)
        self.vendor_terms = vendor_terms(scenario)  # [vendor][channel]: (answer time, short-abandon allowance)
        self.routing = routing(scenario, self.groups)
        for ch in self.channels:  # uniforms for groups with their own handle time
            ch.draw_own_handles(self.routing, rng)
        link_groups(self.groups, self.routing, self.channels)
        # who takes what: which free agent answers, which waiting contact a freed agent takes
        self.dispatch = make_dispatch(scenario.dispatch, self.routing, list(scenario.channels), rng, dispatch)
        # agents answering: staffing x availability, a fraction as one agent for the first part of
        # the interval
        self.plan, self.at_start, self.drops = staffing_steps(scenario, staffing, self.groups, self.starts)

    def make_channel(self, index: int, name: str, spec: Channel, run: RunStreams) -> ChannelT:
        """The engine's state of a channel."""
        raise NotImplementedError

    def make_group(self, index: int, name: str, spec: AgentGroup) -> GroupT:
        """The engine's state of an agent group."""
        raise NotImplementedError
