"""Every example in the README runs: its Python blocks and its ccsim commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from ccsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def commands() -> list[str]:
    out = []
    for block in blocks("bash"):
        for line in block.splitlines():
            line = line.split(" #")[0].strip()
            if "ccsim " in line:
                out.append(line[line.index("ccsim ") :].split(" && ")[0].split(" > ")[0])
    return out


@pytest.fixture
def in_tmp_with_scenarios(tmp_path, monkeypatch):
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_opens_with_the_two_commands():
    first = blocks("bash")[0].strip().splitlines()
    assert first == [
        "pip install . && ccsim run scenarios/launch_sizing.yaml",
        'pip install ".[test]" && python -m pytest',
    ]
    ci = (ROOT / ".ci" / "run").read_text()
    assert first[1] in ci


@pytest.mark.parametrize("code", blocks("python"), ids=lambda c: c.splitlines()[0][:40])
def test_python_examples_run(code, in_tmp_with_scenarios):
    exec(compile(code, "README.md", "exec"), {})


#: README commands of 20 s or more run with the slow sweeps (the desk zoo plans such weeks in the default run)
SLOW_COMMANDS = ("ccsim plan scenarios/week_desk.yaml",)


@pytest.mark.parametrize(
    "line",
    [pytest.param(c, marks=[pytest.mark.slow] if c.startswith(SLOW_COMMANDS) else []) for c in commands()],
)
def test_ccsim_commands_run(line, in_tmp_with_scenarios, capsys):
    argv = []
    for arg in shlex.split(line)[1:]:  # expand globs as the shell would
        argv += sorted(str(p) for p in Path().glob(arg)) if "*" in arg else [arg]
    if argv[0] == "run" and "--replications" not in argv:
        argv += ["--replications", "2"]
    assert main(argv) == 0, capsys.readouterr().err


def test_every_reference_resolves_inside_the_repository():
    # links in the docs and paths named in scenario comments must exist in the repository
    import re

    missing = []
    for doc in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", doc.read_text()):
            if "://" not in target and not (doc.parent / target).exists():
                missing.append(f"{doc.name}: {target}")
    for scenario in (ROOT / "scenarios").glob("*.yaml"):
        for target in re.findall(r"\(((?:\.\./|docs/|scenarios/)[^)\s]+)\)", scenario.read_text()):
            if not (ROOT / target).resolve().is_relative_to(ROOT) or not (ROOT / target).exists():
                missing.append(f"{scenario.name}: {target}")
    assert not missing, missing
