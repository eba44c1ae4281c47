"""Two sentences lined up word for word: where they say the same words, and the short
slots where one says something else ("Trump [claimed / said] on Monday").

Why: a claim pairs sentences that report one thing, but most pairs from two outlets are
told in different words throughout, and a word of one cannot be set against a word of the
other. Where the two line up around a slot, the slot is one choice of words for one thing:
the place to compare labels and wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from ..stop_words import ENGLISH_STOP_WORDS

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d[\d,.]*")
MAX_SLOT = 3  # words on either side of a slot: more is a different clause, not a word choice
MIN_SHARED = 0.25  # share of the shorter sentence's words the two sentences share, at least
MIN_ANCHOR_WORDS = 2  # shared content words around a slot, before and after together


@dataclass(frozen=True)
class Token:
    start: int  # offsets in the sentence text
    end: int
    text: str
    quoted: bool  # inside quotation marks (straight or curly)

    @property
    def key(self) -> str:
        return self.text.casefold().replace("’", "'")


def is_content(token: Token) -> bool:
    """A word that names something: neither a stop word nor a number."""
    return token.key not in ENGLISH_STOP_WORDS and not token.text[0].isdigit()


def around(words: tuple[Token, ...], first: int, end: int) -> tuple[int, int]:
    """Offsets of ``words[first:end]`` with one word either side: the place of a slot as a
    reader sees it ("Trump [claimed] on"); an empty slot gives its two neighbours."""
    return words[max(0, first - 1)].start, words[min(len(words), end + 1) - 1].end


@lru_cache(maxsize=8192)  # a sentence is lined up with every other outlet's in its claim
def tokens(text: str) -> tuple[Token, ...]:
    """Word tokens (words and numbers, no punctuation), each knowing whether it is quoted.
    A closing curly mark with no opening one before it ends a quotation that began in an
    earlier sentence: the words before it are quoted too."""
    carried = text.find("”")
    if carried >= 0 and "“" in text[:carried]:
        carried = -1
    out = []
    for m in _TOKEN.finditer(text):
        before = text[: m.start()]
        quoted = before.count('"') % 2 == 1 or before.count("“") > before.count("”") or m.start() < carried
        out.append(Token(m.start(), m.end(), m.group(0), quoted))
    return tuple(out)


@dataclass(frozen=True)
class Slot:
    """Tokens ``a[a0:a1]`` of one sentence stand where ``b[b0:b1]`` stand in the other
    (``b0 == b1``: the other has nothing there); both sides lined up around it."""

    a0: int
    a1: int
    b0: int
    b1: int
    shared_after: int = 0  # tokens both sentences share right after the slot


def _anchored(before: tuple[Token, ...], after: tuple[Token, ...], edges: bool) -> bool:
    """Shared words on both sides of the slot (or one, at an edge of the sentence, with
    ``edges``), and among them two that name something (neither stop words nor numbers):
    "Trump [claimed / said] on Monday", not "the [contentious hearing lasted / ] 5"."""
    content = sum(1 for t in before + after if is_content(t))
    return (bool(before) and bool(after) or edges and bool(before or after)) and content >= MIN_ANCHOR_WORDS


def slots(a: str, b: str, *, edges: bool = False) -> list[Slot]:
    """The slots where sentence ``a`` has words of its own (at most :data:`MAX_SLOT` on
    either side) between words both sentences share, when the two share enough words to
    be lined up at all (:data:`MIN_SHARED`). With ``edges``, also a slot that opens or
    ends the sentence ("[Terrorists / Militants] stormed the hotel")."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return []
    matcher = SequenceMatcher(None, [t.key for t in ta], [t.key for t in tb], autojunk=False)
    shared = sum(block.size for block in matcher.get_matching_blocks())
    if shared < MIN_SHARED * min(len(ta), len(tb)):
        return []
    codes = matcher.get_opcodes()
    out = []
    for i, (op, a0, a1, b0, b1) in enumerate(codes):
        if op not in ("replace", "delete") or a1 - a0 > MAX_SLOT or b1 - b0 > MAX_SLOT:
            continue
        before = codes[i - 1] if i > 0 else None
        after = codes[i + 1] if i + 1 < len(codes) else None
        if (before and before[0] != "equal") or (after and after[0] != "equal"):
            continue  # another difference right beside it: not one slot
        shared_before = ta[before[1] : before[2]] if before else ()
        shared_after = ta[after[1] : after[2]] if after else ()
        if _anchored(shared_before, shared_after, edges):
            out.append(Slot(a0, a1, b0, b1, len(shared_after)))
    return out
