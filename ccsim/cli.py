"""The ``ccsim`` command line: a thin shell over the public functions.

Only this module prints. Every error a user can cause ends as one line on stderr and exit
code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence

from ccsim import __version__, calculator
from ccsim.errors import CcsimError
from ccsim.files import write_atomic
from ccsim.report import csv_table

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Report a usage error in one line and exit with code 2."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _fraction(text: str) -> float:
    """A share given as 0.8 or 80%."""
    percent = text.strip().endswith("%")
    value = _number(text.strip().rstrip("%"))
    return value / 100.0 if percent else value


def _whole(text: str) -> int:
    value = _number(text)
    if value != int(value) or value < 0:
        raise argparse.ArgumentTypeError(f"not a whole number >= 0: {text!r}")
    return int(value)


# --------------------------------------------------------------------------- erlang


def _add_erlang(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "erlang",
        help="Erlang B/C/A calculator: metrics for a staffing, or agents needed for targets",
        description=(
            "Size or evaluate one interval from flags, or a whole day from a CSV of intervals. "
            "Erlang C by default; Erlang A (callers hang up) when --patience-s is given. "
            "Shares may be written as 0.8 or 80%%."
        ),
    )
    load = p.add_argument_group("load")
    load.add_argument("--volume", type=_number, help="contacts offered in the interval")
    load.add_argument("--rate-per-hour", type=_number, help="contacts per hour (instead of --volume)")
    load.add_argument("--interval-min", type=_number, default=30.0, help="interval length in minutes (default 30)")
    load.add_argument("--aht-s", type=_number, help="mean handle time in seconds")
    load.add_argument("--patience-s", type=_number, help="mean patience in seconds: use Erlang A (abandonment)")
    load.add_argument("--csv", metavar="FILE", help="batch: a CSV of intervals (columns volume, aht_s, ...)")
    goal = p.add_argument_group("staffing or targets")
    goal.add_argument("--agents", type=_whole, help="agents on duty: print the metrics for this staffing")
    goal.add_argument("--answer-within-s", type=_number, default=20.0, help="answer target in seconds (default 20)")
    goal.add_argument(
        "--min-service-level", type=_fraction, help="target minimum share answered within the answer target"
    )
    goal.add_argument("--max-asa-s", type=_number, help="target maximum ASA in seconds")
    goal.add_argument("--max-p-wait", type=_fraction, help="target maximum probability of waiting")
    goal.add_argument("--max-occupancy", type=_fraction, help="target maximum occupancy")
    goal.add_argument("--max-abandon-rate", type=_fraction, help="target maximum abandonment rate (needs --patience-s)")
    goal.add_argument("--shrinkage", type=_fraction, default=0.0, help="share of paid time off the phones (default 0)")
    out = p.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print the result as JSON")
    out.add_argument("--out", metavar="FILE", help="batch: write the result CSV here ('-' for stdout)")
    p.set_defaults(handler=_cmd_erlang)


def _targets(args: argparse.Namespace) -> dict[str, float | None]:
    return {
        "min_service_level": args.min_service_level,
        "max_asa_s": args.max_asa_s,
        "max_p_wait": args.max_p_wait,
        "max_occupancy": args.max_occupancy,
        "max_abandon_rate": args.max_abandon_rate,
    }


def _json_row(row: dict[str, object]) -> dict[str, object]:
    """JSON has no inf or NaN: an unbounded or undefined value becomes null."""
    return {k: (v if not isinstance(v, float) or math.isfinite(v) else None) for k, v in row.items()}


def _to_json(rows: Sequence[dict[str, object]]) -> str:
    return json.dumps([_json_row(r) for r in rows], indent=2)


def _cmd_erlang(args: argparse.Namespace) -> int:
    if args.interval_min <= 0:
        raise CcsimError(f"--interval-min: must be > 0, got {args.interval_min:g}")
    interval_s = args.interval_min * 60.0
    targets = _targets(args)
    common = {"answer_within_s": args.answer_within_s, "shrinkage": args.shrinkage}
    if args.csv:
        if args.volume is not None or args.rate_per_hour is not None:
            raise CcsimError("--csv: give the volumes in the file, not with --volume or --rate-per-hour")
        rows = calculator.rows_for_csv(
            args.csv, interval_s=interval_s, aht_s=args.aht_s, patience_s=args.patience_s, **targets, **common
        )
        return _emit_batch(args, rows, interval_s)
    if args.out:
        raise CcsimError("--out: only with --csv (batch mode)")
    if (args.volume is None) == (args.rate_per_hour is None):
        raise CcsimError("give the load with exactly one of --volume, --rate-per-hour or --csv")
    if args.aht_s is None:
        raise CcsimError("--aht-s: the mean handle time is required")
    volume = args.volume if args.volume is not None else args.rate_per_hour * interval_s / 3600.0
    if args.agents is None:
        rows = calculator.evaluate_intervals(
            volume, interval_s=interval_s, aht_s=args.aht_s, patience_s=args.patience_s, **targets, **common
        )
    else:
        rows = calculator.evaluate_intervals(
            volume, interval_s=interval_s, aht_s=args.aht_s, patience_s=args.patience_s, agents=args.agents, **common
        )
    if args.json:
        print(json.dumps(_json_row(rows[0]), indent=2))
    else:
        print(_single_table(args, rows[0]))
    return 0


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.2f} %"


def _secs(x: float) -> str:
    return "n/a" if math.isnan(x) else ("unbounded (unstable)" if math.isinf(x) else f"{x:.1f} s")


def _mark(met: bool) -> str:
    return "met" if met else "MISSED"


def _single_table(args: argparse.Namespace, row: dict[str, float]) -> str:
    model = "Erlang A (M/M/n+M)" if args.patience_s is not None else "Erlang C (M/M/n)"
    lines = [f"{model}, one interval of {args.interval_min:g} min"]

    def add(label: str, value: str, note: str = "") -> None:
        lines.append(f"  {label:<22}{value:>22}  {note}".rstrip())

    add("volume", f"{row['volume']:.6g}")
    add("rate per hour", f"{row['rate_per_hour']:.6g}")
    add("handle time", f"{row['aht_s']:.1f} s")
    if args.patience_s is not None:
        add("patience", f"{args.patience_s:.1f} s")
    add("offered load", f"{row['offered_load']:.3f} Erl")
    add("answer target", f"{args.answer_within_s:g} s")
    how = "given" if args.agents is not None else "smallest meeting every target"
    add("agents on duty", f"{row['agents']}", how)
    add("scheduled agents", f"{row['scheduled_agents']}", f"shrinkage {_pct(args.shrinkage)}")
    add("P(wait)", _pct(row["p_wait"]), _target_note(row["p_wait"], args.max_p_wait, upper=True))
    add("service level", _pct(row["service_level"]), _target_note(row["service_level"], args.min_service_level))
    add("ASA", _secs(row["asa_s"]), _target_note(row["asa_s"], args.max_asa_s, upper=True, unit="s"))
    if "p_abandon" in row:
        add("abandonment", _pct(row["p_abandon"]), _target_note(row["p_abandon"], args.max_abandon_rate, upper=True))
        add("mean wait, all callers", _secs(row["mean_wait_all_s"]))
    add("occupancy", _pct(row["occupancy"]), _target_note(row["occupancy"], args.max_occupancy, upper=True))
    q = row["mean_queue_len"]
    add("mean queue length", "unbounded" if math.isinf(q) else f"{q:.3f}")
    return "\n".join(lines)


def _target_note(value: float, target: float | None, *, upper: bool = False, unit: str = "%") -> str:
    if target is None:
        return ""
    shown = f"{target:g} s" if unit == "s" else _pct(target)
    met = (value <= target * (1 + 1e-12)) if upper else (value >= target * (1 - 1e-12))
    return f"target {'<=' if upper else '>='} {shown}: {_mark(bool(met))}"


def _emit_batch(args: argparse.Namespace, rows: list[dict[str, object]], interval_s: float) -> int:
    if args.json:
        text = _to_json(rows) + "\n"
    elif args.out:
        text = csv_table(rows, float_format=".6g")
    else:
        text = _batch_table(rows) + "\n"
    if args.out and args.out != "-":
        try:
            write_atomic(args.out, text)
        except OSError as exc:
            raise CcsimError(f"--out: cannot write {args.out}: {exc.strerror or exc}") from None
        hours = interval_s / 3600.0
        peak = max(rows, key=lambda r: r["agents"])
        print(
            f"wrote {len(rows)} intervals to {args.out}: peak {peak['agents']} agents on duty "
            f"({peak['scheduled_agents']} scheduled), "
            f"{sum(r['scheduled_agents'] for r in rows) * hours:.1f} scheduled agent-hours"
        )
    else:
        sys.stdout.write(text)
    return 0


def _batch_table(rows: list[dict[str, object]]) -> str:
    cols = [k for k in rows[0] if k not in ("rate_per_hour", "mean_queue_len")]
    cells = [[_cell(r[k]) for k in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    out = ["  ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True))]
    out += ["  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(out)


def _cell(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


# --------------------------------------------------------------------------- validate, schema


def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check scenario files: one OK line each, or every error with its path and line",
        description="Validate scenario files (and their variants). Exit code 2 when any file has errors.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")
    p.set_defaults(handler=_cmd_validate)


def _cmd_validate(args: argparse.Namespace) -> int:
    from ccsim.loader import ScenarioError, load_scenario

    failed = False
    for f in args.files:
        try:
            sc = load_scenario(f)
        except ScenarioError as exc:
            failed = True
            for problem in exc.problems:
                print(f"{f}: {problem}", file=sys.stderr)
            continue
        variants = f", variants: {', '.join(sc.variants)}" if sc.variants else ""
        print(
            f"{f}: OK ({sc.name}: {len(sc.channels)} channel(s), {len(sc.agent_groups)} agent group(s), "
            f"{sc.calendar.days} day(s) of {sc.calendar.intervals_per_day_value} intervals{variants})"
        )
    return EXIT_USAGE if failed else 0


def _add_schema(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of scenario files (for editors)",
        description="Print the JSON Schema of scenario files, for editor checking and completion.",
    )
    p.set_defaults(handler=_cmd_schema)


def _cmd_schema(args: argparse.Namespace) -> int:
    from ccsim.loader import scenario_json_schema

    print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))
    return 0


# --------------------------------------------------------------------------- run


def _add_run(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="simulate a scenario: KPIs per channel and agent group, targets met or missed",
        description=(
            "Simulate a scenario file and print a summary (mean and 95 %% confidence half-width over "
            "replications). Ctrl-C keeps the replications already finished."
        ),
    )
    p.add_argument("file", metavar="FILE", help="scenario YAML file")
    p.add_argument("--variant", help="simulate this variant of the scenario")
    p.add_argument("--replications", type=_whole, help="replications (default: the scenario's)")
    p.add_argument("--seed", type=_whole, help="random seed (default: the scenario's, else drawn and printed)")
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    p.add_argument("--out", metavar="DIR", help="write CSV tables and PNG plots into this folder")
    p.set_defaults(handler=_cmd_run)


class _Progress:
    """A progress line on stderr, shown once a run has taken more than two seconds."""

    def __init__(self, stream=sys.stderr, after_s: float = 2.0) -> None:
        import time

        self._time = time.perf_counter
        self._t0 = self._time()
        self._after = after_s
        self._stream = stream
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if self._time() - self._t0 < self._after or not self._stream.isatty():
            return
        width = 30
        filled = int(width * done / total)
        self._stream.write(f"\rsimulating [{'#' * filled}{'.' * (width - filled)}] {done}/{total} replications")
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()


def _cmd_run(args: argparse.Namespace) -> int:
    from ccsim.errors import ScenarioError
    from ccsim.loader import load_scenario
    from ccsim.report import result_json, summary_text
    from ccsim.simulation import simulate

    scenario = load_scenario(args.file)
    if args.variant is not None:
        try:
            scenario = scenario.variant(args.variant)
        except ScenarioError as exc:
            raise ScenarioError(args.file, exc.problems) from None
    out_dir = _out_dir(args.out) if args.out else None
    progress = _Progress()
    try:
        result = simulate(scenario, replications=args.replications, seed=args.seed, progress=progress)
    finally:
        progress.close()
    if out_dir is not None:
        written = _write_outputs(result, out_dir)
    print(result_json(result) if args.json else summary_text(result))
    if out_dir is not None:
        print(f"wrote {len(written)} files to {out_dir}: {', '.join(written)}", file=sys.stderr)
    if result.interrupted:
        print(f"ccsim: interrupted: results cover the {result.replications} finished replications", file=sys.stderr)
    return 0


def _out_dir(path: str):
    from pathlib import Path

    out = Path(path)
    if out.exists() and not out.is_dir():
        raise CcsimError(f"--out: {out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CcsimError(f"--out: cannot create {out}: {exc.strerror or exc}") from None
    return out


def _write_outputs(result, out_dir) -> list[str]:
    from ccsim import plotting
    from ccsim.report import result_json

    files: dict[str, str | bytes] = {
        "channels.csv": csv_table(result.channels),
        "groups.csv": csv_table(result.groups),
        "intervals.csv": csv_table(result.intervals),
        "group_intervals.csv": csv_table(result.group_intervals),
        "result.json": result_json(result),
    }
    for row in result.channels[:-1]:
        ax = plotting.plot_service_level(result, row["channel"])
        files[f"service_level_{row['channel']}.png"] = plotting.figure_png(ax)
    files["queue_length.png"] = plotting.figure_png(plotting.plot_queue_length(result))
    files["occupancy.png"] = plotting.figure_png(plotting.plot_occupancy(result))
    for name, data in files.items():
        try:
            write_atomic(out_dir / name, data)
        except OSError as exc:
            raise CcsimError(f"--out: cannot write {out_dir / name}: {exc.strerror or exc}") from None
    return list(files)


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    """The ``ccsim`` argument parser with one subcommand per job."""
    parser = _Parser(prog="ccsim", description="Contact-center simulator and staffing planner.")
    parser.add_argument("--version", action="version", version=f"ccsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_run(sub)
    _add_erlang(sub)
    _add_validate(sub)
    _add_schema(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ccsim`` command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args)
    except CcsimError as exc:
        print(f"ccsim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ccsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
