"""The corpus store: same results as a batch run, no-op re-adds, schema checks, and a
store that survives SIGKILL at any moment with concurrent readers (real model, real text)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corpus import write_manifest
from typer.testing import CliRunner

import checker
from checker.cli import app
from checker.rules import load_rules
from checker.store import BATCH_ARTICLES, SCHEMA_VERSION, Store, StoreError

FIXTURES = "fixtures"


def _outcome(result):
    """Everything a report says about articles, except the reading notes of earlier runs."""
    return (result.stories, result.claims, result.findings, result.recurrences)


@pytest.fixture(scope="module")
def batch(embedder, cache_path):
    return checker.check([FIXTURES], checker.Settings(cache=cache_path), embedder=embedder)


def test_whole_store_report_equals_a_batch_run(tmp_path, embedder, cache_path, batch) -> None:
    store = Store(tmp_path / "s.sqlite")
    first = checker.add(["fixtures/port-strike-2024"], store, checker.Settings(cache=cache_path), embedder=embedder)
    assert len(first.added) == 3
    second = checker.add([FIXTURES], store, checker.Settings(cache=cache_path), embedder=embedder)
    assert len(second.added) == 7 and len(second.unchanged) == 3
    assert store.integrity_problems() == []
    report = checker.check([], checker.Settings(cache=cache_path), embedder=embedder, rules=load_rules(()), store=store)
    assert _outcome(report) == _outcome(batch)


def test_new_articles_are_checked_against_the_stored_ones(tmp_path, embedder, cache_path, batch) -> None:
    store = Store(tmp_path / "s.sqlite")
    checker.add(["fixtures/nato-2022", "fixtures/port-strike-2024"], store, checker.Settings(cache=cache_path), embedder=embedder)
    # The Kyodo summit article joins the stored KUNA and zh-translation articles' story.
    nato = checker.check(
        ["fixtures/nato-2022/kyodo_kishida-nato-summit.txt"], checker.Settings(cache=cache_path), embedder=embedder,
        rules=load_rules(()), store=store,
    )
    # What a batch run over the same articles as the store says (the claim scorer's corpus
    # context is the whole corpus, so the comparison must hold the same articles).
    same = checker.check(["fixtures/nato-2022", "fixtures/port-strike-2024"], checker.Settings(cache=cache_path), embedder=embedder)
    assert [s.id for s in nato.stories] == ["2022-06-29-madrid"]
    assert nato.stories[0] in same.stories
    kyodo = "fixtures/nato-2022/kyodo_kishida-nato-summit.txt"
    expected = [f for f in same.findings if f.story == "2022-06-29-madrid"]
    involved = [f for f in expected if any(e.path == kyodo for e in f.evidence)
                or (f.name == "omission" and "Kyodo" not in {e.outlet for e in f.evidence})]
    assert nato.findings == tuple(involved) and involved
    assert len(nato.findings) < len(expected)  # findings between the other two are left out

    flood = checker.check(
        ["fixtures/flood-relief-2023"], checker.Settings(cache=cache_path), embedder=embedder, rules=load_rules(()), store=store
    )
    assert [s.id for s in flood.stories] == ["2023-05-17-ellisford"]
    assert flood.findings == tuple(f for f in batch.findings if f.story == "2023-05-17-ellisford")
    assert store.integrity_problems() == []


#: Page furniture real sites left in extracted text (boilerplate.py's examples).
FURNITURE = ("Advertisement Continue reading the main story", "Sign up for our daily newsletter to get the latest news.")


def _furnished(tmp_path: Path, n: int, fixture: str, day: int) -> Path:
    """A fixture article as one outlet's page of 2023-05-1``day``, furniture and all."""
    body = Path(fixture).read_text(encoding="utf-8")
    row = {"outlet": "Daily Planet", "published": f"2023-05-{day:02d}", "text": body + "\n\n" + "\n\n".join(FURNITURE)}
    path = tmp_path / f"page-{n}.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def test_the_store_marks_furniture_a_later_batch_completes(tmp_path, embedder, cache_path) -> None:
    """One outlet's three articles about three events, on three days, each ending on the
    same two lines of page furniture: added one at a time, the first two share "two
    near-identical sentences" and make one story until the third shows the lines are the
    site's; then the store holds what a batch run over the three says."""
    pages = [
        _furnished(tmp_path, 0, "fixtures/flood-relief-2023/riverlandpost_ellisford-under-water.txt", 15),
        _furnished(tmp_path, 1, "fixtures/port-strike-2024/dailyledger_kellsmouth-walkout.txt", 16),
        _furnished(tmp_path, 2, "fixtures/nato-2022/kuna_japan-pm-nato-partnership.txt", 17),
    ]
    store = Store(tmp_path / "s.sqlite")
    settings = checker.Settings(cache=cache_path)
    checker.add(pages[:2], store, settings, embedder=embedder)
    assert [len(s.articles) for s in store.stories()] == [2]  # furniture not known yet
    checker.add(pages[2:], store, settings, embedder=embedder)
    assert [len(s.articles) for s in store.stories()] == [1, 1, 1]
    assert store.integrity_problems() == []
    stored = checker.check([], settings, embedder=embedder, rules=load_rules(()), store=store)
    batch = checker.check(pages, settings, embedder=embedder, rules=load_rules(()))
    assert _outcome(stored) == _outcome(batch)
    assert {s.text for s in stored.sentences if s.kind == "boilerplate"} >= set(FURNITURE)


