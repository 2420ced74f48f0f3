"""Parameter sweeps: grid parsing, every bad input, the same numbers as separate runs, the command."""

from __future__ import annotations

import json
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from ccsim import CcsimError, load_scenario, scenario_from_dict, simulate
from ccsim.cli import main
from ccsim.economics import costs
from ccsim.sweep import MAX_POINTS, grid, parse_param, parse_values, plot_sweep, sweep

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = str(ROOT / "scenarios" / "textbook_erlang_c.yaml")

DESK = {
    "name": "small desk",
    "calendar": {"interval_min": 30, "open": "08:00", "close": "11:00", "days": 1},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 500, "profile": [1, 2, 3, 3, 2, 1]},
            "handle_time": {"dist": "exponential", "mean_s": 180},
            "patience": {"dist": "exponential", "mean_s": 120},
            "targets": {"min_service_level": 0.8, "answer_within_s": 20},
        },
        "chat": {
            "kind": "chat",
            "volume": {"per_day": 100},
            "handle_time": {"dist": "exponential", "mean_s": 300},
            "patience": {"dist": "exponential", "mean_s": 300},
        },
    },
    "agent_groups": {
        "staff": {"skills": ["phone", "chat"], "staffing": 8},
        "backup": {"skills": ["chat"], "staffing": 1},
    },
    "costs": {"wage_per_hour": 2000},
    "simulation": {"replications": 4, "seed": 9},
}


@pytest.fixture(scope="module")
def desk():
    return scenario_from_dict(DESK)


@pytest.fixture(scope="module")
def swept(desk):
    params = {"agent_groups.staff.staffing": [7, 8, 9], "channels.phone.volume.per_day": [400, 500]}
    return sweep(desk, params, replications=3, seed=4)


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("8:14", [8, 9, 10, 11, 12, 13, 14]),
        ("8:14:3", [8, 11, 14]),
        ("8:13:3", [8, 11]),
        ("400,500,600", [400, 500, 600]),
        ("8:10,12", [8, 9, 10, 12]),
        ("0.7:0.9:0.05", [0.7, 0.75, 0.8, 0.85, 0.9]),
        ("0.1:0.3:0.1", [0.1, 0.2, 0.3]),
        ("1e2:3e2:1e2", [100.0, 200.0, 300.0]),
        ("-2:1", [-2, -1, 0, 1]),
        ("5", [5]),
        ("2.5", [2.5]),
        (" 1 , 2 ", [1, 2]),
        ("exponential,lognormal", ["exponential", "lognormal"]),
        ("null,3", [None, 3]),
    ],
)
def test_values_are_numbers_ranges_and_words(text, values):
    assert parse_values(text) == values
    assert [type(v) for v in parse_values(text)] == [type(v) for v in values]


def test_text_parameters_keep_their_colons(desk):
    assert parse_param("calendar.open=08:00,09:30", desk) == ("calendar.open", ["08:00", "09:30"])
    assert parse_param("channels.phone.handle_time.dist=lognormal", desk) == (
        "channels.phone.handle_time.dist",
        ["lognormal"],
    )
    assert parse_param("agent_groups.staff.staffing=7:9", desk) == ("agent_groups.staff.staffing", [7, 8, 9])
    assert parse_param("calendar.interval_min=15,30", desk) == ("calendar.interval_min", [15, 30])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("agent_groups.staff.staffing", "agent_groups.staff.staffing: must be PATH=VALUES, e.g. "),
        ("agent_groups.staff.staffing=", "agent_groups.staff.staffing=: must be PATH=VALUES"),
        ("=8:14", "=8:14: must be PATH=VALUES"),
        ("x=1,,2", "1,,2: an empty value; give values separated by commas"),
        ("x=5:3", "5:3: the range 5:3 must end at or after its start"),
        ("x=1:3:0", "1:3:0: the step of 1:3:0 must be > 0, got 0"),
        ("x=1:3:-1", "the step of 1:3:-1 must be > 0, got -1"),
        ("x=1,2,1", "1,2,1: the value 1 is given twice"),
        ("x=8:10,9", "the value 9 is given twice"),
        (f"x=0:{MAX_POINTS}", f"the range 0:{MAX_POINTS} has {MAX_POINTS + 1} values (at most 10,000)"),
    ],
)
def test_bad_values_are_one_line(text, message):
    with pytest.raises(CcsimError) as info:
        parse_param(text)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("agent_groups.staf.staffing", "agent_groups.staf: unknown agent group; did you mean 'staff'?"),
        ("agent_groups.staff.stafing", "agent_groups.staff.stafing: unknown key; did you mean 'staffing'?"),
        ("channels.phon.volume.per_day", "channels.phon: unknown channel; did you mean 'phone'?"),
        ("channels.phone.volume.perday", "channels.phone.volume.perday: unknown key; did you mean 'per_day'?"),
        ("channel.phone.volume.per_day", "channel: unknown key; did you mean 'channels'?"),
        ("calendar.day_of_week_factors.mun", "calendar.day_of_week_factors.mun: unknown key; did you mean 'sun'?"),
        ("channels.phone.handle_time.meen_s", "channels.phone.handle_time.meen_s: unknown key; did you mean 'mean_s'?"),
        ("agent_groups.staff.skills.email", "agent_groups.staff.skills.email: unknown key"),
        ("agent_groups.staff.staffing.x", "agent_groups.staff.staffing is a value, not a section with keys"),
        ("simulation.seed", "simulation.seed: cannot be swept: every grid point runs with the sweep's seed"),
        ("simulation.replications", "simulation.replications: cannot be swept: every grid point runs the sweep's"),
        ("variants.x.overrides", "variants.x.overrides: cannot be swept: variants are not simulated by a sweep"),
        ("agent_groups..staffing", "agent_groups..staffing: an empty key (two dots, or a dot at an end)"),
        ("zzz", "zzz: unknown key (valid: name, description, calendar"),
    ],
)
def test_every_path_is_checked_against_the_schema(desk, path, message):
    with pytest.raises(CcsimError) as info:
        parse_param(f"{path}=1", desk)
    assert message in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(CcsimError):
        grid(desk, {path: [1]})


