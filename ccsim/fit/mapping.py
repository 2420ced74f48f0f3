"""The mapping file: which column of a contact log holds what, and how its values read.

Every phone system (ACD) exports its contact log differently. A mapping file, in YAML, names
the log's columns (contact id, queue, arrival, answer or wait, end or handle time, outcome,
agent, customer...), the format of its times, what each outcome value means and which queue
becomes which channel. Without a mapping file the log has the columns that ``ccsim run
--contacts`` writes (:data:`DEFAULT_COLUMNS`). ``ccsim fit --template`` prints a commented
mapping file (:func:`template`); :func:`load_mapping` reads one, with every error's line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ccsim.contact_log import COLUMNS as CONTACT_LOG_COLUMNS
from ccsim.fields import Name, Strict

__all__ = [
    "CHANNEL_KINDS",
    "DEFAULT_COLUMNS",
    "OUTCOMES",
    "Channels",
    "Columns",
    "Mapping",
    "load_mapping",
    "template",
]

#: The columns of the simulator's contact log (``ccsim run --contacts``): what a log without
#: a mapping file must have, by these names (its ``replication`` and ``kind`` are extra).
DEFAULT_COLUMNS = tuple(c for c in CONTACT_LOG_COLUMNS if c not in ("replication", "kind"))

#: What an outcome value may mean: answered by an agent, abandoned in the queue, hung up
#: before reaching the queue (in the IVR or the greeting: kept apart from queue abandonment),
#: resolved by self-service, or a row to leave out (tests, phantom calls).
OUTCOMES = ("answered", "abandoned", "before_queue", "contained", "drop")
#: The kinds of channel (as in a scenario).
CHANNEL_KINDS = ("voice", "chat", "email", "sns")

Outcome = Literal["answered", "abandoned", "before_queue", "contained", "drop"]
Kind = Literal["voice", "chat", "email", "sns"]
Column = str | None

#: The default outcome mapping (a log as the simulator writes it).
_OUTCOMES: dict[str, Outcome] = {
    "answered": "answered",
    "abandoned": "abandoned",
    "contained": "contained",
    "waiting": "drop",  # the simulator's log: still waiting, or in self-service, when the run stopped
    "unfinished": "drop",
}


class Columns(Strict):
    """The log's column names (``null``: the log has no such column)."""

    contact_id: Column = Field("contact_id", description="a contact's id (duplicates are dropped)")
    channel: str = Field("channel", description="the queue or contact type: becomes the channel")
    arrival: str = Field("arrival", description="when the contact reached the queue (a datetime or a clock time)")
    answer: Column = Field("answer", description="when an agent answered (empty if nobody did)")
    wait_s: Column = Field(
        "wait_s", description="seconds in the queue until answered or abandoned (used instead of answer)"
    )
    end: Column = Field("end", description="when the contact ended: the handling, or the hang-up in the queue")
    handle_s: Column = Field("handle_s", description="the agent's handle time in seconds (used instead of end)")
    outcome: str = Field("outcome", description="what happened, mapped by outcomes:")
    agent: Column = Field("agent", description="the agent who answered (empty if none)")
    group: Column = Field("group", description="the agent group who answered (reported only)")
    customer_id: Column = Field("customer_id", description="the customer (for redials)")
    priority: Column = Field(None, description="the contact's priority (reported only)")
    self_service_s: Column = Field(None, description="seconds spent in self-service before the queue")
    date: Column = Field(None, description="the date, when the time columns hold clock times only")

    @model_validator(mode="after")
    def _durations(self) -> Columns:
        if self.wait_s is None and (self.answer is None or self.end is None):
            raise ValueError(
                "give the wait_s column, or both answer and end (an abandoned contact's wait is end - arrival)"
            )
        if self.end is None and self.handle_s is None:
            raise ValueError("give the end column or the handle_s column (or both: handle_s is then used)")
        named = [v for v in self.__dict__.values() if v is not None]
        twice = sorted({v for v in named if named.count(v) > 1})
        if twice:
            raise ValueError(f"a log column can hold one thing, got {', '.join(map(repr, twice))} named twice")
        return self

    def used(self) -> dict[str, str]:
        """``{field: log column}`` of the columns read."""
        out = {k: v for k, v in self.__dict__.items() if v is not None}
        if self.wait_s is not None:
            out.pop("answer", None)  # wait_s is used: answer times need not be in the log
            if self.handle_s is not None:
                out.pop("end", None)
        return out


class Channels(Strict):
    """How the log's queues become channels."""

    rename: dict[str, Name] = Field(
        default_factory=dict, description="log value -> channel name (several queues may share a channel)"
    )
    kinds: dict[str, Kind] = Field(default_factory=dict, description="channel -> voice, chat, email or sns")
    default_kind: Kind = Field("voice", description="kind of a channel not listed in kinds")
    drop: tuple[str, ...] = Field((), description="log values (queues) left out")
    answer_within_s: dict[str, float] = Field(
        default_factory=dict, description="channel -> answer target in seconds of its service level (reports)"
    )


