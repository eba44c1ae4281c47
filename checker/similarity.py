"""Do two sentences from different outlets report the same thing? One score for that.

A cosine cut alone is not enough: a sentence about *another* event of the same kind
(another arrest, another summit) scores as high as a true pair. So the embedding cosine
is combined with two pieces of lexical evidence that embeddings blur:

* names: two sentences that both name people, places or organisations but share none of
  them ("Jamal Williams was arrested..." / "Vincent Jackson was arrested...") usually
  report different events. A sentence naming nobody is no evidence either way.
* numbers: agreeing numbers ("four-way summit" / "the four countries") support a pair,
  differing ones ("61-year-old" / "66-year-old", "up 3 points" / "down 1 point") count
  against it. A sentence without numbers is no evidence either way.

A logistic regression combines them; its coefficients are plain constants below, fit by
``benchmarks/tune_claim_matching.py`` (which prints the table of everything tried) on the
ECB+ claim pairs (same event or not) together with the STS-B news training pairs (graded
similarity, as soft labels), each labelled pair counting once.
IDF-weighted word and name overlap, character n-gram TF-IDF, a learned per-dimension
weighting of the cosine, token-level alignment, names matched by prefix ("Iran" /
"Iranian") and a cosine x names interaction were tried (benchmarks/RESULTS.md): none held
up under cross-validation grouped by ECB+ topic, and the last two, though better on
STS-B, lowered the cosine a pair without names needs and made claims chain unrelated
sentences on the 10,000-article benchmark corpus. Nothing is trained at run time; the only
corpus-level input (:class:`ScoringContext`) tells names from capitalised common words
and from background names that are in most sentences of one story ("NATO", "Kishida").

``claim_score`` is in [0, 1]; ``same_claim`` applies :data:`CLAIM_THRESHOLD`, the cut with
the best F1 on ECB+ pairs. The pipeline and ``checker eval pairs --task claim`` both use it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache

import numpy as np
from anyascii import anyascii

from .models import Sentence
from .text.calendar import CALENDAR_WORDS, MONTH_NUMBERS
from .stop_words import ENGLISH_STOP_WORDS

__all__ = [
    "ATTACH_THRESHOLD",
    "CHAIN_FLOOR",
    "CLAIM_THRESHOLD",
    "PairFeatures",
    "ScoringContext",
    "SentenceTerms",
    "claim_features",
    "claim_score",
    "claim_scores",
    "pair_features",
    "same_claim",
    "sentence_pair_scorer",
    "sentence_terms",
]

# --- the fitted model (benchmarks/tune_claim_matching.py prints these) -------------------
#: Logistic-regression weights, in the order of the fields of :class:`PairFeatures`.
COEFFICIENTS: tuple[float, ...] = (3.4482, -0.7025, 0.7435)
INTERCEPT: float = -1.6153
#: The cut on ``claim_score`` with the best F1 on the ECB+ claim pairs.
CLAIM_THRESHOLD: float = 0.304
#: No claim joins two sentences of compared articles scoring below this, however they are
#: chained through other members. 1.5% of the ECB+ same-event pairs score lower, 10.8% of
#: the different-event ones; on the 10,000-article benchmark corpus 1.4% of claims had
#: such a pair (unrelated sentences joined through a third), on the fixtures none.
CHAIN_FLOOR: float = 0.15
#: Cut for a sentence next to a claim member whose best match in another member's article
#: is that member (see ``claims.cluster_claims``): the rest of a statement one outlet
#: split in two. Stricter than the pair cut: a lone neighbour (no mutual match) needs more
#: evidence. On the seeds the true split ("This is also the first time a Japanese prime
#: minister has attended the summit.") scores 0.58; wrong neighbours scored 0.31-0.45.
ATTACH_THRESHOLD: float = 0.5

#: A name in more than this share of the context's sentences is background, not evidence.
BACKGROUND_SHARE: float = 0.10
BACKGROUND_MIN_SENTENCES: int = 3

# --- tokens -----------------------------------------------------------------------------
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.,:][0-9]+)*(?:'[A-Za-z]+)?")
_NUMERIC = re.compile(r"([0-9]+(?:[.,:][0-9]+)*)[A-Za-z]*")  # a unit or "th" may follow
_ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
# fmt: off
_NUMBER_WORDS = {w: str(i) for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
))}
# Calendar words name days, not people or places: a date is not a name ("June 29" and
# "Wednesday" are the same day and share no word).
_MONTHS = frozenset(MONTH_NUMBERS)
_CALENDAR_WORDS = CALENDAR_WORDS
# fmt: on


def _stop_words() -> frozenset[str]:
    """scikit-learn's English stop words ("The", "This" opening a sentence are not names)."""
    return ENGLISH_STOP_WORDS


