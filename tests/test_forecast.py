"""Forecast files: volume, handle time and patience per channel and interval, read with the YAML."""

from __future__ import annotations

import pickle
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest

from ccsim import ScenarioError, load_scenario
from ccsim.cli import main

ROOT = Path(__file__).resolve().parents[1]

YAML = """\
name: forecast test
calendar: {{open: "08:00", close: "10:00", days: {days}}}
forecast: {{file: {file}}}
channels:
  phone:
    kind: voice
    handle_time: {{dist: lognormal, mean_s: 300, cv: 0.8}}
    patience: {{dist: exponential, mean_s: 120}}
    targets: {{min_service_level: 0.8}}
  mail:
    kind: email
    handle_time: {{dist: exponential, mean_s: 600}}
agent_groups:
  staff: {{skills: [phone, mail], staffing: 5}}
"""

GOOD = """\
channel,interval_start,volume,aht_s,patience_s
phone,08:00,10,200,100
phone,08:30,20,300,100
phone,09:00,30,300,100
phone,09:30,20,250,90
mail,08:00,5,600,
mail,08:30,5,600,
mail,09:00,5,610,
mail,09:30,5,600,
"""


def write(tmp_path: Path, csv: str, *, days: int = 1, yaml: str = YAML, name: str = "f.csv") -> Path:
    (tmp_path / name).write_text(csv)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.format(days=days, file=name))
    return path


def problems(tmp_path: Path, csv: str, **kw) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, csv, **kw))
    return str(info.value).splitlines()


def test_the_forecast_fills_volume_handle_time_and_patience_per_interval(tmp_path):
    sc = load_scenario(write(tmp_path, GOOD))
    phone, mail = sc.channels["phone"], sc.channels["mail"]
    assert phone.volume.per_interval == (10, 20, 30, 20)
    assert phone.handle_time_per_interval_s == (200, 300, 300, 250)
    assert phone.patience_per_interval_s == (100, 100, 100, 90)
    assert mail.handle_time_per_interval_s == (600, 600, 610, 600)
    assert mail.patience_per_interval_s is None  # blank cells: email has no patience
    # the distributions keep their shape, scaled to each interval's mean
    assert phone.handle_scale(sc.calendar) == pytest.approx([200 / 300, 1, 1, 250 / 300])
    assert phone.patience_scale(sc.calendar) == pytest.approx([100 / 120, 100 / 120, 100 / 120, 90 / 120])
    # the scenario holds the numbers, not the file
    (tmp_path / "f.csv").unlink()
    again = pickle.loads(pickle.dumps(sc))
    assert again.channels["phone"].volume.per_interval == (10, 20, 30, 20)


def test_a_one_channel_scenario_reads_the_erlang_calculators_csv(tmp_path):
    shutil.copy(ROOT / "scenarios" / "forecast_day.csv", tmp_path / "day.csv")
    yaml = textwrap.dedent("""\
        name: one channel
        calendar: {open: "08:00", close: "20:00"}
        forecast: {file: day.csv}
        channels:
          phone:
            kind: voice
            handle_time: {dist: exponential, mean_s: 200}
            patience: null
            targets: {min_service_level: 0.8}
        agent_groups:
          staff: {skills: [phone], staffing: 20}
        """)
    (tmp_path / "s.yaml").write_text(yaml)
    sc = load_scenario(tmp_path / "s.yaml")
    rows = (ROOT / "scenarios" / "forecast_day.csv").read_text().splitlines()[1:]
    assert sc.channels["phone"].volume.per_interval == tuple(float(r.split(",")[1]) for r in rows)
    assert sc.channels["phone"].handle_time_per_interval_s == tuple(float(r.split(",")[2]) for r in rows)


