"""The ``ccsim`` command line: a thin shell over the public functions.

Only this module prints. Every error a user can cause ends as one line on stderr (one line per
problem when a file has several) and exit code 2, never a traceback.

Startup is kept light: numpy, scipy, pydantic and matplotlib are imported by the command
handlers that need them, so that ``--help``, ``--version`` and argument errors are instant.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from ccsim import __version__
from ccsim.errors import CcsimError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

#: The file in a ``run --out`` folder listing the files ccsim wrote there.
MANIFEST = ".ccsim-manifest.json"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Report a usage error in one line and exit with code 2."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


class _Once(argparse.Action):
    """An option that may be given once: a second, different value is an error."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        old = getattr(namespace, self.dest, None)
        if old is not None and old != values:
            parser.error(f"argument {option_string}: given twice ({old!r} and {values!r}); give it once")
        setattr(namespace, self.dest, values)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def _positive(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}")
    return value


def _fraction(text: str) -> float:
    """A share given as 0.8 or 80%."""
    percent = text.strip().endswith("%")
    value = _number(text.strip().removesuffix("%"))
    return value / 100.0 if percent else value


def _whole(low: int):
    """An argument type: a whole number >= ``low``."""

    def parse(text: str) -> int:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value != int(value) or value < low:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {low}, got {text!r}")
        return int(value)

    return parse


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


# --------------------------------------------------------------------------- erlang


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
    load.add_argument("--volume", type=_number, help="contacts offered in the interval")
    load.add_argument("--rate-per-hour", type=_number, help="contacts per hour (instead of --volume)")
    load.add_argument("--interval-min", type=_number, default=30.0, help="interval length in minutes (default 30)")
    load.add_argument(
        "--aht-s", type=_number, help="mean handle time in seconds (with --csv: for a file without aht_s)"
    )
    load.add_argument("--patience-s", type=_number, help="mean patience in seconds: use Erlang A (abandonment)")
    load.add_argument(
        "--csv",
        metavar="FILE",
        help="batch: a CSV of intervals (columns volume and aht_s; optional patience_s, agents; others pass through)",
    )
    goal = p.add_argument_group("staffing or targets")
    goal.add_argument(
        "--agents",
        type=_whole(0),
        help="agents on duty: print the metrics for this staffing (with --csv: in every interval)",
    )
    goal.add_argument("--answer-within-s", type=_number, help="answer target in seconds (default 20)")
    goal.add_argument(
        "--min-service-level", type=_fraction, help="target minimum share answered within the answer target"
    )
    goal.add_argument("--max-asa-s", type=_number, help="target maximum ASA in seconds")
    goal.add_argument("--max-p-wait", type=_fraction, help="target maximum probability of waiting")
    goal.add_argument("--max-occupancy", type=_fraction, help="target maximum occupancy")
    goal.add_argument("--max-abandon-rate", type=_fraction, help="target maximum abandonment rate (needs --patience-s)")
    goal.add_argument(
        "--max-blocking",
        type=_fraction,
        metavar="P",
        help="Erlang B: target maximum share of contacts blocked (lost); gives the agents or trunks needed",
    )
    goal.add_argument("--shrinkage", type=_fraction, default=0.0, help="share of paid time off the phones (default 0)")
    out = p.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print the result as JSON")
    out.add_argument("--out", metavar="FILE", help="batch: write the result CSV here ('-' for stdout)")
    p.set_defaults(handler=_cmd_erlang)


_TARGET_FLAGS = ("min_service_level", "max_asa_s", "max_p_wait", "max_occupancy", "max_abandon_rate")


def _targets(args: argparse.Namespace) -> dict[str, float | None]:
    return {name: getattr(args, name) for name in _TARGET_FLAGS}


def _json_row(row: dict[str, object]) -> dict[str, object]:
    """JSON has no inf or NaN: an unbounded or undefined value becomes null."""
    return {k: (v if not isinstance(v, float) or math.isfinite(v) else None) for k, v in row.items()}


def _to_json(rows: Sequence[dict[str, object]]) -> str:
    return json.dumps([_json_row(r) for r in rows], indent=2)


