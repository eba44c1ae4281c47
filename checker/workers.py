"""Worker processes that one run shares between its stages (sentence splitting, stories).

The heavy stages are pure Python, so threads would not help; processes do. They are
started with "spawn", not "fork": by the time the stories are analysed the parent runs
the embedding model's threads, which a forked child would inherit half-copied. A spawned
worker re-imports the caller's ``__main__``, so only programs whose main module is
guarded should ask for more than one (the ``checker`` command is, and asks for one per
core). The pool starts on first use, so a run that never needs it pays nothing.

Workers leave Ctrl-C to the parent (no traceback from each), finish the task in hand,
and exit by themselves when the parent is gone, even if it was killed.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_COLLECT_EVERY = 100_000  # new objects between a worker's collections (Python's default: 700)


class Workers:
    """``map`` over ``count`` processes, or in this process when ``count`` is 1."""

    def __init__(self, count: int = 1) -> None:
        self.count = max(1, count)
        self._pool: ProcessPoolExecutor | None = None

    @property
    def parallel(self) -> bool:
        return self.count > 1

    def map(self, fn: Callable[..., R], *items: Iterable, chunksize: int = 1) -> Iterator[R]:
        """``fn`` over ``items``, results in order. Tasks are sent at once, so the caller
        can do other work before it reads the results."""
        if not self.parallel:
            return map(fn, *items)
        return self._started().map(fn, *items, chunksize=chunksize)

    def start_one(self) -> None:
        """Start one process now, for a caller that will need the workers and has work of
        its own meanwhile: a process takes most of a second to start (imports), on a core
        that is idle while this one reads the input. The others start on first use."""
        if self.parallel:
            self._started().submit(int)

    def _started(self) -> ProcessPoolExecutor:
        # Processes start one per task sent while none is idle, up to ``count``.
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    def close(self) -> None:
        """Drop the tasks not started and wait for the running ones (seconds at most).

        Killing workers mid-task instead can leave the pool's feeder thread blocked on a
        full pipe, and the interpreter waiting for it at exit.
        """
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _start_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent handles it
    # A task unpickles and builds hundreds of thousands of objects that hold no cycles; at
    # the default threshold (700 new objects) the collector kept rescanning all of them
    # and the worker's memos: over two seconds a worker on the 10,000-article benchmark.
    gc.set_threshold(_COLLECT_EVERY, 10, 10)
    # And at exit, no teardown: freeing the memos object by object took over a second,
    # which the parent's shutdown waited for. A worker leaves nothing to flush or close.
    atexit.register(os._exit, 0)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """End this worker once its parent is gone: a killed parent cannot shut the pool down."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
