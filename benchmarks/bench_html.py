"""The HTML report of a 10,000-article run: how long it takes to write, and to open.

Runs ``benchmarks/corpus.py``'s corpus (real sentences) with the preview rules on (the
most findings), renders the HTML report (and the markdown one, for comparison), then
opens the page in headless Chromium via file:// ``--repeat`` times. "Ready" is the
page's own ``report-ready`` mark: from navigation start until the file is read, the JSON
parsed and the summary, filters, top findings and first story headers drawn. Also timed
in the page: a rule filter, opening the biggest story, and building every story's body at
once (what the page would cost if it drew everything at load, as it does not).

Run by hand: ``.venv/bin/python benchmarks/bench_html.py [--articles N] [--repeat 5] [--append]``
(needs chromium and chromium-driver, and selenium); ``--append`` adds the table to RESULTS.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

# In the page: time one action until the DOM it builds is laid out (ms).
_TIME_RULE_FILTER = """
const select = document.getElementById("filter-rule");
const start = performance.now();
select.value = String(arguments[0]);
select.dispatchEvent(new Event("change"));
document.body.offsetHeight;
return performance.now() - start;
"""
_TIME_OPEN_STORY = """
const [index, done] = arguments;
const section = document.getElementById("story-" + index);
const start = performance.now();
section.addEventListener("toggle", () => { document.body.offsetHeight; done(performance.now() - start); }, { once: true });
section.open = true;
"""
_TIME_EVERY_STORY = """
const done = arguments[0];
const more = document.getElementById("stories-more");
const start = performance.now();
while (!more.hidden) more.click();
const sections = [...document.querySelectorAll("details.story")];
let left = sections.length;
for (const s of sections) {
  s.addEventListener("toggle", () => { if (--left === 0) { document.body.offsetHeight; done([sections.length, performance.now() - start]); } }, { once: true });
  s.open = true;
}
"""


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"):
        options.add_argument(arg)
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))


def _load(browser, page: Path) -> dict:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get("about:blank")
    browser.get(page.as_uri())
    WebDriverWait(browser, 300).until(lambda b: b.execute_script("return document.documentElement.dataset.ready === '1'"))
    return browser.execute_script(
        "const n = performance.getEntriesByType('navigation')[0];"
        "return {ready: performance.getEntriesByName('report-ready')[0].startTime, read: n.responseEnd,"
        " loaded: n.loadEventEnd, heap: performance.memory.usedJSHeapSize};"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--append", action="store_true", help="append the table to RESULTS.md")
    args = parser.parse_args()

    from _results import append_results
    from corpus import build

    import checker
    from checker.embed import make_embedder
    from checker.report import render

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus, _ = build(folder / "corpus", args.articles)
        settings = checker.Settings(cache=folder / "cache.sqlite", backend=args.backend, workers=2, preview=True)
        result = checker.check([corpus], settings, embedder=make_embedder("all-MiniLM-L6-v2", args.backend))
        start = time.perf_counter()
        html = render(result, "html")
        html_seconds = time.perf_counter() - start
        start = time.perf_counter()
        markdown = render(result, "markdown")
        markdown_seconds = time.perf_counter() - start
        page = folder / "report.html"
        page.write_text(html, encoding="utf-8")

        browser = _browser()
        try:
            loads = [_load(browser, page) for _ in range(args.repeat)]
            rules = Counter((f.rule, f.name) for f in result.findings)
            commonest = sorted(rules).index(max(sorted(rules), key=rules.get))  # the page lists rules sorted
            rule_ms = browser.execute_script(_TIME_RULE_FILTER, commonest)
            _load(browser, page)
            shown = range(min(len(result.stories), 100))  # the first page of story headers
            biggest = max(shown, key=lambda i: sum(c.story == result.stories[i].id for c in result.claims))
            story_ms = browser.execute_async_script(_TIME_OPEN_STORY, biggest)
            _load(browser, page)
            browser.set_script_timeout(600)
            every, every_ms = browser.execute_async_script(_TIME_EVERY_STORY)
        finally:
            browser.quit()

    ready = [run["ready"] for run in loads]
    rows = [
        ("articles / stories / shared claims / findings (preview rules on)",
         f"{len(result.articles)} / {len(result.stories)} / {len(result.claims)} / {len(result.findings)}"),
        ("HTML report: rendering (s) / size (MB)", f"{html_seconds:.2f} / {len(html.encode()) / 1e6:.1f}"),
        ("markdown report of the same run: rendering (s) / size (MB)", f"{markdown_seconds:.2f} / {len(markdown.encode()) / 1e6:.1f}"),
        (f"open in headless Chromium, file://, to the page's ready mark (ms; median of {args.repeat}, range)",
         f"{statistics.median(ready):.0f} ({min(ready):.0f}-{max(ready):.0f})"),
        ("  the file read / the load event over (ms, median)",
         f"{statistics.median(r['read'] for r in loads):.0f} / {statistics.median(r['loaded'] for r in loads):.0f}"),
        ("JS heap after load (MB)", f"{loads[-1]['heap'] / 1e6:.0f}"),
        ("a rule filter over every finding and story (ms)", f"{rule_ms:.0f}"),
        ("open one story, its body built then (ms)", f"{story_ms:.0f}"),
        (f"every story's body built at once, as an eager page would at load ({every} stories, ms)", f"{every_ms:.0f}"),
    ]
    chromium = browser.capabilities.get("browserVersion", "?")
    command = f"`python benchmarks/bench_html.py --articles {args.articles} --repeat {args.repeat}`, Chromium {chromium}"
    if args.append:
        append_results("HTML report", rows, note=command)
    else:
        print("\n".join(f"| {k} | {v} |" for k, v in rows))


if __name__ == "__main__":
    main()
