"""QR self check-in: the minute code, the slot's window, signatures, and one mark per attendee."""

import base64
import io
import threading
from datetime import datetime, time

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw

from tests.attendance.conftest import DAY
from trainer.attendance import checkin
from trainer.attendance.models import AttendanceMark, MarkMethod, MarkStatus
from trainer.auth.models import AuditEntry
from trainer.extensions import db
from trainer.sessions.models import SessionStatus


def png_data_url(drawn: bool = True, size=(300, 120)) -> str:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if drawn:
        ImageDraw.Draw(image).line([(10, 60), (150, 20), (290, 100)], fill=(22, 22, 22, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _url(slot, code=None):
    return f"/emargement/{slot.id}/{code or checkin.current_code(slot.id)}"


def _marks():
    db.session.expire_all()
    return db.session.scalars(sa.select(AttendanceMark).order_by(AttendanceMark.id)).all()


def _pass(client, slot):
    page = client.get(_url(slot)).get_data(as_text=True)
    marker = 'name="pass_token" type="hidden" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_the_code_changes_every_minute_and_the_previous_one_is_accepted(app_ctx, course):
    slot_id = course.morning.id
    now = 1_800_000_000.0
    code = checkin.current_code(slot_id, now)
    assert len(code) == checkin.CODE_LENGTH
    assert set(code) <= set(checkin.CODE_ALPHABET)
    assert checkin.code_is_valid(slot_id, code, now)
    assert checkin.code_is_valid(slot_id, code.lower(), now + 60)  # previous minute still accepted
    assert not checkin.code_is_valid(slot_id, code, now + 120)  # a photo sent later stops working
    assert not checkin.code_is_valid(course.afternoon.id, code, now)  # another slot's code
    assert checkin.current_code(slot_id, now + 60) != code
    assert not checkin.code_is_valid(slot_id, "", now)


def test_the_page_lists_names_and_a_typed_name_checks_in(course, client):
    page = client.get(_url(course.morning))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "DURAND Alice" in html and "PETIT Chloé" in html
    assert "3919" in html  # participant page: helpline shown
    alice = course.registrations[0]
    response = client.post(
        _url(course.morning),
        data={
            "registration_id": alice.id,
            "signed_name": "Alice Durand",
            "pass_token": _pass(client, course.morning),
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Merci Alice Durand" in response.get_data(as_text=True)
    (mark,) = _marks()
    assert (mark.registration_id, mark.slot_id, mark.status, mark.method, mark.signed_name) == (
        alice.id,
        course.morning.id,
        MarkStatus.present,
        MarkMethod.self_check_in,
        "Alice Durand",
    )
    assert db.session.scalar(sa.select(AuditEntry.actor_label).where(AuditEntry.action == "attendance.mark"))
    again = client.get(_url(course.morning)).get_data(as_text=True)
    assert "déjà émargé·e" in again

    # The same person again: refused politely, nothing stored twice.
    second = client.post(
        _url(course.morning),
        data={
            "registration_id": alice.id,
            "signed_name": "Alice",
            "pass_token": _pass(client, course.morning),
        },
    )
    assert second.status_code == 409
    assert "déjà enregistrée" in second.get_data(as_text=True)
    assert len(_marks()) == 1


def test_a_drawn_signature_is_stored_as_png_and_email_finds_the_attendee(course, client):
    response = client.post(
        _url(course.morning),
        data={
            "email": "BRUNO@exemple.fr",
            "signature": png_data_url(),
            "pass_token": _pass(client, course.morning),
        },
    )
    assert response.status_code == 200
    (mark,) = _marks()
    assert mark.registration_id == course.registrations[1].id
    assert mark.signature_png.startswith(b"\x89PNG\r\n\x1a\n")
    assert mark.signed_name is None


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        (png_data_url(drawn=False), "vide"),
        ("data:image/png;base64,PHN2Zz48L3N2Zz4=", "PNG"),  # an SVG pretending to be a PNG
        ("data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", "PNG"),
        ("data:image/png;base64,@@@", "illisible"),
        (png_data_url(size=(5000, 10)), "dimensions"),
        ("data:image/png;base64," + "A" * 400_000, "volumineuse"),
    ],
)
def test_a_bad_signature_is_refused_and_the_form_kept(course, client, signature, message):
    response = client.post(
        _url(course.morning),
        data={
            "registration_id": course.registrations[0].id,
            "signature": signature,
            "pass_token": _pass(client, course.morning),
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'value="{course.registrations[0].id}" checked' in html
    assert _marks() == []


def test_nobody_chosen_or_unknown_email_or_no_signature(course, client):
    token = _pass(client, course.morning)
    cases = [
        ({"signed_name": "X"}, "Choisissez votre nom"),
        ({"email": "inconnu@exemple.fr", "signed_name": "X"}, "Nous ne trouvons pas votre inscription"),
        ({"registration_id": "999999", "signed_name": "X"}, "Nous ne trouvons pas votre inscription"),
        ({"registration_id": course.registrations[0].id}, "Signez dans la zone prévue"),
        ({"email": "pas-une-adresse", "signed_name": "X"}, "adresse électronique valide"),
    ]
    for data, message in cases:
        response = client.post(_url(course.morning), data={**data, "pass_token": token})
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    assert _marks() == []


def test_a_grid_mark_is_signed_once(course, client, trainer_client):
    alice = course.registrations[0]
    trainer_client.post(
        f"/presence/creneaux/{course.morning.id}/marquer",
        data={"registration_id": alice.id, "status": "absent"},
    )
    response = client.post(
        _url(course.morning),
        data={
            "registration_id": alice.id,
            "signed_name": "Alice D.",
            "pass_token": _pass(client, course.morning),
        },
    )
    assert response.status_code == 200
    (mark,) = _marks()
    assert (mark.status, mark.method, mark.signed_name) == (
        MarkStatus.present,
        MarkMethod.self_check_in,
        "Alice D.",
    )


def test_a_link_for_another_slot_or_an_old_code_is_refused(course, client):
    afternoon_code = checkin.current_code(course.afternoon.id)
    response = client.get(f"/emargement/{course.morning.id}/{afternoon_code}")
    assert response.status_code == 403
    assert "expiré" in response.get_data(as_text=True)
    old = checkin.slot_code(course.morning.id, checkin.minute_counter() - 2)
    assert client.get(f"/emargement/{course.morning.id}/{old}").status_code == 403
    # A pass issued for the afternoon does not open the morning.
    response = client.post(
        _url(course.morning, old),
        data={
            "registration_id": course.registrations[0].id,
            "signed_name": "A",
            "pass_token": checkin.issue_pass(course.afternoon.id),
        },
    )
    assert response.status_code == 403
    assert client.get("/emargement/999999/ABCDEF").status_code == 404
    assert _marks() == []


def test_outside_the_window_is_refused(course, client, clock):
    clock(datetime.combine(DAY, time(8, 20)))  # the morning opens at 8:30 (30 min before 9:00)
    response = client.get(_url(course.morning))
    assert response.status_code == 403
    assert "ouvrira à 8\u00a0h\u00a030" in response.get_data(as_text=True)
    clock(datetime.combine(DAY, time(8, 31)))
    assert client.get(_url(course.morning)).status_code == 200
    token = _pass(client, course.morning)
    clock(datetime.combine(DAY, time(12, 31)))  # the morning ended at 12:30
    response = client.post(
        _url(course.morning),
        data={"registration_id": course.registrations[0].id, "signed_name": "A", "pass_token": token},
    )
    assert response.status_code == 403
    assert "terminé" in response.get_data(as_text=True)
    assert _marks() == []


def test_a_closed_session_refuses_check_in(course, client):
    course.training_session.status = SessionStatus.closed
    db.session.commit()
    response = client.get(_url(course.morning))
    assert response.status_code == 403
    assert "fermé" in response.get_data(as_text=True)


def test_the_short_code_leads_to_the_slot(course, client):
    assert client.get("/emargement").status_code == 200
    code = checkin.current_code(course.morning.id)
    response = client.get(f"/emargement?code={code[:3]} {code[3:].lower()}")
    assert response.status_code == 302
    assert response.location.endswith(f"/emargement/{course.morning.id}/{code}")
    wrong = client.get("/emargement?code=ZZZZZZ")
    assert wrong.status_code == 422
    assert "ne correspond à aucun émargement" in wrong.get_data(as_text=True)
    assert client.get("/emargement?code=").status_code == 422


def test_the_trainer_screen_shows_the_qr_code_and_the_code(course, trainer_client, clock):
    page = trainer_client.get(f"/presence/creneaux/{course.morning.id}/qr").get_data(as_text=True)
    code = checkin.current_code(course.morning.id)
    assert code in page
    assert 'src="data:image/svg+xml;base64,' in page
    assert f"/emargement/{course.morning.id}/{code}" in page
    state = trainer_client.get(f"/presence/creneaux/{course.morning.id}/qr.json").json
    assert state["open"] is True and state["total"] == 3 and state["signed"] == 0
    clock(datetime.combine(DAY, time(7)))
    state = trainer_client.get(f"/presence/creneaux/{course.morning.id}/qr.json").json
    assert state["open"] is False and "ouvrira" in state["message"]
    assert "code" not in state


def test_fifty_concurrent_check_ins_store_one_mark(app, course):
    """50 phones submit the same attendee's check-in at once: one mark, no server error."""
    slot_id, registration_id = course.morning.id, course.registrations[0].id
    url = _url(course.morning)
    token = checkin.issue_pass(slot_id)
    db.session.commit()  # end the test's read transaction: the requests run on other connections
    barrier = threading.Barrier(50)
    statuses: list[int] = []
    lock = threading.Lock()

    def submit():
        client = app.test_client()
        barrier.wait()
        response = client.post(
            url, data={"registration_id": registration_id, "signed_name": "Alice Durand", "pass_token": token}
        )
        with lock:
            statuses.append(response.status_code)

    # Each thread gets its own app context (threads do not share the test's one).
    threads = [threading.Thread(target=submit) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == 50
    assert statuses.count(200) == 1, statuses
    assert statuses.count(409) == 49, statuses
    marks = _marks()
    assert [(m.registration_id, m.slot_id) for m in marks] == [(registration_id, slot_id)]


def test_the_database_constraint_stops_a_duplicate_the_check_missed(course, monkeypatch):
    """Two scans racing past the existence check: the unique constraint refuses the second insert."""
    alice = course.registrations[0]
    checkin.self_check_in(slot=course.morning, registration=alice, signature_png=None, signed_name="Alice")
    db.session.commit()
    real_scalar = db.session.scalar
    calls = {"n": 0}

    def blind_first_lookup(statement, *args, **kwargs):
        calls["n"] += 1
        return None if calls["n"] == 1 else real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", blind_first_lookup)
    with pytest.raises(checkin.CheckInError, match="déjà enregistrée"):
        checkin.self_check_in(
            slot=course.morning, registration=alice, signature_png=None, signed_name="Alice"
        )
    monkeypatch.undo()
    db.session.rollback()
    assert len(_marks()) == 1