def test_a_day_column_gives_every_day_of_the_run(tmp_path):
    lines = ["channel,day,interval_start,volume"]
    for day in (1, 2):
        for ch in ("phone", "mail"):
            for start in ("08:00", "08:30", "9:00", "09:30"):  # 9:00 is read as 09:00
                lines.append(f"{ch},{day},{start},{day * 10}")
    sc = load_scenario(write(tmp_path, "\n".join(lines) + "\n", days=2))
    assert sc.channels["phone"].volume.per_interval_volume(sc.calendar) == pytest.approx([10] * 4 + [20] * 4)
    # a gap is named by channel, day and interval
    missing = [line for line in lines if line != "phone,2,09:30,20"]
    found = problems(tmp_path, "\n".join(missing) + "\n", days=2)
    assert found == [f"{tmp_path / 'f.csv'}: channel phone: every interval needs a row; missing phone day 2 09:30"]


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        (
            GOOD.replace("aht_s", "aht"),
            "line 1, column 4: unknown column 'aht'; did you mean 'aht_s'?",
        ),
        (
            GOOD.replace("phone,08:30", "fone,08:30"),
            "line 3, column channel: unknown channel 'fone'; did you mean 'phone'?",
        ),
        (
            GOOD.replace("phone,08:30", "phone,08:15"),
            "line 3, column interval_start: must be the start of an interval, HH:MM from 08:00 to 09:30 every "
            "30 minutes, got '08:15'",
        ),
        (
            GOOD.replace("phone,08:30", "phone,08:00"),
            "line 3, column interval_start: phone 08:00 is given twice (first on line 2)",
        ),
        (GOOD.replace("phone,09:00,30", "phone,09:00,-3"), "line 4, column volume: must be >= 0, got -3"),
        (GOOD.replace("09:00,30,300", "09:00,30,0"), "line 4, column aht_s: must be > 0, got 0"),
        (GOOD.replace("09:00,30,300", "09:00,30,abc"), "line 4, column aht_s: must be a number, got 'abc'"),
        (GOOD.replace("09:00,30,300", "09:00,30,1e9"), "line 4, column aht_s: must be <= 2,592,000, got 1000000000"),
        (GOOD.replace("09:00,30,300", "09:00,30,nan"), "line 4, column aht_s: must be a finite number, got nan"),
        (
            GOOD.replace("mail,08:30,5,600,", "mail,08:30,5,600,30"),
            "line 7, column patience_s: mail's patience_s was blank on line 6, so it must be blank on every row "
            "of mail, got 30",
        ),
        (
            GOOD.replace("mail,08:00,5,600,", "mail,08:00,5,600,30").replace("mail,08:30,5,600,", "x,1,2,3,4,5"),
            "line 7, column 6: the row has 6 cells, the header only 5 (a comma inside a value needs quotes)",
        ),
    ],
)
def test_each_bad_cell_is_one_line_naming_file_line_and_column(tmp_path, csv, message):
    assert f"{tmp_path / 'f.csv'}: {message}" in problems(tmp_path, csv)


def test_patience_for_a_channel_whose_customers_do_not_abandon(tmp_path):
    csv = GOOD.replace(",600,\n", ",600,30\n").replace(",610,\n", ",610,30\n")
    found = problems(tmp_path, csv)
    assert found == [
        f"{tmp_path / 'f.csv'}: line 6, column patience_s: email customers do not abandon, so mail has no "
        "patience; leave its cells blank, got a value"
    ]


def test_the_file_must_name_its_channels_when_the_scenario_has_several(tmp_path):
    csv = "interval_start,volume\n08:00,1\n"
    assert problems(tmp_path, csv) == [
        f"{tmp_path / 'f.csv'}: needs the column(s) channel (the scenario has several channels), "
        "got ['interval_start', 'volume']"
    ]
    assert problems(tmp_path, "channel,interval_start,volume\n") == [
        f"{tmp_path / 'f.csv'}: has a header but no intervals"
    ]


def test_a_missing_file_is_named_where_the_yaml_names_it(tmp_path):
    path = write(tmp_path, GOOD)
    (tmp_path / "f.csv").unlink()
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}: forecast.file: {tmp_path / 'f.csv'}: no such file (line 3)"


def test_values_given_both_in_the_yaml_and_in_the_forecast_are_refused(tmp_path):
    yaml = YAML.replace("    kind: voice\n", "    kind: voice\n    volume: {{per_day: 100}}\n").replace(
        "    patience: {{dist: exponential, mean_s: 120}}\n",
        "    patience: {{dist: exponential, mean_s: 120}}\n    patience_per_interval_s: [1, 2, 3, 4]\n",
    )
    found = problems(tmp_path, GOOD, yaml=yaml)
    path = tmp_path / "s.yaml"
    assert found == [
        f"{path}: channels.phone.volume.per_day: the forecast file f.csv gives phone's volume too; give it in "
        "one place (line 7)",
    ]
    yaml = YAML.replace(
        "    patience: {{dist: exponential, mean_s: 120}}\n",
        "    patience: {{dist: exponential, mean_s: 120}}\n    patience_per_interval_s: [1, 2, 3, 4]\n",
    )
    assert problems(tmp_path, GOOD, yaml=yaml) == [
        f"{path}: channels.phone.patience_per_interval_s: the forecast file f.csv gives it too (column "
        "patience_s); give it in one place (line 9)"
    ]


