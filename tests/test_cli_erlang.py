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
from ccsim.erlang import erlang_a_metrics, erlang_b, required_agents, required_trunks

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


def test_batch_table_to_stdout_ends_with_totals(capsys):
    code, out, _ = run(capsys, "erlang", "--csv", str(DAY), "--max-asa-s", "15", "--shrinkage", "25%")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 26  # header + 24 intervals + totals
    src = list(csv.DictReader(DAY.open()))
    vol = np.array([float(r["volume"]) for r in src])
    ref = required_agents(vol / 1800, np.array([float(r["aht_s"]) for r in src]), max_asa_s=15, shrinkage=0.25)
    assert lines[-1] == (
        f"total over 24 intervals: {vol.sum():,.6g} contacts, peak {ref.agents.max()} agents on duty "
        f"({ref.scheduled_agents.max()} scheduled), {ref.agents.sum() / 2:,.1f} agent-hours on duty, "
        f"{ref.scheduled_agents.sum() / 2:,.1f} scheduled agent-hours"
    )


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (
            ["erlang", "--volume", "-5", "--aht-s", "180", "--agents", "3"],
            "--volume: must be a finite number >= 0, got -5",
        ),
        (["erlang", "--volume", "x"], "argument --volume: must be a number, got 'x'"),
        (["erlang", "--volume", "100", "--aht-s", "180"], "give agents to evaluate, or a target"),
        (["erlang", "--volume", "100", "--min-service-level", "0.8"], "--aht-s"),
        (["erlang", "--aht-s", "180", "--min-service-level", "0.8"], "exactly one of"),
        (
            ["erlang", "--volume", "100", "--aht-s", "180", "--min-service-level", "1.5"],
            "--min-service-level: must be in (0, 1), got 1.5",
        ),
        (
            ["erlang", "--volume", "100", "--aht-s", "180", "--agents", "20", "--min-service-level", "150%"],
            "--min-service-level: must be in (0, 1), got 1.5",
        ),
        (["erlang", "--volume", "100", "--aht-s", "180", "--max-abandon-rate", "0.1"], "needs --patience-s"),
        (["erlang", "--volume", "100", "--aht-s", "180", "--agents", "2.5"], "--agents: must be a whole number >= 0"),
        (["erlang", "--volume", "100", "--aht-s", "180", "--max-asa-s", "20", "--shrinkage", "1"], "--shrinkage"),
        (["erlang", "--volume", "100", "--aht-s", "180", "--max-asa-s", "20", "--interval-min", "0"], "--interval-min"),
        (["erlang", "--rate-per-hour", "-1", "--aht-s", "180", "--max-asa-s", "20"], "--rate-per-hour: must be"),
        (["erlang", "--volume", "9", "--aht-s", "180", "--max-blocking", "0"], "--max-blocking: must be in (0, 1]"),
        (
            ["erlang", "--volume", "9", "--aht-s", "180", "--max-blocking", "1%", "--max-asa-s", "20"],
            "--max-blocking: Erlang B has no queue: not with --max-asa-s",
        ),
        (["erlang", "--volume", "9", "--aht-s", "9", "--max-blocking", "1%", "--patience-s", "60"], "--patience-s"),
        (["erlang", "--csv", "/nonexistent.csv", "--max-asa-s", "20"], "no such file"),
        (["nosuchcommand"], "invalid choice"),
    ],
)
def test_errors_are_one_line_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("interval,volume,aht_s\n09:00,100,180\n09:30,abc,180\n", "line 3, column volume: must be a number, got 'abc'"),
        ("interval,volume,aht_s\n09:00,100,180\n09:30,,180\n", "line 3, column volume: must be a number, got an empty"),
        (
            "interval,volume,aht_s\n09:00,100,180\n09:30,-4,180\n",
            "line 3, column volume: must be a finite number >= 0, got -4",
        ),
        ("interval,volume,aht_s\n09:00,100,0\n", "line 2, column aht_s: must be a finite number > 0, got 0"),
        (
            "interval,volume,aht_s,agents\n09:00,100,60,2.5\n",
            "line 2, column agents: must be a whole number >= 0, got 2.5",
        ),
        (
            "interval,volume,aht_s\n09:00,100\n",
            "line 2, column aht_s: needs a value, got a row of 2 cells (the header has 3)",
        ),
        ("interval,volume,aht_s\n09:00,100,180,7\n", "line 2, column 4: the row has 4 cells, the header only 3"),
        ("interval,volume,volume\n09:00,100,180\n", "line 1, column volume: a column name must appear once"),
        ("interval;volume;aht_s\n09:00;100;180\n", "the columns must be separated by commas"),
        ("interval,calls\n09:00,100\n", "needs a 'volume' column"),
        ("interval,volume,aht_s\n", "no intervals"),
        ("", "empty file"),
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
    assert len(err.strip().splitlines()) == 1 and needle in err, err
    if "line" in needle:
        assert err.startswith(f"ccsim: error: {f}, line ")
    assert out_file.read_text() == "previous result\n"  # nothing already written is lost


