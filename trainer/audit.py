"""The audit log: one call records who did what to which record."""

from __future__ import annotations

from typing import Any

from trainer.auth.models import AuditEntry
from trainer.extensions import db


def _clean(text: str) -> str:
    # A CR/LF in a name must not forge a log line, here or in any log file.
    return " ".join(str(text).split())


def record(
    action: str,
    obj: Any = None,
    *,
    actor: Any = None,
    summary: str = "",
    object_type: str | None = None,
    object_id: Any = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    if obj is not None:
        object_type = object_type or type(obj).__tablename__
        object_id = (
            object_id if object_id is not None else getattr(obj, "id", None) or getattr(obj, "code", None)
        )
    user_id = (
        getattr(actor, "id", None)
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None
    )
    label = getattr(actor, "email", "") if user_id else (actor if isinstance(actor, str) else "système")
    entry = AuditEntry(
        user_id=user_id,
        actor_label=_clean(label)[:254],
        action=action,
        object_type=object_type or "",
        object_id=None if object_id is None else str(object_id),
        summary=_clean(summary)[:2000],
    )
    db.session.add(entry)
    return entry