def test_a_section_unset_in_the_scenario_is_checked_by_the_schema(desk):
    # the desk has no vendors and no resolution section: keys still come from the schema
    assert parse_param("resolution.repeat_probability=0,0.1", desk)[1] == [0, 0.1]
    with pytest.raises(CcsimError, match=r"resolution.repeat_probabilty: unknown key; did you mean 'repeat_prob"):
        parse_param("resolution.repeat_probabilty=0.1", desk)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"agent_groups.staff.staffing": [8, -1]}, "agent_groups.staff.staffing=-1: must be >= 0, got -1"),
        ({"channels.phone.handle_time.mean_s": [0]}, "channels.phone.handle_time.mean_s=0: must be > 0, got 0"),
        ({"channels.phone.volume.per_day": ["many"]}, "channels.phone.volume.per_day=many: must be a number"),
        ({"calendar.open": ["25:00"]}, "calendar.open=25:00: must be a time of day as HH:MM"),
        ({"channels.phone.handle_time": [3]}, "channels.phone.handle_time=3: "),
        ({"agent_groups.staff.staffing": []}, "agent_groups.staff.staffing: no values"),
        ({"agent_groups.staff.staffing": 8}, "agent_groups.staff.staffing: the values must be a list, got 8"),
        ({}, "params: give at least one parameter"),
        (
            {"channels.phone.volume": [{"per_day": 3}], "channels.phone.volume.per_day": [4]},
            "channels.phone.volume.per_day: overlaps channels.phone.volume",
        ),
        (
            {"agent_groups.staff.staffing": list(range(200)), "channels.phone.volume.per_day": list(range(51))},
            "params: the grid has 10,200 points (at most 10,000)",
        ),
    ],
)
def test_a_value_the_scenario_rejects_names_the_path_and_the_value(desk, params, message):
    with pytest.raises(CcsimError) as info:
        sweep(desk, params, replications=1)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_the_grid_is_every_combination_the_first_parameter_slowest(desk):
    points = grid(desk, {"agent_groups.staff.staffing": [7, 8], "channels.phone.volume.per_day": [400, 500, 600]})
    assert [v for v, _ in points] == [
        {"agent_groups.staff.staffing": s, "channels.phone.volume.per_day": d} for s in (7, 8) for d in (400, 500, 600)
    ]
    _, sc = points[4]
    assert sc.agent_groups["staff"].staffing == 8 and sc.channels["phone"].volume.per_day == 500
    assert sc.channels["chat"] == desk.channels["chat"]  # the rest is untouched


# --------------------------------------------------------------------------- results


