"""The staffing planner: known optima on steady queues, the start of a day, bad input, the CLI."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from ccsim import CcsimError, required_agents, scenario_from_dict, simulate
from ccsim.cli import main
from ccsim.planning import analytic_staffing, plan
from ccsim.planning.guess import time_varying_load

QUEUE = {
    "name": "steady queue",
    "calendar": {"interval_min": 60, "days": 1},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 200 * 24},
            "handle_time": {"dist": "exponential", "mean_s": 180},
            "patience": None,
            "targets": {"min_service_level": 0.8, "answer_within_s": 20},
        }
    },
    "agent_groups": {"agents": {"skills": ["phone"], "staffing": 1}},
    "simulation": {"seed": 5},
}


def test_a_constant_load_is_planned_as_erlang_c_noise_aside():
    p = plan(scenario_from_dict(QUEUE))
    erlang_c = required_agents(200 / 3600, 180, answer_within_s=20, min_service_level=0.8).agents  # 14
    # SIPP is Erlang C interval by interval; the plan is judged on simulated interval means,
    # which cannot tell 13 agents (79.6 %) from 14 (88.8 %) apart by more than the noise
    assert list(p.sipp["agents"]) == [erlang_c] * 24
    assert p.met and np.all(np.abs(p.staffing["agents"] - erlang_c) <= 1)
    levels = [r["service_level"] for r in p.result.intervals]
    assert min(levels) >= 0.8 and not p.misses


def test_with_abandonment_the_plan_follows_erlang_a():
    data = copy.deepcopy(QUEUE)
    data["channels"]["phone"]["patience"] = {"dist": "exponential", "mean_s": 120}
    data["channels"]["phone"]["targets"]["max_abandon_rate"] = 0.03
    p = plan(scenario_from_dict(data))
    erlang_a = required_agents(
        200 / 3600, 180, answer_within_s=20, min_service_level=0.8, patience_s=120, max_abandon_rate=0.03
    ).agents
    assert list(p.sipp["agents"]) == [erlang_a] * 24
    assert p.met and np.all(np.abs(p.staffing["agents"] - erlang_a) <= 1)


def test_a_day_starting_empty_needs_fewer_agents_at_the_opening_than_sipp():
    # long handle times (20 min): the load builds up over the first half hour, so the opening
    # interval needs fewer agents than its arrivals in steady state would
    data = copy.deepcopy(QUEUE)
    data["calendar"] = {"interval_min": 30, "open": "08:00", "close": "12:00"}
    data["channels"]["phone"]["volume"] = {"per_day": 8 * 60}
    data["channels"]["phone"]["handle_time"] = {"dist": "exponential", "mean_s": 1200}
    p = plan(scenario_from_dict(data))
    assert p.met
    assert p.analytic["agents"][0] < p.sipp["agents"][0]
    assert p.staffing["agents"][0] < p.sipp["agents"][0]


def test_the_time_varying_load_follows_the_arrivals_with_a_lag():
    # a step from 0 to rate r at time 0: m(t) = r aht (1 - exp(-t / aht)); its mean over [0, T]
    rate, aht, T = 0.1, 600.0, 1800.0
    load = time_varying_load(np.array([rate, rate]), aht, [0.0, T], [T, 2 * T])
    exact0 = rate * aht * (1 - aht / T * (1 - np.exp(-T / aht)))
    assert load[0] == pytest.approx(exact0, rel=1e-12)
    assert load[0] < load[1] < rate * aht


def test_the_time_varying_load_keeps_each_arrival_intervals_handle_time():
    # contacts of interval 0 (mean 600 s) keep decaying at their own pace in interval 1, where
    # nobody arrives, whatever interval 1's handle time
    rate, T = 0.1, 1800.0
    load = time_varying_load(np.array([rate, 0.0]), np.array([600.0, 60.0]), [0.0, T], [T, 2 * T])
    end0 = rate * 600 * (1 - np.exp(-T / 600))
    assert load[1] == pytest.approx(end0 * 600 / T * (1 - np.exp(-T / 600)), rel=1e-12)
    same = time_varying_load(np.array([rate, rate]), np.array([600.0, 600.0]), [0.0, T], [T, 2 * T])
    assert same == pytest.approx(time_varying_load(np.array([rate, rate]), 600.0, [0.0, T], [T, 2 * T]), rel=1e-12)


def test_a_forecast_handle_time_per_interval_is_planned_as_erlang_c_per_interval():
    data = copy.deepcopy(QUEUE)
    data["channels"]["phone"]["handle_time_per_interval_s"] = [120] * 12 + [240] * 12
    p = plan(scenario_from_dict(data))
    short, long = (
        required_agents(200 / 3600, aht, answer_within_s=20, min_service_level=0.8).agents for aht in (120, 240)
    )
    expect = np.array([short] * 12 + [long] * 12)
    assert list(p.sipp["agents"]) == list(expect)
    assert p.met and np.all(np.abs(p.staffing["agents"] - expect) <= 1)


def test_a_groups_own_handle_time_sizes_it():
    # the channel says 600 s; the only group's specialists take 180 s on average
    data = copy.deepcopy(QUEUE)
    data["channels"]["phone"]["handle_time"] = {"dist": "exponential", "mean_s": 600}
    data["agent_groups"]["agents"]["skills"] = {"phone": {"handle_time": {"dist": "exponential", "mean_s": 180}}}
    staffing, needs = analytic_staffing(scenario_from_dict(data), time_varying=False)
    erlang_c = required_agents(200 / 3600, 180, answer_within_s=20, min_service_level=0.8).agents
    assert list(staffing["agents"]) == [erlang_c] * 24
    assert needs["phone"].aht_s == pytest.approx([180] * 24)


def test_agents_available_half_the_time_are_planned_twice_as_many():
    data = copy.deepcopy(QUEUE)
    data["agent_groups"]["agents"]["availability"] = 0.5
    staffing, _ = analytic_staffing(scenario_from_dict(data), time_varying=False)
    erlang_c = required_agents(200 / 3600, 180, answer_within_s=20, min_service_level=0.8).agents
    assert list(staffing["agents"]) == [2 * erlang_c] * 24


def test_the_plan_as_a_scenario_gives_the_plans_numbers():
    p = plan(scenario_from_dict(QUEUE), replications=20)
    again = simulate(p.to_scenario(), replications=20, seed=p.seed)
    assert np.array_equal(again.channel_sums, p.result.channel_sums)


def test_a_channel_without_a_target_is_named():
    data = copy.deepcopy(QUEUE)
    data["channels"]["phone"]["targets"] = {}
    with pytest.raises(CcsimError, match=r"channels\.phone\.targets: the planner needs a target"):
        analytic_staffing(scenario_from_dict(data))


def test_a_target_not_met_within_the_limits_names_channel_interval_and_target():
    # repeat contacts add load the analytic guess leaves to the simulation; one evaluation only
    data = copy.deepcopy(QUEUE)
    data["agent_groups"]["agents"]["first_contact_resolution"] = 0.3
    data["resolution"] = {"repeat_probability": 0.9, "repeat_delay": {"dist": "exponential", "mean_s": 600}}
    p = plan(scenario_from_dict(data), max_evaluations=1, replications=5)
    assert not p.met
    text = str(p.misses[0])
    assert text.startswith("channels.phone, interval day 1 ") and "min_service_level 0.8 not met" in text


def test_ccsim_plan_prints_writes_and_confirms(tmp_path, capsys):
    path = tmp_path / "queue.yaml"
    import yaml

    path.write_text(yaml.safe_dump(QUEUE))
    out = tmp_path / "out"
    assert main(["plan", str(path), "--replications", "20", "--json", "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["met"] and len(data["groups"]["agents"]["planned"]) == 24
    first = data["intervals"][0]  # per interval: the plan's KPIs with their confidence intervals
    assert 0 < first["phone_service_level_ci95"] < 0.2 and first["agents_occupancy_ci95"] > 0
    assert {"plan.csv", "plan.json", "plan_variant.yaml", "plan.png"} <= {f.name for f in out.iterdir()}
    # the variant file pastes under variants: and ccsim run confirms the plan
    variant = yaml.safe_load((out / "plan_variant.yaml").read_text())
    confirmed = copy.deepcopy(QUEUE) | variant
    path.write_text(yaml.safe_dump(confirmed))
    assert main(["run", str(path), "--variant", "planned", "--replications", "20", "--json"]) == 0
    run = json.loads(capsys.readouterr().out)
    assert run["staffing"]["agents"] == data["groups"]["agents"]["planned"]
    assert min(r["service_level"] for r in run["intervals"]) >= 0.8


def test_ccsim_plan_that_misses_keeps_the_plan_and_says_what_in_one_line(tmp_path, capsys):
    import yaml

    data = copy.deepcopy(QUEUE)
    data["agent_groups"]["agents"]["first_contact_resolution"] = 0.3
    data["resolution"] = {"repeat_probability": 0.9, "repeat_delay": {"dist": "exponential", "mean_s": 600}}
    path = tmp_path / "queue.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["plan", str(path), "--replications", "5", "--max-evaluations", "1"]) == 2
    out, err = capsys.readouterr()
    assert "target(s) NOT met" in out and "day 1 00:00" in out  # the plan is still shown
    assert err.count("\n") == 1 and err.startswith("ccsim: error: channels.phone, interval day 1 ")
    assert "the search stopped after 1 simulations (--max-evaluations)" in err


def test_groups_working_some_weekdays_get_the_contacts_of_their_days_only():
    data = copy.deepcopy(QUEUE)
    data["calendar"] = {"interval_min": 60, "open": "08:00", "close": "12:00", "days": 7}
    data["channels"]["phone"]["volume"] = {"per_day": 200}
    data["agent_groups"] = {
        "week": {"skills": ["phone"], "staffing": 1, "weekdays": ["mon", "tue", "wed", "thu", "fri"]},
        "weekend": {"skills": ["phone"], "staffing": 1, "weekdays": ["sat", "sun"]},
    }
    p = plan(scenario_from_dict(data), replications=10)
    assert p.met
    assert not p.staffing["week"][20:].any() and p.staffing["weekend"][20:].all()  # days 6 and 7 are sat, sun
    assert p.staffing["week"][:20].all() and not p.staffing["weekend"][:20].any()
    data["agent_groups"]["weekend"]["weekdays"] = ["sat"]
    with pytest.raises(CcsimError, match=r"channels\.phone: no in-house group with a skill for it works on day 7"):
        plan(scenario_from_dict(data))


def test_a_vendors_group_keeps_its_staffing_and_the_plan_reproduces():
    data = copy.deepcopy(QUEUE)
    data["calendar"] = {"interval_min": 60, "open": "08:00", "close": "12:00"}
    data["channels"]["phone"]["volume"] = {"per_day": 400}
    data["agent_groups"] = {
        "house": {
            "skills": ["phone"],
            "staffing": 1,
            "first_contact_resolution": 0.5,
            "escalation": {"to": "bpo", "probability": 0.5},
        },
        "bpo": {"tier": 2, "skills": ["phone"], "staffing": 2, "vendor": "acme"},
    }
    data["vendors"] = {"acme": {"routing": {"mode": "share", "share": 0.0, "channels": ["phone"]}}}
    p = plan(scenario_from_dict(data), replications=10, max_evaluations=30)
    assert p.planned_groups == ("house",) and list(p.staffing["bpo"]) == [2, 2, 2, 2]
    again = simulate(p.to_scenario(), replications=10, seed=p.seed)
    assert np.array_equal(again.channel_sums, p.result.channel_sums)


def test_max_agents_caps_the_plan_and_a_cap_that_blocks_is_named(tmp_path, capsys):
    import yaml

    data = copy.deepcopy(QUEUE)
    data["agent_groups"]["agents"]["max_agents"] = 12  # Erlang C needs 14 at 80 % in 20 s
    path = tmp_path / "capped.yaml"
    path.write_text(yaml.safe_dump(data))
    p = plan(scenario_from_dict(data), replications=5)
    assert not p.met and p.stopped == "limit" and p.staffing["agents"].max() == 12
    assert main(["plan", str(path), "--replications", "5"]) == 2
    err = capsys.readouterr().err
    assert "agent_groups.agents.max_agents (12) blocks interval day 1 00:00" in err


def test_the_plan_reports_paid_hours_fte_and_labour_cost():
    from ccsim.outputs.plan_text import plan_dict

    data = copy.deepcopy(QUEUE)
    data["agent_groups"]["agents"]["shrinkage"] = 0.2
    data["costs"] = {"wage_per_hour": 2000, "fte_hours_per_week": 35}
    p = plan(scenario_from_dict(data), replications=5)
    g = plan_dict(p)["groups"]["agents"]
    on_duty = float(p.staffing["agents"].sum())  # hour-long intervals
    assert g["agent_hours_on_duty"] == on_duty
    assert g["agent_hours_paid"] == pytest.approx(on_duty / 0.8)
    assert g["fte"] == pytest.approx(on_duty / 0.8 / (35 / 7))  # one simulated day of a 35-hour week
    assert g["labour_cost"] == pytest.approx(on_duty / 0.8 * 2000)


def test_chat_agents_are_planned_as_k_times_n_servers():
    # without slowdown, an agent running k chats is k servers of M/M/(k n): Erlang C on chats
    data = copy.deepcopy(QUEUE)
    data["channels"] = {
        "chat": {
            "kind": "chat",
            "volume": {"per_day": 120 * 24},
            "handle_time": {"dist": "exponential", "mean_s": 600},
            "patience": None,
            "max_concurrent": 3,
            "targets": {"min_service_level": 0.8, "answer_within_s": 60},
        }
    }
    data["agent_groups"] = {"agents": {"skills": ["chat"], "staffing": 1}}
    servers = required_agents(120 / 3600, 600, answer_within_s=60, min_service_level=0.8).agents
    p = plan(scenario_from_dict(data))
    assert list(p.sipp["agents"]) == [-(-servers // 3)] * 24
    assert p.met and np.all(np.abs(p.staffing["agents"] - (-(-servers // 3))) <= 1)


def test_an_email_backlog_is_planned_at_its_workload():
    # 300 emails a day over 10 hours, 8 minutes each: 4 agents' work every hour. Answering 90 %
    # within 4 hours day after day needs that capacity (fewer, and the backlog grows each day);
    # more would be waste
    data = {
        "name": "email desk",
        "calendar": {"interval_min": 60, "open": "08:00", "close": "18:00", "days": 3},
        "channels": {
            "email": {
                "kind": "email",
                "volume": {"per_day": 300},
                "handle_time": {"dist": "exponential", "mean_s": 480},
                "targets": {"min_service_level": 0.9, "answer_within_h": 4},
            }
        },
        "agent_groups": {"a": {"skills": ["email"], "staffing": 1}},
        "simulation": {"seed": 2},
    }
    p = plan(scenario_from_dict(data))
    work_hours = 300 * 480 / 3600 * 3
    assert p.met
    assert 0.9 * work_hours <= p.hours(p.staffing)["a"] <= 1.1 * work_hours


def test_language_teams_are_sized_for_their_own_contact_type():
    # English and Japanese callers on one line, answered by two teams: each team gets the agents
    # its own share of the calls needs (not all of them in the first team)
    data = copy.deepcopy(QUEUE)
    data["calendar"] = {"interval_min": 60, "open": "09:00", "close": "13:00"}
    data["channels"]["phone"]["volume"] = {"per_day": 4 * 200}
    data["channels"]["phone"]["contact_types"] = {"en": 0.7, "ja": 0.3}
    data["agent_groups"] = {
        "english": {"skills": ["phone/en"], "staffing": 1},
        "japanese": {"skills": ["phone/ja"], "staffing": 1},
    }
    p = plan(scenario_from_dict(data), replications=20)
    assert p.met and p.evaluations < 30
    for group, share in (("english", 0.7), ("japanese", 0.3)):
        alone = required_agents(share * 200 / 3600, 180, answer_within_s=20, min_service_level=0.8).agents
        assert list(p.sipp[group]) == [alone] * 4
        assert np.all(np.abs(p.staffing[group] - alone) <= 2)


def test_intervals_where_nobody_can_answer_are_named_and_stop_the_search():
    # the team's agents do other work all of 11:00 (availability 0): no staffing meets the target
    # there; the planner says so instead of adding agents who would not answer
    data = copy.deepcopy(QUEUE)
    data["calendar"] = {"interval_min": 60, "open": "09:00", "close": "13:00"}
    data["channels"]["phone"]["volume"] = {"per_day": 4 * 200}
    data["channels"]["phone"]["patience"] = {"dist": "exponential", "mean_s": 60}
    data["agent_groups"]["agents"]["availability"] = [1, 1, 0, 1]
    p = plan(scenario_from_dict(data), replications=20, max_evaluations=12)
    assert not p.met and p.stopped == "limit" and p.staffing["agents"][2] == 0
    assert "agent_groups.agents.availability is 0 in interval day 1 11:00: no agent of it can answer there" in p.notes
