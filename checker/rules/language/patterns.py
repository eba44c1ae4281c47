"""Text matching for YAML rules: literal phrases, RE2 regular expressions, claim templates.

User regular expressions run on RE2, whose matching time is linear in the text, so no
pattern (``(a+)+$`` included) can hang a run. Phrases the rules list (names, terms,
words) are escaped literals, matched with Python's ``re`` so that word boundaries are
Unicode-aware; an escaped literal cannot backtrack catastrophically.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import re2

from ...text.quantities import find_quantities

TEMPLATE_GAP_WORDS = 3  # other words allowed between two words of a claim template

_LOOKAROUND = re.compile(r"\(\?<?[=!]")
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\\k<")
_GROUP_NAME = re.compile(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>")


class PatternError(ValueError):
    """A user pattern that cannot be used; the message says how to fix it."""


def _options(ignorecase: bool) -> re2.Options:
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = not ignorecase
    options.max_mem = 32 << 20  # a pattern needing more than 32 MiB of automaton is refused
    return options


@lru_cache(maxsize=1024)
def compile_regex(pattern: str, ignorecase: bool = False):
    """Compile a user regular expression with RE2; :class:`PatternError` if it cannot be."""
    if _LOOKAROUND.search(pattern):
        found = _LOOKAROUND.search(pattern).group(0)  # type: ignore[union-attr]
        raise PatternError(f"RE2 does not support look-ahead or look-behind '{found}' (match the surrounding text instead)")
    if _BACKREFERENCE.search(pattern):
        found = _BACKREFERENCE.search(pattern).group(0)  # type: ignore[union-attr]
        raise PatternError(f"RE2 does not support backreferences '{found}' (list the alternatives instead)")
    names = _GROUP_NAME.findall(pattern)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise PatternError(f"group name '{repeated[0]}' is used twice (give each named group its own name)")
    try:
        return re2.compile(pattern, _options(ignorecase))
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        if "pattern too large" in reason:
            raise PatternError("regular expression is too large for RE2 (simplify it or split it into several)") from exc
        raise PatternError(f"regular expression does not compile: {reason} (RE2 syntax: https://github.com/google/re2/wiki/Syntax)") from exc


def group_names(regex) -> tuple[str, ...]:
    """Named groups of a compiled RE2 pattern, in the order they open."""
    return tuple(sorted(regex.groupindex, key=regex.groupindex.get))


@lru_cache(maxsize=4096)
def phrase_pattern(phrase: str, ignorecase: bool = True) -> re.Pattern[str]:
    """A literal word or phrase as whole words, any whitespace between its words."""
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE if ignorecase else 0)


def names_any(text: str, names: Sequence[str]) -> bool:
    """Whether ``text`` names one of ``names`` (whole words, ignoring case)."""
    if not names or words_gate(tuple(names)).search(text) is None:
        return False
    return _any_name(tuple(names)).search(text) is not None


@lru_cache(maxsize=1024)
def words_gate(phrases: tuple[str, ...], ignorecase: bool = True) -> re.Pattern[str]:
    """A quick test that a text may use one of ``phrases``: their words with any space
    between, but no word boundaries. Only a text it matches can match ``phrase_pattern``
    of a phrase (or a ``\b`` pattern of the words), and most sentences it rejects
    10-30 times faster: Python's ``re`` tries a look-behind at every position."""
    alternatives = sorted({r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases})
    return re.compile("|".join(alternatives), re.IGNORECASE if ignorecase else 0)


@lru_cache(maxsize=1024)
def _any_name(names: tuple[str, ...]) -> re.Pattern[str]:
    return any_of([phrase_pattern(n) for n in names])


def any_of(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str]:
    """One pattern that matches where any of ``patterns`` (all with the same flags) does:
    one search instead of one per pattern, which was most of some rules' time."""
    flags = {p.flags for p in patterns}
    if len(flags) != 1:
        raise ValueError("any_of needs one or more patterns, all with the same flags")
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), flags.pop())


# ------------------------------------------------------------------ message placeholders


