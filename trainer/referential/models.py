"""Reference data: professions, sectors, territories, session and referent types.

Codes are stable: they appear in imports, exports and the API, so they are the primary keys.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import Model


class Sector(Model):
    """A professional sector grouping professions (health, justice…)."""

    __tablename__ = "sectors"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)

    professions: Mapped[list[Profession]] = relationship(
        back_populates="sector", order_by="Profession.position"
    )


class Profession(Model):
    """A profession whose members are trained; registrations keep a snapshot of it."""

    __tablename__ = "professions"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(160))
    sector_code: Mapped[str] = mapped_column(sa.ForeignKey("sectors.code"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    sector: Mapped[Sector] = relationship(back_populates="professions")


class ProfessionAlias(Model):
    """A synonym accepted by imports ("Infirmière" → nurse), matched on its normalised form."""

    __tablename__ = "profession_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    alias: Mapped[str] = mapped_column(sa.String(160))
    normalised: Mapped[str] = mapped_column(sa.String(160), unique=True)
    profession_code: Mapped[str] = mapped_column(
        sa.ForeignKey("professions.code", ondelete="CASCADE"), index=True
    )

    profession: Mapped[Profession] = relationship()


class Region(Model):
    """A French region, by its INSEE code."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))

    departments: Mapped[list[Department]] = relationship(back_populates="region", order_by="Department.code")


class Department(Model):
    """A French department, by its INSEE code (``62``, ``2A``, ``971``)."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)

    region: Mapped[Region] = relationship(back_populates="departments")

    @property
    def display_name(self) -> str:
        return f"{self.code} – {self.name}"


class SessionType(Model):
    """How a session trains: trainers, referents, direct training, awareness, conference."""

    __tablename__ = "session_types"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)


class ReferentType(Model):
    """The kind of referent mandate (emergency department, dentist, court…)."""

    __tablename__ = "referent_types"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)
