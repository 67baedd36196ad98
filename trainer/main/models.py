"""Platform-wide settings an admin can change."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import Model


class Setting(Model):
    """A named platform setting (e.g. whether public results are published)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text, default="")


class DataVersion(Model):
    """One row whose ``version`` changes in the same transaction as any write to the data.

    ``trainer.data_version`` sets it to a fresh random number when a transaction that wrote
    commits, so a value is never reused: results computed from the data (report figures) can be
    cached under it and are never stale.
    """

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger)
