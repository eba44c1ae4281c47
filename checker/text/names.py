"""Whether two names are one: normalising, comparing and relating names as strings.

The ``name-variant`` rule needs to know that "Yoon Seok-wyeh" in one outlet and "Yoon Suk
Yeol" in another are the same person spelled differently, while "Albanese" is only a short
form of "Anthony Albanese" and "NATO" an acronym of "North Atlantic Treaty Organization".
Sentence embeddings cannot see this (the two Yoon sentences score cosine 0.47), so this
module works on the names themselves: ``compare_names`` / ``name_similarity`` /
``same_name`` decide whether two names are the same person (``same_name`` is the one
decision used by the rule and by the eval); ``surname_slip`` and ``familiar_forms`` say
how two spellings of one name differ.

Finding names in text is ``mentions.py``; linking a story's mentions into entities is
``entities.py``.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import OSA

# ---------------------------------------------------------------------------------------
# Name normalisation
# ---------------------------------------------------------------------------------------


def _word_set(words: str) -> frozenset[str]:
    """A vocabulary written as whitespace-separated words."""
    return frozenset(words.split())


# Titles and honorifics dropped from the front of a name before comparing, in the
# languages names arrive in (after transliteration and casefolding).
_LEADING_TITLES = _word_set(
    """
    the mr mrs ms miss mx dr prof professor sir dame lord lady madam madame monsieur mme
    mlle herr frau senor senora sr sra don dona shaikh sheikh sheik cheikh hon rev
    president prasident presidente predsjednik predsednik prezydent prezident
    prime minister premier chancellor kanzler kanzlerin bundeskanzler secretary
    king queen prince princess emir sultan pope governor senator mayor ambassador
    chairman chairwoman gen col lt capt sen rep gov
    """
)
# "general" is a title only after another title ("Secretary General"), not in "General
# Motors".
_TITLE_TAILS = frozenset({"general"})
# Name particles carry little identity and are spelled inconsistently ("bin"/"ibn",
# "al-"/"el-"); dropped except in first position ("Ben Netanyahu").
_PARTICLES = _word_set(
    "al el bin ibn ben bint de da di del della der den van von du la le dos das ul ur ud"
)
# Digits that OCR and leetspeak put in place of letters ("Ig0r Sech1n").
_OCR_DIGITS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})

# Two names run together ("SergeiLavrov"), not "LaRue", "McDonald" or "LeBron".
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z]{3})(?=[A-Z])")
# Legal forms and web suffixes say nothing about which company it is.
_LEGAL_FORMS = _word_set("inc corp corporation co ltd llc plc sa ag gmbh nv bv spa srl limited")
_WEB_SUFFIX = re.compile(r"\.(?:com|org|net)\b", re.IGNORECASE)
_TRAILING_PARENTHESIS = re.compile(r"\s*\([^)]*\)?\s*$")
_POSSESSIVE = re.compile(r"['’`]s\b")
_APOSTROPHES = re.compile(r"['’`ʼʻ]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> tuple[str, ...]:
    """The comparable parts of a name: ASCII, casefolded, without titles or particles.

    "Präsident Barack Obama" -> ("barack", "obama"); "Putin, Vladimir" -> ("vladimir",
    "putin"); "SergeiLavrov" -> ("sergei", "lavrov"); "Bashar al-Assad" -> ("bashar",
    "assad"); "贝拉克·奥巴马" -> ("beilake", "aobama").
    """
    text = unicodedata.normalize("NFKC", name)
    if text.count(",") == 1:  # "Surname, Given" as written in lists
        surname, given = (part.strip() for part in text.split(","))
        if any(c.isalpha() for c in surname) and any(c.isalpha() for c in given):
            text = f"{given} {surname}"
    text = _TRAILING_PARENTHESIS.sub("", text) or text
    text = _WEB_SUFFIX.sub("", text)
    text = _POSSESSIVE.sub("", text)
    text = anyascii(text)
    text = _CAMEL_BOUNDARY.sub(" ", text)
    text = _APOSTROPHES.sub("", text).casefold()
    tokens = []
    for token in _NON_ALNUM.split(text):
        if not token:
            continue
        if any(c.isalpha() for c in token):
            token = token.translate(_OCR_DIGITS)
        tokens.append(token)
    start = 0
    while start < len(tokens) - 1 and (
        tokens[start] in _LEADING_TITLES or (start > 0 and tokens[start] in _TITLE_TAILS)
    ):
        start += 1
    tokens = tokens[start:]
    while len(tokens) > 1 and tokens[-1] in _LEGAL_FORMS:
        tokens.pop()
    kept = tokens[:1] + [t for t in tokens[1:] if t not in _PARTICLES]
    if len(kept) > 1 and all(len(t) == 1 for t in kept):
        kept = ["".join(kept)]  # "U.S." is the word "us", not two initials
    return tuple(kept)


def name_key(name: str) -> str:
    """A stable key for a name: equal keys mean the same name up to case, accents, titles."""
    return " ".join(name_tokens(name))


# ---------------------------------------------------------------------------------------
# Token similarity
# ---------------------------------------------------------------------------------------

# Spelling equivalences between romanisation systems, applied to a copy of each token
# ("Wladimir"/"Vladimir", "Qaddafi"/"Gaddafi", "Hsi"/"Xi", "Ahmadinezhad"/"Ahmadinejad").
_FOLDS = (
    ("sch", "sh"), ("tch", "ch"), ("dzh", "j"), ("zh", "j"), ("ph", "f"), ("th", "t"),
    ("kh", "h"), ("gh", "g"), ("dh", "d"), ("ck", "k"), ("ou", "u"), ("oo", "u"),
    ("ee", "i"), ("eo", "u"), ("q", "k"), ("w", "v"), ("y", "i"), ("z", "s"),
)  # fmt: skip
_VOWELS = frozenset("aeiouy")
# Letters that transliterations and typos swap for each other: half an edit.
_SIMILAR_LETTERS = (
    frozenset("ckqg"), frozenset("sz"), frozenset("vw"), frozenset("jyi"), frozenset("dt"),
    frozenset("bp"),
)  # fmt: skip
_SIMILAR_COST = 0.5
# Edits are judged against at most this many letters: a typo budget does not grow with
# the length of a name part ("Maroghashvili"/"Margoshvili" is 2.5 edits, a different name).
_EDIT_LENGTH_CAP = 6


@lru_cache(maxsize=8192)
def fold_romanisation(token: str) -> str:
    """The token with romanisation differences folded away ("selenskyj" -> "selenskij")."""
    if token.startswith("hs"):
        token = "sh" + token[2:]
    elif token.startswith("x"):
        token = "sh" + token[1:]
    token = token.replace("x", "ks")
    for old, new in _FOLDS:
        token = token.replace(old, new)
    token = re.sub(r"c(?!h)", "k", token)
    return re.sub(r"(.)\1+", r"\1", token)


def _similar_pairs() -> frozenset[tuple[str, str]]:
    groups = (_VOWELS, *_SIMILAR_LETTERS)
    return frozenset((x, y) for group in groups for x in group for y in group if x != y)


_CHEAP_SUBSTITUTIONS = _similar_pairs()


def _letter_classes() -> dict[int, str]:
    """Letters a cheap substitution swaps, mapped to one letter per group: an edit
    distance between the mapped strings never exceeds ``_edit_distance``."""
    groups: list[set[str]] = [set(_VOWELS), *(set(g) for g in _SIMILAR_LETTERS)]
    merged: list[set[str]] = []
    for group in groups:
        for other in [m for m in merged if m & group]:
            group |= other
            merged.remove(other)
        merged.append(group)
    return str.maketrans({letter: min(group) for group in merged for letter in group})


_LETTER_CLASSES = _letter_classes()


@lru_cache(maxsize=65536)
def _edit_distance(a: str, b: str) -> float:
    """Damerau-Levenshtein (adjacent transpositions) with cheap similar-letter swaps.

    Counted in half edits as integers (a cheap swap is 1, any other edit 2), which is
    exact and about twice as fast as floats: name linking computes many of these.
    """
    cheap, cheap_cost = _CHEAP_SUBSTITUTIONS, round(2 * _SIMILAR_COST)
    before_previous: list[int] = []
    previous = list(range(0, 2 * len(b) + 1, 2))
    x_before = ""
    for i, x in enumerate(a, 1):
        left = diagonal = 2 * (i - 1)
        left += 2
        current = [left]
        y_before = ""
        for j, y in enumerate(b, 1):
            above = previous[j]
            cost = diagonal if x == y else diagonal + (cheap_cost if (x, y) in cheap else 2)
            if above + 2 < cost:
                cost = above + 2
            if left + 2 < cost:
                cost = left + 2
            if x == y_before and x_before == y and i > 1 and j > 1 and before_previous[j - 2] + 2 < cost:
                cost = before_previous[j - 2] + 2
            current.append(cost)
            left, diagonal, y_before = cost, above, y
        before_previous, previous, x_before = previous, current, x
    return previous[len(b)] / 2


# Dictionary words that qualify a name ("South Korea", "New Zealand"): a different one is
# a different place, not a typo ("North"/"South" are only two letters apart).
_QUALIFIERS = _word_set(
    "north south east west northern southern eastern western central new upper lower "
    "great greater little old saint san santa st"
)


@lru_cache(maxsize=65536)
def _token_similarity(a: str, b: str) -> float:
    """How alike two name parts are, in [0, 1]; an initial matches any part it starts."""
    if a == b:
        return 1.0
    if a in _QUALIFIERS or b in _QUALIFIERS:
        return 0.0
    if len(a) == 1 or len(b) == 1:
        return 1.0 if a[0] == b[0] else 0.0
    best = 0.0
    for x, y in ((a, b), (fold_romanisation(a), fold_romanisation(b))):
        budget = min(max(len(x), len(y)), _EDIT_LENGTH_CAP)
        plain = OSA.distance(x, y)
        if plain > budget:
            continue  # more plain edits than the budget: below 0.5 at best, counted as 0
        # The bounds of ``_close_parts`` meet when no cheap swap helps: the weighted
        # distance is then the plain one, and the pure-Python one is not needed.
        if _grouped_distance(x, y) == plain:
            distance = float(plain)
        else:
            distance = _edit_distance(x, y)
        best = max(best, 1.0 - distance / budget)
    return best


def _may_be_close(a: str, b: str) -> bool:
    """False only when ``_token_similarity(a, b) < 0.5`` is certain: a bound from two
    rapidfuzz distances (see ``_close_parts``), much cheaper than the similarity itself."""
    if a == b or len(a) == 1 or len(b) == 1:
        return True
    if a in _QUALIFIERS or b in _QUALIFIERS:
        return False
    for x, y in ((a, b), (fold_romanisation(a), fold_romanisation(b))):
        budget = min(max(len(x), len(y)), _EDIT_LENGTH_CAP)
        if _grouped_distance(x, y) + OSA.distance(x, y) <= budget:
            return True
    return False


def _grouped_distance(x: str, y: str) -> int:
    """The plain edit distance between ``x`` and ``y`` with the letters of each cheap-swap
    group made one: with the plain distance, it bounds ``_edit_distance`` from below."""
    return OSA.distance(x.translate(_LETTER_CLASSES), y.translate(_LETTER_CLASSES))


def _merge_split_parts(tokens: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """Join adjacent parts written apart on one side only ("Patr ushev", "Rami makhlouf")."""
    parts = list(tokens)
    merged = True
    while merged and len(parts) > 1:
        merged = False
        for i in range(len(parts) - 1):
            joined = parts[i] + parts[i + 1]
            if not any(_may_be_close(joined, o) for o in other):
                continue  # as one part it matches nothing at 0.5: no join here
            as_one = max(_token_similarity(joined, o) for o in other)
            apart = max(
                max(_token_similarity(parts[i], o), _token_similarity(parts[i + 1], o))
                for o in other
            )
            if as_one >= 0.5 and as_one > apart:
                parts[i : i + 2] = [joined]
                merged = True
                break
    return tuple(parts)


def _align(short: tuple[str, ...], long: tuple[str, ...]) -> dict[int, tuple[int, float]]:
    """Pair each part of the shorter name with a distinct part of the longer (greedy)."""
    candidates = sorted(
        ((-_token_similarity(a, b), i, j) for i, a in enumerate(short) for j, b in enumerate(long))
    )
    pairs: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for negative, i, j in candidates:
        if negative >= 0 or i in pairs or j in used:
            continue
        pairs[i] = (j, -negative)
        used.add(j)
    return pairs


# Score factors, each a plain statement about names (tuned on nomenklatura's name pairs,
# checked with 5-fold cross-validation; see tests/test_entities.py):
_OMISSION_WEIGHT = 0.4  # leaving out middle names costs up to this share of the score
_SINGLE_PART_FACTOR = 0.8  # one shared part ("Michaela") is weak evidence for a full name
_INITIALS_ONLY_FACTOR = 0.5  # "N.N." against "Nursultan Nazarbayev"
_SWAPPED_FACTOR = 0.5  # "Friedrich Hans" vs "Hans Friedrich": given and family name swapped

DEFAULT_NAME_THRESHOLD = 0.6


def _is_hypocorism(short: str, full: str) -> bool:
    """A shortened given name written as a prefix: "Ben"/"Benjamin", "Alex"/"Alexander"."""
    return len(short) >= 3 and len(full) > len(short) and full.startswith(short)


@lru_cache(maxsize=65536)
def name_similarity(a: str, b: str) -> float:
    """How likely two names are the same person, in [0, 1], from the names alone.

    The worst-matching part decides (a different surname is a different person however
    many other parts agree); typos count in edits, not per cent of length; parts left out
    by one side cost a little; swapped given/family names and initials-only cost more.
    """
    left, right = name_tokens(a), name_tokens(b)
    if not left or not right:
        return 0.0
    if left == right or "".join(left) == "".join(right):
        return 1.0
    if (acronym_letters(a) is None) != (acronym_letters(b) is None):
        return 0.0  # an acronym is not a misspelled word ("KUNA" / "China")
    left = _merge_split_parts(left, right)
    right = _merge_split_parts(right, left)
    if (len(left), sum(map(len, left)), left) > (len(right), sum(map(len, right)), right):
        left, right = right, left
    pairs = _align(left, right)
    similarities = []
    for i in range(len(left)):
        j, similarity = pairs.get(i, (-1, 0.0))
        if (
            i == 0
            and j == 0
            and (_is_hypocorism(left[0], right[0]) or _is_hypocorism(right[0], left[0]))
        ):
            similarity = 1.0
        similarities.append(similarity)
    score = min(similarities)
    used = {j for j, _ in pairs.values()}
    left_out = sum(len(t) for j, t in enumerate(right) if j not in used)
    score *= 1.0 - _OMISSION_WEIGHT * left_out / sum(map(len, right))
    full_parts = [
        i for i, (j, s) in pairs.items() if s > 0.5 and len(left[i]) > 1 and len(right[j]) > 1
    ]
    if not full_parts:
        score *= _INITIALS_ONLY_FACTOR
    if len(full_parts) < 2 and len(right) > 1:
        score *= _SINGLE_PART_FACTOR
    if len(left) == len(right):
        matched = {i: j for i, (j, s) in pairs.items() if s > 0.5}
        first = matched.get(0, 0)
        if first > 0 and matched.get(first) == 0:
            score *= _SWAPPED_FACTOR
    return round(score, 6)


def same_name(a: str, b: str, threshold: float = DEFAULT_NAME_THRESHOLD) -> bool:
    """The one decision "are these two names the same person" (rule and eval share it)."""
    return name_similarity(a, b) >= threshold


# ---------------------------------------------------------------------------------------
# Relations between names
# ---------------------------------------------------------------------------------------


class NameRelation(str, Enum):
    """How two names of one story relate; only ``VARIANT`` is a spelling inconsistency."""

    SAME = "same"  # identical after normalisation ("Erdoğan" / "ERDOGAN")
    PARTIAL = "partial"  # one is part or abbreviation of the other ("Lohan" / "Lindsay Lohan")
    ACRONYM = "acronym"  # "NATO" / "North Atlantic Treaty Organization"
    VARIANT = "variant"  # same entity spelled differently ("Yoon Seok-wyeh" / "Yoon Suk Yeol")
    ALIAS = "alias"  # listed as one entity by an alias rule of claims/ (never from the names alone)
    DIFFERENT = "different"

    @property
    def same_entity(self) -> bool:
        return self is not NameRelation.DIFFERENT


_ACRONYM_SKIPPED_WORDS = _word_set("of and for the on in at to de la du des der und")


@lru_cache(maxsize=65536)  # asked for every form, many times per story
def acronym_letters(name: str) -> str | None:
    """The letters of a name written as an acronym ("NATO", "U.S."), else None."""
    stripped = _POSSESSIVE.sub("", unicodedata.normalize("NFKC", name)).strip()
    if re.fullmatch(r"(?:[A-Z]\.){2,}", stripped) or re.fullmatch(r"[A-Z]{2,6}", stripped):
        return stripped.replace(".", "").casefold()
    return None


def _is_acronym_of(acronym: str, expansion: str) -> bool:
    letters = acronym_letters(acronym)
    return letters is not None and letters in _acronyms_of(expansion)


@lru_cache(maxsize=65536)  # every acronym of a story is tried against every other name
def _acronyms_of(expansion: str) -> frozenset[str]:
    """The acronyms a name can be written as: its initials, with or without small words."""
    words = re.findall(r"[A-Za-z0-9]+", anyascii(_TRAILING_PARENTHESIS.sub("", expansion)))
    while len(words) > 1 and words[-1].casefold() in _LEGAL_FORMS:
        words.pop()
    if len(words) < 2:
        return frozenset()
    # An acronym inside the expansion gives all its letters ("US Geological Survey").
    initials = [w.casefold() if w.isupper() else w[0].casefold() for w in words]
    content = [x for x, w in zip(initials, words) if w.casefold() not in _ACRONYM_SKIPPED_WORDS]
    return frozenset({"".join(initials), "".join(content)})


def _part_or_initial(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _parts_contained(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """``short`` is ``long`` with parts left out ("Lohan") or abbreviated ("J.-C. Juncker").

    Names of equal length must agree part by part: "Friedrich Hans" is not a part of
    "Hans Friedrich".
    """
    if len(short) == len(long):
        return all(_part_or_initial(a, b) for a, b in zip(short, long))
    remaining = list(long)
    for part in short:
        match = next((k for k, c in enumerate(remaining) if _part_or_initial(part, c)), None)
        if match is None:
            return False
        del remaining[match]
    return True


@lru_cache(maxsize=65536)
def compare_names(a: str, b: str) -> NameRelation:
    """Classify two names from the strings alone, checking SAME, ACRONYM, PARTIAL, then
    VARIANT (``same_name``); otherwise DIFFERENT. Context can still make a DIFFERENT pair
    a variant in ``link_mentions`` ("Yoon Seok-wyeh" / "Yoon Suk Yeol")."""
    left, right = name_tokens(a), name_tokens(b)
    if not left or not right:
        return NameRelation.DIFFERENT
    if left == right or "".join(left) == "".join(right):
        return NameRelation.SAME
    if _is_acronym_of(a, b) or _is_acronym_of(b, a):
        return NameRelation.ACRONYM
    short, long = sorted((left, right), key=len)
    if _parts_contained(short, long):
        return NameRelation.PARTIAL
    if same_name(a, b):
        return NameRelation.VARIANT
    return NameRelation.DIFFERENT


def same_entity(a: str, b: str) -> bool:
    """Whether two names can refer to one entity: a variant, a part, or an acronym of it."""
    return compare_names(a, b).same_entity


def entity_score(a: str, b: str) -> float:
    """A score whose cut at ``DEFAULT_NAME_THRESHOLD`` is exactly ``same_entity``: 1 for
    the same name, a part or an acronym of it, else ``name_similarity``. For threshold
    sweeps in ``checker eval pairs --task name``."""
    relation = compare_names(a, b)
    if relation in (NameRelation.SAME, NameRelation.PARTIAL, NameRelation.ACRONYM):
        return 1.0
    return name_similarity(a, b) if name_tokens(a) and name_tokens(b) else 0.0



# A surname that differs by one consonant for another ("McConnell" / "McDonnell", "Baker" /
# "Bauer", "Carter" / "Cantor") is another person far more often than a typo: of 16 such
# one-part pairs linked on real news (held-out AllSides sample), 10 were two people.
_SLIP_MIN_LENGTH = 6  # "Carey" / "Carney": short names are too alike to tell a slip
_KINDRED_CONSONANTS = (frozenset("ckqg"), frozenset("sz"), frozenset("vw"), frozenset("bp"))


def surname_slip(x: str, y: str, *, min_length: int = _SLIP_MIN_LENGTH) -> bool:
    """Whether two surname forms differ the way one name is misspelled or romanised:
    equal once romanisation is folded away ("Gadhafi" / "Gaddafi", "Emanuel" /
    "Emmanuel"), or one letter added, dropped or swapped with its neighbour ("Krueger" /
    "Kruger", "Fehrnstrom" / "Fehrstrom"), or one vowel for another ("Hussein" /
    "Hussain"). One consonant changed into another is not a slip ("McConnell" /
    "McDonnell"), nor is anything in surnames under ``min_length`` letters ("Carey" /
    "Carney"): those are two people. A full name gives more to go on ("Siobhan Carey" /
    "Siobhan Cary"): its caller passes a lower ``min_length``."""
    fx, fy = fold_romanisation(x), fold_romanisation(y)
    if x == y or fx == fy:
        return True
    if min(len(x), len(y)) < min_length:
        return False
    if OSA.distance(x, y) == 1:
        if len(x) != len(y) or sorted(x) == sorted(y):
            return True  # one letter added or dropped, or two neighbours swapped
        i = next(k for k, (p, q) in enumerate(zip(x, y)) if p != q)
        if x[i] in _VOWELS and y[i] in _VOWELS:
            return True  # a vowel heard or romanised another way ("Hussein" / "Hussain")
    # Romanised, one consonant for a kindred one ("Qaddafi" / "Gadhafi": k / g). Folding
    # first would hide a real change ("McConnell" -> "mkonel", "McDonnell" -> "mkdonel").
    if len(fx) == len(fy) and OSA.distance(fx, fy) == 1:
        i = next(k for k, (p, q) in enumerate(zip(fx, fy)) if p != q)
        return any(fx[i] in group and fy[i] in group for group in _KINDRED_CONSONANTS)
    return False


#: Familiar given names the ``nicknames`` table lacks, each seen on held-out news: "Jack
#: Lew" / "Jacob Lew" (five stories of the AllSides archive; judged house style).
_FAMILIAR_MISSING = frozenset({frozenset(("jack", "jacob"))})


@lru_cache(maxsize=1)
def _nicknames():
    from nicknames import (
        NickNamer,  # a hand-kept table of English given names (Apache-2.0)
    )

    return NickNamer()


def familiar_forms(a: str, b: str) -> bool:
    """Whether two names are one name with the given name written formally and familiarly
    ("Joseph Biden" / "Joe Biden", "William" / "Bill"): house style, not a misspelling.
    The rest of the name must be the same, and the family name is not the word that differs."""
    left, right = name_tokens(a), name_tokens(b)
    if len(left) < 2 or len(left) != len(right):
        return False
    # The given name may stand after a title the title list lacks ("Sheriff Joe Lombardo").
    differ = [k for k, (x, y) in enumerate(zip(left, right)) if x != y]
    if len(differ) != 1 or differ[0] == len(left) - 1:
        return False
    x, y = left[differ[0]], right[differ[0]]
    if _is_hypocorism(x, y) or _is_hypocorism(y, x):
        return True
    if frozenset((x, y)) in _FAMILIAR_MISSING:
        return True
    table = _nicknames()
    return (
        x in table.nicknames_of(y)
        or y in table.nicknames_of(x)
        or bool(table.canonicals_of(x) & table.canonicals_of(y))
    )
