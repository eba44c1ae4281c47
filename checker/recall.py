"""Recall on real news: what expert annotators saw differ between outlets, and whether
the findings of a run name it.

Two target lists are derived from the annotations of ``shared/eval/stories`` by rules
written down here (and in docs/quality.md), never by hand-picking:

- **NewsWCL50 label differences.** For each coded concept that is not a country
  (``concept_mentions.jsonl``), a *loaded label* is a mention of the concept by outlet X
  of at most :data:`LABEL_WORDS` words holding a word the VADER lexicon scores as loaded
  (|valence| >= 1.0, ``text.connotation``) that is not part of the concept's own name. It
  is a target when another outlet Y mentions the concept at least :data:`MIN_MENTIONS`
  times and never with that word: Y labels the same thing differently. One target per
  (event, concept, loaded word).
  *Found*: a finding that names the label: an evidence span from X of at most
  :data:`NAMED_WORDS` words containing the word (a whole sentence that happens to hold
  it does not name it), and evidence from one of those Y outlets. *Partly found*: such a
  span from X without Y.
- **BASIL lexical bias.** Each span the experts marked as lexical bias (a loaded word:
  "slammed", "fierce") in outlet X whose words no other outlet of the event uses: the
  others word it differently or leave it out.
  *Found*: a finding with an evidence span from X in the annotated sentence, sharing a
  word with the span and at most :data:`NAMED_WORDS` words longer than it, and evidence
  from another outlet. *Partly found*: such a span from X only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .models import CheckResult, Finding
from .text.connotation import is_loaded

LABEL_WORDS = 6  # longer mentions are clauses, not labels
MIN_MENTIONS = 3  # an outlet that names a concept this often has chosen its labels
NAMED_WORDS = 8  # an evidence span this short points at a label; a sentence does not
_WORD = re.compile(r"[a-z][a-z\-]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


@dataclass(frozen=True)
class Target:
    """One difference the annotators saw: outlet ``outlet`` writes ``words`` (a loaded
    label or a biased span) where ``others`` do not."""

    event: str  # "nw_3", "basil_38f7cbb7"
    kind: str  # "label" (NewsWCL50) or "lexical" (BASIL)
    about: str  # the concept (NewsWCL50) or the sentence (BASIL)
    outlet: str
    words: str  # the loaded word (NewsWCL50) or the span (BASIL)
    example: str  # the outlet's mention (NewsWCL50) or the span (BASIL)
    others: tuple[str, ...]  # outlets that word it otherwise


def _outlet_names(path: Path) -> dict[str, str]:
    names = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        names[row["outlet"]] = row["outlet_name"]
    return names


def newswcl50_targets(folder: Path) -> list[Target]:
    """The label differences of the NewsWCL50 dev events (rule in the module docstring)."""
    names = _outlet_names(folder / "articles.jsonl")
    targets: dict[tuple[str, str, str], Target] = {}
    for line in (folder / "concept_mentions.jsonl").read_text(encoding="utf-8").splitlines():
        concept = json.loads(line)
        if concept["code_type"] == "COUNTRY":
            continue
        mentions: Mapping[str, Mapping[str, int]] = concept["mentions_by_outlet"]
        used = {o: {w for m in ms for w in _words(m)} for o, ms in mentions.items()}
        present = {o for o, ms in mentions.items() if sum(ms.values()) >= MIN_MENTIONS}
        own_name = set(_words(concept["concept"]))
        for outlet, ms in sorted(mentions.items()):
            for mention in sorted(ms):
                words = _words(mention)
                if len(words) > LABEL_WORDS:
                    continue
                for word in words:
                    if word in own_name or not is_loaded(word):
                        continue
                    others = tuple(sorted(names[o] for o in present - {outlet} if word not in used[o]))
                    key = (concept["event"], concept["concept"], word)
                    if others and key not in targets:
                        targets[key] = Target(f"nw_{concept['event']}", "label", concept["concept"], names[outlet], word, mention, others)
    return sorted(targets.values(), key=lambda t: (t.event, t.about, t.words))


def basil_targets(folder: Path) -> list[Target]:
    """The lexical-bias spans of the BASIL dev events that no other outlet's words repeat."""
    articles: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        articles.setdefault(row["event"], {})[row["outlet"]] = row["text"].casefold()
        names[row["outlet"]] = row["outlet_name"]
    targets = []
    for line in (folder / "annotations.jsonl").read_text(encoding="utf-8").splitlines():
        span = json.loads(line)
        if span["bias"] != "lexical" or not _words(span["span"]):
            continue
        texts = articles.get(span["event"], {})
        others = tuple(
            sorted(names[o] for o, text in texts.items() if o != span["outlet"] and not any(re.search(rf"\b{re.escape(w)}\b", text) for w in _words(span["span"])))
        )
        if others:
            targets.append(Target(f"basil_{span['event'][:8]}", "lexical", span["sentence"], names[span["outlet"]], span["span"], span["span"], others))
    return sorted(targets, key=lambda t: (t.event, t.outlet, t.about, t.words))


