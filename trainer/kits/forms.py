"""Forms of the kit area: kit data, fiches, resources, pack requests and their handling."""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _
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
from trainer.i18n import lazy_gettext as _l
from trainer.kits.models import ACCESSIBLE_VERSION_LABELS, PackDelivery

DELIVERY_LABELS = {
    PackDelivery.postal: _l("Envoi par la poste"),
    PackDelivery.download: _l("Lien de téléchargement par courriel"),
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
    title = StringField(_l("Titre"), validators=[required(), max_length(200)])
    theme = StringField(
        _l("Thème (forme de violence)"),
        validators=[required(), max_length(200)],
        description=_l("Reprenez le libellé d'un thème existant pour regrouper les outils."),
        render_kw={"list": "themes-existants"},
    )
    summary = TextAreaField(
        _l("Présentation"), validators=[required(), max_length(5000)], render_kw={"rows": 5}
    )
    year = IntegerField(
        _l("Année de parution"),
        validators=[optional(), NumberRange(1990, 2100, _l("Saisissez une année entre 1990 et 2100."))],
    )
    audience = SelectMultipleField(
        _l("Publics visés"), validators=[optional()], render_kw={"data-checkboxes": True, "data-inline": True}
    )
    versions = SelectMultipleField(
        _l("Versions accessibles du film"),
        choices=choices((v.value, label) for v, label in ACCESSIBLE_VERSION_LABELS.items()),
        validators=[optional()],
        render_kw={"data-checkboxes": True},
    )
    film_title = StringField(
        _l("Titre du film"),
        validators=[optional(), max_length(250)],
        description=_l("Laissez vide si l'outil n'a pas de film."),
    )
    film_duration = IntegerField(
        _l("Durée du film (minutes)"),
        validators=[optional(), NumberRange(1, 600, _l("Saisissez une durée entre 1 et 600 minutes."))],
    )
    film_director = StringField(_l("Réalisation"), validators=[optional(), max_length(200)])
    film_cast = TextAreaField(
        _l("Distribution"),
        validators=[optional(), max_length(3000)],
        description=_l("Un nom par ligne."),
        render_kw={"rows": 3},
    )
    film_cofunders = TextAreaField(
        _l("Cofinancements et partenaires"),
        validators=[optional(), max_length(5000)],
        description=_l("Un nom par ligne."),
        render_kw={"rows": 4},
    )
    booklet_title = StringField(
        _l("Titre du livret d'accompagnement"),
        validators=[optional(), max_length(250)],
        description=_l("Laissez vide si l'outil n'a pas de livret."),
    )
    booklet_description = TextAreaField(
        _l("Description du livret"), validators=[optional(), max_length(2000)], render_kw={"rows": 2}
    )

    def validate_film_duration(self, field):
        if field.data and not (self.film_title.data or "").strip():
            raise ValidationError(_("Indiquez le titre du film, ou videz sa durée."))

    def validate_booklet_description(self, field):
        if (field.data or "").strip() and not (self.booklet_title.data or "").strip():
            raise ValidationError(_("Indiquez le titre du livret, ou videz sa description."))


class FicheForm(CleanForm):
    profession_code = CodeSelectField(
        _l("Profession"), validators=[required(_l("Choisissez une profession."))]
    )
    fiche_title = StringField(
        _l("Titre de la fiche réflexe"),
        validators=[required(), max_length(250)],
        description=_l("Par exemple « Fiche réflexe à destination des urgentistes »."),
    )


class UploadForm(CleanForm):
    file_title = StringField(_l("Titre de la ressource"), validators=[required(), max_length(250)])
    file = FileField(_l("Fichier"), validators=[FileRequired(_l("Choisissez le fichier à envoyer."))])


class LinkForm(CleanForm):
    link_title = StringField(_l("Titre du lien"), validators=[required(), max_length(250)])
    url = URLField(
        _l("Adresse web"),
        validators=[required(), max_length(1000)],
        description=_l("Adresse complète, par exemple https://www.youtube.com/watch?v=…"),
    )


class PackRequestForm(CleanForm):
    organisation_name = StringField(
        _l("Organisme ou établissement"),
        validators=[required(), max_length(200)],
        render_kw={"autocomplete": "organization"},
    )
    requester_name = StringField(
        _l("Vos prénom et nom"), validators=[required(), max_length(200)], render_kw={"autocomplete": "name"}
    )
    email = EmailField(
        _l("Adresse électronique"),
        validators=[required(), email_format(), max_length(254)],
        description=_l("La confirmation de votre demande y sera envoyée."),
    )
    kits = SelectMultipleField(
        _l("Outils souhaités"),
        validators=[required(_l("Cochez au moins un outil."))],
        render_kw={"data-checkboxes": True},
    )
    delivery = RadioField(
        _l("Mode de réception"),
        choices=choices((d.value, label) for d, label in DELIVERY_LABELS.items()),
        validators=[required(_l("Choisissez un mode de réception."))],
    )
    postal_address = TextAreaField(
        _l("Adresse postale"),
        # No optional(): it would stop the chain before validate_postal_address runs.
        validators=[max_length(1000)],
        description=_l(
            "Obligatoire pour un envoi par la poste : service, numéro et rue, code postal et ville."
        ),
        render_kw={"rows": 4, "autocomplete": "street-address"},
    )
    audience = TextAreaField(
        _l("Public à former"),
        validators=[optional(), max_length(1000)],
        description=_l("Par exemple : 40 infirmier·ères et aides-soignant·es des urgences."),
        render_kw={"rows": 3},
    )
    quantity = IntegerField(
        _l("Nombre de packs"),
        default=1,
        validators=[
            required(_l("Indiquez le nombre de packs souhaités.")),
            NumberRange(1, 10_000, _l("Saisissez un nombre entre 1 et 10 000.")),
        ],
    )
    department_code = CodeSelectField(
        _l("Département"), validators=[optional()], empty_label=_l("Non précisé")
    )

    def validate_postal_address(self, field):
        if self.delivery.data == PackDelivery.postal.value and not (field.data or "").strip():
            raise ValidationError(_("Indiquez l'adresse postale, ou choisissez le lien de téléchargement."))


class PackSentForm(CleanForm):
    sent_on = DateField(_l("Date d'envoi"), validators=[required(_l("Indiquez la date d'envoi."))])
    sent_notes = TextAreaField(
        _l("Notes (facultatif)"),
        validators=[optional(), max_length(2000)],
        description=_l(
            "Pour la coordination (numéro de colis…) : elles ne figurent pas dans le courriel à la personne."
        ),
        render_kw={"rows": 2},
    )


class PackRefusedForm(CleanForm):
    refused_on = DateField(_l("Date du refus"), validators=[required(_l("Indiquez la date du refus."))])
    refused_notes = TextAreaField(
        _l("Raison du refus"),
        validators=[required(_l("Indiquez la raison du refus.")), max_length(2000)],
        description=_l(
            "Elle figure dans le courriel qui annonce le refus à la personne : restez bref et courtois."
        ),
        render_kw={"rows": 2},
    )
