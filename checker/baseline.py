"""Baselines: accept today's findings so that CI fails only on new ones.

A baseline is a JSON file listing findings by fingerprint (a content hash of the rule,
what the finding is about and the outlets' wording; see ``checker.rules.fingerprint``).
Fingerprints leave out paths, offsets, line numbers and input order, so a baselined
finding stays baselined when an article is re-indented, given other line endings or
blank lines, moved, or edited elsewhere (tests/test_baseline.py proves each; re-wrapping
lines inside a paragraph is a known gap of sentence splitting, marked there). The rule, severity and message are stored too, for people reading the file
in a pull request; only the fingerprint is matched.

Bump ``FORMAT_VERSION`` whenever the file layout or the fingerprint recipe changes: an
old baseline then fails loudly instead of silently matching nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__
from .errors import InputError
from .models import CheckResult, Finding

FORMAT_VERSION = 2  # 2: fingerprints leave outlets out (one finding per difference)
KIND = "checker-baseline"
_FINGERPRINT = re.compile(r"[0-9a-f]{8,64}")
_REMAKE = "re-create it with `checker baseline PATHS... -o {path}`"


class BaselineError(InputError):
    """A baseline file that cannot be used: missing, unreadable, corrupt or another version."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message


@dataclass(frozen=True)
class BaselineEntry:
    """One accepted finding; only ``fingerprint`` is matched, the rest is for readers."""

    fingerprint: str
    rule: str = ""
    name: str = ""
    severity: str = ""
    story: str = ""
    message: str = ""


@dataclass(frozen=True)
class Baseline:
    entries: tuple[BaselineEntry, ...]  # sorted by (rule, fingerprint), unique fingerprints

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.entries)


@dataclass(frozen=True)
class BaselineMatch:
    """A run's findings split by a baseline."""

    new: tuple[Finding, ...]  # not in the baseline: these count and can fail the check
    baselined: tuple[Finding, ...]  # in the baseline: accepted
    stale: tuple[BaselineEntry, ...]  # in the baseline but not found any more


def from_findings(findings: Iterable[Finding]) -> Baseline:
    """A baseline accepting every one of ``findings``."""
    unique = {
        f.fingerprint: BaselineEntry(f.fingerprint, f.rule, f.name, f.severity.value, f.story, f.message)
        for f in findings
    }
    return Baseline(tuple(sorted(unique.values(), key=lambda e: (e.rule, e.fingerprint))))


def dumps(baseline: Baseline) -> str:
    """The file text: fixed key order, sorted entries, no timestamps or paths, so
    regenerating an unchanged baseline gives a byte-identical file (and a clean diff
    otherwise)."""
    data = {
        "kind": KIND,
        "version": FORMAT_VERSION,
        "tool": {"name": "checker", "version": __version__},
        "findings": [
            {
                "fingerprint": e.fingerprint,
                "rule": e.rule,
                "name": e.name,
                "severity": e.severity,
                "story": e.story,
                "message": e.message,
            }
            for e in baseline.entries
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"  # keys in the fixed order above


def load(path: str | Path) -> Baseline:
    """Read and check a baseline file; every problem is a ``BaselineError`` naming the file."""
    shown = str(path)
    remake = _REMAKE.format(path=shown)
    file = Path(path)
    if file.is_dir():
        raise BaselineError(shown, f"is a folder, not a baseline file; {remake}")
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(shown, f"no such baseline file; create it with `checker baseline PATHS... -o {shown}`") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BaselineError(shown, f"cannot be read ({reason}); {remake}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(shown, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); {remake}") from None
    return _parse(data, shown, remake)


def _parse(data: object, shown: str, remake: str) -> Baseline:
    if not isinstance(data, dict):
        raise BaselineError(shown, f"is not a checker baseline (expected a JSON object); {remake}")
    if data.get("kind") != KIND:
        if "findings" in data and "articles" in data:
            raise BaselineError(shown, f"is a checker JSON report, not a baseline; {remake}")
        raise BaselineError(shown, f"is not a checker baseline (no \"kind\": \"{KIND}\"); {remake}")
    version = data.get("version")
    if version != FORMAT_VERSION:
        made_by = data.get("tool", {}).get("version") if isinstance(data.get("tool"), dict) else None
        by = f" by checker {made_by}" if made_by else ""
        raise BaselineError(
            shown,
            f"is baseline format version {version!r} (written{by}); this checker {__version__} "
            f"reads version {FORMAT_VERSION}; {remake}",
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(shown, f"is corrupt: \"findings\" must be a list; {remake}")
    entries: dict[str, BaselineEntry] = {}
    for number, item in enumerate(findings, 1):
        fingerprint = item.get("fingerprint") if isinstance(item, dict) else None
        if not isinstance(fingerprint, str) or not _FINGERPRINT.fullmatch(fingerprint):
            raise BaselineError(shown, f"is corrupt: finding {number} has no valid \"fingerprint\"; {remake}")
        fields = {k: item.get(k) for k in ("rule", "name", "severity", "story", "message")}
        entries[fingerprint] = BaselineEntry(fingerprint, **{k: v if isinstance(v, str) else "" for k, v in fields.items()})
    return Baseline(tuple(sorted(entries.values(), key=lambda e: (e.rule, e.fingerprint))))


def apply(findings: Iterable[Finding], baseline: Baseline) -> BaselineMatch:
    """Split ``findings`` (order kept) into new and baselined; list entries gone stale."""
    findings = tuple(findings)
    accepted = baseline.fingerprints
    seen = {f.fingerprint for f in findings}
    return BaselineMatch(
        new=tuple(f for f in findings if f.fingerprint not in accepted),
        baselined=tuple(f for f in findings if f.fingerprint in accepted),
        stale=tuple(e for e in baseline.entries if e.fingerprint not in seen),
    )


def split_result(result: CheckResult, baseline: Baseline) -> tuple[CheckResult, BaselineMatch]:
    """``result`` keeping only the new findings, and the full split."""
    match = apply(result.findings, baseline)
    return replace(result, findings=match.new), match


__all__ = [
    "FORMAT_VERSION",
    "Baseline",
    "BaselineEntry",
    "BaselineError",
    "BaselineMatch",
    "apply",
    "dumps",
    "from_findings",
    "load",
    "split_result",
]
