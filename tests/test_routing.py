"""Vendor routing: exact scripted timelines, one per routing mode (docs/scenario-format.md, vendor routing)."""

from __future__ import annotations

import copy

from ccsim import scenario_from_dict
from ccsim.engine import ContactCenter, ScriptedContact
from ccsim.results.layout import CH_STATS, GROUP_STATS, VENDOR_STATS

C = {name: i for i, name in enumerate(CH_STATS)}
G = {name: i for i, name in enumerate(GROUP_STATS)}

# Two hours, no random arrivals: only the scripted contacts. One in-house agent and one agent of
# the vendor "acme"; each test sets the vendor's routing (and the in-house staffing).
BASE = {
    "name": "routing",
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
        "house": {"skills": ["phone"], "staffing": [1, 1]},
        "acme_team": {"vendor": "acme", "skills": ["phone"], "staffing": [1, 1]},
    },
    "vendors": {"acme": {"routing": {"mode": "whole_channel", "channels": ["phone"]}}},
}
ENTRY = "entry:phone"
VENDOR = "vendor:acme:phone"


def vendor_sums(r) -> dict[str, float]:
    """The vendor's sums over the run (one vendor, one channel)."""
    return dict(zip(VENDOR_STATS, r.vendors[0, 0].sum(axis=0).tolist(), strict=True))


def run(routing, script, house_staffing=(1, 1)):
    data = copy.deepcopy(BASE)
    data["vendors"]["acme"]["routing"] = {**routing, "channels": ["phone"]}
    data["agent_groups"]["house"]["staffing"] = list(house_staffing)
    return ContactCenter(scenario_from_dict(data), seed=1, trace=True, script=script).run()


def events(trace, kinds=("offer", "answer", "overflow", "abandon", "complete")):
    return [(float(t), e, cid, where) for t, e, cid, _, where in trace if e in kinds]


def handled(r):
    """Contacts handled per group over the run: {"house": n, "acme_team": n}."""
    return {name: r.groups[i, :, G["handled"]].sum() for i, name in enumerate(BASE["agent_groups"])}


def test_whole_channel_sends_every_contact_to_the_vendor():
    # whole_channel: both contacts join the vendor's queue and the vendor answers them, the second
    # one after waiting for the vendor's agent, while the in-house agent stays idle all along.
    script = [ScriptedContact(0, "phone", 60), ScriptedContact(10, "phone", 60)]
    r = run({"mode": "whole_channel"}, script)
    assert events(r.trace) == [
        (0.0, "offer", 0, VENDOR),
        (0.0, "answer", 0, "acme_team"),
        (10.0, "offer", 1, VENDOR),
        (60.0, "complete", 0, "acme_team"),
        (60.0, "answer", 1, "acme_team"),  # waited 50 s though "house" was idle
        (120.0, "complete", 1, "acme_team"),
    ]
    assert handled(r) == {"house": 0, "acme_team": 2}
    assert r.channels[0].sum(axis=0)[C["wait_answered_s"]] == 50


def test_share_sends_contacts_with_a_routing_draw_below_the_share_to_the_vendor():
    # share 0.3: routing draw 0.1 < 0.3 goes to the vendor; 0.5 stays in-house; 0.3 is not below
    # the share, so it stays in-house too.
    script = [
        ScriptedContact(0, "phone", 60, routing_u=0.1),
        ScriptedContact(10, "phone", 60, routing_u=0.5),
        ScriptedContact(100, "phone", 60, routing_u=0.3),
    ]
    r = run({"mode": "share", "share": 0.3}, script)
    assert events(r.trace) == [
        (0.0, "offer", 0, VENDOR),
        (0.0, "answer", 0, "acme_team"),
        (10.0, "offer", 1, ENTRY),
        (10.0, "answer", 1, "house"),
        (60.0, "complete", 0, "acme_team"),
        (70.0, "complete", 1, "house"),
        (100.0, "offer", 2, ENTRY),
        (100.0, "answer", 2, "house"),  # the vendor's agent is idle, yet it is not offered there
        (160.0, "complete", 2, "house"),
    ]
    assert handled(r) == {"house": 2, "acme_team": 1}


