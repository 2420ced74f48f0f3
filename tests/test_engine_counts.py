"""Counts that costs are computed on: a group's voice handle time, and a vendor SLA's own terms.

``voice_handle_s`` (GROUP_STATS) is the part of a group's ``handle_s`` spent on voice channels
(in-house telecom is paid per voice minute, docs/costs.md). A vendor SLA's ``answer_within_s``
replaces the channel's answer target in the vendor's ``answered_within``, and its
``short_abandon_s`` counts the hang-ups within that many seconds of the vendor offer in
``abandoned_short`` (VENDOR_STATS). Both engines count them the same; the timelines here are
exact, and the random desks of tests/test_engines.py compare them too.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from test_engines import assert_same_contacts, assert_same_totals
from test_routing import BASE as ROUTING_BASE

from ccsim import scenario_from_dict
from ccsim.engine import ScriptedContact
from ccsim.engine.fast import ContactCenter
from ccsim.engine.reference import ReferenceModel
from ccsim.errors import ScenarioError
from ccsim.results.layout import GROUP_STATS, V_ABANDONED_SHORT, VENDOR_STATS

G = {name: i for i, name in enumerate(GROUP_STATS)}
V = {name: i for i, name in enumerate(VENDOR_STATS)}

# Two hours, only scripted contacts. "mixed" answers phone calls and emails, "backoffice" emails
# only; the "line" voice channel goes whole to the vendor acme, whose SLA has its own answer
# time (30 s, where the channel's is the default 20 s) and a 10 s short-abandon allowance.
DESK = {
    "name": "counts",
    "calendar": {"interval_min": 60, "open": "00:00", "close": "02:00"},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_interval": [0, 0]},
            "handle_time": {"dist": "deterministic", "value_s": 60},
            "patience": None,
        },
        "mail": {
            "kind": "email",
            "volume": {"per_interval": [0, 0]},
            "handle_time": {"dist": "deterministic", "value_s": 60},
        },
        "line": {
            "kind": "voice",
            "volume": {"per_interval": [0, 0]},
            "handle_time": {"dist": "deterministic", "value_s": 60},
            "patience": {"dist": "deterministic", "value_s": 600},
        },
    },
    "agent_groups": {
        "mixed": {"skills": ["phone", "mail"], "staffing": [1, 1]},
        "backoffice": {"skills": ["mail"], "staffing": [1, 1]},
        "acme_team": {"vendor": "acme", "skills": ["line"], "staffing": [1, 1]},
    },
    "vendors": {
        "acme": {
            "routing": {"mode": "whole_channel", "channels": ["line"]},
            "sla": {"min_service_level": 0.8, "answer_within_s": 30, "short_abandon_s": 10},
        }
    },
}
SCRIPT = [
    # mixed: phone 0-100, the second email 100-400 (backoffice has the first, 10-310), phone
    # 400-440; a call at 3550 ends at 3650, in the second interval
    ScriptedContact(0, "phone", 100),
    ScriptedContact(10, "mail", 300),
    ScriptedContact(20, "mail", 300),
    ScriptedContact(50, "phone", 40),
    ScriptedContact(3550, "phone", 100),
    # the vendor's one agent: answered at 0 (wait 0), at 25 (wait 25), at 125 (wait 25) and at
    # 135 (wait 35); hang-ups after 5, 15 and 10 s of waiting for the vendor
    ScriptedContact(0, "line", 25),
    ScriptedContact(0, "line", 100),
    ScriptedContact(10, "line", 60, 5),
    ScriptedContact(20, "line", 60, 15),
    ScriptedContact(30, "line", 60, 10),
    ScriptedContact(100, "line", 10),
    ScriptedContact(100, "line", 10),
]


def runs(sc, script, seed=1):
    """Fast (traced and not) and reference totals of a scripted run, checked against each other."""
    fast = ContactCenter(sc, seed, trace=True, script=script).run()
    ref = ReferenceModel(sc, seed, trace=True, script=script).run()
    assert_same_contacts(fast, ref)
    assert_same_totals(fast, ref)
    plain = ContactCenter(sc, seed, script=script).run()
    assert_same_totals(plain, ref)
    return fast, plain, ref


def group(r, name, stat):
    return r.groups[list(DESK["agent_groups"]).index(name), :, G[stat]].tolist()


def vendor(r, channel="line"):
    """The vendor's sums over the run for one channel."""
    sums = r.vendors[0, list(DESK["channels"]).index(channel)].sum(axis=0)
    return dict(zip(VENDOR_STATS, sums.tolist(), strict=True))


