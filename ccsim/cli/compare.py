"""``ccsim compare``: a scenario's variants side by side, with costs and paired differences."""

from __future__ import annotations

import argparse
import json
import sys

from ccsim.cli.common import EXIT_USAGE, MANIFEST, add_executor_options, executor_arg, output_file, whole
from ccsim.cli.outdir import OutDir
from ccsim.errors import CcsimError


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"must be names separated by commas, got {text!r}")
    return names


def _scales(text: str) -> list[float]:
    out = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be numbers > 0 separated by commas, got {part.strip()!r}") from None
        if not value > 0 or value == float("inf"):
            raise argparse.ArgumentTypeError(f"every scale must be a number > 0, got {part.strip()!r}")
        out.append(value)
    return out


def _add_compare(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="compare variants (in-house, outsourced, hybrid...): service and cost side by side, paired CIs",
        description=(
            "Simulate every variant of a scenario (or those named) with the same seed, so that all see the "
            "same contacts; price each with the scenario's costs and vendor contracts; print the variants side "
            "by side, the differences against the baseline with paired 95 % confidence intervals, and the "
            "cheapest variant that meets every target. Groups with 'staffing: plan' are sized by the planner "
            "first. See docs/costs.md."
        ),
    )
    p.add_argument("file", metavar="FILE", help="scenario YAML file with variants")
    p.add_argument("--variants", type=_names, metavar="A,B,...", help="the variants to compare (default: all)")
    p.add_argument("--baseline", metavar="NAME", help="the variant the others are compared with (default: the first)")
    p.add_argument("--replications", type=whole(2), help="replications of every variant (default: the scenario's)")
    p.add_argument("--seed", type=whole(0), help="random seed of every variant (default: the scenario's, else drawn)")
    p.add_argument(
        "--volume-scale",
        type=_scales,
        metavar="S1,S2,...",
        help="also run every variant at these factors on every channel's volume (e.g. 0.8,1,1.2): cost and "
        "service per scale, and the break-even volume between variants",
    )
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.add_argument("--html", metavar="REPORT.html", help="write a self-contained HTML report (tables and plots)")
    p.add_argument("--xlsx", metavar="REPORT.xlsx", help="write an Excel workbook, a sheet per table (needs openpyxl)")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write comparison.json, a CSV per table, report.html and the plots into this folder: a new or empty "
        f"one, or one ccsim wrote before (listed in its {MANIFEST})",
    )
    add_executor_options(p)
    p.set_defaults(handler=_cmd_compare)


def _cmd_compare(args: argparse.Namespace) -> int:
    from ccsim.loader import load_scenario
    from ccsim.variants import compare_variants

    scenario = load_scenario(args.file)
    html_path = output_file("--html", args.html)
    xlsx_path = output_file("--xlsx", args.xlsx)
    if xlsx_path is not None:
        try:
            import openpyxl  # noqa: F401  (checked before the run, not after)
        except ImportError:
            raise CcsimError(
                '--xlsx needs openpyxl: pip install openpyxl (in ccsim\'s folder: pip install ".[report]")'
            ) from None
    out = OutDir(args.out, "compare") if args.out else None

    def step(text: str) -> None:
        if sys.stderr.isatty():
            print(f"simulating {text}", file=sys.stderr, flush=True)

    with executor_arg(args) as executor:
        cmp = compare_variants(
            scenario,
            args.variants,
            baseline=args.baseline,
            seed=args.seed,
            replications=args.replications,
            volume_scales=args.volume_scale or (1.0,),
            executor=executor,
            progress=step,
        )
    from ccsim.outputs import comparison_html, comparison_text, comparison_xlsx
    from ccsim.outputs.data import comparison_dict

    data = comparison_dict(cmp)
    print(json.dumps(data, indent=2) if args.json else comparison_text(cmp), flush=True)  # before anything can fail
    code = 0
    files = []
    try:
        from ccsim.files import write_atomic

        if html_path is not None:
            write_atomic(html_path, comparison_html(cmp))
            files.append(str(html_path))
        if xlsx_path is not None:
            write_atomic(xlsx_path, comparison_xlsx(cmp))
            files.append(str(xlsx_path))
        if out is not None:
            written, removed = out.write(
                _output_files(cmp, data), {"scenario": cmp.scenario, "seed": cmp.seed, "replications": cmp.replications}
            )
            gone = f"; removed the previous run's {', '.join(removed)}" if removed else ""
            print(f"wrote {len(written)} files to {out.path}: {', '.join(written)}{gone}", file=sys.stderr)
    except OSError as exc:
        print(f"ccsim: error: cannot write {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        code = EXIT_USAGE
    except CcsimError as exc:
        print(f"ccsim: error: {exc}", file=sys.stderr)
        code = EXIT_USAGE
    if files:
        print(f"wrote {', '.join(files)}", file=sys.stderr)
    return code


def _output_files(cmp, data: dict) -> dict[str, str | bytes]:
    """The files of ``compare --out``: the JSON, a CSV per table, the HTML report and the plots."""
    from ccsim import plotting
    from ccsim.outputs import comparison_html, comparison_tables
    from ccsim.report import csv_table

    files: dict[str, str | bytes] = {"comparison.json": json.dumps(data, indent=2)}
    for table in comparison_tables(cmp):
        name = table.name.lower().replace(" ", "_").replace("-", "_")
        files[f"{name}.csv"] = csv_table([{c.title: row.get(c.key) for c in table.columns} for row in table.rows])
    files["report.html"] = comparison_html(cmp)
    if any(r.costs is not None for r in cmp.runs):
        files["costs.png"] = plotting.figure_png(plotting.plot_variant_costs(cmp))
    files["service.png"] = plotting.figure_png(plotting.plot_variant_service(cmp))
    for ch in cmp.runs[0].result.channel_names:
        files[f"service_level_{ch}.png"] = plotting.figure_png(plotting.plot_variant_intervals(cmp, ch))
    return files
