"""Find the numbers a news sentence states, normalised so equal values compare equal.

The ``number-mismatch`` rule compares the quantities that sentences making the same claim
give ("30 members" vs "32 members", "two-day" vs "three-day"), so "10,000", "ten
thousand" and "10 thousand" all become 10000, "two-day", "2-day" and "two days" all become
2 day, and every quantity keeps the exact span to highlight.

What is deliberately not a quantity: numbers inside dates and years (``dates.find_dates``
claims those), times of day, ranges ("10-12", "46 to 57 months"), fractions, decades ("1990s"), numbers that
are part of a name ("Group of Seven", "Five Eyes", "G7", "F-35", "Article 5", "one-China"),
the pronoun "one" ("one of", "no one"), and "a year" unless it states a span ("more than
a year", "a week since"; not "a year ago", "twice a week").
Vague plurals ("dozens", "hundreds of thousands") stand for a range and compare only with
each other: against an exact figure they nearly always count something else (on 6,000
AllSides articles, "hundreds of protesters" met "one protester", "two slain officers" met
"dozens of police officers"). Durations compare across time units in days ("more than a
week" / "five days"), as round figures, and only when the two spans are within
``MAX_UNIT_GAP`` of each other ("three days" / "two years" are two spans). A game clock
("7:41 left") is a quantity, not a time of day; "age 61" is an age.

The thing counted: people counts take it from the word that says what happened to them,
before or after the number ("killing 10 people", "80 hurt", "89 people were arrested"),
so "wounding 70" and "80 injured" are both counts of the injured and compare, while
"10 killed" never meets "80 injured". Magnitudes are read the same way ("a 5.9-magnitude
quake", "registering 6.1 on the Richter scale").

Comparison (:func:`quantities_conflict`): each quantity stands for an interval. An exact
value is itself; "about"/"nearly"/"some" widen it by ``APPROX_TOLERANCE`` (10%) either way;
"more than"/"at least"/"over" open it upwards and "up to"/"less than"/"under" downwards,
at the stated value (a stated bound is a bound: "up to $180 million" excludes $184
million). Two quantities conflict when their intervals do not meet, and two lower (or two
upper) bounds of one count conflict when they differ by more than the tolerance: "at least
14 killed" and "at least 41 killed" are two claims about what is confirmed, not a range.

Over 600 lines because reading a number, its bound and what it counts is one grammar: the
word tables, the patterns and the readers that use them are kept together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from .dates import align_by_agreement, find_dates

APPROX_TOLERANCE = 0.10  # relative slack of "about 30", "more than 30", "up to 30"
MAX_UNIT_GAP = 1.5  # durations in two units further apart than this count two spans, not a conflict

Kind = Literal["count", "ordinal", "percent", "money", "duration", "age", "clock"]
Bound = Literal["exact", "approx", "min", "max"]

# fmt: off
_SMALL_NUMBERS = {word: value for value, word in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
))}
_TENS = {word: 10 * i for i, word in enumerate(
    ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), 2
)}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_MULTIPLIERS = {
    **_SCALES, "mn": 10**6, "mln": 10**6, "m": 10**6, "mm": 10**6, "bn": 10**9, "bln": 10**9, "b": 10**9,
    "tn": 10**12, "k": 10**3,
}
_ORDINAL_WORDS = {word: value for value, word in enumerate((
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
    "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
), 1)} | {word: 10 * i for i, word in enumerate((
    "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth",
), 2)} | {"hundredth": 100}

_QUALIFIERS: dict[str, Bound] = {
    "about": "approx", "around": "approx", "approximately": "approx", "roughly": "approx",
    "nearly": "approx", "almost": "approx", "some": "approx", "an estimated": "approx",
    "estimated": "approx", "close to": "approx", "just over": "approx", "just under": "approx",
    "more than": "min", "over": "min", "at least": "min", "upwards of": "min", "in excess of": "min",
    "well over": "min", "no fewer than": "min", "no less than": "min",
    "up to": "max", "less than": "max", "fewer than": "max", "under": "max", "at most": "max",
    "as many as": "max", "as much as": "max", "no more than": "max",
}
_CURRENCY_SYMBOLS = {
    "US$": "dollar", "U.S.$": "dollar", "A$": "australian dollar", "C$": "canadian dollar",
    "NZ$": "new zealand dollar", "HK$": "hong kong dollar", "$": "dollar", "€": "euro", "£": "pound",
    "¥": "yen", "₩": "won",
}
_CURRENCY_WORDS = frozenset((
    "dollar", "euro", "yen", "yuan", "renminbi", "pound", "won", "rupee", "ruble", "rouble", "franc", "dinar",
    "riyal", "peso", "lira", "krona", "krone", "real", "rand",
))
_TIME_UNITS = frozenset(("second", "minute", "hour", "day", "week", "month", "year", "decade", "century"))
# Days a time unit spans, as (shortest, longest): durations in different units compare in days,
# with the slack of the coarser unit ("12 months" meets "a year", "eight days" does not meet "a week").
_DAYS = {
    "second": (1 / 86400, 1 / 86400), "minute": (1 / 1440, 1 / 1440), "hour": (1 / 24, 1 / 24), "day": (1, 1),
    "week": (7, 7), "month": (28, 31), "year": (365, 366), "decade": (3652, 3653), "century": (36524, 36525),
}
# "dozens", "hundreds of thousands": vague plurals stand for the ranges news uses them for.
_VAGUE_RANGES = {
    "dozens": (24, 108), "scores": (40, 199), "hundreds": (200, 999), "thousands": (2000, 9999),
    "tens of thousands": (20_000, 99_999), "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 999_999_999),
}
_UNIT_ALIASES = {
    "people": "person", "persons": "person", "hrs": "hour", "hr": "hour", "mins": "minute", "min": "minute",
    "yrs": "year", "yr": "year", "km": "kilometer", "kilometre": "kilometer", "kilometres": "kilometer",
    "metre": "meter", "metres": "meter", "kg": "kilogram", "centuries": "century",
}
_IRREGULAR_PLURALS = {
    "men": "man", "women": "woman", "children": "child", "feet": "foot", "teeth": "tooth", "mice": "mouse",
    "lives": "life", "wives": "wife", "knives": "knife", "halves": "half", "leaves": "leaf",
    "crises": "crisis", "analyses": "analysis", "criteria": "criterion", "phenomena": "phenomenon",
}
_UNCOUNTED = frozenset((
    "series", "species", "news", "yen", "won", "yuan", "aircraft", "staff", "police", "data", "media", "sheep",
    "fish",
))
# Words between a number and its noun that are not the noun ("30 new members").
_SKIPPED_ADJECTIVES = frozenset((
    "new", "more", "other", "additional", "extra", "major", "key", "separate", "top", "senior", "former",
    "foreign", "military", "straight", "consecutive", "full", "whole", "long", "short", "small", "large", "big",
    "different", "young", "old", "armed", "allied", "fellow", "further", "successive", "previous",
))
# Words that end the search for a counted noun ("30 of them", "one another").
_FUNCTION_WORDS = frozenset((
    "of", "and", "or", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were",
    "be", "been", "being", "has", "have", "had", "will", "would", "shall", "should", "can", "could", "may",
    "might", "must", "do", "does", "did", "the", "a", "an", "that", "which", "who", "whom", "whose", "than",
    "then", "per", "into", "onto", "over", "under", "about", "after", "before", "since", "until", "while",
    "when", "where", "if", "but", "so", "nor", "not", "no", "another", "each", "every", "this", "these",
    "those", "its", "it", "their", "his", "her", "our", "your", "my", "there", "here", "what", "how", "why",
    "percent", "said", "says", "say", "told",
))
_FRACTION_WORDS = frozenset(("half", "halves", "third", "thirds", "quarter", "quarters", "fifth", "fifths"))
_ONE_PRONOUN_BEFORE = frozenset((
    "no", "any", "every", "each", "some", "someone", "anyone", "the", "this", "that", "which", "only",
))
# fmt: on


def number_word_value(word: str) -> int | None:
    """The value of one cardinal or ordinal number word ("fifteen" 15, "Fourth" 4,
    "thirtieth" 30), else None. Scale words ("hundred", "million") multiply; they are not here."""
    word = word.casefold()
    for table in (_SMALL_NUMBERS, _TENS, _ORDINAL_WORDS):
        if word in table:
            return table[word]
    return None


def is_number_word(word: str) -> bool:
    """A number or an ordinal written as a word ("forty-six", "Fourth", "hundred"): in a
    name it tells things apart ("First" / "Fourth Amendment") and is never a slip."""
    parts = word.casefold().split("-")
    return all(number_word_value(p) is not None or p in _SCALES or p == "hundred" for p in parts)


_NUMBER_WORD = "|".join(sorted([*_SMALL_NUMBERS, *_TENS, "hundred", *_SCALES, "dozen"], key=len, reverse=True))
_SCALE_WORD = "hundred|thousand|million|billion|trillion|dozen"
_WORD_RUN = re.compile(
    rf"(?<![\w-])(?:(?:a|an)\s+(?=(?:{_SCALE_WORD})\b))?(?:{_NUMBER_WORD})"
    rf"(?:(?:-|\s+|\s+and\s+)(?:{_NUMBER_WORD}))*(?!\w)",
    re.IGNORECASE,
)
_RUN_TOKEN = re.compile(r"[A-Za-z]+")
_DIGITS = re.compile(
    r"(?<![\w.,\-/:–])(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?P<suffix>st|nd|rd|th|bn|mn|mln|bln|tn|MM|k|m|b|M|B|K)?(?![\w\-–/:]\d|\w|[.,]\d)"
)
# "5. 9": a decimal a tokeniser spaced, as in ECB+ (``segment`` keeps it in one sentence too).
_SPACED_DECIMAL = re.compile(r"(?<=\s)(\d{1,3})\.\s(\d{1,2})(?![\d\w]|[.,]\d)")
# "a week", "more than a year": one of a time unit ("twice a week" is a rate, "a week-long" a modifier).
_ONE_TIME_UNIT = re.compile(
    r"(?<![\w-])(?:a|an)(?=\s+(?:minute|hour|day|week|month|year|decade|century)\b(?!-))", re.IGNORECASE
)
_SPAN_SINCE = re.compile(r"\s+\w+\s+since\b", re.IGNORECASE)
_RATE_WORD_BEFORE = re.compile(r"\b(?:once|twice|thrice|times|per|half|every)\s+$", re.IGNORECASE)
_VAGUE = re.compile(
    r"(?<![\w-])(?P<words>dozens|scores|hundreds|thousands|millions|tens\s+of\s+thousands|hundreds\s+of\s+thousands)"
    r"(?:\s+of)?(?!\w)",  # "hundreds of": the counted noun comes after "of"
    re.IGNORECASE,
)
# "with 7:41 left in the first half": a game clock, not a time of day.
_GAME_CLOCK = re.compile(r"\b(\d{1,2}):\s?(\d{2})\s+(?=(?:left|remaining|to\s+go|to\s+play)\b)", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"\b(?:aged?|ages)\s+$", re.IGNORECASE)
_RUNNING = re.compile(r"\b(?:straight|consecutive|successive|running)\b", re.IGNORECASE)
_ORDINAL_WORD = re.compile(
    rf"(?<![\w-])(?:(?:{'|'.join(_TENS)})-)?(?:{'|'.join(sorted(_ORDINAL_WORDS, key=len, reverse=True))})(?!\w)",
    re.IGNORECASE,
)
_TIME_OF_DAY = re.compile(
    r"\b\d{1,2}(?::\s?\d{2})?\s*(?:a\.\s?m\.|p\.\s?m\.|am\b|pm\b)|\b\d{1,2}:\s?\d{2}\b", re.IGNORECASE
)
_RANGE_AFTER = re.compile(r"\s*[-–]\s*\d")
_TO_BETWEEN = re.compile(r"\s+to\s+")  # between two numbers: a range ("46 to 57 months"), not two values
_MULTIPLIER_AFTER = re.compile(r"(?:\s*|-)(thousand|million|billion|trillion|mln|bln|mn|bn|tn)\b", re.IGNORECASE)
_PERCENT_AFTER = re.compile(r"\s?(%)|\s+(percent|per\s+cent|pct)\b|\s+(percentage\s+points?)\b", re.IGNORECASE)
_AGE_AFTER = re.compile(r"[-\s]old\b")
_HYPHEN_WORD_AFTER = re.compile(r"-([A-Za-z]+)")
_TOKEN_AFTER = re.compile(r"\s+([A-Za-z][\w.&'’-]*)")
_QUALIFIER_BEFORE = re.compile(
    r"(?<![\w])(" + "|".join(q.replace(" ", r"\s+") for q in sorted(_QUALIFIERS, key=len, reverse=True)) + r")\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# What happened to the people a number counts, in the words next to it; the canonical
# word becomes the quantity's unit, so counts of the same fate compare.
_FATES = {
    **dict.fromkeys(("dead", "death", "deaths", "died", "die", "dies", "killed", "killing", "kill", "kills",
                     "fatalities", "fatality", "fatally"), "dead"),
    **dict.fromkeys(("injured", "injuring", "injure", "injures", "injury", "injuries", "wounded", "wounding",
                     "wound", "wounds", "hurt", "hurting"), "injured"),
    **dict.fromkeys(("arrested", "arresting", "arrest", "arrests", "detained", "detaining", "seized"), "arrested"),
    **dict.fromkeys(("missing",), "missing"),
    **dict.fromkeys(("evacuated", "evacuating"), "evacuated"),
    **dict.fromkeys(("displaced",), "displaced"),
}
# Nouns a fate applies to: "10 people", "two workers", "70 others" (None: no noun).
_PEOPLE = frozenset((
    None, "more", "person", "man", "woman", "child", "civilian", "resident", "worker", "student", "passenger",
    "soldier", "officer", "other", "victim", "employee", "villager", "miner", "tourist", "pilgrim",
    "protester", "migrant", "member", "militant", "fighter", "suspect", "adult", "teenager", "boy", "girl",
    "policeman", "citizen", "customer", "patient", "crew", "inmate", "prisoner", "coworker", "co-worker",
))
# Between a number and its fate: "24 people were killed", "80 have been hurt".
_FATE_FILLER = frozenset((
    "were", "was", "have", "has", "had", "been", "are", "is", "being", "reported", "reportedly", "confirmed",
    "later", "also", "critically", "seriously", "badly", "slightly", "people", "others", "more",
))
# "$23 million per season", "$5 a share": a rate is not the total.
_RATE_AFTER = re.compile(
    r"\s+(?:per|a|an|each)\s+(year|season|month|week|day|hour|game|share|barrel|head|capita|person|tonne|ton)\b",
    re.IGNORECASE,
)
# "13 miles east of Cloverdale": a distance from a named place is a distance from that place.
_FROM_PLACE_AFTER = re.compile(
    r"\s+(?:(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east|"
    r"south-west)(?:\s+of)?|from|off|outside(?:\s+of)?)\s+((?:[A-Z][\w'’.-]*\s?){1,3})"
)
_DISTANCE_UNITS = frozenset(("mile", "kilometer", "km", "meter", "foot", "yard"))
_QUAKE_NOUNS = frozenset(("magnitude", "quake", "earthquake", "temblor", "tremor", "aftershock"))
_RICHTER_AFTER = re.compile(r"\s+on\s+the\s+richter\s+scale\b", re.IGNORECASE)
_MAGNITUDE_AFTER = re.compile(r"\s*(?:-\s*)?magnitude\b", re.IGNORECASE)  # "5.9-magnitude", "6. 1 - magnitude"
_MAGNITUDE_BEFORE = re.compile(r"\bmagnitude(?:\s+of)?\s+$", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(
    r"(" + "|".join(re.escape(s) for s in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True)) + r")\s?$"
)
_CAPITALISED_WORD_BEFORE = re.compile(r"([A-Z][\w.&'’-]*)\s+$")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\s+$")


@dataclass(frozen=True)
class Quantity:
    """A number as stated, with its unit and how exact the text claims it is."""

    start: int
    end: int
    text: str
    value: int | float
    unit: str | None  # singular lowercase noun ("member", "day", "percent", "dollar"), None if none
    kind: Kind = "count"
    approx: bool = False
    qualifier: str | None = None  # normalised: "about", "more than", "up to", ...
    vague: tuple[int, int] | None = None  # the range a vague plural stands for: "dozens" (24, 108)

    @property
    def bound(self) -> Bound:
        if self.vague:
            return "approx"
        return _QUALIFIERS[self.qualifier] if self.qualifier else "exact"

    @property
    def normalized(self) -> str:
        """A readable value for messages and keys: "30 member", "about 1 hour", "#2 time"."""
        if self.kind == "clock":
            return f"{int(self.value) // 60}:{int(self.value) % 60:02d} on the clock"
        number = f"{self.value:,}" if isinstance(self.value, int) else f"{self.value:g}"
        if self.vague:
            number = f"{self.vague[0]:,}-{self.vague[1]:,}"
        if self.kind == "ordinal":
            number = f"#{number}"
        parts = [self.qualifier, number, self.unit]
        return " ".join(p for p in parts if p)


def find_quantities(text: str, *, exclude: Iterable[tuple[int, int]] | None = None) -> tuple[Quantity, ...]:
    """Return the quantities of ``text`` in text order.

    ``exclude`` lists spans that hold no quantities; by default the spans of
    ``dates.find_dates(text)``, so years and days of the month are not counted.
    """
    if exclude is None:
        return _quantities_outside_dates(text)
    return _quantities(text, sorted(exclude))


@lru_cache(maxsize=16384)  # the number rule asks again for each pair a sentence is in
def _quantities_outside_dates(text: str) -> tuple[Quantity, ...]:
    return _quantities(text, sorted((d.start, d.end) for d in find_dates(text)))


def _quantities(text: str, blocked: list[tuple[int, int]]) -> tuple[Quantity, ...]:
    found = [q for q in _game_clocks(text) if not _overlaps(q.start, q.end, blocked)]
    blocked += [(m.start(), m.end()) for m in _TIME_OF_DAY.finditer(text)]
    claimed = blocked + [(q.start, q.end) for q in found]  # grows as quantities take their words: "$2 billion"
    ordinals = [(m.start(), m.end(), _ordinal_value(m[0]), True) for m in _ORDINAL_WORD.finditer(text)]
    vague = {m.start(): (m.end(), _VAGUE_RANGES[re.sub(r"\s+", " ", m["words"].lower())]) for m in _VAGUE.finditer(text)}
    ones = [(m.start(), m.end(), 1, False) for m in _ONE_TIME_UNIT.finditer(text) if _one_is_a_span(text, m)]
    numbers = [*_digit_numbers(text), *_word_numbers(text), *ordinals, *ones]
    numbers += [(start, end, low, False) for start, (end, (low, _)) in vague.items()]
    starts = {start for start, _, _, ordinal in numbers if not ordinal}
    ends = {end for _, end, _, ordinal in numbers if not ordinal}
    ranges = [(m.start(), m.end()) for m in _TO_BETWEEN.finditer(text) if m.start() in ends and m.end() in starts]
    numbers = [n for n in numbers if not any(n[1] == s or n[0] == e for s, e in ranges)]  # "46 to 57 months"
    for start, end, value, is_ordinal in numbers:
        if not _overlaps(start, end, claimed):
            quantity = _complete(text, start, end, value, is_ordinal, blocked)
            if quantity is not None and start in vague:
                quantity = replace(quantity, vague=vague[start][1])
            if quantity is not None:
                found.append(quantity)
                claimed.append((quantity.start, quantity.end))
    return tuple(sorted(found, key=lambda q: (q.start, q.end)))


def _one_is_a_span(text: str, m: re.Match[str]) -> bool:
    """ "more than a week", "a week since": the "a" counts one; in "a year ago", "in a
    day" or "twice a week" it rarely states a figure an outlet could get wrong."""
    if _RATE_WORD_BEFORE.search(text, max(0, m.start() - 12), m.start()):
        return False
    return bool(_QUALIFIER_BEFORE.search(text, max(0, m.start() - 30), m.start()) or _SPAN_SINCE.match(text, m.end()))


