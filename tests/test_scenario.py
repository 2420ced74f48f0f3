"""The scenario format: bundled scenarios, broken files, precise errors, variants, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import yaml
from pydantic import ValidationError

from ccsim.cli import main
from ccsim.loader import ScenarioError, load_scenario, merge, scenario_from_dict, scenario_json_schema

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))

MINIMAL = """\
name: minimal
calendar: {interval_min: 30, open: "08:00", close: "10:00"}
channels:
  phone:
    kind: voice
    volume: {per_interval: [10, 20, 30, 40]}
    handle_time: {dist: exponential, mean_s: 180}
    patience: {dist: exponential, mean_s: 120}
agent_groups:
  agents:
    skills: [phone]
    staffing: 3
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, text))
    return [str(p) for p in info.value.problems]


# --------------------------------------------------------------------------- bundled


def test_there_are_at_least_six_bundled_scenarios():
    assert len(BUNDLED) >= 6


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_scenario_validates_with_its_variants(path):
    sc = load_scenario(path)
    assert sc.channels and sc.agent_groups
    for name in sc.variants:
        v = sc.variant(name)
        assert v.variant_name == name
    text = path.read_text()
    assert text.lstrip().startswith("#"), "bundled scenarios document themselves in comments"


def test_minimal_scenario_from_yaml_equals_from_dict(tmp_path):
    a = load_scenario(write(tmp_path, MINIMAL))
    b = scenario_from_dict(yaml.safe_load(MINIMAL))
    assert a.model_dump() == b.model_dump()
    assert a.calendar.intervals_per_day_value == 4
    assert a.calendar.day_start_s == 8 * 3600


def test_scenario_is_frozen(tmp_path):
    sc = load_scenario(write(tmp_path, MINIMAL))
    with pytest.raises(ValidationError):
        sc.name = "other"
    with pytest.raises(ValidationError):
        sc.channels["phone"].kind = "chat"


# --------------------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("name: x\nchannels: [\n", "YAML syntax error"),
        ("", "empty file"),
        ("# only a comment\n", "empty file"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("just text\n", "top level must be a mapping"),
        ("name: x\nchannels:\n\tphone: 1\n", "tab used for indentation"),
        ("name: x\nname: y\n", "duplicate key 'name'"),
    ],
)
def test_broken_yaml_gets_one_clear_error(tmp_path, content, needle):
    found = problems(tmp_path, content)
    assert any(needle in p for p in found), found


def test_binary_junk_is_rejected(tmp_path):
    p = tmp_path / "junk.yaml"
    p.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ScenarioError, match="not a text file"):
        load_scenario(p)
    p.write_bytes(b"name: \xff\xfe broken\n")
    with pytest.raises(ScenarioError, match="not a UTF-8 text file"):
        load_scenario(p)


def test_alias_bomb_is_rejected_quickly(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    with pytest.raises(ScenarioError, match="alias bomb"):
        load_scenario(write(tmp_path, "\n".join(lines) + "\n"))


def test_an_error_in_a_merged_anchor_names_the_anchors_line(tmp_path):
    text = """name: anchors
calendar: {interval_min: 60, open: "09:00", close: "11:00"}
channels:
  phone:
    kind: voice
    volume: {per_day: 10}
    handle_time: {dist: exponential, mean_s: 60}
    patience: null
agent_groups:
  staff: {skills: [phone], staffing: 1}
x-sla: &sla
  min_servce_level: 0.8
variants:
  out:
    overrides:
      agent_groups: {acme_agents: {skills: [phone], staffing: 1, vendor: acme}}
      vendors:
        acme:
          routing: {mode: whole_channel, channels: [phone]}
          sla:
            <<: *sla
            penalty: 10
"""
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, text))
    message = str(info.value)
    assert "variants.out.overrides.vendors.acme.sla.min_servce_level: unknown key" in message
    assert message.rstrip().endswith("(line 12)")  # the anchor's key, not the mapping that merged it


