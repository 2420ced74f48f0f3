"""Comparing variants: one seed for all, paired differences, costs side by side, the reports."""

from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess
import tempfile

import numpy as np
import pytest

from ccsim import CcsimError, scenario_from_dict
from ccsim.outputs import comparison_html, comparison_tables, comparison_text, comparison_xlsx
from ccsim.results import mean_ci
from ccsim.variants import BASE, compare_variants, scale_volume
from ccsim.weeks import DAYS_PER_MONTH

DESK = {
    "name": "small desk",
    "calendar": {"interval_min": 60, "open": "09:00", "close": "13:00"},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 120},
            "handle_time": {"dist": "exponential", "mean_s": 240},
            "patience": {"dist": "exponential", "mean_s": 120},
            "targets": {"min_service_level": 0.7, "answer_within_s": 20},
        }
    },
    "agent_groups": {"staff": {"skills": ["phone"], "staffing": 3, "shrinkage": 0.2}},
    "costs": {"currency": "JPY", "wage_per_hour": 2000},
    "simulation": {"replications": 8, "seed": 3},
    "variants": {
        "lean": {"description": "three agents"},
        "rich": {"overrides": {"agent_groups": {"staff": {"staffing": 5}}}},
        "vendor": {
            "overrides": {
                "agent_groups": {"staff": None, "acme_agents": {"skills": ["phone"], "staffing": 4, "vendor": "acme"}},
                "vendors": {
                    "acme": {
                        "pricing": {"monthly_fee": 10000, "included_contacts": 100, "per_contact": 200},
                        "routing": {"mode": "whole_channel", "channels": ["phone"]},
                    }
                },
            }
        },
    },
}


def desk(**changes):
    return scenario_from_dict(copy.deepcopy(DESK) | changes)


@pytest.fixture(scope="module")
def cmp():
    return compare_variants(desk())


def test_every_variant_runs_with_one_seed_and_sees_the_same_contacts(cmp):
    assert cmp.names == ["lean", "rich", "vendor"] and cmp.baseline == "lean"
    assert {r.result.seed for r in cmp.runs} == {3}
    issues = [r.result.replication_values("offered", channel="phone") for r in cmp.runs[:2]]
    # no redials here: the same fresh contacts are offered whatever the staffing
    assert np.array_equal(issues[0], issues[1])


def test_paired_differences_are_those_of_the_replications(cmp):
    lean, rich = cmp.run("lean").result, cmp.run("rich").result
    d = rich.replication_values("service_level", channel="phone") - lean.replication_values(
        "service_level", channel="phone"
    )
    mean, half = mean_ci(d)
    row = cmp.differences["rich"].diff("service_level", channel="phone")
    assert row["diff"] == pytest.approx(float(mean), abs=1e-12)
    assert row["diff_ci95"] == pytest.approx(float(half), abs=1e-12)
    assert row["diff"] > 0  # two more agents answer more within 20 s


def test_cost_differences_are_paired_per_replication(cmp):
    lean, vendor = cmp.run("lean"), cmp.run("vendor")
    d = vendor.costs.replication_values("per_month") - lean.costs.replication_values("per_month")
    mean, half = mean_ci(d)
    total = cmp.cost_differences["vendor"]["per_month"]
    assert total["diff"] == pytest.approx(float(mean), rel=1e-12)
    # the vendor's billing months share days (one-day runs): the deviations of its composed part
    # are widened by the square root of how many replications a month draws on
    w = vendor.costs.overlap
    assert w > 1 and not lean.costs.composed
    part = sum(vendor.costs.items[c] for c in vendor.costs.composed)
    _, wide = mean_ci(d + (w**0.5 - 1) * (part - part.mean()))
    assert total["diff_ci95"] == pytest.approx(float(wide), rel=1e-12) and wide > half


