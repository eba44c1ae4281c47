"""Reading articles: formats, metadata inference on the seed articles, errors and notes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from checker.errors import ArticleError, InputError
from checker.ingest import read_articles
from checker.ingest.metadata import infer_outlet, infer_published
from checker.models import Inferred

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "fixtures" / "nato-2022"
KUNA = "fixtures/nato-2022/kuna_japan-pm-nato-partnership.txt"
KISHIDA = "fixtures/nato-2022/kyodo_kishida-nato-summit.txt"
STOLTENBERG = "fixtures/nato-2022/kyodo_stoltenberg-tokyo-2023.txt"
ZH = "fixtures/nato-2022/zh-translation_four-leaders-madrid.txt"
HTML_PAGE = REPO / "tests" / "data" / "kyodo_japan-nato-statement.html"


def seed_text(name: str) -> str:
    return (REPO / name).read_text(encoding="utf-8")


def test_seed_outlets_and_dates_are_inferred_from_the_articles_own_markings() -> None:
    articles, notes = read_articles([SEEDS], cwd=REPO)
    by_path = {a.path: a for a in articles}
    assert list(by_path) == [KUNA, KISHIDA, STOLTENBERG, ZH]

    assert by_path[KUNA].outlet == "KUNA"
    assert by_path[KUNA].published is None  # the dateline says "June 29" without a year
    assert by_path[KUNA].inferred == (
        Inferred("outlet", "KUNA", 'dateline "TOKYO, June 29 (KUNA)"'),
    )
    assert by_path[KISHIDA].outlet == "Kyodo"
    assert by_path[KISHIDA].published == dt.date(2022, 6, 29)
    assert by_path[KISHIDA].inferred == (
        Inferred("outlet", "Kyodo", 'photo credit "(Pool photo)(Kyodo)" and 4 more'),
        Inferred(
            "published", "2022-06-29", 'caption date "June 29, 2022" (latest of 4 caption dates)'
        ),
    )
    assert by_path[STOLTENBERG].outlet == "Kyodo"
    assert by_path[STOLTENBERG].published == dt.date(2023, 1, 31)
    assert [i.field for i in by_path[STOLTENBERG].inferred] == ["outlet", "published"]
    # Cites "Kyodo News said" but carries no credit of its own: the file name decides.
    assert by_path[ZH].outlet == "zh-translation"
    assert by_path[ZH].published is None
    assert by_path[ZH].inferred == (
        Inferred("outlet", "zh-translation", 'file name "zh-translation_four-leaders-madrid.txt"'),
    )
    assert notes == [
        f'{KUNA}: dateline "TOKYO, June 29 (KUNA)" gives no year; published date left unknown '
        "(add 'published: YYYY-MM-DD' in front matter)"
    ]
    for article in articles:
        assert article.text == seed_text(article.path).strip()
        assert len(article.content_hash) == 64
        assert article.line_offset == 0
        assert article.story is None


def test_citations_of_another_agency_are_not_credits() -> None:
    assert infer_outlet(seed_text(ZH)) is None
    assert "Kyodo News Agency reported" in seed_text(KUNA)
    assert infer_outlet(seed_text(KUNA)) == Inferred(
        "outlet", "KUNA", 'dateline "TOKYO, June 29 (KUNA)"'
    )
    citing = "Officials met on Monday, Kyodo News said. Japan's Kyodo reported it."
    assert infer_outlet(citing) is None


def test_sign_off_and_caption_year_complete_a_dateline() -> None:
    text = (
        "TOKYO, Jan. 2 (KUNA) -- Leaders met.\n"
        "Leaders pose for the family photo on Dec. 30, 2022, in Tokyo. (KUNA)\n"
        "More talks followed. ==KUNA"
    )
    inferred, note = infer_published(text)
    # The photo (Dec. 30, 2022) predates publication, so Jan. 2 falls in 2023.
    assert inferred == Inferred(
        "published",
        "2023-01-02",
        'dateline "TOKYO, Jan. 2 (KUNA)", year from caption date "Dec. 30, 2022"',
    )
    assert note is None
    assert infer_outlet(text) == Inferred(
        "outlet", "KUNA", 'dateline "TOKYO, Jan. 2 (KUNA)" and 2 more'
    )


def test_front_matter_overrides_inference_and_keeps_line_numbers(tmp_path: Path) -> None:
    body = seed_text(KUNA)
    source = tmp_path / "kuna_copy.md"
    source.write_text(
        "---\n"
        "outlet: Kuwait News Agency\n"
        "published: 2022-06-29\n"
        "title: Japan PM seeks upgrade of NATO partnership\n"
        "story: madrid-summit\n"
        "editor: not a known key, ignored\n"
        "---\n"
        "\n" + body,
        encoding="utf-8",
    )
    before = source.read_bytes()
    [article], notes = read_articles([source], cwd=tmp_path)
    assert source.read_bytes() == before
    assert notes == []
    assert article.path == "kuna_copy.md"
    assert article.outlet == "Kuwait News Agency"
    assert article.published == dt.date(2022, 6, 29)
    assert article.title == "Japan PM seeks upgrade of NATO partnership"
    assert article.story == "madrid-summit"
    assert article.inferred == ()
    assert article.text == body.strip()
    assert article.line_offset == 8
    lines = source.read_text(encoding="utf-8").split("\n")
    start = article.text.index("TOKYO, June 29")
    line = article.text.count("\n", 0, start) + article.line_offset + 1
    assert lines[line - 1].startswith("TOKYO, June 29 (KUNA) --")


def test_front_matter_only_fills_what_it_states(tmp_path: Path) -> None:
    (tmp_path / "kyodo_a.txt").write_text("---\nstory: s1\n---\n" + seed_text(STOLTENBERG))
    [article], _ = read_articles([tmp_path], cwd=tmp_path)
    assert article.outlet == "Kyodo"
    assert (article.published, article.story) == (dt.date(2023, 1, 31), "s1")
    assert article.line_offset == 3


def test_malformed_front_matter_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\noutlet: Kyodo\ntitle: [unclosed\n---\nText.\n")
    with pytest.raises(ArticleError) as error:
        read_articles([bad], cwd=tmp_path)
    assert str(error.value).startswith("bad.md:3: malformed front matter")  # where the [ opens

    date = tmp_path / "date.md"
    date.write_text("---\noutlet: Kyodo\npublished: last Tuesday\n---\nText.\n")
    with pytest.raises(ArticleError, match=r"^date\.md:3: 'published' must be a date"):
        read_articles([date], cwd=tmp_path)

    unclosed = tmp_path / "open.md"
    unclosed.write_text("---\noutlet: Kyodo\nText.\n")
    with pytest.raises(ArticleError, match=r"^open\.md:1: front matter is not closed"):
        read_articles([unclosed], cwd=tmp_path)


def test_jsonl_manifest_rows_become_articles(tmp_path: Path) -> None:
    manifest = tmp_path / "articles.jsonl"
    rows = [
        {"text": seed_text(KUNA), "id": "a1"},
        {"text": seed_text(ZH), "path": "zh-translation_four-leaders-madrid.txt"},
        {"text": seed_text(KISHIDA), "outlet": "Kyodo News", "published": "2022-06-29",
         "story": "madrid", "extra": [1, 2]},
    ]  # fmt: skip
    manifest.write_text(json.dumps(rows[0]) + "\n\n" + "\n".join(json.dumps(r) for r in rows[1:]))
    articles, notes = read_articles([manifest], cwd=tmp_path)
    assert [a.path for a in articles] == [f"articles.jsonl#{n}" for n in (1, 3, 4)]
    assert [a.outlet for a in articles] == ["KUNA", "zh-translation", "Kyodo News"]
    assert articles[1].inferred[0].source == 'file name "zh-translation_four-leaders-madrid.txt"'
    assert (articles[2].published, articles[2].story, articles[2].inferred) == (
        dt.date(2022, 6, 29), "madrid", ()
    )
    assert notes[0].startswith("articles.jsonl#1: dateline")


def test_csv_manifest_with_multiline_text_uses_the_rows_first_line(tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "outlet", "published", "text"])
    writer.writerow(["1", "", "", seed_text(STOLTENBERG)])  # many lines inside quotes
    writer.writerow(["2", "KUNA", "2022-06-29", seed_text(KUNA)])
    manifest = tmp_path / "list.csv"
    manifest.write_text(buffer.getvalue(), newline="")
    articles, _ = read_articles([manifest], cwd=tmp_path)
    second_row_line = 2 + seed_text(STOLTENBERG).count("\n") + 1
    assert [a.path for a in articles] == ["list.csv#2", f"list.csv#{second_row_line}"]
    assert [(a.outlet, a.published) for a in articles] == [
        ("Kyodo", dt.date(2023, 1, 31)),
        ("KUNA", dt.date(2022, 6, 29)),
    ]
    assert articles[0].text == seed_text(STOLTENBERG).strip()


def test_bad_manifest_rows_name_file_and_line(tmp_path: Path) -> None:
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"text": "One.", "outlet": "A"}\n{"text": "Two.", outlet: B}\n')
    with pytest.raises(ArticleError, match=r"^m\.jsonl:2: not valid JSON"):
        read_articles([manifest], cwd=tmp_path)

    manifest.write_text('{"text": "One.", "outlet": "A"}\n["a list"]\n')
    with pytest.raises(ArticleError, match=r"^m\.jsonl:2: each line must be a JSON object"):
        read_articles([manifest], cwd=tmp_path)

    manifest.write_text('{"outlet": "A"}\n')
    with pytest.raises(ArticleError, match=r"^m\.jsonl:1: the row has no article text"):
        read_articles([manifest], cwd=tmp_path)

    manifest.write_text('{"text": "Officials met on Monday."}\n')
    with pytest.raises(ArticleError, match=r"^m\.jsonl:1: no 'outlet' given"):
        read_articles([manifest], cwd=tmp_path)

    table = tmp_path / "t.csv"
    table.write_text("outlet,body\nA,One.\n")
    with pytest.raises(ArticleError, match=r"^t\.csv:1: the CSV header has no 'text' column"):
        read_articles([table], cwd=tmp_path)


def test_empty_binary_and_unknown_files_named_explicitly_are_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text(" \n\t\n")
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "only-meta.md").write_text("---\noutlet: Kyodo\n---\n\n")
    with pytest.raises(ArticleError, match=r"^empty\.txt: is empty"):
        read_articles([tmp_path / "empty.txt"], cwd=tmp_path)
    with pytest.raises(ArticleError, match=r"^photo\.txt: is binary, not text; remove it or"):
        read_articles([tmp_path / "photo.txt"], cwd=tmp_path)
    with pytest.raises(ArticleError, match=r"^notes\.pdf: unknown file type '\.pdf'"):
        read_articles([tmp_path / "notes.pdf"], cwd=tmp_path)
    with pytest.raises(ArticleError, match=r"^only-meta\.md: is empty"):
        read_articles([tmp_path / "only-meta.md"], cwd=tmp_path)


def test_unusable_files_in_a_folder_are_skipped_with_notes(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    shutil.copy(SEEDS / "kyodo_kishida-nato-summit.txt", tmp_path / "kyodo_kishida.txt")
    articles, notes = read_articles(["."], cwd=tmp_path)
    assert [a.path for a in articles] == ["kyodo_kishida.txt"]
    assert notes == [
        "skipped empty.txt: is empty; remove it or add the article text",
        "skipped notes.pdf: unknown file type '.pdf'; give .txt, .md, .markdown, .html, .htm, "
        ".jsonl, .csv files",
        "skipped photo.txt: is binary, not text; remove it or save the article as .txt, .md or "
        ".html",
    ]


def test_missing_path_and_no_articles_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^nowhere/x\.txt: no such file or folder"):
        read_articles(["nowhere/x.txt"], cwd=tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "readme.yaml").write_text("a: 1\n")
    with pytest.raises(InputError) as error:
        read_articles(["sub"], cwd=tmp_path)
    assert str(error.value) == (
        "no articles found in sub; give .txt/.md/.html files or a .jsonl/.csv manifest"
    )


def test_folders_are_read_recursively_in_order_without_hidden_entries(tmp_path: Path) -> None:
    files = {
        "b-story/kyodo_z.txt": STOLTENBERG,
        "a-story/deeper/kuna_y.txt": KUNA,
        "a-story/kyodo_x.txt": KISHIDA,
        "zh-translation_top.txt": ZH,
        ".git/kyodo_hidden.txt": KISHIDA,
        "a-story/.draft.txt": ZH,
    }
    for name, seed in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(seed_text(seed))
    articles, notes = read_articles([tmp_path], story_from_folders=True, cwd=tmp_path)
    assert [(a.path, a.story) for a in articles] == [
        ("a-story/deeper/kuna_y.txt", "a-story"),
        ("a-story/kyodo_x.txt", "a-story"),
        ("b-story/kyodo_z.txt", "b-story"),
        ("zh-translation_top.txt", None),
    ]
    assert notes[1:] == []  # only the KUNA note about its dateline year
    without, _ = read_articles([tmp_path], cwd=tmp_path)
    assert [a.story for a in without] == [None] * 4


def test_the_same_article_twice_is_kept_once_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a_copy.txt").write_text(seed_text(ZH))
    # Same words, different line breaks and spacing: still the same article.
    (tmp_path / "b" / "zh_original.txt").write_text(seed_text(ZH).replace("\n", "\r\n\r\n  "))
    articles, notes = read_articles([tmp_path], cwd=tmp_path)
    assert [a.path for a in articles] == ["a_copy.txt"]
    assert notes == [
        "duplicate: b/zh_original.txt has the same text as a_copy.txt; kept a_copy.txt"
    ]


def test_the_same_file_given_twice_is_read_once(tmp_path: Path) -> None:
    shutil.copy(SEEDS / "kyodo_kishida-nato-summit.txt", tmp_path / "kyodo_k.txt")
    articles, notes = read_articles([tmp_path, tmp_path / "kyodo_k.txt"], cwd=tmp_path)
    assert [a.path for a in articles] == ["kyodo_k.txt"] and notes == []


def test_text_is_decoded_and_normalised(tmp_path: Path) -> None:
    latin = tmp_path / "lemonde_x.txt"
    french = "Le président a déclaré à Madrid que l'été serait décisif.\r\nDeuxième ligne."
    latin.write_bytes(french.encode("cp1252"))
    bom = tmp_path / "bom_x.txt"
    bom.write_bytes(b"\xef\xbb\xbfFirst line.\rSecond line.\r\n")
    articles, _ = read_articles([latin, bom], cwd=tmp_path)
    assert [a.text for a in articles] == [
        "First line.\nSecond line.",
        "Le président a déclaré à Madrid que l'été serait décisif.\nDeuxième ligne.",
    ]
    assert [a.outlet for a in articles] == ["bom", "lemonde"]


def test_paths_outside_the_working_directory_are_relative_to_it(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    [article], _ = read_articles([SEEDS / "kyodo_kishida-nato-summit.txt"], cwd=elsewhere)
    assert not article.path.startswith("/")
    assert (elsewhere / article.path).resolve() == (SEEDS / "kyodo_kishida-nato-summit.txt").resolve()


def test_html_page_yields_main_text_and_metadata_without_boilerplate() -> None:
    [article], notes = read_articles([HTML_PAGE], cwd=REPO)
    assert notes == []
    assert article.path == "tests/data/kyodo_japan-nato-statement.html"
    assert article.title == "Japan, NATO warn of growing Russia-China military cooperation"
    assert article.url == "https://news.example.org/2023/01/japan-nato-russia-china.html"
    assert article.outlet == "Kyodo News"
    assert article.published == dt.date(2023, 1, 31)
    assert article.inferred == (
        Inferred("outlet", "Kyodo News", 'HTML site name "Kyodo News"'),
        Inferred("published", "2023-01-31", 'HTML metadata date "2023-01-31"'),
    )
    seed_body = [p for p in seed_text(STOLTENBERG).split("\n") if p and "(Kyodo)" not in p]
    assert article.text.split("\n") == [article.title, *seed_body]
    for boilerplate in ("Home", "Subscribe", "Share on", "A+ A-", "Related coverage",
                        "Finland, Sweden", "Copyright", "Privacy", "Sign in"):  # fmt: skip
        assert boilerplate not in article.text


def test_file_name_outlets_take_the_spelling_of_the_outlets_own_markings(tmp_path: Path) -> None:
    shutil.copy(SEEDS / "kyodo_kishida-nato-summit.txt", tmp_path / "kyodo_a.txt")
    (tmp_path / "kyodo_b.txt").write_text("Kishida met Stoltenberg in Tokyo on Tuesday.\n")
    (tmp_path / "other_c.txt").write_text("Kishida met Stoltenberg in Tokyo.\n")
    articles, _ = read_articles(str(tmp_path), cwd=tmp_path)  # one path as a plain string
    assert [a.outlet for a in articles] == ["Kyodo", "Kyodo", "other"]
    assert articles[1].inferred == (
        Inferred("outlet", "Kyodo", 'file name "kyodo_b.txt", spelled as in kyodo_a.txt'),
    )


def test_an_oversized_article_is_refused_with_its_size(tmp_path) -> None:
    from checker.ingest import MAX_ARTICLE_BYTES

    huge = tmp_path / "dump.txt"
    huge.write_text("The summit lasted two days. " * (MAX_ARTICLE_BYTES // 28 + 10))
    with pytest.raises(ArticleError, match=r"dump\.txt: is 5\.0 MB, over the 5 MB limit for one article; split it"):
        read_articles([huge], cwd=tmp_path)
