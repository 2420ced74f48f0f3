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
DAY = str(ROOT / "scenarios" / "forecast_day.csv")


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
        (["run", TEXTBOOK, "--replications", "0"], "argument --replications: must be a whole number >= 1, got '0'"),
        (["run", TEXTBOOK, "--replications", "-3"], "argument --replications: must be a whole number >= 1, got '-3'"),
        (["run", TEXTBOOK, "--replications", "2.5"], "argument --replications: must be a whole number >= 1, got '2.5'"),
        (["run", TEXTBOOK, "--seed", "-1"], "argument --seed: must be a whole number >= 0, got '-1'"),
        (
            ["run", OUTSOURCING, "--variant", "in_house", "--variant", "outsourced"],
            "argument --variant: given twice ('in_house' and 'outsourced'); give it once",
        ),
        (["run", TEXTBOOK, "--max-contacts", "0"], "argument --max-contacts: must be a number > 0, got '0'"),
        (["run", TEXTBOOK, "--max-contacts", "lots"], "argument --max-contacts: must be a number, got 'lots'"),
        (["run", TEXTBOOK, "--out", TEXTBOOK], "exists and is not a folder"),
        (["run", DAY], f"{DAY}: a CSV file, not a YAML scenario; for a CSV of intervals use ccsim erlang --csv {DAY}"),
    ],
)
def test_errors_are_one_line_exit_2(capsys, argv, needle):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and needle in err, err


