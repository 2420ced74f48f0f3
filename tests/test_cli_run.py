"""`ccsim run`: summary table, JSON, output files, errors, interruption."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ccsim import cli
from ccsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = str(ROOT / "scenarios" / "textbook_erlang_c.yaml")
OUTSOURCING = str(ROOT / "scenarios" / "outsourcing_comparison.yaml")


def test_summary_table_marks_targets(capsys):
    assert main(["run", TEXTBOOK, "--replications", "3", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Textbook Erlang C queue" in out and "3 replications, seed 1" in out
    assert "service level" in out and "occupancy" in out
    assert "phone: service level" in out and ("met" in out or "MISSED" in out)


def test_json_is_the_whole_result(capsys):
    assert main(["run", OUTSOURCING, "--variant", "hybrid_nights", "--replications", "2", "--seed", "4", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["variant"] == "hybrid_nights" and data["seed"] == 4 and data["replications"] == 2
    assert {r["group"] for r in data["groups"]} == {"staff", "vendor_agents", "all"}
    assert len(data["intervals"]) == 7 * 24
    assert all(t["kpi"] in ("service_level", "abandon_rate", "asa_s") for t in data["targets"])


def test_out_writes_tables_and_plots(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["run", TEXTBOOK, "--replications", "2", "--seed", "2", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "wrote" in err
    names = {p.name for p in out.iterdir()}
    assert {"channels.csv", "groups.csv", "intervals.csv", "group_intervals.csv", "result.json"} <= names
    assert {"service_level_phone.png", "queue_length.png", "occupancy.png"} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    rows = list(csv.DictReader((out / "intervals.csv").open()))
    assert len(rows) == 48 and "service_level_ci95" in rows[0]
    assert (out / "occupancy.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_same_seed_same_output(capsys):
    # no timing in the result: identical inputs give byte-identical output
    main(["run", TEXTBOOK, "--replications", "2", "--seed", "9", "--json"])
    a = capsys.readouterr().out
    main(["run", TEXTBOOK, "--replications", "2", "--seed", "9", "--json"])
    b = capsys.readouterr().out
    assert a == b and "elapsed" not in a


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "/nonexistent.yaml"], "no such file"),
        (["run", OUTSOURCING, "--variant", "hybrid"], "no variant 'hybrid'"),
        (["run", TEXTBOOK, "--replications", "0"], "replications: must be a whole number >= 1"),
        (["run", TEXTBOOK, "--out", TEXTBOOK], "exists and is not a folder"),
    ],
)
def test_errors_are_one_line_exit_2(capsys, argv, needle):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and needle in err


def test_interrupt_keeps_finished_replications(monkeypatch, capsys):
    real = cli._Progress.__call__

    def interrupt_after_two(self, done, total):
        real(self, done, total)
        if done == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli._Progress, "__call__", interrupt_after_two)
    assert main(["run", TEXTBOOK, "--replications", "6", "--seed", "1"]) == 0
    out, err = capsys.readouterr()
    assert "2 replications of 6 (interrupted)" in out
    assert "interrupted" in err


def test_console_entry_point_runs_a_bundled_scenario():
    res = subprocess.run(
        [sys.executable, "-m", "ccsim", "run", TEXTBOOK, "--replications", "2"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert "service level" in res.stdout
