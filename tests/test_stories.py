"""Story grouping: strong links merge, weaker ones only by complete linkage; story ids
come from publication dates, never from a date read in the text."""

from __future__ import annotations

import datetime as dt

from checker import stories as events
from checker.stories import ArticleProfile, EventDate, StoryLink, stories_from_links
from checker.models import Article


def _profile(name: str, date: EventDate | None = None, published: bool = True) -> ArticleProfile:
    return ArticleProfile(name, name.upper(), None, date, (), published)


def test_weaker_links_merge_only_groups_whose_every_pair_is_close() -> None:
    profiles = [_profile(n) for n in "abcd"]
    weak = lambda x, y: StoryLink(x, y, 0.70, f"{x} and {y} have content similarity 0.70")  # noqa: E731
    # a-b-c is a chain (a and c are not alike): a and b join, c stays out.
    chain = stories_from_links(profiles, [weak("a", "b"), weak("b", "c")])
    assert sorted(s.articles for s in chain) == [("a", "b"), ("c",), ("d",)]
    # With a-c too, every pair of the three is close: one story.
    triangle = stories_from_links(profiles, [weak("a", "b"), weak("b", "c"), weak("a", "c")])
    assert sorted(s.articles for s in triangle) == [("a", "b", "c"), ("d",)]
    # A strong link needs no more than itself.
    strong = stories_from_links(profiles, [StoryLink("a", "b", 2.0, "share 2"), StoryLink("b", "c", 0.92, "0.92")])
    assert sorted(s.articles for s in strong) == [("a", "b", "c"), ("d",)]


def test_a_story_is_named_by_publication_dates_not_by_dates_in_the_text() -> None:
    june = EventDate(6, 29, 2022)
    named = stories_from_links([_profile("a", june), _profile("b", None)], [StoryLink("a", "b", 2.0, "share 2")])
    assert [s.id for s in named] == ["2022-06-29"]
    read_in_text = stories_from_links([_profile("a", EventDate(2, 10, 2016), published=False)], [])
    assert [s.id for s in read_in_text] == ["undated"]


def test_only_the_dateline_dates_an_undated_article() -> None:
    """A lawsuit 'filed on July 14, 2015' deep in a 2018 article is not its date."""
    opening = "WASHINGTON -- The Democratic Party sued the campaign on Friday, accusing it of conspiring to tilt the election, in a lawsuit that names several people who worked on it."
    body = opening + "\n\n" + "The deal was signed on July 14, 2015, in Vienna. " * 10
    article = Article(path="x.txt", outlet="X", text=body)
    assert events.event_date(article) is None
    dated = Article(path="y.txt", outlet="Y", text="TOKYO, June 29 (KUNA) -- Japan's prime minister said...")
    assert events.event_date(dated) == EventDate(6, 29, None)
    published = Article(path="z.txt", outlet="Z", text=body, published=dt.date(2018, 4, 20))
    assert events.event_date(published) == EventDate(4, 20, 2018)


def test_two_events_of_a_kind_in_two_places_stay_apart() -> None:
    """ECB+ topics told by three outlets each, no story field: two earthquakes of one day
    read alike (content similarity 0.78 for every pair) and merged by complete linkage.
    Two stories that each name their own place again and again, and never the other's,
    are two events; a place in common (or too few mentions to tell) lets them merge."""
    def quake(name: str, place: str, mentions: int = 2) -> ArticleProfile:
        return ArticleProfile(name, name.upper(), None, EventDate(9, 9, 2012), ((place, mentions),), True)

    strong = lambda x, y: StoryLink(x, y, 2.0, f"{x} and {y} share 2 near-identical sentences")  # noqa: E731
    weak = lambda x, y: StoryLink(x, y, 0.78, f"{x} and {y} have content similarity 0.78")  # noqa: E731
    links = [strong("a", "b"), strong("c", "d")] + [weak(x, y) for x in "ab" for y in "cd"]
    apart = stories_from_links([quake("a", "Qeshm"), quake("b", "Qeshm"), quake("c", "Aceh"), quake("d", "Aceh")], links)
    assert sorted(s.articles for s in apart) == [("a", "b"), ("c", "d")]
    shared = [quake("a", "Qeshm"), quake("b", "Qeshm"), quake("c", "Aceh"), ArticleProfile("d", "D", None, EventDate(9, 9, 2012), (("Aceh", 2), ("Qeshm", 1)), True)]
    assert [s.articles for s in stories_from_links(shared, links)] == [("a", "b", "c", "d")]
    faint = [quake("a", "Qeshm", 1), quake("b", "Qeshm", 0), quake("c", "Aceh", 1), quake("d", "Aceh", 0)]
    assert [s.articles for s in stories_from_links(faint, links)] == [("a", "b", "c", "d")]


