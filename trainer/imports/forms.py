"""The upload form of an import."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField

from trainer.forms import choices, required
from trainer.imports.columns import TABLES


class ImportForm(FlaskForm):
    """Choose a table and a CSV or XLSX file; the preview comes before anything is stored."""

    table = RadioField(
        "Données à importer",
        choices=choices((name, f"{spec.label} — {spec.description}") for name, spec in TABLES.items()),
        validators=[required("Choisissez le type de données à importer.")],
    )
    file = FileField(
        "Fichier CSV ou XLSX",
        validators=[FileRequired("Choisissez un fichier CSV ou XLSX.")],
        description="CSV (virgule, point-virgule ou tabulation ; UTF-8, UTF-16 ou Windows-1252) ou classeur "
        "XLSX (première feuille). Première ligne : les en-têtes de colonnes.",
    )
    session_reference = HiddenField()
