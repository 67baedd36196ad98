"""Home page, legal and accessibility pages, and a minimal health route."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer.auth.permissions import public

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home() -> str:
    return render_template("main/home.html", user=current_user)


@bp.route("/accessibilite")
@public
def accessibility() -> str:
    return render_template("main/accessibility.html")


@bp.route("/mentions-legales")
@public
def legal() -> str:
    return render_template("main/legal.html")


@bp.route("/sante")
@public
def health() -> Response:
    # Used by load balancers and as the benchmark's minimal route: no database, no template.
    return Response("ok", mimetype="text/plain")
