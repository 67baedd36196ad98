"""Closing freezes attendance and tells the other areas; reopening is a coordinator's audited action."""

from datetime import datetime, time

import sqlalchemy as sa

from tests.attendance.conftest import DAY
from trainer import signals
from trainer.auth.models import AuditEntry
from trainer.extensions import db
from trainer.sessions.models import SessionStatus


def _actions():
    return db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_coordinator_closes_then_reopens(app, course, login_as):
    received = []

    def on_closed(sender, training_session, actor):
        received.append(("closed", training_session.id, actor.email))

    def on_reopened(sender, training_session, actor):
        received.append(("reopened", training_session.id, actor.email))

    signals.session_closed.connect(on_closed, app)
    signals.session_reopened.connect(on_reopened, app)
    try:
        coordinator = login_as("coordinator")
        page = coordinator.get(f"/presence/sessions/{course.session_id}/bilan").get_data(as_text=True)
        assert "Clôturer la session" in page
        response = coordinator.post(f"/presence/sessions/{course.session_id}/cloturer")
        assert response.status_code == 302
        db.session.expire_all()
        assert course.training_session.status == SessionStatus.closed
        assert course.training_session.closed_at is not None
        page = coordinator.get(response.location).get_data(as_text=True)
        assert "la présence est figée" in page
        assert "Rouvrir la session" in page
        again = coordinator.post(f"/presence/sessions/{course.session_id}/cloturer")
        assert "déjà clôturée" in coordinator.get(again.location).get_data(as_text=True)

        response = coordinator.post(f"/presence/sessions/{course.session_id}/rouvrir")
        assert response.status_code == 302
        db.session.expire_all()
        assert course.training_session.status == SessionStatus.held
        assert course.training_session.closed_at is None
    finally:
        signals.session_closed.disconnect(on_closed, app)
        signals.session_reopened.disconnect(on_reopened, app)
    assert received == [
        ("closed", course.session_id, "coordinator@test.fr"),
        ("reopened", course.session_id, "coordinator@test.fr"),
    ]
    assert [a for a in _actions() if a.startswith("session.")][-2:] == ["session.close", "session.reopen"]


def test_a_trainer_can_neither_close_nor_reopen(course, trainer_client):
    page = trainer_client.get(f"/presence/sessions/{course.session_id}/bilan").get_data(as_text=True)
    assert "Clôturer la session" not in page
    assert trainer_client.post(f"/presence/sessions/{course.session_id}/cloturer").status_code == 403
    course.training_session.status = SessionStatus.closed
    db.session.commit()
    assert trainer_client.post(f"/presence/sessions/{course.session_id}/rouvrir").status_code == 403
    db.session.expire_all()
    assert course.training_session.status == SessionStatus.closed


def test_sessions_that_cannot_be_closed(course, login_as, clock):
    coordinator = login_as("coordinator")
    clock(datetime.combine(DAY.replace(day=9), time(10)))  # the day before the session
    response = coordinator.post(f"/presence/sessions/{course.session_id}/cloturer")
    assert "pas encore commencé" in coordinator.get(response.location).get_data(as_text=True)
    clock(datetime.combine(DAY, time(18)))
    course.training_session.status = SessionStatus.cancelled
    db.session.commit()
    response = coordinator.post(f"/presence/sessions/{course.session_id}/cloturer")
    assert "annulée ou en brouillon" in coordinator.get(response.location).get_data(as_text=True)
    response = coordinator.post(f"/presence/sessions/{course.session_id}/rouvrir")
    assert "Seule une session clôturée" in coordinator.get(response.location).get_data(as_text=True)
    assert coordinator.post("/presence/sessions/999999/cloturer").status_code == 404
    db.session.expire_all()
    assert course.training_session.status == SessionStatus.cancelled
    assert "session.close" not in _actions()


def test_check_in_is_rate_limited(app, course, client, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_RATE_LIMIT", "3 per minute")
    codes = [client.get("/emargement").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
