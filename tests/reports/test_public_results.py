"""The public results page: off by default (404), turned on by an admin, no login needed."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from trainer.auth.models import AuditEntry
from trainer.extensions import db
from trainer.main.models import Setting


def test_off_by_default(history, client):
    assert client.get("/resultats").status_code == 404


def test_admin_turns_it_on_and_off(history, login_as, client):
    admin = login_as("admin")
    assert admin.get("/rapports/publication").status_code == 200
    assert admin.post("/rapports/publication", data={"enabled": "y"}).status_code == 302
    assert db.session.get(Setting, "public_results_enabled").value == "1"
    assert client.get("/resultats").status_code == 200
    admin.post("/rapports/publication", data={})
    assert client.get("/resultats").status_code == 404
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("setting.update") == 2


def test_only_admins_toggle(history, login_as):
    for role in ("coordinator", "manager"):
        client = login_as(role, email=f"{role}.pub@test.fr")
        assert client.post("/rapports/publication", data={"enabled": "y"}).status_code == 403
    assert db.session.get(Setting, "public_results_enabled") is None


def test_last_twelve_months_per_kit_with_minimum(history, client, make_session):
    """Only sessions of the last 12 months; a kit with fewer than 5 responses shows no rate."""
    from tests.reports.conftest import _registration, _response
    from trainer.sessions.models import SessionStatus

    db.session.add(Setting(key="public_results_enabled", value="1"))
    recent = date.today() - timedelta(days=30)
    anna = history.kits["anna"]
    training_session = make_session(
        reference="RECENT", slots=(), starts_on=recent, kits=[anna], status=SessionStatus.held
    )
    for key in ("alice", "bob", "eve"):
        _registration(training_session, history.people[key], present=True)
    for score in (4, 4, 3, 1, 2, 4):
        _response(training_session, satisfaction=score)
    from trainer.attendance.completion import recompute_completion

    recompute_completion([training_session.id])
    db.session.commit()
    html = client.get("/resultats").get_data(as_text=True)
    assert "Anna" in html and "Elisa" not in html  # Elisa's sessions are older than 12 months
    assert "66,7" in html  # 4 of 6 answers are 3 or 4
    assert "Tess" not in html and "RECENT" not in html  # no person, no session
