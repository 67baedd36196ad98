"""Attendance marks per registration and slot, and attendance certificates."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db_types import UTCDateTime, enum_checks, enum_column, now_utc
from trainer.extensions import Model
from trainer.i18n import N_

if TYPE_CHECKING:
    from trainer.auth.models import User
    from trainer.sessions.models import Registration, SessionSlot


class MarkStatus(enum.StrEnum):
    present = "present"
    partial = "partial"
    absent = "absent"
    excused = "excused"

    @property
    def label(self) -> str:
        return _(MARK_STATUS_LABELS[self])


# The French names, also written in audit summaries: plain strings here, translated by
# ``MarkStatus.label`` where they are shown.
MARK_STATUS_LABELS = {
    MarkStatus.present: N_("Présent·e"),
    MarkStatus.partial: N_("Partiellement présent·e"),
    MarkStatus.absent: N_("Absent·e"),
    MarkStatus.excused: N_("Excusé·e"),
}


class MarkMethod(enum.StrEnum):
    grid = "grid"
    self_check_in = "self_check_in"
    import_ = "import"


class AttendanceMark(Model):
    """Whether a registered person attended one slot, how it was recorded and by whom."""

    __tablename__ = "attendance_marks"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "slot_id"),
        sa.CheckConstraint("hours_attended IS NULL OR hours_attended >= 0", name="hours_attended_positive"),
        sa.Index(None, "slot_id", "status"),
        *enum_checks(status=MarkStatus, method=MarkMethod),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("session_slots.id", ondelete="CASCADE"))
    status: Mapped[MarkStatus] = mapped_column(enum_column(MarkStatus))
    hours_attended: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    method: Mapped[MarkMethod] = mapped_column(enum_column(MarkMethod), default=MarkMethod.grid)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    signature_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    signed_name: Mapped[str | None] = mapped_column(sa.String(200))

    registration: Mapped[Registration] = relationship(back_populates="marks")
    slot: Mapped[SessionSlot] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class Certificate(Model):
    """An attendance certificate, verifiable in public by its code."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(sa.Text, default="")

    registration: Mapped[Registration] = relationship(back_populates="certificate")
