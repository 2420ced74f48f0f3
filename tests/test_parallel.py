"""Parallel and distributed runs: identical results on any executor, interrupts, the CLI options."""

from __future__ import annotations

import json
import sys
import threading
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import ccsim
from ccsim import CcsimError, parallel, scenario_from_dict, simulate
from ccsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = str(ROOT / "scenarios" / "textbook_erlang_c.yaml")

DESK = {
    "name": "small desk",
    "calendar": {"interval_min": 30, "open": "08:00", "close": "11:00", "days": 1},
    "channels": {
        "phone": {
            "kind": "voice",
            "volume": {"per_day": 600, "profile": [1, 2, 3, 3, 2, 1]},
            "handle_time": {"dist": "lognormal", "mean_s": 200, "cv": 0.7},
            "patience": {"dist": "exponential", "mean_s": 90},
            "targets": {"min_service_level": 0.8, "answer_within_s": 20},
        },
        "email": {"kind": "email", "volume": {"per_day": 40}, "handle_time": {"dist": "exponential", "mean_s": 400}},
    },
    "agent_groups": {
        "t1": {"skills": {"phone": {}, "email": {"priority": 2}}, "staffing": [5, 8, 11, 11, 8, 5]},
    },
    "costs": {"wage_per_hour": 2000},
    "simulation": {"replications": 6, "seed": 5},
}


@pytest.fixture(scope="module")
def desk():
    return scenario_from_dict(DESK)


@pytest.fixture(scope="module")
def serial(desk):
    return simulate(desk, replications=6, seed=5)


def same(a, b) -> bool:
    return (
        np.array_equal(a.channel_sums, b.channel_sums)
        and np.array_equal(a.group_sums, b.group_sums)
        and np.array_equal(a.wait_hist, b.wait_hist)
        and np.array_equal(a.interval_wait_hist, b.interval_wait_hist)
        and a.contacts == b.contacts
        and a.to_dict() == b.to_dict()
    )


# --------------------------------------------------------------------------- identical results


def test_two_processes_give_the_serial_numbers_bit_for_bit(desk, serial):
    with parallel.executor(workers=2) as ex:
        assert ex is not None
        res = simulate(desk, replications=6, seed=5, executor=ex)
    assert same(serial, res)


def test_one_worker_or_none_runs_in_this_process():
    with parallel.executor() as ex:
        assert ex is None
    with parallel.executor(workers=1) as ex:
        assert ex is None


def test_a_dask_cluster_of_two_workers_gives_the_serial_numbers(desk, serial):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        res = simulate(desk, replications=6, seed=5, executor=client.get_executor())
    assert same(serial, res)


