"""Read one rule file safely: YAML syntax, size limits, and positions for every value.

Rule files are data written by users, so reading one must never run code, eat the
memory or hang: this module uses PyYAML's safe composer, refuses files over
``MAX_FILE_BYTES``, YAML aliases (``*name``, which make "billion laughs" bombs possible),
nesting deeper than ``MAX_DEPTH`` and more than ``MAX_NODES`` values, and any tag other
than the plain YAML types. It returns the composed node tree (not Python values), so
the validator can point at the line and column of every key and value.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ...errors import RuleFileError
from ...yaml_errors import syntax_problem

MAX_FILE_BYTES = 1024 * 1024  # 1 MiB: a style book of thousands of rules fits easily
MAX_DEPTH = 12  # the deepest schema path is rules > rule > examples > flag > item > articles > text
MAX_NODES = 200_000  # values in one file; bounds memory before validation starts

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


def position(node: Node) -> tuple[int, int]:
    """1-based (line, column) where ``node`` starts."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def error_at(path: str, node: Node, message: str) -> RuleFileError:
    line, column = position(node)
    return RuleFileError(path, line, message, column)


class _SafeComposer(yaml.SafeLoader):
    """SafeLoader's composer with the limits above; it never constructs Python objects."""

    def __init__(self, stream: str, path: str) -> None:
        super().__init__(stream)
        self._path = path
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: object) -> Node:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise self._error_at(event, f"YAML alias '*{event.anchor}' is not allowed in rule files (write the value out instead)")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise self._error_at(event, f"too many values: a rule file holds at most {MAX_NODES:,} (split it into several files)")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise self._error_at(event, f"nested deeper than {MAX_DEPTH} levels (rule files are shallow; check the indentation)")
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node.tag not in _PLAIN_TAGS:
            raise error_at(self._path, node, f"YAML tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed (rule files hold plain values only)")
        return node

    def _error_at(self, event: yaml.Event, message: str) -> RuleFileError:
        """An error at the event's position, 1-based like every rule-file message."""
        return RuleFileError(self._path, event.start_mark.line + 1, message, event.start_mark.column + 1)


def read_rule_file(path: Path, display: str | None = None) -> Node | None:
    """The composed YAML document of ``path``, or None for an empty file.

    Raises :class:`RuleFileError` (``path:line:column: message``) for unreadable files,
    files over the size limit, YAML syntax errors, aliases, deep nesting and unsafe tags.
    """
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RuleFileError(
                shown, 1, f"rule file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,} (split it into several files)"
            )
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(shown, 1, f"rule file is not UTF-8 text ({exc.reason} at byte {exc.start}; save it as UTF-8)") from exc
    except OSError as exc:
        raise RuleFileError(shown, 1, f"cannot read rule file: {exc.strerror or exc} (check the path and permissions)") from exc
    try:
        loader = _SafeComposer(text, shown)
    except yaml.reader.ReaderError as exc:
        # Raised while the loader reads the text, before any parsing: a control character.
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        raise RuleFileError(
            shown, line, f"invalid YAML: character #x{exc.character:04x} is not allowed (remove it)", column
        ) from None
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        # The line where the mistake starts (an unclosed quote: where it opens), not
        # where PyYAML noticed it (the end of the file); see checker/yaml_errors.py.
        start = syntax_problem(exc)
        found = f" on line {start.found_line + 1}" if start.found_line is not None else ""
        message = f"invalid YAML: {start.problem}{found} ({_syntax_hint(start.problem)})"
        raise RuleFileError(shown, start.line + 1, message, start.column + 1) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML parse error is marked
        raise RuleFileError(shown, 1, f"invalid YAML: {exc} (fix the syntax)") from exc
    finally:
        loader.dispose()


_SYNTAX_HINTS = (
    ("'\\t'", "indent with spaces, not tabs"),
    ("<block end>", "check the indentation: the keys of one rule must line up"),
    ("mapping values are not allowed", "put quotes around a value that contains ': '"),
    ("found unexpected end of stream", "close the quote"),
    ("expected ',' or ']'", "close the list with ]"),
    ("expected ',' or '}'", "close the mapping with }"),
)


def _syntax_hint(problem: str) -> str:
    return next((hint for marker, hint in _SYNTAX_HINTS if marker in problem), "fix the syntax")


def scalar_value(node: ScalarNode) -> object:
    """The Python value of a plain scalar: str, int, float, bool, None or date."""
    value = yaml.constructor.SafeConstructor().construct_object(node)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "error_at",
    "position",
    "read_rule_file",
    "scalar_value",
]
