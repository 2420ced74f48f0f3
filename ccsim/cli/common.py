"""What every command shares: the argument parser, argument types, loading a scenario, progress."""

from __future__ import annotations

import argparse
import math
import sys
from contextlib import contextmanager
from pathlib import Path

from ccsim.errors import CcsimError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

#: The file in a ``run --out`` folder listing the files ccsim wrote there.
MANIFEST = ".ccsim-manifest.json"


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Report a usage error in one line and exit with code 2."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


class Once(argparse.Action):
    """An option that may be given once: a second, different value is an error."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        """Store the value; a second, different one is a usage error."""
        old = getattr(namespace, self.dest, None)
        if old is not None and old != values:
            parser.error(f"argument {option_string}: given twice ({old!r} and {values!r}); give it once")
        setattr(namespace, self.dest, values)


def number(text: str) -> float:
    """An argument type: a finite number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def positive(text: str) -> float:
    """An argument type: a number > 0."""
    value = number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}")
    return value


def fraction(text: str) -> float:
    """A share given as 0.8 or 80%."""
    percent = text.strip().endswith("%")
    value = number(text.strip().removesuffix("%"))
    return value / 100.0 if percent else value


def whole(low: int):
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


def flag(name: str) -> str:
    """The option spelling of a name: ``max_asa_s`` -> ``--max-asa-s``."""
    return "--" + name.replace("_", "-")


# --------------------------------------------------------------------------- erlang


def csv_hint(file: str) -> str | None:
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


