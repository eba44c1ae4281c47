"""The worker processes a run shares between stages: Ctrl-C and a killed parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups and /proc")

SCRIPT = """
import sys, time
from checker.workers import Workers

if __name__ == "__main__":
    seconds = float(sys.argv[1])
    try:
        with Workers(2) as workers:
            results = workers.map(time.sleep, [0.2] * 4 + [seconds] * (40 if seconds else 0))
            for _ in range(4):
                next(results)  # both workers are up; now they are busy, or idle if seconds is 0
            print("started", flush=True)
            list(results)
            time.sleep(30)  # the parent's own work, as while it embeds the sentences
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(130)
"""


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(tmp_path: Path, task_seconds: float) -> subprocess.Popen:
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    process = subprocess.Popen(
        [sys.executable, str(script), str(task_seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal gives a command
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout.readline().strip() == "started"
    return process


def _gone(pids: set[int], within: float = 15.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("task_seconds", [0.5, 0.0], ids=["workers busy", "workers idle"])
def test_ctrl_c_stops_the_run_without_a_traceback_from_each_worker(tmp_path, task_seconds) -> None:
    process = _start(tmp_path, task_seconds)
    workers = _children(process.pid)
    assert len(workers) >= 2  # two workers (and multiprocessing's resource tracker)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole group gets it
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out.strip()) == (130, "interrupted")
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert _gone(workers)


def test_workers_exit_when_their_parent_is_killed(tmp_path) -> None:
    process = _start(tmp_path, 30.0)
    workers = _children(process.pid)
    assert len(workers) >= 2
    process.kill()  # SIGKILL: the parent cannot shut its pool down
    process.communicate(timeout=20)  # the workers hold its output pipes: they must be gone
    assert _gone(workers)  # long before their 30 s task ends


def test_start_one_starts_a_single_process_ahead_of_the_tasks() -> None:
    """``check`` starts one worker while it reads a big input; the others start on first
    use, and one process alone never starts a pool."""
    from checker.workers import Workers

    with Workers(2) as workers:
        workers.start_one()
        assert len(workers._pool._processes) == 1
        assert list(workers.map(abs, [-1, -2, -3, -4])) == [1, 2, 3, 4]
        assert 1 <= len(workers._pool._processes) <= 2
    with Workers(1) as alone:
        alone.start_one()
        assert alone._pool is None and list(alone.map(abs, [-5])) == [5]
