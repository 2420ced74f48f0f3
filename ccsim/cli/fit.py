"""``ccsim fit``: a scenario from contact logs, its effective staffing, and the check by replay."""

from __future__ import annotations

import argparse
import sys

from ccsim.cli.common import EXIT_USAGE, add_executor_options, executor_arg, output_file, whole
from ccsim.cli.outdir import OutDir, write_out
from ccsim.errors import CcsimError


def _interval(text: str) -> int:
    value = text.strip().lower().removesuffix("min").removesuffix("m").strip()
    if value not in ("15", "30", "60"):
        raise argparse.ArgumentTypeError(f"must be 15min, 30min or 60min, got {text!r}")
    return int(value)


def _add_fit(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fit",
        help="a scenario from contact logs (ACD exports): volumes, handle times, patience, effective staffing",
        description=(
            "Read contact logs (CSV, optionally gzip; a mapping file names the columns), clean them (every dropped "
            "row counted by reason), estimate arrivals, handle time, patience and redials, find the effective "
            "staffing that reproduces the log's abandonment, and write a commented scenario. See docs/fit.md."
        ),
    )
    p.add_argument("logs", nargs="*", metavar="LOG.csv", help="contact logs (one row per contact)")
    p.add_argument("--map", metavar="FILE.yaml", help="the mapping file (default: ccsim's own columns)")
    p.add_argument("--template", action="store_true", help="print a commented mapping file and stop")
    p.add_argument("--interval", type=_interval, default=30, metavar="30min", help="interval length (default 30min)")
    p.add_argument("--keep-all-days", action="store_true", help="keep exceptional days (holidays, outages)")
    p.add_argument(
        "--calibrate-to",
        choices=("abandonment", "wait"),
        default="abandonment",
        help="what the effective staffing reproduces (default: abandonment)",
    )
    p.add_argument("--replications", type=whole(2), default=20, help="replications of each simulation (20)")
    p.add_argument("--seed", type=whole(0), default=1, help="seed of the effective-staffing search (1)")
    p.add_argument("--out", metavar="scenario.yaml", help="write the fitted scenario here (commented YAML)")
    p.add_argument("--report", metavar="DIR", help="write report.txt, the plots and report.html into this folder")
    p.add_argument("--check", action="store_true", help="replay the fitted scenario and compare it with the log")
    add_executor_options(p)
    p.set_defaults(handler=_cmd_fit)


def _cmd_fit(args: argparse.Namespace) -> int:
    if args.template:
        from ccsim.fit import template

        print(template(), end="")
        return 0
    if not args.logs:
        raise CcsimError("give one or more contact logs (LOG.csv), or --template for a mapping file")
    out = output_file("--out", args.out)
    report = OutDir(args.report, "fit") if args.report else None  # checked before the (long) fit
    import ccsim.fit as fitting
    from ccsim.outputs.fit_text import check_text, fit_text

    with executor_arg(args) as executor:
        fit = fitting.fit_logs(
            args.logs,
            args.map,
            interval_min=args.interval,
            keep_all_days=args.keep_all_days,
            calibrate_to=args.calibrate_to,
            replications=args.replications,
            seed=args.seed,
            executor=executor,
        )
        text = fit_text(fit)
        print(text, flush=True)  # shown before anything can fail
        checked = fit.check(replications=args.replications, executor=executor) if args.check else None
    if checked is not None:
        print()
        print(check_text(checked), flush=True)
    try:
        from ccsim.files import write_atomic

        if out is not None:
            write_atomic(out, fit.yaml())
            print(f"wrote the fitted scenario to {out}", file=sys.stderr)
    except OSError as exc:
        print(f"ccsim: error: cannot write {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    about = {"logs": [str(p) for p in args.logs]}
    return write_out(report, lambda: _report_files(fit, checked, text), about, list_names=False)


def _report_files(fit, checked, text: str) -> dict[str, str | bytes]:
    """The files of ``fit --report``: the report as text, the plots, and all of them as one HTML page."""
    from ccsim.outputs.fit_html import fit_html
    from ccsim.outputs.plots import fit_pngs

    plots = fit_pngs(fit, checked)
    files: dict[str, str | bytes] = {"report.txt": text + "\n", **plots}
    files["report.html"] = fit_html(fit, checked, plots)
    return files
