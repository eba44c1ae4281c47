"""CK102 framing: the same act or actor described with different loaded words.

What it flags, inside one story:
- term families: outlets name one concept with different families of terms ("invasion"
  / "war" / "aggression"), within one claim (warning) or across the story when two
  outlets share no family at all (info); a family marked ``discouraged`` is flagged
  wherever an outlet uses it in its own voice. The families live in ``claims/*.yaml``
  (``kind: terms``), which users edit; each terms rule runs as a rule of its own (see
  ``term_family_findings``), so its findings carry the rule's id as code, named framing;
- scare quotes: a word one outlet puts in quotation marks (Russia's "invasion") that
  another outlet of the story uses plainly;
- distancing words: "so-called", "alleged", "self-proclaimed" and the like before a term;
- labels: the descriptors outlets attach to the same person ("North Korean leader" vs
  "North Korean dictator"), compared on the titles found before linked names.
Scare quotes, distancing words and labels need no list: they are found from the text.
Why it matters: word choice carries a stance; a reviewer should see where outlets differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from ..models import Claim, Finding, Sentence, Severity, Story
from ..text.connotation import is_loaded
from . import Rule, RuleContext, register
from ._common import quotes
from .patterns import any_of, format_message, words_gate
from .spec import TermsRule

_PHRASE_END = (
    r"of|in|on|at|and|or|but|by|to|that|which|who|whom|was|is|were|are|be|been|has|have|had|will|would|"
    r"between|into|with|for|from|over|after|before|against|about|as|than|under|during|since|said|says"
)
# "so-called", "self-styled": the outlet keeps its distance from the phrase that follows.
# "alleged" / "allegedly" are left out: they are the legal caution every outlet owes an
# accused, not a stance (judged trivial or wrong on real news, docs/quality.md).
DISTANCING = re.compile(
    r"\b(so-called|so called|purported|purportedly|self-proclaimed|self-styled)"
    r"\s+[\"“‘']?((?:(?!(?:" + _PHRASE_END + r")\b)[\w'’\-]+)(?:\s+(?!(?:" + _PHRASE_END + r")\b)[\w'’\-]+){0,3})",
    re.IGNORECASE,
)
# A quoted word in a sentence that says who said it is that speaker's word (a partial
# quote: the lawsuit is "frivolous", he said), not the outlet's scare quotes.
_ATTRIBUTED = re.compile(
    r"\b(?:said|says|say|told|tells|called|calls|call|calling|described|describes|dubbed|dubs|tweeted|"
    r"wrote|writes|according to|argued|argues|claimed|claims|added|adds|insisted|insists|declared|"
    r"referred to|refers to|labeled|labelled|branded|termed|the word|the term|phrase|declaring|"
    r"accused|accuses|accusing|slammed|blasted|took aim|what's known as|known as)\b",
    re.IGNORECASE,
)
SCARE_MAX_WORDS = 3


@dataclass(frozen=True)
class TermUse:
    sentence: Sentence
    start: int  # offsets in the sentence
    end: int
    family: str
    quoted: bool


@lru_cache(maxsize=256)
def _term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"\b" + r"\s+".join(words) + r"\b", re.IGNORECASE)


@lru_cache(maxsize=256)
def _any_term(terms: tuple[str, ...]) -> re.Pattern[str]:
    return any_of([_term_pattern(t) for t in terms])


def _uses_any(text: str, terms: tuple[str, ...]) -> bool:
    """Whether ``text`` uses one of ``terms`` (whole words, ignoring case)."""
    return words_gate(terms).search(text) is not None and _any_term(terms).search(text) is not None


@lru_cache(maxsize=16384)  # each story reads its sentences; wire copy repeats them
def _distancing_words(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, distancing word, the term it qualifies) of each ``DISTANCING`` match."""
    return tuple((m.start(), m.end(), m.group(1), m.group(2)) for m in DISTANCING.finditer(text))


