"""Markdown for people: the full report, and the short summary a CI run shows.

``render`` is the report a person reviews: the summary first (counts, and the stories with
the most findings, linked), then the inputs, then each story: findings under their claims,
a coverage matrix, every shared claim side by side, and the claims only one outlet makes.
``render_summary`` is what ``checker check`` prints and appends to a GitHub job summary:
the verdict, the findings that count (one table row each) and what the baseline accepted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..models import Article, CheckResult, Claim, Finding, Severity, Story
from ..plural import counted
from .context import NO_CONTEXT, ReportContext, timestamp
from .escape import escape_md, highlight
from .locations import where

_SEVERITY_MARK = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}
EXCERPT = 90


def _excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_count = counted


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _column_names(articles: list[Article]) -> dict[str, str]:
    """One column per article, named by outlet (and file when an outlet has several)."""
    counts = Counter(a.outlet for a in articles)
    return {a.id: a.outlet if counts[a.outlet] == 1 else f"{a.outlet} ({a.path.rsplit('/', 1)[-1]})" for a in articles}


def _inputs(result: CheckResult) -> list[str]:
    story_of = {a: st.id for st in result.stories for a in st.articles}
    rows = []
    for a in result.articles:
        guessed = {i.field: i for i in a.inferred}
        outlet = escape_md(a.outlet) + (" (inferred)" if "outlet" in guessed else "")
        published = a.published.isoformat() if a.published else "unknown"
        if "published" in guessed:
            published += " (inferred)"
        rows.append([f"`{a.path}`" if "`" not in a.path else escape_md(a.path), outlet, published, story_of.get(a.id, "-")])
    lines = ["## Inputs", ""]
    outlets = sorted({a.outlet for a in result.articles})
    lines.append(
        f"{_count(len(result.articles), 'article')} from {_count(len(outlets), 'outlet')} ({escape_md(', '.join(outlets))}), "
        f"{_count(len(result.stories), 'story')}; model `{result.model}`."
    )
    lines.append("")
    lines.extend(_table(["article", "outlet", "published", "story"], rows))
    inferred = [(a, i) for a in result.articles for i in a.inferred]
    if inferred:
        lines += ["", "Inferred metadata (not given in the file):", ""]
        lines += [f"- `{a.path}`: {i.field} = {escape_md(i.value)}, from {escape_md(i.source)}" for a, i in inferred]
    if result.notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {escape_md(n)}" for n in result.notes]
    return lines


def _counts(findings: Iterable[Finding]) -> str:
    """Counts by severity, e.g. "24 findings: 1 error, 4 warning, 19 info."."""
    findings = list(findings)
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {_SEVERITY_MARK[s]}" for s in Severity if counts[s]]
    return _count(len(findings), "finding") + (f": {', '.join(parts)}." if parts else ".")


def _baseline_line(ctx: ReportContext) -> str | None:
    if ctx.baseline is None:
        return None
    line = f"{len(ctx.baselined)} baselined (accepted in {escape_md(ctx.baseline)}, not shown)"
    if ctx.stale:
        line += f"; {ctx.stale} baseline {'entry is' if ctx.stale == 1 else 'entries are'} no longer found (refresh it with `checker baseline`)"
    return line + "."


#: Stories listed in the summary; a run of thousands of articles has thousands of stories.
STORY_INDEX_ROWS = 20


def _summary(result: CheckResult, ctx: ReportContext) -> list[str]:
    by_rule = Counter((f.rule, f.name) for f in result.findings)
    lines = ["## Summary", ""]
    lines.append(_counts(result.findings))
    baseline = _baseline_line(ctx)
    if baseline:
        lines += ["", baseline]
    if by_rule:
        lines.append("")
        lines.extend(_table(["rule", "findings"], ([f"{code} {name}", str(n)] for (code, name), n in sorted(by_rule.items()))))
    return lines + _top_findings(result) + _story_index(result)


TOP_FINDINGS = 10


def top_findings(findings: Iterable[Finding], limit: int = TOP_FINDINGS) -> list[Finding]:
    """The findings a reviewer should read first: errors first, then by confidence."""
    return sorted(findings, key=lambda f: (f.severity.rank, -f.confidence, f.story, f.rule, f.fingerprint))[:limit]


def _top_findings(result: CheckResult) -> list[str]:
    """At most ``TOP_FINDINGS`` differences of the whole run, each linked to its story's
    section. A difference found in several stories (one name spelled two ways all year)
    is listed once, with the number of other stories that have it."""
    stories = _stories_of_difference(result.findings)
    top: list[Finding] = []
    shown: set[tuple[str, str]] = set()
    for f in top_findings(result.findings, limit=len(result.findings)):
        if len(top) == TOP_FINDINGS:
            break
        if f.key and _difference(f) in shown:
            continue
        shown.add(_difference(f))
        top.append(f)
    if not top:
        return []
    lines = ["", "Top findings:", ""]
    for n, f in enumerate(top, 1):
        story = f"[{escape_md(f.story)}](#{_anchor('Story ' + f.story)})"
        others = len(stories[_difference(f)]) - 1 if f.key else 0
        also = f" (also in {counted(others, 'other story')})" if others else ""
        lines.append(
            f"{n}. **{f.severity.value}** {f.rule} {f.name} ({f.confidence:.2f}), {story}: {escape_md(f.message)}{also}"
        )
    return lines + _recurring(stories)


#: Differences found in the most stories, listed in the summary.
RECURRING_ROWS = 10


def _difference(finding: Finding) -> tuple[str, str]:
    return finding.rule, finding.key


def _stories_of_difference(findings: Iterable[Finding]) -> dict[tuple[str, str], set[str]]:
    stories: dict[tuple[str, str], set[str]] = {}
    for f in findings:
        if f.key:
            stories.setdefault(_difference(f), set()).add(f.story)
    return stories


def _recurring(stories: dict[tuple[str, str], set[str]]) -> list[str]:
    """The differences found in more than one story: a house style or a habit, worth one
    decision rather than one per story."""
    several = sorted(((len(s), rule, key) for (rule, key), s in stories.items() if len(s) > 1), key=lambda r: (-r[0], r[1], r[2]))
    if not several:
        return []
    lines = ["", f"Found in several stories ({len(several)}; the {min(len(several), RECURRING_ROWS)} most frequent):", ""]
    rows = ([rule, escape_md(key), str(n)] for n, rule, key in several[:RECURRING_ROWS])
    return lines + _table(["rule", "difference", "stories"], rows)


def _story_index(result: CheckResult) -> list[str]:
    """The stories with the most findings (errors first), linked to their sections."""
    counts: dict[str, Counter[Severity]] = {}
    for f in result.findings:
        counts.setdefault(f.story, Counter())[f.severity] += 1
    if not counts:
        return []
    ranked = sorted(counts, key=lambda st: (*(-counts[st][s] for s in Severity), -sum(counts[st].values()), st))
    stories = {st.id: st for st in result.stories}
    rows = []
    for story_id in ranked[:STORY_INDEX_ROWS]:
        members = stories[story_id].articles
        rows.append([
            f"[{escape_md(story_id)}](#{_anchor('Story ' + story_id)})",
            str(len(members)),
            escape_md(", ".join(sorted({result.article(a).outlet for a in members}))),
            *(str(counts[story_id][s]) for s in Severity),
        ])
    title = "Stories with the most findings" if len(ranked) > STORY_INDEX_ROWS else "Stories with findings"
    lines = ["", f"{title}:", ""]
    lines += _table(["story", "articles", "outlets", *(_SEVERITY_MARK[s] for s in Severity)], rows)
    if len(ranked) > STORY_INDEX_ROWS:
        more = len(ranked) - STORY_INDEX_ROWS
        lines += ["", f"{more} more {'story' if more == 1 else 'stories'} with findings; every story follows, in story order."]
    return lines


def _anchor(heading: str) -> str:
    """The link target GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def _finding(f: Finding) -> list[str]:
    lines = [
        f"- **{f.severity.value}** {f.rule} {f.name}: {escape_md(f.message)} "
        f"(confidence {f.confidence:.2f}, `{f.fingerprint}`)",
        "",
    ]
    rows = [
        [escape_md(e.outlet), highlight(e.sentence, e.start - e.sentence_start, e.end - e.sentence_start), escape_md(where(e))]
        for e in f.evidence
    ]
    lines += ["  " + line for line in _table(["outlet", "wording", "where"], rows)]
    lines.append("")
    return lines


