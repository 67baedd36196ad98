"""Admins create accounts, change role and scope, and read the audit log."""

import sqlalchemy as sa

from tests.conftest import find_link, message_text
from trainer.auth.models import Role, User
from trainer.extensions import db


def test_admin_creates_a_scoped_manager_who_receives_a_link(app, login_as, outbox):
    admin = login_as("admin")
    response = admin.post(
        "/admin/utilisateurs/nouveau",
        data={
            "email": "Manager.62@Test.fr",
            "full_name": "Rania",
            "role": "manager",
            "scope_department_code": "62",
            "is_active": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "manager.62@test.fr"))
        assert user.role == Role.manager and user.scope_department_code == "62"
    assert "/mot-de-passe/" in find_link(message_text(outbox()[-1]), "/mot-de-passe/")
    listing = admin.get("/admin/utilisateurs?q=manager.62").get_data(as_text=True)
    assert "manager.62@test.fr" in listing and "Pas-de-Calais" in listing
    log = admin.get("/admin/journal?action=user.").get_data(as_text=True)
    assert "user.create" in log


def test_scope_is_refused_for_other_roles_and_form_keeps_input(login_as):
    admin = login_as("admin")
    response = admin.post(
        "/admin/utilisateurs/nouveau",
        data={
            "email": "coord@test.fr",
            "full_name": "Texte saisi",
            "role": "coordinator",
            "scope_region_code": "32",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Seul un compte « responsable »" in text and 'value="Texte saisi"' in text


def test_cli_create_user(app, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "cli@test.fr",
            "--role",
            "manager",
            "--password",
            "une phrase de passe assez longue",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Compte créé" in result.output
    again = runner.invoke(
        args=[
            "create-user",
            "cli@test.fr",
            "--role",
            "manager",
            "--password",
            "une phrase de passe assez longue",
        ]
    )
    assert again.exit_code != 0 and "existe déjà" in again.output
    short = runner.invoke(args=["create-user", "x@test.fr", "--role", "admin", "--password", "court"])
    assert short.exit_code != 0 and "12 caractères" in short.output
