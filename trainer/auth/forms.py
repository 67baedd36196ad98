from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo

from trainer.forms import email_format, max_length, required
from trainer.i18n import lazy_gettext as _l


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse électronique"), validators=[required(), email_format(), max_length(254)])
    password = PasswordField(_l("Mot de passe"), validators=[required(), max_length(512)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Adresse électronique"), validators=[required(), email_format(), max_length(254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[required(), max_length(512)],
        description=_l("12 caractères au minimum ; une phrase de passe convient très bien."),
    )
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[
            required(),
            EqualTo("password", message=_l("Les deux mots de passe ne sont pas identiques.")),
        ],
    )


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(_l("Mot de passe actuel"), validators=[required(), max_length(512)])
