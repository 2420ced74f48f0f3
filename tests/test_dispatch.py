"""Dispatch policies: which free agent answers, which waiting contact a freed agent takes.

Exact timelines for each built-in policy where it differs from the default, both engines
(``run_both`` checks them contact by contact), the random policy's fairness against its
theory, a user's own policy, and the scenario's ``dispatch`` key with its errors. The random
desks of ``tests/test_engines.py`` draw a policy too.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy import stats
from test_engines import events, run_both

from ccsim import ScenarioError, scenario_from_dict
from ccsim.engine import ScriptedContact
from ccsim.engine.dispatch import POLICIES, Dispatch, LongestIdle, RandomDispatch, uses_shortcuts
from ccsim.engine.fast import ContactCenter
from ccsim.engine.reference import ReferenceModel
from ccsim.results.layout import GROUP_STATS
from ccsim.simulation import simulate

HANDLED = GROUP_STATS.index("handled")

#: Two groups that may answer phone calls: `first` by skill priority 1, `second` by priority 2.
TWO_GROUPS = {
    "name": "two groups",
    "calendar": {"interval_min": 60, "open": "00:00", "close": "01:00"},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_interval": [0]},
            "handle_time": {"dist": "deterministic", "value_s": 60},
            "patience": None,
        }
    },
    "agent_groups": {
        "first": {"skills": {"phone": {"priority": 1}}, "staffing": 1},
        "second": {"skills": {"phone": {"priority": 2}}, "staffing": 1},
    },
}

EXP60 = {"dist": "exponential", "mean_s": 60}

#: One agent who answers phone and email with the same skill priority.
BLENDED = {
    "name": "blended",
    "calendar": {"interval_min": 60, "open": "00:00", "close": "01:00"},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_interval": [0]},
            "handle_time": {"dist": "exponential", "mean_s": 60},
            "patience": None,
        },
        "email": {
            "kind": "email",
            "volume": {"per_interval": [0]},
            "handle_time": {"dist": "exponential", "mean_s": 60},
        },
    },
    "agent_groups": {"agents": {"skills": ["phone", "email"], "staffing": 1}},
}


def desk(base: dict, dispatch=None) -> object:
    data = copy.deepcopy(base)
    if dispatch is not None:
        data["dispatch"] = dispatch
    return scenario_from_dict(data)


def answers(trace):
    return [(t, cid, where) for t, e, cid, where in events(trace, ("answer",))]


# --------------------------------------------------------------------------- exact timelines

#: Call 0 keeps `first` busy until 510; call 1 frees `second` at 30; call 2 comes at 600.
IDLE_SCRIPT = [
    ScriptedContact(10, "phone", 500),
    ScriptedContact(20, "phone", 10),
    ScriptedContact(600, "phone", 10),
]


def test_skill_priority_sends_a_new_contact_to_the_best_priority_group():
    _, ref = run_both(desk(TWO_GROUPS), script=IDLE_SCRIPT)
    assert answers(ref.trace) == [(10.0, 0, "first"), (20.0, 1, "second"), (600.0, 2, "first")]


def test_longest_idle_sends_a_new_contact_to_the_agent_idle_longest_whatever_its_group():
    _, ref = run_both(desk(TWO_GROUPS, "longest-idle"), script=IDLE_SCRIPT)
    # at 600 `first` has been idle since 510, `second` since 30: `second` answers
    assert answers(ref.trace) == [(10.0, 0, "first"), (20.0, 1, "second"), (600.0, 2, "second")]


def test_longest_idle_breaks_a_tie_by_the_queues_group_order():
    # both agents idle since the opening: the first group in the queue's order answers
    _, ref = run_both(desk(TWO_GROUPS, "longest-idle"), script=IDLE_SCRIPT[:1])
    assert answers(ref.trace) == [(10.0, 0, "first")]


#: The agent is busy with a call until 100; an email (at 10) and a call (at 20) wait.
BLENDED_SCRIPT = [
    ScriptedContact(0, "phone", 100),
    ScriptedContact(10, "email", 50),
    ScriptedContact(20, "phone", 50),
]


def test_skill_priority_takes_the_contact_waiting_longest_among_equal_priorities():
    _, ref = run_both(desk(BLENDED), script=BLENDED_SCRIPT)
    assert answers(ref.trace) == [(0.0, 0, "agents"), (100.0, 1, "agents"), (150.0, 2, "agents")]


def test_priority_takes_the_best_numbered_channel_first():
    sc = desk(BLENDED, {"policy": "priority", "priorities": {"phone": 1, "email": 2}})
    _, ref = run_both(sc, script=BLENDED_SCRIPT)
    # at 100 the call (waiting since 20) goes before the email (waiting since 10)
    assert answers(ref.trace) == [(0.0, 0, "agents"), (100.0, 2, "agents"), (150.0, 1, "agents")]


def test_priority_puts_channels_not_named_after_those_named():
    sc = desk(BLENDED, {"policy": "priority", "priorities": {"phone": 5}})
    _, ref = run_both(sc, script=BLENDED_SCRIPT)
    assert [cid for _, cid, _ in answers(ref.trace)] == [0, 2, 1]


def test_priority_ranks_before_skill_priority():
    data = copy.deepcopy(BLENDED)
    data["agent_groups"]["agents"]["skills"] = {"phone": {"priority": 2}, "email": {"priority": 1}}
    # skill priority alone: email first
    _, ref = run_both(desk(data), script=BLENDED_SCRIPT)
    assert [cid for _, cid, _ in answers(ref.trace)] == [0, 1, 2]
    _, ref = run_both(desk(data, {"policy": "priority", "priorities": {"phone": 0}}), script=BLENDED_SCRIPT)
    assert [cid for _, cid, _ in answers(ref.trace)] == [0, 2, 1]


# --------------------------------------------------------------------------- random


def test_random_dispatch_spreads_new_contacts_evenly_over_the_free_agents():
    # Two idle agents, one per group, each call ends before the next arrives: under the default
    # every call goes to `first`; at random each agent is equally likely, a Binomial(n, 1/2).
    n = 400
    script = [ScriptedContact(5.0 * i, "phone", 1.0) for i in range(n)]
    data = copy.deepcopy(TWO_GROUPS)
    data["channels"]["phone"]["handle_time"] = {"dist": "deterministic", "value_s": 1}
    data["calendar"] = {"interval_min": 60, "open": "00:00", "close": "01:00"}
    default = ReferenceModel(desk(data), 3, script=script).run()
    assert default.groups[:, 0, HANDLED].tolist() == [n, 0]
    fast, ref = run_both(desk(data, "random"), seed=3, script=script)
    second = int(ref.groups[1, 0, HANDLED])
    assert second == int(fast.groups[1, 0, HANDLED])
    lo, hi = stats.binom.ppf([0.0005, 0.9995], n, 0.5)
    assert lo <= second <= hi


def test_random_dispatch_is_reproducible_and_differs_by_seed():
    data = copy.deepcopy(TWO_GROUPS)
    data["channels"]["phone"] |= {
        "volume": {"per_interval": [200]},
        "handle_time": {"dist": "exponential", "mean_s": 20},
    }
    sc = desk(data, "random")
    a = ContactCenter(sc, 1).run().groups[..., HANDLED]
    assert np.array_equal(a, ContactCenter(sc, 1).run().groups[..., HANDLED])
    assert not np.array_equal(a, ContactCenter(sc, 2).run().groups[..., HANDLED])


# --------------------------------------------------------------------------- the policy object


def test_only_the_default_policy_keeps_the_fast_engines_shortcuts():
    sc = desk(TWO_GROUPS)
    assert uses_shortcuts(ContactCenter(sc, 1).dispatch)
    for name in ("longest-idle", "priority", "random"):
        spec = {"policy": name, **({"priorities": {"phone": 1}} if name == "priority" else {})}
        model = ContactCenter(desk(TWO_GROUPS, spec), 1)
        assert type(model.dispatch) is POLICIES[name] and not uses_shortcuts(model.dispatch)
    assert not any(q.fast for q in model.routing.queues) and not any(g.heap for g in model.groups)


class SecondFirst(Dispatch):
    """A user's own policy: the lowest-priority group with a free agent answers."""

    def agent_for(self, queue, ch):
        for g in reversed(queue.groups):
            if g.idle:
                return g.idle.pop()
        return None