def test_every_point_is_the_separate_run_with_the_same_seed(desk, swept):
    assert len(swept.points) == 6 == swept.grid_size and not swept.interrupted
    assert swept.seed == 4 and swept.replications == 3
    for point, row in zip(swept.points, swept.rows, strict=True):
        staffing = point.values["agent_groups.staff.staffing"]
        per_day = point.values["channels.phone.volume.per_day"]
        alone = desk.replace({"agent_groups": {"staff": {"staffing": staffing}}})
        alone = alone.replace({"channels": {"phone": {"volume": {"per_day": per_day}}}})
        res = simulate(alone, replications=3, seed=4)
        assert np.array_equal(point.result.channel_sums, res.channel_sums)
        assert np.array_equal(point.result.group_sums, res.group_sums)
        assert row["agent_groups.staff.staffing"] == staffing and row["channels.phone.volume.per_day"] == per_day
        for ch in ("phone", "chat", "all"):
            assert row[f"{ch}.service_level"] == res.channel(ch)["service_level"]
            assert row[f"{ch}.service_level_ci95"] == res.channel(ch)["service_level_ci95"]
        assert row["staff.occupancy"] == res.group("staff")["occupancy"]
        priced = costs(res, alone).summary()
        assert row["cost_per_month"] == priced["per_month"]["mean"] and row["currency"] == "JPY"
        statuses = {t.status for t in res.targets}
        assert row["targets"] == ("met" if statuses == {"met"} else "MISSED" if "MISSED" in statuses else "uncertain")


def test_common_random_numbers_make_more_agents_never_worse(swept):
    # the same contacts at every point: one more agent cannot lower the service level here
    for per_day in (400, 500):
        levels = [r["phone.service_level"] for r in swept.rows if r["channels.phone.volume.per_day"] == per_day]
        assert levels == sorted(levels)


def test_rows_leave_out_what_is_undefined_everywhere_and_costs_when_nothing_is_priced(desk):
    unpriced = desk.replace({"costs": None})
    res = sweep(unpriced, {"agent_groups.staff.staffing": [8]}, replications=2, seed=1)
    row = res.rows[0]
    assert "cost_per_month" not in row and "currency" not in row
    assert "chat.first_contact_resolution" not in row  # not modelled: None at every point
    assert json.loads(json.dumps(res.to_dict()))["rows"] == res.rows


def test_the_executor_changes_nothing(desk, swept):
    params = {"agent_groups.staff.staffing": [7, 8, 9], "channels.phone.volume.per_day": [400, 500]}
    with ThreadPoolExecutor(max_workers=2) as ex:
        parallel = sweep(desk, params, replications=3, seed=4, executor=ex)
    assert parallel.rows == swept.rows


def test_progress_counts_replications_over_the_grid_and_an_interrupt_keeps_the_points_done(desk):
    seen = []

    def stop(done, total):
        seen.append((done, total))
        if done == 5:
            raise KeyboardInterrupt

    res = sweep(desk, {"agent_groups.staff.staffing": [7, 8, 9]}, replications=2, seed=4, progress=stop)
    assert seen == [(1, 6), (2, 6), (3, 6), (4, 6), (5, 6)]
    assert res.interrupted and res.grid_size == 3 and len(res.points) == 3
    assert [r["replications"] for r in res.rows] == [2, 2, 1]

    class Interrupted(Executor):
        def submit(self, fn, /, *args, **kwargs):
            f: Future = Future()
            f.set_exception(KeyboardInterrupt())
            return f

    with pytest.raises(KeyboardInterrupt):  # nothing finished: nothing to keep
        sweep(desk, {"agent_groups.staff.staffing": [7]}, replications=2, executor=Interrupted())


# --------------------------------------------------------------------------- plots


def test_plots_draw_a_curve_per_value_of_the_other_parameter(swept):
    ax = plot_sweep(swept, "service_level", channel="phone")
    lines = [t for t in ax.get_legend().get_texts()]
    assert [t.get_text() for t in lines] == ["target min_service_level", "volume.per_day=400", "volume.per_day=500"]
    assert ax.get_xlabel() == "agent_groups.staff.staffing"
    mine = Figure().add_subplot()
    assert plot_sweep(swept, "cost_per_month", x="channels.phone.volume.per_day", ax=mine) is mine
    assert len(mine.get_legend().get_texts()) == 3  # one curve per staffing
    assert mine.yaxis.get_major_formatter()(1250000, 0) == "1,250,000 JPY"  # money, never 1e6
    assert plot_sweep(swept, "staff.occupancy") is not None
    for kwargs, message in [
        ({"kpi": "service_levle"}, "did you mean 'service_level'"),
        ({"kpi": "service_level", "channel": "phon"}, "channel: unknown channel; did you mean 'phone'?"),
        ({"kpi": "service_level", "x": "staffing"}, "x: unknown parameter"),
    ]:
        with pytest.raises(CcsimError, match=message):
            plot_sweep(swept, **kwargs)


