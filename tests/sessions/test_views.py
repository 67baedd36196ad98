"""Session pages through the test client: forms keep input, odd parameters never give a 500."""

import re
from datetime import date, time

import pytest
import sqlalchemy as sa

from trainer.extensions import db
from trainer.sessions.models import Registration, RegistrationStatus, SessionStatus, TrainingSession


def form_payload(kits=None, trainer=None, **overrides):
    data = {
        "title": "Anna : repérer et accompagner",
        "reference": "",
        "session_type_code": "direct_training",
        "status": "open",
        "main_audience": "social_worker",
        "other_audiences": ["nurse", "doctor"],
        "slots-0-on": "2026-03-10",
        "slots-0-starts_at": "09:00",
        "slots-0-ends_at": "12:30",
        "slots-1-on": "2026-03-10",
        "slots-1-starts_at": "13:30",
        "slots-1-ends_at": "17:00",
        "mode": "in_person",
        "venue": "Salle du conseil",
        "city": "Arras",
        "department_code": "62",
        "capacity": "20",
        "completion_percent": "100",
        "description": "",
    }
    if kits:
        data["kit_ids"] = [str(kits["anna"].id)]
    if trainer:
        data["trainer_ids"] = [str(trainer.id)]
    data.update(overrides)
    return data


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


def test_coordinator_creates_a_session_and_sees_it(app, coordinator, kits, trainer):
    response = coordinator.post("/sessions/nouvelle", data=form_payload(kits, trainer))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    created = db.session.scalar(sa.select(TrainingSession))
    assert created.reference == "2026-62-0001" and len(created.slots) == 2
    assert [a.profession_code for a in created.audiences] == ["social_worker", "nurse", "doctor"]
    session_id = created.id
    page = coordinator.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Anna : repérer et accompagner" in page and "2026-62-0001" in page
    assert "Fanny Formatrice" in page and "10/03/2026, 09:00–12:30" in page
    assert "<strong>Travailleur·euse social·e</strong> (public principal)" in page
    listing = coordinator.get("/sessions/?departement=62&q=anna").get_data(as_text=True)
    assert "2026-62-0001" in listing
    assert "2026-62-0001" not in coordinator.get("/sessions/?departement=59").get_data(as_text=True)


def test_errors_keep_what_was_typed(coordinator, kits, trainer):
    response = coordinator.post(
        "/sessions/nouvelle",
        data=form_payload(
            kits, trainer, title="Mon intitulé saisi", **{"slots-1-ends_at": "12:00", "slots-0-on": ""}
        ),
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Mon intitulé saisi"' in text
    assert "Indiquez la date du créneau." in text
    assert "L&#39;heure de fin doit être après l&#39;heure de début." in text
    assert 'value="Salle du conseil"' in text and 'value="13:30"' in text


def test_service_errors_are_shown_in_french(app, coordinator, trainer):
    coordinator.post("/sessions/nouvelle", data=form_payload(trainer=trainer, reference="R1"))
    response = coordinator.post(
        "/sessions/nouvelle", data=form_payload(trainer=trainer, reference="R1", title="Autre")
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "La référence R1 est déjà utilisée" in text
    assert "Fanny Formatrice anime déjà la session" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) == 1


def test_add_slot_button_adds_a_row_without_javascript(coordinator):
    response = coordinator.post("/sessions/nouvelle", data=form_payload(action="ajouter-creneau"))
    text = response.get_data(as_text=True)
    assert (
        response.status_code == 200 and 'name="slots-2-on"' in text and "Le formulaire contient" not in text
    )


def test_edit_and_duplicate_are_prefilled(app, coordinator, kits, trainer):
    coordinator.post("/sessions/nouvelle", data=form_payload(kits, trainer))
    training_session = db.session.scalar(sa.select(TrainingSession))
    session_id, slot_ids = training_session.id, [s.id for s in training_session.slots]
    edit = coordinator.get(f"/sessions/{session_id}/modifier").get_data(as_text=True)
    assert 'value="2026-03-10"' in edit and f'value="{slot_ids[0]}"' in edit and 'value="20"' in edit
    assert re.search(r'<input[^>]*id="hours"[^>]*value=""', edit)  # hours follow the slots
    payload = form_payload(kits, trainer, capacity="25", reference="2026-62-0001")
    payload.update({"slots-0-slot_id": str(slot_ids[0]), "slots-1-slot_id": str(slot_ids[1])})
    assert coordinator.post(f"/sessions/{session_id}/modifier", data=payload).status_code == 302
    training_session = db.session.get(TrainingSession, session_id)
    assert training_session.capacity == 25 and [s.id for s in training_session.slots] == slot_ids
    copy = coordinator.get(f"/sessions/{session_id}/dupliquer").get_data(as_text=True)
    assert "(copie)" in copy and 'value="2026-03-17"' in copy and 'action="/sessions/nouvelle"' in copy


def test_cancel_notifies_registered_people(app, coordinator, outbox, make_person):
    coordinator.post("/sessions/nouvelle", data=form_payload())
    session_id = db.session.scalar(sa.select(TrainingSession.id))
    coordinator.post(
        f"/sessions/{session_id}/inscriptions/ajouter",
        data={
            "last_name": "Durand",
            "first_name": "Alice",
            "email": "alice@test.fr",
            "profession_code": "nurse",
        },
    )
    page = coordinator.get(f"/sessions/{session_id}/annuler")
    assert page.status_code == 200
    response = coordinator.post(
        f"/sessions/{session_id}/annuler", data={"reason": "Salle indisponible", "notify": "y"}
    )
    assert response.status_code == 302
    mails = outbox()
    assert len(mails) == 1 and mails[0]["To"] == "alice@test.fr" and "annulée" in mails[0]["Subject"]
    assert db.session.get(TrainingSession, session_id).status == SessionStatus.cancelled
    again = coordinator.post(f"/sessions/{session_id}/annuler", data={})
    assert again.status_code == 422 and "déjà annulée" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "?du=31/02/2016&au=2016-13-01&departement=zz&outil=abc&type=x&statut=inconnu&formateur=99999999999999",
        "?page=abc&q=%3Cscript%3E",
        "?page=-5&q=" + "x" * 10000,
        "?q=100%25_",
        "?statut=cancelled&type=awareness&du=2026-01-01&au=2026-12-31",
    ],
)
def test_list_survives_odd_query_strings(coordinator, query):
    response = coordinator.get("/sessions/" + query)
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[1]


