"""Participant rows checked a column at a time give exactly what the row-by-row check gives."""

from datetime import UTC, datetime

import pytest

from trainer.extensions import db
from trainer.imports.columns import TABLES, match_header
from trainer.imports.context import ImportContext
from trainer.imports.issues import IssueLog
from trainer.imports.tables import participant_rows
from trainer.imports.tables.participant_rows import RowParser
from trainer.referential.services import ReferenceLookup

HEADER = [
    "session_reference", "last_name", "first_name", "email", "profession",
    "employer", "department", "referent_type", "present",
]  # fmt: skip
CLEAN = [
    ["S-1", "Lefèvre", "Zoé", "Zoe.Lefevre@Exemple.fr", "nurse", "CHU", "75", "", "oui"],
    ["S-1", "  de la  Tour ", "Jean-Marc", "", "Infirmière", "", "", "", "non"],
    ["S-2", "ŒUVRE", "Ærin", "jm@exemple.fr ", "midwife", "Mairie", "2A", "", ""],
    ["S-2", "Ngô", "Thị", "NGO@EXEMPLE.FR", "Sage-femme", "", "", "", "x"],
]


def _parser(header):
    log = IssueLog()
    spec = TABLES["participants"]
    ctx = ImportContext(
        spec=spec,
        batch=None,
        columns=match_header(spec, header, log),
        log=log,
        lookup=ReferenceLookup(db.session),
        now=datetime.now(UTC),
        actor_id=None,
    )
    return RowParser(ctx), log


def _both_ways(header, rows, monkeypatch):
    items = [(line, list(cells)) for line, cells in enumerate(rows, 2)]
    parser, log = _parser(header)
    row_by_row = list(map(parser, [(line, list(cells)) for line, cells in items]))
    calls = []
    original = RowParser.__call__
    monkeypatch.setattr(RowParser, "__call__", lambda self, item: calls.append(1) or original(self, item))
    parser_for_chunks, chunk_log = _parser(header)
    by_chunk = parser_for_chunks.chunk(items)
    return row_by_row, by_chunk, calls, (log.errors, chunk_log.errors)


def test_a_clean_chunk_is_checked_by_column_with_the_same_rows(app_ctx, monkeypatch):
    row_by_row, by_chunk, calls, (errors, chunk_errors) = _both_ways(HEADER, CLEAN, monkeypatch)
    assert by_chunk == row_by_row
    assert not calls  # no row went through the row-by-row check
    assert errors == chunk_errors == []
    assert by_chunk[0].email == "zoe.lefevre@exemple.fr" and by_chunk[1].email is None
    assert by_chunk[1].normalised_last == "de la tour"


def test_without_an_email_column_the_rows_are_the_same(app_ctx, monkeypatch):
    keep = [i for i, name in enumerate(HEADER) if name != "email"]
    header = [HEADER[i] for i in keep]
    rows = [[row[i] for i in keep] for row in CLEAN]
    row_by_row, by_chunk, calls, _ = _both_ways(header, rows, monkeypatch)
    assert by_chunk == row_by_row and not calls
    assert all(row.email is None for row in by_chunk)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("session_reference", ""),
        ("session_reference", "R" * 61),
        ("last_name", " "),
        ("first_name", "x" * 121),
        ("email", "pas-une-adresse"),
        ("email", "zoé@exemple.fr"),  # valid, but only the row-by-row check knows non-ASCII addresses
        ("profession", ""),
        ("profession", "astronaute"),
        ("employer", "e" * 201),
        ("department", "999"),
        ("referent_type", "inconnu"),
        ("present", "peut-être"),
        ("last_name", "Tab\tulation"),
    ],
)
def test_any_doubtful_cell_sends_the_chunk_row_by_row(app_ctx, monkeypatch, column, value):
    rows = [list(row) for row in CLEAN]
    rows[2][HEADER.index(column)] = value
    row_by_row, by_chunk, calls, (errors, chunk_errors) = _both_ways(HEADER, rows, monkeypatch)
    assert by_chunk == row_by_row
    assert len(calls) == len(rows)
    assert [(e.line, e.column, e.message) for e in chunk_errors] == [
        (e.line, e.column, e.message) for e in errors
    ]


def test_ragged_rows_go_row_by_row(app_ctx, monkeypatch):
    rows = [list(row) for row in CLEAN]
    rows[1] = rows[1][:-2]  # a short row: the missing cells are blank
    rows[3] = [*rows[3], "", ""]  # blank cells past the last column are accepted
    row_by_row, by_chunk, calls, _ = _both_ways(HEADER, rows, monkeypatch)
    assert by_chunk == row_by_row and len(calls) == len(rows)
    assert participant_rows.Row is type(by_chunk[0])
