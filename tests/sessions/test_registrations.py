"""Registrations: snapshots, matching by e-mail, waiting list and its promotions, the pasted list."""

from datetime import date, time

import pytest
import sqlalchemy as sa

from tests.sessions.conftest import session_input
from trainer.attendance.models import AttendanceMark, MarkStatus
from trainer.extensions import db
from trainer.people.models import Person
from trainer.referential.services import ReferenceLookup
from trainer.sessions import services
from trainer.sessions.models import Registration, RegistrationSource, RegistrationStatus, SessionStatus
from trainer.sessions.paste import PasteError, parse_attendee_lines, register_pasted
from trainer.sessions.registrations import (
    AlreadyRegistered,
    AttendeeInput,
    RegistrationError,
    cancel_registration,
    register_attendee,
)

STAFF = RegistrationSource.staff


def _attendee(n: int, **kwargs) -> AttendeeInput:
    values = {
        "last_name": f"Nom{n}",
        "first_name": "Prénom",
        "email": f"p{n}@test.fr",
        "profession_code": "nurse",
    }
    values.update(kwargs)
    return AttendeeInput(**values)


def test_snapshot_is_taken_at_registration(app_ctx):
    training_session = services.create_session(session_input(), actor="test")
    registration = register_attendee(
        training_session,
        _attendee(1, employer="CH de Lens", department_code="62"),
        source=STAFF,
        actor="test",
    )
    person = registration.person
    person.profession_code = "doctor"
    person.department_code = "59"
    db.session.commit()
    db.session.refresh(registration)
    assert (registration.profession_code, registration.department_code, registration.employer_name) == (
        "nurse",
        "62",
        "CH de Lens",
    )


