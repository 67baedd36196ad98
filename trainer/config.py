"""Configuration: defaults here, then the instance file, then environment variables."""

import os
from datetime import timedelta
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


def _bundled_or_project(name: str) -> Path:
    """Top-level folders (templates/, migrations/…) live beside the package in a checkout
    and inside it (``trainer/_bundled``) in a built wheel."""
    project = PACKAGE_ROOT.parent / name
    if project.is_dir():
        return project
    return PACKAGE_ROOT / "_bundled" / name


TEMPLATES_DIR = _bundled_or_project("templates")
MIGRATIONS_DIR = _bundled_or_project("migrations")
KITS_DIR = _bundled_or_project("kits")
REPORTS_DIR = _bundled_or_project("reports")


def default_instance_path() -> Path:
    env = os.environ.get("TRAINER_INSTANCE_PATH")
    if env:
        return Path(env).resolve()
    if (PACKAGE_ROOT.parent / "pyproject.toml").is_file():  # a checkout: instance/ at the project root
        return PACKAGE_ROOT.parent / "instance"
    return Path.cwd() / "instance"  # an installed wheel: beside where it is run


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


class Defaults:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled from DATABASE_URL or the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024
    MAX_UPLOAD_MB = 60
    # Files from this size on are read and checked in a second process (see imports/parallel.py).
    IMPORT_PARALLEL_MIN_BYTES = 8 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # absolute lifetime
    SESSION_IDLE_MINUTES = 60
    # Werkzeug's default scrypt (N=2^15) is below the OWASP floor; N=2^17 meets it.
    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"  # noqa: S105  # nosec B105
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_RESET_HOURS = 2
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_RATE_LIMIT = "10 per 5 minutes"
    RESET_RATE_LIMIT = "5 per 15 minutes"
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_SENDER = "Formations VFF <ne-pas-repondre@formations-vff.local>"
    PUBLIC_BASE_URL: str | None = None
    MIN_RESPONSES_SHOWN = 5
    # Report results kept per process under the data version (trainer/reports/cache.py); 0: none.
    REPORT_CACHE_SIZE = 256
    REPORT_CACHE_MAX_ROWS = 2000
    PAGE_CACHE_SIZE = 64  # pages kept under the data version (trainer/versioned_cache.py); 0: none
    TRAINER_ENV = "development"


def from_environment() -> dict:
    """Settings named by the exchange format (DATABASE_URL, SECRET_KEY, SMTP_*)."""
    env = os.environ
    settings: dict = {}
    if env.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(env["DATABASE_URL"])
    if env.get("SECRET_KEY"):
        settings["SECRET_KEY"] = env["SECRET_KEY"]
    if env.get("TRAINER_ENV"):
        settings["TRAINER_ENV"] = env["TRAINER_ENV"]
    for key, target in (
        ("SMTP_HOST", "MAIL_SERVER"),
        ("SMTP_USERNAME", "MAIL_USERNAME"),
        ("SMTP_PASSWORD", "MAIL_PASSWORD"),
        ("MAIL_SENDER", "MAIL_SENDER"),
        ("PUBLIC_BASE_URL", "PUBLIC_BASE_URL"),
        ("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URI"),
    ):
        if env.get(key):
            settings[target] = env[key]
    if env.get("SMTP_PORT"):
        settings["MAIL_PORT"] = int(env["SMTP_PORT"])
    if "SMTP_STARTTLS" in env:
        settings["MAIL_USE_TLS"] = _bool("SMTP_STARTTLS", False)
    if "SMTP_SSL" in env:
        settings["MAIL_USE_SSL"] = _bool("SMTP_SSL", False)
    if "SESSION_COOKIE_SECURE" in env:
        settings["SESSION_COOKIE_SECURE"] = _bool("SESSION_COOKIE_SECURE", False)
    return settings


def normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
