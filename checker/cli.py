"""The ``checker`` command: each command is one library call plus error mapping.

Exit codes: 0 success, 1 findings at or above ``--fail-on`` (``check``), 2 usage, input
or rule-file errors. Errors are one line on stderr naming the file and what to do; a
traceback only with ``--debug``.

Long (900 lines) because each command carries its own help, examples and options, which
``tests/test_cli_docs.py`` checks against the docs; the work is in the library.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from .errors import CheckerError, InputError
from .plural import counted


def _argument_name(param) -> str:
    """An argument as the usage line shows it: ``PATHS...`` when required, ``[PATHS]...`` when not."""
    name = param.metavar or param.name.upper()
    return (name if param.required else f"[{name}]") + ("..." if param.nargs != 1 else "")


class _Command(TyperCommand):
    """A command whose help reads like any Unix tool's: ``PATHS...`` in the usage line,
    arguments and options by their metavars (``--cache FILE``), flags without a value.

    Typer would show ``{paths}...`` and ``<list[Path]>``; the help is plain click
    formatting (``rich_markup_mode=None``), which re-flows paragraphs and leaves square
    brackets alone (Rich would read ``[tool.checker]`` as markup and drop it).
    """

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [_argument_name(p) for p in self.get_params(ctx) if p.param_type_name == "argument"]

    def format_options(self, ctx, formatter) -> None:
        params = self.get_params(ctx)
        arguments = [(_argument_name(p).strip("[]."), p.help or "") for p in params if p.param_type_name == "argument" and p.help]
        options = [record for p in params if p.param_type_name == "option" and (record := p.get_help_record(ctx))]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class _Group(TyperGroup):
    """A command group listing each command with its whole short help (click would cut
    it at 45 characters or so, mid-sentence, with "...")."""

    def format_commands(self, ctx, formatter) -> None:
        rows = [
            (name, command.short_help or _first_sentence(command.help or ""))
            for name, command in self.commands.items()
            if not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _first_sentence(text: str) -> str:
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    end = paragraph.find(". ")
    return paragraph if end < 0 else paragraph[: end + 1]


def _typer(help: str, **kwargs) -> typer.Typer:
    return typer.Typer(help=help, cls=_Group, rich_markup_mode=None, no_args_is_help=True, **kwargs)


app = _typer(
    """Find where news outlets reporting one event disagree: names, framing, numbers, dates, quotes.

    Examples:

    \b
      checker report fixtures/nato-2022
      checker check articles/ --fail-on warning --format github
      checker rules list

    Run `checker COMMAND --help` for a command's options and more examples.
    """,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = _typer(
    """List, validate and test the rules (YAML rule files: docs/rules.md).

    Examples:

    \b
      checker rules list
      checker rules validate my-rules/
      checker rules test my-rules/
    """
)
app.add_typer(rules_app, name="rules")

_state: dict = {"debug": False, "wrote": None}


class Format(str, Enum):
    markdown = "markdown"
    json = "json"
    sarif = "sarif"
    github = "github"
    html = "html"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


_EXTENSIONS = {Format.markdown: "md", Format.json: "json", Format.sarif: "sarif", Format.html: "html"}


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
        wrote = _state["wrote"]
        _fail(f"interrupted after writing {wrote} in full" if wrote else "interrupted; nothing was written", 130)
    except Exception as exc:  # a bug: say so in one line unless debugging
        if _state["debug"]:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
    else:
        raise typer.Exit(code)


def _progress_enabled() -> bool:
    """Bars on stderr for a person watching: not with --quiet, in CI, or into a file."""
    return sys.stderr.isatty() and not os.environ.get("CI") and not _state.get("quiet")


# What each stage counts, for the bar's rate ("120 sentences/s") and its ETA.
_STAGE_UNITS = {"segmenting": " articles", "embedding": " sentences", "claims and rules": " stories", "adding": " articles"}


def _progress_factory(stack: ExitStack):
    if not _progress_enabled():
        return lambda stage, total: (lambda n: None)
    from tqdm import tqdm

    def factory(stage: str, total: int):
        unit = _STAGE_UNITS.get(stage, "")
        bar = stack.enter_context(tqdm(total=total, desc=stage, unit=unit, leave=False, file=sys.stderr))
        return bar.update

    return factory


def _default_output(paths: list[Path], fmt: Format) -> str:
    if fmt not in _EXTENSIONS:  # workflow commands only mean something in a CI log
        return "-"
    first = paths[0].resolve()
    name = first.stem if first.is_file() else first.name
    return str(Path("reports") / f"{name or 'report'}.{_EXTENSIONS[fmt]}")


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bars on stderr (they are off in CI and when stderr is not a terminal).")] = False,
) -> None:
    _state["debug"] = debug
    _state["quiet"] = quiet


# Options shared by every command that runs the pipeline.
PathsArg = Annotated[list[Path], typer.Argument(metavar="PATHS", help="Article files or folders (.txt .md .html, .jsonl/.csv manifests).")]
ModelOpt = Annotated[str, typer.Option("--model", metavar="NAME", help="sentence-transformers model name or local path.")]
RulesOpt = Annotated[Optional[list[Path]], typer.Option("--rules", metavar="PATH", help="Extra YAML rule folder or file (repeatable).")]
StoriesOpt = Annotated[StoryMode, typer.Option("--stories", metavar="[auto|folders]", help="'auto' groups articles by date and content; 'folders' uses sub-folders.")]
CacheOpt = Annotated[Path, typer.Option("--cache", metavar="FILE", help="Embedding cache (SQLite); safe to delete.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the embedding cache.")]
BaselineOpt = Annotated[Optional[Path], typer.Option("--baseline", metavar="FILE", help="Baseline file from `checker baseline`: its findings are accepted, not counted.")]
TimestampOpt = Annotated[bool, typer.Option("--timestamp", help="Put the time of the run in the output (off: output is byte-identical across runs).")]
DEFAULT_CACHE = Path(".checker/embeddings.sqlite")
DEFAULT_STORE = Path(".checker/store.sqlite")


class Backend(str, Enum):
    torch = "torch"
    onnx = "onnx"


BackendOpt = Annotated[Backend, typer.Option("--backend", metavar="[torch|onnx]", help="torch: sentence-transformers fp32; onnx: ONNX Runtime int8 (exported once from the packaged model).")]
SelectOpt = Annotated[Optional[list[str]], typer.Option("--select", metavar="RULES", help="Run only these rules: codes, names, YAML rule ids or packs, comma-separated or repeated (replaces the default set).")]
ExtendSelectOpt = Annotated[Optional[list[str]], typer.Option("--extend-select", metavar="RULES", help="Run these rules or packs as well as the default set.")]
IgnoreOpt = Annotated[Optional[list[str]], typer.Option("--ignore", metavar="RULES", help="Never run these rules or packs.")]
PreviewOpt = Annotated[bool, typer.Option("--preview", help="Also run the preview rules (off by default: measured precision below 0.5).")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", metavar="FILE", help="Settings file (checker.toml, or pyproject.toml with [tool.checker]); default: the nearest one at or above the working folder.")]
ClusterOpt = Annotated[Optional[str], typer.Option("--cluster", metavar="ADDRESS", help="Split sentences and check stories on a Dask cluster: a scheduler address (tcp://HOST:8786), a scheduler file (.json) or 'local' (a LocalCluster on this machine, for the run). Same output; needs checker[cluster] (docs/scale.md).")]
StoreOpt = Annotated[Optional[Path], typer.Option("--store", metavar="FILE", help="Corpus store (SQLite): check PATHS against every article stored there, and keep them.")]


@dataclass(frozen=True)
class _RunOptions:
    """The options every command that runs the pipeline takes, as given."""

    model: str
    rules: list[Path] | None
    stories: StoryMode
    cache: Path
    no_cache: bool
    backend: Backend
    select: list[str] | None = None
    extend_select: list[str] | None = None
    ignore: list[str] | None = None
    preview: bool = False
    config: Path | None = None
    cluster: str | None = None

    @classmethod
    def of(cls, command_locals: dict) -> _RunOptions:
        """The options from a command's parameters, by name: ``_RunOptions.of(locals())``."""
        return cls(**{f.name: command_locals[f.name] for f in fields(cls)})


