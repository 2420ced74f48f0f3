"""What-if on volume: ccsim.volume.scale_volume, and --volume-scale in plan, sweep and compare."""

from __future__ import annotations

import json

import numpy as np
import pytest

import ccsim
from ccsim.cli import main
from ccsim.errors import CcsimError
from ccsim.sweep import sweep
from ccsim.volume import parse_volume_scale, scale_volume

DESK = """\
name: Small desk
calendar: {interval_min: 30, open: "09:00", close: "11:00"}
channels:
  phone:
    kind: voice
    volume: {per_day: 120}
    handle_time: {dist: exponential, mean_s: 180}
    patience: {dist: exponential, mean_s: 120}
    targets: {min_service_level: 0.8, answer_within_s: 20}
  chat:
    kind: chat
    volume: {customers: 3000, contacts_per_customer_per_day: 0.01}
    handle_time: {dist: exponential, mean_s: 300}
    patience: null
    targets: {min_service_level: 0.8, answer_within_s: 60}
agent_groups:
  team: {skills: [phone, chat], staffing: 4, shrinkage: 0.3}
costs: {currency: EUR, wage_per_hour: 20}
simulation: {replications: 3, seed: 3}
variants:
  lean: {overrides: {agent_groups: {team: {staffing: 3}}}}
  fuller: {overrides: {agent_groups: {team: {staffing: 5}}}}
"""

FORECAST = """\
name: Forecast desk of mine
calendar: {interval_min: 30, open: "09:00", close: "11:00"}
forecast: {file: fc.csv}
channels:
  phone:
    kind: voice
    handle_time: {dist: exponential, mean_s: 180}
    patience: null
    targets: {min_service_level: 0.8, answer_within_s: 20}
agent_groups:
  team: {skills: [phone], staffing: 5}
simulation: {replications: 3, seed: 1}
"""

CSV = "channel,interval_start,volume,aht_s\n" + "".join(
    f"phone,{start},{volume},{aht}\n"
    for start, volume, aht in [("09:00", 20, 180), ("09:30", 30, 200), ("10:00", 40, 180), ("10:30", 10, 160)]
)


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.yaml"
    path.write_text(DESK)
    return path


@pytest.fixture
def forecast(tmp_path):
    (tmp_path / "fc.csv").write_text(CSV)
    path = tmp_path / "fc.yaml"
    path.write_text(FORECAST)
    return path


def _volume(sc, channel):
    return sc.channels[channel].volume.per_interval_volume(sc.calendar).sum()


def test_scale_volume_scales_per_day_customers_and_a_forecast(desk, forecast):
    sc = ccsim.load_scenario(desk)
    both = scale_volume(sc, 1.5)
    assert both.channels["phone"].volume.per_day == pytest.approx(180)
    assert both.channels["chat"].volume.customers == pytest.approx(4500)  # the contact rate stays
    assert _volume(both, "chat") == pytest.approx(1.5 * _volume(sc, "chat"))
    one = scale_volume(sc, {"phone": 2, "all": 1.5})  # a channel's own factor multiplies the one for all
    assert one.channels["phone"].volume.per_day == pytest.approx(360)
    assert one.channels["chat"].volume.customers == pytest.approx(4500)
    assert scale_volume(sc, {"phone": 1.0}) is sc
    fc = ccsim.load_scenario(forecast)
    scaled = scale_volume(fc, 1.2)
    assert list(scaled.channels["phone"].volume.per_interval) == pytest.approx([24, 36, 48, 12])
    assert scaled.channels["phone"].handle_time_per_interval_s == fc.channels["phone"].handle_time_per_interval_s
    lean = scale_volume(sc.variant("lean"), 2)
    assert lean.variant_name == "lean" and lean.agent_groups["team"].staffing == 3


def test_scale_volume_errors_name_the_field_rule_and_value(desk):
    sc = ccsim.load_scenario(desk)
    with pytest.raises(CcsimError, match=r"^volume_scale\.phne: unknown channel; did you mean 'phone'\?$"):
        scale_volume(sc, {"phne": 2})
    with pytest.raises(CcsimError, match=r"^volume_scale: must be a number > 0, got 0$"):
        scale_volume(sc, 0)
    with pytest.raises(CcsimError, match=r"^volume_scale\.chat: must be a number > 0, got nan$"):
        scale_volume(sc, {"chat": float("nan")})
    with pytest.raises(CcsimError, match=r"channels\.phone\.volume\.per_day: scaled by the volume scale 1e\+09: must"):
        scale_volume(sc, {"phone": 1e9})
    assert parse_volume_scale(["1.2", "phone=2"]) == {"all": 1.2, "phone": 2.0}
    for bad, needle in [
        (["x"], "--volume-scale x: the factor must be a number > 0, got 'x'"),
        (["phone=-1"], "--volume-scale phone=-1: the factor must be a number > 0, got '-1'"),
        (["=2"], "--volume-scale =2: must be FACTOR or CHANNEL=FACTOR"),
        (["1.1", "1.2"], "--volume-scale 1.2: every channel's factor is given twice"),
    ]:
        with pytest.raises(CcsimError) as err:
            parse_volume_scale(bad)
        assert str(err.value).startswith(needle)


