"""Scheduling rules: create, edit, duplicate and cancel training sessions.

Every function takes the actor explicitly, flushes but never commits, and raises ``SessionError``
with French, user-safe messages when a rule refuses the change.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from trainer import audit
from trainer.attendance.completion import recompute_completion
from trainer.attendance.models import AttendanceMark
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.kits.models import Kit
from trainer.people.models import Person, TrainerProfile
from trainer.sessions.models import (
    Registration,
    RegistrationStatus,
    SessionAudience,
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


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _hm(value: time) -> str:
    return value.strftime("%H:%M")


def registered_count(session_id: int) -> int:
    """Seats taken: registrations with status ``registered``."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.session_id == session_id, Registration.status == RegistrationStatus.registered)
    )


def generate_reference(starts_on: date, department_code: str | None) -> str:
    """A free reference like ``2026-62-0042`` (year, department, sequence)."""
    prefix = f"{starts_on.year}-{department_code or '00'}-"
    taken = db.session.scalar(
        sa.select(sa.func.count()).where(TrainingSession.reference.startswith(prefix, autoescape=True))
    )
    number = taken + 1
    while db.session.scalar(
        sa.select(TrainingSession.id).where(TrainingSession.reference == f"{prefix}{number:04d}")
    ):
        number += 1
    return f"{prefix}{number:04d}"


def _check_slots(data: SessionInput, errors: list[str]) -> list[SlotInput]:
    slots = sorted(data.slots, key=lambda s: (s.on, s.starts_at))
    for slot in slots:
        if slot.ends_at <= slot.starts_at:
            errors.append(
                f"Créneau du {_fmt(slot.on)} : l'heure de fin ({_hm(slot.ends_at)}) doit être après "
                f"l'heure de début ({_hm(slot.starts_at)})."
            )
    for previous, current in zip(slots, slots[1:], strict=False):
        if previous.on == current.on and current.starts_at < previous.ends_at:
            errors.append(
                f"Deux créneaux se chevauchent le {_fmt(current.on)} "
                f"({_hm(previous.starts_at)}–{_hm(previous.ends_at)} et "
                f"{_hm(current.starts_at)}–{_hm(current.ends_at)})."
            )
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors.append("La date de fin doit être postérieure ou égale à la date de début.")
    elif data.starts_on or data.ends_on:
        low, high = data.starts_on or date.min, data.ends_on or data.starts_on or date.max
        for slot in slots:
            if not low <= slot.on <= high:
                errors.append(
                    f"Le créneau du {_fmt(slot.on)} est en dehors des dates de la session "
                    f"(du {_fmt(low)} au {_fmt(high)}) : corrigez la date du créneau ou les dates de la session."
                )
    if not slots and not data.starts_on:
        errors.append(
            "Ajoutez au moins un créneau (date, heure de début, heure de fin) ou indiquez la date de début."
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
            sa.select(Person).where(Person.id.in_(data.trainer_ids)).outerjoin(TrainerProfile)
        )
    }
    for trainer_id in data.trainer_ids:
        person = people.get(trainer_id)
        if person is None or person.trainer_profile is None:
            errors.append(
                "Choisissez les formateur·rices parmi les personnes qui ont une fiche formateur·rice."
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
                    f"{people[person_id].full_name} anime déjà la session « {title} » ({reference}) "
                    f"le {_fmt(on)} de {_hm(starts_at)} à {_hm(ends_at)} : choisissez un autre créneau "
                    "ou une autre personne."
                )
                break


