from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo

from trainer.forms import email_format, max_length, required


class LoginForm(FlaskForm):
    email = EmailField("Adresse électronique", validators=[required(), email_format(), max_length(254)])
    password = PasswordField("Mot de passe", validators=[required(), max_length(512)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Adresse électronique", validators=[required(), email_format(), max_length(254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "Nouveau mot de passe",
        validators=[required(), max_length(512)],
        description="12 caractères au minimum ; une phrase de passe convient très bien.",
    )
    confirm = PasswordField(
        "Confirmez le mot de passe",
        validators=[
            required(),
            EqualTo("password", message="Les deux mots de passe ne sont pas identiques."),
        ],
    )


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField("Mot de passe actuel", validators=[required(), max_length(512)])
