"""The pipeline on real news: the first N articles of the AllSides corpus, cold and warm.

Issue 21, deliverable 1. The corpus is ``/work/shared/corpus/allsides_37k.jsonl.xz``
(37,554 articles from 2012-2020, see its README); its text never enters the repository.
The first ``--articles`` N articles, ordered by publication date then dataset id (a
contiguous date range, so that one event's articles from several outlets come together;
articles without a valid ``YYYY-MM-DD`` date in 1990..2030 come last, by id), are written
as JSONL manifests (text, outlet, published, title, url; at most ``PART_ROWS`` rows a file)
to ``--workdir`` (default ``.checker/bench-real/``, ignored by git).

What is measured, each in its own process (so each peak memory is its own), with the
torch backend by default and the model loaded beforehand (its load time is shown apart):

- cold: ``checker.check`` with a fresh cache, timed per stage with its ``progress``
  callback: reading (reading and parsing the manifests, until splitting starts; near
  copies are found in a worker meanwhile), segmenting, embedding, stories, claims and
  rules, and the finish (rule notes, the result, writing it to the cache);
- embed: the same backend's ``embedder.embed`` of the same distinct claim sentences
  (sorted, as ``embed_texts`` sends them), fresh: the yardstick of every ratio;
- warm: the same run again on the cold run's cache (the whole result comes from it);
- preview: ``preview=True`` on that cache: a new result key, so stories, claims and rules
  run again while sentences and vectors come from the cache.

The code measured is ``git archive HEAD`` of checker/ and claims/, unpacked in the work
folder (``--code tree`` measures the working tree instead): other people edit the tree
while this runs, and each phase imports the code afresh.

Run by hand: ``.venv/bin/python benchmarks/bench_real.py [--articles 1000] [--repeat 1]
[--backend torch] [--note TEXT]``; appends a section to RESULTS.md and writes the largest
stories' titles, outlets and dates to the work folder (``top-stories-N.json``) for
reading by hand. On 2 cores 1,000 articles take about an hour with ``--repeat 3`` (torch
embeds some 45-85 real sentences/s); 5,000 were run with ``--backend onnx`` (38 minutes,
10 GB peak with workers); the full corpus does not fit (see RESULTS.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import lzma
import math
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

CORPUS = Path("/work/shared/corpus/allsides_37k.jsonl.xz")
PART_ROWS = 5000  # rows a manifest file (the reader refuses manifests over 200 MB)
WORKERS = 2  # as the CLI does on this machine: one per core
TOP = 20
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


# --- the manifest ------------------------------------------------------------------


def valid_date(value: object) -> str | None:
    """``value`` when it is a real YYYY-MM-DD date in 1990..2030, else None."""
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return value if 1990 <= day.year <= 2030 else None


def build_manifest(count: int, folder: Path) -> dict:
    """The first ``count`` articles, in date-then-id order, as JSONL parts in ``folder``.

    Returns what the run needs to map an article path back to its source row: the
    dataset ids and topics in manifest order, and the date range taken."""
    rows = []
    with lzma.open(CORPUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            date = valid_date(record.get("published"))
            rows.append(((0, date, record["id"]) if date else (1, "", record["id"]), record))
    rows.sort(key=lambda row: row[0])
    chosen = [record for _, record in rows[:count]]
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for part, begin in enumerate(range(0, len(chosen), PART_ROWS)):
        with (folder / f"part-{part:02d}.jsonl").open("w", encoding="utf-8") as out:
            for record in chosen[begin : begin + PART_ROWS]:
                row = {"id": record["id"], "text": record["text"], "outlet": record["outlet"]}
                if date := valid_date(record.get("published")):
                    row["published"] = date
                for key in ("title", "url"):
                    if record.get(key):
                        row[key] = record[key]
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    dates = [d for r in chosen if (d := valid_date(r.get("published")))]
    return {
        "rows": [{"id": r["id"], "topic": r.get("topic", ""), "title": r.get("title", ""), "outlet": r["outlet"],
                  "published": valid_date(r.get("published"))} for r in chosen],
        "first": min(dates, default=""), "last": max(dates, default=""), "undated": len(chosen) - len(dates),
        "total": len(rows),
    }


def source_index(path: str) -> int:
    """The manifest row of an article path ``.../part-PP.jsonl#LINE``."""
    name, line = path.rsplit("#", 1)
    part = int(re.search(r"part-(\d+)\.jsonl$", name).group(1))
    return part * PART_ROWS + int(line) - 1


