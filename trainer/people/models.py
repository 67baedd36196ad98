"""The person registry (attendees, trainers, referents) and organisations."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db_types import UTCDateTime, enum_checks, enum_column, now_utc
from trainer.extensions import Model
from trainer.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from trainer.kits.models import Kit
    from trainer.referential.models import Department, Profession, ReferentType
    from trainer.sessions.models import TrainingSession


class OrganisationKind(enum.StrEnum):
    training_body = "training_body"
    hospital = "hospital"
    public_service = "public_service"
    local_authority = "local_authority"
    association = "association"
    professional_order = "professional_order"
    company = "company"
    other = "other"


ORGANISATION_KIND_LABELS = {
    OrganisationKind.training_body: _l("Organisme de formation"),
    OrganisationKind.hospital: _l("Établissement de santé"),
    OrganisationKind.public_service: _l("Service de l'État"),
    OrganisationKind.local_authority: _l("Collectivité territoriale"),
    OrganisationKind.association: _l("Association"),
    OrganisationKind.professional_order: _l("Ordre professionnel"),
    OrganisationKind.company: _l("Entreprise"),
    OrganisationKind.other: _l("Autre"),
}


class Organisation(Model):
    """A partner, employer or training body (CNFPT, a hospital, a professional order…)."""

    __tablename__ = "organisations"
    __table_args__ = enum_checks(kind=OrganisationKind)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # Lower-cased, accent-free name: imports match organisations on it.
    normalised_name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind), default=OrganisationKind.other
    )
    department_code: Mapped[str | None] = mapped_column(sa.ForeignKey("departments.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    department: Mapped[Department | None] = relationship()

    @property
    def kind_label(self) -> str:
        return str(ORGANISATION_KIND_LABELS[self.kind])


class Person(Model):
    """A professional: attendee, trainer or referent. One registry for all of them."""

    __tablename__ = "people"
    __table_args__ = (sa.Index(None, "normalised_last_name", "normalised_first_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    last_name: Mapped[str] = mapped_column(sa.String(120))
    first_name: Mapped[str] = mapped_column(sa.String(120))
    normalised_last_name: Mapped[str] = mapped_column(sa.String(120))
    normalised_first_name: Mapped[str] = mapped_column(sa.String(120))
    # Stored lower-cased so that uniqueness is case-insensitive on every backend.
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    # Current profession and department: reports count the registration's snapshot instead, and the
    # registry lists persons in name order, so neither needs an index (each one slowed imports).
    profession_code: Mapped[str | None] = mapped_column(sa.ForeignKey("professions.code"))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    department_code: Mapped[str | None] = mapped_column(sa.ForeignKey("departments.code"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    profession: Mapped[Profession | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    department: Mapped[Department | None] = relationship()
    trainer_profile: Mapped[TrainerProfile | None] = relationship(back_populates="person", uselist=False)
    referent_mandates: Mapped[list[ReferentMandate]] = relationship(
        back_populates="person", order_by="ReferentMandate.starts_on"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def sortable_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


trainer_kits = sa.Table(
    "trainer_kits",
    Model.metadata,
    sa.Column("trainer_id", sa.ForeignKey("trainer_profiles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kit_id", sa.ForeignKey("kits.id", ondelete="CASCADE"), primary_key=True),
)


class TrainerProfile(Model):
    """A person who delivers sessions, the kits they may deliver and what qualified them."""

    __tablename__ = "trainer_profiles"
    __table_args__ = (
        sa.CheckConstraint(
            "expires_on IS NULL OR qualified_on IS NULL OR expires_on >= qualified_on",
            name="expiry_after_qualification",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    # The train-the-trainer session that qualified them: this links the cascade.
    qualifying_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="SET NULL"), index=True
    )
    qualified_on: Mapped[date | None] = mapped_column(sa.Date)
    expires_on: Mapped[date | None] = mapped_column(sa.Date)
    renewal_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_active: Mapped[bool] = mapped_column(default=True)

    person: Mapped[Person] = relationship(back_populates="trainer_profile")
    kits: Mapped[list[Kit]] = relationship(secondary=trainer_kits, order_by="Kit.title")
    qualifying_session: Mapped[TrainingSession | None] = relationship(foreign_keys=[qualifying_session_id])


class ReferentMandate(Model):
    """A person's term as referent for an establishment, and the training that prepared them."""

    __tablename__ = "referent_mandates"
    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        sa.Index(None, "department_code", "referent_type_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    referent_type_code: Mapped[str] = mapped_column(sa.ForeignKey("referent_types.code"))
    establishment: Mapped[str] = mapped_column(sa.String(200))
    department_code: Mapped[str | None] = mapped_column(sa.ForeignKey("departments.code"))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    training_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="SET NULL"), index=True
    )

    person: Mapped[Person] = relationship(back_populates="referent_mandates")
    referent_type: Mapped[ReferentType] = relationship()
    department: Mapped[Department | None] = relationship()
    training_session: Mapped[TrainingSession | None] = relationship()
