"""Named-entity mentions, name matching, and linking mentions across a story.

The ``name-variant`` rule needs to know that "Yoon Seok-wyeh" in one outlet and "Yoon Suk
Yeol" in another are the same person spelled differently, while "Albanese" is only a short
form of "Anthony Albanese" and "NATO" an acronym of "North Atlantic Treaty Organization".
Sentence embeddings cannot see this (the two Yoon sentences score cosine 0.47), so this
module works on the names themselves:

* ``find_mentions`` pulls proper names out of sentences with a regex/heuristic extractor
  (no model, no list of known people) and splits titles off into ``Mention.role``.
* ``compare_names`` / ``name_similarity`` / ``same_name`` decide whether two names are the
  same person (``same_name`` is the one decision used by the rule and by the eval).
* ``link_mentions`` groups the mentions of a story into ``Entity`` values. String
  similarity alone cannot tell "Kishida" from "Kushida", so a spelling variant is only
  linked when the context agrees (same role, same claim, or the same slot among the same
  other people).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from functools import cached_property, lru_cache
from itertools import pairwise

import numpy as np

from .calendar import MONTH_NUMBERS, WEEKDAY_NAMES
from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import OSA

from checker.models import Sentence, SentenceKind

__all__ = [
    "DEFAULT_NAME_THRESHOLD",
    "Entity",
    "Link",
    "Mention",
    "NameRelation",
    "compare_names",
    "find_mentions",
    "link_mentions",
    "name_key",
    "name_similarity",
    "name_tokens",
    "same_entity",
    "same_name",
]

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
def _fold(token: str) -> str:
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
    for x, y in ((a, b), (_fold(a), _fold(b))):
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
    for x, y in ((a, b), (_fold(a), _fold(b))):
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
    if (_acronym_letters(a) is None) != (_acronym_letters(b) is None):
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
def _acronym_letters(name: str) -> str | None:
    """The letters of a name written as an acronym ("NATO", "U.S."), else None."""
    stripped = _POSSESSIVE.sub("", unicodedata.normalize("NFKC", name)).strip()
    if re.fullmatch(r"(?:[A-Z]\.){2,}", stripped) or re.fullmatch(r"[A-Z]{2,6}", stripped):
        return stripped.replace(".", "").casefold()
    return None


def _is_acronym_of(acronym: str, expansion: str) -> bool:
    letters = _acronym_letters(acronym)
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


# ---------------------------------------------------------------------------------------
# Mentions
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A proper name as written in one sentence; offsets point into ``Article.text``."""

    article: str  # Article.id
    sentence: int  # Sentence.index
    start: int
    end: int
    text: str  # the name as written, without a possessive "'s"
    role: str | None = None  # title words right before it: "South Korean President"
    # The enumeration ("A, B and C") of the sentence the name stands in, numbered from 0;
    # None when it stands alone. Names filling the same slot of similar lists in two
    # outlets are the same person even when spelled differently.
    listing: int | None = None


