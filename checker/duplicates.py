"""Wire copy that several outlets carry: near-identical articles are compared once.

An agency story that three outlets run nearly word for word is one source, not three.
Left in, each of its sentences would be a "shared claim" that the outlets "agree" on,
and an outlet that did not carry the story would look as if it left those claims out
(CK107). So an article whose wording is almost all found in another, and which changes
nothing but its headline or where it ends, is collapsed into it: the run keeps the longer
one and a note names the copy.

A copy that edits the wire text inside its body ("war" for "invasion", another spelling of
a name) is not collapsed: that edit is exactly what a wire editor runs checker to see, and
the rules can only report it if both articles are in the run. The note says it is a near
copy and lists its edits, so its agreement with the source is read for what it is.

"Almost all" is measured on shingles, runs of five words (case and punctuation ignored):
the share of the shorter article's shingles that occur in the longer one. One changed
word removes up to five shingles, so 0.9 allows a few edits to a 400-word story and a
trimmed ending (outlets often cut wire copy from the bottom), but not a rewrite. Exact
duplicates are found before this, by content hash (``checker.ingest``).

Cost grows with the text, not with the number of pairs: only one shingle in 16 (picked by
its hash, so the same ones in every copy) is indexed, and only articles that share most
of the sampled shingles are compared in full.
"""

from __future__ import annotations

import difflib
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from checker.models import Article

SHINGLE_WORDS = 5
NEAR_COPY_SHARE = 0.9
MIN_WORDS = 40  # shorter texts share five-word runs by chance ("the prime minister said that")
_PRIME = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads a hash over the top bits, which pick the sample
_STOCK_PHRASE = 100  # a sampled shingle already in this many articles says nothing
_DESCRIBE_UP_TO = 3_000  # words; longer copies are not diffed word by word (quadratic)
_HEADLINE_WORDS = 20  # a first line this short is a headline, its own in every outlet
_JOIN_GAP = 3  # words: differences closer than this are described as one change
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class NearCopy:
    """An article whose wording is nearly all found in another (``kept``)."""

    copy: Article
    kept: Article
    share: float  # of the copy's shingles found in the kept article
    edits: tuple[str, ...]  # the copy's own wording in its body, e.g. '"war" for "invasion"'
    collapsed: bool  # left out of the run: only its headline or its ending differ

    def note(self) -> str:
        where = (
            f"{self.copy.path} ({self.copy.outlet}) repeats {self.kept.path} "
            f"({self.kept.outlet}), {self.share:.0%} of its wording"
        )
        if self.collapsed:
            return (
                f"syndicated copy: {where}; left out so that one wire story does not count "
                "as agreement between outlets"
            )
        edits = ", ".join(self.edits) if self.edits else "too long to compare word by word"
        return (
            f"near copy: {where}, with edits of its own ({edits}); both are checked, so read "
            "their agreement as one source"
        )


def collapse_near_copies(articles: Sequence[Article]) -> tuple[list[Article], list[NearCopy]]:
    """The articles without collapsed copies (in their given order), and every near copy.

    Longer articles are kept first (ties by path), so the result does not depend on the
    order of the input. A near copy that edits its body stays in the run (see the module
    docstring) and is listed with ``collapsed=False``.
    """
    copies = find_near_copies(articles)
    return without_collapsed(articles, copies), copies


def without_collapsed(articles: Sequence[Article], copies: Sequence[NearCopy]) -> list[Article]:
    """``articles`` less the copies that ``find_near_copies`` collapsed, in their order."""
    collapsed = {c.copy.id for c in copies if c.collapsed}
    return [a for a in articles if a.id not in collapsed]


def find_near_copies(articles: Sequence[Article]) -> list[NearCopy]:
    """Every near copy among ``articles``, by the copy's path (see ``collapse_near_copies``).

    Returns no articles but the copies' own, so that a worker process can run it
    cheaply while others split sentences (``pipeline.check``).
    """
    hashes = _WordHashes()
    words = {a.id: _WORD.findall(a.text.casefold()) for a in articles}
    index: dict[int, list[str]] = defaultdict(list)
    kept_shingles: dict[str, np.ndarray] = {}
    by_id = {a.id: a for a in articles}
    copies: dict[str, NearCopy] = {}
    for article in sorted(articles, key=lambda a: (-len(words[a.id]), a.path)):
        if len(words[article.id]) < MIN_WORDS:
            continue
        own = _shingles(hashes.of(words.pop(article.id)))
        sampled = _sampled(own).tolist()
        votes = Counter(other for h in sampled for other in index.get(h, ()))
        best: tuple[float, str] | None = None
        for other, count in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
            if count < len(sampled) / 2:
                break
            share = len(np.intersect1d(own, kept_shingles[other], assume_unique=True)) / len(own)
            if share >= NEAR_COPY_SHARE and (best is None or share > best[0]):
                best = (share, other)
        if best is not None:
            share, kept = best[0], by_id[best[1]]
            edits = _body_edits(article.text, kept.text)
            collapsed = edits == ()
            copies[article.id] = NearCopy(article, kept, share, edits or (), collapsed)
            if collapsed:
                continue
        kept_shingles[article.id] = own
        for h in sampled:
            if len(index[h]) < _STOCK_PHRASE:
                index[h].append(article.id)
    return sorted(copies.values(), key=lambda c: c.copy.path)


