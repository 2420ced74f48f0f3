"""The simulation API: staffing overrides, executors, per-replication results, paired comparisons."""

from __future__ import annotations

import ast
import copy
import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import ccsim
from ccsim import CcsimError, compare, load_scenario, run_replication, scenario_from_dict, simulate
from ccsim.results import KpiError

ROOT = Path(__file__).resolve().parents[1]

DESK = {
    "name": "desk",
    "calendar": {"interval_min": 30, "open": "08:00", "close": "11:00", "days": 2},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 700, "profile": [1, 2, 3, 3, 2, 1]},
            "handle_time": {"dist": "lognormal", "mean_s": 200, "cv": 0.7},
            "patience": {"dist": "exponential", "mean_s": 90},
            "targets": {"min_service_level": 0.8, "answer_within_s": 20, "max_abandon_rate": 0.05},
        },
        "email": {"kind": "email", "volume": {"per_day": 60}, "handle_time": {"dist": "exponential", "mean_s": 400}},
    },
    "agent_groups": {
        "t1": {
            "skills": {"phone": {}, "email": {"priority": 2}},
            "staffing": [6, 9, 12, 12, 9, 6],
            "escalation": {"to": "t2", "probability": 0.1},
        },
        "t2": {"tier": 2, "skills": ["phone", "email"], "staffing": 2},
    },
    "simulation": {"replications": 4, "seed": 3},
}


@pytest.fixture(scope="module")
def desk():
    return scenario_from_dict(DESK)


# --------------------------------------------------------------------------- staffing overrides


def test_staffing_override_gives_the_numbers_of_a_variant_with_that_staffing():
    data = copy.deepcopy(DESK)
    lean = [4, 6, 8, 8, 6, 4]
    data["variants"] = {"lean": {"overrides": {"agent_groups": {"t1": {"staffing": lean}}}}}
    sc = scenario_from_dict(data)
    by_variant = simulate(sc.variant("lean"), replications=3, seed=5)
    by_override = simulate(sc, replications=3, seed=5, staffing={"t1": lean})
    assert np.array_equal(by_variant.channel_sums, by_override.channel_sums)
    assert np.array_equal(by_variant.group_sums, by_override.group_sums)
    assert by_variant.channels == by_override.channels
    # a whole-calendar numpy array (as the planner gives) is the same plan
    full = simulate(sc, replications=3, seed=5, staffing={"t1": np.tile(lean, 2)})
    assert np.array_equal(full.channel_sums, by_override.channel_sums)
    assert list(by_override.staffing["t1"]) == lean * 2


@pytest.mark.parametrize(
    ("staffing", "message"),
    [
        ({"tier1": 3}, "staffing: unknown agent group 'tier1'; known: t1, t2"),
        ({"t1": -1}, "staffing.t1: must be a whole number >= 0, got -1"),
        ({"t1": 2.5}, "staffing.t1: must be a whole number >= 0, got 2.5"),
        ({"t_1": 3}, "staffing: unknown agent group 't_1'; did you mean 't1'?"),
        ({"t1": [1, 2]}, "staffing.t1: must have 6 values (one per interval of the day) or 12"),
        ({"t1": [1, 2, 3, -4, 5, 6]}, "staffing.t1[3]: must be a whole number >= 0, got -4"),
        ({"t1": "many"}, "staffing.t1: must be a whole number >= 0 or one per interval, got 'many'"),
        ({"t1": True}, "staffing.t1: must be a whole number >= 0 or one per interval, got True"),
        ({"t1": 1_000_000_000}, "staffing.t1: must be <= 100,000 agents on duty, got 1000000000"),
        ([3], "staffing: must be a mapping of agent group to agents"),
    ],
)
def test_bad_staffing_is_one_line_naming_group_rule_and_value(desk, staffing, message):
    with pytest.raises(CcsimError) as info:
        simulate(desk, replications=1, seed=1, staffing=staffing)
    assert message in str(info.value) and "\n" not in str(info.value)


# --------------------------------------------------------------------------- replications


def test_run_replication_is_a_pure_picklable_function(desk):
    a = run_replication(desk, 7, 2, staffing={"t2": 3})
    b = pickle.loads(pickle.dumps(run_replication(desk, 7, 2, staffing={"t2": 3})))
    assert np.array_equal(a.channels, b.channels) and np.array_equal(a.wait_hist, b.wait_hist)
    res = simulate(desk, replications=3, seed=7, staffing={"t2": 3})
    assert np.array_equal(res.channel_sums[2], a.channels)
    assert len(pickle.dumps(a)) < 200_000


