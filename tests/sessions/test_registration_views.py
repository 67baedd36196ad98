"""Registration pages: add one, paste a list, cancel, downloads, and the public self-registration."""

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from trainer.auth.models import AuditEntry
from trainer.extensions import db
from trainer.sessions.models import Registration, RegistrationSource, RegistrationStatus, SessionStatus


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


def _registrations():
    db.session.rollback()
    return db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()


def test_add_one_attendee_then_another(coordinator, make_session):
    training_session = make_session(status=SessionStatus.open)
    url = f"/sessions/{training_session.id}/inscriptions/ajouter"
    assert coordinator.get(url).status_code == 200
    response = coordinator.post(
        url,
        data={
            "last_name": "Durand",
            "first_name": "Alice",
            "email": "Alice@Test.fr",
            "profession_code": "nurse",
            "employer": "CH d'Arras",
            "department_code": "62",
            "action": "encore",
        },
    )
    assert response.status_code == 302 and response.location.endswith(url)
    (registration,) = _registrations()
    assert registration.person.email == "alice@test.fr" and registration.employer_name == "CH d'Arras"
    again = coordinator.post(
        url,
        data={
            "last_name": "Durand",
            "first_name": "Alice",
            "email": "alice@test.fr",
            "profession_code": "nurse",
        },
    )
    assert again.status_code == 422 and "Alice Durand est déjà inscrit·e" in again.get_data(as_text=True)


def test_add_form_keeps_input_on_error(coordinator, make_session):
    training_session = make_session()
    response = coordinator.post(
        f"/sessions/{training_session.id}/inscriptions/ajouter",
        data={
            "last_name": "Durand",
            "first_name": "",
            "email": "pas-une-adresse",
            "profession_code": "inconnue",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Durand"' in text and 'value="pas-une-adresse"' in text
    assert "Saisissez une adresse électronique valide" in text and "Ce champ est obligatoire." in text
    assert _registrations() == []


def test_paste_is_all_or_nothing(coordinator, make_session):
    training_session = make_session(capacity=2, status=SessionStatus.open)
    url = f"/sessions/{training_session.id}/inscriptions/coller"
    bad = "Durand;Alice;alice@test.fr;Infirmière\nMartin;Karim;;Astronaute\n"
    response = coordinator.post(url, data={"attendees": bad})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "1 erreur : rien n'a été enregistré" in text
        and "Ligne 2 : profession « Astronaute » inconnue" in text
    )
    assert "Martin;Karim;;Astronaute" in text  # the textarea keeps the list
    assert _registrations() == []
    good = (
        "Durand;Alice;alice@test.fr;Infirmière\nMartin\tKarim\t\tÉducatrice spécialisée\nPetit,Léa,,nurse\n"
    )
    response = coordinator.post(url, data={"attendees": good})
    assert response.status_code == 302
    registrations = _registrations()
    assert [r.status for r in registrations] == [
        RegistrationStatus.registered,
        RegistrationStatus.registered,
        RegistrationStatus.waiting_list,
    ]
    assert registrations[1].profession_code == "social_worker"
    page = coordinator.get(f"/sessions/{training_session.id}").get_data(as_text=True)
    assert "2 personne(s) inscrite(s), 1 en liste d&#39;attente" in page
    assert "DURAND Alice" in page and "n° 1" in page


def test_cancel_registration_promotes_the_waiting_list(coordinator, make_session):
    training_session = make_session(capacity=1, status=SessionStatus.open)
    coordinator.post(
        f"/sessions/{training_session.id}/inscriptions/coller",
        data={"attendees": "A;Ann;a@test.fr;nurse\nB;Bob;b@test.fr;nurse"},
    )
    first, second = _registrations()
    response = coordinator.post(f"/sessions/{training_session.id}/inscriptions/{first.id}/annuler")
    assert response.status_code == 302
    first, second = _registrations()
    assert first.status == RegistrationStatus.cancelled and second.status == RegistrationStatus.registered
    page = coordinator.get(response.location).get_data(as_text=True)
    assert "Place attribuée depuis la liste d&#39;attente à : Bob B." in page


def test_downloads_are_formula_safe_and_audited(coordinator, make_session, make_person):
    training_session = make_session()
    person = make_person(first_name='=HYPERLINK("x")', last_name="+33 6 12", email="evil@test.fr")
    db.session.add(
        Registration(
            session_id=training_session.id,
            person_id=person.id,
            profession_code="nurse",
            employer_name="@SUM(A1)\x0b",
            source=RegistrationSource.staff,
        )
    )
    db.session.commit()
    base = f"/sessions/{training_session.id}/inscriptions"
    plain = coordinator.get(base + ".csv")
    assert plain.status_code == 200 and plain.mimetype == "text/csv"
    assert "attachment" in plain.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(plain.get_data().decode("utf-8"))))
    assert rows[0][:3] == ["Nom", "Prénom", "Courriel"]
    assert rows[1][:3] == ["'+33 6 12", '\'=HYPERLINK("x")', "evil@test.fr"] and rows[1][4] == "'@SUM(A1)"
    excel = coordinator.get(base + ".csv?format=excel").get_data()
    assert excel.startswith(b"\xef\xbb\xbf") and b"Nom;Pr" in excel
    workbook = load_workbook(io.BytesIO(coordinator.get(base + ".xlsx").get_data()))
    sheet = workbook.active
    assert sheet["A2"].value == "'+33 6 12" and sheet["B2"].data_type == "s"
    assert sheet["E2"].value == "'@SUM(A1)"
    db.session.rollback()
    actions = db.session.scalars(
        sa.select(AuditEntry.summary).where(AuditEntry.action == "registration.export")
    ).all()
    assert len(actions) == 3 and any("CSV (Excel), 1 lignes" in a for a in actions)


