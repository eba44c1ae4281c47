"""The project's settings file, found the way ruff finds its own: ``checker.toml`` (its
top level) or ``[tool.checker]`` in ``pyproject.toml``, in the working folder or the
nearest folder above it that has one. Command-line options win over the file.

    # checker.toml
    select = ["CK101", "quote-drift"]     # only these (codes, names, YAML rule ids, packs)
    extend-select = ["russia-ukraine"]    # these on top of the default set
    ignore = ["CK105"]                    # never these
    preview = false                       # also the rules that are off by default
    rules = ["house-rules"]               # YAML rule folders, relative to this file
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError

CONFIG_NAMES = ("checker.toml", "pyproject.toml")
_KEYS = ("select", "extend-select", "ignore", "preview", "rules")


@dataclass(frozen=True)
class Config:
    """What a settings file says; ``None`` where it says nothing (the default holds)."""

    path: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    preview: bool | None = None
    rules: tuple[Path, ...] = ()  # resolved against the file's folder

    def apply(self, settings):
        """``settings`` (a ``pipeline.Settings``, whose own choices win) with this file's.

        As in ruff, a ``select`` given on the command line starts the selection afresh:
        the file's ``select``, ``extend-select`` and ``ignore`` no longer apply.
        """
        fresh = bool(settings.select)
        return replace(
            settings,
            rule_paths=(*self.rules, *settings.rule_paths),
            select=settings.select or self.select or (),
            extend_select=(*(() if fresh else self.extend_select), *settings.extend_select),
            ignore=(*(() if fresh else self.ignore), *settings.ignore),
            preview=settings.preview or bool(self.preview),
        )


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``checker.toml`` or ``pyproject.toml`` with ``[tool.checker]`` at or
    above ``start`` (the working folder by default)."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "checker.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "checker" in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def folder_settings(folder: Path, settings):
    """``settings`` with the ``checker.toml`` of ``folder`` applied, if it has one: a
    fixture story carries its own topic rules this way."""
    own = Path(folder) / "checker.toml"
    return load_config(own).apply(settings) if own.is_file() else settings


def load_config(path: Path | None = None) -> Config:
    """The settings of ``path`` (default: the one :func:`find_config` finds; none: defaults).

    Raises :class:`InputError` naming the file, the key and the fix.
    """
    path = path if path is not None else find_config()
    if path is None:
        return Config()
    if not path.is_file():
        raise InputError(f"{path}: no such settings file (check the --config path)")
    table = _read(path)
    if path.name == "pyproject.toml":
        table = table.get("tool", {}).get("checker", {})
    for key in table:
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(_KEYS)}"
            raise InputError(f"{path}: unknown setting '{key}' ({hint})")
    preview = table.get("preview")
    if preview is not None and not isinstance(preview, bool):
        raise InputError(f"{path}: 'preview' must be true or false")
    return Config(
        path=path,
        select=_names(path, table, "select") if "select" in table else None,
        extend_select=_names(path, table, "extend-select"),
        ignore=_names(path, table, "ignore"),
        preview=preview,
        rules=tuple(path.parent / p for p in _names(path, table, "rules")),
    )


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc} (fix the file or pass --config)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the settings file: {exc}") from None


def _names(path: Path, table: dict, key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{path}: '{key}' must be a list of strings, like {key} = [\"CK101\"]")
    return tuple(value)
