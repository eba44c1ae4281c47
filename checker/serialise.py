"""Every way a run is written down and read back, in one place: articles (the store's rows,
the run memo), whole results (the run memo) and findings (the JSON report, baselines).

JSON only, never pickle: a cache or store file must not be able to run code. Whole results
are packed column-wise (strings interned, numbers base64) because a warm re-run of a large
corpus reads one back instead of grouping, matching and running rules again.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict

import numpy as np

from .models import (
    Article,
    CheckResult,
    Claim,
    Evidence,
    Finding,
    Inferred,
    Recurrence,
    RuleInfo,
    Sentence,
    Severity,
    Story,
)

FORMAT = 5  # bump when the JSON layout of a whole result changes (it is part of the memo key)


def finding_to_dict(f: Finding) -> dict:
    return {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity.value,
        "message": f.message,
        "story": f.story,
        "claim": f.claim,
        "key": f.key,
        "fingerprint": f.fingerprint,
        "confidence": f.confidence,
        "evidence": [asdict(e) for e in f.evidence],
    }



def article_to_dict(a: Article) -> dict:
    return {
        "path": a.path, "text": a.text, "outlet": a.outlet,
        "published": a.published.isoformat() if a.published else None,
        "title": a.title, "url": a.url, "language": a.language, "story": a.story,
        "inferred": [[i.field, i.value, i.source] for i in a.inferred],
        "content_hash": a.content_hash, "line_offset": a.line_offset,
        "source_map": base64.b64encode(a.source_map).decode("ascii"),
    }


def article_from_dict(d: dict) -> Article:
    return Article(
        path=d["path"], text=d["text"], outlet=d["outlet"],
        published=dt.date.fromisoformat(d["published"]) if d["published"] else None,
        title=d["title"], url=d["url"], language=d["language"], story=d["story"],
        inferred=tuple(Inferred(*i) for i in d["inferred"]),
        content_hash=d["content_hash"], line_offset=d["line_offset"],
        source_map=base64.b64decode(d.get("source_map", "")),
    )


class _Strings:
    """A table of distinct strings: a column of them is stored as positions in it (-1 for
    None). Findings repeat the same sentences, outlets, paths and rule names many times."""

    def __init__(self) -> None:
        self.table: list[str] = []
        self._position: dict[str, int] = {}

    def column(self, values: Sequence[str | None]) -> str:
        position, table = self._position, self.table
        for value in values:
            if value is not None and value not in position:
                position[value] = len(table)
                table.append(value)
        return _ints([-1 if v is None else position[v] for v in values])


# Columns of the stored findings and evidence: string ("s") or integer ("i") fields, in
# the order of the dataclass fields (so rows rebuild positionally, without keyword dicts).
_FINDING_COLUMNS = {f.name: "s" for f in dataclasses.fields(Finding) if f.name != "evidence"}
_EVIDENCE_COLUMNS = {f.name: "i" if f.type == "int" else "s" for f in dataclasses.fields(Evidence)}


def _table(rows: Sequence[object], columns: dict[str, str], strings: _Strings, value=getattr) -> dict[str, str]:
    return {
        name: strings.column([value(r, name) for r in rows]) if kind == "s"
        else _ints([value(r, name) for r in rows])
        for name, kind in columns.items()
    }


def _rows(packed: dict[str, str], columns: dict[str, str], table: Sequence[str]) -> list[tuple]:
    """The rows of a table written by :func:`_table`, as tuples in column order."""
    decoded = []
    for name, kind in columns.items():
        values = _unpack(packed[name])
        decoded.append([None if n < 0 else table[n] for n in values] if kind == "s" else values)
    return list(zip(*decoded))


def _finding_value(finding: Finding, name: str) -> object:
    if name == "confidence":
        return repr(finding.confidence)  # a string column: floats round-trip through repr
    return finding.severity.value if name == "severity" else getattr(finding, name)


def result_to_json(result: CheckResult) -> str:
    """The result as JSON; long lists are packed columns (see :class:`_Strings`): a big
    corpus has 100,000 sentences and findings, which nested JSON would make slow to read."""
    strings = _Strings()
    article_index = {a.id: n for n, a in enumerate(result.articles)}
    position = {(s.article, s.index): n for n, s in enumerate(result.sentences)}
    sentences = result.sentences
    evidence = [e for f in result.findings for e in f.evidence]
    return json.dumps(
        {
            "articles": [article_to_dict(a) for a in result.articles],
            "sentences": {
                "article": _ints([article_index[s.article] for s in sentences]),
                "index": _ints([s.index for s in sentences]),
                "start": _ints([s.start for s in sentences]),
                "end": _ints([s.end for s in sentences]),
                "kind": strings.column([s.kind for s in sentences]),
            },
            "stories": [[s.id, list(s.articles), s.reason] for s in result.stories],
            "claims": {
                "id": strings.column([c.id for c in result.claims]),
                "story": strings.column([c.story for c in result.claims]),
                "sentences": _ints([position[(s.article, s.index)] for c in result.claims for s in c.sentences]),
                "counts": _ints([len(c.sentences) for c in result.claims]),
                "similarity": _floats([c.similarity for c in result.claims]),
            },
            "recurrences": _recurrences_to_json(result, position),
            "findings": _table(result.findings, _FINDING_COLUMNS, strings, _finding_value),
            "evidence": _table(evidence, _EVIDENCE_COLUMNS, strings),
            "evidence_counts": _ints([len(f.evidence) for f in result.findings]),
            "strings": strings.table,
            "notes": list(result.notes),
            "model": result.model,
            "rules": [[r.code, r.name, r.severity.value, r.summary, r.help, r.builtin] for r in result.rules],
        },
        sort_keys=True,
    )


def result_from_json(text: str) -> CheckResult:
    d = json.loads(text)
    table = d["strings"]
    articles = tuple(article_from_dict(a) for a in d["articles"])
    packed = d["sentences"]
    sentences = tuple(
        Sentence(articles[a].id, i, start, end, articles[a].text[start:end], table[k])
        for a, i, start, end, k in zip(*(_unpack(packed[name]) for name in ("article", "index", "start", "end", "kind")))
    )
    stories = tuple(Story(i, tuple(a), r) for i, a, r in d["stories"])
    claims = d["claims"]
    members = _split(_unpack(claims["sentences"]), _unpack(claims["counts"]))
    evidence = [Evidence(*row) for row in _rows(d["evidence"], _EVIDENCE_COLUMNS, table)]
    finding_evidence = _split(evidence, _unpack(d["evidence_counts"]))
    severity = list(_FINDING_COLUMNS).index("severity")
    confidence = list(_FINDING_COLUMNS).index("confidence")
    findings = []
    for row, own in zip(_rows(d["findings"], _FINDING_COLUMNS, table), finding_evidence):
        row = list(row)
        row[severity] = Severity(row[severity])
        row[confidence] = float(row[confidence])
        row.insert(_EVIDENCE_AT, tuple(own))
        findings.append(Finding(*row))
    return CheckResult(
        articles=articles,
        sentences=sentences,
        stories=stories,
        claims=tuple(
            Claim(table[i], table[st], tuple(sentences[n] for n in ns), sim)
            for i, st, ns, sim in zip(_unpack(claims["id"]), _unpack(claims["story"]), members, _unpack(claims["similarity"], np.float64))
        ),
        findings=tuple(findings),
        recurrences=_recurrences_from_json(d["recurrences"], sentences, stories),
        notes=tuple(d["notes"]),
        model=d["model"],
        rules=tuple(RuleInfo(code, name, Severity(sev), summary, help_, builtin) for code, name, sev, summary, help_, builtin in d["rules"]),
    )


_EVIDENCE_AT = [f.name for f in dataclasses.fields(Finding)].index("evidence")


def _split(flat: list, counts: list[int]) -> list[list]:
    """``flat`` cut into consecutive runs of the given lengths."""
    ends = np.cumsum(counts, dtype=np.int64).tolist()
    return [flat[end - n : end] for n, end in zip(counts, ends)]


def _recurrences_to_json(result: CheckResult, position: dict[tuple[str, int], int]) -> dict:
    """Recurrences as sentence positions (``position``) and story indices, each list
    flattened with one length per recurrence and packed as base64 arrays: a big corpus
    has tens of thousands of occurrences, and nested JSON lists of them parse slowly."""
    story_index = {st.id: n for n, st in enumerate(result.stories)}
    recurrences = result.recurrences
    return {
        "sentences": _ints([position[(s.article, s.index)] for r in recurrences for s in r.sentences]),
        "sentence_counts": _ints([len(r.sentences) for r in recurrences]),
        "stories": _ints([story_index[st] for r in recurrences for st in r.stories]),
        "story_counts": _ints([len(r.stories) for r in recurrences]),
        "similarity": _floats([r.similarity for r in recurrences]),
    }


def _recurrences_from_json(d: dict, sentences: Sequence[Sentence], stories: Sequence[Story]) -> tuple[Recurrence, ...]:
    members = _split(_unpack(d["sentences"]), _unpack(d["sentence_counts"]))
    in_stories = _split(_unpack(d["stories"]), _unpack(d["story_counts"]))
    return tuple(
        Recurrence(tuple(stories[x].id for x in xs), tuple(sentences[n] for n in ns), sim)
        for xs, ns, sim in zip(in_stories, members, _unpack(d["similarity"], np.float64))
    )


def _pack(values: np.ndarray) -> str:
    return base64.b64encode(values.tobytes()).decode("ascii")


def _ints(values: list[int]) -> str:
    return _pack(np.array(values, dtype=np.int64))


def _floats(values: list[float]) -> str:
    return _pack(np.array(values, dtype=np.float64))


def _unpack(packed: str, dtype: type = np.int64) -> list:
    return np.frombuffer(base64.b64decode(packed), dtype=dtype).tolist()
