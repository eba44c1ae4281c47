"""10,000 articles end to end, warm, and ten new ones against a store of them.

Figures (issue "Scale and speed"; 2 cores): a cold run at most 1.15x the time of
``model.encode`` alone on the same sentences; a warm re-run of the unchanged corpus at
least 20x faster than cold; ten new articles checked against the 10,000-article store in
under 15 s; peak memory of the 10,000-article run under 4 GB. Model load is excluded
from every time. Each phase runs in its own process, so its peak memory is its own.
Cold runs and ``model.encode`` alternate ``--repeat`` times (3) and their medians are
compared: on this shared machine either can swing by a third from one run to the next.

Run by hand: ``.venv/bin/python benchmarks/bench_scale.py [--articles N] [--backend onnx] [--repeat 3]``;
appends to RESULTS.md. The corpus is ``benchmarks/corpus.py``'s (real sentences).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


WORKERS = 2  # as the CLI does on this machine: one per core


def _peak_mb() -> float:
    """This process's peak, plus each worker at the largest any worker reached (an upper
    bound on what the run held at once)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + WORKERS * worker) / 1024


def _embedder(backend: str):
    from checker.embed import make_embedder

    embedder = make_embedder("all-MiniLM-L6-v2", backend)
    embedder._load()  # model load is excluded from every figure
    embedder.embed(["warm up the kernels once"])
    return embedder


def phase(name: str, args: argparse.Namespace) -> dict:
    """One measured step, in this process; returns its figures."""
    import checker

    embedder = _embedder(args.backend)
    settings = checker.Settings(cache=args.cache, backend=args.backend, workers=WORKERS)
    if name in ("cold", "warm"):
        marks: list[tuple[str, float]] = []

        def progress(stage: str, total: int):
            marks.append((stage, time.perf_counter()))
            return lambda n: None

        start = time.perf_counter()
        result = checker.check([args.corpus], settings, embedder=embedder, progress=progress)
        seconds = time.perf_counter() - start
        # Where the run's time went: reading until the first stage, then each stage until
        # the next ("claims and rules" runs to the end, storing the result included).
        bounds = [("reading", start), *marks, ("end", start + seconds)]
        stages = {stage: round(b - a, 2) for (stage, a), (_, b) in zip(bounds, bounds[1:])}
        claim = [s for s in result.sentences if s.is_claim]
        from checker.report import render

        start = time.perf_counter()
        report = render(result)
        return {
            "seconds": seconds, "stages": stages, "render_seconds": time.perf_counter() - start, "report_mb": len(report.encode()) / 1e6,
            "peak_mb": _peak_mb(), "articles": len(result.articles),
            "stories": len(result.stories), "claims": len(result.claims), "findings": len(result.findings),
            "sentences": len(claim), "distinct": len({s.text for s in claim}),
        }
    if name in ("encode", "encode-all", "embed"):
        from checker.ingest import read_articles
        from checker.segment import segment

        articles, _ = read_articles([args.corpus])
        every = [s.text for a in articles for s in segment(a) if s.is_claim]
        texts = every if name == "encode-all" else sorted(set(every))
        start = time.perf_counter()
        if name.startswith("encode"):  # sentence-transformers fp32, as "today"
            from checker.embed import SentenceTransformerEmbedder

            model = SentenceTransformerEmbedder()._load()
            model.encode(texts[:8])
            start = time.perf_counter()
            model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        else:
            embedder.embed(texts)
        return {"seconds": time.perf_counter() - start, "sentences": len(texts), "peak_mb": _peak_mb()}
    if name == "store-build":
        from checker.store import Store

        start = time.perf_counter()
        added = checker.add([args.corpus], Store(args.store), checker.Settings(cache=args.cache), embedder=embedder)
        return {"seconds": time.perf_counter() - start, "added": len(added.added), "peak_mb": _peak_mb()}
    if name == "store-new":
        from checker.rules import load_rules
        from checker.store import Store

        ruleset = load_rules(())
        start = time.perf_counter()
        result = checker.check(sorted(Path(args.new).glob("*.txt")), settings, embedder=embedder, rules=ruleset, store=Store(args.store))
        return {
            "seconds": time.perf_counter() - start, "peak_mb": _peak_mb(), "stories": len(result.stories),
            "articles": len(result.articles), "findings": len(result.findings),
        }
    raise SystemExit(f"unknown phase {name}")