def _validate(data: SessionInput, existing: TrainingSession | None) -> list[SlotInput]:
    errors: list[str] = []
    if existing is not None and existing.status == SessionStatus.closed:
        raise SessionError(
            "La session est clôturée : rouvrez-la depuis la page de présence avant de la modifier."
        )
    allowed = set(EDITABLE_STATUSES) | ({existing.status} if existing is not None else set())
    if data.status not in allowed:
        errors.append(
            "Ce statut ne se choisit pas ici : utilisez le bouton « Annuler la session » ou la clôture."
        )
    slots = _check_slots(data, errors)
    if data.capacity is not None and not 1 <= data.capacity <= 10000:
        errors.append("La capacité doit être comprise entre 1 et 10 000 places.")
    elif existing is not None and data.capacity is not None:
        taken = registered_count(existing.id)
        if data.capacity < taken:
            errors.append(
                f"La capacité ({data.capacity}) est inférieure au nombre de personnes inscrites ({taken}) : "
                "augmentez-la ou annulez d'abord des inscriptions."
            )
    hours = data.hours if data.hours is not None else None
    if hours is not None and not Decimal(0) < hours <= 1000:
        errors.append("La durée doit être comprise entre 0 et 1 000 heures.")
    if not Decimal(0) < data.completion_threshold <= 1:
        errors.append("Le seuil de complétion doit être compris entre 1 % et 100 % des créneaux.")
    if data.reference:
        other = db.session.scalar(
            sa.select(TrainingSession).where(TrainingSession.reference == data.reference)
        )
        if other is not None and (existing is None or other.id != existing.id):
            errors.append(
                f"La référence {data.reference} est déjà utilisée par la session « {other.title} »."
            )
    _check_trainers(data, slots, existing.id if existing is not None else None, errors)
    if errors:
        raise SessionError(*errors)
    return slots


def _apply(training_session: TrainingSession, data: SessionInput, slots: list[SlotInput]) -> None:
    training_session.title = data.title.strip()
    training_session.session_type_code = data.session_type_code
    training_session.starts_on = slots[0].on if slots else data.starts_on
    training_session.ends_on = slots[-1].on if slots else (data.ends_on or data.starts_on)
    computed = sum((slot.hours for slot in slots), Decimal(0)) or None
    training_session.hours = data.hours if data.hours is not None else computed
    training_session.mode = data.mode
    training_session.venue = data.venue.strip()
    training_session.city = data.city.strip()
    training_session.department_code = data.department_code or None
    training_session.organisation_id = data.organisation_id
    training_session.capacity = data.capacity
    training_session.status = data.status
    training_session.completion_threshold = data.completion_threshold
    training_session.self_registration_open = data.self_registration_open
    training_session.description = data.description.strip()
    training_session.kits = (
        list(db.session.scalars(sa.select(Kit).where(Kit.id.in_(data.kit_ids)))) if data.kit_ids else []
    )
    training_session.trainers = (
        list(db.session.scalars(sa.select(Person).where(Person.id.in_(data.trainer_ids))))
        if data.trainer_ids
        else []
    )
    _apply_audiences(training_session, data.audience_codes)


def _apply_audiences(training_session: TrainingSession, codes: list[str]) -> None:
    # Update in place: the key is (session, profession), so re-adding a code must reuse its row.
    codes = list(dict.fromkeys(code for code in codes if code))
    existing = {audience.profession_code: audience for audience in training_session.audiences}
    kept = []
    for position, code in enumerate(codes):
        audience = existing.get(code) or SessionAudience(profession_code=code)
        audience.position = position
        kept.append(audience)
    training_session.audiences = kept


def _apply_slots(training_session: TrainingSession, slots: list[SlotInput]) -> None:
    current = {slot.id: slot for slot in training_session.slots}
    wanted_ids = {slot.id for slot in slots if slot.id in current}
    removed = [slot for slot_id, slot in current.items() if slot_id not in wanted_ids]
    if removed:
        marked = db.session.scalars(
            sa.select(SessionSlot)
            .where(SessionSlot.id.in_([s.id for s in removed]))
            .where(sa.exists().where(AttendanceMark.slot_id == SessionSlot.id))
        ).all()
        if marked:
            slot = marked[0]
            raise SessionError(
                f"Le créneau du {_fmt(slot.on)} ({_hm(slot.starts_at)}–{_hm(slot.ends_at)}) a déjà des "
                "présences saisies : il ne peut pas être supprimé."
            )
    result = []
    for slot in slots:
        row = current.get(slot.id) if slot.id is not None else None
        if row is None:
            row = SessionSlot(on=slot.on, starts_at=slot.starts_at, ends_at=slot.ends_at)
        else:
            row.on, row.starts_at, row.ends_at = slot.on, slot.starts_at, slot.ends_at
        result.append(row)
    training_session.slots = result


