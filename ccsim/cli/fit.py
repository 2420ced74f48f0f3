"""``ccsim fit``: a scenario from contact logs, its effective staffing, and the check by replay."""

from __future__ import annotations

import argparse
import sys

from ccsim.cli.common import EXIT_USAGE, add_executor_options, executor_arg, output_file, whole
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
    report = None
    if args.report:
        from ccsim.cli.outdir import OutDir

        report = OutDir(args.report, "fit")  # checked before the (long) fit
    import ccsim.fit as fitting

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
        text = fit.report()
        print(text, flush=True)  # shown before anything can fail
        checked = fit.check(replications=args.replications, executor=executor) if args.check else None
    if checked is not None:
        print()
        print(_check_text(checked), flush=True)
    code = 0
    try:
        from ccsim.files import write_atomic

        if out is not None:
            write_atomic(out, fit.yaml())
            print(f"wrote the fitted scenario to {out}", file=sys.stderr)
        if report is not None:
            from ccsim.outputs.fit_report import fit_html, fit_plots

            plots = fit_plots(fit, checked)
            files: dict[str, str | bytes] = {"report.txt": text + "\n", **plots}
            files["report.html"] = fit_html(fit, checked, plots)
            written, _ = report.write(files, {"logs": [str(p) for p in args.logs]})
            print(f"wrote {len(written)} files to {report.path}", file=sys.stderr)
    except OSError as exc:
        print(f"ccsim: error: cannot write {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        code = EXIT_USAGE
    return code


def _check_text(check) -> str:
    lines = [
        f"Check: the fitted scenario replayed ({check.result.replications} replications, seed {check.result.seed}) "
        "against the log",
        f"  {'channel':<10}{'interval':<16}{'SL log':>8}{'SL model':>10}{'±':>6}{'ASA log':>9}{'ASA model':>11}"
        f"{'abandon log':>13}{'model':>7}",
    ]
    pct = lambda v: "-" if v is None else f"{100 * v:.0f}%"  # noqa: E731
    sec = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
    for r in check.rows:
        lines.append(
            f"  {r['channel']:<10}{r['interval']:<16}{pct(r['observed_service_level']):>8}"
            f"{pct(r['simulated_service_level']):>10}{pct(r['service_level_ci95']):>6}{sec(r['observed_asa_s']):>9}"
            f"{sec(r['simulated_asa_s']):>11}{pct(r['observed_abandon_rate']):>13}{pct(r['simulated_abandon_rate']):>7}"
        )
    summary = []
    for name in dict.fromkeys(r["channel"] for r in check.rows):
        a = check.agreement(name)
        summary.append(
            f"  {name}: service level within {check.sl_points:g} points in {a['service_level_agrees']} of "
            f"{a['intervals']} intervals, ASA within {check.asa_s:g} s in {a['asa_agrees']} (abandonment was fitted: "
            "no evidence)"
        )
    return "\n".join([lines[0], *summary, *lines[1:]])  # the verdict first, then interval by interval
