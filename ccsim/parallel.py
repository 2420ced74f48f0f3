"""Executors for the replications: local processes, or a dask cluster.

:func:`executor` makes the ``concurrent.futures`` executor that :func:`ccsim.simulate` (and the
planner, ``compare_variants`` and :func:`ccsim.sweep.sweep`) run replications on, and closes it
afterwards. A replication depends only on (scenario, seed, replication, staffing), so the
results are identical whatever the executor and the number of workers (``docs/parallel.md``).

dask is optional (``pip install ".[dask]"`` in ccsim's folder); it is imported only when asked for. Nothing
here prints.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ccsim.errors import CcsimError

__all__ = ["DASK_HINT", "executor"]

#: How to get dask, for the one-line error when it is missing.
DASK_HINT = 'pip install "dask[distributed]" (in ccsim\'s folder: pip install ".[dask]")'

#: Seconds to wait for a dask scheduler to answer.
CONNECT_TIMEOUT_S = 10


def _ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C to the driver, which keeps what finished and cancels the rest."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check(workers: Any, dask: Any) -> None:
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise CcsimError(f"--workers: must be a whole number >= 1, got {workers!r}")
    if dask is not None and (not isinstance(dask, str) or not dask.strip()):
        raise CcsimError(f"--dask: must be a scheduler address (tcp://host:8786) or 'local', got {dask!r}")
    if dask is not None and dask != "local" and workers is not None:
        raise CcsimError(
            f"--workers: the workers of the dask cluster at {dask} run the replications; give --workers with "
            "--dask local only (the number of local dask workers)"
        )


@contextmanager
def executor(workers: int | None = None, dask: str | None = None) -> Iterator[Any]:
    """The executor that runs replications, closed on leaving the ``with`` block.

    Parameters
    ----------
    workers : int, optional
        Local worker processes (a :class:`concurrent.futures.ProcessPoolExecutor`); 1 or
        None without ``dask``: run in this process (the executor is None). With
        ``dask="local"``: the number of local dask workers (default: the CPU count).
    dask : str, optional
        The address of a running dask scheduler (``tcp://host:8786``), whose workers run the
        replications; ``"local"`` starts a ``LocalCluster`` of worker processes on this
        machine, to try it. Needs ``dask[distributed]`` (the ``dask`` extra) installed here
        and ccsim installed on every worker.

    Yields
    ------
    concurrent.futures.Executor or None
        The executor to pass as ``executor=``; None runs in this process.

    Raises
    ------
    ccsim.CcsimError
        Bad arguments, dask missing (with how to install it), or a scheduler that does not
        answer: one line each.

    Examples
    --------
    >>> with executor(workers=2) as ex:  # doctest: +SKIP
    ...     res = ccsim.simulate(sc, replications=100, seed=1, executor=ex)
    """
    _check(workers, dask)
    if dask is not None:
        with _dask_executor(dask.strip(), workers) as ex:
            yield ex
    elif workers is None or workers == 1:
        yield None
    else:
        with _process_pool(workers) as ex:
            yield ex


@contextmanager
def _process_pool(workers: int) -> Iterator[Any]:
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
    try:
        yield pool
    finally:
        _stop(pool)


def _stop(pool: Any) -> None:
    """Shut a process pool down now: queued replications cancelled, running ones stopped.

    Once the driver has what it needs (every replication, or those finished before Ctrl-C),
    nothing the workers still do is used, so they are not waited for.
    """
    pool.shutdown(wait=False, cancel_futures=True)
    terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.join(timeout=5)


@contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while worker processes start, so that they ignore it too (a disposition they inherit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _import_dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise CcsimError(f"--dask needs dask.distributed: {DASK_HINT}") from None
    return distributed


@contextmanager
def _dask_executor(address: str, workers: int | None) -> Iterator[Any]:
    distributed = _import_dask()
    cluster = None
    if address == "local":
        with _interrupts_ignored():  # the worker processes inherit it: Ctrl-C is the driver's
            cluster = distributed.LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,  # the engine is Python: one replication per process at a time
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
    try:
        try:
            client = distributed.Client(cluster or address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            why = str(exc).strip("'\"").splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CcsimError(f"--dask: cannot connect to a dask scheduler at {address}: {why}") from None
        try:
            ex = client.get_executor(pure=False)  # each submission is a replication of its own
            try:
                yield ex
            finally:
                ex.shutdown(wait=False)  # replications not started are cancelled
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()
