from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField

from trainer.forms import CodeSelectField, max_length, required


class IssueTokenForm(FlaskForm):
    user_id = CodeSelectField(
        "Compte responsable", validators=[required("Choisissez un compte.")], empty_label="—"
    )
    name = StringField(
        "Nom du jeton",
        validators=[required("Donnez un nom au jeton."), max_length(120)],
        description="Pour s'y retrouver, par exemple « Observatoire régional — tableau de bord ».",
    )
