"""CK102 framing: the same act or actor described with different loaded words.

What it flags, inside one story:
- term families: outlets name one concept with different families of terms ("invasion"
  / "war" / "aggression"), within one claim (warning) or across the story when two
  outlets share no family at all (info); a family marked ``discouraged`` is flagged
  wherever an outlet uses it in its own voice. The families live in ``claims/*.yaml``
  (``kind: terms``), which users edit; each terms rule runs as a rule of its own (see
  ``language/terms.py``), so its findings carry the rule's id as code, named framing;
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
from collections.abc import Iterable
from functools import lru_cache
from itertools import combinations

from ...models import Finding, Sentence, Severity, Story
from ...text.connotation import is_loaded
from .._common import quotes
from ..base import Rule, RuleContext, register
from ..language.terms import in_quotes, term_pattern

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


@lru_cache(maxsize=16384)  # each story reads its sentences; wire copy repeats them
def _distancing_words(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, distancing word, the term it qualifies) of each ``DISTANCING`` match."""
    return tuple((m.start(), m.end(), m.group(1), m.group(2)) for m in DISTANCING.finditer(text))


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
        # The terms of the rule packs' families are loaded by definition ("invasion"); not
        # those of ``aligned`` rules, whose families hold general words ("leader", "protest").
        family_words = frozenset(
            t.casefold() for rule in ctx.ruleset.terms if not rule.aligned for family in rule.families for t in family.terms
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
                    confidence=0.1,  # 0 of 9 judged real (docs/quality.md)
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
        pattern = term_pattern(term)
        for s in ctx.claim_sentences(story):
            if ctx.outlet(s.article) == outlet:
                continue
            for m in pattern.finditer(s.text):
                if not in_quotes(s.text, m.start(), m.end()):
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
                    confidence=0.1,  # 0 of 9 judged real (docs/quality.md)
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
                    confidence=0.2 if plain else 0.1,  # 0 of 9 judged real
                )