def test_yaml_tags_cannot_run_code(tmp_path):
    marker = tmp_path / "pwned"
    text = f'name: !!python/object/apply:os.system ["touch {marker}"]\n'
    with pytest.raises(ScenarioError, match="YAML tag not allowed") as info:
        load_scenario(write(tmp_path, text))
    assert not marker.exists()
    assert len(str(info.value).splitlines()) == 1


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "path", "needle"),
    [
        ("mean_s: 180", "mean_s: abc", "channels.phone.handle_time.mean_s", "must be a number, got 'abc'"),
        ("mean_s: 180", "mean_s: .nan", "channels.phone.handle_time.mean_s", "finite number"),
        ("mean_s: 180", "mean_s: -240", "channels.phone.handle_time.mean_s", "must be > 0, got -240"),
        ("[10, 20, 30, 40]", "[10, -20, 30, 40]", "channels.phone.volume.per_interval.1", "must be >= 0, got -20"),
        ("staffing: 3", "staffing: 3\n    shrinkage: 1.5", "agent_groups.agents.shrinkage", "must be < 1, got 1.5"),
        (
            "staffing: 3",
            "staffing: 3\n    first_contact_resolution: 1.2",
            "agent_groups.agents.first_contact_resolution",
            "must be <= 1, got 1.2",
        ),
        ("staffing: 3", "staffing: three", "agent_groups.agents.staffing", "must be a whole number, got 'three'"),
        ("staffing: 3", "staffing: 2.5", "agent_groups.agents.staffing", "must be a whole number, got 2.5"),
        ("kind: voice", "kind: fax", "channels.phone.kind", "must be one of 'voice', 'chat', 'email' or 'sns'"),
    ],
)
def test_field_errors_name_path_rule_value_and_line(tmp_path, old, new, path, needle):
    text = MINIMAL.replace(old, new, 1)
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    msg = found[0]
    assert msg.startswith(path + ":"), msg
    assert needle in msg, msg
    key = path.split(".")[-1] if not path.split(".")[-1].isdigit() else path.split(".")[-2]
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.strip().startswith(key) or f"{key}:" in ln)
    assert msg.endswith(f"(line {line})"), (msg, line)


def test_unknown_keys_suggest_the_closest_valid_name(tmp_path):
    text = MINIMAL.replace("channels:", "chanels:").replace("mean_s: 120", "mean: 120")
    found = problems(tmp_path, text)
    assert any(p.startswith("chanels: unknown key; did you mean 'channels'?") for p in found), found
    assert any("channels: is required" in p for p in found), found
    text = MINIMAL.replace("mean_s: 120", "mean: 120")
    found = problems(tmp_path, text)
    assert found == [
        "channels.phone.patience.mean_s: is required (line 8)",
        "channels.phone.patience.mean: unknown key; did you mean 'mean_s'? (line 8)",
    ]


def test_all_errors_of_a_file_are_reported_together(tmp_path):
    text = (
        MINIMAL.replace("mean_s: 180", "mean_s: -1")
        .replace("mean_s: 120", "mean_s: 0")
        .replace("staffing: 3", "staffing: -2")
        .replace("interval_min: 30", "interval_min: 20")
    )
    found = problems(tmp_path, text)
    assert len(found) == 4, found
    assert any(p.startswith("calendar.interval_min: must be one of 15, 30 or 60, got 20") for p in found)


