"""The fast engine's events: small objects that SimPy's scheduler processes like its own.

Why this module exists: the fast engine schedules millions of events per second of run time,
and a full :class:`simpy.Event` (with its environment reference, value and defusing logic)
costs more to make and to process than the work it carries. ``simpy.Environment.step`` needs
only two things of what it pops from the queue: a ``callbacks`` list, which it swaps for
``None`` and calls, and an ``_ok`` flag, which it checks afterwards. The classes here provide
exactly that and a named payload each (no field is reused for another meaning), and this is the
only place that relies on SimPy's internals. It is tested with ``simpy>=4.1,<5``; the
reference model (:mod:`ccsim.engine.reference`) uses SimPy only through its public API.

Events are scheduled with the public ``Environment.schedule(event, priority, delay)``;
``pending(ev)`` tells whether an event is still waiting in the queue (SimPy sets its
``callbacks`` to None once processed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import simpy

__all__ = [
    "NORMAL",
    "URGENT",
    "ArrivalEvent",
    "ContactEvent",
    "DoneEvent",
    "Event",
    "HeapOutcomeEvent",
    "IntervalEvent",
    "OverflowEvent",
    "PullEvent",
    "Schedule",
    "ScriptEvent",
    "SelfServiceEvent",
    "pending",
    "scheduler",
]

#: SimPy's priority of ordinary events: events at the same time run in the order they were
#: scheduled.
NORMAL = simpy.events.NORMAL
#: SimPy's priority of urgent events, which run before ordinary events due at the same time: the
#: fast engine's interval starts and closing times (the reference model gets the same order by
#: booking them all when the run starts).
URGENT = simpy.events.URGENT


class Event:
    """The minimum ``simpy.Environment.step`` processes: callbacks and a success flag."""

    __slots__ = ("callbacks",)
    _ok = True  # read by Environment.step after the callbacks: the event succeeded

    def __init__(self) -> None:
        self.callbacks: list[Callable[[Any], None]] | None = None


#: ``schedule(event, priority, delay)``: :meth:`simpy.Environment.schedule` taking these events.
Schedule = Callable[["Event", int, float], None]


def scheduler(env: simpy.Environment) -> Schedule:
    """The environment's ``schedule``, typed for the events here.

    SimPy's type hints ask for a :class:`simpy.Event`; its scheduler uses only what
    :class:`Event` has (see the module documentation).
    """
    return cast(Schedule, env.schedule)


def pending(ev: Event | None) -> bool:
    """Whether ``ev`` is scheduled and not processed yet (SimPy clears its callbacks then)."""
    return ev is not None and ev.callbacks is not None


class ArrivalEvent(Event):
    """A channel's next fresh arrival (one per channel, scheduled again and again)."""

    __slots__ = ("channel",)

    def __init__(self, channel: Any) -> None:
        super().__init__()
        self.channel = channel


class DoneEvent(Event):
    """An agent finishes its (non-chat) contact (one per agent, scheduled again and again)."""

    __slots__ = ("agent",)

    def __init__(self, agent: Any) -> None:
        super().__init__()
        self.agent = agent


class ContactEvent(Event):
    """Something due for one contact: patience over, a chat's end, a redial or a repeat.

    ``token`` is the contact's token when scheduled: a contact whose token has moved on (it
    was answered, escalated or its chat rescheduled) ignores the event.
    """

    __slots__ = ("contact", "token")

    def __init__(self, contact: Any, token: int = 0) -> None:
        super().__init__()
        self.contact = contact
        self.token = token


class OverflowEvent(ContactEvent):
    """A contact has waited ``after_wait_s``: the vendor's queue may answer it too."""

    __slots__ = ("queue",)

    def __init__(self, contact: Any, token: int, queue: Any) -> None:
        super().__init__(contact, token)
        self.queue = queue


class SelfServiceEvent(ContactEvent):
    """A contact leaves self-service (not contained) and is routed with its routing draw."""

    __slots__ = ("u_route",)

    def __init__(self, contact: Any, u_route: float) -> None:
        super().__init__(contact)
        self.u_route = u_route


class HeapOutcomeEvent(ContactEvent):
    """The end of a heap-group handling whose outcome (escalation, repeat) is decided then."""

    __slots__ = ("group", "service_row")

    def __init__(self, contact: Any, group: Any, service_row: list) -> None:
        super().__init__(contact)
        self.group = group
        self.service_row = service_row


class PullEvent(Event):
    """A heap group's earliest agent is free while contacts wait (superseded by a newer token)."""

    __slots__ = ("group", "token")

    def __init__(self, group: Any) -> None:
        super().__init__()
        self.group = group
        self.token = 0


class IntervalEvent(Event):
    """An interval starts (``k``), the desk closes after interval ``k``, or fractional agents leave in it.

    ``steps``: for a fractional agent leaving, ``[(group index, agents), ...]``.
    """

    __slots__ = ("k", "steps")

    def __init__(self, k: int) -> None:
        super().__init__()
        self.k = k
        self.steps: list = []


class ScriptEvent(Event):
    """A scripted contact arrives."""

    __slots__ = ("script",)

    def __init__(self, script: Any) -> None:
        super().__init__()
        self.script = script
