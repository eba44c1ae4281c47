"""CK108 list-difference: outlets enumerate different items for the same claim.

What it flags: inside one claim, two outlets give lists ("A, B and C") that share at
least one item but differ in others, e.g. "cyber and maritime security" vs "cyber,
emerging technologies, and maritime security". Order alone is not flagged, nor an item
written as an acronym in one outlet ("US" / "United States").
Why it matters: an added or dropped item changes what was agreed or who took part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from ...models import Claim, Finding, Sentence, Severity
from ..base import Rule, RuleContext, register
from .._common import STOPWORDS, stem

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*|,|;|\.|:|\(|\)|\"|“|”")
_JOINERS = {"and", "or"}
_OPENERS = {"including", "such", "like", "namely", "between", "among", "especially"}


def _boundary(token: str) -> bool:
    """True for tokens that cannot be part of a list item."""
    if not token[0].isalpha():
        return True
    if token.isupper() and len(token) >= 2:  # "US", "NATO": names, not the pronoun "us"
        return False
    low = token.lower()
    return low in STOPWORDS or low in _JOINERS or low in _OPENERS
MAX_ITEM_WORDS = 4


@dataclass(frozen=True)
class Item:
    start: int  # offsets in the sentence
    end: int
    text: str

    @property
    def key(self) -> str:
        return _item_key(self.text)


@lru_cache(maxsize=16384)  # items are compared with every item of every paired list
def _item_key(text: str) -> str:
    return " ".join(stem(w) for w in text.split() if w.lower() not in STOPWORDS)


def _item_before(tokens: list[re.Match], end_index: int) -> Item | None:
    """The run of content words ending just before tokens[end_index]."""
    run: list[re.Match] = []
    i = end_index - 1
    while i >= 0 and len(run) < MAX_ITEM_WORDS:
        if _boundary(tokens[i].group(0)):
            break
        run.insert(0, tokens[i])
        i -= 1
    if not run:
        return None
    return Item(run[0].start(), run[-1].end(), " ".join(t.group(0) for t in run))


def _item_after(tokens: list[re.Match], start_index: int) -> Item | None:
    run: list[re.Match] = []
    i = start_index
    while i < len(tokens) and len(run) < MAX_ITEM_WORDS:
        t = tokens[i].group(0)
        if t.lower() == "the" and not run:
            i += 1
            continue
        if _boundary(t):
            break
        run.append(tokens[i])
        i += 1
    if not run:
        return None
    return Item(run[0].start(), run[-1].end(), " ".join(t.group(0) for t in run))


@lru_cache(maxsize=16384)  # asked again for each pair a sentence is in; hence a tuple
def find_lists(text: str) -> tuple[tuple[Item, ...], ...]:
    """Enumerations in ``text``: items joined by commas and a final "and"/"or"."""
    tokens = list(_TOKEN.finditer(text))
    lists = []
    for i, tok in enumerate(tokens):
        if tok.group(0).lower() not in _JOINERS:
            continue
        last = _item_after(tokens, i + 1)
        j = i - 1 if i > 0 and tokens[i - 1].group(0) == "," else i  # Oxford comma
        first = _item_before(tokens, j)
        if not last or not first:
            continue
        items = [first]
        k = next((x for x in range(j - 1, -1, -1) if tokens[x].start() < first.start), -1)
        while k >= 0 and tokens[k].group(0) == ",":
            prev = _item_before(tokens, k)
            if not prev:
                break
            items.insert(0, prev)
            k = next((x for x in range(k - 1, -1, -1) if tokens[x].start() < prev.start), -1)
        if j != i and len(items) == 1:
            continue  # "A, and B": a comma before "and" after one item joins two clauses
        items.append(last)
        lists.append(_trim_first(items))
    return tuple(lists)


def _trim_first(items: list[Item]) -> tuple[Item, ...]:
    """In a list of proper names, drop lowercase words that lead the first item
    ("involves Britain, Canada and the US" lists Britain, not "involves Britain")."""
    first, middle, last = items[0], items[1:-1], items[-1]
    names = [i for i in (*middle, last) if i.text[0].isupper()]
    if len(names) < len(items) - 1:
        return tuple(items)
    if not first.text[0].isupper():
        words = first.text.split()
        while words and not words[0][0].isupper():
            words.pop(0)
        if not words:  # "For the first time, Japan, ...": not an item at all
            return (*middle, _cut_lowercase_tail(last)) if middle else tuple(items)
        start = first.start + first.text.index(words[0])
        first = Item(start, first.end, " ".join(words))
    return (first, *middle, _cut_lowercase_tail(last))


def _cut_lowercase_tail(item: Item) -> Item:
    """"South Korea held" -> "South Korea": in a list of names, a trailing verb is not part."""
    words = item.text.split()
    keep = 0
    while keep < len(words) and words[keep][0].isupper():
        keep += 1
    if keep == 0 or keep == len(words):
        return item
    text = " ".join(words[:keep])
    return Item(item.start, item.start + len(text), text)


def _initials(text: str) -> str:
    return "".join(w[0] for w in text.replace("-", " ").split() if w[0].isupper())


@lru_cache(maxsize=65536)  # each list is compared with every list of its claim
def same_item(a: Item, b: Item) -> bool:
    if a.key == b.key:
        return True
    words_a, words_b = a.key.split(), b.key.split()
    if words_a and words_b and (words_a == words_b[: len(words_a)] or words_b == words_a[: len(words_b)]):
        return True  # "Indo-Pacific" / "Indo-Pacific region"
    short, long_ = sorted((a.text.replace(".", ""), b.text.replace(".", "")), key=len)
    if short.isupper() and len(short) >= 2 and short == _initials(long_):
        return True
    return fuzz.ratio(a.key, b.key) >= 90


def _shared(list_a: tuple[Item, ...], list_b: tuple[Item, ...]) -> int:
    return sum(1 for x in list_a if any(same_item(x, y) for y in list_b))


def pair_lists(lists_a: Sequence[tuple[Item, ...]], lists_b: Sequence[tuple[Item, ...]], min_shared: int = 1):
    """Pair each list with the other sentence's list it overlaps most (at least half of
    the shorter one), each list at most once, so a sentence's several lists are not
    compared crosswise."""
    scored = []
    for i, la in enumerate(lists_a):
        for j, lb in enumerate(lists_b):
            shared = _shared(la, lb)
            if shared >= min_shared and shared * 2 >= min(len(la), len(lb)):
                scored.append((-shared / min(len(la), len(lb)), -shared, i, j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, _, i, j in sorted(scored):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            yield lists_a[i], lists_b[j]


@lru_cache(maxsize=65536)  # wire copy: most pairs of a claim are pairs of texts seen before
def _paired_lists(text_a: str, text_b: str) -> tuple[tuple[tuple[Item, ...], tuple[Item, ...]], ...]:
    """``pair_lists`` of the lists of two sentences."""
    return tuple(pair_lists(find_lists(text_a), find_lists(text_b)))


@register
class ListDifference(Rule):
    """Outlets list different items (countries, areas, names) for the same claim."""

    code = "CK108"
    name = "list-difference"
    severity = Severity.WARNING
    measured_precision = "0.05 (1/20)"  # real / judged on the dev stories, docs/quality.md
    preview = True  # off by default: measured precision on real news below 0.5 (docs/quality.md)
    confidence = 0.05  # its share of real findings on the dev stories (docs/quality.md, reliability)

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        return ctx.for_each_claim(self, lambda claim: self._claim(ctx, claim))

    def _claim(self, ctx: RuleContext, claim: Claim) -> Iterable[Finding]:
        for a, b in ctx.outlet_pairs(claim):
            for list_a, list_b in _paired_lists(a.text, b.text):
                finding = self._compare(ctx, claim, a, list_a, b, list_b)
                if finding:
                    yield finding
            for member, other in ((a, b), (b, a)):
                member_lists = find_lists(member.text)
                if member_lists and not _paired_lists(member.text, other.text):
                    yield from self._next_door(ctx, claim, member, member_lists, other)

    def _next_door(
        self, ctx: RuleContext, claim: Claim, member: Sentence, member_lists, other: Sentence
    ) -> Iterable[Finding]:
        """A member's list against a list in the unclaimed sentence next to the other member.

        Translations and rewrites often move a list into the following sentence ("...
        improve the partnership programme. He hopes to advance cooperation in cyber,
        emerging technologies and maritime security."). Such a list must share at least
        two items, and only the items it adds are flagged: a neighbouring sentence is a
        partial view, so what it leaves out may stand elsewhere.
        """
        sentences = ctx.sentences_by_article.get(other.article, ())
        for index in (other.index - 1, other.index + 1):
            if not 0 <= index < len(sentences):
                continue
            near = sentences[index]
            if not near.is_claim or ctx.claim_of(near) is not None:
                continue
            for list_m, list_n in pair_lists(member_lists, find_lists(near.text), min_shared=2):
                added = [y for y in list_n if not any(same_item(x, y) for x in list_m)]
                if added:
                    yield self._finding(ctx, claim, member, list_m, near, list_n, [], added)

    def _compare(self, ctx, claim: Claim, a: Sentence, list_a, b: Sentence, list_b) -> Finding | None:
        only_a = [x for x in list_a if not any(same_item(x, y) for y in list_b)]
        only_b = [y for y in list_b if not any(same_item(x, y) for x in list_a)]
        shared = len(list_a) - len(only_a)
        if shared == 0 or (not only_a and not only_b):
            return None
        return self._finding(ctx, claim, a, list_a, b, list_b, only_a, only_b)

    def _finding(self, ctx, claim: Claim, a: Sentence, list_a, b: Sentence, list_b, only_a, only_b) -> Finding:
        parts = []
        if only_a:
            parts.append(f"only {ctx.outlet(a.article)} lists {', '.join(repr(x.text) for x in only_a)}")
        if only_b:
            parts.append(f"only {ctx.outlet(b.article)} lists {', '.join(repr(y.text) for y in only_b)}")
        key = "|".join(sorted(x.key for x in only_a + only_b))
        return ctx.finding(
            self,
            story=claim.story,
            claim=claim.id,
            key=key,
            message="; ".join(parts),
            evidence=[
                ctx.evidence(a, a.start + list_a[0].start, a.start + list_a[-1].end),
                ctx.evidence(b, b.start + list_b[0].start, b.start + list_b[-1].end),
            ],
        )
