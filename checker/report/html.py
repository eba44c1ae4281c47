"""One self-contained HTML page: the report a reviewer opens in a browser, offline.

Nothing is fetched: the CSS and the script are inline, and a Content-Security-Policy
names their sha256 hashes, so nothing else can run or load, not even markup an article
smuggles in. The run travels as JSON in a ``<script type="application/json">`` block,
escaped so that article text cannot close it, and the script builds every node that
holds article text with ``textContent``. The summary (counts, a bar chart of findings by
rule) is static HTML; the top findings, the filters and the stories are built from the
JSON in the browser, a story's body only when it is opened, so that a report of ten
thousand articles opens fast. Ranking is the markdown report's ``top_findings``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from functools import cache
from html import escape
from importlib import resources

from ..models import CheckResult, Evidence, Finding, Severity
from ..plural import counted
from .context import NO_CONTEXT, ReportContext, timestamp
from .locations import where
from .markdown import TOP_FINDINGS, _column_names, top_findings

TITLE = "Claim consistency report"
STORY_PAGE = 100  # story headers built at a time; more as the reader scrolls down
_SEVERITIES = tuple(s.value for s in Severity)  # error, warning, info: the order shown


@cache
def _asset(name: str) -> str:
    """The page's CSS or script, shipped next to this module (package data)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _sha256(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(style: str, script: str) -> str:
    """Only the page's own style and script blocks, by hash; no fetch, frame, form or base."""
    return (
        f"default-src 'none'; style-src {_sha256(style)}; script-src {_sha256(script)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def embed_json(data: object) -> str:
    """JSON that cannot end its ``<script>`` block: no ``<``, ``>`` or ``&`` survives
    (``</script>`` and ``<!--`` in article text become ``\\u003c/script>``...), and
    ``JSON.parse`` reads the text back unchanged."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sentence_parts(e: Evidence) -> list[str]:
    """The sentence as [before, span, after], so the browser highlights the span without
    offsets (Python counts code points, JavaScript UTF-16 units)."""
    n = len(e.sentence)
    start = max(0, min(e.start - e.sentence_start, n))
    end = max(start, min(e.end - e.sentence_start, n))
    return [e.sentence[:start], e.sentence[start:end], e.sentence[end:]]


def _rules(findings: tuple[Finding, ...]) -> list[tuple[str, str]]:
    return sorted({(f.rule, f.name) for f in findings})


def report_data(result: CheckResult) -> dict:
    """The run as the page's script reads it: lists that refer to each other by index.

    ``findings`` are in report order, ``ranking`` lists them best first (the markdown
    report's ``top_findings`` over all of them); each story lists its articles, column
    names, shared claims, single-outlet sentences and findings.
    """
    outlets = sorted({a.outlet for a in result.articles} | {e.outlet for f in result.findings for e in f.evidence})
    outlet_index = {o: i for i, o in enumerate(outlets)}
    article_index = {a.id: i for i, a in enumerate(result.articles)}
    story_index = {s.id: i for i, s in enumerate(result.stories)}
    claim_index = {c.id: i for i, c in enumerate(result.claims)}
    rules = _rules(result.findings)
    rule_index = {r: i for i, r in enumerate(rules)}
    singles = result.single_outlet_sentences

    claims_of: dict[str, list[int]] = {}
    for i, c in enumerate(result.claims):
        claims_of.setdefault(c.story, []).append(i)
    findings_of: dict[str, list[int]] = {}
    for i, f in enumerate(result.findings):
        findings_of.setdefault(f.story, []).append(i)
    position = {id(f): i for i, f in enumerate(result.findings)}

    def story_data(s) -> dict:
        columns = _column_names([result.article(a) for a in s.articles])
        return {
            "id": s.id,
            "reason": s.reason,
            "articles": [article_index[a] for a in s.articles],
            "columns": [columns[a] for a in s.articles],
            "claims": claims_of.get(s.id, []),
            "singles": [[article_index[x.article], x.text] for x in singles.get(s.id, ())],
            "findings": findings_of.get(s.id, []),
        }

    return {
        "outlets": outlets,
        "rules": [{"code": code, "name": name} for code, name in rules],
        "articles": [
            {
                "path": a.path,
                "outlet": outlet_index[a.outlet],
                "published": a.published.isoformat() if a.published else None,
                "title": a.title,
                "inferred": [f"{i.field} = {i.value}, from {i.source}" for i in a.inferred],
            }
            for a in result.articles
        ],
        "stories": [story_data(s) for s in result.stories],
        "claims": [
            {
                "id": c.id.rsplit("/", 1)[-1],
                "similarity": round(c.similarity, 2),
                "sentences": [[article_index[x.article], x.text] for x in c.sentences],
            }
            for c in result.claims
        ],
        "findings": [
            {
                "severity": f.severity.value,
                "rule": rule_index[f.rule, f.name],
                "message": f.message,
                "story": story_index[f.story],
                "claim": claim_index.get(f.claim) if f.claim else None,
                "confidence": round(f.confidence, 2),
                "fingerprint": f.fingerprint,
                "evidence": [
                    {"outlet": outlet_index[e.outlet], "sentence": _sentence_parts(e), "where": where(e)}
                    for e in f.evidence
                ],
            }
            for f in result.findings
        ],
        "ranking": [position[id(f)] for f in top_findings(result.findings, limit=len(result.findings))],
        "top": TOP_FINDINGS,
        "story_page": STORY_PAGE,
    }


_count = counted


# Bar chart geometry (px): rule labels on the left, bars stacked by severity, the count after.
_LABEL_WIDTH, _BAR_WIDTH, _ROW, _PAD = 210, 250, 22, 4


def rule_chart_svg(findings: tuple[Finding, ...]) -> str:
    """Findings by rule as an inline SVG bar chart, each bar stacked error/warning/info.

    A bar carries its rule's index in ``data-rule``: clicking it filters by that rule.
    """
    rules = _rules(findings)
    if not rules:
        return ""
    counts = Counter((f.rule, f.name, f.severity.value) for f in findings)
    totals = Counter((f.rule, f.name) for f in findings)
    most = max(totals.values())
    height = len(rules) * _ROW + _PAD
    label = "; ".join(f"{code} {name}: {totals[code, name]}" for code, name in rules)
    width = _LABEL_WIDTH + _BAR_WIDTH + 60
    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img" aria-label="{escape(label)}">']
    for row, (code, name) in enumerate(rules):
        y = _PAD + row * _ROW
        parts.append(f'<g class="chart-row" data-rule="{row}"><title>{escape(f"{code} {name}: {totals[code, name]}")}</title>')
        parts.append(f'<text x="{_LABEL_WIDTH - 8}" y="{y + 13}" text-anchor="end">{escape(f"{code} {name}")}</text>')
        x = float(_LABEL_WIDTH)
        for severity in _SEVERITIES:
            n = counts[code, name, severity]
            if n:
                bar = round(_BAR_WIDTH * n / most, 1)
                parts.append(f'<rect class="bar-{severity}" x="{x:g}" y="{y}" width="{bar:g}" height="{_ROW - 8}"/>')
                x += bar
        parts.append(f'<text x="{x + 6:g}" y="{y + 13}">{totals[code, name]}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _summary_html(result: CheckResult, ctx: ReportContext) -> str:
    """The static part: what was read, what was found, what the baseline accepted."""
    outlets = {a.outlet for a in result.articles}
    severities = Counter(f.severity.value for f in result.findings)
    stats = [
        (len(result.articles), "article", "articles"),
        (len(outlets), "outlet", "outlets"),
        (len(result.stories), "story", "stories"),
        (len(result.claims), "shared claim", "shared claims"),
        (len(result.findings), "finding", "findings"),
    ]
    tiles = "".join(f'<div class="stat"><strong>{n}</strong> {one if n == 1 else many}</div>' for n, one, many in stats)
    by_severity = ", ".join(
        f'<span class="sev sev-{s}">{severities[s]} {s}</span>' for s in _SEVERITIES if severities[s]
    )
    facts = [f'<div class="stats">{tiles}</div>']
    if by_severity:
        facts.append(f"<p>Findings by severity: {by_severity}.</p>")
    if ctx.fail_on is not None:
        failing = len(ctx.failing(result.findings))
        verdict = f"{_count(failing, 'finding')} at or above {ctx.fail_on.value}: failed" if failing else f"no finding at or above {ctx.fail_on.value}: passed"
        facts.append(f'<p class="verdict">Check: {escape(verdict)}.</p>')
    if ctx.baseline is not None:
        stale = f"; {ctx.stale} baseline {'entry is' if ctx.stale == 1 else 'entries are'} no longer found" if ctx.stale else ""
        facts.append(f"<p>{len(ctx.baselined)} baselined (accepted in <code>{escape(ctx.baseline)}</code>, not shown){stale}.</p>")
    facts.append(f"<p>Model <code>{escape(result.model)}</code>.</p>")
    if result.notes:
        notes = "".join(f"<li>{escape(n)}</li>" for n in result.notes)
        facts.append(f'<details class="notes"><summary>{_count(len(result.notes), "note")} about the run</summary><ul>{notes}</ul></details>')
    chart = rule_chart_svg(result.findings)
    figure = f"<figure><figcaption>Findings by rule (click a bar to filter)</figcaption>{chart}</figure>" if chart else ""
    return (
        '<section id="summary" aria-labelledby="summary-title"><h2 id="summary-title">Summary</h2>\n'
        f'<div class="overview"><div class="facts">{"".join(facts)}</div>{figure}</div>\n</section>'
    )


_FILTERS = """<section id="filters" aria-label="Filters">
<fieldset><legend>Severity</legend>{severities}</fieldset>
<label>Rule <select id="filter-rule"><option value="-1">all rules</option></select></label>
<label>Outlet <select id="filter-outlet"><option value="-1">all outlets</option></select></label>
<label>Story <select id="filter-story"><option value="-1">all stories</option></select></label>
<button type="button" id="filter-clear">Clear filters</button>
<p id="filter-status" role="status"></p>
</section>"""

_BODY = """<section id="top" aria-labelledby="top-title"><h2 id="top-title">Top findings</h2>
<ol id="top-list" class="findings"></ol>
<button type="button" id="top-more" hidden></button></section>
<section id="stories" aria-labelledby="stories-title"><h2 id="stories-title">Stories</h2>
<div id="story-list"></div>
<button type="button" id="stories-more" hidden></button></section>
<noscript><p>The findings and stories are drawn by the page's script; the summary above needs none.</p></noscript>"""


def render(result: CheckResult, ctx: ReportContext = NO_CONTEXT) -> str:
    """The whole page as one string: static summary, empty lists the script fills, the data."""
    style, script = _asset("html_report.css"), _asset("html_report.js")
    severities = "".join(
        f'<label><input type="checkbox" class="filter-severity" value="{s}" checked> {s}</label>' for s in _SEVERITIES
    )
    generated = f"<p>Generated {timestamp(ctx.generated_at)}.</p>" if ctx.generated_at else ""
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(style, script)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{TITLE}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{TITLE}</h1>{generated}</header>",
        "<main>",
        _summary_html(result, ctx),
        _FILTERS.format(severities=severities),
        _BODY,
        "</main>",
        f'<script type="application/json" id="report-data">{embed_json(report_data(result))}</script>',
        f"<script>{script}</script>",
        "</body>",
        "</html>",
        "",
    ])
