"""Story grouping at archive scale: the whole AllSides corpus up to the stories stage.

Issue 21, deliverable 3: on the full corpus (37,554 real articles, 2012-2020), do stories
look like events (same days, same topic) or like topic blobs? This runs the pipeline's
stages in order up to stories (reading, near copies, segmenting, boilerplate, embedding,
stories), each timed, and reports the size distribution, the largest stories (dates,
outlets, AllSides topics) and the peak memory; the members of the largest stories go to
``archive-top-stories.json`` in the work folder, to be read by hand (titles only; article
text never enters the repository). Claims and rules are not run: at this size they are
the part that does not fit (see the 5,000-article run in RESULTS.md).

Embedding the whole corpus cold takes hours here (ONNX int8, ~240 real sentences/s), so
the vectors come from a cache filled beforehand, e.g. by running slices of the corpus
(``--seed-cache`` copies the vectors and sentence spans of other cache files into
``--cache`` first). Sentences missing from the cache are embedded and counted.

Run by hand: ``.venv/bin/python benchmarks/archive_stories.py --cache FILE
[--seed-cache FILE ...] [--articles 37554] [--backend onnx] [--workers 2] [--note TEXT]``; appends a
section to RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import bench_real  # noqa: E402  (the manifest and the story table are shared with it)

SIZE_BINS = ((1, 1), (2, 2), (3, 5), (6, 10), (11, 20), (21, 50), (51, 100), (101, 200), (201, 10**9))


def seed_cache(target: Path, sources: list[Path]) -> int:
    """Copy the vectors and spans of ``sources`` into ``target``; returns vectors added."""
    from checker.cache import Cache

    Cache(target).get_spans([])  # creates the file and its tables
    with sqlite3.connect(target) as conn:
        before = conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
        for i, source in enumerate(sources):
            conn.execute(f"ATTACH DATABASE ? AS s{i}", (str(source),))
            conn.execute(f"INSERT OR IGNORE INTO embeddings SELECT * FROM s{i}.embeddings")
            conn.execute(f"INSERT OR IGNORE INTO spans SELECT * FROM s{i}.spans")
            conn.commit()
            conn.execute(f"DETACH DATABASE s{i}")
        return conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0] - before


def run(args: argparse.Namespace) -> dict:
    """The stages up to stories, timed; what they found."""
    from checker import pipeline
    from checker.boilerplate import mark_boilerplate
    from checker.cache import Cache
    from checker.embed import SentenceVectors, embed_texts, make_embedder, text_key
    from checker.executor import open_workers
    from checker.ingest import parse_inputs, read_inputs
    from checker.stories import group_stories

    folder = args.workdir / f"allsides-first-{args.articles}"
    source = bench_real.build_manifest(args.articles, folder)
    embedder = make_embedder(pipeline.DEFAULT_MODEL, args.backend)
    cache = Cache(args.cache)
    times: dict[str, float] = {}

    start = time.perf_counter()
    inputs = read_inputs([folder])
    articles, notes = parse_inputs(inputs, near_copies=True)
    times["reading and near copies"] = time.perf_counter() - start

    start = time.perf_counter()
    with open_workers(args.workers) as workers:  # splitting is per article: worker processes
        sentences = pipeline._segment_all(articles, cache, workers=workers)
    sentences = mark_boilerplate(articles, sentences)
    times["segmenting and boilerplate"] = time.perf_counter() - start

    claim_sentences = [s for s in sentences if s.is_claim]
    distinct = sorted({s.text for s in claim_sentences})
    cached = len(cache.cached_keys(embedder.model_id, [text_key(t) for t in distinct]))
    start = time.perf_counter()
    matrix = embed_texts([s.text for s in claim_sentences], embedder, cache)
    vectors = SentenceVectors(claim_sentences, matrix)
    times["embedding (from the cache)"] = time.perf_counter() - start

    start = time.perf_counter()
    stories = group_stories(articles, sentences, vectors)
    times["stories"] = time.perf_counter() - start

    by_id = {a.id: a for a in articles}
    sizes = [len(s.articles) for s in stories]
    outlets = {s.id: {by_id[a].outlet for a in s.articles} for s in stories}
    largest = bench_real.largest_stories(stories, by_id, source)
    multi = [n for n in sizes if n > 1]
    return {
        "source": source, "times": times, "articles": len(articles), "notes": len(notes),
        "claim_sentences": len(claim_sentences), "distinct": len(distinct), "cached": cached,
        "stories": len(stories), "sizes": sizes, "multi": multi,
        "single_outlet_multi": sum(len(outlets[s.id]) == 1 and len(s.articles) > 1 for s in stories),
        "largest": largest,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(args: argparse.Namespace, found: dict) -> str:
    source, sizes, multi = found["source"], found["sizes"], found["multi"]
    lines = [
        f"## Archive scale: story grouping on {found['articles']:,} AllSides articles ({args.backend} backend)",
        "",
        f"{dt.date.today().isoformat()}, commit {args.commit or bench_real._head()}, `.venv/bin/python benchmarks/archive_stories.py "
        f"--articles {args.articles} --backend {args.backend}`{' -- ' + args.note if args.note else ''}",
        "",
        f"Corpus: the first {args.articles:,} of {source['total']:,} articles by publication date then id "
        f"({source['first']} to {source['last']}; {source['undated']:,} without a valid date, last). "
        "Stages up to stories only (claims and rules not run); vectors from a cache filled by earlier runs.",
        "",
    ]
    total = sum(found["times"].values())
    lines += bench_real._table(
        ("stage", "seconds", "share"),
        [(stage, f"{t:.1f}", f"{t / total:.2f}") for stage, t in found["times"].items()] + [("**total**", f"**{total:.1f}**", "1.00")],
    )
    lines += bench_real._table(("what the run found", "value"), [
        ("articles kept (near copies and non-English set aside) / notes", f"{found['articles']:,} / {found['notes']:,}"),
        ("claim sentences / distinct / of those already in the cache",
         f"{found['claim_sentences']:,} / {found['distinct']:,} / {found['cached']:,}"),
        ("stories / with 2+ articles / articles in those", f"{found['stories']:,} / {len(multi):,} / {sum(multi):,}"),
        ("story size, all: median / p90 / max",
         f"{statistics.median(sizes)} / {bench_real._nearest_rank(sizes, 0.9)} / {max(sizes)}"),
        ("story size, 2+ articles: median / p90 / p99",
         f"{statistics.median(multi)} / {bench_real._nearest_rank(multi, 0.9)} / {bench_real._nearest_rank(multi, 0.99)}"),
        ("stories by size (" + ", ".join(f"{lo}" if lo == hi else (f"{lo}-{hi}" if hi < 10**9 else f">{lo - 1}") for lo, hi in SIZE_BINS) + ")",
         ", ".join(str(sum(lo <= n <= hi for n in sizes)) for lo, hi in SIZE_BINS)),
        ("single-outlet stories of 2+ articles", f"{found['single_outlet_multi']:,}"),
        ("peak memory (MB, ru_maxrss, one process)", f"{found['peak_mb']:.0f}"),
    ])
    lines += bench_real.story_table(found["largest"])
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=37554)
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--seed-cache", type=Path, nargs="*", default=[])
    parser.add_argument("--workdir", type=Path, default=ROOT / ".checker" / "bench-real")
    parser.add_argument("--workers", type=int, default=2, help="processes that split sentences (cold spans)")
    parser.add_argument("--note", default="")
    parser.add_argument("--commit", default="", help="the commit measured, when running from an unpacked snapshot")
    parser.add_argument("--no-results", action="store_true", help="print, do not append to RESULTS.md")
    args = parser.parse_args()
    if args.seed_cache:
        print(f"seeded {seed_cache(args.cache, args.seed_cache):,} vectors", file=sys.stderr)
    found = run(args)
    (args.workdir / "archive-top-stories.json").write_text(json.dumps(found["largest"], indent=1, ensure_ascii=False), encoding="utf-8")
    text = report(args, found)
    print(text)
    if not args.no_results:
        with (ROOT / "benchmarks" / "RESULTS.md").open("a", encoding="utf-8") as out:
            out.write("\n\n" + text + "\n")


if __name__ == "__main__":
    main()