def _game_clocks(text: str) -> list[Quantity]:
    """ "with 7:41 left": the minutes and seconds left on a game clock, in seconds."""
    return [
        Quantity(m.start(), m.end(2), text[m.start() : m.end(2)], int(m[1]) * 60 + int(m[2]), "clock", kind="clock")
        for m in _GAME_CLOCK.finditer(text)
    ]


def quantities_comparable(a: Quantity, b: Quantity) -> bool:
    """Same kind and the same known unit: "30 members" and "32 members", not "five years".
    Durations compare across time units ("eight days" and "a week"); a vague plural
    ("dozens") compares only with another one ("hundreds")."""
    if a.kind != b.kind or a.unit is None or b.unit is None or (a.vague is None) != (b.vague is None):
        return False
    return a.unit == b.unit or _in_days(a, b)


def _in_days(a: Quantity, b: Quantity) -> bool:
    return a.kind == b.kind == "duration" and a.unit in _DAYS and b.unit in _DAYS


def quantities_conflict(a: Quantity, b: Quantity) -> bool:
    """Whether two comparable quantities cannot both be true (see the module docstring)."""
    if not quantities_comparable(a, b):
        return False
    in_days = a.unit != b.unit  # two time units: "eight days" / "a week"
    if a.bound == b.bound and a.bound in ("min", "max") and not in_days:
        low, high = sorted((float(a.value), float(b.value)))
        return high - low > abs(high) * APPROX_TOLERANCE  # "at least 14" / "at least 41"
    low_a, high_a = _interval(a, in_days)
    low_b, high_b = _interval(b, in_days)
    if in_days:  # "three days" and "two years" are two spans, not one told two ways
        gap = low_b / high_a if high_a < low_b else low_a / high_b if high_b < low_a else 1
        return 1 < gap <= MAX_UNIT_GAP
    return high_a < low_b or high_b < low_a


