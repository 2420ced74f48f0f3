"""Opening hours per weekday: the calendar's grid, closed intervals, volume, staffing and both engines."""

from __future__ import annotations

import pytest

from ccsim import ScenarioError, scenario_from_dict, simulate
from ccsim.engine.intervals import Intervals
from ccsim.results.layout import CH_STATS, GROUP_STATS


def desk(**calendar) -> dict:
    return {
        "name": "hours",
        "calendar": {"interval_min": 60, "open": "09:00", "close": "13:00", **calendar},
        "channels": {
            "phone": {
                "kind": "voice",
                "volume": {"per_day": 40},
                "handle_time": {"dist": "exponential", "mean_s": 300},
                "patience": {"dist": "exponential", "mean_s": 200},
                "redial": {"probability": 0.8, "delay": {"dist": "exponential", "mean_s": 1800}},
            }
        },
        "agent_groups": {"agents": {"skills": ["phone"], "staffing": 2}},
    }


def test_a_day_runs_from_the_weeks_earliest_opening_to_its_latest_closing():
    cal = scenario_from_dict(desk(hours={"sat": "08:00-10:00", "sun": "closed"}, days=7)).calendar
    assert cal.day_start == "08:00" and cal.intervals_per_day_value == 5  # 08:00-13:00
    shape = cal.open_intervals().reshape(7, 5)
    assert shape[:5].tolist() == [[False, True, True, True, True]] * 5  # mon-fri 09:00-13:00
    assert shape[5].tolist() == [True, True, False, False, False]  # sat 08:00-10:00
    assert not shape[6].any()  # sun closed
    assert cal.interval_labels()[0] == "day 1 08:00"


def test_a_closed_interval_has_no_opening_time():
    cal = scenario_from_dict(desk(hours={"tue": "10:00-12:00"}, days=2)).calendar
    iv = Intervals(cal)
    starts, ends = iv.starts, iv.ends
    assert [e - s for s, e in zip(starts, ends, strict=True)] == [3600.0] * 4 + [0.0, 3600.0, 3600.0, 0.0]
    # an hour of opening time after Monday 12:30: 30 min on Monday, 30 min from Tuesday 10:00
    assert iv.open_after(12.5 * 3600, 3600.0) == pytest.approx(86400 + 10.5 * 3600)


def test_without_hours_nothing_changes():
    cal = scenario_from_dict(desk(days=3)).calendar
    assert cal.open_intervals().all() and not cal.has_closed_intervals
    assert cal.interval_ends_s() == [s + 3600.0 for s in cal.interval_starts_s()]


def test_a_factor_of_zero_closes_the_weekday():
    cal = scenario_from_dict(desk(days=2, start_weekday="sat", day_of_week_factors={"sun": 0})).calendar
    assert cal.weekday_hours("sun") is None
    assert cal.open_intervals().tolist() == [True] * 4 + [False] * 4


def test_per_day_volume_is_spread_over_each_days_own_hours():
    data = desk(hours={"tue": "10:00-12:00"}, days=2)
    data["channels"]["phone"]["volume"] = {"per_day": 40, "profile": [1, 1, 2, 4]}
    sc = scenario_from_dict(data)
    vol = sc.channels["phone"].volume.per_interval_volume(sc.calendar)
    assert vol.tolist() == pytest.approx([5.0, 5.0, 10.0, 20.0, 0.0, 40 / 3, 80 / 3, 0.0])


def test_a_days_per_interval_list_is_cut_to_each_days_hours():
    data = desk(hours={"tue": "10:00-12:00"}, days=2)
    data["channels"]["phone"]["volume"] = {"per_interval": [1, 2, 3, 4]}
    sc = scenario_from_dict(data)
    assert sc.channels["phone"].volume.per_interval_volume(sc.calendar).tolist() == [1, 2, 3, 4, 0, 2, 3, 0]


