"""Organisations: partners, employers and training bodies."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.pagination import page_arg
from trainer.people import services
from trainer.people.forms import OrganisationForm
from trainer.people.models import Organisation, OrganisationKind, Person
from trainer.people.views import bp
from trainer.sessions.choices import department_pairs
from trainer.sessions.models import TrainingSession
from trainer.text import normalise


@bp.route("/organisations")
@require_role(Role.coordinator)
def organisations() -> str:
    search = request.args.get("q", "").strip()[:100]
    query = sa.select(Organisation).order_by(Organisation.normalised_name)
    if search:
        query = query.where(Organisation.normalised_name.contains(normalise(search), autoescape=True))
    page = db.paginate(query, page=page_arg(), per_page=50, error_out=False)
    ids = [o.id for o in page.items] or [0]
    members = dict(
        db.session.execute(
            sa.select(Person.organisation_id, sa.func.count())
            .where(Person.organisation_id.in_(ids))
            .group_by(Person.organisation_id)
        ).all()
    )
    organised = dict(
        db.session.execute(
            sa.select(TrainingSession.organisation_id, sa.func.count())
            .where(TrainingSession.organisation_id.in_(ids))
            .group_by(TrainingSession.organisation_id)
        ).all()
    )
    return render_template(
        "people/organisations.html", page=page, search=search, members=members, organised=organised
    )


def _save(organisation: Organisation | None):
    form = OrganisationForm(obj=organisation if request.method == "GET" and organisation else None)
    if request.method == "GET" and organisation is not None:
        form.kind.data = organisation.kind.value
    form.department_code.set_choices(department_pairs())
    if form.validate_on_submit():
        try:
            saved = services.save_organisation(
                organisation,
                name=form.name.data,
                kind=OrganisationKind(form.kind.data),
                department_code=form.department_code.data or None,
                actor=current_user,
            )
        except services.PeopleError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("L'organisation « %(name)s » est enregistrée.", name=saved.name), "success")
            return redirect(url_for("people.organisations", q=saved.name))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("people/organisation_form.html", form=form, organisation=organisation), status


@bp.route("/organisations/nouvelle", methods=["GET", "POST"])
@require_role(Role.coordinator)
def new_organisation():
    return _save(None)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@require_role(Role.coordinator)
def edit_organisation(organisation_id: int):
    return _save(db.get_or_404(Organisation, organisation_id))