# --- the phases (each in its own process) ------------------------------------------


def _peak_mb() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"own_mb": own, "worker_mb": worker, "peak_mb": own + WORKERS * worker}


def _embedder(backend: str) -> tuple[object, float]:
    from checker.embed import make_embedder

    start = time.perf_counter()
    embedder = make_embedder("all-MiniLM-L6-v2", backend)
    embedder._load()  # the model load is shown apart, excluded from every other figure
    embedder.embed(["warm up the kernels once"])
    return embedder, time.perf_counter() - start


def _timed_check(args: argparse.Namespace, embedder, preview: bool) -> tuple[object, float, dict]:
    import checker

    settings = checker.Settings(cache=args.cache, backend=args.backend, workers=WORKERS, preview=preview)
    marks: list[tuple[str, float]] = []
    last: dict[str, float] = {}

    def progress(stage: str, total: int):
        marks.append((stage, time.perf_counter()))

        def advance(n: int) -> None:
            last[stage] = time.perf_counter()

        return advance

    start = time.perf_counter()
    result = checker.check([args.corpus.name], settings, embedder=embedder, progress=progress)
    seconds = time.perf_counter() - start
    end = start + seconds
    stages: dict[str, float] = {}
    if marks:
        # Reading until the first stage, then each stage until the next; the last stage
        # (claims and rules) until its last step, then "finish": rule notes, the result,
        # writing it to the cache.
        bounds = [("reading", start), *marks]
        for (stage, a), (_, b) in pairwise(bounds):
            stages[stage] = b - a
        final, begun = marks[-1]
        done = max(last.get(final, begun), begun)
        stages[final] = done - begun
        stages["finish"] = end - done
    return result, seconds, stages