def align_quantities(
    quantities_a: Sequence[Quantity], quantities_b: Sequence[Quantity]
) -> list[tuple[Quantity, Quantity]]:
    """Pair the quantities of two sentences that measure the same thing (same kind and unit).

    Agreeing quantities pair first; leftovers of a unit pair in text order only when both
    sentences have equally many of them, since with uneven leftovers a wrong pair would be
    a false alarm. Quantities without a unit are never paired. Durations in two time units
    pair last, and only when each sentence has one duration left ("eight days" / "a week").
    """
    def comparison_class(q: Quantity) -> tuple[str, str | None, bool]:
        return q.kind, q.unit, q.vague is None

    pairs: list[tuple[Quantity, Quantity]] = []
    for group in sorted({comparison_class(q) for q in quantities_a if q.unit is not None}):
        left = sorted((q for q in quantities_a if comparison_class(q) == group), key=lambda q: q.start)
        right = sorted((q for q in quantities_b if comparison_class(q) == group), key=lambda q: q.start)
        pairs.extend(align_by_agreement(left, right, lambda x, y: not quantities_conflict(x, y)))
    paired = {id(q) for pair in pairs for q in pair}
    left = [q for q in quantities_a if q.kind == "duration" and q.unit in _DAYS and id(q) not in paired]
    right = [q for q in quantities_b if q.kind == "duration" and q.unit in _DAYS and id(q) not in paired]
    if len(left) == len(right) == 1 and left[0].unit != right[0].unit:
        pairs.append((left[0], right[0]))
    return sorted(pairs, key=lambda p: (p[0].start, p[1].start))


