"""Date mentions in the seed articles, resolved against their publication dates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from checker.text.dates import DateMention, align_dates, dates_conflict, find_dates

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "fixtures" / "nato-2022"
ECB_PAIRS = Path("/work/shared/eval/claim_pairs_ecbplus.jsonl")
KYODO_2022 = dt.date(2022, 6, 29)  # a Wednesday
KYODO_2023 = dt.date(2023, 1, 31)  # a Tuesday


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def summary(mentions: tuple[DateMention, ...]) -> list[tuple[str, str, str]]:
    return [(m.text, m.granularity, m.normalized) for m in mentions]


def only(text: str, reference: dt.date | None = None) -> DateMention:
    (mention,) = find_dates(text, reference)
    return mention


def mention_at(text: str, context: str, phrase: str, reference: dt.date | None) -> DateMention:
    """The mention of ``phrase`` inside the unique ``context``; checks the exact offsets."""
    assert text.count(context) >= 1
    start = text.index(context) + context.index(phrase)
    found = [m for m in find_dates(text, reference) if m.start == start]
    assert len(found) == 1, f"no mention at {start} for {phrase!r}: {summary(find_dates(text, reference))}"
    mention = found[0]
    assert (mention.text, mention.end) == (phrase, start + len(phrase))
    assert text[mention.start : mention.end] == mention.text
    return mention


def test_kyodo_2022_dates_resolve_against_wednesday_publication() -> None:
    text = seed("kyodo_kishida-nato-summit.txt")
    said = mention_at(text, "Kishida said Wednesday, hailing", "Wednesday", KYODO_2022)
    assert (said.date, said.granularity, said.weekday, said.relative) == (dt.date(2022, 6, 29), "day", 2, True)
    through = mention_at(text, "The two-day summit through Thursday", "Thursday", KYODO_2022)
    assert through.date == dt.date(2022, 6, 30)
    caption = mention_at(text, "Organization on June 29, 2022, in Madrid", "June 29, 2022", KYODO_2022)
    assert (caption.date, caption.relative) == (dt.date(2022, 6, 29), False)
    created = mention_at(text, "NATO was created in 1949 by", "1949", KYODO_2022)
    assert (created.date, created.granularity, created.relative) == (dt.date(1949, 1, 1), "year", False)
    communique = mention_at(text, "its summit in June last year it", "June last year", KYODO_2022)
    assert (communique.year, communique.month, communique.granularity) == (2021, 6, "month")
    april = mention_at(text, "In April this year, the four", "April this year", KYODO_2022)
    assert (april.date, april.granularity) == (dt.date(2022, 4, 1), "month")
    # The whole article: nothing else is a date ("the next decade", "30 members", "first time").
    assert summary(find_dates(text, KYODO_2022)) == [
        ("Wednesday", "day", "2022-06-29"),
        ("June 29, 2022", "day", "2022-06-29"),
        ("Thursday", "day", "2022-06-30"),
        ("June 29, 2022", "day", "2022-06-29"),
        ("June 28, 2022", "day", "2022-06-28"),
        ("June 29", "day", "2022-06-29"),
        ("1949", "year", "1949"),
        ("June last year", "month", "2021-06"),
        ("April this year", "month", "2022-04"),
        ("Wednesday", "day", "2022-06-29"),
        ("June 29, 2022", "day", "2022-06-29"),
    ]


def test_kuna_dateline_without_year_takes_the_reference_year() -> None:
    text = seed("kuna_japan-pm-nato-partnership.txt")
    dateline = mention_at(text, "TOKYO, June 29 (KUNA)", "June 29", KYODO_2022)
    assert (dateline.date, dateline.relative) == (dt.date(2022, 6, 29), True)
    assert summary(find_dates(text, KYODO_2022)) == [
        ("June 29", "day", "2022-06-29"),
        ("Wednesday", "day", "2022-06-29"),
        ("1949", "year", "1949"),
        ("June last year", "month", "2021-06"),
        ("April this year", "month", "2022-04"),
    ]


def test_translation_day_of_month_is_the_reference_month() -> None:
    text = seed("zh-translation_four-leaders-madrid.txt")
    afternoon = mention_at(text, "on the afternoon of the 29th local time", "the 29th", KYODO_2022)
    assert (afternoon.date, afternoon.granularity, afternoon.relative) == (dt.date(2022, 6, 29), "day", True)
    assert summary(find_dates(text, KYODO_2022)) == [
        ("June 29", "day", "2022-06-29"),
        ("the 29th", "day", "2022-06-29"),
    ]


def test_kyodo_2023_weekdays_and_months_resolve_against_tuesday_publication() -> None:
    text = seed("kyodo_stoltenberg-tokyo-2023.txt")
    assert mention_at(text, "warned Tuesday against", "Tuesday", KYODO_2023).date == dt.date(2023, 1, 31)
    may = mention_at(text, "in May and November last year", "May", KYODO_2023)
    november = mention_at(text, "in May and November last year", "November last year", KYODO_2023)
    assert (may.date, may.granularity) == (dt.date(2022, 5, 1), "month")
    assert (november.date, november.granularity) == (dt.date(2022, 11, 1), "month")
    assert mention_at(text, "in Japan since Monday", "Monday", KYODO_2023).date == dt.date(2023, 1, 30)
    assert mention_at(text, "leave Asia Wednesday", "Wednesday", KYODO_2023).date == dt.date(2023, 2, 1)
    february = mention_at(text, "launched in February last year", "February last year", KYODO_2023)
    assert february.date == dt.date(2022, 2, 1)
    assert summary(find_dates(text, KYODO_2023)) == [
        ("Tuesday", "day", "2023-01-31"),
        ("Jan. 31, 2023", "day", "2023-01-31"),
        ("May", "month", "2022-05"),
        ("November last year", "month", "2022-11"),
        ("Jan. 31, 2023", "day", "2023-01-31"),
        ("February last year", "month", "2022-02"),
        ("1949", "year", "1949"),
        ("June 2022", "month", "2022-06"),
        ("Monday", "day", "2023-01-30"),
        ("Wednesday", "day", "2023-02-01"),
    ]


def test_without_a_reference_only_what_the_text_states_is_kept() -> None:
    text = seed("kyodo_stoltenberg-tokyo-2023.txt")
    mentions = find_dates(text)
    assert [m.normalized for m in mentions] == [
        "Tuesday",
        "2023-01-31",
        "????-05",
        "????-11",
        "2023-01-31",
        "????-02",
        "1949",
        "2022-06",
        "Monday",
        "Wednesday",
    ]
    tuesday = mentions[0]
    assert (tuesday.date, tuesday.weekday) == (None, 1)
    last_year = mentions[3]  # "November last year": the month is known, the year is not
    assert (last_year.year, last_year.month, last_year.date) == (None, 11, None)


@pytest.mark.parametrize(
    ("phrase", "reference", "expected"),
    [
        ("said Monday", KYODO_2023, dt.date(2023, 1, 30)),  # nearest: the day before
        ("will meet Friday", KYODO_2023, dt.date(2023, 2, 3)),  # +3 is still "this week"
        ("died Saturday", KYODO_2023, dt.date(2023, 1, 28)),  # -3
        ("last Tuesday", KYODO_2023, dt.date(2023, 1, 24)),
        ("next Tuesday", KYODO_2023, dt.date(2023, 2, 7)),
        ("yesterday", KYODO_2023, dt.date(2023, 1, 30)),
        ("on Dec. 20", KYODO_2023, dt.date(2022, 12, 20)),  # nearest year, not 2023-12-20
        ("on 29 June 2022", None, dt.date(2022, 6, 29)),
        ("on 2022-06-29", None, dt.date(2022, 6, 29)),
        ("in December", KYODO_2023, dt.date(2022, 12, 1)),
        ("by the 2nd", KYODO_2023, dt.date(2023, 2, 2)),  # the month after is nearer
    ],
)
def test_resolution_conventions(phrase: str, reference: dt.date | None, expected: dt.date) -> None:
    assert only(phrase, reference).date == expected


def test_names_and_counts_are_not_dates() -> None:
    assert find_dates("They celebrated Super Tuesday and Good Friday.") == ()
    assert find_dates("under UN Resolution 1701 the force stayed", KYODO_2023) == ()
    assert find_dates("Theresa May said she may visit in the spring.", KYODO_2023) == ()
    assert find_dates("the 29th NATO summit opened") == ()


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        ("warned Tuesday", "warned Wednesday", True),  # same story, same reference
        ("in June 2022", "on June 29, 2022", False),  # compared at the coarser granularity
        ("in June 2022", "on July 1, 2022", True),
        ("said Tuesday", "on Jan. 31, 2023", False),
        ("in May last year", "in May 2022", False),
        ("in 1949", "in 1948", True),
    ],
)
def test_dates_conflict_with_a_shared_reference(a: str, b: str, conflict: bool) -> None:
    assert dates_conflict(only(a, KYODO_2023), only(b, KYODO_2023)) is conflict
    assert dates_conflict(only(b, KYODO_2023), only(a, KYODO_2023)) is conflict


def test_dates_conflict_compares_known_parts_only() -> None:
    assert dates_conflict(only("said Tuesday"), only("said Wednesday"))  # weekdays alone disagree
    assert dates_conflict(only("on June 29"), only("on June 30, 2022"))  # month/day disagree
    assert not dates_conflict(only("on June 29"), only("on June 29, 2021"))  # year unknown on one side
    assert not dates_conflict(only("last year"), only("in 2022"))  # nothing to compare


def test_align_dates_pairs_same_granularity_and_leaves_uneven_leftovers() -> None:
    text = seed("kyodo_stoltenberg-tokyo-2023.txt")
    start = text.index("Japan said Russian and Chinese bombers")
    sentence = text[start : text.index("\n", start)]
    ours = find_dates(sentence, KYODO_2023)
    theirs = find_dates("Bombers flew near Japan in May and October last year.", KYODO_2023)
    pairs = align_dates(ours, theirs)
    assert [(a.text, b.text, dates_conflict(a, b)) for a, b in pairs] == [
        ("May", "May", False),
        ("November last year", "October last year", True),
    ]
    # A day is never paired with a month; two leftover days against one are ambiguous.
    assert align_dates(find_dates("on Tuesday", KYODO_2023), find_dates("in May", KYODO_2023)) == []
    uneven = align_dates(find_dates("from Monday to Wednesday", KYODO_2023), find_dates("on Thursday", KYODO_2023))
    assert uneven == []


def test_real_news_sentences_from_ecb_plus() -> None:
    """Sentences written by other outlets, without a reference date."""
    sentences = {json.loads(line)[key] for line in ECB_PAIRS.open(encoding="utf-8") for key in ("a", "b")}

    def find(fragment: str) -> str:
        return next(s for s in sorted(sentences) if fragment in s)

    gigante = find("Gigante died while in prison custody on December 19, 2005")
    assert summary(find_dates(gigante))[0] == ("December 19, 2005", "day", "2005-12-19")
    williams = find("who swam to stardom in the 1940's")
    assert find_dates(williams) == ()  # a decade, not the year 1940
    cheeks = find("2008-09 season")
    assert summary(find_dates(cheeks)) == [("Saturday", "day", "Saturday")]


def test_dates_discriminate_same_event_from_different_event_pairs() -> None:
    """On ECB+ pairs (no references), aligned dates conflict far more across different events.

    Measured: 136 of 306 different-event pairs with aligned dates conflict (44%), 39 of 348
    same-event pairs (11%), mostly weekdays of different moments of one event (arrested
    Tuesday, charged Friday), which claim matching separates.
    """
    counts = {0: [0, 0], 1: [0, 0]}
    with ECB_PAIRS.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            pairs = align_dates(find_dates(row["a"]), find_dates(row["b"]))
            if pairs:
                counts[row["label"]][0] += 1
                counts[row["label"]][1] += any(dates_conflict(a, b) for a, b in pairs)
    assert counts[0][1] / counts[0][0] > 0.35 and counts[1][1] / counts[1][0] < 0.2, counts


def _every_finder(text: str, reference: dt.date | None) -> tuple[DateMention, ...]:
    """``find_dates`` without its shortcuts: every finder, then the longest candidates."""
    from checker.text import dates

    candidates = [c for finder in dates._FINDERS for c in finder(text, reference)]
    candidates.sort(key=lambda c: (-(c.end - c.start), c.start))
    chosen: list = []
    for candidate in candidates:
        if all(candidate.end <= c.start or candidate.start >= c.end for c in chosen):
            chosen.append(candidate)
    return tuple(sorted((m for c in chosen for m in c.mentions), key=lambda m: (m.start, m.end)))


def test_shortcuts_give_what_every_finder_gives() -> None:
    """``find_dates`` reuses the dates found without a reference when none of them is
    relative (and returns nothing when there are none): the same mentions either way."""
    texts = [line for name in ("kuna_japan-pm-nato-partnership.txt", "kyodo_kishida-nato-summit.txt") for line in seed(name).splitlines()]
    texts += [
        "The talks on June 29, 2022 ended.", "He left on Wednesday.", "It happened last year in May.",
        "Since 1949 the alliance grew.", "On the 29th they met; 2022-06-30 was next.", "Nothing dated here.",
        "Yesterday and tomorrow, this morning.", "In May 5 people died.", "Next month and last June.",
    ]
    for text in texts:
        for reference in (None, KYODO_2022, KYODO_2023, dt.date(2020, 2, 29)):
            assert find_dates(text, reference) == _every_finder(text, reference), (text, reference)