def _names(values: list[str] | None) -> tuple[str, ...]:
    """``--select A,B --select C`` as ("A", "B", "C")."""
    return tuple(n.strip() for v in values or () for n in v.split(",") if n.strip())


def _settings(opts: _RunOptions):
    """The run's Settings: the command line over the settings file over the defaults."""
    from .config import load_config
    from .pipeline import Settings

    given = Settings(
        model=opts.model,
        cache=None if opts.no_cache else opts.cache,
        story_from_folders=opts.stories is StoryMode.folders,
        rule_paths=tuple(opts.rules or ()),
        select=_names(opts.select) or (),
        extend_select=_names(opts.extend_select) or (),
        ignore=_names(opts.ignore) or (),
        preview=opts.preview,
        backend=opts.backend.value,
        workers=os.cpu_count() or 1,  # safe here: the command's main module is guarded
        cluster=opts.cluster,
    )
    return load_config(opts.config).apply(given)


def _run_pipeline(paths, opts: _RunOptions):
    from .pipeline import check

    with ExitStack() as stack:
        return check(paths, _settings(opts), progress=_progress_factory(stack))


def _run_store_report(store: Path, paths, opts: _RunOptions):
    """Check ``paths`` (added first) against the store; with no paths, the whole store."""
    from .pipeline import check
    from .store import Store

    with ExitStack() as stack:
        return check(paths, _settings(opts), store=Store(store), progress=_progress_factory(stack))


