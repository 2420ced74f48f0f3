"""The statistics a run counts: the column layout of every per-interval sum.

This is the contract between the engines, which fill one row per interval as a run goes, and
the results, which turn the sums into KPIs (:mod:`ccsim.results.kpis`). Code above the
results (economics, planning, comparisons) reads sums by these names through
:class:`ccsim.results.SimulationResult`, never by engine internals. The module is a leaf: it
imports nothing of ccsim, so the engines can fill the layout without depending on the results.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CH_STATS",
    "GROUP_STATS",
    "N_BINS",
    "SVC_STATS",
    "VENDOR_STATS",
    "WAIT_BIN_EDGES",
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
