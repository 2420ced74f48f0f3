"""``ccsim plan``: the staffing planner."""

from __future__ import annotations

import argparse
import json
import sys

from ccsim.cli.common import MANIFEST, Once, add_executor_options, executor_arg, load_arg, whole
from ccsim.cli.outdir import OutDir, about_result
from ccsim.errors import CcsimError


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
    p.add_argument("--variant", action=Once, help="plan this variant of the scenario")
    p.add_argument("--replications", type=whole(1), help="replications per evaluation (default: 20, or more)")
    p.add_argument("--seed", type=whole(0), help="random seed of every evaluation (default: the scenario's, else 1)")
    p.add_argument(
        "--max-evaluations", type=whole(1), default=200, metavar="N", help="simulations the search may run (200)"
    )
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write plan.csv, plan.json, plan_variant.yaml (a variants: section: add it to the scenario) and "
        "plan.png (with shift types: roster.csv and a coverage plot per group too) into this folder: a new or "
        f"empty one, or one ccsim wrote before (listed in its {MANIFEST})",
    )
    add_executor_options(p)
    p.set_defaults(handler=_cmd_plan)


def _cmd_plan(args: argparse.Namespace) -> int:
    from ccsim import plotting
    from ccsim.planning import plan
    from ccsim.planning.report import plan_dict, plan_rows, plan_text, plan_variant_yaml
    from ccsim.report import csv_table

    scenario = load_arg(args)
    out = OutDir(args.out, "plan") if args.out else None
    with executor_arg(args) as executor:
        result = plan(
            scenario,
            seed=args.seed,
            replications=args.replications,
            max_evaluations=args.max_evaluations,
            executor=executor,
        )
    data = plan_dict(result)
    print(json.dumps(data, indent=2) if args.json else plan_text(result), flush=True)
    if out is not None:
        files: dict[str, str | bytes] = {
            "plan.csv": csv_table(plan_rows(result)),
            "plan.json": json.dumps(data, indent=2),
            "plan_variant.yaml": plan_variant_yaml(result),
            "plan.png": plotting.figure_png(plotting.plot_plan(result)),
        }
        if result.roster is not None:
            from ccsim.planning.report import roster_rows
            from ccsim.planning.shift_plots import plot_coverage

            files["roster.csv"] = csv_table(roster_rows(result))
            for g, s in result.roster.schedules.items():
                files[f"roster_{g}.png"] = plotting.figure_png(plot_coverage(s))
        written, removed = out.write(files, about_result(result.result))
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
    if result.roster is not None and not result.roster.met:
        raise CcsimError(f"{result.roster.misses[0]}: the roster of shifts still misses it; see the roster above")
    return 0


# --------------------------------------------------------------------------- schedule
