"""The person registry: persons, organisations, trainer profiles and referent mandates.

Functions take the actor explicitly, flush but never commit, and raise ``PeopleError`` with a
French, user-safe message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer import audit
from trainer.extensions import db
from trainer.kits.models import Kit
from trainer.people.models import Organisation, OrganisationKind, Person, ReferentMandate, TrainerProfile
from trainer.sessions.models import TrainingSession
from trainer.text import normalise, normalise_email


class PeopleError(Exception):
    """A registry rule refused the change; the message is safe to show to the user."""


@dataclass
class PersonInput:
    """What a coordinator types on a person's record."""

    last_name: str
    first_name: str
    email: str | None = None
    profession_code: str | None = None
    organisation_id: int | None = None
    department_code: str | None = None


def _check_email_free(email: str | None, person_id: int | None) -> None:
    if not email:
        return
    other = db.session.scalar(sa.select(Person).where(Person.email == email))
    if other is not None and other.id != person_id:
        raise PeopleError(
            _(
                "L'adresse %(email)s est déjà celle de la fiche « %(name)s » (n° %(id)s) : "
                "ouvrez cette fiche ou fusionnez les deux.",
                email=email,
                name=other.full_name,
                id=other.id,
            )
        )


def _apply_person(person: Person, data: PersonInput) -> None:
    email = normalise_email(data.email)
    _check_email_free(email, person.id)
    person.last_name = data.last_name.strip()
    person.first_name = data.first_name.strip()
    person.normalised_last_name = normalise(data.last_name)
    person.normalised_first_name = normalise(data.first_name)
    person.email = email
    person.profession_code = data.profession_code or None
    person.organisation_id = data.organisation_id
    person.department_code = data.department_code or None


def create_person(data: PersonInput, *, actor) -> Person:
    """Add a person to the registry; the e-mail (lower-cased) must not be taken."""
    person = Person()
    _apply_person(person, data)
    db.session.add(person)
    db.session.flush()
    audit.record("person.create", person, actor=actor, summary=f"Fiche n° {person.id} créée")
    return person


def update_person(person: Person, data: PersonInput, *, actor) -> Person:
    """Change a person's record (registrations keep their own snapshot)."""
    if person.anonymised_at is not None:
        raise PeopleError(_("Cette fiche est anonymisée : elle ne peut plus être modifiée."))
    _apply_person(person, data)
    db.session.flush()
    audit.record("person.update", person, actor=actor, summary=f"Fiche n° {person.id} modifiée")
    return person


def search_people(search: str = "", *, role: str = "", profession_code: str = "", department_code: str = ""):
    """The registry query: name or e-mail contains ``search``; optional role, profession, department."""
    query = sa.select(Person)
    key = normalise(search)
    if key:
        words = key.split(" ")[:5]
        for word in words:
            query = query.where(
                sa.or_(
                    Person.normalised_last_name.contains(word, autoescape=True),
                    Person.normalised_first_name.contains(word, autoescape=True),
                    Person.email.contains(word, autoescape=True),
                )
            )
    if role == "formateur":
        query = query.where(Person.trainer_profile.has())
    elif role == "referent":
        query = query.where(Person.referent_mandates.any())
    if profession_code:
        query = query.where(Person.profession_code == profession_code)
    if department_code:
        query = query.where(Person.department_code == department_code)
    return query.order_by(Person.normalised_last_name, Person.normalised_first_name, Person.id)


def session_by_reference(reference: str | None, *, session_type: str, label: str) -> TrainingSession | None:
    """The session a trainer or referent was trained in, typed by its reference."""
    reference = (reference or "").strip()
    if not reference:
        return None
    training_session = db.session.scalar(
        sa.select(TrainingSession).where(TrainingSession.reference == reference)
    )
    if training_session is None:
        raise PeopleError(_("Aucune session n'a la référence « %(reference)s ».", reference=reference[:60]))
    if training_session.session_type_code != session_type:
        raise PeopleError(
            _("La session %(reference)s n'est pas une %(label)s.", reference=reference, label=label)
        )
    return training_session


