"""The trainer's day and the attendance grid: access, marks, "all present", late arrivals."""

from datetime import date, time

import sqlalchemy as sa

from tests.conftest import login
from trainer.attendance.models import AttendanceMark, MarkMethod, MarkStatus
from trainer.auth.models import AuditEntry
from trainer.extensions import db
from trainer.sessions.models import Registration, SessionStatus

JSON = {"Accept": "application/json"}


def _marks(slot_id=None):
    query = sa.select(AttendanceMark).order_by(AttendanceMark.id)
    if slot_id:
        query = query.where(AttendanceMark.slot_id == slot_id)
    db.session.expire_all()
    return db.session.scalars(query).all()


def _audit(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_my_sessions_lists_only_the_trainers_sessions(course, trainer_client, make_session, make_person):
    other = make_session(
        slots=((date(2026, 3, 10), time(9), time(12)),), status=SessionStatus.open, trainers=[]
    )
    page = trainer_client.get("/mes-sessions").get_data(as_text=True)
    assert course.training_session.title in page
    assert other.title not in page
    assert "Aujourd&#39;hui" in page or "Aujourd'hui" in page
    assert "Prendre la présence" in page  # today's session has its big button


def test_trainer_without_person_record_is_told_why(app, make_user):
    make_user("trainer", email="sans.fiche@test.fr", person_id=None)
    client = app.test_client()
    login(client, "sans.fiche@test.fr")
    page = client.get("/mes-sessions").get_data(as_text=True)
    assert "relié à aucune fiche" in page


def test_trainer_is_refused_pages_and_posts_of_a_session_not_assigned(
    course, trainer_client, make_session, make_person, make_registration
):
    other = make_session(slots=((date(2026, 3, 10), time(9), time(12)),), status=SessionStatus.open)
    registration = make_registration(other, make_person(email="z@exemple.fr"))
    slot = other.slots[0]
    for url in (
        f"/presence/sessions/{other.id}",
        f"/presence/sessions/{other.id}/bilan",
        f"/presence/sessions/{other.id}/arrivee",
        f"/presence/sessions/{other.id}/feuille-emargement.pdf",
        f"/presence/creneaux/{slot.id}",
        f"/presence/creneaux/{slot.id}/qr",
        f"/presence/creneaux/{slot.id}/qr.json",
    ):
        assert trainer_client.get(url).status_code == 404, url
    posts = [
        (f"/presence/creneaux/{slot.id}/marquer", {"registration_id": registration.id, "status": "present"}),
        (f"/presence/creneaux/{slot.id}/tous-presents", {}),
        (
            f"/presence/sessions/{other.id}/arrivee",
            {"last_name": "X", "first_name": "Y", "profession_code": "nurse"},
        ),
    ]
    for url, data in posts:
        assert trainer_client.post(url, data=data).status_code == 404, url
    # Another session's registration through the trainer's own slot: refused too.
    response = trainer_client.post(
        f"/presence/creneaux/{course.morning.id}/marquer",
        data={"registration_id": registration.id, "status": "present"},
        headers=JSON,
    )
    assert response.status_code == 404
    assert _marks() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 4


def test_coordinator_and_trainer_reach_the_grid(course, trainer_client, login_as):
    page = trainer_client.get(f"/presence/sessions/{course.session_id}?creneau={course.morning.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "DURAND Alice" in html and "MARTIN Bruno" in html
    assert 'aria-pressed="false"' in html
    assert "Présence partielle" not in html  # partial presence is for coordinators
    coordinator = login_as("coordinator")
    html = coordinator.get(f"/presence/sessions/{course.session_id}").get_data(as_text=True)
    assert "Présence partielle" in html
    assert coordinator.get(f"/presence/sessions/{course.session_id}?creneau=999999").status_code == 404
    assert coordinator.get(f"/presence/sessions/{course.session_id}?creneau=abc").status_code == 200


def test_a_tap_is_stored_audited_and_idempotent(course, trainer_client):
    alice = course.registrations[0]
    url = f"/presence/creneaux/{course.morning.id}/marquer"
    for _ in range(2):  # a retried request changes nothing
        response = trainer_client.post(
            url, data={"registration_id": alice.id, "status": "present"}, headers=JSON
        )
        assert response.status_code == 200
        assert response.json["ok"] is True
        assert response.json["status"] == "present"
    marks = _marks()
    assert [(m.registration_id, m.status, m.method) for m in marks] == [
        (alice.id, MarkStatus.present, MarkMethod.grid)
    ]
    assert marks[0].recorded_by_id is not None
    assert len(_audit("attendance.mark")) == 1
    assert "Durand" in _audit("attendance.mark")[0].summary

    response = trainer_client.post(url, data={"registration_id": alice.id, "status": "absent"})
    assert response.status_code == 302
    assert f"creneau={course.morning.id}" in response.location
    assert response.location.endswith(f"#personne-{alice.id}")
    assert _marks()[0].status == MarkStatus.absent
    assert len(_audit("attendance.mark")) == 2


def test_completion_is_recomputed_after_each_tap(course, trainer_client):
    alice = course.registrations[0]
    for attended, slot, expected in ((1, course.morning, False), (2, course.afternoon, True)):
        response = trainer_client.post(
            f"/presence/creneaux/{slot.id}/marquer",
            data={"registration_id": alice.id, "status": "present"},
            headers=JSON,
        )
        assert response.json["completed"] is expected
        assert response.json["attended"] == attended
    summary = trainer_client.get(f"/presence/sessions/{course.session_id}/bilan").get_data(as_text=True)
    assert "1 personne(s) sur 3 ont validé la formation" in summary


def test_bad_input_gets_a_french_4xx(course, trainer_client):
    url = f"/presence/creneaux/{course.morning.id}/marquer"
    alice = course.registrations[0]
    cases = [
        ({"registration_id": alice.id, "status": "peut-etre"}, 400),
        ({"registration_id": "abc", "status": "present"}, 404),
        ({"status": "present"}, 404),
        ({"registration_id": alice.id, "status": "partial", "hours": "1"}, 403),
    ]
    for data, code in cases:
        response = trainer_client.post(url, data=data, headers=JSON)
        assert response.status_code == code, data
        assert response.json["ok"] is False
    assert trainer_client.post("/presence/creneaux/999999/marquer", data={}).status_code == 404
    assert _marks() == []


def test_partial_presence_is_for_coordinators_with_hours(course, login_as):
    coordinator = login_as("coordinator")
    url = f"/presence/creneaux/{course.morning.id}/marquer"  # 3.5 h slot
    alice = course.registrations[0]
    for hours, message in (("", "indiquez les heures"), ("4", "au plus"), ("x", "en chiffres")):
        response = coordinator.post(
            url, data={"registration_id": alice.id, "status": "partial", "hours": hours}, headers=JSON
        )
        assert response.status_code == 409
        assert message in response.json["message"]
    response = coordinator.post(
        url, data={"registration_id": alice.id, "status": "partial", "hours": "1,5"}, headers=JSON
    )
    assert response.status_code == 200
    mark = _marks()[0]
    assert (mark.status, str(mark.hours_attended)) == (MarkStatus.partial, "1.50")


def test_all_present_marks_only_those_not_yet_marked(course, trainer_client):
    alice, bruno, chloe = course.registrations
    trainer_client.post(
        f"/presence/creneaux/{course.morning.id}/marquer",
        data={"registration_id": bruno.id, "status": "absent"},
    )
    response = trainer_client.post(f"/presence/creneaux/{course.morning.id}/tous-presents")
    assert response.status_code == 302
    marks = {m.registration_id: m.status for m in _marks(course.morning.id)}
    assert marks == {alice.id: MarkStatus.present, bruno.id: MarkStatus.absent, chloe.id: MarkStatus.present}
    assert _marks(course.afternoon.id) == []
    assert len(_audit("attendance.mark")) == 3


def test_closed_session_is_frozen(course, trainer_client, login_as):
    course.training_session.status = SessionStatus.closed
    db.session.commit()
    alice = course.registrations[0]
    url = f"/presence/creneaux/{course.morning.id}/marquer"
    response = trainer_client.post(url, data={"registration_id": alice.id, "status": "present"}, headers=JSON)
    assert response.status_code == 409
    assert "clôturée" in response.json["message"]
    response = trainer_client.post(url, data={"registration_id": alice.id, "status": "present"})
    assert response.status_code == 302
    page = trainer_client.get(response.location).get_data(as_text=True)
    assert "la présence ne peut plus être modifiée" in page
    assert " disabled" in page
    assert trainer_client.post(f"/presence/creneaux/{course.morning.id}/tous-presents").status_code == 302
    coordinator = login_as("coordinator")
    response = coordinator.post(url, data={"registration_id": alice.id, "status": "present"}, headers=JSON)
    assert response.status_code == 409  # frozen for coordinators too, until reopened
    assert _marks() == []


def test_late_arrival_is_registered_and_marked_present(course, trainer_client):
    url = f"/presence/sessions/{course.session_id}/arrivee?creneau={course.afternoon.id}"
    form = trainer_client.get(url)
    assert form.status_code == 200
    assert "Profession" in form.get_data(as_text=True)
    response = trainer_client.post(
        url,
        data={
            "last_name": "Nouvelle",
            "first_name": "Nadia",
            "profession_code": "social_worker",
            "email": "Nadia.Nouvelle@Exemple.fr",
            "mark_present": "y",
        },
    )
    assert response.status_code == 302
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.profession_code == "social_worker")
    )
    assert registration.person.email == "nadia.nouvelle@exemple.fr"
    assert registration.session_id == course.session_id
    assert [(m.slot_id, m.status) for m in registration.marks] == [(course.afternoon.id, MarkStatus.present)]
    assert _audit("registration.create")

    # The same e-mail again: already registered, nothing stored twice, the form keeps the input.
    again = trainer_client.post(
        url,
        data={
            "last_name": "Autre",
            "first_name": "Nom",
            "profession_code": "nurse",
            "email": "nadia.nouvelle@exemple.fr",
        },
    )
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "déjà inscrit·e" in page
    assert 'value="Autre"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 4


