"""``ccsim compare``: a scenario's variants side by side, with costs and paired differences."""

from __future__ import annotations

import argparse
import json
import sys

from ccsim.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    MANIFEST,
    Status,
    add_executor_options,
    add_max_contacts_option,
    executor_keeping,
    output_file,
    whole,
)
from ccsim.cli.outdir import OutDir, write_out
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


def _volume_scale(text: str) -> str | list[float]:
    """One ``--volume-scale``: ``S1,S2,...`` (the sensitivity, every channel) or ``CHANNEL=S`` (a what-if)."""
    return text if "=" in text else _scales(text)


def _add_compare(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="compare variants (in-house, outsourced, hybrid...): service and cost side by side, paired CIs",
        description=(
            "Simulate every variant of a scenario (or those named) with the same seed, so that all see the "
            "same contacts; price each with the scenario's costs and vendor contracts; print the variants side "
            "by side, the differences against the baseline with paired 95 % confidence intervals, and the "
            "cheapest variant that meets every target. Groups with 'staffing: plan' are sized by the planner "
            "first. Errors name their variant; after an error or Ctrl-C (exit 130) the variants finished are "
            "printed and written, marked PARTIAL. See docs/costs.md."
        ),
    )
    p.add_argument("file", metavar="FILE", help="scenario YAML file with variants")
    p.add_argument(
        "--variants",
        type=_names,
        metavar="A,B,...",
        help="the variants to compare; 'base' is the scenario as written, without a variant (default: every "
        "variant the file defines, or the base when it defines none)",
    )
    p.add_argument("--baseline", metavar="NAME", help="the variant the others are compared with (default: the first)")
    p.add_argument("--replications", type=whole(2), help="replications of every variant (default: the scenario's)")
    p.add_argument("--seed", type=whole(0), help="random seed of every variant (default: the scenario's, else drawn)")
    p.add_argument(
        "--volume-scale",
        type=_volume_scale,
        action="append",
        metavar="S1,S2,... | CHANNEL=S",
        help="S1,S2,...: also run every variant at these factors on every channel's volume (e.g. 0.8,1.2): cost "
        "and service per scale, and the break-even volume between variants; CHANNEL=S (or all=S): compare every "
        "variant with that channel's volume (a forecast's too) multiplied by S, a what-if (repeat for several "
        "channels; the sensitivity factors multiply it)",
    )
    add_max_contacts_option(p, "a comparison (every variant, volume scale and replication, and the planning)")
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
    from ccsim.volume import factors, parse_volume_scale

    scenario = load_scenario(args.file)
    sensitivity = [x for entry in args.volume_scale or [] if isinstance(entry, list) for x in entry]
    try:
        what_if = parse_volume_scale([e for e in args.volume_scale or [] if isinstance(e, str)])
        factors(scenario, what_if)  # an unknown channel, before anything runs
    except CcsimError as exc:
        raise CcsimError(f"--volume-scale: {exc}") from None
    html_path = output_file("--html", args.html)
    xlsx_path = output_file("--xlsx", args.xlsx)
    if xlsx_path is not None:
        try:
            import openpyxl  # noqa: F401  (checked before the run, not after)
        except ImportError:
            raise CcsimError(
                '--xlsx needs openpyxl: pip install openpyxl (in ccsim\'s folder: pip install ".[report]")'
            ) from None
    runs = Runs(scenario, args, sensitivity, what_if)
    runs.check_size()
    out = OutDir(args.out, "compare") if args.out else None
    cmp, stopped = None, None
    try:
        with executor_keeping(args) as executor:
            runs.executor = executor
            cmp = compare_variants(
                scenario,
                args.variants,
                baseline=args.baseline,
                seed=args.seed,
                replications=args.replications,
                volume_scales=sensitivity or (1.0,),
                executor=executor,
                progress=runs.starting,
                costs=runs.priced,
                prepare=runs.prepare,
            )
    except KeyboardInterrupt:
        stopped = "interrupted"
    except CcsimError as exc:
        if runs.current is None:  # before any variant ran: a bad argument
            raise
        stopped = "\n".join(f"variant {runs.current}: {line}" for line in str(exc).splitlines())
    finally:
        runs.status.close()
    if cmp is None:
        cmp = runs.partial(args.baseline)
        if cmp is None:
            if stopped == "interrupted":
                print("ccsim: interrupted: no variant had finished; nothing to show", file=sys.stderr)
                return EXIT_INTERRUPTED
            raise CcsimError(stopped)
    code = _show(args, cmp, runs, html_path, xlsx_path, out, partial=stopped is not None)
    if stopped == "interrupted":
        print(f"ccsim: interrupted: {runs.kept()}", file=sys.stderr)
        return EXIT_INTERRUPTED
    if stopped is not None:
        for line in f"{stopped} ({runs.kept()})".splitlines():
            print(f"ccsim: error: {line}", file=sys.stderr)
        return EXIT_USAGE
    return code


