"""A whole run's result, kept for the same input: a warm re-run of an unchanged corpus
reads it back instead of grouping, matching and running rules again.

The key hashes everything a result depends on: every input file's bytes and how it is
named, the notes on files skipped, the settings, the model id, the rules (built-in rule
classes and YAML rules) and the source of this package. Change any of them and the key
changes, so an entry is never stale. Values are compressed JSON written by
``serialise.result_to_json`` (never pickle: a cache file must not be able to run code), in
the embedding cache's SQLite file.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from .rules.ruleset import SHIPPED_RULES
from .serialise import FORMAT


@cache
def code_fingerprint() -> str:
    """Hash of this package's source and shipped rule files: a code change is a new key.
    Paths count relative to the package, so a checkout moved or installed elsewhere (or a
    cluster worker's copy, ``cluster.py``) has the same fingerprint."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    rules = sorted(p for p in SHIPPED_RULES.rglob("*") if p.suffix in (".yaml", ".yml", ".toml"))
    for root, files in ((package, sorted(package.rglob("*.py"))), (SHIPPED_RULES, rules)):
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def run_key(inputs: str, settings: object, ruleset: object, model: str) -> str:
    """The memo key of a run over files with fingerprint ``inputs`` (``Inputs.fingerprint``:
    the bytes read, before any parsing, so a warm run skips the parsing too); ``settings``
    and ``ruleset`` are hashed by their repr (with object addresses removed, so equal
    settings give equal keys across processes)."""
    digest = hashlib.sha256(f"{FORMAT}\x1f{code_fingerprint()}\x1f{model}\x1f{inputs}\x1f".encode())
    rules = [type(r).__module__ + "." + type(r).__qualname__ for r in getattr(ruleset, "rules", ())]
    yaml = getattr(ruleset, "yaml_rules", ())
    for part in (repr(settings), repr(rules), repr(yaml)):
        digest.update(re.sub(r" at 0x[0-9a-f]+", "", part).encode())
        digest.update(b"\x1f")
    return digest.hexdigest()