@pytest.mark.parametrize("pool", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_results_are_identical_whatever_the_executor(desk, pool):
    serial = simulate(desk, replications=4, seed=11, staffing={"t1": 7})
    with pool(max_workers=2) as ex:
        parallel = simulate(desk, replications=4, seed=11, staffing={"t1": 7}, executor=ex)
    assert np.array_equal(serial.channel_sums, parallel.channel_sums)
    assert np.array_equal(serial.group_sums, parallel.group_sums)
    assert np.array_equal(serial.interval_wait_hist, parallel.interval_wait_hist)
    assert ccsim.results.SimulationResult.to_dict(serial) == parallel.to_dict()


def test_a_non_executor_is_refused(desk):
    with pytest.raises(CcsimError, match="executor: must have a map method"):
        simulate(desk, replications=1, executor=object())


def test_every_replication_is_kept_and_summaries_come_from_them(desk):
    res = simulate(desk, replications=5, seed=2)
    values = res.replication_values("service_level", channel="phone")
    assert values.shape == (5,)
    assert res.channel("phone")["service_level"] == pytest.approx(values.mean(), rel=1e-12)
    sd = values.std(ddof=1)
    from scipy import stats

    assert res.channel("phone")["service_level_ci95"] == pytest.approx(stats.t.ppf(0.975, 4) * sd / np.sqrt(5))
    occ = res.replication_values("occupancy", group="t1")
    assert res.group("t1")["occupancy"] == pytest.approx(occ.mean(), rel=1e-12)
    # per interval, by index or label
    k = res.interval_labels.index("day 2 09:00")
    by_label = res.replication_values("offered", channel="phone", interval="day 2 09:00")
    assert np.array_equal(by_label, res.replication_values("offered", channel="phone", interval=k))
    row = next(r for r in res.intervals if r["channel"] == "phone" and r["interval"] == k)
    assert row["offered"] == pytest.approx(by_label.mean())
    # the wait histograms are pooled over replications per interval (no replication axis)
    assert res.interval_wait_hist.shape[:2] == (2, 12) and res.wait_hist.shape[:2] == (5, 2)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.channel("phone")["sevice_level"], "no KPI 'sevice_level'; did you mean 'service_level'?"),
        (lambda r: r.group("t1")["ocupancy"], "did you mean 'occupancy'?"),
        (lambda r: r.channel("phnoe"), "no channel 'phnoe'; did you mean 'phone'?"),
        (lambda r: r.replication_values("asa"), "no KPI 'asa'"),
        (lambda r: r.replication_values("occupancy", channel="phone"), "no channel KPI 'occupancy'"),
        (lambda r: r.replication_values("p_wait", group="t1"), "no agent-group KPI 'p_wait'"),
        (lambda r: r.replication_values("offered", interval=99), "interval: must be an index in [0, 12)"),
        (lambda r: r.replication_values("offered", interval="day 3 08:00"), "no interval 'day 3 08:00'"),
        (lambda r: r.replication_values("wait_p90_s", channel="phone", interval=1), "pooled over replications"),
    ],
)
def test_a_misspelt_kpi_is_an_error_listing_the_valid_names(desk, call, message):
    res = simulate(desk, replications=2, seed=1)
    with pytest.raises(CcsimError) as info:
        call(res)
    assert message in str(info.value)
    if isinstance(info.value, KpiError) and "no KPI" in message:
        assert "valid: " in str(info.value) and "service_level" in str(info.value)


# --------------------------------------------------------------------------- paired comparison


def test_paired_confidence_interval_is_narrower_than_unpaired(desk):
    a = simulate(desk, replications=12, seed=4, staffing={"t1": [5, 8, 11, 11, 8, 5]})
    b = simulate(desk, replications=12, seed=4, staffing={"t1": [6, 9, 12, 12, 9, 6]})
    cmp = compare(a, b)
    assert cmp.replications == 12
    for kpi in ("service_level", "abandon_rate", "asa_s"):
        row = cmp.diff(kpi, channel="phone")
        diffs = b.replication_values(kpi, channel="phone") - a.replication_values(kpi, channel="phone")
        assert row["diff"] == pytest.approx(diffs.mean())
        assert row["diff_ci95"] < row["unpaired_ci95"], kpi
    assert cmp.diff("service_level", channel="phone")["diff"] > 0  # more agents answer faster
    assert cmp.diff("occupancy", group="t1")["diff"] < 0


