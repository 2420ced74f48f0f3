"""Dispatch policies: which waiting contact a freed agent takes, and which free agent answers.

Routing (:mod:`ccsim.engine.routing`) decides which queue a contact joins and which agent groups
may answer it; a dispatch policy makes the two choices left at the moment they arise:

- :meth:`Dispatch.agent_for`: a contact is offered to a queue: which free agent of the queue's
  groups answers it (none: it waits);
- :meth:`Dispatch.contact_for`: an agent is free: which of the contacts waiting at the head of
  its queues it takes (none: it idles).

Both engines call the same policy object at the same moments, so every policy gives the same
numbers in both (``tests/test_engines.py`` checks each one contact by contact). Built in, by the
scenario's ``dispatch`` key (``docs/scenario-format.md``):

- ``skill-priority`` (the default): a freed agent takes its best skill priority first, then
  the contact waiting longest; a new contact goes to the best-priority group with a free
  agent (its agent idle the shortest time);
- ``longest-idle``: a new contact goes to the agent idle longest, in any of the queue's groups;
  a freed agent chooses as with skill-priority;
- ``priority``: a freed agent takes the contact with the lowest ``priorities`` number (its
  channel/type, or channel) first, then skill priority, then the contact waiting longest; a
  new contact goes as with skill-priority;
- ``random``: no preference at all: a free agent and a waiting contact are each chosen at
  random among those possible.

A chat: skill-priority tries the queue's groups in order and, in each, an idle agent first,
else an agent with a free chat slot; longest-idle and random look for an idle agent in any
group first, and only then for a free slot (the first group that has one). A customer whose
patience ends at the very instant an agent is freed has hung up: the engines never show such a
contact to a policy.

Your own policy: subclass :class:`Dispatch`, override one or both methods, and pass the class
to ``ccsim.simulate(scenario, dispatch=MyDispatch)``. Only the default keeps the fast engine's
shortcuts (agents kept as a heap of free times, inlined answers); with any other policy the fast
engine runs its general event path, about two to three times slower, and says so
(:func:`uses_shortcuts`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from ccsim.engine.routing import Queue
from ccsim.scenario import Dispatch as DispatchSpec
from ccsim.streams import Batch

__all__ = [
    "POLICIES",
    "Dispatch",
    "LongestIdle",
    "PriorityDispatch",
    "RandomDispatch",
    "free_agent",
    "make_dispatch",
    "uses_shortcuts",
]

#: ``head(queue)``: the contact waiting first in a queue (hung-up ones skipped), or None.
Head = Callable[[Queue], Any]


def free_agent(g: Any, ch: Any) -> Any:
    """An idle agent of group ``g`` (the last to become idle) or, for a chat, one with a free slot.

    Taken out of its list; None when the group has neither.
    """
    if g.idle:
        return g.idle.pop()
    if ch.chat_k:
        for i, agent in enumerate(g.partial):
            if len(agent.chats) < ch.chat_k:
                return g.partial.pop(i)
    return None


class Dispatch:
    """The default policy, ``skill-priority``; the base class of every policy.

    Parameters
    ----------
    spec : ccsim.scenario.Dispatch
        The scenario's ``dispatch`` settings.
    routing : Routing
        The run's routing: its queues, with their channel, contact type and groups.
    channel_names : sequence of str
        The scenario's channels, in file order (``Queue.channel`` indexes it).
    draws : callable
        ``draws()``: the run's stream of uniforms for dispatch decisions (named ``dispatch``,
        the same in both engines).
    """

    name: ClassVar[str] = "skill-priority"

    def __init__(self, spec: DispatchSpec, routing: Any, channel_names: Sequence[str], draws: Callable[[], Batch]):
        self.spec = spec

    def agent_for(self, queue: Queue, ch: Any) -> Any:
        """The free agent who answers a contact of channel ``ch`` offered to ``queue``, or None.

        The agent is taken out of its group's ``idle`` (or ``partial``) list. Default: the first
        group in the queue's order (skill priority, then file order) with a free agent.
        """
        for g in queue.groups:
            agent = free_agent(g, ch)
            if agent is not None:
                return agent
        return None

    def contact_for(self, g: Any, levels: list[list[Queue]], head: Head) -> tuple[Any, Queue] | None:
        """The waiting contact a freed agent of ``g`` takes, and its queue; None if nobody waits.

        ``levels``: the group's queues by skill priority, best first; ``head(queue)``: the
        contact waiting first in a queue. Default: among the queues of the best level that have
        a waiting contact, the contact that has waited longest (ties: the first queue).
        """
        for level in levels:
            best: tuple[Any, Queue] | None = None
            for q in level:
                c = head(q)
                if c is not None and (best is None or c.queued_at < best[0].queued_at):
                    best = c, q
            if best is not None:
                return best
        return None


class LongestIdle(Dispatch):
    """``longest-idle``: a new contact goes to the agent idle longest in any of the queue's groups.

    This spreads the work over groups whatever their skill priority; ties go to the first group
    in the queue's order. A freed agent chooses as with skill-priority.
    """

    name = "longest-idle"

    def agent_for(self, queue: Queue, ch: Any) -> Any:
        """The agent idle longest in the queue's groups (ties: the first group), else a chat slot."""
        best = None
        for g in queue.groups:
            if g.idle and (best is None or g.idle[0].idle_since < best.idle[0].idle_since):
                best = g
        if best is not None:
            return best.idle.pop(0)
        return super().agent_for(queue, ch)  # no idle agent: a chat slot, as the default