def test_every_csv_problem_is_reported_at_once(capsys, tmp_path):
    f = tmp_path / "day.csv"
    f.write_text(
        "start,volume,aht_s,agents\n"
        "09:00,100,180,14\n"
        "09:30,abc,180,14\n"  # not a number
        "\n"  # a blank line: skipped, but counted in the line numbers
        "10:00,90,-3,x\n"  # two problems in one row
        "10:30,80\n"  # short row: two numeric columns missing
        ",,,\n"  # an empty row a spreadsheet leaves: skipped
        "11:00,-1,180,3\n"
    )
    code, out, err = run(capsys, "erlang", "--csv", str(f), "--json")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"ccsim: error: {f}, line 3, column volume: must be a number, got 'abc'",
        f"ccsim: error: {f}, line 5, column aht_s: must be a finite number > 0, got -3",
        f"ccsim: error: {f}, line 5, column agents: must be a number, got 'x'",
        f"ccsim: error: {f}, line 6, columns aht_s, agents: needs a value, got a row of 2 cells (the header has 4)",
        f"ccsim: error: {f}, line 8, column volume: must be a finite number >= 0, got -1",
    ]


def test_extra_columns_pass_through_to_csv_json_and_table(capsys, tmp_path):
    f = tmp_path / "day.csv"
    f.write_text(
        "date,start,volume,queue,aht_s,note\n"
        '2024-05-06,09:00,100,sales,180,"launch, day 1"\n'
        "2024-05-06,09:30,80,sales,180,\n"
    )
    out_file = tmp_path / "plan.csv"
    argv = ["erlang", "--csv", str(f), "--min-service-level", "80%"]
    assert run(capsys, *argv, "--out", str(out_file))[0] == 0
    rows = list(csv.DictReader(out_file.open()))
    assert list(rows[0])[:6] == ["date", "start", "volume", "queue", "aht_s", "note"]  # the file's order
    assert [(r["date"], r["start"], r["queue"], r["note"]) for r in rows] == [
        ("2024-05-06", "09:00", "sales", "launch, day 1"),
        ("2024-05-06", "09:30", "sales", ""),
    ]
    assert rows[0]["agents"] == "14"
    code, out, _ = run(capsys, *argv, "--json")
    assert code == 0
    got = json.loads(out)
    assert got[0]["queue"] == "sales" and got[0]["note"] == "launch, day 1" and got[0]["agents"] == 14
    _, out, _ = run(capsys, *argv)
    header, first = out.splitlines()[:2]
    assert header.split()[:6] == ["date", "start", "volume", "queue", "aht_s", "note"]
    assert "2024-05-06" in first and "sales" in first and "launch, day 1" in first


def test_result_columns_in_the_file_are_recomputed_with_a_note(capsys, tmp_path):
    plan = tmp_path / "plan.csv"
    assert run(capsys, "erlang", "--csv", str(DAY), "--min-service-level", "80%", "--out", str(plan))[0] == 0
    # the plan fed back (one agent less at 09:00): it is evaluated, the result columns recomputed
    text = plan.read_text().splitlines()
    cells = text[3].split(",")
    agents_at = text[0].split(",").index("agents")
    cells[agents_at] = str(int(cells[agents_at]) - 1)
    text[3] = ",".join(cells)
    plan.write_text("\n".join(text) + "\n")
    code, out, err = run(capsys, "erlang", "--csv", str(plan), "--min-service-level", "80%", "--json")
    assert code == 0
    assert err.startswith(f"ccsim: note: {plan}: column(s) rate_per_hour, offered_load, scheduled_agents, p_wait")
    rows = json.loads(out)
    assert [r["targets"] for r in rows].count("met") == 23
    assert rows[2]["targets"] == "MISSED: min_service_level" and rows[2]["agents_needed"] == rows[2]["agents"] + 1
    assert rows[2]["service_level"] < 0.8 <= rows[3]["service_level"]