def test_outside_hours_sends_contacts_to_the_vendor_when_nobody_in_house_is_on_duty():
    # outside_hours with in-house staffing [1, 0]: in the first hour the contact is answered
    # in-house (the idle vendor agent does not get it); in the second hour nobody in-house is on
    # duty and the contact goes to the vendor.
    script = [ScriptedContact(100, "phone", 60), ScriptedContact(3700, "phone", 60)]
    r = run({"mode": "outside_hours"}, script, house_staffing=(1, 0))
    assert events(r.trace, ("offer", "answer", "overflow", "abandon", "complete", "staff")) == [
        (0.0, "staff", None, "house=1"),
        (0.0, "staff", None, "acme_team=1"),
        (100.0, "offer", 0, ENTRY),
        (100.0, "answer", 0, "house"),
        (160.0, "complete", 0, "house"),
        (3600.0, "staff", None, "house=0"),
        (3700.0, "offer", 1, VENDOR),
        (3700.0, "answer", 1, "acme_team"),
        (3760.0, "complete", 1, "acme_team"),
    ]
    assert handled(r) == {"house": 1, "acme_team": 1}


def test_overflow_lets_the_vendor_answer_contacts_waiting_longer_than_after_wait_s():
    # overflow after 30 s, in-house open: contacts join the in-house queue first. Contact 1 waits
    # behind the busy in-house agent and the idle vendor agent answers it at exactly 10 + 30.
    # Contact 2 overflows at 20 + 30 while the vendor agent is busy: it waits in both queues and
    # the vendor answers it when free. Contact 3 arrives while the vendor agent is idle, but it
    # is answered in-house after 10 s (< 30 s) and never reaches the vendor.
    script = [
        ScriptedContact(0, "phone", 300),
        ScriptedContact(10, "phone", 100),
        ScriptedContact(20, "phone", 60),
        ScriptedContact(290, "phone", 60),
    ]
    r = run({"mode": "overflow", "after_wait_s": 30}, script)
    assert events(r.trace) == [
        (0.0, "offer", 0, ENTRY),
        (0.0, "answer", 0, "house"),
        (10.0, "offer", 1, ENTRY),
        (20.0, "offer", 2, ENTRY),
        # contact 1 overflows at 40; an idle vendor agent answers it at once
        (40.0, "overflow", 1, VENDOR),
        (40.0, "answer", 1, "acme_team"),
        (50.0, "overflow", 2, VENDOR),
        (140.0, "complete", 1, "acme_team"),
        (140.0, "answer", 2, "acme_team"),  # waited 120 s
        (200.0, "complete", 2, "acme_team"),
        (290.0, "offer", 3, ENTRY),
        (300.0, "complete", 0, "house"),
        (300.0, "answer", 3, "house"),  # waited 10 s; no overflow at 320
        (360.0, "complete", 3, "house"),
    ]
    assert handled(r) == {"house": 2, "acme_team": 2}
    tot = r.channels[0].sum(axis=0)
    assert tot[C["answered"]] == 4 and tot[C["wait_answered_s"]] == 30 + 120 + 10
    # the vendor's own count (its SLA): two contacts sent at 40 and 50, answered after 0 and 90 s
    # of waiting for it, one of them within the 20 s answer target
    assert vendor_sums(r) == {
        "offered": 2,
        "answered": 2,
        "answered_within": 1,
        "wait_answered_s": 90,
        "abandoned": 0,
        "taken_back": 0,
        "abandoned_short": 0,
    }


