"""Where a YAML syntax error starts, for messages that name a line people can go to.

PyYAML marks a syntax error twice: where it noticed the problem (``problem_mark``) and
where the construct it was reading began (``context_mark``). For an unclosed quote the
first is the end of the file and the second the opening quote; for an unclosed ``[`` the
first is the next key and the second the bracket. Those constructs (a quoted or block
scalar, a key, an anchor or tag, a flow list or mapping) start where the mistake is, so
their start is the line to show. A block mapping or list is different: its start is the
top of the enclosing block (often line 1), and the mistake is where the indentation went
wrong, which is the problem mark.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

_STARTS_AT_CONTEXT = ("while scanning a", "while scanning an", "while parsing a flow")


@dataclass(frozen=True)
class SyntaxProblem:
    line: int  # 0-based, like PyYAML's marks
    column: int
    problem: str  # what PyYAML says, e.g. "while scanning a quoted scalar, found unexpected end of stream"
    found_line: int | None = None  # 0-based line where it was noticed, when that is another line


def syntax_problem(exc: yaml.MarkedYAMLError) -> SyntaxProblem:
    """The start of the construct a syntax error is about, and what is wrong."""
    problem = ", ".join(part for part in (exc.context, exc.problem) if part) or "syntax error"
    found, context = exc.problem_mark, exc.context_mark
    if context is not None and (exc.context or "").startswith(_STARTS_AT_CONTEXT):
        elsewhere = found.line if found is not None and found.line != context.line else None
        return SyntaxProblem(context.line, context.column, problem, elsewhere)
    mark = found or context
    return SyntaxProblem(mark.line if mark else 0, mark.column if mark else 0, problem)