# --- finding numbers ------------------------------------------------------------------------


def _digit_numbers(text: str) -> list[tuple[int, int, int | float, bool]]:
    """(start, end, value, is_ordinal) for "10,000", "1.5", "29th", "3bn"; multipliers later."""
    found: list[tuple[int, int, int | float, bool]] = [
        (m.start(), m.end(), float(f"{m[1]}.{m[2]}"), False) for m in _SPACED_DECIMAL.finditer(text)
    ]
    spaced = [(start, end) for start, end, _, _ in found]
    for m in _DIGITS.finditer(text):
        if _overlaps(m.start(), m.end(), spaced):
            continue
        if _RANGE_AFTER.match(text, m.end()):
            continue  # "10-12": a range, not one value
        if len(m["num"]) > 1 and m["num"].startswith("0"):
            continue  # "0800 GMT", "007": a code or clock time
        if re.match(r"0['’]?s\b", text[m.end() - 1 : m.end() + 2]) and len(m["num"]) == 4:
            continue  # "the 1940's": a decade
        suffix = (m["suffix"] or "").lower()
        is_ordinal = suffix in ("st", "nd", "rd", "th")
        if is_ordinal and m["frac"]:
            continue
        if suffix in ("k", "m", "b", "mm") and not _CURRENCY_BEFORE.search(text, max(0, m.start() - 6), m.start()):
            continue  # "5m" may be metres; only "$5m" is money
        number = Decimal(m["num"].replace(",", "") + (m["frac"] or ""))
        if suffix in _MULTIPLIERS:
            number *= _MULTIPLIERS[suffix]
        found.append((m.start(), m.end(), _plain(number), is_ordinal))
    return found


