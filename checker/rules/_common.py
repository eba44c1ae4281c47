"""Small text helpers shared by several rules (words with offsets, quotes, claim pairs)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from ..models import Claim, Sentence

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
QUOTE = re.compile(r"[\"“”]([^\"“”]{1,600})[\"“”]")

STOPWORDS = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been being
    it its this that these those he she they we you i his her their our your them him us
    will would shall should can could may might must do does did has have had not no
    also said says say told added than then there here which who whom whose what when where
    while after before about into over under up down out so such more most very just all
    any each both either neither other another some own same""".split()
)


@dataclass(frozen=True)
class Word:
    start: int  # offset in the string the word was found in
    end: int
    text: str

    @property
    def lower(self) -> str:
        return self.text.lower().replace("’", "'")


def words(text: str) -> list[Word]:
    return [Word(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]


@lru_cache(maxsize=16384)
def sentence_words(text: str) -> tuple[Word, ...]:
    """``words(text)``, kept: rules compare each sentence with every other of its claim."""
    return tuple(words(text))


@lru_cache(maxsize=65536)  # called for every word of every compared pair; few distinct words
def stem(word: str) -> str:
    """A crude, deterministic stem: enough to equate "attend/attends/attended/attending"."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def pairs_across_outlets(claim: Claim, outlet_of) -> Iterator[tuple[Sentence, Sentence]]:
    """Every pair of sentences of ``claim`` from two different outlets, in a stable order."""
    for a, b in combinations(claim.sentences, 2):
        if outlet_of(a.article) != outlet_of(b.article):
            yield a, b


@lru_cache(maxsize=16384)  # read for every term found in a sentence, and by several rules
def quotes(text: str, min_words: int = 1) -> tuple[tuple[int, int, str], ...]:
    """Quoted passages as (start, end, inner text), offsets of the inner text."""
    out = []
    for m in QUOTE.finditer(text):
        inner = m.group(1)
        if len(inner.split()) >= min_words:
            out.append((m.start(1), m.end(1), inner))
    return tuple(out)


def in_open_quotation(text: str, start: int) -> bool:
    """A quotation mark before ``start`` that is not closed by then: an odd number of
    straight double marks, or more curly openings than closings."""
    before = text[:start]
    return before.count('"') % 2 == 1 or before.count("\u201c") > before.count("\u201d")


def in_cut_quotation(text: str, start: int) -> bool:
    """Whether ``start`` stands inside a quotation that the sentence splitter cut: opened
    before it and not closed in the sentence (an odd number of straight double marks
    before it, more curly openings than closings, or a single mark opening the text, as
    British copy quotes), or closed after it without an opening (the quotation began in
    an earlier sentence). 'Mrs May said: "President Putin's regime is ...' has no closing
    mark: the quotation goes on in the next sentence."""
    if in_open_quotation(text, start):
        return True
    before, after = text[:start], text[start:]
    if after.count("\u201d") > after.count("\u201c") or (text.count('"') % 2 and not before.count('"')):
        return True
    lead = before.lstrip()
    return lead[:1] in ("'", "\u2018") and not re.search(r"\w['\u2019][\s,.;:!?]|[^\w\s]['\u2019]", lead[1:])


def normalise_text(text: str) -> str:
    """Case-, width- and whitespace-insensitive form used in fingerprints."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())
