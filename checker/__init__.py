"""checker: find where news outlets reporting one event disagree.

Library first: ``check(paths, settings)`` does the whole job and returns a
:class:`CheckResult` (``store=`` checks new articles against a corpus store; ``add``
stores articles without a report); it raises :class:`CheckerError` subclasses and never
prints or exits.
The ``checker`` command is a thin layer over it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import ArticleError, CheckerError, InputError, ModelError, RuleFileError  # noqa: E402
from .models import Article, CheckResult, Claim, Evidence, Finding, Sentence, Severity, Story  # noqa: E402


def __getattr__(name: str):
    # check(), add() and Settings pull in the whole pipeline; load them on first use only.
    if name in ("check", "add", "Settings"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'checker' has no attribute {name!r}")


__all__ = [
    "Article",
    "ArticleError",
    "CheckResult",
    "CheckerError",
    "Claim",
    "Evidence",
    "Finding",
    "InputError",
    "ModelError",
    "RuleFileError",
    "Sentence",
    "Severity",
    "Settings",
    "Story",
    "add",
    "check",
    "__version__",
]