def _word_numbers(text: str) -> list[tuple[int, int, int | float, bool]]:
    """(start, end, value, False) for "two", "thirty-two", "a dozen", "ten thousand"."""
    found: list[tuple[int, int, int | float, bool]] = []
    for m in _WORD_RUN.finditer(text):
        tokens = list(_RUN_TOKEN.finditer(m[0]))
        value, used = _parse_number_words([t[0].lower() for t in tokens])
        if used == 0:
            continue
        end = m.start() + tokens[used - 1].end()
        found.append((m.start(), end, value, False))
    return found


def _parse_number_words(words: list[str]) -> tuple[int, int]:
    """Value of the longest valid prefix of ``words`` and how many words it used."""
    total = current = 0
    used = 0
    last = ""  # kind of the last number word: "small", "tens", "hundred", "scale"
    for i, word in enumerate(words):
        if word in ("a", "an"):
            continue
        if word == "and":
            if last not in ("hundred", "scale"):
                break
            continue
        if word in _SMALL_NUMBERS:
            if last in ("small",) or (last == "tens" and _SMALL_NUMBERS[word] >= 10):
                break
            current += _SMALL_NUMBERS[word]
            last = "small"
        elif word in _TENS:
            if last in ("small", "tens"):
                break
            current += _TENS[word]
            last = "tens"
        elif word == "hundred":
            if last == "hundred" or (current % 100 == 0 and current > 0 and last != "small"):
                break
            current = max(current, 1) * 100
            last = "hundred"
        elif word == "dozen":
            current = max(current, 1) * 12
            last = "scale"
        else:
            if last == "scale" and current == 0:
                break
            total += max(current, 1) * _SCALES[word]
            current = 0
            last = "scale"
        used = i + 1
    return total + current, used