def test_words_are_drawn_as_categories(desk):
    res = sweep(desk, {"calendar.start_weekday": ["mon", "sun"]}, replications=2, seed=1)
    ax = plot_sweep(res)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mon", "sun"]


# --------------------------------------------------------------------------- the command


def test_the_command_prints_a_row_per_point(capsys):
    args = ["sweep", TEXTBOOK, "--param", "agent_groups.agents.staffing=13:15", "--replications", "2", "--seed", "3"]
    assert main(args) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == (
        "Textbook Erlang C queue: sweep of 3 grid points, 2 replications each, seed 3 (common random numbers)"
    )
    header = lines[2].split()
    assert header[:4] == ["agents.staffing", "phone", "SL", "phone"] and "cost/month" in lines[2]
    assert [line.split()[0] for line in lines[3:6]] == ["13", "14", "15"]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    sc = load_scenario(TEXTBOOK)
    alone = simulate(sc.replace({"agent_groups": {"agents": {"staffing": 14}}}), replications=2, seed=3)
    assert data["rows"][1]["phone.service_level"] == alone.channel("phone")["service_level"]
    assert data["params"] == {"agent_groups.agents.staffing": [13, 14, 15]}


def test_the_command_writes_csv_json_and_plots(tmp_path, capsys):
    out = tmp_path / "sweep"
    args = ["sweep", TEXTBOOK, "--param", "agent_groups.agents.staffing=13,14", "--param"]
    args += ["channels.phone.volume.per_day=4000,4800", "--replications", "2", "--seed", "3", "--out", str(out)]
    assert main(args) == 0
    err = capsys.readouterr().err
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(
        [
            ".ccsim-manifest.json",
            "sweep.csv",
            "sweep.json",
            "service_level_phone.png",
            "asa_s_phone.png",
            "occupancy_agents.png",
            "cost_per_month.png",
        ]
    )
    assert "wrote 6 files to" in err
    csv_lines = (out / "sweep.csv").read_text().splitlines()
    assert csv_lines[0].startswith("agent_groups.agents.staffing,channels.phone.volume.per_day,replications,targets,")
    assert len(csv_lines) == 5
    manifest = json.loads((out / ".ccsim-manifest.json").read_text())
    assert manifest["written_by"].endswith(" sweep") and manifest["seed"] == 3


def test_the_command_with_workers_prints_the_same_json(capsys):
    args = ["sweep", TEXTBOOK, "--param", "agent_groups.agents.staffing=13,14", "--replications", "3", "--json"]
    assert main(args) == 0
    serial = capsys.readouterr().out
    assert main([*args, "--workers", "2"]) == 0
    assert capsys.readouterr().out == serial


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (["agent_groups.agentz.staffing=8:14"], "--param agent_groups.agentz: unknown agent group; did you mean"),
        (["agent_groups.agents.staffing=-1,3"], "--param agent_groups.agents.staffing=-1: must be >= 0, got -1"),
        (["agent_groups.agents.staffing"], "--param agent_groups.agents.staffing: must be PATH=VALUES"),
        (["agent_groups.agents.staffing=9:3"], "--param 9:3: the range 9:3 must end at or after its start"),
        (
            ["agent_groups.agents.staffing=8", "agent_groups.agents.staffing=9"],
            "--param agent_groups.agents.staffing: given twice; give its values once",
        ),
    ],
)
def test_bad_params_are_one_line_and_exit_2(params, message, capsys):
    args = ["sweep", TEXTBOOK]
    for p in params:
        args += ["--param", p]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ccsim: error: {message}") and err.count("\n") == 1


def test_the_command_needs_a_param(capsys):
    assert main(["sweep", TEXTBOOK]) == 2
    assert "the following arguments are required: --param" in capsys.readouterr().err


def test_a_forecasts_mean_cannot_be_swept_through_the_distribution():
    from pathlib import Path

    from ccsim import CcsimError, load_scenario
    from ccsim.sweep import check_path

    sc = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "forecast_desk.yaml")
    with pytest.raises(
        CcsimError,
        match=r"channels\.phone\.handle_time\.mean_s: cannot be swept: channels\.phone\.handle_time_per_interval_s",
    ):
        check_path(sc, "channels.phone.handle_time.mean_s")
