"""``ccsim erlang``: the Erlang B/C/A calculator, for one interval or a CSV of intervals."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

from ccsim.cli.common import flag, fraction, number, whole
from ccsim.errors import CcsimError


def _add_erlang(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "erlang",
        help="Erlang B/C/A calculator: metrics for a staffing, or agents needed for targets",
        description=(
            "Size or evaluate one interval from flags, or a whole day from a CSV of intervals. "
            "Erlang C by default; Erlang A (callers hang up) when --patience-s is given; Erlang B "
            "(no queue: a contact finding every agent or trunk busy is lost) with --max-blocking. "
            "With --agents: the metrics of that staffing, and whether each target is met; without: "
            "the smallest staffing meeting every target. Shares may be written as 0.8 or 80%."
        ),
    )
    load = p.add_argument_group("load")
    load.add_argument("--volume", type=number, help="contacts offered in the interval")
    load.add_argument("--rate-per-hour", type=number, help="contacts per hour (instead of --volume)")
    load.add_argument("--interval-min", type=number, default=30.0, help="interval length in minutes (default 30)")
    load.add_argument("--aht-s", type=number, help="mean handle time in seconds (with --csv: for a file without aht_s)")
    load.add_argument("--patience-s", type=number, help="mean patience in seconds: use Erlang A (abandonment)")
    load.add_argument(
        "--csv",
        metavar="FILE",
        help="batch: a CSV of intervals (columns volume and aht_s; optional patience_s, agents; others pass through)",
    )
    goal = p.add_argument_group("staffing or targets")
    goal.add_argument(
        "--agents",
        type=whole(0),
        help="agents on duty: print the metrics for this staffing (with --csv: in every interval)",
    )
    goal.add_argument("--answer-within-s", type=number, help="answer target in seconds (default 20)")
    goal.add_argument(
        "--min-service-level", type=fraction, help="target minimum share answered within the answer target"
    )
    goal.add_argument("--max-asa-s", type=number, help="target maximum ASA in seconds")
    goal.add_argument("--max-p-wait", type=fraction, help="target maximum probability of waiting")
    goal.add_argument("--max-occupancy", type=fraction, help="target maximum occupancy")
    goal.add_argument("--max-abandon-rate", type=fraction, help="target maximum abandonment rate (needs --patience-s)")
    goal.add_argument(
        "--max-blocking",
        type=fraction,
        metavar="P",
        help="Erlang B: target maximum share of contacts blocked (lost); gives the agents or trunks needed",
    )
    goal.add_argument("--shrinkage", type=fraction, default=0.0, help="share of paid time off the phones (default 0)")
    out = p.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print the result as JSON")
    out.add_argument("--out", metavar="FILE", help="batch: write the result CSV here ('-' for stdout)")
    p.set_defaults(handler=_cmd_erlang)


_TARGET_FLAGS = ("min_service_level", "max_asa_s", "max_p_wait", "max_occupancy", "max_abandon_rate")


def _targets(args: argparse.Namespace) -> dict[str, float | None]:
    return {name: getattr(args, name) for name in _TARGET_FLAGS}


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    """JSON has no inf or NaN: an unbounded or undefined value becomes null."""
    return {k: (v if not isinstance(v, float) or math.isfinite(v) else None) for k, v in row.items()}


def _to_json(rows: Sequence[dict[str, Any]]) -> str:
    return json.dumps([_json_row(r) for r in rows], indent=2)


def _check_erlang_flags(args: argparse.Namespace) -> None:
    if args.interval_min <= 0:
        raise CcsimError(f"--interval-min: must be > 0, got {args.interval_min:g}")
    if args.max_blocking is not None:
        clash = [flag(k) for k, v in _targets(args).items() if v is not None]
        clash += [
            f
            for f, v in (("--patience-s", args.patience_s), ("--answer-within-s", args.answer_within_s))
            if v is not None
        ]
        if clash:
            raise CcsimError(f"--max-blocking: Erlang B has no queue: not with {', '.join(clash)}")
    if args.csv:
        if args.volume is not None or args.rate_per_hour is not None:
            raise CcsimError("--csv: give the volumes in the file, not with --volume or --rate-per-hour")
        return
    if args.out:
        raise CcsimError("--out: only with --csv (batch mode)")
    if (args.volume is None) == (args.rate_per_hour is None):
        raise CcsimError("give the load with exactly one of --volume, --rate-per-hour or --csv")
    if args.rate_per_hour is not None and args.rate_per_hour < 0:
        raise CcsimError(f"--rate-per-hour: must be a finite number >= 0, got {args.rate_per_hour:g}")
    if args.aht_s is None:
        raise CcsimError("--aht-s: the mean handle time is required")
    if args.max_abandon_rate is not None and args.patience_s is None:
        raise CcsimError("--max-abandon-rate: needs --patience-s (abandonment is modelled by Erlang A)")


def _cmd_erlang(args: argparse.Namespace) -> int:
    from ccsim import calculator
    from ccsim.errors import InputError

    _check_erlang_flags(args)
    interval_s = args.interval_min * 60.0
    common = {
        "answer_within_s": 20.0 if args.answer_within_s is None else args.answer_within_s,
        "shrinkage": args.shrinkage,
        "max_blocking": args.max_blocking,
        **_targets(args),
    }
    notes: list[str] = []
    try:
        if args.csv:
            rows = calculator.rows_for_csv(
                args.csv,
                interval_s=interval_s,
                aht_s=args.aht_s,
                patience_s=args.patience_s,
                agents=args.agents,
                notes=notes,
                **common,
            )
        else:
            volume = args.volume if args.volume is not None else args.rate_per_hour * interval_s / 3600.0
            rows = calculator.evaluate_intervals(
                volume,
                interval_s=interval_s,
                aht_s=args.aht_s,
                patience_s=args.patience_s,
                agents=args.agents,
                **common,
            )
    except InputError as exc:
        if exc.index is None and hasattr(args, exc.name):  # a flag's value: name the flag
            raise CcsimError(f"{flag(exc.name)}: {exc.rule}, got {exc.value!r}") from None
        raise
    for note in notes:
        print(f"ccsim: note: {note}", file=sys.stderr)
    if args.csv:
        return _emit_batch(args, rows, interval_s)
    if args.json:
        print(json.dumps(_json_row(rows[0]), indent=2))
    else:
        print(_single_table(args, rows[0]))
    return 0


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.2f} %"


def _secs(x: float) -> str:
    return "n/a" if math.isnan(x) else ("unbounded (unstable)" if math.isinf(x) else f"{x:.1f} s")


def _missed(row: dict[str, Any]) -> set[str]:
    """The targets a row misses (none when the agents were sized for them)."""
    status = str(row.get("targets", "met"))
    return set(status.removeprefix("MISSED: ").split(", ")) if status.startswith("MISSED") else set()


def _single_table(args: argparse.Namespace, row: dict[str, Any]) -> str:
    if args.max_blocking is not None:
        model = "Erlang B (M/G/n/n: blocked contacts are lost)"
    elif args.patience_s is not None:
        model = "Erlang A (M/M/n+M)"
    else:
        model = "Erlang C (M/M/n)"
    lines = [f"{model}, one interval of {args.interval_min:g} min"]
    missed = _missed(row)

    def add(label: str, value: str, note: str = "") -> None:
        lines.append(f"  {label:<22}{value:>22}  {note}".rstrip())

    def note(name: str, unit: str = "%") -> str:
        target = getattr(args, name)
        if target is None:
            return ""
        shown = f"{target:g} s" if unit == "s" else _pct(target)
        return f"target {'>=' if name.startswith('min') else '<='} {shown}: {'MISSED' if name in missed else 'met'}"

    add("volume", f"{row['volume']:.6g}")
    add("rate per hour", f"{row['rate_per_hour']:.6g}")
    add("handle time", f"{row['aht_s']:.1f} s")
    if args.patience_s is not None:
        add("patience", f"{args.patience_s:.1f} s")
    add("offered load", f"{row['offered_load']:.3f} Erl")
    if args.max_blocking is None:
        add("answer target", f"{20.0 if args.answer_within_s is None else args.answer_within_s:g} s")
    how = "given" if args.agents is not None else "smallest meeting every target"
    add("agents on duty", f"{row['agents']}", how)
    if "agents_needed" in row:
        add("agents needed", f"{row['agents_needed']}", "smallest meeting every target")
    add("scheduled agents", f"{row['scheduled_agents']}", f"shrinkage {_pct(args.shrinkage)}")
    if args.max_blocking is not None:
        add("blocking", _pct(row["blocking"]), note("max_blocking"))
        add("carried load", f"{row['carried_load']:.3f} Erl")
        add("occupancy", _pct(row["occupancy"]))
        return "\n".join(lines)
    add("P(wait)", _pct(row["p_wait"]), note("max_p_wait"))
    add("service level", _pct(row["service_level"]), note("min_service_level"))
    add("ASA", _secs(row["asa_s"]), note("max_asa_s", unit="s"))
    if "p_abandon" in row:
        add("abandonment", _pct(row["p_abandon"]), note("max_abandon_rate"))
        add("mean wait, all callers", _secs(row["mean_wait_all_s"]))
    add("occupancy", _pct(row["occupancy"]), note("max_occupancy"))
    q = row["mean_queue_len"]
    add("mean queue length", "unbounded" if math.isinf(q) else f"{q:.3f}")
    return "\n".join(lines)


def _totals(rows: list[dict[str, Any]], interval_s: float) -> str:
    """One line over all intervals: contacts, peak agents, agent-hours, targets met."""
    hours = interval_s / 3600.0
    text = (
        f"{sum(r['volume'] for r in rows):,.6g} contacts, "
        f"peak {max(r['agents'] for r in rows)} agents on duty ({max(r['scheduled_agents'] for r in rows)} scheduled), "
        f"{sum(r['agents'] for r in rows) * hours:,.1f} agent-hours on duty, "
        f"{sum(r['scheduled_agents'] for r in rows) * hours:,.1f} scheduled agent-hours"
    )
    if "targets" in rows[0]:
        met = sum(r["targets"] == "met" for r in rows)
        text += f"; targets met in {met} of {len(rows)} intervals"
    return text


def _emit_batch(args: argparse.Namespace, rows: list[dict[str, Any]], interval_s: float) -> int:
    from ccsim.files import write_atomic
    from ccsim.outputs.csv_text import csv_table

    if args.json:
        text = _to_json(rows) + "\n"
    elif args.out:
        text = csv_table(rows, float_format=".6g")
    else:
        text = _batch_table(rows) + f"\ntotal over {len(rows)} intervals: {_totals(rows, interval_s)}\n"
    if args.out and args.out != "-":
        try:
            write_atomic(args.out, text)
        except OSError as exc:
            raise CcsimError(f"--out: cannot write {args.out}: {exc.strerror or exc}") from None
        print(f"wrote {len(rows)} intervals to {args.out}: {_totals(rows, interval_s)}")
    else:
        sys.stdout.write(text)
    return 0


def _batch_table(rows: list[dict[str, Any]]) -> str:
    cols = [k for k in rows[0] if k not in ("rate_per_hour", "mean_queue_len")]
    cells = [[_cell(r[k]) for k in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    text = [any(isinstance(r[k], str) for r in rows) for k in cols]  # text left, numbers right

    def line(values: list[str]) -> str:
        return "  ".join(v.ljust(w) if t else v.rjust(w) for v, w, t in zip(values, widths, text, strict=True)).rstrip()

    return "\n".join([line(cols), *(line(row) for row in cells)])


def _cell(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)
