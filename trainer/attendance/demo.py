"""Demo data of the attendance area: closing dates, a few signatures, certificates (deterministic)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from trainer.attendance.certificates import new_code
from trainer.attendance.models import AttendanceMark, Certificate, MarkMethod, MarkStatus
from trainer.extensions import db
from trainer.sessions.models import HELD_STATUSES, Registration, RegistrationStatus, SessionStatus

PARIS = ZoneInfo("Europe/Paris")
SIGNED_SESSIONS = 4  # the most recent held sessions get typed signatures, as if checked in by QR code


def extend(context) -> None:
    """Called by ``trainer demo`` after the core data set is built (see trainer/demo/builder.py)."""
    past = sorted(
        (s for s in context.sessions if s.status in HELD_STATUSES and s.slots),
        key=lambda s: (s.slots[-1].on, s.reference),
    )
    for training_session in past:
        if training_session.status == SessionStatus.closed and training_session.closed_at is None:
            last_day = training_session.slots[-1].on + timedelta(days=1)
            training_session.closed_at = datetime.combine(last_day, time(17), tzinfo=PARIS)
    _signatures(context, past[-SIGNED_SESSIONS:])
    _certificates(context, [s for s in past if s.status == SessionStatus.closed])
    db.session.flush()


def _signatures(context, sessions) -> None:
    for training_session in sessions:
        marks = db.session.execute(
            sa.select(AttendanceMark, Registration)
            .join(Registration, Registration.id == AttendanceMark.registration_id)
            .where(
                Registration.session_id == training_session.id, AttendanceMark.status == MarkStatus.present
            )
            .order_by(AttendanceMark.id)
        ).all()
        for mark, registration in marks:
            if context.rng.random() < 0.7:
                mark.method = MarkMethod.self_check_in
                mark.signed_name = registration.person.full_name


def _certificates(context, sessions) -> None:
    used: set[str] = set()
    first = None
    for training_session in sessions:
        registrations = db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.session_id == training_session.id,
                Registration.status == RegistrationStatus.registered,
                Registration.completed.is_(True),
            )
            .order_by(Registration.id)
        ).all()
        for registration in registrations:
            code = new_code(context.rng)
            while code in used:
                code = new_code(context.rng)
            used.add(code)
            issued_at = training_session.closed_at or datetime.combine(
                training_session.ends_on, time(18), tzinfo=PARIS
            )
            certificate = Certificate(
                registration=registration,
                code=code,
                issued_at=issued_at,
                emailed_at=issued_at if registration.person.email else None,
            )
            db.session.add(certificate)
            first = first or certificate
    if first is not None:  # one revoked certificate, to show how the verification page says so
        first.revoked_at = first.issued_at + timedelta(days=3)
        first.revoked_reason = "Démonstration : présence contestée après vérification de la feuille."
