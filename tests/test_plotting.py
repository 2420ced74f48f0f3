"""Plots: per interval for short runs, the average day for long runs, the axes returned."""

from __future__ import annotations

import copy

import pytest
from matplotlib.figure import Figure

from ccsim import scenario_from_dict, simulate
from ccsim.outputs import plots as plotting

DESK = {
    "name": "plots",
    "calendar": {"interval_min": 60, "open": "09:00", "close": "13:00", "days": 2},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 120},
            "handle_time": {"dist": "exponential", "mean_s": 180},
            "patience": {"dist": "exponential", "mean_s": 120},
            "targets": {"min_service_level": 0.8},
        }
    },
    "agent_groups": {"team": {"skills": ["phone"], "staffing": 2}},
}


def run(days: int, **calendar):
    data = copy.deepcopy(DESK)
    data["calendar"].update(days=days, **calendar)
    return simulate(scenario_from_dict(data), replications=2, seed=1)


def test_a_short_run_is_drawn_interval_by_interval_on_the_given_axes():
    res = run(2)
    ax = Figure().add_subplot()
    assert plotting.plot_service_level(res, "phone", ax=ax) is ax
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "day 1 09:00" and "day 2 09:00" in labels
    assert plotting.plot_occupancy(res).get_ylabel() == "busy time / time on duty"  # as docs/kpis.md


def test_a_long_run_is_drawn_as_the_average_day():
    res = run(plotting.LONG_RUN_DAYS + 5)
    ax = plotting.plot_queue_length(res)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["09:00", "10:00", "11:00", "12:00"]
    assert "average day over 8 days" in ax.get_xlabel()
    assert len(ax.lines) == 1 and len(ax.collections) == 1  # the mean, and the band of the days


def test_a_long_run_with_a_weekly_pattern_has_a_line_per_weekday():
    res = run(9, day_of_week_factors={"sat": 0.2, "sun": 0.2})
    ax = plotting.plot_service_level(res, "phone")
    labels = ax.get_legend_handles_labels()[1]
    assert {"service level, mon", "service level, sun", "answer rate, sat"} <= set(labels)
    assert sum(label.startswith("service level, ") for label in labels) == 7
    assert len(ax.collections) == 14  # a band per weekday and KPI


def test_the_same_result_gives_the_same_png_bytes():
    a, b = run(2), run(2)
    assert plotting.figure_png(plotting.plot_service_level(a, "phone")) == plotting.figure_png(
        plotting.plot_service_level(b, "phone")
    )


def test_an_unknown_channel_is_named():
    with pytest.raises(KeyError, match="did you mean 'phone'"):
        plotting.plot_service_level(run(2), "phnoe")
