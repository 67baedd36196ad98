from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import ValidationError

from trainer.auth.models import ROLE_LABELS, Role
from trainer.forms import CodeSelectField, choices, email_format, max_length, optional, required


class UserForm(FlaskForm):
    email = EmailField("Adresse électronique", validators=[required(), email_format(), max_length(254)])
    full_name = StringField("Nom complet", validators=[optional(), max_length(200)])
    role = SelectField(
        "Rôle", choices=choices((r.value, ROLE_LABELS[r]) for r in Role), validators=[required()]
    )
    scope_region_code = CodeSelectField(
        "Limité à la région",
        validators=[optional()],
        empty_label="Toutes",
        description="Uniquement pour un compte « responsable ».",
    )
    scope_department_code = CodeSelectField(
        "Limité au département",
        validators=[optional()],
        empty_label="Tous",
        description="Uniquement pour un compte « responsable ».",
    )
    person_id = CodeSelectField(
        "Fiche personne liée (formateur·rice)", validators=[optional()], empty_label="Aucune"
    )
    is_active = BooleanField("Compte actif", default=True)

    def validate_scope_department_code(self, field):
        if field.data and self.scope_region_code.data:
            raise ValidationError("Choisissez une région ou un département, pas les deux.")

    def validate_person_id(self, field):
        if self.role.data == Role.trainer.value and not field.data:
            raise ValidationError("Un compte formateur·rice doit être lié à sa fiche personne.")


class NewUserForm(UserForm):
    password = PasswordField(
        "Mot de passe initial",
        validators=[optional(), max_length(512)],
        description="Laissez vide pour envoyer un lien de création du mot de passe par courriel.",
    )
