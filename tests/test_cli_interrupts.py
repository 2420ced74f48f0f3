"""Ctrl-C, errors and progress in plan, compare and sweep: what is finished is printed and written, marked partial."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

import ccsim
from ccsim import cli
from ccsim.cli import main
from ccsim.cli.common import Status
from ccsim.errors import CcsimError

ROOT = Path(__file__).resolve().parents[1]
OUTSOURCING = str(ROOT / "scenarios" / "outsourcing_comparison.yaml")

DESK = """\
name: Small desk
calendar: {interval_min: 30, open: "09:00", close: "11:00"}
channels:
  phone:
    kind: voice
    volume: {per_day: 120}
    handle_time: {dist: exponential, mean_s: 180}
    patience: {dist: exponential, mean_s: 120}
    targets: {min_service_level: 0.8, answer_within_s: 20}
agent_groups:
  team: {skills: [phone], staffing: 4, shrinkage: 0.3}
costs: {currency: EUR, wage_per_hour: 20}
simulation: {replications: 3, seed: 3}
variants:
  lean: {overrides: {agent_groups: {team: {staffing: 3}}}}
  fuller: {overrides: {agent_groups: {team: {staffing: 5}}}}
  hybrid: {overrides: {agent_groups: {team: {staffing: 6}}}}
"""

SHIFTS = """\
scheduling:
  shift_types:
    short:
      length_min: 60
      earliest_start: "09:00"
      latest_start: "10:00"
      start_step_min: 30
      cost_per_hour: 20
"""

#: A day of 15-minute intervals busy enough that planning it takes longer than the progress line's 2 s.
BUSY = """\
name: Busy day
calendar: {interval_min: 15, open: "08:00", close: "20:00"}
channels:
  phone:
    kind: voice
    volume: {per_day: 4000}
    handle_time: {dist: exponential, mean_s: 240}
    patience: {dist: exponential, mean_s: 150}
    targets: {min_service_level: 0.8, answer_within_s: 20}
agent_groups:
  team: {skills: [phone], staffing: 30}
