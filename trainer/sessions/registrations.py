"""Registrations: add an attendee, the waiting list and its promotions, cancellation.

The profession, employer and department of the attendee are copied onto the registration when
it is made: people change jobs, and reports count what was true then.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from trainer import audit
from trainer.attendance.completion import recompute_completion
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.i18n import lazy_gettext as _l
from trainer.people.models import Organisation, Person
from trainer.sessions.models import (
    Registration,
    RegistrationSource,
    RegistrationStatus,
    SessionStatus,
    TrainingSession,
)
from trainer.sessions.services import registered_count
from trainer.text import normalise, normalise_email

CLOSED_FOR_REGISTRATION = {
    SessionStatus.cancelled: _l("Les inscriptions sont fermées : la session est annulée."),
    SessionStatus.closed: _l("Les inscriptions sont fermées : la session est clôturée."),
}


class RegistrationError(Exception):
    """A registration rule refused the change; the message is safe to show to the user."""


class AlreadyRegistered(RegistrationError):
    """The person already holds a (non-cancelled) registration in this session."""

    def __init__(self, registration: Registration) -> None:
        super().__init__(
            _("%(name)s est déjà inscrit·e à cette session.", name=registration.person.full_name)
        )
        self.registration = registration


@dataclass
class AttendeeInput:
    """An attendee as typed by staff, pasted in a list or entered on the public page."""

    last_name: str
    first_name: str
    email: str | None = None
    profession_code: str | None = None
    employer: str = ""
    department_code: str | None = None
    referent_type_code: str | None = None


def _organisation_named(name: str) -> Organisation | None:
    key = normalise(name)
    if not key:
        return None
    return db.session.scalar(sa.select(Organisation).where(Organisation.normalised_name == key))


def _same_person_in_session(
    training_session: TrainingSession, attendee: AttendeeInput
) -> Registration | None:
    """Without an e-mail, a person is the same when name and profession match within the session."""
    return db.session.scalar(
        sa.select(Registration)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.session_id == training_session.id,
            Person.normalised_last_name == normalise(attendee.last_name),
            Person.normalised_first_name == normalise(attendee.first_name),
            Registration.profession_code == attendee.profession_code,
        )
        .limit(1)
    )


def find_or_create_person(
    attendee: AttendeeInput, *, training_session: TrainingSession | None = None
) -> Person:
    """The registry's person for this attendee: by e-mail (case-insensitive), else a new record.

    An existing record is never overwritten from typed data (a public form could be used to alter
    someone else's record); only its blanks are filled in.
    """
    email = normalise_email(attendee.email)
    person = None
    if email:
        person = db.session.scalar(sa.select(Person).where(Person.email == email))
    elif training_session is not None and training_session.id is not None:
        match = _same_person_in_session(training_session, attendee)
        person = match.person if match is not None else None
    organisation = _organisation_named(attendee.employer)
    if person is None:
        person = Person(
            last_name=attendee.last_name.strip(),
            first_name=attendee.first_name.strip(),
            normalised_last_name=normalise(attendee.last_name),
            normalised_first_name=normalise(attendee.first_name),
            email=email,
            profession_code=attendee.profession_code,
            department_code=attendee.department_code,
            organisation=organisation,
        )
        db.session.add(person)
        db.session.flush()
        return person
    person.profession_code = person.profession_code or attendee.profession_code
    person.department_code = person.department_code or attendee.department_code
    if person.organisation_id is None and organisation is not None:
        person.organisation = organisation
    return person


def _lock_session(training_session: TrainingSession) -> None:
    # PostgreSQL: serialise seat counting per session (SQLite already locks at BEGIN IMMEDIATE).
    db.session.execute(
        sa.select(TrainingSession.id).where(TrainingSession.id == training_session.id).with_for_update()
    )


def _has_free_seat(training_session: TrainingSession) -> bool:
    capacity = training_session.capacity
    return capacity is None or registered_count(training_session.id) < capacity


def refresh_fill_status(training_session: TrainingSession) -> None:
    """An open session becomes full when its last seat is taken, and open again when one frees."""
    db.session.flush()
    has_seat = _has_free_seat(training_session)
    if training_session.status == SessionStatus.open and not has_seat:
        training_session.status = SessionStatus.full
    elif training_session.status == SessionStatus.full and has_seat:
        training_session.status = SessionStatus.open


def register_person(
    training_session: TrainingSession,
    person: Person,
    *,
    source: RegistrationSource,
    actor,
    profession_code: str | None = None,
    employer_name: str | None = None,
    department_code: str | None = None,
    referent_type_code: str | None = None,
    recompute: bool = True,
) -> Registration:
    """Register ``person``: a seat if one is free, otherwise the waiting list. Snapshots are taken now."""
    if training_session.status in CLOSED_FOR_REGISTRATION:
        raise RegistrationError(str(CLOSED_FOR_REGISTRATION[training_session.status]))
    _lock_session(training_session)
    registration = db.session.scalar(
        sa.select(Registration).where(
            Registration.session_id == training_session.id, Registration.person_id == person.id
        )
    )
    if registration is not None and registration.status != RegistrationStatus.cancelled:
        raise AlreadyRegistered(registration)
    if registration is None:
        registration = Registration(training_session=training_session, person=person)
        db.session.add(registration)
    registration.profession_code = profession_code or person.profession_code
    registration.employer_name = (
        employer_name if employer_name else (person.organisation.name if person.organisation else "")
    )[:200]
    registration.department_code = department_code or person.department_code
    registration.referent_type_code = referent_type_code
    registration.source = source
    registration.cancelled_at = None
    registration.created_at = now_utc()
    # Counted without the newcomer: flushed as waiting first, then given a seat if one is free.
    registration.status = RegistrationStatus.waiting_list
    db.session.flush()
    if _has_free_seat(training_session):
        registration.status = RegistrationStatus.registered
    refresh_fill_status(training_session)
    if recompute:
        recompute_completion([training_session.id])
    audit.record(
        "registration.create",
        registration,
        actor=actor,
        summary=f"Inscription de la fiche {person.id} à {training_session.reference} ({registration.status.label})",
    )
    return registration


def register_attendee(
    training_session: TrainingSession,
    attendee: AttendeeInput,
    *,
    source: RegistrationSource,
    actor,
    recompute: bool = True,
) -> Registration:
    """Find or create the person, then register them with the typed snapshot."""
    if training_session.status in CLOSED_FOR_REGISTRATION:
        raise RegistrationError(str(CLOSED_FOR_REGISTRATION[training_session.status]))
    person = find_or_create_person(attendee, training_session=training_session)
    return register_person(
        training_session,
        person,
        source=source,
        actor=actor,
        profession_code=attendee.profession_code,
        employer_name=attendee.employer.strip(),
        department_code=attendee.department_code,
        referent_type_code=attendee.referent_type_code,
        recompute=recompute,
    )


def fill_free_seats(training_session: TrainingSession, *, actor) -> list[Registration]:
    """Promote waiting registrations, first come first served, while seats are free."""
    promoted = []
    if training_session.status in CLOSED_FOR_REGISTRATION:
        return promoted
    waiting = db.session.scalars(
        sa.select(Registration)
        .where(
            Registration.session_id == training_session.id,
            Registration.status == RegistrationStatus.waiting_list,
        )
        .order_by(Registration.created_at, Registration.id)
        .options(selectinload(Registration.person))
    ).all()
    for registration in waiting:
        db.session.flush()
        if not _has_free_seat(training_session):
            break
        registration.status = RegistrationStatus.registered
        promoted.append(registration)
        audit.record(
            "registration.promote",
            registration,
            actor=actor,
            summary=f"Fiche {registration.person_id} passée de la liste d'attente à inscrite ({training_session.reference})",
        )
    refresh_fill_status(training_session)
    return promoted


def cancel_registration(registration: Registration, *, actor) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the first person on the waiting list (returned)."""
    if registration.status == RegistrationStatus.cancelled:
        raise RegistrationError(_("Cette inscription est déjà annulée."))
    training_session = registration.training_session
    if training_session.status == SessionStatus.closed:
        raise RegistrationError(_("La session est clôturée : ses inscriptions ne changent plus."))
    registration.status = RegistrationStatus.cancelled
    registration.cancelled_at = now_utc()
    audit.record(
        "registration.cancel",
        registration,
        actor=actor,
        summary=f"Inscription de la fiche {registration.person_id} à {training_session.reference} annulée",
    )
    promoted = fill_free_seats(training_session, actor=actor)
    recompute_completion([training_session.id])
    return promoted
