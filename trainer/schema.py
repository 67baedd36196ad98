"""Schema migrations (Flask-Migrate over Alembic), loaded only when a command needs them.

Importing Alembic takes about a quarter of a second, which every ``trainer`` command and every web
worker used to pay at start-up; now only ``trainer db …`` and the upgrades on start do.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

from trainer import config
from trainer.extensions import db


def init_migrate(app: Flask) -> None:
    """Set Flask-Migrate up on ``app`` (once): its ``db`` commands and ``migrations/env.py`` use it."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(config.MIGRATIONS_DIR), render_as_batch=True, compare_type=True)


def upgrade_database() -> None:
    """``trainer db upgrade`` for the current app, taking SQLite's write lock up front."""
    from flask_migrate import upgrade

    from trainer.database import write_intent

    init_migrate(current_app)
    with write_intent():
        upgrade(directory=current_app.extensions["migrate"].directory)


class LazyMigrateGroup(click.Group):
    """Stands for Flask-Migrate's ``db`` group in the command list; when called, it hands over
    to the real group (which then parses its own options and sub-command)."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        init_migrate(parent.ensure_object(ScriptInfo).load_app())
        from flask_migrate.cli import db as migrate_group

        return migrate_group.make_context(info_name, args, parent=parent, **extra)


db_commands = LazyMigrateGroup("db", help="Migrations de la base de données (Alembic).")