def _review(result, baseline: Path | None, accepted, fail_on: FailOn | None, stamp: bool):
    """The result keeping only the findings that count, and the context to render it with."""
    import datetime as dt

    from .baseline import split_result
    from .models import Severity
    from .report import ReportContext

    baselined: tuple = ()
    stale = 0
    if accepted is not None:
        result, match = split_result(result, accepted)
        baselined, stale = match.baselined, len(match.stale)
    ctx = ReportContext(
        baselined=baselined,
        baseline=str(baseline) if baseline is not None else None,
        stale=stale,
        fail_on=Severity(fail_on.value) if fail_on else None,
        generated_at=dt.datetime.now(dt.UTC) if stamp else None,
    )
    return result, ctx


def _protected(result, *extra: Path | None) -> tuple[str, ...]:
    """What an output must not overwrite: the articles read, the given inputs (a folder
    stands for the files read in it, duplicates left out of the result included), rule
    files and the baseline."""
    from .rules.ruleset import rule_sources

    inputs = (*extra, *rule_sources(packs=None))
    return tuple(a.path.partition("#")[0] for a in result.articles) + tuple(str(p) for p in inputs if p is not None)


#: Notes echoed on stderr; a run of thousands of articles can have hundreds.
NOTES_SHOWN = 20


def _warn_notes(result) -> None:
    for note in result.notes[:NOTES_SHOWN]:
        typer.echo(f"checker: warning: {note}", err=True)
    if len(result.notes) > NOTES_SHOWN:
        more = len(result.notes) - NOTES_SHOWN
        typer.echo(f"checker: warning: and {more} more {'note' if more == 1 else 'notes'} (the markdown report lists them all)", err=True)


def _write(text: str, destination: str, protect) -> None:
    """``report.write_output``, remembered: Ctrl-C after it must not say nothing was written."""
    from .ingest import refuse_overwriting_inputs
    from .report import write_output

    refuse_overwriting_inputs(destination, protect)
    write_output(text, destination)
    _state["wrote"] = "standard output" if destination == "-" else destination


@app.command("report", cls=_Command)
def report(
    paths: Annotated[Optional[list[Path]], typer.Argument(metavar="PATHS", help="Article files or folders (.txt .md .html, .jsonl/.csv manifests); with --store, the new articles (none: the whole store).")] = None,
    output: Annotated[Optional[str], typer.Option("-o", "--output", metavar="FILE", help="Where to write; '-' for stdout. Default: reports/<name>.md (.json, .sarif, .html; github: stdout).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", metavar="[markdown|json|sarif|github|html]", help="Output format.")] = Format.markdown,
    model: ModelOpt = "all-MiniLM-L6-v2",
    rules: RulesOpt = None,
    stories: StoriesOpt = StoryMode.auto,
    cache: CacheOpt = DEFAULT_CACHE,
    no_cache: NoCacheOpt = False,
    baseline: BaselineOpt = None,
    timestamp: TimestampOpt = False,
    store: StoreOpt = None,
    backend: BackendOpt = Backend.torch,
    select: SelectOpt = None,
    extend_select: ExtendSelectOpt = None,
    ignore: IgnoreOpt = None,
    preview: PreviewOpt = False,
    config: ConfigOpt = None,
    cluster: ClusterOpt = None,
) -> None:
    """Write a consistency report for the articles under PATHS.

    With --store, PATHS are added to the store and checked against everything in it; the
    report shows the stories they belong to and the findings that involve them.

    Examples:

    \b
      checker report fixtures/nato-2022
      checker report articles/ -o - --format json
      checker report --store .checker/store.sqlite new-articles/
      checker report archive/ --cluster tcp://scheduler:8786
    """

    opts = _RunOptions.of(locals())  # first: its parameters are all the locals there are

    def action() -> None:
        from .baseline import load
        from .report import render

        accepted = load(baseline) if baseline is not None else None  # fail fast, before the slow part
        if store is not None:
            result = _run_store_report(store, paths or [], opts)
        elif not paths:
            raise InputError("give the article files or folders to check (or --store to check a corpus store)")
        else:
            result = _run_pipeline(paths, opts)
        result, ctx = _review(result, baseline, accepted, None, timestamp)
        text = render(result, fmt.value, ctx)
        destination = output or _default_output(paths or [store], fmt)
        _write(text, destination, protect=_protected(result, baseline, *(paths or []), *(rules or [])))
        if destination != "-":
            baselined = f" ({len(ctx.baselined)} more baselined)" if baseline is not None else ""
            typer.echo(
                f"wrote {destination}: {counted(len(result.articles), 'article')}, {counted(len(result.stories), 'story')}, "
                f"{counted(len(result.claims), 'shared claim')}, {counted(len(result.findings), 'finding')}{baselined}",
                err=True,
            )
        _warn_notes(result)

    _run(action)