class PriorityDispatch(Dispatch):
    """``priority``: a freed agent takes the contact of the lowest ``priorities`` number first.

    The number of a queue's contacts is that of its ``channel/type``, else of its channel;
    channels not named come after those named. Among equal numbers, skill priority, then the
    contact waiting longest, then the first queue. A new contact goes as with skill-priority.
    """

    name = "priority"

    def __init__(self, spec: DispatchSpec, routing: Any, channel_names: Sequence[str], draws: Callable[[], Batch]):
        super().__init__(spec, routing, channel_names, draws)
        numbers = spec.priorities or {}
        after = max(numbers.values(), default=0) + 1
        self.number: dict[Queue, int] = {}
        for q in routing.queues:
            ch = channel_names[q.channel]
            self.number[q] = numbers.get(f"{ch}/{q.ctype}", numbers.get(ch, after))

    def contact_for(self, g: Any, levels: list[list[Queue]], head: Head) -> tuple[Any, Queue] | None:
        """The best priority number, then skill priority, then the contact waiting longest."""
        best: tuple[Any, Queue] | None = None
        best_key: tuple[int, int, float] | None = None
        for level_no, level in enumerate(levels):
            for q in level:
                c = head(q)
                if c is None:
                    continue
                key = (self.number[q], level_no, c.queued_at)
                if best_key is None or key < best_key:
                    best, best_key = (c, q), key
        return best


class RandomDispatch(Dispatch):
    """``random``: no preference: a free agent and a waiting contact are each chosen at random.

    A new contact goes to one of the idle agents of the queue's groups, each equally likely (a
    chat with no idle agent: the first free slot, as the default); a freed agent takes one of
    the contacts at the head of its queues, each equally likely, whatever the skill priority.
    """

    name = "random"

    def __init__(self, spec: DispatchSpec, routing: Any, channel_names: Sequence[str], draws: Callable[[], Batch]):
        super().__init__(spec, routing, channel_names, draws)
        self.u = draws()

    def pick(self, n: int) -> int:
        """One of ``n`` choices, each equally likely (no draw when there is one)."""
        return 0 if n == 1 else min(int(self.u.next() * n), n - 1)

    def agent_for(self, queue: Queue, ch: Any) -> Any:
        """One of the idle agents of the queue's groups at random, else a chat slot."""
        idle = [(g, i) for g in queue.groups for i in range(len(g.idle))]
        if idle:
            g, i = idle[self.pick(len(idle))]
            return g.idle.pop(i)
        return super().agent_for(queue, ch)  # no idle agent: a chat slot, as the default

    def contact_for(self, g: Any, levels: list[list[Queue]], head: Head) -> tuple[Any, Queue] | None:
        """One of the contacts at the head of the group's queues at random."""
        heads = [(c, q) for level in levels for q in level if (c := head(q)) is not None]
        return heads[self.pick(len(heads))] if heads else None


#: The built-in policies by name (the scenario's ``dispatch.policy``).
POLICIES: dict[str, type[Dispatch]] = {
    "skill-priority": Dispatch,
    "longest-idle": LongestIdle,
    "priority": PriorityDispatch,
    "random": RandomDispatch,
}


def make_dispatch(
    spec: DispatchSpec,
    routing: Any,
    channel_names: Sequence[str],
    rng: Callable[[str], np.random.Generator],
    policy: type[Dispatch] | None = None,
) -> Dispatch:
    """The run's dispatch policy: ``policy`` if given, else the scenario's built-in one."""
    cls = policy if policy is not None else POLICIES[spec.policy]
    return cls(spec, routing, channel_names, lambda: Batch(rng("dispatch"), _uniforms))


def uses_shortcuts(dispatch: Dispatch) -> bool:
    """Whether the fast engine may take its shortcuts: only with the default policy itself."""
    return type(dispatch) is Dispatch


def _uniforms(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.random(size)
