"""Taking attendance: marks per slot, "all present", late arrivals, closing and reopening.

Every function takes the actor explicitly, flushes and never commits; the view commits once.
Every change is audited and followed by a completion recompute for the session.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from trainer import audit, signals
from trainer.attendance.certificates import DeliveryReport, deliver_certificates
from trainer.attendance.completion import recompute_completion
from trainer.attendance.labels import hours_fr, slot_label
from trainer.attendance.models import MARK_STATUS_LABELS, AttendanceMark, MarkMethod, MarkStatus
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.i18n import lazy_gettext as _l
from trainer.people.models import Person
from trainer.sessions.models import (
    Registration,
    RegistrationStatus,
    SessionSlot,
    SessionStatus,
    TrainingSession,
)

log = logging.getLogger(__name__)

FROZEN_MESSAGE = _l(
    "Cette session est clôturée : la présence ne peut plus être modifiée. "
    "Une personne de la coordination peut la rouvrir si une correction est nécessaire."
)


class AttendanceError(Exception):
    """A rule refused the change; ``str(exc)`` is a French message safe to show."""


def local_tz() -> ZoneInfo:
    """The organisation's time zone: slots are stored as local wall-clock times."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))


def local_now() -> datetime:
    return datetime.now(local_tz())


def local_today() -> date:
    return local_now().date()


def ensure_editable(training_session: TrainingSession) -> None:
    """Closed sessions are frozen; cancelled and draft ones have no attendance to take."""
    if training_session.status == SessionStatus.closed:
        raise AttendanceError(str(FROZEN_MESSAGE))
    if training_session.status == SessionStatus.cancelled:
        raise AttendanceError(_("Cette session est annulée : aucune présence ne peut y être enregistrée."))


def parse_hours(text: str | None) -> Decimal | None:
    """Hours typed by a person ("1,5", "2"); None when empty."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise AttendanceError(_("Indiquez les heures de présence en chiffres, par exemple 1,5.")) from None
    if not value.is_finite():
        raise AttendanceError(_("Indiquez les heures de présence en chiffres, par exemple 1,5."))
    return value


def registered_attendees(training_session: TrainingSession) -> list[Registration]:
    """Registrations whose attendance is taken, by last then first name, people loaded."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(Person, Person.id == Registration.person_id)
            .where(
                Registration.session_id == training_session.id,
                Registration.status == RegistrationStatus.registered,
            )
            .options(selectinload(Registration.person), selectinload(Registration.profession))
            .order_by(Person.normalised_last_name, Person.normalised_first_name, Registration.id)
        )
    )


def session_marks(training_session: TrainingSession) -> dict[tuple[int, int], AttendanceMark]:
    """Every mark of the session keyed by (registration id, slot id): one query."""
    marks = db.session.scalars(
        sa.select(AttendanceMark)
        .join(Registration, Registration.id == AttendanceMark.registration_id)
        .where(Registration.session_id == training_session.id)
    )
    return {(mark.registration_id, mark.slot_id): mark for mark in marks}