def _check_erlang_flags(args: argparse.Namespace) -> None:
    if args.interval_min <= 0:
        raise CcsimError(f"--interval-min: must be > 0, got {args.interval_min:g}")
    if args.max_blocking is not None:
        clash = [_flag(k) for k, v in _targets(args).items() if v is not None]
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
            raise CcsimError(f"{_flag(exc.name)}: {exc.rule}, got {exc.value!r}") from None
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


def _missed(row: dict[str, object]) -> set[str]:
    """The targets a row misses (none when the agents were sized for them)."""
    status = str(row.get("targets", "met"))
    return set(status.removeprefix("MISSED: ").split(", ")) if status.startswith("MISSED") else set()


def _single_table(args: argparse.Namespace, row: dict[str, object]) -> str:
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


def _totals(rows: list[dict[str, object]], interval_s: float) -> str:
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


def _emit_batch(args: argparse.Namespace, rows: list[dict[str, object]], interval_s: float) -> int:
    from ccsim.files import write_atomic
    from ccsim.report import csv_table

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


def _batch_table(rows: list[dict[str, object]]) -> str:
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
            hint = _csv_hint(f)
            for problem in [hint] if hint else [f"{exc.source or f}: {p}" for p in exc.problems]:
                print(problem, file=sys.stderr)
            continue
        variants = f", variants: {', '.join(sc.variants)}" if sc.variants else ""
        print(
            f"{f}: OK ({sc.name}: {len(sc.channels)} channel(s), {len(sc.agent_groups)} agent group(s), "
            f"{sc.calendar.days} day(s) of {sc.calendar.intervals_per_day_value} intervals{variants})"
        )
    return EXIT_USAGE if failed else 0


def _csv_hint(file: str) -> str | None:
    """For a CSV file given where a scenario is expected: where CSV files go instead."""
    import csv
    import shlex

    path = Path(file)
    try:
        if not path.is_file():
            return None
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            lines = [fh.readline(10_000), fh.readline(10_000)]
    except OSError:
        return None
    rows = list(csv.reader(line for line in lines if line.strip()))
    header = rows[0] if rows else []
    looks_like_csv = (
        len(header) >= 2
        and all(
            cell.strip() and ":" not in cell and not cell.lstrip().startswith(("#", "-", "{", "[")) for cell in header
        )
        and all(len(row) == len(header) for row in rows[1:])
    )
    if path.suffix.lower() != ".csv" and not looks_like_csv:
        return None
    return (
        f"{file}: a CSV file, not a YAML scenario; for a CSV of intervals use "
        f"ccsim erlang --csv {shlex.quote(file)} with a target (e.g. --min-service-level 80%)"
    )


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
            "Simulate a scenario file and print a summary (mean and 95 % confidence half-width over "
            "replications). Ctrl-C keeps the replications already finished: their results are "
            "printed and written, and the exit code is 130."
        ),
    )
    p.add_argument("file", metavar="FILE", help="scenario YAML file")
    p.add_argument("--variant", action=_Once, help="simulate this variant of the scenario")
    p.add_argument("--replications", type=_whole(1), help="replications (default: the scenario's)")
    p.add_argument("--seed", type=_whole(0), help="random seed (default: the scenario's, else drawn and printed)")
    p.add_argument(
        "--max-contacts",
        type=_positive,
        metavar="N",
        help="refuse, before simulating, a run expected to simulate more than N new contacts "
        "over all replications (default 2e8)",
    )
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write CSV tables and PNG plots into this folder: a new or empty one, or one that ccsim run "
        f"wrote before (listed in its {MANIFEST}), whose previous files are replaced",
    )
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


def _load(args: argparse.Namespace):
    """The scenario of ``args.file`` (a CSV points to ``ccsim erlang --csv``), its ``--variant`` applied."""
    from ccsim.errors import ScenarioError
    from ccsim.loader import load_scenario

    try:
        scenario = load_scenario(args.file)
    except ScenarioError:
        hint = _csv_hint(args.file)
        if hint:
            raise CcsimError(hint) from None
        raise
    if args.variant is not None:
        try:
            scenario = scenario.variant(args.variant)
        except ScenarioError as exc:
            raise ScenarioError(args.file, exc.problems) from None
    return scenario