def test_the_cheapest_variant_meeting_every_target_is_named(cmp):
    able = [r for r in cmp.runs if r.targets_met]
    expect = min(able, key=lambda r: r.monthly_cost).name if able else None
    assert cmp.cheapest == expect
    text = comparison_text(cmp)
    assert (f"Cheapest variant meeting every target: {expect}." if expect else "No variant meets") in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"variants": ["lean", "rihc"]}, "--variants: unknown variant 'rihc'; did you mean 'rich'?"),
        ({"variants": ["lean", "lean"]}, "--variants: 'lean' is named twice"),
        ({"variants": ["lean", "rich"], "baseline": "vendor"}, "--baseline: 'vendor' is not among the variants"),
        ({"volume_scales": [0.5, -1]}, "--volume-scale: every scale must be a number > 0, got -1"),
    ],
)
def test_bad_requests_are_one_line(kwargs, message):
    with pytest.raises(CcsimError) as info:
        compare_variants(desk(), **kwargs)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"simulation": {"warmup_min": 60}}, "variant late: simulation.warmup_min is 60.0, the baseline lean's 0.0;"),
        ({"calendar": {"days": 2}}, "variant late: calendar.days is 2, the baseline lean's 1;"),
    ],
)
def test_variants_on_another_calendar_or_warm_up_are_refused_before_anything_runs(override, message):
    data = copy.deepcopy(DESK)
    data["variants"]["late"] = {"overrides": override}
    ran = []
    with pytest.raises(CcsimError) as info:
        compare_variants(scenario_from_dict(data), ["lean", "late"], progress=ran.append)
    assert str(info.value).startswith(message) and "\n" not in str(info.value) and not ran


def test_the_base_scenario_is_a_variant_named_base():
    sc = desk(variants={})
    out = compare_variants(sc, replications=2)
    assert out.names == [BASE]


def test_scale_volume_scales_every_source():
    sc = desk()
    assert scale_volume(sc, 2).channels["phone"].volume.per_day == 240
    per_interval = sc.replace({"channels": {"phone": {"volume": {"per_day": None, "per_interval": [10, 20, 30, 40]}}}})
    assert scale_volume(per_interval, 0.5).channels["phone"].volume.per_interval == (5, 10, 15, 20)
    customers = sc.replace(
        {"channels": {"phone": {"volume": {"per_day": None, "customers": 1000, "contacts_per_customer_per_day": 0.1}}}}
    )
    assert scale_volume(customers, 3).channels["phone"].volume.daily_volume() == pytest.approx(300)


class _FlatCosts:
    """A stand-in for cost results: a given cost per month in every replication."""

    def __init__(self, per_month: float, reps: int) -> None:
        self.months = 1.0
        self.items = {"price": np.full(reps, per_month)}
        self.total = self.items["price"]

    def replication_values(self, name: str) -> np.ndarray:
        return self.total


def test_the_break_even_volume_is_where_the_monthly_costs_cross():
    # "lean" costs 10 per expected contact a month, "rich" a flat 15,000: they cross at 1,500
    # contacts a month, i.e. at the scale s with 10 x expected(s) = 15,000
    def costs(result, scenario):
        monthly = scenario.channels["phone"].volume.per_day * DAYS_PER_MONTH  # expected contacts a month
        per_month = 10 * monthly if result.variant == "lean" else 15000
        return _FlatCosts(per_month, result.replications)

    out = compare_variants(desk(), ["lean", "rich"], replications=2, volume_scales=[0.2, 0.5, 1], costs=costs)
    s = 15000 / (10 * 120 * DAYS_PER_MONTH)
    (be,) = out.break_even
    assert (be.a, be.b, be.cheaper_below) == ("lean", "rich", "lean")
    assert be.scale == pytest.approx(s, rel=1e-12)
    assert be.contacts_per_month == pytest.approx(out.run("lean").offered_per_month * s, rel=1e-12)


# --------------------------------------------------------------------------- reports


