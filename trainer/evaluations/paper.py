"""For attendees without e-mail: printed QR codes, the printable questionnaire, and staff entry
of paper questionnaires (which count like online responses)."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.db_types import now_utc
from trainer.evaluations import invitations
from trainer.evaluations.answers import SCALE_LABELS, YES_NO, answer_form, collect_answers, field_name
from trainer.evaluations.answers import submit_paper as store_paper
from trainer.evaluations.forms import PaperProfessionForm, SheetForm
from trainer.evaluations.models import Phase, QuestionKind
from trainer.evaluations.printing import qr_data_uri, render_pdf
from trainer.evaluations.questionnaires import choice_list, current_questionnaire
from trainer.evaluations.services import EvaluationError
from trainer.evaluations.views import bp
from trainer.extensions import db
from trainer.referential.models import Profession
from trainer.sessions.models import TrainingSession
from trainer.urls import external_url


def _phase_arg() -> Phase:
    value = request.values.get("phase", Phase.hot.value)
    return Phase(value) if value in {p.value for p in Phase} else Phase.hot


def _pdf(content: bytes, name: str) -> Response:
    return send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.route("/evaluations/sessions/<int:session_id>/qr", methods=["GET", "POST"])
@require_role(Role.coordinator)
def qr_sheet(session_id: int) -> str | Response:
    training_session = db.get_or_404(TrainingSession, session_id)
    form = SheetForm()
    if form.validate_on_submit():
        phase = Phase(form.phase.data)
        sheet = invitations.issue_sheet_tokens(
            training_session, phase, now=now_utc(), everyone=bool(form.everyone.data)
        )
        if not sheet:
            db.session.rollback()
            flash(_("Personne n'attend de lien pour cette évaluation : aucune feuille à imprimer."), "info")
            return redirect(url_for("evaluations.qr_sheet", session_id=session_id))
        cards = []
        for registration, raw in sheet:
            url = external_url("evaluations.answer", token=raw)
            cards.append({"name": registration.person.full_name, "qr": qr_data_uri(url), "url": url})
        db.session.commit()
        context = {"training_session": training_session, "phase": phase, "cards": cards}
        if request.form.get("format") == "pdf":
            pdf = render_pdf("evaluations/pdf/qr_sheet.html", **context)
            response = _pdf(pdf, f"qr-evaluation-{training_session.reference}.pdf")
        else:
            response = make_response(render_template("evaluations/qr_sheet.html", **context))
        response.headers["Cache-Control"] = "no-store"  # personal links: keep them out of caches
        return response
    return render_template("evaluations/qr_form.html", form=form, training_session=training_session)


def _paper_context(training_session: TrainingSession, phase: Phase) -> dict:
    questionnaire = current_questionnaire(phase)
    if questionnaire is None:
        abort(404)
    return {
        "training_session": training_session,
        "phase": phase,
        "questionnaire": questionnaire,
        "scale_labels": SCALE_LABELS,
        "yes_no": [_(value) for value in YES_NO],
        "choice_list": choice_list,
        "QuestionKind": QuestionKind,
    }


@bp.route("/evaluations/sessions/<int:session_id>/questionnaire-papier")
@require_role(Role.coordinator)
def paper_form(session_id: int) -> str | Response:
    training_session = db.get_or_404(TrainingSession, session_id)
    context = _paper_context(training_session, _phase_arg())
    if request.args.get("format") == "pdf":
        pdf = render_pdf("evaluations/pdf/paper_form.html", **context)
        return _pdf(pdf, f"questionnaire-{context['phase'].value}-{training_session.reference}.pdf")
    return render_template("evaluations/paper_form.html", **context)


@bp.route("/evaluations/sessions/<int:session_id>/saisie-papier", methods=["GET", "POST"])
@require_role(Role.coordinator)
def paper_entry(session_id: int) -> str | Response:
    training_session = db.get_or_404(TrainingSession, session_id)
    phase = _phase_arg()
    questionnaire = current_questionnaire(phase)
    if questionnaire is None:
        abort(404)
    form = answer_form(questionnaire, enforce_required=False, base=PaperProfessionForm)
    professions = db.session.scalars(sa.select(Profession).order_by(Profession.label)).all()
    form.profession_code.set_choices([(p.code, p.label) for p in professions])
    if form.validate_on_submit():
        try:
            store_paper(
                training_session,
                phase,
                questionnaire,
                collect_answers(questionnaire, form),
                profession_code=form.profession_code.data or None,
                now=now_utc(),
                actor=current_user,
            )
        except EvaluationError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("La réponse papier a été enregistrée. Vous pouvez saisir la suivante."), "success")
            return redirect(url_for("evaluations.paper_entry", session_id=session_id, phase=phase.value))
    return render_template(
        "evaluations/paper_entry.html",
        form=form,
        training_session=training_session,
        questionnaire=questionnaire,
        phase=phase,
        field_name=field_name,
    ), 422 if form.errors else 200
