"""``ccsim run``: simulate a scenario."""

from __future__ import annotations

import argparse
import sys

from ccsim.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    MANIFEST,
    Once,
    Progress,
    add_executor_options,
    add_max_contacts_option,
    executor_keeping,
    load_arg,
    output_file,
    whole,
)
from ccsim.cli.outdir import OutDir, about_result, write_out


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
    p.add_argument("--variant", action=Once, help="simulate this variant of the scenario")
    p.add_argument("--replications", type=whole(1), help="replications (default: the scenario's)")
    p.add_argument("--seed", type=whole(0), help="random seed (default: the scenario's, else drawn and printed)")
    add_max_contacts_option(p, "a run (all replications)")
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write CSV tables and PNG plots into this folder: a new or empty one, or one that ccsim run "
        f"wrote before (listed in its {MANIFEST}), whose previous files are replaced",
    )
    p.add_argument(
        "--contacts",
        metavar="FILE.csv",
        help="write every simulated contact, one row each, in the columns ccsim fit reads (arrival, answer, "
        "end, outcome, wait_s, handle_s...; the run keeps event traces, so keep it small)",
    )
    add_executor_options(p)
    p.set_defaults(handler=_cmd_run)


def _cmd_run(args: argparse.Namespace) -> int:
    from ccsim.outputs.result_text import costs_text, summary_text
    from ccsim.simulation import simulate

    scenario = load_arg(args)
    out = OutDir(args.out, "run") if args.out else None  # checked before a long run, not after
    contacts = output_file("--contacts", args.contacts)
    limit = {} if args.max_contacts is None else {"max_contacts": args.max_contacts}
    progress = Progress()
    try:
        with executor_keeping(args) as executor:
            result = simulate(
                scenario,
                replications=args.replications,
                seed=args.seed,
                progress=progress,
                executor=executor,
                trace=contacts is not None,
                **limit,
            )
    finally:
        progress.close()
    priced = _priced(result, scenario)
    if args.json:
        print(_json(result, priced), flush=True)  # shown before anything can fail
    else:
        print(summary_text(result) + ("" if priced is None else "\n" + costs_text(priced)), flush=True)
    code = EXIT_INTERRUPTED if result.interrupted else 0
    code = write_out(out, lambda: _output_files(result, priced), about_result(result), code)
    if contacts is not None:
        from ccsim.contact_log import contact_log, contact_log_csv
        from ccsim.files import write_atomic

        days = scenario.calendar.days
        rows = contact_log(
            result.traces,
            replication_ids=result.replication_ids,
            start_weekday=scenario.calendar.start_weekday,
            days=days,
        )
        try:
            write_atomic(contacts, contact_log_csv(rows))
        except OSError as exc:
            print(f"ccsim: error: --contacts: cannot write {contacts}: {exc.strerror or exc}", file=sys.stderr)
            code = EXIT_USAGE
        else:
            print(f"wrote {len(rows):,} contacts to {contacts}", file=sys.stderr)
    if result.interrupted:
        print(f"ccsim: interrupted: results cover the {result.replications} finished replications", file=sys.stderr)
    return code


def _priced(result, scenario):
    """The run's costs a month when its scenario prices anything (docs/costs.md), else None."""
    if result.replications == 0:
        return None
    from ccsim.economics import priced_costs

    return priced_costs(result, scenario)


def _json(result, priced) -> str:
    """The result as JSON, with the run's costs under ``cost`` when it has any."""
    from ccsim.outputs.result_text import result_json

    return result_json(result, None if priced is None else priced.summary())


def _output_files(result, priced=None) -> dict[str, str | bytes]:
    """The files of ``run --out``, by name: CSV tables, the JSON result, the costs and the plots."""
    from ccsim.outputs.csv_text import csv_table
    from ccsim.outputs.plots import figure_png, plot_occupancy, plot_queue_length, plot_service_level
    from ccsim.outputs.result_text import costs_rows

    files: dict[str, str | bytes] = {
        "channels.csv": csv_table(result.channels),
        "groups.csv": csv_table(result.groups),
        "intervals.csv": csv_table(result.intervals),
        "group_intervals.csv": csv_table(result.group_intervals),
        "result.json": _json(result, priced),
    }
    if priced is not None:
        files["costs.csv"] = csv_table(costs_rows(priced))
    for row in result.channels[:-1]:
        ax = plot_service_level(result, row["channel"])
        files[f"service_level_{row['channel']}.png"] = figure_png(ax)
    files["queue_length.png"] = figure_png(plot_queue_length(result))
    files["occupancy.png"] = figure_png(plot_occupancy(result))
    return files