def test_a_runs_volume_in_closed_hours_is_an_error_naming_the_interval():
    data = desk(hours={"tue": "10:00-12:00"}, days=2)
    data["channels"]["phone"]["volume"] = {"per_interval": [1, 2, 3, 4, 0, 2, 3, 7]}
    with pytest.raises(
        ScenarioError,
        match=r"channels\.phone\.volume\.per_interval\.7: 7 contacts in interval "
        r"day 2 12:00 \(tue\), when the calendar closes the desk \(open 10:00-12:00\)",
    ):
        scenario_from_dict(data)


def test_a_profile_with_no_weight_in_an_open_days_hours_is_an_error():
    data = desk(hours={"tue": "12:00-13:00"}, days=2)
    data["channels"]["phone"]["volume"] = {"per_day": 40, "profile": [1, 1, 1, 0]}
    with pytest.raises(
        ScenarioError,
        match=r"channels\.phone\.volume\.profile: no weight within tue's opening "
        r"hours \(open 12:00-13:00\)",
    ):
        scenario_from_dict(data)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"sat": "10-15"}, r"calendar\.hours\.sat: .*must be opening hours as HH:MM-HH:MM .*got '10-15'"),
        ({"sat": "15:00-10:00"}, r"calendar\.hours\.sat: .*closing time must be after the opening time"),
        ({"sat": "10:15-12:00"}, r"hours\.sat: must fall on 60-minute interval boundaries, got '10:15-12:00'"),
        ({"sat": "10:00-25:00"}, r"calendar\.hours\.sat: .*HH:MM \(00:00 to 24:00\)"),
        ({"funday": "10:00-12:00"}, r"calendar\.hours\.funday: must be one of 'mon', .*got 'funday'"),
        (dict.fromkeys(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "closed"), r"every weekday is closed"),
    ],
)
def test_bad_hours_are_named_with_rule_and_value(hours, message):
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict(desk(hours=hours))


def test_nobody_is_on_duty_and_nothing_arrives_or_is_paid_in_closed_hours():
    data = desk(hours={"tue": "10:00-12:00", "wed": "closed"}, days=3)
    data["agent_groups"]["agents"]["staffing"] = [3, 3, 3, 3]
    sc = scenario_from_dict(data)
    closed = ~sc.calendar.open_intervals()
    assert sc.staffing_plan()["agents"].tolist() == [3] * 4 + [0, 3, 3, 0] + [0] * 4
    res = simulate(sc, replications=5, seed=4)
    for row in res.intervals:
        if closed[row["interval"]]:
            assert row["offered"] == 0
    scheduled = res.group_sums[..., GROUP_STATS.index("scheduled_s")]
    assert not scheduled[:, :, closed].any() and scheduled[:, :, ~closed].all()


def test_redials_wait_for_the_opening_hours():
    # Tuesday closed: every redial of Monday's hang-ups arrives on Monday or on Wednesday
    data = desk(hours={"tue": "closed"}, days=3)
    data["agent_groups"]["agents"]["staffing"] = 0  # nobody answers: everybody hangs up and redials
    res = simulate(scenario_from_dict(data), replications=3, seed=2)
    redials = res.channel_sums[..., CH_STATS.index("redials")].sum(axis=(0, 1))
    assert redials[4:8].sum() == 0 and redials[8:].sum() > 0


def test_hours_for_a_weekday_a_factor_of_zero_closes_are_an_error():
    with pytest.raises(ScenarioError, match=r"hours\.tue: opening hours for a weekday that day_of_week_factors\.tue"):
        scenario_from_dict(desk(hours={"tue": "09:00-12:00"}, day_of_week_factors={"tue": 0}))


def test_a_list_the_wrong_length_for_a_day_widened_by_hours_says_why():
    data = desk(hours={"sat": "07:00-10:00"})  # Saturday opens two hours before the other days
    data["channels"]["phone"]["volume"] = {"per_day": 40, "profile": [1, 2, 3, 4]}
    with pytest.raises(
        ScenarioError,
        match=r"profile: must have 6 values .*got 4; a day runs from 07:00, the "
        r"week's earliest opening, to 13:00",
    ):
        scenario_from_dict(data)
