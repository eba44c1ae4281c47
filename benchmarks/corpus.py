"""A 10,000-article corpus from real text, for the scale benchmarks.

Real sentences only: the labelled eval data's sentences (ECB+ claim pairs, STS-B news
pairs) and the fixture articles' body sentences, reshuffled into stories. A story tells a
handful of claims from two to six outlets; a claim that has a labelled paraphrase (an
ECB+ same-event pair, an STS-B pair scored 4 or more) is worded either way, so outlets
sometimes copy a sentence word for word (wire copy) and sometimes paraphrase it. Each
article also carries one sentence no other outlet of its story has. Stories are spread
over two years, a few a day; one in twenty articles gives no date.

``python benchmarks/corpus.py OUT_DIR [--articles N]`` writes ``OUT_DIR/corpus.jsonl`` and
``OUT_DIR/new/`` (ten new articles: five joining stored stories, five of a new story).
Deterministic (fixed seed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
if not EVAL.is_dir():
    EVAL = Path("/work/shared/eval")

OUTLETS = (
    "Associated Wire", "Reuters Daily", "Coast Wire", "Daily Ledger", "Harbor Times", "Valley Herald",
    "Meridian Wire", "Northern Star", "City Courier", "Evening Post", "Morning Tribune", "Capital Journal",
    "Pacific Observer", "Atlantic Monitor", "Metro Gazette", "Global Dispatch", "Union Chronicle",
    "Riverside Bulletin", "Summit Review", "Lakeside Register", "Frontier News", "Harbour Mail",
    "Eastern Echo", "Western Sentinel",
)
START = dt.date(2023, 1, 2)
DAYS = 730


def _claims(rng: random.Random) -> tuple[list[tuple[str, ...]], list[str]]:
    """(paraphrase groups, single sentences) from the eval data and the fixtures."""
    groups: list[tuple[str, ...]] = []
    singles: set[str] = set()
    for line in (EVAL / "claim_pairs_ecbplus.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["label"] == 1:
            groups.append((row["a"], row["b"]))
        else:
            singles.update((row["a"], row["b"]))
    for name in ("similarity_stsb_train_news.jsonl", "similarity_stsb_dev_news.jsonl"):
        for line in (EVAL / name).open(encoding="utf-8"):
            row = json.loads(line)
            if row["score"] >= 4:
                groups.append((row["a"], row["b"]))
            else:
                singles.update((row["a"], row["b"]))
    sys.path.insert(0, str(ROOT))
    from checker.ingest import read_articles
    from checker.segment import segment

    articles, _ = read_articles([ROOT / "fixtures"])
    singles.update(s.text for a in articles for s in segment(a) if s.is_claim)
    in_groups = {t for g in groups for t in g}
    single_list = sorted(singles - in_groups)
    rng.shuffle(groups)
    rng.shuffle(single_list)
    return groups, single_list


def _article(rng: random.Random, claims: list[tuple[str, ...]], own: str) -> str:
    told = [rng.choice(c) for c in claims if rng.random() < 0.75] or [rng.choice(claims[0])]
    told.insert(rng.randint(0, len(told)), own)
    return "\n\n".join(told)


def build(out: Path, articles: int = 10_000, seed: int = 2024) -> tuple[Path, Path]:
    rng = random.Random(seed)
    groups, singles = _claims(rng)
    pool = [g for g in groups] + [(s,) for s in singles[: len(singles) // 2]]
    rng.shuffle(pool)
    own = singles[len(singles) // 2 :]
    rows: list[dict] = []
    stories: list[tuple[dt.date, list[tuple[str, ...]], list[str]]] = []
    cursor = own_cursor = 0
    while len(rows) < articles:
        size = rng.randint(5, 9)
        claims = [pool[(cursor + k) % len(pool)] for k in range(size)]
        cursor += size
        day = START + dt.timedelta(days=len(stories) * DAYS * 4 // articles)
        outlets = rng.sample(OUTLETS, rng.randint(2, 6))
        stories.append((day, claims, outlets))
        for outlet in outlets:
            row = {"outlet": outlet, "text": _article(rng, claims, own[own_cursor % len(own)])}
            own_cursor += 1
            if rng.random() > 0.05:
                row["published"] = (day + dt.timedelta(days=rng.randint(0, 1))).isoformat()
            row["title"] = " ".join(claims[0][0].split()[:8])
            rows.append(row)
    rows = rows[:articles]
    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows), encoding="utf-8")

    new = out / "new"
    new.mkdir(exist_ok=True)
    joining = [stories[i] for i in range(len(stories) // 2, len(stories) // 2 + 5)]
    fresh_claims = [pool[(cursor + k) % len(pool)] for k in range(7)]
    fresh_day = joining[0][0]
    for n in range(10):
        if n < 5:
            day, claims, outlets = joining[n]
            outlet = next(o for o in OUTLETS if o not in outlets)
        else:
            day, claims, outlet = fresh_day, fresh_claims, OUTLETS[n]
        text = _article(rng, claims, own[(own_cursor + n) % len(own)])
        (new / f"new-{n:02d}.txt").write_text(
            f"---\noutlet: {outlet}\npublished: {day.isoformat()}\n---\n{text}\n", encoding="utf-8"
        )
    return corpus, new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    corpus, new = build(args.out, args.articles)
    print(f"wrote {corpus} and {new}/")


if __name__ == "__main__":
    main()
