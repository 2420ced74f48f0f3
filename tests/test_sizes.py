"""Absurd sizes: every command refuses work beyond its limit before it starts, with a hint that works for it."""

from __future__ import annotations

import time

import pytest

import ccsim
from ccsim.cli import main
from ccsim.errors import CcsimError
from ccsim.sweep import sweep

DESK = """\
name: Sized desk
calendar: {interval_min: 30, open: "09:00", close: "11:00"}
channels:
  phone:
    kind: voice
    volume: {per_day: PER_DAY}
    handle_time: {dist: exponential, mean_s: 180}
    patience: {dist: exponential, mean_s: 120}
    targets: {min_service_level: 0.8, answer_within_s: 20}
agent_groups:
  team: {skills: [phone], staffing: 4}
simulation: {replications: 3, seed: 3}
variants:
  lean: {overrides: {agent_groups: {team: {staffing: 3}}}}
  planned: {overrides: {agent_groups: {team: {staffing: plan}}}}
"""


def desk(tmp_path, per_day=120):
    path = tmp_path / f"desk_{per_day}.yaml"
    path.write_text(DESK.replace("PER_DAY", str(per_day)))
    return str(path)


def refused(capsys, argv, *needles):
    """The command exits 2 at once with one line holding every needle; what it says is returned."""
    t0 = time.perf_counter()
    assert main(argv) == 2
    assert time.perf_counter() - t0 < 10  # refused before any work, not after
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err
    return err


def test_plan_refuses_ninety_million_a_day_before_it_starts(tmp_path, capsys):
    folder = tmp_path / "plan"
    refused(
        capsys,
        ["plan", desk(tmp_path, 90_000_000), "--out", str(folder)],
        "channels.phone.volume.per_day: each simulation of the plan would simulate about 9e+09 contacts",
        "(100 replications; limit 2e+08)",
        "--replications",
    )
    assert not folder.exists()  # the --out folder is not even made


def test_plan_refuses_a_search_beyond_max_contacts_and_the_hint_works(tmp_path, capsys):
    path = desk(tmp_path)
    refused(
        capsys,
        ["plan", path, "--replications", "4", "--max-contacts", "1000"],
        "channels.phone.volume.per_day: the plan may simulate about",
        "(up to 200 evaluations of 4 replications; limit 1e+03)",
        "raise it with --max-contacts, or lower --max-evaluations",
    )
    # as the hint says: a smaller search, or a higher limit
    assert main(["plan", path, "--replications", "4", "--max-contacts", "1e6", "--max-evaluations", "40"]) == 0
    assert "every target met" in capsys.readouterr().out


def test_sweep_refuses_beyond_max_contacts_and_the_hint_works(tmp_path, capsys):
    path = desk(tmp_path)
    argv = ["sweep", path, "--param", "agent_groups.team.staffing=3:6", "--replications", "2"]
    refused(
        capsys,
        [*argv, "--max-contacts", "500"],
        "channels.phone.volume.per_day: the sweep would simulate about 9.6e+02 contacts (4 points x 2 replications;"
        " limit 5e+02); raise it with --max-contacts",
    )
    assert main([*argv, "--max-contacts", "1000"]) == 0
    capsys.readouterr()
    # a swept volume counts at its own value: the big point is what makes the sweep too big
    refused(
        capsys,
        ["sweep", path, "--param", "volume_scale=1,1e5", "--replications", "30"],
        "the sweep would simulate about 3.6e+08 contacts",
    )
    sc = ccsim.load_scenario(path)
    with pytest.raises(CcsimError, match=r"limit 10\); raise it with --max-contacts \(max_contacts= in Python\)"):
        sweep(sc, {"agent_groups.team.staffing": [3, 4]}, replications=1, max_contacts=10)
    with pytest.raises(CcsimError, match=r"^max_contacts: must be a number > 0, got 0$"):
        sweep(sc, {"agent_groups.team.staffing": [3, 4]}, replications=1, max_contacts=0)


def test_sweep_refuses_results_it_could_not_keep(tmp_path):
    sc = ccsim.load_scenario(desk(tmp_path)).replace({"calendar": {"days": 365, "open": None, "close": None}})
    # each point alone is within a run's limits (about 3 GiB); the sweep keeps all three
    ccsim.simulation._check_size(sc, 650, ccsim.simulation.MAX_CONTACTS)
    with pytest.raises(CcsimError, match=r"^replications: 3 points x 650 replications would keep about 9\.\d GiB"):
        sweep(sc, {"agent_groups.team.staffing": [3, 4, 5]}, replications=650)


def test_compare_refuses_beyond_max_contacts_naming_the_variant(tmp_path, capsys):
    path = desk(tmp_path)
    refused(
        capsys,
        ["compare", path, "--variants", "lean", "--replications", "2", "--max-contacts", "100"],
        "variant lean: channels.phone.volume.per_day: the comparison may simulate about 2.4e+02 contacts",
        "raise it with --max-contacts, or compare fewer --variants, --volume-scale factors or --replications",
    )
    assert main(["compare", path, "--variants", "lean", "--replications", "2", "--max-contacts", "300"]) == 0
    capsys.readouterr()
    # planning a variant is work too: the planner's search is counted before it starts
    refused(
        capsys,
        ["compare", path, "--variants", "lean,planned", "--replications", "2", "--max-contacts", "1e5"],
        "variant planned: channels.phone.volume.per_day: the comparison may simulate about",
    )
    # a single run beyond the library's limit: --max-contacts cannot raise it, the hint says what can
    refused(
        capsys,
        ["compare", desk(tmp_path, 90_000_000), "--variants", "lean", "--max-contacts", "1e12"],
        "variant lean: channels.phone.volume.per_day: one run would simulate about 2.7e+08 contacts",
        "give fewer --replications",
    )
    # and a what-if that makes it too big is refused the same way
    refused(
        capsys,
        ["compare", path, "--variants", "lean", "--volume-scale", "phone=5e5", "--replications", "10"],
        "variant lean: channels.phone.volume.per_day: one run would simulate about 6e+08 contacts",
    )
    refused(
        capsys,
        ["compare", path, "--variants", "lean", "--volume-scale", "phone=1e6"],
        "variant lean: channels.phone.volume.per_day: scaled by the volume scale 1e+06: must be <= 100,000,000",
    )


def test_compare_refuses_results_it_could_not_keep(tmp_path, capsys):
    path = tmp_path / "year.yaml"
    path.write_text(DESK.replace("PER_DAY", "120").replace('open: "09:00", close: "11:00"', "days: 365"))
    # each run alone is within a run's limits (about 3 GiB at 650 replications); the comparison keeps all three
    refused(
        capsys,
        ["compare", str(path), "--variants", "lean,planned", "--volume-scale", "1.2", "--replications", "650"],
        "--replications: 4 runs of 650 replications would keep about 1",
        "GiB of results (limit 8 GiB); compare fewer --variants, --volume-scale factors or --replications",
    )


def test_run_keeps_its_own_working_hint(tmp_path, capsys):
    refused(
        capsys,
        ["run", desk(tmp_path), "--replications", "3", "--max-contacts", "100"],
        "channels.phone.volume.per_day: the run would simulate about 3.6e+02 contacts",
        "raise it with --max-contacts",
    )
    assert main(["run", desk(tmp_path), "--replications", "3", "--max-contacts", "400"]) == 0
