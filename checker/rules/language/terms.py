"""The engine of ``kind: terms`` rules: find a rule's term families in sentences and
flag outlets of one story that use different families for one concept.

CK102 framing reads the same term matching (scare quotes, distancing words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations

from ...models import Claim, Finding, Sentence, Severity, Story
from ...text.alignment import Token, around, slots, tokens
from ...text.connotation import part_of_speech
from .._common import in_cut_quotation, quotes
from ..base import Rule, RuleContext
from .named import named_label_findings
from .patterns import any_of, format_message, words_gate
from .spec import TermsRule


@dataclass(frozen=True)
class TermUse:
    sentence: Sentence
    start: int  # offsets in the sentence
    end: int
    family: str
    quoted: bool
    # Inside a quoted statement, not a quoted label: the speaker's word, not the outlet's
    # choice ('"Will the Witch Hunt continue?"' vs '"Russia's aggression against Ukraine"').
    spoken: bool = False


@lru_cache(maxsize=256)
def term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"\b" + r"\s+".join(words) + r"\b", re.IGNORECASE)


@lru_cache(maxsize=256)
def _any_term(terms: tuple[str, ...]) -> re.Pattern[str]:
    return any_of([term_pattern(t) for t in terms])


def _uses_any(text: str, terms: tuple[str, ...]) -> bool:
    """Whether ``text`` uses one of ``terms`` (whole words, ignoring case)."""
    return words_gate(terms).search(text) is not None and _any_term(terms).search(text) is not None


def in_quotes(text: str, start: int, end: int) -> bool:
    return any(qs <= start and end <= qe for qs, qe, _ in quotes(text))


_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def _is_statement(quoted: str) -> bool:
    """A quotation with a verb says something ('"Will the Witch Hunt continue?"'); one
    without names something ('"Russia's aggression against Ukraine"', 'a "witch hunt"')."""
    return any(part_of_speech(w.casefold()).startswith(("VB", "MD")) for w in _WORD.findall(quoted))


def in_quoted_statement(text: str, start: int, end: int) -> bool:
    """Whether the span stands in a quoted statement: the speaker's words, not a label the
    outlet chose to quote."""
    return any(qs <= start and end <= qe and _is_statement(inner) for qs, qe, inner in quotes(text))


def term_uses(rule: TermsRule, sentence: Sentence) -> list[TermUse]:
    """Occurrences of the rule's terms in ``sentence`` (only if a context word is there)."""
    return list(_TermUses(rule)(sentence))


class _TermUses:
    """``term_uses`` for one rule, each distinct sentence text read once: a sentence is
    read for every pair of its claim and again for its story, and wire copy repeats it."""

    def __init__(self, rule: TermsRule) -> None:
        self.rule = rule
        # Longer terms first, so "special military operation" is not also counted as "operation".
        self.terms = tuple(sorted(((t, f.name) for f in rule.families for t in f.terms), key=lambda tf: (-len(tf[0]), tf)))
        self.may_use = words_gate(tuple(term for term, _ in self.terms)) if self.terms else None
        self.spans: dict[str, tuple[tuple[int, int, str, bool, bool], ...]] = {}
        self._uses: dict[tuple[str, int], tuple[tuple[TermUse, ...], frozenset[str]]] = {}

    def __call__(self, sentence: Sentence) -> tuple[TermUse, ...]:
        return self._of(sentence)[0]

    def families(self, sentence: Sentence) -> frozenset[str]:
        """The families the sentence uses (a claim asks once per pair it is in)."""
        return self._of(sentence)[1]

    def _of(self, sentence: Sentence) -> tuple[tuple[TermUse, ...], frozenset[str]]:
        found = self._uses.get(key := (sentence.article, sentence.index))
        if found is None:
            spans = self.spans.get(sentence.text)
            if spans is None:
                spans = self.spans[sentence.text] = self._spans(sentence.text)
            # A term in a quoted statement is the speaker's word: it names no family of the outlet.
            found = self._uses[key] = (tuple(TermUse(sentence, *use) for use in spans), frozenset(u[2] for u in spans if not u[4]))
        return found

    def _spans(self, text: str) -> tuple[tuple[int, int, str, bool, bool], ...]:
        """(start, end, family, quoted, spoken) of each term use in ``text``, in text order."""
        if self.rule.context and not _uses_any(text, self.rule.context):
            return ()
        if self.may_use is None or not self.may_use.search(text):
            return ()  # most sentences: one quick search, not one per term
        uses: list[tuple[int, int, str, bool, bool]] = []
        taken: list[tuple[int, int]] = []
        for term, family in self.terms:
            for m in term_pattern(term).finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                at = (m.start(), m.end())
                uses.append((*at, family, in_quotes(text, *at), in_quoted_statement(text, *at)))
        return tuple(sorted(uses, key=lambda u: u[0]))


def term_family_findings(ctx: RuleContext, rule: Rule, terms: TermsRule) -> Iterator[Finding]:
    """Findings of one ``terms`` rule; ``rule`` is the YAML rule's check, whose code is its id.

    Within a claim, two outlets using different families (the rule's severity); across a
    story, two outlets sharing no family at all (info, unless a claim already showed it);
    anywhere, a discouraged family used outside quotation marks.
    """
    uses = _TermUses(terms)
    in_claims = list(ctx.for_each_claim(rule, lambda claim: _claim_terms(ctx, rule, claim, terms, uses)))
    yield from in_claims
    covered = {(f.story, frozenset(e.outlet for e in f.evidence)) for f in in_claims}
    for story in ctx.result.stories:
        yield from _story_terms(ctx, rule, story, terms, covered, uses)
    if terms.named:
        flagged = {(f.story, f.key) for f in in_claims}
        yield from named_label_findings(ctx, rule, terms, _outlet_words(ctx, uses), flagged)


def _outlet_words(ctx: RuleContext, uses: _TermUses) -> Iterator[tuple[Story, dict[tuple[str, int], list[TermUse]]]]:
    """Each story whose outlets (two or more) use terms in their own voice, with those uses
    by (article, sentence index). A quotation cut into sentences is the speaker's voice
    too: on the whole AllSides archive, three of six wrong named labels stood in a
    quotation whose first sentence had no closing mark."""
    for story in ctx.result.stories:
        by_sentence: dict[tuple[str, int], list[TermUse]] = {}
        outlets = set()
        for s in ctx.claim_sentences(story):
            own = [u for u in uses(s) if not (u.quoted or u.spoken or in_cut_quotation(s.text, u.start))]
            if own:
                by_sentence[(s.article, s.index)] = own
                outlets.add(ctx.outlet(s.article))
        if len(outlets) > 1:
            yield story, by_sentence


def _outlet_use(uses: Iterable[TermUse], family: str) -> TermUse:
    """The first use of ``family`` that is the outlet's word (not inside a quoted statement)."""
    return next(u for u in uses if u.family == family and not u.spoken)


def _use_evidence(ctx: RuleContext, use: TermUse):
    s = use.sentence
    return ctx.evidence(s, s.start + use.start, s.start + use.end)


def _aligned_uses(a: Sentence, b: Sentence, ua: Iterable[TermUse], ub: Iterable[TermUse]) -> tuple[TermUse, TermUse] | None:
    """Two unquoted uses of different families that stand in one slot of the lined-up
    sentences ("North Korean [dictator / leader] Kim"), if there are; each widened to the
    slot and a word on either side, so that the evidence shows the place ("Korean
    dictator Kim"), not the bare term."""
    ta, tb = tokens(a.text), tokens(b.text)
    for slot in slots(a.text, b.text, edges=True):
        if slot.b0 == slot.b1:
            continue
        a_span = (ta[slot.a0].start, ta[slot.a1 - 1].end)
        b_span = (tb[slot.b0].start, tb[slot.b1 - 1].end)
        for x in ua:
            for y in ub:
                if x.family != y.family and not (x.quoted or y.quoted) and _overlaps(x, a_span) and _overlaps(y, b_span):
                    return _widened(x, ta, slot.a0, slot.a1), _widened(y, tb, slot.b0, slot.b1)
    return None


def _widened(use: TermUse, words: tuple[Token, ...], first: int, end: int) -> TermUse:
    """``use`` stretched over the slot ``words[first:end]`` and one word either side."""
    start, stop = around(words, first, end)
    return replace(use, start=min(use.start, start), end=max(use.end, stop))


def _overlaps(use: TermUse, span: tuple[int, int]) -> bool:
    return use.start < span[1] and span[0] < use.end


def _claim_terms(ctx: RuleContext, rule: Rule, claim: Claim, terms: TermsRule, uses: _TermUses) -> Iterable[Finding]:
    if sum(1 for s in claim.sentences if uses.families(s)) < 2:
        return  # no pair of its sentences can use two families: most claims use none
    for a, b in ctx.outlet_pairs(claim):
        fa, fb = uses.families(a), uses.families(b)
        if not fa or not fb:
            continue
        if terms.aligned:
            pair = _aligned_uses(a, b, uses(a), uses(b))
            if pair is None:
                continue
            fa, fb = frozenset({pair[0].family}), frozenset({pair[1].family})
            evidence = [_use_evidence(ctx, pair[0]), _use_evidence(ctx, pair[1])]
        elif fa & fb:
            continue
        else:
            evidence = [_use_evidence(ctx, _outlet_use(uses(a), min(fa))), _use_evidence(ctx, _outlet_use(uses(b), min(fb)))]
        yield ctx.finding(
            rule,
            story=claim.story,
            claim=claim.id,
            key="/".join(sorted(fa | fb)),
            message=(
                f"{format_message(terms.message, {'concept': terms.concept})}: {ctx.outlet(a.article)} says "
                f"{', '.join(sorted(fa))}, {ctx.outlet(b.article)} says {', '.join(sorted(fb))}"
            ),
            evidence=evidence,
            confidence=0.3 + 0.6 * claim.similarity,
        )


def _story_terms(
    ctx: RuleContext,
    rule: Rule,
    story: Story,
    terms: TermsRule,
    covered: set[tuple[str, frozenset[str]]],
    term_uses_of: _TermUses,
) -> Iterable[Finding]:
    """Discouraged terms, and outlet pairs sharing no family (unless a claim showed it)."""
    by_outlet: dict[str, list[TermUse]] = {}
    for s in ctx.claim_sentences(story):
        uses = term_uses_of(s)
        by_outlet.setdefault(ctx.outlet(s.article), []).extend(uses)
        for use in uses:
            family = next(f for f in terms.families if f.name == use.family)
            if family.discouraged and not use.quoted:
                yield ctx.finding(
                    rule,
                    story=story.id,
                    claim=ctx.claim_of(s),
                    key=f"discouraged:{use.family}",
                    message=f"{ctx.outlet(s.article)} uses the discouraged term \"{s.text[use.start:use.end]}\" ({terms.concept})",
                    evidence=[_use_evidence(ctx, use)],
                )
    if terms.aligned:
        return  # general words: only where two sentences line up around them
    families = {o: {u.family for u in uses if not u.spoken} for o, uses in by_outlet.items() if uses}
    families = {o: f for o, f in families.items() if f}
    for oa, ob in combinations(sorted(families), 2):
        if families[oa] & families[ob] or (story.id, frozenset((oa, ob))) in covered:
            continue
        first = lambda o: [_outlet_use(by_outlet[o], f) for f in sorted(families[o])]  # noqa: E731
        yield ctx.finding(
            rule,
            story=story.id,
            severity=Severity.INFO,
            key=f"story:{'/'.join(sorted(families[oa] | families[ob]))}",
            message=(
                f"{terms.concept}: {oa} says {', '.join(sorted(families[oa]))}; "
                f"{ob} says {', '.join(sorted(families[ob]))}; they share no term"
            ),
            evidence=[_use_evidence(ctx, u) for u in first(oa) + first(ob)],
            confidence=0.3,
        )
