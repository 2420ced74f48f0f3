"""``ccsim plan``: the staffing planner."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from ccsim.cli.common import (
    EXIT_INTERRUPTED,
    MANIFEST,
    Once,
    Status,
    add_executor_options,
    add_max_contacts_option,
    add_volume_scale_option,
    executor_keeping,
    load_arg,
    volume_arg,
    whole,
)
from ccsim.cli.outdir import OutDir, about_result, write_out
from ccsim.errors import CcsimError


def _add_plan(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan",
        help="staffing planner: agents per group and interval so that every target is met in simulation",
        description=(
            "Size every in-house agent group per interval: an analytic first guess (time-varying Erlang "
            "A/C), corrected by simulating the whole desk with common random numbers until every interval "
            "meets every target, with the fewest agents the search finds. Prints the plan beside the "
            "analytic guess and SIPP (per-interval Erlang in steady state). With shift types, the roster of "
            "shifts follows; the plan is printed and written first, so a roster that fails or is interrupted "
            "(Ctrl-C: exit 130) leaves it in place. See docs/planning.md."
        ),
    )
    p.add_argument("file", metavar="FILE", help="scenario YAML file (every channel with volume needs a target)")
    p.add_argument("--variant", action=Once, help="plan this variant of the scenario")
    p.add_argument("--replications", type=whole(1), help="replications per evaluation (default: 20, or more)")
    p.add_argument("--seed", type=whole(0), help="random seed of every evaluation (default: the scenario's, else 1)")
    p.add_argument(
        "--max-evaluations", type=whole(1), default=200, metavar="N", help="simulations the search may run (200)"
    )
    add_volume_scale_option(p, "plan the desk")
    add_max_contacts_option(p, "a plan's search (every evaluation it may run, and the roster's rounds)")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write plan.csv, plan.json, plan_variant.yaml (a variants: section: add it to the scenario) and "
        "plan.png (with shift types: roster.csv, hiring.csv and a coverage plot per group too) into this "
        f"folder: a new or empty one, or one ccsim wrote before (listed in its {MANIFEST})",
    )
    add_executor_options(p)
    p.set_defaults(handler=_cmd_plan)


def _cmd_plan(args: argparse.Namespace) -> int:
    from ccsim.planning import plan

    scenario = volume_arg(args, load_arg(args))
    _check_size(scenario, args)
    out = OutDir(args.out, "plan") if args.out else None  # checked before a long search, not after
    status = Status()
    with executor_keeping(args) as executor:
        try:
            result = plan(
                scenario,
                seed=args.seed,
                replications=args.replications,
                max_evaluations=args.max_evaluations,
                executor=executor,
                progress=lambda text: status(f"planning: {text}"),
                shifts=False,  # the roster comes after the plan is shown and written
                max_contacts=_limit(args),
            )
        except KeyboardInterrupt as exc:
            status.close()
            partial = getattr(exc, "plan", None)  # the best staffing met so far, when plan() hands it back
            if partial is None:
                if out is not None:
                    out.discard()  # no empty folder left behind
                print("ccsim: interrupted: the search had not finished a plan; nothing to show", file=sys.stderr)
                return EXIT_INTERRUPTED
            _show(args, partial, out, interrupted=True)
            print("ccsim: interrupted: the plan shown is the best found so far (partial)", file=sys.stderr)
            return EXIT_INTERRUPTED
        finally:
            status.close()
        code = _show(args, result, out, roster_follows=_roster_follows(result))
        if not result.met:
            first = result.misses[0]
            blocks = [n for n in result.notes if "max_agents" in n and "blocks" in n]
            why = (
                (blocks[0] if blocks else "no staffing within the limits met it")
                if result.stopped == "limit"
                else f"the search stopped after {result.evaluations} simulations (--max-evaluations)"
            )
            raise CcsimError(f"{first}: {why}; the plan above is the best found")
        if not _roster_follows(result):
            return code
        from ccsim.planning import plan_roster

        try:
            roster = plan_roster(
                result,
                executor=executor,
                progress=lambda text: status(f"rostering: {text}"),
                max_contacts=_limit(args),
            )
        except KeyboardInterrupt:
            status.close()
            if args.json:
                print(json.dumps(_plan_data(result, roster="interrupted"), indent=2), flush=True)
            print("ccsim: interrupted: the plan above is complete; the roster of shifts was not made", file=sys.stderr)
            return EXIT_INTERRUPTED
        except CcsimError as exc:
            status.close()
            if args.json:
                print(json.dumps(_plan_data(result, roster=f"error: {exc}"), indent=2), flush=True)
            raise CcsimError(f"the roster of shifts: {exc} (the plan above is complete)") from None
        finally:
            status.close()
    result = replace(result, roster=roster)
    code = max(code, _show(args, result, out, roster_only=True))
    if not result.roster.met:
        raise CcsimError(f"{result.roster.misses[0]}: the roster of shifts still misses it; see the roster above")
    return code


def _roster_follows(result) -> bool:
    """Whether a roster of shifts is made after the plan: shift types, and a plan that meets every target."""
    return result.scenario.scheduling is not None and result.met


def _plan_data(result, *, interrupted: bool = False, roster: str | None = None) -> dict:
    """The plan as JSON-ready data; ``roster`` says why the roster is missing (interrupted, an error)."""
    from ccsim.outputs.plan_text import plan_dict

    data = plan_dict(result)
    data["interrupted"] = interrupted
    if roster is not None and data.get("roster") is None:
        data["roster"] = {"made": False, "why": roster}
    return data


def _show(args, result, out, *, interrupted=False, roster_follows=False, roster_only=False) -> int:
    """Print the plan (or, after it, its roster) and write the files; the exit code of the writing."""
    from ccsim.outputs.plan_text import plan_text, roster_text

    data = _plan_data(result, interrupted=interrupted)
    if args.json:
        if not roster_follows:  # one JSON document: printed once, with the roster when one is made
            print(json.dumps(data, indent=2), flush=True)
    elif roster_only:
        print("\n" + roster_text(result), flush=True)
    else:
        head = "PARTIAL (interrupted): the best staffing meeting every target found so far\n" if interrupted else ""
        print(head + plan_text(result), flush=True)
    about = about_result(result.result) | {"interrupted": interrupted}
    return write_out(out, lambda: _output_files(args, result, data), about)


def _output_files(args, result, data: dict) -> dict[str, str | bytes]:
    """The files of ``plan --out``: the plan as CSV, JSON, a YAML variant and a plot; the roster's with one."""
    from ccsim.outputs.csv_text import csv_table
    from ccsim.outputs.plan_text import plan_rows, plan_variant_yaml
    from ccsim.outputs.plots import figure_png, plot_plan
    from ccsim.volume import parse_volume_scale

    files: dict[str, str | bytes] = {
        "plan.csv": csv_table(plan_rows(result)),
        "plan.json": json.dumps(data, indent=2),
        "plan_variant.yaml": plan_variant_yaml(result, volume_scale=parse_volume_scale(args.volume_scale)),
        "plan.png": figure_png(plot_plan(result)),
    }
    if result.roster is not None:
        from ccsim.outputs.plan_text import roster_hiring_rows, roster_rows
        from ccsim.outputs.plots import plot_coverage

        files["roster.csv"] = csv_table(roster_rows(result))
        files["hiring.csv"] = csv_table(roster_hiring_rows(result))
        for g, s in result.roster.schedules.items():
            files[f"roster_{g}.png"] = figure_png(plot_coverage(s))
    return files