def test_person_found_by_email_whatever_the_case_and_never_registered_twice(app_ctx):
    training_session = services.create_session(session_input(), actor="test")
    first = register_attendee(
        training_session, _attendee(1, email="Alice.Durand@Test.FR"), source=STAFF, actor="test"
    )
    assert first.person.email == "alice.durand@test.fr"
    other = services.create_session(session_input(title="Autre", reference="AUTRE"), actor="test")
    again = register_attendee(other, _attendee(9, email="ALICE.DURAND@test.fr"), source=STAFF, actor="test")
    assert again.person_id == first.person_id
    assert again.person.last_name == "Nom1"  # an existing record is not overwritten by typed data
    with pytest.raises(AlreadyRegistered, match="Nom1 est déjà inscrit·e"):
        register_attendee(
            training_session, _attendee(1, email="alice.durand@TEST.fr"), source=STAFF, actor="test"
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1


def test_without_email_same_name_and_profession_in_the_session_is_the_same_person(app_ctx):
    training_session = services.create_session(session_input(), actor="test")
    register_attendee(
        training_session, _attendee(1, email=None, last_name="Durand"), source=STAFF, actor="test"
    )
    with pytest.raises(AlreadyRegistered):
        register_attendee(
            training_session, _attendee(2, email=None, last_name="DURAND"), source=STAFF, actor="test"
        )
    register_attendee(
        training_session,
        _attendee(3, email=None, last_name="Durand", profession_code="doctor"),
        source=STAFF,
        actor="test",
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 2


def test_waiting_list_when_full_and_promotion_when_a_seat_frees(app_ctx):
    training_session = services.create_session(
        session_input(capacity=2, status=SessionStatus.open), actor="test"
    )
    a, b, c, d = (
        register_attendee(training_session, _attendee(n), source=STAFF, actor="test") for n in range(4)
    )
    assert [r.status for r in (a, b, c, d)] == [
        RegistrationStatus.registered,
        RegistrationStatus.registered,
        RegistrationStatus.waiting_list,
        RegistrationStatus.waiting_list,
    ]
    assert training_session.status == SessionStatus.full
    promoted = cancel_registration(a, actor="test")
    assert promoted == [c] and c.status == RegistrationStatus.registered
    assert d.status == RegistrationStatus.waiting_list and a.cancelled_at is not None
    assert training_session.status == SessionStatus.full
    cancel_registration(d, actor="test")  # a waiting registration frees no seat
    cancel_registration(b, actor="test")
    assert training_session.status == SessionStatus.open
    with pytest.raises(RegistrationError, match="déjà annulée"):
        cancel_registration(b, actor="test")


def test_raising_capacity_promotes_the_waiting_list(app_ctx):
    training_session = services.create_session(session_input(capacity=1), actor="test")
    register_attendee(training_session, _attendee(1), source=STAFF, actor="test")
    waiting = register_attendee(training_session, _attendee(2), source=STAFF, actor="test")
    assert waiting.status == RegistrationStatus.waiting_list
    slots = [services.SlotInput(s.on, s.starts_at, s.ends_at, id=s.id) for s in training_session.slots]
    services.update_session(training_session, session_input(capacity=2, slots=slots), actor="test")
    assert waiting.status == RegistrationStatus.registered


def test_a_cancelled_person_can_register_again(app_ctx):
    training_session = services.create_session(session_input(), actor="test")
    registration = register_attendee(training_session, _attendee(1), source=STAFF, actor="test")
    cancel_registration(registration, actor="test")
    again = register_attendee(training_session, _attendee(1), source=STAFF, actor="test")
    assert again.id == registration.id and again.status == RegistrationStatus.registered


def test_cancelled_and_closed_sessions_refuse_registrations(app_ctx):
    training_session = services.create_session(session_input(), actor="test")
    services.cancel_session(training_session, actor="test")
    with pytest.raises(RegistrationError, match="la session est annulée"):
        register_attendee(training_session, _attendee(1), source=STAFF, actor="test")


def test_cancelling_recomputes_completion(app_ctx):
    training_session = services.create_session(
        session_input(slots=[services.SlotInput(date(2026, 3, 10), time(9), time(12))]), actor="test"
    )
    registration = register_attendee(training_session, _attendee(1), source=STAFF, actor="test")
    db.session.add(
        AttendanceMark(registration=registration, slot=training_session.slots[0], status=MarkStatus.present)
    )
    from trainer.attendance.completion import recompute_completion

    recompute_completion([training_session.id])
    assert registration.completed is True
    cancel_registration(registration, actor="test")
    db.session.refresh(registration)
    assert registration.completed is False


# The pasted list ---------------------------------------------------------------------------


@pytest.fixture
def lookup(app_ctx):
    return ReferenceLookup(db.session)


def test_paste_accepts_semicolons_tabs_commas_labels_and_synonyms(lookup):
    text = (
        "Nom;Prénom;Courriel;Profession\n"
        "Durand;Alice;Alice.Durand@test.fr;Infirmière\n"
        "\n"
        "Martin\tKarim\t\tAssistante de service social\n"
        "Lefèvre,Zoé,zoe@test.fr,midwife\n"
        '"O\'Neil; Jr";Sam;;Sage-femme\n'
    )
    lines = parse_attendee_lines(text, lookup)
    assert [(p.line, p.attendee.last_name, p.attendee.email, p.attendee.profession_code) for p in lines] == [
        (2, "Durand", "alice.durand@test.fr", "nurse"),
        (4, "Martin", None, "social_worker"),
        (5, "Lefèvre", "zoe@test.fr", "midwife"),
        (6, "O'Neil; Jr", None, "midwife"),
    ]


def test_paste_reports_every_error_with_its_line(lookup):
    text = (
        "Durand;Alice;alice@test.fr;Infirmière\n"
        "Martin;Karim;pas-une-adresse;Infirmier\n"
        ";Zoé;;nurse\n"
        "Petit;Léa;;Astronaute\n"
        "Roux;Paul\n"
        "Durand;Alicia;ALICE@test.fr;nurse\n"
        "Blanc;Eva;;\n"
    )
    with pytest.raises(PasteError) as error:
        parse_attendee_lines(text, lookup)
    messages = error.value.messages
    assert messages[0].startswith("Ligne 2 : « pas-une-adresse » n'est pas une adresse électronique valide")
    assert "Ligne 3 : le nom est obligatoire." in messages
    assert any(m.startswith("Ligne 4 : profession « Astronaute » inconnue") for m in messages)
    assert any(m.startswith("Ligne 5 : 2 colonnes trouvées, 4 attendues") for m in messages)
    assert "Ligne 6 : l'adresse alice@test.fr figure déjà ligne 1." in messages
    assert "Ligne 7 : la profession est obligatoire." in messages


def test_paste_of_an_empty_list_is_refused(lookup):
    with pytest.raises(PasteError, match="La liste est vide"):
        parse_attendee_lines("\n  \nNom;Prénom;Courriel;Profession\n", lookup)


def test_paste_registers_everyone_and_skips_those_already_registered(app_ctx, lookup):
    training_session = services.create_session(session_input(capacity=2), actor="test")
    register_attendee(training_session, _attendee(1, email="deja@test.fr"), source=STAFF, actor="test")
    lines = parse_attendee_lines(
        "Nom1;Prénom;deja@test.fr;nurse\nB;Bea;b@test.fr;nurse\nC;Cyril;;doctor\n", lookup
    )
    result = register_pasted(training_session, lines, actor="test")
    assert (result.registered, result.waiting, result.already) == (1, 1, ["Prénom Nom1"])
    statuses = db.session.scalars(
        sa.select(Registration.status)
        .where(Registration.session_id == training_session.id)
        .order_by(Registration.id)
    ).all()
    assert statuses == [
        RegistrationStatus.registered,
        RegistrationStatus.registered,
        RegistrationStatus.waiting_list,
    ]