def _coverage(story: Story, claims: list[Claim], columns: dict[str, str]) -> list[str]:
    rows = []
    for claim in claims:
        stated = set(claim.articles)
        marks = ["x" if a in stated else " " for a in story.articles]
        rows.append([claim.id.rsplit("/", 1)[-1], *marks, escape_md(_excerpt(claim.sentences[0].text, 60))])
    return _table(["claim", *(escape_md(columns[a]) for a in story.articles), "claim (first wording)"], rows)


def _story(result: CheckResult, story: Story, singles, claims: list[Claim], findings: list[Finding]) -> list[str]:
    articles = [result.article(a) for a in story.articles]
    columns = _column_names(articles)
    lines = [f"## Story {story.id}", ""]
    alone = "" if len({a.outlet for a in articles}) > 1 else " One outlet only: nothing to compare."
    lines.append(
        f"{_count(len(articles), 'article')} ({escape_md(', '.join(columns[a] for a in story.articles))}); "
        f"grouped because {escape_md(story.reason)}.{alone}"
    )
    lines.append(
        f"{_count(len(claims), 'shared claim')}, {_count(len(singles), 'single-outlet claim')}, "
        f"{_count(len(findings), 'finding')}."
    )
    lines.append("")
    by_claim: dict[str, list[Finding]] = {}
    for f in findings:
        by_claim.setdefault(f.claim or "", []).append(f)
    story_level = by_claim.get("", [])
    if story_level:
        lines += ["### Story-wide findings", ""]
        for f in story_level:
            lines += _finding(f)
    if claims:
        lines += ["### Coverage", ""] + _coverage(story, claims, columns) + [""]
        lines += ["### Shared claims", ""]
        for claim in claims:
            short = claim.id.rsplit("/", 1)[-1]
            lines.append(f"#### {short} (similarity {claim.similarity:.2f})")
            lines.append("")
            lines += _table(["outlet", "wording"], ([escape_md(columns[s.article]), escape_md(s.text)] for s in claim.sentences))
            lines.append("")
            for f in by_claim.get(claim.id, ()):
                lines += _finding(f)
    if singles:
        lines += ["### Single-outlet claims", ""]
        lines += _table(["outlet", "claim"], ([escape_md(columns[s.article]), escape_md(s.text)] for s in singles))
        lines.append("")
    return lines


