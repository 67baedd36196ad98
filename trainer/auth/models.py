"""Users, roles, API tokens, password-reset tokens and the audit log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db_types import UTCDateTime, enum_checks, enum_column, now_utc
from trainer.extensions import Model
from trainer.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from trainer.people.models import Person
    from trainer.referential.models import Department, Region


class Role(enum.StrEnum):
    admin = "admin"
    coordinator = "coordinator"
    trainer = "trainer"
    manager = "manager"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.admin: _l("Administrateur·rice"),
    Role.coordinator: _l("Coordinateur·rice"),
    Role.trainer: _l("Formateur·rice"),
    Role.manager: _l("Responsable"),
}


class User(UserMixin, Model):
    """A staff account. Participants never have one."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "scope_region_code IS NULL OR scope_department_code IS NULL", name="one_scope_level"
        ),
        *enum_checks(role=Role),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Bumped at logout, password change and deactivation: older cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    scope_region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    scope_department_code: Mapped[str | None] = mapped_column(sa.ForeignKey("departments.code"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    scope_region: Mapped[Region | None] = relationship()
    scope_department: Mapped[Department | None] = relationship()
    api_tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    def get_id(self) -> str:
        # The version travels in the cookie; the loader refuses stale versions.
        return f"{self.id}:{self.session_version}"

    @property
    def role_label(self) -> str:
        return self.role.label

    def has_role(self, *roles: Role) -> bool:
        return self.role == Role.admin or self.role in roles

    @property
    def is_scoped(self) -> bool:
        return bool(self.scope_region_code or self.scope_department_code)

    @property
    def scope_label(self) -> str:
        if self.scope_department:
            return _("Département %(name)s", name=self.scope_department.display_name)
        if self.scope_region:
            return _("Région %(name)s", name=self.scope_region.name)
        return _("National")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class ApiToken(Model):
    """A bearer token an admin issues to a manager; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="api_tokens")


class PasswordResetToken(Model):
    """A single-use, expiring password-reset link; only its hash is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AuditEntry(Model):
    """Who changed (or read in bulk) what, and when. Never holds passwords or raw tokens."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index(None, "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(254), default="")
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(60))
    object_id: Mapped[str | None] = mapped_column(sa.String(60))
    summary: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped[User | None] = relationship()
