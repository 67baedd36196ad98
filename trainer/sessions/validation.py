"""Scheduling rules checked before a session is stored: slots and dates, capacity, references,
trainers' availability. Every refusal is a French message that says what to fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from trainer.extensions import db
from trainer.people.models import Person
from trainer.sessions.models import (
    Registration,
    RegistrationStatus,
    SessionMode,
    SessionSlot,
    SessionStatus,
    TrainingSession,
    session_trainers,
)

# Statuses a coordinator sets in the form; cancelling and closing are actions of their own.
EDITABLE_STATUSES = (SessionStatus.draft, SessionStatus.open, SessionStatus.full, SessionStatus.held)


class SessionError(Exception):
    """A scheduling rule refused the change; every message is safe to show to the user."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


@dataclass
class SlotInput:
    """One slot as typed in the form (``id`` set for a slot that already exists)."""

    on: date
    starts_at: time
    ends_at: time
    id: int | None = None

    @property
    def hours(self) -> Decimal:
        minutes = (self.ends_at.hour * 60 + self.ends_at.minute) - (
            self.starts_at.hour * 60 + self.starts_at.minute
        )
        return Decimal(minutes) / 60


@dataclass
class SessionInput:
    """Everything a coordinator sets on a session (product.md §2)."""

    title: str
    session_type_code: str
    slots: list[SlotInput] = field(default_factory=list)
    reference: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    hours: Decimal | None = None  # None: the sum of the slots
    mode: SessionMode = SessionMode.in_person
    venue: str = ""
    city: str = ""
    department_code: str | None = None
    organisation_id: int | None = None
    capacity: int | None = None
    status: SessionStatus = SessionStatus.draft
    completion_threshold: Decimal = Decimal(1)
    self_registration_open: bool = False
    description: str = ""
    kit_ids: list[int] = field(default_factory=list)
    audience_codes: list[str] = field(default_factory=list)  # first = main audience
    trainer_ids: list[int] = field(default_factory=list)


def format_day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def format_time(value: time) -> str:
    return value.strftime("%H:%M")


