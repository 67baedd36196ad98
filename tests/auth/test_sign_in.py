"""Sign-in, sign-out, password rules and reset, session invalidation, headers, CSRF."""

import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD, find_link, login, message_text
from trainer.auth.models import AuditEntry, User
from trainer.extensions import db


def test_login_and_logout(app, client, make_user):
    make_user("coordinator", email="claire@test.fr")
    page = client.get("/connexion")
    assert page.status_code == 200 and 'lang="fr"' in page.get_data(as_text=True)
    response = login(client, "Claire@Test.fr")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "coordinateur·rice" in home.lower()
    assert client.post("/deconnexion").status_code == 302
    assert client.get("/mon-compte").status_code == 302


def test_wrong_password_gives_a_french_error_and_keeps_the_email(client, make_user):
    make_user("manager", email="marc@test.fr")
    response = client.post("/connexion", data={"email": "marc@test.fr", "password": "mauvais-mot-de-passe"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Adresse électronique ou mot de passe incorrect" in text
    assert 'value="marc@test.fr"' in text


def test_cookie_copied_before_logout_no_longer_authenticates(app, make_user):
    make_user("admin", email="alix@test.fr")
    client = app.test_client()
    login(client, "alix@test.fr")
    cookie = client.get_cookie("session").value
    assert client.get("/admin/utilisateurs").status_code == 200
    client.post("/deconnexion")
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/admin/utilisateurs").status_code == 302


def test_deactivation_ends_existing_sessions(app, make_user, login_as):
    admin = login_as("admin")
    user_id = make_user("coordinator", email="bientot.inactif@test.fr")
    victim = app.test_client()
    login(victim, "bientot.inactif@test.fr")
    assert victim.get("/mon-compte").status_code == 200
    response = admin.post(
        f"/admin/utilisateurs/{user_id}",
        data={
            "email": "bientot.inactif@test.fr",
            "role": "coordinator",
            "full_name": "",
            "is_active": "",
        },
    )
    assert response.status_code == 302
    assert victim.get("/mon-compte").status_code == 302
    assert login(app.test_client(), "bientot.inactif@test.fr").status_code == 422


def test_passwords_are_hashed_and_short_ones_refused(app_ctx, make_user):
    import pytest

    from trainer.auth import services
    from trainer.auth.models import Role

    make_user("manager", email="hash@test.fr")
    user = db.session.scalar(sa.select(User).where(User.email == "hash@test.fr"))
    assert TEST_PASSWORD not in user.password_hash and user.password_hash.startswith("pbkdf2:")
    with pytest.raises(services.AccountError, match="12 caractères"):
        services.create_user(email="court@test.fr", role=Role.manager, password="court")


def test_production_hash_meets_the_floor(app):
    from trainer.config import Defaults

    method, n, r, p = Defaults.PASSWORD_HASH_METHOD.split(":")
    assert method == "scrypt" and int(n) >= 2**17


def test_password_reset_link_is_single_use(app, client, make_user, outbox):
    make_user("coordinator", email="oubli@test.fr")
    response = client.post("/mot-de-passe-oublie", data={"email": "oubli@test.fr"})
    assert response.status_code == 302
    link = find_link(message_text(outbox()[-1]), "/mot-de-passe/")
    path = link.split("localhost", 1)[1]
    new_password = "une nouvelle phrase de passe"
    assert client.post(path, data={"password": new_password, "confirm": new_password}).status_code == 302
    assert login(app.test_client(), "oubli@test.fr", new_password).status_code == 302
    again = client.post(
        path, data={"password": "encore une autre phrase", "confirm": "encore une autre phrase"}
    )
    assert again.status_code == 410
    assert client.get("/mot-de-passe/jeton-invente").status_code == 410


def test_unknown_email_gets_the_same_answer(client, outbox):
    response = client.post("/mot-de-passe-oublie", data={"email": "personne@test.fr"})
    assert response.status_code == 302
    assert outbox() == []


def test_login_is_rate_limited(app, make_user):
    make_user("coordinator", email="cible@test.fr")
    app.config["LOGIN_RATE_LIMIT"] = "10 per 5 minutes"
    try:
        client = app.test_client()
        codes = [
            client.post(
                "/connexion", data={"email": "cible@test.fr", "password": "faux-mot-de-passe"}
            ).status_code
            for _ in range(12)
        ]
        assert 429 in codes
        blocked = client.post("/connexion", data={"email": "cible@test.fr", "password": TEST_PASSWORD})
        assert blocked.status_code == 429
        assert "Trop de tentatives" in blocked.get_data(as_text=True)
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_login_writes_the_audit_log(app, make_user):
    make_user("coordinator", email="trace@test.fr")
    login(app.test_client(), "trace@test.fr")
    with app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"user.create", "user.login"} <= actions


def test_csrf_is_required_on_forms(app, make_user):
    make_user("coordinator", email="csrf@test.fr")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        response = client.post("/connexion", data={"email": "csrf@test.fr", "password": TEST_PASSWORD})
        assert response.status_code == 400
        assert "Formulaire expiré" in response.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_open_redirect_after_login_is_refused(client, make_user):
    make_user("coordinator", email="redir@test.fr")
    response = client.post(
        "/connexion?next=https://evil.example/", data={"email": "redir@test.fr", "password": TEST_PASSWORD}
    )
    assert response.location == "/"
