"""``ccsim validate`` and ``ccsim schema``: checking scenario files, and their JSON Schema."""

from __future__ import annotations

import argparse
import json
import sys

from ccsim.cli.common import EXIT_USAGE, csv_hint


def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check scenario files: one OK line each, or every error with its path and line",
        description="Validate scenario files (and their variants). Exit code 2 when any file has errors.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")
    p.set_defaults(handler=_cmd_validate)


def _cmd_validate(args: argparse.Namespace) -> int:
    from ccsim.loader import ScenarioError, load_scenario

    failed = False
    for f in args.files:
        try:
            sc = load_scenario(f)
        except ScenarioError as exc:
            failed = True
            hint = csv_hint(f)
            for problem in [hint] if hint else [f"{exc.source or f}: {p}" for p in exc.problems]:
                print(problem, file=sys.stderr)
            continue
        variants = f", variants: {', '.join(sc.variants)}" if sc.variants else ""
        print(
            f"{f}: OK ({sc.name}: {len(sc.channels)} channel(s), {len(sc.agent_groups)} agent group(s), "
            f"{sc.calendar.days} day(s) of {sc.calendar.intervals_per_day_value} intervals{variants})"
        )
    return EXIT_USAGE if failed else 0


def _add_schema(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of scenario files (for editors)",
        description="Print the JSON Schema of scenario files, for editor checking and completion.",
    )
    p.set_defaults(handler=_cmd_schema)


def _cmd_schema(args: argparse.Namespace) -> int:
    from ccsim.loader import scenario_json_schema

    print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))
    return 0
