"""Where a sweep's runs execute: in this process, a local process pool, or a Dask cluster.

Each executor yields results as runs finish (in any order; every result carries its run
id, so the store and the tables do not depend on the executor or the number of workers).
At most a few runs per worker are in flight, so memory stays flat however long the sweep.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

EXECUTORS = ("serial", "process", "dask")
IN_FLIGHT_PER_WORKER = 2


def execute(
    func: Callable,
    payloads: Iterable,
    kind: str = "process",
    workers: int = 0,
    address: str | None = None,
) -> Iterator:
    workers = workers or os.cpu_count() or 1
    if kind == "serial":
        return (func(p) for p in payloads)
    if kind == "process":
        return _process_pool(func, payloads, workers)
    if kind == "dask":
        return _dask(func, payloads, workers, address)
    raise ValueError(f"executor {kind!r}: expected one of {EXECUTORS}")


def process_pool(workers: int):
    """A local pool of worker processes. On Linux the workers are forked, so they start
    with the model already imported: importing Mesa sets the global start method to
    'spawn' (its batch runner does), which made every worker import Mesa, pandas and SciPy
    anew, about 1.5 s each. Elsewhere the platform's default stands. Each worker freezes
    what it starts with (the imported modules), so the full collection after each run
    (see run_one) skips them: 0.08 -> 0.02 s a run."""
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=gc.freeze)


def _process_pool(func, payloads, workers: int) -> Iterator:
    from concurrent.futures import FIRST_COMPLETED, wait

    pending = iter(payloads)
    with process_pool(workers) as pool:
        running: set[Any] = set()
        while True:
            while len(running) < workers * IN_FLIGHT_PER_WORKER:
                payload = next(pending, None)
                if payload is None:
                    break
                running.add(pool.submit(func, payload))
            if not running:
                return
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()


def _dask(func, payloads, workers: int, address: str | None) -> Iterator:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if address is None:  # a local cluster of single-threaded worker processes
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    client = Client(address or cluster)
    try:
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        pending = iter(payloads)
        window = as_completed()
        for payload in pending:
            window.add(client.submit(func, payload, pure=False))
            if window.count() >= n_workers * IN_FLIGHT_PER_WORKER:
                break
        for future in window:
            yield future.result()
            future.release()
            payload = next(pending, None)
            if payload is not None:
                window.add(client.submit(func, payload, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
