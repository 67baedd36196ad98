"""Sign-in, sign-out, password reset and the signed-in user's account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from trainer.auth import services
from trainer.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm
from trainer.auth.permissions import login_required, public
from trainer.db_types import now_utc
from trainer.extensions import db, limiter
from trainer.mail import send_mail
from trainer.urls import external_url

bp = Blueprint("auth", __name__)


def _login_account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()


def _fresh_session() -> None:
    """A new session (no fixation, nothing left from the last user) that keeps the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


@bp.route("/connexion", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=_login_account_key)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(
                _(
                    "Adresse électronique ou mot de passe incorrect. Vérifiez votre saisie ou "
                    "utilisez « Mot de passe oublié »."
                )
            )
        else:
            _fresh_session()  # at login: no fixation
            login_user(user)
            session.permanent = True
            session["login_at"] = session["seen_at"] = int(now_utc().timestamp())
            services.record_login(user)
            db.session.commit()
            flash(
                _("Bienvenue, vous êtes connecté·e en tant que %(role)s.", role=user.role_label.lower()),
                "success",
            )
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout() -> Response:
    services.invalidate_sessions(current_user)
    db.session.commit()
    logout_user()
    _fresh_session()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("main.home"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        started = services.start_password_reset(form.email.data)
        if started:
            user, raw = started
            link = external_url("auth.reset_password", token=raw)
            hours = current_app.config["PASSWORD_RESET_HOURS"]
            send_mail(
                user.email,
                "Réinitialisation de votre mot de passe",
                render_template("emails/password_reset.txt", link=link, hours=hours),
            )
            db.session.commit()
        # Same answer whether or not the account exists.
        flash(
            _(
                "Si un compte existe pour cette adresse, un lien de réinitialisation vient d'être envoyé. "
                "Il est valable quelques heures et ne sert qu'une fois."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> str | Response:
    if len(token) > 100 or services.reset_token_user(token) is None:
        return render_template("auth/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.complete_password_reset(token, form.password.data)
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Votre mot de passe a été modifié. Vous pouvez vous connecter."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/mon-compte", methods=["GET", "POST"])
@login_required
def account() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.current_password.data) is None:
            form.current_password.errors.append(_("Le mot de passe actuel est incorrect."))
        else:
            try:
                services.set_password(current_user, form.password.data)
            except services.AccountError as exc:
                form.password.errors.append(str(exc))
            else:
                db.session.commit()
                # Other sessions are now invalid; keep this one signed in with the new version.
                login_user(current_user)
                flash(_("Votre mot de passe a été modifié. Vos autres sessions ont été fermées."), "success")
                return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)
