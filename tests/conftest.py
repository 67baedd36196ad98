"""Shared fixtures: the app on a migrated database, clients per role, factories.

The database comes from ``TEST_DATABASE_URL`` (CI sets a PostgreSQL one); by default a SQLite file
in a temporary folder. It is built once per run through the migrations, and every test starts
from reference data only: the tables the test filled are emptied afterwards.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from trainer.app import create_app
from trainer.extensions import db

TEST_PASSWORD = "mot-de-passe-de-test-2026"
REFERENCE_TABLES = {
    "alembic_version",
    "sectors",
    "professions",
    "profession_aliases",
    "regions",
    "departments",
    "session_types",
    "referent_types",
}


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_schema(url: str) -> None:
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    _reset_schema(url)
    instance = tmp_path_factory.mktemp("instance")
    os.environ["TRAINER_INSTANCE_PATH"] = str(instance)
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "1000 per minute",  # the rate-limit test lowers it
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; production uses scrypt N=2^17
            "SERVER_NAME": None,
            "PUBLIC_BASE_URL": "http://localhost",
        }
    )
    with application.app_context():
        from trainer.schema import upgrade_database

        upgrade_database()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            else:
                for table in tables:
                    connection.execute(table.delete())
            # Aliases added by tests (admins can extend the list) go too; migrated ones stay.
        from trainer.extensions import limiter

        limiter.reset()


@pytest.fixture(autouse=True)
def _isolate_requests(request):
    """Requests made while ``app_ctx`` is pushed reuse that app context and the test's thread context:

    - ``flask.g``, where Flask-Login caches the signed-in user and Flask-Babel the request's language:
      forget them at each request so two clients in one test (a trainer, a coordinator) are really
      two users, each in their language;
    - the test's open read transaction, whose SQLite snapshot hides rows committed meanwhile by
      other connections: end it when a request starts;
    - the database session, which the request's teardown would have closed: a POST view that reads
      after its commit leaves a ``BEGIN IMMEDIATE`` transaction open, holding SQLite's write lock
      and blocking every other connection (``make_user``); end it as production does (rollback),
      and reset ``trainer.database``'s write-intent flag that the POST left on.
    """
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    from flask import g, request_started, request_tearing_down

    from trainer.database import _write_intent

    def forget_user(sender, **extra):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)
        # A fresh snapshot: rows committed by other connections (make_user) become visible.
        db.session.commit()

    def end_write_intent(sender, **extra):
        db.session.rollback()
        _write_intent.set(False)

    request_started.connect(forget_user, app)
    request_tearing_down.connect(end_write_intent, app)
    yield
    request_started.disconnect(forget_user, app)
    request_tearing_down.disconnect(end_write_intent, app)
    _write_intent.set(False)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app) -> Callable[[], list]:
    """Messages written to the instance outbox, oldest first, parsed."""
    from email import policy
    from email.parser import BytesParser

    folder = Path(app.instance_path) / "outbox"
    for old in folder.glob("*.eml"):
        old.unlink()

    def read() -> list:
        files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in files]

    return read


def message_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def find_link(text: str, fragment: str) -> str:
    match = re.search(r"https?://\S*" + re.escape(fragment) + r"\S*", text)
    assert match, f"no link containing {fragment!r} in:\n{text}"
    return match.group(0)


@pytest.fixture
def make_user(app) -> Callable[..., object]:
    from trainer.auth import services
    from trainer.auth.models import Role

    def make(role: str = "coordinator", email: str | None = None, password: str = TEST_PASSWORD, **kwargs):
        with app.app_context():
            if role == "trainer" and "person_id" not in kwargs:
                kwargs["person_id"] = _make_person(
                    first_name="Tess",
                    last_name="Formatrice",
                    email=f"personne.{email or 'trainer'}",
                    trainer=True,
                ).id
            user = services.create_user(
                email=email or f"{role}@test.fr", role=Role(role), password=password, **kwargs
            )
            db.session.commit()
            return db.session.get(type(user), user.id).id

    return make


def login(client, email: str, password: str = TEST_PASSWORD):
    return client.post("/connexion", data={"email": email, "password": password})


@pytest.fixture
def login_as(app, make_user) -> Callable[[str], object]:
    """A test client signed in with a fresh account of the given role."""

    def sign_in(role: str, **kwargs):
        email = kwargs.pop("email", f"{role}@test.fr")
        make_user(role, email=email, **kwargs)
        test_client = app.test_client()
        response = login(test_client, email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return test_client

    return sign_in


def _make_person(
    *, first_name="Alice", last_name="Durand", email=None, profession="nurse", department="62", trainer=False
):
    from trainer.people.models import Person, TrainerProfile
    from trainer.text import normalise

    person = Person(
        first_name=first_name,
        last_name=last_name,
        normalised_first_name=normalise(first_name),
        normalised_last_name=normalise(last_name),
        email=email,
        profession_code=profession,
        department_code=department,
    )
    db.session.add(person)
    if trainer:
        db.session.add(TrainerProfile(person=person))
    db.session.flush()
    return person


@pytest.fixture
def make_person(app_ctx) -> Callable[..., object]:
    def make(**kwargs):
        person = _make_person(**kwargs)
        db.session.commit()
        return person

    return make


@pytest.fixture
def make_session(app_ctx) -> Callable[..., object]:
    """A training session with slots; ``slots`` is a list of (date, start, end)."""
    from trainer.sessions.models import SessionAudience, SessionSlot, SessionStatus, TrainingSession

    counter = {"n": 0}

    def make(
        *,
        reference=None,
        session_type="direct_training",
        department="62",
        slots=((date(2026, 3, 10), time(9), time(12, 30)),),
        status=SessionStatus.held,
        audiences=("nurse",),
        trainers=(),
        kits=(),
        threshold=Decimal(1),
        starts_on=None,
        capacity=20,
    ):
        counter["n"] += 1
        slot_objects = [SessionSlot(on=d, starts_at=s, ends_at=e) for d, s, e in slots]
        first = starts_on or (slot_objects[0].on if slot_objects else date(2026, 3, 10))
        last = slot_objects[-1].on if slot_objects else first
        training_session = TrainingSession(
            reference=reference or f"TEST-{counter['n']:04d}",
            title=f"Session de test {counter['n']}",
            session_type_code=session_type,
            starts_on=first,
            ends_on=last,
            department_code=department,
            status=status,
            completion_threshold=threshold,
            capacity=capacity,
            hours=Decimal(3),
        )
        training_session.slots = slot_objects
        training_session.audiences = [
            SessionAudience(profession_code=c, position=i) for i, c in enumerate(audiences)
        ]
        training_session.trainers = list(trainers)
        training_session.kits = list(kits)
        db.session.add(training_session)
        db.session.commit()
        return training_session

    return make