def test_voice_handle_time_of_a_mixed_group_is_its_voice_handlings_by_completion_interval():
    for r in runs(scenario_from_dict(DESK), SCRIPT):
        # mixed: 100 + 40 s of calls in the first hour (and a 300 s email), 100 s in the second
        assert group(r, "mixed", "handle_s") == [440.0, 100.0]
        assert group(r, "mixed", "voice_handle_s") == [140.0, 100.0]
        # a group with no voice skill: none; a voice-only group: all of its handle time
        assert group(r, "backoffice", "handle_s") == [300.0, 0.0]
        assert group(r, "backoffice", "voice_handle_s") == [0.0, 0.0]
        assert group(r, "acme_team", "voice_handle_s") == group(r, "acme_team", "handle_s") == [145.0, 0.0]


def test_vendor_answered_within_at_the_slas_answer_time_and_short_abandons():
    for r in runs(scenario_from_dict(DESK), SCRIPT):
        assert vendor(r) == {
            "offered": 7,
            "answered": 4,
            "answered_within": 3,  # waits 0, 25, 25 within the SLA's 30 s (35 is not)
            "wait_answered_s": 85,
            "abandoned": 3,
            "taken_back": 0,
            "abandoned_short": 2,  # after 5 and 10 s, within the 10 s allowance (not 15)
        }
        assert r.vendors[..., V_ABANDONED_SHORT].sum() == 2
        assert vendor(r, "phone")["offered"] == 0  # in-house channels are not the vendor's


def test_without_the_slas_terms_the_channels_answer_target_and_no_short_abandons():
    data = copy.deepcopy(DESK)
    data["vendors"]["acme"]["sla"] = {"min_service_level": 0.8}
    for r in runs(scenario_from_dict(data), SCRIPT):
        got = vendor(r)
        assert (got["answered_within"], got["abandoned_short"]) == (1, 0)  # only the wait of 0 within 20 s
    del data["vendors"]["acme"]["sla"]
    for r in runs(scenario_from_dict(data), SCRIPT):
        assert (vendor(r)["answered_within"], vendor(r)["abandoned_short"]) == (1, 0)
    data["vendors"]["acme"]["sla"] = {"min_answer_rate": 0.9, "short_abandon_s": 0}
    for r in runs(scenario_from_dict(data), SCRIPT):
        assert vendor(r)["abandoned_short"] == 0  # nobody hung up at once


def test_an_overflowed_contacts_short_abandon_is_timed_from_the_vendor_offer():
    # the in-house agent is busy until 300, the vendor has nobody on duty: contacts overflow after
    # 30 s and hang up while waiting in both queues. Contact 1 waited 45 s in all, 15 s for the
    # vendor; contact 2 waited 35 s in all, 5 s for the vendor: only contact 2 is a short abandon.
    data = copy.deepcopy(ROUTING_BASE)
    data["vendors"]["acme"] |= {
        "routing": {"mode": "overflow", "channels": ["phone"], "after_wait_s": 30},
        "sla": {"min_answer_rate": 0.9, "short_abandon_s": 10},
    }
    data["agent_groups"]["acme_team"]["staffing"] = [0, 0]
    script = [
        ScriptedContact(0, "phone", 300),
        ScriptedContact(10, "phone", 60, 45),
        ScriptedContact(20, "phone", 60, 35),
    ]
    for r in runs(scenario_from_dict(data), script):
        got = dict(zip(VENDOR_STATS, r.vendors[0, 0].sum(axis=0).tolist(), strict=True))
        assert (got["offered"], got["abandoned"], got["abandoned_short"]) == (2, 2, 2 - 1)