def _recurrences(result: CheckResult) -> list[str]:
    """One row per background claim: its wording (and how many others), where it recurs."""
    if not result.recurrences:
        return []
    lines = ["## Background claims recurring across stories", ""]
    rows = []
    for r in result.recurrences:
        wordings = len({s.text for s in r.sentences})
        claim = escape_md(_excerpt(r.sentences[0].text)) + (f" ({_count(wordings - 1, 'other wording')})" if wordings > 1 else "")
        outlets = sorted({result.article(s.article).outlet for s in r.sentences})
        rows.append([claim, f"{len(r.stories)}: {escape_md(', '.join(r.stories))}", escape_md(", ".join(outlets))])
    return lines + _table(["claim", "stories", "outlets"], rows) + [""]


def render(result: CheckResult, ctx: ReportContext = NO_CONTEXT) -> str:
    singles = result.single_outlet_sentences
    lines = ["# Claim consistency report", ""]
    if ctx.generated_at:
        lines += [f"Generated {timestamp(ctx.generated_at)}.", ""]
    lines += _summary(result, ctx) + [""]
    lines += _inputs(result) + [""]
    claims: dict[str, list[Claim]] = {}
    for c in result.claims:
        claims.setdefault(c.story, []).append(c)
    findings: dict[str, list[Finding]] = {}
    for f in result.findings:
        findings.setdefault(f.story, []).append(f)
    for story in result.stories:
        lines += _story(result, story, singles.get(story.id, ()), claims.get(story.id, []), findings.get(story.id, []))
    lines += _recurrences(result)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


SUMMARY_ROWS = 200  # a job summary holds 1 MiB; the full report has everything


def render_summary(result: CheckResult, ctx: ReportContext = NO_CONTEXT) -> str:
    """The verdict and the findings that count, for a CI log or a GitHub job summary."""
    failing = ctx.failing(result.findings)
    if ctx.fail_on is None:
        title = "checker"
    else:
        title = "checker check: failed" if failing else "checker check: passed"
    lines = [f"## {title}", ""]
    if ctx.generated_at:
        lines += [f"Generated {timestamp(ctx.generated_at)}.", ""]
    if ctx.fail_on is not None:
        level = f"`{ctx.fail_on.value}`"
        lines.append(
            f"{_count(len(failing), 'finding')} at or above {level} (exit 1)."
            if failing
            else f"No finding at or above {level}."
        )
    lines.append(_counts(result.findings))
    baseline = _baseline_line(ctx)
    if baseline:
        lines.append(baseline)
    outlets = sorted({a.outlet for a in result.articles})
    lines += [
        "",
        (
            f"{_count(len(result.articles), 'article')} from {_count(len(outlets), 'outlet')}, "
            f"{_count(len(result.stories), 'story')}, "
            f"{_count(len(result.claims), 'shared claim')}."
        ),
    ]
    if result.findings:
        rows = [
            [
                f.severity.value,
                f"{f.rule} {escape_md(f.name)}",
                escape_md(f.message),
                "<br>".join(escape_md(where(e)) for e in f.evidence),
                f"`{f.fingerprint}`",
            ]
            for f in result.findings[:SUMMARY_ROWS]
        ]
        lines += [""] + _table(["severity", "rule", "finding", "where", "fingerprint"], rows)
        if len(result.findings) > SUMMARY_ROWS:
            more = len(result.findings) - SUMMARY_ROWS
            lines += ["", f"{_count(more, 'more finding')} {'is' if more == 1 else 'are'} in the full report (`checker report`)."]
    if result.notes:
        lines += ["", "Notes:", ""] + [f"- {escape_md(n)}" for n in result.notes]
    return "\n".join(lines) + "\n"
