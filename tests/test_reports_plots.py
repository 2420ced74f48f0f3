"""The comparison's and the plan's plots: what the legend names is drawn, cost axes read as money, every group."""

from __future__ import annotations

import copy
import re
import types

import numpy as np
import pytest

from ccsim import scenario_from_dict, simulate
from ccsim.outputs import comparison_html, comparison_text
from ccsim.outputs import plots as plotting
from ccsim.variants import compare_variants

DESK = {
    "name": "phone and email",
    "calendar": {"interval_min": 60, "open": "09:00", "close": "13:00"},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 120},
            "handle_time": {"dist": "exponential", "mean_s": 240},
            "patience": {"dist": "exponential", "mean_s": 120},
            "targets": {"min_service_level": 0.7, "answer_within_s": 20},
        },
        "email": {
            "kind": "email",
            "volume": {"per_day": 40},
            "handle_time": {"dist": "exponential", "mean_s": 600},
            "targets": {"min_service_level": 0.9, "answer_within_h": 8},
        },
    },
    "agent_groups": {"staff": {"skills": ["phone", "email"], "staffing": 6, "shrinkage": 0.2}},
    "costs": {"currency": "JPY", "wage_per_hour": 20000},  # about 1.8e7 a month: matplotlib would write 1e7
    "simulation": {"replications": 3, "seed": 3},
    "variants": {"lean": {}, "rich": {"overrides": {"agent_groups": {"staff": {"staffing": 8}}}}},
}


def desk(**changes):
    data = copy.deepcopy(DESK)
    data.update(changes)
    return scenario_from_dict(data)


@pytest.fixture(scope="module")
def mixed():
    """Phone and email: the ``all`` row has no answer rate (docs/kpis.md)."""
    return compare_variants(desk(), ["lean", "rich"])


@pytest.fixture(scope="module")
def phone_only():
    data = copy.deepcopy(DESK)
    del data["channels"]["email"]
    data["agent_groups"]["staff"]["skills"] = ["phone"]
    return compare_variants(scenario_from_dict(data), ["lean", "rich"])


def _drawn(ax) -> list[str]:
    """Labels of the bar series actually drawn (at least one finite bar)."""
    from matplotlib.container import BarContainer

    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    return [c.get_label() for c in bars if any(np.isfinite(p.get_height()) for p in c.patches)]


def _legend(ax) -> list[str]:
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend is not None else []


def test_the_service_plot_legend_names_exactly_the_bars_drawn(mixed, phone_only):
    ax = plotting.plot_variant_service(mixed)
    assert _legend(ax) == _drawn(ax) == ["service level"]
    assert "no answer rate" in ax.get_title()
    ax = plotting.plot_variant_service(phone_only)
    assert _legend(ax) == _drawn(ax) == ["service level", "answer rate"]
    assert "no answer rate" not in ax.get_title()


def test_the_html_report_describes_each_plot_by_what_it_draws(mixed):
    page = comparison_html(mixed)
    alts = re.findall(r'<img alt="([^"]*)"', page)
    service = next(a for a in alts if a.startswith("service level, all channels"))
    assert "answer rate" not in service.replace("no answer rate", "")
    assert any(a.startswith("cost per month") for a in alts)


def _ticks(ax, axis="y") -> list[str]:
    plotting.figure_png(ax)  # tick labels are made when the figure is drawn
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in labels if t.get_text()]


def test_the_cost_axis_has_thousands_separators_and_the_currency(mixed):
    ax = plotting.plot_variant_costs(mixed)
    ticks = _ticks(ax)
    assert ticks and all(re.fullmatch(r"-?\d{1,3}(,\d{3})* JPY", t) for t in ticks), ticks
    assert any("," in t for t in ticks)
    assert ax.yaxis.get_offset_text().get_text() == ""  # no "1e7" above the axis
    top = max(float(t.removesuffix(" JPY").replace(",", "")) for t in ticks)
    assert top >= max(r.monthly_cost for r in mixed.runs) * 0.5


