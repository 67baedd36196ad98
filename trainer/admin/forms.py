from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import ValidationError

from trainer.auth.models import ROLE_LABELS, Role
from trainer.forms import CodeSelectField, choices, email_format, max_length, optional, required
from trainer.i18n import lazy_gettext as _l


class UserForm(FlaskForm):
    email = EmailField(_l("Adresse électronique"), validators=[required(), email_format(), max_length(254)])
    full_name = StringField(_l("Nom complet"), validators=[optional(), max_length(200)])
    role = SelectField(
        _l("Rôle"), choices=choices((r.value, ROLE_LABELS[r]) for r in Role), validators=[required()]
    )
    scope_region_code = CodeSelectField(
        _l("Limité à la région"),
        validators=[optional()],
        empty_label=_l("Toutes"),
        description=_l("Uniquement pour un compte « responsable »."),
    )
    scope_department_code = CodeSelectField(
        _l("Limité au département"),
        validators=[optional()],
        empty_label=_l("Tous"),
        description=_l("Uniquement pour un compte « responsable »."),
    )
    person_id = CodeSelectField(
        _l("Fiche personne liée (formateur·rice)"), validators=[optional()], empty_label=_l("Aucune")
    )
    is_active = BooleanField(_l("Compte actif"), default=True)

    def validate_scope_department_code(self, field):
        if field.data and self.scope_region_code.data:
            raise ValidationError(_("Choisissez une région ou un département, pas les deux."))

    def validate_person_id(self, field):
        if self.role.data == Role.trainer.value and not field.data:
            raise ValidationError(_("Un compte formateur·rice doit être lié à sa fiche personne."))


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Mot de passe initial"),
        validators=[optional(), max_length(512)],
        description=_l("Laissez vide pour envoyer un lien de création du mot de passe par courriel."),
    )