def mixed_desk(seed: int) -> dict:
    """A random-volume desk: a group mixing voice, chat and email, and a vendor taking overflowed calls."""
    rng = np.random.default_rng(seed)
    data = copy.deepcopy(DESK)
    data["calendar"] = {"interval_min": 30, "open": "08:00", "close": "12:00"}
    for name, per_day in (("phone", 300), ("mail", 80), ("line", 200)):
        data["channels"][name]["volume"] = {"per_day": per_day}
        data["channels"][name]["handle_time"] = {"dist": "exponential", "mean_s": float(rng.choice([120, 240]))}
    data["channels"]["phone"]["patience"] = {"dist": "exponential", "mean_s": 90}
    data["channels"]["line"]["patience"] = {"dist": "exponential", "mean_s": float(rng.choice([30, 90]))}
    data["channels"]["chat"] = {
        "kind": "chat",
        "volume": {"per_day": 150},
        "handle_time": {"dist": "lognormal", "mean_s": 300, "cv": 0.8},
        "patience": {"dist": "exponential", "mean_s": 120},
        "max_concurrent": 2,
    }
    data["agent_groups"] = {
        "mixed": {"skills": ["phone", "chat", "mail"], "staffing": int(rng.integers(2, 5))},
        "backoffice": {"skills": ["mail"], "staffing": 1},
        "house_line": {"skills": ["line"], "staffing": 1},
        "acme_team": {"vendor": "acme", "skills": ["line"], "staffing": int(rng.integers(1, 3))},
    }
    data["vendors"]["acme"] = {
        "routing": {"mode": "overflow", "channels": ["line"], "after_wait_s": float(rng.choice([0, 15]))},
        "sla": {"min_service_level": 0.8, "answer_within_s": 45, "short_abandon_s": float(rng.choice([5, 20]))},
    }
    return data


@pytest.mark.parametrize("seed", range(4))
def test_random_mixed_desks_count_the_same_in_both_engines(seed):
    sc = scenario_from_dict(mixed_desk(seed))
    fast = ContactCenter(sc, seed, trace=True).run()
    ref = ReferenceModel(sc, seed, trace=True).run()
    assert_same_contacts(fast, ref)
    for a in (fast, ContactCenter(sc, seed).run()):
        assert_same_totals(a, ref)
        assert np.allclose(a.groups[..., G["voice_handle_s"]], ref.groups[..., G["voice_handle_s"]], rtol=1e-12)
        for stat in ("answered_within", "abandoned_short", "abandoned"):
            assert np.array_equal(a.vendors[..., V[stat]], ref.vendors[..., V[stat]]), stat
    names = list(sc.agent_groups)
    voice, handle = ref.groups[..., G["voice_handle_s"]], ref.groups[..., G["handle_s"]]
    mixed = names.index("mixed")
    assert 0 < voice[mixed].sum() < handle[mixed].sum()  # calls and chats and emails
    assert not voice[names.index("backoffice")].any()
    for g in ("house_line", "acme_team"):
        assert np.array_equal(voice[names.index(g)], handle[names.index(g)])
    line = list(sc.channels).index("line")
    v = ref.vendors[0, line].sum(axis=0)
    assert v[V["offered"]] > 0 and 0 <= v[V["abandoned_short"]] <= v[V["abandoned"]]


# --------------------------------------------------------------------------- scenario keys


def sla_problems(sla: dict) -> list[str]:
    data = copy.deepcopy(ROUTING_BASE)
    data["vendors"]["acme"]["sla"] = sla
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    return [str(p) for p in info.value.problems]


def test_the_slas_own_terms_are_read_with_their_defaults():
    data = copy.deepcopy(ROUTING_BASE)
    data["vendors"]["acme"]["sla"] = {"min_service_level": "80%"}
    sla = scenario_from_dict(data).vendors["acme"].sla
    assert (sla.answer_within_s, sla.service_level_basis, sla.short_abandon_s) == (None, "offered", None)
    data["vendors"]["acme"]["sla"] |= {"answer_within_s": 30, "service_level_basis": "answered", "short_abandon_s": 0}
    sla = scenario_from_dict(data).vendors["acme"].sla
    assert (sla.answer_within_s, sla.service_level_basis, sla.short_abandon_s) == (30.0, "answered", 0.0)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("answer_within_s", 0, "answer_within_s: must be > 0, got 0"),
        ("answer_within_s", -5, "answer_within_s: must be > 0, got -5"),
        ("answer_within_s", "abc", "answer_within_s: must be a number, got 'abc'"),
        ("answer_within_s", 3e6, "answer_within_s: must be <= 2,592,000 s (30 days), got 3000000"),
        (
            "service_level_basis",
            "handled",
            "service_level_basis: must be one of 'offered' or 'answered', got 'handled'",
        ),
        ("short_abandon_s", -1, "short_abandon_s: must be >= 0, got -1"),
        ("short_abandon_s", 3e6, "short_abandon_s: must be <= 2,592,000 s (30 days), got 3000000"),
        ("short_abandn_s", 5, "short_abandn_s: unknown key; did you mean 'short_abandon_s'?"),
    ],
)
def test_bad_sla_terms_get_one_line_errors(key, value, message):
    assert sla_problems({"min_service_level": 0.8, key: value}) == [f"vendors.acme.sla.{message}"]
