"""Accounts: creation, passwords, sign-in checks, password reset and session invalidation."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from trainer import audit
from trainer.auth.models import PasswordResetToken, Role, User
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.security import hash_token, new_token
from trainer.text import normalise_email

# Compared against when the account does not exist, so timing does not reveal which e-mails exist.
_DUMMY_HASH = "scrypt:32768:8:1$dummy$" + "0" * 128


class AccountError(Exception):
    """A rule refused the change; ``str(exc)`` is a French message safe to show."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_rules(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise AccountError(
            _(
                "Le mot de passe doit contenir au moins %(minimum)s caractères. "
                "Une phrase de passe facile à retenir convient très bien.",
                minimum=minimum,
            )
        )
    if len(password) > 512:
        raise AccountError(_("Le mot de passe ne peut pas dépasser 512 caractères."))


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    *,
    email: str,
    role: Role,
    password: str | None,
    full_name: str = "",
    scope_region_code: str | None = None,
    scope_department_code: str | None = None,
    person_id: int | None = None,
    actor=None,
) -> User:
    """Create a staff account. Flushes, never commits."""
    email_norm = normalise_email(email)
    if not email_norm:
        raise AccountError(_("L'adresse électronique est obligatoire."))
    if find_user_by_email(email_norm):
        raise AccountError(_("Un compte existe déjà pour %(email)s.", email=email_norm))
    if password is not None:
        check_password_rules(password)
    if role != Role.manager and (scope_region_code or scope_department_code):
        raise AccountError(_("Seul un compte « responsable » peut être limité à un territoire."))
    user = User(
        email=email_norm,
        full_name=full_name.strip(),
        role=role,
        password_hash=hash_password(password) if password else None,
        scope_region_code=scope_region_code or None,
        scope_department_code=scope_department_code or None,
        person_id=person_id,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, actor=actor, summary=f"{email_norm} ({role.value})")
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    if not user.is_active_account:
        return None
    return user


def record_login(user: User) -> None:
    user.last_login_at = now_utc()
    audit.record("user.login", user, actor=user)


def invalidate_sessions(user: User) -> None:
    """Every cookie issued before now stops working (logout, password change, deactivation)."""
    user.session_version = (user.session_version or 0) + 1


def set_password(user: User, password: str, *, actor=None) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)
    invalidate_sessions(user)
    audit.record("user.password", user, actor=actor or user, summary="mot de passe modifié")


def update_user(
    user: User,
    *,
    role: Role,
    full_name: str,
    is_active: bool,
    scope_region_code: str | None,
    scope_department_code: str | None,
    person_id: int | None,
    actor,
) -> None:
    if role != Role.manager and (scope_region_code or scope_department_code):
        raise AccountError(_("Seul un compte « responsable » peut être limité à un territoire."))
    if scope_region_code and scope_department_code:
        raise AccountError(_("Choisissez une région ou un département, pas les deux."))
    if user.id == getattr(actor, "id", None) and (role != Role.admin or not is_active):
        raise AccountError(_("Vous ne pouvez pas retirer vos propres droits d'administration."))
    changes = []
    if user.role != role:
        changes.append(f"rôle {user.role.value} → {role.value}")
    if (user.scope_region_code, user.scope_department_code) != (scope_region_code, scope_department_code):
        changes.append(f"périmètre → {scope_region_code or scope_department_code or 'national'}")
    if user.is_active_account != is_active:
        changes.append("réactivé" if is_active else "désactivé")
    user.role = role
    user.full_name = full_name.strip()
    user.scope_region_code = scope_region_code or None
    user.scope_department_code = scope_department_code or None
    user.person_id = person_id
    if user.is_active_account and not is_active:
        invalidate_sessions(user)
    user.is_active_account = is_active
    audit.record("user.update", user, actor=actor, summary="; ".join(changes) or "profil modifié")


def start_password_reset(email: str) -> tuple[User, str] | None:
    """Create a single-use reset token for an active account; returns (user, raw token)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active_account:
        return None
    raw = new_token()
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(
        PasswordResetToken(
            user=user, token_hash=hash_token(raw), expires_at=now_utc() + timedelta(hours=hours)
        )
    )
    audit.record("user.password_reset_requested", user, actor="réinitialisation")
    return user, raw


def reset_token_user(raw: str) -> PasswordResetToken | None:
    """The unused, unexpired reset token matching ``raw``, or None."""
    token = db.session.scalar(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_token(raw))
    )
    if token is None or token.used_at is not None or token.expires_at < now_utc():
        return None
    return token


def complete_password_reset(raw: str, password: str) -> User:
    token = reset_token_user(raw)
    if token is None:
        raise AccountError(_("Ce lien de réinitialisation n'est plus valable. Demandez-en un nouveau."))
    check_password_rules(password)
    # Conditional update: a second use of the same link, even concurrent, changes nothing.
    used = db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.id == token.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now_utc())
    )
    if used.rowcount != 1:
        raise AccountError(_("Ce lien de réinitialisation a déjà été utilisé."))
    set_password(token.user, password, actor=token.user)
    return token.user
