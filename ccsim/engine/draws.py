"""What a new contact is drawn as: the random attributes of a channel's fresh contacts.

Shared by both engines, so that they see the same contacts: each attribute has its own named
stream (:mod:`ccsim.streams`), drawn in batches of ``streams.BATCH``: the gap to the next
arrival (a unit-rate exponential, scaled by the interval's rate), the handle time before any
group's factor, the patience, and four uniforms (the first handling's outcome, routing, contact
type and self-service).

A group with its own handle-time distribution for a channel (a skill's ``handle_time``) draws
a contact's time there by inverse transform from a uniform the contact carries:
:func:`own_handle_draws` gives a channel's two streams of those uniforms, one for fresh
contacts (drawn on arrival) and one for later ones (repeat contacts and escalations).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from ccsim.scenario import Channel
from ccsim.streams import BATCH, Batch, stream

__all__ = ["FreshDraws", "own_handle_draws"]


class FreshDraws:
    """The named streams of one channel's new contacts in one replication.

    Parameters
    ----------
    spec : ccsim.scenario.Channel
        The channel.
    seed, replication : int
        The run's seed and replication number.
    name : str
        The channel's name (part of every stream's name).

    Attributes
    ----------
    first_gap : float
        The unit-rate exponential gap before the channel's first arrival.
    """

    __slots__ = ("draw_rng", "first_gap", "gap_rng", "handle_rng", "patience_rng", "spec")

    def __init__(self, spec: Channel, seed: int, replication: int, name: str) -> None:
        self.spec = spec
        self.gap_rng = stream(seed, replication, f"arrivals/{name}")
        self.handle_rng = stream(seed, replication, f"handle/{name}")
        self.patience_rng = stream(seed, replication, f"patience/{name}")
        self.draw_rng = stream(seed, replication, f"draws/{name}")
        self.first_gap = float(self.gap_rng.exponential(1.0))

    def batch(self) -> tuple[list[float], list[float], list[float], np.ndarray]:
        """The next ``BATCH`` new contacts: gaps, handle times, patiences and ``(BATCH, 4)`` uniforms."""
        spec = self.spec
        gaps = self.gap_rng.exponential(1.0, BATCH)
        handle = np.asarray(spec.handle_time.sample(self.handle_rng, BATCH), dtype=float)
        if spec.patience is not None:
            patience = np.asarray(spec.patience.sample(self.patience_rng, BATCH), dtype=float)
        else:
            patience = np.full(BATCH, math.inf)
        u = self.draw_rng.random((BATCH, 4))  # always four, so that every path uses the stream alike
        return gaps.tolist(), handle.tolist(), patience.tolist(), u

    def one_by_one(self) -> Iterator[tuple[float, ...]]:
        """New contacts one by one: ``(gap, handle_s, patience_s, u_outcome, u_route, u_type, u_self_service)``.

        The gap to the next arrival is a unit-rate exponential (``first_gap`` comes before the
        first); the four uniforms decide the first handling's outcome, the routing, the contact
        type and self-service. Drawn a batch at a time, as the fast engine draws them.
        """
        while True:
            gaps, handles, patiences, u = self.batch()
            yield from zip(gaps, handles, patiences, *u.T.tolist(), strict=True)


def _uniforms(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.random(size)


def own_handle_draws(routing, channel: int, name: str, rng) -> tuple[Batch | None, Batch | None]:
    """A channel's uniforms for groups with their own handle time: ``(fresh, later)``, or Nones.

    Parameters
    ----------
    routing : ccsim.engine.routing.Routing
        The run's routing (its queues know which groups have their own distribution).
    channel : int
        The channel's index.
    name : str
        The channel's name (part of the streams' names).
    rng : callable
        ``rng(source) -> numpy.random.Generator``: the run's named streams.
    """
    if not any(q.own for q in routing.queues if q.channel == channel):
        return None, None
    return Batch(rng(f"handle-own/{name}"), _uniforms), Batch(rng(f"handle-own-later/{name}"), _uniforms)
