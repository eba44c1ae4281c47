"""Sentence splitting and tagging on the four seed articles, plus the offset invariant."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.ingest import read_articles
from checker.models import Article, Sentence
from checker.segment import segment

REPO = Path(__file__).resolve().parent.parent
KUNA = "fixtures/nato-2022/kuna_japan-pm-nato-partnership.txt"
KISHIDA = "fixtures/nato-2022/kyodo_kishida-nato-summit.txt"
STOLTENBERG = "fixtures/nato-2022/kyodo_stoltenberg-tokyo-2023.txt"
ZH = "fixtures/nato-2022/zh-translation_four-leaders-madrid.txt"


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[Article, tuple[Sentence, ...]]]:
    articles, _ = read_articles([REPO / "fixtures" / "nato-2022"], cwd=REPO)
    return {a.path: (a, segment(a)) for a in articles}


def texts(sentences: tuple[Sentence, ...], kind: str) -> list[str]:
    return [s.text for s in sentences if s.kind == kind]


def assert_invariants(article: Article, sentences: tuple[Sentence, ...]) -> None:
    assert [s.index for s in sentences] == list(range(len(sentences)))
    previous_end = 0
    for s in sentences:
        assert article.text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.article == article.id
        assert s.start >= previous_end
        previous_end = s.end


def test_offsets_hold_for_every_sentence_of_every_seed(seeds) -> None:
    assert len(seeds) == 4
    for article, sentences in seeds.values():
        assert_invariants(article, sentences)


def test_body_sentence_counts_per_seed(seeds) -> None:
    counts = {path: Counter(s.kind for s in sentences) for path, (_, sentences) in seeds.items()}
    assert counts == {
        KUNA: Counter(body=12, boilerplate=2, headline=1),
        KISHIDA: Counter(body=28, caption=5, boilerplate=2),
        STOLTENBERG: Counter(body=22, caption=2),
        ZH: Counter(body=16),
    }


def test_quotes_and_abbreviations_do_not_split_sentences(seeds) -> None:
    kishida_body = texts(seeds[KISHIDA][1], "body")
    quote = '"We must demonstrate unity so that such attempts will never succeed,"'
    assert f"{quote} he said." in kishida_body
    assert (
        "NATO plus the four nations will agree to create a road map for expanded cooperation, "
        "the U.S. government said in a document outlining the expected outcome of the summit."
    ) in kishida_body
    assert "Australia, Japan and South Korea are all U.S. security allies." in kishida_body
    assert (
        "It adopted a new Strategic Concept -- the alliance's guiding document for the next "
        "decade -- that mentioned China for the first time."
    ) in kishida_body
    assert (
        '"So we must continue to stand together and work with like-minded partners around the '
        "world to protect our values and our freedom. And to promote peace and prosperity,\" "
        "he added."
    ) in kishida_body
    kuna_body = texts(seeds[KUNA][1], "body")
    assert f"{quote} he was quoted as saying." in kuna_body


def test_every_kyodo_caption_is_a_caption_and_never_body(seeds) -> None:
    for path, expected in ((KISHIDA, 4), (STOLTENBERG, 2)):
        article, sentences = seeds[path]
        caption_paragraphs = [
            p for p in article.text.split("\n") if p.endswith(("Kyodo)", "==Kyodo"))
        ]
        assert len(caption_paragraphs) == expected
        for paragraph in caption_paragraphs:
            start = article.text.index(paragraph)
            inside = [s for s in sentences if start <= s.start < start + len(paragraph)]
            assert inside and all(s.kind == "caption" for s in inside)
            assert "".join(s.text for s in inside).replace(" ", "") == paragraph.replace(" ", "")
        for s in sentences:
            if s.kind == "body":
                assert not any(m in s.text for m in ("Kyodo)", "(C)", "(L, front)", "==Kyodo"))
    kishida_captions = texts(seeds[KISHIDA][1], "caption")
    # Credit and position fragments stay with their caption sentence.
    assert kishida_captions[0] == (
        "Japanese Prime Minister Fumio Kishida (C) attends a summit of the North Atlantic "
        "Treaty Organization on June 29, 2022, in Madrid. (Pool photo)(Kyodo)"
    )
    assert kishida_captions[-1].startswith("(Clockwise from back R) Japanese Prime Minister")
    assert kishida_captions[3].endswith("from June 29. (Pool photo) (Kyodo) ==Kyodo")


def test_related_coverage_and_everything_after_it_is_boilerplate(seeds) -> None:
    assert texts(seeds[KISHIDA][1], "boilerplate") == [
        "Related coverage:",
        "Finland, Sweden cleared for joining NATO as Turkey drops opposition",
    ]


def test_kuna_widget_headline_dateline_and_sign_off(seeds) -> None:
    article, sentences = seeds[KUNA]
    assert (sentences[0].kind, sentences[0].text) == ("boilerplate", "A+ A-")
    assert (sentences[1].kind, sentences[1].text) == (
        "headline",
        "Japan PM seeks upgrade of NATO partnership after Russia's war",
    )
    first = sentences[2]
    assert first.kind == "body"
    dateline = "TOKYO, June 29 (KUNA) -- "
    assert first.start == article.text.index(dateline) + len(dateline)
    assert first.text.startswith("Japanese Prime Minister Fumio Kishida said Wednesday")
    assert "KUNA" not in first.text
    assert [(s.kind, s.text) for s in sentences[-3:]] == [
        ("body", "Australia, Japan and South Korea are all US security allies."),
        ("body", 'Australia and New Zealand are part of the "Five Eyes" intelligence-sharing '
                 "alliance that also involves Britain, Canada and the US, while Japan and "
                 "Australia are members of the Quad group alongside the US and India."),
        ("boilerplate", "(end) mk.ibi"),
    ]  # fmt: skip


def test_articles_without_markings_are_all_body(seeds) -> None:
    _, sentences = seeds[ZH]
    assert {s.kind for s in sentences} == {"body"}
    assert sentences[0].text.startswith("Japanese Prime Minister Fumio Kishida held talks")
    # A first paragraph ending with a period is body, not a headline.
    assert seeds[KISHIDA][1][0].kind == "body"


def test_markdown_heading_widgets_and_titles(tmp_path: Path) -> None:
    text = (
        "# Leaders meet in Madrid\n\n"
        "Share | Print\n\n"
        "MADRID (Reuters) - Mr. Kishida met U.S. officials on Jan. 31. They spoke for an hour.\n\n"
        "Read more:\n\n"
        "Another story entirely"
    )
    article = Article(path="x.md", text=text, outlet="Reuters")
    sentences = segment(article)
    assert_invariants(article, sentences)
    assert [(s.kind, s.text) for s in sentences] == [
        ("headline", "Leaders meet in Madrid"),
        ("boilerplate", "Share | Print"),
        ("body", "Mr. Kishida met U.S. officials on Jan. 31."),
        ("body", "They spoke for an hour."),
        ("boilerplate", "Read more:"),
        ("boilerplate", "Another story entirely"),
    ]


def test_a_single_short_line_is_body_not_headline() -> None:
    article = Article(path="x.txt", text="Japan and NATO agreed on closer ties", outlet="x")
    assert [(s.kind, s.text) for s in segment(article)] == [
        ("body", "Japan and NATO agreed on closer ties")
    ]


def test_a_repeated_paragraph_still_takes_its_kind_from_its_place() -> None:
    """A paragraph's kind by its text alone is found once (wire copy repeats paragraphs);
    what its place decides is not: a short first line is a headline and the same line
    later is body, everything after a "Related" line is boilerplate, and a dateline or
    sign-off is cut from a body paragraph wherever it stands."""
    line = "Leaders meet in Madrid to expand the alliance"
    body = "MADRID, June 29 (Kyodo) -- NATO leaders met on Wednesday. They invited Finland. ==Kyodo"

    def kinds(*paragraphs: str) -> list[tuple[str, str]]:
        article = Article(path="x.txt", text="\n\n".join(paragraphs), outlet="x")
        return [(s.kind, s.text) for s in segment(article)]

    told = [("body", "NATO leaders met on Wednesday."), ("body", "They invited Finland."), ("boilerplate", "==Kyodo")]
    for _ in range(2):  # the second time from the memos
        assert kinds(line, body) == [("headline", line), *told]
        assert kinds(body, line) == [*told, ("body", line)]
        assert kinds(body, "Related stories", line) == [*told, ("boilerplate", "Related stories"), ("boilerplate", line)]
        assert kinds(line, "Related stories", body) == [("body", line), ("boilerplate", "Related stories"), ("boilerplate", body)]


_WORDS = st.sampled_from(
    ["Kishida", "U.S.", "Jan.", "31,", "said.", '"We', 'must,"', "(Kyodo)", "(C)", "--", "==Kyodo",
     "(end)", "mk.ibi", "TOKYO,", "(KUNA)", "A+", "A-", "Mr.", "?", "!", "...", " ", "\n",
     "\n\n", "\t"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, max_size=40).map(" ".join))
def test_offsets_hold_for_arbitrary_text(text: str) -> None:
    article = Article(path="p.txt", text=text, outlet="x")
    assert_invariants(article, segment(article))


def test_hard_wrapped_lines_are_joined_but_wire_lines_are_not() -> None:
    text = (
        "WASHINGTON (Reuters) - The alliance said it would\n"
        "grow stronger, officials said on Monday. Talks end\n"
        "today.\n"
        "Officials declined to comment. (Writing by Ann Poe)\n"
        "(Reporting by Jane Doe; Editing by John Roe)"
    )
    article = Article(path="r.txt", text=text, outlet="Reuters")
    sentences = segment(article)
    assert_invariants(article, sentences)
    assert [(s.kind, s.text) for s in sentences] == [
        ("body", "The alliance said it would\ngrow stronger, officials said on Monday."),
        ("body", "Talks end\ntoday."),
        ("body", "Officials declined to comment."),
        ("boilerplate", "(Writing by Ann Poe)"),
        ("boilerplate", "(Reporting by Jane Doe; Editing by John Roe)"),
    ]


# Texts where pysbd's own span search has to work: repeats, abbreviations, lists, quotes,
# ellipses, runs of punctuation and whitespace.
_HARD_TEXTS = (
    "He said no. He said no. He said no.",
    "No. No. No.",
    "Mr. Smith met Dr. Jones at 3 p.m. on Jan. 5. They talked.",
    "The U.S. and the U.K. agreed... Then? They left!! Really?!",
    "Options were a) stay b) go and c) wait. Nobody chose.",
    "1. First item 2. Second item 3. Third item",
    '"Stop," she said. "Now." (He did.) [End.]',
    "  Leading and trailing spaces.   Two.  ",
    "Tabs\tand\u00a0non-breaking\u2009spaces. Next one.",
    "Ellipsis … in the middle. And the end…",
    "",
    ".",
    "?!",
)


def test_splitting_is_pysbds_own(seeds) -> None:
    """``_pysbd_split`` finds pysbd's sentences in the text with ``str.find`` instead of
    pysbd's one regular expression per sentence: it must return what pysbd returns."""
    from checker.segment import _pysbd_split, _segmenter

    splitter = _segmenter("en")
    paragraphs = [p for article, _ in seeds.values() for p in article.text.split("\n") if p.strip()]
    sentences = [s.text for _, found in seeds.values() for s in found]
    for text in (*_HARD_TEXTS, *paragraphs, *sentences, " ".join(sentences)):
        assert _pysbd_split(splitter, text) == tuple(splitter.segment(text)), text


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(["Yes.", "No", "Mr.", "U.S.", " ", "  ", "a)", '"Quote."', "?", "!", "...", "\n", "1."]), max_size=12))
def test_splitting_is_pysbds_own_on_generated_text(pieces: list[str]) -> None:
    from checker.segment import _pysbd_split, _segmenter

    splitter = _segmenter("en")
    text = "".join(pieces)
    assert _pysbd_split(splitter, text) == tuple(splitter.segment(text))


