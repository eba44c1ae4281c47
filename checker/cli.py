"""The ``checker`` command: each command is one library call plus error mapping.

Exit codes: 0 success, 1 findings at or above ``--fail-on`` (``check``), 2 usage, input
or rule-file errors. Errors are one line on stderr naming the file and what to do; a
traceback only with ``--debug``.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import CheckerError

app = typer.Typer(
    help="Find where news outlets reporting one event disagree: names, framing, numbers, dates, quotes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="List the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

_state = {"debug": False}


class Format(str, Enum):
    markdown = "markdown"
    json = "json"


class StoryMode(str, Enum):
    auto = "auto"
    folders = "folders"


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"checker: error: {message}", err=True)
    raise typer.Exit(code)


def _run(action: Callable[[], int | None]) -> None:
    """Run a library call, mapping the project's errors to one line and exit code 2."""
    try:
        code = action() or 0
    except CheckerError as exc:
        if _state["debug"]:
            traceback.print_exc()
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("interrupted; nothing was written", 130)
    except Exception as exc:  # a bug: say so in one line unless debugging
        if _state["debug"]:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
    else:
        raise typer.Exit(code)


def _progress_enabled() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def _progress_factory(stack: ExitStack):
    if not _progress_enabled():
        return lambda stage, total: (lambda n: None)
    from tqdm import tqdm

    def factory(stage: str, total: int):
        bar = stack.enter_context(tqdm(total=total, desc=stage, unit="sentence", leave=False, file=sys.stderr))
        return bar.update

    return factory


def _default_output(paths: list[Path], fmt: Format) -> Path:
    first = paths[0].resolve()
    name = first.stem if first.is_file() else first.name
    return Path("reports") / f"{name or 'report'}.{'md' if fmt is Format.markdown else 'json'}"


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    _state["debug"] = debug


@app.command()
def report(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt .md .html, .jsonl/.csv manifests).")],
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="Where to write; '-' for stdout. Default: reports/<name>.md")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.markdown,
    model: Annotated[str, typer.Option("--model", help="sentence-transformers model name or local path.")] = "all-MiniLM-L6-v2",
    rules: Annotated[Optional[list[Path]], typer.Option("--rules", help="Extra YAML rule folder or file (repeatable).")] = None,
    stories: Annotated[StoryMode, typer.Option("--stories", help="'auto' groups articles by date and content; 'folders' uses sub-folders.")] = StoryMode.auto,
    cache: Annotated[Path, typer.Option("--cache", help="Embedding cache (SQLite); safe to delete.")] = Path(".checker/embeddings.sqlite"),
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the embedding cache.")] = False,
) -> None:
    """Write a consistency report for the articles under PATHS.

    Examples:

      checker report fixtures/nato-2022

      checker report articles/ -o - --format json
    """

    def action() -> None:
        from .pipeline import Settings, check
        from .report import render, write_output

        settings = Settings(
            model=model,
            cache=None if no_cache else cache,
            story_from_folders=stories is StoryMode.folders,
            rule_paths=tuple(rules or ()),
        )
        with ExitStack() as stack:
            result = check(paths, settings, progress=_progress_factory(stack))
        text = render(result, fmt.value)
        destination = output or str(_default_output(paths, fmt))
        write_output(text, destination, protect=tuple(a.path for a in result.articles))
        if destination != "-":
            typer.echo(
                f"wrote {destination}: {len(result.articles)} articles, {len(result.stories)} stories, "
                f"{len(result.claims)} shared claims, {len(result.findings)} findings",
                err=True,
            )
        for note in result.notes:
            typer.echo(f"checker: warning: {note}", err=True)

    _run(action)


@rules_app.command("list")
def rules_list() -> None:
    """Print every built-in rule: code, name, default severity and summary."""

    def action() -> None:
        from .rules import builtin_rules

        for rule in builtin_rules():
            typer.echo(f"{rule.code}  {rule.name:<18} {rule.severity.value:<8} {rule.summary()}")

    _run(action)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