def registered_count(session_id: int) -> int:
    """Seats taken: registrations with status ``registered``."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.session_id == session_id, Registration.status == RegistrationStatus.registered)
    )


def _check_slots(data: SessionInput, errors: list[str]) -> list[SlotInput]:
    slots = sorted(data.slots, key=lambda s: (s.on, s.starts_at))
    for slot in slots:
        if slot.ends_at <= slot.starts_at:
            errors.append(
                _(
                    "Créneau du %(day)s : l'heure de fin (%(ends)s) doit être après l'heure de début (%(starts)s).",
                    day=format_day(slot.on),
                    ends=format_time(slot.ends_at),
                    starts=format_time(slot.starts_at),
                )
            )
    for previous, current in zip(slots, slots[1:], strict=False):
        if previous.on == current.on and current.starts_at < previous.ends_at:
            errors.append(
                _(
                    "Deux créneaux se chevauchent le %(day)s (%(first)s et %(second)s).",
                    day=format_day(current.on),
                    first=f"{format_time(previous.starts_at)}–{format_time(previous.ends_at)}",
                    second=f"{format_time(current.starts_at)}–{format_time(current.ends_at)}",
                )
            )
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors.append(_("La date de fin doit être postérieure ou égale à la date de début."))
    elif data.starts_on or data.ends_on:
        low, high = data.starts_on or date.min, data.ends_on or data.starts_on or date.max
        for slot in slots:
            if not low <= slot.on <= high:
                errors.append(
                    _(
                        "Le créneau du %(day)s est en dehors des dates de la session (du %(low)s au %(high)s) : "
                        "corrigez la date du créneau ou les dates de la session.",
                        day=format_day(slot.on),
                        low=format_day(low),
                        high=format_day(high),
                    )
                )
    if not slots and not data.starts_on:
        errors.append(
            _(
                "Ajoutez au moins un créneau (date, heure de début, heure de fin) ou indiquez la date de début."
            )
        )
    return slots


def _check_trainers(
    data: SessionInput, slots: list[SlotInput], exclude_id: int | None, errors: list[str]
) -> None:
    if not data.trainer_ids:
        return
    people = {
        person.id: person
        for person in db.session.scalars(
            sa.select(Person)
            .where(Person.id.in_(data.trainer_ids))
            .options(selectinload(Person.trainer_profile))
        )
    }
    for trainer_id in data.trainer_ids:
        person = people.get(trainer_id)
        if person is None or person.trainer_profile is None:
            errors.append(
                _("Choisissez les formateur·rices parmi les personnes qui ont une fiche formateur·rice.")
            )
            return
    if not slots:
        return
    query = (
        sa.select(
            session_trainers.c.person_id,
            SessionSlot.on,
            SessionSlot.starts_at,
            SessionSlot.ends_at,
            TrainingSession.title,
            TrainingSession.reference,
        )
        .join(TrainingSession, TrainingSession.id == SessionSlot.session_id)
        .join(session_trainers, session_trainers.c.session_id == TrainingSession.id)
        .where(
            session_trainers.c.person_id.in_(data.trainer_ids),
            SessionSlot.on.in_({slot.on for slot in slots}),
            TrainingSession.status != SessionStatus.cancelled,
        )
        .order_by(SessionSlot.on, SessionSlot.starts_at, TrainingSession.reference)
    )
    if exclude_id is not None:
        query = query.where(TrainingSession.id != exclude_id)
    reported: set[tuple[int, str]] = set()
    for person_id, on, starts_at, ends_at, title, reference in db.session.execute(query):
        for slot in slots:
            if slot.on == on and slot.starts_at < ends_at and starts_at < slot.ends_at:
                if (person_id, reference) in reported:
                    break
                reported.add((person_id, reference))
                errors.append(
                    _(
                        "%(name)s anime déjà la session « %(title)s » (%(reference)s) le %(day)s de %(starts)s "
                        "à %(ends)s : choisissez un autre créneau ou une autre personne.",
                        name=people[person_id].full_name,
                        title=title,
                        reference=reference,
                        day=format_day(on),
                        starts=format_time(starts_at),
                        ends=format_time(ends_at),
                    )
                )
                break


def validate_session(data: SessionInput, existing: TrainingSession | None) -> list[SlotInput]:
    """Every rule at once; raises ``SessionError`` with all the messages, or returns the sorted slots."""
    errors: list[str] = []
    if existing is not None and existing.status == SessionStatus.closed:
        raise SessionError(
            _("La session est clôturée : rouvrez-la depuis la page de présence avant de la modifier.")
        )
    allowed = set(EDITABLE_STATUSES) | ({existing.status} if existing is not None else set())
    if data.status not in allowed:
        errors.append(
            _("Ce statut ne se choisit pas ici : utilisez le bouton « Annuler la session » ou la clôture.")
        )
    slots = _check_slots(data, errors)
    if data.capacity is not None and not 1 <= data.capacity <= 10000:
        errors.append(_("La capacité doit être comprise entre 1 et 10 000 places."))
    elif existing is not None and data.capacity is not None:
        taken = registered_count(existing.id)
        if data.capacity < taken:
            errors.append(
                _(
                    "La capacité (%(capacity)s) est inférieure au nombre de personnes inscrites (%(taken)s) : "
                    "augmentez-la ou annulez d'abord des inscriptions.",
                    capacity=data.capacity,
                    taken=taken,
                )
            )
    hours = data.hours if data.hours is not None else None
    if hours is not None and not Decimal(0) < hours <= 1000:
        errors.append(_("La durée doit être comprise entre 0 et 1 000 heures."))
    if not Decimal(0) < data.completion_threshold <= 1:
        errors.append(
            _(
                "Le seuil de complétion doit être compris entre %(min)s et %(max)s des créneaux.",
                min="1 %",
                max="100 %",
            )
        )
    if data.reference:
        other = db.session.scalar(
            sa.select(TrainingSession).where(TrainingSession.reference == data.reference)
        )
        if other is not None and (existing is None or other.id != existing.id):
            errors.append(
                _(
                    "La référence %(reference)s est déjà utilisée par la session « %(title)s ».",
                    reference=data.reference,
                    title=other.title,
                )
            )
    _check_trainers(data, slots, existing.id if existing is not None else None, errors)
    if errors:
        raise SessionError(*errors)
    return slots
