"""CK105 quote-drift: the same quotation worded differently, or given to another speaker.

What it flags: quotations (four words or more) that two outlets of a story share (fuzzy
match) but word differently, and shared quotations attributed to different speakers.
A shorter quote that is an exact part of the other (a partial quote) is not flagged.
Why it matters: a quotation is the one place where an outlet promises the exact words.
Example: "We must demonstrate unity so that such attempts will never succeed," he said.
vs. "We must show unity so such attempts never succeed," Kishida said.
Speakers: the subject of "said"/"told"/"added" next to the quote; "he"/"she" resolve to
the last named speaker in the previous sentences of the same article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz

from ..models import Finding, Sentence, Severity, Story
from . import Rule, RuleContext, register
from ._common import quotes

MIN_WORDS = 4
SAME_QUOTE = 75  # rapidfuzz token_set_ratio at which two quotations are the same one

_VERB = r"(?:said|says|added|adds|told|stated|states|declared|warned|stressed|(?:was|were) quoted as saying)"
_NAME = r"[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*"
_SUBJECT_VERB = re.compile(rf"\b({_NAME}|[Hh]e|[Ss]he|[Tt]hey)\s+(?:also\s+)?{_VERB}\b")
_VERB_SUBJECT = re.compile(rf"\b(?:said|says|added|told)\s+({_NAME})\b")
_PRONOUNS = {"he", "she", "they"}


@dataclass(frozen=True)
class Quotation:
    sentence: Sentence
    start: int  # offsets in the sentence
    end: int
    text: str
    speaker: str | None  # surname-level key, e.g. "kishida"

    @property
    def norm(self) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", self.text.casefold()).split())


@lru_cache(maxsize=16384)  # each story reads its sentences; wire copy repeats them
def _speaker_in(text: str) -> str | None:
    outside = re.sub(r"[\"“][^\"“”]*[\"”]", " ", text)
    for pattern in (_SUBJECT_VERB, _VERB_SUBJECT):
        if m := pattern.search(outside):
            return m.group(1)
    return None


def _speaker_key(name: str | None) -> str | None:
    return name.split()[-1].casefold() if name else None


def quotations(sentences: Sequence[Sentence]) -> list[Quotation]:
    """The quotations of one article's sentences (in order), with resolved speakers."""
    out: list[Quotation] = []
    last_named: str | None = None
    for s in sentences:
        speaker = _speaker_in(s.text)
        if speaker and speaker.casefold() in _PRONOUNS:
            speaker = last_named
        elif speaker:
            last_named = speaker
        for start, end, inner in quotes(s.text, MIN_WORDS):
            out.append(Quotation(s, start, end, inner, _speaker_key(speaker)))
    return out


@register
class QuoteDrift(Rule):
    """The same quotation is worded differently or attributed to different speakers."""

    code = "CK105"
    name = "quote-drift"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        for story in ctx.result.stories:
            yield from self._story(ctx, story)

    def _story(self, ctx: RuleContext, story: Story) -> Iterable[Finding]:
        by_article = {a: quotations(ctx.sentences_by_article.get(a, ())) for a in story.articles}
        # A speaker is known by surname; names linked as one entity ("Novak"/"Nowak") are one speaker.
        person = {
            form.split()[-1].casefold(): n
            for n, entity in enumerate(ctx.entities(story))
            for form in entity.forms
        }
        for first, second in combinations(story.articles, 2):
            if ctx.outlet(first) == ctx.outlet(second):
                continue
            for qa in by_article[first]:
                for qb in by_article[second]:
                    yield from self._compare(ctx, story, qa, qb, person)

    def _compare(
        self, ctx: RuleContext, story: Story, qa: Quotation, qb: Quotation, person: dict[str, int]
    ) -> Iterable[Finding]:
        if fuzz.token_set_ratio(qa.norm, qb.norm) < SAME_QUOTE:
            return
        evidence = [
            ctx.evidence(q.sentence, q.sentence.start + q.start, q.sentence.start + q.end) for q in (qa, qb)
        ]
        oa, ob = ctx.outlet(qa.sentence.article), ctx.outlet(qb.sentence.article)
        if qa.norm != qb.norm and qa.norm not in qb.norm and qb.norm not in qa.norm:
            yield ctx.finding(
                self,
                story=story.id,
                claim=ctx.claim_of(qa.sentence, qb.sentence),
                key="wording:" + min(qa.norm, qb.norm),
                message=f"{oa} and {ob} quote the same words differently",
                evidence=evidence,
            )
        if qa.speaker and qb.speaker and person.get(qa.speaker, qa.speaker) != person.get(qb.speaker, qb.speaker):
            yield ctx.finding(
                self,
                story=story.id,
                claim=ctx.claim_of(qa.sentence, qb.sentence),
                severity=Severity.ERROR,
                key="speaker:" + min(qa.norm, qb.norm),
                message=f"{oa} attributes the quote to {qa.speaker.title()}, {ob} to {qb.speaker.title()}",
                evidence=evidence,
            )
