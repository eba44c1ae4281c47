"""The rules of one run: the built-in rules plus every YAML rule file.

``load_rules`` finds the rule files (the packs shipped in ``claims/`` that are on by
default or named by the selection, a ``claims/`` folder in the working directory, and
every ``--rules`` path), validates them all
(``language/validate.py``, checks across files here) and raises the first problem as a
:class:`RuleFileError` before any article is read. ``read_rules`` returns every problem
instead, for ``checker rules validate``.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError, RuleFileError
from ..models import Finding
from .base import Rule, Selection
from .builtin import builtin_rules
from .language import schema
from .language.engine import YamlCheck
from .language.spec import AliasRule, ClaimRule, IgnoreRule, PatternRule, TermFamily, TermsRule, YamlRule
from .language.validate import check_file, did_you_mean


def _shipped_rules() -> Path:
    """The claim rules that come with checker: inside the package when installed from a
    wheel (``checker/shipped_claims``, see pyproject.toml), else the repository's claims/."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "shipped_claims"
    return packaged if packaged.is_dir() else package.parent / "claims"


SHIPPED_RULES = _shipped_rules()
PROJECT_RULES = Path("claims")  # relative to the working directory
RULE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class RuleSet:
    """Everything the rule layer runs: rule objects, plus the YAML rules by kind."""

    rules: tuple[Rule, ...]  # built-in rules (by code), then YAML rules (by id)
    terms: tuple[TermsRule, ...] = ()
    aliases: tuple[AliasRule, ...] = ()
    ignores: tuple[IgnoreRule, ...] = ()
    claims: tuple[ClaimRule, ...] = ()
    patterns: tuple[PatternRule, ...] = ()

    @property
    def yaml_rules(self) -> tuple[YamlRule, ...]:
        """Every YAML rule, sorted by id."""
        return tuple(sorted((*self.terms, *self.aliases, *self.ignores, *self.claims, *self.patterns), key=lambda r: r.id))

    @property
    def alias_groups(self) -> tuple[tuple[str, ...], ...]:
        """Names known to be one entity: each alias rule's forms, canonical first."""
        return tuple(a.forms for a in self.aliases)

    def is_ignored(self, finding: Finding) -> bool:
        return any(i.matches(finding) for i in self.ignores)


def display_path(path: Path) -> str:
    """A path as the user would write it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Pack:
    """A shipped rule pack: a folder of ``claims/`` with a ``pack.toml`` (like a Vale style)."""

    name: str
    folder: Path
    description: str
    default: bool  # on unless deselected; the others run when selected by name


def shipped_packs() -> tuple[Pack, ...]:
    """The packs in the shipped ``claims/``, by name."""
    packs = []
    for folder in sorted(SHIPPED_RULES.iterdir()) if SHIPPED_RULES.is_dir() else ():
        meta = folder / "pack.toml"
        if meta.is_file():
            table = tomllib.loads(meta.read_text(encoding="utf-8"))
            packs.append(Pack(folder.name, folder, str(table.get("description", "")), bool(table.get("default", False))))
    return tuple(packs)


def rule_sources(paths: Sequence[Path] = (), *, builtin: bool = True, packs: Iterable[str] | None = ()) -> list[Path]:
    """The folders and files rules are read from, in order, without duplicates: the
    default shipped packs and those named in ``packs`` (``None``: every pack), the working
    directory's ``claims/``, then ``paths``."""
    wanted = None if packs is None else set(packs)
    sources = [p.folder for p in shipped_packs() if wanted is None or p.default or p.name in wanted] if builtin else []
    if builtin and PROJECT_RULES.is_dir() and PROJECT_RULES.resolve() != SHIPPED_RULES.resolve():
        sources.append(PROJECT_RULES)  # (in checker's own repository, ./claims holds the packs)
    sources += [Path(p) for p in paths]
    unique: dict[Path, Path] = {}
    for source in sources:
        unique.setdefault(source.resolve(), source)
    return list(unique.values())


