"""Pages kept under the data version (trainer/versioned_cache.py): never stale, never another's."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from trainer.extensions import db
from trainer.kits.models import Kit
from trainer.sessions.models import Registration

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def statements_of(client, url: str) -> tuple[list[str], str]:
    statements: list[str] = []

    def listen(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert response.status_code == 200, url
    return statements, response.get_data(as_text=True)


@pytest.fixture(autouse=True)
def _token_per_request(app):
    """With the test's app context pushed, requests share ``g``, where Flask-WTF keeps the token of
    the request: forget it when a request starts, as production's per-request context does."""
    from flask import g, request_started

    def forget(sender, **extra):
        g.pop("csrf_token", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


@pytest.fixture
def signed_in(login_as):
    def sign_in(role="coordinator", **kwargs):
        client = login_as(role, **kwargs)
        client.get("/")  # the welcome message: a page with a message waiting is never kept
        return client

    return sign_in


@pytest.fixture
def session_page(app_ctx, make_session, make_person):
    training_session = make_session(reference="CACHE-1")
    person = make_person(first_name="Alice", last_name="Premiere", email="alice@t.fr")
    db.session.add(Registration(training_session=training_session, person=person))
    db.session.commit()
    return f"/sessions/{training_session.id}"


def test_a_page_seen_again_reads_only_the_version(signed_in, session_page):
    coordinator = signed_in()
    first, html = statements_of(coordinator, session_page)
    again, same = statements_of(coordinator, session_page)
    assert len(again) < len(first)
    assert not any("registrations" in statement for statement in again)
    assert TOKEN.sub("", same) == TOKEN.sub("", html)


def test_every_kind_of_page_shows_a_write_at_once(signed_in, session_page, make_session, make_person):
    coordinator = signed_in()
    for url in (session_page, "/sessions/", "/outils", "/rapports/"):
        coordinator.get(url)
    training_session = db.session.scalar(sa.select(Registration)).training_session
    newcomer = make_person(first_name="Bruno", last_name="Nouveau", email="bruno@t.fr")
    db.session.add(Registration(training_session=training_session, person=newcomer))
    db.session.commit()
    assert "Nouveau" in coordinator.get(session_page).get_data(as_text=True)

    make_session(reference="CACHE-NEW")
    assert "CACHE-NEW" in coordinator.get("/sessions/").get_data(as_text=True)

    db.session.add(Kit(slug="nouvel-outil", title="Un outil tout neuf"))
    db.session.commit()
    assert "Un outil tout neuf" in coordinator.get("/outils").get_data(as_text=True)


def test_each_visitor_gets_a_page_with_their_own_account_and_token(app, signed_in, session_page):
    first = signed_in(email="premiere@t.fr")
    second = signed_in(email="seconde@t.fr")
    for _ in range(2):  # the second round is served from the cache
        for client, email in ((first, "premiere@t.fr"), (second, "seconde@t.fr")):
            html = client.get(session_page).get_data(as_text=True)
            assert email in html
            assert "csrf-" not in html
            tokens = set(TOKEN.findall(html))
            assert len(tokens) == 1
            client.last_token = tokens.pop()
    assert first.last_token != second.last_token


def test_a_token_from_a_page_served_again_is_accepted(app, signed_in, session_page, monkeypatch):
    coordinator = signed_in()
    coordinator.get(session_page)
    html = coordinator.get(session_page).get_data(as_text=True)  # from the cache
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = coordinator.post("/deconnexion", data={"csrf_token": TOKEN.search(html).group(1)})
    assert response.status_code == 302
    assert coordinator.get(session_page).status_code == 302  # signed out: back to the login page


def test_a_waiting_message_is_shown_once(login_as, session_page):
    coordinator = login_as("coordinator")  # « Bienvenue… » waits to be shown
    assert "Bienvenue" in coordinator.get(session_page).get_data(as_text=True)
    assert "Bienvenue" not in coordinator.get(session_page).get_data(as_text=True)
    assert "Bienvenue" not in coordinator.get(session_page).get_data(as_text=True)


def test_pages_of_other_accounts_and_roles_are_never_shared(signed_in, login_as, session_page):
    coordinator = signed_in()
    assert coordinator.get("/outils").status_code == 200
    anonymous = coordinator.application.test_client()
    html = anonymous.get("/outils").get_data(as_text=True)
    assert "coordinator@t.fr" not in html and "Se connecter" in html
    manager = signed_in("manager", email="responsable@t.fr", scope_department_code="62")
    html = manager.get("/rapports/").get_data(as_text=True)
    assert "responsable@t.fr" in html and "Département 62" in html
    assert manager.get(session_page).status_code == 403  # access rules run before the cache
