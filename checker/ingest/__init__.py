"""Read articles from files, folders and manifests into ``Article`` values.

One reader per format (``text``, ``html``, ``manifest``); ``metadata`` fills in what the
files do not state. Input files are only ever read. Problems a user can fix raise
``InputError``/``ArticleError``; files met while walking a folder that hold no text at
all (binary, empty, unreadable, unknown type) are skipped with a note instead, so one
stray file does not stop a run; so are articles not in English (``language``). The same
text twice is kept once, and wire copy carried by several outlets once (``duplicates``),
each with a note. A file that is meant as an article but is malformed
(front matter, manifest row) is an error wherever it is found: skipping it would hide it.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from checker.duplicates import collapse_near_copies
from checker.errors import ArticleError, InputError
from checker.ingest.html import read_html
from checker.ingest.language import not_english
from checker.ingest.manifest import read_csv, read_jsonl
from checker.ingest.metadata import RawArticle, finish_article, harmonise_outlet_spelling
from checker.ingest.text import UnusableFile, decode, read_text
from checker.models import Article
from checker.plural import counted

__all__ = [
    "KNOWN_SUFFIXES", "Inputs", "UnusableFile", "parse_inputs", "read_articles", "read_inputs", "refuse_overwriting_inputs",
]

_READERS: dict[str, Callable[[str, str, str], list[RawArticle]]] = {
    ".txt": lambda text, path, name: [read_text(text, path, name)],
    ".md": lambda text, path, name: [read_text(text, path, name)],
    ".markdown": lambda text, path, name: [read_text(text, path, name)],
    ".html": lambda text, path, name: [read_html(text, path, name)],
    ".htm": lambda text, path, name: [read_html(text, path, name)],
    ".jsonl": lambda text, path, name: read_jsonl(text, path),
    ".csv": lambda text, path, name: read_csv(text, path),
}
KNOWN_SUFFIXES = tuple(_READERS)
# No news article is this long; a file that is, is a dump or a mistake, and would take
# minutes to split and embed. Manifests hold many articles and get more room.
MAX_ARTICLE_BYTES = 5_000_000
MAX_MANIFEST_BYTES = 200_000_000
# Files that sit beside articles on purpose (fixture expectations, rule files, READMEs):
# skipped in folders without a note.
SIDECAR_SUFFIXES = (".yaml", ".yml", ".toml")  # expected.yaml, rule files, checker.toml: read by others
SIDECAR_NAMES = ("README.md", "README.txt", "LICENSE", "LICENSE.txt")


@dataclass(frozen=True)
class _Source:
    """A file to read: where it is, how to show it, and whether the user named it."""

    file: Path
    display: str
    explicit: bool
    folder_story: str | None


@dataclass(frozen=True)
class Inputs:
    """The files of a run, read but not parsed, in order, with the notes on files skipped
    while finding them. Cheap to build (no parsing): a warm re-run is keyed on it."""

    entries: tuple[tuple[_Source, bytes] | str, ...]  # a file and its bytes, or a note, in reading order
    given: tuple[str, ...] = ()  # the paths as the user gave them, for error messages

    @property
    def size(self) -> int:
        """Bytes read."""
        return sum(len(entry[1]) for entry in self.entries if not isinstance(entry, str))

    def fingerprint(self) -> str:
        """A hash of what the files say and how they are shown: equal inputs, equal hash."""
        digest = hashlib.sha256()
        for entry in self.entries:
            if isinstance(entry, str):
                digest.update(b"note\x1f" + entry.encode() + b"\x1e")
                continue
            source, data = entry
            described = f"{source.display}\x1f{source.file.suffix.lower()}\x1f{source.file.name}\x1f{source.explicit}\x1f{source.folder_story}"
            digest.update(described.encode() + b"\x1f" + hashlib.sha256(data).digest() + b"\x1e")
        return digest.hexdigest()


def read_articles(
    paths: Sequence[str | Path], *, story_from_folders: bool = False, cwd: Path | None = None
) -> tuple[list[Article], list[str]]:
    """The articles in files and folders (sorted by path) and one-line notes on what was
    skipped or collapsed.

    Folders are read recursively in sorted order, skipping hidden entries. Relative
    paths are taken from ``cwd`` (default: the working directory), and article paths are
    shown relative to it. With ``story_from_folders`` an article's story, unless stated in
    the file, is the first sub-folder below the folder given.
    """
    return parse_inputs(read_inputs(paths, cwd=cwd), story_from_folders=story_from_folders)


def read_inputs(paths: Sequence[str | Path], *, cwd: Path | None = None) -> Inputs:
    """The files under ``paths`` and their bytes (the first step of :func:`read_articles`)."""
    if isinstance(paths, str | Path):
        paths = [paths]
    base = Path(cwd) if cwd is not None else Path.cwd()
    entries: list[tuple[_Source, bytes] | str] = []  # _sources and _load append their notes here
    for source in _sources(paths, base, entries):
        data = _load(source, entries)
        if data is not None:
            entries.append((source, data))
    notes = [e for e in entries if isinstance(e, str)]
    if len(notes) == len(entries):
        raise _nothing_to_check(paths, notes)
    return Inputs(tuple(entries), tuple(str(p) for p in paths))


def parse_inputs(
    inputs: Inputs, *, story_from_folders: bool = False, near_copies: bool = True
) -> tuple[list[Article], list[str]]:
    """The articles of files read by :func:`read_inputs`, and the notes (see :func:`read_articles`).

    ``near_copies=False`` leaves wire copy in, for a caller that looks for it itself
    (:func:`checker.duplicates.find_near_copies`) and adds its notes after these.
    """
    notes: list[str] = []
    articles: list[Article] = []
    for entry in inputs.entries:
        if isinstance(entry, str):
            notes.append(entry)
            continue
        source, data = entry
        for raw in _parse(source, data, notes):
            if story_from_folders and source.folder_story and "story" not in raw.fields:
                raw = replace(raw, fields={**raw.fields, "story": source.folder_story})
            try:
                article, article_notes = finish_article(raw)
            except ValueError as exc:
                location = raw.path.replace("#", ":", 1)
                raise ArticleError(location, str(exc)) from None
            foreign = not_english(article)
            if foreign:
                notes.append(f"skipped {article.path}: {foreign}")
                continue
            articles.append(article)
            notes.extend(article_notes)

    if not articles:
        raise _nothing_to_check(inputs.given, notes)
    articles.sort(key=lambda a: _path_key(a.path))
    articles = harmonise_outlet_spelling(_collapse_duplicates(articles, notes))
    if near_copies:
        articles, copies = collapse_near_copies(articles)
        notes.extend(copy.note() for copy in copies)
    return articles, notes


def refuse_overwriting_inputs(destination: str | Path, inputs: Sequence[str | Path]) -> None:
    """Raise InputError when writing ``destination`` would overwrite what a run reads.

    An input folder stands for the files a run reads in it: articles (also those skipped
    as duplicates, which are in no result) and rule files. Other files in it
    (checker.sarif, a JSON report) are not inputs and may be replaced.
    """
    if str(destination) == "-":
        return
    resolved = Path(destination).resolve()
    for given in inputs:
        path = Path(given).resolve()
        inside = (
            path.is_dir()
            and resolved.is_file()
            and resolved.is_relative_to(path)
            and resolved.suffix.lower() in (*KNOWN_SUFFIXES, *SIDECAR_SUFFIXES)
        )
        if resolved == path or inside:
            where = f" (it is read from the input folder {given})" if inside else ""
            raise InputError(f"{destination}: refusing to overwrite an input file{where}; choose another -o path")


def _nothing_to_check(paths: Sequence[str | Path], notes: list[str]) -> InputError:
    """The error for a run without articles; it names the first file skipped, if any, so
    that a lone foreign-language or binary file says what was wrong with it."""
    named = ", ".join(str(p) for p in paths) or "(no paths given)"
    skipped = [note for note in notes if note.startswith("skipped ")]
    if skipped:
        more = f" ({counted(len(skipped) - 1, 'more file')} skipped)" if len(skipped) > 1 else ""
        return InputError(f"no articles to check in {named}: {skipped[0]}{more}")
    return InputError(
        f"no articles found in {named}; give .txt/.md/.html files or a .jsonl/.csv manifest"
    )


def _sources(paths: Sequence[str | Path], base: Path, notes: list) -> Iterator[_Source]:
    """Every file to read, in order, once each; notes files in folders that are skipped."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if not path.is_absolute():
            path = base / path
        if not path.exists():
            if path.is_symlink():
                raise InputError(
                    f"{given}: is a symbolic link that leads nowhere (a loop or a missing target); "
                    "fix or remove the link"
                )
            raise InputError(f"{given}: no such file or folder; check the path")
        if path.is_dir():
            candidates = [
                (file, _folder_story(path, file), False) for file in _walk(path)
            ]
        else:
            candidates = [(path, None, True)]
        for file, story, explicit in candidates:
            key = _resolved(file)
            if key in seen:
                continue
            seen.add(key)
            display = _display_path(file, base)
            if not explicit and (file.suffix.lower() in SIDECAR_SUFFIXES or file.name in SIDECAR_NAMES):
                continue
            if file.suffix.lower() not in _READERS:
                kind = f"'{file.suffix}'" if file.suffix else "(no extension)"
                message = f"unknown file type {kind}; give {', '.join(KNOWN_SUFFIXES)} files"
                if explicit:
                    raise ArticleError(display, message)
                notes.append(f"skipped {display}: {message}")
                continue
            yield _Source(file, display, explicit, story)


