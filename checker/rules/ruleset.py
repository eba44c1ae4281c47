"""The rules of one run: built-in rules plus the data they read from ``claims/*.yaml``.

Rule files are data, loaded with ``yaml.safe_load``. This module reads the kinds the
built-in rules need (``terms`` families for framing, ``alias`` lists for names, ``ignore``
entries) and checks their shape; errors carry ``path:line:column``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import RuleFileError
from ..models import Finding

SHIPPED_RULES = Path(__file__).resolve().parents[2] / "claims"
KINDS = ("terms", "alias", "ignore")


@dataclass(frozen=True)
class TermFamily:
    """One way of naming a concept, e.g. "invasion" for the Russia-Ukraine war."""

    name: str
    terms: tuple[str, ...]
    discouraged: bool = False


@dataclass(frozen=True)
class TermsRule:
    """A concept and its competing term families (``kind: terms``)."""

    id: str
    concept: str
    families: tuple[TermFamily, ...]
    message: str
    severity: str
    path: str
    context: tuple[str, ...] = ()  # a term counts only in sentences naming one of these


@dataclass(frozen=True)
class AliasRule:
    """A canonical name and its known variants (``kind: alias``)."""

    id: str
    canonical: str
    variants: tuple[str, ...]
    message: str
    severity: str
    path: str


@dataclass(frozen=True)
class IgnoreRule:
    """Silences findings of ``rule`` about ``match`` (a name, term or fingerprint)."""

    id: str
    rule: str
    match: str
    reason: str
    path: str

    def matches(self, finding: Finding) -> bool:
        if self.rule not in (finding.rule, finding.name):
            return False
        wanted = self.match.casefold()
        return wanted in (finding.fingerprint.casefold(), finding.key.casefold()) or any(
            wanted == e.text.casefold() for e in finding.evidence
        )


@dataclass(frozen=True)
class RuleSet:
    rules: tuple  # instances of checker.rules.Rule, sorted by code
    terms: tuple[TermsRule, ...] = ()
    aliases: tuple[AliasRule, ...] = ()
    ignores: tuple[IgnoreRule, ...] = ()

    def is_ignored(self, finding: Finding) -> bool:
        return any(i.matches(finding) for i in self.ignores)


class _LineLoader(yaml.SafeLoader):
    """safe_load that remembers the line of every mapping, for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _rule_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(p.rglob("*.yaml")) + sorted(p.rglob("*.yml")))
        elif p.is_file():
            files.append(p)
        else:
            raise RuleFileError(str(p), 1, "no such rule file or folder (check the --rules path)")
    return files


def _require(entry: dict, key: str, path: str, kind: type = str):
    if key not in entry:
        raise RuleFileError(path, entry.get("__line__", 1), f"missing required key {key!r}")
    value = entry[key]
    if not isinstance(value, kind):
        raise RuleFileError(path, entry.get("__line__", 1), f"{key!r} must be a {kind.__name__}")
    return value


def _load_file(path: Path):
    display = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        raise RuleFileError(display, line, f"invalid YAML: {exc.problem} (fix the syntax)", column) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(display, 1, f"cannot read rule file: {exc}") from exc
    if data is None:
        return []
    entries = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RuleFileError(display, 1, "a rule file is a mapping with a list under 'rules:'")
    out = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise RuleFileError(display, 1, "each item under 'rules:' must be a mapping")
        kind = _require(entry, "kind", display)
        rule_id = _require(entry, "id", display)
        line = entry["__line__"]
        if kind not in KINDS:
            # Other kinds (claim, pattern) belong to the YAML rule language, not loaded here.
            continue
        if kind == "terms":
            families = []
            for fam in _require(entry, "families", display, list):
                terms = tuple(str(t) for t in _require(fam, "terms", display, list))
                families.append(TermFamily(str(_require(fam, "name", display)), terms, bool(fam.get("discouraged", False))))
            out.append(TermsRule(rule_id, str(_require(entry, "concept", display)), tuple(families),
                                 str(entry.get("message", "")), str(entry.get("severity", "warning")), f"{display}:{line}",
                                 tuple(str(c) for c in entry.get("context", []) or [])))
        elif kind == "alias":
            variants = tuple(str(v) for v in _require(entry, "variants", display, list))
            out.append(AliasRule(rule_id, str(_require(entry, "canonical", display)), variants,
                                 str(entry.get("message", "")), str(entry.get("severity", "warning")), f"{display}:{line}"))
        elif kind == "ignore":
            out.append(IgnoreRule(rule_id, str(_require(entry, "rule", display)), str(_require(entry, "match", display)),
                                  str(_require(entry, "reason", display)), f"{display}:{line}"))
    return out


def load_rules(paths: Sequence[Path] = (), *, builtin: bool = True) -> RuleSet:
    """Load the built-in rules and every YAML rule file under ``claims/`` and ``paths``."""
    from . import builtin_rules

    sources = ([SHIPPED_RULES] if builtin and SHIPPED_RULES.is_dir() else []) + [Path(p) for p in paths]
    loaded = [item for f in _rule_files(sources) for item in _load_file(f)]
    seen: dict[str, str] = {}
    for item in loaded:
        if item.id in seen:
            raise RuleFileError(item.path.rsplit(":", 1)[0], int(item.path.rsplit(":", 1)[1]),
                                f"duplicate rule id {item.id!r}, first defined at {seen[item.id]} (rename one)")
        seen[item.id] = item.path
    return RuleSet(
        rules=tuple(cls() for cls in builtin_rules()),
        terms=tuple(i for i in loaded if isinstance(i, TermsRule)),
        aliases=tuple(i for i in loaded if isinstance(i, AliasRule)),
        ignores=tuple(i for i in loaded if isinstance(i, IgnoreRule)),
    )
