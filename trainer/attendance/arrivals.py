"""Late arrivals: someone who turned up on the day is registered on the spot and marked present."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from trainer import audit
from trainer.attendance.models import MarkStatus
from trainer.attendance.services import AttendanceError, apply_mark, ensure_editable, refresh_completion
from trainer.extensions import db
from trainer.i18n import lazy_gettext as _l
from trainer.people.models import Person
from trainer.sessions.models import (
    Registration,
    RegistrationSource,
    RegistrationStatus,
    SessionSlot,
    TrainingSession,
)
from trainer.text import normalise, normalise_email

_RETRY = _l(
    "Cette personne vient d'être enregistrée depuis un autre appareil : vérifiez la liste avant de renvoyer."
)


@dataclass
class LateArrival:
    last_name: str
    first_name: str
    profession_code: str
    email: str | None


def add_late_arrival(
    *, training_session: TrainingSession, arrival: LateArrival, slot: SessionSlot | None, actor
) -> Registration:
    """Register someone who turned up on the day (found by e-mail, else created) and mark them present."""
    ensure_editable(training_session)
    email = normalise_email(arrival.email)
    person = db.session.scalar(sa.select(Person).where(Person.email == email)) if email else None
    if person is None:
        person = Person(
            last_name=arrival.last_name.strip(),
            first_name=arrival.first_name.strip(),
            normalised_last_name=normalise(arrival.last_name),
            normalised_first_name=normalise(arrival.first_name),
            email=email,
            profession_code=arrival.profession_code,
            department_code=training_session.department_code,
        )
        try:
            with db.session.begin_nested():  # another device may create the same e-mail meanwhile
                db.session.add(person)
        except IntegrityError:
            raise AttendanceError(str(_RETRY)) from None
        audit.record("person.create", person, actor=actor, summary=f"{person.full_name} (arrivée sur place)")
    registration = db.session.scalar(
        sa.select(Registration).where(
            Registration.session_id == training_session.id, Registration.person_id == person.id
        )
    )
    if registration is not None and registration.status == RegistrationStatus.registered:
        raise AttendanceError(
            _(
                "%(name)s est déjà inscrit·e à cette session : pointez sa présence dans la liste.",
                name=person.full_name,
            )
        )
    if registration is None:
        registration = Registration(
            session_id=training_session.id,  # ids, not relationships: nothing is cascaded before the savepoint
            person_id=person.id,
            profession_code=arrival.profession_code,
            employer_name=person.organisation.name if person.organisation else "",
            department_code=person.department_code or training_session.department_code,
            source=RegistrationSource.staff,
        )
        try:
            with db.session.begin_nested():
                db.session.add(registration)
        except IntegrityError:
            raise AttendanceError(str(_RETRY)) from None
    registration.status = RegistrationStatus.registered
    registration.cancelled_at = None
    db.session.flush()
    audit.record(
        "registration.create",
        registration,
        actor=actor,
        summary=f"{person.full_name} inscrit·e sur place à {training_session.reference}",
    )
    if slot is not None:
        apply_mark(slot, registration, MarkStatus.present, None, actor)
    refresh_completion(training_session)
    return registration