class Progress:
    """A progress line on stderr, shown once a run has taken more than two seconds."""

    def __init__(self, stream=None, after_s: float = 2.0) -> None:
        import time

        self._time = time.perf_counter
        self._t0 = self._time()
        self._after = after_s
        self._stream = sys.stderr if stream is None else stream  # read now: tests and callers swap it
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` (on a terminal, after the first two seconds)."""
        if self._time() - self._t0 < self._after or not self._stream.isatty():
            return
        width = 30
        filled = int(width * done / total)
        self._stream.write(f"\rsimulating [{'#' * filled}{'.' * (width - filled)}] {done}/{total} replications")
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        """End the progress line, if one was shown."""
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()


class Status:
    """A progress line of text on stderr (a phase: planning, rostering), on a terminal after two seconds.

    Call it with the text to show (``status("planning: evaluation 3, 2 misses")``); each call
    replaces the line. A text given in the first two seconds shows when they are over, unless
    another replaced it or :meth:`close` ended the line (so that a long first phase is not
    silent). Nothing is shown when stderr is not a terminal.
    """

    def __init__(self, stream=None, after_s: float = 2.0) -> None:
        import threading
        import time

        self._time = time.perf_counter
        self._t0 = self._time()
        self._after = after_s
        self._stream = sys.stderr if stream is None else stream  # read now: tests and callers swap it
        self._width = 0
        self._pending: str | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def __call__(self, text: str) -> None:
        """Show ``text`` as the progress line (on a terminal, from two seconds on)."""
        if not self._stream.isatty():
            return
        import threading

        with self._lock:
            wait = self._after - (self._time() - self._t0)
            if wait > 0:  # shown when the two seconds are over, if nothing replaced it
                self._pending = text
                if self._timer is None:
                    self._timer = threading.Timer(wait, self._show_pending)
                    self._timer.daemon = True
                    self._timer.start()
                return
            self._write(text)

    def _show_pending(self) -> None:
        with self._lock:
            if self._pending is not None:
                self._write(self._pending)

    def _write(self, text: str) -> None:
        self._pending = None
        text = text[:119]
        self._stream.write("\r" + text.ljust(self._width))
        self._stream.flush()
        self._width = max(self._width, len(text))

    def close(self) -> None:
        """End the progress line, if one was shown (a text still waiting for its two seconds is dropped)."""
        with self._lock:
            self._pending = None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._width:
                self._stream.write("\n")
                self._stream.flush()
                self._width = 0


#: ``ccsim.simulation.MAX_CONTACTS``, for the help without importing the simulation (a test checks they agree).
MAX_CONTACTS = 2e8


def add_max_contacts_option(p: argparse.ArgumentParser, work: str) -> None:
    """``--max-contacts N``: refuse work beyond N contacts before it starts (``work`` says what is counted)."""
    p.add_argument(
        "--max-contacts",
        type=positive,
        metavar="N",
        help=f"refuse, before starting, {work} expected to simulate more than N new contacts "
        f"(default {MAX_CONTACTS:.0e})".replace("e+0", "e"),
    )


def add_volume_scale_option(p: argparse.ArgumentParser, what: str) -> None:
    """``--volume-scale [CHANNEL=]FACTOR``, repeatable: a what-if on the volume (:func:`ccsim.volume.scale_volume`)."""
    p.add_argument(
        "--volume-scale",
        action="append",
        metavar="[CHANNEL=]FACTOR",
        help=f"{what} with the volume multiplied: FACTOR on every channel (1.2), or CHANNEL=FACTOR on one "
        "(phone=1.3); repeat for several channels (they multiply with the factor for all); a forecast's "
        "volume is scaled too",
    )


def volume_arg(args: argparse.Namespace, scenario):
    """The scenario with ``--volume-scale`` applied (itself without it)."""
    from ccsim.volume import parse_volume_scale, scale_volume

    scale = parse_volume_scale(getattr(args, "volume_scale", None))
    if not scale:
        return scenario
    try:
        scaled = scale_volume(scenario, scale)
    except CcsimError as exc:
        raise CcsimError(f"--volume-scale: {exc}") from None
    # the what-if in the scenario's name, so that every heading, JSON and file of the run says it
    said = ", ".join(f"x{f:g}" if ch == "all" else f"{ch} x{f:g}" for ch, f in scale.items())
    return scaled.replace(name=f"{scenario.name} (volume {said})")


def add_executor_options(p: argparse.ArgumentParser) -> None:
    """``--workers N`` and ``--dask ADDRESS``: where the replications run (docs/parallel.md)."""
    g = p.add_argument_group("parallel runs (identical results; see docs/parallel.md)")
    g.add_argument(
        "--workers",
        type=whole(1),
        action=Once,
        metavar="N",
        help="run the replications in N local processes (default: in this process); with --dask local, "
        "the number of dask workers",
    )
    g.add_argument(
        "--dask",
        action=Once,
        metavar="ADDRESS",
        help="run the replications on a dask cluster: its scheduler's address (tcp://host:8786), or 'local' to "
        'start one on this machine (needs dask: pip install ".[dask]" in ccsim\'s folder)',
    )


def executor_arg(args: argparse.Namespace):
    """The executor of ``--workers`` / ``--dask``: a context manager (None runs in this process)."""
    from ccsim.parallel import executor

    return executor(workers=getattr(args, "workers", None), dask=getattr(args, "dask", None))


@contextmanager
def executor_keeping(args: argparse.Namespace):
    """:func:`executor_arg`, where a Ctrl-C that comes once the work is done does not lose it.

    A Ctrl-C that stops the worker processes while they shut down, after the block's work has
    finished, would otherwise end the command with the work computed and never shown: it is
    noted on stderr instead, and the command goes on to print and write what it computed.
    """
    done = False
    try:
        with executor_arg(args) as executor:
            yield executor
            done = True
    except KeyboardInterrupt:
        if not done:
            raise
        print("ccsim: Ctrl-C came after the work had finished: nothing is lost", file=sys.stderr)


def load_arg(args: argparse.Namespace):
    """The scenario of ``args.file`` (a CSV points to ``ccsim erlang --csv``), its ``--variant`` applied."""
    from ccsim.errors import ScenarioError
    from ccsim.loader import load_scenario

    try:
        scenario = load_scenario(args.file)
    except ScenarioError:
        hint = csv_hint(args.file)
        if hint:
            raise CcsimError(hint) from None
        raise
    if args.variant is not None:
        try:
            scenario = scenario.variant(args.variant)
        except ScenarioError as exc:
            raise ScenarioError(args.file, exc.problems) from None
    return scenario


def output_file(option: str, value: str | None):
    """The file an option names for writing, checked before a (long) run: its folder must exist.

    Returns a :class:`pathlib.Path`, or None when the option was not given.
    """
    if value is None:
        return None
    path = Path(value)
    if path.is_dir():
        raise CcsimError(f"{option}: {path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise CcsimError(f"{option}: the folder {path.parent} does not exist")
    return path
