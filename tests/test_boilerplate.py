"""Site furniture (boilerplate.py): lines one outlet repeats across days are not claims."""

from __future__ import annotations

import datetime as dt

from checker.boilerplate import mark_boilerplate
from checker.models import Article, Sentence

FURNITURE = "Advertisement Continue reading the main story"  # NYT page furniture, 2012


def _run(days: list[int | None], outlet: str = "New York Times") -> tuple[list[Article], list[Sentence]]:
    articles, sentences = [], []
    for n, day in enumerate(days):
        body = f"The council voted on measure {n} today."
        text = f"{body} {FURNITURE}"
        published = dt.date(2012, 6, day) if day else None
        article = Article(path=f"{outlet}-{n}.txt", text=text, outlet=outlet, published=published)
        articles.append(article)
        sentences += [
            Sentence(article.id, 0, 0, len(body), body),
            Sentence(article.id, 1, len(body) + 1, len(text), FURNITURE),
        ]
    return articles, sentences


def _kinds(sentences: list[Sentence]) -> list[str]:
    return [s.kind for s in sentences]


def test_a_line_repeated_on_three_days_is_furniture() -> None:
    articles, sentences = _run([4, 5, 6])
    assert _kinds(mark_boilerplate(articles, sentences)) == ["body", "boilerplate"] * 3


def test_one_events_articles_of_one_day_keep_their_sentences() -> None:
    articles, sentences = _run([5, 5, 5, 5])
    assert mark_boilerplate(articles, sentences) == sentences
    articles, sentences = _run([4, 5])  # two articles: nothing to tell
    assert mark_boilerplate(articles, sentences) == sentences


def test_undated_articles_count_as_days_of_their_own_and_outlets_apart() -> None:
    articles, sentences = _run([None, None, 6])
    assert _kinds(mark_boilerplate(articles, sentences)) == ["body", "boilerplate"] * 3
    a, sa = _run([4, 5], outlet="A")
    b, sb = _run([6], outlet="B")
    assert mark_boilerplate(a + b, sa + sb) == sa + sb  # no outlet carries it three times


def test_marking_does_not_depend_on_input_order() -> None:
    articles, sentences = _run([4, 5, 6, 6])
    forward = mark_boilerplate(articles, sentences)
    backward = mark_boilerplate(articles[::-1], sentences[::-1])
    assert forward == backward[::-1]