def _cmd_run(args: argparse.Namespace) -> int:
    from ccsim.report import result_json, summary_text
    from ccsim.simulation import simulate

    scenario = _load(args)
    out = _OutDir(args.out) if args.out else None  # checked before a long run, not after
    limit = {} if args.max_contacts is None else {"max_contacts": args.max_contacts}
    progress = _Progress()
    try:
        result = simulate(scenario, replications=args.replications, seed=args.seed, progress=progress, **limit)
    finally:
        progress.close()
    print(result_json(result) if args.json else summary_text(result), flush=True)  # shown before anything can fail
    code = EXIT_INTERRUPTED if result.interrupted else 0
    if out is not None:
        try:
            written, removed = out.write(_output_files(result), result)
        except CcsimError as exc:
            print(f"ccsim: error: {exc}", file=sys.stderr)
            code = EXIT_USAGE
        else:
            gone = f"; removed the previous run's {', '.join(removed)}" if removed else ""
            print(f"wrote {len(written)} files to {out.path}: {', '.join(written)}{gone}", file=sys.stderr)
    if result.interrupted:
        print(f"ccsim: interrupted: results cover the {result.replications} finished replications", file=sys.stderr)
    return code


def _output_files(result) -> dict[str, str | bytes]:
    """The files of ``run --out``, by name: CSV tables, the JSON result and the plots."""
    from ccsim import plotting
    from ccsim.report import csv_table, result_json

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
    return files


class _OutDir:
    """The ``run --out`` folder: new, empty, or written by ccsim before (it has a manifest).

    The manifest lists the files ccsim wrote there. A new run writes its files, then replaces
    the manifest, then removes the previous run's files that it did not write again, so that
    the folder holds one run's files. Before writing, the manifest lists the old and new files
    together: an interruption at any point leaves every file ccsim wrote listed. Hidden files
    (a name starting with a dot, as ``.DS_Store``) are ignored and never removed.
    """

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.manifest = self.path / MANIFEST
        if self.path.exists() and not self.path.is_dir():
            raise CcsimError(f"--out: {self.path} exists and is not a folder")
        try:
            if self.path.is_dir():
                self.previous = self._read_manifest()
                if self.previous is None:
                    self._refuse_if_not_empty()
                    self.previous = []
            else:
                self.path.mkdir(parents=True)
                self.previous = []
        except OSError as exc:
            raise CcsimError(f"--out: cannot use {self.path}: {exc.strerror or exc}") from None

    def _refuse_if_not_empty(self) -> None:
        visible = sorted(p.name for p in self.path.iterdir() if not p.name.startswith("."))
        if visible:
            shown = ", ".join(visible[:3]) + (", ..." if len(visible) > 3 else "")
            raise CcsimError(
                f"--out: {self.path} is not empty and has no {MANIFEST} (it was not written by ccsim run; "
                f"it holds {shown}): give a new or empty folder"
            )

    def _read_manifest(self) -> list[str] | None:
        try:
            text = self.manifest.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, list) or not all(isinstance(f, str) and _plain_name(f) for f in files):
            raise CcsimError(
                f"--out: {self.manifest} is not a ccsim manifest (a JSON object with a list of file names "
                "in 'files'); remove it or give another folder"
            )
        return files

    def _write_manifest(self, files: list[str], result) -> None:
        from ccsim.files import write_atomic

        data = {
            "written_by": f"ccsim {__version__} run",
            "scenario": result.scenario,
            "variant": result.variant,
            "seed": result.seed,
            "replications": result.replications,
            "files": files,
        }
        write_atomic(self.manifest, json.dumps(data, indent=2) + "\n")

    def write(self, files: dict[str, str | bytes], result) -> tuple[list[str], list[str]]:
        """Write ``files``, then remove the previous run's files not written again.

        Parameters
        ----------
        files : dict
            File name to content.
        result : SimulationResult
            The result the files show (named in the manifest).

        Returns
        -------
        (written, removed)
            The names of the files written and of the previous run's files removed.
        """
        from ccsim.files import write_atomic

        names = list(files)
        stale = [f for f in self.previous if f not in files]
        target = self.manifest
        try:
            self._write_manifest(names + stale, result)
            for name, data in files.items():
                target = self.path / name
                write_atomic(target, data)
            kept = []
            for name in stale:
                target = self.path / name
                if target.is_file() or target.is_symlink():
                    try:
                        target.unlink()
                    except OSError:
                        kept.append(name)
            target = self.manifest
            self._write_manifest(names + kept, result)
        except OSError as exc:
            raise CcsimError(f"--out: cannot write {target}: {exc.strerror or exc}") from None
        if kept:
            raise CcsimError(f"--out: cannot remove the previous run's {', '.join(kept)} from {self.path}")
        return names, [f for f in stale if f not in kept]