def _nearest_rank(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else 0


def largest_stories(stories, by_id: dict, source: dict) -> list[dict]:
    """The ``TOP`` largest stories: dates, outlets, AllSides topics and members (titles),
    for reading by hand; ``by_id`` maps article ids to Articles."""
    largest = []
    for story in sorted(stories, key=lambda s: (-len(s.articles), s.id))[:TOP]:
        dates = sorted(by_id[a].published for a in story.articles if by_id[a].published)
        rows = [source["rows"][source_index(a)] for a in story.articles]
        largest.append({
            "id": story.id, "articles": len(story.articles), "outlets": len({by_id[a].outlet for a in story.articles}),
            "first": dates[0].isoformat() if dates else "", "last": dates[-1].isoformat() if dates else "",
            "days": (dates[-1] - dates[0]).days + 1 if dates else 0, "undated": len(story.articles) - len(dates),
            "topics": Counter(r["topic"] for r in rows).most_common(3), "reason": story.reason,
            "members": sorted(
                ({"published": by_id[a].published.isoformat() if by_id[a].published else "", "outlet": by_id[a].outlet,
                  "title": r["title"], "topic": r["topic"], "path": a} for a, r in zip(story.articles, rows)),
                key=lambda m: (m["published"], m["outlet"]),
            ),
        })
    return largest


def story_table(largest: list[dict]) -> list[str]:
    """The largest stories as a markdown table."""
    return _table(
        ("#", "story", "articles", "outlets", "dates (span, days)", "AllSides topics"),
        [(i, f"`{s['id']}`", s["articles"], s["outlets"],
          f"{s['first']} .. {s['last']} ({s['days']})" + (f", {s['undated']} undated" if s["undated"] else ""),
          ", ".join(f"{t or '-'} {c}" for t, c in s["topics"]))
         for i, s in enumerate(largest, 1)],
    )


def _describe(result, source: dict) -> dict:
    """What the run found: counts, story sizes, the largest stories, findings by rule."""
    by_id = {a.id: a for a in result.articles}
    sizes = [len(s.articles) for s in result.stories]
    outlets = {s.id: {by_id[a].outlet for a in s.articles} for s in result.stories}
    claim = [s for s in result.sentences if s.is_claim]
    largest = largest_stories(result.stories, by_id, source)
    multi = [n for n in sizes if n > 1]
    return {
        "articles": len(result.articles),
        "claim_sentences": len(claim),
        "distinct": len({s.text for s in claim}),
        "stories": len(sizes),
        "sizes": sizes,
        "median": statistics.median(sizes) if sizes else 0,
        "p90": _nearest_rank(sizes, 0.9),
        "max": max(sizes, default=0),
        "multi": len(multi),
        "multi_median": statistics.median(multi) if multi else 0,
        "multi_p90": _nearest_rank(multi, 0.9),
        "in_multi": sum(multi),
        "single_outlet": sum(len(o) == 1 for o in outlets.values()),
        "single_outlet_multi": sum(len(o) == 1 and len(s.articles) > 1 for s, o in zip(result.stories, outlets.values())),
        "claims": len(result.claims),
        "recurrences": len(result.recurrences),
        "findings": len(result.findings),
        "by_rule": dict(Counter(f"{f.rule} {f.name}" for f in result.findings)),
        "notes": len(result.notes),
        "note_list": list(result.notes),
        "largest": largest,
    }


def phase(name: str, args: argparse.Namespace) -> dict:
    """One measured step, in this process; returns its figures."""
    embedder, load_seconds = _embedder(args.backend)
    if name in ("cold", "warm", "preview"):
        source = json.loads((args.workdir / f"source-{args.articles}.json").read_text())
        result, seconds, stages = _timed_check(args, embedder, preview=name == "preview")
        import checker

        figures = {"seconds": seconds, "stages": stages, "load_seconds": load_seconds, "code": checker.__file__, **_peak_mb()}
        if name != "warm":
            figures.update(_describe(result, source))
        if name == "cold":  # the yardstick's input: the run's own distinct claim sentences
            distinct = sorted({s.text for s in result.sentences if s.is_claim})
            (args.workdir / f"distinct-{args.articles}.json").write_text(json.dumps(distinct))
        return figures
    if name == "embed":
        texts = json.loads((args.workdir / f"distinct-{args.articles}.json").read_text())
        start = time.perf_counter()
        embedder.embed(texts)
        return {"seconds": time.perf_counter() - start, "sentences": len(texts), "load_seconds": load_seconds, **_peak_mb()}
    raise SystemExit(f"unknown phase {name}")


def _run(name: str, args: argparse.Namespace, cache: Path) -> dict:
    command = [sys.executable, __file__, "--phase", name, "--articles", str(args.articles), "--backend", args.backend,
               "--workdir", str(args.workdir), "--cache", str(cache), "--code", args.code, "--code-dir", str(args.code_dir)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=args.workdir, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"phase {name} failed ({done.returncode})")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    brief = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in figures.items()
             if k in ("seconds", "peak_mb", "stories", "findings", "distinct", "sentences")}
    print(f"{name}: {brief}, stages {({k: round(v, 1) for k, v in figures.get('stages', {}).items()})}"
          f" ({time.perf_counter() - started:.0f} s with start-up)", file=sys.stderr, flush=True)
    return figures


# --- the code measured ---------------------------------------------------------------


def _head() -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def snapshot(workdir: Path) -> tuple[Path, str]:
    """checker/ and claims/ as committed at HEAD, unpacked under ``workdir``, and the commit."""
    head = _head()
    target = workdir / f"code-{head[:12]}"
    if not (target / "checker" / "pipeline.py").exists():
        archive = subprocess.run(["git", "archive", head, "checker", "claims"], cwd=ROOT, capture_output=True, check=True).stdout
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(target)
    return target, head[:7]


def _use_code(args: argparse.Namespace) -> None:
    """Import checker from the snapshot of HEAD taken when the run began (or, with
    ``--code tree``, from the working tree): every phase imports the same code."""
    if args.code_dir is None:
        if args.code == "tree":
            args.code_dir, args.commit = ROOT, _head()[:7]
        else:
            args.code_dir, args.commit = snapshot(args.workdir)
    sys.path.insert(0, str(args.code_dir))


def _tree_state() -> str:
    changed = subprocess.run(["git", "status", "--porcelain", "--", "checker", "claims"], cwd=ROOT,
                             capture_output=True, text=True, check=False).stdout.split("\n")
    return f"{sum(1 for line in changed if line.strip())} files under checker/ or claims/ changed in the tree"


