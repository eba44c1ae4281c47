"""CK109 contradiction: outlets state the same claim with opposite polarity.

What it flags: inside one claim, one outlet negates what another affirms ("Kishida will
attend the summit" / "Kishida will not attend the summit"), or uses an antonym of the
other's verb ("Japan accepted the proposal" / "Japan rejected the proposal").
Why it matters: a flipped polarity reverses the news while the sentences look alike;
embeddings score such pairs as near-identical, so only a rule sees it.
Example: "The leaders agreed to meet again." vs "The leaders did not agree to meet again."
No natural-language-inference model ships its weights on PyPI, so this is rule-based.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from ...models import Claim, Finding, Severity, Sentence
from ..base import Rule, RuleContext, register
from .._common import Word, sentence_words, stem

NEGATIONS = frozenset({"not", "never", "no", "neither", "nor", "cannot", "without"})
NEGATING_VERBS = frozenset({"refused", "refuse", "refuses", "failed", "fail", "fails", "declined", "denied", "denies"})
# Words skipped between a negation and the word it negates ("did not yet fully agree").
SKIPPABLE = frozenset(
    "be been being to have has had yet ever also still any a an the fully really even so as do does did will would".split()
)
ANTONYMS = {
    "accept": "reject", "approve": "reject", "agree": "disagree", "support": "oppose",
    "increase": "decrease", "raise": "lower", "rise": "fall", "win": "lose", "confirm": "deny",
    "allow": "ban", "lift": "impose", "open": "close", "strengthen": "weaken", "expand": "reduce",
    "succeed": "fail", "include": "exclude", "welcome": "condemn", "praise": "criticize",
}
_OPPOSITE = {**ANTONYMS, **{v: k for k, v in ANTONYMS.items()}}
# A word's root is the start of the word in lowercase: a sentence without any of these
# in its lowercase text has no antonym to compare.
_ANY_ANTONYM = re.compile("|".join(sorted(_OPPOSITE)))
_NT = re.compile(r"n[’']t$", re.IGNORECASE)


def _is_negation(word: Word) -> bool:
    return word.lower in NEGATIONS or word.lower in NEGATING_VERBS or bool(_NT.search(word.text))


def _negated_words(ws: Sequence[Word]) -> list[tuple[Word, Word]]:
    """(negation cue, the content word it negates) pairs, in order."""
    found = []
    for i, w in enumerate(ws):
        if not _is_negation(w):
            continue
        for nxt in ws[i + 1 : i + 5]:
            if nxt.lower in SKIPPABLE:
                continue
            if not _is_negation(nxt):
                found.append((w, nxt))
            break
    return found


def _affirmed(ws: Sequence[Word], target: str) -> Word | None:
    """An occurrence of ``target`` (a stem) with no negation in the four words before it."""
    for i, w in enumerate(ws):
        if stem(w.text) == target and not any(_is_negation(p) for p in ws[max(0, i - 4) : i]):
            return w
    return None


@lru_cache(maxsize=65536)
def _root(word: str) -> str:
    base = stem(word)
    return base[:-1] if base.endswith("e") and base[:-1] in _OPPOSITE else base


@lru_cache(maxsize=16384)
def _negations(text: str) -> tuple[tuple[Word, Word], ...]:
    """``_negated_words`` of a sentence, once per text: each is compared with its whole claim."""
    return tuple(_negated_words(sentence_words(text)))


@lru_cache(maxsize=16384)
def _roots(text: str) -> tuple[tuple[tuple[Word, str], ...], dict[str, Word]]:
    """Each word with its root, and root -> the last word with it (as ``_antonym`` reads them).

    Only roots that have an antonym are ever looked at, so a sentence with none of them
    gives nothing.
    """
    if not _ANY_ANTONYM.search(text.lower()):
        return (), {}
    rooted = tuple((w, _root(w.text)) for w in sentence_words(text))
    return rooted, {root: w for w, root in rooted}


@lru_cache(maxsize=65536)  # wire copy: most pairs of a claim are pairs of texts seen before
def _negated_and_affirmed(neg_text: str, other_text: str) -> tuple[tuple[Word, Word, Word], ...]:
    """(cue, negated word, its affirmed occurrence in the other text) for each negation."""
    found = []
    for cue, target in _negations(neg_text):
        hit = _affirmed(sentence_words(other_text), stem(target.text))
        if hit is not None:
            found.append((cue, target, hit))
    return tuple(found)


@lru_cache(maxsize=65536)
def _antonyms(a_text: str, b_text: str) -> tuple[tuple[Word, str, str, Word], ...]:
    """(word of a, its root, the opposite root, the word of b with it) for each antonym."""
    a_rooted, a_roots = _roots(a_text)
    b_roots = _roots(b_text)[1]
    found = []
    for w, root in a_rooted:
        opposite = _OPPOSITE.get(root)
        if opposite and opposite in b_roots and opposite not in a_roots:
            found.append((w, root, opposite, b_roots[opposite]))
    return tuple(found)


@register
class Contradiction(Rule):
    """Outlets give the same claim opposite polarity (negation or antonym)."""

    code = "CK109"
    name = "contradiction"
    severity = Severity.ERROR
    measured_precision = "0.00 (0/20)"  # real / judged on the dev stories, docs/quality.md
    preview = True  # off by default: measured precision on real news below 0.5 (docs/quality.md)
    confidence = 0.05  # its share of real findings on the dev stories (docs/quality.md, reliability)

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        return ctx.for_each_claim(self, lambda claim: self._claim(ctx, claim))

    def _claim(self, ctx: RuleContext, claim: Claim) -> Iterable[Finding]:
        for a, b in ctx.outlet_pairs(claim):
            yield from self._negation(ctx, claim, a, b)
            yield from self._negation(ctx, claim, b, a)
            yield from self._antonym(ctx, claim, a, b)

    def _negation(self, ctx: RuleContext, claim: Claim, neg: Sentence, other: Sentence) -> Iterable[Finding]:
        for cue, target, hit in _negated_and_affirmed(neg.text, other.text):
            yield ctx.finding(
                self,
                story=claim.story,
                claim=claim.id,
                key=stem(target.text),
                message=(
                    f"{ctx.outlet(neg.article)} negates \"{target.text}\" "
                    f"(\"{neg.text[cue.start:target.end]}\"), {ctx.outlet(other.article)} affirms it"
                ),
                evidence=[
                    ctx.evidence(neg, neg.start + cue.start, neg.start + target.end),
                    ctx.evidence(other, other.start + hit.start, other.start + hit.end),
                ],
            )

    def _antonym(self, ctx: RuleContext, claim: Claim, a: Sentence, b: Sentence) -> Iterable[Finding]:
        for w, root, opposite, other in _antonyms(a.text, b.text):
            pair = sorted([root, opposite])
            yield ctx.finding(
                self,
                story=claim.story,
                claim=claim.id,
                key="/".join(pair),
                message=f"{ctx.outlet(a.article)} says \"{w.text}\" where {ctx.outlet(b.article)} says \"{other.text}\"",
                evidence=[
                    ctx.evidence(a, a.start + w.start, a.start + w.end),
                    ctx.evidence(b, b.start + other.start, b.start + other.end),
                ],
            )
