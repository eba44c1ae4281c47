"""The HTML report: one self-contained file, driven in a real browser (headless Chromium).

The seed run and two outlets' hostile articles are rendered to HTML and opened via
file://. The page must open on the top findings, filter by severity, rule, outlet and
story without a server, build a story's body only when it is opened, break no rule of its
own Content-Security-Policy, and show article text as text. Without Chromium and
chromedriver the browser tests skip (``apt-get install chromium chromium-driver``);
``.ci/run`` installs them and sets CHECKER_REQUIRE_BROWSER, which turns the skip into a
failure there.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SEEDS, seed_settings
from typer.testing import CliRunner

import checker
from checker.cli import Format, _default_output, app
from checker.models import Severity
from checker.report import ReportContext, render
from checker.report.locations import where
from checker.report.markdown import top_findings

# --------------------------------------------------------------------------- the file


class _Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _blocks(html: str, tag: str, opening: str = "") -> list[str]:
    """The text of each ``<tag{opening}>...</tag>`` block."""
    return re.findall(rf"<{tag}{re.escape(opening)}>(.*?)</{tag}>", html, re.DOTALL)


def _hash(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"


def _data_block(html: str) -> str:
    return re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.DOTALL).group(1)


def test_html_is_one_self_contained_file_with_a_strict_csp(seed_result) -> None:
    html = render(seed_result, "html")
    tags = _tags(html)
    for tag, attrs in tags:
        assert tag not in ("link", "img", "iframe", "object", "embed", "base", "form"), tag
        for name in ("src", "href", "action", "srcset", "data"):
            assert not re.match(r"\s*(https?:)?//", attrs.get(name) or ""), (tag, attrs)
    policy = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    styles, scripts = _blocks(html, "style"), _blocks(html, "script")
    assert len(styles) == 1 and len(scripts) == 1 and len(_blocks(html, "script", ' type="application/json" id="report-data"')) == 1
    assert policy == (
        f"default-src 'none'; style-src {_hash(styles[0])}; script-src {_hash(scripts[0])}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    assert "http://" not in scripts[0] + styles[0] and "https://" not in scripts[0] + styles[0]


def test_html_carries_the_markdown_reports_ranking_and_every_finding(seed_result) -> None:
    data = json.loads(_data_block(render(seed_result, "html")))
    assert len(data["findings"]) == len(seed_result.findings) and len(data["stories"]) == len(seed_result.stories)
    ranked = [seed_result.findings[i] for i in data["ranking"]]
    assert ranked == top_findings(seed_result.findings, limit=len(seed_result.findings))
    for finding, shown in zip(seed_result.findings, data["findings"]):
        for e, parts in zip(finding.evidence, shown["evidence"]):
            assert "".join(parts["sentence"]) == e.sentence and parts["where"] == where(e)
            assert parts["sentence"][1] == e.sentence[e.start - e.sentence_start : e.end - e.sentence_start]


def test_html_is_byte_identical_across_runs_and_input_orders(seed_result, embedder, cache_path) -> None:
    files = sorted(str(p.relative_to(Path.cwd())) for p in SEEDS.glob("*.txt"))
    shuffled = checker.check(list(reversed(files)), seed_settings(cache=cache_path, preview=True), embedder=embedder)
    html = render(seed_result, "html")
    assert render(shuffled, "html") == html == render(seed_result, "html")
    assert "Generated" not in html
    moment = dt.datetime(2026, 11, 23, 19, 40, 5, tzinfo=dt.UTC)
    assert "<p>Generated 2026-11-23T19:40:05Z.</p>" in render(seed_result, "html", ReportContext(generated_at=moment))


def test_summary_shows_the_review_context(seed_result) -> None:
    accepted = tuple(f for f in seed_result.findings if f.severity is Severity.INFO)
    counted = replace(seed_result, findings=tuple(f for f in seed_result.findings if f not in accepted))
    ctx = ReportContext(baselined=accepted, baseline="checker-baseline.json", stale=2, fail_on=Severity.WARNING)
    summary = render(counted, "html", ctx).split('<section id="filters"', 1)[0]
    failing = sum(f.severity.rank <= Severity.WARNING.rank for f in counted.findings)
    assert f"Check: {failing} finding{'s' if failing != 1 else ''} at or above warning: failed." in summary
    assert f"{len(accepted)} baselined (accepted in <code>checker-baseline.json</code>, not shown); 2 baseline entries are no longer found." in summary


def test_cli_writes_html_with_format_html(tmp_path: Path, cache_path: Path, cli_shares_model) -> None:
    out = tmp_path / "report.html"
    args = ["report", "fixtures/nato-2022", "--config", "fixtures/nato-2022/checker.toml", "--format", "html"]
    result = CliRunner().invoke(app, [*args, "-o", str(out), "--cache", str(cache_path)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert _default_output([Path("fixtures/nato-2022")], Format.html) == str(Path("reports") / "nato-2022.html")


# --------------------------------------------------------------------------- hostile articles

HOSTILE = [
    "<script>window.pwned = 1</script> The mayor <b>said</b> the port will reopen on Tuesday.",
    "<img src=x onerror=\"window.pwned = 2\"> Officials said 1,200 workers walked out.",
    (
        "[click](javascript:window.pwned=3) </script><script>window.pwned = 4</script> Officials said "
        "the labour minister will attend the talks on Friday."
    ),
    "<!-- <svg onload=\"window.pwned = 5\"> The harbour master said cargo is piling up at the docks.",
    "<a href=\"javascript:window.pwned=6\">Visit</a> https://evil.example/x now, said Mayor Olena Kovalenko.",
]


def _hostile_article(outlet: str, variant: dict[str, str]) -> str:
    text = "\n\n".join(HOSTILE)
    for old, new in variant.items():
        text = text.replace(old, new)
    return f"---\noutlet: {json.dumps(outlet)}\npublished: 2024-10-02\ntitle: \"<img src=x onerror=window.pwned=7>\"\n---\n{text}\n"


@pytest.fixture(scope="module")
def hostile_result(tmp_path_factory, embedder, cache_path):
    folder = tmp_path_factory.mktemp("hostile-html")
    (folder / "a.md").write_text(_hostile_article("Outlet <A>", {}))
    (folder / "b.md").write_text(
        _hostile_article("Outlet </script>B", {"1,200": "1,500", "will attend": "will not attend", "Kovalenko": "Kowalenko"})
    )
    return checker.check([str(folder)], checker.Settings(cache=cache_path, preview=True), embedder=embedder)


def test_embedded_json_cannot_end_its_script_block(hostile_result) -> None:
    html = render(hostile_result, "html")
    block = _data_block(html)
    assert "<" not in block and ">" not in block
    texts = [s[1] for c in json.loads(block)["claims"] for s in c["sentences"]]
    assert any("</script><script>window.pwned = 4</script>" in t for t in texts)
    assert any("<img src=x onerror=" in "".join(e["sentence"]) for f in json.loads(block)["findings"] for e in f["evidence"])
    assert html.count("<script") == 2 and html.count("</script>") == 2


# --------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        reason = "headless Chromium not found (apt-get install chromium chromium-driver); .ci/run installs it"
        if os.environ.get("CHECKER_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    session = webdriver.Chrome(options=options, service=Service(driver))
    yield session
    session.quit()


def _write(tmp_path_factory, name: str, html: str) -> Path:
    path = tmp_path_factory.mktemp("html") / name
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seed_page(seed_result, tmp_path_factory) -> Path:
    return _write(tmp_path_factory, "seed.html", render(seed_result, "html"))


def _open(browser, path: Path):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(path.as_uri())
    WebDriverWait(browser, 30).until(lambda b: b.execute_script("return document.documentElement.dataset.ready === '1'"))
    return browser


def _built(browser, section, selector: str):
    """The element the story's toggle event builds (the event fires after the click returns)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, 10).until(lambda _: section.find_elements("css selector", selector))[0]


