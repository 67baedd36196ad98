"""Large files are read and checked in a forked child: same results, errors and failures as here."""

import gc

import pytest
import sqlalchemy as sa

from tests.imports.conftest import PARTICIPANT_HEADER, csv_bytes, table_counts
from trainer.extensions import db
from trainer.imports import tables
from trainer.imports.issues import MAX_KEPT, ImportRejected, IssueLog
from trainer.imports.tables import participant_rows, participants

H = PARTICIPANT_HEADER


@pytest.fixture
def in_child(app):
    default = app.config["IMPORT_PARALLEL_MIN_BYTES"]
    app.config["IMPORT_PARALLEL_MIN_BYTES"] = 0
    yield
    app.config["IMPORT_PARALLEL_MIN_BYTES"] = default


def _rows(count: int, session: str = "S-1") -> list[list[str]]:
    return [
        [session, f"Nom{n}", "Prénom", f"p{n}@exemple.fr", "nurse", "CHU", "59", ""] for n in range(count)
    ]


def test_several_chunks_are_counted_and_stored(in_child, run, write_file, make_session):
    make_session(reference="S-1")
    outcome = run("participants", write_file([H, *_rows(12_000)]))
    assert outcome.row_count == 12_000
    assert outcome.counts["registrations_created"] == 12_000
    assert table_counts()["registrations"] == 12_000


@pytest.mark.parametrize("where", ["here", "child"])
def test_a_session_named_again_chunks_later_remembers_who_was_planned(
    app, where, run, write_file, make_session
):
    default = app.config["IMPORT_PARALLEL_MIN_BYTES"]
    app.config["IMPORT_PARALLEL_MIN_BYTES"] = 0 if where == "child" else default
    make_session(reference="S-1")
    make_session(reference="S-2")
    try:
        rows = [_rows(1)[0], *_rows(6_000, session="S-2"), _rows(1)[0]]
        outcome = run("participants", write_file([H, *rows]))
    finally:
        app.config["IMPORT_PARALLEL_MIN_BYTES"] = default
    assert outcome.counts["registrations_created"] == 6_001
    assert outcome.counts["duplicates_in_file"] == 1
    assert [str(w) for w in outcome.warnings] == [
        "ligne 6003 : déjà inscrit·e à cette session à la ligne 2 : ligne ignorée"
    ]


def test_errors_found_in_the_child_come_in_file_order_with_the_writers_own(
    in_child, rejected, write_file, make_session
):
    make_session(reference="S-1")
    rows = _rows(7_000)
    rows[10][4] = "astronaute"  # checked in the child
    rows[6_000][0] = "S-INCONNUE"  # found by the writer (second chunk)
    rows[6_500][1] = ""  # checked in the child (second chunk)
    errors = rejected("participants", write_file([H, *rows]))
    assert len(errors) == 3
    assert errors[0].startswith("ligne 12, colonne « profession » : profession inconnue")
    assert errors[1] == "ligne 6502, colonne « last_name » : obligatoire"
    assert errors[2].startswith("ligne 6002, colonne « session_reference » : session inconnue « S-INCONNUE »")


def test_a_file_unreadable_past_its_start_is_refused_with_the_line(
    in_child, rejected, write_file, make_session
):
    make_session(reference="S-1")
    unclosed_quote = b'S-1,"Nom,X,x@exemple.fr,nurse,,59,\n' + b"x" * 140_000 + b"\n"
    errors = rejected("participants", write_file(data=csv_bytes([H, *_rows(6_000)]) + unclosed_quote))
    assert len(errors) == 1
    assert errors[0].startswith("ligne 6002 : cellule trop longue (plus de 131 072 caractères)")


def test_a_crash_while_checking_rows_is_raised_and_stores_nothing(
    in_child, run, write_file, make_session, monkeypatch
):
    make_session(reference="S-1")
    before = table_counts()

    def broken(self, items):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(participant_rows.RowParser, "chunk", broken)
    with pytest.raises(RuntimeError, match="ZeroDivisionError: boom"):
        run("participants", write_file([H, *_rows(10)]))
    assert table_counts() == before


def test_issue_logs_merge_what_was_logged_since_a_mark():
    child = IssueLog()
    child.error("avant", 1)
    mark = child.mark()
    for line in range(MAX_KEPT + 10):
        child.error("après", line)
    child.warn("attention", 3)
    parent = IssueLog()
    parent.error("ici", 2)
    parent.merge(child.since(mark))
    assert parent.error_count == 1 + MAX_KEPT + 10
    assert len(parent.errors) == MAX_KEPT
    assert [issue.message for issue in parent.errors[:2]] == ["ici", "après"]
    assert parent.warning_count == 1 and parent.warnings[0].line == 3


def test_a_rejected_import_in_the_child_path_says_nothing_was_stored(in_child, write_file, run):
    with pytest.raises(ImportRejected, match="aucune donnée n'a été enregistrée"):
        run("participants", write_file([H, ["S-X", "A", "B", "", "nurse", "", "", ""]]))


def _index_names(table: str) -> set[str]:
    inspector = sa.inspect(db.session.connection())
    return {index["name"] for index in inspector.get_indexes(table)}


def test_indexes_deferred_by_a_large_load_are_all_there_afterwards(run, rejected, write_file, make_session):
    make_session(reference="S-1")
    before = {table: _index_names(table) for table in ("people", "registrations")}
    assert "ix_registrations_person_id_completed" in before["registrations"]
    rows = _rows(6_000)
    rows[5_500][4] = "astronaute"  # the first chunk is written (indexes dropped), then this fails
    rejected("participants", write_file([H, *rows]))
    assert {table: _index_names(table) for table in before} == before
    run("participants", write_file([H, *_rows(50)]))
    assert {table: _index_names(table) for table in before} == before


@pytest.mark.parametrize("fails", [False, True])
def test_the_garbage_collector_is_paused_during_a_load_and_back_after(
    run, write_file, make_session, monkeypatch, fails
):
    make_session(reference="S-1")
    seen = []
    original = participants.import_participants

    def spy(ctx, rows):
        seen.append(gc.isenabled())
        if fails:
            raise ZeroDivisionError("boom")
        original(ctx, rows)

    monkeypatch.setitem(tables.IMPORTERS, "participants", spy)
    assert gc.isenabled()
    if fails:
        with pytest.raises(ZeroDivisionError):
            run("participants", write_file([H, *_rows(3)]))
    else:
        run("participants", write_file([H, *_rows(3)]))
    assert seen == [False]
    assert gc.isenabled()
