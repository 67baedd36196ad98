"""Helpers for import tests: files written in a given encoding, imports run through the service."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from trainer.extensions import db

# ../shared beside the project, as on every developer machine and in CI.
FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "csv-dialects"


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def write_file(tmp_path) -> Callable[..., Path]:
    """Write ``rows`` (or raw ``data``) to a file in ``tmp_path`` and return its path."""
    counter = {"n": 0}

    def write(rows=None, *, name=None, data: bytes | None = None, **options) -> Path:
        counter["n"] += 1
        path = tmp_path / (name or f"fichier-{counter['n']}.csv")
        path.write_bytes(data if data is not None else csv_bytes(rows, **options))
        return path

    return write


@pytest.fixture
def run(app_ctx):
    """Run an import through the service and commit, as the CLI does; returns the outcome."""
    from trainer.imports.services import run_import

    def do(table: str, path: Path, *, session=None, dry_run=False, actor=None):
        try:
            outcome = run_import(
                table,
                path,
                filename=path.name,
                actor=actor,
                dry_run=dry_run,
                session_reference=session,
                via="test",
            )
        except Exception:
            db.session.rollback()
            raise
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
        return outcome

    return do


@pytest.fixture
def rejected(run):
    """Run an import that must fail; returns the error lines (strings) and checks nothing was stored."""
    from trainer.imports.issues import ImportRejected

    def do(table: str, path: Path, **options) -> list[str]:
        before = table_counts()
        with pytest.raises(ImportRejected) as caught:
            run(table, path, **options)
        assert table_counts() == before, "a rejected import stored something"
        return [str(issue) for issue in caught.value.log.errors]

    return do


def table_counts() -> dict[str, int]:
    from trainer.models import (  # noqa: F401
        AttendanceMark,
        DeclaredTraining,
        EvaluationResponse,
        ImportBatch,
        Organisation,
        Person,
        Registration,
        TrainingSession,
    )

    models = [Person, Registration, TrainingSession, Organisation, AttendanceMark, EvaluationResponse]
    models += [DeclaredTraining, ImportBatch]
    return {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models}


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


PARTICIPANT_HEADER = [
    "session_reference",
    "last_name",
    "first_name",
    "email",
    "profession",
    "employer",
    "department",
    "present",
]