def _names_word(evidence_text: str, word: str) -> bool:
    words = _words(evidence_text)
    return word in words and len(words) <= NAMED_WORDS


def _overlaps_span(finding_text: str, sentence: str, evidence_sentence: str, span: str) -> bool:
    """The evidence is in the annotated sentence and shares a word of the span."""
    same_sentence = " ".join(sentence.split())[:80] in " ".join(evidence_sentence.split()) or " ".join(evidence_sentence.split())[:80] in " ".join(sentence.split())
    words = _words(finding_text)
    return same_sentence and bool(set(_words(span)) & set(words)) and len(words) <= len(_words(span)) + NAMED_WORDS


def outcome(target: Target, findings: Iterable[Finding]) -> str:
    """``found``, ``partly`` or ``missed`` (definitions in the module docstring)."""
    best = "missed"
    for finding in findings:
        if target.kind == "label":
            ours = [e for e in finding.evidence if e.outlet == target.outlet and _names_word(e.text, target.words)]
        else:
            ours = [e for e in finding.evidence if e.outlet == target.outlet and _overlaps_span(e.text, target.about, e.sentence, target.words)]
        if not ours:
            continue
        if any(e.outlet in target.others for e in finding.evidence):
            return "found"
        best = "partly"
    return best


@dataclass(frozen=True)
class RecallReport:
    """Outcome of every target, by event."""

    outcomes: tuple[tuple[Target, str, str], ...]  # target, outcome, rule that found it

    def count(self, kind: str, what: str) -> int:
        return sum(1 for t, o, _ in self.outcomes if t.kind == kind and o == what)

    def total(self, kind: str) -> int:
        return sum(1 for t, _, _ in self.outcomes if t.kind == kind)


def recall(targets: Sequence[Target], results: Mapping[str, CheckResult]) -> RecallReport:
    """Match every target against the findings of its event's run."""
    rows = []
    for target in targets:
        findings = results[target.event].findings if target.event in results else ()
        got = outcome(target, findings)
        rule = ""
        if got != "missed":
            rule = next(f.rule for f in findings if outcome(target, [f]) == got)
        rows.append((target, got, rule))
    return RecallReport(tuple(rows))


def format_recall(report: RecallReport) -> str:
    """The recall table ``checker eval judged`` prints and docs/quality.md quotes."""
    lines = ["Recall against the annotations:", "", "| targets | total | found | partly found | missed | recall (found) |", "|---|---|---|---|---|---|"]
    for kind, title in (("label", "NewsWCL50 label differences"), ("lexical", "BASIL lexical-bias spans")):
        total = report.total(kind)
        if not total:
            continue
        found, partly = report.count(kind, "found"), report.count(kind, "partly")
        lines.append(f"| {title} | {total} | {found} | {partly} | {total - found - partly} | {found / total:.2f} |")
    by_event: dict[str, list[str]] = {}
    for target, got, _ in report.outcomes:
        by_event.setdefault(target.event, []).append(got)
    lines += ["", "Per NewsWCL50 event (found / partly / missed):", ""]
    for event, got in sorted(by_event.items()):
        if event.startswith("nw_"):
            lines.append(f"- {event}: {got.count('found')} / {got.count('partly')} / {got.count('missed')}")
    hits = [(t, o, r) for t, o, r in report.outcomes if o != "missed"]
    if hits:
        lines += ["", "Found or partly found:", ""]
        lines += [f"- {t.event} {t.kind} {t.outlet} \"{t.words}\" ({t.about[:50]}): {o} by {r}" for t, o, r in hits]
    return "\n".join(lines)
