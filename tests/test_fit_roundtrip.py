"""Round trip: simulate a desk with known parameters, write its contact log, fit it back."""

from __future__ import annotations

import numpy as np
import pytest

import ccsim
from ccsim.contact_log import contact_log, contact_log_csv

TRUTH = [6, 7, 8, 8, 8, 6, 5, 6, 8, 8, 8, 7, 6, 6, 5, 5]  # fewer agents at lunch
DESK = {
    "name": "known desk",
    "calendar": {"interval_min": 30, "open": "09:00", "close": "17:00", "days": 5, "start_weekday": "mon"},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 700, "profile": [3, 4, 5, 6, 6, 5, 4, 4, 5, 6, 6, 5, 4, 4, 3, 3]},
            "handle_time": {"dist": "lognormal", "mean_s": 240, "cv": 0.8},
            "patience": {"dist": "weibull", "mean_s": 150, "shape": 1.5},
            "redial": {"probability": 0.3, "delay": {"dist": "exponential", "mean_s": 600}},
        }
    },
    "agent_groups": {"team": {"skills": ["phone"], "staffing": TRUTH}},
}


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    sc = ccsim.scenario_from_dict(DESK)
    res = ccsim.simulate(sc, replications=30, seed=3, trace=True)  # 30 weeks of weekdays
    rows = contact_log(res.traces, replication_ids=res.replication_ids, start_weekday="mon", days=5)
    path = tmp_path_factory.mktemp("log") / "log.csv"
    path.write_text(contact_log_csv(rows))
    return ccsim.fit(path, replications=30)


def test_every_parameter_comes_back_within_its_interval(fitted):
    ch = fitted.parameters.channels["phone"]
    handle = ch.handle.fit.best
    assert handle.dist == "lognormal"
    assert handle.mean_ci[0] <= 240 <= handle.mean_ci[1] and handle.shape_ci[0] <= 0.8 <= handle.shape_ci[1]
    patience = ch.patience.fit.fit("weibull")
    assert patience.mean_ci[0] <= 150 <= patience.mean_ci[1] and patience.shape_ci[0] <= 1.5 <= patience.shape_ci[1]
    redials = ch.redials
    assert redials.probability_ci[0] <= 0.3 <= redials.probability_ci[1]
    delay = redials.delay.fit("exponential")
    assert delay.mean_ci[0] <= 600 <= delay.mean_ci[1]
    volume = np.asarray(fitted.data["channels"]["phone"]["volume"]["per_interval"][:16])
    expected = 700 * np.array([3, 4, 5, 6, 6, 5, 4, 4, 5, 6, 6, 5, 4, 4, 3, 3]) / 72
    assert np.all(np.abs(volume - expected) <= 4 * np.sqrt(expected / 150))  # 150 days: Poisson noise (first attempts)


def test_the_effective_staffing_is_the_staffing_that_made_the_log(fitted):
    e = fitted.staffing.effective["phone_team"][:16]
    off = np.abs(e - np.asarray(TRUTH))
    assert np.mean(off) < 0.3 and np.mean(off <= 0.5) >= 0.9, np.round(e, 2)


def test_the_fitted_scenario_validates_runs_and_the_check_compares_it(fitted):
    sc = fitted.scenario
    assert sc.agent_groups["phone_team"].availability is not None
    text = fitted.yaml()
    assert "effective staffing" in text and ccsim.scenario_from_dict(__import__("yaml").safe_load(text))
    checked = fitted.check(replications=10)
    agree = checked.agreement()
    assert agree["intervals"] == 80 and agree["asa_agrees"] >= 0.6 * agree["intervals"]