def test_dist_errors(tmp_path):
    found = problems(tmp_path, MINIMAL.replace("dist: exponential, mean_s: 180", "dist: lognorm, mean_s: 180"))
    assert found == [
        "channels.phone.handle_time.dist: must be one of exponential, lognormal, gamma, weibull, deterministic, "
        "uniform, empirical, got 'lognorm'; did you mean 'lognormal'? (line 7)"
    ]
    found = problems(tmp_path, MINIMAL.replace("dist: exponential, mean_s: 180", "mean_s: 180"))
    assert "channels.phone.handle_time.dist: needs a 'dist' key" in found[0]
    found = problems(tmp_path, MINIMAL.replace("dist: exponential, mean_s: 180", "dist: lognormal, mean_s: 180"))
    assert found == ["channels.phone.handle_time.cv: is required (line 7)"]


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("skills: [phone]", "skills: [phone, chatt]", "agent_groups.agents.skills.chatt: unknown channel 'chatt'"),
        (
            "staffing: 3",
            "staffing: 3\n    escalation: {to: tier9, probability: 0.1}",
            "agent_groups.agents.escalation.to: unknown agent group 'tier9'",
        ),
        ("staffing: 3", "staffing: 3\n    vendor: acme", "agent_groups.agents.vendor: unknown vendor 'acme'"),
        ("staffing: 3", "staffing: [1, 2, 3]", "agent_groups.agents.staffing: must have 4 values"),
        ("[10, 20, 30, 40]", "[10, 20]", "channels.phone.volume.per_interval: must have 4 values"),
        ("skills: [phone]", "skills: [phone/en]", "unknown contact type of channel phone 'en'"),
        (
            "    patience: {dist: exponential, mean_s: 120}\n",
            "    patience: {dist: exponential, mean_s: 120}\n  chat:\n    kind: chat\n    volume: {per_day: 10}\n"
            "    handle_time: {dist: exponential, mean_s: 60}\n    patience: null\n",
            "channels.chat: no agent group has a skill for channel chat",
        ),
    ],
)
def test_cross_reference_errors(tmp_path, old, new, needle):
    found = problems(tmp_path, MINIMAL.replace(old, new, 1))
    assert any(needle in p for p in found), found
    assert all("(line " in p for p in found), found


def test_channel_rules(tmp_path):
    no_patience = MINIMAL.replace("    patience: {dist: exponential, mean_s: 120}\n", "")
    assert "needs patience" in problems(tmp_path, no_patience)[0]
    never = MINIMAL.replace("{dist: exponential, mean_s: 120}", "null")
    assert load_scenario(write(tmp_path, never)).channels["phone"].patience is None
    email = MINIMAL.replace("kind: voice", "kind: email")
    assert "email customers do not abandon: remove patience" in problems(tmp_path, email)[0]
    chat = MINIMAL.replace("kind: voice", "kind: voice\n    max_concurrent: 3")
    assert "chat channels only" in problems(tmp_path, chat)[0]


def test_times_of_day_read_as_text_and_booleans_follow_yaml_1_2(tmp_path):
    text = MINIMAL.replace('open: "08:00", close: "10:00"', "open: 12:30, close: 14:30")
    sc = load_scenario(write(tmp_path, text))
    assert sc.calendar.open == "12:30" and sc.calendar.intervals_per_day_value == 4
    text = MINIMAL.replace("phone", "no")
    assert "no" in load_scenario(write(tmp_path, text)).channels


# --------------------------------------------------------------------------- shares and bounds


SHARE_TYPO = "must be a share: a number such as 0.3 or a percent such as 30%"


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.3", 0.3), ("30%", 0.3), ("30 %", 0.3), ("'30%'", 0.3), ("12.5%", 0.125), ("0%", 0.0), ("'0.25'", 0.25)],
)
def test_a_share_is_a_number_or_a_percent(tmp_path, text, value):
    sc = load_scenario(write(tmp_path, MINIMAL.replace("staffing: 3", f"staffing: 3\n    shrinkage: {text}")))
    assert sc.agent_groups["agents"].shrinkage == pytest.approx(value)