def sampled_shingles(text: str) -> list[int]:
    """The shingles of ``text`` that :func:`find_near_copies` indexes, as signed 64-bit
    numbers (SQLite's integers): what the store keeps of each article to find its near
    copies among new articles without reading every stored text."""
    words = _WORD.findall(text.casefold())
    if len(words) < MIN_WORDS:
        return []
    return _sampled(_shingles(_WordHashes().of(words))).view(np.int64).tolist()


def _sampled(shingles: np.ndarray) -> np.ndarray:
    """One shingle in 16, picked by its hash, so that every copy samples the same ones."""
    return shingles[(shingles * _MIX >> np.uint64(60)) == 0]


class _WordHashes:
    """A stable 32-bit hash per distinct word (crc32, computed once per word)."""

    def __init__(self) -> None:
        self._known: dict[str, int] = {}

    def of(self, words: Sequence[str]) -> np.ndarray:
        known = self._known
        for word in set(words).difference(known):
            known[word] = zlib.crc32(word.encode("utf-8"))
        return np.fromiter(map(known.__getitem__, words), dtype=np.uint64, count=len(words))


def _shingles(word_hashes: np.ndarray) -> np.ndarray:
    """The distinct hashes of every run of ``SHINGLE_WORDS`` words, sorted.

    A polynomial hash over the word hashes, wrapping at 64 bits; stable across runs and
    machines (no ``hash()``, which Python salts per process).
    """
    count = len(word_hashes) - SHINGLE_WORDS + 1
    if count < 1:
        return np.unique(word_hashes)
    combined = word_hashes[:count].copy()
    for offset in range(1, SHINGLE_WORDS):
        combined = combined * _PRIME + word_hashes[offset : offset + count]
    return np.unique(combined)


def _body_edits(copy_text: str, kept_text: str, most: int = 3) -> tuple[str, ...] | None:
    """The copy's wording where its body differs from the kept article, a few at most.

    Not edits: a different headline (the copy's first line, when it is headline-short) and
    words missing at either end (outlets trim wire copy, mostly from the bottom).
    Differences fewer than ``_JOIN_GAP`` words apart are one edit. None when the texts are
    too long to compare word by word (the comparison is quadratic).
    """
    copy, kept = _WORD.findall(copy_text), _WORD.findall(kept_text)
    if max(len(copy), len(kept)) > _DESCRIBE_UP_TO:
        return None
    first_line = copy_text.strip().partition("\n")[0]
    headline_words = len(_WORD.findall(first_line))
    headline_words = headline_words if headline_words <= _HEADLINE_WORDS else 0
    matcher = difflib.SequenceMatcher(None, [w.casefold() for w in kept], [w.casefold() for w in copy], autojunk=False)
    spans: list[list[int]] = []  # [i1, i2, j1, j2]: kept[i1:i2] became copy[j1:j2]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if spans and i1 - spans[-1][1] < _JOIN_GAP and j1 - spans[-1][3] < _JOIN_GAP:
            spans[-1][1:] = [i2, spans[-1][2], j2]
        else:
            spans.append([i1, i2, j1, j2])
    found: list[str] = []
    for i1, i2, j1, j2 in spans:
        if j2 <= headline_words and j1 < headline_words:  # the copy's own headline
            continue
        if j1 == j2:  # only words left out
            if i1 > 0 and i2 < len(kept):
                found.append(f'left out "{_phrase(kept[i1:i2])}"')
        elif i1 == i2:
            if j1 > 0 and j2 < len(copy):
                found.append(f'added "{_phrase(copy[j1:j2])}"')
        else:
            found.append(f'"{_phrase(copy[j1:j2])}" for "{_phrase(kept[i1:i2])}"')
    if len(found) > most:
        found = found[:most] + [f"and {len(found) - most} more"]
    return tuple(found)


def _phrase(words: Sequence[str], most: int = 8) -> str:
    return " ".join(words[:most]) + (" ..." if len(words) > most else "")