def test_a_cost_axis_without_currency_and_with_small_steps():
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    ax.plot([0, 1], [0.2, 1.4])
    plotting.money_axis(ax.yaxis, None)
    ticks = _ticks(ax)
    assert "1.0" in ticks or "1.00" in ticks
    assert all(re.fullmatch(r"\d+\.\d+", t) for t in ticks), ticks


def _fake_plan(n_groups: int):
    """A plan's drawn parts (staffing, guess, SIPP, the confirming result) for n groups."""
    channels = {
        f"ch{i}": {
            "kind": "voice",
            "volume": {"per_day": 40},
            "handle_time": {"dist": "exponential", "mean_s": 180},
            "patience": {"dist": "exponential", "mean_s": 120},
            "targets": {"min_service_level": 0.8},
        }
        for i in range(n_groups)
    }
    groups = {f"g{i}": {"skills": [f"ch{i}"], "staffing": 2 + i} for i in range(n_groups)}
    sc = scenario_from_dict(
        {
            "name": "groups",
            "calendar": {"interval_min": 60, "open": "09:00", "close": "13:00"},
            "channels": channels,
            "agent_groups": groups,
        }
    )
    res = simulate(sc, replications=2, seed=1)
    staffing = {g: np.full(len(res.interval_labels), 2 + i) for i, g in enumerate(groups)}
    return types.SimpleNamespace(
        scenario=sc,
        result=res,
        planned_groups=tuple(groups),
        staffing=staffing,
        analytic={g: v - 1 for g, v in staffing.items()},
        sipp={g: v + 1 for g, v in staffing.items()},
    )


@pytest.mark.parametrize("n", [1, 2, 6])
def test_the_plan_plot_draws_every_group(n):
    plan = _fake_plan(n)
    ax = plotting.plot_plan(plan)
    planned = {}
    for a in ax.figure.axes:
        for line in a.get_lines():
            if line.get_label().endswith(": planned"):
                planned[line.get_label().removesuffix(": planned")] = line
    assert sorted(planned) == [f"g{i}" for i in range(n)]
    for i in range(n):
        assert set(planned[f"g{i}"].get_ydata()) == {2 + i}
    panels = [a for a in ax.figure.axes if a.get_ylabel() == "agents on duty"]
    assert len(panels) == n and ax is panels[0]
    # each panel shows the service level of the channels its group serves
    for i, panel in enumerate(panels):
        twin = next(a for a in ax.figure.axes if a is not panel and a.bbox.bounds == panel.bbox.bounds)
        assert [line.get_label() for line in twin.get_lines()] == [f"ch{i} SL"]
    labels = _ticks(panels[-1], "x")
    assert labels[0] == "day 1 09:00"


def test_the_plan_plot_on_given_axes_draws_every_group_there():
    from matplotlib.figure import Figure

    plan = _fake_plan(3)
    ax = Figure().add_subplot()
    assert plotting.plot_plan(plan, ax=ax) is ax
    assert {line.get_label() for line in ax.get_lines()} >= {"g0: planned", "g1: planned", "g2: planned"}
    one = plotting.plot_plan(plan, group="g1")
    assert one.get_lines()[0].get_label() == "g1: planned"
    with pytest.raises(KeyError, match="no agent group 'g9'"):
        plotting.plot_plan(plan, group="g9")


def test_one_variant_is_one_variant():
    cmp = compare_variants(desk(), ["lean"], replications=2)
    text = comparison_text(cmp)
    assert "1 variant," in text and "1 variants" not in text and "2 replications," in text
    page = comparison_html(cmp)
    assert "1 variants" not in page and re.search(r"<h1>[^<]*: 1 variant</h1>", page)
    assert "variants side by side" not in page
    two = comparison_text(compare_variants(desk(), ["lean", "rich"], replications=1))
    assert "2 variants, 1 replication each" in two
