"""Staff forms: questionnaire and question editing, QR sheets and paper entry."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from trainer.evaluations.models import PHASE_LABELS, Indicator, Phase, QuestionKind
from trainer.evaluations.questionnaires import KIND_LABELS, MAX_CHOICES
from trainer.evaluations.services import INDICATOR_LABELS
from trainer.forms import CodeSelectField, choices, max_length, optional, required
from trainer.i18n import lazy_gettext as _l

PHASE_CHOICES = [(phase.value, _l(PHASE_LABELS[phase])) for phase in Phase]


class QuestionnaireForm(FlaskForm):
    title = StringField(_l("Titre"), validators=[required(), max_length(200)])
    introduction = TextAreaField(
        _l("Introduction"),
        validators=[optional(), max_length(2000)],
        description=_l("Affichée en haut du formulaire, avant les questions."),
    )


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Question"), validators=[required(), max_length(1000)])
    help_text = TextAreaField(
        _l("Aide (facultatif)"),
        validators=[optional(), max_length(1000)],
        description=_l("Affichée sous la question."),
    )
    kind = SelectField(
        _l("Type de réponse"),
        choices=choices([(kind.value, label) for kind, label in KIND_LABELS.items()]),
        validators=[required()],
    )
    choices_text = TextAreaField(
        _l("Choix proposés"),
        validators=[optional(), max_length(MAX_CHOICES * 251)],
        description=_l("Pour une question à choix : un choix par ligne, de 2 à 12 choix."),
    )
    is_required = BooleanField(_l("Réponse obligatoire"))
    indicator = CodeSelectField(
        _l("Indicateur mesuré"),
        validators=[optional()],
        empty_label=_l("Aucun"),
        description=_l(
            "Seulement pour une échelle de 1 à 4 : la réponse compte dans le taux de cet indicateur."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicator.set_choices([(i.value, INDICATOR_LABELS[i]) for i in Indicator])

    def validate_indicator(self, field) -> None:
        # The select itself refuses values outside its choices; this is the cross-field rule.
        if field.data and self.kind.data != QuestionKind.scale4.value:
            raise ValidationError(_("Un indicateur ne se mesure qu'avec une échelle de 1 à 4."))


class SheetForm(FlaskForm):
    """Printing personal QR codes for a session."""

    phase = RadioField(
        _l("Évaluation"), choices=choices(PHASE_CHOICES), default=Phase.hot.value, validators=[required()]
    )
    everyone = BooleanField(
        _l(
            "Inclure les personnes qui ont une adresse électronique (leur lien envoyé par courriel ne "
            "fonctionnera plus)"
        )
    )


class PaperProfessionForm(FlaskForm):
    """The profession written on a paper questionnaire, if any."""

    profession_code = CodeSelectField(
        _l("Profession indiquée sur le questionnaire"),
        validators=[optional()],
        empty_label=_l("Non indiquée"),
    )
