"""Fixtures of the attendance area: registrations, a trainer assigned to a session, a fixed clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.conftest import login
from trainer.extensions import db

PARIS = ZoneInfo("Europe/Paris")
DAY = date(2026, 3, 10)
MORNING = (DAY, time(9), time(12, 30))
AFTERNOON = (DAY, time(13, 30), time(17))


@pytest.fixture
def make_registration(app_ctx) -> Callable[..., object]:
    """A registration of ``person`` in ``training_session`` (registered by default)."""
    from trainer.sessions.models import Registration, RegistrationStatus

    def make(training_session, person, status=RegistrationStatus.registered, **kwargs):
        registration = Registration(
            session_id=training_session.id,
            person_id=person.id,
            profession_code=kwargs.pop("profession_code", person.profession_code),
            department_code=person.department_code,
            status=status,
            **kwargs,
        )
        db.session.add(registration)
        db.session.commit()
        return registration

    return make


@pytest.fixture
def clock(monkeypatch) -> Callable[[datetime], None]:
    """Fix the local wall-clock time seen by the attendance area (``clock(datetime(...))``)."""
    from trainer.attendance import services

    def set_now(moment: datetime) -> None:
        aware = moment if moment.tzinfo else moment.replace(tzinfo=PARIS)
        monkeypatch.setattr(services, "local_now", lambda: aware)

    set_now(datetime.combine(DAY, time(10)))
    return set_now


@pytest.fixture
def trainer_person_id(app) -> Callable[[str], int]:
    def find(email: str) -> int:
        from trainer.auth.models import User

        with app.app_context():
            return db.session.scalar(sa.select(User.person_id).where(User.email == email))

    return find


@pytest.fixture
def course(app_ctx, make_session, make_person, make_registration, make_user, trainer_person_id, clock):
    """A two-slot session on ``DAY`` with three attendees, assigned to trainer@test.fr.

    Returns a namespace: ``training_session``, ``morning``, ``afternoon``, ``registrations``,
    ``trainer_email``; the trainer's account exists but is not signed in.
    """
    from types import SimpleNamespace

    from trainer.kits.models import Kit
    from trainer.people.models import Organisation, Person
    from trainer.sessions.models import SessionStatus

    make_user("trainer", email="trainer@test.fr")
    trainer = db.session.get(Person, trainer_person_id("trainer@test.fr"))
    kit = Kit(slug="anna", title="Anna")
    organisation = Organisation(name="CNFPT Hauts-de-France", normalised_name="cnfpt hauts-de-france")
    db.session.add_all([kit, organisation])
    db.session.commit()
    training_session = make_session(
        slots=(MORNING, AFTERNOON), trainers=[trainer], kits=[kit], status=SessionStatus.open
    )
    training_session.organisation_id = organisation.id
    training_session.venue = "Maison des associations"
    training_session.city = "Arras"
    db.session.commit()
    people = [
        make_person(first_name="Alice", last_name="Durand", email="alice@exemple.fr"),
        make_person(first_name="Bruno", last_name="Martin", email="bruno@exemple.fr", profession="doctor"),
        make_person(first_name="Chloé", last_name="Petit", email=None, profession="midwife"),
    ]
    registrations = [make_registration(training_session, person) for person in people]
    morning, afternoon = training_session.slots
    return SimpleNamespace(
        training_session=training_session,
        session_id=training_session.id,
        morning=morning,
        afternoon=afternoon,
        registrations=registrations,
        trainer_email="trainer@test.fr",
        trainer=trainer,
    )


@pytest.fixture
def trainer_client(app, course):
    client = app.test_client()
    assert login(client, course.trainer_email).status_code == 302
    return client