def test_every_share_field_accepts_percents():
    data = yaml.safe_load(MINIMAL)
    phone = data["channels"]["phone"]
    phone.update(
        contact_types={"ja": "70%", "en": "30%"},
        redial={"probability": "40%", "delay": {"dist": "exponential", "mean_s": 300}},
        self_service={"kind": "ivr", "containment": "25%"},
        targets={"min_service_level": "80%", "max_abandon_rate": "5 %"},
    )
    data["channels"]["chat"] = {
        "kind": "chat",
        "volume": {"per_day": 50},
        "handle_time": {"dist": "exponential", "mean_s": 300},
        "patience": None,
        "max_concurrent": 2,
        "concurrency_slowdown": "25%",
    }
    data["agent_groups"] = {
        "agents": {
            "skills": ["phone", "chat"],
            "staffing": 3,
            "shrinkage": "30%",
            "first_contact_resolution": "85%",
            "escalation": {"to": "experts", "probability": "10%"},
        },
        "experts": {"skills": ["phone", "chat"], "staffing": 1, "tier": 2},
        "outside": {"skills": ["phone"], "staffing": 2, "vendor": "acme"},
    }
    data["vendors"] = {
        "acme": {
            "routing": {"mode": "share", "channels": ["phone"], "share": "20%"},
            "sla": {"min_answer_rate": "98%", "min_service_level": "70%", "penalty": 1000},
        }
    }
    data["resolution"] = {"repeat_probability": "50%"}
    data["costs"] = {"monthly_attrition": "3.5%"}
    sc = scenario_from_dict(data)
    phone = sc.channels["phone"]
    assert phone.contact_types == {"ja": pytest.approx(0.7), "en": pytest.approx(0.3)}
    assert phone.redial.probability == pytest.approx(0.4)
    assert phone.self_service.containment == pytest.approx(0.25)
    assert phone.targets.min_service_level == pytest.approx(0.8)
    assert phone.targets.max_abandon_rate == pytest.approx(0.05)
    assert sc.channels["chat"].concurrency_slowdown == pytest.approx(0.25)
    agents = sc.agent_groups["agents"]
    assert (agents.shrinkage, agents.first_contact_resolution) == (pytest.approx(0.3), pytest.approx(0.85))
    assert agents.escalation.probability == pytest.approx(0.1)
    acme = sc.vendors["acme"]
    assert acme.routing.share == pytest.approx(0.2)
    assert (acme.sla.min_answer_rate, acme.sla.min_service_level) == (pytest.approx(0.98), pytest.approx(0.7))
    assert sc.resolution.repeat_probability == pytest.approx(0.5)
    assert sc.costs.monthly_attrition == pytest.approx(0.035)
    # the data of a scenario holds the numbers, so that variants and replace work on them
    assert sc.to_data()["agent_groups"]["agents"]["shrinkage"] == pytest.approx(0.3)
    assert sc.replace({"agent_groups": {"agents": {"shrinkage": "35%"}}}).agent_groups[
        "agents"
    ].shrinkage == pytest.approx(0.35)


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("shrinkage", "30 percent", f"{SHARE_TYPO}, got '30 percent'"),
        ("shrinkage", "'%'", f"{SHARE_TYPO}, got '%'"),
        ("shrinkage", "30%%", f"{SHARE_TYPO}, got '30%%'"),
        ("shrinkage", "abc", f"{SHARE_TYPO}, got 'abc'"),
        ("shrinkage", "100%", "must be < 1, got '100%'"),
        ("shrinkage", "1", "must be < 1, got 1"),
        ("first_contact_resolution", "150%", "must be <= 1, got '150%'"),
        ("first_contact_resolution", "-5%", "must be >= 0, got '-5%'"),
        ("first_contact_resolution", "1.5", "must be <= 1, got 1.5"),
    ],
)
def test_a_bad_share_names_the_forms_accepted(tmp_path, key, text, message):
    found = problems(tmp_path, MINIMAL.replace("staffing: 3", f"staffing: 3\n    {key}: {text}"))
    assert found == [f"agent_groups.agents.{key}: {message} (line 13)"]


