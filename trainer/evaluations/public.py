"""The participant's evaluation form, reached by a personal link: no account, nothing saved
until the form is submitted, and a kind page for a used, expired or unknown link."""

from __future__ import annotations

from flask import current_app, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from trainer.auth.permissions import public
from trainer.database import begin_write, reads_first
from trainer.db_types import now_utc
from trainer.evaluations.answers import (
    LinkUnavailable,
    answer_form,
    collect_answers,
    field_name,
    submit_online,
)
from trainer.evaluations.invitations import find_invitation, link_state
from trainer.evaluations.models import QuestionKind
from trainer.evaluations.questionnaires import current_questionnaire
from trainer.evaluations.services import minimum_shown
from trainer.evaluations.views import bp
from trainer.extensions import db, limiter
from trainer.sessions.models import Registration

UNAVAILABLE_STATUS = {"unknown": 404, "used": 409, "expired": 410, "no_questionnaire": 503}


def _rate_limit() -> str:
    return current_app.config.get("EVALUATION_RATE_LIMIT", "120 per minute")


def _private(response: Response) -> Response:
    # The address holds a personal token: keep it out of caches and search engines.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _unavailable(reason: str, *, method: str) -> Response:
    status = UNAVAILABLE_STATUS[reason]
    if reason == "used" and method == "GET":
        status = 200
    page = render_template("evaluations/unavailable.html", reason=reason, participant_page=True)
    return _private(make_response(page, status))


@bp.route("/evaluation/<token>", methods=["GET", "POST"])
@public
@reads_first
@limiter.limit(_rate_limit)
def answer(token: str) -> Response:
    now = now_utc()
    invitation = find_invitation(token)
    state = link_state(invitation, now)
    if state != "open":
        return _unavailable(state, method=request.method)
    questionnaire = current_questionnaire(invitation.phase)
    if questionnaire is None:
        return _unavailable("no_questionnaire", method=request.method)
    form = answer_form(questionnaire)
    if request.method == "POST" and form.validate():
        answers = collect_answers(questionnaire, form)
        invitation_id, phase, questionnaire_id = invitation.id, invitation.phase, questionnaire.id
        # Only the single-use check and the inserts hold SQLite's write lock, not the validation.
        begin_write()
        try:
            submit_online(invitation_id, phase, questionnaire_id, answers, now=now)
        except LinkUnavailable as exc:
            db.session.rollback()
            return _unavailable(exc.reason, method="POST")
        db.session.commit()
        return redirect(url_for("evaluations.thanks"), code=303)
    registration = db.session.get(Registration, invitation.registration_id)
    text_questions = [q for q in questionnaire.questions if q.kind == QuestionKind.text]
    page = render_template(
        "evaluations/form.html",
        form=form,
        questionnaire=questionnaire,
        training_session=registration.training_session,
        field_name=field_name,
        first_text_id=text_questions[0].id if text_questions else None,
        participant_page=True,
    )
    return _private(make_response(page, 422 if form.errors else 200))


@bp.route("/evaluation/merci")
@public
def thanks() -> str:
    return render_template("evaluations/thanks.html", minimum=minimum_shown(), participant_page=True)
