"""Named random streams: one independent generator per random source.

Each stream is derived from ``(seed, replication, source)`` with explicit
``numpy.random.SeedSequence`` spawn keys (never the stateful ``spawn()``), so:

* the same seed gives the same numbers on any machine and with any number of workers;
* every source has its own stream, so that two variants of one scenario see the same
  contacts (arrival times, handle times, patience): common random numbers. A contact's
  attributes come from its channel's stream in arrival order, whatever the staffing.

Draws are made in batches (numpy) and handed out one by one from Python lists, which keeps
the per-contact cost of randomness small in the simulation's hot loop.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["BATCH", "Batch", "fresh_seed", "stream", "stream_key"]

#: Values drawn per refill of a batch.
BATCH = 4096


def fresh_seed() -> int:
    """A seed for a run given none: fresh entropy from the operating system, below 2**32."""
    entropy = np.random.SeedSequence().entropy
    assert isinstance(entropy, int)  # drawn from the OS (numpy types it int | Sequence[int] | None)
    return entropy % 2**32


def stream_key(source: str) -> int:
    """A stable 32-bit key for a source name (the same on every machine and Python)."""
    return int.from_bytes(hashlib.blake2s(source.encode("utf-8"), digest_size=4).digest(), "little")


def stream(seed: int, replication: int, source: str) -> np.random.Generator:
    """The generator of one named source in one replication.

    Parameters
    ----------
    seed : int
        The run's seed (>= 0).
    replication : int
        Replication number (0, 1, ...).
    source : str
        The source's name, e.g. ``"arrivals/phone"``.

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator seeded by ``SeedSequence(seed, spawn_key=(replication, key))``.
    """
    seq = np.random.SeedSequence(seed, spawn_key=(replication, stream_key(source)))
    return np.random.Generator(np.random.PCG64(seq))


class Batch:
    """Values of one distribution drawn in batches from one generator.

    ``draw`` is a function ``(rng, size) -> array``; ``next()`` returns the next value.
    """

    __slots__ = ("_draw", "_i", "_rng", "_values")

    def __init__(self, rng: np.random.Generator, draw) -> None:
        self._rng = rng
        self._draw = draw
        self._values: list[float] = []
        self._i = 0

    def next(self) -> float:
        """The next value."""
        i = self._i
        if i >= len(self._values):
            self._values = np.asarray(self._draw(self._rng, BATCH), dtype=float).tolist()
            i = 0
        self._i = i + 1
        return self._values[i]
