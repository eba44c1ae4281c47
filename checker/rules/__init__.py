"""The rule layer. ``base`` says what a rule is and runs rules; ``builtin/`` holds the
built-in rules, one module each (``ck101_name_variant.py``); ``language/`` is the YAML rule
language (schema, validation, the engine that runs YAML rules, their examples);
``ruleset`` loads the rules of one run from both.
"""

from __future__ import annotations

from .base import (
    REGISTRY,
    Rule,
    RuleContext,
    RuleOutput,
    Selection,
    apply_rules,
    finish_rules,
    fingerprint,
    register,
    run_rules,
    sort_findings,
)
from .builtin import builtin_rules
from .ruleset import RuleSet, load_rules

__all__ = [
    "REGISTRY",
    "Rule",
    "RuleContext",
    "RuleOutput",
    "RuleSet",
    "Selection",
    "apply_rules",
    "builtin_rules",
    "finish_rules",
    "fingerprint",
    "load_rules",
    "register",
    "run_rules",
    "sort_findings",
]
