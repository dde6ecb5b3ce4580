"""LOAD IN PARALLEL: the files a cold load must parse, spread over the machine's cores.

Takes the items to load and the function loading one; returns what it returns for each, in the
order given. A CI checkout starts without `.syncer/cache`, so every file is parsed and checked
(about 2 ms of CPU each); on Linux, from `MIN_FILES` files on, forked worker processes share
that work. Forking is safe only while the process runs one thread: with any other thread
running (an embedded sandbox, a test server), or elsewhere than Linux, the files are loaded
here, one after the other, exactly as the workers would. `SYNCER_LOAD_WORKERS` sets the
number of processes (`1`: never fork).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS_ENV = "SYNCER_LOAD_WORKERS"
MIN_FILES = 100
"""Below this, starting the processes costs about what they would save."""
MAX_WORKERS = 8

log = logging.getLogger("syncer.load")

# The job of the forked workers: inherited through fork, so nothing but indexes is sent to
# them (not the function, not the files' bytes); only the results come back, pickled.
_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def workers(count: int) -> int:
    """How many processes to load `count` items with (1: in this one)."""
    if count < 2 or sys.platform != "linux" or threading.active_count() > 1:
        return 1
    wanted = os.environ.get(WORKERS_ENV, "").strip()
    if wanted.isdigit():  # as many as asked (a machine's cores may be shared, or reserved)
        return max(1, min(int(wanted), count))
    if count < MIN_FILES:
        return 1
    cores = len(os.sched_getaffinity(0))
    return max(1, min(cores, MAX_WORKERS, count // (MIN_FILES // 2)))


def _run(indexes: range) -> list[Any]:
    if _job is None:  # only ever called in a worker forked by `_forked`, which sets it
        raise RuntimeError("no load job in this process")
    load, items = _job
    return [load(items[index]) for index in indexes]


def load_all(load: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[load(item) for item in items]`, in several processes when that pays (see above)."""
    count = workers(len(items))
    if count > 1:
        # Imported here: a warm load (every file from the cache) never needs them.
        from concurrent.futures.process import BrokenProcessPool

        try:
            return _forked(load, items, count)
        except BrokenProcessPool as exc:  # a worker was killed (memory): do it here instead
            log.debug("parallel load failed (%s); loading in one process", exc)
    return [load(item) for item in items]


def _forked(load: Callable[[T], R], items: Sequence[T], count: int) -> list[R]:
    global _job
    log.debug("loading %d campaign files in %d processes", len(items), count)
    # Interleaved, so that each worker gets large and small files alike.
    shares = [range(start, len(items), count) for start in range(count)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _job = (load, items)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(count, mp_context=context) as pool:
            parts = list(pool.map(_run, shares))
    finally:
        _job = None
    results: list[Any] = [None] * len(items)
    for share, part in zip(shares, parts, strict=True):
        for index, result in zip(share, part, strict=True):
            results[index] = result
    return results