def test_a_one_word_fragment_is_not_a_claim() -> None:
    """ECB+ texts are tokenised ("7 p. m."): the splitter leaves "m." as a sentence, and two
    articles holding one each shared a "near-identical sentence" (11 topics chained into
    one story). A one-word body sentence is set aside; short claims and unspaced scripts stay."""
    from checker.models import Article
    from checker.segment import segment

    text = "The woman was struck around 7 p. m.\n\nPolice arrived at the scene. He resigned.\n\n他辞职了。"
    article = Article(path="a.txt", text=text, outlet="A")
    claims = [s.text for s in segment(article) if s.is_claim]
    assert "m." not in claims
    assert "He resigned." in claims and "他辞职了。" in claims


def test_a_decimal_a_tokeniser_spaced_stays_in_its_sentence() -> None:
    """ECB+ writes "4. 5": split there, two quake reports shared the fragment "An earthquake
    with a preliminary magnitude of 4." and were linked as one story. A score or a year
    after a full stop still starts a sentence."""
    from checker.segment import run_spans

    text = "An earthquake with a preliminary magnitude of 4. 5 struck on Sunday. The vote was 52-48. 2016 was a year."
    assert [text[s:e] for s, e in run_spans(text)] == [
        "An earthquake with a preliminary magnitude of 4. 5 struck on Sunday.",
        "The vote was 52-48.",
        "2016 was a year.",
    ]


