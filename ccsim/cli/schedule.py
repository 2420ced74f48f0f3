"""``ccsim schedule``: shifts with breaks covering a requirement per interval."""

from __future__ import annotations

import argparse
import json

from ccsim.cli.common import MANIFEST, fraction, positive, whole
from ccsim.cli.outdir import OutDir, write_out
from ccsim.errors import CcsimError


def _add_schedule(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schedule",
        help="shift scheduling: the cheapest shifts, with breaks, covering a requirement per interval",
        description=(
            "Choose shifts of the types in a shifts file (start windows, lengths, breaks, costs, caps) covering "
            "the agents required per interval at least cost, with a MILP (HiGHS). A week is cyclic: shifts may "
            "cross midnight and Sunday into Monday. When full cover is impossible (intervals no shift type reaches, "
            "caps, maximum counts), the roster covers as much as it can, cheapest among those, and lists the "
            "intervals left short. Prints the people to hire per contract (with --shrinkage), FTE and the cost a "
            "week and a month. Reads ccsim plan's plan.csv too (--group). See docs/scheduling.md."
        ),
    )
    p.add_argument(
        "file",
        metavar="REQUIREMENTS.csv",
        help="agents required per interval: columns day (mon..sun or a date), start (HH:MM) and required; or the "
        "CSV ccsim erlang --csv ... --out writes (its scheduled_agents); or the plan.csv ccsim plan --out writes "
        "(a group's planned agents)",
    )
    p.add_argument("--shifts", required=True, metavar="SHIFTS.yaml", help="the shift types (YAML)")
    p.add_argument(
        "--group",
        help="the agent group: its column of a plan.csv (needed when the plan holds several) and its shift types "
        "(the shifts file's groups:)",
    )
    p.add_argument(
        "--start-weekday",
        choices=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        help="weekday of day 1 of a plan.csv (default: the weekday its labels give, day 1 (tue) 08:00; else mon)",
    )
    p.add_argument(
        "--shrinkage",
        type=fraction,
        default=0.0,
        help="share of paid time not at work (absence, training) for the people to hire, FTE and cost a week "
        "(default 0: the requirement's own; 30%% or 0.3)",
    )
    p.add_argument(
        "--wage",
        type=positive,
        help="cost per paid hour of the shift types without their own cost_per_hour, as a scenario's "
        "costs.wage_per_hour (default: none, and their hours cost 0, as the output says)",
    )
    p.add_argument(
        "--objective",
        choices=("cost", "coverage"),
        help="cost: cheapest full cover (default, or the file's objective); coverage: least weighted under- and "
        "over-staffing",
    )
    p.add_argument("--interval-min", type=whole(1), help="interval length in minutes (default: from the starts)")
    p.add_argument("--time-limit-s", type=positive, default=60.0, help="seconds the solver may search (default 60)")
    p.add_argument(
        "--gap", type=fraction, default=0.0, help="relative gap at which to stop (default 0: proven optimal)"
    )
    p.add_argument("--json", action="store_true", help="print the schedule as JSON")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write shifts.csv, coverage.csv, hiring.csv, schedule.json and coverage.png into this folder: a new "
        "or empty "
        f"one, or one ccsim wrote before (listed in its {MANIFEST})",
    )
    p.set_defaults(handler=_cmd_schedule)


def _cmd_schedule(args: argparse.Namespace) -> int:
    from ccsim.loader import load_model
    from ccsim.outputs.schedule_text import schedule_dict, schedule_text
    from ccsim.planning.requirements import read_requirements_csv
    from ccsim.planning.shifts import schedule
    from ccsim.shift_types import Scheduling

    if not 0 <= args.gap < 1:
        raise CcsimError(f"--gap: must be in [0, 1), got {args.gap:g}")
    if not 0 <= args.shrinkage < 1:
        raise CcsimError(f"--shrinkage: must be in [0, 1) (a share of paid time), got {args.shrinkage:g}")
    shifts = load_model(args.shifts, Scheduling, what="shifts file")
    need = read_requirements_csv(
        args.file, interval_min=args.interval_min, group=args.group, start_weekday=args.start_weekday
    )
    out = OutDir(args.out, "schedule") if args.out else None
    group = args.group or (need.group if need.group in shifts.groups else None)
    result = schedule(
        **need.schedule_arguments(),
        shifts=shifts,
        group=group,
        shrinkage=args.shrinkage,
        wage=args.wage,
        objective=args.objective,
        time_limit_s=args.time_limit_s,
        gap=args.gap,
    )
    data = schedule_dict(result)
    print(json.dumps(data, indent=2) if args.json else schedule_text(result), flush=True)
    about = {"requirements": str(args.file), "shifts": str(args.shifts)}
    return write_out(out, lambda: _output_files(result, data), about)


def _output_files(result, data: dict) -> dict[str, str | bytes]:
    """The files of ``schedule --out``: shifts, coverage and hiring as CSV, the JSON, the coverage plot."""
    from ccsim.outputs.csv_text import csv_table
    from ccsim.outputs.plots import figure_png, plot_coverage
    from ccsim.outputs.schedule_text import coverage_rows, hiring_rows, shift_rows

    shift_table = shift_rows(result)
    no_shifts = "day,start,end,shift_type,count,breaks,paid_hours,cost\n"  # the header alone
    return {
        "shifts.csv": csv_table(shift_table) if shift_table else no_shifts,
        "coverage.csv": csv_table(coverage_rows(result)),
        "hiring.csv": csv_table(hiring_rows(result)),
        "schedule.json": json.dumps(data, indent=2),
        "coverage.png": figure_png(plot_coverage(result)),
    }
