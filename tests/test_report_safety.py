"""Hostile article text cannot act on the reader's screen through the markdown report.

Two outlets' articles full of HTML, links, images, table breaks, headings and
@-mentions go through the real pipeline; the report is then rendered the way a CI page
would (CommonMark + GFM tables, markdown-it) and the HTML is checked for anything the
article text smuggled in.
"""

from __future__ import annotations

import json
import re

import pytest
from markdown_it import MarkdownIt

import checker
from checker.report import render
from checker.report.escape import escape_md, highlight

HOSTILE = [
    "<script>alert('x')</script> The mayor <b>said</b> the port will reopen on Tuesday.",
    "![tracker](https://evil.example/p.png) Officials said 1,200 workers walked out.",
    "[click here](javascript:alert(1)) The union leader @everyone said talks had failed.",
    "| fake | table | row | Officials said the labour minister will attend the talks on Friday.",
    "# Injected heading",
    "<img src=x onerror=alert(1)> The harbour master said cargo is piling up.",
    "Visit www.evil.example or https://evil.example/x now, said Mayor Olena Kovalenko.",
]


def _article(outlet: str, variant: dict[str, str]) -> str:
    text = "\n\n".join(HOSTILE)
    for old, new in variant.items():
        text = text.replace(old, new)
    return f"---\noutlet: {outlet}\npublished: 2024-10-02\n---\n{text}\n"


@pytest.fixture(scope="module")
def hostile_result(tmp_path_factory, embedder, cache_path):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "a.md").write_text(_article("Outlet <A>", {}))
    (folder / "b.md").write_text(
        _article("Outlet @B", {"1,200": "1,500", "will attend": "will not attend", "Kovalenko": "Kowalenko"})
    )
    return checker.check([str(folder)], checker.Settings(cache=cache_path, preview=True), embedder=embedder)


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_the_hostile_articles_produce_findings(hostile_result) -> None:
    names = {f.name for f in hostile_result.findings}
    assert {"number-mismatch", "contradiction", "name-variant"} <= names


def test_markdown_report_renders_no_injected_html_links_images_or_headings(hostile_result) -> None:
    report = render(hostile_result)
    html = _html(report)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    # The only links are the summary's, to story headings in the report itself.
    targets = re.findall(r'<a href="([^"]*)">', html)
    assert html.count("<a ") == len(targets) and targets, "no link may come from article text"
    assert all(re.fullmatch(r"#story-[a-z0-9_-]+", t) for t in targets)
    headings = re.findall(r"<h[1-6]>(.*?)</h[1-6]>", html)
    assert all(not h.startswith("Injected") for h in headings)
    assert "@everyone" not in report and "@B" not in report
    assert "https://evil" not in report and "www.evil" not in report


def test_markdown_tables_keep_their_shape(hostile_result) -> None:
    for line in render(hostile_result).splitlines():
        if line.lstrip().startswith("|") and not line.lstrip().startswith("|---"):
            # Every table row has as many cells as its table's header: article pipes are escaped.
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            assert len(cells) in (2, 3, 4, 5, 6), line


def test_json_output_round_trips_hostile_text_exactly(hostile_result) -> None:
    data = json.loads(render(hostile_result, "json"))
    texts = {e["sentence"] for f in data["findings"] for e in f["evidence"]}
    # JSON carries the article's own characters; escaping is the JSON encoder's job.
    assert any(t.startswith("| fake | table | row |") for t in texts)
    for finding in data["findings"]:
        for evidence in finding["evidence"]:
            assert evidence["text"] in evidence["sentence"]


@pytest.mark.parametrize("text", HOSTILE + ["a\nb", "`code` and ``more``", "~~strike~~ *em* _em_ $x$"])
def test_escape_md_keeps_text_inert(text: str) -> None:
    html = _html(f"| c |\n|---|\n| {escape_md(text)} |\n")
    body = html.split("<td>", 1)[1]
    for tag in ("<script", "<img", "<a ", "<em>", "<strong>", "<code>", "<del>", "<h1>", "<b>"):
        assert tag not in body
    assert html.count("<td>") == 1


def test_highlight_bolds_only_the_span() -> None:
    sentence = "Officials said <b>1,200</b> workers walked out."
    html = _html(highlight(sentence, 18, 23))
    assert "<strong>1,200</strong>" in html and "<b>" not in html