def test_tables_text_and_the_workbook_hold_the_same_numbers(cmp):
    openpyxl = pytest.importorskip("openpyxl")
    tables = {t.name: t for t in comparison_tables(cmp)}
    assert {"Summary", "Service", "Targets", "Costs", "Differences", "Cost differences", "Intervals"} <= set(tables)
    data = comparison_xlsx(cmp)
    assert data == comparison_xlsx(cmp)  # the same comparison gives the same bytes
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [t.name for t in comparison_tables(cmp)]
    ws = wb["Summary"]
    header = [c.value for c in ws[1]]
    assert "cost per month [JPY]" in header
    col = header.index("cost per month [JPY]")
    for row, run in zip(ws.iter_rows(min_row=2, max_row=1 + len(cmp.runs)), cmp.runs, strict=True):
        assert row[0].value == run.name
        assert isinstance(row[col].value, int | float) and row[col].value == pytest.approx(run.monthly_cost)
    sl = [c.value for c in wb["Service"][1]].index("service level [%]")
    cell = wb["Service"].cell(row=2, column=sl + 1)
    assert cell.number_format == "0.0%" and 0 <= cell.value <= 1


def test_every_cost_figure_is_the_same_in_text_json_html_and_the_workbook(cmp):
    openpyxl = pytest.importorskip("openpyxl")
    from ccsim.outputs.comparison_data import comparison_dict

    text, html, data = comparison_text(cmp), comparison_html(cmp), comparison_dict(cmp)
    wb = openpyxl.load_workbook(io.BytesIO(comparison_xlsx(cmp)))
    ws = wb["Costs"]
    header = [c.value for c in ws[1]]
    sheet = {(r[0], r[1]): r[header.index("per month [JPY]")] for r in ws.iter_rows(min_row=2, values_only=True)}
    for run in cmp.runs:
        summary = run.costs.summary()
        # one source: the cost result's summary; JSON carries it whole
        assert data["variants"][run.name]["cost"]["per_month"]["mean"] == pytest.approx(summary["per_month"]["mean"])
        for item, figures in summary["items"].items():
            assert data["variants"][run.name]["cost"]["items"][item]["per_month"] == pytest.approx(figures["per_month"])
            assert sheet[(run.name, item)] == pytest.approx(figures["per_month"])
            shown = f"{figures['per_month']:,.0f}"
            assert shown in text and shown in html, (run.name, item, shown)
        assert sheet[(run.name, "total")] == pytest.approx(summary["per_month"]["mean"])
        assert f"{summary['per_month']['mean']:,.0f}" in text and f"{summary['per_month']['mean']:,.0f}" in html