def _in_quotes(text: str, start: int, end: int) -> bool:
    return any(qs <= start and end <= qe for qs, qe, _ in quotes(text))


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
        self.spans: dict[str, tuple[tuple[int, int, str, bool], ...]] = {}
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
            found = self._uses[key] = (tuple(TermUse(sentence, *use) for use in spans), frozenset(u[2] for u in spans))
        return found

    def _spans(self, text: str) -> tuple[tuple[int, int, str, bool], ...]:
        """(start, end, family, quoted) of each term use in ``text``, in text order."""
        if self.rule.context and not _uses_any(text, self.rule.context):
            return ()
        if self.may_use is None or not self.may_use.search(text):
            return ()  # most sentences: one quick search, not one per term
        uses: list[tuple[int, int, str, bool]] = []
        taken: list[tuple[int, int]] = []
        for term, family in self.terms:
            for m in _term_pattern(term).finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                uses.append((m.start(), m.end(), family, _in_quotes(text, m.start(), m.end())))
        return tuple(sorted(uses, key=lambda u: u[0]))


@register
class Framing(Rule):
    """Outlets frame the same act or actor with different loaded words."""

    code = "CK102"
    name = "framing"
    severity = Severity.WARNING
    measured_precision = "0.00 (0/11)"  # real / judged on the dev stories, docs/quality.md
    # Off by default: on real news its scare quotes were a source's own words and its
    # "so-called" named a term of art (0 of 11 real after the fixes below; docs/quality.md).
    # The term families of claims/ (kind: terms) run as rules of their own and stay on.
    preview = True

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        # Term families (``kind: terms`` rules) run as rules of their own: see term_family_findings.
        # The terms of the rule packs' families are loaded by definition ("invasion").
        family_words = frozenset(
            t.casefold() for rule in ctx.ruleset.terms for family in rule.families for t in family.terms
        )
        for story in ctx.result.stories:
            yield from self._scare_quotes(ctx, story, family_words)
            yield from self._distancing(ctx, story)
            yield from self._labels(ctx, story)

    # -- labels ----------------------------------------------------------------------

    def _labels(self, ctx: RuleContext, story: Story) -> Iterable[Finding]:
        """Different head words in the titles outlets give one linked person."""
        for entity in ctx.entities(story):
            heads: dict[str, dict[str, object]] = {}
            for m in entity.mentions:
                if m.role:
                    head = m.role.split()[-1].casefold()
                    heads.setdefault(ctx.outlet(m.article), {}).setdefault(head, m)
            for oa, ob in combinations(sorted(heads), 2):
                if set(heads[oa]) & set(heads[ob]):
                    continue
                if not any(is_loaded(h) for h in set(heads[oa]) | set(heads[ob])):
                    continue  # "Senate Majority Leader" / "Mr.": house style, not stance
                ma = min(heads[oa].values(), key=lambda m: (m.article, m.start))
                mb = min(heads[ob].values(), key=lambda m: (m.article, m.start))
                yield ctx.finding(
                    self,
                    story=story.id,
                    severity=Severity.INFO,
                    key=f"label:{entity.canonical.casefold()}:{'/'.join(sorted(set(heads[oa]) | set(heads[ob])))}",
                    message=f"{oa} calls {entity.canonical} \"{ma.role}\", {ob} \"{mb.role}\"",
                    evidence=[self._mention_evidence(ctx, ma), self._mention_evidence(ctx, mb)],
                    confidence=0.6,
                )

    @staticmethod
    def _mention_evidence(ctx: RuleContext, mention):
        sentence = ctx.sentences_by_article[mention.article][mention.sentence]
        article = ctx.articles[mention.article]
        start = article.text.rfind(mention.role, sentence.start, mention.start)
        return ctx.evidence(sentence, start if start >= 0 else mention.start, mention.end)

    # -- scare quotes and distancing -----------------------------------------------

    def _plain_use(self, ctx: RuleContext, story: Story, term: str, outlet: str) -> tuple[Sentence, int, int] | None:
        """A sentence of another outlet using ``term`` outside quotation marks."""
        pattern = _term_pattern(term)
        for s in ctx.claim_sentences(story):
            if ctx.outlet(s.article) == outlet:
                continue
            for m in pattern.finditer(s.text):
                if not _in_quotes(s.text, m.start(), m.end()):
                    return s, m.start(), m.end()
        return None

    def _scare_quotes(self, ctx: RuleContext, story: Story, family_words: frozenset[str]) -> Iterable[Finding]:
        for s in ctx.claim_sentences(story):
            outlet = ctx.outlet(s.article)
            for start, end, inner in quotes(s.text):
                term = inner.strip(" ,.")
                if not term or len(term.split()) > SCARE_MAX_WORDS or not term[0].islower():
                    continue
                listed = any(w.casefold() in family_words for w in term.split())
                if _ATTRIBUTED.search(s.text) and not listed:
                    continue  # a partial quote of someone the sentence names
                if not listed and not any(is_loaded(w) for w in term.split()):
                    continue  # "state visit", "special relationship": a term of art, quoted
                plain = self._plain_use(ctx, story, term, outlet)
                if plain is None:
                    continue
                other, ps, pe = plain
                yield ctx.finding(
                    self,
                    story=story.id,
                    claim=ctx.claim_of(s, other),
                    key=f"scare-quotes:{term.casefold()}",
                    message=f"{outlet} puts \"{term}\" in quotation marks; {ctx.outlet(other.article)} uses it plainly",
                    evidence=[
                        ctx.evidence(s, s.start + start - 1, s.start + end + 1),
                        ctx.evidence(other, other.start + ps, other.start + pe),
                    ],
                    confidence=0.6,
                )

    def _distancing(self, ctx: RuleContext, story: Story) -> Iterable[Finding]:
        for s in ctx.claim_sentences(story):
            outlet = ctx.outlet(s.article)
            for start, end, word, term in _distancing_words(s.text):
                plain = self._plain_use(ctx, story, term, outlet)
                evidence = [ctx.evidence(s, s.start + start, s.start + end)]
                message = f"{outlet} distances itself from \"{term}\" with \"{word}\""
                if plain:
                    other, ps, pe = plain
                    evidence.append(ctx.evidence(other, other.start + ps, other.start + pe))
                    message += f"; {ctx.outlet(other.article)} uses \"{term}\" plainly"
                if not plain and word.casefold() not in ("so-called", "so called"):
                    continue  # "self-proclaimed status" alone: a description, no other outlet to set it against
                yield ctx.finding(
                    self,
                    story=story.id,
                    claim=ctx.claim_of(s),
                    severity=Severity.WARNING if plain else Severity.INFO,
                    key=f"distancing:{word.casefold()}:{term.casefold()}",
                    message=message,
                    evidence=evidence,
                    confidence=0.7 if plain else 0.4,
                )


