"""Kit-pack requests: the public form and the coordinators' queue."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from trainer.auth.models import Role
from trainer.auth.permissions import public, require_role
from trainer.extensions import db, limiter
from trainer.forms import choices
from trainer.i18n import lazy_gettext as _l
from trainer.kits import packs
from trainer.kits.forms import PackRefusedForm, PackRequestForm, PackSentForm
from trainer.kits.models import Kit, KitPackRequest, PackRequestStatus
from trainer.kits.services import KitError
from trainer.kits.views import bp, query_arg
from trainer.pagination import page_arg
from trainer.referential.models import Department

STATUS_FILTERS = {
    "received": _l("Reçues"),
    "sent": _l("Envoyées"),
    "refused": _l("Refusées"),
    "toutes": _l("Toutes"),
}


def today_paris() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def _request_form() -> PackRequestForm:
    form = PackRequestForm()
    kits = db.session.scalars(sa.select(Kit).where(Kit.is_archived.is_(False)).order_by(Kit.title))
    form.kits.choices = choices((kit.slug, kit.title) for kit in kits)
    form.department_code.set_choices(
        (d.code, d.display_name) for d in db.session.scalars(sa.select(Department).order_by(Department.code))
    )
    if request.method == "GET" and (wanted := request.args.get("outil", "")[:60]):
        form.kits.data = [wanted]
    return form


@bp.route("/outils/demande-de-pack", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config.get("PACK_REQUEST_RATE_LIMIT", "20 per hour"), methods=["POST"])
def request_pack():
    form = _request_form()
    if form.validate_on_submit():
        try:
            pack_request, created = packs.create_request(
                packs.PackRequestData(
                    organisation_name=form.organisation_name.data,
                    requester_name=form.requester_name.data,
                    email=form.email.data,
                    delivery=form.delivery.data,
                    kit_slugs=list(form.kits.data or []),
                    postal_address=form.postal_address.data or "",
                    department_code=form.department_code.data or "",
                    audience=form.audience.data or "",
                    quantity=form.quantity.data,
                )
            )
        except KitError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            if created:  # a double click is not a second request, nor a second e-mail
                packs.send_status_mail(pack_request)
            return redirect(url_for("kits.pack_requested"))
    return render_template("kits/pack_form.html", form=form), 422 if form.errors or form.form_errors else 200


@bp.route("/outils/demande-de-pack/envoyee")
@public
def pack_requested() -> str:
    return render_template("kits/pack_requested.html")


@bp.route("/demandes-de-packs")
@require_role(Role.coordinator)
def pack_requests() -> str:
    status = request.args.get("statut", "received")
    if status not in STATUS_FILTERS:
        status = "received"
    search = query_arg("q")
    query = sa.select(KitPackRequest).options(selectinload(KitPackRequest.kits))
    if status != "toutes":
        query = query.where(KitPackRequest.status == PackRequestStatus(status))
    if search:
        query = query.where(
            sa.or_(
                KitPackRequest.organisation_name.icontains(search, autoescape=True),
                KitPackRequest.requester_name.icontains(search, autoescape=True),
                KitPackRequest.email.icontains(search, autoescape=True),
            )
        )
    order = KitPackRequest.received_at.asc() if status == "received" else KitPackRequest.received_at.desc()
    page = db.paginate(
        query.order_by(order, KitPackRequest.id), page=page_arg(), per_page=30, error_out=False
    )
    counts = dict(
        db.session.execute(
            sa.select(KitPackRequest.status, sa.func.count()).group_by(KitPackRequest.status)
        ).all()
    )
    year = today_paris().year
    sent_this_year = packs.packs_sent(date_from=date(year, 1, 1), date_to=date(year, 12, 31))
    return render_template(
        "kits/pack_requests.html",
        page=page,
        status=status,
        search=search,
        filters=STATUS_FILTERS,
        counts={s.value: counts.get(s, 0) for s in PackRequestStatus},
        year=year,
        sent_this_year=sent_this_year,
        kit_titles=dict(db.session.execute(sa.select(Kit.slug, Kit.title)).all()),
    )


def _locked_request(request_id: int) -> KitPackRequest:
    # FOR UPDATE on PostgreSQL: two coordinators handling the same request queue up.
    pack_request = db.session.scalar(
        sa.select(KitPackRequest).where(KitPackRequest.id == request_id).with_for_update()
    )
    if pack_request is None:
        abort(404)
    return pack_request


def _render_request(pack_request, sent_form=None, refused_form=None, status: int = 200):
    today = today_paris()
    return render_template(
        "kits/pack_request.html",
        pack_request=pack_request,
        sent_form=sent_form or PackSentForm(formdata=None, sent_on=today),
        refused_form=refused_form or PackRefusedForm(formdata=None, refused_on=today),
    ), status


@bp.route("/demandes-de-packs/<int(max=2147483647):request_id>", endpoint="pack_request")
@require_role(Role.coordinator)
def pack_request_detail(request_id: int):
    pack_request = db.session.get(KitPackRequest, request_id)
    if pack_request is None:
        abort(404)
    return _render_request(pack_request)


def _handle_transition(request_id: int, form, apply, *, form_key: str):
    """Shared by "sent" and "refused": validate, apply the service, commit once and tell the
    requester, or re-render."""
    pack_request = _locked_request(request_id)
    if form.validate_on_submit():
        try:
            apply(pack_request, form)
        except KitError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            names = {
                "organisation": pack_request.organisation_name,
                "status": pack_request.status.label.lower(),
                "email": pack_request.email,
            }
            if packs.send_status_mail(pack_request):
                flash(
                    _(
                        "La demande de %(organisation)s est marquée %(status)s ; un courriel en informe %(email)s.",
                        **names,
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "La demande de %(organisation)s est marquée %(status)s, mais le courriel n'a pas pu "
                        "partir : prévenez %(email)s vous-même.",
                        **names,
                    ),
                    "warning",
                )
            return redirect(url_for("kits.pack_requests"))
    return _render_request(pack_request, **{form_key: form}, status=422)


@bp.route("/demandes-de-packs/<int(max=2147483647):request_id>/envoi", methods=["POST"])
@require_role(Role.coordinator)
def mark_pack_sent(request_id: int):
    def apply(pack_request, form):
        packs.mark_sent(
            pack_request,
            sent_on=form.sent_on.data,
            notes=form.sent_notes.data or "",
            actor=current_user,
            today=today_paris(),
        )

    return _handle_transition(request_id, PackSentForm(), apply, form_key="sent_form")


@bp.route("/demandes-de-packs/<int(max=2147483647):request_id>/refus", methods=["POST"])
@require_role(Role.coordinator)
def mark_pack_refused(request_id: int):
    def apply(pack_request, form):
        packs.mark_refused(
            pack_request,
            refused_on=form.refused_on.data,
            notes=form.refused_notes.data or "",
            actor=current_user,
            today=today_paris(),
        )

    return _handle_transition(request_id, PackRefusedForm(), apply, form_key="refused_form")
