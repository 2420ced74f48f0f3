"""The fast engine equals the SimPy reference model, contact by contact and on every statistic.

``ccsim.engine.reference.ReferenceModel`` is the model written the way SimPy teaches (docs/model.md);
``ccsim.engine.fast.ContactCenter`` is the same model with shortcuts. Both draw the same contacts
from the same named streams, so with the same seed they must give the same sample path: each
contact's events (time, event, where) and every per-interval sum.

With ``trace=True`` the fast engine runs its general event path; the statistics are compared with
``trace=False`` too, which exercises its shortcuts (lazy abandonment, heap groups, inlined paths).
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from test_model import CHAT, DESK, EMAIL_BACKLOG, SHIFTS, TIMELINE
from test_routing import BASE as ROUTING_BASE

from ccsim import load_scenario, scenario_from_dict
from ccsim.engine import ScriptedContact
from ccsim.engine.fast import ContactCenter
from ccsim.engine.reference import ReferenceModel
from ccsim.engine.routing import Routing
from ccsim.results.layout import CH_STATS, GROUP_STATS
from ccsim.simulation import simulate

ROOT = Path(__file__).resolve().parents[1]
C = {name: i for i, name in enumerate(CH_STATS)}
G = {name: i for i, name in enumerate(GROUP_STATS)}


# --------------------------------------------------------------------------- comparison helpers


def by_contact(trace):
    """{contact id: [(time, event, where), ...]} in trace order."""
    out = defaultdict(list)
    for t, event, cid, _, where in trace:
        if cid is not None:
            out[cid].append((float(t), event, where))
    return dict(out)


def assert_same_contacts(fast, ref):
    """Every contact has the same events, at the same times, in the same places."""
    a, b = by_contact(fast.trace), by_contact(ref.trace)
    assert a.keys() == b.keys()
    for cid in a:
        ea, eb = a[cid], b[cid]
        assert [e[1:] for e in ea] == [e[1:] for e in eb], f"contact {cid}"
        # a lazily dropped abandonment is logged at its deadline, the reference's at its timer:
        # the same instant up to the last bit of t + (deadline - t)
        assert np.allclose([e[0] for e in ea], [e[0] for e in eb], rtol=1e-14, atol=0), f"contact {cid}"
    # the events of the desk (interval starts, staffing changes, agents leaving) too
    desk = [(round(float(t), 6), e, where) for t, e, cid, _, where in fast.trace if cid is None]
    assert desk == [(round(float(t), 6), e, where) for t, e, cid, _, where in ref.trace if cid is None]
    # and the whole trace, sorted by (time, contact, event): nothing extra, nothing missing
    key = [(round(float(t), 6), -1 if cid is None else cid, e, ch, w) for t, e, cid, ch, w in fast.trace]
    assert sorted(key) == sorted((round(float(t), 6), -1 if c is None else c, e, ch, w) for t, e, c, ch, w in ref.trace)


def assert_same_totals(fast, ref):
    """Every per-interval statistic: counts exactly, sums of seconds to rounding."""
    assert fast.channels.shape == ref.channels.shape and fast.groups.shape == ref.groups.shape
    for name, i in C.items():
        assert np.allclose(fast.channels[..., i], ref.channels[..., i], rtol=1e-12, atol=1e-9), name
    for name, i in G.items():
        assert np.allclose(fast.groups[..., i], ref.groups[..., i], rtol=1e-12, atol=1e-9), name
    counts = [i for name, i in C.items() if not name.endswith("_s")]
    assert np.array_equal(fast.channels[..., counts], ref.channels[..., counts])
    assert np.array_equal(fast.wait_hist, ref.wait_hist)
    assert fast.contacts == ref.contacts
    # what each vendor was sent, answered, lost and gave back (its SLA is judged on it)
    assert fast.vendors.shape == ref.vendors.shape
    assert np.allclose(fast.vendors, ref.vendors, rtol=1e-12, atol=1e-9)


def run_both(sc, seed=1, **kw):
    """(fast with trace, reference with trace), after checking them against each other."""
    fast = ContactCenter(sc, seed, trace=True, **kw).run()
    ref = ReferenceModel(sc, seed, trace=True, **kw).run()
    assert_same_contacts(fast, ref)
    assert_same_totals(fast, ref)
    return fast, ref


def events(trace, kinds=("offer", "answer", "abandon", "escalate", "complete", "overflow", "leave", "staff")):
    return [(float(t), e, cid, where) for t, e, cid, _, where in trace if e in kinds]


# --------------------------------------------------------------------------- scripted timelines


def test_timeline_of_test_model():
    script = [
        ScriptedContact(0, "phone", 100, outcome_u=0.1),
        ScriptedContact(10, "phone", 50, outcome_u=0.6),
        ScriptedContact(20, "phone", 30, patience_s=100, outcome_u=0.9),
        ScriptedContact(30, "phone", 10, patience_s=20),
        ScriptedContact(3590, "phone", 200, outcome_u=0.1),
        ScriptedContact(3595, "phone", 100, outcome_u=0.1),
        ScriptedContact(3600, "phone", 20, patience_s=500, outcome_u=0.1),
    ]
    _, ref = run_both(scenario_from_dict(TIMELINE), script=script)
    # the reference's own timeline is the one test_model documents
    assert (3790.0, "answer", 7, "t1") in events(ref.trace)
    tot = ref.channels[0].sum(axis=0)
    assert tot[C["offered"]] == 8 and tot[C["answered"]] == 7 and tot[C["abandoned"]] == 1


def test_escalated_contacts_timeline_of_test_model():
    data = copy.deepcopy(TIMELINE)
    data["resolution"] = {"repeat_probability": 0.0}
    script = [
        ScriptedContact(0, "phone", 100, outcome_u=0.6),
        ScriptedContact(10, "phone", 100, outcome_u=0.6),
        ScriptedContact(20, "phone", 2000, outcome_u=0.1),
    ]
    _, ref = run_both(scenario_from_dict(data), script=script)
    assert ref.groups[1, :, G["transfer_wait_s"]].sum() == 50


def test_chat_concurrency_timeline_of_test_model():
    script = [ScriptedContact(0, "chat", 100), ScriptedContact(50, "chat", 100), ScriptedContact(60, "chat", 100)]
    _, ref = run_both(scenario_from_dict(CHAT), script=script)
    got = [(t, e, cid) for t, e, cid, _ in events(ref.trace, ("answer", "complete"))]
    assert got == [
        (0.0, "answer", 0),
        (50.0, "answer", 1),
        (125.0, "complete", 0),
        (125.0, "answer", 2),
        (pytest.approx(200.0), "complete", 1),
        (pytest.approx(250.0), "complete", 2),
    ]


def test_email_backlog_timeline_of_test_model():
    nine = 9 * 3600
    script = [ScriptedContact(nine + 100 * i, "email", 600) for i in range(8)]
    _, ref = run_both(scenario_from_dict(EMAIL_BACKLOG), script=script)
    assert ref.channels[0][0][C["backlog_end"]] == 2
    assert ref.channels[0][1][C["queue_s"]] == 600


def routing_scenario(routing, house_staffing=(1, 1)):
    data = copy.deepcopy(ROUTING_BASE)
    data["vendors"]["acme"]["routing"] = {**routing, "channels": ["phone"]}
    data["agent_groups"]["house"]["staffing"] = list(house_staffing)
    return scenario_from_dict(data)


@pytest.mark.parametrize(
    ("routing", "house", "script"),
    [
        ({"mode": "whole_channel"}, (1, 1), [(0, 60, 1.0), (10, 60, 1.0)]),
        ({"mode": "share", "share": 0.3}, (1, 1), [(0, 60, 0.1), (10, 60, 0.5), (100, 60, 0.3)]),
        ({"mode": "outside_hours"}, (1, 0), [(100, 60, 1.0), (3700, 60, 1.0)]),
        (
            {"mode": "overflow", "after_wait_s": 30},
            (1, 1),
            [(0, 300, 1.0), (10, 100, 1.0), (20, 60, 1.0), (290, 60, 1.0)],
        ),
        (
            {"mode": "overflow", "after_wait_s": 30},
            (1, 0),
            [(100, 60, 1.0), (3500, 200, 1.0), (3590, 60, 1.0), (3800, 60, 1.0)],
        ),
        ({"mode": "overflow", "after_wait_s": 30}, (0, 0), [(100, 60, 1.0)]),
    ],
    ids=["whole_channel", "share", "outside_hours", "overflow", "overflow_closed", "overflow_nobody"],
)
def test_vendor_routing_timelines_of_test_routing(routing, house, script):
    contacts = [ScriptedContact(t, "phone", h, routing_u=u) for t, h, u in script]
    run_both(routing_scenario(routing, house), script=contacts)


# --------------------------------------------------------------------------- tie rules
#
# Events due at the same instant are processed in the order they were booked; every interval start
# and closing time is booked before anything else, so the staffing changes first. These timelines
# put two events at one instant on purpose, and check that both engines apply the documented rule.


def test_tie_handling_ending_at_an_interval_start_ends_after_the_staffing_change():
    # One agent in hour 1, none in hour 2. Contact 0 is answered at 3540 and ends at 3600, the
    # instant staffing drops to 0. The interval start was booked at 0, the completion at 3540: the
    # staffing change comes first, so the agent finishes contact 0 and leaves; contact 1, waiting
    # since 3590, is not answered.
    data = copy.deepcopy(TIMELINE)
    data["agent_groups"] = {"t1": {"skills": ["phone"], "staffing": [1, 0]}}
    script = [ScriptedContact(3540, "phone", 60), ScriptedContact(3590, "phone", 60, patience_s=1000)]
    _, ref = run_both(scenario_from_dict(data), script=script)
    assert events(ref.trace)[-4:] == [
        (3600.0, "staff", None, "t1=0"),
        (3600.0, "complete", 0, "t1"),
        (3600.0, "leave", None, "t1"),
        (4590.0, "abandon", 1, "entry:phone"),
    ]


def test_tie_patience_ending_when_an_agent_frees_up_means_the_customer_hung_up():
    # Contact 1 hangs up at 40 + 60 = 100, the instant the agent finishes contact 0: hung up.
    data = copy.deepcopy(TIMELINE)
    data["agent_groups"] = {"t1": {"skills": ["phone"], "staffing": 1}}
    script = [ScriptedContact(0, "phone", 100), ScriptedContact(40, "phone", 60, patience_s=60)]
    _, ref = run_both(scenario_from_dict(data), script=script)
    assert (100.0, "abandon", 1, "entry:phone") in events(ref.trace)
    assert ref.channels[0].sum(axis=0)[C["answered"]] == 1


def test_tie_overflow_when_patience_ends_does_not_happen():
    # overflow after 30 s and patience 30 s: the customer has hung up, no overflow
    sc = routing_scenario({"mode": "overflow", "after_wait_s": 30})
    script = [ScriptedContact(0, "phone", 300), ScriptedContact(10, "phone", 60, patience_s=30)]
    _, ref = run_both(sc, script=script)
    assert [e for e in events(ref.trace) if e[2] == 1] == [
        (10.0, "offer", 1, "entry:phone"),
        (40.0, "abandon", 1, "entry:phone"),
    ]


def test_tie_repeat_contacts_due_at_the_opening_come_after_the_staffing():
    # Two hours a day (00:00-02:00), two days; in-house staffing 1, a vendor answering outside
    # in-house hours around the clock. Every handling is unresolved and comes back 7,040 s of
    # opening hours later. Contact 0 ends at 160: 7,040 s later is closing time, so its repeat is
    # due at the next opening, 86,400: the desk opens first, and the in-house agent answers it
    # (it once came before the staffing, found nobody on duty and went to the vendor). Contact 1
    # ends at 4,060: the rest of the day (3,140 s) and 3,900 s of day 2, at 90,300.
    data = copy.deepcopy(ROUTING_BASE)
    data["calendar"]["days"] = 2
    data["channels"]["phone"]["patience"] = None
    data["vendors"]["acme"]["routing"] = {"mode": "outside_hours", "channels": ["phone"]}
    data["agent_groups"]["house"]["first_contact_resolution"] = 0.0
    data["resolution"] = {"repeat_probability": 1.0, "repeat_delay": {"dist": "deterministic", "value_s": 7040}}
    script = [ScriptedContact(100, "phone", 60), ScriptedContact(4000, "phone", 60)]
    _, ref = run_both(scenario_from_dict(data), script=script)
    day2 = [(e[0], e[1], e[2], e[4]) for e in ref.trace if e[1] in ("offer", "interval") and e[0] >= 86400]
    assert [e for e in day2 if e[1] == "offer" or e[3] == "2"][:3] == [
        (86400.0, "interval", None, "2"),
        (86400.0, "offer", 2, "entry:phone"),
        (90300.0, "offer", 3, "entry:phone"),
    ]


def test_tie_a_chat_and_a_call_ending_together_end_in_booking_order():
    # The chat's end was booked at 0, the call's at 10, both at 100: the chat ends first, so its
    # agent (of "mixed") takes the call waiting since 20. The reference's chat once waited on a
    # condition, one scheduling step later than its end, and "voice" took the call.
    desk = {
        "name": "tie",
        "calendar": {"interval_min": 60, "open": "00:00", "close": "01:00"},
        "channels": {
            "chat": {
                "kind": "chat",
                "volume": {"per_interval": [0]},
                "patience": None,
                "handle_time": {"dist": "deterministic", "value_s": 100},
            },
            "phone": {
                "kind": "voice",
                "volume": {"per_interval": [0]},
                "patience": None,
                "handle_time": {"dist": "deterministic", "value_s": 100},
            },
        },
        "agent_groups": {
            "mixed": {"skills": ["chat", "phone"], "staffing": 1, "first_contact_resolution": 1.0},
            "voice": {"skills": ["phone"], "staffing": 1, "first_contact_resolution": 1.0},
        },
    }
    script = [ScriptedContact(0, "chat", 100), ScriptedContact(10, "phone", 90), ScriptedContact(20, "phone", 50)]
    _, ref = run_both(scenario_from_dict(desk), script=script)
    assert [e for e in events(ref.trace, ("answer", "complete")) if e[0] >= 100] == [
        (100.0, "complete", 0, "mixed"),
        (100.0, "answer", 2, "mixed"),
        (100.0, "complete", 1, "voice"),
        (150.0, "complete", 2, "mixed"),
    ]


def test_tie_scripted_contact_at_an_interval_start_comes_after_its_staffing():
    data = copy.deepcopy(TIMELINE)
    data["agent_groups"] = {"t1": {"skills": ["phone"], "staffing": [0, 1]}}
    _, ref = run_both(scenario_from_dict(data), script=[ScriptedContact(3600, "phone", 60)])
    assert events(ref.trace, ("offer", "staff", "answer")) == [
        (3600.0, "staff", None, "t1=1"),
        (3600.0, "offer", 0, "entry:phone"),
        (3600.0, "answer", 0, "t1"),  # a wait of 0: answered at once
    ]
    assert ref.channels[0, 1, C["answered_at_once"]] == 1


# --------------------------------------------------------------------------- defects the reference found

# Each case below was a defect of the fast engine, found by comparing it with the reference model
# and fixed; the test keeps it fixed.
#
# A chat escalated to a group with a free slot is answered there at once; the fast engine then
# brought the first agent's chats up to date *with the escalated chat still in that agent's list*
# (ContactCenter._complete_chat called _outcome before _chat_progress / chats.remove), so the
# elapsed time of the first agent is taken off the work of the new handling. Its completion was
# booked correctly, but the next time the new agent's pace changes it is recomputed from the
# shortened work. The reference model takes the chat out of the first agent's hands first.
CHAT_ESCALATION = {
    "name": "chat escalation",
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
    "agent_groups": {
        "t1": {
            "skills": ["chat"],
            "staffing": 1,
            "first_contact_resolution": 0.5,
            "escalation": {"to": "t2", "probability": 0.5},
        },
        "t2": {"tier": 2, "skills": ["chat"], "staffing": 1, "first_contact_resolution": 1.0},
    },
}
CHAT_ESCALATION_SCRIPT = [
    ScriptedContact(0, "chat", 100, outcome_u=0.9),  # escalated
    ScriptedContact(10, "chat", 1000, outcome_u=0.1),
    ScriptedContact(150, "chat", 20, outcome_u=0.9),  # escalated
]


def test_reference_timeline_of_an_escalated_chat():
    # Chat 0 alone for 10 s, then at pace 1.5 with chat 1: its 90 s left take 135 s, it ends at 145
    # and goes to t2 (100 s, alone). Chat 2 starts at t1 at 150, at pace 1.5 (30 s): escalated at 180,
    # when chat 0 has 100 - 35 = 65 s left, now at pace 1.5 at t2: it ends at 180 + 97.5 = 277.5.
    # Chat 2 (100 s at t2) has done 65 s by then, and ends alone at 312.5.
    ref = ReferenceModel(scenario_from_dict(CHAT_ESCALATION), 1, trace=True, script=CHAT_ESCALATION_SCRIPT).run()
    got = [(t, e, cid, w) for t, e, cid, w in events(ref.trace, ("answer", "complete")) if cid in (0, 2)]
    assert got == [
        (0.0, "answer", 0, "t1"),
        (145.0, "complete", 0, "t1"),
        (145.0, "answer", 0, "t2"),
        (150.0, "answer", 2, "t1"),
        (180.0, "complete", 2, "t1"),
        (180.0, "answer", 2, "t2"),
        (277.5, "complete", 0, "t2"),
        (312.5, "complete", 2, "t2"),  # 65 s done by 277.5, 35 s alone
    ]


def test_fast_engine_escalated_chat_timeline():
    run_both(scenario_from_dict(CHAT_ESCALATION), script=CHAT_ESCALATION_SCRIPT)


# A contact that overflowed waits in two queues (in-house and vendor). In the fast engine, once an
# agent answered it from one queue, it stayed in the other queue's deque (skipped lazily because it
# was no longer waiting). If its handling ended in an escalation, it was waiting again, so that stale
# entry became live: the vendor answered the escalated contact from its overflow queue (with the
# vendor's handle-time factor), instead of the escalation target. The reference model takes an
# answered contact out of every queue it waits in; the fast engine now drops the stale entry when
# the contact is escalated.
def overflow_escalation():
    data = copy.deepcopy(ROUTING_BASE)
    data["vendors"]["acme"]["routing"] = {"mode": "overflow", "after_wait_s": 30, "channels": ["phone"]}
    data["channels"]["phone"]["patience"] = {"dist": "deterministic", "value_s": 10000}
    data["agent_groups"]["house"].update(
        {"first_contact_resolution": 0.5, "escalation": {"to": "t2", "probability": 0.5}}
    )
    data["agent_groups"]["t2"] = {"tier": 2, "skills": ["phone"], "staffing": [0, 1]}
    script = [
        ScriptedContact(0, "phone", 100, outcome_u=0.1),  # in-house until 100
        ScriptedContact(1, "phone", 1000, outcome_u=0.1),  # overflows at 31: the vendor until 1031
        ScriptedContact(2, "phone", 50, outcome_u=0.9),  # overflows at 32, answered in-house at 100, escalated at 150
    ]
    return scenario_from_dict(data), script


def test_reference_timeline_of_an_escalated_contact_that_had_overflowed():
    sc, script = overflow_escalation()
    ref = ReferenceModel(sc, 1, trace=True, script=script).run()
    assert [e for e in events(ref.trace) if e[2] == 2] == [
        (2.0, "offer", 2, "entry:phone"),
        (32.0, "overflow", 2, "vendor:acme:phone"),
        (100.0, "answer", 2, "house"),
        (150.0, "complete", 2, "house"),
        (150.0, "escalate", 2, "transfer:t2:phone"),
        (3600.0, "answer", 2, "t2"),  # tier 2 comes on duty in hour 2
        (3660.0, "complete", 2, "t2"),
    ]


def test_fast_engine_escalated_contact_that_had_overflowed():
    sc, script = overflow_escalation()
    run_both(sc, script=script)


# A heap group (fast engine, trace off) keeps one pending "pull" at its earliest free time while
# contacts wait. If the queue emptied with the pull still booked and staffing then rose (new agents
# free now), the next contact to queue booked no earlier pull (``not g.pull_pending``): agents freed
# before the old pull's time did not take it, and it could hang up. In SHIFTS, seed 11: a phone
# contact offered at 39,658.9 is answered by "extra" at 39,701.0 on the general path and hung up at
# 39,764.5 on the fast path. _heap_staff now supersedes the pending pull when it adds agents to an
# empty queue.
def test_fast_engine_shortcuts_after_a_staffing_increase():
    sc = scenario_from_dict(SHIFTS)
    ref = ReferenceModel(sc, 11).run()
    assert_same_totals(ContactCenter(sc, 11, trace=True).run(), ref)  # the general path (a trace) is right
    assert_same_totals(ContactCenter(sc, 11).run(), ref)


# --------------------------------------------------------------------------- bundled scenarios

BUNDLED = [
    pytest.param(path.stem, variant, id=f"{path.stem}-{variant or 'base'}")
    for path in sorted((ROOT / "scenarios").glob("*.yaml"))
    for variant in [None, *load_scenario(path).variants]
]
EXTRA = [
    pytest.param("shifts", None, id="test_model-SHIFTS"),
    pytest.param("desk", None, id="test_model-DESK"),
]


def scenario(name, variant):
    if name == "shifts":
        return scenario_from_dict(SHIFTS)
    if name == "desk":
        return scenario_from_dict(DESK)
    sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml").variant(variant)
    planned = {g: {"staffing": 4} for g, spec in sc.agent_groups.items() if spec.staffing == "plan"}
    return sc.replace({"agent_groups": planned}) if planned else sc  # the planner's groups at some staffing


@pytest.mark.parametrize(("name", "variant"), [*BUNDLED, *EXTRA])
@pytest.mark.parametrize("seed", [17, 2026])
def test_bundled_scenarios_contact_by_contact(name, variant, seed):
    sc = scenario(name, variant)
    _, ref = run_both(sc, seed)
    assert ref.contacts > 0
    # the fast engine's shortcuts (trace off) give the same numbers again
    assert_same_totals(ContactCenter(sc, seed).run(), ReferenceModel(sc, seed).run())


def test_replications_staffing_overrides_and_routing_policy():
    sc = scenario_from_dict(SHIFTS)
    plan = {"day": [2, 6, 4, 9, 12, 4, 4, 10, 1, 6, 3, 1], "back": 1}
    for rep in (0, 1):
        fast = ContactCenter(sc, 5, rep, trace=True, staffing=plan).run()
        ref = ReferenceModel(sc, 5, rep, trace=True, staffing=plan).run()
        assert_same_contacts(fast, ref)
        assert_same_totals(fast, ref)

    class BackOffice(Routing):
        """Every new phone contact to the tier-2 transfer queue."""

        def route(self, ch, ctype, u_route):
            back = next(g for g in self.groups if g.name == "back")
            return self.escalation_queue(back.index, ch, ctype, callback=False), None, None

    run_both(sc, 5, routing=BackOffice)


def test_simulate_with_the_reference_engine_gives_the_same_result():
    sc = load_scenario(ROOT / "scenarios" / "tiered_support.yaml")
    fast = simulate(sc, replications=2, seed=4)
    ref = simulate(sc, replications=2, seed=4, engine="reference")
    for a, b in zip(fast.channels, ref.channels, strict=True):
        assert a.keys() == b.keys()
        for k in a:
            x, y = a[k], b[k]
            if isinstance(x, float) and isinstance(y, float) and not (math.isnan(x) and math.isnan(y)):
                assert x == pytest.approx(y, rel=1e-9, abs=1e-9), k
            elif not isinstance(x, float):
                assert x == y, k


# --------------------------------------------------------------------------- long sweep


@pytest.mark.slow
@pytest.mark.parametrize(("name", "variant"), [*BUNDLED, *EXTRA])
def test_bundled_scenarios_many_seeds_and_replications(name, variant):
    sc = scenario(name, variant)
    for seed in range(3, 23):
        for rep in (0, 3):
            fast = ContactCenter(sc, seed, rep, trace=True).run()
            ref = ReferenceModel(sc, seed, rep, trace=True).run()
            assert_same_contacts(fast, ref)
            assert_same_totals(fast, ref)
            assert_same_totals(ContactCenter(sc, seed, rep).run(), ReferenceModel(sc, seed, rep).run())


# --------------------------------------------------------------------------- random desks


def random_desk(rng: np.random.Generator) -> dict:
    """A small random desk with every feature.

    Deterministic and continuous handle times, staffing that drops and rises, escalations by
    transfer and callback, vendors (with an SLA's own answer time and short-abandon allowance),
    self-service, contact types, redials and repeats, handle times and patience per interval,
    groups with their own handle time for a skill (groups mixing voice with chat and email),
    availability (fractional agents), and per-weekday opening hours with closed days.
    """
    slowdown, concurrent = float(rng.choice([0, 0.3])), int(rng.integers(1, 4))
    kinds = rng.choice(["voice", "chat", "email"], size=int(rng.integers(1, 4)))
    ipd = int(rng.choice([4, 8]))
    calendar = {
        "interval_min": int(rng.choice([15, 30, 60])),
        "open": f"{int(rng.choice([0, 8])):02d}:00",
        "intervals_per_day": ipd,
        "days": int(rng.integers(1, 3)),
    }
    if rng.random() < 0.4:  # per-weekday opening hours: the second day shorter, or closed
        weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        first = int(rng.integers(0, 7))
        calendar |= {"start_weekday": weekdays[first], "days": int(rng.integers(2, 4))}
        second = weekdays[(first + 1) % 7]
        if rng.random() < 0.3:
            calendar["hours"] = {second: "closed"}
        elif rng.random() < 0.3:
            calendar["day_of_week_factors"] = {second: 0}
        else:
            step = calendar["interval_min"]
            a = int(rng.integers(0, ipd))
            b = int(rng.integers(a + 1, ipd + 1))
            base = int(calendar["open"][:2]) * 60

            def hhmm(minute: int) -> str:
                return f"{minute // 60:02d}:{minute % 60:02d}"

            calendar["hours"] = {second: f"{hhmm(base + a * step)}-{hhmm(base + b * step)}"}
    channels = {}
    for i, kind in enumerate(kinds):
        mean = float(rng.choice([60, 300, 1200]))
        handle = [
            {"dist": "exponential", "mean_s": mean},
            {"dist": "deterministic", "value_s": mean},
            {"dist": "lognormal", "mean_s": mean, "cv": 0.8},
        ][int(rng.integers(0, 3))]
        c = {"kind": str(kind), "volume": {"per_day": float(rng.choice([20, 100, 400]))}, "handle_time": handle}
        if kind != "email":
            c["patience"] = (
                None if rng.random() < 0.2 else {"dist": "exponential", "mean_s": float(rng.choice([30, 200]))}
            )
            if c["patience"] is not None and rng.random() < 0.4:
                c["redial"] = {
                    "probability": float(rng.choice([0.3, 0.9])),
                    "delay": {"dist": "exponential", "mean_s": 300},
                }
        if kind == "chat":
            c["max_concurrent"], c["concurrency_slowdown"] = concurrent, slowdown
        if rng.random() < 0.3:
            c["self_service"] = {"kind": "ivr", "containment": 0.2, "time": {"dist": "exponential", "mean_s": 60}}
        if rng.random() < 0.3:
            c["contact_types"] = {"a": 0.6, "b": 0.4}
        channels[f"c{i}"] = c
    names = list(channels)

    def staff():
        if rng.random() < 0.3:
            return int(rng.integers(0, 6))
        return [int(x) for x in rng.choice([0, 1, 2, 5, 10], size=ipd)]

    skills = {
        n: {"priority": int(rng.integers(1, 3)), "handle_time_factor": float(rng.choice([1.0, 1.3]))} for n in names
    }
    groups = {
        "g1": {"skills": skills, "staffing": staff(), "first_contact_resolution": float(rng.choice([0.5, 0.8, 1.0]))}
    }
    if rng.random() < 0.6:
        groups["g1b"] = {"skills": {n: {"priority": int(rng.integers(1, 3))} for n in names}, "staffing": staff()}
    if rng.random() < 0.5:
        p = float(rng.choice([0.2, 0.5]))
        groups["t2"] = {"tier": 2, "skills": list(names), "staffing": staff()}
        groups["g1"]["first_contact_resolution"] = min(groups["g1"]["first_contact_resolution"], 1 - p)
        groups["g1"]["escalation"] = {"to": "t2", "probability": p, "mode": str(rng.choice(["transfer", "callback"]))}
    desk = {"name": "random desk", "calendar": calendar, "channels": channels, "agent_groups": groups}
    realtime = [n for n in names if channels[n]["kind"] != "email"]
    if realtime and rng.random() < 0.5:
        mode = str(rng.choice(["whole_channel", "share", "outside_hours", "overflow"]))
        routing = {"mode": mode, "channels": [realtime[0]]}
        routing |= {"share": {"share": 0.4}, "overflow": {"after_wait_s": float(rng.choice([0, 20, 120]))}}.get(
            mode, {}
        )
        desk["vendors"] = {"v": {"routing": routing}}
        groups["vg"] = {"skills": [realtime[0]], "staffing": staff(), "vendor": "v"}
    desk["resolution"] = {
        "repeat_probability": float(rng.choice([0, 0.5])),
        "repeat_delay": {"dist": "exponential", "mean_s": 3000},
    }
    for c in channels.values():  # a forecast's handle time and patience per interval
        if rng.random() < 0.4:
            mean = c["handle_time"].get("mean_s", c["handle_time"].get("value_s"))
            c["handle_time_per_interval_s"] = [mean * float(f) for f in rng.choice([0.5, 1.0, 2.0], size=ipd)]
        if c.get("patience") is not None and rng.random() < 0.4:
            c["patience_per_interval_s"] = [float(x) for x in rng.choice([20.0, 100.0, 300.0], size=ipd)]
    own = [  # a group's own handle time for a skill
        {"dist": "exponential", "mean_s": 200.0},
        {"dist": "gamma", "mean_s": 500.0, "cv": 0.5},
        {"dist": "lognormal", "mean_s": 100.0, "cv": 1.2},
        {"dist": "weibull", "mean_s": 300.0, "shape": 2.0},
        {"dist": "uniform", "min_s": 50.0, "max_s": 150.0},
        {"dist": "empirical", "values_s": [30.0, 90.0, 400.0]},
        {"dist": "deterministic", "value_s": 120.0},
    ]
    for g in groups.values():  # agents away on other work part of the time: fractional agents
        if rng.random() < 0.3:
            g["availability"] = (
                float(rng.choice([0.5, 0.75, 0.9]))
                if rng.random() < 0.5
                else [float(x) for x in rng.choice([0.3, 0.55, 0.8, 1.0], size=ipd)]
            )
    for g in [g for g in ("g1b", "t2", "vg") if g in groups]:
        if rng.random() < 0.6:
            skills = groups[g]["skills"]
            skills = dict(skills) if isinstance(skills, dict) else {n: {} for n in skills}
            first = next(iter(skills))
            skills[first] = {**skills[first], "handle_time": own[int(rng.integers(0, len(own)))]}
            groups[g]["skills"] = skills
    if "vendors" in desk and rng.random() < 0.7:  # an SLA with its own answer time and short-abandon allowance
        sla: dict = {"min_service_level": 0.8}
        if rng.random() < 0.7:
            sla["answer_within_s"] = float(rng.choice([10, 30, 90]))
        if rng.random() < 0.7:
            sla["short_abandon_s"] = float(rng.choice([0, 5, 30]))
        desk["vendors"]["v"]["sla"] = sla
    if rng.random() < 0.5:  # a dispatch policy other than the default (the fast engine's general path)
        policy = str(rng.choice(["longest-idle", "priority", "random"]))
        desk["dispatch"] = {"policy": policy}
        if policy == "priority":
            desk["dispatch"]["priorities"] = {n: int(rng.integers(0, 3)) for n in names if rng.random() < 0.8} or {
                names[0]: 1
            }
    return desk


def check_random_desks(seed: int, count: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(count):
        sc = scenario_from_dict(random_desk(rng))
        run_seed = int(rng.integers(0, 1000))
        fast, ref = ContactCenter(sc, run_seed, trace=True).run(), ReferenceModel(sc, run_seed, trace=True).run()
        assert_same_contacts(fast, ref)
        assert_same_totals(fast, ref)
        assert_same_totals(ContactCenter(sc, run_seed).run(), ReferenceModel(sc, run_seed).run())
        for totals in (fast, ref):  # agents are busy only while present
            assert np.all(totals.groups[..., G["busy_s"]] <= totals.groups[..., G["present_s"]] + 1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_random_desks_are_equal_contact_by_contact(seed):
    check_random_desks(seed, 8)


@pytest.mark.slow
def test_many_random_desks_are_equal_contact_by_contact():
    check_random_desks(100, 300)