def test_the_same_variant_twice_is_not_ambiguous(capsys):
    argv = ["run", OUTSOURCING, "--variant", "in_house", "--variant", "in_house", "--replications", "1", "--json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["variant"] == "in_house"


def test_a_csv_is_recognised_by_its_content_too(tmp_path, capsys):
    day = tmp_path / "day.txt"
    day.write_text("interval_start,volume,aht_s\n08:00,50,201\n")
    for command in ("run", "validate"):
        assert main([command, str(day)]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and f"use ccsim erlang --csv {day}" in err, err
    # a broken YAML scenario keeps its own error
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nchannels: [\n")
    assert main(["run", str(bad)]) == 2
    assert "YAML syntax error" in capsys.readouterr().err


def test_max_contacts_refuses_a_run_before_it_starts(tmp_path, capsys):
    out = tmp_path / "results"
    # the textbook scenario offers 4,800 calls a replication: 3 replications are 14,400
    code = main(["run", TEXTBOOK, "--replications", "3", "--max-contacts", "10000", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "channels.phone.volume" in err and "limit 1e+04" in err and "--max-contacts" in err
    assert not any(out.iterdir())  # nothing simulated, nothing written
    assert main(["run", TEXTBOOK, "--replications", "3", "--seed", "1", "--max-contacts", "2e4"]) == 0
    assert "3 replications, seed 1" in capsys.readouterr().out


def test_out_replaces_the_previous_runs_files(tmp_path, capsys):
    out = tmp_path / "results"
    omni = str(ROOT / "scenarios" / "omnichannel_chatbot.yaml")
    assert main(["run", omni, "--replications", "1", "--seed", "1", "--out", str(out)]) == 0
    first = {p.name for p in out.iterdir()}
    manifest = json.loads((out / cli.MANIFEST).read_text())
    assert set(manifest["files"]) == first - {cli.MANIFEST}
    assert len([n for n in first if n.startswith("service_level_")]) == 4
    (out / ".DS_Store").write_text("")  # hidden files are left alone
    (out / "notes.txt").write_text("mine")  # and so are files ccsim did not write
    capsys.readouterr()
    assert main(["run", TEXTBOOK, "--replications", "1", "--seed", "1", "--out", str(out)]) == 0
    assert "removed the previous run's service_level_chat.png, service_level_email.png" in capsys.readouterr().err
    second = {p.name for p in out.iterdir()}
    assert [n for n in second if n.startswith("service_level_")] == ["service_level_phone.png"]
    assert {".DS_Store", "notes.txt", cli.MANIFEST} <= second
    manifest = json.loads((out / cli.MANIFEST).read_text())
    assert set(manifest["files"]) == second - {".DS_Store", "notes.txt", cli.MANIFEST}
    assert manifest["scenario"] == "Textbook Erlang C queue"
    assert json.loads((out / "result.json").read_text())["scenario"] == "Textbook Erlang C queue"
    assert not [n for n in second if n.endswith(".tmp")]


def test_out_refuses_a_folder_ccsim_did_not_write(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / ".DS_Store").write_text("")
    assert main(["run", TEXTBOOK, "--replications", "1", "--out", str(out)]) == 0  # only hidden files: empty
    capsys.readouterr()
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.png").write_bytes(b"meow")
    assert main(["run", TEXTBOOK, "--replications", "1", "--out", str(other)]) == 2
    out_text, err = capsys.readouterr()
    assert out_text == "" and len(err.strip().splitlines()) == 1
    assert f"--out: {other} is not empty and has no {cli.MANIFEST}" in err and "cat.png" in err
    assert [p.name for p in other.iterdir()] == ["cat.png"]
    (other / cli.MANIFEST).write_text('{"files": ["../../etc/passwd"]}')
    assert main(["run", TEXTBOOK, "--replications", "1", "--out", str(other)]) == 2
    assert "is not a ccsim manifest" in capsys.readouterr().err


def test_a_failed_write_keeps_the_printed_result(tmp_path, capsys, monkeypatch):
    out = tmp_path / "results"

    def disk_full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ccsim.files.write_atomic", disk_full)
    assert main(["run", TEXTBOOK, "--replications", "2", "--seed", "3", "--out", str(out)]) == 2
    stdout, err = capsys.readouterr()
    assert "2 replications, seed 3" in stdout  # what was computed is shown
    assert err.strip() == f"ccsim: error: --out: cannot write {out / cli.MANIFEST}: No space left on device"


def test_interrupt_keeps_finished_replications(monkeypatch, capsys, tmp_path):
    real = cli.Progress.__call__

    def interrupt_after_two(self, done, total):
        real(self, done, total)
        if done == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli.Progress, "__call__", interrupt_after_two)
    assert main(["run", TEXTBOOK, "--replications", "6", "--seed", "1"]) == 130
    out, err = capsys.readouterr()
    assert "2 replications of 6 (interrupted)" in out
    assert err.strip() == "ccsim: interrupted: results cover the 2 finished replications"
    # the partial result is written and printed as JSON too
    folder = tmp_path / "partial"
    assert main(["run", TEXTBOOK, "--replications", "6", "--seed", "1", "--json", "--out", str(folder)]) == 130
    out, err = capsys.readouterr()
    assert json.loads(out)["replications"] == 2 and json.loads(out)["interrupted"] is True
    assert json.loads((folder / "result.json").read_text())["replications"] == 2
    assert "wrote" in err and "interrupted" in err


def test_interrupt_before_any_replication_exits_130(monkeypatch, capsys):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("ccsim.simulation.simulate", interrupt)
    assert main(["run", TEXTBOOK, "--replications", "6"]) == 130
    assert capsys.readouterr().err.strip() == "ccsim: interrupted"


def test_help_version_and_argument_parsing_do_not_import_the_heavy_libraries():
    code = (
        "import sys\n"
        "import ccsim, ccsim.cli\n"
        "parser = ccsim.cli.build_parser()\n"
        "parser.parse_args(['run', 'x.yaml', '--replications', '3', '--variant', 'a'])\n"
        "parser.parse_args(['erlang', '--volume', '100', '--aht-s', '180', '--min-service-level', '80%'])\n"
        "assert ccsim.cli.main(['--version']) == 0\n"
        "assert ccsim.cli.main(['run', '--help']) == 0\n"
        "assert ccsim.cli.main(['run', 'x.yaml', '--replications', '0']) == 2\n"
        "heavy = [m for m in ('numpy', 'scipy', 'matplotlib', 'pydantic', 'simpy', 'yaml') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "HEAVY []" in res.stdout


def test_lazy_package_keeps_every_public_name():
    import ccsim

    for name in ccsim.__all__:
        assert getattr(ccsim, name) is not None
    from ccsim import SimulationResult, simulate
    from ccsim.results import SimulationResult as direct

    assert SimulationResult is direct and simulate.__module__ == "ccsim.simulation"
    assert ccsim.erlang.erlang_b(0.0, 1) == 0.0  # submodules as attributes, as before
    assert set(ccsim.__all__) <= set(dir(ccsim))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ccsim.nope  # noqa: B018


def test_console_entry_point_runs_a_bundled_scenario():
    res = subprocess.run(
        [sys.executable, "-m", "ccsim", "run", TEXTBOOK, "--replications", "2"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert "service level" in res.stdout


@pytest.mark.parametrize("command", ["run", "plan", "sweep", "compare"])
def test_max_contacts_help_shows_the_library_default(capsys, command):
    from ccsim.simulation import MAX_CONTACTS

    assert main([command, "--help"]) == 0
    assert f"(default {MAX_CONTACTS:.0e})".replace("e+0", "e") in " ".join(capsys.readouterr().out.split())