# --- the report ------------------------------------------------------------------------


def _table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *["| " + " | ".join(str(c) for c in row) + " |" for row in rows],
        "",
    ]


def _median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def _per_k(count: int, articles: int) -> str:
    return f"{1000 * count / articles:.1f}" if articles else "-"


def report(args: argparse.Namespace, source: dict, colds: list[dict], embeds: list[dict], warm: dict,
           preview: dict | None, command: str) -> str:
    from _results import machine

    cold, embed = _median_run(colds), _median_run(embeds)
    yard = statistics.median(e["seconds"] for e in embeds)
    n = len(source["rows"])
    lines = [
        f"## Real news: the first {n} AllSides articles, cold and warm ({args.backend} backend)",
        "",
        f"{dt.date.today().isoformat()}, commit {_commit_label(args)}, {machine()}; "
        f"`{command}`" + (f"; {args.note}" if args.note else ""),
        "",
        f"Corpus: the first {n} of {source['total']} articles of `allsides_37k.jsonl.xz` by publication date then "
        f"id ({source['first']} to {source['last']}; {source['undated']} without a valid date). "
        f"Workers: {WORKERS}. Every time is in seconds; ratios are against the {args.backend} backend's "
        f"`embedder.embed` of the run's {embed['sentences']} distinct claim sentences"
        + (f" (medians of {len(colds)} alternated runs)" if len(colds) > 1 else "") + ".",
        "",
    ]
    stage_rows = [(stage, f"{sec:.1f}", f"{sec / yard:.2f}") for stage, sec in cold["stages"].items()]
    stage_rows.append(("**cold run, total**", f"**{cold['seconds']:.1f}**", f"**{cold['seconds'] / yard:.2f}**"))
    stage_rows.append((f"`embedder.embed` alone, distinct claim sentences ({args.backend})", f"{yard:.1f}", "1.00"))
    if len(colds) > 1:
        stage_rows.append(("cold runs / embed runs (all)", ", ".join(f"{c['seconds']:.1f}" for c in colds) + " / "
                           + ", ".join(f"{e['seconds']:.1f}" for e in embeds), ""))
    stage_rows.append(("model load (not in any figure above)", f"{cold['load_seconds']:.1f}", ""))
    stage_rows.append(("warm re-run, same cache (result from the cache)", f"{warm['seconds']:.2f}", f"{warm['seconds'] / yard:.3f}"))
    if preview:
        stage_rows.append(("warm cache, `preview=True` (stories, claims and rules run again), total",
                           f"{preview['seconds']:.1f}", f"{preview['seconds'] / yard:.2f}"))
        stage_rows.append(("  its " + " / ".join(preview["stages"]),
                           " / ".join(f"{v:.1f}" for v in preview["stages"].values()), ""))
    lines += _table(("stage (cold run)", "seconds", "/ embed alone"), stage_rows)
    mem_rows = [
        ("cold run", f"{cold['own_mb']:.0f}", f"{cold['worker_mb']:.0f}", f"{cold['peak_mb']:.0f}"),
        ("embed alone", f"{embed['own_mb']:.0f}", "-", f"{embed['own_mb']:.0f}"),
        ("warm re-run", f"{warm['own_mb']:.0f}", f"{warm['worker_mb']:.0f}", f"{warm['peak_mb']:.0f}"),
    ]
    if preview:
        mem_rows.append(("warm cache, preview", f"{preview['own_mb']:.0f}", f"{preview['worker_mb']:.0f}", f"{preview['peak_mb']:.0f}"))
    lines += _table(("peak memory (MB, ru_maxrss)", "main process", "largest worker", f"main + {WORKERS} x worker"), mem_rows)

    sizes = cold["sizes"]
    histogram = Counter(
        "1" if s == 1 else "2" if s == 2 else "3-5" if s <= 5 else "6-10" if s <= 10 else "11-20" if s <= 20
        else "21-50" if s <= 50 else ">50" for s in sizes
    )
    order = ["1", "2", "3-5", "6-10", "11-20", "21-50", ">50"]
    lines += _table(("what the run found", "value"), [
        ("articles in the manifest / kept (near copies and non-English set aside)", f"{n} / {cold['articles']}"),
        ("claim sentences / distinct", f"{cold['claim_sentences']} / {cold['distinct']}"),
        ("stories / with 2+ articles / articles in those", f"{cold['stories']} / {cold['multi']} / {cold['in_multi']}"),
        ("story size, all stories: median / p90 / max", f"{cold['median']:g} / {cold['p90']} / {cold['max']}"),
        ("story size, stories of 2+ articles: median / p90", f"{cold['multi_median']:g} / {cold['multi_p90']}"),
        ("stories by size (" + ", ".join(order) + " articles)", ", ".join(str(histogram.get(k, 0)) for k in order)),
        ("single-outlet stories: all / of 2+ articles", f"{cold['single_outlet']} / {cold['single_outlet_multi']}"),
        ("shared claims / recurrences across stories", f"{cold['claims']} / {cold['recurrences']}"),
        ("findings, default rules / with preview rules", f"{cold['findings']} / {preview['findings'] if preview else '-'}"),
        ("findings per 1,000 manifest articles, default / preview",
         f"{_per_k(cold['findings'], n)} / {_per_k(preview['findings'], n) if preview else '-'}"),
        ("notes", str(cold["notes"])),
    ])
    rules = sorted(set(cold["by_rule"]) | set(preview["by_rule"] if preview else ()))
    lines += _table(
        ("rule", "findings, default", "per 1,000 articles", "with preview", "per 1,000 articles"),
        [(rule, cold["by_rule"].get(rule, 0), _per_k(cold["by_rule"].get(rule, 0), n),
          preview["by_rule"].get(rule, 0) if preview else "-",
          _per_k(preview["by_rule"].get(rule, 0), n) if preview else "-") for rule in rules],
    )
    lines += story_table(cold["largest"])
    return "\n".join(lines)


