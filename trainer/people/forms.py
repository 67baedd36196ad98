"""Forms of the person registry."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Form,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import ValidationError

from trainer.forms import CodeSelectField, choices, email_format, max_length, optional, required
from trainer.i18n import lazy_gettext as _l
from trainer.people.models import ORGANISATION_KIND_LABELS


class PersonForm(FlaskForm):
    last_name = StringField(_l("Nom"), validators=[required(), max_length(120)])
    first_name = StringField(_l("Prénom"), validators=[required(), max_length(120)])
    email = EmailField(
        _l("Adresse électronique"),
        validators=[optional(), email_format(), max_length(254)],
        description=_l("Facultative ; une adresse ne peut appartenir qu'à une seule fiche."),
    )
    profession_code = CodeSelectField(_l("Profession"), validators=[optional()])
    organisation_id = CodeSelectField(_l("Employeur"), validators=[optional()], empty_label=_l("Aucun"))
    department_code = CodeSelectField(_l("Département d'exercice"), validators=[optional()])


class PeopleFilterForm(Form):
    q = SearchField(_l("Rechercher"), validators=[optional(), max_length(100)])
    role = SelectField(
        _l("Rôle"),
        choices=choices(
            [("", _l("Tous")), ("formateur", _l("Formateur·rices")), ("referent", _l("Référent·es"))]
        ),
        validators=[optional()],
    )
    profession = CodeSelectField(_l("Profession"), validators=[optional()], empty_label=_l("Toutes"))
    departement = CodeSelectField(_l("Département"), validators=[optional()], empty_label=_l("Tous"))


class TrainerProfileForm(FlaskForm):
    kit_ids = SelectMultipleField(_l("Outils qu'elle ou il peut animer"), render_kw={"data-checkboxes": True})
    qualifying_session_reference = StringField(
        _l("Référence de la formation de formateur·rices suivie"),
        validators=[optional(), max_length(60)],
        description=_l(
            "La session de type « formation de formateurs » qui l'a qualifié·e (relie la cascade)."
        ),
    )
    qualified_on = DateField(_l("Date de qualification"), validators=[optional()])
    expires_on = DateField(
        _l("Date d'expiration"),
        validators=[optional()],
        description=_l("Si votre organisme fixe une durée de validité."),
    )
    is_active = BooleanField(_l("Formateur·rice en activité"), default=True)

    def validate_expires_on(self, field):
        if field.data and self.qualified_on.data and field.data < self.qualified_on.data:
            raise ValidationError(_("La date d'expiration doit être postérieure à la date de qualification."))


class MandateForm(FlaskForm):
    referent_type_code = CodeSelectField(_l("Type de référent·e"), validators=[required()])
    establishment = StringField(_l("Établissement"), validators=[required(), max_length(200)])
    department_code = CodeSelectField(_l("Département"), validators=[optional()])
    starts_on = DateField(
        _l("Début du mandat"), validators=[required(_l("Indiquez la date de début du mandat."))]
    )
    ends_on = DateField(_l("Fin du mandat"), validators=[optional()])
    training_session_reference = StringField(
        _l("Référence de la formation de référent·es suivie"), validators=[optional(), max_length(60)]
    )

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_("La fin du mandat doit être postérieure à son début."))


class NetworkFilterForm(Form):
    departement = CodeSelectField(_l("Département"), validators=[optional()], empty_label=_l("Tous"))
    type = CodeSelectField(_l("Type de référent·e"), validators=[optional()], empty_label=_l("Tous"))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[required(), max_length(200)])
    kind = SelectField(
        _l("Type d'organisation"),
        choices=choices((kind.value, label) for kind, label in ORGANISATION_KIND_LABELS.items()),
        validators=[required()],
    )
    department_code = CodeSelectField(_l("Département"), validators=[optional()])


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("Je confirme l'anonymisation définitive de cette fiche"),
        validators=[required(_l("Cochez la case pour confirmer."))],
    )


class MergeForm(FlaskForm):
    """Carries the two record numbers; the screen shows what will move."""