def _load(source: _Source, notes: list) -> bytes | None:
    """The bytes of one file; a file in a folder that cannot be read becomes a note."""
    try:
        try:
            status = source.file.stat()
            if not stat.S_ISREG(status.st_mode):
                raise UnusableFile(
                    source.display,
                    "is not a regular file (a pipe, socket or device); save the article as a file",
                )
            size = status.st_size
            limit = MAX_MANIFEST_BYTES if source.file.suffix.lower() in (".jsonl", ".csv") else MAX_ARTICLE_BYTES
            if size > limit:
                raise UnusableFile(
                    source.display,
                    f"is {size / 1e6:.1f} MB, over the {limit // 1_000_000} MB limit for one "
                    f"{'manifest' if limit == MAX_MANIFEST_BYTES else 'article'}; split it into smaller files",
                )
            return source.file.read_bytes()
        except OSError as exc:
            raise UnusableFile(source.display, f"cannot be read ({exc.strerror})") from None
    except UnusableFile as exc:
        if source.explicit:
            raise
        notes.append(f"skipped {exc}")
        return None


def _parse(source: _Source, data: bytes, notes: list[str]) -> list[RawArticle]:
    """The raw articles in one file's bytes; an unusable file in a folder becomes a note."""
    try:
        text = decode(data, source.display)
        reader = _READERS[source.file.suffix.lower()]
        return reader(text, source.display, source.file.name)
    except UnusableFile as exc:
        if source.explicit:
            raise
        notes.append(f"skipped {exc}")
        return []