# Title words that head a role ("Prime Minister", "Secretary General", "Dr.") ...
_ROLE_HEADS = _word_set(
    """
    president president-elect minister chancellor premier pm secretary king queen prince
    princess emperor empress pope governor senator mayor ambassador envoy chairman
    chairwoman chairperson director commissioner spokesman spokeswoman spokesperson
    leader speaker sheikh shaikh emir sultan judge archbishop bishop cardinal rabbi imam
    ayatollah colonel captain admiral marshal commander ceo chief representative
    congressman congresswoman lawmaker mr mrs ms dr prof sir dame lord lady gen col lt
    capt sgt rep sen gov monsieur madame herr frau adviser advisor aide strategist
    """
)
# ... "General" only after these ("Secretary General", not "General Motors") ...
_GENERAL_AFTER = _word_set("secretary attorney surgeon inspector solicitor director")
# ... and words that only qualify a head ("Foreign Minister", "Vice President").
_ROLE_MODIFIERS = _word_set(
    """
    prime vice deputy foreign defense defence finance interior trade crown supreme acting senior
    former first home economy health education energy attorney surgeon inspector
    solicitor executive assistant state grand lieutenant general
    """
)
_ROLE_WORDS = _ROLE_HEADS | _ROLE_MODIFIERS
# Abbreviated titles written with a full stop.
_TITLE_ABBREVIATIONS = _word_set("mr mrs ms dr prof gen col lt capt sgt rep sen gov st")
# Words that end an organisation's name: a title before them is part of the name
# ("Prime Minister's Office", "UN General Assembly"), not a role.
_ORGANISATION_WORDS = _word_set(
    """
    council assembly office ministry party committee commission agency organization
    organisation union bank group department court university forum summit treaty
    alliance news administration government house association institute foundation
    corporation company command forces army navy palace cabinet parliament
    """
)
# Nationality adjectives: alone they are not a name ("Japanese leader", "Western
# alliance"); before a title they are part of the role ("Australian Prime Minister").
_DEMONYMS = _word_set(
    """
    afghan albanian algerian american angolan argentine argentinian armenian asian
    australian austrian azerbaijani bangladeshi belarusian belgian bolivian bosnian
    brazilian british bulgarian burmese cambodian cameroonian canadian chilean chinese
    colombian congolese croatian cuban cypriot czech danish dutch ecuadorian egyptian
    emirati english eritrean estonian ethiopian european filipino finnish french
    georgian german ghanaian greek guatemalan haitian honduran hungarian icelandic indian
    indonesian iranian iraqi irish israeli italian ivorian jamaican japanese jordanian
    kazakh kenyan korean kosovar kurdish kuwaiti kyrgyz laotian latvian lebanese libyan
    lithuanian malaysian malian maltese mexican moldovan mongolian montenegrin moroccan
    mozambican namibian nepalese nigerian nigerien norwegian omani pakistani palestinian
    panamanian paraguayan peruvian polish portuguese qatari romanian russian rwandan
    saudi scottish senegalese serbian singaporean slovak slovenian somali spanish
    sudanese swedish swiss syrian taiwanese tajik tanzanian thai tunisian turkish
    turkmen ugandan ukrainian uruguayan uzbek venezuelan vietnamese welsh yemeni
    zambian zimbabwean african arab latin nordic baltic balkan pacific atlantic
    western eastern northern southern soviet
    """
)
# Compass words may join a nationality adjective ("South Korean").
_DIRECTIONS = _word_set("north south east west northern southern eastern western central")
_MONTHS = frozenset(m.lower() for m in MONTH_NUMBERS)
_WEEKDAYS = frozenset(d.lower() for d in WEEKDAY_NAMES)
# Ordinary words that start sentences: capitalised there, but not names.
_SENTENCE_STARTERS = _word_set(
    """
    a an the this that these those there here it its he she they we i you his her their
    our my your him them us me who whom whose which what when where why how whether and
    but or nor so yet if as although though because since while until unless after
    before during in on at for from to of by with without about against among amid
    amidst between through into onto upon within across around near over under above
    below behind beyond despite like unlike according also however meanwhile moreover
    furthermore nevertheless nonetheless still then thus hence now today yesterday
    tomorrow tonight some many most much more less all both each every either neither
    several such no not only even just again already instead therefore otherwise
    overall elsewhere once another other any few last next earlier later recently
    currently finally first second third indeed perhaps maybe please yes
    officials analysts experts critics sources
    """
)
# Lowercase particles that can sit inside a name ("Osama bin Laden", "Group of Seven").
_NAME_CONNECTORS = _word_set(
    "of al el bin ibn bint de da di del della der den van von du la le dos das y"
)
# Hyphenated endings that turn a name into an adjective ("Brussels-based", "U.S.-led").
_ADJECTIVE_SUFFIXES = _word_set(
    """
    based led backed linked owned run born made style like era related funded
    controlled sponsored allied friendly bound wide level centric focused speaking held
    occupied annexed ruled dominated brokered type class specific only free
    """
)

_WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W_]+(?:[-'’][^\W_]+)*")
_ARABIC_ARTICLE = re.compile(r"(?:al|el|ad|as|ash|an|ar|at|az)-[A-Z]")
_ENDS_WITH_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:(?:[A-Z]\.)+|(?:" + "|".join(sorted(_TITLE_ABBREVIATIONS)) + r")\.)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str
    possessive: bool  # written with "'s" (excluded from ``end``)
    adjective: bool  # a hyphenated adjective ("Brussels-based"), cut back to its name
    sentence_initial: bool  # starts the sentence, a bracket, or a sentence inside a quote
    quote_initial: bool  # starts a quotation ("We must ...", "Five Eyes")
    key: str  # ``text`` without a final "." and casefolded; set once, read often

    @property
    def initial_position(self) -> bool:
        return self.sentence_initial or self.quote_initial


def _words(text: str, offset: int) -> list[_Word]:
    words: list[_Word] = []
    for match in _WORD.finditer(text):
        start, end = match.start(), match.end()
        word = match.group()
        possessive = False
        if re.search(r"['’]s$", word) and len(word) > 2:
            word, end, possessive = word[:-2], end - 2, True
        adjective = False
        if "-" in word:
            head, _, tail = word.rpartition("-")
            if tail.islower() and (tail in _ADJECTIVE_SUFFIXES or tail.endswith("ed")) and head:
                word, end, adjective = head, start + len(head), True
        if (
            end < len(text)
            and text[end] == "."
            and (word.casefold() in _TITLE_ABBREVIATIONS or (len(word) == 1 and word.isupper()))
        ):
            word, end = word + ".", end + 1  # "Mr.", an initial "W."
        before = text[:start].rstrip()
        quote_initial = bool(before) and before[-1] in "\"“‘'"
        sentence_initial = (
            not before
            or before[-1] in "([{"
            or before.endswith((":", "--"))
            or (before[-1] in ".!?" and not _ENDS_WITH_ABBREVIATION.search(before))
        )
        words.append(
            _Word(
                offset + start,
                offset + end,
                word,
                possessive,
                adjective,
                sentence_initial,
                quote_initial,
                word.rstrip(".").casefold(),
            )
        )
    return words


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() or bool(_ARABIC_ARTICLE.match(word))


def _is_all_caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_title_case(kind: SentenceKind, text: str, words: Sequence[_Word]) -> bool:
    """Headline case ("Japan PM Seeks Upgrade Of NATO Partnership"): every word is noise.

    Only headlines and lines without a full stop qualify: a body sentence listing
    "South Korean President Yoon Seok-wyeh, Australian Prime Minister Albanese, ..." is
    mostly capitalised too.
    """
    if kind != "headline" and text.rstrip().endswith((".", "!", "?", '."', ".”")):
        return False
    alphabetic = [w for w in words if w.text[:1].isalpha()]
    if len(alphabetic) < 4:
        return False
    capitalised = sum(1 for w in alphabetic if w.text[:1].isupper())
    return capitalised / len(alphabetic) >= 0.75


@dataclass(frozen=True)
class _ArticleVocabulary:
    """What the article itself says about a word's case, to judge sentence-initial words."""

    capitalised_inside: frozenset[str]  # seen capitalised away from a sentence start
    lowercase: frozenset[str]  # seen in lowercase anywhere


def _vocabulary(sentence_texts: Iterable[str]) -> _ArticleVocabulary:
    inside: set[str] = set()
    lower: set[str] = set()
    for text in sentence_texts:
        own_inside, own_lower, _ = _sentence_vocabulary(text)
        inside |= own_inside
        lower |= own_lower
    return _ArticleVocabulary(frozenset(inside), frozenset(lower))


@lru_cache(maxsize=16384)
def _sentence_vocabulary(text: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """One sentence's share of ``_vocabulary`` (capitalised inside, lowercase), and all its
    word keys: kept per text, as its words are."""
    inside: set[str] = set()
    lower: set[str] = set()
    for word in _sentence_words(text):
        if word.text[:1].islower():
            lower.add(word.key)
        elif not word.initial_position:
            inside.add(word.key)
    return frozenset(inside), frozenset(lower), frozenset(w.key for w in _sentence_words(text))


def _is_name_word(
    word: _Word, following: _Word | None, continues_run: bool, vocabulary: _ArticleVocabulary
) -> bool:
    text, key = word.text, word.key
    if not _is_capitalised(text):
        return False
    if len(text.rstrip(".")) == 1:
        return text.endswith(".")  # an initial, "W. Mark Felt"; never "(R)" or "A+"
    if key in _WEEKDAYS:
        return False
    if key in _MONTHS and not (continues_run and not (following and following.text[:1].isdigit())):
        return False  # "June 29", "in May and November"; but "Theresa May"
    if not word.initial_position or _is_all_caps(text):
        return True
    if key in _SENTENCE_STARTERS:
        return False
    if (key in _ROLE_WORDS or key in _DEMONYMS) and following and _is_capitalised(following.text):
        return True  # "President Yoon said", "Japanese Prime Minister Fumio Kishida said"
    if not word.sentence_initial or key in vocabulary.capitalised_inside:
        return True  # a quotation may start with a name: "Five Eyes"
    return key not in vocabulary.lowercase and not key.endswith(("ing", "ly", "ed", "wise"))


def _is_word_gap(gap: str | None) -> bool:
    """Words of one name: adjacent, or one space or line break apart (wrapped text)."""
    return gap is not None and (gap == "" or (gap.isspace() and gap.count("\n") <= 1 and len(gap) <= 3))


def _runs(
    words: list[_Word], text: str, offset: int, vocabulary: _ArticleVocabulary
) -> list[list[_Word]]:
    """Maximal sequences of name words separated by single spaces (or a name particle)."""
    runs: list[list[_Word]] = []
    current: list[_Word] = []
    pending: list[_Word] = []  # connectors waiting for a following name word
    for k, word in enumerate(words):
        following = words[k + 1] if k + 1 < len(words) else None
        previous = pending[-1] if pending else (current[-1] if current else None)
        gap = text[previous.end - offset : word.start - offset] if previous is not None else None
        joined = _is_word_gap(gap) or (
            previous is not None and previous.possessive and gap is not None
            and gap[:2] in ("'s", "’s") and _is_word_gap(gap[2:]) and gap[2:] != ""
        )
        if (
            joined
            and current
            and (current[-1].adjective or (current[-1].possessive and word.key not in _ROLE_WORDS))
        ):
            joined = False
        if _is_name_word(word, following, bool(current) and joined, vocabulary):
            if current and joined:
                current.extend(pending)
                current.append(word)
            else:
                if current:
                    runs.append(current)
                current = [word]
            pending = []
        elif current and joined and word.text in _NAME_CONNECTORS and len(pending) < 2:
            pending.append(word)
        else:
            if current:
                runs.append(current)
            current, pending = [], []
    if current:
        runs.append(current)
    return runs


def _split_role(run: list[_Word]) -> tuple[list[_Word], list[_Word]]:
    """Split a run into (role words, name words): "NATO Secretary General | Jens Stoltenberg"."""
    keys = [w.key for w in run]
    if keys[-1] in _ORGANISATION_WORDS:
        return [], run
    last_head = -1
    for k, key in enumerate(keys):
        if key in _ROLE_HEADS or (key == "general" and k > 0 and keys[k - 1] in _GENERAL_AFTER):
            last_head = k
    if last_head < 0:
        return [], run
    # "Chief of Staff Jacob Lew", "Secretary of State Hillary Clinton": the role's
    # complement belongs to the role, when a name still follows it.
    if keys[last_head + 1 : last_head + 2] == ["of"]:
        last_head = last_head + 2 if len(run) > last_head + 3 else len(run) - 1
    return run[: last_head + 1], run[last_head + 1 :]


def _is_only_nationality(words: Sequence[_Word]) -> bool:
    keys = [w.key for w in words]
    return any(k in _DEMONYMS for k in keys) and all(
        k in _DEMONYMS or k in _DIRECTIONS for k in keys
    )


def find_mentions(sentences: Iterable[Sentence], article_text: str) -> list[Mention]:
    """Proper-name mentions in the sentences of one article, in text order.

    Capitalised word sequences (with "Seok-wyeh", "al-Assad", "bin", "of" inside) become
    names; titles before a name become its ``role``; sentence-initial ordinary words,
    months, weekdays, nationality adjectives, boilerplate and headline-case sentences are
    skipped. A heuristic, not full NER: it knows no people, only how names are written.
    """
    prepared: list[tuple[Sentence, str, int]] = []
    for sentence in sentences:
        if sentence.kind == "boilerplate":
            continue
        begin = article_text.find(sentence.text, sentence.start) if sentence.text else -1
        offset = begin if 0 <= begin < sentence.end else sentence.start
        text = article_text[offset : sentence.end]
        prepared.append((sentence, text, offset))
    vocabulary = _vocabulary(text for _, text, _ in prepared)
    mentions: list[Mention] = []
    for sentence, text, offset in prepared:
        # The vocabulary only matters for this sentence's own words: with the same answers
        # for them, a sentence repeated in another article has the same mentions.
        keys = _sentence_vocabulary(text)[2]
        inside = keys & vocabulary.capitalised_inside
        lowercase = keys & vocabulary.lowercase
        mentions.extend(
            Mention(sentence.article, sentence.index, m.start + offset, m.end + offset, m.text, m.role, m.listing)
            for m in _sentence_mentions(text, sentence.kind, inside, lowercase)
        )
    mentions.sort(key=lambda m: (m.start, m.end))
    return mentions


@lru_cache(maxsize=16384)
def _sentence_words(text: str) -> tuple[_Word, ...]:
    """``_words`` of a sentence, offsets relative to it: computed once per distinct text."""
    return tuple(_words(text, 0))


@lru_cache(maxsize=32768)
def _sentence_mentions(
    text: str, kind: SentenceKind, capitalised_inside: frozenset[str], lowercase: frozenset[str]
) -> tuple[Mention, ...]:
    """The mentions of one sentence, with offsets relative to it and no article yet; the
    vocabulary sets need only hold this sentence's words (see ``find_mentions``)."""
    words = list(_sentence_words(text))
    if _is_title_case(kind, text, words):
        return ()
    vocabulary = _ArticleVocabulary(capitalised_inside, lowercase)
    found: list[tuple[int, Mention]] = []  # (where the role or name starts, mention)
    for run in _runs(words, text, 0, vocabulary):
        role_words, name_words = _split_role(run)
        if role_words and not name_words:
            # "New Zealand Prime Minister" with no name: keep the place, drop the title.
            first_title = next(k for k, w in enumerate(role_words) if w.key in _ROLE_WORDS)
            role_words, name_words = [], role_words[:first_title]
        while name_words and name_words[-1].text in _NAME_CONNECTORS:
            name_words = name_words[:-1]
        if not name_words or _is_only_nationality(name_words):
            continue
        if all(w.key in _QUALIFIERS for w in name_words):
            continue  # "East" of "East and South China seas"
        if all(len(w.text.rstrip(".")) == 1 for w in name_words):
            continue
        start, end = name_words[0].start, name_words[-1].end
        role = None
        if role_words:
            role = text[role_words[0].start : role_words[-1].end]
        found.append((role_words[0].start if role_words else start, Mention("", 0, start, end, text[start:end], role)))
    return tuple(_with_listings(found, text))


# What separates the items of an enumeration: ", ", " and ", ", and ", "; ", optionally
# after a photo position marker ("Jens Stoltenberg (L, front), and ...").
_LIST_SEPARATOR = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|;\s*)")


def _with_listings(found: Sequence[tuple[int, Mention]], article_text: str) -> list[Mention]:
    """Number the enumerations among one sentence's mentions (given with where each
    mention's role starts)."""
    if not found:
        return []
    groups: list[list[Mention]] = [[found[0][1]]]
    for (_, previous), (span_start, mention) in pairwise(found):
        gap = article_text[previous.end : span_start]
        if _LIST_SEPARATOR.fullmatch(gap):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    result: list[Mention] = []
    listing = 0
    for group in groups:
        if len(group) < 2:
            result.extend(group)
            continue
        result.extend(replace(m, listing=listing) for m in group)
        listing += 1
    return result


# ---------------------------------------------------------------------------------------
# Linking mentions across a story
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """Why two written forms of one entity were linked."""

    a: str  # a form as written (the earlier one in reading order)
    b: str
    relation: NameRelation  # SAME, PARTIAL, ACRONYM or VARIANT
    reason: str  # for the report: 'same role "South Korean President"; ...'


@dataclass(frozen=True)
class Entity:
    """One person, organisation or place of a story, with every mention of it."""

    canonical: str  # the fullest form written
    mentions: tuple[Mention, ...]  # sorted by (article, start)
    links: tuple[Link, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """The distinct ways the entity is written, in reading order."""
        return tuple(dict.fromkeys(m.text for m in self.mentions))

    @property
    def variants(self) -> tuple[Link, ...]:
        """Links between spellings of the same name: what the name-variant rule flags."""
        return tuple(link for link in self.links if link.relation is NameRelation.VARIANT)


# Below ``DEFAULT_NAME_THRESHOLD`` a pair may still be one name in two transliterations
# ("Yoon Seok-wyeh"/"Yoon Suk Yeol", 0.375) when most parts agree and context confirms it.
_WEAK_PART_SIMILARITY = 0.75


@dataclass
class _Form:
    """All mentions written the same way (same ``name_key``)."""

    key: str
    mentions: list[Mention]

    # Cached: forms are complete before linking reads them, and linking reads them a lot.
    @cached_property
    def text(self) -> str:
        counts = Counter(m.text for m in self.mentions)
        return min(counts, key=lambda t: (-counts[t], t))

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        return name_tokens(self.text)


class _Clusters:
    """Union-find over form indices; the smaller index is the root (deterministic)."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _role_parts(role: str) -> tuple[frozenset[str], frozenset[str]]:
    """(title words, place words) of a role: "South Korean President" ->
    ({"president"}, {"south", "korean"})."""
    words = [w.casefold().rstrip(".") for w in re.findall(r"[^\W_]+(?:[-'’.][^\W_]+)*\.?", role)]
    words = [re.sub(r"['’]s$", "", w) for w in words]
    titles = frozenset(w for w in words if w in _ROLE_HEADS or w in _ROLE_MODIFIERS)
    places = frozenset(w for w in words if w not in titles)
    return titles, places


def _same_place(a: frozenset[str], b: frozenset[str]) -> bool:
    """Place words agree, "Japan's" matching "Japanese" (a shared 4-letter stem)."""
    if not a or not b:
        return True

    def covered(xs: frozenset[str], ys: frozenset[str]) -> bool:
        return all(
            any(x == y or (x[:4] == y[:4] and len(x) >= 4 and len(y) >= 4) for y in ys) for x in xs
        )

    return covered(a, b) and covered(b, a)


def _roles_agree(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    titles_a, places_a = _role_parts(a)
    titles_b, places_b = _role_parts(b)
    return titles_a == titles_b and _same_place(places_a, places_b)


def _roles_conflict(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and not _roles_agree(a, b)


def _most_parts_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """At least two parts closely match, and at most one part of the shorter name does not
    (or the names start alike): "Yoon Seok-wyeh" / "Yoon Suk Yeol"."""
    short, long = sorted((a, b), key=len)
    close = sum(1 for _, s in _align(short, long).values() if s >= _WEAK_PART_SIMILARITY)
    if close < 2:
        return False
    return close >= len(short) - 1 or (short[0] == long[0] and 2 * close >= len(short))


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
    fx, fy = _fold(x), _fold(y)
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


@lru_cache(maxsize=1)
def _nicknames():
    from nicknames import NickNamer  # a hand-kept table of English given names (Apache-2.0)

    return NickNamer()


def familiar_forms(a: str, b: str) -> bool:
    """Whether two names are one name with the given name written formally and familiarly
    ("Joseph Biden" / "Joe Biden", "William" / "Bill"): house style, not a misspelling.
    The rest of the name must be the same."""
    left, right = name_tokens(a), name_tokens(b)
    if len(left) < 2 or len(left) != len(right) or left[1:] != right[1:] or left[0] == right[0]:
        return False
    x, y = left[0], right[0]
    if _is_hypocorism(x, y) or _is_hypocorism(y, x):
        return True
    table = _nicknames()
    return (
        x in table.nicknames_of(y)
        or y in table.nicknames_of(x)
        or bool(table.canonicals_of(x) & table.canonicals_of(y))
    )


def _is_surname_reference(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """A later short reference ("Albanese", "Stoltenberg") to a fuller name: the last
    parts of it, where the parts dropped are not qualifiers ("Korea" is not "South Korea")."""
    if not short or len(short) >= len(long) or long[-len(short) :] != short:
        return False
    return not any(part in _QUALIFIERS for part in long[: -len(short)])


# Comparing every pair of a story's forms costs a quadratic number of pure-Python edit
# distances, almost all between unrelated names. ``_linkable_pairs`` keeps the pairs whose
# relation can matter to ``link_mentions``; tests/test_entities.py checks on real names
# that it never drops one.
_CLOSE_PARTS = 0.5  # the lowest part similarity any link needs (see ``_linkable_pairs``)


def _close_parts(parts: Sequence[str]) -> list[set[int]]:
    """For each part, the parts (itself included) with ``_token_similarity >= 0.5``.

    rapidfuzz bounds ``_edit_distance`` in C for all pairs at once, raw and folded as
    ``_token_similarity`` compares them. With ``plain`` the edit distance and ``grouped``
    the one between letters mapped to their cheap-swap group, an alignment of F full edits
    and C cheap swaps costs F + C/2, where F >= grouped and F + C >= plain: so
    (grouped + plain) / 2 <= distance <= plain. Only pairs between the bounds are left to
    ``_token_similarity``; those with a qualifier or an initial are decided here, by its
    first two rules (the parts are distinct, so never equal).
    """
    n = len(parts)
    if n == 0:
        return []
    maybe = np.zeros((n, n), dtype=bool)
    certain = np.zeros((n, n), dtype=bool)
    for variant in (list(parts), [_fold(p) for p in parts]):
        lengths = np.array([len(p) for p in variant])
        budget = np.minimum(np.maximum(lengths[:, None], lengths[None, :]), _EDIT_LENGTH_CAP)
        mapped = [p.translate(_LETTER_CLASSES) for p in variant]
        grouped = process.cdist(mapped, mapped, scorer=OSA.distance, dtype=np.int32)
        plain = process.cdist(variant, variant, scorer=OSA.distance, dtype=np.int32)
        maybe |= grouped + plain <= budget  # 1 - distance / budget >= 0.5 is possible
        certain |= 2 * plain <= budget  # ... and certain
    qualifier = np.array([p in _QUALIFIERS for p in parts], dtype=bool)
    initial = np.array([len(p) == 1 for p in parts], dtype=bool)
    first = np.array([ord(p[0]) for p in parts])
    with_qualifier = qualifier[:, None] | qualifier[None, :]  # similarity 0
    with_initial = (initial[:, None] | initial[None, :]) & ~with_qualifier  # 1 if it starts the other
    certain = (certain & ~with_qualifier & ~with_initial) | (with_initial & (first[:, None] == first[None, :]))
    maybe = (maybe & ~with_qualifier & ~with_initial) | certain
    partners = [{i} for i in range(n)]
    for i, j in zip(*(k.tolist() for k in np.nonzero(np.triu(maybe, 1)))):
        # The similarity is symmetric: one cache entry per pair, whichever comes first.
        if certain[i, j] or _token_similarity(*sorted((parts[i], parts[j]))) >= _CLOSE_PARTS:
            partners[i].add(j)
            partners[j].add(i)
    return partners


def _linkable_pairs(texts: Sequence[str]) -> list[tuple[int, int]]:
    """The pairs (i < j, sorted) of distinct forms whose ``compare_names`` relation can be
    SAME, ACRONYM or VARIANT, or DIFFERENT with ``_most_parts_agree``: ``link_mentions``
    skips every other pair whatever its relation, so those are never compared.

    Why nothing is lost: SAME is equal joined parts. An acronym is one part, and no
    variant of a name that is not one: with such a name it matters only when it is its
    acronym. ``_most_parts_agree`` needs two parts with close partners (0.75). A VARIANT
    scores at least 0.6; unless ``_merge_split_parts`` can join two adjacent parts (only
    when the join is close, at least 0.5, to a part of the other name), every part of the
    shorter name is aligned with a partner at 0.6 or more (the first part may be a
    hypocorism of the other's first part instead).
    """
    tokens = [name_tokens(t) for t in texts]
    acronym = [bool(t) and _acronym_letters(text) is not None for text, t in zip(texts, tokens)]
    vocabulary: dict[str, int] = {}
    part_columns: list[list[int]] = []
    join_columns: list[list[int]] = []
    for parts, is_acronym in zip(tokens, acronym):
        parts = () if is_acronym else parts
        part_columns.append([vocabulary.setdefault(p, len(vocabulary)) for p in parts])
        join_columns.append([vocabulary.setdefault(a + b, len(vocabulary)) for a, b in pairwise(parts)])
    partners = _close_parts(list(vocabulary))
    part_sets = [set(columns) for columns in part_columns]

    def may_link(f: int, g: int) -> bool:
        if any(partners[c] & part_sets[g] for c in join_columns[f]) or any(
            partners[c] & part_sets[f] for c in join_columns[g]
        ):
            return True  # parts may be joined: leave it to ``compare_names``
        covered_f = [bool(partners[c] & part_sets[g]) for c in part_columns[f]]
        covered_g = [bool(partners[c] & part_sets[f]) for c in part_columns[g]]
        if sum(covered_f) >= 2 or sum(covered_g) >= 2:
            return True
        first, other_first = tokens[f][0], tokens[g][0]
        nickname = _is_hypocorism(first, other_first) or _is_hypocorism(other_first, first)
        return (all(covered_f[1:]) and (covered_f[0] or nickname)) or (
            all(covered_g[1:]) and (covered_g[0] or nickname)
        )

    pairs: set[tuple[int, int]] = set()
    # Forms with a piece (a part or a join of two) close to a piece of the other, found
    # from each piece's holders rather than by trying every pair of forms.
    pieces = [set(part_columns[f] + join_columns[f]) for f in range(len(texts))]
    holders: dict[int, list[int]] = defaultdict(list)
    for g, own in enumerate(pieces):
        for c in own:
            holders[c].append(g)
    for f, own in enumerate(pieces):
        near = {g for c in own for d in partners[c] for g in holders.get(d, ()) if g > f}
        pairs.update((f, g) for g in near if may_link(f, g))
    by_joined: dict[str, list[int]] = defaultdict(list)
    for i, parts in enumerate(tokens):
        if parts:
            by_joined["".join(parts)].append(i)
    for same in by_joined.values():
        pairs.update((a, b) for k, a in enumerate(same) for b in same[k + 1 :])
    for i, is_acronym in enumerate(acronym):
        if not is_acronym:
            continue
        for j in range(len(texts)):
            # Another acronym may be a variant; any other name only its expansion.
            if j != i and tokens[j] and (acronym[j] or _is_acronym_of(texts[i], texts[j])):
                pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def link_mentions(
    mentions: Sequence[Mention],
    outlet_of: Mapping[str, str],
    same_claim: Callable[[Mention, Mention], bool] | None = None,
    aliases: Sequence[Sequence[str]] = (),
) -> list[Entity]:
    """Group a story's mentions into entities, linking forms that name the same thing.

    Forms equal after normalisation, acronyms and unambiguous surname references are
    linked from the names alone. A spelling VARIANT needs the context to agree as well:
    the same role ("South Korean President"), a pair of mentions in the same claim
    (``same_claim``), or the same slot among the same other names ("Albanese" and
    "Ardern" in both sentences). Two forms in one sentence, or with different roles, are
    never variants. Inside a single outlet the names must be similar on their own too.
    ``outlet_of`` maps ``Mention.article`` to its outlet. ``aliases`` lists groups of
    names known to be one entity (alias rules: canonical name first, then variants and
    accepted names); their forms are linked last, as ``ALIAS``, so a variant the context
    already confirmed stays a ``VARIANT``, and the entity takes the canonical name.
    """
    ordered = sorted(mentions, key=lambda m: (m.article, m.start, m.end))
    by_key: dict[str, _Form] = {}
    for mention in ordered:
        key = name_key(mention.text) or mention.text.casefold()
        by_key.setdefault(key, _Form(key, [])).mentions.append(mention)
    forms = list(by_key.values())
    clusters = _Clusters(len(forms))
    links: list[tuple[int, int, NameRelation, str]] = []

    def link(i: int, j: int, relation: NameRelation, reason: str) -> None:
        clusters.union(i, j)
        links.append((min(i, j), max(i, j), relation, reason))

    index_pairs = _linkable_pairs([form.text for form in forms])
    relations = {(i, j): compare_names(forms[i].text, forms[j].text) for i, j in index_pairs}

    # 1. Names alone: the same name written differently, and acronyms.
    for (i, j), relation in relations.items():
        if relation is NameRelation.SAME:
            link(i, j, relation, "same name")
        elif relation is NameRelation.ACRONYM:
            link(i, j, relation, "acronym")

    # 2. Short references to a fuller name, when only one fuller name fits.
    ending_with: dict[str, list[int]] = defaultdict(list)  # a fuller name ends as the short one
    for j, other in enumerate(forms):
        if other.tokens:
            ending_with[other.tokens[-1]].append(j)
    for i, form in enumerate(forms):
        if _acronym_letters(form.text) is not None or not form.tokens:
            continue
        fuller = [j for j in ending_with[form.tokens[-1]] if _is_surname_reference(form.tokens, forms[j].tokens)]
        roots = {clusters.find(j) for j in fuller}
        if len(roots) == 1:
            target = min(fuller, key=lambda j: (-len(forms[j].tokens), j))
            link(i, target, NameRelation.PARTIAL, f'short for "{forms[target].text}"')

    # 3. Spelling variants, confirmed by context.
    neighbours = _listing_neighbours(forms, clusters)
    for i, j in index_pairs:
        if clusters.find(i) == clusters.find(j):
            continue
        reason = _variant_reason(
            forms[i], forms[j], relations[(i, j)], neighbours, forms, outlet_of, same_claim
        )
        if reason:
            link(i, j, NameRelation.VARIANT, reason)

    # 4. Names an alias rule lists as one entity.
    canonical_of: dict[int, str] = {}
    for group in aliases:
        keys = {name_key(name) or name.casefold() for name in group}
        members = [i for i, form in enumerate(forms) if form.key in keys]
        for j in members[1:]:
            if clusters.find(j) != clusters.find(members[0]):
                link(members[0], j, NameRelation.ALIAS, f'alias rule for "{group[0]}"')
        for i in members:
            canonical_of.setdefault(i, group[0])

    entities = _entities(forms, clusters, links)
    if not canonical_of:
        return entities
    named = {clusters.find(i): name for i, name in sorted(canonical_of.items())}
    form_root = {m: clusters.find(i) for i, form in enumerate(forms) for m in form.mentions}
    return [
        replace(e, canonical=named[form_root[e.mentions[0]]]) if form_root[e.mentions[0]] in named else e
        for e in entities
    ]


_ListingKey = tuple[str, int, int]  # (article, sentence, listing)


def _listing_neighbours(forms: Sequence[_Form], clusters: _Clusters) -> dict[_ListingKey, set[int]]:
    """For each enumeration of names: the entity clusters named in it."""
    found: dict[_ListingKey, set[int]] = defaultdict(set)
    for index, form in enumerate(forms):
        for mention in form.mentions:
            if mention.listing is not None:
                found[(mention.article, mention.sentence, mention.listing)].add(
                    clusters.find(index)
                )
    return found


def _variant_reason(
    a: _Form,
    b: _Form,
    relation: NameRelation,
    neighbours: Mapping[_ListingKey, set[int]],
    forms: Sequence[_Form],
    outlet_of: Mapping[str, str],
    same_claim: Callable[[Mention, Mention], bool] | None,
) -> str:
    """Why two forms are one entity spelled two ways, or "" if the evidence is missing.

    Evidence: the same role is strong; the same claim and the same slot among other names
    are each weaker. Similar multi-part names need one piece of evidence; one-part names
    ("Kishida"/"Kushida", "Iran"/"Iraq") need a role or two pieces; names that are only
    partly similar ("Yoon Seok-wyeh"/"Yoon Suk Yeol") need a role plus another piece, and
    must come from different outlets.
    """
    similar = relation is NameRelation.VARIANT
    if not similar and not (
        relation is NameRelation.DIFFERENT and _most_parts_agree(a.tokens, b.tokens)
    ):
        return ""
    if similar and not _surnames_slip(a.tokens, b.tokens):
        return ""
    sentences_a = {(m.article, m.sentence) for m in a.mentions}
    if sentences_a & {(m.article, m.sentence) for m in b.mentions}:
        return ""  # named side by side: two different names
    if any(_roles_conflict(x.role, y.role) for x in a.mentions for y in b.mentions):
        return ""
    outlets_a = {outlet_of.get(m.article, m.article) for m in a.mentions}
    outlets_b = {outlet_of.get(m.article, m.article) for m in b.mentions}
    if not similar and not (outlets_a - outlets_b and outlets_b - outlets_a):
        return ""  # one outlet's two partly similar names are more likely two people
    role = next(
        (x.role for x in a.mentions for y in b.mentions if _roles_agree(x.role, y.role)), None
    )
    claim = same_claim is not None and any(same_claim(x, y) for x in a.mentions for y in b.mentions)
    slot = _shared_slot(a, b, neighbours, forms)
    weaker = int(claim) + int(bool(slot))
    if similar and min(len(a.tokens), len(b.tokens)) > 1:
        enough = bool(role) or weaker >= 1
    elif similar:
        enough = bool(role) or weaker >= 2
    else:
        enough = bool(role) and weaker >= 1
    if not enough:
        return ""
    reasons = [f'same role "{role}"'] if role else []
    if claim:
        reasons.append("same claim")
    if slot:
        reasons.append(f"named with {slot}")
    return "; ".join(reasons)


def _surnames_slip(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """For two similar names: the family name (the one part of a one-part name, else the
    last part) is the same or a slip of it. Given names may differ more ("Mario" /
    "Marco"): a reporter mishearing a first name still names the same person."""
    if len(a) == 1 or len(b) == 1:
        return surname_slip(a[-1], b[-1]) if len(a) == len(b) else True
    return surname_slip(a[-1], b[-1], min_length=1)


def _shared_slot(
    a: _Form, b: _Form, neighbours: Mapping[_ListingKey, set[int]], forms: Sequence[_Form]
) -> str:
    """The other names, at least two, listed beside both forms in some enumeration."""
    own = {forms.index(a), forms.index(b)}
    best: list[int] = []
    for x in a.mentions:
        for y in b.mentions:
            if x.listing is None or y.listing is None:
                continue
            beside_x = neighbours[(x.article, x.sentence, x.listing)] - own
            beside_y = neighbours[(y.article, y.sentence, y.listing)] - own
            shared = sorted(beside_x & beside_y)
            # A slot, not a busy sentence: most of the names around each mention are shared.
            if len(shared) >= 2 and 2 * len(shared) >= len(beside_x | beside_y):
                best = max(best, shared, key=lambda s: (len(s), [-k for k in s]))
    if not best:
        return ""
    return ", ".join(sorted(forms[k].text for k in best))


def _entities(
    forms: Sequence[_Form], clusters: _Clusters, links: Sequence[tuple[int, int, NameRelation, str]]
) -> list[Entity]:
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(len(forms)):
        members[clusters.find(index)].append(index)
    entities = []
    for root, indices in members.items():
        mentions = tuple(
            sorted(
                (m for k in indices for m in forms[k].mentions), key=lambda m: (m.article, m.start)
            )
        )
        canonical = forms[
            min(indices, key=lambda k: (-len(forms[k].tokens), -len(forms[k].mentions), k))
        ].text
        own = sorted(
            (
                Link(forms[i].text, forms[j].text, relation, reason)
                for i, j, relation, reason in links
                if clusters.find(i) == root
            ),
            key=lambda link: (link.relation.value, link.a, link.b),
        )
        entities.append(Entity(canonical, mentions, tuple(own)))
    entities.sort(key=lambda e: (e.mentions[0].article, e.mentions[0].start))
    return entities