def test_compare_refuses_results_without_common_random_numbers(desk):
    a = simulate(desk, replications=2, seed=1)
    b = simulate(desk, replications=2, seed=2)
    with pytest.raises(CcsimError, match="different seeds"):
        compare(a, b)
    with pytest.raises(KpiError, match="did you mean 'service_level'"):
        compare(a, a).diff("service_leve")


# --------------------------------------------------------------------------- the scenario value


def test_scenario_is_a_small_plain_value(desk):
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        sc = load_scenario(path)
        assert len(pickle.dumps(sc)) < 8_000, path.name
        assert pickle.loads(pickle.dumps(sc)) == sc
        for name in sc.variants:
            v = sc.variant(name)
            assert v.variant_name == name and pickle.loads(pickle.dumps(v)).variant_name == name


def test_replace_revalidates_and_variants_follow_the_new_base():
    data = copy.deepcopy(DESK)
    data["variants"] = {"more_email": {"overrides": {"channels": {"email": {"volume": {"per_day": 90}}}}}}
    sc = scenario_from_dict(data)
    with pytest.raises(ccsim.ScenarioError, match=r"agent_groups\.t1\.staffing: must be >= 0, got -5"):
        sc.replace({"agent_groups": {"t1": {"staffing": -5}}})
    with pytest.raises(ccsim.ScenarioError, match=r"agent_groups\.t1\.staffing"):
        sc.model_copy(update={"agent_groups": {"t1": {"skills": ["phone"], "staffing": -5}}})
    changed = sc.replace({"agent_groups": {"t1": {"staffing": 3}}})
    assert changed.agent_groups["t1"].staffing == 3 and sc.agent_groups["t1"].staffing != 3
    # a variant of the changed scenario has the changed staffing, not the original one
    assert changed.variant("more_email").agent_groups["t1"].staffing == 3
    assert changed.variant("more_email").channels["email"].volume.per_day == 90
    assert sc.replace(simulation={"replications": 9}).simulation.replications == 9


def test_scenario_does_not_import_its_loader():
    # data flows down: the scenario package must not need the YAML loader (no import circle)
    paths = [
        *sorted((ROOT / "ccsim" / "scenario").glob("*.py")),
        ROOT / "ccsim" / "problems.py",
        ROOT / "ccsim" / "errors.py",
    ]
    assert len(paths) > 3
    for path in paths:
        tree = ast.parse(path.read_text())
        imported = {
            node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module is not None
        }
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert "ccsim.loader" not in imported, path.name


# --------------------------------------------------------------------------- targets in the result


def test_targets_report_met_missed_or_uncertain_and_the_share_of_intervals(desk):
    res = simulate(desk, replications=3, seed=8)
    checks = {(t.channel, t.target_name): t for t in res.targets}
    assert set(checks) == {("phone", "min_service_level"), ("phone", "max_abandon_rate")}
    for t in checks.values():
        assert t.status in ("met", "MISSED", "uncertain")
        assert 0 <= t.intervals_met <= 1
        lo, hi = t.value - t.ci95, t.value + t.ci95
        assert (t.status == "uncertain") == (lo <= t.target <= hi)
    # a channel without an answer target is measured at the default 20 s (voice) or 24 h (email)
    assert res.answer_within_s == {"phone": 20.0, "email": 86400.0}
    assert res.channel("email")["answer_within_s"] == 86400.0


def test_an_absurd_run_is_refused_before_it_starts(desk):
    huge = desk.replace({"channels": {"phone": {"volume": {"per_day": 100_000_000}}}})  # the most validation allows
    with pytest.raises(CcsimError) as info:
        simulate(huge, replications=2, seed=1)
    message = str(info.value)
    assert message.startswith("channels.phone.volume.per_day: the run would simulate about 4e+08 contacts")
    assert "limit 2e+08" in message and "--max-contacts" in message
    with pytest.raises(CcsimError, match="limit 1e"):
        simulate(desk, replications=2, seed=1, max_contacts=1000)


def test_a_run_whose_result_would_not_fit_in_memory_is_refused():
    data = copy.deepcopy(DESK)
    data["calendar"] = {"interval_min": 15, "days": 366}
    data["channels"]["phone"]["volume"] = {"per_day": 1}
    data["agent_groups"]["t1"]["staffing"] = 1
    year = scenario_from_dict(data)
    with pytest.raises(CcsimError) as info:
        simulate(year, replications=100_000, seed=1)
    assert str(info.value).startswith("simulation.replications: 100000 replications of 35136 intervals would keep")