@app.command("add", cls=_Command, short_help="Add articles to a corpus store.")
def add_command(
    paths: PathsArg,
    store: Annotated[Path, typer.Option("--store", metavar="FILE", help="Corpus store (SQLite); created when missing.")] = DEFAULT_STORE,
    model: ModelOpt = "all-MiniLM-L6-v2",
    backend: BackendOpt = Backend.torch,
    stories: StoriesOpt = StoryMode.auto,
    cache: CacheOpt = DEFAULT_CACHE,
    no_cache: NoCacheOpt = False,
) -> None:
    """Add the articles under PATHS to a corpus store (articles already stored are skipped).

    Each batch of articles is one transaction: an interrupted run keeps what it committed.

    Example:

    \b
      checker add archive/ --store .checker/store.sqlite
    """

    def action() -> None:
        from .pipeline import Settings, add
        from .store import Store

        settings = Settings(model=model, backend=backend.value, story_from_folders=stories is StoryMode.folders,
                            cache=None if no_cache else cache)
        with ExitStack() as stack:
            result = add(paths, Store(store), settings, progress=_progress_factory(stack))
        copies = f", {len(result.collapsed) + len(result.dropped)} wire copies left out" if result.collapsed or result.dropped else ""
        typer.echo(
            f"{store}: {len(result.added)} added, {len(result.replaced)} replaced, "
            f"{len(result.unchanged)} already stored{copies}",
            err=True,
        )
        for note in result.notes:
            typer.echo(f"checker: warning: {note}", err=True)

    _run(action)


@app.command("check", cls=_Command, short_help="Check articles in CI: exit 1 on findings at or above --fail-on.")
def check_command(
    paths: PathsArg,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", metavar="[error|warning|info]", help="Exit 1 when a finding this severe or worse remains (error > warning > info).")] = FailOn.error,
    baseline: BaselineOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", metavar="[markdown|json|sarif|github|html]", help="markdown (a summary), json, sarif, html (the full report) or github (workflow commands).")] = Format.markdown,
    output: Annotated[str, typer.Option("-o", "--output", metavar="FILE", show_default=False, help="Where to write; '-', the default, for stdout.")] = "-",
    rules: RulesOpt = None,
    timestamp: TimestampOpt = False,
    model: ModelOpt = "all-MiniLM-L6-v2",
    backend: BackendOpt = Backend.torch,
    stories: StoriesOpt = StoryMode.auto,
    cache: CacheOpt = DEFAULT_CACHE,
    no_cache: NoCacheOpt = False,
    select: SelectOpt = None,
    extend_select: ExtendSelectOpt = None,
    ignore: IgnoreOpt = None,
    preview: PreviewOpt = False,
    config: ConfigOpt = None,
    cluster: ClusterOpt = None,
) -> None:
    """Check articles in CI: exit 1 when a finding at or above --fail-on is not baselined.

    Exit codes: 0 no finding at or above --fail-on remains after the baseline and the
    ignore rules; 1 some do; 2 usage, input, baseline or rule-file error (nothing is
    written then). When GITHUB_STEP_SUMMARY is set, the markdown summary is appended to it.

    Examples:

    \b
      checker check articles/ --baseline checker-baseline.json --format github
      checker check articles/ --fail-on warning --format sarif -o checker.sarif
    """

    opts = _RunOptions.of(locals())  # first: its parameters are all the locals there are

    def action() -> int:
        from .baseline import load
        from .report import append_output, render

        accepted = load(baseline) if baseline is not None else None  # fail fast, before the slow part
        result = _run_pipeline(paths, opts)
        result, ctx = _review(result, baseline, accepted, fail_on, timestamp)
        summary = render(result, "summary", ctx)
        text = summary if fmt is Format.markdown else render(result, fmt.value, ctx)
        _write(text, output, protect=_protected(result, baseline, *paths, *(rules or [])))
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if step_summary:
            append_output(summary, step_summary)
        failing = ctx.failing(result.findings)
        verdict = f"{len(failing)} at or above {fail_on.value}: failed" if failing else f"none at or above {fail_on.value}: passed"
        baselined = f", {len(ctx.baselined)} baselined" if baseline is not None else ""
        written = f"; wrote {output}" if output != "-" else ""
        typer.echo(f"checker: {counted(len(result.findings), 'finding')}{baselined}; {verdict}{written}", err=True)
        _warn_notes(result)
        return 1 if failing else 0

    _run(action)


