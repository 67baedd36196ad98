"""With CSRF protection on (as in production): the grid's fetch sends the token in a header, the
check-in form in a hidden field, and requests without it are refused."""

import re

import pytest
import sqlalchemy as sa

from trainer.attendance import checkin
from trainer.attendance.models import AttendanceMark
from trainer.extensions import db


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _count():
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceMark))


def test_the_grid_token_travels_in_the_x_csrftoken_header(course, trainer_client, csrf_on):
    page = trainer_client.get(f"/presence/sessions/{course.session_id}").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    url = f"/presence/creneaux/{course.morning.id}/marquer"
    data = {"registration_id": course.registrations[0].id, "status": "present"}
    refused = trainer_client.post(url, data=data, headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert _count() == 0
    accepted = trainer_client.post(
        url, data=data, headers={"Accept": "application/json", "X-CSRFToken": token}
    )
    assert accepted.status_code == 200 and accepted.json["ok"] is True
    assert _count() == 1


def test_the_check_in_form_carries_its_token(course, client, csrf_on):
    url = f"/emargement/{course.morning.id}/{checkin.current_code(course.morning.id)}"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    pass_token = re.search(r'name="pass_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"registration_id": course.registrations[0].id, "signed_name": "Alice", "pass_token": pass_token}
    assert client.post(url, data=data).status_code == 400
    response = client.post(url, data={**data, "csrf_token": token})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert _count() == 1