def rule_files(sources: Iterable[Path]) -> list[Path]:
    """Every rule file under ``sources``, sorted per folder; raises for missing paths."""
    files: dict[Path, Path] = {}
    for source in sources:
        if source.is_dir():
            found: list[Path] = []
            for folder, dirs, names in os.walk(source):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [Path(folder) / n for n in sorted(names) if n.endswith(RULE_SUFFIXES) and not n.startswith(".")]
                if len(files) + len(found) > schema.MAX_FILES:
                    raise RuleFileError(
                        display_path(source), 1, f"more than {schema.MAX_FILES} rule files under this folder (point --rules at a smaller folder)"
                    )
            for f in sorted(found):
                files.setdefault(f.resolve(), f)
        elif source.is_file():
            if not source.name.endswith(RULE_SUFFIXES):
                raise RuleFileError(display_path(source), 1, "a rule file must end in .yaml or .yml (rename it)")
            files.setdefault(source.resolve(), source)
        else:
            raise RuleFileError(display_path(source), 1, "no such rule file or folder (check the --rules path)")
    if len(files) > schema.MAX_FILES:
        raise RuleFileError(display_path(next(iter(files.values()))), 1, f"more than {schema.MAX_FILES} rule files in one run (merge some)")
    return list(files.values())


def _location(where: str) -> tuple[str, int, int]:
    path, line, column = where.rsplit(":", 2)
    return path, int(line), int(column)


def _cross_file_problems(rules: Sequence[YamlRule], builtin_names: set[str]) -> list[RuleFileError]:
    """Problems only visible with every file loaded: duplicate ids, unknown ignore targets."""
    problems: list[RuleFileError] = []
    first: dict[str, YamlRule] = {}
    reserved = builtin_names | set(schema.KIND_NAMES) | set(schema.FAMILIES)
    for rule in rules:
        path, line, column = _location(rule.source)
        if rule.id in first:
            problems.append(RuleFileError(path, line, f"duplicate rule id '{rule.id}', first defined at {first[rule.id].source} (rename one)", column))
            continue
        first[rule.id] = rule
        if rule.id in reserved:
            problems.append(RuleFileError(path, line, f"rule id '{rule.id}' is the name of a built-in rule or kind (choose another id)", column))
    targets = builtin_names | set(first) | set(schema.FAMILIES)
    folded = {t.casefold() for t in targets}
    for rule in rules:
        if isinstance(rule, IgnoreRule) and rule.rule.casefold() not in folded:
            path, line, column = _location(rule.rule_where)
            problems.append(
                RuleFileError(path, line, f"ignore rule '{rule.id}' names rule '{rule.rule}', which does not exist ({did_you_mean(rule.rule, targets)})", column)
            )
    if len(rules) > schema.MAX_RULES:
        path, line, column = _location(rules[schema.MAX_RULES].source)
        problems.append(RuleFileError(path, line, f"more than {schema.MAX_RULES:,} rules in one run (split the run or merge rules)", column))
    return problems


def _builtin_names() -> set[str]:
    return {n for cls in builtin_rules() for n in (cls.code, cls.name)}


def _pack_of(path: Path) -> str:
    """The shipped pack a rule file belongs to ("" for the user's own files)."""
    try:
        relative = path.resolve().relative_to(SHIPPED_RULES.resolve())
    except ValueError:
        return ""
    return relative.parts[0] if len(relative.parts) > 1 else ""


def read_rules(
    paths: Sequence[Path] = (), *, builtin: bool = True, packs: Iterable[str] | None = ()
) -> tuple[list[YamlRule], list[RuleFileError]]:
    """Every valid YAML rule and every problem, sorted by file, line and column
    (``packs``: as :func:`rule_sources`; ``None`` reads every shipped pack)."""
    try:
        files = rule_files(rule_sources(paths, builtin=builtin, packs=packs))
    except RuleFileError as exc:
        return [], [exc]
    rules: list[YamlRule] = []
    problems: list[RuleFileError] = []
    for path in files:
        found, wrong = check_file(path, display_path(path))
        pack = _pack_of(path)
        rules += [replace(r, pack=pack) for r in found] if pack else found
        problems += wrong
    problems += _cross_file_problems(rules, _builtin_names())
    order = {p: i for i, p in enumerate(display_path(f) for f in files)}
    problems.sort(key=lambda e: (order.get(e.path, -1), e.line, e.column, e.reason))
    return rules, problems