@app.command("baseline", cls=_Command, short_help="Record today's findings, so that check fails only on new ones.")
def baseline_command(
    paths: PathsArg,
    output: Annotated[str, typer.Option("-o", "--output", metavar="FILE", help="The baseline file to write ('-' for stdout).")],
    rules: RulesOpt = None,
    model: ModelOpt = "all-MiniLM-L6-v2",
    backend: BackendOpt = Backend.torch,
    stories: StoriesOpt = StoryMode.auto,
    cache: CacheOpt = DEFAULT_CACHE,
    no_cache: NoCacheOpt = False,
    select: SelectOpt = None,
    extend_select: ExtendSelectOpt = None,
    ignore: IgnoreOpt = None,
    preview: PreviewOpt = False,
    config: ConfigOpt = None,
    cluster: ClusterOpt = None,
) -> None:
    """Record today's findings so that `check --baseline FILE` fails only on new ones.

    Findings are stored by fingerprint, which survives whitespace changes, moving and
    reordering files, and edits elsewhere in an article (docs/ci.md says what it does
    not survive). Commit the file; re-run the command to accept the current findings.

    Example:

    \b
      checker baseline articles/ -o checker-baseline.json
    """

    opts = _RunOptions.of(locals())  # first: its parameters are all the locals there are

    def action() -> None:
        from .baseline import dumps, from_findings

        result = _run_pipeline(paths, opts)
        accepted = from_findings(result.findings)
        _write(dumps(accepted), output, protect=_protected(result, *paths, *(rules or [])))
        if output != "-":
            typer.echo(f"wrote {output}: {counted(len(accepted.entries), 'finding')} baselined", err=True)
        _warn_notes(result)

    _run(action)


@app.command("diff", cls=_Command, short_help="Compare two JSON reports: findings added, resolved, unchanged.")
def diff_command(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="JSON report of the earlier run (--format json).")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="JSON report of the later run.")],
    output: Annotated[str, typer.Option("-o", "--output", metavar="FILE", show_default=False, help="Where to write the markdown; '-', the default, for stdout.")] = "-",
    fail_on: Annotated[Optional[FailOn], typer.Option("--fail-on", metavar="[error|warning|info]", help="Exit 1 when an added finding is this severe or worse.")] = None,
) -> None:
    """Compare two JSON reports: findings added, resolved and unchanged, as markdown.

    Meant for a pull-request comment; findings are matched by fingerprint.

    Example:

    \b
      checker diff base.json head.json -o comment.md
    """

    def action() -> int:
        from .models import Severity
        from .report.diff import added_at_or_above, compare, render
        from .report.json_format import load

        before, after = load(old), load(new)
        changes = compare(before, after)
        _write(render(changes, str(old), str(new)), output, protect=(str(old), str(new)))
        typer.echo(
            f"checker: {len(changes.added)} added, {len(changes.resolved)} resolved, {len(changes.unchanged)} unchanged"
            + (f"; wrote {output}" if output != "-" else ""),
            err=True,
        )
        return 1 if fail_on and added_at_or_above(changes, Severity(fail_on.value)) else 0

    _run(action)


_RuleFolders = Annotated[
    Optional[list[Path]], typer.Argument(metavar="PATHS", help="Rule files or folders, besides the shipped claims/ (default: those alone).")
]
_NoBuiltin = Annotated[bool, typer.Option("--no-builtin", help="Leave out the shipped claims/ rules and ./claims/.")]


@rules_app.command("list", cls=_Command, short_help="Print the built-in rules, the rule packs and the YAML rules.")
def rules_list(
    rules: Annotated[Optional[list[Path]], typer.Option("--rules", metavar="PATH", help="Extra YAML rule folder or file (repeatable).")] = None,
) -> None:
    """Print every rule: built-in rules (code, name, severity, on by default or preview,
    precision measured on real news, summary), the shipped packs (on by default or not),
    then YAML rules (id, family, severity, pack, summary, file).

    Preview rules are off by default (measured precision below 0.5) and packs not on by
    default are off; select either by name (--select, --extend-select) to run it.

    Example:

    \b
      checker rules list --rules my-rules/
    """

    def action() -> None:
        from .rules import builtin_rules
        from .rules.ruleset import load_rules, shipped_packs

        for rule in builtin_rules():
            status = "preview" if rule.preview else "default"
            precision = f"precision {rule.measured_precision}" if rule.measured_precision else ""
            typer.echo(f"{rule.code}  {rule.name:<18} {rule.severity.value:<8} {status:<8} {precision:<24} {rule.summary()}")
        for pack in shipped_packs():
            status = "default" if pack.default else "opt-in"
            typer.echo(f"pack {pack.name:<18} {status:<8} {pack.description}")
        for spec in load_rules(tuple(rules or ()), every_pack=True).yaml_rules:
            severity = "-" if spec.kind == "ignore" else spec.severity.value
            summary = f"ignore {spec.rule} {spec.match!r}: {spec.reason}" if spec.kind == "ignore" else spec.summary()  # type: ignore[attr-defined]
            pack = f"pack {spec.pack}" if spec.pack else "-"
            typer.echo(f"{spec.id}  {spec.name:<18} {severity:<8} {pack:<20} {summary}  [{spec.source}]")

    _run(action)


