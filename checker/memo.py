"""A whole run's result, kept for the same input: a warm re-run of an unchanged corpus
reads it back instead of grouping, matching and running rules again.

The key hashes everything a result depends on: every article as read (text and
metadata), the reading notes, the settings, the model id, the rules (built-in rule
classes and YAML rules) and the source of this package. Change any of them and the key
changes, so an entry is never stale. Values are compressed JSON (never pickle: a cache
file must not be able to run code), in the embedding cache's SQLite file.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from .models import (
    Article,
    CheckResult,
    Claim,
    Evidence,
    Finding,
    Inferred,
    Recurrence,
    Sentence,
    Severity,
    Story,
)

FORMAT = 2  # bump when the JSON layout below changes


@cache
def code_fingerprint() -> str:
    """Hash of this package's source and shipped rule files: a code change is a new key."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    files = sorted(package.rglob("*.py")) + sorted((package.parent / "claims").glob("*.y*ml"))
    for path in files:
        digest.update(path.as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_key(articles: Sequence[Article], notes: Sequence[str], settings: object, ruleset: object, model: str) -> str:
    """The memo key of a run; ``settings`` and ``ruleset`` are hashed by their repr (with
    object addresses removed, so equal settings give equal keys across processes)."""
    digest = hashlib.sha256(f"{FORMAT}\x1f{code_fingerprint()}\x1f{model}\x1f".encode())
    rules = [type(r).__module__ + "." + type(r).__qualname__ for r in getattr(ruleset, "rules", ())]
    yaml = getattr(ruleset, "yaml_rules", ())
    for part in (repr(settings), repr(rules), repr(yaml)):
        digest.update(re.sub(r" at 0x[0-9a-f]+", "", part).encode())
        digest.update(b"\x1f")
    for article in articles:
        digest.update(json.dumps(article_to_dict(article), sort_keys=True).encode())
    digest.update(json.dumps(list(notes)).encode())
    return digest.hexdigest()


# --- CheckResult <-> JSON ----------------------------------------------------------------
def article_to_dict(a: Article) -> dict:
    return {
        "path": a.path, "text": a.text, "outlet": a.outlet,
        "published": a.published.isoformat() if a.published else None,
        "title": a.title, "url": a.url, "language": a.language, "story": a.story,
        "inferred": [[i.field, i.value, i.source] for i in a.inferred],
        "content_hash": a.content_hash, "line_offset": a.line_offset,
    }


def article_from_dict(d: dict) -> Article:
    return Article(
        path=d["path"], text=d["text"], outlet=d["outlet"],
        published=dt.date.fromisoformat(d["published"]) if d["published"] else None,
        title=d["title"], url=d["url"], language=d["language"], story=d["story"],
        inferred=tuple(Inferred(*i) for i in d["inferred"]),
        content_hash=d["content_hash"], line_offset=d["line_offset"],
    )


# Field names, looked up once (dataclasses.asdict deep-copies and is slow for 100k values).
_FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(Finding) if f.name not in ("evidence", "severity"))
_EVIDENCE_FIELDS = tuple(f.name for f in dataclasses.fields(Evidence))


def _sentence_key(s: Sentence) -> list:
    return [s.article, s.index]


def result_to_json(result: CheckResult) -> str:
    return json.dumps(
        {
            "articles": [article_to_dict(a) for a in result.articles],
            "sentences": [[s.article, s.index, s.start, s.end, s.kind] for s in result.sentences],
            "stories": [[s.id, list(s.articles), s.reason] for s in result.stories],
            "claims": [[c.id, c.story, [_sentence_key(s) for s in c.sentences], c.similarity] for c in result.claims],
            "recurrences": _recurrences_to_json(result),
            "findings": [
                {**{name: getattr(x, name) for name in _FINDING_FIELDS}, "severity": x.severity.value,
                 "evidence": [{name: getattr(e, name) for name in _EVIDENCE_FIELDS} for e in x.evidence]}
                for x in result.findings
            ],
            "notes": list(result.notes),
            "model": result.model,
        },
        sort_keys=True,
    )


def result_from_json(text: str) -> CheckResult:
    d = json.loads(text)
    articles = tuple(article_from_dict(a) for a in d["articles"])
    body = {a.id: a.text for a in articles}
    sentences = tuple(Sentence(a, i, s, e, body[a][s:e], k) for a, i, s, e, k in d["sentences"])
    by_key = {(s.article, s.index): s for s in sentences}
    stories = tuple(Story(i, tuple(a), r) for i, a, r in d["stories"])
    return CheckResult(
        articles=articles,
        sentences=sentences,
        stories=stories,
        claims=tuple(Claim(i, st, tuple(by_key[tuple(k)] for k in ks), sim) for i, st, ks, sim in d["claims"]),
        findings=tuple(
            Finding(**{**f, "severity": Severity(f["severity"]), "evidence": tuple(Evidence(**e) for e in f["evidence"])})
            for f in d["findings"]
        ),
        recurrences=_recurrences_from_json(d["recurrences"], sentences, stories),
        notes=tuple(d["notes"]),
        model=d["model"],
    )


def _recurrences_to_json(result: CheckResult) -> dict:
    """Recurrences as positions in ``result.sentences`` and ``result.stories`` (a recurrence
    joins two sentences of two stories), packed as base64 arrays: a big corpus has
    millions, and nested JSON lists of them parse slowly."""
    position = {(s.article, s.index): n for n, s in enumerate(result.sentences)}
    story_index = {st.id: n for n, st in enumerate(result.stories)}
    pairs = [position[(s.article, s.index)] for r in result.recurrences for s in r.sentences]
    stories = [story_index[st] for r in result.recurrences for st in r.stories]
    if len(stories) != 2 * len(result.recurrences):
        raise ValueError("a recurrence must join exactly two stories")
    return {
        "sentences": _pack(np.array(pairs, dtype=np.int64)),
        "stories": _pack(np.array(stories, dtype=np.int64)),
        "similarity": _pack(np.array([r.similarity for r in result.recurrences], dtype=np.float64)),
    }


def _recurrences_from_json(d: dict, sentences: Sequence[Sentence], stories: Sequence[Story]) -> tuple[Recurrence, ...]:
    pairs = np.frombuffer(base64.b64decode(d["sentences"]), dtype=np.int64).reshape(-1, 2).tolist()
    story_pairs = np.frombuffer(base64.b64decode(d["stories"]), dtype=np.int64).reshape(-1, 2).tolist()
    similarity = np.frombuffer(base64.b64decode(d["similarity"]), dtype=np.float64).tolist()
    ids = [st.id for st in stories]
    return tuple(
        Recurrence((ids[x], ids[y]), (sentences[a], sentences[b]), sim)
        for (x, y), (a, b), sim in zip(story_pairs, pairs, similarity)
    )


def _pack(values: np.ndarray) -> str:
    return base64.b64encode(values.tobytes()).decode("ascii")
