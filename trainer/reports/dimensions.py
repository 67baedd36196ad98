"""Dimensions: what one row of a report is (a profession, a kit, a department, a year…).

A dimension adds its grouping key to a ``FactQuery`` (joining what it needs) and turns the keys
found into label fields (codes and French names) in a stable order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from trainer.db_types import year_of
from trainer.extensions import db
from trainer.kits.models import Kit, kit_pack_request_kits
from trainer.people.models import Person
from trainer.referential.models import Department, Profession, ReferentType, Region, Sector, SessionType
from trainer.reports.facts import SA, SK, D, FactQuery, NotApplicable, P, R, S
from trainer.sessions.models import session_trainers

Key = tuple
Labels = dict[Key, dict]


@dataclass(frozen=True)
class Dimension:
    name: str
    keys: Callable[[FactQuery], list]
    labels: Callable[[set[Key], object], Labels]
    # Keys shown even when nothing was counted for them (all session types, all sessions…).
    universe: Callable[[object], Iterable[Key]] | None = None
    # Session-based facts whose keys come from an inner join: restricts a copy of the query to
    # the rows that join leaves out, which are counted apart under the key (None,).
    remainder: Callable[[FactQuery], None] | None = None


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


# -- profession and sector -----------------------------------------------------------------
def _profession_keys(q: FactQuery) -> list:
    column = q.profession_column()
    if column is None:
        raise NotApplicable("profession")
    return [column]


def _profession_labels(keys: set[Key], _filters) -> Labels:
    rows = db.session.execute(
        sa.select(
            Profession.code, Profession.label, Sector.code, Sector.label, Sector.position, Profession.position
        ).join(Sector, Sector.code == Profession.sector_code)
    ).all()
    known = {
        (code,): {
            "profession_code": code,
            "profession": label,
            "sector_code": sector_code,
            "sector": sector,
            "_order": (sector_position, position, code),
        }
        for code, label, sector_code, sector, sector_position, position in rows
    }
    empty = {"profession_code": "", "profession": "Non renseignée", "sector_code": "", "sector": ""}
    return {key: known.get(key, {**empty, "_order": (999, 999, "")}) for key in keys}


def _sector_keys(q: FactQuery) -> list:
    column = q.profession_column()
    if column is None:
        raise NotApplicable("sector")
    profession = Profession.__table__
    q.join("profession", profession, profession.c.code == column, outer=True)
    return [profession.c.sector_code]


def _sector_labels(keys: set[Key], _filters) -> Labels:
    rows = db.session.execute(sa.select(Sector.code, Sector.label, Sector.position)).all()
    known = {
        (code,): {"sector_code": code, "sector": label, "_order": (pos, code)} for code, label, pos in rows
    }
    empty = {"sector_code": "", "sector": "Non renseigné", "_order": (999, "")}
    return {key: known.get(key, empty) for key in keys}


# -- kit -----------------------------------------------------------------------------------
def _kit_keys(q: FactQuery) -> list:
    if q.is_session_based:
        # An inner join, which the database leads from session_kits: it reads the registrations
        # kit by kit along their session index rather than sorting a million joined rows by kit
        # (1.6 s → 0.7 s at 1M registrations). Sessions without a kit are counted apart
        # (``_without_kit``), under "Sans outil" like declarations.
        q.join("session_kits", SK, SK.c.session_id == q.session_id)
        column = SK.c.kit_id
    elif q.fact == "declared":
        column = D.c.kit_id
    else:
        q.join("pack_kits", kit_pack_request_kits, kit_pack_request_kits.c.request_id == P.c.id)
        column = kit_pack_request_kits.c.kit_id
    if q.filters.kit:
        # A session using two kits counts under the filtered kit only.
        q.where.append(column == sa.select(Kit.id).where(Kit.slug == q.filters.kit).scalar_subquery())
    return [column]


def _without_kit(q: FactQuery) -> None:
    if q.session_id is S.c.id:
        q.where.append(~sa.exists().where(SK.c.session_id == S.c.id))
        return
    # The few sessions without a kit first, then their rows along the session index: a NOT
    # EXISTS on each of a million registrations took 0.66 s.
    lone = S.alias("session_without_kit")
    no_kit = sa.select(lone.c.id).where(~sa.exists().where(SK.c.session_id == lone.c.id))
    q.where.append(q.session_id.in_(no_kit))


def _kit_labels(keys: set[Key], _filters) -> Labels:
    rows = db.session.execute(sa.select(Kit.id, Kit.slug, Kit.title)).all()
    known = {
        (kit_id,): {
            "kit_slug": slug,
            "kit": title,
            "scope_id": slug,
            "label": title,
            "_order": (title.lower(),),
        }
        for kit_id, slug, title in rows
    }
    empty = {"kit_slug": "", "kit": "Sans outil", "scope_id": "", "label": "Sans outil", "_order": ("~",)}
    return {key: known.get(key, empty) for key in keys}


# -- territory -------------------------------------------------------------------------------
def _department_keys(q: FactQuery) -> list:
    if q.is_session_based:
        return [q.join_session().c.department_code]
    return [(D if q.fact == "declared" else P).c.department_code]


def _department_labels(keys: set[Key], _filters) -> Labels:
    rows = db.session.execute(
        sa.select(Department.code, Department.name, Region.code, Region.name).join(
            Region, Region.code == Department.region_code
        )
    ).all()
    known = {
        (code,): {
            "department_code": code,
            "department": name,
            "region_code": region_code,
            "region": region,
            "_order": (region_code, code),
        }
        for code, name, region_code, region in rows
    }
    empty = {"department_code": "", "department": "Non renseigné", "region_code": "", "region": ""}
    return {key: known.get(key, {**empty, "_order": ("~", "")}) for key in keys}


# -- period ----------------------------------------------------------------------------------
def _date_column(q: FactQuery):
    if q.is_session_based:
        return q.join_session().c.starts_on
    return D.c.held_on if q.fact == "declared" else P.c.sent_on


def _year_keys(q: FactQuery) -> list:
    return [year_of(_date_column(q))]


def _month_keys(q: FactQuery) -> list:
    column = _date_column(q)
    return [year_of(column), sa.cast(sa.extract("month", column), sa.Integer)]


def _period_labels(keys: set[Key], _filters) -> Labels:
    labels = {}
    for key in keys:
        values = [int(v) for v in key if v is not None]
        text = "-".join(f"{v:02d}" if i else str(v) for i, v in enumerate(values))
        labels[key] = {"period": text, "_order": tuple(values)}
    return labels


# -- session and trainer ---------------------------------------------------------------------
def _session_keys(q: FactQuery) -> list:
    if not q.is_session_based:
        raise NotApplicable("session")
    return [q.session_id]


# The per-session reports are put together by ``session_log`` (which imports this module, and
# pandas); these two serve the generic path, for the same labels and rows.
def _session_labels(keys: set[Key], filters) -> Labels:
    from trainer.reports.session_log import session_labels

    labels = session_labels(filters, kits=True)
    names = labels.names()
    found = {}
    columns = [labels.column(name) for name in names]
    for position, (session_id, *values) in enumerate(zip(labels.ids, *columns, strict=True)):
        if (session_id,) in keys:
            found[(session_id,)] = {**dict(zip(names, values, strict=True)), "_order": (position,)}
    return {key: found.get(key, {"label": "", "_order": (len(labels.ids),)}) for key in keys}


def _session_universe(filters) -> Iterable[Key]:
    from trainer.reports.session_log import session_ids

    return [(session_id,) for session_id in session_ids(filters)]


def _trainer_keys(q: FactQuery) -> list:
    if q.is_session_based:
        q.join("trainers", session_trainers, session_trainers.c.session_id == q.session_id)
        return [session_trainers.c.person_id]
    if q.fact == "declared":
        q.where.append(D.c.trainer_person_id.is_not(None))
        return [D.c.trainer_person_id]
    raise NotApplicable("trainer")


def _trainer_labels(keys: set[Key], _filters) -> Labels:
    ids = sorted(k[0] for k in keys if k[0] is not None)
    found = {}
    for chunk in _chunks(ids):
        for person_id, email, first, last in db.session.execute(
            sa.select(Person.id, Person.email, Person.first_name, Person.last_name).where(
                Person.id.in_(chunk)
            )
        ):
            name = f"{first} {last}".strip()
            found[(person_id,)] = {
                "trainer_email": email or "",
                "trainer": name,
                "scope_id": email or str(person_id),
                "label": name,
                "_order": (last.lower(), first.lower(), person_id),
            }
    return {key: found.get(key, {"trainer": "", "label": "", "_order": ("~",)}) for key in keys}


# -- audiences, referent and session types (key figures) -------------------------------------
def _main_audience_keys(q: FactQuery) -> list:
    if not q.is_session_based:
        raise NotApplicable("main_audience")
    q.join("main_audience", SA, sa.and_(SA.c.session_id == q.session_id, SA.c.position == 0), outer=True)
    return [SA.c.profession_code]


def _referent_type_keys(q: FactQuery) -> list:
    if q.fact not in ("completed", "registered"):
        raise NotApplicable("referent_type")
    return [R.c.referent_type_code]


def _code_labels(model) -> Callable[[set[Key], object], Labels]:
    def labels(keys: set[Key], _filters) -> Labels:
        rows = db.session.execute(sa.select(model.code, model.label, model.position)).all()
        known = {(c,): {"code": c, "label": label, "_order": (pos, c)} for c, label, pos in rows}
        return {
            key: known.get(key, {"code": "", "label": "Non renseigné", "_order": (999, "")}) for key in keys
        }

    return labels


def _code_universe(model) -> Callable[[object], Iterable[Key]]:
    return lambda _filters: [(code,) for code in db.session.scalars(sa.select(model.code))]


def _session_type_keys(q: FactQuery) -> list:
    if not q.is_session_based:
        raise NotApplicable("session_type")
    return [q.join_session().c.session_type_code]


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension("profession", _profession_keys, _profession_labels),
        Dimension("sector", _sector_keys, _sector_labels),
        Dimension("kit", _kit_keys, _kit_labels, remainder=_without_kit),
        Dimension("department", _department_keys, _department_labels),
        Dimension("year", _year_keys, _period_labels),
        Dimension("month", _month_keys, _period_labels),
        Dimension("session", _session_keys, _session_labels, _session_universe),
        Dimension("trainer", _trainer_keys, _trainer_labels),
        Dimension("main_audience", _main_audience_keys, _code_labels(Profession)),
        Dimension(
            "referent_type", _referent_type_keys, _code_labels(ReferentType), _code_universe(ReferentType)
        ),
        Dimension("session_type", _session_type_keys, _code_labels(SessionType), _code_universe(SessionType)),
    )
}
