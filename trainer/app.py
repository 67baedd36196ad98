"""The application factory."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, flash, has_request_context, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from trainer import config as config_module
from trainer.extensions import babel, csrf, db, limiter, login_manager

log = logging.getLogger(__name__)

AREAS = (
    "main",
    "auth",
    "admin",
    "kits",
    "people",
    "sessions",
    "attendance",
    "evaluations",
    "declarations",
    "imports",
    "reports",
    "api",
)
# The modules that put routes on an area's blueprint (``views`` defines it): imported only by an
# app that serves pages. Area packages import none of them, so that a command needing only the
# models (``trainer report``) starts without them — 0.4 s of every such start.
ROUTE_MODULES = {
    "attendance": ("views", "certificate_views", "checkin_views", "summary_views"),
    "evaluations": ("views", "manage", "paper", "public"),
    "kits": ("views", "pack_views", "resource_views"),
}


def create_app(overrides: dict[str, Any] | None = None, *, pages: bool = True) -> Flask:
    """Build a configured app. Tests pass ``overrides``; deployments use env vars + instance file.

    ``pages=False``: no blueprint, for commands that read and write data but render no page and
    build no link (``trainer report``).
    """
    instance_path = config_module.default_instance_path()
    app = Flask(
        __name__,
        template_folder=str(config_module.TEMPLATES_DIR),
        instance_path=str(instance_path),
        instance_relative_config=True,
    )
    from trainer.security import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    app.config.from_object(config_module.Defaults)
    app.config.from_pyfile("trainer.cfg", silent=True)
    app.config.update(config_module.from_environment())
    if overrides:
        app.config.update(overrides)
    _finish_config(app)

    from trainer import (  # noqa: F401  (data_version: its engine events)
        data_version,
        database,
        errors,
        models,  # noqa: F401  (every table, for SQLAlchemy and Alembic)
        schema,
        security,
    )
    from trainer.auth import permissions

    db.init_app(app)
    app.cli.add_command(schema.db_commands)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    limiter.init_app(app)
    database.init_app(app)
    app.before_request(_enforce_session_lifetime)  # before the access rules: an expired session is anonymous
    permissions.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    _register_areas(app, pages=pages)
    _register_template_helpers(app)
    from trainer import cli

    cli.register(app)
    return app


def _finish_config(app: Flask) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'trainer.db'}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    from trainer.database import engine_options

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(uri),
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
    if not app.config.get("SECRET_KEY"):
        if app.config["TRAINER_ENV"] == "production":
            raise RuntimeError("SECRET_KEY must be set in production.")
        # Development: a key kept in the instance folder so sessions survive restarts.
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    if app.config["TRAINER_ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")


def _register_areas(app: Flask, *, pages: bool) -> None:
    import importlib

    for area in AREAS:
        try:
            module = importlib.import_module(f"trainer.{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"trainer.{area}":
                raise
            continue
        if pages:
            for name in ROUTE_MODULES.get(area, ("views",)):
                importlib.import_module(f"trainer.{area}.{name}")
            app.register_blueprint(importlib.import_module(f"trainer.{area}.views").bp)
        cli_register = getattr(module, "register_cli", None)
        if cli_register is not None:
            cli_register(app)


def _select_locale() -> str:
    if not has_request_context():  # CLI commands and jobs: messages in French
        return "fr"
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in ("fr", "en"):
        session["lang"] = chosen
        return chosen
    return "fr"


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale
    from flask_babel.speaklater import LazyString

    from trainer.navigation import nav_items

    @app.context_processor
    def _inject() -> dict[str, Any]:
        return {
            "nav_items": nav_items(),
            "current_locale": str(get_locale() or "fr"),
            "has_endpoint": lambda endpoint: endpoint in app.view_functions,
        }

    # Validator messages declared on form classes are lazy strings: templates test errors with
    # ``is string`` (to skip the dicts of nested forms), so a lazy string counts as one.
    app.jinja_env.tests["string"] = lambda value: isinstance(value, str | LazyString)

    # Babel's forms of the visitor's language, with the patterns chosen here: 31/12/2026 and
    # 1 234,5 in French, 31 Dec 2026 and 1,234.5 in English.
    from babel.dates import format_date, format_datetime
    from babel.numbers import format_decimal

    paris = ZoneInfo("Europe/Paris")

    def _locale() -> str:
        return "en" if str(get_locale() or "fr") == "en" else "fr"

    date_patterns = {"fr": "dd/MM/y", "en": "d MMM y"}
    moment_patterns = {"fr": "dd/MM/y 'à' HH:mm", "en": "d MMM y 'at' HH:mm"}

    @app.template_filter("local_date")
    def _local_date(value) -> str:
        return format_date(value, date_patterns[_locale()], locale=_locale()) if value else ""

    @app.template_filter("local_datetime")
    def _local_datetime(value) -> str:
        if not value:
            return ""
        return format_datetime(value, moment_patterns[_locale()], tzinfo=paris, locale=_locale())

    @app.template_filter("local_number")
    def _local_number(value, decimals: int = 0) -> str:
        if value is None or value == "":
            return "—"
        return format_decimal(
            float(value), format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=_locale()
        )


def _enforce_session_lifetime() -> None:
    """Idle timeout on top of the absolute lifetime of the permanent session cookie."""
    if not current_user.is_authenticated:
        return
    now = datetime.now(UTC)
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    seen = session.get("seen_at")
    signed_in = session.get("login_at")
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"]
    expired_absolute = signed_in and now - datetime.fromtimestamp(signed_in, UTC) > absolute
    if expired_absolute or (seen and now - datetime.fromtimestamp(seen, UTC) > idle):
        lang = session.get("lang")
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
        flash(_("Votre session a expiré après une période d'inactivité. Reconnectez-vous."), "info")
        return
    session["seen_at"] = int(now.timestamp())


@login_manager.user_loader
def _load_user(user_id: str):
    from trainer.auth.models import User

    try:
        raw_id, version = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.is_active_account or str(user.session_version) != version:
        return None
    return user