def test_a_forecast_volume_is_sweepable_by_volume_scale(forecast):
    sc = ccsim.load_scenario(forecast)
    res = sweep(sc, {"volume_scale": [0.5, 1, 2]}, replications=2, seed=1)
    offered = [r["phone.offered"] for r in res.rows]
    assert offered[0] < offered[1] < offered[2]
    assert _volume(res.points[2].scenario, "phone") == pytest.approx(200)
    # one point is exactly the simulation of the scaled scenario (common random numbers)
    alone = ccsim.simulate(scale_volume(sc, 2), replications=2, seed=1)
    assert res.points[2].result.channel("phone")["offered"] == alone.channel("phone")["offered"]
    with pytest.raises(CcsimError, match=r"channels\.phone\.volume\.per_day: cannot be swept: .*per_interval .*"):
        sweep(sc, {"channels.phone.volume.per_day": [100]}, replications=1)
    with pytest.raises(CcsimError, match=r"sweep volume_scale\.phone"):
        sweep(sc, {"channels.phone.volume.per_day": [100]}, replications=1)


def test_sweep_volume_scale_per_channel_and_its_errors(desk, capsys):
    code = main(
        ["sweep", str(desk), "--param", "volume_scale.chat=1,3", "--replications", "2", "--seed", "1", "--json"]
    )
    assert code == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[1]["chat.offered"] > 2 * rows[0]["chat.offered"]
    assert rows[1]["phone.offered"] == rows[0]["phone.offered"]
    for param, needle in [
        ("volume_scale.chta=2", "--param volume_scale.chta: unknown channel; did you mean 'chat'?"),
        ("volume_scale=0,1", "--param volume_scale=0: must be a number > 0, got 0"),
        ("volume_scale.phone.x=1", "volume_scale.phone is a value, not a section with keys"),
        ("volume_scale.phone=1e9", "volume_scale.phone=1e+09: channels.phone.volume.per_day: scaled by"),
    ]:
        assert main(["sweep", str(desk), "--param", param]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and needle in err, err


def test_the_volume_scale_for_all_and_for_one_channel_multiply_in_a_sweep(desk):
    sc = ccsim.load_scenario(desk)
    res = sweep(sc, {"volume_scale": [1, 2], "volume_scale.phone": [1, 3]}, replications=1, seed=1)
    assert [p.scenario.channels["phone"].volume.per_day for p in res.points] == [120, 360, 240, 720]
    assert [p.scenario.channels["chat"].volume.customers for p in res.points] == [3000, 3000, 6000, 6000]


def test_sweep_takes_a_what_if_volume_scale_for_every_point(desk, capsys):
    argv = ["sweep", str(desk), "--param", "agent_groups.team.staffing=4,5", "--replications", "2", "--seed", "1"]
    assert main([*argv, "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)["rows"]
    assert main([*argv, "--json", "--volume-scale", "2", "--volume-scale", "chat=0.5"]) == 0
    scaled = json.loads(capsys.readouterr().out)["rows"]
    assert scaled[0]["phone.offered"] > 1.6 * plain[0]["phone.offered"]
    assert scaled[0]["chat.offered"] == pytest.approx(plain[0]["chat.offered"], rel=0.3)


def test_plan_with_a_volume_scale_plans_the_scaled_desk(desk, capsys):
    argv = ["plan", str(desk), "--replications", "4", "--seed", "2", "--json", "--max-evaluations", "60"]
    assert main(argv) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main([*argv, "--volume-scale", "phone=3"]) == 0
    scaled = json.loads(capsys.readouterr().out)
    assert scaled["met"] and plain["met"]
    hours = [d["groups"]["team"]["agent_hours_on_duty"] for d in (plain, scaled)]
    assert hours[1] > hours[0]
    offered = [sum(r["phone_offered"] for r in d["intervals"]) for d in (plain, scaled)]
    assert offered[1] == pytest.approx(3 * offered[0], rel=0.2)
    # the what-if is said wherever the plan goes: its name in the heading, the JSON and the variant file
    assert scaled["scenario"] == f"{plain['scenario']} (volume phone x3)"
    assert main(["plan", str(desk), "--volume-scale", "phnoe=2"]) == 2
    assert "--volume-scale: volume_scale.phnoe: unknown channel; did you mean 'phone'?" in capsys.readouterr().err


def test_compare_what_if_on_one_channel_with_the_sensitivity(desk, capsys):
    argv = ["compare", str(desk), "--replications", "2", "--seed", "1", "--json"]
    assert main(argv) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main([*argv, "--volume-scale", "phone=2", "--volume-scale", "1.5"]) == 0
    scaled = json.loads(capsys.readouterr().out)
    assert scaled["partial"] is None
    assert scaled["volume_scales"] == [1.0, 1.5]

    def offered(data, variant, channel):
        return next(c for c in data["variants"][variant]["channels"] if c["channel"] == channel)["offered"]

    assert offered(scaled, "lean", "phone") == pytest.approx(2 * offered(plain, "lean", "phone"), rel=0.25)
    assert offered(scaled, "lean", "chat") == pytest.approx(offered(plain, "lean", "chat"))
    assert main([*argv, "--volume-scale", "phnoe=2"]) == 2
    assert "unknown channel; did you mean 'phone'?" in capsys.readouterr().err


def test_the_scaled_forecast_keeps_its_shape(forecast):
    sc = ccsim.load_scenario(forecast)
    scaled = scale_volume(sc, {"phone": 0.5})
    a = sc.channels["phone"].volume.per_interval_volume(sc.calendar)
    b = scaled.channels["phone"].volume.per_interval_volume(scaled.calendar)
    assert np.allclose(b, a / 2)
