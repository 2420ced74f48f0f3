"""A log of every simulated contact, in the columns an ACD export has (and ``ccsim fit`` reads).

Built from the event traces of a run (``simulate(..., trace=True)``): one row per contact
(each redial and repeat contact is a contact of its own), in arrival order per replication:

``replication``
    The replication it belongs to.
``contact_id``
    ``R-N``: replication ``R``, contact ``N`` of it.
``channel``
    The channel (the queue of an ACD log).
``arrival``
    When it reached the desk (before any self-service), as an ISO date and time.
``answer``, ``end``
    When an agent answered it, and when that first handling ended (empty when it was not
    answered, or had not ended when the run stopped).
``outcome``
    ``answered``, ``abandoned`` (hung up while waiting), ``contained`` (resolved in
    self-service: no queue), ``waiting`` (still waiting when the run stopped) or ``unfinished``
    (still in self-service then).
``agent``
    Empty: the simulation has groups, not named agents.
``group``
    The agent group that answered it.
``customer_id``
    The customer: the ``contact_id`` of the customer's first contact (its redials and repeat
    contacts carry it too).
``kind``
    ``fresh``, ``redial`` or ``repeat``.
``wait_s``, ``handle_s``
    Seconds from reaching the queue (after self-service) to the answer or to hanging up, and
    of the first handling.

Dates: the first simulated day is the first day with the calendar's ``start_weekday`` on or
after 2024-01-01 (a Monday); replication ``R`` is shifted by ``R`` whole weeks per started
week of the run, so that every replication keeps its weekdays and a log of several
replications reads as consecutive weeks of history.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

__all__ = ["COLUMNS", "contact_log", "contact_log_csv"]

#: The columns of the log, in order.
COLUMNS = (
    "replication",
    "contact_id",
    "channel",
    "arrival",
    "answer",
    "end",
    "outcome",
    "agent",
    "group",
    "customer_id",
    "kind",
    "wait_s",
    "handle_s",
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EPOCH = dt.datetime(2024, 1, 1)  # a Monday


def _stamp(base: dt.datetime, seconds: float) -> str:
    return (base + dt.timedelta(seconds=float(seconds))).isoformat(timespec="milliseconds")


def contact_log(
    traces: list[list[tuple]], *, replication_ids: Any, start_weekday: str = "mon", days: int = 1
) -> list[dict[str, Any]]:
    """One row per contact of every replication's trace (see the module documentation).

    Parameters
    ----------
    traces : list of list of tuple
        Per replication, the events ``(time, event, contact id, channel, where)``.
    replication_ids : sequence of int
        The replication number of each trace.
    start_weekday : str, default "mon"
        The calendar's first weekday.
    days : int, default 1
        Days in the run.

    Returns
    -------
    list of dict
        The rows, keyed by :data:`COLUMNS`.
    """
    first = _EPOCH + dt.timedelta(days=_WEEKDAYS.index(start_weekday))
    weeks = math.ceil(days / 7)
    rows: list[dict[str, Any]] = []
    for rep, trace in zip(replication_ids, traces, strict=True):
        base = first + dt.timedelta(weeks=int(rep) * weeks)
        contacts: dict[int, dict[str, Any]] = {}
        for t, event, cid, channel, where in trace:
            if cid is None:
                continue
            t = float(t)
            c = contacts.get(cid)
            if event == "arrive":
                kind, _, root = str(where).partition(" of ")
                contacts[cid] = {"channel": channel, "kind": kind, "came": t, "root": int(root) if root else cid}
                continue
            if c is None:
                continue
            if event == "contained":
                c["outcome"] = "contained"
            elif event == "offer" and "queued" not in c:
                c["queued"] = t
            elif event == "answer" and "answer" not in c:
                c["answer"], c["group"] = t, where
            elif event == "complete" and "answer" in c and "end" not in c:
                c["end"] = t
            elif event == "abandon" and "answer" not in c and "outcome" not in c:
                c["outcome"], c["gone"] = "abandoned", t
        for cid, c in contacts.items():
            queued = c.get("queued")
            if "answer" in c:
                outcome = "answered"
            else:  # still waiting, or still in self-service, when the run stopped
                outcome = c.get("outcome", "waiting" if queued is not None else "unfinished")
            answer, end = c.get("answer"), c.get("end")
            wait = (answer if answer is not None else c.get("gone")) if queued is not None else None
            rows.append(
                {
                    "replication": int(rep),
                    "contact_id": f"{int(rep)}-{cid}",
                    "channel": c["channel"],
                    "arrival": _stamp(base, c["came"]),
                    "answer": _stamp(base, answer) if answer is not None else "",
                    "end": _stamp(base, end) if end is not None else "",
                    "outcome": outcome,
                    "agent": "",
                    "group": c.get("group", ""),
                    "customer_id": f"{int(rep)}-{c['root']}",
                    "kind": c["kind"],
                    "wait_s": round(wait - queued, 6) if wait is not None else None,
                    "handle_s": round(end - answer, 6) if answer is not None and end is not None else None,
                }
            )
    return rows


def contact_log_csv(rows: list[dict[str, Any]]) -> str:
    """The log as CSV text: a header of :data:`COLUMNS`, one line per contact."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(["" if r[c] is None else r[c] for c in COLUMNS])
    return buf.getvalue()