def _ordinal_value(word: str) -> int:
    tens, _, rest = word.lower().rpartition("-")
    return _TENS.get(tens, 0) + _ORDINAL_WORDS[rest]


# --- context: qualifier, currency, multiplier, unit ----------------------------------------


def _complete(
    text: str, start: int, end: int, value: float, is_ordinal: bool, blocked: Sequence[tuple[int, int]]
) -> Quantity | None:
    """Read the context around a number and build its Quantity, or None if it is no quantity."""
    written = text[start:end]
    is_word = written[0].isalpha()
    at_sentence_start = _starts_sentence(text, start)
    if is_word and written[0].isupper() and not at_sentence_start:
        return None  # "Group of Seven", "Five Eyes", "World War Two"
    if not is_word:
        label = _CAPITALISED_WORD_BEFORE.search(text, max(0, start - 40), start)
        currency_before = _CURRENCY_BEFORE.search(text, max(0, start - 6), start)
        if label and not _starts_sentence(text, label.start()) and not currency_before:
            return None  # "Article 5", "Boeing 737", "Resolution 2231"

    span_start, span_end = start, end
    currency = None
    m = _CURRENCY_BEFORE.search(text, max(0, start - 6), start)
    if m and not is_ordinal:
        currency = _CURRENCY_SYMBOLS[m[1]]
        span_start = m.start()
    qualifier = None
    m = _QUALIFIER_BEFORE.search(text, max(0, span_start - 30), span_start)
    if m and not is_ordinal:
        qualifier = re.sub(r"\s+", " ", m[1].lower())
        span_start = m.start()

    if not is_ordinal:
        m = _MULTIPLIER_AFTER.match(text, span_end)
        if m and not is_word:
            value = _plain(Decimal(str(value)) * _MULTIPLIERS[m[1].lower()])
            span_end = m.end()

    unit: str | None = None
    kind: Kind = "ordinal" if is_ordinal else "count"
    m = _PERCENT_AFTER.match(text, span_end) if not is_ordinal else None
    hyphen = _HYPHEN_WORD_AFTER.match(text, span_end)
    if currency:
        hyphen = None  # "$2 billion package": the unit is the currency, not the noun
    elif m:
        unit = "percentage point" if m[3] else "percent"
        kind = "percent"
        span_end = m.end()
    elif 0 < value < 10 and (magnitude := _MAGNITUDE_AFTER.match(text, span_end)):
        unit, span_end = "magnitude", magnitude.end()
    elif hyphen:
        word = hyphen[1]
        if word[0].isupper() or word.lower() in _FRACTION_WORDS or word.lower() in _FUNCTION_WORDS:
            return None  # "one-China", "two-thirds", "one-on-one"
        if value == 0:
            return None  # "zero-day" (exploit), "zero-sum"
        if is_ordinal:
            return None  # "first-ever", "second-largest"
        unit = _singular(word)
        span_end = hyphen.end()
    else:
        unit, unit_end, capitalised_skipped = _noun_after(text, span_end, blocked, value != 1)
        if unit is not None:
            span_end = unit_end
        if is_word and written[0].isupper() and capitalised_skipped and not (unit and _was_plural(text, unit_end)):
            return None  # sentence-initial "Five Eyes alliance"
        if is_ordinal and capitalised_skipped and written[0].isupper():
            return None  # "First Lady", "Second World War"

    if written.lower() == "one" and not hyphen:
        before = _WORD_BEFORE.search(text, max(0, start - 20), start)
        if unit is None or (before and before[1].lower() in _ONE_PRONOUN_BEFORE):
            return None  # "one of", "no one", "the one who"

    if not currency and kind == "count":
        unit = _thing_counted(text, span_start, span_end, unit, value)
        place = _FROM_PLACE_AFTER.match(text, span_end) if unit in _DISTANCE_UNITS else None
        if place:
            unit = f"{unit} from {place[1].strip().casefold()}"
    rate = _RATE_AFTER.match(text, span_end) if not is_ordinal else None
    if rate and (currency or unit is not None):
        span_end = rate.end()
        rate_unit = f" per {rate[1].lower()}"
    else:
        rate_unit = ""
    if currency:
        unit, kind = currency, "money"
    elif unit in _CURRENCY_WORDS:
        kind = "money"
    elif unit in _TIME_UNITS and kind == "ordinal" and _RUNNING.search(text, end, span_end):
        kind = "duration"  # "for the sixth straight day": six days so far
    elif unit is None and kind == "count" and _AGE_BEFORE.search(text, max(0, span_start - 8), span_start):
        unit, kind = "year", "age"  # "age 61", "aged 61"
    elif unit in _TIME_UNITS and kind == "count":
        kind = "duration"
        old = _AGE_AFTER.match(text, span_end)
        if old:  # "a 30-year-old man", "30 years old": an age, not comparable with "41 years"
            kind = "age"
            span_end = old.end()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if rate_unit and unit is not None:
        unit += rate_unit
    return Quantity(
        start=span_start,
        end=span_end,
        text=text[span_start:span_end],
        value=value,
        unit=unit,
        kind=kind,
        approx=qualifier is not None,
        qualifier=qualifier,
    )


