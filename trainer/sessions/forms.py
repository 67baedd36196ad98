"""Forms of the sessions area: the session (with its slots), filters, registrations."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import NumberRange, ValidationError
from wtforms.widgets import TextInput

from trainer.forms import CodeSelectField, choices, email_format, max_length, optional, required
from trainer.i18n import lazy_gettext as _l
from trainer.sessions.models import SESSION_MODE_LABELS, SessionMode, SessionStatus
from trainer.sessions.services import EDITABLE_STATUSES

DATE_HINT = "Format attendu : jj/mm/aaaa."


class CommaDecimalField(DecimalField):
    """A decimal that also accepts the French decimal comma (``3,5``)."""

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(self.data.normalize(), "f").replace(".", ",")

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            raw = valuelist[0].strip().replace(",", ".").replace(" ", "")
            try:
                self.data = Decimal(raw)
            except (InvalidOperation, ValueError):
                self.data = None
                raise ValueError(_("Saisissez un nombre, par exemple 3,5.")) from None
            if not self.data.is_finite():
                self.data = None
                raise ValueError(_("Saisissez un nombre, par exemple 3,5."))
        else:
            self.data = None


class SlotForm(Form):
    """One row of the slots table. A blank row is ignored; a half-filled one is an error."""

    slot_id = HiddenField()
    on = DateField(_l("Date"), validators=[optional()])
    starts_at = TimeField(_l("Heure de début"), validators=[optional()])
    ends_at = TimeField(_l("Heure de fin"), validators=[optional()])

    @property
    def is_blank(self) -> bool:
        return not any((f.raw_data or [""])[0].strip() for f in (self.on, self.starts_at, self.ends_at))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_blank:
            return valid
        for field, message in (
            (self.on, _("Indiquez la date du créneau.")),
            (self.starts_at, _("Indiquez l'heure de début du créneau.")),
            (self.ends_at, _("Indiquez l'heure de fin du créneau.")),
        ):
            if field.data is None and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        if valid and self.ends_at.data <= self.starts_at.data:
            self.ends_at.errors = [
                *self.ends_at.errors,
                _("L'heure de fin doit être après l'heure de début."),
            ]
            valid = False
        return valid


class SessionForm(FlaskForm):
    title = StringField(_l("Intitulé"), validators=[required(), max_length(250)])
    reference = StringField(
        _l("Référence"),
        validators=[optional(), max_length(60)],
        description=_l(
            "Laissez vide pour une référence automatique (année-département-numéro, ex. 2026-62-0042)."
        ),
    )
    session_type_code = CodeSelectField(_l("Type de session"), validators=[required()])
    kit_ids = SelectMultipleField(
        _l("Outils utilisés"), render_kw={"data-checkboxes": True}, validate_choice=True
    )
    main_audience = CodeSelectField(
        _l("Public principal"),
        validators=[optional()],
        description=_l("La profession à qui la session s'adresse d'abord."),
    )
    other_audiences = SelectMultipleField(
        _l("Autres publics visés"), render_kw={"data-checkboxes": True, "data-inline": True}
    )
    slots = FieldList(FormField(SlotForm), min_entries=1, max_entries=60)
    starts_on = DateField(
        _l("Date de début"),
        validators=[optional()],
        description=_l("Facultative si des créneaux sont saisis ; sinon obligatoire."),
    )
    ends_on = DateField(_l("Date de fin"), validators=[optional()])
    hours = CommaDecimalField(
        _l("Durée totale (heures)"),
        validators=[
            optional(),
            NumberRange(min=Decimal("0.25"), max=1000, message=_l("Entre 0,25 et 1 000 heures.")),
        ],
        description=_l("Laissez vide pour la calculer à partir des créneaux."),
        render_kw={"inputmode": "decimal"},
    )
    mode = RadioField(
        _l("Modalité"),
        choices=choices((m.value, label) for m, label in SESSION_MODE_LABELS.items()),
        default=SessionMode.in_person.value,
        validators=[required()],
        render_kw={"data-inline": True},
    )
    venue = StringField(_l("Lieu"), validators=[optional(), max_length(250)])
    city = StringField(_l("Ville"), validators=[optional(), max_length(120)])
    department_code = CodeSelectField(_l("Département"), validators=[optional()])
    organisation_id = CodeSelectField(
        _l("Organisme organisateur"), validators=[optional()], empty_label=_l("Aucun")
    )
    capacity = IntegerField(
        _l("Capacité (places)"),
        validators=[optional(), NumberRange(min=1, max=10000, message=_l("Entre 1 et 10 000 places."))],
        description=_l("Au-delà, les personnes sont placées en liste d'attente."),
    )
    trainer_ids = SelectMultipleField(_l("Formateur·rices"), render_kw={"data-checkboxes": True})
    status = SelectField(_l("Statut"), validators=[required()])
    completion_percent = IntegerField(
        _l("Seuil de complétion (%(percent)s des créneaux)", percent="%"),
        default=100,
        validators=[required(), NumberRange(min=1, max=100, message=_l("Entre 1 et 100 %%."))],
        description=_l("Part des créneaux où la personne doit être présente pour être comptée comme formée."),
    )
    self_registration_open = BooleanField(
        _l("Inscription en ligne ouverte"),
        description=_l("Une page publique permet aux professionnel·les de s'inscrire."),
    )
    description = TextAreaField(_l("Description"), validators=[optional(), max_length(5000)])

    def set_status_choices(self, current: SessionStatus | None) -> None:
        statuses = list(EDITABLE_STATUSES) + (
            [current] if current and current not in EDITABLE_STATUSES else []
        )
        self.status.choices = choices((s.value, s.label) for s in statuses)

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_("La date de fin doit être postérieure ou égale à la date de début."))

    def validate_other_audiences(self, field):
        if field.data and not self.main_audience.data:
            raise ValidationError(_("Choisissez d'abord le public principal."))


class SessionFilterForm(Form):
    """The list and calendar filters, read from the query string (no CSRF: GET only)."""

    q = SearchField(_l("Rechercher"), validators=[optional(), max_length(100)])
    du = DateField(_l("Du"), validators=[optional()])
    au = DateField(_l("Au"), validators=[optional()])
    departement = CodeSelectField(_l("Département"), validators=[optional()], empty_label=_l("Tous"))
    outil = CodeSelectField(_l("Outil"), validators=[optional()], empty_label=_l("Tous"))
    type = CodeSelectField(_l("Type"), validators=[optional()], empty_label=_l("Tous"))
    statut = CodeSelectField(_l("Statut"), validators=[optional()], empty_label=_l("Tous"))
    formateur = CodeSelectField(_l("Formateur·rice"), validators=[optional()], empty_label=_l("Tous"))


class AttendeeFields:
    last_name = StringField(
        _l("Nom"), validators=[required(), max_length(120)], render_kw={"autocomplete": "family-name"}
    )
    first_name = StringField(
        _l("Prénom"), validators=[required(), max_length(120)], render_kw={"autocomplete": "given-name"}
    )


class RegistrationForm(FlaskForm):
    last_name = AttendeeFields.last_name
    first_name = AttendeeFields.first_name
    email = EmailField(
        _l("Adresse électronique"),
        validators=[optional(), email_format(), max_length(254)],
        description=_l("Si une fiche existe déjà avec cette adresse, elle est réutilisée."),
    )
    profession_code = CodeSelectField(_l("Profession"), validators=[required()])
    employer = StringField(_l("Employeur"), validators=[optional(), max_length(200)])
    department_code = CodeSelectField(_l("Département d'exercice"), validators=[optional()])
    referent_type_code = CodeSelectField(_l("Type de référent·e"), validators=[optional()])


class PasteForm(FlaskForm):
    attendees = TextAreaField(
        _l("Liste des personnes"),
        validators=[required(_l("Collez au moins une ligne.")), max_length(200_000)],
        description=_l(
            "Une personne par ligne : Nom;Prénom;Courriel;Profession (séparateur ; , ou tabulation). "
            "Le courriel peut rester vide."
        ),
        render_kw={"rows": 12, "spellcheck": "false"},
    )


class SelfRegistrationForm(FlaskForm):
    last_name = AttendeeFields.last_name
    first_name = AttendeeFields.first_name
    email = EmailField(
        _l("Adresse électronique"),
        validators=[required(), email_format(), max_length(254)],
        description=_l("La confirmation de votre inscription y sera envoyée."),
    )
    profession_code = CodeSelectField(_l("Profession"), validators=[required()])
    employer = StringField(
        _l("Employeur"), validators=[optional(), max_length(200)], render_kw={"autocomplete": "organization"}
    )
    department_code = CodeSelectField(_l("Département où vous exercez"), validators=[optional()])
    referent_type_code = CodeSelectField(_l("Type de référent·e"), validators=[optional()])


class CancelSessionForm(FlaskForm):
    reason = TextAreaField(_l("Motif (facultatif)"), validators=[optional(), max_length(1000)])
    notify = BooleanField(_l("Prévenir les personnes inscrites par courriel"), default=True)
