"""Articles the tool cannot read because they are not in English: skipped, with a note.

The embedding model (all-MiniLM-L6-v2) and every rule (framing terms, hedges, negations,
number words) read English. A French article in a story shares no claim with the English
ones, and every English claim would then look "left out" by its outlet (CK107), so it is
skipped, and the note says why and how to keep it.

A stated language (front matter, manifest column, the HTML page's ``lang``) is trusted.
Otherwise the text is judged first by its script: an article is not English when most of
its letters are in another script (Chinese, Japanese, Korean, Cyrillic, Arabic, Greek,
Hebrew...; the Unicode name of each letter says which). That holds for a brief of a few
words as for a long article, so it is checked at any length (from ``MIN_LETTERS``
letters). Then, in texts long enough to judge (``MIN_CHARACTERS``), by its function
words, which every text is full of: it is not English when common French, German,
Spanish, Italian, Portuguese or Dutch function words outnumber the English ones and make
up a fair share of it. In English news the English ones are about a quarter of the
words and the others under 0.03; in those languages it is the other way round (0.09 to
0.21 against under 0.03). Counting both, rather than English words alone, keeps
headline-style English ("Putin sworn in as Russian president"), which has few function
words of either kind. No detection library is needed for that, and the rule is the same
on every machine.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from checker.models import Article

ENGLISH_FUNCTION_WORDS = frozenset(
    """the of and to is that for with said as by at it from his he be has have are were
    this not who which its their they but had after would been than""".split()
)
"""Frequent English words that are not also frequent words of other Latin-script languages
(so no "a", "in", "an", "on", "was" or "will")."""

OTHER_FUNCTION_WORDS = frozenset(
    """le les des du et est une dans pour sur qui que pas avec der das und ist nicht mit dem
    ein eine von auf für sich el del y por para una es se il di che della sono os em não com
    het een dat zijn voor niet en""".split()
)
"""Frequent French, German, Spanish, Italian, Portuguese and Dutch words that English text
rarely has (so no "de", "die", "van", "per", "do" or "los", which English names and words use)."""

MIN_CHARACTERS = 200  # shorter texts (a caption, a brief) are too short to judge by their words
MIN_LETTERS = 10  # ... but not by their script: ten letters of Chinese or Cyrillic say enough
MIN_OTHER_SCRIPT_SHARE = 0.5  # of letters; English text quoting a foreign name stays far below
MIN_OTHER_SHARE = 0.05  # of words; English news has under 0.03
SAMPLE_CHARACTERS = 5_000  # the opening of a long article tells its language as well as all of it
_NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_PUNCTUATION = str.maketrans({c: " " for c in "\"'“”‘’.,;:!?()[]—–-"})
# Scripts by the first word of their letters' Unicode names ("CJK UNIFIED IDEOGRAPH-4E2D").
_SCRIPT_NAMES = {
    "CJK": "Chinese characters",
    "HIRAGANA": "Japanese kana",
    "KATAKANA": "Japanese kana",
    "HANGUL": "Korean Hangul",
    "FULLWIDTH": "full-width letters",
}


def not_english(article: Article) -> str | None:
    """Why ``article`` is not read as English (a note's reason), or None when it is."""
    stated = (article.language or "").strip()
    if stated:
        primary = re.split(r"[-_]", stated, maxsplit=1)[0].casefold()
        if primary in ("en", "eng", "english"):
            return None
        return (
            f"its language is '{stated}' and checker's model and rules read English only; "
            "give an English translation instead"
        )
    sample = article.text[:SAMPLE_CHARACTERS]
    advice = (
        "checker's model and rules read English only; if it is English, state 'language: en' "
        "in its front matter or manifest row"
    )
    script = other_script(sample)
    if script is not None:
        share, names = script
        return f"it does not read as English ({share:.0%} of its letters are {names}, not Latin) and {advice}"
    if len(sample) < MIN_CHARACTERS:
        return None
    words = sample.casefold().translate(_PUNCTUATION).split()
    english = sum(map(ENGLISH_FUNCTION_WORDS.__contains__, words)) / max(1, len(words))
    other = sum(map(OTHER_FUNCTION_WORDS.__contains__, words)) / max(1, len(words))
    if other >= MIN_OTHER_SHARE and other > english:
        return (
            f"it does not read as English ({english:.0%} of its words are common English ones, "
            f"{other:.0%} common French, German, Spanish, Italian, Portuguese or Dutch ones) and {advice}"
        )
    return None


def other_script(text: str) -> tuple[float, str] | None:
    """(share of letters, the scripts named) when most of the letters of ``text`` are not
    Latin; None when they are, or when it has under ``MIN_LETTERS`` letters."""
    others = [c for c in _NON_LATIN_LETTER.findall(text) if c.isalpha()]
    if not others:
        return None
    letters = sum(c.isalpha() for c in text)
    share = len(others) / letters
    if letters < MIN_LETTERS or share <= MIN_OTHER_SCRIPT_SHARE:
        return None
    scripts = Counter(_script(c) for c in others)
    names = [name for name, _ in sorted(scripts.items(), key=lambda item: (-item[1], item[0]))]
    shown = [name for name in names if scripts[name] >= 0.1 * len(others)] or names[:1]
    return share, " and ".join(dict.fromkeys(shown))


def _script(letter: str) -> str:
    """The script of a letter, named for people: "Chinese characters", "Cyrillic"."""
    word = unicodedata.name(letter, "OTHER").split(" ", 1)[0]
    return _SCRIPT_NAMES.get(word, word.capitalize())
