"""Trainings delivered outside the platform (the cascade), declared with head-counts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db_types import UTCDateTime, now_utc
from trainer.extensions import Model

if TYPE_CHECKING:
    from trainer.auth.models import User
    from trainer.kits.models import Kit
    from trainer.people.models import Organisation, Person
    from trainer.referential.models import Department, Profession


class DeclaredTraining(Model):
    """A training delivered by a trained trainer or a partner, without names of attendees."""

    __tablename__ = "declared_trainings"
    __table_args__ = (
        sa.CheckConstraint("hours IS NULL OR (hours > 0 AND hours <= 1000)", name="hours_range"),
        sa.Index(None, "held_on", "department_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(sa.Date)
    kit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kits.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    department_code: Mapped[str | None] = mapped_column(sa.ForeignKey("departments.code"))
    hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    title: Mapped[str] = mapped_column(sa.String(250), default="")
    # The trained trainer who delivered it, when known: feeds trainers-activity.
    trainer_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    import_batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )

    kit: Mapped[Kit | None] = relationship()
    organisation: Mapped[Organisation] = relationship()
    department: Mapped[Department | None] = relationship()
    trainer: Mapped[Person | None] = relationship()
    declared_by: Mapped[User | None] = relationship()
    headcounts: Mapped[list[DeclaredHeadcount]] = relationship(
        back_populates="declared_training", cascade="all, delete-orphan"
    )

    @property
    def total_headcount(self) -> int:
        return sum(h.headcount for h in self.headcounts)


class DeclaredHeadcount(Model):
    """How many professionals of one profession a declared training reached."""

    __tablename__ = "declared_headcounts"
    __table_args__ = (
        sa.UniqueConstraint("declared_training_id", "profession_code"),
        sa.CheckConstraint("headcount > 0", name="positive_headcount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    declared_training_id: Mapped[int] = mapped_column(
        sa.ForeignKey("declared_trainings.id", ondelete="CASCADE")
    )
    profession_code: Mapped[str] = mapped_column(sa.ForeignKey("professions.code"), index=True)
    headcount: Mapped[int]

    declared_training: Mapped[DeclaredTraining] = relationship(back_populates="headcounts")
    profession: Mapped[Profession] = relationship()
