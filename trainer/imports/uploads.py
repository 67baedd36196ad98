"""Uploaded files kept between the preview and the confirmation of an import.

Each upload is stored under a random name in ``<instance>/uploads/imports/`` with a JSON note
(who, which table, original name, the preview). The browser only ever sends back the random
token, checked against a strict pattern and against the note's owner: never a path.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from werkzeug.datastructures import FileStorage

TOKEN = re.compile(r"[0-9a-f]{32}")
KEEP_SECONDS = 24 * 3600


@dataclass
class PendingUpload:
    """An uploaded file waiting for confirmation, and what its preview found."""

    token: str
    user_id: int
    table: str
    filename: str
    session_reference: str | None = None
    preview: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return folder() / f"{self.token}.upload"

    def save_note(self) -> None:
        (folder() / f"{self.token}.json").write_text(json.dumps(asdict(self), ensure_ascii=False), "utf-8")

    def discard(self) -> None:
        for suffix in (".upload", ".json"):
            (folder() / f"{self.token}{suffix}").unlink(missing_ok=True)


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(upload: FileStorage, *, user_id: int, table: str, session_reference: str | None) -> PendingUpload:
    """Save an uploaded file under a generated name; old abandoned uploads are removed."""
    _remove_stale()
    token = secrets.token_hex(16)
    filename = Path(upload.filename or "fichier").name[:250] or "fichier"
    pending = PendingUpload(token, user_id, table, filename, session_reference)
    upload.save(pending.path)
    pending.save_note()
    return pending


def load(token: str, user_id: int) -> PendingUpload | None:
    """The pending upload of this user with this token, or ``None``."""
    if not TOKEN.fullmatch(token or ""):
        return None
    note = folder() / f"{token}.json"
    try:
        data = json.loads(note.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    pending = PendingUpload(**data)
    if pending.user_id != user_id or not pending.path.is_file():
        return None
    return pending


def _remove_stale() -> None:
    limit = time.time() - KEEP_SECONDS
    for path in folder().glob("*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue
