"""Duplicates found by name, and merging two records of the same person into one."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from trainer import audit
from trainer.auth.models import User
from trainer.declarations.models import DeclaredTraining
from trainer.extensions import db
from trainer.people.models import Person, ReferentMandate, TrainerProfile
from trainer.people.services import PeopleError
from trainer.sessions.models import Registration, TrainingSession, session_trainers

NAME_SEPARATOR = "\t"  # never inside a normalised name (whitespace is collapsed to spaces)


def duplicate_groups_query() -> sa.Select:
    """One "last<TAB>first" key per normalised name borne by several records (a single column, so
    that it paginates); ``split_key`` turns it back into (last, first)."""
    return (
        sa.select(Person.normalised_last_name + NAME_SEPARATOR + Person.normalised_first_name)
        .where(Person.anonymised_at.is_(None), Person.normalised_last_name != "")
        .group_by(Person.normalised_last_name, Person.normalised_first_name)
        .having(sa.func.count() > 1)
        .order_by(Person.normalised_last_name, Person.normalised_first_name)
    )


def split_key(key: str) -> tuple[str, str]:
    last, _separator, first = key.partition(NAME_SEPARATOR)
    return last, first


def people_with_names(pairs: list[tuple[str, str]]) -> list[Person]:
    """Records bearing one of these normalised (last, first) names, oldest first."""
    if not pairs:
        return []
    condition = sa.or_(
        *(
            sa.and_(Person.normalised_last_name == last, Person.normalised_first_name == first)
            for last, first in pairs
        )
    )
    return list(
        db.session.scalars(
            sa.select(Person).where(condition, Person.anonymised_at.is_(None)).order_by(Person.id)
        )
    )


def registration_counts(person_ids: list[int]) -> dict[int, int]:
    if not person_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Registration.person_id, sa.func.count())
            .where(Registration.person_id.in_(person_ids))
            .group_by(Registration.person_id)
        ).all()
    )


def shared_sessions(kept: Person, removed: Person) -> list[TrainingSession]:
    """Sessions in which both records are registered: merging would lose one registration."""
    other = aliased(Registration)
    return list(
        db.session.scalars(
            sa.select(TrainingSession)
            .join(Registration, Registration.session_id == TrainingSession.id)
            .join(other, other.session_id == TrainingSession.id)
            .where(Registration.person_id == kept.id, other.person_id == removed.id)
            .order_by(TrainingSession.starts_on)
        )
    )


@dataclass
class MergeSummary:
    registrations: int
    trainer_sessions: int
    mandates: int
    accounts: int


def merge_people(kept: Person, removed: Person, *, actor) -> MergeSummary:
    """Move everything of ``removed`` onto ``kept`` (registrations, trainer profile and assignments,
    mandates, accounts, declarations), fill ``kept``'s blanks from it, then delete ``removed``."""
    if kept.id == removed.id:
        raise PeopleError(_("Choisissez deux fiches différentes."))
    if kept.anonymised_at is not None or removed.anonymised_at is not None:
        raise PeopleError(_("Une fiche anonymisée ne peut pas être fusionnée."))
    conflicts = shared_sessions(kept, removed)
    if conflicts:
        listed = ", ".join(f"« {s.title} » ({s.reference})" for s in conflicts[:5])
        raise PeopleError(
            _(
                "Les deux fiches sont inscrites à la même session : %(sessions)s. La fusion est refusée pour ne "
                "perdre aucune inscription ; vérifiez qu'il s'agit bien de la même personne.",
                sessions=listed,
            )
        )
    moved = MergeSummary(0, 0, 0, 0)
    moved.registrations = db.session.execute(
        sa.update(Registration).where(Registration.person_id == removed.id).values(person_id=kept.id)
    ).rowcount
    kept_sessions = set(
        db.session.scalars(
            sa.select(session_trainers.c.session_id).where(session_trainers.c.person_id == kept.id)
        )
    )
    removed_sessions = set(
        db.session.scalars(
            sa.select(session_trainers.c.session_id).where(session_trainers.c.person_id == removed.id)
        )
    )
    db.session.execute(
        sa.delete(session_trainers).where(
            session_trainers.c.person_id == removed.id, session_trainers.c.session_id.in_(kept_sessions)
        )
    )
    moved.trainer_sessions = db.session.execute(
        sa.update(session_trainers)
        .where(session_trainers.c.person_id == removed.id)
        .values(person_id=kept.id)
    ).rowcount
    moved.trainer_sessions += len(removed_sessions & kept_sessions)
    _merge_trainer_profiles(kept, removed)
    moved.mandates = db.session.execute(
        sa.update(ReferentMandate).where(ReferentMandate.person_id == removed.id).values(person_id=kept.id)
    ).rowcount
    moved.accounts = db.session.execute(
        sa.update(User).where(User.person_id == removed.id).values(person_id=kept.id)
    ).rowcount
    db.session.execute(
        sa.update(DeclaredTraining)
        .where(DeclaredTraining.trainer_person_id == removed.id)
        .values(trainer_person_id=kept.id)
    )
    email = removed.email
    kept.profession_code = kept.profession_code or removed.profession_code
    kept.organisation_id = kept.organisation_id or removed.organisation_id
    kept.department_code = kept.department_code or removed.department_code
    removed_id = removed.id
    db.session.flush()
    db.session.expire_all()
    db.session.delete(db.session.get(Person, removed_id))
    db.session.flush()
    if email and not kept.email:
        kept.email = email
    audit.record(
        "person.merge",
        kept,
        actor=actor,
        summary=f"Fiche n° {removed_id} fusionnée dans la fiche n° {kept.id} "
        f"({moved.registrations} inscription(s), {moved.mandates} mandat(s))",
    )
    db.session.flush()
    return moved


def _merge_trainer_profiles(kept: Person, removed: Person) -> None:
    removed_profile = db.session.scalar(
        sa.select(TrainerProfile).where(TrainerProfile.person_id == removed.id)
    )
    if removed_profile is None:
        return
    kept_profile = db.session.scalar(sa.select(TrainerProfile).where(TrainerProfile.person_id == kept.id))
    if kept_profile is None:
        removed_profile.person_id = kept.id
        db.session.flush()
        return
    kept_profile.kits = list({kit.id: kit for kit in [*kept_profile.kits, *removed_profile.kits]}.values())
    kept_profile.qualifying_session_id = (
        kept_profile.qualifying_session_id or removed_profile.qualifying_session_id
    )
    dates = [d for d in (kept_profile.qualified_on, removed_profile.qualified_on) if d]
    kept_profile.qualified_on = min(dates) if dates else None
    kept_profile.expires_on = kept_profile.expires_on or removed_profile.expires_on
    if (
        kept_profile.expires_on
        and kept_profile.qualified_on
        and kept_profile.expires_on < kept_profile.qualified_on
    ):
        kept_profile.expires_on = None
    kept_profile.is_active = kept_profile.is_active or removed_profile.is_active
    db.session.delete(removed_profile)
    db.session.flush()
