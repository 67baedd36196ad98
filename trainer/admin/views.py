"""Administration: accounts (role, territorial scope, deactivation) and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer.admin.forms import NewUserForm, UserForm
from trainer.auth import services as accounts
from trainer.auth.models import AuditEntry, Role, User
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.mail import send_mail
from trainer.pagination import page_arg
from trainer.people.models import Person
from trainer.referential.models import Department, Region
from trainer.urls import external_url

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _fill_choices(form: UserForm) -> None:
    form.scope_region_code.set_choices(
        [(r.code, r.name) for r in db.session.scalars(sa.select(Region).order_by(Region.name))]
    )
    form.scope_department_code.set_choices(
        [
            (d.code, d.display_name)
            for d in db.session.scalars(sa.select(Department).order_by(Department.code))
        ]
    )
    trainers = db.session.scalars(
        sa.select(Person).where(Person.trainer_profile.has()).order_by(Person.last_name, Person.first_name)
    )
    no_email = _("sans courriel")
    form.person_id.set_choices([(str(p.id), f"{p.sortable_name} ({p.email or no_email})") for p in trainers])


@bp.route("/utilisateurs")
@require_role(Role.admin)
def users() -> str:
    query = sa.select(User).order_by(User.email)
    search = request.args.get("q", "").strip()[:100]
    if search:
        query = query.where(sa.or_(User.email.icontains(search), User.full_name.icontains(search)))
    page = db.paginate(query, page=page_arg(), per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, search=search)


@bp.route("/utilisateurs/nouveau", methods=["GET", "POST"])
@require_role(Role.admin)
def create_user() -> str | Response:
    form = NewUserForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=form.email.data,
                role=Role(form.role.data),
                password=form.password.data or None,
                full_name=form.full_name.data or "",
                scope_region_code=form.scope_region_code.data or None,
                scope_department_code=form.scope_department_code.data or None,
                person_id=int(form.person_id.data) if form.person_id.data else None,
                actor=current_user,
            )
        except accounts.AccountError as exc:
            form.form_errors.append(str(exc))
        else:
            if not form.password.data:
                _user, raw = accounts.start_password_reset(user.email)
                with force_locale("fr"):  # the e-mail is in French, its role label too
                    body = render_template(
                        "emails/account_created.txt",
                        user=user,
                        link=external_url("auth.reset_password", token=raw),
                    )
                send_mail(user.email, "Votre compte sur la plateforme des formations VFF", body)
            db.session.commit()
            flash(_("Le compte %(email)s a été créé.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/utilisateurs/<int:user_id>", methods=["GET", "POST"])
@require_role(Role.admin)
def edit_user(user_id: int) -> str | Response:
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.role.data = user.role.value
        form.is_active.data = user.is_active_account
        form.person_id.data = str(user.person_id) if user.person_id else ""
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            if form.email.data.strip().lower() != user.email:
                raise accounts.AccountError(
                    _("L'adresse électronique d'un compte ne peut pas être modifiée.")
                )
            accounts.update_user(
                user,
                role=Role(form.role.data),
                full_name=form.full_name.data or "",
                is_active=form.is_active.data,
                scope_region_code=form.scope_region_code.data or None,
                scope_department_code=form.scope_department_code.data or None,
                person_id=int(form.person_id.data) if form.person_id.data else None,
                actor=current_user,
            )
        except accounts.AccountError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Le compte %(email)s a été mis à jour.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/journal")
@require_role(Role.admin)
def audit_log() -> str:
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    action = request.args.get("action", "").strip()[:60]
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    actor = request.args.get("acteur", "").strip()[:100]
    if actor:
        query = query.where(AuditEntry.actor_label.icontains(actor))
    page = db.paginate(query, page=page_arg(), per_page=100, error_out=False)
    return render_template("admin/audit_log.html", page=page, action=action, actor=actor)
