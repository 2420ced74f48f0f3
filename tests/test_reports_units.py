"""Times in the reports: one unit per quantity per table, hours for a channel answered in hours."""

from __future__ import annotations

import copy
import io
import re

import numpy as np
import pytest

from ccsim import scenario_from_dict, simulate
from ccsim.outputs import comparison_html, comparison_tables, comparison_text, comparison_xlsx
from ccsim.outputs.result_text import summary_text
from ccsim.variants import compare_variants

DESK = {
    "name": "phone and email",
    "calendar": {"interval_min": 60, "open": "09:00", "close": "13:00", "days": 2},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 100},
            "handle_time": {"dist": "exponential", "mean_s": 300},  # AHT about 5 min: under 600 s
            "patience": {"dist": "exponential", "mean_s": 300},
            "targets": {"min_service_level": 0.5, "answer_within_s": 20},
        },
        "email": {
            "kind": "email",
            "volume": {"per_day": 30},
            "handle_time": {"dist": "exponential", "mean_s": 1200},  # AHT about 20 min: over 600 s
            "targets": {"min_service_level": 0.9, "answer_within_h": 24, "max_asa_s": 7200},
        },
    },
    "agent_groups": {
        "voice": {"skills": ["phone"], "staffing": 3},
        "back_office": {"skills": ["email"], "staffing": 1},
    },
    "costs": {"currency": "EUR", "wage_per_hour": 30},
    "simulation": {"replications": 3, "seed": 2},
    "variants": {"lean": {}, "rich": {"overrides": {"agent_groups": {"voice": {"staffing": 4}}}}},
}


@pytest.fixture(scope="module")
def sc():
    return scenario_from_dict(copy.deepcopy(DESK))


@pytest.fixture(scope="module")
def cmp(sc):
    return compare_variants(sc, ["lean", "rich"])


def _row(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(label))


def test_the_run_summary_shows_each_time_in_one_unit_per_row_and_email_waits_in_hours(sc):
    res = simulate(sc, replications=3, seed=2)
    text = summary_text(res)
    aht = _row(text, "handle time (AHT)")
    units = re.findall(r"\d (s|min|h)\b", aht)
    assert len(units) >= 3 and set(units) == {"min"}, aht  # 5 min beside 20 min, never 300.0 s beside 20.1 min
    asa = _row(text, "ASA")
    assert re.search(r"\d s ±", asa) and re.search(r"\d h\b", asa), asa  # phone in seconds, email in hours
    assert "24 h" in _row(text, "answer target") and "86400" not in text
    email_asa = next(line for line in text.splitlines() if line.strip().startswith("email: ASA"))
    assert re.search(r"\d h .*target <= 2\.00 h", email_asa), email_asa  # the value and its target in hours
    groups = text[text.index("Agent groups") :]
    assert set(re.findall(r"\d (s|min)\b", _row(groups, "handle time (AHT)"))) == {"min"}


def _service_rows(text: str) -> dict[str, str]:
    block = text[text.index("Service per channel") :].split("\n\n")[0]
    return {line.split()[1]: line for line in block.splitlines()[2:] if len(line.split()) > 1}


def test_the_comparison_text_and_html_show_email_waits_and_target_in_hours(cmp):
    text = comparison_text(cmp)
    rows = _service_rows(text)
    email = next(line for key, line in rows.items() if key == "email")
    assert " 24 h " in email and re.search(r"\d h ±", email), email
    phone = next(line for key, line in rows.items() if key == "phone")
    assert " 20 s " in phone and re.search(r"\d s ±", phone) and not re.search(r"\d h\b", phone), phone
    assert "86400" not in text and "7200 s" not in text
    targets = text[text.index("Targets:") :].split("\n\n")[0]
    assert re.search(r"email +max_asa_s +2 h +\d+\.\d+ h", targets), targets
    page = comparison_html(cmp)
    service = page[page.index('id="service"') : page.index('id="targets"')]
    assert ">24 h<" in service and ">20 s<" in service and "86400" not in service
    assert re.search(r">\d+\.\d+ h<", service)


def test_the_workbook_keeps_each_time_in_its_unit(cmp):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(io.BytesIO(comparison_xlsx(cmp)))
    ws = wb["Service"]
    header = [c.value for c in ws[1]]
    asa, target = header.index("ASA [s or h]"), header.index("answer target [s or h]")
    service = next(t for t in comparison_tables(cmp) if t.name == "Service")
    for row, data in zip(ws.iter_rows(min_row=2), service.rows, strict=True):
        hours = data["channel"] == "email"
        assert row[asa].number_format.endswith('" h"' if hours else '" s"')
        assert row[asa].value == pytest.approx(data["asa_s"] / (3600 if hours else 1))
        assert row[target].value == (24 if hours else 20)


def test_a_vendor_sla_names_each_promise_in_its_unit():
    from ccsim.outputs.comparison_tables import _promise

    assert _promise("min_service_level", 0.8) == "min_service_level 80 %"
    assert _promise("max_asa_s", 30) == "max_asa_s 30 s"
    assert _promise("max_asa_s", 14400) == "max_asa_s 4 h"


def test_a_vendor_sla_is_shown_with_the_answer_time_and_terms_it_is_judged_on():
    from ccsim.economics import SlaOutcome
    from ccsim.outputs.comparison_tables import _sla_text

    def outcome(**terms):
        return SlaOutcome("x", {"min_service_level": 0.8, "max_asa_s": 30}, *([np.zeros(1)] * 6), terms=terms)

    own = outcome(answer_within_s={"all": 30.0}, service_level_basis="offered", short_abandon_s=None)
    assert _sla_text(own) == "min_service_level 80 % within 30 s, max_asa_s 30 s"
    channel = outcome(
        answer_within_s={"phone": 20.0, "email": 86400.0}, service_level_basis="answered", short_abandon_s=5
    )
    assert _sla_text(channel) == (
        "min_service_level 80 % within 20 s (phone), 24 h (email) of those answered, max_asa_s 30 s, "
        "hang-ups within 5 s not counted"
    )