def _run(name: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--phase", name, "--backend", args.backend, "--corpus", str(args.corpus),
               "--cache", str(args.cache), "--store", str(args.store), "--new", str(args.new)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    print(f"{name}: {figures}", file=sys.stderr, flush=True)
    return figures


def _stages(runs: list[dict]) -> str:
    """Each cold run's stages, in seconds, in the order they ran."""
    return "; ".join(" / ".join(f"{s:.1f}" for s in run["stages"].values()) for run in runs)


def _spread(runs: list[dict]) -> str:
    seconds = sorted(r["seconds"] for r in runs)
    return f"{seconds[0]:.1f}-{seconds[-1]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--phase")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--new", type=Path)
    parser.add_argument("--note", default="")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs and model.encode runs, alternated")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args)))
        return

    from _results import append_results
    from corpus import build

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        args.corpus, args.new = build(folder / "corpus", args.articles)
        args.store = folder / "store.sqlite"
        # This shared machine swings by a third between runs: cold runs and model.encode
        # alternate, and the medians are compared. Each cold run starts from an empty cache.
        colds, encodes = [], []
        for k in range(args.repeat):
            args.cache = folder / f"cache-{k}.sqlite"
            colds.append(_run("cold", args))
            encodes.append(_run("encode", args))
        cold = {**colds[-1], "seconds": statistics.median(c["seconds"] for c in colds)}
        encode = {**encodes[-1], "seconds": statistics.median(e["seconds"] for e in encodes)}
        warm = _run("warm", args)  # on the last cold run's cache
        encode_all = _run("encode-all", args)
        embed = _run("embed", args)
        build_store = _run("store-build", args)
        new = _run("store-new", args)

    rows = [
        ("articles / stories / shared claims / findings", f"{cold['articles']} / {cold['stories']} / {cold['claims']} / {cold['findings']}"),
        ("claim sentences / distinct (embedded once each)", f"{cold['sentences']} / {cold['distinct']}"),
        (f"cold run, {args.backend} backend, model loaded (s; median of {args.repeat})", f"{cold['seconds']:.1f} ({_spread(colds)})"),
        (f"model.encode alone, fp32, distinct sentences (s; median of {args.repeat})", f"{encode['seconds']:.1f} ({_spread(encodes)})"),
        ("cold / model.encode of the distinct sentences, medians (target <= 1.15)", f"{cold['seconds'] / encode['seconds']:.2f}"),
        ("  the same, each cold run against the encode run after it", ", ".join(f"{c['seconds'] / e['seconds']:.2f}" for c, e in zip(colds, encodes))),
        ("  each cold run's " + " / ".join(colds[0]["stages"]) + " (s)", _stages(colds)),
        ("model.encode alone, fp32, every claim sentence as it occurs (s)", f"{encode_all['seconds']:.1f}"),
        ("cold / model.encode of every claim sentence", f"{cold['seconds'] / encode_all['seconds']:.2f}"),
        (f"{args.backend} embedding alone, distinct sentences (s)", f"{embed['seconds']:.1f}"),
        (f"cold / {args.backend} embedding alone", f"{cold['seconds'] / embed['seconds']:.2f}"),
        ("peak memory, cold run (MB, with workers; target < 4096)", f"{cold['peak_mb']:.0f}"),
        ("warm re-run, unchanged corpus (s)", f"{warm['seconds']:.2f}"),
        ("cold / warm (target >= 20)", f"{cold['seconds'] / warm['seconds']:.0f}"),
        ("markdown report of the run: rendering (s) / size (MB)", f"{warm['render_seconds']:.1f} / {warm['report_mb']:.1f}"),
        (f"store: add {build_store['added']} articles (s; embeddings from the cache)", f"{build_store['seconds']:.1f}"),
        ("store: report 10 new articles against it (s; target < 15)", f"{new['seconds']:.2f}"),
        ("  stories / articles / findings in that report", f"{new['stories']} / {new['articles']} / {new['findings']}"),
        ("peak memory, store report (MB)", f"{new['peak_mb']:.0f}"),
    ]
    append_results(f"Scale: {args.articles} articles, cold, warm and against a store", rows, args.note)


if __name__ == "__main__":
    main()