def _walk(folder: Path) -> list[Path]:
    """Files below a folder, sorted by their path parts, without hidden files or folders."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(root) / f for f in files if not f.startswith("."))
    return sorted(found, key=lambda f: f.relative_to(folder).parts)


def _folder_story(folder: Path, file: Path) -> str | None:
    parts = file.relative_to(folder).parts
    return parts[0] if len(parts) > 1 else None


def _display_path(file: Path, base: Path) -> str:
    """The path relative to ``base`` (the working directory), '/'-separated.

    A file outside it is shown with ``..`` steps, not as an absolute path: a report names
    the same files on every machine that has the same layout (determinism, issue 5).
    Symbolic links are not resolved unless that is the only way to relate the two.
    """
    absolute = Path(os.path.abspath(file))
    pairs = ((absolute, Path(os.path.abspath(base))), (_resolved(file), _resolved(base)))
    for candidate, root in pairs:
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            continue
    return Path(os.path.relpath(absolute, os.path.abspath(base))).as_posix()


def _resolved(file: Path) -> Path:
    """``file`` with its symbolic links resolved, for spotting a file given twice; a link
    loop resolves to itself (``Path.resolve`` raises on loops) and is refused when read."""
    try:
        return file.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(file))


def _path_key(path: str) -> tuple[tuple[str, ...], int]:
    """Sort key: path parts, then manifest row number as a number (#9 before #10)."""
    file, _, row = path.partition("#")
    return tuple(file.split("/")), int(row) if row.isdigit() else -1


def _collapse_duplicates(articles: list[Article], notes: list[str]) -> list[Article]:
    """Keep the first article (by path) of each text; note the others."""
    kept: dict[str, Article] = {}
    result: list[Article] = []
    for article in articles:
        first = kept.get(article.content_hash)
        if first is not None:
            notes.append(
                f"duplicate: {article.path} has the same text as {first.path}; kept {first.path}"
            )
            continue
        kept[article.content_hash] = article
        result.append(article)
    return result