def test_the_html_report_is_self_contained_and_deterministic(cmp):
    page = comparison_html(cmp)
    assert page == comparison_html(cmp)
    assert page.startswith("<!DOCTYPE html>") and page.count("data:image/png;base64,") == 3
    assert not re.search(r"""(src|href)=["'](https?:|//)""", page)  # nothing fetched from elsewhere
    assert "<script" not in page


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _headless(browser: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.mark.skipif(_chromium() is None, reason="no Chromium (.ci/run installs it)")
def test_the_html_report_renders_in_a_real_browser(cmp, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(comparison_html(cmp))
    shot = tmp_path / "report.png"
    done = _headless(_chromium(), f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000  # a page with tables and plots, not blank
    dom = _headless(_chromium(), "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = re.sub(r"<[^>]+>", " ", dom.stdout)
    lean = cmp.run("lean")
    assert f"{lean.monthly_cost:,.0f}" in text  # the key figures are in the rendered page
    assert "variants side by side" in text and "Service against the baseline (lean)" in text
    verdict = f"Cheapest variant meeting every target: {cmp.cheapest}." if cmp.cheapest else "No variant meets"
    assert verdict in text


# --------------------------------------------------------------------------- staffing: plan


def test_a_group_with_staffing_plan_is_sized_by_the_planner_first():
    data = copy.deepcopy(DESK)
    data["variants"]["planned"] = {"overrides": {"agent_groups": {"staff": {"staffing": "plan"}}}}
    sc = scenario_from_dict(data)
    with pytest.raises(CcsimError, match=r"agent_groups\.staff\.staffing: plan: the planner sizes this group"):
        from ccsim import simulate

        simulate(sc.variant("planned"))
    out = compare_variants(sc, ["lean", "planned"])
    planned = out.run("planned")
    assert planned.plan is not None and planned.plan.met
    assert planned.targets_met or any(t.status == "uncertain" for t in planned.result.targets)
    assert np.array_equal(planned.result.staffing["staff"], planned.plan.staffing["staff"])


def test_only_the_groups_marked_plan_are_planned():
    data = copy.deepcopy(DESK)
    data["agent_groups"]["back"] = {"skills": ["phone"], "staffing": 1}
    data["agent_groups"]["staff"]["staffing"] = "plan"
    from ccsim import plan

    p = plan(scenario_from_dict(data), replications=20)
    assert p.planned_groups == ("staff",)
    assert list(p.staffing["back"]) == [1, 1, 1, 1]  # kept as given


def test_a_vendor_group_with_staffing_plan_is_planned_before_it_is_priced_by_the_hour():
    # no SLA: the vendor's agents are planned to the channel's target on the contacts it is sent
    data = copy.deepcopy(DESK)
    over = data["variants"]["vendor"]["overrides"]
    over["agent_groups"]["acme_agents"]["staffing"] = "plan"
    over["vendors"]["acme"]["pricing"] = {"per_agent_hour": 3000}
    run = compare_variants(scenario_from_dict(data), ["vendor"], replications=20).run("vendor")
    assert run.plan is not None and run.plan.met and run.plan.planned_groups == ("acme_agents",)
    hours = run.plan.staffing["acme_agents"].sum()  # one-hour intervals
    assert hours > 0 and run.result.channel("phone")["service_level"] >= 0.7
    per_hour = run.costs.replication_values("vendor.acme.agent_hours")  # a month
    assert np.allclose(per_hour * run.costs.months, 3000 * hours)  # the run's planned vendor hours, at its price


# --------------------------------------------------------------------------- the command


@pytest.fixture(scope="module")
def desk_file(tmp_path_factory):
    import yaml

    path = tmp_path_factory.mktemp("compare") / "desk.yaml"
    path.write_text(yaml.safe_dump(DESK))
    return path


def test_ccsim_compare_prints_writes_json_html_xlsx_and_a_folder(desk_file, tmp_path, capsys):
    import json

    from ccsim.cli import main

    html, xlsx, out = tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "out"
    args = ["compare", str(desk_file), "--variants", "lean,vendor", "--baseline", "vendor", "--json"]
    assert main([*args, "--html", str(html), "--xlsx", str(xlsx), "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["baseline"] == "vendor" and list(data["variants"]) == ["lean", "vendor"]
    for v in data["variants"].values():
        cost = v["cost"]
        assert {"horizon_total", "per_month", "per_contact", "items"} <= set(cost)
        assert cost["horizon_total"]["mean"] == pytest.approx(sum(i["horizon"] for i in cost["items"].values()))
        assert {r["channel"] for r in v["channels"]} == {"phone", "all"}
    assert data["differences"]["lean"]["kpis"][0]["diff_ci95"] is not None
    assert html.read_text().startswith("<!DOCTYPE html>") and xlsx.read_bytes()[:2] == b"PK"
    names = {f.name for f in out.iterdir()}
    assert {"comparison.json", "summary.csv", "service.csv", "report.html", "service.png"} <= names


def test_ccsim_compare_text_names_the_cheapest_and_checks_report_paths_first(desk_file, tmp_path, capsys):
    from ccsim.cli import main

    assert main(["compare", str(desk_file), "--replications", "3", "--volume-scale", "0.5,2"]) == 0
    text = capsys.readouterr().out
    assert "variants side by side" in text and "Cost and service at scaled volumes" in text
    assert "Cheapest variant meeting every target" in text or "No variant meets every target" in text
    # a report whose folder does not exist fails before anything runs
    assert main(["compare", str(desk_file), "--html", str(tmp_path / "no" / "r.html")]) == 2
    err = capsys.readouterr()
    assert err.out == "" and f"--html: the folder {tmp_path / 'no'} does not exist" in err.err
    assert main(["compare", str(desk_file), "--volume-scale", "1,x"]) == 2
    assert "--volume-scale: must be numbers > 0 separated by commas, got 'x'" in capsys.readouterr().err