def save_trainer_profile(
    person: Person,
    *,
    kit_ids: list[int],
    qualifying_session_reference: str | None,
    qualified_on: date | None,
    expires_on: date | None,
    is_active: bool,
    actor,
) -> TrainerProfile:
    """Create or update the person's trainer profile (the kits they may deliver, their qualification)."""
    if person.anonymised_at is not None:
        raise PeopleError(_("Cette fiche est anonymisée : elle ne peut plus être modifiée."))
    if qualified_on and expires_on and expires_on < qualified_on:
        raise PeopleError(_("La date d'expiration doit être postérieure à la date de qualification."))
    qualifying = session_by_reference(
        qualifying_session_reference,
        session_type="train_the_trainer",
        label=_("formation de formateur·rices"),
    )
    profile = person.trainer_profile or TrainerProfile(person=person)
    profile.kits = list(db.session.scalars(sa.select(Kit).where(Kit.id.in_(kit_ids)))) if kit_ids else []
    profile.qualifying_session = qualifying
    profile.qualified_on = qualified_on
    if profile.expires_on != expires_on:
        profile.renewal_reminded_at = None
    profile.expires_on = expires_on
    profile.is_active = is_active
    db.session.add(profile)
    db.session.flush()
    audit.record(
        "trainer.update", profile, actor=actor, summary=f"Profil formateur·rice de la fiche n° {person.id}"
    )
    return profile


@dataclass
class MandateInput:
    referent_type_code: str
    establishment: str
    starts_on: date
    ends_on: date | None = None
    department_code: str | None = None
    training_session_reference: str | None = None


def save_mandate(
    person: Person, mandate: ReferentMandate | None, data: MandateInput, *, actor
) -> ReferentMandate:
    """Create (``mandate`` None) or update a referent mandate of ``person``."""
    if person.anonymised_at is not None:
        raise PeopleError(_("Cette fiche est anonymisée : elle ne peut plus être modifiée."))
    if data.ends_on and data.ends_on < data.starts_on:
        raise PeopleError(_("La fin du mandat doit être postérieure à son début."))
    training = session_by_reference(
        data.training_session_reference, session_type="referent_training", label=_("formation de référent·es")
    )
    creating = mandate is None
    mandate = mandate or ReferentMandate(person=person)
    mandate.referent_type_code = data.referent_type_code
    mandate.establishment = data.establishment.strip()
    mandate.department_code = data.department_code or None
    mandate.starts_on = data.starts_on
    mandate.ends_on = data.ends_on
    mandate.training_session = training
    db.session.add(mandate)
    db.session.flush()
    audit.record(
        "referent.create" if creating else "referent.update",
        mandate,
        actor=actor,
        summary=f"Mandat de référent·e de la fiche n° {person.id}",
    )
    return mandate


def delete_mandate(mandate: ReferentMandate, *, actor) -> None:
    audit.record(
        "referent.delete", mandate, actor=actor, summary=f"Mandat de la fiche n° {mandate.person_id} supprimé"
    )
    db.session.delete(mandate)
    db.session.flush()


def save_organisation(
    organisation: Organisation | None,
    *,
    name: str,
    kind: OrganisationKind,
    department_code: str | None,
    actor,
) -> Organisation:
    """Create (``organisation`` None) or rename an organisation; names are unique, accents and case aside."""
    key = normalise(name)
    other = db.session.scalar(sa.select(Organisation).where(Organisation.normalised_name == key))
    if other is not None and (organisation is None or other.id != organisation.id):
        raise PeopleError(_("L'organisation « %(name)s » existe déjà.", name=other.name))
    creating = organisation is None
    organisation = organisation or Organisation()
    organisation.name = name.strip()
    organisation.normalised_name = key
    organisation.kind = kind
    organisation.department_code = department_code or None
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        "organisation.create" if creating else "organisation.update",
        organisation,
        actor=actor,
        summary=f"Organisation « {organisation.name} »",
    )
    return organisation
