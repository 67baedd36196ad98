"""API tokens: issued by an admin to a manager, stored hashed, revocable, scoped like the account."""

from __future__ import annotations

import sqlalchemy as sa

from trainer import audit
from trainer.auth.models import ApiToken, Role, User
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.security import hash_token, new_token

TOKEN_ROLES = (Role.manager,)


class ApiTokenError(Exception):
    """The token cannot be issued or revoked as asked; the message is safe to show (French)."""


def issue_token(*, user: User, name: str, actor) -> tuple[ApiToken, str]:
    """Create a token for a manager; returns it with the raw value, shown once and never stored."""
    if user.role not in TOKEN_ROLES:
        raise ApiTokenError("Un jeton d'API ne peut être délivré qu'à un compte « responsable ».")
    if not user.is_active_account:
        raise ApiTokenError("Ce compte est désactivé.")
    name = " ".join((name or "").split())[:120]
    if not name:
        raise ApiTokenError("Donnez un nom au jeton (par exemple « Observatoire régional »).")
    raw = new_token()
    token = ApiToken(user=user, name=name, token_hash=hash_token(raw), prefix=raw[:8])
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.issue", token, actor=actor, summary=f"jeton « {name} » pour {user.email}")
    return token, raw


def revoke_token(token: ApiToken, *, actor) -> None:
    if token.revoked_at is None:
        token.revoked_at = now_utc()
        audit.record(
            "api_token.revoke", token, actor=actor, summary=f"jeton « {token.name} » de {token.user.email}"
        )
    db.session.flush()


def authenticate(header: str | None) -> User | None:
    """The account behind ``Authorization: Bearer <token>``; ``None`` if missing, unknown or revoked.

    Marks the token as used (the caller commits).
    """
    if not header:
        return None
    scheme, _, raw = header.strip().partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw or len(raw) > 200:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None:
        return None
    user = token.user
    if not user.is_active_account or user.role not in TOKEN_ROLES:
        return None
    token.last_used_at = now_utc()
    return user
