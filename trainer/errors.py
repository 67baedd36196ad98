"""French error pages for every status a browser can be given."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

TEMPLATED = {400, 403, 404, 405, 413, 429, 500}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_http_error(error: HTTPException):
    code = error.code or 500
    if _wants_json():
        return jsonify(error=code, message=error.description), code
    template = f"errors/{code}.html" if code in TEMPLATED else "errors/error.html"
    return render_template(
        template,
        code=code,
        title=error.name,
        message=error.description,
        max_size=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
    ), code


def handle_csrf_error(error: CSRFError):
    if _wants_json():
        return jsonify(error=400, message="Jeton CSRF manquant ou invalide."), 400
    return render_template(
        "errors/error.html",
        code=400,
        title=_("Formulaire expiré"),
        message=_(
            "Le formulaire a expiré ou a été envoyé depuis une autre page. "
            "Revenez en arrière, rechargez la page et renvoyez-le."
        ),
        max_size=0,
    ), 400


def handle_unexpected(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_unexpected)