# Self-registration -------------------------------------------------------------------------


@pytest.fixture
def open_session(make_session):
    from datetime import date, time, timedelta

    day = date.today() + timedelta(days=10)
    training_session = make_session(
        reference="2099-62-0001", status=SessionStatus.open, slots=((day, time(9), time(12)),), capacity=1
    )
    training_session.self_registration_open = True
    db.session.commit()
    return training_session


def _self_payload(**overrides):
    data = {
        "last_name": "Durand",
        "first_name": "Alice",
        "email": "alice@test.fr",
        "profession_code": "nurse",
        "employer": "CH de Lens",
        "department_code": "62",
    }
    data.update(overrides)
    return data


def test_self_registration_page_shows_the_helpline_and_registers(client, open_session, outbox):
    page = client.get("/inscription/2099-62-0001")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="aide-titre"' in text
    response = client.post("/inscription/2099-62-0001", data=_self_payload())
    assert response.status_code == 302 and response.location.endswith(
        "/inscription/2099-62-0001/confirmation"
    )
    done = client.get(response.location).get_data(as_text=True)
    assert "Votre demande d'inscription est enregistrée" in done and 'id="aide-titre"' in done
    (registration,) = _registrations()
    assert registration.source == RegistrationSource.self_ and registration.employer_name == "CH de Lens"
    (mail,) = outbox()
    assert mail["To"] == "alice@test.fr" and "est confirmée" in mail.get_content()
    # Same address again: same page, nothing stored, the e-mail (not the page) says so.
    again = client.post("/inscription/2099-62-0001", data=_self_payload(email="ALICE@test.fr"))
    assert again.status_code == 302 and len(_registrations()) == 1
    assert "déjà inscrit·e" in outbox()[-1].get_content()
    # Capacity 1: the next person goes on the waiting list.
    client.post("/inscription/2099-62-0001", data=_self_payload(email="bob@test.fr", first_name="Bob"))
    assert _registrations()[-1].status == RegistrationStatus.waiting_list
    assert "liste d'attente" in outbox()[-1].get_content()


def test_self_registration_form_keeps_input_and_refuses_closed_sessions(client, open_session):
    response = client.post("/inscription/2099-62-0001", data=_self_payload(email="faux", profession_code=""))
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="Durand"' in text and 'id="aide-titre"' in text
    open_session.self_registration_open = False
    db.session.commit()
    assert client.get("/inscription/2099-62-0001").status_code == 404
    open_session.self_registration_open = True
    open_session.status = SessionStatus.cancelled
    db.session.commit()
    closed = client.get("/inscription/2099-62-0001")
    assert closed.status_code == 200 and "Les inscriptions en ligne sont closes" in closed.get_data(
        as_text=True
    )
    assert client.post("/inscription/2099-62-0001", data=_self_payload()).status_code == 200
    assert _registrations() == []


def test_self_registration_is_rate_limited(app, client, open_session):
    app.config["SELF_REGISTRATION_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [
            client.post("/inscription/2099-62-0001", data=_self_payload(email="")).status_code
            for _ in range(4)
        ]
    finally:
        app.config.pop("SELF_REGISTRATION_RATE_LIMIT")
    assert codes == [422, 422, 422, 429]
