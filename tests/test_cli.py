"""Platform commands: backup, unreachable database, session lifetime."""

import sqlite3

import pytest

from tests.conftest import login


def test_backup_writes_a_consistent_copy(app, runner, make_user, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("pg_dump backup is exercised in production runbooks")
    make_user("manager", email="sauvegarde@test.fr")
    target = tmp_path / "copie.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("select email from users").fetchall() == [("sauvegarde@test.fr",)]
    assert copy.execute("select count(*) from departments").fetchone() == (101,)
    copy.close()


def test_idle_session_expires(app, make_user):
    make_user("coordinator", email="inactif@test.fr")
    client = app.test_client()
    login(client, "inactif@test.fr")
    assert client.get("/mon-compte").status_code == 200
    with client.session_transaction() as flask_session:
        flask_session["seen_at"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    assert client.get("/mon-compte").status_code == 302


def test_absolute_session_lifetime(app, make_user):
    make_user("coordinator", email="longue@test.fr")
    client = app.test_client()
    login(client, "longue@test.fr")
    with client.session_transaction() as flask_session:
        flask_session["login_at"] -= int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()) + 5
    assert client.get("/mon-compte").status_code == 302


def test_odd_urls_get_french_4xx_pages(client):
    response = client.get("/admin/utilisateurs/abc")
    assert response.status_code == 404
    assert "Page non trouvée" in response.get_data(as_text=True)
    assert client.post("/").status_code == 405
    assert client.get("/admin/utilisateurs?page=-5").status_code == 302
    assert client.get("/admin/utilisateurs/99999999999999999999").status_code in (302, 404)
    response = client.post("/connexion?next=%00", data={"email": "a\x00b@test.fr", "password": "x\x00"})
    assert response.status_code == 422
