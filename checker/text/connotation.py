"""What a word connotes: the valence of the VADER lexicon (Hutto and Gilbert, ICWSM 2014;
the ``vaderSentiment`` package, MIT licence), 7,500 words rated -4..+4 by ten people each.

Why: outlets calling one person "Senate Majority Leader" and "Mr." differ in house style,
not in stance; "protest" (-1.0) and "riot" (-2.6) differ in stance. A label difference is
worth an editor's time only when one of the labels carries a valence. The lexicon was made
for social media and misses some of the news's loaded labels ("dictator", "regime",
"thug" are not in it): those belong in the term families of claims/.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

#: Valence from which a negative word is loaded (single words above -1 are mild:
#: "fighter" 0.6, "strongman" 0.7, "protest" -1.0 is the edge).
LOADED = 1.0
#: Positive words need more: the lexicon rates the plain words of institutions as
#: praise ("agreement" 2.2, "justice" 2.4, "party" 1.7, "united" 1.8, "security" 1.4),
#: which in news name things, not stances. Praise that is a stance scores higher
#: ("great" 3.1, "brilliant" 2.8, "heroic" 2.6).
LOADED_POSITIVE = 2.5


@cache
def valences() -> dict[str, float]:
    """Word -> mean valence, from the packaged VADER lexicon."""
    text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    out: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                out[parts[0].casefold()] = float(parts[1])
            except ValueError:
                continue
    return out


def valence(word: str) -> float:
    """The word's valence (0 when the lexicon does not know it), with plain -s/-es plurals."""
    table = valences()
    w = word.casefold().strip(".'’")
    for form in (w, w[:-1] if w.endswith("s") else w, w[:-2] if w.endswith("es") else w):
        if form in table:
            return table[form]
    return 0.0


def is_loaded(word: str) -> bool:
    v = valence(word)
    return v <= -LOADED or v >= LOADED_POSITIVE