def _tokens(text: str) -> list[str]:
    """Words and numbers, transliterated to ASCII ("Seok-wyeh" -> "Seok", "wyeh")."""
    return _TOKEN.findall(anyascii(text))


def _word_key(token: str) -> str:
    """Lowercase, without a possessive "'s" ("Kishida's" -> "kishida")."""
    return token.lower().removesuffix("'s")


def _number_key(tokens: Sequence[str], i: int) -> str | None:
    """The key of the number at ``tokens[i]``, if it is one: its kind and value.

    Values: "1,650" -> 1650, "4.4-magnitude" -> 4.4, "four" -> 4. Kinds keep a date from
    clashing with a count: "29th" and "June 29" are the ordinal 29, "1949" is a year,
    anything else a count. Ordinal words are left out: "first" is mostly idiom ("for the
    first time", "the first Japanese leader").
    """
    token = tokens[i]
    lower = token.lower()
    unit = _duration_unit(tokens, i)
    if lower in _NUMBER_WORDS:
        return f"{unit}:{_NUMBER_WORDS[lower]}" if unit else f"count:{_NUMBER_WORDS[lower]}"
    match = _NUMERIC.fullmatch(token)
    if not match:
        return None
    value = match.group(1).replace(",", "")
    next_to_month = any(0 <= j < len(tokens) and tokens[j] in _MONTHS for j in (i - 1, i + 1))
    if lower.endswith(_ORDINAL_SUFFIXES) or (next_to_month and value.isdigit() and int(value) <= 31):
        return f"ordinal:{value}"
    if unit:
        return f"{unit}:{value}"
    if len(value) == 4 and value.isdigit() and 1800 <= int(value) <= 2100:
        return f"year:{value}"
    return f"count:{value}"


_DURATION_UNITS = {
    u: u.rstrip("s") for u in "second seconds minute minutes hour hours day days week weeks month months year years decade decades".split()
}


def _duration_unit(tokens: Sequence[str], i: int) -> str | None:
    """"hour" for "one hour", "day" for "two-day": a duration is its own kind, so "about one
    hour" never clashes with "four countries"."""
    following = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
    return _DURATION_UNITS.get(following)


def _kind(number_key: str) -> str:
    """"count", "ordinal", "year" or a duration unit ("hour", "day", ...)."""
    return number_key.partition(":")[0]


# --- corpus context ---------------------------------------------------------------------
@dataclass(frozen=True)
class ScoringContext:
    """What the corpus at hand says about its words: which capitalised ones are evidence.

    ``common_words`` are words the corpus writes in lowercase at least as often as
    capitalised after a sentence's first word: "Police" opening a sentence or "Killed" in
    a title-case headline is not a name. ``background_names`` are names so frequent in the
    corpus (in more than :data:`BACKGROUND_SHARE` of its sentences, and at least
    :data:`BACKGROUND_MIN_SENTENCES`) that they say nothing about which event a sentence
    reports: in one story about a NATO summit, "NATO" and "Kishida" are everywhere. In a
    corpus of many stories (the ECB+ and STS files) no name is that frequent.
    """

    common_words: frozenset[str] = frozenset()
    background_names: frozenset[str] = frozenset()

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> ScoringContext:
        unique = set(texts)
        counts = WordCounts()
        for text in unique:
            counts.add(text)
        return cls.from_counts(counts, len(unique))

    @classmethod
    def from_counts(cls, counts: WordCounts, texts: int) -> ScoringContext:
        """The context of ``texts`` distinct sentences whose words ``counts`` counted: what
        a store keeps up to date as it grows, instead of reading every text again."""
        common = frozenset(w for w, n in counts.lowercase.items() if n > 0 and n >= counts.capitalised[w])
        cut = max(BACKGROUND_MIN_SENTENCES, BACKGROUND_SHARE * texts)
        return cls(
            common_words=common,
            background_names=frozenset(n for n, k in counts.naming.items() if k > cut and n not in common),
        )


_NO_CONTEXT = ScoringContext()


