"""The comparison workbook: the interval in columns a planner can sort and filter, and native charts."""

from __future__ import annotations

import copy
import datetime as dt
import io

import pytest

from ccsim import scenario_from_dict
from ccsim.outputs import comparison_tables, comparison_xlsx
from ccsim.variants import compare_variants

openpyxl = pytest.importorskip("openpyxl")

DESK = {
    "name": "two days from a Sunday",
    "calendar": {"interval_min": 60, "open": "09:00", "close": "12:00", "days": 2, "start_weekday": "sun"},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 90},
            "handle_time": {"dist": "exponential", "mean_s": 240},
            "patience": {"dist": "exponential", "mean_s": 120},
            "targets": {"min_service_level": 0.8, "answer_within_s": 20},
        },
        "chat": {
            "kind": "chat",
            "volume": {"per_day": 30},
            "handle_time": {"dist": "exponential", "mean_s": 300},
            "patience": {"dist": "exponential", "mean_s": 300},
            "targets": {"min_service_level": 0.7, "answer_within_s": 60},
        },
    },
    "agent_groups": {"staff": {"skills": ["phone", "chat"], "staffing": 3}},
    "costs": {"currency": "JPY", "wage_per_hour": 2000},
    "simulation": {"replications": 2, "seed": 4},
    "variants": {"lean": {}, "rich": {"overrides": {"agent_groups": {"staff": {"staffing": 5}}}}},
}


@pytest.fixture(scope="module")
def cmp():
    return compare_variants(scenario_from_dict(copy.deepcopy(DESK)), ["lean", "rich"])


@pytest.fixture(scope="module")
def wb(cmp):
    return openpyxl.load_workbook(io.BytesIO(comparison_xlsx(cmp)))


def test_the_interval_is_given_as_day_weekday_and_start_time_and_keeps_its_label(cmp, wb):
    ws = wb["Intervals"]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["variant", "channel", "day", "weekday", "start", "interval"]
    assert "date" not in header  # the calendar has no start date
    assert "service level target [%]" in header
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    first, last = rows[0], rows[-1]
    assert first[:6] == ("lean", "phone", 1, "sun", dt.time(9, 0), "day 1 09:00")
    assert last[:6] == ("rich", "chat", 2, "mon", dt.time(11, 0), "day 2 11:00")
    assert ws.cell(row=2, column=5).number_format == "hh:mm"
    assert ws.cell(row=2, column=3).number_format == "#,##0"  # a day is a whole number
    target = header.index("service level target [%]")
    assert {r[target] for r in rows if r[1] == "phone"} == {0.8}
    assert {r[target] for r in rows if r[1] == "chat"} == {0.7}
    assert len(rows) == 2 * 2 * 2 * 3  # variants x channels x days x intervals a day


def _ref_col(ref: str) -> str:
    """The column letter of a reference such as ``'Intervals'!$H$2:$H$7``."""
    return ref.split("!")[1].split("$")[1]


def test_the_intervals_sheet_charts_each_channel_against_its_target(wb):
    from openpyxl.chart import LineChart
    from openpyxl.utils import get_column_letter

    ws = wb["Intervals"]
    header = [c.value for c in ws[1]]
    sl = get_column_letter(header.index("service level [%]") + 1)
    target = get_column_letter(header.index("service level target [%]") + 1)
    charts = ws._charts
    assert len(charts) == 2 and all(isinstance(c, LineChart) for c in charts)
    for chart, channel in zip(charts, ("phone", "chat"), strict=True):
        titles = [s.tx.v for s in chart.series]
        assert titles == ["lean", "rich", "target"]
        cols = [_ref_col(s.val.numRef.f) for s in chart.series]
        assert cols == [sl, sl, target]
        for s, variant in zip(chart.series[:2], ("lean", "rich"), strict=True):  # each series is its own block
            lo, hi = (int(x.split("$")[-1]) for x in s.val.numRef.f.split("!")[1].split(":"))
            assert {(ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value) for r in range(lo, hi + 1)} == {
                (variant, channel)
            }
            assert hi - lo + 1 == 6
        text = chart.title.tx.rich.p[0].r[0].t
        assert text.startswith(channel)


def test_the_summary_sheet_charts_the_cost_per_variant(cmp, wb):
    from openpyxl.chart import BarChart

    ws = wb["Summary"]
    header = [c.value for c in ws[1]]
    (chart,) = ws._charts
    assert isinstance(chart, BarChart)
    (series,) = chart.series
    col = _ref_col(series.val.numRef.f)
    assert header[openpyxl.utils.column_index_from_string(col) - 1] == "cost per month [JPY]"
    assert series.cat.strRef.f == "'Summary'!$A$2:$A$3"
    assert [ws[f"A{r}"].value for r in (2, 3)] == [run.name for run in cmp.runs]


def test_the_workbook_still_has_a_sheet_per_table_and_the_same_bytes(cmp):
    data = comparison_xlsx(cmp)
    assert data == comparison_xlsx(cmp)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [t.name for t in comparison_tables(cmp)]


def test_the_folder_of_compare_out_has_the_interval_in_readable_columns(cmp):
    from ccsim.cli.compare import _output_files

    files = _output_files(cmp, {}, "")
    lines = files["intervals.csv"].splitlines()
    assert lines[0].startswith("variant,channel,day,weekday,start,interval,")
    assert lines[1].startswith("lean,phone,1,sun,09:00,day 1 09:00,")


def test_a_calendar_with_a_start_date_gives_each_interval_its_date(cmp):
    """ccsim's calendar has no start date yet; the table gives the date as soon as one has."""
    import dataclasses
    import types

    from ccsim.outputs.comparison_tables import _intervals

    run = cmp.runs[0]
    calendar = types.SimpleNamespace(
        start_date=dt.date(2026, 3, 1), weekday_of_day=run.scenario.calendar.weekday_of_day
    )
    dated = dataclasses.replace(run, scenario=types.SimpleNamespace(calendar=calendar))
    table = _intervals(types.SimpleNamespace(runs=(dated,)))
    assert [c.key for c in table.columns][:6] == ["variant", "channel", "day", "weekday", "date", "start"]
    assert {(r["day"], r["weekday"], r["date"]) for r in table.rows} == {
        (1, "sun", dt.date(2026, 3, 1)),
        (2, "mon", dt.date(2026, 3, 2)),
    }
