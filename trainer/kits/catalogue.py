"""Reading the catalogue: filtered kit lists, and what staff see of a kit's use in sessions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from trainer.auth.models import Role
from trainer.extensions import db
from trainer.kits.models import AccessibleVersion, Kit, KitAccessibleVersion, KitComponent
from trainer.referential.models import Department, Profession, Sector
from trainer.sessions.models import (
    HELD_STATUSES,
    Registration,
    RegistrationStatus,
    TrainingSession,
    session_kits,
    session_trainers,
)
from trainer.text import normalise

STAFF_ROLES = (Role.admin, Role.coordinator, Role.manager, Role.trainer)


@dataclass(frozen=True)
class CatalogueFilters:
    """What a visitor asked for: profession code, theme, accessible version and free text."""

    profession: str = ""
    theme: str = ""
    version: str = ""
    search: str = ""

    @property
    def active(self) -> bool:
        return bool(self.profession or self.theme or self.version or self.search)


def _kit_options():
    return (
        selectinload(Kit.audience),
        selectinload(Kit.accessible_versions),
        selectinload(Kit.components).selectinload(KitComponent.profession),
    )


def list_kits(filters: CatalogueFilters, *, archived: bool = False) -> list[Kit]:
    """Kits on show (or, for staff, the archived ones) matching every filter, by title."""
    query = sa.select(Kit).where(Kit.is_archived.is_(archived)).options(*_kit_options()).order_by(Kit.title)
    if filters.profession:
        query = query.where(
            sa.or_(
                Kit.audience.any(Profession.code == filters.profession),
                Kit.components.any(KitComponent.profession_code == filters.profession),
            )
        )
    if filters.theme:
        query = query.where(Kit.theme == filters.theme)
    if filters.version:
        if filters.version not in AccessibleVersion.__members__:
            return []  # the enum column refuses unknown values: nothing can match
        query = query.where(
            Kit.accessible_versions.any(KitAccessibleVersion.kind == AccessibleVersion(filters.version))
        )
    kits = list(db.session.scalars(query))
    words = normalise(filters.search).split()
    if not words:
        return kits
    # The catalogue holds tens of kits: matching accent-insensitively here is cheap and exact.
    return [kit for kit in kits if all(word in _search_text(kit) for word in words)]


def _search_text(kit: Kit) -> str:
    parts = [kit.title, kit.theme, kit.summary, kit.slug]
    parts += [p.label for p in kit.audience]
    for component in kit.components:
        parts += [component.title, component.description, component.director or "", component.cast]
    return normalise(" ".join(parts))


def archived_count() -> int:
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(Kit).where(Kit.is_archived.is_(True))) or 0
    )


def themes() -> list[str]:
    """Themes of the kits on show, for the theme filter."""
    query = (
        sa.select(Kit.theme).where(Kit.is_archived.is_(False), Kit.theme != "").distinct().order_by(Kit.theme)
    )
    return list(db.session.scalars(query))


def profession_groups() -> list[tuple[str, list[Profession]]]:
    """Every profession grouped by sector, for the profession filter."""
    sectors = db.session.scalars(
        sa.select(Sector).options(selectinload(Sector.professions)).order_by(Sector.position)
    )
    return [(sector.label, list(sector.professions)) for sector in sectors]


def find_kit(slug: str, user: Any) -> Kit | None:
    """A kit by slug with everything its page shows; archived kits only for staff."""
    if len(slug) > 60:
        return None
    kit = db.session.scalar(
        sa.select(Kit).where(Kit.slug == slug).options(*_kit_options(), selectinload(Kit.resources))
    )
    if kit is None or (kit.is_archived and not is_staff(user)):
        return None
    return kit


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in STAFF_ROLES


def can_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.coordinator)


@dataclass(frozen=True)
class KitUsage:
    """A kit's use in the sessions a staff member may see."""

    scope_label: str
    sessions_held: int
    trained: int


def session_scope(user: Any) -> tuple[str, sa.ColumnElement[bool] | None]:
    """The sessions ``user`` may see, as (label, SQL condition or None for all).

    Trainers see the sessions they are assigned to; a scoped manager sees their territory.
    """
    if user.role == Role.trainer:
        if user.person_id is None:
            return _("vos sessions"), sa.false()
        assigned = sa.select(session_trainers.c.session_id).where(
            session_trainers.c.person_id == user.person_id
        )
        return _("vos sessions"), TrainingSession.id.in_(assigned)
    if user.role == Role.manager and user.scope_department_code:
        return (
            _("département %(code)s", code=user.scope_department_code),
            TrainingSession.department_code == user.scope_department_code,
        )
    if user.role == Role.manager and user.scope_region_code:
        departments = sa.select(Department.code).where(Department.region_code == user.scope_region_code)
        return _("région %(name)s", name=user.scope_region.name), TrainingSession.department_code.in_(
            departments
        )
    return _("toutes les sessions"), None


def _kit_sessions(kit: Kit, condition: sa.ColumnElement[bool] | None) -> sa.Select:
    query = (
        sa.select(TrainingSession)
        .join(session_kits, session_kits.c.session_id == TrainingSession.id)
        .where(session_kits.c.kit_id == kit.id)
    )
    return query if condition is None else query.where(condition)


def kit_usage(kit: Kit, user: Any) -> KitUsage:
    """Held sessions and distinct professionals trained with the kit, in one query.

    Trained = distinct persons with a completed registration in a session using the kit.
    """
    label, condition = session_scope(user)
    query = (
        sa.select(
            sa.func.count(
                sa.distinct(sa.case((TrainingSession.status.in_(HELD_STATUSES), TrainingSession.id)))
            ),
            sa.func.count(sa.distinct(sa.case((Registration.completed.is_(True), Registration.person_id)))),
        )
        .select_from(TrainingSession)
        .join(session_kits, session_kits.c.session_id == TrainingSession.id)
        .outerjoin(Registration, Registration.session_id == TrainingSession.id)
        .where(session_kits.c.kit_id == kit.id)
    )
    if condition is not None:
        query = query.where(condition)
    held, trained = db.session.execute(query).one()
    return KitUsage(label, held or 0, trained or 0)


@dataclass(frozen=True)
class SessionCounts:
    registered: int
    trained: int


def kit_sessions_page(kit: Kit, user: Any, page: int, per_page: int = 20) -> tuple[Pagination, dict]:
    """One page of the sessions using the kit (latest first), with per-session head-counts."""
    _label, condition = session_scope(user)
    query = _kit_sessions(kit, condition).order_by(
        TrainingSession.starts_on.desc(), TrainingSession.id.desc()
    )
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=per_page)
    ids = [s.id for s in pagination.items]
    counts: dict[int, SessionCounts] = {}
    if ids:
        rows = db.session.execute(
            sa.select(
                Registration.session_id,
                sa.func.count(
                    sa.case((Registration.status != RegistrationStatus.cancelled, Registration.id))
                ),
                sa.func.count(sa.case((Registration.completed.is_(True), Registration.id))),
            )
            .where(Registration.session_id.in_(ids))
            .group_by(Registration.session_id)
        )
        counts = {session_id: SessionCounts(registered, trained) for session_id, registered, trained in rows}
    return pagination, counts
