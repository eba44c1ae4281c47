"""Site boilerplate: the lines an outlet repeats in articles about different events.

A site's page furniture survives text extraction as sentences: "Advertisement Continue
reading the main story" and a newsletter sign-up form in 120 of 170 New York Times
articles of one week, Politico's "Story continued below", CNN's "Follow the Ticker on
Twitter". As claims they are worse than noise: two unrelated articles of one outlet then
"share N near-identical sentences", the strongest link story grouping knows, and stories
grow into topic blobs (benchmarks/RESULTS.md, 1,000 AllSides articles). Segmenting one
article cannot tell them from a claim; the run can: a sentence one outlet writes word for
word in articles published on several different days is the site's, not the event's.

Small runs (a few articles an outlet, as when checking one event) have nothing to find.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from .models import Article, Sentence

#: Articles of one outlet that carry the sentence, at least, on as many different days
#: (an undated article counts as a day of its own). One event's articles seldom span
#: three days with a sentence repeated word for word; a site's furniture always does.
MIN_ARTICLES = 3
MIN_DAYS = 3

_NOT_WORD = re.compile(r"\W+")


def repeat_key(text: str) -> str:
    """What "word for word" compares: the words, case and punctuation aside."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def is_furniture(days: Sequence[object]) -> bool:
    """Whether one outlet's sentence, carried by articles published on ``days`` (one entry
    an article; an undated article is a day of its own), is its site's furniture. The
    store asks the same question of its counts (``store.py``), so a stored run and a
    batch run over the same articles agree."""
    return len(days) >= MIN_ARTICLES and len(set(days)) >= MIN_DAYS


def mark_boilerplate(articles: Sequence[Article], sentences: Sequence[Sentence]) -> list[Sentence]:
    """``sentences`` with each outlet's repeated page furniture marked ``"boilerplate"``
    (no longer a claim), in the same order; everything else unchanged."""
    article_of = {a.id: a for a in articles}
    # (outlet, text) of each claim sentence, None for the others; then its articles.
    keys = [
        (article_of[s.article].outlet, repeat_key(s.text)) if s.is_claim and s.article in article_of else None
        for s in sentences
    ]
    carried: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, key in zip(sentences, keys):
        if key is not None:
            carried[key].add(s.article)
    furniture = {key for key, ids in carried.items() if is_furniture([article_of[i].published or i for i in ids])}
    return [replace(s, kind="boilerplate") if key in furniture else s for s, key in zip(sentences, keys)]
