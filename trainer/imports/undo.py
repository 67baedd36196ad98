"""Undoing an import batch: deleting what it created, unless something added since depends on it.

What each table's batch created is found through ``import_batch_id`` (sessions, registrations,
responses, declared trainings) and through the id ranges kept in the batch summary (persons,
organisations, invitations, head-counts added to existing declarations). Sessions a batch
updated keep their new values.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from trainer import audit
from trainer.attendance.models import AttendanceMark, Certificate, MarkMethod
from trainer.auth.models import User
from trainer.db_types import now_utc
from trainer.declarations.models import DeclaredHeadcount, DeclaredTraining
from trainer.evaluations.models import EvaluationInvitation, EvaluationResponse
from trainer.extensions import db
from trainer.imports.context import IN_CHUNK, chunks, expand_ranges
from trainer.imports.issues import ImportsError
from trainer.imports.models import ImportBatch, ImportTable
from trainer.people.models import Organisation, Person, ReferentMandate, TrainerProfile
from trainer.sessions.models import Registration, TrainingSession, session_trainers


def undo_batch(batch: ImportBatch, actor: Any) -> dict[str, int]:
    """Delete what ``batch`` created; raises ``ImportsError`` when later data depends on it."""
    if batch.undone_at is not None:
        raise ImportsError("Cet import a déjà été annulé.")
    summary = json.loads(batch.summary or "{}")
    created = summary.get("created", {})
    undo = {
        ImportTable.sessions: _undo_sessions,
        ImportTable.participants: _undo_participants,
        ImportTable.evaluations: _undo_evaluations,
        ImportTable.declarations: _undo_declarations,
    }[batch.table]
    counts = undo(batch, created)
    counts["organisations_deleted"] = _delete_unused_organisations(created.get("organisations", []))
    batch.undone_at = now_utc()
    batch.undone_by_id = actor.id if getattr(actor, "is_authenticated", False) else None
    done = ", ".join(f"{key} : {value}" for key, value in counts.items() if value)
    audit.record("import.undo", batch, actor=actor, summary=f"{batch.table} — {batch.filename} ({done})")
    db.session.flush()
    return counts


def _count(query) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def _undo_participants(batch: ImportBatch, created: dict) -> dict[str, int]:
    mine = sa.select(Registration.id).where(Registration.import_batch_id == batch.id)
    blockers = {
        "ont une attestation": _count(sa.select(Certificate.id).where(Certificate.registration_id.in_(mine))),
        "ont des présences saisies depuis": _count(
            sa.select(AttendanceMark.id).where(
                AttendanceMark.registration_id.in_(mine), AttendanceMark.method != MarkMethod.import_
            )
        ),
        "ont une invitation à l'évaluation": _count(
            sa.select(EvaluationInvitation.id).where(EvaluationInvitation.registration_id.in_(mine))
        ),
    }
    _refuse_if(blockers, "inscriptions de cet import")
    deleted = db.session.execute(
        sa.delete(Registration).where(Registration.import_batch_id == batch.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    return {
        "registrations_deleted": deleted,
        "persons_deleted": _delete_unused_persons(created.get("people", [])),
    }


def _undo_sessions(batch: ImportBatch, created: dict) -> dict[str, int]:
    busy = db.session.scalars(
        sa.select(TrainingSession.reference)
        .where(
            TrainingSession.import_batch_id == batch.id,
            sa.or_(
                TrainingSession.registrations.any(),
                sa.exists().where(EvaluationResponse.session_id == TrainingSession.id),
                sa.exists().where(TrainerProfile.qualifying_session_id == TrainingSession.id),
                sa.exists().where(ReferentMandate.training_session_id == TrainingSession.id),
            ),
        )
        .order_by(TrainingSession.reference)
        .limit(11)
    ).all()
    if busy:
        shown = ", ".join(busy[:10]) + (" …" if len(busy) > 10 else "")
        raise ImportsError(
            f"Annulation impossible : des inscriptions, évaluations ou qualifications ont été ajoutées depuis "
            f"à des sessions de cet import ({shown}). Annulez d'abord les imports qui les ont ajoutées ou "
            "retirez-les."
        )
    deleted = db.session.execute(
        sa.delete(TrainingSession).where(TrainingSession.import_batch_id == batch.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    return {"sessions_deleted": deleted}


def _undo_evaluations(batch: ImportBatch, created: dict) -> dict[str, int]:
    deleted = db.session.execute(
        sa.delete(EvaluationResponse).where(EvaluationResponse.import_batch_id == batch.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    reopened = 0
    for part in chunks(created.get("invitations_marked", []), IN_CHUNK):
        reopened += db.session.execute(
            sa.update(EvaluationInvitation)
            .where(EvaluationInvitation.id.in_(part))
            .values(submitted_at=None),
            execution_options={"synchronize_session": False},
        ).rowcount
    removed = 0
    for part in chunks(list(expand_ranges(created.get("invitations", []))), IN_CHUNK):
        removed += db.session.execute(
            sa.delete(EvaluationInvitation).where(
                EvaluationInvitation.id.in_(part), EvaluationInvitation.token_hash.is_(None)
            ),
            execution_options={"synchronize_session": False},
        ).rowcount
    return {"responses_deleted": deleted, "invitations_reopened": reopened + removed}


def _undo_declarations(batch: ImportBatch, created: dict) -> dict[str, int]:
    added = 0
    for part in chunks(list(expand_ranges(created.get("headcounts", []))), IN_CHUNK):
        added += db.session.execute(
            sa.delete(DeclaredHeadcount).where(DeclaredHeadcount.id.in_(part)),
            execution_options={"synchronize_session": False},
        ).rowcount
    deleted = db.session.execute(
        sa.delete(DeclaredTraining).where(DeclaredTraining.import_batch_id == batch.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    return {"declarations_deleted": deleted, "headcounts_deleted": added}


def _refuse_if(blockers: dict[str, int], what: str) -> None:
    reasons = [f"{count} {reason}" for reason, count in blockers.items() if count]
    if reasons:
        raise ImportsError(
            f"Annulation impossible : des {what} {', '.join(reasons)}. "
            "Annulez d'abord ce qui a été ajouté depuis, ou retirez ces inscriptions une à une."
        )


def _delete_unused_persons(ranges: list[list[int]]) -> int:
    """Persons this batch created that nothing references any more."""
    unused = ~sa.or_(
        sa.exists().where(Registration.person_id == Person.id),
        sa.exists().where(TrainerProfile.person_id == Person.id),
        sa.exists().where(ReferentMandate.person_id == Person.id),
        sa.exists().where(User.person_id == Person.id),
        sa.exists().where(session_trainers.c.person_id == Person.id),
        sa.exists().where(DeclaredTraining.trainer_person_id == Person.id),
    )
    deleted = 0
    for start, end in ranges:
        deleted += db.session.execute(
            sa.delete(Person).where(Person.id.between(start, end), unused),
            execution_options={"synchronize_session": False},
        ).rowcount
    return deleted


def _delete_unused_organisations(ids_ranges: list[list[int]]) -> int:
    unused = ~sa.or_(
        sa.exists().where(TrainingSession.organisation_id == Organisation.id),
        sa.exists().where(Person.organisation_id == Organisation.id),
        sa.exists().where(DeclaredTraining.organisation_id == Organisation.id),
    )
    deleted = 0
    for start, end in ids_ranges:
        deleted += db.session.execute(
            sa.delete(Organisation).where(Organisation.id.between(start, end), unused),
            execution_options={"synchronize_session": False},
        ).rowcount
    return deleted
