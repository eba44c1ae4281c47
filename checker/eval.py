"""Measure quality: labelled sentence/name pairs, and fixture stories' ``expected.yaml``.

Pairs (``checker eval pairs``): ``{"a", "b", "label"}`` lines (or ``score`` 0..5 for
graded similarity). ``claim`` pairs are scored by ``similarity.claim_scores`` and decided
by the claim cut the pipeline uses; ``name`` pairs by ``entities.entity_score``, whose cut
is the linking decision of the name-variant rule. No separate code path.

Fixtures (``checker eval findings``):
A fixture lists the discrepancies a careful editor would flag (``expected``) and the
look-alikes that must not be flagged (``traps``); see ``fixtures/README.md``. A finding
matches an entry when its rule agrees and every ``contains`` string occurs in one of its
evidence spans. Per rule: precision = matched findings / findings, recall = expected
entries found / expected entries.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from . import similarity
from .embed import SentenceTransformerEmbedder, embed_texts
from .errors import InputError
from .judged import pairwise_agreement
from .models import CheckResult, Finding
from .pipeline import check
from .rules import builtin_rules
from .rules._common import pairs_across_outlets
from .rules.builtin.ck103_number_mismatch import _conflicts as number_conflicts
from .rules.builtin.ck104_date_mismatch import _conflicts as date_conflicts
from .similarity import CLAIM_THRESHOLD
from .text.names import DEFAULT_NAME_THRESHOLD, entity_score

TASKS = ("claim", "name")


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    label: int | None = None  # 1 same / 0 different
    score: float | None = None  # graded 0..5


@dataclass(frozen=True)
class PairsReport:
    """How one decision does on one file of labelled pairs."""

    task: str
    path: str
    pairs: int
    threshold: float
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    spearman: float | None = None  # graded files only
    best_threshold: float | None = None  # with sweep
    best_precision: float | None = None
    best_recall: float | None = None
    best_f1: float | None = None


def read_pairs(path: str | Path) -> list[Pair]:
    """Read a JSONL file of pairs; a bad line is an InputError naming ``path:line``."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read pairs file: {exc}") from exc
    pairs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("a"), str) or not isinstance(row.get("b"), str):
                raise ValueError("needs string fields 'a' and 'b'")
            label = row.get("label")
            score = row.get("score")
            if label is None and score is None:
                raise ValueError("needs 'label' (0/1) or 'score' (0..5)")
            pairs.append(Pair(row["a"], row["b"], None if label is None else int(label), None if score is None else float(score)))
        except (ValueError, TypeError) as exc:
            raise InputError(f"{path}:{number}: {exc} (one JSON object per line: {{\"a\", \"b\", \"label\"}})") from exc
    if not pairs:
        raise InputError(f"{path}: no pairs found")
    return pairs


def pair_scores(task: str, pairs: Sequence[Pair], embedder=None, cache=None) -> np.ndarray:
    """The score the pipeline's decision cuts, for every pair."""
    if task == "name":
        return np.array([entity_score(p.a, p.b) for p in pairs])
    if task == "claim":
        embedder = embedder or SentenceTransformerEmbedder()
        a = [p.a for p in pairs]
        b = [p.b for p in pairs]
        va, vb = embed_texts(a, embedder, cache), embed_texts(b, embedder, cache)
        cosines = np.sum(va * vb, axis=1)
        return similarity.claim_scores(a, b, cosines, similarity.ScoringContext.from_texts(a + b))
    raise InputError(f"unknown task {task!r}; choose one of: {', '.join(TASKS)}")


def default_threshold(task: str) -> float:
    return DEFAULT_NAME_THRESHOLD if task == "name" else CLAIM_THRESHOLD


def _prf(predicted: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(predicted & labels))
    precision = tp / float(predicted.sum()) if predicted.any() else 0.0
    recall = tp / float(labels.sum()) if labels.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import spearmanr  # a second of imports, only for this score

    value = float(spearmanr(x, y).statistic)
    return 0.0 if math.isnan(value) else value


def evaluate_pairs(
    task: str, path: str, pairs: Sequence[Pair], scores: np.ndarray, threshold: float | None = None, sweep: bool = False
) -> PairsReport:
    """Precision/recall/F1 at the threshold (or Spearman for graded pairs); ``sweep`` adds
    the best-F1 threshold."""
    threshold = default_threshold(task) if threshold is None else threshold
    scores = np.round(np.asarray(scores, dtype=float), 6)
    if all(p.label is None for p in pairs):
        return PairsReport(task, path, len(pairs), threshold, spearman=_spearman(scores, np.array([p.score for p in pairs])))
    labels = np.array([p.label == 1 for p in pairs])
    precision, recall, f1 = _prf(scores >= threshold, labels)
    report = PairsReport(task, path, len(pairs), threshold, precision, recall, f1)
    if not sweep:
        return report
    best = max(
        ((float(cut), *_prf(scores >= cut, labels)) for cut in np.unique(scores)),
        key=lambda row: (row[3], -abs(row[0] - threshold)),
    )
    return PairsReport(task, path, len(pairs), threshold, precision, recall, f1, None, *best)


