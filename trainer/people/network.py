"""The referent network: who covers which establishment and territory today, which mandates end soon."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from trainer.extensions import db
from trainer.people.models import ReferentMandate

ENDING_SOON_DAYS = 90


def _current(today: date):
    return sa.and_(
        ReferentMandate.starts_on <= today,
        sa.or_(ReferentMandate.ends_on.is_(None), ReferentMandate.ends_on >= today),
    )


def current_mandates(
    today: date, *, department_code: str | None = None, referent_type_code: str | None = None
):
    """Mandates running today, by department, type and establishment (a query to paginate)."""
    query = (
        sa.select(ReferentMandate)
        .where(_current(today))
        .options(
            selectinload(ReferentMandate.person),
            selectinload(ReferentMandate.referent_type),
            selectinload(ReferentMandate.department),
            selectinload(ReferentMandate.training_session),
        )
        .order_by(
            ReferentMandate.department_code,
            ReferentMandate.referent_type_code,
            ReferentMandate.establishment,
            ReferentMandate.id,
        )
    )
    if department_code:
        query = query.where(ReferentMandate.department_code == department_code)
    if referent_type_code:
        query = query.where(ReferentMandate.referent_type_code == referent_type_code)
    return query


def ending_soon(
    today: date, *, department_code: str | None = None, days: int = ENDING_SOON_DAYS
) -> list[ReferentMandate]:
    """Running mandates whose term ends within ``days`` days, soonest first."""
    query = (
        sa.select(ReferentMandate)
        .where(_current(today), ReferentMandate.ends_on <= today + timedelta(days=days))
        .options(selectinload(ReferentMandate.person), selectinload(ReferentMandate.referent_type))
        .order_by(ReferentMandate.ends_on, ReferentMandate.id)
        .limit(500)
    )
    if department_code:
        query = query.where(ReferentMandate.department_code == department_code)
    return list(db.session.scalars(query))


def coverage(today: date, *, department_code: str | None = None) -> list[tuple[str | None, str, int]]:
    """(department, referent type, number of referents) for mandates running today."""
    query = (
        sa.select(
            ReferentMandate.department_code,
            ReferentMandate.referent_type_code,
            sa.func.count(sa.distinct(ReferentMandate.person_id)),
        )
        .where(_current(today))
        .group_by(ReferentMandate.department_code, ReferentMandate.referent_type_code)
        .order_by(ReferentMandate.department_code, ReferentMandate.referent_type_code)
    )
    if department_code:
        query = query.where(ReferentMandate.department_code == department_code)
    return [tuple(row) for row in db.session.execute(query)]
