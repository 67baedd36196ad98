"""The "completed" rule of product.md §3, kept on each registration for fast counting.

An attendee completed a registration when present at least at the session's completion
threshold of its slots (a partial presence counts for the share of the slot's hours attended).
Imported history without slots carries a ``present`` flag instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from trainer.attendance.models import AttendanceMark, MarkStatus
from trainer.extensions import db
from trainer.sessions.models import Registration, RegistrationStatus, SessionSlot, TrainingSession

THRESHOLD_PRECISION = Decimal("0.001")  # TrainingSession.completion_threshold is Numeric(4, 3)


def is_completed(
    *, registered: bool, slot_count: int, attended: Decimal, threshold: Decimal, present_flag: bool | None
) -> bool:
    """The rule itself, on plain values (pinned by unit tests)."""
    if not registered:
        return False
    if slot_count == 0:
        return bool(present_flag)
    # Compare shares at the threshold's own precision (3 decimals): a "two thirds" threshold is
    # stored as 0.667, and 2 slots of 3 (0.6667) must reach it.
    share = (attended / slot_count).quantize(THRESHOLD_PRECISION, rounding=ROUND_HALF_UP)
    return share >= threshold


def recompute_completion(session_ids: Iterable[int]) -> int:
    """Bring ``Registration.completed`` in line with marks for these sessions; returns rows changed."""
    ids = sorted(set(session_ids))
    if not ids:
        return 0
    changed = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        slot_counts = dict(
            db.session.execute(
                sa.select(SessionSlot.session_id, sa.func.count())
                .where(SessionSlot.session_id.in_(chunk))
                .group_by(SessionSlot.session_id)
            ).all()
        )
        slot_hours = {
            slot.id: slot.hours
            for slot in db.session.scalars(sa.select(SessionSlot).where(SessionSlot.session_id.in_(chunk)))
        }
        thresholds = dict(
            db.session.execute(
                sa.select(TrainingSession.id, TrainingSession.completion_threshold).where(
                    TrainingSession.id.in_(chunk)
                )
            ).all()
        )
        marks = db.session.execute(
            sa.select(
                AttendanceMark.registration_id,
                AttendanceMark.slot_id,
                AttendanceMark.status,
                AttendanceMark.hours_attended,
            )
            .join(Registration, Registration.id == AttendanceMark.registration_id)
            .where(Registration.session_id.in_(chunk))
        ).all()
        attended: dict[int, Decimal] = {}
        for registration_id, slot_id, status, hours in marks:
            share = Decimal(0)
            if status == MarkStatus.present:
                share = Decimal(1)
            elif status == MarkStatus.partial and hours and slot_hours.get(slot_id):
                share = min(Decimal(1), Decimal(hours) / slot_hours[slot_id])
            attended[registration_id] = attended.get(registration_id, Decimal(0)) + share
        rows = db.session.execute(
            sa.select(
                Registration.id,
                Registration.session_id,
                Registration.status,
                Registration.present,
                Registration.completed,
            ).where(Registration.session_id.in_(chunk))
        ).all()
        updates = []
        for registration_id, session_id, status, present, completed in rows:
            value = is_completed(
                registered=status == RegistrationStatus.registered,
                slot_count=slot_counts.get(session_id, 0),
                attended=attended.get(registration_id, Decimal(0)),
                threshold=Decimal(thresholds[session_id]),
                present_flag=present,
            )
            if value != completed:
                updates.append({"id": registration_id, "completed": value})
        if updates:
            db.session.execute(sa.update(Registration), updates)  # ORM bulk update by primary key
            changed += len(updates)
    return changed