def _thing_counted(text: str, start: int, end: int, unit: str | None, value: float) -> str | None:
    """The unit a count compares by: the fate of the people it counts, or "magnitude"."""
    if unit in _QUAKE_NOUNS and 0 < value < 10 and (unit == "magnitude" or value != int(value)):
        return "magnitude"  # "a 6.1 quake", "5.9-magnitude"; "two earthquakes" stay a count
    if _RICHTER_AFTER.match(text, end) or (0 < value < 10 and _MAGNITUDE_BEFORE.search(text, max(0, start - 16), start)):
        return "magnitude"
    if unit not in _PEOPLE:
        return unit
    after = [w.casefold() for w in re.findall(r"[A-Za-z]+", text[end : end + 40])][:4]
    for word in after:
        if word in _FATES:
            return _FATES[word]
        if word not in _FATE_FILLER:
            break
    before = [w.casefold() for w in re.findall(r"[A-Za-z]+", text[max(0, start - 30) : start])][-2:]
    for word in reversed(before):
        if word in _FATES:
            return _FATES[word]
        if word not in ("other", "another", "some", "an", "a", "the"):
            break
    return unit


def _noun_after(
    text: str, position: int, blocked: Sequence[tuple[int, int]], expect_plural: bool
) -> tuple[str | None, int, bool]:
    """The noun a number counts: skip names and adjectives, stop at function words and dates.

    With ``expect_plural`` (any value but 1) a singular word followed by a plural one is a
    modifier: "20 power plants" counts plants, "three bank workers" workers. A date stops
    the search: "scored 20 Thursday night" counts no nights.
    Returns (singular noun or None, end offset, whether a capitalised word was skipped).
    """
    skipped_capital = False
    fallback: tuple[str, int] | None = None
    modifier: tuple[str, int] | None = None  # a singular noun that may modify a plural one
    for _ in range(6):
        m = _TOKEN_AFTER.match(text, position)
        if m is None or _overlaps(m.start(1), m.end(1), blocked):
            break
        token = m[1].rstrip(".")
        word = re.split(r"[-'’]", token)[0]
        end = m.start(1) + len(word)
        if token[0].isupper():
            if modifier is not None:
                break
            skipped_capital = True
            position = m.end()
            continue
        if not word.isalpha() or word in _FUNCTION_WORDS:
            break
        if modifier is None and (word in _SKIPPED_ADJECTIVES or _is_number_word(word)):
            fallback = fallback or (word, end)
            position = m.end()
            continue
        if modifier is None and word.endswith(("ed", "ly")) and word not in ("need", "speed", "seed", "bed"):
            position = m.end()  # "99 alleged members"; "30 attended the talks" then finds no noun
            continue
        noun = _singular(word)
        if not expect_plural or noun != word.lower():
            return noun, end, skipped_capital
        if modifier is None:
            modifier = (noun, end)
        if token != word:
            break  # "member-states", "leaders'": the word ends here
        position = m.end()
    if modifier is not None:
        return modifier[0], modifier[1], skipped_capital
    if fallback is not None:
        return _singular(fallback[0]), fallback[1], skipped_capital
    return None, position, skipped_capital


