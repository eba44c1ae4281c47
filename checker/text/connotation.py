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


# -- which words are evaluative adjectives -------------------------------------------
# The two lexicons below ship inside the ``textblob`` package (MIT); they are read as data,
# never through textblob itself (importing it imports nltk). en-lexicon.txt is the word
# list of Brill's tagger (trained on the Brown corpus and the Penn Treebank): each word's
# most frequent part of speech. en-sentiment.xml is the adjective lexicon of the Pattern
# project (De Smedt and Daelemans, 2012; public domain, PDDL): polarity and subjectivity
# per sense, hand-tagged.

#: Adjectives that state a status in news (legal, medical, physical), an outcome or a cost,
#: not a judgement: "a guilty plea", "a criminal investigation", "the lone survivor", "the
#: unsuccessful mission" are the facts of the story, whichever outlet writes them; and
#: words that are mostly parts of terms ("critical" as "important", "lame duck", "gross
#: debt", "super majority"), found on held-out AllSides text; and degrees of illness or
#: weather ("severe respiratory illnesses", "mild symptoms").
STATUS_ADJECTIVES = frozenset(
    """criminal guilty illegal unlawful terrorist suspicious lone fatal deadly dead injured
    violent sick ill poor low lower lowest high higher highest missing wanted armed homeless unemployed jobless dangerous
    hazardous toxic negative positive free special top best great false wrong successful unsuccessful
    expensive critical lame gross super severe mild""".split()
)


@cache
def _tags() -> dict[str, str]:
    text = resources.files("textblob").joinpath("en", "en-lexicon.txt").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and not line.startswith(";"):
            out.setdefault(parts[0], parts[1])
    return out


@cache
def _adjective_polarity() -> dict[str, tuple[float, float]]:
    """Adjective -> (mean polarity, mean subjectivity) over its senses."""
    import xml.etree.ElementTree as ET  # noqa: N817 - read once

    root = ET.fromstring(resources.files("textblob").joinpath("en", "en-sentiment.xml").read_text(encoding="utf-8"))
    senses: dict[str, list[tuple[float, float]]] = {}
    for word in root:
        if word.get("pos") == "JJ":
            senses.setdefault(word.get("form", "").casefold(), []).append((float(word.get("polarity", 0)), float(word.get("subjectivity", 0))))
    return {w: (sum(p for p, _ in s) / len(s), sum(q for _, q in s) / len(s)) for w, s in senses.items()}


def part_of_speech(word: str) -> str:
    """The word's most frequent Penn Treebank tag ("JJ", "NN", "VBD", ...), "" if unknown."""
    return _tags().get(word) or _tags().get(word.casefold(), "")


def is_noun(word: str) -> bool:
    return part_of_speech(word) in ("NN", "NNS")


def evaluative_polarity(word: str) -> int:
    """-1 or +1 for an adjective that judges ("woeful", "reckless", "corrupt", "brilliant"),
    0 for any other word. An adjective judges when either lexicon rates it loaded (VADER by
    :func:`is_loaded`; Pattern at polarity <= -0.5 or >= 0.8 with subjectivity >= 0.7), the
    tagger lexicon reads it as an adjective, and it is not a :data:`STATUS_ADJECTIVES` fact."""
    w = word.casefold()
    if w in STATUS_ADJECTIVES or part_of_speech(w) not in ("JJ", "JJR"):
        return 0  # superlatives ("the worst outbreak", "the poorest countries") rank, mostly facts
    if is_loaded(w):
        return 1 if valence(w) > 0 else -1
    polarity, subjectivity = _adjective_polarity().get(w, (0.0, 0.0))
    if subjectivity >= 0.7 and (polarity <= -0.5 or polarity >= 0.8):
        return 1 if polarity > 0 else -1
    return 0


def leaning(word: str) -> int:
    """The sign of any valence either lexicon gives the word, however mild (-1, 0, +1): an
    outlet whose own modifier leans the same way has not named the thing plainly."""
    v = valence(word)
    if v:
        return 1 if v > 0 else -1
    polarity, _ = _adjective_polarity().get(word.casefold(), (0.0, 0.0))
    return (polarity > 0) - (polarity < 0)


_RELATIONAL = ("al", "ic", "ary", "ese", "ian", "an", "ish")  # "federal", "nuclear", "Chinese"


def may_judge(word: str, polarity: int) -> bool:
    """Whether ``word`` may judge in the direction ``polarity``: it leans that way, or it is
    an adjective neither lexicon knows ("lackluster", "salacious") and not a relational one
    ("federal", "presidential"). Used to decide that an outlet did *not* judge: when unsure,
    assume it did."""
    w = word.casefold()
    if leaning(w) == polarity:
        return True
    unknown = not valence(w) and w not in _adjective_polarity()
    return unknown and part_of_speech(w) in ("JJ", "JJR", "JJS") and not w.endswith(_RELATIONAL)
