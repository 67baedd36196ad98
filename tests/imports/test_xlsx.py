"""XLSX workbooks: first sheet, date cells, cached formula results, merged cells, hidden sheets."""

import zipfile
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import Workbook

from tests.imports.conftest import PARTICIPANT_HEADER, count
from trainer.extensions import db
from trainer.people.models import Person
from trainer.sessions.models import Registration, TrainingSession

SESSION_HEADER = ["Référence", "Intitulé", "Type", "Date de début", "Date de fin", "Durée", "Département"]


def save(book: Workbook, path, cached: dict[str, str] | None = None):
    """Save, then give formulas the cached results a spreadsheet program would have stored."""
    book.save(path)
    if cached:
        with zipfile.ZipFile(path) as source:
            members = {info.filename: source.read(info.filename) for info in source.infolist()}
        sheet = members["xl/worksheets/sheet1.xml"].decode()
        for formula, value in cached.items():
            sheet = sheet.replace(f"<f>{formula}</f><v />", f"<f>{formula}</f><v>{value}</v>")
        members["xl/worksheets/sheet1.xml"] = sheet.encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in members.items():
                target.writestr(name, data)
    return path


def test_sessions_with_date_cells_and_cached_formulas(run, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(SESSION_HEADER)
    sheet.append(
        ["X-1", "Anna à Arras", "Formation directe", datetime(2024, 3, 5), date(2024, 3, 6), "=3+3", 62]
    )
    sheet.append(["X-2", "Elisa", "direct_training", "05/04/2024", None, "=2.5*1", "2A"])
    outcome = run("sessions", save(book, tmp_path / "sessions.xlsx", {"3+3": "6", "2.5*1": "2.5"}))
    assert outcome.counts["sessions_created"] == 2
    assert outcome.description == "XLSX, feuille « Sheet »"
    first = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.reference == "X-1"))
    assert (first.starts_on, first.ends_on, first.hours, first.department_code) == (
        date(2024, 3, 5), date(2024, 3, 6), Decimal("6.00"), "62"
    )  # fmt: skip
    second = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.reference == "X-2"))
    assert (second.ends_on, second.hours, second.department_code) == (date(2024, 4, 5), Decimal("2.50"), "2A")


def rewrite_sheet(path, replacements: dict[str, str]) -> None:
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info.filename) for info in source.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    for old, new in replacements.items():
        assert old in sheet
        sheet = sheet.replace(old, new)
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)


def test_formulas_without_cached_result_or_with_an_error_and_damaged_cells(rejected, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(SESSION_HEADER)
    sheet.append(["X-1", "Anna", "direct_training", date(2024, 3, 5), None, "=3+3", "62"])
    sheet.append(["X-2", "Anna", "direct_training", date(2024, 3, 5), None, "=1/0", "62"])
    sheet.append(["X-3", "Anna", "direct_training", date(2024, 3, 5), None, 4, "62"])
    path = tmp_path / "formules.xlsx"
    book.save(path)
    rewrite_sheet(
        path,
        {
            '<c r="F3"><f>1/0</f><v />': '<c r="F3" t="e"><f>1/0</f><v>#DIV/0!</v>',
            '<c r="F4" t="n"><v>4</v>': '<c r="F4" t="n"><v>quatre</v>',
        },
    )
    assert rejected("sessions", path) == [
        "ligne 2, colonne « Durée » : formule sans valeur calculée : ouvrez le fichier dans un tableur et "
        "enregistrez-le, ou remplacez la formule par sa valeur",
        "ligne 3, colonne « Durée » : la formule de cette cellule donne une erreur (#DIV/0!)",
        "ligne 4, colonne « Durée » : valeur de cellule illisible : le fichier est peut-être endommagé",
    ]


def test_merged_cells_give_their_value_to_every_row(run, make_session, tmp_path):
    make_session(reference="FUSION")
    book = Workbook()
    sheet = book.active
    sheet.append(PARTICIPANT_HEADER)
    sheet.append(["FUSION", "Lefèvre", "Zoé", "zoe@exemple.fr", "Infirmière", "CHU", 25, "x"])
    sheet.append([None, "N'Diaye", "Aïssatou", None, "Éducatrice spécialisée", "CD 59", 59, "x"])
    sheet.append([None, "Martin", "Léa", None, "nurse", "CHU", 25, None])
    sheet.merge_cells("A2:A4")  # the session reference, written once for the three attendees
    sheet.merge_cells("F2:F3")
    outcome = run("participants", save(book, tmp_path / "fusion.xlsx"))
    assert outcome.counts["registrations_created"] == 3
    employers = dict(
        db.session.execute(sa.select(Person.last_name, Registration.employer_name).join(Registration)).all()
    )
    assert employers == {"Lefèvre": "CHU", "N'Diaye": "CHU", "Martin": "CHU"}


def test_first_sheet_is_imported_even_when_hidden(run, make_session, tmp_path):
    make_session(reference="CACHEE")
    book = Workbook()
    first = book.active
    first.title = "Inscrits"
    first.append(PARTICIPANT_HEADER)
    first.append(["CACHEE", "Lefèvre", "Zoé", "", "nurse", "", "", ""])
    first.sheet_state = "hidden"
    other = book.create_sheet("Brouillon")
    other.append(["rien", "à", "voir"])
    book.active = 1
    outcome = run("participants", save(book, tmp_path / "cachee.xlsx"))
    assert outcome.counts["registrations_created"] == 1
    assert [str(w) for w in outcome.warnings] == [
        "la première feuille, « Inscrits », est masquée : c'est elle qui est importée"
    ]


def test_damaged_workbook_is_refused(rejected, tmp_path):
    path = tmp_path / "abime.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("xl/workbook.xml", "<<<")
    assert rejected("participants", path) == ["« abime.xlsx » est un classeur XLSX endommagé."]
    assert count(Person) == 0


def test_xml_entities_are_not_expanded(rejected, tmp_path):
    """A "billion laughs" shared-strings part is refused by defusedxml, not expanded."""
    book = Workbook()
    book.active.append(PARTICIPANT_HEADER)
    path = tmp_path / "entites.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info.filename) for info in source.infolist()}
    members["xl/workbook.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        + members["xl/workbook.xml"].split(b"?>", 1)[-1]
    )
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    assert "endommagé" in rejected("participants", path)[0]
