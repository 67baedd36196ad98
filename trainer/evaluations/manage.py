"""Coordinators edit the questionnaires; an answered version is copied, never changed in place."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer import audit
from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.evaluations import questionnaires as service
from trainer.evaluations.forms import QuestionForm, QuestionnaireForm
from trainer.evaluations.models import (
    EvaluationResponse,
    Indicator,
    Phase,
    Question,
    QuestionKind,
    Questionnaire,
)
from trainer.evaluations.services import INDICATOR_LABELS, EvaluationError
from trainer.evaluations.views import bp
from trainer.extensions import db


def _apply(
    before: Questionnaire, change: Callable[[], Questionnaire], *, done: str = "", form=None
) -> Response | None:
    """Run a change to ``before``, commit it and go to the questionnaire it landed in.

    ``change`` returns that questionnaire: ``before`` itself, or the new version that a change to
    an answered one creates (a message says so). A refused change goes into ``form``'s errors
    (None is returned: the caller shows the form again) or, without a form, into a message on
    ``before``'s page.
    """
    try:
        after = change()
    except EvaluationError as exc:
        if form is not None:
            form.form_errors.append(str(exc))
            return None
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("evaluations.questionnaire", questionnaire_id=before.id))
    db.session.commit()
    if after.id != before.id:
        flash(
            _(
                "La version %(old)s avait déjà des réponses : elle est conservée telle quelle et "
                "la version %(new)s, qui contient votre modification, devient la version en cours.",
                old=before.version,
                new=after.version,
            ),
            "info",
        )
    if done:
        flash(done, "success")
    return redirect(url_for("evaluations.questionnaire", questionnaire_id=after.id))


@bp.route("/evaluations/questionnaires")
@require_role(Role.coordinator)
def questionnaires() -> str:
    counts = dict(
        db.session.execute(
            sa.select(EvaluationResponse.questionnaire_id, sa.func.count()).group_by(
                EvaluationResponse.questionnaire_id
            )
        ).all()
    )
    versions = db.session.scalars(
        sa.select(Questionnaire).order_by(Questionnaire.phase, Questionnaire.version.desc())
    ).all()
    missing = [phase for phase in Phase if not any(v.phase == phase for v in versions)]
    return render_template(
        "evaluations/questionnaires.html", versions=versions, counts=counts, missing=missing
    )


@bp.route("/evaluations/questionnaires/defauts", methods=["POST"])
@require_role(Role.coordinator)
def install_defaults() -> Response:
    installed = service.ensure_default_questionnaires()
    if installed:
        audit.record("questionnaire.install_defaults", actor=current_user, summary=", ".join(installed))
    db.session.commit()
    flash(_("Les questionnaires par défaut sont en place."), "success")
    return redirect(url_for("evaluations.questionnaires"))


@bp.route("/evaluations/questionnaires/<int:questionnaire_id>")
@require_role(Role.coordinator)
def questionnaire(questionnaire_id: int) -> str:
    item = db.get_or_404(Questionnaire, questionnaire_id)
    return render_template(
        "evaluations/questionnaire.html",
        questionnaire=item,
        responses=service.response_count(item),
        kind_labels=service.KIND_LABELS,
        indicator_labels=INDICATOR_LABELS,
    )


@bp.route("/evaluations/questionnaires/<int:questionnaire_id>/modifier", methods=["GET", "POST"])
@require_role(Role.coordinator)
def edit_questionnaire(questionnaire_id: int) -> str | Response:
    item = db.get_or_404(Questionnaire, questionnaire_id)
    form = QuestionnaireForm(obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        response = _apply(
            item,
            lambda: service.update_questionnaire(
                item, title=form.title.data, introduction=form.introduction.data or "", actor=current_user
            ),
            done=_("Le questionnaire a été mis à jour."),
            form=form,
        )
        if response is not None:
            return response
    return render_template("evaluations/questionnaire_form.html", form=form, questionnaire=item)


def _data(form: QuestionForm) -> service.QuestionData:
    return service.QuestionData(
        text=form.text.data or "",
        kind=QuestionKind(form.kind.data),
        help_text=form.help_text.data or "",
        choices=form.choices_text.data or "",
        is_required=bool(form.is_required.data),
        indicator=Indicator(form.indicator.data) if form.indicator.data else None,
    )


@bp.route("/evaluations/questionnaires/<int:questionnaire_id>/questions/nouvelle", methods=["GET", "POST"])
@require_role(Role.coordinator)
def add_question(questionnaire_id: int) -> str | Response:
    item = db.get_or_404(Questionnaire, questionnaire_id)
    form = QuestionForm()
    if form.validate_on_submit():
        response = _apply(
            item,
            lambda: service.add_question(item, _data(form), actor=current_user).questionnaire,
            done=_("La question a été ajoutée."),
            form=form,
        )
        if response is not None:
            return response
    return render_template("evaluations/question_form.html", form=form, questionnaire=item, question=None)


@bp.route("/evaluations/questions/<int:question_id>", methods=["GET", "POST"])
@require_role(Role.coordinator)
def edit_question(question_id: int) -> str | Response:
    question = db.get_or_404(Question, question_id)
    before = question.questionnaire
    form = QuestionForm(obj=question if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = question.kind.value
        form.indicator.data = question.indicator.value if question.indicator else ""
        form.choices_text.data = question.choices
    if form.validate_on_submit():
        response = _apply(
            before,
            lambda: service.update_question(question, _data(form), actor=current_user).questionnaire,
            done=_("La question a été modifiée."),
            form=form,
        )
        if response is not None:
            return response
    return render_template(
        "evaluations/question_form.html", form=form, questionnaire=before, question=question
    )


@bp.route("/evaluations/questions/<int:question_id>/supprimer", methods=["POST"])
@require_role(Role.coordinator)
def delete_question(question_id: int) -> Response:
    question = db.get_or_404(Question, question_id)
    return _apply(
        question.questionnaire,
        lambda: service.delete_question(question, actor=current_user),
        done=_("La question a été supprimée."),
    )


@bp.route("/evaluations/questions/<int:question_id>/deplacer", methods=["POST"])
@require_role(Role.coordinator)
def move_question(question_id: int) -> Response:
    question = db.get_or_404(Question, question_id)
    offset = -1 if request.form.get("sens") == "haut" else 1
    return _apply(question.questionnaire, lambda: service.move_question(question, offset, actor=current_user))