def test_a_users_own_policy_replaces_the_scenarios_in_both_engines():
    sc = desk(TWO_GROUPS)
    _, ref = run_both(sc, script=IDLE_SCRIPT[:1], dispatch=SecondFirst)
    assert answers(ref.trace) == [(10.0, 0, "second")]
    result = simulate(sc, replications=2, seed=1, dispatch=SecondFirst)
    reference = simulate(sc, replications=2, seed=1, dispatch=SecondFirst, engine="reference")
    assert np.array_equal(result.group_sums, reference.group_sums)


def test_policies_named_in_the_docs_are_the_ones_built_in():
    assert list(POLICIES) == ["skill-priority", "longest-idle", "priority", "random"]
    assert POLICIES["longest-idle"] is LongestIdle and POLICIES["random"] is RandomDispatch
    for name, cls in POLICIES.items():
        assert cls.name == name


def test_random_pick_is_uniform_over_its_choices():
    class Draws:
        def __init__(self, values):
            self.values = iter(values)

        def next(self):
            return next(self.values)

    policy = RandomDispatch.__new__(RandomDispatch)
    policy.u = Draws([0.0, 0.3334, 0.6667, 0.9999999])
    assert [policy.pick(3) for _ in range(4)] == [0, 1, 2, 2]
    assert policy.pick(1) == 0  # no draw for a single choice


