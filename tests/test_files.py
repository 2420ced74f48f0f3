"""`ccsim.files.write_atomic`: whole files, with the permissions the umask gives."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from ccsim.cli import main
from ccsim.files import file_mode, write_atomic

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


@pytest.fixture
def umask():
    """Set a umask for one test and restore the previous one."""
    saved = os.umask(0o022)
    os.umask(saved)
    yield os.umask
    os.umask(saved)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_get_the_umask_permissions(tmp_path, umask, mask, expected):
    umask(mask)
    assert file_mode() == expected
    write_atomic(tmp_path / "a.txt", "text")
    write_atomic(tmp_path / "b.bin", b"\x00\x01")
    assert mode(tmp_path / "a.txt") == expected and mode(tmp_path / "b.bin") == expected
    (tmp_path / "a.txt").chmod(0o600)
    write_atomic(tmp_path / "a.txt", "replaced")  # a replaced file is a new file
    assert mode(tmp_path / "a.txt") == expected and (tmp_path / "a.txt").read_text() == "replaced"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.bin"]  # no temporary file left


def test_cli_output_files_respect_the_umask(tmp_path, umask, capsys):
    umask(0o027)
    plan = tmp_path / "plan.csv"
    args = ["erlang", "--csv", str(ROOT / "scenarios" / "forecast_day.csv"), "--max-asa-s", "20"]
    assert main([*args, "--out", str(plan)]) == 0
    assert mode(plan) == 0o640
    out = tmp_path / "results"
    scenario = str(ROOT / "scenarios" / "textbook_erlang_c.yaml")
    assert main(["run", scenario, "--replications", "1", "--out", str(out)]) == 0
    assert {mode(p) for p in out.iterdir()} == {0o640}
    assert stat.S_IMODE(out.stat().st_mode) == 0o750  # the folder follows the umask too


def test_a_failed_write_leaves_the_previous_file(tmp_path):
    target = tmp_path / "keep.txt"
    write_atomic(target, "old")
    with pytest.raises(TypeError):
        write_atomic(target, 42)  # type: ignore[arg-type]
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
