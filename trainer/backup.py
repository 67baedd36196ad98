"""Consistent database copies: SQLite's online backup API, or pg_dump for PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def backup_database(destination: str | os.PathLike) -> Path:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    target = Path(destination)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump est introuvable : installez le client PostgreSQL.")
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    command = [
        pg_dump,
        "--format=custom",
        "--no-owner",
        f"--file={target}",
        "-h",
        url.host or "localhost",
        "-p",
        str(url.port or 5432),
        "-U",
        url.username or "",
        url.database or "",
    ]
    subprocess.run(command, check=True, env=env)  # noqa: S603  # nosec B603
    return target