class Runs:
    """The runs of a comparison as ``compare_variants`` makes them: named, sized, planned with progress, kept.

    ``compare_variants`` runs every variant at every volume scale, the scales in increasing order,
    calling ``progress`` as each run starts, ``prepare`` before it is simulated and ``costs`` when
    it has been: each run is kept here as it finishes, so that an interrupt or an error keeps them.
    """

    def __init__(self, scenario, args: argparse.Namespace, sensitivity: list[float], what_if: dict) -> None:
        from ccsim.variants import BASE

        self.scenario = scenario
        self.args = args
        self.what_if = what_if
        self.names = list(args.variants) if args.variants else (list(scenario.variants) or [BASE])
        self.scales = sorted({1.0, *sensitivity})
        self.order = [(name, scale) for scale in self.scales for name in self.names]
        self.started = 0
        self.run: tuple[str, float] | None = None  # the run under way: (variant, volume scale)
        self.plans: dict = {}
        self.finished: list = []
        self.shown: list = []  # the runs a partial comparison shows
        self.reference = 1.0  # the volume scale a partial comparison shows its variants at
        self.executor = None
        self.status = Status()

    @property
    def current(self) -> str | None:
        """The run under way: ``hybrid`` or ``hybrid at volume x1.2`` (None before the first)."""
        if self.run is None:
            return None
        return where(*self.run)

    def starting(self, text: str) -> None:
        """``compare_variants``' progress as a run starts: ``hybrid`` or ``hybrid at volume x1.2``."""
        name, _, scale = text.partition(" at volume x")
        try:
            self.run = (name, float(scale) if scale else 1.0)
        except ValueError:  # another wording: the runs come in the order compare_variants documents
            self.run = self.order[self.started]
        self.started += 1
        self.show("simulating")

    def show(self, what: str) -> None:
        """The progress line: which run of how many, and what it is doing."""
        self.status(f"compare: {self.current} ({self.started} of {len(self.order)}): {what}")

    def prepare(self, sc, seed: int, reps: int):
        """Before a run is simulated: the what-if volume, and the planner for ``staffing: plan`` groups."""
        from dataclasses import replace

        from ccsim.volume import scale_volume

        if self.what_if:
            sc = scale_volume(sc, self.what_if)
        if not any(spec.staffing == "plan" for spec in sc.agent_groups.values()):
            return sc, None
        from ccsim.planning import plan, plan_roster

        p = plan(sc, seed=seed, executor=self.executor, progress=lambda t: self.show(f"planning: {t}"), shifts=False)
        if sc.scheduling is not None and p.met:
            p = replace(
                p, roster=plan_roster(p, executor=self.executor, progress=lambda t: self.show(f"rostering: {t}"))
            )
        self.plans[self.started] = p
        self.show("simulating")
        if p.roster is not None:  # with shift types: the roster's agents on duty, over-cover and all
            groups = {g: {"staffing": [int(x) for x in p.roster.staffing[g]]} for g in p.planned_groups}
            return sc.replace({"agent_groups": groups}), p
        return p.to_scenario(), p

    def priced(self, result, sc):
        """``compare_variants``' costs: the run's costs; the run is kept."""
        from ccsim.economics import costs
        from ccsim.variants import VariantRun

        cost = costs(result, sc)
        self.finished.append(VariantRun(*self.run, sc, result, cost, self.plans.get(self.started)))
        return cost

    def kept(self) -> str:
        """Which runs the comparison shown holds, and which it lacks (not finished, or of a scale not finished)."""
        from ccsim.outputs.formats import plural

        done = {(r.name, r.scale) for r in self.shown}
        missing = [where(n, s, short=True) for n, s in self.order if (n, s) not in done]
        text = f"the comparison covers {len(done)} of {plural(len(self.order), 'run')}; left out: {', '.join(missing)}"
        if self.reference != 1.0:
            text += f"; shown at volume x{self.reference:g} (no variant finished at x1)"
        return text

    def partial(self, baseline: str | None):
        """The comparison of the runs finished, or None when none has.

        The variants finished at volume x1 (or, when none has, at the first scale where any has:
        the scales run in increasing order), and the other scales every one of them finished.
        """
        from ccsim.variants import comparison_of

        by = {(r.name, r.scale): r for r in self.finished}
        at = [s for s in [1.0, *self.scales] if any((n, s) in by for n in self.names)]
        if not at:
            return None
        self.reference = ref = at[0]
        names = [n for n in self.names if (n, ref) in by]
        scales = [s for s in self.scales if all((n, s) in by for n in names)]
        self.shown = [by[(n, s)] for s in scales for n in names]
        base = baseline if baseline is not None and baseline in names else names[0]
        main = [by[(n, ref)] for n in names]
        runs = main + [by[(n, s)] for s in scales if s != ref for n in names]
        return comparison_of(self.scenario.name, runs, names, base, scales, reference=ref)

    def check_size(self) -> None:
        """Refuse, before anything runs, a comparison beyond its limits: every error names its variant."""
        from ccsim.outputs.formats import plural
        from ccsim.planning.plan import CONFIRM_REPLICATIONS, MIN_REPLICATIONS
        from ccsim.simulation import MAX_CONTACTS, MAX_RESULT_BYTES, expected_result_bytes
        from ccsim.variants import BASE
        from ccsim.volume import expected_work, scale_volume

        reps = self.args.replications or self.scenario.simulation.replications
        limit = MAX_CONTACTS if self.args.max_contacts is None else self.args.max_contacts
        total, memory, biggest = 0.0, 0.0, (0.0, "", "")
        for name, scale in self.order:
            if name not in self.scenario.variants and name != BASE:
                continue  # compare_variants names it, with the closest name
            try:
                sc = self.scenario if name not in self.scenario.variants else self.scenario.variant(name)
                sc = scale_volume(sc, {**self.what_if, "all": scale * self.what_if.get("all", 1.0)})
            except CcsimError as exc:
                raise CcsimError(f"variant {where(name, scale)}: {str(exc).splitlines()[0]}") from None
            one, field = expected_work(sc, reps)
            if one > MAX_CONTACTS:  # compare simulates each run with the library's limit
                raise CcsimError(
                    f"variant {where(name, scale)}: {field}: one run would simulate about {one:.2g} contacts "
                    f"({plural(reps, 'replication')}; limit {MAX_CONTACTS:.2g} per run); give fewer --replications "
                    "or simulate fewer days"
                )
            work = one
            if any(spec.staffing == "plan" for spec in sc.agent_groups.values()):  # the planner's search first
                plan_reps = max(sc.simulation.replications, MIN_REPLICATIONS)
                rounds = 20 if sc.scheduling is not None else 0
                work += expected_work(sc, plan_reps * (200 + 1 + rounds) + CONFIRM_REPLICATIONS)[0]
            total += work
            memory += expected_result_bytes(sc, reps)  # every run's result is kept
            biggest = max(biggest, (work, name, field))
        if memory > MAX_RESULT_BYTES:
            raise CcsimError(
                f"--replications: {plural(len(self.order), 'run')} of {plural(reps, 'replication')} would keep about "
                f"{memory / 2**30:.1f} GiB of results (limit {MAX_RESULT_BYTES / 2**30:.0f} GiB); compare fewer "
                "--variants, --volume-scale factors or --replications, or simulate fewer days"
            )
        if total > limit:
            raise CcsimError(
                f"variant {biggest[1]}: {biggest[2]}: the comparison may simulate about {total:.2g} contacts "
                f"({plural(len(self.names), 'variant')} x {plural(len(self.scales), 'volume scale')} x "
                f"{plural(reps, 'replication')}, and the "
                f"planning of staffing: plan groups; limit {limit:.2g}); raise it with --max-contacts, or compare "
                "fewer --variants, --volume-scale factors or --replications"
            )


