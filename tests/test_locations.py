"""Locations are true: the line and column a finding points at are in the file the user
gave, and every output format says the same (checker/source_map.py,
checker/report/locations.py).

An HTML page's text is extracted from the markup, so its offsets are mapped back into
the page: the reported line is the line of the page where the span is written. A
manifest row's text is a JSON string or a CSV field: the line and column are where the
span is written in it. Where the extracted text cannot be placed, the reports say
"(extracted text) line N" instead of passing that line off as one of the file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import checker
from checker import source_map
from checker.cli import app
from checker.ingest import read_articles
from checker.ingest.html import map_into_page, read_html
from checker.models import Evidence, Finding, Severity
from checker.report import github, sarif
from checker.report.diff import _where as diff_where
from checker.serialise import finding_to_dict
from checker.report.locations import describe, source_span, where

FERRY = Path("tests/data/locations")
PAGE = FERRY / "coastal-wire_ferry.html"
KYODO_PAGE = Path("tests/data/kyodo_japan-nato-statement.html")
runner = CliRunner()


@pytest.fixture(scope="module")
def ferry(embedder, cache_path):
    return checker.check([FERRY], checker.Settings(cache=cache_path, preview=True), embedder=embedder)


def _page_evidence(result) -> list[Evidence]:
    return [e for f in result.findings for e in f.evidence if e.path == PAGE.as_posix()]


# --------------------------------------------------------------------------- HTML pages


def test_an_html_finding_points_at_the_line_of_the_page_that_holds_the_sentence(ferry) -> None:
    page = PAGE.read_text(encoding="utf-8").split("\n")
    evidence = _page_evidence(ferry)
    assert {e.text for e in evidence} >= {"Yoon Seok-wyeh", "212 passengers", "180 people"}
    for e in evidence:
        assert e.line_in == "file"
        line = page[e.line - 1]
        assert line[e.column - 1 :].startswith(e.text), (e.line, e.column, e.text, line)
        sentence_start = source_map.position(ferry.article(e.path).text, e.sentence_start, source_map=ferry.article(e.path).source_map)
        assert page[sentence_start.line - 1][sentence_start.column - 1 :].startswith(e.sentence.split()[0])
        assert (e.end_line, e.end_column) == (e.line, e.column + len(e.text))
    yoon = next(e for e in evidence if e.text == "Yoon Seok-wyeh")
    assert yoon.line == 13  # not 2 (<html lang="en">), the line of the extracted text


def test_every_format_gives_the_same_place(ferry, cache_path, tmp_path: Path) -> None:
    yoon = next(f for f in ferry.findings if any(e.text == "Yoon Seok-wyeh" for e in f.evidence))
    e = next(e for e in yoon.evidence if e.text == "Yoon Seok-wyeh")
    shown = f"{PAGE.as_posix()}:13"
    assert where(e) == shown

    args = [str(FERRY), "--preview", "--cache", str(cache_path)]
    outputs = {}
    for fmt in ("markdown", "json", "sarif", "github", "html"):
        result = runner.invoke(app, ["report", *args, "--format", fmt, "-o", "-"])
        assert result.exit_code == 0, result.output
        outputs[fmt] = result.stdout
    summary = runner.invoke(app, ["check", *args, "--fail-on", "error"])
    assert summary.exit_code == 1, summary.output  # two errors

    escaped = shown.replace("_", "\\_")
    assert f"| {escaped} |" in outputs["markdown"] and f"| {escaped} |" in summary.stdout
    data = json.loads(outputs["json"])
    located = [(d["line"], d["column"], d["line_in"]) for f in data["findings"] for d in f["evidence"] if d["text"] == "Yoon Seok-wyeh"]
    assert located == [(13, e.column, "file")]
    region = next(
        r["locations"][0]["physicalLocation"]["region"]
        for r in json.loads(outputs["sarif"])["runs"][0]["results"]
        if r["locations"][0]["physicalLocation"]["region"].get("snippet", {}).get("text") == "Yoon Seok-wyeh"
    )
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (13, e.column, e.column + len(e.text))
    assert f"file={PAGE.as_posix()},line=13,col={e.column}," in outputs["github"]
    assert f'"where":"{shown}"' in outputs["html"].replace(" ", "")

    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text('{"version": 1, "findings": [], "baselined": []}', encoding="utf-8")
    new.write_text(outputs["json"], encoding="utf-8")
    diff = runner.invoke(app, ["diff", str(old), str(new)])
    assert diff.exit_code == 0 and f"| {escaped} |" in diff.stdout


def test_every_sentence_of_a_real_page_maps_to_where_it_is_written() -> None:
    page = KYODO_PAGE.read_text(encoding="utf-8")
    raw = read_html(page, "k.html", "k.html")
    lines = page.split("\n")
    starts = [0] + [m.end() for m in re.finditer(r"\n", raw.text)]
    assert len(starts) > 10
    for start in starts:
        word = raw.text[start:].split(maxsplit=1)[0]
        at = source_map.position(raw.text, start, source_map=raw.source_map)
        assert at.in_file, word
        assert lines[at.line - 1][at.column - 1 :].startswith(word), (word, at)


def test_entities_tags_and_wrapped_lines_are_placed_character_by_character() -> None:
    page = (
        "<html><body><article>\n<h1>Talks &amp; trade</h1>\n"
        "<p>He said &quot;no&quot; to <b>the</b>\n   plan, &#8220;twice&#8221;.</p>\n"
        "<ul><li>First item of a list</li></ul>\n<p>A &bogus; reference</p></article></body></html>\n"
    )
    body = 'Talks & trade\nHe said "no" to the plan, “twice”.\n- First item of a list\nA &bogus; reference'
    packed = map_into_page(body, page)
    lines = page.split("\n")

    def at(fragment: str) -> tuple[int, int]:
        p = source_map.position(body, body.index(fragment), source_map=packed)
        assert p.in_file
        return p.line, p.column

    assert at("Talks") == (2, 5) and at("&") == (2, 11) and lines[1][10:15] == "&amp;"
    assert at('"no"') == (3, 12) and lines[2][11:17] == "&quot;"
    assert at("no") == (3, 18) and at("the") == (3, 33)
    assert at("plan") == (4, 4) and at("“") == (4, 10) and at("twice") == (4, 17)
    assert at("- First") == at("First") == (5, 9)
    assert at("bogus") == (6, 7) and at("reference") == (6, 14)  # not a reference: as written


def test_whatever_the_markup_a_placed_character_is_where_it_is_written() -> None:
    """Random pages of tags, references (some bogus), comments and scripts, and texts made
    of their words: every character placed in the page is that character, or the '&' of
    the reference that writes it."""
    import random

    pieces = ["<p>", "</p>", "<b>", "</b>", "&amp;", "&quot;", "&#8220;", "&nbsp;", "\n", "  ", "word", "Alpha",
              "<br>", "<script>x</script>", "<title>T</title>", "<li>", "&bogus;", "&#xZZ;", "<!-- c -->", "<", ">",
              "&", "é", "中", "&#x41;"]
    chance = random.Random(5)
    for _ in range(500):
        page = "".join(chance.choice(pieces) for _ in range(chance.randint(0, 60)))
        words = page.replace("<", " <").split()
        body = "\n".join(" ".join(chance.sample(words, min(len(words), 3))) for _ in range(3)).strip()
        packed = map_into_page(body, page)
        lines = page.split("\n")
        for offset, char in enumerate(body):
            at = source_map.position(body, offset, source_map=packed)
            if not char.isspace() and at.in_file:
                assert lines[at.line - 1][at.column - 1 :].startswith((char, "&")), (page, body, offset)


def test_a_line_that_cannot_be_placed_is_labelled_as_extracted_text() -> None:
    page = "<html><body>\n<p>The first paragraph is in the page.</p>\n</body></html>\n"
    body = "The first paragraph is in the page.\nThis line the extractor made up."
    packed = map_into_page(body, page)
    placed = source_map.position(body, 0, source_map=packed)
    made_up = source_map.position(body, body.index("extractor"), source_map=packed)
    assert placed == source_map.Position(2, 4)
    assert made_up == source_map.Position(2, body.split("\n")[1].index("extractor") + 1, in_file=False)

    first, after = source_map.span(body, body.index("extractor"), body.index("extractor") + 9, source_map=packed)
    e = Evidence("Wire", "news/page.html", "s", 0, 9, "extractor", line=first.line, column=first.column,
                 end_line=after.line, end_column=after.column, line_in=source_map.EXTRACTED)
    assert where(e) == "news/page.html (extracted text) line 2"
    assert source_span(e).line is None and source_span(e).extracted_line == 2
    finding = Finding("CK101", "name-variant", Severity.WARNING, "m", "s", None, (e,), "0" * 20)
    assert diff_where(finding_to_dict(finding)) == "news/page.html (extracted text) line 2"
    result = checker.CheckResult(articles=(), sentences=(), stories=(), claims=(), findings=(finding,))
    command = github.render(result)
    assert "file=news/page.html,title=" in command and ",line=" not in command
    assert "(news/page.html (extracted text) line 2)" in command
    location = json.loads(sarif.render(result))["runs"][0]["results"][0]["locations"][0]
    assert "region" not in location["physicalLocation"]
    assert location["message"]["text"].endswith("(news/page.html (extracted text) line 2)")


def test_describe_reads_old_json_without_line_in() -> None:
    assert describe("a.jsonl#4", 7) == "a.jsonl:7"
    assert describe("a.txt", None) == "a.txt"
    assert describe("p.html", 3, "extracted text") == "p.html (extracted text) line 3"


# --------------------------------------------------------------------------- manifests

FERRY_TEXT = (FERRY / "harbor-gazette_ferry.txt").read_text(encoding="utf-8").split("---\n", 2)[2]


def test_a_jsonl_row_points_into_its_json_string(tmp_path: Path) -> None:
    rows = [
        {"outlet": "Other", "text": "A first row about something else entirely, written plainly."},
        {"id": 7, "outlet": "Harbor Gazette", "text": "\n" + FERRY_TEXT.replace("\n", "\r\n") + "\t\n"},
    ]
    manifest = tmp_path / "feed.jsonl"
    manifest.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    lines = manifest.read_text(encoding="utf-8").split("\n")
    articles, _ = read_articles([manifest], cwd=tmp_path)
    article = next(a for a in articles if a.outlet == "Harbor Gazette")
    assert article.path == "feed.jsonl#2"
    for fragment in ("Ferry capsizes", "At least 14", "Yoon Suk Yeol", "every ship", "had", "The ferry operator"):
        at = source_map.position(article.text, article.text.index(fragment), source_map=article.source_map)
        assert at.in_file and at.line == 2
        assert lines[1][at.column - 1 :].startswith(fragment.split(" ")[0].replace('"', '\\"')), fragment
    quote = article.text.index('"every')
    at = source_map.position(article.text, quote, source_map=article.source_map)
    assert lines[1][at.column - 1 : at.column + 1] == '\\"'  # the escape, as written


def test_a_csv_field_over_several_lines_points_at_each_line(tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["outlet", "published", "text"])
    writer.writerow(["Harbor Gazette", "2024-03-11", FERRY_TEXT])
    manifest = tmp_path / "feed.csv"
    manifest.write_text(buffer.getvalue(), encoding="utf-8")
    lines = manifest.read_text(encoding="utf-8").split("\n")
    (article,), _ = read_articles([manifest], cwd=tmp_path)
    for fragment in ("Ferry capsizes", "At least 14", "Yoon Suk Yeol", "every ship", "The ferry operator"):
        at = source_map.position(article.text, article.text.index(fragment), source_map=article.source_map)
        assert at.in_file
        assert lines[at.line - 1][at.column - 1 :].startswith(fragment), (fragment, at)
    quote = source_map.position(article.text, article.text.index('"every'), source_map=article.source_map)
    assert lines[quote.line - 1][quote.column - 1 : quote.column + 1] == '""'


def test_a_manifest_finding_is_located_the_same_in_every_format(tmp_path: Path, embedder, cache_path) -> None:
    page = (FERRY / "coastal-wire_ferry.html").read_text(encoding="utf-8")
    rows = [
        {"outlet": "Coastal Wire", "published": "2024-03-11", "text": read_html(page, "p.html", "p.html").text},
        {"outlet": "Harbor Gazette", "published": "2024-03-11", "text": FERRY_TEXT},
    ]
    manifest = tmp_path / "feed.jsonl"
    manifest.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)  # article paths are relative to the working folder
        result = checker.check(["feed.jsonl"], checker.Settings(cache=cache_path, preview=True), embedder=embedder)
    lines = manifest.read_text(encoding="utf-8").split("\n")
    evidence = [e for f in result.findings for e in f.evidence]
    assert evidence
    for e in evidence:
        assert e.line == int(e.path.partition("#")[2])  # a JSONL row is one line
        written = lines[e.line - 1][e.column - 1 :]
        assert written.startswith(json.dumps(e.text)[1:-1]), (e.text, written[:40])
        assert where(e) == f"feed.jsonl:{e.line}"
        assert source_span(e).column == e.column


# --------------------------------------------------------------------------- the map itself


def test_pack_keeps_only_the_anchors_that_say_something() -> None:
    anchors = [(0, 3, 5), (4, 3, 9), (10, 4, 1), (12, 0, 0), (20, 0, 0), (25, 6, 2)]
    assert source_map.unpack(source_map.pack(anchors)) == [(0, 3, 5), (10, 4, 1), (12, 0, 0), (25, 6, 2)]


def test_a_text_file_is_located_by_its_lines_after_the_front_matter() -> None:
    text = "Headline\n\nBody line two."
    assert source_map.position(text, text.index("two"), line_offset=4) == source_map.Position(7, 11)
    first, after = source_map.span(text, 0, len(text), line_offset=4)
    assert (first.line, first.column, after.line, after.column) == (5, 1, 7, 15)


def test_locate_lines_follows_stripped_lines() -> None:
    longer = "  \n Head  \r\n\n  Body text\t\n"
    text = "Head\n\n  Body text"
    pieces = source_map.locate_lines(text, longer)
    assert pieces == [(0, 4, 4), (4, 11, 1), (5, 12, 1), (6, 13, 11)]
    assert source_map.locate_lines("Other", longer) is None
