"""Declarations list (with totals), form, edit and delete."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.declarations import services
from trainer.declarations.forms import DeclarationForm
from trainer.declarations.models import DeclaredTraining
from trainer.extensions import db
from trainer.forms import EmptyForm
from trainer.kits.models import Kit
from trainer.pagination import page_arg
from trainer.people.models import Organisation, Person, TrainerProfile
from trainer.referential.models import Department, Profession

bp = Blueprint("declarations", __name__, url_prefix="/declarations")
WRITERS = (Role.coordinator, Role.trainer)


def _fill(form: DeclarationForm) -> DeclarationForm:
    form.kit_id.set_choices(db.session.execute(sa.select(Kit.id, Kit.title).order_by(Kit.title)).all())
    form.organisation_id.set_choices(
        db.session.execute(sa.select(Organisation.id, Organisation.name).order_by(Organisation.name)).all()
    )
    form.department_code.set_choices(
        db.session.execute(
            sa.select(Department.code, Department.code + " – " + Department.name).order_by(Department.code)
        ).all()
    )
    trainers = db.session.execute(
        sa.select(Person.id, Person.last_name, Person.first_name)
        .join(TrainerProfile, TrainerProfile.person_id == Person.id)
        .order_by(Person.last_name, Person.first_name)
    ).all()
    form.trainer_person_id.set_choices([(i, f"{last.upper()} {first}") for i, last, first in trainers])
    professions = db.session.execute(
        sa.select(Profession.code, Profession.label).order_by(Profession.label)
    ).all()
    for row in form.headcounts:
        row.form.profession_code.set_choices(professions)
    if not services.is_staff(current_user):
        del form.trainer_person_id  # trainers declare their own trainings
    return form


def _data(form: DeclarationForm) -> services.DeclarationData:
    trainer = getattr(form, "trainer_person_id", None)
    return services.DeclarationData(
        held_on=form.held_on.data,
        title=form.title.data or "",
        kit_id=int(form.kit_id.data) if form.kit_id.data else None,
        organisation_id=int(form.organisation_id.data) if form.organisation_id.data else None,
        new_organisation=form.new_organisation.data or "",
        department_code=form.department_code.data or None,
        hours=Decimal(form.hours.data) if form.hours.data is not None else None,
        trainer_person_id=int(trainer.data) if trainer is not None and trainer.data else None,
        headcounts=form.filled_headcounts(),
    )


@bp.route("/")
@require_role(*WRITERS)
def list() -> str:  # noqa: A001 - endpoint name declared in navigation.py
    query = services.visible_query(current_user)
    count, people = services.totals(query)
    page = db.paginate(
        query.order_by(DeclaredTraining.held_on.desc(), DeclaredTraining.id.desc()),
        page=page_arg(),
        per_page=50,
        error_out=False,
    )
    return render_template(
        "declarations/list.html", page=page, count=count, people=people, delete_form=EmptyForm()
    )


@bp.route("/nouvelle", methods=["GET", "POST"])
@require_role(*WRITERS)
def create() -> str | Response:
    form = _fill(DeclarationForm())
    if form.validate_on_submit():
        try:
            services.create_declaration(_data(form), actor=current_user)
        except services.DeclarationError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("La formation est déclarée."), "success")
            return redirect(url_for("declarations.list"))
    return render_template("declarations/form.html", form=form, declared=None)


def _editable(declaration_id: int) -> DeclaredTraining:
    declared = db.session.get(DeclaredTraining, declaration_id)
    if declared is None or not services.can_edit(current_user, declared):
        abort(404)  # another trainer's declaration does not exist for this one
    return declared


@bp.route("/<int:declaration_id>", methods=["GET", "POST"])
@require_role(*WRITERS)
def edit(declaration_id: int) -> str | Response:
    declared = _editable(declaration_id)
    form = DeclarationForm(obj=declared if request.method == "GET" else None)
    if request.method == "GET":
        form.kit_id.data = str(declared.kit_id or "")
        form.organisation_id.data = str(declared.organisation_id)
        form.department_code.data = declared.department_code or ""
        form.trainer_person_id.data = str(declared.trainer_person_id or "")
        rows = [(h.profession_code, h.headcount) for h in declared.headcounts]
        while len(form.headcounts) < len(rows):
            form.headcounts.append_entry()
        for entry, (code, count) in zip(form.headcounts, rows, strict=False):
            entry.form.profession_code.data, entry.form.headcount.data = code, count
    _fill(form)
    if form.validate_on_submit():
        try:
            services.update_declaration(declared, _data(form), actor=current_user)
        except services.DeclarationError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("La déclaration est mise à jour."), "success")
            return redirect(url_for("declarations.list"))
    return render_template("declarations/form.html", form=form, declared=declared)


@bp.route("/<int:declaration_id>/supprimer", methods=["POST"])
@require_role(*WRITERS)
def delete(declaration_id: int) -> Response:
    declared = _editable(declaration_id)
    if EmptyForm().validate_on_submit():
        services.delete_declaration(declared, actor=current_user)
        db.session.commit()
        flash(_("La déclaration est supprimée."), "success")
    return redirect(url_for("declarations.list"))
