"""``GET /api/v1/reports/<id>`` (bearer token), its OpenAPI description, and the admin token screen."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer.api import services
from trainer.api.forms import IssueTokenForm
from trainer.api.openapi import openapi_document
from trainer.auth.models import ApiToken, Role, User
from trainer.auth.permissions import api_token, public, require_role
from trainer.extensions import csrf, db
from trainer.reports import exporters
from trainer.reports.definitions import get_definition
from trainer.reports.engine import run_report
from trainer.reports.filters import FilterError, Scope, parse_filters
from trainer.reports.services import record_export

bp = Blueprint("api", __name__)


def _error(status: int, message: str) -> Response:
    response = jsonify(error=status, message=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/api/v1/reports/<report_id>")
@api_token
@csrf.exempt
def report(report_id: str) -> Response:
    user = services.authenticate(request.headers.get("Authorization"))
    if user is None:
        return _error(401, "Jeton d'accès absent, inconnu ou révoqué (en-tête Authorization: Bearer …).")
    db.session.commit()  # last_used_at
    if get_definition(report_id) is None:
        return _error(404, f"Rapport inconnu : « {report_id[:60]} ».")
    try:
        filters = parse_filters(request.args, Scope.for_user(user))
    except FilterError as error:
        return _error(400, str(error))
    result = run_report(report_id, filters)
    record_export(result, "json", actor=user, channel="api")
    db.session.commit()
    response = jsonify(exporters.to_json(result))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/api/v1/openapi.json")
@public
def openapi() -> Response:
    return jsonify(openapi_document())


def _managers():
    return db.session.execute(
        sa.select(User.id, User.email)
        .where(User.role == Role.manager, User.is_active_account)
        .order_by(User.email)
    ).all()


@bp.route("/admin/jetons-api", methods=["GET", "POST"])
@require_role(Role.admin)
def tokens() -> str | Response:
    form = IssueTokenForm()
    form.user_id.set_choices(_managers())
    raw = None
    if form.validate_on_submit():
        user = db.session.get(User, int(form.user_id.data))
        try:
            if user is None:
                raise services.ApiTokenError("Ce compte n'existe pas.")
            token, raw = services.issue_token(user=user, name=form.name.data, actor=current_user)
        except services.ApiTokenError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            form = IssueTokenForm(formdata=None)
            form.user_id.set_choices(_managers())
            flash(f"Jeton « {token.name} » délivré à {user.email}.", "success")
    listed = db.session.scalars(
        sa.select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
    # The raw token is in this response only: it is never stored, nor put in the session cookie.
    response = render_template("api/tokens.html", form=form, tokens=listed, raw=raw)
    return response


@bp.route("/admin/jetons-api/<int:token_id>/revoquer", methods=["POST"])
@require_role(Role.admin)
def revoke(token_id: int) -> Response:
    token = db.get_or_404(ApiToken, token_id)
    services.revoke_token(token, actor=current_user)
    db.session.commit()
    flash(f"Le jeton « {token.name} » est révoqué.", "success")
    return redirect(url_for("api.tokens"))