def create_session(data: SessionInput, *, actor) -> TrainingSession:
    """Create a session with its slots, kits, audiences and trainers (reference generated if blank)."""
    data = replace(data, reference=(data.reference or "").strip() or None)
    slots = _validate(data, None)
    training_session = TrainingSession()
    _apply(training_session, data, slots)
    training_session.reference = data.reference or generate_reference(
        training_session.starts_on, training_session.department_code
    )
    training_session.slots = [SessionSlot(on=s.on, starts_at=s.starts_at, ends_at=s.ends_at) for s in slots]
    db.session.add(training_session)
    db.session.flush()
    audit.record(
        "session.create", training_session, actor=actor, summary=f"Session {training_session.reference} créée"
    )
    return training_session


def update_session(training_session: TrainingSession, data: SessionInput, *, actor) -> TrainingSession:
    """Apply the form to an existing session; completion and the waiting list follow the changes."""
    from trainer.sessions import registrations

    data = replace(data, reference=(data.reference or "").strip() or training_session.reference)
    slots = _validate(data, training_session)
    old_capacity = training_session.capacity
    _apply_slots(training_session, slots)
    _apply(training_session, data, slots)
    training_session.reference = data.reference
    db.session.flush()
    if old_capacity is not None and (data.capacity is None or data.capacity > old_capacity):
        # New seats go to the waiting list first; otherwise the status chosen in the form stands.
        registrations.fill_free_seats(training_session, actor=actor)
    recompute_completion([training_session.id])
    audit.record(
        "session.update",
        training_session,
        actor=actor,
        summary=f"Session {training_session.reference} modifiée",
    )
    return training_session


def duplicate_values(source: TrainingSession, *, shift_days: int = 7) -> SessionInput:
    """What the creation form is pre-filled with to duplicate ``source``: same settings, slots a week later."""
    shift = timedelta(days=shift_days)
    return SessionInput(
        title=f"{source.title} (copie)",
        session_type_code=source.session_type_code,
        slots=[
            SlotInput(on=slot.on + shift, starts_at=slot.starts_at, ends_at=slot.ends_at)
            for slot in source.slots
        ],
        starts_on=None if source.slots else source.starts_on + shift,
        ends_on=None if source.slots else source.ends_on + shift,
        hours=source.hours,
        mode=source.mode,
        venue=source.venue,
        city=source.city,
        department_code=source.department_code,
        organisation_id=source.organisation_id,
        capacity=source.capacity,
        status=SessionStatus.draft,
        completion_threshold=source.completion_threshold,
        self_registration_open=False,
        description=source.description,
        kit_ids=[kit.id for kit in source.kits],
        audience_codes=[audience.profession_code for audience in source.audiences],
        trainer_ids=[trainer.id for trainer in source.trainers],
    )


def cancel_session(training_session: TrainingSession, *, actor, reason: str = "") -> list[Registration]:
    """Cancel a planned session; returns the registrations whose attendees should be told."""
    if training_session.status == SessionStatus.cancelled:
        raise SessionError("Cette session est déjà annulée.")
    if training_session.status in (SessionStatus.held, SessionStatus.closed):
        raise SessionError("Une session réalisée ou clôturée ne peut pas être annulée.")
    training_session.status = SessionStatus.cancelled
    training_session.self_registration_open = False
    db.session.flush()
    audit.record(
        "session.cancel",
        training_session,
        actor=actor,
        summary=f"Session {training_session.reference} annulée"
        + (f" : {reason.strip()}" if reason.strip() else ""),
    )
    return [
        registration
        for registration in training_session.registrations
        if registration.status != RegistrationStatus.cancelled
    ]


def is_past(training_session: TrainingSession, today: date | None = None) -> bool:
    return training_session.ends_on < (today or now_utc().date())