simulation: {replications: 20, seed: 1}
"""


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.yaml"
    path.write_text(DESK)
    return str(path)


@pytest.fixture
def shifts(tmp_path):
    path = tmp_path / "shifts.yaml"
    path.write_text(DESK.split("variants:")[0] + SHIFTS)
    return str(path)


def _on_a_terminal(argv, wait_for, *, group=False, timeout=60.0):
    """Run ccsim with stderr on a terminal; Ctrl-C (SIGINT) once ``wait_for`` shows on it.

    Returns (exit code, stdout, stderr as the terminal showed it).
    """
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ccsim", *argv],
        stdout=subprocess.PIPE,
        stderr=slave,
        text=True,
        start_new_session=group,
    )
    os.close(slave)
    seen, sent = b"", False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the terminal closed: the process ended
                    break
                seen += chunk
            if not sent and wait_for in seen.decode(errors="replace"):
                if group:  # as a terminal's Ctrl-C: every process of the job (the workers too)
                    os.killpg(proc.pid, signal.SIGINT)
                else:
                    proc.send_signal(signal.SIGINT)
                sent = True
            if proc.poll() is not None and not ready:
                break
        out, _ = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert sent, f"never saw {wait_for!r} on the terminal: {seen.decode(errors='replace')}"
    return proc.returncode, out, seen.decode(errors="replace")


# --------------------------------------------------------------------------- progress


def test_the_progress_line_shows_on_a_terminal_only_after_two_seconds(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    quiet, shown = io.StringIO(), Terminal()
    Status(quiet, after_s=0)("planning: evaluation 1")
    assert quiet.getvalue() == ""  # not a terminal
    status = Status(shown, after_s=0)
    status("planning: evaluation 10, 3 misses")
    status("planning: evaluation 11")
    status.close()
    lines = shown.getvalue().split("\r")
    assert lines[1].rstrip() == "planning: evaluation 10, 3 misses"
    assert lines[2] == "planning: evaluation 11".ljust(len("planning: evaluation 10, 3 misses")) + "\n"
    status.close()  # once
    assert shown.getvalue().count("\n") == 1
    late = Terminal()
    Status(late, after_s=60)("planning")
    assert late.getvalue() == ""  # the first two seconds (here 60) stay quiet
    waiting = Terminal()
    status = Status(waiting, after_s=0.3)
    status("compare: in_house (1 of 3): simulating")
    status("compare: in_house (1 of 3): planning")
    assert waiting.getvalue() == ""
    time.sleep(0.6)  # a long first phase: its text shows when the two seconds (here 0.3) are over
    assert waiting.getvalue() == "\rcompare: in_house (1 of 3): planning"
    status.close()
    dropped = Terminal()
    status = Status(dropped, after_s=0.3)
    status("planning")
    status.close()  # ended before its time: nothing is shown later
    time.sleep(0.6)
    assert dropped.getvalue() == ""
    swapped = Terminal()
    monkeypatch.setattr(sys, "stderr", swapped)  # the default stream is the stderr of the moment
    Status(after_s=0)("planning")
    assert swapped.getvalue() == "\rplanning"
    from ccsim.cli.common import Progress

    Progress(after_s=0)(1, 2)  # the replications' progress line too (it used to fail with no stream)
    assert "1/2 replications" in swapped.getvalue()


# --------------------------------------------------------------------------- plan


@pytest.mark.parametrize("workers", [[], ["--workers", "2"]])
def test_plan_ctrl_c_during_the_search_on_a_terminal_exits_130(tmp_path, workers):
    path = tmp_path / "busy.yaml"
    path.write_text(BUSY)
    folder = tmp_path / "plan"
    argv = ["plan", str(path), "--out", str(folder), *workers]
    code, out, err = _on_a_terminal(argv, "planning: evaluation", group=bool(workers))
    assert code == 130
    if "nothing to show" in err:  # no staffing had met every target yet: nothing finished, nothing written
        assert "ccsim: interrupted: the search had not finished a plan; nothing to show" in err
        assert out == "" and not folder.exists()  # the folder it made is taken back
    else:  # the planner hands back the last staffing that met every target: shown and written, partial
        assert "ccsim: interrupted: the plan shown is the best found so far (partial)" in err
        assert out.startswith("PARTIAL (interrupted): the best staffing meeting every target found so far")
        assert json.loads((folder / "plan.json").read_text())["interrupted"] is True
        assert json.loads((folder / cli.MANIFEST).read_text())["interrupted"] is True


def test_plan_interrupted_with_a_partial_plan_prints_and_writes_it_marked(desk, tmp_path, capsys, monkeypatch):
    from ccsim.planning import plan as real_plan
    from ccsim.planning.plan import PlanInterrupted

    best = real_plan(ccsim.load_scenario(desk), replications=3, max_evaluations=30)
    best = replace(best, sipp_result=None, sipp_misses=[], stopped="interrupted")  # as the planner hands it back

    def interrupted(*args, **kwargs):
        raise PlanInterrupted(best)

    monkeypatch.setattr("ccsim.planning.plan", interrupted)
    folder = tmp_path / "plan"
    assert main(["plan", desk, "--out", str(folder)]) == 130
    out, err = capsys.readouterr()
    assert out.startswith("PARTIAL (interrupted): the best staffing meeting every target found so far")
    assert "Staffing plan: Small desk" in out
    assert "ccsim: interrupted: the plan shown is the best found so far (partial)" in err
    assert json.loads((folder / "plan.json").read_text())["interrupted"] is True
    assert json.loads((folder / cli.MANIFEST).read_text())["interrupted"] is True
    assert {"plan.csv", "plan_variant.yaml", "plan.png"} <= {p.name for p in folder.iterdir()}
    assert main(["plan", desk, "--json"]) == 130
    assert json.loads(capsys.readouterr().out)["interrupted"] is True


def test_plan_files_are_written_before_the_roster_and_kept_when_it_is_interrupted(
    shifts, tmp_path, capsys, monkeypatch
):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("ccsim.planning.plan_roster", interrupt)
    folder = tmp_path / "plan"
    assert main(["plan", shifts, "--replications", "3", "--out", str(folder)]) == 130
    out, err = capsys.readouterr()
    assert "Staffing plan: Small desk" in out and "every target met" in out
    assert "ccsim: interrupted: the plan above is complete; the roster of shifts was not made" in err
    written = {p.name for p in folder.iterdir()}
    assert {"plan.csv", "plan.json", "plan_variant.yaml", "plan.png"} <= written
    assert not [n for n in written if n.startswith("roster")]
    assert main(["plan", shifts, "--replications", "3", "--json"]) == 130
    data = json.loads(capsys.readouterr().out)
    assert data["met"] and data["roster"] == {"made": False, "why": "interrupted"}


def test_a_roster_failure_keeps_the_plan_written_and_printed(shifts, tmp_path, capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise CcsimError("interval day 1 09:00 (required 1): no shift type can cover it")

    monkeypatch.setattr("ccsim.planning.plan_roster", fail)
    folder = tmp_path / "plan"
    assert main(["plan", shifts, "--replications", "3", "--out", str(folder)]) == 2
    out, err = capsys.readouterr()
    assert "Staffing plan: Small desk" in out
    assert err.strip().splitlines()[-1] == (
        "ccsim: error: the roster of shifts: interval day 1 09:00 (required 1): no shift type can cover it "
        "(the plan above is complete)"
    )
    assert {"plan.csv", "plan.json", "plan_variant.yaml", "plan.png"} <= {p.name for p in folder.iterdir()}


def test_the_roster_follows_the_plan_in_the_same_folder(shifts, tmp_path, capsys):
    folder = tmp_path / "plan"
    assert main(["plan", shifts, "--replications", "3", "--out", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert out.index("Staffing plan: Small desk") < out.index("Roster (the plan in shifts")
    assert err.count("wrote") == 2  # the plan first, then the plan with its roster
    manifest = json.loads((folder / cli.MANIFEST).read_text())
    assert {"plan.csv", "plan.json", "roster.csv", "roster_team.png"} <= set(manifest["files"])
    assert json.loads((folder / "plan.json").read_text())["roster"]["met"] in (True, False)


# --------------------------------------------------------------------------- compare


def _stop_on_call(monkeypatch, n, error):
    """Make compare's n-th simulation raise ``error`` (the earlier ones run)."""
    from ccsim import variants

    real, calls = variants.simulate, []

    def simulate(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(variants, "simulate", simulate)


def test_compare_interrupted_keeps_the_variants_finished(desk, tmp_path, capsys, monkeypatch):
    _stop_on_call(monkeypatch, 3, KeyboardInterrupt())
    html, xlsx, folder = tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "cmp"
    argv = ["compare", desk, "--replications", "2", "--seed", "1"]
    assert main([*argv, "--html", str(html), "--xlsx", str(xlsx), "--out", str(folder)]) == 130
    out, err = capsys.readouterr()
    note = "PARTIAL (stopped before the end): the comparison covers 2 of 3 runs; left out: hybrid"
    assert out.startswith(note) and "lean" in out and "fuller" in out
    assert "ccsim: interrupted: the comparison covers 2 of 3 runs; left out: hybrid" in err
    assert note in html.read_text()
    from openpyxl import load_workbook

    book = load_workbook(xlsx)
    assert book.sheetnames[0] == "PARTIAL" and book["PARTIAL"]["A1"].value == note
    data = json.loads((folder / "comparison.json").read_text())
    assert data["partial"] == note and set(data["variants"]) == {"lean", "fuller"}
    assert json.loads((folder / cli.MANIFEST).read_text())["partial"] == note
    assert note in (folder / "report.html").read_text()
    _stop_on_call(monkeypatch, 2, KeyboardInterrupt())
    assert main([*argv, "--json", "--baseline", "fuller"]) == 130  # the baseline did not finish: the first did
    data = json.loads(capsys.readouterr().out)
    assert data["baseline"] == "lean" and list(data["variants"]) == ["lean"]


def test_compare_interrupted_in_the_volume_sensitivity_keeps_the_whole_scales(desk, capsys, monkeypatch):
    _stop_on_call(monkeypatch, 5, KeyboardInterrupt())  # x1 (3 runs) done, x1.2 cut after one
    argv = ["compare", desk, "--replications", "2", "--seed", "1", "--volume-scale", "1.2", "--json"]
    assert main(argv) == 130
    data = json.loads(capsys.readouterr().out)
    assert data["volume_scales"] == [1.0] and len(data["variants"]) == 3
    # lean at x1.2 finished, but a scale is shown whole or not at all
    assert data["partial"].endswith("covers 3 of 6 runs; left out: lean at x1.2, fuller at x1.2, hybrid at x1.2")


def test_compare_interrupted_before_x1_shows_the_smaller_scale_finished(desk, capsys, monkeypatch):
    _stop_on_call(monkeypatch, 3, KeyboardInterrupt())  # the scales run in increasing order: x0.5 first
    argv = ["compare", desk, "--replications", "2", "--seed", "1", "--volume-scale", "0.5,0.8", "--json"]
    assert main(argv) == 130
    data = json.loads(capsys.readouterr().out)
    assert list(data["variants"]) == ["lean", "fuller"] and data["volume_scales"] == [0.5]
    assert data["partial"].endswith("; shown at volume x0.5 (no variant finished at x1)")
    assert data["partial"].startswith("PARTIAL (stopped before the end): the comparison covers 2 of 9 runs")
    assert [r["scale"] for r in data["sensitivity"]] == [0.5, 0.5] and data["break_even"] == []
    _stop_on_call(monkeypatch, 3, KeyboardInterrupt())
    assert main(argv[:-1]) == 130  # the text too
    out = capsys.readouterr().out
    assert out.startswith("PARTIAL") and "shown at volume x0.5" in out.splitlines()[0] and "fuller" in out


def test_compare_errors_name_the_variant_and_keep_those_finished(desk, capsys, monkeypatch):
    _stop_on_call(monkeypatch, 2, CcsimError("channels.phone: something the engine refused"))
    assert main(["compare", desk, "--replications", "2", "--seed", "1"]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("PARTIAL (stopped before the end): the comparison covers 1 of 3 runs")
    assert err.strip() == (
        "ccsim: error: variant fuller: channels.phone: something the engine refused "
        "(the comparison covers 1 of 3 runs; left out: fuller, hybrid)"
    )
    _stop_on_call(monkeypatch, 4, CcsimError("channels.phone: too much"))  # the first run of the x1.2 scale
    assert main(["compare", desk, "--replications", "2", "--seed", "1", "--volume-scale", "1.2"]) == 2
    out, err = capsys.readouterr()
    assert err.strip() == (
        "ccsim: error: variant lean at volume x1.2: channels.phone: too much "
        "(the comparison covers 3 of 6 runs; left out: lean at x1.2, fuller at x1.2, hybrid at x1.2)"
    )
    _stop_on_call(monkeypatch, 1, CcsimError("channels.phone: refused"))
    assert main(["compare", desk, "--replications", "2"]) == 2  # nothing finished: the error alone
    out, err = capsys.readouterr()
    assert out == "" and err.strip() == "ccsim: error: variant lean: channels.phone: refused"


def test_compare_names_the_variant_whose_planning_fails(tmp_path, capsys):
    path = tmp_path / "desk.yaml"
    path.write_text(
        DESK.replace("  hybrid: {overrides: {agent_groups: {team: {staffing: 6}}}}", "")
        + "  planned:\n    overrides:\n      agent_groups: {team: {staffing: plan}}\n"
        "      channels: {phone: {targets: null}}\n"
    )
    assert main(["compare", str(path), "--replications", "2", "--seed", "1", "--variants", "lean,planned"]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("PARTIAL") and err.startswith("ccsim: error: variant planned: ")
    assert len(err.strip().splitlines()) == 1


def test_compare_ctrl_c_while_planning_a_variant_keeps_those_finished(tmp_path):
    path = tmp_path / "busy.yaml"
    path.write_text(
        BUSY + "variants:\n  current: {}\n  planned: {overrides: {agent_groups: {team: {staffing: plan}}}}\n"
    )
    code, out, err = _on_a_terminal(["compare", str(path), "--json"], "compare: planned (2 of 2): planning: evaluation")
    assert code == 130, err
    data = json.loads(out)
    assert list(data["variants"]) == ["current"]
    assert data["partial"] == "PARTIAL (stopped before the end): the comparison covers 1 of 2 runs; left out: planned"


def test_compare_ctrl_c_on_a_terminal_with_workers(tmp_path):
    folder = tmp_path / "cmp"
    argv = [
        "compare", OUTSOURCING, "--variants", "in_house,outsourced,hybrid_nights", "--replications", "240",
        "--seed", "1", "--workers", "2", "--out", str(folder),
    ]  # fmt: skip
    code, out, err = _on_a_terminal(argv, "(2 of 3)", group=True)
    assert code == 130, err
    assert out.startswith("PARTIAL (stopped before the end): the comparison covers 1 of 3 runs")
    assert "compare: in_house (1 of 3): simulating" in err or "(2 of 3)" in err
    assert "ccsim: interrupted: the comparison covers 1 of 3 runs; left out: outsourced, hybrid_nights" in err
    assert list(json.loads((folder / "comparison.json").read_text())["variants"]) == ["in_house"]


# --------------------------------------------------------------------------- sweep


def test_an_interrupted_sweep_marks_the_point_with_fewer_replications(desk, capsys, monkeypatch):
    real = cli.Progress.__call__

    def interrupt(self, done, total):
        real(self, done, total)
        if done == 5:  # the second point after 2 of its 3 replications
            raise KeyboardInterrupt

    monkeypatch.setattr(cli.Progress, "__call__", interrupt)
    argv = ["sweep", desk, "--param", "agent_groups.team.staffing=3:5", "--replications", "3", "--seed", "1"]
    assert main(argv) == 130
    out, err = capsys.readouterr()
    assert "interrupted: 2 of 3 points simulated" in out
    assert "2 (partial)" in out
    assert "partial: the point 4 has 2 of 3 replications (interrupted): its figures are less certain" in out
    assert "ccsim: interrupted: the table covers 2 of 3 grid points" in err
    assert main([*argv, "--json"]) == 130
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["replications"] for r in rows] == [3, 2]


# --------------------------------------------------------------------------- a Ctrl-C as the workers shut down


@pytest.mark.parametrize("command", ["run", "sweep", "plan", "compare"])
def test_a_ctrl_c_after_the_work_is_done_loses_nothing(desk, tmp_path, capsys, monkeypatch, command):
    from contextlib import contextmanager

    @contextmanager
    def interrupted_on_shutdown(args):
        yield None
        raise KeyboardInterrupt  # as a process pool stopped by Ctrl-C while it closes

    monkeypatch.setattr("ccsim.cli.common.executor_arg", interrupted_on_shutdown)
    extra = {"sweep": ["--param", "agent_groups.team.staffing=3,4"], "plan": ["--max-evaluations", "30"]}
    folder = tmp_path / "out"
    argv = [command, desk, "--replications", "2", "--seed", "1", *extra.get(command, []), "--out", str(folder)]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert out.strip() and "PARTIAL" not in out and "interrupted" not in out.splitlines()[0]
    assert "ccsim: Ctrl-C came after the work had finished: nothing is lost" in err
    assert (folder / cli.MANIFEST).exists()


def test_a_ctrl_c_during_the_work_still_stops_it(desk, capsys, monkeypatch):
    from contextlib import contextmanager

    closed = []

    @contextmanager
    def pool(args):
        try:
            yield None
        finally:
            closed.append(True)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("ccsim.cli.common.executor_arg", pool)
    monkeypatch.setattr("ccsim.simulation.simulate", interrupt)
    assert main(["run", desk, "--replications", "2"]) == 130
    assert capsys.readouterr().err.strip() == "ccsim: interrupted" and closed == [True]
