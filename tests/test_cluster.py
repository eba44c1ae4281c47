"""Runs on a Dask cluster (``--cluster``) write the report a run on one machine writes,
byte for byte; a wrong address, workers with other code and a missing ``distributed``
are one-line errors. One real LocalCluster of two worker processes for the module."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED_CONFIG, seed_settings
from corpus import write_manifest
from typer.testing import CliRunner

import checker
from checker import cluster, executor
from checker.cli import app
from checker.report import render
from checker.store import Store
from checker.workers import Workers

distributed = pytest.importorskip("distributed")

runner = CliRunner()


def _worker_source() -> str:
    import checker

    return checker.__file__


@pytest.fixture(scope="module")
def scheduler():
    """The address of a LocalCluster of two single-threaded worker processes, and a client
    to watch it with. Its workers must import the checker under test: spawned, they get
    this process's ``sys.path`` (a source tree on PYTHONPATH, or CI's editable install)."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
        ) as local,
        distributed.Client(local, set_as_default=False) as observer,
    ):
        sources = observer.run(_worker_source)
        assert len(sources) == 2 and set(sources.values()) == {checker.__file__}
        yield local.scheduler_address, observer


@pytest.fixture
def everything_on_workers(monkeypatch):
    """Thresholds at 0: every stage that can go to workers goes, however small the run."""
    for name in ("PARALLEL_INPUT_BYTES", "PARALLEL_SEGMENTING", "PARALLEL_STORIES"):
        monkeypatch.setattr(executor, name, 0)


def _fresh_cache(tmp_path: Path, cache_path: Path, name: str) -> Path:
    """A copy of the session's vectors, without this run's memo: each run really runs."""
    cache = tmp_path / f"{name}.sqlite"
    if cache_path.exists():
        shutil.copy(cache_path, cache)
    return cache


def _chunks_run(stream) -> list[str]:
    return [t["key"] for t in stream.data if "_run_chunk" in str(t["key"])]


def test_a_run_on_the_cluster_writes_the_report_of_a_run_on_one_machine(
    tmp_path, embedder, cache_path, scheduler, everything_on_workers
) -> None:
    address, observer = scheduler
    manifest = write_manifest(tmp_path / "articles.jsonl", stories=40)
    settings = checker.Settings(preview=True)
    alone = checker.check([manifest], dataclasses.replace(settings, cache=_fresh_cache(tmp_path, cache_path, "one")), embedder=embedder)
    with distributed.get_task_stream(client=observer) as stream:
        spread = checker.check(
            [manifest],
            dataclasses.replace(settings, cache=_fresh_cache(tmp_path, cache_path, "dask"), cluster=address),
            embedder=embedder,
        )
    # Near copies (1 task), splitting (a chunk of 64 runs a task), recurrences and the
    # scorer's context (3), stories (8 shards: 4 per worker thread).
    ran = _chunks_run(stream)
    assert len(ran) >= 1 + 3 + 8, ran
    assert {t["worker"] for t in stream.data} == set(observer.nthreads())  # both shared the work
    assert len(alone.findings) > 20 and len(alone.claims) > 50 and len(alone.stories) >= 30
    assert spread == alone
    for fmt in ("json", "markdown"):
        assert render(spread, fmt).encode() == render(alone, fmt).encode()


def test_a_store_report_on_the_cluster_is_the_one_machine_report(tmp_path, embedder, cache_path, scheduler, everything_on_workers) -> None:
    address, observer = scheduler
    reports = []
    for name, where in (("one", None), ("dask", address)):
        store = Store(tmp_path / f"{name}-store.sqlite")
        settings = seed_settings(cache=_fresh_cache(tmp_path, cache_path, name), cluster=where)
        with distributed.get_task_stream(client=observer) as stream:
            reports.append(checker.check(["fixtures/nato-2022"], settings, embedder=embedder, store=store))
        assert bool(_chunks_run(stream)) == (where is not None)
    alone, spread = reports
    assert render(spread, "json") == render(alone, "json") and alone.findings


def test_dask_workers_map_in_order_in_chunks_and_raise_what_a_task_raised(scheduler) -> None:
    address, _ = scheduler
    with cluster.connect(address) as workers:
        assert workers.parallel and workers.count == 2
        assert list(workers.map(divmod, range(20), [3] * 20, chunksize=6)) == [divmod(n, 3) for n in range(20)]
        assert list(workers.map(abs, [])) == []
        with pytest.raises(ValueError, match="invalid literal"):
            list(workers.map(int, ["1", "x"]))