@dataclass(frozen=True)
class Expectation:
    rule: str  # rule name or code; "any" for traps that forbid every rule
    contains: tuple[str, ...]
    note: str = ""
    story: str | None = None
    known_miss: str = ""  # why the tool misses it today; still counted in recall

    def matches(self, finding: Finding) -> bool:
        if self.rule != "any" and self.rule not in (finding.rule, finding.name):
            return False
        if self.story is not None and finding.story != self.story:
            return False
        spans = [e.text.casefold() for e in finding.evidence]
        return all(any(c.casefold() in span for span in spans) for c in self.contains)


@dataclass(frozen=True)
class RuleScore:
    rule: str
    findings: int
    matched_findings: int
    expected: int
    found: int

    @property
    def precision(self) -> float | None:
        return self.matched_findings / self.findings if self.findings else None

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None


@dataclass(frozen=True)
class FixtureScore:
    fixture: str
    found: tuple[Expectation, ...]
    missed: tuple[Expectation, ...]
    trap_hits: tuple[tuple[Expectation, Finding], ...]
    unexpected: tuple[Finding, ...]  # findings no expected entry accounts for
    findings: tuple[Finding, ...]


def load_expectations(path: str | Path) -> tuple[list[Expectation], list[Expectation]]:
    """The (expected, traps) entries of an ``expected.yaml``."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read expectations: {exc}") from exc

    def entries(key: str) -> list[Expectation]:
        out = []
        for item in data.get(key) or []:
            if not isinstance(item, dict) or "rule" not in item:
                raise InputError(f"{path}: each entry under {key!r} needs a 'rule' (see fixtures/README.md)")
            out.append(
                Expectation(
                    rule=str(item["rule"]),
                    contains=tuple(str(c) for c in item.get("contains") or ()),
                    note=str(item.get("note", "")),
                    story=item.get("story"),
                    known_miss=str(item.get("known_miss", "")),
                )
            )
        return out

    return entries("expected"), entries("traps")


def score_fixture(name: str, result: CheckResult, expected: Sequence[Expectation], traps: Sequence[Expectation]) -> FixtureScore:
    found = tuple(e for e in expected if any(e.matches(f) for f in result.findings))
    missed = tuple(e for e in expected if e not in found)
    hits = tuple((t, f) for t in traps for f in result.findings if t.matches(f))
    unexpected = tuple(f for f in result.findings if not any(e.matches(f) for e in expected))
    return FixtureScore(name, found, missed, hits, unexpected, result.findings)


def score_rules(scores: Iterable[FixtureScore]) -> list[RuleScore]:
    """Precision and recall per rule name over several fixtures: one row per finding and
    per expected entry, summed per rule (a pandas table)."""
    import pandas as pd  # a second of imports, only for this table

    rows = []
    for score in scores:
        expected_all = score.found + score.missed
        rows += [(f.name, 1, any(e.matches(f) for e in expected_all), 0, 0) for f in score.findings]
        rows += [(_rule_name(e.rule, score.findings), 0, 0, 1, e in score.found) for e in expected_all]
    columns = ["rule", "findings", "matched_findings", "expected", "found"]
    totals = pd.DataFrame(rows, columns=columns).astype({c: int for c in columns[1:]}).groupby("rule").sum()
    return [RuleScore(str(rule), *(int(n) for n in counts)) for rule, counts in zip(totals.index, totals.to_numpy())]


def _rule_name(rule: str, findings: Sequence[Finding]) -> str:
    for f in findings:
        if rule in (f.rule, f.name):
            return f.name
    for cls in builtin_rules():
        if rule == cls.code:
            return cls.name
    return rule


# --------------------------------------------------------------- claims in mixed stories

#: The outlets that tell the stories built from a pair file's topics.
TOPIC_OUTLETS = ("Coast Wire", "Daily Ledger", "Harbor Times", "Valley Herald", "Meridian Wire")


def write_topic_stories(pairs_path: str | Path, out_path: Path, seed: int = 11, *, blind: bool = False) -> Path:
    """A JSONL manifest with one story per ``topic`` of a labelled pair file (ECB+ has
    them): three outlets tell a third each of the topic's sentences, which report several
    events of one kind (two celebrities in rehab, two earthquakes). Paraphrases, never
    copies: the case where claims could chain sentences about different events.

    ``blind``: no story field and one publication date for all, so that story grouping
    must tell the topics apart from the text alone (``topic_grouping``)."""

    rng = random.Random(seed)
    by_topic: dict[str, set[str]] = {}
    for number, line in enumerate(Path(pairs_path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            if "topic" not in row:
                raise InputError(f"{pairs_path}:{number}: no 'topic': stories are built per topic")
            by_topic.setdefault(str(row["topic"]), set()).update((row["a"], row["b"]))
    rows = []
    for n, topic in enumerate(sorted(by_topic, key=lambda t: (len(t), t))):  # "2" before "10"
        told = sorted(by_topic[topic])
        if len(told) < 6:
            continue
        rng.shuffle(told)
        for k, outlet in enumerate(rng.sample(TOPIC_OUTLETS, 3)):  # each outlet its own sentences
            row = {
                "outlet": outlet, "story": f"topic-{topic}", "text": "\n\n".join(told[k::3]),
                "published": (dt.date(2021, 1, 4) + dt.timedelta(days=0 if blind else n)).isoformat(),
            }
            if blind:
                row["topic"] = row.pop("story")  # kept for scoring; ingest reads no such field
            rows.append(row)
    out_path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows), encoding="utf-8")
    return out_path


@dataclass(frozen=True)
class ClaimPurity:
    """Whether a run's claims join sentences that labelled pairs say report different
    events. Claims are finer than events (two sentences on one event need not state the
    same thing), so only a pair labelled "different event" inside a claim is an error."""

    claims: int
    labelled: int  # sentence pairs inside a claim, from two outlets, that the file labels
    same_event: int  # ... of which labelled the same event
    same_event_pairs: int  # pairs labelled the same event, told by two outlets of one story
    mixed: tuple[tuple[str, str, str], ...] = ()  # (claim, text, text) labelled different events

    @property
    def precision(self) -> float | None:
        return self.same_event / self.labelled if self.labelled else None


def claim_purity(result: CheckResult, pairs: Sequence[Pair]) -> ClaimPurity:
    """Score the claims of ``result`` against the labels of ``pairs`` (matched by text)."""
    label = {frozenset((p.a, p.b)): p.label for p in pairs if p.label is not None and p.a != p.b}
    outlet = {a.id: a.outlet for a in result.articles}
    labelled = same = 0
    mixed = []
    for claim in result.claims:
        for x, y in pairs_across_outlets(claim, outlet.__getitem__):
            known = label.get(frozenset((x.text, y.text)))
            if known is not None:
                labelled += 1
                same += known
                if not known:
                    mixed.append((claim.id, x.text, y.text))
    story_of = {a: st.id for st in result.stories for a in st.articles}
    told = {s.text: (story_of.get(s.article), outlet[s.article]) for s in result.sentences}
    across = 0  # same-event pairs that two outlets of one story tell
    for texts, known in label.items():
        a, b = sorted(texts)
        across += bool(known and a in told and b in told and told[a][0] == told[b][0] and told[a][1] != told[b][1])
    return ClaimPurity(len(result.claims), labelled, same, across, tuple(mixed))


# --------------------------------------------------------------- number and date pairs


@dataclass(frozen=True)
class ConflictPair:
    """A hand-labelled pair of real sentences (``benchmarks/number_pairs/``): ``conflict``
    when both state the same fact with values that disagree, ``trap`` when they only look
    like it (rounding, conversions, another fact)."""

    line: int
    verdict: str
    kind: str
    thing: str
    a: str
    b: str
    flagged: tuple[str, ...]  # what the number and date rules flag in the pair


def _once(text: str) -> str:
    """ECB+ sometimes repeats a sentence twice in one field: keep one copy."""
    half = len(text) // 2
    return text[:half].strip() if len(text) % 2 == 1 and text[:half] == text[half + 1 :] else text


def conflict_pairs(labels_path: str | Path, pairs_path: str | Path) -> list[ConflictPair]:
    """Every labelled pair, with what CK103 and CK104 flag in it (as one claim, no dates)."""
    labels = yaml.safe_load(Path(labels_path).read_text(encoding="utf-8"))["pairs"]
    rows = Path(pairs_path).read_text(encoding="utf-8").splitlines()
    out = []
    for label in labels:
        row = json.loads(rows[label["line"] - 1])
        a, b = _once(row["a"]), _once(row["b"])
        flagged = [f"{x.text} / {y.text}" for x, y in number_conflicts(a, b)]
        flagged += [f"{x.text} / {y.text}" for x, y in date_conflicts(a, None, b, None)]
        out.append(ConflictPair(label["line"], label["verdict"], label["kind"], label["thing"], str(label["a"]), str(label["b"]), tuple(flagged)))
    return out


@dataclass(frozen=True)
class TopicGrouping:
    """Story grouping of ECB+ topics told by three outlets each on one day, no story field:
    pairwise precision and recall of "same story" against "same topic"."""

    articles: int
    topics: int
    precision: float
    recall: float


def topic_grouping(pairs_path: str | Path, work: Path, settings, embedder) -> TopicGrouping:
    """Group the blind topic manifest of ``pairs_path`` and score it against the topics."""
    manifest = write_topic_stories(pairs_path, work / "ecb-topics-blind.jsonl", blind=True)
    topics = [json.loads(line)["topic"] for line in manifest.read_text(encoding="utf-8").splitlines()]
    result = check([manifest], settings, embedder=embedder)
    topic_of = {a.id: topics[int(a.path.rpartition("#")[2]) - 1] for a in result.articles}
    story_of = {a: st.id for st in result.stories for a in st.articles}
    precision, recall = pairwise_agreement(story_of, topic_of)
    return TopicGrouping(len(topic_of), len(set(topics)), precision, recall)