def _console_errors(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def _select(browser, key: str, text: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", f"filter-{key}")).select_by_visible_text(text)


def _top_cards(browser):
    return browser.find_elements("css selector", "#top-list .finding")


def _listed_stories(browser) -> list[str]:
    return [e.text for e in browser.find_elements("css selector", "#story-list details.story > summary .story-id")]


def test_page_opens_on_the_top_findings_and_builds_no_story_yet(browser, seed_page, seed_result) -> None:
    _open(browser, seed_page)
    assert [h.text for h in browser.find_elements("css selector", "main h2")] == ["Summary", "Top findings", "Stories"]
    cards = _top_cards(browser)
    top = top_findings(seed_result.findings)
    assert [c.get_attribute("data-finding") for c in cards] == [str(seed_result.findings.index(f)) for f in top]
    assert all(c.is_displayed() for c in cards)
    assert _listed_stories(browser) == [s.id for s in seed_result.stories]
    assert browser.find_elements("css selector", ".story-body") == []
    assert browser.find_elements("css selector", "svg.chart .chart-row")
    assert _console_errors(browser) == []


def test_evidence_sits_side_by_side_with_the_span_marked_and_its_location(browser, seed_page, seed_result) -> None:
    _open(browser, seed_page)
    best = top_findings(seed_result.findings)[0]
    card = _top_cards(browser)[0]
    wordings = card.find_elements("css selector", ".evidence .wording")
    assert [w.find_element("css selector", ".outlet").text for w in wordings] == [e.outlet for e in best.evidence]
    assert [w.find_element("css selector", "mark").text for w in wordings] == [e.text.strip() for e in best.evidence]
    assert [w.find_element("css selector", ".where").text for w in wordings] == [where(e) for e in best.evidence]
    if len(wordings) > 1:  # side by side: one row, several columns
        assert wordings[0].location["y"] == wordings[1].location["y"] and wordings[0].location["x"] < wordings[1].location["x"]


def test_picking_one_rule_hides_the_other_rules_findings_and_stories(browser, seed_page, seed_result) -> None:
    _open(browser, seed_page)
    rules = sorted({(f.rule, f.name) for f in seed_result.findings})
    code, name = min(rules, key=lambda r: sum(f.rule == r[0] for f in seed_result.findings))
    count = sum(f.rule == code for f in seed_result.findings)
    _select(browser, "rule", f"{code} {name} ({count})")
    assert [c.get_attribute("data-rule") for c in _top_cards(browser)] == [code] * min(count, 10)
    assert _listed_stories(browser) == [s.id for s in seed_result.stories if any(f.rule == code and f.story == s.id for f in seed_result.findings)]
    browser.find_element("id", "filter-clear").click()
    assert len(_top_cards(browser)) == min(len(seed_result.findings), 10)
    assert _console_errors(browser) == []


def test_clicking_a_bar_of_the_chart_filters_by_its_rule(browser, seed_page, seed_result) -> None:
    _open(browser, seed_page)
    rules = sorted({(f.rule, f.name) for f in seed_result.findings})
    browser.find_elements("css selector", "svg.chart .chart-row rect")[-1].click()
    code = rules[-1][0]
    assert browser.find_element("id", "filter-rule").get_attribute("value") == str(len(rules) - 1)
    assert {c.get_attribute("data-rule") for c in _top_cards(browser)} == {code}


def test_severity_boxes_hide_the_unticked_severities(browser, seed_page, seed_result) -> None:
    _open(browser, seed_page)
    for box in browser.find_elements("css selector", ".filter-severity"):
        if box.get_attribute("value") != "error":
            box.click()
    errors = [f for f in seed_result.findings if f.severity is Severity.ERROR]
    assert errors and len(_top_cards(browser)) == min(len(errors), 10)
    assert {c.find_element("css selector", ".badge").text for c in _top_cards(browser)} == {"error"}
    assert _listed_stories(browser) == sorted({f.story for f in errors}, key=[s.id for s in seed_result.stories].index)


def test_outlet_filter_keeps_that_outlets_findings_and_stories(browser, seed_page, seed_result) -> None:
    _open(browser, seed_page)
    outlets = sorted({e.outlet for f in seed_result.findings for e in f.evidence})
    outlet = min(outlets, key=lambda o: sum(any(e.outlet == o for e in f.evidence) for f in seed_result.findings))
    _select(browser, "outlet", outlet)
    expected = [f for f in top_findings(seed_result.findings, limit=len(seed_result.findings)) if any(e.outlet == outlet for e in f.evidence)]
    assert len(expected) < len(seed_result.findings)
    cards = _top_cards(browser)
    assert [c.get_attribute("data-finding") for c in cards] == [str(seed_result.findings.index(f)) for f in expected[:10]]
    assert all(outlet in [o.text for o in c.find_elements("css selector", ".outlet")] for c in cards)
    with_outlet = [s.id for s in seed_result.stories if any(seed_result.article(a).outlet == outlet for a in s.articles)]
    assert _listed_stories(browser) == with_outlet


def test_story_filter_lists_one_story_and_its_findings(browser, seed_page, seed_result) -> None:
    _open(browser, seed_page)
    story = seed_result.stories[-1].id
    _select(browser, "story", story)
    assert _listed_stories(browser) == [story]
    assert {c.find_element("css selector", ".story-link").text for c in _top_cards(browser)} <= {f"story {story}"}
    assert len(_top_cards(browser)) == min(10, sum(f.story == story for f in seed_result.findings))


def test_a_story_is_built_when_opened_with_its_coverage_matrix(browser, seed_page, seed_result) -> None:
    _open(browser, seed_page)
    story = next(s for s in seed_result.stories if any(c.story == s.id for c in seed_result.claims))
    claims = [c for c in seed_result.claims if c.story == story.id]
    section = browser.find_element("id", f"story-{seed_result.stories.index(story)}")
    assert section.find_elements("css selector", ".story-body") == []
    section.find_element("css selector", "summary").click()
    matrix = _built(browser, section, ".story-body table.coverage")
    header = [th.text for th in matrix.find_elements("css selector", "thead th")]
    assert header[0] == "claim" and len(header) == len(story.articles) + 3
    rows = matrix.find_elements("css selector", "tbody tr")
    assert [r.find_element("css selector", "td").text for r in rows] == [c.id.rsplit("/", 1)[-1] for c in claims]
    for row, claim in zip(rows, claims):
        marks = [td.text for td in row.find_elements("css selector", "td")[1 : 1 + len(story.articles)]]
        assert marks == ["\u2713" if a in claim.articles else "" for a in story.articles]
    shown = section.find_elements("css selector", ".story-body .finding")
    assert len(shown) == sum(f.story == story.id for f in seed_result.findings)
    assert _console_errors(browser) == []


def test_a_story_link_in_the_top_findings_opens_that_story(browser, seed_page, seed_result) -> None:
    _open(browser, seed_page)
    link = _top_cards(browser)[0].find_element("css selector", ".story-link")
    story = top_findings(seed_result.findings)[0].story
    link.click()
    section = browser.find_element("id", f"story-{[s.id for s in seed_result.stories].index(story)}")
    assert section.get_attribute("open") is not None
    assert _built(browser, section, ".story-body table.coverage")


def test_hostile_article_text_shows_as_text_and_runs_nothing(browser, hostile_result, tmp_path_factory) -> None:
    page = _write(tmp_path_factory, "hostile.html", render(hostile_result, "html"))
    _open(browser, page)
    assert len(hostile_result.findings) >= 3
    from selenium.webdriver.support.ui import WebDriverWait

    open_all = "document.querySelectorAll('details').forEach((d) => { d.open = true; })"
    browser.execute_script(open_all)  # every story: built on its toggle event
    WebDriverWait(browser, 10).until(lambda b: len(b.find_elements("css selector", ".story-body")) == len(hostile_result.stories))
    browser.execute_script(open_all)  # and the lists of claims inside them
    counts = browser.execute_script(
        "return ['script', 'img', 'iframe', 'a', 'b', 'object', 'embed', 'svg']"
        ".map((t) => document.getElementsByTagName(t).length)"
    )
    assert counts == [2, 0, 0, 0, 0, 0, 0, 1]  # the page's two scripts and its chart, nothing else
    assert browser.execute_script("return window.pwned") is None
    text = browser.find_element("tag name", "main").text
    assert "</script><script>window.pwned = 4</script>" in text and '<img src=x onerror="window.pwned = 2">' in text
    assert "<img src=x onerror=window.pwned=7>" in text  # the title, in the story's article table
    options = [o.text for o in browser.find_elements("css selector", "#filter-outlet option")]
    assert "Outlet </script>B" in options and "Outlet <A>" in options
    assert _console_errors(browser) == []


def test_the_policy_blocks_a_script_it_does_not_name(browser, seed_result, tmp_path_factory) -> None:
    """The control for the tests above: an injected inline script is refused, and said so."""
    html = render(seed_result, "html").replace("</body>", "<script>window.pwned = 1</script></body>")
    _open(browser, _write(tmp_path_factory, "injected.html", html))
    assert browser.execute_script("return window.pwned") is None
    assert any("Content Security Policy" in e for e in _console_errors(browser))