@dataclass
class WordCounts:
    """Over a set of distinct sentences: each word's lowercase uses and capitalised uses
    after a sentence's first word, and how many sentences name it (a capitalised use
    that is no number, date or stop word). ``ScoringContext.from_counts`` reads them."""

    lowercase: Counter[str] = field(default_factory=Counter)
    capitalised: Counter[str] = field(default_factory=Counter)
    naming: Counter[str] = field(default_factory=Counter)

    def add(self, text: str, sign: int = 1) -> None:
        """Count one more sentence (``sign=-1``: one fewer)."""
        for table, counted in zip((self.lowercase, self.capitalised, self.naming), _sentence_word_counts(text)):
            for word, n in counted.items():
                table[word] += sign * n


def _sentence_word_counts(text: str) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """One sentence's share of :class:`WordCounts` (naming: 1 per word it names)."""
    lowercase: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    naming: set[str] = set()
    tokens = _tokens(text)
    for position, token in enumerate(tokens):
        key = _word_key(token)
        if token[0].islower():
            lowercase[key] += 1
        elif token[0].isupper() and position > 0:
            capitalised[key] += 1
        if token[0].isupper() and _number_key(tokens, position) is None and _is_name(key, _NO_CONTEXT):
            naming.add(key)
    return lowercase, capitalised, Counter(dict.fromkeys(naming, 1))


@dataclass(frozen=True)
class SentenceTerms:
    """The lexical evidence of one sentence: proper names and numbers, as normalised keys."""

    names: frozenset[str]
    numbers: frozenset[str]


def _is_name(key: str, context: ScoringContext) -> bool:
    return (
        len(key) > 1
        and key not in _CALENDAR_WORDS
        and key not in _stop_words()
        and key not in context.common_words
        and key not in context.background_names
    )


def sentence_terms(text: str, context: ScoringContext) -> SentenceTerms:
    """The names ("Kishida's" -> "kishida") and numbers ("four-way" -> "count:4") of a sentence.

    Dates are not names ("Wednesday", "June"), nor are the context's common words and
    background names.
    """
    names: set[str] = set()
    numbers: set[str] = set()
    tokens = _tokens(text)
    for i, token in enumerate(tokens):
        number = _number_key(tokens, i)
        if number is not None:
            numbers.add(number)
            continue
        key = _word_key(token)
        if token[0].isupper() and _is_name(key, context):
            names.add(key)
    return SentenceTerms(frozenset(names), frozenset(numbers))


# --- pair features ----------------------------------------------------------------------
@dataclass(frozen=True)
class PairFeatures:
    """The evidence on one sentence pair; field order = order of :data:`COEFFICIENTS`."""

    cosine: float  # embedding cosine, from the caller
    names_disjoint: float  # 1 if both sentences name someone or something and share no name
    number_agreement: float  # 2 * shared / all numbers - 1 (-1 to +1), same kinds only; else 0

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, f.name) for f in fields(self)], dtype=float)  # not astuple: it deep-copies

    @staticmethod
    def names() -> tuple[str, ...]:
        return tuple(f.name for f in fields(PairFeatures))


def _number_agreement(a: frozenset[str], b: frozenset[str]) -> float:
    """2 * shared / all - 1 over the kinds of number both sentences give; 0 if none."""
    kinds = {_kind(n) for n in a} & {_kind(n) for n in b}
    if not kinds:
        return 0.0
    a_kept = {n for n in a if _kind(n) in kinds}
    b_kept = {n for n in b if _kind(n) in kinds}
    return 2 * len(a_kept & b_kept) / len(a_kept | b_kept) - 1


def _features(a: SentenceTerms, b: SentenceTerms, cosine: float) -> PairFeatures:
    return PairFeatures(
        cosine=float(cosine),
        names_disjoint=float(bool(a.names) and bool(b.names) and not a.names & b.names),
        number_agreement=_number_agreement(a.numbers, b.numbers),
    )


def pair_features(a: str, b: str, cosine: float, context: ScoringContext | None = None) -> PairFeatures:
    """The evidence on one pair; without a context, only ``a`` and ``b`` tell names apart."""
    context = context or ScoringContext.from_texts([a, b])
    return _features(sentence_terms(a, context), sentence_terms(b, context), cosine)


def claim_features(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    cosines: Sequence[float] | np.ndarray,
    context: ScoringContext | None = None,
) -> np.ndarray:
    """:class:`PairFeatures` of aligned pairs ``(texts_a[i], texts_b[i])``, one row each.

    Without a context, it is built from all the given texts.
    """
    if not len(texts_a) == len(texts_b) == len(cosines):
        raise ValueError(
            f"texts_a, texts_b and cosines differ in length: {len(texts_a)}, {len(texts_b)}, {len(cosines)}"
        )
    context = context or ScoringContext.from_texts([*texts_a, *texts_b])
    terms: dict[str, SentenceTerms] = {}
    for text in (*texts_a, *texts_b):
        if text not in terms:
            terms[text] = sentence_terms(text, context)
    rows = [_features(terms[a], terms[b], c).vector() for a, b, c in zip(texts_a, texts_b, cosines)]
    return np.array(rows, dtype=float).reshape(len(rows), len(fields(PairFeatures)))


