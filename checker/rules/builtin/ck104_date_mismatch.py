"""CK104 date-mismatch: the same claim is dated differently in different outlets.

What it flags: inside one claim, dates and times that disagree once weekdays and
relative dates ("Wednesday", "last year", "the 29th") are resolved against each article's
publication date, or, when an article has none, against the dates of the other articles
of its story. Dates are compared at the coarser granularity of the two ("June 2022" agrees
with "June 29, 2022").
Two dates are compared only when they date the same act: the words around each date
(eight on either side, inside its clause) must share a content word (names of people and
places are actors, not acts, and do not count), reporting verbs
("said", "announced", "told") counting as one. A claim often joins sentences that date
different acts ("shot Monday" / "convicted on Tuesday", "placed on the injured list
Wednesday" / "tweaked his knee last Thursday"); those are not conflicts.
Why it matters: a date off by one day is easy to miss and hard to correct later.
Claims are compared only inside one story, so the Tuesday of one meeting never conflicts
with the Wednesday of another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cached_property, lru_cache

from ...text.dates import DateMention, align_dates, dates_conflict, find_dates
from ...models import Claim, Finding, Severity
from .._common import STOPWORDS, stem, words
from ..base import Rule, RuleContext, register

CONTEXT_WORDS = 8  # on each side of a date: the act it dates is named this close
_REPORTING = frozenset(stem(w) for w in (
    "said", "says", "say", "announced", "announces", "announce", "told", "tells", "reported", "reports",
    "confirmed", "confirms", "stated", "declared", "statement", "unveiled",
))
_CLAUSE_END = ";:—()"


def _act_words(text: str, date: DateMention) -> frozenset[str]:
    """Stems of the content words near ``date`` in its clause (reporting verbs as one)."""
    start = max([text.rfind(c, 0, date.start) for c in _CLAUSE_END] + [0])
    ends = [i for c in _CLAUSE_END if (i := text.find(c, date.end)) >= 0]
    end = min(ends) if ends else len(text)
    before = [w for w in words(text[start : date.start])][-CONTEXT_WORDS:]
    after = [w for w in words(text[date.end : end])][:CONTEXT_WORDS]
    out = set()
    for w in (*before, *after):
        low = w.lower
        if low in STOPWORDS and stem(low) not in _REPORTING or low.isdigit() or len(low) < 3 or w.text[0].isupper():
            continue
        out.add("(report)" if stem(low) in _REPORTING else stem(low))
    return frozenset(out)


class _References:
    """The date each article's relative dates resolve against."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx

    @cached_property
    def by_story(self) -> dict[str, dt.date | None]:
        out: dict[str, dt.date | None] = {}
        for story in self.ctx.result.stories:
            known = sorted(d for a in story.articles if (d := self.ctx.articles[a].published))
            out[story.id] = known[0] if known else None
        return out

    def of(self, article_id: str) -> dt.date | None:
        article = self.ctx.articles[article_id]
        if article.published:
            return article.published
        return self.by_story.get(self.ctx.story_of_article[article_id].id)


@lru_cache(maxsize=65536)  # wire copy: the same texts and dates meet again in many pairs
def _conflicts(
    text_a: str, reference_a: dt.date | None, text_b: str, reference_b: dt.date | None
) -> tuple[tuple[DateMention, DateMention], ...]:
    """The aligned dates of two sentences (each resolved against its own reference) that disagree."""
    aligned = align_dates(find_dates(text_a, reference_a), find_dates(text_b, reference_b))
    return tuple(
        (x, y) for x, y in aligned if dates_conflict(x, y) and _act_words(text_a, x) & _act_words(text_b, y)
    )


@register
class DateMismatch(Rule):
    """Dates in the same claim disagree across outlets."""

    code = "CK104"
    name = "date-mismatch"
    severity = Severity.ERROR
    measured_precision = "0.04 (1/24)"  # real / judged on the dev stories, docs/quality.md
    preview = True  # off by default: measured precision on real news below 0.5 (docs/quality.md)
    confidence = 0.1  # its share of real findings on the dev stories (docs/quality.md, reliability)

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        refs = _References(ctx)
        return ctx.for_each_claim(self, lambda claim: self._claim(ctx, refs, claim))

    def _claim(self, ctx: RuleContext, refs: _References, claim: Claim) -> Iterable[Finding]:
        # A conflict needs dates on both sides of a pair; a text with none has none
        # against any reference (``find_dates`` resolves only what it found without one).
        if sum(1 for s in claim.sentences if find_dates(s.text)) < 2:
            return
        for a, b in ctx.outlet_pairs(claim):
            for x, y in _conflicts(a.text, refs.of(a.article), b.text, refs.of(b.article)):
                yield ctx.finding(
                    self,
                    story=claim.story,
                    claim=claim.id,
                    key=" vs ".join(sorted([x.normalized, y.normalized])),
                    message=(
                        f"{ctx.outlet(a.article)} says \"{x.text}\" ({x.normalized}), "
                        f"{ctx.outlet(b.article)} says \"{y.text}\" ({y.normalized})"
                    ),
                    evidence=[
                        ctx.evidence(a, a.start + x.start, a.start + x.end),
                        ctx.evidence(b, b.start + y.start, b.start + y.end),
                    ],
                )