def test_percent_ranges_apply_to_targets_and_variants(tmp_path):
    text = MINIMAL.replace("kind: voice", "kind: voice\n    targets: {min_service_level: 0%}")
    assert problems(tmp_path, text) == ["channels.phone.targets.min_service_level: must be > 0, got '0%' (line 6)"]
    text = VARIANTS.replace("shrinkage: 2", "shrinkage: 120%")
    assert problems(tmp_path, text) == [
        "variants.bad.overrides.agent_groups.agents.shrinkage: must be < 1, got '120%' (line 19)"
    ]
    sc = load_scenario(write(tmp_path, VARIANTS.replace("shrinkage: 2", "shrinkage: 12.5%")))
    assert sc.variant("bad").agent_groups["agents"].shrinkage == 0.125


def test_schema_allows_a_share_as_number_or_percent():
    import re

    defs = scenario_json_schema()["$defs"]
    shrinkage = defs["AgentGroup"]["properties"]["shrinkage"]["anyOf"]
    assert shrinkage[0] == {"type": "number", "minimum": 0, "exclusiveMaximum": 1}
    pattern = shrinkage[1]["pattern"]
    assert shrinkage[1]["type"] == "string"
    assert all(re.search(pattern, t) for t in ("30%", "30 %", "12.5%", ".5%"))
    assert not any(re.search(pattern, t) for t in ("30", "30 percent", "-5%", "%"))
    share = defs["Escalation"]["properties"]["probability"]["anyOf"]
    assert share[0] == {"type": "number", "minimum": 0, "maximum": 1}
    types = defs["Channel"]["properties"]["contact_types"]["anyOf"][0]["patternProperties"]
    assert next(iter(types.values()))["anyOf"][1]["pattern"] == pattern


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "staffing: 3",
            "staffing: 1000000000",
            "agent_groups.agents.staffing: must be <= 100,000 agents on duty, got 1000000000 (line 12)",
        ),
        (
            "staffing: 3",
            "staffing: [1, 2, 300000, 4]",
            "agent_groups.agents.staffing: must be <= 100,000 agents on duty, got 300000 at index 2 (line 12)",
        ),
        (
            "{per_interval: [10, 20, 30, 40]}",
            "{per_day: 480000000}",
            "channels.phone.volume.per_day: must be <= 100,000,000 contacts per day, got 480000000 (line 6)",
        ),
        (
            "[10, 20, 30, 40]",
            "[10, 20, 3e7, 40]",
            "channels.phone.volume.per_interval.2: must be <= 10,000,000 contacts per interval, got 30000000 (line 6)",
        ),
        (
            "{per_interval: [10, 20, 30, 40]}",
            "{customers: 2e10, contacts_per_customer_per_month: 0.01}",
            "channels.phone.volume.customers: must be <= 10,000,000,000 customers, got 20000000000 (line 6)",
        ),
        (
            "{per_interval: [10, 20, 30, 40]}",
            "{customers: 1e10, contacts_per_customer_per_day: 0.5}",
            "channels.phone.volume: customers x contact rate gives 5,000,000,000 contacts per day; "
            "must be <= 100,000,000 (line 6)",
        ),
        (
            "mean_s: 180",
            "mean_s: 3000000",
            "channels.phone.handle_time.mean_s: must be <= 2,592,000 s (30 days), got 3000000 (line 7)",
        ),
        (
            "{dist: exponential, mean_s: 120}",
            "{dist: empirical, values_s: [30, 1e7]}",
            "channels.phone.patience.values_s.1: must be <= 2,592,000 s (30 days), got 10000000 (line 8)",
        ),
        (
            "dist: exponential, mean_s: 180",
            "dist: lognormal, mean_s: 180, cv: 1e200",
            "channels.phone.handle_time.cv: must be <= 100, got 1e+200 (line 7)",
        ),
        (
            "{dist: exponential, mean_s: 120}",
            "{dist: weibull, mean_s: 120, shape: 0.001}",
            "channels.phone.patience.shape: must be >= 0.1, got 0.001 (line 8)",
        ),
        (
            "kind: voice",
            "kind: voice\n    targets: {answer_within_h: 1000}",
            "channels.phone.targets.answer_within_h: must be <= 720 h (30 days), got 1000 (line 6)",
        ),
        (
            "{per_interval: [10, 20, 30, 40]}",
            "{per_day: 10, overdispersion_cv: 1e-200}",
            "channels.phone.volume.overdispersion_cv: must be 0 (no uncertainty) or at least 0.001, "
            "got 1e-200 (line 6)",
        ),
        (
            "skills: [phone]",
            "skills: {phone: {handle_time_factor: 1000}}",
            "agent_groups.agents.skills.phone.handle_time_factor: must be <= 100, got 1000 (line 11)",
        ),
    ],
)
def test_absurd_sizes_are_refused_with_their_bound(tmp_path, old, new, message):
    assert problems(tmp_path, MINIMAL.replace(old, new, 1)) == [message]


