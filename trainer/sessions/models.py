"""Training sessions, their slots, trainers and audiences, and registrations."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db_types import UTCDateTime, enum_checks, enum_column, now_utc, year_of
from trainer.extensions import Model
from trainer.i18n import N_
from trainer.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from trainer.attendance.models import AttendanceMark, Certificate
    from trainer.kits.models import Kit
    from trainer.people.models import Organisation, Person
    from trainer.referential.models import Department, Profession, ReferentType, SessionType


class SessionStatus(enum.StrEnum):
    draft = "draft"
    open = "open"
    full = "full"
    held = "held"
    cancelled = "cancelled"
    closed = "closed"

    @property
    def label(self) -> str:
        return _(SESSION_STATUS_LABELS[self])


# The French names, also read as data (the exchange format's vocabulary, see trainer/imports):
# plain strings here, translated by ``SessionStatus.label`` where they are shown.
SESSION_STATUS_LABELS = {
    SessionStatus.draft: N_("Brouillon"),
    SessionStatus.open: N_("Ouverte"),
    SessionStatus.full: N_("Complète"),
    SessionStatus.held: N_("Réalisée"),
    SessionStatus.cancelled: N_("Annulée"),
    SessionStatus.closed: N_("Clôturée"),
}
HELD_STATUSES = (SessionStatus.held, SessionStatus.closed)


class SessionMode(enum.StrEnum):
    in_person = "in_person"
    remote = "remote"
    blended = "blended"

    @property
    def label(self) -> str:
        return str(SESSION_MODE_LABELS[self])


SESSION_MODE_LABELS = {
    SessionMode.in_person: _l("Présentiel"),
    SessionMode.remote: _l("Distanciel"),
    SessionMode.blended: _l("Mixte"),
}


session_kits = sa.Table(
    "session_kits",
    Model.metadata,
    sa.Column("session_id", sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kit_id", sa.ForeignKey("kits.id", ondelete="RESTRICT"), primary_key=True, index=True),
)

session_trainers = sa.Table(
    "session_trainers",
    Model.metadata,
    sa.Column("session_id", sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class TrainingSession(Model):
    """One scheduled training (not an HTTP or database session)."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity BETWEEN 1 AND 10000", name="capacity_range"),
        sa.CheckConstraint("hours IS NULL OR (hours > 0 AND hours <= 1000)", name="hours_range"),
        sa.CheckConstraint(
            "completion_threshold > 0 AND completion_threshold <= 1", name="completion_threshold_range"
        ),
        sa.Index(None, "starts_on", "department_code"),
        sa.Index(None, "department_code", "starts_on"),
        sa.Index(None, "status", "starts_on"),
        *enum_checks(mode=SessionMode, status=SessionStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(60), unique=True)
    title: Mapped[str] = mapped_column(sa.String(250))
    session_type_code: Mapped[str] = mapped_column(sa.ForeignKey("session_types.code"), index=True)
    # The first slot's date (or the imported start date): every report filters on it.
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    mode: Mapped[SessionMode] = mapped_column(enum_column(SessionMode), default=SessionMode.in_person)
    venue: Mapped[str] = mapped_column(sa.String(250), default="")
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    department_code: Mapped[str | None] = mapped_column(sa.ForeignKey("departments.code"))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    capacity: Mapped[int | None]
    status: Mapped[SessionStatus] = mapped_column(enum_column(SessionStatus), default=SessionStatus.draft)
    # Share of slots an attendee must attend to count as trained (1 = all slots).
    completion_threshold: Mapped[Decimal] = mapped_column(sa.Numeric(4, 3), default=Decimal(1))
    self_registration_open: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    import_batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )

    session_type: Mapped[SessionType] = relationship()
    department: Mapped[Department | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    kits: Mapped[list[Kit]] = relationship(secondary=session_kits, order_by="Kit.title")
    trainers: Mapped[list[Person]] = relationship(secondary=session_trainers, order_by="Person.last_name")
    audiences: Mapped[list[SessionAudience]] = relationship(
        back_populates="training_session", cascade="all, delete-orphan", order_by="SessionAudience.position"
    )
    slots: Mapped[list[SessionSlot]] = relationship(
        back_populates="training_session",
        cascade="all, delete-orphan",
        order_by="(SessionSlot.on, SessionSlot.starts_at)",
    )
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="training_session", cascade="all, delete-orphan"
    )

    @property
    def target_professions(self) -> list[Profession]:
        return [audience.profession for audience in self.audiences]

    def __repr__(self) -> str:
        return f"<TrainingSession {self.reference}>"


