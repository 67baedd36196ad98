"""The ``trainer`` console script: a Flask CLI group with the platform's commands."""

from __future__ import annotations

import getpass
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, routes_command, run_command, shell_command, with_appcontext

from trainer.app import create_app
from trainer.reports.cli import report_command
from trainer.schema import upgrade_database


def _create_app():
    # A command may ask for an app without pages (ScriptInfo.data["pages"]): ``trainer report``.
    context = click.get_current_context(silent=True)
    info = context.find_object(ScriptInfo) if context else None
    return create_app(pages=info.data.get("pages", True) if info else True)


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    add_default_commands=False,
    help="Plateforme de gestion des formations VFF.",
)
def cli() -> None:
    pass


@cli.command("run", context_settings={"ignore_unknown_options": True})
@click.pass_context
def run(ctx: click.Context, **kwargs) -> None:
    """Serve the application (development server). The embedded SQLite database is created
    and migrated on first run."""
    app = ctx.ensure_object(ScriptInfo).load_app()
    with app.app_context():
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            upgrade_database()
    ctx.forward(run_command)


run.params = list(run_command.params)
cli.add_command(shell_command)
cli.add_command(routes_command)
# Here as well as on ``app.cli``: found without building the app, which it then builds lighter.
cli.add_command(report_command)


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "coordinator", "trainer", "manager"]))
@click.option("--password", default=None, help="Prompted for when omitted.")
@click.option("--name", "full_name", default="", help="Full name shown in the interface.")
@with_appcontext
def create_user_command(email: str, role: str, password: str | None, full_name: str) -> None:
    """Create a staff account."""
    from trainer.auth import services
    from trainer.auth.models import Role
    from trainer.database import write_intent
    from trainer.extensions import db

    if password is None:
        password = getpass.getpass("Mot de passe : ")
        if getpass.getpass("Confirmez : ") != password:
            raise click.ClickException("Les deux mots de passe ne sont pas identiques.")
    with write_intent():
        try:
            user = services.create_user(
                email=email, role=Role(role), password=password, full_name=full_name, actor="cli"
            )
        except services.AccountError as exc:
            raise click.ClickException(str(exc)) from None
        db.session.commit()
    click.echo(f"Compte créé : {user.email} ({user.role_label})")


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(destination: str) -> None:
    """Write a consistent copy of the database (SQLite backup API, or pg_dump)."""
    from trainer.backup import backup_database

    backup_database(destination)
    click.echo(f"Sauvegarde écrite : {destination}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load realistic demo data (idempotent) and print one account per role."""
    from trainer.demo import load_demo

    if current_app.config["TRAINER_ENV"] == "production":
        raise click.ClickException("Les données de démonstration sont refusées en production.")
    accounts = load_demo()
    click.echo("Comptes de démonstration :")
    for email, role, password in accounts:
        click.echo(f"  {role:<12} {email:<36} mot de passe : {password}")


def register(app) -> None:
    """Commands that need the app: on ``app.cli``, so the ``trainer`` group and tests see them."""
    for command in (create_user_command, backup_command, demo_command):
        app.cli.add_command(command)


def main() -> None:
    """Entry point: one clear line instead of a traceback when the database is unreachable."""
    try:
        cli.main(standalone_mode=True)
    except sa.exc.OperationalError as exc:
        message = str(exc.orig).splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        click.echo(
            f"Erreur : base de données inaccessible ({message}). Vérifiez DATABASE_URL "
            "puis lancez « trainer db upgrade ».",
            err=True,
        )
        sys.exit(2)
    except sa.exc.ArgumentError as exc:
        click.echo(f"Erreur : DATABASE_URL invalide ({exc}).", err=True)
        sys.exit(2)