def test_bounds_themselves_are_allowed_and_in_the_schema(tmp_path):
    text = (
        MINIMAL.replace("staffing: 3", "staffing: [100000, 0, 1, 2]")
        .replace("[10, 20, 30, 40]", "[10000000, 0, 0, 0]")
        .replace("mean_s: 180", "mean_s: 2592000")
    )
    sc = load_scenario(write(tmp_path, text))
    assert sc.agent_groups["agents"].staffing[0] == 100_000
    assert sc.replace({"channels": {"phone": {"volume": {"per_day": 1e8, "per_interval": None}}}})
    defs = scenario_json_schema()["$defs"]
    staffing = defs["AgentGroup"]["properties"]["staffing"]["anyOf"]
    assert staffing[0]["maximum"] == staffing[1]["items"]["maximum"] == 100_000
    assert defs["Volume"]["properties"]["per_day"]["anyOf"][0]["maximum"] == 100_000_000
    assert defs["Exponential"]["properties"]["mean_s"]["maximum"] == 2_592_000
    with pytest.raises(ScenarioError, match=r"staffing: must be <= 100,000 agents on duty, got 100001$"):
        sc.replace({"agent_groups": {"agents": {"staffing": 100_001}}})


# --------------------------------------------------------------------------- derived values


def test_volume_sources_expand_per_interval(tmp_path):
    data = yaml.safe_load(MINIMAL)
    data["calendar"].update(days=3, start_weekday="fri", day_of_week_factors={"sat": 0.5, "sun": 0})
    data["channels"]["phone"]["volume"] = {"per_day": 100, "profile": [1, 1, 2, 0]}
    sc = scenario_from_dict(data)
    vol = sc.channels["phone"].volume.per_interval_volume(sc.calendar)
    assert np.allclose(vol, [25, 25, 50, 0, 12.5, 12.5, 25, 0, 0, 0, 0, 0])
    data["channels"]["phone"]["volume"] = {"customers": 30000, "contacts_per_customer_per_day": 0.01}
    sc = scenario_from_dict(data)
    assert sc.channels["phone"].volume.per_interval_volume(sc.calendar)[:4].sum() == pytest.approx(300)
    data["agent_groups"]["agents"]["weekdays"] = ["fri", "sun"]
    sc = scenario_from_dict(data)
    # sat is off for the group; sun (factor 0) is closed for everybody
    assert list(sc.agent_groups["agents"].staffing_per_interval(sc.calendar)) == [3] * 4 + [0] * 8


def test_volume_needs_exactly_one_source(tmp_path):
    found = problems(tmp_path, MINIMAL.replace("{per_interval: [10, 20, 30, 40]}", "{per_day: 5, customers: 9}"))
    assert "give exactly one of per_interval, per_day, or customers" in found[0]


# --------------------------------------------------------------------------- variants


VARIANTS = (
    MINIMAL
    + """\
variants:
  more:
    overrides:
      agent_groups: {agents: {staffing: 5}}
  bad:
    overrides:
      agent_groups: {agents: {shrinkage: 2}}
"""
)


