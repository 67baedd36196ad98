"""The declaration form: a training delivered outside the platform, head-counts per profession."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, FieldList, Form, FormField, IntegerField, StringField
from wtforms.validators import NumberRange, ValidationError
from wtforms.widgets import TextInput

from trainer.forms import CodeSelectField, max_length, optional, required
from trainer.i18n import lazy_gettext as _l

HEADCOUNT_ROWS = 6


class FrenchDecimalField(DecimalField):
    """Accepts the French decimal comma ("3,5") as well as a point."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [str(v).replace(",", ".").replace("\u202f", "").replace(" ", "") for v in valuelist]
        super().process_formdata(valuelist)
        if valuelist and valuelist[0] and self.data is None:
            self.process_errors.append(_("Saisissez un nombre, par exemple 3 ou 3,5."))


class HeadcountRow(Form):
    """One profession and how many of its professionals the training reached (blank row: ignored)."""

    profession_code = CodeSelectField(_l("Profession"), validators=[optional()], empty_label="—")
    headcount = IntegerField(
        _l("Effectif"),
        validators=[optional(), NumberRange(min=1, max=100_000, message=_l("Un nombre entre 1 et 100 000."))],
    )

    def validate_headcount(self, field):
        if self.profession_code.data and field.data is None:
            raise ValidationError(_("Indiquez l'effectif de cette profession."))
        if field.data is not None and not self.profession_code.data:
            raise ValidationError(_("Choisissez la profession de cet effectif."))


class DeclarationForm(FlaskForm):
    held_on = DateField(
        _l("Date de la formation"), validators=[required(_l("Indiquez la date de la formation."))]
    )
    title = StringField(_l("Intitulé"), validators=[optional(), max_length(250)])
    kit_id = CodeSelectField(
        _l("Outil pédagogique utilisé"), validators=[optional()], empty_label=_l("Aucun")
    )
    organisation_id = CodeSelectField(_l("Organisme (déjà connu)"), validators=[optional()], empty_label="—")
    new_organisation = StringField(
        _l("ou nom d'un nouvel organisme"),
        validators=[optional(), max_length(200)],
        description=_l("Si l'organisme n'est pas dans la liste."),
    )
    department_code = CodeSelectField(_l("Département"), validators=[optional()], empty_label="—")
    hours = FrenchDecimalField(
        _l("Durée (heures)"),
        places=2,
        validators=[
            optional(),
            NumberRange(min=0.25, max=1000, message=_l("Une durée entre 0,25 et 1 000 heures.")),
        ],
        description=_l("Par exemple 3 ou 3,5."),
        widget=TextInput(),  # a number input refuses the French decimal comma
        render_kw={"inputmode": "decimal"},
    )
    trainer_person_id = CodeSelectField(
        _l("Formateur·rice"), validators=[optional()], empty_label=_l("Non renseigné")
    )
    headcounts = FieldList(FormField(HeadcountRow), min_entries=HEADCOUNT_ROWS, max_entries=40)

    def validate_new_organisation(self, field):
        if not (field.data or "").strip() and not self.organisation_id.data:
            raise ValidationError(_("Choisissez un organisme ou saisissez le nom d'un nouvel organisme."))

    def filled_headcounts(self) -> list[tuple[str, int]]:
        return [
            (row.form.profession_code.data, row.form.headcount.data)
            for row in self.headcounts
            if row.form.profession_code.data and row.form.headcount.data
        ]

    def validate_headcounts(self, field):
        filled = self.filled_headcounts()
        if not filled:
            raise ValidationError(_("Indiquez au moins une profession et son effectif."))
        codes = [code for code, _count in filled]
        if len(codes) != len(set(codes)):
            raise ValidationError(_("Chaque profession ne figure qu'une fois : additionnez les effectifs."))