# -- term families (kind: terms) ------------------------------------------------------


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


def _use_evidence(ctx: RuleContext, use: TermUse):
    s = use.sentence
    return ctx.evidence(s, s.start + use.start, s.start + use.end)


def _claim_terms(ctx: RuleContext, rule: Rule, claim: Claim, terms: TermsRule, uses: _TermUses) -> Iterable[Finding]:
    if sum(1 for s in claim.sentences if uses.families(s)) < 2:
        return  # no pair of its sentences can use two families: most claims use none
    for a, b in ctx.outlet_pairs(claim):
        fa, fb = uses.families(a), uses.families(b)
        if not fa or not fb or fa & fb:
            continue
        ua, ub = uses(a), uses(b)
        yield ctx.finding(
            rule,
            story=claim.story,
            claim=claim.id,
            key="/".join(sorted(fa | fb)),
            message=(
                f"{format_message(terms.message, {'concept': terms.concept})}: {ctx.outlet(a.article)} says "
                f"{', '.join(sorted(fa))}, {ctx.outlet(b.article)} says {', '.join(sorted(fb))}"
            ),
            evidence=[_use_evidence(ctx, ua[0]), _use_evidence(ctx, ub[0])],
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
    families = {o: {u.family for u in uses} for o, uses in by_outlet.items() if uses}
    for oa, ob in combinations(sorted(families), 2):
        if families[oa] & families[ob] or (story.id, frozenset((oa, ob))) in covered:
            continue
        first = lambda o: [next(u for u in by_outlet[o] if u.family == f) for f in sorted(families[o])]  # noqa: E731
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
