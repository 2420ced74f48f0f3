"""`ccsim erlang`: flags, batch CSV round trips, and one-line errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ccsim.cli import main
from ccsim.erlang import erlang_a_metrics, required_agents

ROOT = Path(__file__).resolve().parents[1]
DAY = ROOT / "scenarios" / "forecast_day.csv"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_single_interval_sizing_table(capsys):
    code, out, err = run(
        capsys, "erlang", "--volume", "100", "--aht-s", "180", "--min-service-level", "80%", "--shrinkage", "0.3"
    )
    assert code == 0 and err == ""
    assert "agents on duty" in out and " 14 " in out
    assert "scheduled agents" in out and " 20 " in out
    assert "88.84 %" in out and "met" in out


def test_single_interval_json_matches_the_library(capsys):
    code, out, _ = run(
        capsys, "erlang", "--rate-per-hour", "200", "--aht-s", "180", "--agents", "9", "--patience-s", "120", "--json"
    )
    assert code == 0
    got = json.loads(out)
    ref = erlang_a_metrics(200 / 3600, 180, 120, 9, 20)
    assert got["agents"] == 9
    for key in ("p_wait", "p_abandon", "service_level", "asa_s", "mean_wait_all_s", "occupancy"):
        assert got[key] == pytest.approx(getattr(ref, key), rel=1e-12)


def test_unstable_interval_json_has_null_for_infinite_asa(capsys):
    code, out, _ = run(capsys, "erlang", "--volume", "100", "--aht-s", "180", "--agents", "9", "--json")
    assert code == 0
    got = json.loads(out)
    assert got["asa_s"] is None and got["service_level"] == 0.0


def test_batch_csv_round_trip(capsys, tmp_path):
    out_file = tmp_path / "plan.csv"
    code, out, _ = run(
        capsys,
        "erlang",
        "--csv",
        str(DAY),
        "--min-service-level",
        "0.8",
        "--answer-within-s",
        "20",
        "--shrinkage",
        "0.3",
        "--out",
        str(out_file),
    )
    assert code == 0 and "wrote 24 intervals" in out
    rows = list(csv.DictReader(out_file.open()))
    src = list(csv.DictReader(DAY.open()))
    assert [r["interval_start"] for r in rows] == [r["interval_start"] for r in src]
    vol = np.array([float(r["volume"]) for r in src])
    aht = np.array([float(r["aht_s"]) for r in src])
    ref = required_agents(vol / 1800, aht, answer_within_s=20, min_service_level=0.8, shrinkage=0.3)
    assert [int(r["agents"]) for r in rows] == list(ref.agents)
    assert [int(r["scheduled_agents"]) for r in rows] == list(ref.scheduled_agents)


def test_batch_with_agents_column_evaluates(capsys, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text("start,volume,aht_s,agents\n09:00,100,180,14\n09:30,0,180,0\n")
    code, out, _ = run(capsys, "erlang", "--csv", str(f), "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["start"] == "09:00" and rows[0]["service_level"] == pytest.approx(0.88835, abs=1e-5)
    assert rows[1]["service_level"] == 1.0


def test_batch_table_to_stdout(capsys):
    code, out, _ = run(capsys, "erlang", "--csv", str(DAY), "--max-asa-s", "15")
    assert code == 0
    assert len(out.strip().splitlines()) == 25  # header + 24 intervals


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["erlang", "--volume", "-5", "--aht-s", "180", "--agents", "3"], "volume: must be a finite number >= 0"),
        (["erlang", "--volume", "x"], "not a number"),
        (["erlang", "--volume", "100", "--aht-s", "180"], "give agents to evaluate, or a target"),
        (["erlang", "--volume", "100", "--min-service-level", "0.8"], "--aht-s"),
        (["erlang", "--aht-s", "180", "--min-service-level", "0.8"], "exactly one of"),
        (
            ["erlang", "--volume", "100", "--aht-s", "180", "--min-service-level", "1.5"],
            "min_service_level: must be in (0, 1)",
        ),
        (["erlang", "--volume", "100", "--aht-s", "180", "--max-abandon-rate", "0.1"], "patience_s"),
        (["erlang", "--volume", "100", "--aht-s", "180", "--agents", "2.5"], "not a whole number"),
        (["erlang", "--volume", "100", "--aht-s", "180", "--max-asa-s", "20", "--shrinkage", "1"], "shrinkage"),
        (["erlang", "--volume", "100", "--aht-s", "180", "--max-asa-s", "20", "--interval-min", "0"], "--interval-min"),
        (["erlang", "--csv", "/nonexistent.csv", "--max-asa-s", "20"], "no such file"),
        (["nosuchcommand"], "invalid choice"),
    ],
)
def test_errors_are_one_line_exit_2(capsys, argv, needle):
    with pytest.raises(SystemExit) if argv[-1] in ("x", "2.5", "nosuchcommand") else _nullcontext() as info:
        code = main(argv)
    code = info.value.code if info is not None and hasattr(info, "value") else code
    _, err = capsys.readouterr()
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err


class _nullcontext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("interval,volume,aht_s\n09:00,100,180\n09:30,abc,180\n", ":3: column 'volume' must be a number"),
        ("interval,volume,aht_s\n09:00,100,180\n09:30,-4,180\n", ":3: column 'volume' must be a finite number >= 0"),
        ("interval,volume,aht_s\n09:00,100,0\n", ":2: column 'aht_s' must be a finite number > 0"),
        ("interval,calls\n09:00,100\n", "needs a 'volume' column"),
        ("interval,volume,aht_s\n", "no intervals"),
        ("interval,volume\n09:00,100\n", "--aht-s"),
    ],
)
def test_bad_csv_names_file_line_and_column(capsys, tmp_path, content, needle):
    f = tmp_path / "bad.csv"
    f.write_text(content)
    out_file = tmp_path / "out.csv"
    out_file.write_text("previous result\n")
    code, _, err = run(capsys, "erlang", "--csv", str(f), "--min-service-level", "0.8", "--out", str(out_file))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and needle in err
    assert out_file.read_text() == "previous result\n"  # nothing already written is lost


def test_python_dash_m_and_console_script_agree():
    args = ["erlang", "--volume", "100", "--aht-s", "180", "--min-service-level", "0.8", "--json"]
    a = subprocess.run([sys.executable, "-m", "ccsim", *args], capture_output=True, text=True, check=True)
    assert json.loads(a.stdout)["agents"] == 14
    bad = subprocess.run(
        [sys.executable, "-m", "ccsim", "erlang", "--volume", "-1", "--aht-s", "1", "--agents", "1"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.splitlines()) == 1
