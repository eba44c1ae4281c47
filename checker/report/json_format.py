"""Versioned JSON: the findings (and enough context to review them) for machines.

Schema version 1, documented field by field in ``docs/output.md``. Keys are sorted and
nothing depends on the clock or the machine (unless ``--timestamp`` asks for the time),
so two runs on the same input give byte-identical files. ``load`` reads such a file back
(for ``checker diff``) and refuses anything else with a clear message.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .. import __version__
from ..errors import InputError
from ..models import CheckResult, Severity
from ..serialise import finding_to_dict
from .context import NO_CONTEXT, ReportContext, timestamp

SCHEMA_VERSION = 1


def _summary(result: CheckResult, ctx: ReportContext) -> dict:
    counts = Counter(f.severity for f in result.findings)
    return {
        "findings": len(result.findings),
        "by_severity": {s.value: counts[s] for s in Severity},
        "baselined": len(ctx.baselined),
        "stale_baseline_entries": ctx.stale,
        "fail_on": ctx.fail_on.value if ctx.fail_on else None,
        "failing": len(ctx.failing(result.findings)) if ctx.fail_on else None,
    }


def to_dict(result: CheckResult, ctx: ReportContext = NO_CONTEXT) -> dict:
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "checker", "version": __version__},
        "generated_at": timestamp(ctx.generated_at) if ctx.generated_at else None,
        "model": result.model,
        "baseline": ctx.baseline,
        "summary": _summary(result, ctx),
        "articles": [
            {
                "path": a.path,
                "outlet": a.outlet,
                "published": a.published.isoformat() if a.published else None,
                "title": a.title,
                "inferred": sorted(i.field for i in a.inferred),
            }
            for a in result.articles
        ],
        "stories": [{"id": s.id, "articles": list(s.articles), "reason": s.reason} for s in result.stories],
        "claims": [
            {
                "id": c.id,
                "story": c.story,
                "similarity": c.similarity,
                "sentences": [{"path": s.article, "start": s.start, "end": s.end, "text": s.text} for s in c.sentences],
            }
            for c in result.claims
        ],
        "findings": [finding_to_dict(f) for f in result.findings],
        "baselined": [finding_to_dict(f) for f in ctx.baselined],
        "notes": list(result.notes),
    }


def render(result: CheckResult, ctx: ReportContext = NO_CONTEXT) -> str:
    return json.dumps(to_dict(result, ctx), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load(path: str | Path) -> dict:
    """A JSON report written by ``checker report/check --format json``, checked enough to
    diff: version 1, and every finding (in ``findings`` and ``baselined``) has a fingerprint."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file; write one with `checker check PATHS... --format json -o {shown}`") from None
    except IsADirectoryError:
        raise InputError(f"{shown}: is a folder; give a JSON report file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{shown}: cannot be read ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{shown}: is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(data, dict) or "findings" not in data or "version" not in data:
        raise InputError(f"{shown}: is not a checker JSON report (write one with --format json)")
    if data["version"] != SCHEMA_VERSION:
        raise InputError(
            f"{shown}: is JSON report version {data['version']!r}; this checker {__version__} reads "
            f"version {SCHEMA_VERSION}; re-run that check with this checker"
        )
    for field in ("findings", "baselined"):
        items = data.get(field, [])
        if not isinstance(items, list) or not all(
            isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in items
        ):
            raise InputError(f"{shown}: is corrupt: every item of \"{field}\" needs a \"fingerprint\"")
    return data
