"""Who may take attendance of which session: coordinators and admins everywhere, trainers on theirs.

A trainer reaches a session only through their person record (``User.person_id``) being one of
the session's assigned trainers; anything else answers 404, so that ids of other sessions reveal
nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from trainer.auth.models import Role, User
from trainer.extensions import db
from trainer.sessions.models import SessionSlot, TrainingSession, session_trainers


def is_coordinator(user: User) -> bool:
    """Coordinators and admins take or correct attendance of any session."""
    return bool(user.is_authenticated and user.has_role(Role.coordinator))


def is_assigned(user: User, session_id: int) -> bool:
    """Whether the user's person record is one of the session's trainers."""
    if not user.is_authenticated or user.role != Role.trainer or user.person_id is None:
        return False
    query = sa.select(session_trainers.c.session_id).where(
        session_trainers.c.session_id == session_id, session_trainers.c.person_id == user.person_id
    )
    return db.session.scalar(query.limit(1)) is not None


def can_take_attendance(user: User, training_session: TrainingSession) -> bool:
    return is_coordinator(user) or is_assigned(user, training_session.id)


def visible_sessions_filter(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause restricting sessions to those the user may see."""
    if is_coordinator(user):
        return sa.true()
    if user.person_id is None:
        return sa.false()
    return TrainingSession.id.in_(
        sa.select(session_trainers.c.session_id).where(session_trainers.c.person_id == user.person_id)
    )


def session_or_404(user: User, session_id: int) -> TrainingSession:
    """The session if this user may take its attendance; 404 otherwise (also for unknown ids)."""
    training_session = db.session.get(TrainingSession, session_id)
    if training_session is None or not can_take_attendance(user, training_session):
        abort(404)
    return training_session


def slot_or_404(user: User, slot_id: int) -> SessionSlot:
    """The slot if this user may take attendance of its session; 404 otherwise."""
    slot = db.session.get(SessionSlot, slot_id)
    if slot is None or not can_take_attendance(user, slot.training_session):
        abort(404)
    return slot