def where(name: str, scale: float, short: bool = False) -> str:
    """A run: ``hybrid``, or ``hybrid at volume x1.2`` (``hybrid at x1.2`` short)."""
    return name if scale == 1 else f"{name} at {'' if short else 'volume '}x{scale:g}"


def _show(args, cmp, runs: Runs, html_path, xlsx_path, out, *, partial: bool) -> int:
    """Print the comparison and write its files (marked partial when runs are missing); the exit code."""
    from ccsim.outputs import comparison_html, comparison_text, comparison_xlsx
    from ccsim.outputs.comparison_data import comparison_dict

    data = comparison_dict(cmp)
    note = f"PARTIAL (stopped before the end): {runs.kept()}" if partial else None
    data["partial"] = note
    text = json.dumps(data, indent=2) if args.json else (note + "\n\n" if note else "") + comparison_text(cmp)
    print(text, flush=True)  # before anything can fail
    code = 0
    files = []
    try:
        from ccsim.files import write_atomic

        html = ""  # made only when written
        if html_path is not None or out is not None:
            html = _mark_html(comparison_html(cmp), note)
        if html_path is not None:
            write_atomic(html_path, html)
            files.append(str(html_path))
        if xlsx_path is not None:
            write_atomic(xlsx_path, _mark_xlsx(comparison_xlsx(cmp), note))
            files.append(str(xlsx_path))
    except OSError as exc:
        print(f"ccsim: error: cannot write {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        code = EXIT_USAGE
    except CcsimError as exc:
        print(f"ccsim: error: {exc}", file=sys.stderr)
        code = EXIT_USAGE
    else:  # the folder after the files named, as before: a file that cannot be written stops both
        about = {"scenario": cmp.scenario, "seed": cmp.seed, "replications": cmp.replications, "partial": note}
        code = write_out(out, lambda: _output_files(cmp, data, html), about)
    if files:
        print(f"wrote {', '.join(files)}", file=sys.stderr)
    return code


def _mark_html(html: str, note: str | None) -> str:
    """The report with a partial comparison's note at the top of the page."""
    if note is None:
        return html
    from html import escape

    banner = f'<p style="border:2px solid #b00;padding:.5em;font-weight:bold">{escape(note)}</p>'
    return html.replace("<body>", "<body>\n" + banner, 1)


def _mark_xlsx(data: bytes, note: str | None) -> bytes:
    """The workbook with a partial comparison's note as its first sheet."""
    if note is None:
        return data
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.create_sheet("PARTIAL", 0)
    ws["A1"] = note
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _output_files(cmp, data: dict, html: str) -> dict[str, str | bytes]:
    """The files of ``compare --out``: the JSON, a CSV per table, the HTML report and the plots."""
    from ccsim.outputs import comparison_tables
    from ccsim.outputs.csv_text import csv_table
    from ccsim.outputs.plots import figure_png, plot_variant_costs, plot_variant_intervals, plot_variant_service

    files: dict[str, str | bytes] = {"comparison.json": json.dumps(data, indent=2)}
    for table in comparison_tables(cmp):
        name = table.name.lower().replace(" ", "_").replace("-", "_")
        files[f"{name}.csv"] = csv_table([{c.csv_title: row.get(c.key) for c in table.columns} for row in table.rows])
    files["report.html"] = html
    if any(r.costs is not None for r in cmp.runs):
        files["costs.png"] = figure_png(plot_variant_costs(cmp))
    files["service.png"] = figure_png(plot_variant_service(cmp))
    for ch in cmp.runs[0].result.channel_names:
        files[f"service_level_{ch}.png"] = figure_png(plot_variant_intervals(cmp, ch))
    return files