def _drop_schema_4_and_5(conn: sqlite3.Connection) -> None:
    """What schemas 4 and 5 added, taken off a store to make it an older one."""
    for statement in ("DROP TABLE shingles", "ALTER TABLE articles DROP COLUMN centroid", "DROP TABLE word_counts",
                      "DROP INDEX sentences_text", "ALTER TABLE stories DROP COLUMN reason",
                      "ALTER TABLE texts DROP COLUMN counted"):
        conn.execute(statement)


def test_a_store_of_schema_2_finds_its_furniture_when_upgraded(tmp_path, embedder, cache_path) -> None:
    """Schema 2 stores did not mark furniture found by repetition; opening one marks it over
    the whole store and relinks the articles it touched."""
    from checker.store import _relink

    pages = [
        _furnished(tmp_path, n, f"fixtures/{fixture}", 15 + n)
        for n, fixture in enumerate(("flood-relief-2023/riverlandpost_ellisford-under-water.txt",
                                     "port-strike-2024/dailyledger_kellsmouth-walkout.txt",
                                     "nato-2022/kuna_japan-pm-nato-partnership.txt"))
    ]
    path = tmp_path / "s.sqlite"
    checker.add(pages, Store(path), checker.Settings(cache=cache_path), embedder=embedder)
    expected = Store(path).stories()
    with sqlite3.connect(path) as conn:  # the store as schema 2 wrote it
        conn.execute("UPDATE sentences SET kind = 'body' WHERE kind = 'boilerplate' AND repeat_key IS NOT NULL")
        conn.execute("UPDATE articles SET claim_sentences = claim_sentences + 2")
        model = conn.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()[0]
        _relink(conn, [a for a, in conn.execute("SELECT id FROM articles")], model, None)
        conn.execute("DROP INDEX sentences_repeat")
        conn.execute("ALTER TABLE sentences DROP COLUMN repeat_key")
        _drop_schema_4_and_5(conn)
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(DISTINCT story) FROM stories").fetchone()[0] == 1
    upgraded = Store(path)
    assert upgraded.stories() == expected and len(expected) == 3
    assert upgraded.integrity_problems() == []


PORT = Path("fixtures/port-strike-2024")


def _wire_copy(tmp_path: Path, *, edit: bool) -> Path:
    """The Coast Wire story as another outlet runs it: own headline, last paragraph cut,
    and with ``edit`` one change of wording in its body."""
    body = (PORT / "coastwire_kellsmouth-port-shut.txt").read_text(encoding="utf-8").split("---\n", 2)[2]
    body = body.replace("Strike shuts Kellsmouth port as talks collapse", "Dockworkers strike at Kellsmouth")
    if edit:
        body = body.replace("walked off the job", "downed tools")
    path = tmp_path / "copies" / "harborgazette_strike.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text("---\noutlet: Harbor Gazette\npublished: 2024-10-02\n---\n" + body.rsplit("\n\nThe last strike", 1)[0] + "\n", encoding="utf-8")
    return path


def test_a_wire_copy_is_found_against_the_stored_articles(tmp_path, embedder, cache_path) -> None:
    """Wire copy printed by another outlet a day later comes in another add: it is left out
    as a batch run would leave it out, whichever of the two arrives first."""
    settings = checker.Settings(cache=cache_path)
    source = PORT / "coastwire_kellsmouth-port-shut.txt"
    other = PORT / "dailyledger_kellsmouth-walkout.txt"
    copy = _wire_copy(tmp_path, edit=False)
    batch = checker.check([source, other, copy], settings, embedder=embedder, rules=load_rules(()))
    assert len(batch.articles) == 2

    source_first = Store(tmp_path / "a.sqlite")
    checker.add([source, other], source_first, settings, embedder=embedder)
    later = checker.add([copy], source_first, settings, embedder=embedder)
    assert (later.added, later.collapsed) == ((), (os.path.relpath(copy),))
    assert later.notes[0].startswith(f"syndicated copy: {os.path.relpath(copy)} (Harbor Gazette) repeats {source}")

    copy_first = Store(tmp_path / "b.sqlite")
    checker.add([copy, other], copy_first, settings, embedder=embedder)
    fuller = checker.add([source], copy_first, settings, embedder=embedder)
    assert (fuller.added, fuller.dropped) == ((str(source),), (os.path.relpath(copy),))

    for store in (source_first, copy_first):
        assert store.article_ids() == sorted([str(source), str(other)])
        assert store.integrity_problems() == []
        stored = checker.check([], settings, embedder=embedder, rules=load_rules(()), store=store)
        assert _outcome(stored) == _outcome(batch)


