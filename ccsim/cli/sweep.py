"""``ccsim sweep``: a grid over scenario parameters, every point simulated with one seed."""

from __future__ import annotations

import argparse
import json
import sys

from ccsim.cli.common import (
    EXIT_INTERRUPTED,
    MANIFEST,
    Once,
    Progress,
    add_executor_options,
    add_max_contacts_option,
    add_volume_scale_option,
    executor_keeping,
    load_arg,
    volume_arg,
    whole,
)
from ccsim.cli.outdir import OutDir, write_out
from ccsim.errors import CcsimError


def _add_sweep(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep",
        help="a grid over scenario parameters (staffing, volume, ...): KPIs and costs per point, one seed",
        description=(
            "Simulate every combination of the values of one or more scenario parameters, each given as a dotted "
            "path into the YAML file, with the same seed and replications (common random numbers), and print "
            "one row per grid point: the values, KPIs per channel with 95 % confidence half-widths, occupancy, "
            "targets and, where the scenario has costs, the cost per month. See docs/sweeps.md."
        ),
        epilog=(
            "example: ccsim sweep scenarios/textbook_erlang_c.yaml --param agent_groups.agents.staffing=12:16 "
            "--param channels.phone.volume.per_day=4000,4800"
        ),
    )
    p.add_argument("file", metavar="FILE", help="scenario YAML file")
    p.add_argument(
        "--param",
        action="append",
        required=True,
        metavar="PATH=VALUES",
        help="a parameter and its values: a dotted path as in the YAML file, then values separated by commas, "
        "each a number, a range START:STOP[:STEP] (inclusive) or a word, e.g. agent_groups.staff.staffing=8:14 "
        "or channels.phone.volume.per_day=400,500,600, or volume_scale=0.8:1.2:0.1 (a factor on every channel's "
        "volume, a forecast's too) or volume_scale.phone=1,1.5; repeat for a grid",
    )
    p.add_argument("--variant", action=Once, help="sweep this variant of the scenario")
    p.add_argument("--replications", type=whole(1), help="replications of every point (default: the scenario's)")
    p.add_argument("--seed", type=whole(0), help="the seed of every point (default: the scenario's, else drawn)")
    add_volume_scale_option(p, "sweep the scenario")
    add_max_contacts_option(p, "a sweep (every point and replication)")
    p.add_argument("--json", action="store_true", help="print the sweep as JSON")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write sweep.csv, sweep.json and plots (a KPI against the first parameter, a curve per value of the "
        f"others) into this folder: a new or empty one, or one ccsim wrote before (listed in its {MANIFEST})",
    )
    add_executor_options(p)
    p.set_defaults(handler=_cmd_sweep)


def _params(args: argparse.Namespace, scenario) -> dict[str, list]:
    """The ``--param`` options, each checked against the scenario; every grid point checked too."""
    from ccsim.sweep import grid, parse_param

    params: dict[str, list] = {}
    try:
        for text in args.param:
            path, values = parse_param(text, scenario)
            if path in params:
                raise CcsimError(f"{path}: given twice; give its values once, separated by commas")
            params[path] = values
        grid(scenario, params)  # every point, before anything runs
    except CcsimError as exc:
        raise CcsimError(f"--param {exc}") from None
    return params


def _cmd_sweep(args: argparse.Namespace) -> int:
    from ccsim.outputs.sweep_text import sweep_text
    from ccsim.sweep import sweep

    scenario = volume_arg(args, load_arg(args))
    params = _params(args, scenario)
    out = OutDir(args.out, "sweep") if args.out else None  # checked before a long run, not after
    progress = Progress()
    try:
        with executor_keeping(args) as executor:
            result = sweep(
                scenario,
                params,
                replications=args.replications,
                seed=args.seed,
                executor=executor,
                progress=progress,
                max_contacts=args.max_contacts,
            )
    finally:
        progress.close()
    data = result.to_dict()
    print(json.dumps(data, indent=2) if args.json else sweep_text(result), flush=True)
    code = EXIT_INTERRUPTED if result.interrupted else 0
    about = {"scenario": result.scenario, "variant": result.variant, "seed": result.seed}
    code = write_out(out, lambda: _output_files(result, data), about, code)
    if result.interrupted:
        print(
            f"ccsim: interrupted: the table covers {len(result.points)} of {result.grid_size} grid points",
            file=sys.stderr,
        )
    return code


def _output_files(result, data: dict) -> dict[str, str | bytes]:
    """The files of ``sweep --out``: the table as CSV and JSON, and the plots."""
    from ccsim.outputs.csv_text import csv_table
    from ccsim.outputs.plots import figure_png
    from ccsim.sweep import plot_sweep

    files: dict[str, str | bytes] = {"sweep.json": json.dumps(data, indent=2)}
    if not result.points:
        return files
    files["sweep.csv"] = csv_table(result.rows)
    res0 = result.points[0].result
    columns = result.rows[0]
    for ch in res0.channel_names:
        for kpi in ("service_level", "asa_s"):
            if f"{ch}.{kpi}" in columns:
                files[f"{kpi}_{ch}.png"] = figure_png(plot_sweep(result, kpi, channel=ch))
    for g in res0.group_names:
        if f"{g}.occupancy" in columns:
            files[f"occupancy_{g}.png"] = figure_png(plot_sweep(result, f"{g}.occupancy"))
    if "cost_per_month" in columns:
        files["cost_per_month.png"] = figure_png(plot_sweep(result, "cost_per_month"))
    return files