class Mapping(Strict):
    """A contact log's layout: columns, time formats, outcome values and channels."""

    columns: Columns = Field(default_factory=Columns, description="the log's column names")
    time_format: str = Field(
        "iso",
        description="'iso' (2024-05-01T08:30:00, or with a space), or a strftime format such as "
        "'%d/%m/%Y %H:%M:%S'; with a date column, the format of the clock times ('%H:%M:%S')",
    )
    date_format: str = Field("%Y-%m-%d", description="the date column's format (with columns.date)")
    delimiter: str = Field(",", min_length=1, max_length=1, description="the CSV delimiter")
    encoding: str = Field("utf-8", description="the file's text encoding (utf-8, cp932, shift_jis, ...)")
    outcomes: dict[str, Outcome] = Field(
        default_factory=lambda: dict(_OUTCOMES),
        description="the log's outcome value (case ignored) -> answered, abandoned, before_queue, contained or drop",
    )
    channels: Channels = Field(default_factory=Channels, description="how queues become channels")
    redial_window_h: float = Field(
        24.0, gt=0, le=720, description="a customer's next contact within this many hours counts as a redial"
    )

    @field_validator("time_format")
    @classmethod
    def _time_format(cls, v: str) -> str:
        if v != "iso" and "%" not in v:
            raise ValueError(f"time_format must be 'iso' or a strftime format with % codes, got {v!r}")
        return v

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, v: str) -> str:
        try:
            "".encode(v)
        except LookupError:
            raise ValueError(f"unknown text encoding {v!r}") from None
        return v

    @model_validator(mode="after")
    def _clock_times(self) -> Mapping:
        if self.columns.date is not None and self.time_format == "iso":
            raise ValueError("with a date column, time_format is the clock times' format, e.g. '%H:%M:%S'; got 'iso'")
        return self

    def outcome_of(self, value: str) -> str | None:
        """What a log's outcome value means (None: not in the mapping)."""
        return self._outcomes_lower.get(value.strip().lower())

    @property
    def _outcomes_lower(self) -> dict[str, str]:
        return {k.strip().lower(): v for k, v in self.outcomes.items()}

    def channel_kind(self, channel: str) -> str:
        """The kind of a channel (after renaming): ``channels.kinds``, else guessed from the name, else the default.

        A channel not in ``kinds`` whose name contains ``chat``, ``mail`` or ``sns`` (case
        ignored) is a chat, email or SNS channel; any other is ``default_kind``.
        """
        if channel in self.channels.kinds:
            return self.channels.kinds[channel]
        return guess_kind(channel) or self.channels.default_kind


def guess_kind(channel: str) -> str | None:
    """The kind a channel's name suggests (``chat``, ``email``, ``sns``), or None."""
    low = channel.lower()
    for word, kind in (("chat", "chat"), ("mail", "email"), ("sns", "sns")):
        if word in low:
            return kind
    return None


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping file.

    Parameters
    ----------
    path : str or pathlib.Path
        The YAML file.

    Returns
    -------
    Mapping
        Frozen and validated.

    Raises
    ------
    ccsim.ScenarioError
        Every problem of the file, each with its dotted path, rule, value and line.
    """
    from ccsim.loader import load_model

    return load_model(path, Mapping, what="mapping file")


_TEMPLATE = """\
# A mapping file for `ccsim fit`: how to read your phone system's contact log.
# One row per contact. Change the right-hand names to your log's column names; write null
# for a column your log does not have. Every key is explained in docs/fit.md.

columns:
  contact_id: contact_id     # a contact's id: a repeated id is a duplicate row and is dropped
  channel: channel           # the queue or contact type: becomes the scenario's channel
  arrival: arrival           # when the contact reached the queue
  answer: answer             # when an agent answered (empty if nobody did) ...
  wait_s: wait_s             # ... or seconds in the queue (answered or abandoned); used if given
  end: end                   # when the handling ended, or when the caller hung up in the queue ...
  handle_s: handle_s         # ... or the agent's handle time in seconds; used if given
  outcome: outcome           # what happened: mapped by `outcomes` below
  agent: agent               # the agent who answered (empty if none)
  group: group               # the agent group (reported only); null if absent
  customer_id: customer_id   # the customer or caller number (for redials); null if absent
  priority: null             # reported only
  self_service_s: null       # seconds in the IVR or chatbot before the queue (subtracted from the wait)
  date: null                 # a date column, when arrival/answer/end hold clock times only

# 'iso' reads 2024-05-01T08:30:00 and 2024-05-01 08:30:00 (a time zone suffix is ignored:
# times are read as the wall clock written). Otherwise a strftime format, e.g.
# "%d/%m/%Y %H:%M:%S" or "%Y/%m/%d %I:%M:%S %p". With a date column, the clock times'
# format ("%H:%M:%S"): a time earlier than the arrival is on the next day (past midnight),
# and the contact belongs to the day it arrived.
time_format: iso
date_format: "%Y-%m-%d"      # the date column's format
delimiter: ","
encoding: utf-8              # or cp932 / shift_jis for many Japanese exports

# Your log's outcome values (case ignored) and what they mean:
#   answered      an agent answered
#   abandoned     the customer hung up while waiting in the queue
#   before_queue  hung up before reaching the queue (IVR, greeting): kept apart, not abandonment
#   contained     resolved by self-service (IVR, chatbot) without an agent
#   drop          leave the row out (test calls, phantom calls, transfers counted elsewhere)
# A value not listed is an unmapped outcome: the row is dropped and counted in the report.
outcomes:
  answered: answered
  abandoned: abandoned
  contained: contained
  waiting: drop              # ccsim's own log: still waiting when the run stopped
  unfinished: drop           # ... or still in self-service
  # ABN_IVR: before_queue
  # TEST: drop

channels:
  rename: {}                 # log value -> channel name, e.g. {"Q_SALES_JP": sales, "Q_SUPPORT": support}
  kinds: {}                  # channel -> voice, chat, email or sns, e.g. {webchat: chat}
  default_kind: voice        # a channel not listed in kinds
  drop: []                   # queues to leave out, e.g. [Q_TEST]
  answer_within_s: {}        # channel -> answer target of its service level (default 20 s, 24 h for email/sns)

redial_window_h: 24          # a customer's next contact within this many hours counts as a redial
"""


def template() -> str:
    """A commented mapping file describing the default log (``ccsim fit --template``)."""
    return _TEMPLATE