@rules_app.command("validate", cls=_Command, short_help="Check rule files without running them.")
def rules_validate(paths: _RuleFolders = None, no_builtin: _NoBuiltin = False) -> None:
    """Check rule files without running them: YAML, keys, values, ids, regular expressions.

    Prints one `path:line:column: message (how to fix)` line per problem. Exit 0 when every
    rule is valid, 2 when not.

    Examples:

    \b
      checker rules validate
      checker rules validate my-rules/ --no-builtin
    """

    def action() -> int:
        from .rules.ruleset import read_rules, rule_files, rule_sources

        rules, problems = read_rules(tuple(paths or ()), builtin=not no_builtin, packs=None)
        for problem in problems:
            typer.echo(str(problem))
        if problems:
            typer.echo(f"checker: {counted(len(problems), 'problem')} in rule files", err=True)
            return 2
        files = rule_files(rule_sources(tuple(paths or ()), builtin=not no_builtin, packs=None))
        typer.echo(f"checker: {counted(len(rules), 'rule')} in {counted(len(files), 'file')} {'is' if len(rules) == 1 else 'are'} valid", err=True)
        return 0

    _run(action)


@rules_app.command("test", cls=_Command, short_help="Run the rules' examples.")
def rules_test(paths: _RuleFolders = None, no_builtin: _NoBuiltin = False) -> None:
    """Run the rules' examples: `flag` examples must be flagged, `pass` examples must not.

    With PATHS, tests the rules of those files (the shipped ones still load, for aliases).
    Prints PASS or FAIL per rule and each failing example. Exit 0 when all pass, 1 when an
    example fails, 2 when a rule file is invalid.

    Examples:

    \b
      checker rules test
      checker rules test my-rules/
    """

    def action() -> int:
        from .rules.language.examples import describe_example, run_all_examples
        from .rules.ruleset import display_path, load_rules, rule_files

        ruleset = load_rules(tuple(paths or ()), builtin=not no_builtin, every_pack=True)
        chosen = {display_path(f) for f in rule_files(paths)} if paths else None
        specs = [r for r in ruleset.yaml_rules if chosen is None or r.path in chosen]
        results = run_all_examples(ruleset, only=[r.id for r in specs])
        failed = 0
        for result in results:
            rule = result.rule
            total = len(result.outcomes)
            if result.passed:
                typer.echo(f"PASS  {rule.id:<28} {rule.kind:<8} {counted(total, 'example')}  [{rule.source}]")
                continue
            failed += 1
            typer.echo(f"FAIL  {rule.id:<28} {rule.kind:<8} {len(result.failures)} of {total} examples failed  [{rule.source}]")
            for outcome in result.failures:
                typer.echo(f"      {outcome.example.where}: {outcome.problem}: {describe_example(outcome.example)}")
            for note in result.notes:
                typer.echo(f"      {note}")
        untested = [r.id for r in specs if not r.examples and r.kind != "ignore"]
        for rule_id in untested:
            typer.echo(f"SKIP  {rule_id:<28} no examples")
        typer.echo(
            f"checker: {counted(len(results), 'rule')} tested, {len(results) - failed} passed, {failed} failed"
            + (f"; {len(untested)} without examples" if untested else ""),
            err=True,
        )
        return 1 if failed else 0

    _run(action)


@rules_app.command("docs", cls=_Command, short_help="Print the rule language reference (docs/rules.md).")
def rules_docs() -> None:
    """Print the rule language reference (Markdown; docs/rules.md is this output).

    Example:

    \b
      checker rules docs > docs/rules.md
    """

    def action() -> None:
        from .rules.language.schema import reference_markdown

        typer.echo(reference_markdown(), nl=False)

    _run(action)


eval_app = _typer(
    """Measure quality on labelled pairs, fixture stories and real news judged by hand.

    Examples:

    \b
      checker eval findings fixtures/*/
      checker eval pairs ../shared/eval/claim_pairs_ecbplus.jsonl --task claim --sweep
      checker eval judged
    """
)
app.add_typer(eval_app, name="eval")


