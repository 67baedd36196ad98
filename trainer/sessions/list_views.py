"""The session list with its filters, and the month calendar."""

from __future__ import annotations

from datetime import date

from flask import flash, render_template, request
from flask_babel import gettext as _

from trainer.attendance.labels import month_fr
from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.pagination import page_arg
from trainer.sessions import form_data, queries
from trainer.sessions.forms import SessionFilterForm
from trainer.sessions.models import SessionStatus
from trainer.sessions.views import bp
from trainer.versioned_cache import cached_page


def read_filters() -> tuple[SessionFilterForm, queries.SessionFilters]:
    """The filters of the query string; a value that does not validate is shown in error and ignored."""
    form = SessionFilterForm(request.args)
    form_data.fill_filter_choices(form)
    form.validate()

    def ok(field):
        return field.data if field.data and not field.errors else None

    status = ok(form.statut)
    filters = queries.SessionFilters(
        search=(ok(form.q) or "").strip(),
        starts_from=ok(form.du),
        starts_until=ok(form.au),
        department_code=ok(form.departement),
        kit_id=int(ok(form.outil)) if ok(form.outil) else None,
        session_type_code=ok(form.type),
        status=SessionStatus(status) if status else None,
        trainer_id=int(ok(form.formateur)) if ok(form.formateur) else None,
    )
    return form, filters


@bp.route("/sessions/", endpoint="list")
@require_role(Role.coordinator)
@cached_page
def session_list() -> str:
    form, filters = read_filters()
    page = db.paginate(queries.filtered_sessions(filters), page=page_arg(), per_page=25, error_out=False)
    figures = queries.figures_by_session([s.id for s in page.items])
    return render_template("sessions/list.html", page=page, form=form, filters=filters, figures=figures)


@bp.route("/sessions/calendrier", endpoint="calendar")
@require_role(Role.coordinator)
def month_view() -> str:
    form, filters = read_filters()
    today = date.today()
    raw = request.args.get("mois", "")
    try:
        year, month = (int(part) for part in raw.split("-", 1)) if raw else (today.year, today.month)
        first = date(year, month, 1)
        if not 1900 <= year <= 2200:
            raise ValueError
    except ValueError:
        flash(_("Mois inconnu : indiquez-le sous la forme AAAA-MM (par exemple 2026-03)."), "warning")
        first = date(today.year, today.month, 1)
    weeks = queries.month_calendar(first.year, first.month, filters)
    previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return render_template(
        "sessions/calendar.html",
        weeks=weeks,
        first=first,
        month_label=month_fr(first),
        previous=previous,
        following=following,
        form=form,
        filters=filters,
        today=today,
        args={key: value for key, value in request.args.items() if key not in ("mois", "page")},
    )
