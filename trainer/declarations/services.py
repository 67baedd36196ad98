"""Declared trainings (cascade): trainers declare their own, coordinators anyone's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer import audit
from trainer.auth.models import Role, User
from trainer.declarations.models import DeclaredHeadcount, DeclaredTraining
from trainer.extensions import db
from trainer.people.models import Organisation
from trainer.text import normalise


class DeclarationError(Exception):
    """The declaration cannot be stored as asked; the message is safe to show (French)."""


@dataclass
class DeclarationData:
    held_on: date
    organisation_id: int | None
    new_organisation: str
    headcounts: list[tuple[str, int]]
    title: str = ""
    kit_id: int | None = None
    department_code: str | None = None
    hours: Decimal | None = None
    trainer_person_id: int | None = None


def is_staff(user: User) -> bool:
    return user.has_role(Role.coordinator)


def visible_query(user: User) -> sa.Select:
    """The declarations a user may see: all for coordinators, their own for trainers."""
    query = sa.select(DeclaredTraining)
    if not is_staff(user):
        own = [DeclaredTraining.declared_by_id == user.id]
        if user.person_id:
            own.append(DeclaredTraining.trainer_person_id == user.person_id)
        query = query.where(sa.or_(*own))
    return query


def can_edit(user: User, declared: DeclaredTraining) -> bool:
    if is_staff(user):
        return True
    return declared.declared_by_id == user.id or (
        user.person_id is not None and declared.trainer_person_id == user.person_id
    )


def _organisation(data: DeclarationData) -> Organisation:
    name = " ".join((data.new_organisation or "").split())
    if name:
        key = normalise(name)
        found = db.session.scalar(sa.select(Organisation).where(Organisation.normalised_name == key))
        if found:
            return found
        organisation = Organisation(
            name=name[:200], normalised_name=key[:200], department_code=data.department_code
        )
        db.session.add(organisation)
        return organisation
    organisation = db.session.get(Organisation, data.organisation_id) if data.organisation_id else None
    if organisation is None:
        raise DeclarationError(_("Choisissez un organisme ou saisissez le nom d'un nouvel organisme."))
    return organisation


def _apply(declared: DeclaredTraining, data: DeclarationData, actor: User) -> None:
    if not data.headcounts:
        raise DeclarationError(_("Indiquez au moins une profession et son effectif."))
    if data.held_on > date.today():
        raise DeclarationError(_("On déclare une formation déjà réalisée : la date ne peut pas être future."))
    declared.held_on = data.held_on
    declared.title = (data.title or "").strip()[:250]
    declared.kit_id = data.kit_id
    declared.department_code = data.department_code
    declared.hours = data.hours
    declared.organisation = _organisation(data)
    # Trainers declare their own trainings; coordinators name the trainer (or nobody).
    declared.trainer_person_id = data.trainer_person_id if is_staff(actor) else actor.person_id
    existing = {h.profession_code: h for h in declared.headcounts}
    wanted = dict(data.headcounts)
    for code, row in existing.items():
        if code not in wanted:
            declared.headcounts.remove(row)
    for code, headcount in wanted.items():
        if code in existing:
            existing[code].headcount = headcount
        else:
            declared.headcounts.append(DeclaredHeadcount(profession_code=code, headcount=headcount))


def create_declaration(data: DeclarationData, *, actor: User) -> DeclaredTraining:
    """Store a declaration. Flushes, never commits."""
    if not is_staff(actor) and actor.person_id is None:
        raise DeclarationError(
            _(
                "Votre compte n'est pas lié à une fiche formateur·rice : demandez-le à un·e administrateur·rice."
            )
        )
    declared = DeclaredTraining(declared_by_id=actor.id)
    _apply(declared, data, actor)
    db.session.add(declared)
    db.session.flush()
    audit.record("declaration.create", declared, actor=actor, summary=_summary(declared))
    return declared


def update_declaration(declared: DeclaredTraining, data: DeclarationData, *, actor: User) -> None:
    if not can_edit(actor, declared):
        raise DeclarationError(_("Vous ne pouvez modifier que vos propres déclarations."))
    _apply(declared, data, actor)
    db.session.flush()
    audit.record("declaration.update", declared, actor=actor, summary=_summary(declared))


def delete_declaration(declared: DeclaredTraining, *, actor: User) -> None:
    if not can_edit(actor, declared):
        raise DeclarationError(_("Vous ne pouvez supprimer que vos propres déclarations."))
    audit.record("declaration.delete", declared, actor=actor, summary=_summary(declared))
    db.session.delete(declared)
    db.session.flush()


def _summary(declared: DeclaredTraining) -> str:
    total = sum(h.headcount for h in declared.headcounts)
    return f"{declared.held_on.isoformat()} — {declared.organisation.name} — {total} personnes"


def totals(query: sa.Select) -> tuple[int, int]:
    """Number of declarations and sum of their head-counts, in SQL."""
    ids = query.with_only_columns(DeclaredTraining.id).subquery()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ids)) or 0
    people = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(DeclaredHeadcount.headcount), 0)).where(
            DeclaredHeadcount.declared_training_id.in_(sa.select(ids.c.id))
        )
    )
    return count, int(people or 0)