def _plain_name(name: str) -> bool:
    """A file name of the folder itself: no path, not hidden (so never the manifest)."""
    return bool(name) and not name.startswith(".") and "/" not in name and "\\" not in name and Path(name).name == name


# --------------------------------------------------------------------------- main


# --------------------------------------------------------------------------- plan


def _add_plan(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan",
        help="staffing planner: agents per group and interval so that every target is met in simulation",
        description=(
            "Size every in-house agent group per interval: an analytic first guess (time-varying Erlang "
            "A/C), corrected by simulating the whole desk with common random numbers until every interval "
            "meets every target, with the fewest agents the search finds. Prints the plan beside the "
            "analytic guess and SIPP (per-interval Erlang in steady state). See docs/planning.md."
        ),
    )
    p.add_argument("file", metavar="FILE", help="scenario YAML file (every channel with volume needs a target)")
    p.add_argument("--variant", action=_Once, help="plan this variant of the scenario")
    p.add_argument("--replications", type=_whole(1), help="replications per evaluation (default: 20, or more)")
    p.add_argument("--seed", type=_whole(0), help="random seed of every evaluation (default: the scenario's, else 1)")
    p.add_argument(
        "--max-evaluations", type=_whole(1), default=200, metavar="N", help="simulations the search may run (200)"
    )
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write plan.csv, plan.json, plan_variant.yaml (paste it under variants:) and plan.png into this "
        f"folder: a new or empty one, or one ccsim wrote before (listed in its {MANIFEST})",
    )
    p.set_defaults(handler=_cmd_plan)


def _cmd_plan(args: argparse.Namespace) -> int:
    from ccsim import plotting
    from ccsim.planning import plan
    from ccsim.planning.report import plan_dict, plan_rows, plan_text, plan_variant_yaml
    from ccsim.report import csv_table

    scenario = _load(args)
    out = _OutDir(args.out) if args.out else None
    result = plan(scenario, seed=args.seed, replications=args.replications, max_evaluations=args.max_evaluations)
    data = plan_dict(result)
    print(json.dumps(data, indent=2) if args.json else plan_text(result), flush=True)
    if out is not None:
        files: dict[str, str | bytes] = {
            "plan.csv": csv_table(plan_rows(result)),
            "plan.json": json.dumps(data, indent=2),
            "plan_variant.yaml": plan_variant_yaml(result),
            "plan.png": plotting.figure_png(plotting.plot_plan(result)),
        }
        written, removed = out.write(files, result.result)
        gone = f"; removed the previous run's {', '.join(removed)}" if removed else ""
        print(f"wrote {len(written)} files to {out.path}: {', '.join(written)}{gone}", file=sys.stderr)
    if not result.met:
        first = result.misses[0]
        blocks = [n for n in result.notes if "max_agents" in n and "blocks" in n]
        why = (
            (blocks[0] if blocks else "no staffing within the limits met it")
            if result.stopped == "limit"
            else f"the search stopped after {result.evaluations} simulations (--max-evaluations)"
        )
        raise CcsimError(f"{first}: {why}; the plan above is the best found")
    return 0


# --------------------------------------------------------------------------- schedule