def test_an_edited_wire_copy_in_a_later_add_is_kept_and_noted(tmp_path, embedder, cache_path) -> None:
    settings = checker.Settings(cache=cache_path)
    store = Store(tmp_path / "s.sqlite")
    checker.add([PORT / "coastwire_kellsmouth-port-shut.txt"], store, settings, embedder=embedder)
    copy = _wire_copy(tmp_path, edit=True)
    later = checker.add([copy], store, settings, embedder=embedder)
    assert later.added == (os.path.relpath(copy),) and not later.collapsed
    assert later.notes[0].startswith("near copy:") and '"downed tools" for "walked off the job"' in later.notes[0]


def test_a_store_of_schema_3_leaves_out_its_wire_copies_when_upgraded(tmp_path, embedder, cache_path) -> None:
    """Schema 3 found near copies only within one add; opening such a store indexes its
    shingles and leaves out the copies that earlier adds stored beside their source."""
    settings = checker.Settings(cache=cache_path)
    source, copy = PORT / "coastwire_kellsmouth-port-shut.txt", _wire_copy(tmp_path, edit=False)
    path = tmp_path / "s.sqlite"
    checker.add([source, PORT / "dailyledger_kellsmouth-walkout.txt"], Store(path), settings, embedder=embedder)
    with sqlite3.connect(path) as conn:  # a store that does not know its shingles, as schema 3
        conn.execute("DELETE FROM shingles")
    checker.add([copy], Store(path), settings, embedder=embedder)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
        _drop_schema_4_and_5(conn)
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    upgraded = Store(path)
    assert upgraded.article_ids() == sorted([str(source), str(PORT / "dailyledger_kellsmouth-walkout.txt")])
    assert upgraded.integrity_problems() == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(DISTINCT article) FROM shingles").fetchone()[0] == 2


def test_an_undated_article_meets_only_the_stored_articles_near_it(tmp_path, embedder, cache_path) -> None:
    """An undated article may join a story of any date, so a store once read every stored
    vector for it. It now reads the stored mean vectors and links against the articles
    near enough (``stories.UNDATED_CENTROID_FLOOR``), with the batch run's result."""
    from checker.store import _profiles, _window

    flood = Path("fixtures/flood-relief-2023")
    undated = tmp_path / "undated" / "meridianwire_marven-flood.txt"
    undated.parent.mkdir()
    undated.write_text((flood / undated.name).read_text(encoding="utf-8").replace("published: 2023-05-18\n", ""), encoding="utf-8")
    dated = [flood / "riverlandpost_ellisford-under-water.txt", flood / "valleyherald_ellisford-floods.txt", PORT]
    settings = checker.Settings(cache=cache_path)
    store = Store(tmp_path / "s.sqlite")
    checker.add(dated, store, settings, embedder=embedder)
    checker.add([undated], store, settings, embedder=embedder)
    batch = checker.check([*dated, undated], settings, embedder=embedder, rules=load_rules(()))
    stored = checker.check([], settings, embedder=embedder, rules=load_rules(()), store=store)
    assert _outcome(stored) == _outcome(batch)
    (story,) = [s for s in stored.stories if os.path.relpath(undated) in s.articles]
    assert len(story.articles) == 3  # it joined the flood story
    with sqlite3.connect(store.path) as conn:
        window = _window(conn, _profiles(conn, "WHERE id = ?", [os.path.relpath(undated)]))
    assert {p.id for p in window} <= set(story.articles)  # not the port strike's articles
    assert store.integrity_problems() == []
    with sqlite3.connect(store.path) as conn:  # the kept mean vectors are checked too
        conn.execute("UPDATE articles SET centroid = NULL WHERE id = ?", (os.path.relpath(undated),))
    assert store.integrity_problems() == [f"mean vector out of date: {os.path.relpath(undated)}"]