def test_web_page_furniture_is_not_a_claim() -> None:
    """Real AllSides text (newspaper3k) keeps an embedded tweet's signature, photo credits,
    contributor lines and BBC player labels as sentences. Each reads like every other of
    its kind, so two articles about different events "shared near-identical sentences"
    (two Trump tweet signatures of different weeks) and were linked as one story. The
    tweet itself, and a sentence that merely names an agency, stay claims."""
    from checker.models import Article
    from checker.segment import segment

    text = (
        "Now is the time for leadership – not politics. The American people deserve action.\n\n"
        "— Donald J. Trump (@realDonaldTrump) November 5, 2019\n\n"
        "Jewel Samad/AFP/Getty Images\n\n"
        "Media playback is unsupported on your device Media caption How the mace drama unfolded\n\n"
        "Mike Bloomberg walks out before speaking in West Palm Beach, Fla. Joe Raedle/Getty Images\n\n"
        "The deal was first reported by Reuters.\n\n"
        "Fox News' Paul Steinhauser and The Associated Press contributed to this report."
    )
    kinds = {s.text: s.kind for s in segment(Article(path="a.txt", text=text, outlet="A"))}
    assert [t for t, kind in kinds.items() if kind == "body"] == [
        "Now is the time for leadership – not politics.",
        "The American people deserve action.",
        "The deal was first reported by Reuters.",
    ]
    assert kinds["— Donald J. Trump (@realDonaldTrump) November 5, 2019"] == "boilerplate"
    assert kinds["Media playback is unsupported on your device Media caption How the mace drama unfolded"] == "caption"
    assert kinds["Jewel Samad/AFP/Getty Images"] == "caption"  # the paragraph closes on a credit