# --- scores -----------------------------------------------------------------------------
_WEIGHTS = np.array(COEFFICIENTS, dtype=float)


def _probability(feature_rows: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(feature_rows @ _WEIGHTS + INTERCEPT)))


def claim_score(a: str, b: str, cosine: float, context: ScoringContext | None = None) -> float:
    """How likely ``a`` and ``b`` report the same thing, in [0, 1]; see :func:`same_claim`.

    ``cosine`` is the cosine of the caller's sentence embeddings (all-MiniLM-L6-v2,
    normalised). Pass a context built from the whole corpus being compared
    (``ScoringContext.from_texts``) when there is one: it tells names from common words
    better than two sentences alone.
    """
    return float(_probability(pair_features(a, b, cosine, context).vector()[None, :])[0])


def claim_scores(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    cosines: Sequence[float] | np.ndarray,
    context: ScoringContext | None = None,
) -> np.ndarray:
    """:func:`claim_score` for aligned pairs ``(texts_a[i], texts_b[i])``, as one array.

    Without a context, it is built from all the given texts.
    """
    return _probability(claim_features(texts_a, texts_b, cosines, context))


def same_claim(score: float) -> bool:
    """The one decision rule of the pipeline and of ``checker eval pairs --task claim``."""
    return score >= CLAIM_THRESHOLD


class SentencePairScorer:
    """A ``claims.PairScorer`` whose context is built from all of the run's sentences.

    A class, not a closure, so that it can be sent to the worker processes that cluster
    stories. The memos below are not sent: a worker rebuilds them once, not once per
    shard of stories (:func:`_scorer_for` hands each shard the worker's scorer).
    """

    def __init__(self, context: ScoringContext) -> None:
        self.context = context
        # Each sentence meets many others: find its terms once per run, not once per pair
        # of articles (the same values as ``claim_scores``, several times faster on big stories).
        self._terms: dict[str, SentenceTerms] = {}
        self._agreements: dict[tuple[frozenset[str], frozenset[str]], float] = {}

    def __reduce__(self) -> tuple:
        return (_scorer_for, (self.context,))

    def _terms_of(self, text: str) -> SentenceTerms:
        found = self._terms.get(text)
        if found is None:
            found = self._terms[text] = sentence_terms(text, self.context)
        return found

    def _agreement(self, a: frozenset[str], b: frozenset[str]) -> float:
        found = self._agreements.get((a, b))
        if found is None:
            found = self._agreements[(a, b)] = _number_agreement(a, b)
        return found

    def __call__(self, a: Sequence[Sentence], b: Sequence[Sentence], cosines: np.ndarray) -> np.ndarray:
        # The rows of ``_features``, built column by column (no object per pair): row-major,
        # like cosines.ravel(): (a[0], b[0]), (a[0], b[1]), ...
        terms_a, terms_b = [self._terms_of(s.text) for s in a], [self._terms_of(s.text) for s in b]
        agreement = self._agreement
        features = np.empty((len(a) * len(b), len(fields(PairFeatures))), dtype=float)
        features[:, 0] = cosines.ravel()
        features[:, 1] = [float(bool(x.names) and bool(y.names) and not x.names & y.names) for x in terms_a for y in terms_b]
        features[:, 2] = [
            agreement(x.numbers, y.numbers) if x.numbers and y.numbers else 0.0 for x in terms_a for y in terms_b
        ]
        return _probability(features).reshape(cosines.shape)


@lru_cache(maxsize=1)
def _scorer_for(context: ScoringContext) -> SentencePairScorer:
    """The scorer of ``context`` as a worker receives it: one per run, so its memos of
    each text's terms carry over from shard to shard (wire copy repeats texts across
    stories; a fresh scorer per shard found the same terms up to four times)."""
    return SentencePairScorer(context)


def sentence_pair_scorer(sentences: Sequence[Sentence]) -> SentencePairScorer:
    """The claim scorer of a run over ``sentences`` (its context built from their texts)."""
    return SentencePairScorer(ScoringContext.from_texts(s.text for s in sentences))
