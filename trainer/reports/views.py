"""Dashboard, one page per report, downloads, the activity report and the public results page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer.auth.models import Role
from trainer.auth.permissions import public, require_role
from trainer.extensions import db
from trainer.reports import charts, services
from trainer.reports.definitions import definitions, get_definition
from trainer.reports.engine import ReportError, run_report
from trainer.reports.filters import FilterError, ReportFilters, parse_filters
from trainer.reports.forms import FiltersForm, PublicationForm
from trainer.reports.public import public_results
from trainer.versioned_cache import cached_page

bp = Blueprint("reports", __name__)
READERS = (Role.coordinator, Role.manager)
PAGE_ROWS = 500  # longer tables (the session log) are complete in the downloads
DOWNLOADS = (("csv", "CSV"), ("csv-excel", "CSV (Excel)"), ("xlsx", "XLSX"), ("pdf", "PDF"))


def _filters() -> tuple[ReportFilters, str | None]:
    """The request's filters with the account's scope; on a bad value, no filter and the message."""
    scope = services.scope_for(current_user)
    try:
        return parse_filters(request.args, scope), None
    except FilterError as error:
        return ReportFilters(scope=scope), str(error)


def _form() -> FiltersForm:
    return FiltersForm(formdata=request.args).fill(services.scope_for(current_user))


def _panel(report_id: str, filters: ReportFilters) -> dict:
    result = run_report(report_id, filters)
    data = charts.chart_data(result)
    return {
        "result": result,
        "rows": services.display_rows(result),
        "chart": charts.data_uri(charts.render_svg(data)) if data and not data.is_empty else None,
        "chart_data": data,
    }


@bp.route("/rapports/")
@require_role(*READERS)
@cached_page
def dashboard() -> str:
    filters, error = _filters()
    key_figures = run_report("key-figures", filters)
    panels = [_panel(report_id, filters) for report_id in services.DASHBOARD_PANELS]
    rates = _panel("key-figures", filters)
    return render_template(
        "reports/dashboard.html",
        form=_form(),
        error=error,
        filters=filters,
        described=services.describe_filters(filters),
        headline=[(label, key_figures.value(name), name) for name, label in services.HEADLINE],
        key_figures=key_figures,
        key_rows=services.display_rows(key_figures),
        panels=panels,
        rates=rates,
        reports=list(definitions().values()),
        downloads=DOWNLOADS,
        year=(filters.date_from or date.today()).year,
    )


@bp.route("/rapports/<report_id>")
@require_role(*READERS)
def report(report_id: str) -> str:
    definition = get_definition(report_id)
    if definition is None:
        abort(404)
    filters, error = _filters()
    panel = _panel(report_id, filters)
    return render_template(
        "reports/report.html",
        definition=definition,
        form=_form(),
        error=error,
        filters=filters,
        described=services.describe_filters(filters),
        panel=panel,
        page_rows=PAGE_ROWS,
        downloads=DOWNLOADS,
    )


@bp.route("/rapports/<report_id>/telecharger/<fmt>")
@require_role(*READERS)
def download(report_id: str, fmt: str) -> Response:
    if get_definition(report_id) is None or fmt not in dict(DOWNLOADS):
        abort(404)
    filters, error = _filters()
    if error:
        abort(400, description=error)
    exported = services.export_report(report_id, fmt, filters, actor=current_user)
    db.session.commit()
    return _send(exported.content, exported.mimetype, exported.filename)


@bp.route("/rapports/rapport-activite.pdf")
@require_role(*READERS)
def activity_report() -> Response:
    filters, error = _filters()
    if error:
        abort(400, description=error)
    year = filters.date_from.year if filters.date_from else date.today().year
    content = services.activity_report_pdf(year, filters, actor=current_user)
    db.session.commit()
    return _send(content, "application/pdf", f"rapport-activite-{year}.pdf")


def _send(content: bytes, mimetype: str, filename: str) -> Response:
    import io

    response = send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/rapports/publication", methods=["GET", "POST"])
@require_role(Role.admin)
def publication() -> str | Response:
    form = PublicationForm()
    if request.method == "GET":
        form.enabled.data = services.public_results_enabled()
    if form.validate_on_submit():
        services.set_public_results(bool(form.enabled.data), actor=current_user)
        db.session.commit()
        flash(
            "La page publique des résultats est publiée."
            if form.enabled.data
            else "La page publique des résultats est retirée.",
            "success",
        )
        return redirect(url_for("reports.publication"))
    return render_template("reports/publication.html", form=form, enabled=services.public_results_enabled())


@bp.route("/resultats")
@public
def public_page() -> str:
    if not services.public_results_enabled():
        abort(404)
    return render_template("reports/public_results.html", results=public_results(date.today()))


@bp.errorhandler(ReportError)
def _report_error(error: ReportError):
    return render_template(
        "errors/error.html", code=400, title="Rapport", message=str(error), max_size=0
    ), 400


@bp.app_template_filter("report_cell")
def report_cell(value, column_type: str = "text") -> str:
    """A cell as French text: thin-space thousands, decimal comma, dates DD/MM/YYYY, "—" if empty."""
    if value is None or value == "":
        return "—" if column_type != "text" else ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    if isinstance(value, float):
        places = 2 if column_type == "decimal" and value != round(value, 1) else 1
        return f"{value:,.{places}f}".replace(",", "\u202f").replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