class Task(str, Enum):
    claim = "claim"
    name = "name"


class EvalFormat(str, Enum):
    text = "text"
    json = "json"


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@eval_app.command("pairs", cls=_Command, short_help="Precision, recall and F1 of a decision on labelled pairs.")
def eval_pairs(
    file: Annotated[Path, typer.Argument(metavar="FILE", help='JSONL of {"a", "b", "label"} (or "score" 0..5).')],
    task: Annotated[Task, typer.Option("--task", metavar="[claim|name]", help="claim: same-claim decision; name: name linking.")] = Task.claim,
    threshold: Annotated[Optional[float], typer.Option("--threshold", metavar="NUMBER", help="Cut to use instead of the shipped one.")] = None,
    sweep: Annotated[bool, typer.Option("--sweep", help="Also find the best-F1 threshold.")] = False,
    fmt: Annotated[EvalFormat, typer.Option("--format", metavar="[text|json]", help="text or json.")] = EvalFormat.text,
    cache: Annotated[Path, typer.Option("--cache", metavar="FILE", help="Embedding cache (claim task).")] = Path(".checker/embeddings.sqlite"),
) -> None:
    """Precision, recall and F1 (or Spearman) of the pipeline's own decision on labelled pairs.

    Examples:

    \b
      checker eval pairs ../shared/eval/claim_pairs_ecbplus.jsonl --task claim --sweep
      checker eval pairs names.jsonl --task name --format json
    """

    def action() -> None:
        import json
        from dataclasses import asdict

        from .cache import Cache
        from .eval import evaluate_pairs, pair_scores, read_pairs

        pairs = read_pairs(file)
        scores = pair_scores(task.value, pairs, cache=Cache(cache))
        result = evaluate_pairs(task.value, str(file), pairs, scores, threshold, sweep)
        if fmt is EvalFormat.json:
            typer.echo(json.dumps(asdict(result), indent=2, sort_keys=True))
            return
        typer.echo(f"{result.path}: {counted(result.pairs, 'pair')}, task {result.task}")
        if result.spearman is not None:
            typer.echo(f"Spearman {result.spearman:.3f}")
            return
        typer.echo(f"threshold {result.threshold:.3f}: precision {_fmt(result.precision)}  recall {_fmt(result.recall)}  F1 {_fmt(result.f1)}")
        if sweep:
            typer.echo(
                f"best threshold {result.best_threshold:.3f}: precision {_fmt(result.best_precision)}  "
                f"recall {_fmt(result.best_recall)}  F1 {_fmt(result.best_f1)}"
            )

    _run(action)


@eval_app.command("findings", cls=_Command, short_help="Fixture stories against their expected.yaml.")
def eval_findings(
    folders: Annotated[list[Path], typer.Argument(metavar="FOLDERS", help="Fixture story folders, each with an expected.yaml.")],
    cache: Annotated[Path, typer.Option("--cache", metavar="FILE", help="Embedding cache (SQLite).")] = Path(".checker/embeddings.sqlite"),
) -> None:
    """Run the pipeline on fixture stories and compare with their expected.yaml.

    Exit 1 when an expected finding is missed (known misses aside) or a trap is flagged.

    Example:

    \b
      checker eval findings fixtures/*/
    """

    def action() -> int:
        from .eval import load_expectations, score_fixture, score_rules
        from .config import folder_settings
        from .pipeline import Settings, check

        scores = []
        failed = False
        for folder in folders:
            expected_file = folder / "expected.yaml"
            if not expected_file.is_file():
                raise InputError(f"{folder}: no expected.yaml; see fixtures/README.md for the format")
            expected, traps = load_expectations(expected_file)
            result = check([folder], folder_settings(folder, Settings(cache=cache, preview=True)))
            score = score_fixture(folder.name, result, expected, traps)
            scores.append(score)
            typer.echo(f"{folder}: {len(score.found)}/{len(expected)} expected found, {counted(len(score.trap_hits), 'trap')} hit, {len(score.unexpected)} unexpected")
            for miss in score.missed:
                typer.echo(f"  missed {miss.rule} {list(miss.contains)}" + (f" (known miss: {miss.known_miss})" if miss.known_miss else ""))
                failed |= not miss.known_miss
            for trap, finding in score.trap_hits:
                typer.echo(f"  trap {trap.rule} {list(trap.contains)} hit by {finding.rule} {finding.name}: {finding.message}")
                failed = True
            for finding in score.unexpected:
                typer.echo(f"  unexpected {finding.rule} {finding.name} ({finding.severity.value}): {finding.message}")
        typer.echo("")
        typer.echo(f"{'rule':<18} {'findings':>8} {'precision':>9} {'expected':>8} {'recall':>6}")
        for row in score_rules(scores):
            typer.echo(f"{row.rule:<18} {row.findings:>8} {_fmt(row.precision):>9} {row.expected:>8} {_fmt(row.recall):>6}")
        return 1 if failed else 0

    _run(action)


