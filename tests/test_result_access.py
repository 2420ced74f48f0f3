"""Raw sums by name (SimulationResult.channel_stat, group_stat, vendor_stat and the column functions).

Economics, the planner and the variants read the engines' sums through these accessors, not
through the column layout of ccsim.results.layout: each accessor is the raw slice of its
column, and a misspelt statistic is an error that lists the valid names.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from ccsim import scenario_from_dict, simulate
from ccsim.results import KpiError, channel_column, group_column, vendor_column
from ccsim.results.layout import CH_STATS, GROUP_STATS, VENDOR_STATS

ROOT = Path(__file__).resolve().parents[1]

DESK = {
    "name": "two groups and a vendor",
    "calendar": {"interval_min": 60, "open": "09:00", "close": "13:00", "days": 2},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 60},
            "handle_time": {"dist": "exponential", "mean_s": 240},
            "patience": {"dist": "exponential", "mean_s": 120},
            "targets": {"min_service_level": 0.8, "answer_within_s": 20},
        },
        "mail": {
            "kind": "email",
            "volume": {"per_day": 20},
            "handle_time": {"dist": "exponential", "mean_s": 300},
            "targets": {"min_service_level": 0.9, "answer_within_s": 3600},
        },
    },
    "agent_groups": {
        "house": {"skills": ["phone", "mail"], "staffing": 2},
        "bpo_agents": {"skills": ["phone"], "staffing": 1, "vendor": "bpo"},
    },
    "vendors": {"bpo": {"routing": {"mode": "share", "share": 0.3, "channels": ["phone"]}}},
}


@pytest.fixture(scope="module")
def result():
    return simulate(scenario_from_dict(DESK), replications=3, seed=11)


def test_each_accessor_is_the_raw_column_of_its_sums(result):
    assert result.channel_sums[..., CH_STATS.index("offered")].sum() > 0  # something to compare
    for i, name in enumerate(CH_STATS):
        got = result.channel_stat(name)
        assert got.shape == (3, 2, 8)  # replications, channels, intervals
        assert np.array_equal(got, result.channel_sums[..., i])
    for i, name in enumerate(GROUP_STATS):
        assert np.array_equal(result.group_stat(name), result.group_sums[..., i])
    assert result.vendor_stat("offered", "bpo").sum() > 0
    for i, name in enumerate(VENDOR_STATS):
        assert np.array_equal(result.vendor_stat(name), result.vendor_sums[..., i])
        assert np.array_equal(result.vendor_stat(name, "bpo"), result.vendor_sums[:, 0, ..., i])


def test_the_column_functions_serve_arrays_cut_or_summed_from_the_sums(result):
    by_day = result.channel_sums.reshape(3, 2, 2, 4, len(CH_STATS)).sum(axis=3)  # (reps, channels, days, stats)
    assert np.array_equal(channel_column(by_day, "answered"), by_day[..., CH_STATS.index("answered")])
    part = result.group_sums[:, 0].sum(axis=1)  # (replications, statistics)
    assert np.array_equal(group_column(part, "busy_s"), part[:, GROUP_STATS.index("busy_s")])
    part = result.vendor_sums[:, 0, 0].sum(axis=1)
    assert np.array_equal(vendor_column(part, "taken_back"), part[:, VENDOR_STATS.index("taken_back")])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.channel_stat("offerd"), "no channel statistic 'offerd'; did you mean 'offered'?"),
        (lambda r: r.group_stat("busy"), "no agent-group statistic 'busy'; did you mean 'busy_s'?"),
        (lambda r: r.vendor_stat("taken"), "no vendor statistic 'taken'; did you mean 'taken_back'?"),
        (lambda r: r.vendor_stat("offered", "bp"), "no vendor 'bp'; did you mean 'bpo'? (valid: bpo)"),
        (lambda r: channel_column(r.channel_sums[:, 0], "queue"), "no channel statistic 'queue'"),
    ],
)
def test_a_misspelt_name_is_an_error_that_lists_the_valid_ones(result, call, message):
    with pytest.raises(KpiError) as err:
        call(result)
    assert message in str(err.value)
    if "statistic" in message:
        assert "(valid: " in str(err.value)


def test_the_valid_names_are_listed_in_full():
    sums = np.zeros((2, len(GROUP_STATS)))
    with pytest.raises(KpiError, match=re.escape(f"(valid: {', '.join(GROUP_STATS)})")):
        group_column(sums, "nothing like it")


def test_sums_without_a_column_say_so_rather_than_index_another():
    old = np.zeros((2, len(GROUP_STATS) - 1))  # an older result, before voice_handle_s
    with pytest.raises(KpiError, match="no agent-group statistic 'voice_handle_s' in these sums"):
        group_column(old, "voice_handle_s")


def test_a_desk_without_vendors_has_none_to_name(result):
    desk = {**DESK, "agent_groups": {"house": DESK["agent_groups"]["house"]}}
    desk.pop("vendors")
    res = simulate(scenario_from_dict(desk), replications=2, seed=3)
    assert res.vendor_stat("offered").shape == (2, 0, 2, 8)  # replications, vendors, channels, intervals
    with pytest.raises(KpiError, match="no vendor 'bpo'"):
        res.vendor_stat("offered", "bpo")
    handmade = dataclasses.replace(result, vendor_names=[], vendor_sums=None)  # as tests build them
    with pytest.raises(KpiError, match="no vendor sums"):
        handmade.vendor_stat("offered")


def test_no_module_above_the_results_reads_the_column_layout():
    below = {"engine", "results"}  # the engines fill the layout; the results own it
    readers = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "ccsim").rglob("*.py"))
        if path.relative_to(ROOT / "ccsim").parts[0] not in below
        and path.name != "simulation.py"  # beside the results: its memory estimate counts columns
        and "results.layout" in path.read_text(encoding="utf-8")
    ]
    assert readers == []