def test_an_overflowed_contact_answered_in_house_is_taken_back_from_the_vendor():
    # contact 1 overflows at 30 and the idle vendor agent answers it (busy until 280); contact 2
    # overflows at 40, waits in both queues, and the in-house agent, free at 100, answers it: the
    # vendor was offered it and it was taken back. Contact 3 overflows at 130 and hangs up at 150
    # (50 s of patience) while waiting in both queues: the vendor lost it.
    script = [
        ScriptedContact(0, "phone", 100),
        ScriptedContact(0, "phone", 250),
        ScriptedContact(10, "phone", 60),
        ScriptedContact(100, "phone", 60, 50),
    ]
    r = run({"mode": "overflow", "after_wait_s": 30}, script)
    assert vendor_sums(r) == {
        "offered": 3,
        "answered": 1,
        "answered_within": 1,
        "wait_answered_s": 0,
        "abandoned": 1,
        "taken_back": 1,
        "abandoned_short": 0,
    }


def test_overflow_goes_to_the_vendor_at_once_when_the_in_house_desk_is_closed():
    # overflow after 30 s, in-house staffing [1, 0]. First hour: in-house answers (contact 0).
    # Contact 2 was already waiting in-house when its desk closed at 3600: it still overflows
    # only after 30 s (documented). Contact 3 arrives when nobody in-house is on duty: it is
    # offered to the vendor's queue at once and answered on arrival (wait 0, not 30 s).
    script = [
        ScriptedContact(100, "phone", 60),
        ScriptedContact(3500, "phone", 200),
        ScriptedContact(3590, "phone", 60),
        ScriptedContact(3800, "phone", 60),
    ]
    r = run({"mode": "overflow", "after_wait_s": 30}, script, house_staffing=(1, 0))
    assert events(r.trace, ("offer", "answer", "overflow", "abandon", "complete", "staff")) == [
        (0.0, "staff", None, "house=1"),
        (0.0, "staff", None, "acme_team=1"),
        (100.0, "offer", 0, ENTRY),
        (100.0, "answer", 0, "house"),
        (160.0, "complete", 0, "house"),
        (3500.0, "offer", 1, ENTRY),
        (3500.0, "answer", 1, "house"),
        (3590.0, "offer", 2, ENTRY),
        (3600.0, "staff", None, "house=0"),  # the in-house agent finishes contact 1, then leaves
        (3620.0, "overflow", 2, VENDOR),  # after 30 s
        (3620.0, "answer", 2, "acme_team"),
        (3680.0, "complete", 2, "acme_team"),
        (3700.0, "complete", 1, "house"),
        (3800.0, "offer", 3, VENDOR),
        (3800.0, "answer", 3, "acme_team"),  # at once
        (3860.0, "complete", 3, "acme_team"),
    ]
    assert handled(r) == {"house": 2, "acme_team": 2}
    second_hour = r.channels[0][1]
    assert second_hour[C["offered"]] == 1 and second_hour[C["answered_at_once"]] == 1
    assert second_hour[C["wait_answered_s"]] == 0


def test_overflow_goes_to_the_vendor_at_once_when_the_in_house_group_is_staffed_with_nobody():
    # overflow after 30 s while the in-house desk is open but staffed with 0 agents all day: a
    # new contact goes to the vendor at once.
    r = run({"mode": "overflow", "after_wait_s": 30}, [ScriptedContact(100, "phone", 60)], house_staffing=(0, 0))
    assert events(r.trace) == [
        (100.0, "offer", 0, VENDOR),
        (100.0, "answer", 0, "acme_team"),
        (160.0, "complete", 0, "acme_team"),
    ]
    assert handled(r) == {"house": 0, "acme_team": 1}


def test_agents_on_other_work_are_still_on_duty_for_outside_hours_routing():
    # one agent on duty, available 75 % of the time (answering as 0.75 agents: the first three
    # quarters of each interval): the desk is open, so nothing goes to the outside-hours vendor
    data = copy.deepcopy(BASE)
    data["vendors"]["acme"]["routing"] = {"mode": "outside_hours", "channels": ["phone"]}
    data["agent_groups"]["house"]["availability"] = 0.75
    script = [ScriptedContact(t, "phone", 60) for t in (100, 2900, 3000, 3500)]
    r = ContactCenter(scenario_from_dict(data), seed=1, trace=True, script=script).run()
    assert vendor_sums(r)["offered"] == 0 and handled(r) == {"house": 4, "acme_team": 0}
