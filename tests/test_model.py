"""The simulation engine: exact timelines, invariants, reproducibility, every bundled scenario."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import numpy as np
import pytest

from ccsim import load_scenario, scenario_from_dict
from ccsim.engine import ContactCenter, ScriptedContact
from ccsim.engine.reference import ReferenceModel
from ccsim.results.kpis import group_kpis
from ccsim.results.layout import CH_STATS, GROUP_STATS
from ccsim.simulation import simulate

ROOT = Path(__file__).resolve().parents[1]
C = {name: i for i, name in enumerate(CH_STATS)}

TIMELINE = {
    "name": "timeline",
    "calendar": {"interval_min": 60, "open": "00:00", "close": "02:00"},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_interval": [0, 0]},
            "handle_time": {"dist": "deterministic", "value_s": 60},
            "patience": {"dist": "deterministic", "value_s": 60},
        }
    },
    "agent_groups": {
        "t1": {
            "skills": ["phone"],
            "staffing": [2, 1],
            "first_contact_resolution": 0.5,
            "escalation": {"to": "t2", "probability": 0.3},
        },
        "t2": {"tier": 2, "skills": ["phone"], "staffing": 1},
    },
    "resolution": {"repeat_probability": 1.0, "repeat_delay": {"dist": "deterministic", "value_s": 1000}},
}


def events(trace, kinds=("answer", "abandon", "escalate", "complete", "resolved", "unresolved", "leave", "staff")):
    return [(float(t), e, cid, where) for t, e, cid, _, where in trace if e in kinds]


def test_exact_timeline_answers_abandonment_escalation_repeat_and_shift_change():
    sc = scenario_from_dict(TIMELINE)
    script = [
        ScriptedContact(0, "phone", 100, outcome_u=0.1),  # resolved by tier 1
        ScriptedContact(10, "phone", 50, outcome_u=0.6),  # escalated (0.5 <= u < 0.8) to tier 2
        ScriptedContact(20, "phone", 30, patience_s=100, outcome_u=0.9),  # unresolved: repeats after 1000 s
        ScriptedContact(30, "phone", 10, patience_s=20),  # hangs up at 50
        ScriptedContact(3590, "phone", 200, outcome_u=0.1),
        ScriptedContact(3595, "phone", 100, outcome_u=0.1),
        ScriptedContact(3600, "phone", 20, patience_s=500, outcome_u=0.1),  # waits for the remaining agent
    ]
    r = ContactCenter(sc, seed=1, trace=True, script=script).run()
    assert events(r.trace) == [
        (0.0, "staff", None, "t1=2"),
        (0.0, "staff", None, "t2=1"),
        (0.0, "answer", 0, "t1"),
        (10.0, "answer", 1, "t1"),
        (50.0, "abandon", 3, "entry:phone"),
        (60.0, "complete", 1, "t1"),
        (60.0, "escalate", 1, "transfer:t2:phone"),
        (60.0, "answer", 1, "t2"),  # the transfer: tier 2 was free
        (60.0, "answer", 2, "t1"),  # waited 40 s
        (90.0, "complete", 2, "t1"),
        (90.0, "unresolved", 2, "t1"),
        (100.0, "complete", 0, "t1"),
        (100.0, "resolved", 0, "t1"),
        (120.0, "complete", 1, "t2"),  # tier 2 handle time 60 s
        (120.0, "resolved", 1, "t2"),
        (1090.0, "answer", 4, "t1"),  # the repeat contact of contact 2
        (1150.0, "complete", 4, "t1"),
        (1150.0, "resolved", 4, "t1"),
        (3590.0, "answer", 5, "t1"),
        (3595.0, "answer", 6, "t1"),
        (3600.0, "staff", None, "t1=1"),  # both busy: one leaves after the contact in hand
        (3695.0, "complete", 6, "t1"),
        (3695.0, "resolved", 6, "t1"),
        (3695.0, "leave", None, "t1"),
        (3790.0, "complete", 5, "t1"),
        (3790.0, "resolved", 5, "t1"),
        (3790.0, "answer", 7, "t1"),  # waited 190 s for the one agent left
        (3810.0, "complete", 7, "t1"),
        (3810.0, "resolved", 7, "t1"),
    ]
    tot = r.channels[0].sum(axis=0)
    assert tot[C["offered"]] == 8 and tot[C["answered"]] == 7 and tot[C["abandoned"]] == 1
    assert tot[C["repeats"]] == 1 and tot[C["escalated"]] == 1 and tot[C["issues"]] == 7
    assert tot[C["wait_answered_s"]] == pytest.approx(40 + 190)
    assert tot[C["first_handled"]] == 6 and tot[C["first_resolved"]] == 4


CHAT = {
    "name": "chat",
    "calendar": {"interval_min": 60, "open": "00:00", "close": "01:00"},
    "channels": {
        "chat": {
            "kind": "chat",
            "volume": {"per_interval": [0]},
            "handle_time": {"dist": "deterministic", "value_s": 100},
            "patience": None,
            "max_concurrent": 2,
            "concurrency_slowdown": 0.5,
        }
    },
    "agent_groups": {"a": {"skills": ["chat"], "staffing": 1}},
}


def test_chat_agents_run_concurrent_chats_with_slowdown():
    script = [ScriptedContact(0, "chat", 100), ScriptedContact(50, "chat", 100), ScriptedContact(60, "chat", 100)]
    r = ContactCenter(scenario_from_dict(CHAT), seed=1, trace=True, script=script).run()
    # chat 0 alone for 50 s (50 done), then two chats at 1.5x: chat 0 needs 50 more -> 75 s -> t=125;
    # chat 1 has done 75 / 1.5 = 50 by then. Chat 2 waited for the free slot and starts at 125; two
    # chats again: chat 1 needs 50 x 1.5 -> t=200, when chat 2 has done 50 and finishes alone at 250.
    got = [(t, e, cid) for t, e, cid, _ in events(r.trace, ("answer", "complete"))]
    assert got == [
        (0.0, "answer", 0),
        (50.0, "answer", 1),
        (125.0, "complete", 0),
        (125.0, "answer", 2),
        (pytest.approx(200.0), "complete", 1),
        (pytest.approx(250.0), "complete", 2),
    ]


EMAIL_BACKLOG = {
    "name": "email",
    "calendar": {"interval_min": 60, "open": "09:00", "close": "10:00", "days": 2},
    "channels": {
        "email": {
            "kind": "email",
            "volume": {"per_interval": [0]},
            "handle_time": {"dist": "deterministic", "value_s": 600},
            "targets": {"min_service_level": 0.9, "answer_within_h": 4},
        }
    },
    "agent_groups": {"a": {"skills": ["email"], "staffing": 1}},
}


def test_email_backlog_carries_over_the_night():
    nine = 9 * 3600
    script = [ScriptedContact(nine + 100 * i, "email", 600) for i in range(8)]
    r = ContactCenter(scenario_from_dict(EMAIL_BACKLOG), seed=1, trace=True, script=script).run()
    answers = [t for t, e, *_ in r.trace if e == "answer"]
    assert answers[:6] == [nine + 600 * i for i in range(6)]
    assert answers[6:] == [86400 + nine, 86400 + nine + 600]  # overnight: next morning at opening
    day1 = r.channels[0][0]
    assert day1[C["backlog_end"]] == 2
    assert day1[C["answered_within"]] == 6
    # waiting counts within opening hours only (the night is not a queue anyone watches): on day 1
    # emails 0-5 wait 500 i s, emails 6 and 7 from their arrival to closing; on day 2 email 7 waits
    # the 600 s email 6 takes
    assert day1[C["queue_s"]] == 500 * sum(range(6)) + (3600 - 600) + (3600 - 700)
    assert r.channels[0][1][C["queue_s"]] == 600


def test_mean_queue_length_of_the_last_interval_is_not_inflated_by_the_night():
    sc = load_scenario(ROOT / "scenarios" / "omnichannel_chatbot.yaml")
    res = simulate(sc, replications=2, seed=3)
    rows = [r for r in res.intervals if r["channel"] == "email"]
    # a time-average over an interval cannot exceed the contacts waiting at its start plus those
    # offered in it (dividing the overnight wait by the interval gave about 17 times the backlog)
    bound = max(r["backlog_end"] for r in rows) + max(r["offered"] for r in rows)
    assert max(r["mean_queue_len"] for r in rows) <= bound


def test_escalated_contacts_have_service_level_and_asa_at_the_receiving_group():
    data = copy.deepcopy(TIMELINE)
    data["resolution"] = {"repeat_probability": 0.0}
    sc = scenario_from_dict(data)
    script = [
        ScriptedContact(0, "phone", 100, outcome_u=0.6),  # escalated at 100; tier 2 free: answered at once
        ScriptedContact(10, "phone", 100, outcome_u=0.6),  # escalated at 110; tier 2 busy until 160: waits 50 s
        ScriptedContact(20, "phone", 2000, outcome_u=0.1),
    ]
    r = ContactCenter(sc, seed=1, script=script).run()
    g = {name: i for i, name in enumerate(GROUP_STATS)}
    t2 = r.groups[1].sum(axis=0)
    assert t2[g["transfers_offered"]] == 2 and t2[g["transfers_answered"]] == 2
    assert t2[g["transfers_within"]] == 1  # 0 s within the default 20 s; 50 s not
    assert t2[g["transfer_wait_s"]] == 50
    res_row = group_kpis(t2, 0.0)
    assert res_row["transfer_service_level"] == 0.5 and res_row["transfer_asa_s"] == 25.0
    assert res_row["transfer_abandon_rate"] == 0.0


# --------------------------------------------------------------------------- invariants

DESK = {
    "name": "desk",
    "calendar": {"interval_min": 30, "open": "08:00", "close": "12:00", "days": 2},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 600, "profile": [1, 2, 3, 3, 2, 2, 1, 1]},
            "handle_time": {"dist": "lognormal", "mean_s": 200, "cv": 0.7},
            "patience": {"dist": "exponential", "mean_s": 90},
            "redial": {"probability": 0.5, "delay": {"dist": "exponential", "mean_s": 300}},
            "targets": {"min_service_level": 0.8, "answer_within_s": 20},
        },
        "chat": {
            "kind": "chat",
            "volume": {"per_day": 300},
            "handle_time": {"dist": "gamma", "mean_s": 400, "cv": 1},
            "patience": {"dist": "exponential", "mean_s": 200},
            "self_service": {"kind": "chatbot", "containment": 0.3, "time": {"dist": "exponential", "mean_s": 60}},
            "max_concurrent": 2,
            "concurrency_slowdown": 0.2,
        },
        "email": {"kind": "email", "volume": {"per_day": 100}, "handle_time": {"dist": "exponential", "mean_s": 300}},
    },
    "agent_groups": {
        "t1": {
            "skills": {"phone": {}, "chat": {"priority": 2}, "email": {"priority": 3}},
            "staffing": [6, 9, 12, 12, 9, 9, 6, 6],
            "first_contact_resolution": 0.7,
            "escalation": {"to": "t2", "probability": 0.1},
        },
        "t2": {"tier": 2, "skills": ["phone", "chat", "email"], "staffing": 2},
    },
    "resolution": {"repeat_probability": 0.5, "repeat_delay": {"dist": "exponential", "mean_s": 3600}},
    "simulation": {"replications": 3, "seed": 3},
}


def test_every_contact_is_accounted_for():
    sc = scenario_from_dict(DESK)
    for rep in range(3):
        r = ContactCenter(sc, seed=11, replication=rep).run()
        tot = r.channels.sum(axis=1)
        for i in range(tot.shape[0]):
            t = dict(zip(CH_STATS, tot[i], strict=True))
            assert t["handled"] <= t["answered"] + t["escalated"]
            assert t["offered"] == t["answered"] + t["abandoned"] + t["waiting_at_end"]
            assert t["offered"] == t["issues"] + t["repeats"] + t["redials"]
            assert t["answered"] >= t["answered_within"]
            assert t["wait_answered_s"] >= 0 and t["wait_abandoned_s"] >= 0 and t["queue_s"] >= 0
        assert r.contacts >= int(tot[:, C["offered"]].sum() + tot[:, C["contained"]].sum())


def test_no_waiting_with_ample_agents():
    data = copy.deepcopy(DESK)
    data["agent_groups"]["t1"]["staffing"] = 200
    res = simulate(scenario_from_dict(data), replications=2, seed=5)
    for row in res.channels[:-1]:
        assert row["asa_s"] == 0.0 and row["abandoned"] in (0.0, None)  # None: email, nobody abandons
        assert row["service_level"] == pytest.approx(1.0)


def test_same_seed_same_numbers_and_replications_are_independent_of_the_count():
    sc = scenario_from_dict(DESK)
    a = simulate(sc, replications=3, seed=42)
    b = simulate(sc, replications=3, seed=42)
    assert a.channels == b.channels and a.intervals == b.intervals and a.groups == b.groups
    c = simulate(sc, replications=3, seed=43)
    assert a.channels != c.channels
    first = ContactCenter(sc, 42, 0).run()
    again = ContactCenter(sc, 42, 0).run()
    assert np.array_equal(first.channels, again.channels)


def test_common_random_numbers_across_staffing_variants():
    data = copy.deepcopy(DESK)
    data["variants"] = {"lean": {"overrides": {"agent_groups": {"t1": {"staffing": 4}}}}}
    sc = scenario_from_dict(data)
    base = ContactCenter(sc, 9, 0).run()
    lean = ContactCenter(sc.variant("lean"), 9, 0).run()
    # the same fresh contacts arrive in both setups (issues per interval), whatever the staffing
    assert np.array_equal(base.channels[:, :, C["issues"]], lean.channels[:, :, C["issues"]])
    assert base.channels[0, :, C["abandoned"]].sum() < lean.channels[0, :, C["abandoned"]].sum()


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_scenario_runs(path):
    sc = load_scenario(path)
    for variant in [None, *sc.variants]:
        v = sc.variant(variant)
        planned = [g for g, spec in v.agent_groups.items() if spec.staffing == "plan"]  # the planner's to size
        res = simulate(v, replications=2, seed=1, staffing=dict.fromkeys(planned, 4))
        assert res.replications == 2
        assert res.channel("all")["offered"] > 0
        assert all(0 <= (r["service_level"] or 0) <= 1 for r in res.channels)


def test_interrupt_keeps_finished_replications():
    sc = scenario_from_dict(DESK)

    def stop_after_two(done, total):
        if done == 2:
            raise KeyboardInterrupt

    res = simulate(sc, replications=5, seed=1, progress=stop_after_two)
    assert res.interrupted and res.replications == 2 and res.replications_requested == 5
    full = simulate(sc, replications=2, seed=1)
    assert res.channels == full.channels


SHIFTS = {
    "name": "shifts",
    "calendar": {"interval_min": 30, "open": "08:00", "close": "14:00", "days": 2},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 900, "profile": [1, 2, 3, 4, 4, 3, 2, 3, 3, 2, 1, 1]},
            "handle_time": {"dist": "lognormal", "mean_s": 180, "cv": 0.8},
            "patience": {"dist": "exponential", "mean_s": 100},
        },
        "email": {"kind": "email", "volume": {"per_day": 80}, "handle_time": {"dist": "exponential", "mean_s": 300}},
    },
    "agent_groups": {
        "day": {
            "skills": ["phone"],
            "staffing": [3, 8, 2, 9, 12, 4, 4, 10, 1, 6, 3, 0],
            "first_contact_resolution": 0.75,
            "escalation": {"to": "back", "probability": 0.1},
        },
        "extra": {"skills": {"phone": {"priority": 2}}, "staffing": [0, 0, 2, 2, 0, 1, 3, 0, 2, 2, 0, 1]},
        "back": {"tier": 2, "skills": ["phone", "email"], "staffing": 2},
    },
    "resolution": {"repeat_probability": 0.6, "repeat_delay": {"dist": "exponential", "mean_s": 1800}},
}


# The fast paths (heap groups, the inlined arrival path, bookings on arrival) are proven equal to
# the SimPy reference model on every bundled scenario and variant in tests/test_engines.py.


def test_routing_policy_can_be_replaced():
    from ccsim.engine.routing import Routing

    class EverythingToTheBackOffice(Routing):
        """A policy that sends every new phone contact to the tier-2 transfer queue."""

        calls = 0

        def route(self, ch, ctype, u_route):
            type(self).calls += 1
            back = next(g for g in self.groups if g.name == "back")
            return self.escalation_queue(back.index, ch, ctype, callback=False), None, None

    sc = scenario_from_dict(SHIFTS)
    res = simulate(sc, replications=1, seed=3, routing=EverythingToTheBackOffice)
    assert EverythingToTheBackOffice.calls == res.channel("all")["offered"]
    groups = {r["group"]: r for r in res.groups}
    assert groups["day"]["handled"] == 0 and groups["extra"]["handled"] == 0
    assert groups["back"]["handled"] > 0


# --------------------------------------------------------------------------- forecast per interval, own handle times


def forecast_desk(**phone) -> dict:
    return {
        "name": "forecast",
        "calendar": {"interval_min": 60, "open": "08:00", "close": "11:00"},
        "channels": {
            "phone": {
                "kind": "voice",
                "volume": {"per_interval": [30, 30, 30]},
                "handle_time": {"dist": "deterministic", "value_s": 100},
                "patience": None,
                **phone,
            }
        },
        "agent_groups": {"t1": {"skills": ["phone"], "staffing": 100}},
    }


def handle_times(trace) -> dict[int, tuple[float, float]]:
    """Per contact: (answer time, handle time) from a trace."""
    start = {cid: t for t, e, cid, _, _ in trace if e == "answer"}
    return {cid: (start[cid], t - start[cid]) for t, e, cid, _, _ in trace if e == "complete"}


def test_handle_time_per_interval_follows_the_interval_of_arrival():
    sc = scenario_from_dict(forecast_desk(handle_time_per_interval_s=[50, 300, 100]))
    for engine in (ContactCenter, ReferenceModel):
        times = handle_times(engine(sc, seed=3, trace=True).run().trace)
        assert len(times) > 60
        for answered, handle in times.values():  # ample agents: answered on arrival
            interval = int((answered - 8 * 3600) // 3600)
            assert handle == pytest.approx([50, 300, 100][interval])


def test_patience_per_interval_follows_the_interval_of_arrival():
    data = forecast_desk(patience={"dist": "deterministic", "value_s": 60}, patience_per_interval_s=[10, 40, 25])
    data["agent_groups"]["t1"]["staffing"] = 0  # nobody answers: every caller hangs up
    for engine in (ContactCenter, ReferenceModel):
        trace = engine(scenario_from_dict(data), seed=4, trace=True).run().trace
        arrived = {cid: t for t, e, cid, _, _ in trace if e == "arrive"}
        gone = [(arrived[cid], t - arrived[cid]) for t, e, cid, _, _ in trace if e == "abandon"]
        assert len(gone) > 60
        for t0, patience in gone:
            assert patience == pytest.approx([10, 40, 25][int((t0 - 8 * 3600) // 3600)])


def test_a_group_with_its_own_handle_time_uses_it_and_others_the_channels():
    data = forecast_desk(handle_time_per_interval_s=[50, 300, 100])
    data["agent_groups"] = {
        "t1": {
            "skills": ["phone"],
            "staffing": 100,
            "first_contact_resolution": 0.5,
            "escalation": {"to": "t2", "probability": 0.5},
        },
        "t2": {
            "tier": 2,
            "skills": {"phone": {"handle_time": {"dist": "deterministic", "value_s": 777}}},
            "staffing": 100,
        },
    }
    sc = scenario_from_dict(data)
    for engine in (ContactCenter, ReferenceModel):
        trace = engine(sc, seed=5, trace=True).run().trace
        where = {}
        for t, e, cid, _, at in trace:
            if e == "answer":
                where[cid] = (t, at)
            elif e == "complete":
                t0, group = where.pop(cid)
                expect = 777 if group == "t2" else [50, 300, 100][int((t0 - 8 * 3600) // 3600)]
                assert t - t0 == pytest.approx(expect), group
        assert any(at == "t2" for _, e, _, _, at in trace if e == "answer")


# --------------------------------------------------------------------------- availability: fractional agents


def steady(staffing, availability, seed=9):
    data = {
        "name": "steady",
        "calendar": {"interval_min": 60, "open": "08:00", "close": "16:00"},
        "channels": {
            "phone": {
                "kind": "voice",
                "volume": {"per_day": 8 * 150},
                "handle_time": {"dist": "exponential", "mean_s": 180},
                "patience": {"dist": "exponential", "mean_s": 120},
                "targets": {"min_service_level": 0.8, "answer_within_s": 20},
            }
        },
        "agent_groups": {"agents": {"skills": ["phone"], "staffing": staffing, "availability": availability}},
    }
    return simulate(scenario_from_dict(data), replications=30, seed=seed)


def test_availability_makes_whole_agents_exactly_and_fractions_smoothly():
    # 10 agents available 90 % of the time are 9 agents, exactly
    assert np.array_equal(steady(10, 0.9).channel_sums, steady(9, 1.0).channel_sums)
    # between 8 and 9 agents answering, service level rises and abandonment falls step by step,
    # each quarter agent moving them by a part of what a whole agent does, not all at once
    runs = [steady(10, a) for a in (0.8, 0.825, 0.85, 0.875, 0.9)]
    sl = [r.channel("phone")["service_level"] for r in runs]
    ab = [r.channel("phone")["abandon_rate"] for r in runs]
    assert all(b > a for a, b in itertools.pairwise(sl)) and all(b < a for a, b in itertools.pairwise(ab))
    whole = sl[-1] - sl[0]
    assert max(b - a for a, b in itertools.pairwise(sl)) < 0.5 * whole
