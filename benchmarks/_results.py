"""Shared by the benchmark scripts: timing and appending a table to RESULTS.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def best_of(action: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` wall-clock runs (least disturbed by other load)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True,
            cwd=RESULTS.parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def append_results(title: str, rows: Sequence[tuple[str, str]], note: str = "") -> None:
    """Print the table and append it, with machine, date and commit, to RESULTS.md."""
    lines = [
        f"## {title}",
        "",
        f"{dt.date.today().isoformat()}, commit {commit()}, {machine()}" + (f"; {note}" if note else ""),
        "",
        "| measure | value |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in rows],
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by the scripts in this folder; newest last.\n\n")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")