def test_an_undated_article_needs_likeness_not_just_two_stock_sentences(embedder) -> None:
    """On the AllSides archive, undated articles of different years shared two stock
    sentences with thousands of others ("sharing near-identical sentences", the strongest
    link). Without a date, an article links only to one whose mean vector is close
    (``UNDATED_CENTROID_FLOOR``); dated a day apart, the same two articles still link."""
    from dataclasses import replace

    from checker.segment import segment

    stock = [
        "Follow our live coverage for the latest updates on this developing story.",
        "Our reporters will keep updating this article as more details emerge.",
    ]
    flood = Article(path="flood.txt", outlet="A", text="\n\n".join([
        "Flash floods swept through Valencia on Tuesday, killing at least 60 people.",
        "Rescue teams used helicopters to lift residents from rooftops.",
        "The regional government declared three days of mourning.", *stock]))
    tariff = Article(path="tariff.txt", outlet="B", text="\n\n".join([
        "A federal appeals court struck down the steel tariffs in a 2-1 ruling.",
        "The judges said the trade law did not allow duties of that size.",
        "The administration said it would appeal to the Supreme Court.", *stock]))

    def link(first: Article, second: Article):
        sentences = [s for a in (first, second) for s in segment(a) if s.is_claim]
        vectors = embedder.embed([s.text for s in sentences])
        mats = events.article_matrices([first, second], sentences, {(s.article, s.index): v for s, v in zip(sentences, vectors)})
        return events.link(ArticleProfile.of(first), ArticleProfile.of(second), mats[first.id], mats[second.id])

    assert link(flood, tariff) is None
    dated = link(replace(flood, published=dt.date(2024, 10, 29)), replace(tariff, published=dt.date(2024, 10, 30)))
    assert dated is not None and dated.strength == 2.0


def test_an_article_left_alone_says_why_it_was_kept_apart() -> None:
    """Issue 17: a split must be explained. An outlet alone in its story is an outlet
    nothing is compared with; "no other article reports this event" was printed even when
    another article was linked to it and a rule kept them apart."""
    day = EventDate(6, 29, 2022)
    profiles = [_profile("a", day), _profile("b", day), _profile("c", day), _profile("d", EventDate(7, 20, 2022)), _profile("e", day)]
    weak = lambda x, y, v: StoryLink(x, y, v, f"{x.upper()} and {y.upper()} have content similarity {v:.2f}")  # noqa: E731
    links = [weak("a", "b", 0.80), weak("b", "c", 0.70), StoryLink("a", "d", 3.0, "A and D share 3 near-identical sentences")]
    reasons = {s.articles: s.reason for s in stories_from_links(profiles, links)}
    assert reasons[("c",)] == (
        "kept apart: B and C have content similarity 0.70, but C's article is not as alike to A's in that story"
    )
    assert reasons[("d",)] == (
        "kept apart: A and D share 3 near-identical sentences, but A's article in that story is dated more than 4 days from it"
    )
    assert reasons[("e",)] == "no other article reports this event"
