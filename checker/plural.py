"""Counts with their nouns, for every message that prints one: "1 story", "2 stories".

One helper, so that no message says "1 stories" or "1 articles from 1 outlets".
"""

from __future__ import annotations

_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")


def plural(noun: str) -> str:
    """The plural of an English noun or noun phrase (its last word is inflected):
    "story" -> "stories", "shared claim" -> "shared claims", "match" -> "matches"."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"
    if noun.endswith(_SIBILANT_ENDINGS):
        return noun + "es"
    return noun + "s"


def counted(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and the noun in the right number: counted(1, "story") == "1 story",
    counted(3, "story") == "3 stories"; ``many`` gives an irregular plural."""
    return f"{n} {noun if n == 1 else many or plural(noun)}"