def test_agents_column_with_targets_marks_each_row(capsys, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text("start,volume,aht_s,agents\n09:00,100,180,14\n09:30,100,180,12\n10:00,100,180,11\n10:30,0,180,0\n")
    code, out, _ = run(capsys, "erlang", "--csv", str(f), "--min-service-level", "80%", "--max-asa-s", "20")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split()[-2:] == ["agents_needed", "targets"]
    assert lines[1].split()[-2:] == ["14", "met"]
    assert lines[2].endswith(" 14  MISSED: min_service_level, max_asa_s")
    assert lines[3].endswith(" 14  MISSED: min_service_level, max_asa_s")  # 11 agents: unstable
    assert lines[4].split()[-2:] == ["0", "met"]
    assert lines[-1].endswith("; targets met in 2 of 4 intervals")
    ref = required_agents(100 / 1800, 180, answer_within_s=20, min_service_level=0.8, max_asa_s=20)
    assert ref.agents == 14
    # each target alone decides its own mark: 13 agents meet the ASA target but not the service level
    code, out, _ = run(
        capsys,
        "erlang",
        "--volume",
        "100",
        "--aht-s",
        "180",
        "--agents",
        "13",
        "--min-service-level",
        "80%",
        "--max-asa-s",
        "20",
        "--json",
    )
    got = json.loads(out)
    assert got["targets"] == "MISSED: min_service_level" and got["agents_needed"] == 14
    code, out, _ = run(
        capsys,
        "erlang",
        "--volume",
        "100",
        "--aht-s",
        "180",
        "--agents",
        "13",
        "--min-service-level",
        "80%",
        "--max-asa-s",
        "20",
    )
    assert "target >= 80.00 %: MISSED" in out and "target <= 20 s: met" in out and "agents needed" in out


def test_agents_flag_applies_to_every_row_of_a_file_without_the_column(capsys):
    code, out, _ = run(capsys, "erlang", "--csv", str(DAY), "--agents", "20", "--max-asa-s", "30", "--json")
    assert code == 0
    rows = json.loads(out)
    assert {r["agents"] for r in rows} == {20}
    assert any(r["targets"] != "met" for r in rows) and any(r["targets"] == "met" for r in rows)


def test_erlang_b_sizing_and_blocking(capsys, tmp_path):
    code, out, _ = run(capsys, "erlang", "--rate-per-hour", "120", "--aht-s", "180", "--max-blocking", "1%", "--json")
    assert code == 0
    got = json.loads(out)
    ref = required_trunks(6.0, 0.01)
    assert got["agents"] == ref.agents == 13 and got["blocking"] == pytest.approx(erlang_b(6.0, 13), rel=1e-12)
    assert erlang_b(6.0, 12) > 0.01 >= got["blocking"]
    code, out, _ = run(
        capsys, "erlang", "--rate-per-hour", "120", "--aht-s", "180", "--agents", "10", "--max-blocking", "1%"
    )
    assert code == 0
    assert "Erlang B" in out and f"{100 * erlang_b(6.0, 10):.2f} %" in out and "MISSED" in out
    assert "agents needed" in out and " 13 " in out
    f = tmp_path / "trunks.csv"
    f.write_text("hour,volume,aht_s\n9,120,180\n10,0,180\n")
    code, out, _ = run(capsys, "erlang", "--csv", str(f), "--interval-min", "60", "--max-blocking", "0.01", "--json")
    rows = json.loads(out)
    assert [r["agents"] for r in rows] == [required_trunks(6.0, 0.01).agents, 0] and rows[0]["hour"] == "9"


def test_no_help_shows_a_double_percent(capsys):
    for argv in ([], ["run"], ["erlang"], ["validate"], ["schema"]):
        assert main([*argv, "--help"]) == 0
        out = capsys.readouterr().out
        assert "%%" not in out and "usage: ccsim" in out, argv
    main(["erlang", "--help"])
    assert "80%" in capsys.readouterr().out
    main(["run", "--help"])
    assert "95 % confidence" in " ".join(capsys.readouterr().out.split())


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