def slots_attended(registration: Registration) -> int:
    """How many slots the attendee attended, fully or partly (shown next to their name)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AttendanceMark)
        .where(
            AttendanceMark.registration_id == registration.id,
            AttendanceMark.status.in_((MarkStatus.present, MarkStatus.partial)),
        )
    )


def _check_target(slot: SessionSlot, registration: Registration) -> None:
    ensure_editable(slot.training_session)
    if registration.session_id != slot.session_id:
        raise AttendanceError(_("Cette personne n'est pas inscrite à cette session."))
    if registration.status != RegistrationStatus.registered:
        raise AttendanceError(
            _(
                "L'inscription de %(name)s est annulée ou en liste d'attente : "
                "sa présence ne peut pas être pointée.",
                name=registration.person.full_name,
            )
        )


def _validated_hours(slot: SessionSlot, status: MarkStatus, hours: Decimal | None) -> Decimal | None:
    if status != MarkStatus.partial:
        return None
    if hours is None or hours <= 0:
        raise AttendanceError(_("Pour une présence partielle, indiquez les heures de présence (plus de 0)."))
    if hours > slot.hours:
        raise AttendanceError(
            _(
                "Ce créneau dure %(hours)s : indiquez au plus cette durée, ou choisissez « Présent·e ».",
                hours=hours_fr(slot.hours),
            )
        )
    return hours.quantize(Decimal("0.01"))


def _existing_mark(registration_id: int, slot_id: int) -> AttendanceMark | None:
    return db.session.scalar(
        sa.select(AttendanceMark).where(
            AttendanceMark.registration_id == registration_id, AttendanceMark.slot_id == slot_id
        )
    )


def apply_mark(
    slot: SessionSlot, registration: Registration, status: MarkStatus, hours: Decimal | None, actor
) -> tuple[AttendanceMark, bool]:
    """Create or update one mark; returns (mark, changed). Idempotent: a retried tap changes nothing."""
    mark = _existing_mark(registration.id, slot.id)
    if mark is None:
        mark = AttendanceMark(registration_id=registration.id, slot_id=slot.id, status=status)
        try:
            with db.session.begin_nested():  # another device may have marked at the same moment
                db.session.add(mark)
            previous = None
        except IntegrityError:
            mark = _existing_mark(registration.id, slot.id)
            if mark is None:  # pragma: no cover - the conflicting row vanished again
                raise AttendanceError(_("Enregistrement impossible, réessayez.")) from None
            previous = mark.status
    else:
        previous = mark.status
        if previous == status and mark.hours_attended == hours:
            return mark, False
    mark.status = status
    mark.hours_attended = hours
    mark.method = MarkMethod.grid
    mark.recorded_by_id = getattr(actor, "id", None)
    mark.recorded_at = now_utc()
    db.session.flush()
    before = MARK_STATUS_LABELS[previous] if previous else "non pointé·e"
    after = MARK_STATUS_LABELS[status] + (f" ({hours_fr(hours)})" if hours is not None else "")
    audit.record(
        "attendance.mark",
        mark,
        actor=actor,
        summary=f"{registration.person.full_name} — {slot_label(slot)} : {before} → {after}",
    )
    return mark, True


def refresh_completion(training_session: TrainingSession) -> None:
    """Recompute who completed after a change, and tell the other areas."""
    recompute_completion([training_session.id])
    # The recompute is a bulk UPDATE: reload the flag of registrations already in memory.
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, Registration):
            db.session.expire(instance, ["completed"])
    signals.attendance_changed.send(current_app._get_current_object(), session_ids=[training_session.id])


def set_mark(
    *,
    slot: SessionSlot,
    registration: Registration,
    status: MarkStatus,
    actor,
    hours: Decimal | None = None,
) -> AttendanceMark:
    """Record one tap of the grid. Partial presence (with hours) is for coordinators: the view checks."""
    _check_target(slot, registration)
    mark, changed = apply_mark(slot, registration, status, _validated_hours(slot, status, hours), actor)
    if changed:
        refresh_completion(slot.training_session)
    return mark


def mark_all_present(*, slot: SessionSlot, actor) -> int:
    """Mark present everyone not yet marked on this slot; taps already made are kept. Returns the count."""
    training_session = slot.training_session
    ensure_editable(training_session)
    already = set(
        db.session.scalars(sa.select(AttendanceMark.registration_id).where(AttendanceMark.slot_id == slot.id))
    )
    count = 0
    for registration in registered_attendees(training_session):
        if registration.id not in already:
            apply_mark(slot, registration, MarkStatus.present, None, actor)
            count += 1
    if count:
        refresh_completion(training_session)
    return count


def close_session(training_session: TrainingSession, *, actor) -> DeliveryReport:
    """Freeze attendance: status closed, completion final, certificates delivered to those who
    completed, other areas told (evaluation invitations). Returns what the delivery did."""
    if training_session.status == SessionStatus.closed:
        raise AttendanceError(_("Cette session est déjà clôturée."))
    if training_session.status in (SessionStatus.cancelled, SessionStatus.draft):
        raise AttendanceError(_("Une session annulée ou en brouillon ne peut pas être clôturée."))
    if training_session.slots and training_session.slots[0].on > local_today():
        raise AttendanceError(_("Cette session n'a pas encore commencé : elle ne peut pas être clôturée."))
    training_session.status = SessionStatus.closed
    training_session.closed_at = now_utc()
    recompute_completion([training_session.id])
    db.session.flush()
    audit.record("session.close", training_session, actor=actor, summary=training_session.reference)
    report = deliver_certificates(training_session, actor=actor)
    signals.session_closed.send(
        current_app._get_current_object(), training_session=training_session, actor=actor
    )
    return report


def reopen_session(training_session: TrainingSession, *, actor) -> None:
    """Unfreeze a closed session so attendance can be corrected (coordinators only: the view checks)."""
    if training_session.status != SessionStatus.closed:
        raise AttendanceError(_("Seule une session clôturée peut être rouverte."))
    training_session.status = SessionStatus.held
    training_session.closed_at = None
    db.session.flush()
    audit.record("session.reopen", training_session, actor=actor, summary=training_session.reference)
    signals.session_reopened.send(
        current_app._get_current_object(), training_session=training_session, actor=actor
    )
