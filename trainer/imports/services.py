"""Running an import: one file, one batch, all or nothing.

``run_import`` flushes and never commits: the caller (view or CLI) commits once on success, and
rolls back on ``ImportRejected`` / ``ImportsError`` or after a dry run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from trainer import audit
from trainer.collector import collector_paused
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.imports.columns import TABLES, match_header
from trainer.imports.context import ImportContext
from trainer.imports.issues import ImportRejected, ImportsError, Issue, IssueLog
from trainer.imports.models import ImportBatch, ImportTable
from trainer.imports.parallel import CountedRows
from trainer.imports.reading import ReadError, open_table
from trainer.referential.services import ReferenceLookup
from trainer.sessions.models import TrainingSession

# Tables whose rows name a session: an import may target one session for every row.
SESSION_TABLES = ("participants", "evaluations")
WARNINGS_KEPT = 200

COUNT_LABELS = {
    "sessions_created": "sessions créées",
    "sessions_updated": "sessions mises à jour",
    "organisations_created": "organismes créés",
    "persons_created": "personnes créées",
    "persons_matched": "personnes déjà connues",
    "registrations_created": "inscriptions créées",
    "registrations_existing": "inscriptions déjà présentes (inchangées)",
    "duplicates_in_file": "lignes en double dans le fichier (ignorées)",
    "marks_created": "présences saisies par créneau",
    "responses_created": "questionnaires enregistrés",
    "answers_created": "réponses enregistrées",
    "invitations_marked": "participant·es noté·es comme ayant répondu",
    "declarations_created": "formations déclarées",
    "headcounts_created": "effectifs par profession",
    "headcounts_existing": "effectifs déjà déclarés (inchangés)",
}


@dataclass
class ImportOutcome:
    """What an import stored (or, for a dry run, would store)."""

    table: str
    filename: str
    dry_run: bool
    row_count: int
    counts: dict[str, int]
    warnings: list[Issue]
    warning_count: int
    description: str
    session_reference: str | None = None
    batch_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def count_lines(self) -> list[tuple[str, int]]:
        return [(label, self.counts[key]) for key, label in COUNT_LABELS.items() if self.counts.get(key)]


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def previous_import(checksum: str) -> ImportBatch | None:
    """The batch that already imported a file with this checksum, unless it was undone."""
    return db.session.scalar(
        sa.select(ImportBatch)
        .where(ImportBatch.checksum == checksum, ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.created_at)
        .limit(1)
    )


def run_import(
    table: str,
    path: Path,
    *,
    filename: str,
    actor: Any = None,
    dry_run: bool = False,
    session_reference: str | None = None,
    via: str = "web",
) -> ImportOutcome:
    """Import ``path`` into ``table`` as one batch; raises ``ImportRejected`` listing every error."""
    from trainer.imports.tables import IMPORTERS

    spec = TABLES.get(table)
    if spec is None:
        raise ImportsError(
            f"Table inconnue « {table} » : choisissez sessions, participants, evaluations ou declarations."
        )
    session_reference = (session_reference or "").strip() or None
    if session_reference and table not in SESSION_TABLES:
        raise ImportsError("Seules les tables participants et evaluations peuvent viser une session précise.")
    if session_reference and not db.session.scalar(
        sa.select(TrainingSession.id).where(TrainingSession.reference == session_reference)
    ):
        raise ImportsError(f"Session inconnue « {session_reference} ».")
    checksum = file_checksum(path)
    previous = previous_import(checksum)
    if previous is not None:
        raise ImportsError(
            f"Ce fichier a déjà été importé le {_when(previous)} (import n° {previous.id}, "
            f"« {previous.filename} ») : annulez cet import pour importer à nouveau ce fichier."
        )
    log = IssueLog()
    actor_id = actor.id if getattr(actor, "is_authenticated", False) else None
    try:
        reader = open_table(path, filename)
    except ReadError as exc:
        log.error(exc.issue.message, exc.issue.line)
        raise ImportRejected(log) from None
    row_count = 0
    try:
        for warning in reader.warnings:
            log.warn(warning.message, warning.line, warning.column)
        optional = frozenset({"session_reference"}) if session_reference else frozenset()
        columns = match_header(spec, reader.header, log, optional_keys=optional)
        if log.has_errors:
            raise ImportRejected(log, reader.description)
        now = now_utc()
        batch = ImportBatch(
            table=ImportTable(table),
            filename=filename[:250],
            checksum=checksum,
            created_by_id=actor_id,
            created_at=now,
            row_count=0,
            summary="{}",
        )
        db.session.add(batch)
        db.session.flush()
        ctx = ImportContext(
            spec=spec,
            batch=batch,
            columns=columns,
            log=log,
            lookup=ReferenceLookup(db.session),
            now=now,
            actor_id=actor_id,
            fixed_session=session_reference,
            file_size=path.stat().st_size,
        )
        rows = CountedRows(reader.rows())
        try:
            with collector_paused():
                IMPORTERS[table](ctx, rows)
        except ReadError as exc:
            log.error(exc.issue.message, exc.issue.line)
        row_count = rows.count
        description = reader.description
    finally:
        reader.close()
    if row_count == 0 and not log.has_errors:
        log.error("Le fichier ne contient que la ligne d'en-tête : aucune ligne à importer.")
    if log.has_errors:
        raise ImportRejected(log, description)
    counts = {key: value for key, value in ctx.counts.items() if value}
    batch.row_count = row_count
    batch.summary = json.dumps(
        {
            **ctx.summary(),
            "via": via,
            "description": description,
            "warnings": [warning.as_dict() for warning in log.warnings[:WARNINGS_KEPT]],
            "warning_count": log.warning_count,
        },
        ensure_ascii=False,
    )
    done = ", ".join(f"{label} : {value}" for label, value in _labelled(counts))
    audit.record(
        "import.run",
        batch,
        actor=actor if actor_id else via,
        summary=f"{table} — {filename} : {row_count} lignes ({done or 'rien de nouveau'})",
    )
    db.session.flush()
    return ImportOutcome(
        table=table,
        filename=filename,
        dry_run=dry_run,
        row_count=row_count,
        counts=counts,
        warnings=log.warnings,
        warning_count=log.warning_count,
        description=description,
        session_reference=session_reference,
        batch_id=None if dry_run else batch.id,
    )


def _labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(label, counts[key]) for key, label in COUNT_LABELS.items() if counts.get(key)]


def _when(batch: ImportBatch) -> str:
    from zoneinfo import ZoneInfo

    return batch.created_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y à %H:%M")
