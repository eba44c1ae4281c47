"""Group articles into stories: the articles that report one event.

Claims are only compared inside a story, so this decides what may conflict at all: the
Tuesday of one meeting must never be compared with the Wednesday of another. Signals, in
order of authority:

1. an explicit ``story`` (front matter, manifest column, or sub-folder);
2. event dates: two articles whose event dates are more than ``MAX_DAYS_APART`` apart
   are never put together (a dateline "June 29" without a year is compared by month/day);
3. content: articles are linked when several of their sentences say nearly the same
   thing, or their mean embeddings are close.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .models import Article, Sentence, Story

MAX_DAYS_APART = 4
CENTROID_LINK = 0.80  # mean-embedding cosine that alone links two articles
SENTENCE_LINK = 0.75  # a sentence pair this close counts as shared content ...
SHARED_SENTENCES_LINK = 2  # ... and this many such pairs link two articles

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH_DAY = re.compile(
    r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2})\b(?:,\s*(\d{4}))?",
    re.IGNORECASE,
)
_PLACE = re.compile(r"\b(?:in|at)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\b")


@dataclass(frozen=True)
class EventDate:
    """An event date that may lack its year (datelines often omit it)."""

    month: int
    day: int
    year: int | None = None

    def days_apart(self, other: EventDate) -> int | None:
        if self.year is not None and other.year is not None:
            return abs((dt.date(self.year, self.month, self.day) - dt.date(other.year, other.month, other.day)).days)
        # Without years, compare within a year (Dec 31 and Jan 1 are one day apart).
        year = 2001  # any non-leap year; Feb 29 is clamped below
        a = dt.date(year, self.month, min(self.day, 28 if self.month == 2 else self.day))
        b = dt.date(year, other.month, min(other.day, 28 if other.month == 2 else other.day))
        gap = abs((a - b).days)
        return min(gap, 365 - gap)


def event_date(article: Article) -> EventDate | None:
    """The publication date when known, else the most frequent month-day in the text."""
    if article.published:
        p = article.published
        return EventDate(p.month, p.day, p.year)
    found: Counter[tuple[int, int, int | None]] = Counter()
    for match in _MONTH_DAY.finditer(article.text):
        month, day = _MONTHS[match.group(1).lower()], int(match.group(2))
        if 1 <= day <= 31:
            found[(month, day, int(match.group(3)) if match.group(3) else None)] += 1
    if not found:
        return None
    # Most frequent month/day; a year seen with it anywhere fills in the year.
    by_day: Counter[tuple[int, int]] = Counter()
    years: dict[tuple[int, int], int] = {}
    for (month, day, year), n in found.items():
        by_day[(month, day)] += n
        if year is not None:
            years[(month, day)] = year
    (month, day), _ = min(by_day.items(), key=lambda kv: (-kv[1], kv[0]))
    return EventDate(month, day, years.get((month, day)))


def main_place(articles: Sequence[Article]) -> str | None:
    """The place most often named after "in"/"at" across the articles, for the story id."""
    counts: Counter[str] = Counter()
    for article in articles:
        counts.update(m.group(1) for m in _PLACE.finditer(article.text))
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "story"


class _Groups:
    """Union-find over article indices that refuses merges across distant dates."""

    def __init__(self, dates: Sequence[EventDate | None]) -> None:
        self.parent = list(range(len(dates)))
        self.dates = {i: [d] if d else [] for i, d in enumerate(dates)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int, *, force: bool = False) -> bool:
        """Merge the groups of i and j unless their dates are too far apart (or ``force``)."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        for a in [] if force else self.dates[ri]:
            for b in self.dates[rj]:
                gap = a.days_apart(b)
                if gap is not None and gap > MAX_DAYS_APART:
                    return False
        low, high = min(ri, rj), max(ri, rj)
        self.parent[high] = low
        self.dates[low] = self.dates[low] + self.dates.pop(high)
        return True


def group_stories(
    articles: Sequence[Article],
    sentences: Sequence[Sentence],
    vectors: Mapping[tuple[str, int], np.ndarray],
) -> tuple[Story, ...]:
    """Partition ``articles`` (sorted by path) into stories.

    ``vectors`` maps (article id, sentence index) to the unit embedding of each claim
    sentence; articles without claim sentences only join a story by an explicit field.
    """
    ordered = sorted(articles, key=lambda a: a.path)
    index = {a.id: i for i, a in enumerate(ordered)}
    by_article: dict[int, list[np.ndarray]] = {i: [] for i in range(len(ordered))}
    for s in sentences:
        if (s.article, s.index) in vectors and s.article in index:
            by_article[index[s.article]].append(vectors[(s.article, s.index)])
    mats = {i: np.vstack(v) if v else None for i, v in by_article.items()}

    groups = _Groups([event_date(a) for a in ordered])
    reasons: dict[tuple[int, int], str] = {}
    explicit: dict[str, list[int]] = {}
    for i, a in enumerate(ordered):
        if a.story:
            explicit.setdefault(a.story, []).append(i)
    for members in explicit.values():
        for j in members[1:]:
            groups.union(members[0], j, force=True)

    candidates: list[tuple[float, int, int, str]] = []
    for i in range(len(ordered)):
        for j in range(i + 1, len(ordered)):
            if ordered[i].story or ordered[j].story or mats[i] is None or mats[j] is None:
                continue
            sims = mats[i] @ mats[j].T
            shared = int((sims.max(axis=1) >= SENTENCE_LINK).sum())
            ci, cj = mats[i].mean(axis=0), mats[j].mean(axis=0)
            centroid = float(ci @ cj / (np.linalg.norm(ci) * np.linalg.norm(cj)))
            pair = f"{ordered[i].outlet} and {ordered[j].outlet}"
            if shared >= SHARED_SENTENCES_LINK:
                candidates.append((-shared, i, j, f"{pair} share {shared} near-identical sentences"))
            elif centroid >= CENTROID_LINK:
                candidates.append((-centroid, i, j, f"{pair} have content similarity {centroid:.2f}"))
    for _, i, j, why in sorted(candidates):
        if groups.find(i) != groups.find(j) and groups.union(i, j):
            reasons[(i, j)] = why

    components: dict[int, list[int]] = {}
    for i in range(len(ordered)):
        components.setdefault(groups.find(i), []).append(i)

    stories: list[Story] = []
    used: Counter[str] = Counter()
    for root in sorted(components):
        members = components[root]
        chosen = [ordered[i] for i in members]
        if chosen[0].story:
            base = _slug(chosen[0].story)
            reason = f"all give the story {chosen[0].story!r}"
        else:
            # The earliest date that has a year; a year-less dateline only if nothing better.
            date = min((d for i in members if (d := event_date(ordered[i]))), default=None,
                       key=lambda d: (d.year is None, d.year or 0, d.month, d.day))
            place = main_place(chosen)
            parts = []
            if date:
                parts.append(f"{date.year}-{date.month:02d}-{date.day:02d}" if date.year else f"{date.month:02d}-{date.day:02d}")
            if place:
                parts.append(_slug(place))
            base = "-".join(parts) or "story"
            links = [why for (i, j), why in sorted(reasons.items()) if i in members and j in members]
            reason = "; ".join(links) if links else "no other article reports this event"
        used[base] += 1
        story_id = base if used[base] == 1 else f"{base}-{used[base]}"
        stories.append(Story(id=story_id, articles=tuple(a.id for a in chosen), reason=reason))
    return tuple(stories)
