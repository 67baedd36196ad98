"""Demo additions of the people area: an organisation, duplicates to merge, mandates ending soon."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from trainer.extensions import db
from trainer.people.models import Organisation, OrganisationKind, Person, ReferentMandate
from trainer.sessions.models import Registration, RegistrationStatus
from trainer.text import normalise


def extend(context) -> None:
    """Deterministic additions; the demo builder runs them once per database."""
    if (
        db.session.scalar(
            sa.select(Organisation).where(
                Organisation.normalised_name == "ordre des sages-femmes du pas-de-calais"
            )
        )
        is None
    ):
        db.session.add(
            Organisation(
                name="Ordre des sages-femmes du Pas-de-Calais",
                normalised_name=normalise("Ordre des sages-femmes du Pas-de-Calais"),
                kind=OrganisationKind.professional_order,
                department_code="62",
            )
        )
    _duplicates(context)
    _mandates_ending_soon(context)


def _duplicates(context) -> None:
    """The same nurse typed twice (with and without accents, two addresses), each in one session."""
    past = [
        s for s in context.sessions if s.ends_on < context.today and s.session_type_code == "direct_training"
    ]
    for index, (first, last, email) in enumerate(
        [
            ("Hélène", "Lefèvre", "helene.lefevre@exemple.fr"),
            ("Helene", "LEFEVRE", "h.lefevre@chu-exemple.fr"),
        ]
    ):
        person = Person(
            first_name=first,
            last_name=last,
            normalised_first_name=normalise(first),
            normalised_last_name=normalise(last),
            email=email,
            profession_code="nurse",
            department_code="62",
        )
        db.session.add(person)
        if len(past) > index:
            db.session.add(
                Registration(
                    training_session=past[index],
                    person=person,
                    profession_code="nurse",
                    department_code="62",
                    status=RegistrationStatus.registered,
                )
            )


def _mandates_ending_soon(context) -> None:
    mandates = db.session.scalars(sa.select(ReferentMandate).order_by(ReferentMandate.id)).all()
    for offset, mandate in zip((20, 60), context.rng.sample(mandates, k=min(2, len(mandates))), strict=False):
        mandate.starts_on = context.today - timedelta(days=700)
        mandate.ends_on = context.today + timedelta(days=offset)
