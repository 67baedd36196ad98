"""Results pages: overview per session, kit and trainer, and one session's detailed results."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.db_types import now_utc
from trainer.evaluations import charts, sending, services
from trainer.evaluations import results as result_data
from trainer.evaluations.models import EvaluationResponse, Phase
from trainer.evaluations.services import IndicatorRates, RateFilters
from trainer.extensions import db
from trainer.i18n import lazy_gettext as _l
from trainer.pagination import page_arg
from trainer.sessions.models import HELD_STATUSES, TrainingSession

bp = Blueprint("evaluations", __name__)

VIEWS = {"sessions": _l("Par session"), "outils": _l("Par outil"), "formateurs": _l("Par formateur·rice")}


def visible_session(session_id: int) -> TrainingSession:
    """The session if the current user may see its results; 404 otherwise (no existence leak)."""
    training_session = db.session.get(TrainingSession, session_id)
    if training_session is None or not services.can_see_session(current_user, training_session):
        abort(404)
    return training_session


def _common_context() -> dict:
    minimum = services.minimum_shown()
    return {
        "minimum": minimum,
        "masked_message": _(
            "moins de %(n)s réponses : résultats masqués pour préserver l'anonymat", n=minimum
        ),
        "is_coordinator": current_user.has_role(Role.coordinator),
        "Phase": Phase,
    }


@bp.route("/evaluations/")
@require_role(Role.coordinator, Role.trainer)
def results() -> str:
    scope = services.scope_for(current_user)
    context = _common_context()
    allowed = list(VIEWS) if context["is_coordinator"] else ["sessions"]
    view = request.args.get("vue", "sessions")
    view = view if view in allowed else "sessions"
    context.update(
        view=view,
        views={key: VIEWS[key] for key in allowed},
        overall=services.indicator_rates(scope),
        per_phase=services.indicator_rates_by(scope, "phase"),
    )
    if view == "sessions":
        page = db.paginate(
            result_data.sessions_with_evaluations(scope.trainer_person_id),
            page=page_arg(),
            per_page=25,
            error_out=False,
        )
        ids = [training_session.id for training_session in page.items]
        context.update(
            page=page,
            rates=services.indicator_rates_by(replace(scope, session_ids=ids), "session") if ids else {},
            counts=result_data.phase_counts(ids),
        )
    else:
        group = "kit" if view == "outils" else "trainer"
        rates = services.indicator_rates_by(scope, group)
        answered = sa.select(EvaluationResponse.session_id)
        labels = result_data.kit_labels(rates) if group == "kit" else result_data.trainer_labels(rates)
        rows = sorted(
            ((labels[key], rates[key]) for key in rates if key in labels),
            key=lambda item: (item[0].title if group == "kit" else item[0].sortable_name).lower(),
        )
        context.update(rows=rows, group=group, sessions_per=result_data.sessions_per(group, answered))
    return render_template("evaluations/results.html", **context)


@bp.route("/evaluations/sessions/<int:session_id>")
@require_role(Role.coordinator, Role.trainer)
def session_results(session_id: int) -> str:
    training_session = visible_session(session_id)
    context = _common_context()
    minimum = context["minimum"]
    counts = result_data.phase_counts([session_id])
    by_phase = services.indicator_rates_by(RateFilters(session_id=session_id), "phase")
    phases = []
    for phase in Phase:
        rates = by_phase.get(phase, IndicatorRates())
        detail = {"phase": phase, "rates": rates, "counts": counts.get((session_id, phase))}
        if rates.responses >= minimum:
            distributions = result_data.scale_distributions(session_id, phase)
            detail.update(
                distributions=distributions,
                chart=charts.as_data_uri(charts.distribution_svg(distributions)) if distributions else None,
                choices=result_data.choice_counts(session_id, phase),
                comments=result_data.comments(session_id, phase),
            )
        phases.append(detail)
    return render_template(
        "evaluations/session.html",
        training_session=training_session,
        overall=services.indicator_rates(RateFilters(session_id=session_id)),
        phases=phases,
        per_phase=by_phase,
        can_invite=training_session.status in HELD_STATUSES,
        **context,
    )


@bp.route("/evaluations/sessions/<int:session_id>/invitations", methods=["POST"])
@require_role(Role.coordinator)
def invite(session_id: int) -> Response:
    training_session = db.get_or_404(TrainingSession, session_id)
    if training_session.status not in HELD_STATUSES:
        flash(_("Les invitations partent une fois la session réalisée ou clôturée."), "error")
        return redirect(url_for("evaluations.session_results", session_id=session_id))
    report = sending.open_session_evaluations(training_session, now=now_utc(), actor=current_user)
    db.session.commit()
    sent = report.sent["hot"]
    message = ngettext(
        "%(count)s invitation envoyée par courriel.",
        "%(count)s invitations envoyées par courriel.",
        sent if sent > 1 else 1,  # French: "0 invitation envoyée"
        count=sent,
    )
    if report.failed:
        message += " " + _(
            "%(count)s message(s) refusé(s) par le serveur de courriel : réessayez plus tard.",
            count=report.failed,
        )
    flash(message, "error" if report.failed else "success")
    return redirect(url_for("evaluations.session_results", session_id=session_id))
