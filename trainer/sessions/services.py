"""Scheduling: create, edit, duplicate and cancel training sessions.

Every function takes the actor explicitly, flushes but never commits, and raises ``SessionError``
with French, user-safe messages when a rule refuses the change (rules in ``validation.py``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer import audit
from trainer.attendance.completion import recompute_completion
from trainer.attendance.models import AttendanceMark
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.kits.models import Kit
from trainer.people.models import Person
from trainer.sessions.models import (
    Registration,
    RegistrationStatus,
    SessionAudience,
    SessionSlot,
    SessionStatus,
    TrainingSession,
)
from trainer.sessions.validation import (  # noqa: F401  (re-exported: the service's vocabulary)
    EDITABLE_STATUSES,
    SessionError,
    SessionInput,
    SlotInput,
    format_day,
    format_time,
    registered_count,
    validate_session,
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
                _(
                    "Le créneau du %(day)s (%(hours)s) a déjà des présences saisies : il ne peut pas être supprimé.",
                    day=format_day(slot.on),
                    hours=f"{format_time(slot.starts_at)}–{format_time(slot.ends_at)}",
                )
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
    slots = validate_session(data, None)
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
    slots = validate_session(data, training_session)
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
        raise SessionError(_("Cette session est déjà annulée."))
    if training_session.status in (SessionStatus.held, SessionStatus.closed):
        raise SessionError(_("Une session réalisée ou clôturée ne peut pas être annulée."))
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
