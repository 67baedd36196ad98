"""Import batches: one per imported file, reviewable and undoable."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db_types import UTCDateTime, enum_checks, enum_column, now_utc
from trainer.extensions import Model

if TYPE_CHECKING:
    from trainer.auth.models import User


class ImportTable(enum.StrEnum):
    sessions = "sessions"
    participants = "participants"
    evaluations = "evaluations"
    declarations = "declarations"


class ImportBatch(Model):
    """One imported file: what it was, who imported it, and what it created."""

    __tablename__ = "import_batches"
    __table_args__ = (sa.Index(None, "checksum"), *enum_checks(table=ImportTable))

    id: Mapped[int] = mapped_column(primary_key=True)
    table: Mapped[ImportTable] = mapped_column(enum_column(ImportTable))
    filename: Mapped[str] = mapped_column(sa.String(250))
    checksum: Mapped[str] = mapped_column(sa.String(64))
    row_count: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str] = mapped_column(sa.Text, default="")  # JSON: counts of what was created
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
