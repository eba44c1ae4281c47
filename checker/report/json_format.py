"""Versioned JSON: the findings (and enough context to review them) for machines.

Schema version 1. Keys are sorted and the text is deterministic, so two runs on the same
input give byte-identical files. Documented field by field in ``docs/output.md``.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from .. import __version__
from ..models import CheckResult, Finding

SCHEMA_VERSION = 1


def finding_to_dict(f: Finding) -> dict:
    return {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity.value,
        "message": f.message,
        "story": f.story,
        "claim": f.claim,
        "key": f.key,
        "fingerprint": f.fingerprint,
        "evidence": [
            {k: v for k, v in asdict(e).items()} for e in f.evidence
        ],
    }


def to_dict(result: CheckResult) -> dict:
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "checker", "version": __version__},
        "model": result.model,
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
        "notes": list(result.notes),
    }


def render(result: CheckResult) -> str:
    return json.dumps(to_dict(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