def _with_alias_names(names: tuple[str, ...], aliases: Sequence[AliasRule]) -> tuple[str, ...]:
    """``names`` plus every form of the alias rules naming one of them."""
    folded = {" ".join(n.split()).casefold() for n in names}
    extra = [f for a in aliases if folded & {" ".join(x.split()).casefold() for x in a.forms} for f in a.forms]
    return tuple(dict.fromkeys([*names, *extra]))


def build_ruleset(rules: Sequence[YamlRule], *, builtin_classes: Sequence[type] | None = None) -> RuleSet:
    """A RuleSet from validated YAML rules; ``context`` and ``about`` lists gain alias forms."""
    aliases = tuple(sorted((r for r in rules if isinstance(r, AliasRule)), key=lambda r: r.id))
    resolved: list[YamlRule] = []
    for rule in sorted(rules, key=lambda r: r.id):
        if isinstance(rule, ClaimRule) and rule.about:
            rule = replace(rule, about=_with_alias_names(rule.about, aliases))
        elif isinstance(rule, (TermsRule, PatternRule)) and rule.context:
            rule = replace(rule, context=_with_alias_names(rule.context, aliases))
        resolved.append(rule)
    classes = builtin_rules() if builtin_classes is None else builtin_classes
    return RuleSet(
        rules=tuple(cls() for cls in classes) + tuple(YamlCheck(r) for r in resolved if not isinstance(r, IgnoreRule)),
        terms=tuple(r for r in resolved if isinstance(r, TermsRule)),
        aliases=aliases,
        ignores=tuple(r for r in resolved if isinstance(r, IgnoreRule)),
        claims=tuple(r for r in resolved if isinstance(r, ClaimRule)),
        patterns=tuple(r for r in resolved if isinstance(r, PatternRule)),
    )


def load_rules(
    paths: Sequence[Path] = (), *, builtin: bool = True, selection: Selection = Selection(), every_pack: bool = False
) -> RuleSet:
    """Load the built-in rules and every YAML rule file; raise the first problem found.

    ``builtin`` also loads the default packs shipped in ``claims/`` (and those the
    selection names) and the working directory's ``claims/``. Raises
    :class:`RuleFileError` (``path:line:column: message``) naming the first problem and
    how many more there are, and :class:`InputError` for a selection naming no rule.
    ``every_pack`` loads every shipped pack (to list, validate or test them).
    """
    rules, problems = read_rules(paths, builtin=builtin, packs=None if every_pack else selection.named)
    if problems:
        first = problems[0]
        more = len(problems) - 1
        reason = first.reason + (f" [and {more} more problem{'s' if more > 1 else ''}: run `checker rules validate`]" if more else "")
        raise RuleFileError(first.path, first.line, reason, first.column)
    ruleset = build_ruleset(rules)
    known = {n for r in ruleset.rules for n in (r.code, r.name, r.pack)} | {p.name for p in shipped_packs()} | {"ALL"}
    for name in selection.named:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known - {""}), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "`checker rules list` shows every rule and pack"
            raise InputError(f"no rule or pack is called '{name}' ({hint})")
    return ruleset


__all__ = [
    "SHIPPED_RULES",
    "AliasRule",
    "Pack",
    "ClaimRule",
    "IgnoreRule",
    "PatternRule",
    "RuleSet",
    "TermFamily",
    "TermsRule",
    "YamlRule",
    "build_ruleset",
    "display_path",
    "load_rules",
    "read_rules",
    "rule_files",
    "rule_sources",
    "shipped_packs",
]
