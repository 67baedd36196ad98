"""Demo additions of the sessions area: a full session with its waiting list, a planned session."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from trainer.demo.names import FIRST_NAMES, LAST_NAMES
from trainer.extensions import db
from trainer.people.models import Person
from trainer.sessions.models import (
    Registration,
    RegistrationSource,
    RegistrationStatus,
    SessionAudience,
    SessionMode,
    SessionSlot,
    SessionStatus,
    TrainingSession,
)
from trainer.text import normalise


def _waiting_person(rng, index: int, profession: str, department: str) -> Person:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return Person(
        first_name=first,
        last_name=last,
        normalised_first_name=normalise(first),
        normalised_last_name=normalise(last),
        email=f"attente{index}.{normalise(last).replace(' ', '-').replace(chr(39), '')}@exemple.fr",
        profession_code=profession,
        department_code=department,
    )


def extend(context) -> None:
    """Fill the first upcoming open session and put three people on its waiting list; plan one more."""
    upcoming = sorted(
        (s for s in context.sessions if s.status == SessionStatus.open and s.starts_on > context.today),
        key=lambda s: s.starts_on,
    )
    if upcoming:
        full = upcoming[0]
        registered = sum(1 for r in full.registrations if r.status == RegistrationStatus.registered)
        full.capacity = max(registered, 1)
        full.status = SessionStatus.full
        main = full.audiences[0].profession_code if full.audiences else "other"
        for index in range(3):
            person = _waiting_person(context.rng, index + 1, main, full.department_code or "62")
            db.session.add(person)
            db.session.add(
                Registration(
                    training_session=full,
                    person=person,
                    profession_code=person.profession_code,
                    department_code=person.department_code,
                    status=RegistrationStatus.waiting_list,
                    source=RegistrationSource.self_,
                )
            )
    start = context.today + timedelta(days=45)
    planned = TrainingSession(
        reference=f"{start:%Y}-62-DEMO",
        title="Anna : repérer et accompagner (session en préparation)",
        session_type_code="direct_training",
        starts_on=start,
        ends_on=start,
        hours=Decimal(7),
        mode=SessionMode.in_person,
        venue="Maison départementale des solidarités",
        city="Béthune",
        department_code="62",
        organisation=context.organisations[0],
        capacity=20,
        status=SessionStatus.draft,
    )
    planned.kits = [context.kits["anna"]]
    planned.trainers = [context.trainers[0]]
    planned.audiences = [SessionAudience(profession_code="social_worker", position=0)]
    planned.slots = [
        SessionSlot(on=start, starts_at=time(9), ends_at=time(12, 30)),
        SessionSlot(on=start, starts_at=time(13, 30), ends_at=time(17)),
    ]
    db.session.add(planned)
