"""Worker processes that one run shares between its stages (sentence splitting, stories).

The heavy stages are pure Python, so threads would not help; processes do. They are
started with "spawn", not "fork": by the time the stories are analysed the parent runs
the embedding model's threads, which a forked child would inherit half-copied. A spawned
worker re-imports the caller's ``__main__``, so only programs whose main module is
guarded should ask for more than one (the ``checker`` command is, and asks for one per
core). The pool starts on first use, so a run that never needs it pays nothing.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from types import TracebackType
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Workers:
    """``map`` over ``count`` processes, or in this process when ``count`` is 1."""

    def __init__(self, count: int = 1) -> None:
        self.count = max(1, count)
        self._pool: Executor | None = None

    @property
    def parallel(self) -> bool:
        return self.count > 1

    def map(self, fn: Callable[..., R], *items: Iterable, chunksize: int = 1) -> Iterator[R]:
        """``fn`` over ``items``, results in order. Tasks are sent at once, so the caller
        can do other work before it reads the results."""
        if not self.parallel:
            return map(fn, *items)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.count, mp_context=multiprocessing.get_context("spawn"))
        return self._pool.map(fn, *items, chunksize=chunksize)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
