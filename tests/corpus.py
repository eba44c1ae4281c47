"""A larger corpus for scale tests, made from the fixture articles' real sentences.

Stories are drawn at random (fixed seed) from the body sentences of every fixture, each
story telling its own mix of them from two to four outlets, a few days apart from the
next story; some articles give no date, so blocked search meets year-less and undated
articles too. Not copies of one article: every article is a different selection.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from checker.eval import write_topic_stories
from checker.ingest import read_articles
from checker.segment import segment

OUTLETS = ("Coast Wire", "Daily Ledger", "Harbor Times", "Valley Herald", "Meridian Wire")


def fixture_sentences() -> list[str]:
    articles, _ = read_articles(["fixtures"])
    return sorted({s.text for a in articles for s in segment(a) if s.is_claim and len(s.text) > 40})


def write_manifest(path: Path, stories: int, seed: int = 7) -> Path:
    """A JSONL manifest of about ``3 * stories`` articles; returns ``path``."""
    rng = random.Random(seed)
    pool = fixture_sentences()
    start = dt.date(2021, 1, 4)
    rows = []
    for story in range(stories):
        told = rng.sample(pool, 10)
        day = start + dt.timedelta(days=6 * story + rng.randint(0, 2))
        for outlet in rng.sample(OUTLETS, rng.randint(2, 4)):
            chosen = sorted(rng.sample(range(len(told)), rng.randint(4, 8)))
            row = {"outlet": outlet, "text": "\n\n".join(told[i] for i in chosen)}
            if rng.random() > 0.1:  # one in ten gives no date
                row["published"] = (day + dt.timedelta(days=rng.randint(0, 1))).isoformat()
            rows.append(row)
    path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows), encoding="utf-8")
    return path


ECB_SAMPLE = Path(__file__).resolve().parent / "data" / "claim_pairs_ecbplus_sample.jsonl"


def write_ecb_manifest(path: Path, seed: int = 11) -> Path:
    """One story per ECB+ topic of the labelled sample (``eval.write_topic_stories``)."""
    return write_topic_stories(ECB_SAMPLE, path, seed)
