"""Forms of the attendance area (French labels and messages)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, StringField, TextAreaField

from trainer.extensions import db
from trainer.forms import CodeSelectField, email_format, max_length, optional, required
from trainer.i18n import lazy_gettext as _l
from trainer.referential.models import Profession


class LateArrivalForm(FlaskForm):
    """Someone who turned up without being registered: registered and marked present on the spot."""

    last_name = StringField(_l("Nom"), validators=[required(), max_length(120)])
    first_name = StringField(_l("Prénom"), validators=[required(), max_length(120)])
    profession_code = CodeSelectField(
        _l("Profession"), validators=[required(_l("Choisissez une profession."))]
    )
    email = EmailField(
        _l("Adresse électronique"),
        validators=[optional(), email_format(), max_length(254)],
        description=_l("Facultative : elle sert à retrouver la personne et à lui envoyer son attestation."),
    )
    mark_present = BooleanField(_l("Marquer présent·e au créneau en cours"), default=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        professions = db.session.scalars(sa.select(Profession).order_by(Profession.label))
        self.profession_code.set_choices([(p.code, p.label) for p in professions])


class CheckInCodeForm(FlaskForm):
    """The short code shown in the room, for attendees who cannot scan the QR code."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    code = StringField(
        _l("Code affiché dans la salle"),
        validators=[required(_l("Saisissez le code affiché dans la salle.")), max_length(20)],
        description=_l("6 caractères, par exemple K7P2QX. Il change chaque minute."),
    )


class CheckInForm(FlaskForm):
    """The attendee's own check-in: who they are (list or e-mail) and their signature.

    The name list is a radio group ``registration_id`` written by the template (options may be
    disabled), read by the view from the request.
    """

    email = EmailField(
        _l("Ou votre adresse électronique"),
        validators=[optional(), email_format(), max_length(254)],
        description=_l("Si votre nom n'est pas dans la liste, celle donnée à l'inscription."),
    )
    signature = HiddenField()
    signed_name = StringField(
        _l("Signature tapée : votre prénom et votre nom"),
        validators=[optional(), max_length(200)],
        description=_l("Si vous ne pouvez pas signer à la main."),
    )
    pass_token = HiddenField()


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Motif de la révocation"),
        validators=[required(_l("Indiquez le motif de la révocation.")), max_length(1000)],
        description=_l(
            "Il reste dans le journal ; la page publique affiche seulement la date de révocation."
        ),
    )


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    code = StringField(
        _l("Code de vérification"),
        validators=[required(_l("Saisissez le code imprimé sur l'attestation.")), max_length(40)],
        description=_l("Au format ATT-XXXX-XXXX-XXXX-XXXX, imprimé en bas de l'attestation."),
    )