def _add_schedule(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schedule",
        help="shift scheduling: the cheapest shifts, with breaks, covering a requirement per interval",
        description=(
            "Choose shifts of the types in a shifts file (start windows, lengths, breaks, costs, caps) covering "
            "the agents required per interval at least cost, with a MILP (HiGHS). A week is cyclic: shifts may "
            "cross midnight and Sunday into Monday. When caps or maximum counts make full cover impossible, the "
            "least weighted under- and over-staffing is solved instead and the intervals left short are listed. "
            "See docs/scheduling.md."
        ),
    )
    p.add_argument(
        "file",
        metavar="REQUIREMENTS.csv",
        help="agents required per interval: columns day (mon..sun or a date), start (HH:MM) and required; or the "
        "CSV ccsim erlang --csv ... --out writes (its scheduled_agents)",
    )
    p.add_argument("--shifts", required=True, metavar="SHIFTS.yaml", help="the shift types (YAML)")
    p.add_argument("--group", help="schedule this agent group's shift types (the file's groups:)")
    p.add_argument(
        "--objective",
        choices=("cost", "coverage"),
        help="cost: cheapest full cover (default, or the file's objective); coverage: least weighted under- and "
        "over-staffing",
    )
    p.add_argument("--interval-min", type=_whole(1), help="interval length in minutes (default: from the starts)")
    p.add_argument("--time-limit-s", type=_positive, default=60.0, help="seconds the solver may search (default 60)")
    p.add_argument(
        "--gap", type=_fraction, default=0.0, help="relative gap at which to stop (default 0: proven optimal)"
    )
    p.add_argument("--json", action="store_true", help="print the schedule as JSON")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write shifts.csv, coverage.csv, schedule.json and coverage.png into this folder: a new or empty "
        f"one, or one ccsim wrote before (listed in its {MANIFEST})",
    )
    p.set_defaults(handler=_cmd_schedule)


def _cmd_schedule(args: argparse.Namespace) -> int:
    from types import SimpleNamespace

    from ccsim.loader import load_model
    from ccsim.planning.requirements import read_requirements_csv
    from ccsim.planning.shift_report import coverage_rows, schedule_dict, schedule_text, shift_rows
    from ccsim.planning.shift_types import Scheduling
    from ccsim.planning.shifts import schedule

    if not 0 <= args.gap < 1:
        raise CcsimError(f"--gap: must be in [0, 1), got {args.gap:g}")
    shifts = load_model(args.shifts, Scheduling, what="shifts file")
    need = read_requirements_csv(args.file, interval_min=args.interval_min)
    out = _OutDir(args.out) if args.out else None
    result = schedule(
        **need.schedule_arguments(),
        shifts=shifts,
        group=args.group,
        objective=args.objective,
        time_limit_s=args.time_limit_s,
        gap=args.gap,
    )
    data = schedule_dict(result)
    print(json.dumps(data, indent=2) if args.json else schedule_text(result), flush=True)
    if out is not None:
        from ccsim.planning.shift_plots import plot_coverage
        from ccsim.plotting import figure_png
        from ccsim.report import csv_table

        shift_table = shift_rows(result)
        files: dict[str, str | bytes] = {
            "shifts.csv": csv_table(shift_table)
            if shift_table
            else "day,start,end,shift_type,count,breaks,paid_hours,cost\n",
            "coverage.csv": csv_table(coverage_rows(result)),
            "schedule.json": json.dumps(data, indent=2),
            "coverage.png": figure_png(plot_coverage(result)),
        }
        about = SimpleNamespace(scenario=str(args.file), variant=None, seed=None, replications=None)
        written, removed = out.write(files, about)
        gone = f"; removed the previous run's {', '.join(removed)}" if removed else ""
        print(f"wrote {len(written)} files to {out.path}: {', '.join(written)}{gone}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``ccsim`` argument parser with one subcommand per job."""
    parser = _Parser(prog="ccsim", description="Contact-center simulator and staffing planner.")
    parser.add_argument("--version", action="version", version=f"ccsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_run(sub)
    _add_plan(sub)
    _add_schedule(sub)
    _add_erlang(sub)
    _add_validate(sub)
    _add_schema(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ccsim`` command line and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 for bad input (one line per problem on stderr), 130 when interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors: already printed
        return 0 if exc.code is None else exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args)
    except CcsimError as exc:
        for line in str(exc).splitlines():
            print(f"ccsim: error: {line}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ccsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
