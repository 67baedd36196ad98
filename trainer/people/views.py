"""The person registry: list and search, a person's page, create and edit, GDPR export and erasure."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from trainer import audit
from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.pagination import page_arg
from trainer.people import gdpr, services
from trainer.people.forms import EraseForm, PeopleFilterForm, PersonForm
from trainer.people.models import Organisation, Person, ReferentMandate, TrainerProfile
from trainer.sessions.choices import department_pairs, profession_pairs
from trainer.sessions.models import Registration, TrainingSession, session_trainers

bp = Blueprint("people", __name__, url_prefix="/personnes")


def get_person_or_404(person_id: int) -> Person:
    return db.get_or_404(Person, person_id)


def organisation_pairs() -> list[tuple[str, str]]:
    return [
        (str(o.id), o.name) for o in db.session.scalars(sa.select(Organisation).order_by(Organisation.name))
    ]


@bp.route("/", endpoint="list")
@require_role(Role.coordinator)
def people_list() -> str:
    form = PeopleFilterForm(request.args)
    form.profession.set_choices(profession_pairs())
    form.departement.set_choices(department_pairs())
    form.validate()

    def ok(field):
        return field.data if field.data and not field.errors else ""

    query = services.search_people(
        ok(form.q),
        role=ok(form.role),
        profession_code=ok(form.profession),
        department_code=ok(form.departement),
    ).options(
        selectinload(Person.trainer_profile),
        selectinload(Person.organisation),
        selectinload(Person.profession),
        selectinload(Person.referent_mandates),
    )
    page = db.paginate(query, page=page_arg(), per_page=50, error_out=False)
    ids = [p.id for p in page.items]
    counts = dict(
        db.session.execute(
            sa.select(Registration.person_id, sa.func.count())
            .where(Registration.person_id.in_(ids or [0]))
            .group_by(Registration.person_id)
        ).all()
    )
    return render_template("people/list.html", page=page, form=form, counts=counts)


@bp.route("/<int:person_id>")
@require_role(Role.coordinator)
def detail(person_id: int) -> str:
    person = db.session.scalar(
        sa.select(Person)
        .where(Person.id == person_id)
        .options(
            selectinload(Person.trainer_profile).selectinload(TrainerProfile.kits),
            selectinload(Person.trainer_profile).selectinload(TrainerProfile.qualifying_session),
            selectinload(Person.referent_mandates).selectinload(ReferentMandate.referent_type),
            selectinload(Person.referent_mandates).selectinload(ReferentMandate.training_session),
            selectinload(Person.organisation),
            selectinload(Person.profession),
            selectinload(Person.department),
        )
    )
    if person is None:
        abort(404)
    registrations = db.session.scalars(
        sa.select(Registration)
        .join(TrainingSession, TrainingSession.id == Registration.session_id)
        .where(Registration.person_id == person_id)
        .options(
            selectinload(Registration.training_session).selectinload(TrainingSession.session_type),
            selectinload(Registration.profession),
            selectinload(Registration.certificate),
        )
        .order_by(TrainingSession.starts_on.desc(), Registration.id)
    ).all()
    delivered = []
    if person.trainer_profile is not None:
        delivered = db.session.scalars(
            sa.select(TrainingSession)
            .join(session_trainers, session_trainers.c.session_id == TrainingSession.id)
            .where(session_trainers.c.person_id == person_id)
            .options(selectinload(TrainingSession.session_type))
            .order_by(TrainingSession.starts_on.desc())
            .limit(200)
        ).all()
    return render_template(
        "people/detail.html", person=person, registrations=registrations, delivered=delivered
    )


def _fill(form: PersonForm) -> None:
    form.profession_code.set_choices(profession_pairs())
    form.department_code.set_choices(department_pairs())
    form.organisation_id.set_choices(organisation_pairs())


def _person_input(form: PersonForm) -> services.PersonInput:
    organisation = form.organisation_id.data
    return services.PersonInput(
        last_name=form.last_name.data,
        first_name=form.first_name.data,
        email=form.email.data or None,
        profession_code=form.profession_code.data or None,
        organisation_id=int(organisation) if organisation and organisation.isdigit() else None,
        department_code=form.department_code.data or None,
    )


@bp.route("/nouvelle", methods=["GET", "POST"])
@require_role(Role.coordinator)
def create():
    form = PersonForm()
    _fill(form)
    if form.validate_on_submit():
        try:
            person = services.create_person(_person_input(form), actor=current_user)
        except services.PeopleError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("La fiche de %(name)s a été créée.", name=person.full_name), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("people/form.html", form=form, person=None), status


@bp.route("/<int:person_id>/modifier", methods=["GET", "POST"])
@require_role(Role.coordinator)
def edit(person_id: int):
    person = get_person_or_404(person_id)
    form = PersonForm(obj=person if request.method == "GET" else None)
    if request.method == "GET":
        form.organisation_id.data = str(person.organisation_id or "")
    _fill(form)
    if form.validate_on_submit():
        try:
            services.update_person(person, _person_input(form), actor=current_user)
        except services.PeopleError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                _(
                    "La fiche a été mise à jour. Les inscriptions passées gardent leurs informations d'origine."
                ),
                "success",
            )
            return redirect(url_for("people.detail", person_id=person_id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("people/form.html", form=form, person=person), status


@bp.route("/<int:person_id>/donnees.json")
@require_role(Role.coordinator)
def export_data(person_id: int) -> Response:
    person = get_person_or_404(person_id)
    data = gdpr.export_person_data(person)
    audit.record(
        "person.export", person, actor=current_user, summary=f"Données de la fiche n° {person.id} exportées"
    )
    db.session.commit()
    name = re.sub(r"[^a-z0-9]+", "-", f"{person.normalised_last_name}-{person.normalised_first_name}").strip(
        "-"
    )
    response = Response(
        json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json; charset=utf-8"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="donnees-{name or "personne"}-{person.id}.json"'
    )
    return response


@bp.route("/<int:person_id>/anonymiser", methods=["GET", "POST"])
@require_role(Role.coordinator)
def erase(person_id: int):
    person = get_person_or_404(person_id)
    form = EraseForm()
    if form.validate_on_submit():
        try:
            gdpr.anonymise_person(person, actor=current_user)
        except services.PeopleError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                _("La fiche est anonymisée. Les inscriptions restent comptées dans les chiffres."), "success"
            )
            return redirect(url_for("people.detail", person_id=person_id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("people/erase.html", form=form, person=person), status


from trainer.people import merge_views, organisation_views, roles_views  # noqa: E402, F401  (routes on bp)
