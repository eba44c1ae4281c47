"""A run on a Dask cluster against the same run in local worker processes, on real news.

Issue 21, deliverable 4. The corpus is the first N AllSides articles (``bench_real``'s
manifest; its text never enters the repository). Their claim sentences are embedded
once, by a cold run whose cache then keeps only the vectors: every measured run copies
that cache, so it splits sentences, groups stories and runs claims and rules afresh, but
embeds nothing. Embedding stays on the client in every variant, so leaving it out keeps
the ratios to the part that can go to workers.

Variants, alternated ``--repeat`` times (3), each run in its own process:

- pool: ``Settings(workers=2)``, the process pool (what ``checker report`` does here);
- local: ``cluster="local"``, a LocalCluster the run starts and closes (``--cluster local``);
- standing: ``cluster=ADDRESS`` of a LocalCluster of two single-threaded worker processes
  started once beforehand, as a standing cluster would be (its start is not counted),
  its workers restarted before the run (fresh processes, nothing kept from other runs);
- warm: the same standing workers again right after, not restarted: a worker keeps its
  memos of each text's splits, words and names from run to run, as a process-pool
  worker, which ends with the run, cannot.

On this 2-core machine the client and the workers share the same two cores, so this
measures what the Dask path costs against the process pool, not what more machines gain.
Every run's JSON and markdown reports must be byte-identical, or the benchmark stops.

Run by hand: ``.venv/bin/python benchmarks/bench_cluster.py [--articles 1000] [--repeat 3]
[--note TEXT] [--no-append] [--reprime]``; appends a section to RESULTS.md. Work files go to ``.checker/bench-cluster/``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

VARIANTS = ("pool", "local", "standing", "warm")
BACKEND = "onnx"  # only the priming run embeds; int8 takes a third of torch's time there


def phase(args: argparse.Namespace) -> dict:
    """One run, in this process: seconds, stages, this process's CPU, the reports' hashes."""
    import checker
    from checker.report import render

    settings = checker.Settings(cache=args.cache, backend=BACKEND, workers=2)
    if args.phase == "local":
        settings = checker.Settings(cache=args.cache, backend=BACKEND, workers=2, cluster="local")
    elif args.phase in ("standing", "warm"):
        settings = checker.Settings(cache=args.cache, backend=BACKEND, workers=2, cluster=args.address)
    marks: list[tuple[str, float]] = []

    def progress(stage: str, total: int):
        marks.append((stage, time.perf_counter()))
        return lambda n: None

    cpu = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    result = checker.check([args.corpus], settings, progress=progress)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    bounds = [("reading", start), *marks, ("end", start + seconds)]
    stages = {stage: b - a for (stage, a), (_, b) in pairwise(bounds)}
    hashes = {fmt: hashlib.sha256(render(result, fmt).encode()).hexdigest() for fmt in ("json", "markdown")}
    return {
        "seconds": seconds,
        "stages": stages,
        "client_cpu": (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime),
        "hashes": hashes,
        "articles": len(result.articles),
        "stories": len(result.stories),
        "findings": len(result.findings),
        "claim_sentences": sum(s.is_claim for s in result.sentences),
    }


def _run(name: str, args: argparse.Namespace, cache: Path, address: str = "") -> dict:
    command = [sys.executable, __file__, "--phase", name, "--corpus", str(args.corpus), "--cache", str(cache), "--address", address]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    print(f"{name}: {figures['seconds']:.1f} s", file=sys.stderr, flush=True)
    return figures


def _prime(args: argparse.Namespace, cache: Path) -> None:
    """A cold run that embeds the corpus, then its cache without spans and results."""
    cache.unlink(missing_ok=True)
    _run("pool", args, cache)
    with sqlite3.connect(cache) as db:
        db.execute("DELETE FROM spans")
        db.execute("DELETE FROM results")
    with sqlite3.connect(cache) as db:
        db.execute("VACUUM")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=ROOT / ".checker" / "bench-cluster")
    parser.add_argument("--note", default="")
    parser.add_argument("--no-append", action="store_true", help="print the table, do not append it")
    parser.add_argument("--reprime", action="store_true", help="embed the corpus again even if its vectors are kept")
    parser.add_argument("--phase")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--address", default="")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args)))
        return

    from bench_real import build_manifest
    from distributed import Client, LocalCluster
    from _results import append_results

    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.corpus = args.workdir / f"allsides-first-{args.articles}"
    build_manifest(args.articles, args.corpus)
    primed = args.workdir / f"vectors-{args.articles}.sqlite"
    if args.reprime or not primed.exists():  # the manifest is the same each time: so are its vectors
        started = time.perf_counter()
        _prime(args, primed)
        print(f"primed in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    runs: dict[str, list[dict]] = {v: [] for v in VARIANTS}
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0", silence_logs=logging.ERROR) as standing,
        Client(standing, set_as_default=False) as keeper,
    ):
        for k in range(args.repeat):
            for variant in VARIANTS:
                if variant == "standing":
                    keeper.restart()
                cache = args.workdir / f"run-{variant}.sqlite"
                shutil.copy(primed, cache)
                runs[variant].append(_run(variant, args, cache, standing.scheduler_address))
    hashes = {json.dumps(r["hashes"], sort_keys=True) for rs in runs.values() for r in rs}
    if len(hashes) != 1:
        raise SystemExit(f"the reports differ between runs: {sorted(hashes)}")

    def median(variant: str, key: str, stage: str | None = None) -> float:
        return statistics.median(r["stages"].get(stage, 0.0) if stage else r[key] for r in runs[variant])

    first = runs["pool"][0]
    rows = [
        ("articles / stories / findings / claim sentences", f"{first['articles']} / {first['stories']} / {first['findings']} / {first['claim_sentences']}"),
        ("JSON and markdown reports of all runs", "byte-identical"),
        ("process pool, run (s; median of %d, vectors from the cache)" % args.repeat, f"{median('pool', 'seconds'):.1f}"),
    ]
    labels = {
        "local": "--cluster local (LocalCluster started by the run)",
        "standing": "standing LocalCluster, workers restarted before the run",
        "warm": "the same standing workers again (their memos kept)",
    }
    for variant, label in labels.items():
        rows += [
            (f"{label} / process pool, run time (medians)", f"{median(variant, 'seconds') / median('pool', 'seconds'):.2f}"),
            ("  each run's ratio to the pool run before it", ", ".join(f"{r['seconds'] / p['seconds']:.2f}" for r, p in zip(runs[variant], runs["pool"]))),
            ("  client process CPU / the pool run's (medians)", f"{median(variant, 'client_cpu') / median('pool', 'client_cpu'):.2f}"),
        ]
    for stage in first["stages"]:
        pool = median("pool", "", stage)
        ratios = " / ".join(f"{median(v, '', stage) / pool:.2f}" for v in labels)
        rows.append((f"stage {stage}: pool (s) / local / standing / warm as ratios (medians)", f"{pool:.1f} / {ratios}"))
    title = f"Dask cluster vs process pool: the first {args.articles} AllSides articles, vectors cached"
    if args.no_append:
        print("\n".join(f"| {k} | {v} |" for k, v in rows))
    else:
        append_results(title, rows, args.note)


if __name__ == "__main__":
    main()
