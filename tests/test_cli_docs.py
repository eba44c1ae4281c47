"""The command line matches its documentation, and its help reads well.

Every ``checker ...`` command line in README.md, docs/*.md and the READMEs of claims/ and
fixtures/ (in code blocks and in inline code) is parsed by the real command-line parser:
a concrete command must parse whole (options exist, take the values they are given,
choices are valid); a synopsis (``checker report ARTICLES... [-o FILE|-]``) must name
commands and options that exist. The examples in every ``--help`` are parsed the same way.
The help itself: flags shown as flags, no raw type names, one usage style, paragraphs not
broken mid-sentence, examples in every command's help (the top level included).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from checker.cli import app

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = [
    REPO / "README.md",
    *sorted((REPO / "docs").glob("*.md")),
    REPO / "claims" / "README.md",
    REPO / "fixtures" / "README.md",
]
ROOT = typer.main.get_command(app)
runner = CliRunner()

# A placeholder in a synopsis: FILE, ARTICLES..., OLD.json, FILE.jsonl, T.
_PLACEHOLDER = re.compile(r"[A-Z][A-Z_]*(?:\.[a-z]+)?(?:\.\.\.)?")
_OPTION = re.compile(r"--?[A-Za-z][\w-]*")
_SHELL_END = (">", ">>", "|", "&&", ";", "2>&1")


@dataclass(frozen=True)
class Documented:
    where: str  # file:line
    command: str
    inline: bool  # inline code: may name a command without its required arguments


def _code_lines(path: Path) -> list[tuple[int, str, bool]]:
    """(line number, text, in a code block) for every line of a markdown file."""
    out = []
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        out.append((number, line, fenced))
    return out


def _without_comment(line: str) -> str:
    return re.split(r"\s+#\s", line, maxsplit=1)[0].rstrip()


def documented_commands() -> list[Documented]:
    found: list[Documented] = []
    for path in DOCUMENTS:
        if not path.exists():
            continue
        name = path.relative_to(REPO).as_posix()
        lines = _code_lines(path)
        index = 0
        while index < len(lines):
            number, line, fenced = lines[index]
            index += 1
            indented_block = line.startswith("    ") and not line.lstrip().startswith(("-", "*"))
            if fenced or indented_block:
                m = re.match(r"\s*(?:\$\s+|-?\s*run:\s+|.*\bbin/)?(checker\s.*)", line)
                if not m:
                    continue
                command = _without_comment(m.group(1))
                # A synopsis may go on over indented lines: "               [--rules DIR]..."
                while command.endswith("\\") or (
                    index < len(lines) and lines[index][2] and re.match(r"\s+(?:\[|--?[a-z])", lines[index][1])
                ):
                    command = command.rstrip("\\").rstrip() + " " + _without_comment(lines[index][1]).strip()
                    index += 1
                found.append(Documented(f"{name}:{number}", command, inline=False))
            else:
                for m in re.finditer(r"`(checker\s[^`]+)`", line):
                    found.append(Documented(f"{name}:{number}", m.group(1), inline=True))
    return found


DOCUMENTED = documented_commands()


def _resolve(tokens: list[str]):
    """The command a command line names, the words naming it, and the arguments after them."""
    command, path, rest = ROOT, ["checker"], list(tokens[1:])
    while hasattr(command, "commands"):
        while rest and rest[0].startswith("-"):  # group options such as --debug
            assert any(rest[0] in (*p.opts, *p.secondary_opts) for p in command.params), f"no option {rest[0]} on {' '.join(path)}"
            rest.pop(0)
        if not rest:
            break
        sub = command.commands.get(rest[0])
        assert sub is not None, f"{' '.join(path)} has no command {rest[0]!r} (it has {', '.join(command.commands)})"
        command = sub
        path.append(rest.pop(0))
    return command, path, rest


def _options(command) -> dict[str, object]:
    return {name: p for p in command.params if p.param_type_name == "option" for name in (*p.opts, *p.secondary_opts)}


def check_command_line(text: str, inline: bool = False) -> None:
    """Assert that a documented command line fits the real command line (see the module doc)."""
    tokens = shlex.split(text)
    for n, token in enumerate(tokens):
        if token in _SHELL_END:
            tokens = tokens[:n]
            break
    command, path, rest = _resolve(tokens)
    options = _options(command)
    synopsis = any("[" in t or "]" in t or "..." in t or t == "|" or _PLACEHOLDER.fullmatch(t) for t in rest)
    if synopsis:
        words = [w for t in rest for w in re.split(r"[\[\]|]", t) if w]
        for n, word in enumerate(words):
            if not _OPTION.fullmatch(word.split("=")[0]):
                continue
            option = options.get(word.split("=")[0])
            assert option is not None, f"{' '.join(path)} has no option {word} (it has {', '.join(sorted(options))})"
            if not option.is_flag and "=" not in word:
                following = words[n + 1] if n + 1 < len(words) else None
                assert following is not None and not _OPTION.fullmatch(following), f"{word} takes a value"
        return
    if hasattr(command, "commands"):
        assert not rest or inline, f"{' '.join(path)} needs a command"
        return
    try:
        command.make_context(" ".join(path), rest)
    except Exception as exc:  # click's UsageError and its subclasses
        # Inline code may name a command, or an option, without the values it needs.
        missing = type(exc).__name__ == "MissingParameter" or "requires an argument" in str(exc)
        if not (inline and missing):
            raise AssertionError(f"{text!r} does not parse: {type(exc).__name__}: {getattr(exc, 'message', exc)}") from None


def test_the_documents_show_commands() -> None:
    """The scan finds the command lines (so the test below cannot pass by finding none)."""
    assert len(DOCUMENTED) > 40
    commands = {tuple(d.command.split()[:2]) for d in DOCUMENTED}
    assert {("checker", "report"), ("checker", "check"), ("checker", "diff"), ("checker", "rules")} <= commands


@pytest.mark.parametrize("documented", DOCUMENTED, ids=[f"{d.where} {d.command[:40]}" for d in DOCUMENTED])
def test_documented_command_lines_parse(documented: Documented) -> None:
    check_command_line(documented.command, documented.inline)


@pytest.mark.parametrize(
    "line",
    [
        "checker report articles/ --no-such-option",
        "checker report articles/ --format pdf",
        "checker check",
        "checker rules lint",
        "checker report ARTICLES... [--nope FILE]",
        "checker report ARTICLES... [--cache]",
    ],
)
def test_a_command_line_that_does_not_fit_is_caught(line: str) -> None:
    with pytest.raises(AssertionError):
        check_command_line(line)


# --------------------------------------------------------------------------- --help


def _all_commands(command=ROOT, path=("checker",)):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _all_commands(sub, (*path, name))


COMMANDS = list(_all_commands())


def _help(path: tuple[str, ...]) -> str:
    result = runner.invoke(app, [*path[1:], "--help"], prog_name="checker", terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_reads_well(path: tuple[str, ...]) -> None:
    text = _help(path)
    command = dict(COMMANDS)[path]
    lines = text.splitlines()

    # One usage style: "Usage: checker report [OPTIONS] [PATHS]...", arguments in capitals.
    usage = lines[0]
    pattern = re.escape(f"Usage: {' '.join(path)} [OPTIONS]") + r"( COMMAND \[ARGS\]\.\.\.| \[?[A-Z][A-Z_]*\]?(\.\.\.)?)*"
    assert re.fullmatch(pattern, usage), usage

    # No raw type names, flags shown as flags.
    assert not re.search(r"<(?:bool|str|int|float|path|Path|list\[[^>]*\])>|list\[", text), text
    for param in command.params:
        if param.param_type_name == "option" and param.is_flag:
            opt = param.opts[-1]
            row = next(line for line in lines if re.match(rf"\s+(?:-\w, )?{re.escape(opt)}\b", line))
            assert re.match(rf"\s+(?:-\w, )?{re.escape(opt)}( / --[\w-]+)?(\s\s|$)", row), f"flag {opt} shown with a value: {row!r}"

    # Examples, and each of them parses.
    examples = [line.strip() for line in lines if line.startswith("    checker ")]
    assert examples, f"no examples in `{' '.join(path)} --help`"
    for example in examples:
        assert example.startswith(" ".join(path)) or len(path) == 1, example
        check_command_line(example)

    # Paragraphs re-flowed, not broken mid-sentence: a line of prose ends only where the
    # next word would not fit.
    description = text.split("\nArguments:\n")[0].split("\nOptions:\n")[0]
    for paragraph in description.split("\n\n")[1:]:
        rows = paragraph.splitlines()
        if not rows or rows[0].startswith("    "):  # examples, kept as written
            continue
        for row, following in zip(rows, rows[1:]):
            assert len(row) + 1 + len(following.split()[0]) > 78, f"paragraph broken early: {row!r} / {following!r}"

    # Command lists give each command's whole summary, never cut with "...".
    if "\nCommands:\n" in text:
        for row in text.split("\nCommands:\n")[1].splitlines():
            assert not row.rstrip().endswith("..."), row


def test_help_keeps_square_brackets() -> None:
    """`[tool.checker]` reaches the help (Rich markup would eat it)."""
    assert "[tool.checker]" in " ".join(_help(("checker", "report")).split())


# --------------------------------------------------------------------------- plurals


def test_counts_take_the_right_number() -> None:
    from checker.plural import counted, plural

    assert [counted(1, "story"), counted(2, "story"), counted(0, "finding")] == ["1 story", "2 stories", "0 findings"]
    assert [plural("shared claim"), plural("match"), plural("day"), plural("entry")] == ["shared claims", "matches", "days", "entries"]


def test_a_one_article_report_counts_in_the_singular() -> None:
    from checker.models import Article, CheckResult, Story
    from checker.report import render

    result = CheckResult(
        articles=(Article("a.txt", "One sentence.", "Coast Wire"),),
        sentences=(),
        stories=(Story("s", ("a.txt",), "one"),),
        claims=(),
        model="m",
    )
    report = render(result, "markdown")
    assert "1 article from 1 outlet (Coast Wire), 1 story;" in report
    summary = render(result, "summary")
    assert "1 article from 1 outlet, 1 story, 0 shared claims." in summary
    for text in (report, summary):
        assert not re.search(r"\b1 (?:articles|outlets|stories|findings|claims|shared claims|rules)\b", text)


def test_no_count_in_the_code_is_printed_with_a_fixed_plural() -> None:
    """f-strings such as f"{len(x)} stories" say "1 stories"; they go through plural.counted."""
    offenders = []
    for path in [REPO / "checker" / "cli.py", *sorted((REPO / "checker" / "report").glob("*.py")), *sorted((REPO / "checker" / "ingest").glob("*.py"))]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # "{n} stories", "{len(x) - 10} more findings"; "1 of {total} examples" reads well as it is.
            if re.search(r"(?<!of )\{(?![^{}]*join)[^{}:]*\} (?:more )?(?:articles|outlets|stories|findings|rules|files|claims|examples|traps|notes|problems|pairs)\b", line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