def _limit(args: argparse.Namespace) -> float:
    """The --max-contacts limit (the library's default when not given)."""
    from ccsim.simulation import MAX_CONTACTS

    return MAX_CONTACTS if args.max_contacts is None else args.max_contacts


def _check_size(scenario, args: argparse.Namespace) -> None:
    """Refuse, before the search starts, a plan beyond its limits (the hint names what to change)."""
    from ccsim.planning.plan import CONFIRM_REPLICATIONS, MIN_REPLICATIONS
    from ccsim.simulation import MAX_CONTACTS
    from ccsim.volume import expected_work

    reps = args.replications or max(scenario.simulation.replications, MIN_REPLICATIONS)
    confirm = args.replications or max(reps, CONFIRM_REPLICATIONS)
    limit = MAX_CONTACTS if args.max_contacts is None else args.max_contacts
    one, field = expected_work(scenario, confirm)
    if one > limit:  # one simulation of the confirmation alone
        fewer = "" if confirm <= 1 else "give fewer --replications, "
        raise CcsimError(
            f"{field}: each simulation of the plan would simulate about {one:.2g} contacts ({confirm} "
            f"replications; limit {limit:.2g}); plan fewer days or less volume, {fewer}or raise --max-contacts"
        )
    rounds = 20 if scenario.scheduling is not None else 0  # the roster's repair rounds
    work, _ = expected_work(scenario, reps * (args.max_evaluations + 1 + rounds) + confirm)
    if work > limit:
        raise CcsimError(
            f"{field}: the plan may simulate about {work:.2g} contacts (up to {args.max_evaluations} evaluations "
            f"of {reps} replications; limit {limit:.2g}); raise it with --max-contacts, or lower --max-evaluations "
            "or --replications"
        )


# --------------------------------------------------------------------------- schedule
