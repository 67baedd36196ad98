"""Trainer profiles, referent mandates and the referent network page."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.forms import choices
from trainer.pagination import page_arg
from trainer.people import network, services
from trainer.people.forms import MandateForm, NetworkFilterForm, TrainerProfileForm
from trainer.people.models import ReferentMandate
from trainer.people.views import bp, get_person_or_404
from trainer.sessions.choices import department_pairs, kit_pairs, referent_type_pairs


@bp.route("/<int:person_id>/formateur", methods=["GET", "POST"])
@require_role(Role.coordinator)
def trainer_profile(person_id: int):
    person = get_person_or_404(person_id)
    profile = person.trainer_profile
    form = TrainerProfileForm(obj=profile if request.method == "GET" and profile else None)
    form.kit_ids.choices = choices(kit_pairs(include_archived=True))
    if request.method == "GET" and profile is not None:
        form.kit_ids.data = [str(kit.id) for kit in profile.kits]
        form.qualifying_session_reference.data = (
            profile.qualifying_session.reference if profile.qualifying_session else ""
        )
    if form.validate_on_submit():
        try:
            services.save_trainer_profile(
                person,
                kit_ids=[int(value) for value in form.kit_ids.data or []],
                qualifying_session_reference=form.qualifying_session_reference.data,
                qualified_on=form.qualified_on.data,
                expires_on=form.expires_on.data,
                is_active=bool(form.is_active.data),
                actor=current_user,
            )
        except services.PeopleError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Le profil de formateur·rice est enregistré."), "success")
            return redirect(url_for("people.detail", person_id=person_id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("people/trainer_form.html", form=form, person=person), status


def _mandate_form(mandate: ReferentMandate | None) -> MandateForm:
    form = MandateForm(obj=mandate if request.method == "GET" and mandate else None)
    form.referent_type_code.set_choices(referent_type_pairs())
    form.department_code.set_choices(department_pairs())
    if request.method == "GET" and mandate is not None:
        form.training_session_reference.data = (
            mandate.training_session.reference if mandate.training_session else ""
        )
    return form


def _save_mandate(person, mandate, form: MandateForm):
    try:
        services.save_mandate(
            person,
            mandate,
            services.MandateInput(
                referent_type_code=form.referent_type_code.data,
                establishment=form.establishment.data,
                department_code=form.department_code.data or None,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                training_session_reference=form.training_session_reference.data,
            ),
            actor=current_user,
        )
    except services.PeopleError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return None
    db.session.commit()
    flash(_("Le mandat de référent·e est enregistré."), "success")
    return redirect(url_for("people.detail", person_id=person.id))


@bp.route("/<int:person_id>/mandats/nouveau", methods=["GET", "POST"])
@require_role(Role.coordinator)
def new_mandate(person_id: int):
    person = get_person_or_404(person_id)
    form = _mandate_form(None)
    if form.validate_on_submit() and (response := _save_mandate(person, None, form)):
        return response
    status = 422 if form.errors or form.form_errors else 200
    return render_template("people/mandate_form.html", form=form, person=person, mandate=None), status


@bp.route("/mandats/<int:mandate_id>", methods=["GET", "POST"])
@require_role(Role.coordinator)
def edit_mandate(mandate_id: int):
    mandate = db.get_or_404(ReferentMandate, mandate_id)
    form = _mandate_form(mandate)
    if form.validate_on_submit() and (response := _save_mandate(mandate.person, mandate, form)):
        return response
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "people/mandate_form.html", form=form, person=mandate.person, mandate=mandate
    ), status


@bp.route("/mandats/<int:mandate_id>/supprimer", methods=["POST"])
@require_role(Role.coordinator)
def delete_mandate(mandate_id: int):
    mandate = db.session.get(ReferentMandate, mandate_id)
    if mandate is None:
        abort(404)
    person_id = mandate.person_id
    services.delete_mandate(mandate, actor=current_user)
    db.session.commit()
    flash(_("Le mandat a été supprimé."), "success")
    return redirect(url_for("people.detail", person_id=person_id))


@bp.route("/referents")
@require_role(Role.coordinator)
def referent_network() -> str:
    form = NetworkFilterForm(request.args)
    form.departement.set_choices(department_pairs())
    form.type.set_choices(referent_type_pairs())
    form.validate()
    department = form.departement.data if form.departement.data and not form.departement.errors else None
    referent_type = form.type.data if form.type.data and not form.type.errors else None
    today = date.today()
    page = db.paginate(
        network.current_mandates(today, department_code=department, referent_type_code=referent_type),
        page=page_arg(),
        per_page=50,
        error_out=False,
    )
    types = dict(referent_type_pairs())
    return render_template(
        "people/network.html",
        form=form,
        page=page,
        ending=network.ending_soon(today, department_code=department),
        coverage=network.coverage(today, department_code=department),
        types=types,
        today=today,
        days=network.ENDING_SOON_DAYS,
    )