# --------------------------------------------------------------------------- the scenario key


def test_dispatch_key_takes_a_name_or_a_mapping():
    assert desk(TWO_GROUPS).dispatch.policy == "skill-priority"
    assert desk(TWO_GROUPS, "random").dispatch.policy == "random"
    sc = desk(BLENDED, {"policy": "priority", "priorities": {"phone": 1, "email": 2}})
    assert sc.dispatch.priorities == {"phone": 1, "email": 2}


@pytest.mark.parametrize(
    ("base", "dispatch", "message"),
    [
        (
            TWO_GROUPS,
            "fifo",
            "dispatch: must be one of 'skill-priority', 'longest-idle', 'priority' or 'random', got 'fifo'",
        ),
        (TWO_GROUPS, {"policy": "priority"}, "dispatch: policy priority needs priorities"),
        (TWO_GROUPS, {"policy": "random", "priorities": {"phone": 1}}, "priorities are used by policy priority only"),
        (
            BLENDED,
            {"policy": "priority", "priorities": {"phnoe": 1}},
            "dispatch.priorities.phnoe: unknown channel 'phnoe'; did you mean 'phone'?",
        ),
        (
            BLENDED,
            {"policy": "priority", "priorities": {"phone/vip": 1}},
            "dispatch.priorities.phone/vip: unknown contact type of phone 'vip'",
        ),
        (BLENDED, {"policy": "priority", "priorities": {"phone": -1}}, "dispatch.priorities.phone"),
    ],
)
def test_a_bad_dispatch_is_one_line_naming_field_rule_and_value(base, dispatch, message):
    with pytest.raises(ScenarioError) as err:
        desk(base, dispatch)
    assert message in str(err.value)


def test_a_result_names_its_policy_and_the_text_says_it_took_the_general_path():
    from ccsim.outputs.result_text import summary_text

    sc = desk(TWO_GROUPS, "longest-idle")
    result = simulate(sc, replications=1, seed=1)
    assert result.dispatch == "longest-idle" and result.to_dict()["dispatch"] == "longest-idle"
    assert "dispatch longest-idle: the fast engine's general path" in summary_text(result)
    default = simulate(desk(TWO_GROUPS), replications=1, seed=1)
    assert default.dispatch == "skill-priority" and "dispatch" not in summary_text(default)
    assert simulate(sc, replications=1, seed=1, dispatch=SecondFirst).dispatch == "SecondFirst"
