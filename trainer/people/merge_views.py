"""Duplicates found by name, and the merge screen."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.pagination import page_arg
from trainer.people import merge
from trainer.people.forms import MergeForm
from trainer.people.models import Person
from trainer.people.services import PeopleError
from trainer.people.views import bp


@bp.route("/doublons")
@require_role(Role.coordinator)
def duplicates() -> str:
    page = db.paginate(merge.duplicate_groups_query(), page=page_arg(), per_page=20, error_out=False)
    pairs = [merge.split_key(key) for key in page.items]
    people = merge.people_with_names(pairs)
    groups: dict[tuple[str, str], list[Person]] = {pair: [] for pair in pairs}
    for person in people:
        groups[(person.normalised_last_name, person.normalised_first_name)].append(person)
    counts = merge.registration_counts([p.id for p in people])
    return render_template("people/duplicates.html", page=page, groups=groups, counts=counts)


def _record(name: str) -> Person:
    raw = request.values.get(name, "")
    if not raw.isdigit() or len(raw) > 9:
        abort(404)
    person = db.session.get(Person, int(raw))
    if person is None:
        abort(404)
    return person


@bp.route("/fusion", methods=["GET", "POST"])
@require_role(Role.coordinator)
def merge_screen():
    kept, removed = _record("garder"), _record("fusionner")
    form = MergeForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            summary = merge.merge_people(kept, removed, actor=current_user)
        except PeopleError as exc:
            db.session.rollback()
            errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                _(
                    "Fiches fusionnées : %(registrations)s inscription(s), %(mandates)s mandat(s) "
                    "et %(accounts)s compte(s) rattachés à cette fiche.",
                    registrations=summary.registrations,
                    mandates=summary.mandates,
                    accounts=summary.accounts,
                ),
                "success",
            )
            return redirect(url_for("people.detail", person_id=kept.id))
    conflicts = merge.shared_sessions(kept, removed) if kept.id != removed.id else []
    counts = merge.registration_counts([kept.id, removed.id])
    status = 422 if errors else 200
    return render_template(
        "people/merge.html",
        form=form,
        kept=kept,
        removed=removed,
        conflicts=conflicts,
        counts=counts,
        errors=errors,
    ), status