def _commit_label(args: argparse.Namespace) -> str:
    if args.code == "head":
        return f"{args.commit} (HEAD when the run began, measured from `git archive`)"
    return f"{args.commit} + the working tree ({_tree_state()})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--repeat", type=int, default=1, help="cold runs and embed runs, alternated; medians compared")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".checker" / "bench-real")
    parser.add_argument("--code", choices=("head", "tree"), default="head")
    parser.add_argument("--no-preview", action="store_true")
    parser.add_argument("--no-append", action="store_true", help="print the section, do not append it")
    parser.add_argument("--note", default="")
    parser.add_argument("--phase")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--code-dir", type=Path)
    args = parser.parse_args()
    args.workdir = args.workdir.resolve()
    args.corpus = args.workdir / f"allsides-first-{args.articles}"
    if args.phase:
        _use_code(args)
        print(json.dumps(phase(args.phase, args)))
        return

    command = ".venv/bin/python benchmarks/bench_real.py " + " ".join(sys.argv[1:])
    args.workdir.mkdir(parents=True, exist_ok=True)
    _use_code(args)  # unpack the snapshot once, before any phase
    start = time.perf_counter()
    source = build_manifest(args.articles, args.corpus)
    (args.workdir / f"source-{args.articles}.json").write_text(json.dumps(source))
    print(f"manifest: {len(source['rows'])} articles, {source['first']}..{source['last']} "
          f"({time.perf_counter() - start:.0f} s)", file=sys.stderr, flush=True)
    colds, embeds = [], []
    for k in range(args.repeat):
        cache = args.workdir / f"cache-{args.articles}-{k}.sqlite"
        cache.unlink(missing_ok=True)
        colds.append(_run("cold", args, cache))
        embeds.append(_run("embed", args, cache))
    warm = _run("warm", args, cache)  # on the last cold run's cache
    preview = None if args.no_preview else _run("preview", args, cache)

    cold = _median_run(colds)
    (args.workdir / f"top-stories-{args.articles}.json").write_text(json.dumps(
        {"largest": cold["largest"], "notes": cold["note_list"]}, indent=1, ensure_ascii=False))
    text = report(args, source, colds, embeds, warm, preview, command)
    print(text)
    if not args.no_append:
        from _results import RESULTS

        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text + "\n")


if __name__ == "__main__":
    main()