def test_workers_running_other_checker_code_are_refused(tmp_path) -> None:
    """A worker machine left on other code (here one changed line) could find other
    things: the run stops before it starts, saying which worker and what differs."""
    other = tmp_path / "other"
    shutil.copytree(ROOT / "checker", other / "checker", ignore=shutil.ignore_patterns("__pycache__"))
    with (other / "checker" / "stories.py").open("a") as source:
        source.write("\n# a local change on one worker\n")
    with distributed.LocalCluster(n_workers=0, dashboard_address=":0", silence_logs=logging.ERROR) as alone:
        worker = subprocess.Popen(  # as `dask worker ADDRESS` on another machine
            [sys.executable, "-m", "distributed.cli.dask_worker", alone.scheduler_address, "--nthreads", "1", "--no-nanny", "--no-dashboard"],
            env={**os.environ, "PYTHONPATH": str(other)},
            cwd=tmp_path,  # ``-m`` puts the working folder first on the path
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with pytest.raises(cluster.ClusterError, match=r"differs from this machine: checker source \w+ \(here \w+\)"):
                cluster.connect(alone.scheduler_address)
        finally:
            worker.terminate()
            worker.wait(timeout=30)


def test_the_cli_on_a_local_cluster_writes_the_same_file(tmp_path, monkeypatch, cli_shares_model, everything_on_workers) -> None:
    """``--cluster local`` starts a LocalCluster for the run, and closes it."""
    opened = []

    def recorded(count, cluster=None):
        opened.append(executor_open(count, cluster))
        return opened[-1]

    executor_open = executor.open_workers
    monkeypatch.setattr(executor, "open_workers", recorded)
    written = []
    for extra in ((), ("--cluster", "local")):
        out = tmp_path / f"report{len(extra)}.json"
        result = runner.invoke(app, ["report", "fixtures/nato-2022", *SEED_CONFIG, "--format", "json", "-o", str(out), "--no-cache", *extra])
        assert result.exit_code == 0, result.output
        written.append(out.read_bytes())
    assert written[0] == written[1] and b'"findings"' in written[0]
    plain, local = opened
    assert type(plain) is Workers and isinstance(local, cluster.DaskWorkers) and local.count == (os.cpu_count() or 2)
    assert local._owned == ()  # client and LocalCluster closed


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("tcp://127.0.0.1:1", "cannot reach a Dask scheduler at tcp://127.0.0.1:1"),
        ("scheduler-host", "--cluster scheduler-host: not a scheduler address (missing port number"),
        ("nowhere/scheduler.json", "--cluster nowhere/scheduler.json: no such scheduler file"),
    ],
)
def test_a_cluster_that_cannot_be_used_is_one_line_and_exit_2(tmp_path, monkeypatch, address, says) -> None:
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1.0)  # nothing listens on port 1: Dask retries until then
    result = runner.invoke(app, ["report", "fixtures/nato-2022", "-o", str(tmp_path / "r.md"), "--no-cache", "--cluster", address])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"checker: error: {says}")
    assert not (tmp_path / "r.md").exists()


def test_a_scheduler_without_workers_is_one_line(monkeypatch) -> None:
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1.0)
    with distributed.LocalCluster(n_workers=0, dashboard_address=":0", silence_logs=logging.ERROR) as empty:
        address = empty.scheduler_address
        with pytest.raises(cluster.ClusterError, match=f"the Dask scheduler at {address} has no workers after 1 s") as error:
            cluster.connect(address)
    assert f"dask worker {address}" in str(error.value) and "\n" not in str(error.value)


def test_a_worker_lost_mid_run_ends_the_run_with_one_line() -> None:
    """The chunks scattered to a worker die with it: no retry can bring them back."""
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0", silence_logs=logging.CRITICAL) as local,
        cluster.connect(local.scheduler_address) as workers,
        pytest.raises(cluster.ClusterError, match=f"the Dask cluster at {local.scheduler_address} failed mid-run") as error,
    ):
        list(workers.map(os._exit, [3]))  # the worker process ends, as a machine lost would
    assert "\n" not in str(error.value)


INTERRUPTED = """
import sys, time
from checker import cluster

if __name__ == "__main__":
    try:
        with cluster.connect("local") as workers:
            results = workers.map(time.sleep, [0.1, 0.1, 30, 30])
            next(results), next(results)
            print("started", flush=True)
            list(results)  # both workers busy for 30 s
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(130)
"""


def test_ctrl_c_stops_a_run_on_a_local_cluster_quietly(tmp_path) -> None:
    script = tmp_path / "run.py"
    script.write_text(INTERRUPTED)
    process = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        start_new_session=True,  # a process group of its own, as a terminal gives a command
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout.readline().strip() == "started"
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole group gets it
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert (process.returncode, out.strip()) == (130, "interrupted")
    assert err == ""  # no traceback from a worker, nor the scheduler's complaint that one left


def test_without_distributed_the_error_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # what an install without the extra has
    with pytest.raises(cluster.ClusterError, match=r'needs Dask\'s distributed package: pip install "checker\[cluster\]"'):
        cluster.connect("local")