class Reversed(Executor):
    """Finishes the replications in reverse order (the last submitted first)."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=8)
        self.submitted = 0

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += 1
        delay = 0.02 * (10 - args[0])
        return self.pool.submit(lambda: (time.sleep(delay), fn(*args, **kwargs))[1])

    def shutdown(self, wait=True, *, cancel_futures=False):
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def test_the_order_replications_finish_in_changes_nothing(desk, serial):
    ex = Reversed()
    seen = []
    try:
        res = simulate(desk, replications=6, seed=5, executor=ex, progress=lambda d, t: seen.append((d, t)))
    finally:
        ex.shutdown()
    assert same(serial, res)
    assert seen == [(i, 6) for i in range(1, 7)]  # progress as each one finishes


class MapOnly:
    """Only ``map``, as the simulate contract allows."""

    def map(self, fn, iterable):
        return map(fn, iterable)


def test_an_executor_with_map_alone_works(desk, serial):
    assert same(serial, simulate(desk, replications=6, seed=5, executor=MapOnly()))


# --------------------------------------------------------------------------- interrupts


class Interrupting(Executor):
    """Runs replications 0-2 at once, raises KeyboardInterrupt from replication 3, never starts the rest."""

    def __init__(self) -> None:
        self.futures: list[Future] = []

    def submit(self, fn, /, *args, **kwargs):
        f: Future = Future()
        r = args[0]
        if r < 3:
            f.set_result(fn(*args, **kwargs))
        elif r == 3:
            threading.Timer(0.05, f.set_exception, (KeyboardInterrupt(),)).start()
        self.futures.append(f)
        return f


def test_an_interrupt_keeps_what_came_back_and_cancels_the_rest(desk, serial):
    ex = Interrupting()
    res = simulate(desk, replications=6, seed=5, executor=ex)
    assert res.interrupted and res.replications == 3 and res.replications_requested == 6
    assert list(res.replication_ids) == [0, 1, 2]
    assert np.array_equal(res.channel_sums, serial.channel_sums[:3])
    assert all(f.cancelled() for f in ex.futures[4:])  # not started: cancelled


def test_an_interrupt_in_a_pool_keeps_every_finished_replication(desk, serial):
    def stop(done, total):
        if done == 2:
            raise KeyboardInterrupt

    with parallel.executor(workers=2) as ex:
        res = simulate(desk, replications=6, seed=5, executor=ex, progress=stop)
    assert res.interrupted and 2 <= res.replications <= 6  # those finished meanwhile too
    ids = res.replication_ids
    assert np.array_equal(res.channel_sums, serial.channel_sums[ids])  # each kept one is its serial self
    # a paired comparison still pairs replication with replication
    cmp = ccsim.compare(serial, res)
    assert cmp.replications == len(ids) and cmp.diff("service_level", channel="phone")["diff"] == 0.0


def test_an_interrupt_before_anything_finished_propagates(desk):
    class Never(Executor):
        def submit(self, fn, /, *args, **kwargs):
            f: Future = Future()
            if args[0] == 0:
                f.set_exception(KeyboardInterrupt())
            return f

    with pytest.raises(KeyboardInterrupt):
        simulate(desk, replications=3, seed=5, executor=Never())


# --------------------------------------------------------------------------- the executor factory


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workers": 0}, "--workers: must be a whole number >= 1, got 0"),
        ({"workers": 2.5}, "--workers: must be a whole number >= 1, got 2.5"),
        ({"dask": ""}, "--dask: must be a scheduler address (tcp://host:8786) or 'local', got ''"),
        ({"dask": "tcp://10.0.0.1:8786", "workers": 2}, "--workers: the workers of the dask cluster at tcp://10.0"),
    ],
)
def test_bad_executor_arguments_are_one_line(kwargs, message):
    with pytest.raises(CcsimError) as info, parallel.executor(**kwargs):
        pass
    assert message in str(info.value) and "\n" not in str(info.value)


def test_without_dask_the_error_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(CcsimError, match=r'--dask needs dask.distributed: pip install "dask\[distributed\]"'):
        with parallel.executor(dask="tcp://127.0.0.1:8786"):
            pass
    assert main(["run", TEXTBOOK, "--replications", "2", "--dask", "local"]) == 2
    err = capsys.readouterr().err
    assert err == f"ccsim: error: --dask needs dask.distributed: {parallel.DASK_HINT}\n"
    assert parallel.DASK_HINT == 'pip install "dask[distributed]" (in ccsim\'s folder: pip install ".[dask]")'


def test_a_scheduler_that_does_not_answer_is_one_line(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT_S", 0.5)
    with pytest.raises(CcsimError) as info, parallel.executor(dask="tcp://127.0.0.1:1"):
        pass
    assert str(info.value).startswith("--dask: cannot connect to a dask scheduler at tcp://127.0.0.1:1: ")
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- the command line


def _json(capsys) -> dict:
    data = json.loads(capsys.readouterr().out)
    data.pop("elapsed_s", None)
    return data


def test_run_with_workers_prints_the_serial_result(capsys):
    base = ["run", TEXTBOOK, "--replications", "4", "--seed", "2", "--json"]
    assert main(base) == 0
    serial = _json(capsys)
    assert main([*base, "--workers", "2"]) == 0
    assert _json(capsys) == serial


def test_run_on_a_local_dask_cluster(capsys):
    pytest.importorskip("distributed")
    base = ["run", TEXTBOOK, "--replications", "3", "--seed", "2", "--json"]
    assert main(base) == 0
    serial = _json(capsys)
    assert main([*base, "--dask", "local", "--workers", "1"]) == 0
    assert _json(capsys) == serial


def test_run_shows_progress_and_keeps_finished_replications_with_workers(monkeypatch, capsys):
    import ccsim.cli as cli

    calls = []

    def record(self, done, total):
        calls.append((done, total))
        if done == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli.Progress, "__call__", record)
    assert main(["run", TEXTBOOK, "--replications", "6", "--seed", "1", "--workers", "2"]) == 130
    out, err = capsys.readouterr()
    assert calls[:2] == [(1, 6), (2, 6)]
    kept = int(err.split("results cover the ")[1].split()[0])
    assert 2 <= kept <= 6 and f"{kept} replications of 6 (interrupted)" in out


def test_compare_and_plan_take_the_options(capsys):
    scenario = str(ROOT / "scenarios" / "outsourcing_comparison.yaml")
    base = ["compare", scenario, "--replications", "2", "--seed", "4", "--json"]
    assert main(base) == 0
    serial = json.loads(capsys.readouterr().out)
    assert main([*base, "--workers", "2"]) == 0
    assert json.loads(capsys.readouterr().out) == serial
    base = ["plan", TEXTBOOK, "--replications", "3", "--seed", "4", "--max-evaluations", "6", "--json"]
    code = main(base)
    serial = json.loads(capsys.readouterr().out)
    assert main([*base, "--workers", "2"]) == code
    assert json.loads(capsys.readouterr().out) == serial


@pytest.mark.parametrize("command", ["run", "plan", "compare", "sweep"])
def test_every_simulating_command_documents_the_options(command, capsys):
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "--workers N" in text and "--dask ADDRESS" in text


def test_workers_must_be_a_whole_number(capsys):
    assert main(["run", TEXTBOOK, "--workers", "0"]) == 2
    assert "argument --workers: must be a whole number >= 1, got '0'" in capsys.readouterr().err
