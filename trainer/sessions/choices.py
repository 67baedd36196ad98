"""Choice lists shared by the forms of the sessions and people areas (codes and labels)."""

from __future__ import annotations

import sqlalchemy as sa

from trainer.extensions import db
from trainer.kits.models import Kit
from trainer.referential.models import Department, Profession, ReferentType, SessionType


def profession_pairs() -> list[tuple[str, str]]:
    return [(p.code, p.label) for p in db.session.scalars(sa.select(Profession).order_by(Profession.label))]


def department_pairs() -> list[tuple[str, str]]:
    return [
        (d.code, d.display_name) for d in db.session.scalars(sa.select(Department).order_by(Department.code))
    ]


def referent_type_pairs() -> list[tuple[str, str]]:
    return [
        (r.code, r.label) for r in db.session.scalars(sa.select(ReferentType).order_by(ReferentType.position))
    ]


def session_type_pairs() -> list[tuple[str, str]]:
    return [
        (t.code, t.label) for t in db.session.scalars(sa.select(SessionType).order_by(SessionType.position))
    ]


def kit_pairs(include_archived: bool = False) -> list[tuple[str, str]]:
    query = sa.select(Kit).order_by(Kit.title)
    if not include_archived:
        query = query.where(Kit.is_archived.is_(False))
    return [(str(k.id), k.title) for k in db.session.scalars(query)]


def trainer_pairs(keep_ids: list[int] | None = None) -> list[tuple[str, str]]:
    """Active trainers, plus inactive ones already assigned (so an edit does not drop them)."""
    from trainer.people.models import Person, TrainerProfile  # the people package imports this module

    condition = TrainerProfile.is_active.is_(True)
    if keep_ids:
        condition = sa.or_(condition, Person.id.in_(keep_ids))
    rows = db.session.execute(
        sa.select(Person.id, Person.last_name, Person.first_name)
        .join(TrainerProfile)
        .where(condition)
        .order_by(Person.last_name, Person.first_name)
    )
    # Columns, not entities: hundreds of trainers in every filter bar (Person.sortable_name).
    return [(str(id_), f"{last.upper()} {first}".strip()) for id_, last, first in rows]
