"""Read-side queries of the sessions area: the filtered list, the figures, the month calendar.

Each page issues a fixed number of queries whatever the data size: related rows are loaded with
``selectinload`` and counts come from one grouped query.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from trainer.extensions import db
from trainer.sessions.models import (
    Registration,
    RegistrationStatus,
    SessionSlot,
    SessionStatus,
    TrainingSession,
    session_kits,
    session_trainers,
)


@dataclass
class SessionFilters:
    """The list filters, already validated (unknown values are dropped by the view)."""

    search: str = ""
    starts_from: date | None = None
    starts_until: date | None = None
    department_code: str | None = None
    kit_id: int | None = None
    session_type_code: str | None = None
    status: SessionStatus | None = None
    trainer_id: int | None = None

    @property
    def active(self) -> bool:
        return any(value not in (None, "") for value in vars(self).values())


def filtered_sessions(filters: SessionFilters) -> sa.Select:
    """The session list query, newest first, with the relations the list shows preloaded."""
    query = sa.select(TrainingSession).options(
        selectinload(TrainingSession.kits),
        selectinload(TrainingSession.trainers),
        selectinload(TrainingSession.session_type),
        selectinload(TrainingSession.department),
    )
    if filters.search:
        like = filters.search
        query = query.where(
            sa.or_(
                TrainingSession.reference.icontains(like, autoescape=True),
                TrainingSession.title.icontains(like, autoescape=True),
                TrainingSession.city.icontains(like, autoescape=True),
                TrainingSession.venue.icontains(like, autoescape=True),
            )
        )
    if filters.starts_from:
        query = query.where(TrainingSession.ends_on >= filters.starts_from)
    if filters.starts_until:
        query = query.where(TrainingSession.starts_on <= filters.starts_until)
    if filters.department_code:
        query = query.where(TrainingSession.department_code == filters.department_code)
    if filters.session_type_code:
        query = query.where(TrainingSession.session_type_code == filters.session_type_code)
    if filters.status:
        query = query.where(TrainingSession.status == filters.status)
    if filters.kit_id:
        query = query.where(
            sa.exists().where(
                session_kits.c.session_id == TrainingSession.id, session_kits.c.kit_id == filters.kit_id
            )
        )
    if filters.trainer_id:
        query = query.where(
            sa.exists().where(
                session_trainers.c.session_id == TrainingSession.id,
                session_trainers.c.person_id == filters.trainer_id,
            )
        )
    return query.order_by(TrainingSession.starts_on.desc(), TrainingSession.id.desc())


@dataclass
class Figures:
    registered: int = 0
    waiting_list: int = 0
    cancelled: int = 0
    completed: int = 0
    present: int = 0


def figures_by_session(session_ids: list[int]) -> dict[int, Figures]:
    """Registered, waiting, cancelled and completed counts per session, in one grouped query."""
    result: dict[int, Figures] = {session_id: Figures() for session_id in session_ids}
    if not session_ids:
        return result
    rows = db.session.execute(
        sa.select(
            Registration.session_id,
            Registration.status,
            sa.func.count(),
            sa.func.sum(sa.case((Registration.completed.is_(True), 1), else_=0)),
        )
        .where(Registration.session_id.in_(session_ids))
        .group_by(Registration.session_id, Registration.status)
    )
    for session_id, status, count, completed in rows:
        figures = result[session_id]
        setattr(figures, RegistrationStatus(status).value, count)
        figures.completed += int(completed or 0)
    return result


def present_count(session_id: int) -> int:
    """Distinct registrations marked present (fully or partly) at one slot at least."""
    from trainer.attendance.models import AttendanceMark, MarkStatus

    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(AttendanceMark.registration_id)))
        .join(Registration, Registration.id == AttendanceMark.registration_id)
        .where(
            Registration.session_id == session_id,
            AttendanceMark.status.in_([MarkStatus.present, MarkStatus.partial]),
        )
    )


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    entries: list[tuple[TrainingSession, SessionSlot | None]]


def month_calendar(year: int, month: int, filters: SessionFilters) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with the sessions that have a slot on it.

    A session without slots (imported history) appears on its start date.
    """
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    in_month = filters.__class__(**{**vars(filters), "starts_from": first, "starts_until": last})
    sessions = db.session.scalars(
        filtered_sessions(in_month).options(selectinload(TrainingSession.slots)).limit(1000)
    ).all()
    by_day: dict[date, list[tuple[TrainingSession, SessionSlot | None]]] = defaultdict(list)
    for training_session in sessions:
        if training_session.slots:
            for slot in training_session.slots:
                if first <= slot.on <= last:
                    by_day[slot.on].append((training_session, slot))
        elif first <= training_session.starts_on <= last:
            by_day[training_session.starts_on].append((training_session, None))
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                CalendarDay(
                    day,
                    day.month == month,
                    sorted(
                        by_day.get(day, []),
                        key=lambda e: (e[1].starts_at if e[1] else time.min, e[0].reference),
                    ),
                )
                for day in week
            ]
        )
    return weeks
