"""Forms of the kit area: kit data, fiches, resources, pack requests and their handling."""

from __future__ import annotations

import unicodedata

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import NumberRange, ValidationError

from trainer.forms import CodeSelectField, choices, email_format, max_length, optional, required
from trainer.kits.models import ACCESSIBLE_VERSION_LABELS, PackDelivery

DELIVERY_LABELS = {
    PackDelivery.postal: "Envoi par la poste",
    PackDelivery.download: "Lien de téléchargement par courriel",
}


def clean_text(value):
    """Drop control characters but line breaks and tabs (PostgreSQL refuses NUL in text)."""
    if not isinstance(value, str):
        return value
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc")


class CleanForm(FlaskForm):
    """Every text field of these forms goes through ``clean_text``."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                filters = [*unbound_field.kwargs.get("filters", ()), clean_text]
                options = {**options, "filters": filters}
            return unbound_field.bind(form=form, **options)


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class KitForm(CleanForm):
    title = StringField("Titre", validators=[required(), max_length(200)])
    theme = StringField(
        "Thème (forme de violence)",
        validators=[required(), max_length(200)],
        description="Reprenez le libellé d'un thème existant pour regrouper les outils.",
        render_kw={"list": "themes-existants"},
    )
    summary = TextAreaField("Présentation", validators=[required(), max_length(5000)], render_kw={"rows": 5})
    year = IntegerField(
        "Année de parution",
        validators=[optional(), NumberRange(1990, 2100, "Saisissez une année entre 1990 et 2100.")],
    )
    audience = SelectMultipleField(
        "Publics visés", validators=[optional()], render_kw={"data-checkboxes": True, "data-inline": True}
    )
    versions = SelectMultipleField(
        "Versions accessibles du film",
        choices=choices((v.value, label) for v, label in ACCESSIBLE_VERSION_LABELS.items()),
        validators=[optional()],
        render_kw={"data-checkboxes": True},
    )
    film_title = StringField(
        "Titre du film",
        validators=[optional(), max_length(250)],
        description="Laissez vide si l'outil n'a pas de film.",
    )
    film_duration = IntegerField(
        "Durée du film (minutes)",
        validators=[optional(), NumberRange(1, 600, "Saisissez une durée entre 1 et 600 minutes.")],
    )
    film_director = StringField("Réalisation", validators=[optional(), max_length(200)])
    film_cast = TextAreaField(
        "Distribution",
        validators=[optional(), max_length(3000)],
        description="Un nom par ligne.",
        render_kw={"rows": 3},
    )
    film_cofunders = TextAreaField(
        "Cofinancements et partenaires",
        validators=[optional(), max_length(5000)],
        description="Un nom par ligne.",
        render_kw={"rows": 4},
    )
    booklet_title = StringField(
        "Titre du livret d'accompagnement",
        validators=[optional(), max_length(250)],
        description="Laissez vide si l'outil n'a pas de livret.",
    )
    booklet_description = TextAreaField(
        "Description du livret", validators=[optional(), max_length(2000)], render_kw={"rows": 2}
    )

    def validate_film_duration(self, field):
        if field.data and not (self.film_title.data or "").strip():
            raise ValidationError("Indiquez le titre du film, ou videz sa durée.")

    def validate_booklet_description(self, field):
        if (field.data or "").strip() and not (self.booklet_title.data or "").strip():
            raise ValidationError("Indiquez le titre du livret, ou videz sa description.")


class FicheForm(CleanForm):
    profession_code = CodeSelectField("Profession", validators=[required("Choisissez une profession.")])
    fiche_title = StringField(
        "Titre de la fiche réflexe",
        validators=[required(), max_length(250)],
        description="Par exemple « Fiche réflexe à destination des urgentistes ».",
    )


class UploadForm(CleanForm):
    file_title = StringField("Titre de la ressource", validators=[required(), max_length(250)])
    file = FileField("Fichier", validators=[FileRequired("Choisissez le fichier à envoyer.")])


class LinkForm(CleanForm):
    link_title = StringField("Titre du lien", validators=[required(), max_length(250)])
    url = URLField(
        "Adresse web",
        validators=[required(), max_length(1000)],
        description="Adresse complète, par exemple https://www.youtube.com/watch?v=…",
    )


class PackRequestForm(CleanForm):
    organisation_name = StringField(
        "Organisme ou établissement",
        validators=[required(), max_length(200)],
        render_kw={"autocomplete": "organization"},
    )
    requester_name = StringField(
        "Vos prénom et nom", validators=[required(), max_length(200)], render_kw={"autocomplete": "name"}
    )
    email = EmailField(
        "Adresse électronique",
        validators=[required(), email_format(), max_length(254)],
        description="La confirmation de votre demande y sera envoyée.",
    )
    kits = SelectMultipleField(
        "Outils souhaités",
        validators=[required("Cochez au moins un outil.")],
        render_kw={"data-checkboxes": True},
    )
    delivery = RadioField(
        "Mode de réception",
        choices=choices((d.value, label) for d, label in DELIVERY_LABELS.items()),
        validators=[required("Choisissez un mode de réception.")],
    )
    postal_address = TextAreaField(
        "Adresse postale",
        # No optional(): it would stop the chain before validate_postal_address runs.
        validators=[max_length(1000)],
        description="Obligatoire pour un envoi par la poste : service, numéro et rue, code postal et ville.",
        render_kw={"rows": 4, "autocomplete": "street-address"},
    )
    audience = TextAreaField(
        "Public à former",
        validators=[optional(), max_length(1000)],
        description="Par exemple : 40 infirmier·ères et aides-soignant·es des urgences.",
        render_kw={"rows": 3},
    )
    quantity = IntegerField(
        "Nombre de packs",
        default=1,
        validators=[
            required("Indiquez le nombre de packs souhaités."),
            NumberRange(1, 10_000, "Saisissez un nombre entre 1 et 10 000."),
        ],
    )
    department_code = CodeSelectField("Département", validators=[optional()], empty_label="Non précisé")

    def validate_postal_address(self, field):
        if self.delivery.data == PackDelivery.postal.value and not (field.data or "").strip():
            raise ValidationError("Indiquez l'adresse postale, ou choisissez le lien de téléchargement.")


class PackSentForm(CleanForm):
    sent_on = DateField("Date d'envoi", validators=[required("Indiquez la date d'envoi.")])
    sent_notes = TextAreaField(
        "Notes (facultatif)",
        validators=[optional(), max_length(2000)],
        description="Pour la coordination (numéro de colis…) : elles ne figurent pas dans le courriel à la personne.",
        render_kw={"rows": 2},
    )


class PackRefusedForm(CleanForm):
    refused_on = DateField("Date du refus", validators=[required("Indiquez la date du refus.")])
    refused_notes = TextAreaField(
        "Raison du refus",
        validators=[required("Indiquez la raison du refus."), max_length(2000)],
        description="Elle figure dans le courriel qui annonce le refus à la personne : restez bref et courtois.",
        render_kw={"rows": 2},
    )
