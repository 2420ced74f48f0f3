"""What one replication hands back: its per-interval totals, and the counting both engines share.

Statistics are aggregated as a run goes into one row per interval (the interval a contact
entered the queue, or in which a handling happened), in the layout of
:mod:`ccsim.results.layout`; :class:`RunTotals` holds them as arrays. Both engines
(:mod:`ccsim.engine.fast` and :mod:`ccsim.engine.reference`) fill it, and
:mod:`ccsim.results.kpis` turns its sums into KPIs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ccsim.results.layout import (
    ISSUES_RES,
    S_FIRST_RES,
    S_HANDLE_S,
    S_HANDLED,
    V_ABANDONED,
    V_ABANDONED_SHORT,
    V_ANSWERED,
    V_TAKEN_BACK,
    V_WAIT,
    V_WITHIN,
    VENDOR_STATS,
)

if TYPE_CHECKING:
    from ccsim.scenario import Scenario

__all__ = [
    "RunTotals",
    "ScriptedContact",
    "TraceEntry",
    "book_first_resolved",
    "book_handling",
    "book_vendor_abandon",
    "book_vendor_answer",
    "vendor_rows",
    "vendor_terms",
]


def book_handling(svc: list, handle_s: float) -> None:
    """Count a completed handling of ``handle_s`` seconds in a service row (``SVC_STATS``)."""
    svc[S_HANDLED] += 1
    svc[S_HANDLE_S] += handle_s


def book_first_resolved(svc: list, issue_row: list | None) -> None:
    """Count an issue resolved at its first handling: in the service row and the issue's row."""
    svc[S_FIRST_RES] += 1
    if issue_row is not None:
        issue_row[ISSUES_RES] += 1


@dataclass(frozen=True)
class ScriptedContact:
    """A contact with given times, for replaying a log or for exact test timelines.

    Attributes
    ----------
    time_s : float
        Arrival time in seconds from midnight of the first day.
    channel : str
        Channel name.
    handle_s : float
        Handle time before the group's factor.
    patience_s : float
        Patience (``inf``: never hangs up).
    outcome_u : float
        The contact's first-handling outcome draw in [0, 1): resolved when below the group's
        first-contact resolution, escalated when below that plus the escalation probability.
    contact_type : str or None
        Contact type, if the channel has them.
    routing_u : float
        The contact's routing draw: ``share`` vendor routing sends it to the vendor when this
        is below the share (default 1: never).
    own_u : float
        The quantile of its handle time at a group with its own handle-time distribution for
        its channel (default 0.5: the median).
    """

    time_s: float
    channel: str
    handle_s: float
    patience_s: float = math.inf
    outcome_u: float = 0.0
    contact_type: str | None = None
    routing_u: float = 1.0
    own_u: float = 0.5


#: One trace line: ``(time_s, event, contact id, channel, where)``.
TraceEntry = tuple[float, str, int | None, str, str]


@dataclass
class RunTotals:
    """Aggregates of one replication.

    Attributes
    ----------
    channels : numpy.ndarray
        ``(channels, intervals, len(CH_STATS))`` sums per interval.
    wait_hist : numpy.ndarray
        ``(channels, intervals, bins)`` counts (int32) of waits of answered first-line contacts.
    groups : numpy.ndarray
        ``(groups, intervals, len(GROUP_STATS))`` sums per interval.
    contacts : int
        Contacts that arrived (fresh, redials and repeats).
    trace : list or None
        ``(time_s, event, contact id, channel, where)`` tuples, when a trace was asked for.
    vendors : numpy.ndarray
        ``(vendors, channels, intervals, len(VENDOR_STATS))`` sums per interval of the vendor offer.
    """

    channels: np.ndarray
    wait_hist: np.ndarray
    groups: np.ndarray
    contacts: int
    trace: list | None = field(default=None)
    vendors: np.ndarray | None = field(default=None)


def vendor_rows(n_vendors: int, n_channels: int, n_intervals: int) -> list:
    """Empty vendor sums: ``[vendor][channel][interval]`` lists of ``len(VENDOR_STATS)``."""
    return [
        [[[0.0] * len(VENDOR_STATS) for _ in range(n_intervals)] for _ in range(n_channels)] for _ in range(n_vendors)
    ]


def vendor_terms(scenario: Scenario) -> list[list[tuple[float, float]]]:
    """What each vendor's contacts of each channel are counted against: ``[vendor][channel]``.

    ``(answer_within_s, short_abandon_s)``: the SLA's answer time, else the channel's answer
    target (``answered_within``), and the SLA's short-abandon allowance, else ``-inf`` (no
    hang-up is short: ``abandoned_short`` stays 0).
    """
    terms = []
    for vendor in scenario.vendors.values():
        sla = vendor.sla
        within = sla.answer_within_s if sla is not None else None
        short = sla.short_abandon_s if sla is not None and sla.short_abandon_s is not None else -math.inf
        terms.append([(ch.answer_within_s if within is None else within, short) for ch in scenario.channels.values()])
    return terms


def book_vendor_answer(vrow: list, queue_vendor: int | None, wait: float, within_s: float) -> None:
    """An entry contact that a vendor was offered is answered: by the vendor's agents, or taken back.

    ``wait`` is counted from the vendor offer; ``within_s`` is the vendor's answer time for the
    channel (:func:`vendor_terms`).
    """
    if queue_vendor is None:
        vrow[V_TAKEN_BACK] += 1
        return
    vrow[V_ANSWERED] += 1
    vrow[V_WAIT] += wait
    if wait <= within_s:
        vrow[V_WITHIN] += 1


def book_vendor_abandon(vrow: list, wait: float, short_s: float) -> None:
    """An entry contact hangs up while a vendor was offered it, ``wait`` seconds after the vendor offer.

    ``short_s``: the SLA's short-abandon allowance (:func:`vendor_terms`; ``-inf``: none).
    """
    vrow[V_ABANDONED] += 1
    if wait <= short_s:
        vrow[V_ABANDONED_SHORT] += 1