def placeholders(message: str) -> tuple[str, ...]:
    """The ``{names}`` a message uses; :class:`PatternError` for anything but plain names."""
    try:
        parsed = list(string.Formatter().parse(message))
    except ValueError as exc:
        raise PatternError(f"message has an unbalanced brace: {exc} (write {{{{ or }}}} for a literal brace)") from exc
    names = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise PatternError(f"message placeholder '{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}' must be a plain name such as {{variant}}")
        names.append(name)
    return tuple(names)


def format_message(message: str, values: dict[str, str]) -> str:
    """Fill a validated message's placeholders (unknown names are left as written)."""
    return string.Formatter().vformat(message, (), _Defaulting(values))


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# ------------------------------------------------------------------ claim templates and slots

_WORD = r"[\pL\pN]+(?:['’\-][\pL\pN]+)*"
_SEPARATOR = r"[^\pL\pN]+"
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million billion trillion dozen"
).split()
_NUMBER_WORD = "(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
SLOT_PATTERNS = {
    "number": rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|(?i:{_NUMBER_WORD}(?:(?:[\s-]+|\s+and\s+){_NUMBER_WORD})*)",
    "name": r"\p{Lu}[\pL\pM'’.\-]*(?:\s+\p{Lu}[\pL\pM'’.\-]*)*",
    "text": rf"{_WORD}(?:\s+{_WORD}){{0,5}}",
}
_TEMPLATE_TOKEN = re.compile(r"\{([^{}]*)\}|[^\W_]+(?:['’\-][^\W_]+)*")


def template_slots(template: str) -> tuple[str, ...]:
    """The ``{slot}`` names of a claim template; :class:`PatternError` if it is malformed."""
    if template.count("{") != template.count("}"):
        raise PatternError("unbalanced braces in the sentence (mark each slot as {name})")
    slots = []
    words = 0
    for m in _TEMPLATE_TOKEN.finditer(template):
        if m.group(1) is None:
            words += 1
            continue
        name = m.group(1).strip()
        if not name.isidentifier():
            raise PatternError(f"slot '{{{m.group(1)}}}' must be a name such as {{members}}")
        if name in slots:
            raise PatternError(f"slot '{{{name}}}' appears twice in the sentence (use it once)")
        slots.append(name)
    if not slots:
        raise PatternError("the sentence marks no slot (mark the value that must agree as {name})")
    if not words:
        raise PatternError("the sentence has no words besides its slots (add the words around the value)")
    return tuple(slots)


def template_regex(template: str, slot_types: dict[str, str]) -> str:
    """RE2 source for a claim template: its words in order, slots as typed groups."""
    gap = rf"{_SEPARATOR}(?:{_WORD}{_SEPARATOR}){{0,{TEMPLATE_GAP_WORDS}}}?"
    parts = []
    for m in _TEMPLATE_TOKEN.finditer(template):
        if m.group(1) is not None:
            name = m.group(1).strip()
            parts.append(f"(?P<{name}>{SLOT_PATTERNS[slot_types.get(name, 'text')]})")
        else:
            parts.append("(?i:" + re2.escape(m.group(0)).replace("\\’", "['’]").replace("\\'", "['’]") + ")")
    return rf"(?:^|[^\pL\pN])(?P<_claim>{gap.join(parts)})(?:$|[^\pL\pN])"


def parse_number(text: str) -> Decimal | None:
    """The value of "30", "1,200", "2.5", "thirty-two", "twelve hundred"; None if not a number."""
    cleaned = text.strip()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", cleaned):
        try:
            return Decimal(cleaned.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only admits numbers
            return None
    found = find_quantities(cleaned, exclude=())
    if len(found) == 1 and found[0].start == 0 and found[0].end >= len(cleaned.rstrip(".")) - 1:
        return Decimal(str(found[0].value))
    words = cleaned.lower().replace("-", " ").split()
    if words and all(w in _NUMBER_WORDS or w == "and" for w in words):
        found = find_quantities(" ".join(words) + " items", exclude=())
        if len(found) == 1:
            return Decimal(str(found[0].value))
    return None


def format_number(value: Decimal) -> str:
    return f"{value:,f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{int(value):,}"