def _is_number_word(word: str) -> bool:
    """ "first four-way summit": the second number is not the first one's noun."""
    word = word.lower()
    return word in _SMALL_NUMBERS or word in _TENS or word in _SCALES or word in _ORDINAL_WORDS


def _singular(word: str) -> str:
    """A light singular: only needs to map "members"/"member" and "days"/"day" together."""
    word = word.lower()
    if word in _UNIT_ALIASES:
        return _UNIT_ALIASES[word]
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if word in _UNCOUNTED or len(word) < 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _was_plural(text: str, unit_end: int) -> bool:
    return text[unit_end - 1 : unit_end] == "s"


def _interval(q: Quantity, in_days: bool = False) -> tuple[float, float]:
    """The values ``q`` allows, in its own unit or (``in_days``) in days."""
    shortest, longest = _DAYS[q.unit] if in_days and q.unit in _DAYS else (1, 1)
    low, high = q.vague or (q.value, q.value)
    low, high = float(low) * shortest, float(high) * longest
    bound = q.bound
    if bound == "exact" and in_days:
        bound = "approx"  # "eight weeks" and "57 days" say one span in round figures
    if bound == "exact" or q.vague:
        return low, high
    if bound == "approx":
        return low - abs(low) * APPROX_TOLERANCE, high + abs(high) * APPROX_TOLERANCE
    if bound == "min":
        return low, math.inf
    return -math.inf, high


def _plain(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _starts_sentence(text: str, position: int) -> bool:
    """Whether only quotes/brackets separate ``position`` from a sentence or paragraph start."""
    i = position - 1
    while i >= 0 and text[i] in " \t\n\"'“‘([":
        if text[i] == "\n":
            return True
        i -= 1
    return i < 0 or text[i] in ".!?:;—"
