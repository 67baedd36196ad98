"""Personal evaluation links: one invitation per completed registration and phase, and its token.

The invitation is unique in the database per (registration, phase). The link carries a random
token; only its hash is stored, so a reminder (or a printed QR sheet) issues a new token that
replaces the previous one. Sending lives in ``sending.py``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from trainer.db_types import now_utc
from trainer.evaluations.models import EvaluationInvitation, Phase
from trainer.extensions import db
from trainer.people.models import Person
from trainer.security import hash_token, new_token
from trainer.sessions.models import Registration, RegistrationStatus, SessionSlot, TrainingSession

PARIS = ZoneInfo("Europe/Paris")
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def setting(name: str) -> int:
    defaults = {"EVALUATION_LINK_DAYS": 60, "EVALUATION_REMINDER_DAYS": 7, "EVALUATION_COLD_DELAY_DAYS": 90}
    return int(current_app.config.get(name, defaults[name]))


def local_day(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def last_slot_on(training_session: TrainingSession) -> date:
    last = db.session.scalar(
        sa.select(sa.func.max(SessionSlot.on)).where(SessionSlot.session_id == training_session.id)
    )
    return last or training_session.ends_on


def create_invitations(training_session: TrainingSession, *, today: date) -> int:
    """Hot (due today) and cold (due last slot + delay) invitations for each completed attendee.

    Idempotent, also under concurrency (the session closed while a coordinator clicks "send"):
    existing invitations are kept as they are (``INSERT … ON CONFLICT DO NOTHING``). Returns the
    number created.
    """
    registration_ids = db.session.scalars(
        sa.select(Registration.id)
        .where(
            Registration.session_id == training_session.id,
            Registration.completed.is_(True),
            Registration.status == RegistrationStatus.registered,
        )
        .order_by(Registration.id)
    ).all()
    if not registration_ids:
        return 0
    cold_due = last_slot_on(training_session) + timedelta(days=setting("EVALUATION_COLD_DELAY_DAYS"))
    created_at = now_utc()
    rows = [
        {"registration_id": rid, "phase": phase.value, "due_on": due_on, "created_at": created_at}
        for rid in registration_ids
        for phase, due_on in ((Phase.hot, today), (Phase.cold, cold_due))
    ]
    db.session.flush()
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    created = 0
    for start in range(0, len(rows), 400):
        statement = insert(EvaluationInvitation.__table__).values(rows[start : start + 400])
        result = db.session.execute(
            statement.on_conflict_do_nothing(index_elements=["registration_id", "phase"])
        )
        created += max(result.rowcount, 0)
    return created


def issue_token(invitation: EvaluationInvitation, now: datetime, *, renew: bool) -> str:
    """A new raw token (returned once, never stored); ``renew`` restarts the validity period."""
    raw = new_token()
    invitation.token_hash = hash_token(raw)
    if renew or invitation.expires_at is None:
        invitation.expires_at = now + timedelta(days=setting("EVALUATION_LINK_DAYS"))
    return raw


def issue_sheet_tokens(
    training_session: TrainingSession, phase: Phase, *, now: datetime, everyone: bool = False
) -> list[tuple[Registration, str]]:
    """New links for a printed QR sheet: attendees without e-mail (or all) who have not answered.

    A printed link replaces any link given before to the same attendee.
    """
    create_invitations(training_session, today=local_day(now))
    statement = (
        sa.select(EvaluationInvitation)
        .join(Registration, Registration.id == EvaluationInvitation.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.session_id == training_session.id,
            EvaluationInvitation.phase == phase,
            EvaluationInvitation.submitted_at.is_(None),
        )
        .options(selectinload(EvaluationInvitation.registration).selectinload(Registration.person))
        .order_by(Person.last_name, Person.first_name, EvaluationInvitation.id)
    )
    if not everyone:
        statement = statement.where(sa.or_(Person.email.is_(None), Person.email == ""))
    sheet = []
    for invitation in db.session.scalars(statement):
        raw = issue_token(invitation, now, renew=True)
        invitation.sent_at = invitation.sent_at or now
        sheet.append((invitation.registration, raw))
    db.session.flush()
    return sheet


def find_invitation(raw: str | None) -> EvaluationInvitation | None:
    """The invitation a link points to; None for anything that is not one of our tokens."""
    if not raw or not _TOKEN_SHAPE.fullmatch(raw):
        return None
    return db.session.scalar(
        sa.select(EvaluationInvitation).where(EvaluationInvitation.token_hash == hash_token(raw))
    )


def link_state(invitation: EvaluationInvitation | None, now: datetime) -> str:
    """``unknown``, ``used``, ``expired`` or ``open``."""
    if invitation is None:
        return "unknown"
    if invitation.submitted_at is not None:
        return "used"
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return "expired"
    return "open"
