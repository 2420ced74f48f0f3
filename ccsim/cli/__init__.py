"""The ``ccsim`` command line: a thin shell over the public functions.

Each subcommand lives in the module of its name (``ccsim compare`` in :mod:`ccsim.cli.compare`,
``ccsim run`` in :mod:`ccsim.cli.run`, ...): it parses, calls one public function, prints a
rendering from :mod:`ccsim.outputs`, and ends its writing with
:func:`ccsim.cli.outdir.write_out` (the ``--out`` folder, what it wrote said on stderr, the exit
code). :mod:`ccsim.cli.common` holds what the commands share: the parser, argument types,
loading a scenario, progress lines.

Only this package prints. Every error a user can cause ends as one line on stderr (one line per
problem when a file has several) and exit code 2, never a traceback.

Startup is kept light: numpy, scipy, pydantic and matplotlib are imported by the command
handlers that need them, so that ``--help``, ``--version`` and argument errors are instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ccsim import __version__
from ccsim.cli.common import EXIT_INTERRUPTED, EXIT_USAGE, MANIFEST, Parser, Progress
from ccsim.cli.compare import _add_compare
from ccsim.cli.erlang import _add_erlang
from ccsim.cli.fit import _add_fit
from ccsim.cli.plan import _add_plan
from ccsim.cli.run import _add_run
from ccsim.cli.schedule import _add_schedule
from ccsim.cli.sweep import _add_sweep
from ccsim.cli.validate import _add_schema, _add_validate
from ccsim.errors import CcsimError

__all__ = ["EXIT_INTERRUPTED", "EXIT_USAGE", "MANIFEST", "build_parser", "main"]
__all__ += ["Progress"]  # the run command's progress line (tests replace it)


def build_parser() -> argparse.ArgumentParser:
    """The ``ccsim`` argument parser with one subcommand per job."""
    parser = Parser(prog="ccsim", description="Contact-center simulator and staffing planner.")
    parser.add_argument("--version", action="version", version=f"ccsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    _add_run(sub)
    _add_plan(sub)
    _add_schedule(sub)
    _add_compare(sub)
    _add_sweep(sub)
    _add_fit(sub)
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
