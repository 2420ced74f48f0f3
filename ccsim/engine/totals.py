"""What one replication counts: the statistics layout and the per-replication totals.

Statistics are aggregated as a run goes into one row per interval (the interval a contact
entered the queue, or in which a handling happened); :class:`RunTotals` holds them as arrays.
Both engines (:mod:`ccsim.engine.fast` and :mod:`ccsim.engine.reference`) fill this layout,
and :mod:`ccsim.metrics` turns sums in it into KPIs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ccsim.scenario import Scenario

__all__ = [
    "CH_STATS",
    "GROUP_STATS",
    "N_BINS",
    "SVC_STATS",
    "VENDOR_STATS",
    "WAIT_BIN_EDGES",
    "RunTotals",
    "ScriptedContact",
    "TraceEntry",
    "book_first_resolved",
    "book_handling",
    "book_vendor_abandon",
    "book_vendor_answer",
    "vendor_rows",
    "vendor_terms",
    "wait_bin",
]

# channel statistics per interval (columns of RunTotals.channels)
CH_STATS = (
    "arrivals",  # contacts reaching the channel (fresh, redial, repeat), before self-service
    "self_served",  # new contacts that entered self-service (chatbot, FAQ, IVR)
    "contained",  # ... resolved there
    "offered",  # reached an agent queue
    "answered",
    "abandoned",
    "answered_within",  # answered within the answer target
    "answered_at_once",  # answered on arrival, without waiting (p_wait = 1 - this / offered)
    "wait_answered_s",  # sum of waits of answered contacts
    "wait_abandoned_s",  # sum of waits of abandoned contacts
    "handled",  # handlings completed (any tier), by completion interval
    "handle_s",  # sum of handle times of those
    "first_handled",  # first handlings of an issue
    "first_resolved",  # ... resolved there (first-contact resolution)
    "escalated",  # handlings ending in an escalation
    "repeats",  # repeat contacts offered
    "redials",  # redials offered
    "issues",  # new issues offered (fresh contacts), by interval of first offer
    "issues_resolved",  # of those, resolved by the end of the run
    "queue_s",  # contact-seconds spent waiting (any queue) while the desk is open, by interval
    "backlog_end",  # contacts waiting at the end of the interval (email and SNS)
    "waiting_at_end",  # contacts still waiting when the run ends, by interval offered
    "in_service_at_end",  # contacts in service when the run ends, by interval offered
)
#: What each vendor got of each channel, per interval of the vendor offer (its SLA is judged on
#: them): contacts sent to the vendor (routed to it, or overflowed), answered by its agents
#: (within the SLA's ``answer_within_s``, else the channel's answer target, and their waits
#: from the vendor offer), hung up while waiting for it, and taken back (an overflowed contact
#: answered in-house after all); ``abandoned_short``: of the hang-ups, those within the SLA's
#: ``short_abandon_s`` of the vendor offer (not counted against the vendor; 0 without one).
VENDOR_STATS = (
    "offered",
    "answered",
    "answered_within",
    "wait_answered_s",
    "abandoned",
    "taken_back",
    "abandoned_short",
)
V_OFFERED, V_ANSWERED, V_WITHIN, V_WAIT, V_ABANDONED, V_TAKEN_BACK, V_ABANDONED_SHORT = range(len(VENDOR_STATS))

GROUP_STATS = (
    "handled",
    "handle_s",
    "busy_s",  # agent-seconds spent with at least one contact
    "present_s",  # agent-seconds present (on duty, and finishing a contact after the shift)
    "scheduled_s",  # agent-seconds on duty by the staffing plan
    "resolved",
    "escalated",
    "transfers_offered",  # escalated contacts that joined this group's queue, by interval of escalation
    "transfers_answered",  # ... that this group answered
    "transfers_within",  # ... answered within the channel's answer target
    "transfer_wait_s",  # sum of waits of the answered ones
    "transfers_abandoned",  # ... that hung up waiting for this group
    "transfers_waiting_at_end",  # ... still waiting when the run ends
    "voice_handle_s",  # the part of handle_s spent on voice channels (same handlings, same intervals)
)
# Counted during the run per (group, channel, interval) and summed into both the channel and
# the group statistics at the end (so the hot loop updates one row, not two).
SVC_STATS = ("handled", "handle_s", "first_resolved", "first_not_resolved", "later_resolved", "escalated")
S_HANDLED, S_HANDLE_S, S_FIRST_RES, S_FIRST_OTHER, S_LATER_RES, S_ESCALATED = range(len(SVC_STATS))
(
    ARRIVALS,
    SELF_SERVED,
    CONTAINED,
    OFFERED,
    ANSWERED,
    ABANDONED,
    WITHIN,
    AT_ONCE,
    WAIT_ANS,
    WAIT_ABN,
    HANDLED,
    HANDLE_S,
    FIRST,
    FIRST_RES,
    ESCALATED,
    REPEATS,
    REDIALS,
    ISSUES,
    ISSUES_RES,
    QUEUE_S,
    BACKLOG,
    WAITING_END,
    SERVING_END,
) = range(len(CH_STATS))
(
    G_HANDLED,
    G_HANDLE_S,
    G_BUSY,
    G_PRESENT,
    G_SCHED,
    G_RESOLVED,
    G_ESCALATED,
    G_TRANSFERS_OFFERED,
    G_TRANSFERS,
    G_TRANSFERS_WITHIN,
    G_TRANSFER_WAIT,
    G_TRANSFERS_ABANDONED,
    G_TRANSFERS_WAITING_END,
    G_VOICE_HANDLE_S,
) = range(len(GROUP_STATS))

#: Lower edges of the wait histogram bins (seconds): 2 s up to 2 min, 10 s up to 10 min,
#: 1 min up to 1 h, 15 min up to a day, and one bin beyond.
WAIT_BIN_EDGES = np.concatenate(
    [
        np.arange(0, 120, 2.0),
        np.arange(120, 600, 10.0),
        np.arange(600, 3600, 60.0),
        np.arange(3600, 86400, 900.0),
        [86400.0],
    ]
)
N_BINS = WAIT_BIN_EDGES.size


def wait_bin(w: float) -> int:
    """The histogram bin of a wait of ``w`` seconds (bins of ``WAIT_BIN_EDGES``)."""
    if w < 120.0:
        return int(w * 0.5)
    if w < 600.0:
        return 60 + int((w - 120.0) * 0.1)
    if w < 3600.0:
        return 108 + int((w - 600.0) / 60.0)
    if w < 86400.0:
        return 158 + int((w - 3600.0) / 900.0)
    return N_BINS - 1


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