def test_variant_errors_point_into_the_overrides(tmp_path):
    found = problems(tmp_path, VARIANTS)
    assert found == ["variants.bad.overrides.agent_groups.agents.shrinkage: must be < 1, got 2 (line 19)"]


def test_variants_merge_and_null_removes(tmp_path):
    sc = load_scenario(write(tmp_path, VARIANTS.replace("shrinkage: 2", "shrinkage: 0.2")))
    assert sc.variant("more").agent_groups["agents"].staffing == 5
    assert sc.variant("bad").agent_groups["agents"].shrinkage == 0.2
    assert sc.agent_groups["agents"].staffing == 3  # the base is untouched
    with pytest.raises(ScenarioError, match="no variant 'mor'; did you mean 'more'"):
        sc.variant("mor")
    assert merge({"a": {"b": 1, "c": 2}}, {"a": {"b": None, "d": 3}}) == {"a": {"c": 2, "d": 3}}


# --------------------------------------------------------------------------- CLI


def test_cli_validate_ok_and_errors(tmp_path, capsys):
    good = write(tmp_path, MINIMAL, "good.yaml")
    bad = write(tmp_path, MINIMAL.replace("mean_s: 180", "mean_s: -1"), "bad.yaml")
    assert main(["validate", str(good)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{good}: OK") and err == ""
    assert main(["validate", str(good), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert f"{good}: OK" in out
    assert err.strip() == f"{bad}: channels.phone.handle_time.mean_s: must be > 0, got -1 (line 7)"


@pytest.mark.parametrize(
    "content", [b"", b"- 1\n", b"a: [\n", b"\x00\x01\x02", b"name: x\n\tbad: 1\n", b"x: .nan\n"], ids=str
)
def test_cli_validate_never_shows_a_traceback(tmp_path, content):
    p = tmp_path / "broken.yaml"
    p.write_bytes(content)
    res = subprocess.run([sys.executable, "-m", "ccsim", "validate", str(p)], capture_output=True, text=True)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and res.stderr.strip()


def test_schema_is_json_and_covers_the_format(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema == json.loads(json.dumps(scenario_json_schema()))
    assert {"channels", "agent_groups", "calendar", "vendors", "costs", "simulation", "variants"} <= set(
        schema["properties"]
    )
    assert schema["additionalProperties"] is False


def test_reference_documents_every_key():
    """docs/scenario-format.md names every field of every scenario model (docs/scheduling.md the shift types')."""
    import typing

    from pydantic import BaseModel

    from ccsim import distributions, scenario, shift_types

    for doc_name, modules in (("scenario-format.md", (scenario, distributions)), ("scheduling.md", (shift_types,))):
        doc = (ROOT / "docs" / doc_name).read_text()
        models = [
            obj
            for mod in modules
            for obj in vars(mod).values()
            if isinstance(obj, type)
            and issubclass(obj, BaseModel)
            and obj.model_fields
            and (obj.__module__ == mod.__name__ or obj.__module__.startswith(mod.__name__ + "."))
        ]
        missing = [f"{m.__name__}.{f}" for m in models for f in m.model_fields if f"`{f}`" not in doc]
        assert not missing, (doc_name, missing)
    doc = (ROOT / "docs" / "scenario-format.md").read_text()
    for tag in typing.get_args(distributions.Exponential.model_fields["dist"].annotation) + distributions.DIST_NAMES:
        assert f"`{tag}`" in doc


def test_the_schema_lets_editors_accept_anchor_keys():
    # scenarios keep YAML anchors under top-level "x-" keys (outsourcing_comparison.yaml does)
    from ccsim.loader import scenario_json_schema

    schema = scenario_json_schema()
    assert schema["additionalProperties"] is False and "^x-" in schema["patternProperties"]
    assert any(k.startswith("x-") for k in yaml_keys(ROOT / "scenarios" / "outsourcing_comparison.yaml"))


def yaml_keys(path):
    import yaml

    return list(yaml.safe_load(path.read_text()))
