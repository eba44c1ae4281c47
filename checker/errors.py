"""The project's own exceptions.

The library raises these and never prints or exits; the CLI maps every one of them to a
one-line message and exit code 2. Each message names the file and says what to do.
"""

from __future__ import annotations


class CheckerError(Exception):
    """Base class: something the user can fix (bad input, bad rule, bad option)."""


class InputError(CheckerError):
    """A path or argument that cannot be used at all (missing path, no articles)."""


class ArticleError(CheckerError):
    """One article file cannot be read; ``path`` names it."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message


class RuleFileError(CheckerError):
    """A rule file is invalid; formatted as ``path:line:column: message``."""

    def __init__(self, path: str, line: int, message: str, column: int = 1) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path = path
        self.line = line
        self.column = column
        self.reason = message


class ModelError(CheckerError):
    """The embedding model cannot be loaded."""