def test_a_volume_without_a_source_keeps_its_forecast_uncertainty(tmp_path):
    yaml = YAML.replace("    kind: voice\n", "    kind: voice\n    volume: {{overdispersion_cv: 0.1}}\n")
    sc = load_scenario(write(tmp_path, GOOD, yaml=yaml))
    assert sc.channels["phone"].volume.overdispersion_cv == 0.1
    assert sc.channels["phone"].volume.per_interval == (10, 20, 30, 20)


def test_the_bundled_forecast_desk_and_its_variant_with_another_forecast():
    sc = load_scenario(ROOT / "scenarios" / "forecast_desk.yaml")
    busy = sc.variant("busy")
    base = np.asarray(sc.channels["phone"].volume.per_interval)
    more = np.asarray(busy.channels["phone"].volume.per_interval)
    assert base.size == 24 and np.all(np.abs(more - np.round(base * 1.2)) < 1e-9)
    # the variant's file gives volume, handle time and patience; nothing else changes
    assert busy.channels["phone"].handle_time_per_interval_s == sc.channels["phone"].handle_time_per_interval_s
    assert busy.agent_groups == sc.agent_groups


def test_validate_prints_every_problem_of_the_file(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("phone,08:30", "fone,08:30").replace("09:00,30,300", "09:00,30,abc"))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{tmp_path / 'f.csv'}: line 3, column channel: unknown channel 'fone'; did you mean 'phone'?",
        f"{tmp_path / 'f.csv'}: line 4, column aht_s: must be a number, got 'abc'",
    ]


def test_a_forecast_file_cannot_be_swapped_after_loading():
    sc = load_scenario(ROOT / "scenarios" / "forecast_desk.yaml")
    with pytest.raises(ccsim_error(), match="forecast: a forecast file is read when its YAML file loads"):
        sc.replace({"forecast": {"file": "forecast_desk_busy.csv"}})


def ccsim_error():
    from ccsim import CcsimError

    return CcsimError


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        (
            GOOD.replace("patience_s\n", "patience_s,volume\n", 1),
            "line 1, column volume: a column name must appear once, got it twice",
        ),
        (
            GOOD.replace("phone,08:30", "phone,8h30"),
            "line 3, column interval_start: must be the start of an interval, HH:MM from 08:00 to 09:30 every "
            "30 minutes, got '8h30'",
        ),
        (
            GOOD.replace("phone,08:00,10,", "phone,08:00,,")
            .replace("phone,08:30,20,", "phone,08:30,,")
            .replace("phone,09:00,30,", "phone,09:00,,")
            .replace("phone,09:30,20,", "phone,09:30,,"),
            "line 2, column volume: must be a number, got a blank for phone",
        ),
    ],
)
def test_a_repeated_column_an_unreadable_start_and_a_blank_volume_are_problems(tmp_path, csv, message):
    assert problems(tmp_path, csv) == [f"{tmp_path / 'f.csv'}: {message}"]


def test_a_day_outside_the_run_is_a_problem_of_its_line(tmp_path):
    lines = ["channel,day,interval_start,volume"]
    starts = ("08:00", "08:30", "09:00", "09:30")
    lines += [f"{ch},{d},{s},1" for d in (1, 3) for ch in ("phone", "mail") for s in starts]
    found = problems(tmp_path, "\n".join(lines) + "\n", days=2)
    assert found == [
        f"{tmp_path / 'f.csv'}: line {n}, column day: must be a day of the run, 1 to 2, got '3'" for n in range(10, 18)
    ]


def test_a_row_reports_its_channel_or_start_first_and_then_each_bad_value_in_column_order(tmp_path):
    csv = (
        GOOD.replace("phone,08:30,20,300,100", "fone,8h30,x,0,0")
        .replace("phone,09:00,30,300,100", "phone,8h30,x,0,0")
        .replace("phone,09:30,20,250,90", "phone,09:30,x,0,-1")
        .replace("mail,08:00,5,600,", "mail,08:00,5,600,5")
    )
    given = "mail's patience_s was given on line 6, so it must be given on every row of mail, got a blank"
    assert [line.removeprefix(f"{tmp_path / 'f.csv'}: ") for line in problems(tmp_path, csv)] == [
        "line 3, column channel: unknown channel 'fone'; did you mean 'phone'?",
        "line 4, column interval_start: must be the start of an interval, HH:MM from 08:00 to 09:30 every 30 "
        "minutes, got '8h30'",
        "line 5, column volume: must be a number, got 'x'",
        "line 5, column aht_s: must be > 0, got 0",
        "line 5, column patience_s: must be > 0, got -1",
        "line 6, column patience_s: email customers do not abandon, so mail has no patience; leave its cells "
        "blank, got a value",
        f"line 7, column patience_s: {given}",
        f"line 8, column patience_s: {given}",
        f"line 9, column patience_s: {given}",
    ]