@pytest.mark.parametrize("month", ["", "2026-03", "2026-13", "abc", "99999-01", "2026-", "-1-1"])
def test_calendar_survives_odd_months(coordinator, make_session, month):
    make_session(slots=((date(2026, 3, 10), time(9), time(12, 30)),))
    response = coordinator.get(f"/sessions/calendrier?mois={month}")
    assert response.status_code == 200
    if month == "2026-03":
        text = response.get_data(as_text=True)
        assert "mars 2026" in text.lower() and "Session de test 1" in text


@pytest.mark.parametrize(
    "url",
    [
        "/sessions/999999",
        "/sessions/999999/modifier",
        "/sessions/999999/dupliquer",
        "/sessions/999999/annuler",
        "/sessions/999999/inscriptions/ajouter",
        "/sessions/999999/inscriptions/coller",
        "/sessions/999999/inscriptions.csv",
        "/sessions/999999/inscriptions.xlsx",
        "/inscription/inconnu",
        "/inscription/inconnu/confirmation",
    ],
)
def test_unknown_ids_answer_404_in_french(coordinator, url):
    response = coordinator.get(url)
    assert response.status_code == 404
    assert 'lang="fr"' in response.get_data(as_text=True)


def test_cancelling_a_registration_of_another_session_is_404(app, coordinator, make_session, make_person):
    first, second = make_session(), make_session()
    person = make_person(email="x@test.fr")
    registration = Registration(
        session_id=first.id, person_id=person.id, status=RegistrationStatus.registered
    )
    db.session.add(registration)
    db.session.commit()
    registration_id, second_id = registration.id, second.id
    response = coordinator.post(f"/sessions/{second_id}/inscriptions/{registration_id}/annuler")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["trainer", "manager"])
def test_trainers_and_managers_are_refused(login_as, make_session, role):
    client = login_as(role)
    training_session = make_session()
    for url in (
        "/sessions/",
        "/sessions/calendrier",
        f"/sessions/{training_session.id}",
        "/sessions/nouvelle",
    ):
        assert client.get(url).status_code == 403, url


def test_list_and_detail_issue_a_fixed_number_of_queries(
    app, coordinator, make_session, make_person, kits, trainer
):
    def count_queries(url: str) -> int:
        statements = []

        def listener(*args):
            statements.append(args[2])

        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            assert coordinator.get(url).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    coordinator.get("/")  # shows the welcome message: pages with a message waiting are never cached
    first = make_session(trainers=[trainer], kits=[kits["anna"]])
    for n in range(3):
        db.session.add(Registration(session_id=first.id, person_id=make_person(email=f"a{n}@t.fr").id))
    db.session.commit()
    small_list, small_detail = count_queries("/sessions/"), count_queries(f"/sessions/{first.id}")
    for _ in range(6):
        make_session(trainers=[trainer], kits=[kits["anna"], kits["elisa"]])
    for n in range(3, 15):
        db.session.add(Registration(session_id=first.id, person_id=make_person(email=f"a{n}@t.fr").id))
    db.session.commit()
    assert count_queries("/sessions/") == small_list
    assert count_queries(f"/sessions/{first.id}") == small_detail