@eval_app.command("conflicts", cls=_Command, short_help="The number and date rules on hand-labelled sentence pairs.")
def eval_conflicts(
    labels: Annotated[Path, typer.Argument(metavar="LABELS", help="Hand-labelled pairs (benchmarks/number_pairs/ecbplus.yaml).")] = Path("benchmarks/number_pairs/ecbplus.yaml"),
    pairs: Annotated[Path, typer.Option("--pairs", metavar="FILE", help="The sentence pairs the labels point into (by line).")] = Path("../shared/eval/claim_pairs_ecbplus.jsonl"),
) -> None:
    """How the number and date rules judge real sentence pairs labelled by hand.

    Each pair is compared as if both sentences made one claim (no publication dates):
    conflicts should be flagged, traps (rounding, conversions, another fact) not.

    Example:

    \b
      checker eval conflicts benchmarks/number_pairs/ecbplus.yaml
    """

    def action() -> None:
        from .eval import conflict_pairs

        rows = conflict_pairs(labels, pairs)
        kinds = sorted({r.kind for r in rows})
        typer.echo("| kind | conflicts flagged | traps flagged |\n|---|---|---|")
        for kind in [*kinds, "all"]:
            mine = [r for r in rows if kind in ("all", r.kind)]
            c = [r for r in mine if r.verdict == "conflict"]
            t = [r for r in mine if r.verdict == "trap"]
            typer.echo(f"| {kind} | {sum(bool(r.flagged) for r in c)} / {len(c)} | {sum(bool(r.flagged) for r in t)} / {len(t)} |")
        typer.echo("")
        for r in rows:
            if (r.verdict == "conflict") != bool(r.flagged):
                outcome = "missed" if r.verdict == "conflict" else f"false flag: {'; '.join(r.flagged)}"
                typer.echo(f"- line {r.line} {r.verdict} {r.kind} ({r.thing}): {r.a} / {r.b}: {outcome}")

    _run(action)


@eval_app.command("judged", cls=_Command, short_help="Precision and recall on real news judged by hand.")
def eval_judged(
    stories: Annotated[Path, typer.Option("--stories", metavar="DIR", help="The real multi-outlet events (shared/eval/stories).")] = Path("../shared/eval/stories"),
    judgements: Annotated[Path, typer.Option("--judgements", metavar="DIR", help="Folder of hand verdicts (YAML).")] = Path("benchmarks/judgements"),
    work: Annotated[Path, typer.Option("--work", metavar="DIR", help="Where the per-event manifests are written (kept out of the repository).")] = Path(".checker/dev-stories"),
    unjudged: Annotated[Optional[Path], typer.Option("--unjudged", metavar="FILE", help="Write the findings nobody has judged yet here (YAML), for a person to judge.")] = None,
    preview: Annotated[bool, typer.Option("--preview/--default-rules", help="Also run the rules that are off by default.")] = False,
    cache: Annotated[Path, typer.Option("--cache", metavar="FILE", help="Embedding cache (SQLite).")] = Path(".checker/embeddings.sqlite"),
) -> None:
    """Precision and recall on real news: run every dev event, join findings to hand
    verdicts and to the experts' annotations.

    Prints precision per rule and per severity, findings per event, how many findings
    nobody has judged yet (verdicts are written by people: benchmarks/judgements/README.md),
    and recall against the NewsWCL50 label differences and BASIL lexical-bias spans
    (checker/recall.py says how the targets are derived).

    Examples:

    \b
      checker eval judged
      checker eval judged --preview --unjudged .checker/unjudged.yaml
    """

    def action() -> None:
        import yaml

        from .embed import make_embedder
        from .judged import evaluate_dev_stories, format_dev, unjudged_entries
        from .pipeline import Settings

        settings = Settings(cache=cache, preview=preview)
        evaluation = evaluate_dev_stories(stories, judgements, work, settings, make_embedder(settings.model, settings.backend))
        typer.echo(format_dev(evaluation))
        report = evaluation.precision
        if unjudged is not None:
            unjudged.parent.mkdir(parents=True, exist_ok=True)
            unjudged.write_text(yaml.safe_dump(unjudged_entries(report.unjudged), sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
            typer.echo(f"wrote {counted(len(report.unjudged), 'unjudged finding')} to {unjudged}")

    _run(action)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