# "Per year" reports group sessions by this very expression: read in index order, no sort.
sa.Index("ix_training_sessions_start_year", year_of(TrainingSession.starts_on))


class SessionAudience(Model):
    """A target profession of a session; position 0 is the main audience."""

    __tablename__ = "session_audiences"
    __table_args__ = (sa.Index(None, "position", "profession_code"),)

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    profession_code: Mapped[str] = mapped_column(sa.ForeignKey("professions.code"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    training_session: Mapped[TrainingSession] = relationship(back_populates="audiences")
    profession: Mapped[Profession] = relationship()


class SessionSlot(Model):
    """A half-day or day of a session."""

    __tablename__ = "session_slots"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.UniqueConstraint("session_id", "on", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(sa.Date, index=True)
    starts_at: Mapped[time] = mapped_column(sa.Time)
    ends_at: Mapped[time] = mapped_column(sa.Time)

    training_session: Mapped[TrainingSession] = relationship(back_populates="slots")

    @property
    def hours(self) -> Decimal:
        minutes = (self.ends_at.hour * 60 + self.ends_at.minute) - (
            self.starts_at.hour * 60 + self.starts_at.minute
        )
        return Decimal(minutes) / 60


class RegistrationStatus(enum.StrEnum):
    registered = "registered"
    waiting_list = "waiting_list"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        return str(REGISTRATION_STATUS_LABELS[self])


REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.registered: _l("Inscrit·e"),
    RegistrationStatus.waiting_list: _l("Liste d'attente"),
    RegistrationStatus.cancelled: _l("Annulée"),
}


class RegistrationSource(enum.StrEnum):
    staff = "staff"
    import_ = "import"
    self_ = "self"


class Registration(Model):
    """A person in a session, with what was true of them when they registered."""

    __tablename__ = "registrations"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "person_id"),
        # Covering index for "distinct persons trained per profession".
        sa.Index(None, "completed", "profession_code", "person_id", "session_id"),
        # Covering index for per-session counts (session log, per kit, per trainer, per year).
        sa.Index(None, "session_id", "completed", "person_id", "status"),
        # Ordered by person: "distinct persons trained" is read off it without a sort.
        sa.Index(None, "person_id", "completed"),
        *enum_checks(status=RegistrationStatus, source=RegistrationSource),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="RESTRICT"))
    profession_code: Mapped[str | None] = mapped_column(sa.ForeignKey("professions.code"))
    employer_name: Mapped[str] = mapped_column(sa.String(200), default="")
    department_code: Mapped[str | None] = mapped_column(sa.ForeignKey("departments.code"))
    referent_type_code: Mapped[str | None] = mapped_column(sa.ForeignKey("referent_types.code"))
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus), default=RegistrationStatus.registered
    )
    source: Mapped[RegistrationSource] = mapped_column(
        enum_column(RegistrationSource), default=RegistrationSource.staff
    )
    # Imported history without slots says whether the attendee completed.
    present: Mapped[bool | None]
    # Kept in step with attendance marks and the session threshold by the attendance service.
    completed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    import_batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )

    training_session: Mapped[TrainingSession] = relationship(back_populates="registrations")
    person: Mapped[Person] = relationship()
    profession: Mapped[Profession | None] = relationship()
    department: Mapped[Department | None] = relationship()
    referent_type: Mapped[ReferentType | None] = relationship()
    marks: Mapped[list[AttendanceMark]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )
    certificate: Mapped[Certificate | None] = relationship(back_populates="registration", uselist=False)
