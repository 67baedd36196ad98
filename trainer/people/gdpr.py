"""GDPR rights on the registry: export everything held on a person, and erase (anonymise) them.

Erasure keeps every figure: registrations stay with their profession and department snapshots
and their completed flag, so counts per profession, territory and session do not move. Only what
identifies the person goes (names, e-mail, employer, signatures).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from trainer import audit
from trainer.attendance.models import AttendanceMark
from trainer.auth.models import User
from trainer.db_types import now_utc
from trainer.evaluations.models import EvaluationInvitation
from trainer.extensions import db
from trainer.people.models import Person, ReferentMandate, TrainerProfile
from trainer.people.services import PeopleError
from trainer.sessions.models import Registration, TrainingSession, session_trainers

ANONYMOUS_NAME = "Personne anonymisée"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_person_data(person: Person) -> dict[str, Any]:
    """Everything the platform holds on ``person``, as JSON-ready data (evaluation answers are
    anonymous by design and are not linked to anyone)."""
    registrations = db.session.scalars(
        sa.select(Registration)
        .where(Registration.person_id == person.id)
        .options(
            selectinload(Registration.training_session),
            selectinload(Registration.marks).selectinload(AttendanceMark.slot),
            selectinload(Registration.certificate),
        )
        .order_by(Registration.id)
    ).all()
    invitations: dict[int, list[EvaluationInvitation]] = {}
    for invitation in db.session.scalars(
        sa.select(EvaluationInvitation).where(
            EvaluationInvitation.registration_id.in_([r.id for r in registrations] or [0])
        )
    ):
        invitations.setdefault(invitation.registration_id, []).append(invitation)
    profile = db.session.scalar(
        sa.select(TrainerProfile)
        .where(TrainerProfile.person_id == person.id)
        .options(selectinload(TrainerProfile.kits))
    )
    delivered = db.session.scalars(
        sa.select(TrainingSession)
        .join(session_trainers, session_trainers.c.session_id == TrainingSession.id)
        .where(session_trainers.c.person_id == person.id)
        .order_by(TrainingSession.starts_on)
    ).all()
    mandates = db.session.scalars(
        sa.select(ReferentMandate)
        .where(ReferentMandate.person_id == person.id)
        .order_by(ReferentMandate.starts_on)
    ).all()
    accounts = db.session.scalars(sa.select(User).where(User.person_id == person.id).order_by(User.id)).all()
    return {
        "exported_at": now_utc().isoformat(),
        "person": {
            "id": person.id,
            "last_name": person.last_name,
            "first_name": person.first_name,
            "email": person.email,
            "profession": person.profession_code,
            "employer": person.organisation.name if person.organisation else None,
            "department": person.department_code,
            "created_at": _iso(person.created_at),
            "anonymised_at": _iso(person.anonymised_at),
        },
        "registrations": [_registration(r, invitations.get(r.id, [])) for r in registrations],
        "trainer_profile": None
        if profile is None
        else {
            "kits": [kit.slug for kit in profile.kits],
            "qualifying_session": profile.qualifying_session.reference
            if profile.qualifying_session
            else None,
            "qualified_on": _iso(profile.qualified_on),
            "expires_on": _iso(profile.expires_on),
            "is_active": profile.is_active,
        },
        "sessions_delivered": [
            {"reference": s.reference, "title": s.title, "starts_on": _iso(s.starts_on)} for s in delivered
        ],
        "referent_mandates": [
            {
                "referent_type": m.referent_type_code,
                "establishment": m.establishment,
                "department": m.department_code,
                "starts_on": _iso(m.starts_on),
                "ends_on": _iso(m.ends_on),
                "training_session": m.training_session.reference if m.training_session else None,
            }
            for m in mandates
        ],
        "accounts": [
            {
                "email": u.email,
                "role": u.role.value,
                "created_at": _iso(u.created_at),
                "last_login_at": _iso(u.last_login_at),
            }
            for u in accounts
        ],
        "notes": "Les réponses aux évaluations sont anonymes : elles ne sont liées à aucune personne.",
    }


def _registration(r: Registration, invitations: list[EvaluationInvitation]) -> dict[str, Any]:
    return {
        "session_reference": r.training_session.reference,
        "session_title": r.training_session.title,
        "starts_on": _iso(r.training_session.starts_on),
        "status": r.status.value,
        "source": r.source.value,
        "profession": r.profession_code,
        "employer": r.employer_name,
        "department": r.department_code,
        "referent_type": r.referent_type_code,
        "completed": r.completed,
        "registered_at": _iso(r.created_at),
        "cancelled_at": _iso(r.cancelled_at),
        "attendance": [
            {
                "date": _iso(m.slot.on),
                "starts_at": m.slot.starts_at.strftime("%H:%M"),
                "status": m.status.value,
                "hours_attended": float(m.hours_attended) if m.hours_attended is not None else None,
                "signed": m.signature_png is not None,
            }
            for m in sorted(r.marks, key=lambda m: (m.slot.on, m.slot.starts_at))
        ],
        "certificate": None
        if r.certificate is None
        else {"code": r.certificate.code, "issued_at": _iso(r.certificate.issued_at)},
        "evaluations": [
            {"phase": i.phase.value, "sent_at": _iso(i.sent_at), "answered": i.submitted_at is not None}
            for i in invitations
        ],
    }


def anonymise_person(person: Person, *, actor) -> None:
    """Erase what identifies ``person`` while keeping every registration and figure as it was."""
    if person.anonymised_at is not None:
        raise PeopleError(_("Cette fiche est déjà anonymisée."))
    active = db.session.scalar(
        sa.select(User.email).where(User.person_id == person.id, User.is_active_account.is_(True)).limit(1)
    )
    if active:
        raise PeopleError(
            _(
                "Cette personne a un compte actif (%(email)s) : un·e administrateur·rice doit d'abord le désactiver.",
                email=active,
            )
        )
    person.last_name = ANONYMOUS_NAME
    person.first_name = ""
    person.normalised_last_name = ""
    person.normalised_first_name = ""
    person.email = None
    person.organisation_id = None
    person.anonymised_at = now_utc()
    registration_ids = sa.select(Registration.id).where(Registration.person_id == person.id)
    db.session.execute(
        sa.update(Registration).where(Registration.person_id == person.id).values(employer_name="")
    )
    db.session.execute(
        sa.update(AttendanceMark)
        .where(AttendanceMark.registration_id.in_(registration_ids))
        .values(signature_png=None, signed_name=None)
    )
    db.session.execute(sa.update(User).where(User.person_id == person.id).values(person_id=None))
    db.session.flush()
    audit.record("person.erase", person, actor=actor, summary=f"Fiche n° {person.id} anonymisée (RGPD)")
