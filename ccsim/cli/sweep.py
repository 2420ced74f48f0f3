"""``ccsim sweep``: a grid over scenario parameters, every point simulated with one seed."""

from __future__ import annotations

import argparse
import json
import sys

from ccsim.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
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
from ccsim.cli.outdir import OutDir
from ccsim.errors import CcsimError

#: KPIs of each channel in the printed table (the CSV and JSON have every one).
_SHOWN = ("service_level", "abandon_rate", "asa_s")
_SHARES = {"service_level", "abandon_rate", "answer_rate", "occupancy", "p_wait"}
_NAMES = {"service_level": "SL", "abandon_rate": "abandoned", "asa_s": "ASA", "occupancy": "occupancy"}


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
    if out is not None:
        try:
            written, removed = out.write(
                _output_files(result, data),
                {"scenario": result.scenario, "variant": result.variant, "seed": result.seed},
            )
        except CcsimError as exc:
            print(f"ccsim: error: {exc}", file=sys.stderr)
            code = EXIT_USAGE
        else:
            gone = f"; removed the previous run's {', '.join(removed)}" if removed else ""
            print(f"wrote {len(written)} files to {out.path}: {', '.join(written)}{gone}", file=sys.stderr)
    if result.interrupted:
        print(
            f"ccsim: interrupted: the table covers {len(result.points)} of {result.grid_size} grid points",
            file=sys.stderr,
        )
    return code


def _cell(kpi: str, value, half) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if kpi.split(".")[-1] in _SHARES:
        text, h = f"{100 * value:.1f} %", None if half is None else f"{100 * half:.1f}"
    elif kpi.endswith("_s"):
        text, h = f"{value:.1f} s", None if half is None else f"{half:.1f}"
    elif isinstance(value, int):
        return f"{value:,}"
    elif isinstance(value, float):
        text, h = (f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"), None
        if half is not None:
            h = f"{half:,.0f}" if abs(value) >= 1000 else f"{half:,.2g}"
    else:
        return str(value)
    return text + (f" ±{h}" if half is not None and half > 0 else "")


def sweep_text(result) -> str:
    """The sweep as a table: one line per grid point."""
    from ccsim.report import duration

    rows = result.rows
    variant = f", variant {result.variant}" if result.variant else ""
    head = [
        f"{result.scenario}{variant}: sweep of {result.grid_size} grid point{'s' if result.grid_size != 1 else ''}, "
        f"{result.replications} replications each, seed {result.seed} (common random numbers)",
    ]
    partial = [r for r in rows if r["replications"] != result.replications]
    if result.interrupted:
        head.append(f"interrupted: {len(result.points)} of {result.grid_size} points simulated")
    if not rows:
        return "\n".join(head)
    res0 = result.points[0].result  # rows come from the points simulated
    columns: list[tuple[str, str]] = [(p, ".".join(p.split(".")[-2:])) for p in result.params]
    channels = res0.channel_names + (["all"] if len(res0.channel_names) > 1 else [])
    for ch in channels:
        for kpi in _SHOWN:
            if any(r.get(f"{ch}.{kpi}") not in (None, 0) for r in rows):  # not an abandonment nobody has
                columns.append((f"{ch}.{kpi}", f"{ch} {_NAMES[kpi]}"))
    for g in res0.group_names:
        if f"{g}.occupancy" in rows[0]:
            columns.append((f"{g}.occupancy", f"{g} occupancy"))
    if partial:
        columns.append(("replications", "replications"))
    if any(r.get("targets") is not None for r in rows):
        columns.append(("targets", "targets"))
    if "cost_per_month" in rows[0]:
        columns.append(("cost_per_month", f"cost/month ({rows[0]['currency']})"))
    cells = [[_cell(key, r.get(key), r.get(f"{key}_ci95")) for key, _ in columns] for r in rows]
    for r, row in zip(rows, cells, strict=True):
        if r in partial:  # the point an interrupt cut short: its replications marked
            row[[key for key, _ in columns].index("replications")] = f"{r['replications']} (partial)"
    widths = [max(len(title), *(len(c[i]) for c in cells)) for i, (_, title) in enumerate(columns)]
    lines = ["", "  ".join(title.rjust(w) for (_, title), w in zip(columns, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    notes = ["", "mean ±95 % CI half-width; SL: service level"]
    if res0.answer_within_s:
        notes[-1] += (
            " (answered within "
            + ", ".join(f"{ch} {duration(s)}" for ch, s in res0.answer_within_s.items() if s is not None)
            + ")"
        )
    for r in partial:
        where = ", ".join(f"{_cell(p, r[p], None)}" for p in result.params)
        notes.append(
            f"partial: the point {where} has {r['replications']} of {result.replications} replications "
            "(interrupted): its figures are less certain"
        )
    notes.append("every KPI per channel: --json or --out (sweep.csv)")
    return "\n".join(head + lines + notes)


def _output_files(result, data: dict) -> dict[str, str | bytes]:
    """The files of ``sweep --out``: the table as CSV and JSON, and the plots."""
    from ccsim import plotting
    from ccsim.report import csv_table
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
                files[f"{kpi}_{ch}.png"] = plotting.figure_png(plot_sweep(result, kpi, channel=ch))
    for g in res0.group_names:
        if f"{g}.occupancy" in columns:
            files[f"occupancy_{g}.png"] = plotting.figure_png(plot_sweep(result, f"{g}.occupancy"))
    if "cost_per_month" in columns:
        files["cost_per_month.png"] = plotting.figure_png(plot_sweep(result, "cost_per_month"))
    return files
