"""Forms of the person registry."""

from __future__ import annotations

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
from trainer.people.models import ORGANISATION_KIND_LABELS


class PersonForm(FlaskForm):
    last_name = StringField("Nom", validators=[required(), max_length(120)])
    first_name = StringField("Prénom", validators=[required(), max_length(120)])
    email = EmailField(
        "Adresse électronique",
        validators=[optional(), email_format(), max_length(254)],
        description="Facultative ; une adresse ne peut appartenir qu'à une seule fiche.",
    )
    profession_code = CodeSelectField("Profession", validators=[optional()])
    organisation_id = CodeSelectField("Employeur", validators=[optional()], empty_label="Aucun")
    department_code = CodeSelectField("Département d'exercice", validators=[optional()])


class PeopleFilterForm(Form):
    q = SearchField("Rechercher", validators=[optional(), max_length(100)])
    role = SelectField(
        "Rôle",
        choices=choices([("", "Tous"), ("formateur", "Formateur·rices"), ("referent", "Référent·es")]),
        validators=[optional()],
    )
    profession = CodeSelectField("Profession", validators=[optional()], empty_label="Toutes")
    departement = CodeSelectField("Département", validators=[optional()], empty_label="Tous")


class TrainerProfileForm(FlaskForm):
    kit_ids = SelectMultipleField("Outils qu'elle ou il peut animer", render_kw={"data-checkboxes": True})
    qualifying_session_reference = StringField(
        "Référence de la formation de formateur·rices suivie",
        validators=[optional(), max_length(60)],
        description="La session de type « formation de formateurs » qui l'a qualifié·e (relie la cascade).",
    )
    qualified_on = DateField("Date de qualification", validators=[optional()])
    expires_on = DateField(
        "Date d'expiration",
        validators=[optional()],
        description="Si votre organisme fixe une durée de validité.",
    )
    is_active = BooleanField("Formateur·rice en activité", default=True)

    def validate_expires_on(self, field):
        if field.data and self.qualified_on.data and field.data < self.qualified_on.data:
            raise ValidationError("La date d'expiration doit être postérieure à la date de qualification.")


class MandateForm(FlaskForm):
    referent_type_code = CodeSelectField("Type de référent·e", validators=[required()])
    establishment = StringField("Établissement", validators=[required(), max_length(200)])
    department_code = CodeSelectField("Département", validators=[optional()])
    starts_on = DateField("Début du mandat", validators=[required("Indiquez la date de début du mandat.")])
    ends_on = DateField("Fin du mandat", validators=[optional()])
    training_session_reference = StringField(
        "Référence de la formation de référent·es suivie", validators=[optional(), max_length(60)]
    )

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("La fin du mandat doit être postérieure à son début.")


class NetworkFilterForm(Form):
    departement = CodeSelectField("Département", validators=[optional()], empty_label="Tous")
    type = CodeSelectField("Type de référent·e", validators=[optional()], empty_label="Tous")


class OrganisationForm(FlaskForm):
    name = StringField("Nom", validators=[required(), max_length(200)])
    kind = SelectField(
        "Type d'organisation",
        choices=choices((kind.value, label) for kind, label in ORGANISATION_KIND_LABELS.items()),
        validators=[required()],
    )
    department_code = CodeSelectField("Département", validators=[optional()])


class EraseForm(FlaskForm):
    confirm = BooleanField(
        "Je confirme l'anonymisation définitive de cette fiche",
        validators=[required("Cochez la case pour confirmer.")],
    )


class MergeForm(FlaskForm):
    """Carries the two record numbers; the screen shows what will move."""
