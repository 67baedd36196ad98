"""Imports for coordinators: upload → preview (errors or what would be stored) → confirm; batches."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.forms import EmptyForm
from trainer.imports import uploads
from trainer.imports.columns import TABLES
from trainer.imports.forms import ImportForm
from trainer.imports.issues import ImportRejected, ImportsError, Issue
from trainer.imports.models import ImportBatch
from trainer.imports.samples import template_csv, template_xlsx
from trainer.imports.services import COUNT_LABELS, SESSION_TABLES, run_import
from trainer.imports.undo import undo_batch
from trainer.pagination import page_arg
from trainer.sessions.models import TrainingSession

bp = Blueprint("imports", __name__, url_prefix="/imports")

ERRORS_SHOWN = 1000
UNDO_LABELS = {
    "registrations_deleted": "inscriptions supprimées",
    "persons_deleted": "personnes supprimées",
    "sessions_deleted": "sessions supprimées",
    "responses_deleted": "questionnaires supprimés",
    "invitations_reopened": "participant·es de nouveau « sans réponse »",
    "declarations_deleted": "formations déclarées supprimées",
    "headcounts_deleted": "effectifs supprimés",
    "organisations_deleted": "organismes supprimés",
}


@bp.route("/", endpoint="list")
@require_role(Role.coordinator)
def batches() -> str:
    query = sa.select(ImportBatch).order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
    page = db.paginate(query, page=page_arg(), per_page=30, error_out=False)
    return render_template(
        "imports/list.html", page=page, tables=TABLES, summaries=_summaries(page.items), form=EmptyForm()
    )


@bp.route("/nouveau", methods=["GET", "POST"], endpoint="new")
@require_role(Role.coordinator)
def new_import() -> str | Response:
    form = ImportForm()
    if request.method == "GET":
        table = request.args.get("table", "")
        form.table.data = table if table in TABLES else None
        form.session_reference.data = request.args.get("session", "").strip()[:60]
    reference = (form.session_reference.data or "").strip()[:60] or None
    training_session = _session_by_reference(reference)
    if reference and training_session is None:
        abort(404, description=f"Session inconnue : « {reference} ».")
    if form.validate_on_submit():
        if reference and form.table.data not in SESSION_TABLES:
            form.table.errors.append("Pour une session, importez des participant·es ou des évaluations.")
        else:
            pending = uploads.store(
                form.file.data, user_id=current_user.id, table=form.table.data, session_reference=reference
            )
            pending.preview = _preview(pending)
            pending.save_note()
            return redirect(url_for("imports.preview", token=pending.token))
    return render_template("imports/new.html", form=form, tables=TABLES, training_session=training_session)


@bp.route("/apercu/<token>", endpoint="preview")
@require_role(Role.coordinator)
def preview(token: str) -> str:
    pending = uploads.load(token, current_user.id)
    if pending is None:
        abort(404, description="Cet import n'est plus en attente : déposez à nouveau le fichier.")
    return render_template(
        "imports/preview.html",
        pending=pending,
        result=pending.preview,
        spec=TABLES[pending.table],
        training_session=_session_by_reference(pending.session_reference),
        form=EmptyForm(),
    )


@bp.route("/apercu/<token>/confirmer", methods=["POST"], endpoint="confirm")
@require_role(Role.coordinator)
def confirm(token: str) -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    pending = uploads.load(token, current_user.id)
    if pending is None:
        flash("Cet import a déjà été confirmé ou abandonné.", "info")
        return redirect(url_for("imports.list"))
    try:
        outcome = run_import(
            pending.table,
            pending.path,
            filename=pending.filename,
            actor=current_user,
            session_reference=pending.session_reference,
        )
    except ImportsError as exc:
        db.session.rollback()
        pending.preview = _failure(exc)
        pending.save_note()
        flash("Rien n'a été enregistré : voyez les erreurs ci-dessous.", "error")
        return redirect(url_for("imports.preview", token=token))
    db.session.commit()
    pending.discard()
    flash(f"Import n° {outcome.batch_id} enregistré : {outcome.row_count} lignes.", "success")
    return redirect(url_for("imports.detail", batch_id=outcome.batch_id))


@bp.route("/apercu/<token>/abandonner", methods=["POST"], endpoint="discard")
@require_role(Role.coordinator)
def discard(token: str) -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    pending = uploads.load(token, current_user.id)
    if pending is not None:
        pending.discard()
        flash("Import abandonné : rien n'a été enregistré.", "info")
    return redirect(url_for("imports.new"))


@bp.route("/<int:batch_id>", endpoint="detail")
@require_role(Role.coordinator)
def detail(batch_id: int) -> str:
    batch = db.get_or_404(ImportBatch, batch_id)
    summary = _summaries([batch])[batch.id]
    return render_template(
        "imports/detail.html",
        batch=batch,
        summary=summary,
        spec=TABLES[batch.table.value],
        training_session=_session_by_reference(summary.get("session_reference")),
        form=EmptyForm(),
    )


@bp.route("/<int:batch_id>/annuler", methods=["POST"], endpoint="undo")
@require_role(Role.coordinator)
def undo(batch_id: int) -> Response:
    batch = db.get_or_404(ImportBatch, batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        counts = undo_batch(batch, current_user)
    except ImportsError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("imports.detail", batch_id=batch_id))
    db.session.commit()
    done = ", ".join(f"{UNDO_LABELS[key]} : {value}" for key, value in counts.items() if value)
    flash(f"Import n° {batch_id} annulé{' (' + done + ')' if done else ''}.", "success")
    return redirect(url_for("imports.detail", batch_id=batch_id))


@bp.route("/modeles/<table>.<fmt>", endpoint="template")
@require_role(Role.coordinator)
def template(table: str, fmt: str) -> Response:
    spec = TABLES.get(table)
    if spec is None or fmt not in ("csv", "xlsx"):
        abort(404)
    if fmt == "csv":
        data, mimetype = template_csv(spec), "text/csv"
    else:
        data = template_xlsx(spec)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=f"modele-{table}.{fmt}"
    )


def _session_by_reference(reference: str | None) -> TrainingSession | None:
    if not reference:
        return None
    return db.session.scalar(sa.select(TrainingSession).where(TrainingSession.reference == reference))


def _preview(pending: uploads.PendingUpload) -> dict:
    """Run the import without storing anything and keep what it found."""
    try:
        outcome = run_import(
            pending.table,
            pending.path,
            filename=pending.filename,
            actor=current_user,
            dry_run=True,
            session_reference=pending.session_reference,
        )
    except ImportsError as exc:
        db.session.rollback()
        return _failure(exc)
    db.session.rollback()
    return {
        "ok": True,
        "row_count": outcome.row_count,
        "description": outcome.description,
        "counts": outcome.count_lines(),
        "warnings": [str(warning) for warning in outcome.warnings[:ERRORS_SHOWN]],
        "warning_count": outcome.warning_count,
    }


def _failure(exc: ImportsError) -> dict:
    if isinstance(exc, ImportRejected):
        log = exc.log
        return {
            "ok": False,
            "message": str(exc),
            "description": exc.description,
            "errors": [str(issue) for issue in log.errors[:ERRORS_SHOWN]],
            "error_count": log.error_count,
            "warnings": [str(warning) for warning in log.warnings[:ERRORS_SHOWN]],
            "warning_count": log.warning_count,
        }
    return {
        "ok": False,
        "message": str(exc),
        "errors": [],
        "error_count": 0,
        "warnings": [],
        "warning_count": 0,
    }


def _summaries(batches: list[ImportBatch]) -> dict[int, dict]:
    result = {}
    for batch in batches:
        try:
            summary = json.loads(batch.summary or "{}")
        except ValueError:
            summary = {}
        counts = summary.get("counts", {})
        summary["count_lines"] = [
            (label, counts[key]) for key, label in COUNT_LABELS.items() if counts.get(key)
        ]
        summary["warning_lines"] = [
            str(Issue(item.get("message", ""), item.get("line"), item.get("column")))
            for item in summary.get("warnings", [])
        ]
        result[batch.id] = summary
    return result
