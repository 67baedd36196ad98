"""The filters form of the dashboard and report pages (GET, no CSRF: it changes nothing)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField

from trainer.extensions import db
from trainer.forms import CodeSelectField, optional
from trainer.kits.models import Kit
from trainer.referential.models import Department, Profession, Region, SessionType
from trainer.reports.filters import Scope

FIRST_YEAR = 2010


class FiltersForm(FlaskForm):
    class Meta:
        csrf = False

    year = CodeSelectField("Année", validators=[optional()], empty_label="Toutes")
    date_from = DateField(
        "Du", name="from", validators=[optional()], description="Première date de la session"
    )
    date_to = DateField("Au", name="to", validators=[optional()])
    region = CodeSelectField("Région", validators=[optional()], empty_label="Toutes")
    department = CodeSelectField("Département", validators=[optional()], empty_label="Tous")
    kit = CodeSelectField("Outil pédagogique", validators=[optional()], empty_label="Tous")
    session_type = CodeSelectField("Type de session", validators=[optional()], empty_label="Tous")
    profession = CodeSelectField("Profession", validators=[optional()], empty_label="Toutes")

    def fill(self, scope: Scope) -> FiltersForm:
        """Offer only the territories of the account's scope."""
        today = date.today()
        self.year.set_choices([(str(y), str(y)) for y in range(today.year + 1, FIRST_YEAR - 1, -1)])
        regions = sa.select(Region.code, Region.name).order_by(Region.name)
        departments = sa.select(Department.code, Department.code + " – " + Department.name).order_by(
            Department.code
        )
        if scope.department_code:
            departments = departments.where(Department.code == scope.department_code)
            regions = regions.where(
                Region.code
                == sa.select(Department.region_code)
                .where(Department.code == scope.department_code)
                .scalar_subquery()
            )
        elif scope.region_code:
            departments = departments.where(Department.region_code == scope.region_code)
            regions = regions.where(Region.code == scope.region_code)
        self.region.set_choices(db.session.execute(regions).all())
        self.department.set_choices(db.session.execute(departments).all())
        self.kit.set_choices(db.session.execute(sa.select(Kit.slug, Kit.title).order_by(Kit.title)).all())
        self.session_type.set_choices(
            db.session.execute(
                sa.select(SessionType.code, SessionType.label).order_by(SessionType.position)
            ).all()
        )
        self.profession.set_choices(
            db.session.execute(sa.select(Profession.code, Profession.label).order_by(Profession.label)).all()
        )
        return self


class PublicationForm(FlaskForm):
    enabled = BooleanField("Publier la page publique des résultats (12 derniers mois)")