def test_late_arrival_finds_a_known_person_by_email(course, trainer_client, make_person):
    known = make_person(first_name="Karim", last_name="Connu", email="karim@exemple.fr", profession="lawyer")
    url = f"/presence/sessions/{course.session_id}/arrivee"
    response = trainer_client.post(
        url,
        data={
            "last_name": "K",
            "first_name": "C",
            "profession_code": "magistrate",
            "email": "KARIM@exemple.fr",
        },
    )
    assert response.status_code == 302
    registration = db.session.scalar(sa.select(Registration).where(Registration.person_id == known.id))
    assert registration.profession_code == "magistrate"  # the snapshot is what is true today
    missing = trainer_client.post(url, data={"last_name": "", "first_name": "", "profession_code": ""})
    assert missing.status_code == 422
    assert "Ce champ est obligatoire" in missing.get_data(as_text=True)


def test_two_devices_marking_at_once_update_one_mark(course, monkeypatch):
    """The existence check missed a concurrent insert: the constraint fires and the tap updates it."""
    from trainer.attendance import services

    alice = course.registrations[0]
    services.set_mark(slot=course.morning, registration=alice, status=MarkStatus.present, actor=None)
    db.session.commit()
    real = services._existing_mark
    calls = {"n": 0}

    def blind_first(registration_id, slot_id):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(registration_id, slot_id)

    monkeypatch.setattr(services, "_existing_mark", blind_first)
    services.set_mark(slot=course.morning, registration=alice, status=MarkStatus.excused, actor=None)
    db.session.commit()
    assert [(m.registration_id, m.status) for m in _marks()] == [(alice.id, MarkStatus.excused)]