def test_re_adding_is_a_no_op_and_changed_text_replaces(tmp_path, embedder, cache_path) -> None:
    article = tmp_path / "kyodo_summit.txt"
    original = Path("fixtures/nato-2022/kyodo_kishida-nato-summit.txt").read_text(encoding="utf-8")
    article.write_text(original, encoding="utf-8")
    store = Store(tmp_path / "s.sqlite")
    assert checker.add([article], store, checker.Settings(cache=cache_path), embedder=embedder).added
    before = (tmp_path / "s.sqlite").read_bytes()
    again = checker.add([article], store, checker.Settings(cache=cache_path), embedder=embedder)
    assert (again.added, again.replaced, len(again.unchanged)) == ((), (), 1)
    copy = tmp_path / "copy.txt"
    copy.write_text(original, encoding="utf-8")
    duplicate = checker.add([copy], store, checker.Settings(cache=cache_path), embedder=embedder)
    assert not duplicate.added and "same text as stored" in duplicate.notes[-1]
    with sqlite3.connect(tmp_path / "s.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert before  # the store was written before; the no-op re-add changed no article
    article.write_text(original.replace("two-day summit", "three-day summit"), encoding="utf-8")
    changed = checker.add([article], store, checker.Settings(cache=cache_path), embedder=embedder)
    assert len(changed.replaced) == 1 and not changed.added
    assert store.integrity_problems() == []
    with sqlite3.connect(tmp_path / "s.sqlite") as conn:
        texts = [t for t, in conn.execute("SELECT text FROM texts")]
    assert any("three-day summit" in t for t in texts)


def test_other_schema_versions_and_other_files_are_refused(tmp_path, embedder) -> None:
    path = tmp_path / "s.sqlite"
    Store(path)
    for version, says in ((SCHEMA_VERSION + 1, "newer checker"), (0, "too old to migrate")):
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
        with pytest.raises(StoreError, match=says):
            Store(path)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x)")
    with pytest.raises(StoreError, match="not a checker store"):
        Store(other)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a checker store"):
        Store(junk)


def test_a_store_of_another_model_is_refused(tmp_path, embedder, cache_path) -> None:
    class OtherModel:
        model_id = "some-other-model"

        def embed(self, texts, progress=None):
            raise AssertionError("must not embed")

    store = Store(tmp_path / "s.sqlite")
    checker.add(["fixtures/port-strike-2024"], store, checker.Settings(cache=cache_path), embedder=embedder)
    with pytest.raises(StoreError, match="embeddings are from model"):
        checker.add(["fixtures/nato-2022"], store, embedder=OtherModel())


_WRITER = """
import sys
import checker.store as store
from checker.embed import make_embedder
from checker.pipeline import Settings, add
store.BATCH_ARTICLES = 4
print("ready", flush=True)
add([sys.argv[2]], store.Store(sys.argv[1]), Settings(cache=sys.argv[3]), embedder=make_embedder())
"""


def test_sigkill_at_any_moment_leaves_a_consistent_store(tmp_path, embedder, cache_path) -> None:
    """A writer killed again and again, with a reader checking the store all the while:
    every snapshot is consistent, committed batches survive, and resuming completes it."""
    manifest = write_manifest(tmp_path / "articles.jsonl", stories=30)
    reference = Store(tmp_path / "reference.sqlite")
    total = len(checker.add([manifest], reference, checker.Settings(cache=cache_path), embedder=embedder).added)  # warms the cache too
    assert total > 60 and BATCH_ARTICLES > 4

    path = tmp_path / "killed.sqlite"
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    counts: list[int] = []
    finished = False
    for attempt in range(40):
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(manifest), str(cache_path)], env=env, stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"  # imports done
        deadline = time.monotonic() + 0.02 * attempt
        while time.monotonic() < deadline and writer.poll() is None:
            if path.exists():
                assert Store(path).integrity_problems() == []  # a concurrent reader's snapshot
            time.sleep(0.05)
        if writer.poll() is None:
            os.kill(writer.pid, signal.SIGKILL)
        finished = writer.wait() == 0
        if path.exists():
            store = Store(path)
            assert store.integrity_problems() == []
            count = len(store.article_ids())
            assert count % 4 == 0 or count == total, count  # whole batches only
            assert not counts or count >= counts[-1]  # nothing committed is lost
            counts.append(count)
        if finished:
            break
    assert finished, counts
    assert len(set(counts)) > 2, counts  # the kills landed at different points of the run
    assert Store(path).stories() == reference.stories()


def test_cli_add_then_report_against_the_store(tmp_path, cache_path) -> None:
    runner = CliRunner()
    store = tmp_path / "s.sqlite"
    added = runner.invoke(app, ["add", "fixtures/nato-2022", "--store", str(store), "--cache", str(cache_path)])
    assert added.exit_code == 0, added.output
    assert "4 added, 0 replaced, 0 already stored" in added.stderr
    out = tmp_path / "r.md"
    result = runner.invoke(app, ["report", "--store", str(store), "fixtures/flood-relief-2023", "-o", str(out), "--cache", str(cache_path)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "## Story 2023-05-17-ellisford" in text and "2022-06-29-madrid" not in text
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    refused = runner.invoke(app, ["report", "--store", str(store), "-o", str(out)])
    assert refused.exit_code == 2 and "newer checker" in refused.stderr
