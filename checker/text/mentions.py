"""Proper names in sentences: where each name stands, and the role written before it.

``find_mentions`` pulls proper names out of sentences with a regex/heuristic extractor (no
model, no list of known people) and splits titles off into ``Mention.role`` ("South
Korean President | Yoon Suk Yeol").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from checker.models import Sentence, SentenceKind

from .calendar import MONTH_NUMBERS, WEEKDAY_NAMES
from .connotation import part_of_speech
from .names import _QUALIFIERS, _word_set

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


# "Reps. Collin Peterson and Jeff Van Drew", "Sens. Charles E. Schumer and Michael F.
# Bennet": a plural before two names is each one's title, as US copy writes them (without
# them "Democratic Sens" read as a name on the whole AllSides archive).
PLURAL_TITLES = {"reps": "rep", "sens": "sen", "govs": "gov"}
# Title words that head a role ("Prime Minister", "Secretary General", "Dr.") ...
_ROLE_HEADS = _word_set(
    """
    president president-elect minister chancellor premier pm secretary king queen prince
    princess emperor empress pope governor senator mayor ambassador envoy chairman
    chairwoman chairperson director commissioner spokesman spokeswoman spokesperson
    leader speaker sheikh shaikh emir sultan judge justice archbishop bishop cardinal rabbi imam
    ayatollah colonel captain admiral marshal commander ceo chief representative
    congressman congresswoman lawmaker mr mrs ms dr prof sir dame lord lady gen col lt
    capt sgt rep sen gov monsieur madame herr frau adviser advisor aide strategist
    """
) | frozenset(PLURAL_TITLES)
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
_TITLE_ABBREVIATIONS = _word_set("mr mrs ms dr prof gen col lt capt sgt rep sen gov st") | frozenset(PLURAL_TITLES)
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
    if key in vocabulary.lowercase or key.endswith(("ing", "ly", "ed", "wise")):
        return False
    # A sentence-initial word the tagger lexicon reads as a verb or a function word, never
    # seen capitalised inside the article: "Take Pompeo, who peppered Clinton" (held out).
    return part_of_speech(key) not in _NOT_NAME_TAGS


#: A name the sentence already gave, with another word run into it: "Sen. Susan Collins
#: Susan Margaret CollinsLawmakers under pressure...", a link's tooltip and the headline
#: after it (The Hill's pages). "McConnell", "DeSantis" and "SolarWinds" are one word.
_FUSED = re.compile(r"[a-z]([A-Z][a-z]{2,})")

#: Penn Treebank tags of words that open sentences but not names (verbs, modals, ...).
_NOT_NAME_TAGS = frozenset("VB VBP MD IN DT CC PRP PRP$ WDT WP WRB RB UH EX TO".split())


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
    skipped: _Word | None = None  # the last word of a name given again right after itself
    for k, word in enumerate(words):
        following = words[k + 1] if k + 1 < len(words) else None
        previous = pending[-1] if pending else (current[-1] if current else skipped)
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
        fused = _FUSED.search(word.text)
        name_word = _is_name_word(word, following, bool(current) and joined, vocabulary)
        if skipped is not None and name_word and joined:
            skipped = word
            continue
        skipped = None
        if fused and any(w.text.casefold() == word.text[: fused.start(1)].casefold() for w in words[:k]):
            if current:
                runs.append(current)
            current, pending = [], []
        elif name_word and current and joined and len(current) > 1 and word.key in {w.key for w in current}:
            # "Sen. Susan Collins Susan Margaret CollinsLawmakers": the name starts again (a
            # link's tooltip): keep the first, drop the repeat up to the run's end.
            runs.append(current)
            current, pending, skipped = [], [], word
        elif name_word:
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
    skipped, and so are posts the article embeds verbatim (a tweet signed "— Name (@handle)
    July 10, 2018"): their spelling is the poster's, not the outlet's (held out: "Brett
    Kavanuagh", "Steven Miller" in tweets). A heuristic, not full NER: it knows no people,
    only how names are written.
    """
    posts = embedded_posts(article_text)
    prepared: list[tuple[Sentence, str, int]] = []
    for sentence in sentences:
        if sentence.kind == "boilerplate" or any(start <= sentence.start < end for start, end in posts):
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


#: How a page signs a post it embeds: "— Ian Millhiser (@imillhiser) July 10, 2018".
_POST_SIGNATURE = re.compile(r"[—–-]\s*[^\n()]{0,80}\(@\w{1,15}\)\s+[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4}\s*$")


def embedded_posts(article_text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph that is an embedded post: it ends with a signature."""
    if "(@" not in article_text:
        return []  # most articles embed nothing
    lines = re.finditer(r"[^\n]+", article_text)
    return [(m.start(), m.end()) for m in lines if "(@" in m[0] and _POST_SIGNATURE.search(m[0])]


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
        if _PARTY_STATE.fullmatch(text[start:end]):
            continue  # "(D-Calif.)": a lawmaker's party and state, not a name (held out: "D-Calf")
        role = None
        if role_words:
            role = text[role_words[0].start : role_words[-1].end]
        elif kin := _KIN_BEFORE.search(text, max(0, start - 24), start):
            role = kin[1]  # "his father, Ron Paul": a relative, another person of one family name
        found.append((role_words[0].start if role_words else start, Mention("", 0, start, end, text[start:end], role)))
    return tuple(_with_listings(found, text))


#: A lawmaker's party and state as US papers tag them: "D-Calif", "R-Tenn", "I-Vt".
_PARTY_STATE = re.compile(r"[DRI]-[A-Z][A-Za-z]{0,5}\.?")

#: A family word right before a name: "his father, Ron Paul", "son Hunter Biden". As the
#: name's role it keeps two relatives of one family name apart (held out: Rand / Ron Paul).
_KIN_WORDS = frozenset((
    "father", "mother", "son", "daughter", "brother", "sister", "wife", "husband", "uncle", "aunt", "cousin",
    "nephew", "niece", "grandfather", "grandmother", "grandson", "granddaughter", "stepfather", "stepmother",
    "stepson", "stepdaughter", "widow",
))
_KIN_BEFORE = re.compile(r"\b(" + "|".join(sorted(_KIN_WORDS)) + r")(?:-in-law)?,?\s+$")


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


