"""Check one rule file against the schema and turn it into typed rules.

Layers, each reported as ``path:line:column: message (how to fix)``: YAML syntax and
safety (``yaml_source``), required keys, allowed values and types, unknown keys (with a
"did you mean"), and what only makes sense per kind (regular expressions that compile,
slots that exist, families that can disagree). Every problem of a file is collected, so
``checker rules validate`` can list them all; checks across files (duplicate ids, the
rules an ``ignore`` names) are in ``ruleset.py``.

Over 600 lines because every rule kind's fields are checked here, in one place, so that
every message has one wording and one shape.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...errors import RuleFileError
from ...models import Severity
from . import schema
from .patterns import PatternError, compile_regex, group_names, parse_number, placeholders, template_regex, template_slots
from .schema import Field, Kind
from .spec import (
    AliasRule,
    ClaimRule,
    Example,
    Examples,
    IgnoreRule,
    PatternRule,
    TermFamily,
    TermsRule,
    YamlRule,
)
from .source import MappingNode, Node, ScalarNode, SequenceNode, error_at, position, read_rule_file, scalar_value

_INVALID = object()


_LOOKALIKES = ({"o", "0"}, {"l", "1"}, {"i", "1"}, {"s", "5"})


def did_you_mean(word: str, choices) -> str:
    # Every close choice, not the top few: among ties difflib keeps the last in sort order,
    # which would drop "CK101" for "CK1O1" once there are four CK1x rules.
    close = difflib.get_close_matches(word, list(choices), n=len(choices), cutoff=0.6)
    if not close:
        return "one of " + ", ".join(sorted(choices))
    # Among equally close choices, the one with fewest letters changed in place, a
    # look-alike counting half: "CK1O1" (a letter O) is CK101, not CK110 or CK111.
    def changed(c: str) -> float:
        return sum(0.5 if {x.casefold(), y.casefold()} in _LOOKALIKES else 1.0 for x, y in zip(c, word) if x != y)

    best = min(close, key=lambda c: (len(c) != len(word), changed(c), close.index(c)))
    return f"did you mean '{best}'?"


@dataclass
class _File:
    """The file being checked and the problems found so far."""

    path: str
    problems: list[RuleFileError]

    def error(self, node: Node, message: str) -> object:
        self.problems.append(error_at(self.path, node, message))
        return _INVALID

    def where(self, node: Node) -> str:
        line, column = position(node)
        return f"{self.path}:{line}:{column}"


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag.endswith(":null"):
        return "empty"
    return f"'{node.value}'"


def _pairs(f: _File, node: MappingNode, what: str) -> dict[str, tuple[Node, Node]]:
    """key -> (key node, value node); duplicate and non-text keys are problems."""
    out: dict[str, tuple[Node, Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag.endswith(":null"):
            f.error(key_node, f"keys of {what} must be plain words (write key: value)")
            continue
        key = str(key_node.value)
        if key in out:
            first_line = out[key][0].start_mark.line + 1
            f.error(key_node, f"duplicate key '{key}' in {what}, first given on line {first_line} (remove one)")
            continue
        out[key] = (key_node, value_node)
    return out


# ------------------------------------------------------------------ value types


def _text(f: _File, node: Node, name: str) -> object:
    if not isinstance(node, ScalarNode):
        return f.error(node, f"'{name}' must be text, not {_describe(node)} (write {name}: some text)")
    if node.tag.endswith(":null") or not str(node.value).strip():
        return f.error(node, f"'{name}' must not be empty (give it a value or remove the key)")
    value = str(node.value)
    if len(value) > schema.MAX_TEXT_CHARS:
        return f.error(node, f"'{name}' is {len(value):,} characters, over the limit of {schema.MAX_TEXT_CHARS:,} (shorten it)")
    return value


def _texts(f: _File, node: Node, name: str) -> object:
    if isinstance(node, ScalarNode) and not node.tag.endswith(":null"):
        return f.error(node, f"'{name}' must be a list, not {_describe(node)} (write {name}: [{node.value}])")
    if not isinstance(node, SequenceNode) or not node.value:
        return f.error(node, f"'{name}' must be a non-empty list of text (write {name}: [first, second])")
    if len(node.value) > schema.MAX_LIST_ITEMS:
        return f.error(node, f"'{name}' has {len(node.value):,} items, over the limit of {schema.MAX_LIST_ITEMS:,} (split the rule)")
    values: list[str] = []
    ok = True
    for item in node.value:
        value = _text(f, item, f"{name} item")
        if value is _INVALID:
            ok = False
        elif value in values:
            f.error(item, f"'{value}' is listed twice in '{name}' (remove one)")
            ok = False
        else:
            values.append(value)  # type: ignore[arg-type]
    return tuple(values) if ok else _INVALID


def _bool(f: _File, node: Node, name: str) -> object:
    if isinstance(node, ScalarNode) and node.tag.endswith(":bool"):
        return scalar_value(node)
    return f.error(node, f"'{name}' must be true or false, not {_describe(node)}")


def _choice(f: _File, node: Node, name: str, choices: tuple[str, ...]) -> object:
    value = _text(f, node, name)
    if value is _INVALID:
        return value
    if value not in choices:
        return f.error(node, f"'{name}' must be one of {', '.join(choices)}, not '{value}' ({did_you_mean(value, choices)})")  # type: ignore[arg-type]
    return value


def _date(f: _File, node: Node, name: str) -> object:
    if isinstance(node, ScalarNode):
        value = scalar_value(node)
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(node.value))
        except ValueError:
            pass
    return f.error(node, f"'{name}' must be a date written YYYY-MM-DD, not {_describe(node)}")


def _regexes(f: _File, node: Node, name: str, ignorecase: bool) -> object:
    if isinstance(node, ScalarNode):
        items = [node]
    elif isinstance(node, SequenceNode) and node.value:
        items = list(node.value)
    else:
        return f.error(node, f"'{name}' must be a regular expression or a list of them")
    out = []
    for item in items:
        value = _text(f, item, name)
        if value is _INVALID:
            return value
        try:
            compile_regex(value, ignorecase)  # type: ignore[arg-type]
        except PatternError as exc:
            return f.error(item, str(exc))
        out.append(value)
    return tuple(out)


def _mapping_fields(f: _File, node: Node, name: str, fields: tuple[Field, ...], what: str) -> object:
    """A nested mapping (a term family, a date window) checked against ``fields``."""
    if not isinstance(node, MappingNode):
        return f.error(node, f"'{name}' must be a mapping with keys {', '.join(x.name for x in fields)}, not {_describe(node)}")
    pairs = _pairs(f, node, what)
    known = {x.name: x for x in fields}
    values: dict[str, object] = {}
    ok = True
    for key, (key_node, value_node) in pairs.items():
        if key not in known:
            f.error(key_node, f"unknown key '{key}' in {what} ({did_you_mean(key, known)})")
            ok = False
            continue
        value = _value(f, known[key], value_node, ignorecase=False)
        ok &= value is not _INVALID
        values[key] = value
    for x in fields:
        if x.required and x.name not in pairs:
            f.error(node, f"{what} is missing required key '{x.name}' (add {x.name}: ...)")
            ok = False
    return values if ok else _INVALID


def _value(f: _File, field: Field, node: Node, ignorecase: bool) -> object:
    t = field.type
    if t == "text":
        return _text(f, node, field.name)
    if t == "texts":
        return _texts(f, node, field.name)
    if t == "bool":
        return _bool(f, node, field.name)
    if t == "severity":
        return _choice(f, node, field.name, schema.SEVERITIES)
    if t == "date":
        return _date(f, node, field.name)
    if t == "regexes":
        return _regexes(f, node, field.name, ignorecase)
    if t == "mapping":
        return _mapping_fields(f, node, field.name, field.fields, f"'{field.name}'")
    if t == "mappings":
        if not isinstance(node, SequenceNode) or not node.value:
            return f.error(node, f"'{field.name}' must be a non-empty list of mappings (see docs/rules.md)")
        items = [_mapping_fields(f, item, field.name, field.fields, f"an item of '{field.name}'") for item in node.value]
        return _INVALID if any(i is _INVALID for i in items) else [(item, n) for item, n in zip(items, node.value, strict=True)]
    if t == "slot-types":
        return _slot_types(f, node)
    if t == "values":
        return _expect_values(f, node)
    if t == "examples":
        return _examples(f, node)
    raise AssertionError(f"schema type {t!r} has no checker")  # pragma: no cover - schema bug


def _slot_types(f: _File, node: Node) -> object:
    if not isinstance(node, MappingNode):
        return f.error(node, "'slots' must be a mapping such as {members: number}")
    out: dict[str, tuple[str, Node]] = {}
    ok = True
    for key, (key_node, value_node) in _pairs(f, node, "'slots'").items():
        value = _choice(f, value_node, f"slot type of '{key}'", schema.SLOT_TYPES)
        if value is _INVALID:
            ok = False
        else:
            out[key] = (value, key_node)  # type: ignore[assignment]
    return out if ok else _INVALID


def _expect_values(f: _File, node: Node) -> object:
    if not isinstance(node, MappingNode) or not node.value:
        return f.error(node, "'expect' must be a mapping from slot to value, such as {members: 30}")
    out: dict[str, tuple[tuple[object, ...], Node, Node]] = {}
    ok = True
    for key, (key_node, value_node) in _pairs(f, node, "'expect'").items():
        items = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        values = []
        for item in items:
            if not isinstance(item, ScalarNode) or item.tag.endswith(":null") or not str(item.value).strip():
                f.error(item, f"expected value of '{key}' must be a number or text, not {_describe(item)}")
                ok = False
            else:
                values.append(scalar_value(item) if item.tag.endswith((":int", ":float")) else str(item.value))
        if not values:
            f.error(value_node, f"expected value of '{key}' is an empty list (give at least one value)")
            ok = False
        out[key] = (tuple(values), key_node, value_node)
    return out if ok else _INVALID


# ------------------------------------------------------------------ examples


def _example_articles(f: _File, node: Node) -> object:
    if isinstance(node, ScalarNode):
        text = _example_text(f, node)
        return _INVALID if text is _INVALID else (("A", text),)
    if isinstance(node, SequenceNode) and node.value:
        if len(node.value) > 26:
            return f.error(node, "an example has at most 26 articles (outlets A to Z)")
        texts = [_example_text(f, item) for item in node.value]
        if any(t is _INVALID for t in texts):
            return _INVALID
        return tuple((chr(ord("A") + i), t) for i, t in enumerate(texts))
    if isinstance(node, MappingNode) and node.value:
        out = []
        for outlet, (_, value_node) in _pairs(f, node, "'articles'").items():
            text = _example_text(f, value_node)
            if text is _INVALID:
                return _INVALID
            out.append((outlet, text))
        return tuple(out)
    return f.error(node, "example articles must be a sentence, a list of sentences or a mapping outlet: text")


def _example_text(f: _File, node: Node) -> object:
    if not isinstance(node, ScalarNode) or node.tag.endswith(":null") or not str(node.value).strip():
        return f.error(node, f"an example article must be non-empty text, not {_describe(node)}")
    if len(str(node.value)) > schema.MAX_EXAMPLE_CHARS:
        return f.error(node, f"example article is over the limit of {schema.MAX_EXAMPLE_CHARS:,} characters (shorten it)")
    return str(node.value)


def _example(f: _File, node: Node, flag: bool) -> object:
    if not isinstance(node, MappingNode):
        articles = _example_articles(f, node)
        return _INVALID if articles is _INVALID else Example(articles=articles, where=f.where(node))  # type: ignore[arg-type]
    fields = schema.EXAMPLE_FIELDS if flag else tuple(x for x in schema.EXAMPLE_FIELDS if x.name != "flagged")
    pairs = _pairs(f, node, "an example")
    known = {x.name for x in fields}
    ok = True
    for key, (key_node, _) in pairs.items():
        if key not in known:
            hint = "'flagged' belongs under flag:" if key == "flagged" else did_you_mean(key, known)
            f.error(key_node, f"unknown key '{key}' in an example ({hint})")
            ok = False
    if "articles" not in pairs:
        f.error(node, "an example written as a mapping needs 'articles' (add articles: [...])")
        return _INVALID
    articles = _example_articles(f, pairs["articles"][1])
    story = _text(f, pairs["story"][1], "story") if "story" in pairs else "example"
    published = _date(f, pairs["published"][1], "published") if "published" in pairs else None
    flagged = _texts(f, pairs["flagged"][1], "flagged") if "flagged" in pairs else ()
    if not ok or _INVALID in (articles, story, published, flagged):
        return _INVALID
    return Example(articles=articles, story=story, published=published, flagged=flagged, where=f.where(node))  # type: ignore[arg-type]


def _examples(f: _File, node: Node) -> object:
    if not isinstance(node, MappingNode):
        return f.error(node, "'examples' must be a mapping with flag: and/or pass: lists")
    pairs = _pairs(f, node, "'examples'")
    out: dict[str, list[Example]] = {"flag": [], "pass": []}
    ok = True
    for key, (key_node, value_node) in pairs.items():
        if key not in out:
            f.error(key_node, f"unknown key '{key}' in 'examples' ({did_you_mean(key, out)})")
            ok = False
            continue
        if not isinstance(value_node, SequenceNode) or not value_node.value:
            f.error(value_node, f"'{key}' must be a non-empty list of examples")
            ok = False
            continue
        for item in value_node.value:
            example = _example(f, item, flag=key == "flag")
            if example is _INVALID:
                ok = False
            else:
                out[key].append(example)  # type: ignore[arg-type]
    if not pairs:
        f.error(node, "'examples' is empty (add flag: and/or pass: lists)")
        ok = False
    total = len(out["flag"]) + len(out["pass"])
    if total > schema.MAX_EXAMPLES:
        f.error(node, f"{total} examples, over the limit of {schema.MAX_EXAMPLES} per rule (keep the telling ones)")
        ok = False
    return Examples(tuple(out["flag"]), tuple(out["pass"])) if ok else _INVALID


# ------------------------------------------------------------------ one rule


def _rule(f: _File, node: Node) -> YamlRule | None:
    if not isinstance(node, MappingNode):
        f.error(node, f"each item under 'rules:' must be a mapping with id, kind, ..., not {_describe(node)}")
        return None
    pairs = _pairs(f, node, "a rule")
    rule_id = "?"
    if "id" not in pairs:
        f.error(node, "rule is missing required key 'id' (add id: a-short-name)")
    else:
        value = _text(f, pairs["id"][1], "id")
        if value is not _INVALID:
            rule_id = value  # type: ignore[assignment]
            if len(rule_id) > schema.MAX_ID_LENGTH or not schema.ID_PATTERN.fullmatch(rule_id):
                suggestion = "-".join(w for w in "".join(c if c.isalnum() else " " for c in rule_id.lower()).split())
                f.error(pairs["id"][1], f"id '{rule_id}' must be lower-case words joined by '-' (write id: {suggestion or 'my-rule'})")
                rule_id = "?"
    if "kind" not in pairs:
        f.error(node, f"rule '{rule_id}' is missing required key 'kind' (add kind: one of {', '.join(schema.KIND_NAMES)})")
        return None
    kind_name = _choice(f, pairs["kind"][1], "kind", schema.KIND_NAMES)
    if kind_name is _INVALID:
        return None
    kind = schema.KIND_BY_NAME[kind_name]  # type: ignore[index]
    fields = {x.name: x for x in schema.fields_of(kind)}
    what = f"rule '{rule_id}' (kind {kind.name})"

    before = len(f.problems)
    for x in fields.values():
        if x.required and x.name not in pairs:
            f.error(node, f"{what} is missing required key '{x.name}' (add {x.name}: ...; see docs/rules.md#{kind.name})")
    for key, (key_node, _) in pairs.items():
        if key in fields:
            continue
        owners = [k.name for k in schema.KINDS if key in {x.name for x in schema.fields_of(k)}]
        if kind.name == "ignore" and key in {x.name for x in schema.COMMON_FIELDS}:
            hint = "ignore rules take no message, severity or examples; remove it"
        elif owners:
            hint = f"'{key}' is a key of kind {' and '.join(owners)}; remove it or change the kind"
        else:
            hint = did_you_mean(key, fields)
        f.error(key_node, f"unknown key '{key}' in {what} ({hint})")

    ignorecase = False
    if "ignorecase" in pairs and "ignorecase" in fields:
        flag = _bool(f, pairs["ignorecase"][1], "ignorecase")
        ignorecase = flag if isinstance(flag, bool) else False
    elif "ignorecase" in fields:
        ignorecase = bool(fields["ignorecase"].default)
    values: dict[str, object] = {}
    for key, (_, value_node) in pairs.items():
        if key in fields and key not in ("id", "kind"):
            values[key] = ignorecase if key == "ignorecase" else _value(f, fields[key], value_node, ignorecase)
    if len(f.problems) > before or _INVALID in values.values() or rule_id == "?":
        return None
    nodes = {key: value_node for key, (_, value_node) in pairs.items()}
    build = _BUILDERS[kind.name]
    return build(f, kind, rule_id, values, nodes, node)


def _common(f: _File, kind: Kind, rule_id: str, values: dict, nodes: dict, node: Node) -> dict | None:
    message = values.get("message", "")
    if message:
        try:
            used = placeholders(message)
        except PatternError as exc:
            f.error(nodes["message"], str(exc))
            return None
        for name in used:
            if name not in kind.placeholders:
                allowed = ", ".join("{" + p + "}" for p in kind.placeholders) or "none"
                close = did_you_mean(name, kind.placeholders) if kind.placeholders else "write {{ and }} for literal braces"
                f.error(nodes["message"], f"unknown placeholder '{{{name}}}' in message ({close}; {kind.name} rules allow {allowed})")
                return None
    return {
        "id": rule_id,
        "message": message,
        "severity": Severity(values.get("severity", "warning")),
        "description": values.get("description", ""),
        "examples": values.get("examples", Examples()),
        "source": f.where(node),
    }


def _build_alias(f: _File, kind: Kind, rule_id: str, values: dict, nodes: dict, node: Node) -> YamlRule | None:
    common = _common(f, kind, rule_id, values, nodes, node)
    ignorecase = values.get("ignorecase", False)
    fold = (lambda s: " ".join(s.split()).casefold()) if ignorecase else (lambda s: " ".join(s.split()))
    canonical = values["canonical"]
    accepted = values.get("accepted", ())
    ok = common is not None
    for variant, item in zip(values["variants"], nodes["variants"].value, strict=True):
        if fold(variant) == fold(canonical):
            f.error(item, f"variant '{variant}' is the canonical name (remove it from variants)")
            ok = False
        elif fold(variant) in {fold(a) for a in accepted}:
            f.error(item, f"'{variant}' is both a variant and accepted (keep it in one list)")
            ok = False
    if fold(canonical) in {fold(a) for a in accepted}:
        f.error(nodes["accepted"], f"the canonical name '{canonical}' need not be listed under accepted (remove it)")
        ok = False
    if not ok:
        return None
    return AliasRule(
        **common,  # type: ignore[arg-type]
        canonical=canonical,
        variants=values["variants"],
        accepted=accepted,
        ignorecase=ignorecase,
        context=values.get("context", ()),
    )


def _build_terms(f: _File, kind: Kind, rule_id: str, values: dict, nodes: dict, node: Node) -> YamlRule | None:
    common = _common(f, kind, rule_id, values, nodes, node)
    families = []
    seen_names: dict[str, str] = {}
    seen_terms: dict[str, str] = {}
    ok = common is not None
    for family, family_node in values["families"]:
        name = family["name"]
        if name.casefold() in seen_names:
            f.error(family_node, f"family name '{name}' is used twice (give each family its own name)")
            ok = False
        seen_names[name.casefold()] = name
        for term in family["terms"]:
            folded = " ".join(term.split()).casefold()
            if folded in seen_terms and seen_terms[folded] != name:
                f.error(family_node, f"term '{term}' is in families '{seen_terms[folded]}' and '{name}' (keep it in one)")
                ok = False
            seen_terms[folded] = name
        families.append(TermFamily(name, family["terms"], bool(family.get("discouraged", False))))
    if len(families) < 2 and not any(fam.discouraged for fam in families):
        f.error(nodes["families"], "a terms rule needs two families, or one marked discouraged: true (otherwise it can flag nothing)")
        ok = False
    if not ok:
        return None
    return TermsRule(
        **common,  # type: ignore[arg-type]
        concept=values["concept"],
        families=tuple(families),
        context=values.get("context", ()),
        aligned=bool(values.get("aligned", False)),
        named=bool(values.get("named", False)),
    )


def _build_claim(f: _File, kind: Kind, rule_id: str, values: dict, nodes: dict, node: Node) -> YamlRule | None:
    common = _common(f, kind, rule_id, values, nodes, node)
    ok = common is not None
    if "regex" not in values and "sentences" not in values:
        f.error(node, f"claim rule '{rule_id}' needs 'regex' or 'sentences' to recognise the claim (add one)")
        return None
    slot_types = {name: t for name, (t, _) in values.get("slots", {}).items()}
    used: list[str] = []
    regex_nodes = nodes["regex"].value if isinstance(nodes.get("regex"), SequenceNode) else [nodes.get("regex")]
    for regex, regex_node in zip(values.get("regex", ()), regex_nodes, strict=False):
        names = group_names(compile_regex(regex, True))
        if not names:
            f.error(regex_node, "the regular expression has no named group (capture the value as (?P<name>...))")
            ok = False
        for name in names:
            if name.startswith("_"):
                f.error(regex_node, f"slot name '{name}' must not start with '_'")
                ok = False
        used += [n for n in names if n not in used]
    sentence_nodes = nodes["sentences"].value if "sentences" in nodes else []
    templates = []
    for sentence, sentence_node in zip(values.get("sentences", ()), sentence_nodes, strict=True):
        try:
            names = template_slots(sentence)
        except PatternError as exc:
            f.error(sentence_node, str(exc))
            ok = False
            continue
        bad = [n for n in names if n.startswith("_")]
        if bad:
            f.error(sentence_node, f"slot name '{bad[0]}' must not start with '_'")
            ok = False
            continue
        try:
            compile_regex(template_regex(sentence, slot_types), True)
        except PatternError as exc:  # pragma: no cover - templates are escaped by construction
            f.error(sentence_node, str(exc))
            ok = False
        templates.append(sentence)
        used += [n for n in names if n not in used]
    for name, (_, key_node) in values.get("slots", {}).items():
        if name not in used:
            f.error(key_node, f"slot '{name}' is not captured by regex or sentences ({did_you_mean(name, used) if used else 'add it'})")
            ok = False
    expect: list[tuple[str, tuple[object, ...]]] = []
    for name, (accepted, key_node, value_node) in values.get("expect", {}).items():
        if name not in used:
            f.error(key_node, f"expect names slot '{name}', which regex and sentences do not capture ({did_you_mean(name, used) if used else 'add it'})")
            ok = False
            continue
        if slot_types.get(name) == "number":
            for v in accepted:
                if parse_number(str(v)) is None:
                    f.error(value_node, f"slot '{name}' is a number, so its expected value must be a number, not '{v}'")
                    ok = False
        expect.append((name, accepted))
    if not values.get("agree") and "expect" not in values:
        f.error(node, f"claim rule '{rule_id}' needs agree: true or expect: {{slot: value}} (otherwise it can flag nothing)")
        ok = False
    window = values.get("published", {})
    if window == {}:
        window = {}
    if "published" in values and not window:
        f.error(nodes["published"], "'published' needs from: and/or to: dates")
        ok = False
    if window.get("from") and window.get("to") and window["from"] > window["to"]:
        f.error(nodes["published"], f"'published' window ends ({window['to']}) before it starts ({window['from']}) (swap the dates)")
        ok = False
    if not ok:
        return None
    return ClaimRule(
        **common,  # type: ignore[arg-type]
        regexes=values.get("regex", ()),
        sentences=tuple(templates),
        slots=tuple((name, slot_types.get(name, "text")) for name in used),
        about=values.get("about", ()),
        agree=bool(values.get("agree", False)),
        expect=tuple(expect),
        stories=values.get("stories", ()),
        published_from=window.get("from"),
        published_to=window.get("to"),
    )


def _build_pattern(f: _File, kind: Kind, rule_id: str, values: dict, nodes: dict, node: Node) -> YamlRule | None:
    common = _common(f, kind, rule_id, values, nodes, node)
    if "words" not in values and "regex" not in values:
        f.error(node, f"pattern rule '{rule_id}' needs 'words' or 'regex' (add one)")
        return None
    ok = common is not None
    regex_nodes = nodes["regex"].value if isinstance(nodes.get("regex"), SequenceNode) else [nodes.get("regex")]
    for regex, regex_node in zip(values.get("regex", ()), regex_nodes, strict=False):
        if compile_regex(regex, values.get("ignorecase", True)).fullmatch("") is not None:
            f.error(regex_node, "the regular expression matches empty text, so it would flag nothing (use + instead of *)")
            ok = False
    if not ok:
        return None
    return PatternRule(
        **common,  # type: ignore[arg-type]
        words=values.get("words", ()),
        regexes=values.get("regex", ()),
        ignorecase=values.get("ignorecase", True),
        context=values.get("context", ()),
        stories=values.get("stories", ()),
        claims_only=values.get("claims_only", False),
    )


def _build_ignore(f: _File, kind: Kind, rule_id: str, values: dict, nodes: dict, node: Node) -> YamlRule | None:
    return IgnoreRule(
        id=rule_id,
        message="",
        severity=Severity.INFO,
        description=values.get("description", ""),
        source=f.where(node),
        rule=values["rule"],
        match=values["match"],
        reason=values["reason"],
        rule_where=f.where(nodes["rule"]),
    )


_BUILDERS: dict[str, Callable[..., YamlRule | None]] = {
    "alias": _build_alias,
    "terms": _build_terms,
    "claim": _build_claim,
    "pattern": _build_pattern,
    "ignore": _build_ignore,
}


def check_file(path: Path, display: str) -> tuple[list[YamlRule], list[RuleFileError]]:
    """The valid rules of one file and every problem found in it."""
    f = _File(display, [])
    try:
        root = read_rule_file(path, display)
    except RuleFileError as exc:
        return [], [exc]
    if root is None:
        return [], []
    if not isinstance(root, MappingNode):
        f.error(root, f"a rule file is a mapping with a list under 'rules:', not {_describe(root)} (start the file with rules:)")
        return [], f.problems
    pairs = _pairs(f, root, "the file")
    for key, (key_node, _) in pairs.items():
        if key != "rules":
            f.error(key_node, f"unknown top-level key '{key}' ({did_you_mean(key, ['rules'])}; a rule file holds only rules:)")
    if "rules" not in pairs:
        f.error(root, "a rule file needs a list under 'rules:' (start the file with rules:)")
        return [], f.problems
    entries = pairs["rules"][1]
    if isinstance(entries, ScalarNode) and entries.tag.endswith(":null"):
        return [], f.problems
    if not isinstance(entries, SequenceNode):
        f.error(entries, f"'rules' must be a list of rules (write each rule as '- id: ...'), not {_describe(entries)}")
        return [], f.problems
    if len(entries.value) > schema.MAX_RULES:
        f.error(entries, f"{len(entries.value):,} rules in one file, over the limit of {schema.MAX_RULES:,} (split the file)")
        return [], f.problems
    rules = [r for r in (_rule(f, item) for item in entries.value) if r is not None]
    return rules, f.problems
