"""Fixtures for the evaluations area: default questionnaires, completed attendees, links, responses."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from trainer.db_types import now_utc
from trainer.evaluations.models import (
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    Indicator,
    Phase,
    ResponseSource,
)
from trainer.evaluations.questionnaires import current_questionnaire, ensure_default_questionnaires
from trainer.extensions import db
from trainer.security import hash_token, new_token
from trainer.sessions.models import Registration, SessionStatus


@pytest.fixture(autouse=True)
def questionnaires(app_ctx):
    """The shipped questionnaires (the suite empties every non-reference table between tests)."""
    ensure_default_questionnaires()
    db.session.commit()
    return {phase: current_questionnaire(phase) for phase in Phase}


@pytest.fixture
def attended_session(make_session, make_person):
    """A held session whose attendees completed it; ``emails`` None gives an attendee without e-mail."""
    counter = {"n": 0}

    def make(emails=None, *, status=SessionStatus.held, **kwargs):
        if emails is None:  # two attendees with an e-mail, one without; unique across calls
            suffix = f"+{counter['n']}" if counter["n"] else ""
            emails = (f"ana{suffix}@test.fr", f"bea{suffix}@test.fr", None)
        kwargs.setdefault(
            "slots",
            ((date(2026, 3, 10), time(9), time(12, 30)), (date(2026, 3, 11), time(9), time(12, 30))),
        )
        training_session = make_session(status=status, **kwargs)
        for index, email in enumerate(emails):
            counter["n"] += 1
            person = make_person(
                first_name=f"Personne{counter['n']}",
                last_name="Participante",
                email=email,
                profession="midwife" if index % 2 else "nurse",
            )
            db.session.add(
                Registration(
                    session_id=training_session.id,
                    person_id=person.id,
                    profession_code=person.profession_code,
                    completed=True,
                )
            )
        db.session.commit()
        return training_session

    return make


@pytest.fixture
def make_link(attended_session):
    """A personal link ready to use: returns (raw token, invitation id)."""

    def make(phase=Phase.hot, *, expires_in=timedelta(days=60), training_session=None, email="lien@test.fr"):
        training_session = training_session or attended_session(emails=(email,))
        registration = db.session.query(Registration).filter_by(session_id=training_session.id).first()
        raw = new_token()
        invitation = EvaluationInvitation(
            registration_id=registration.id,
            phase=phase,
            due_on=date.today(),
            token_hash=hash_token(raw),
            sent_at=now_utc(),
            expires_at=now_utc() + expires_in,
        )
        db.session.add(invitation)
        db.session.commit()
        return raw, invitation.id

    return make


@pytest.fixture
def add_response():
    """A response with answers given as {indicator or None: score} and optional comment (no question)."""

    def add(training_session, scores=None, *, phase=Phase.hot, comment=None, source=ResponseSource.import_):
        response = EvaluationResponse(
            session_id=training_session.id,
            phase=phase,
            profession_code="nurse",
            source=source,
            submitted_on=date(2026, 3, 12),
        )
        for indicator, score in (scores or {}).items():
            response.answers.append(
                EvaluationAnswer(indicator=Indicator(indicator) if indicator else None, score=score)
            )
        if comment:
            response.answers.append(EvaluationAnswer(text=comment))
        db.session.add(response)
        db.session.commit()
        return response

    return add


@pytest.fixture(autouse=True)
def _no_leftover_write_intent():
    """A POST marks its thread as a writer (SQLite ``BEGIN IMMEDIATE``) and the mark outlives the
    request; tests share their thread with the requests, so start each test as a reader."""
    from trainer.database import _write_intent

    _write_intent.set(False)


@pytest.fixture
def sign_in_as(login_as):
    """``login_as`` after ending the test's transaction: the login request shares the test's
    database session, whose snapshot would not see the account just created."""
    from trainer.database import _write_intent

    def sign(role: str, **kwargs):
        db.session.commit()
        _write_intent.set(False)
        return login_as(role, **kwargs)

    return sign
