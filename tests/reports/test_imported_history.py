"""A history brought in through the import engine, then read back from every channel.

Four files in the exchange format (exchange-format.md) are written the way partners send them and
imported with ``trainer import TABLE FILE``; the figures of 2025 are computed by hand below and
must come out the same from the CLI (JSON and CSV), the API and the web downloads (CSV,
"CSV (Excel)", XLSX and PDF).

Sessions (``sessions.csv``: UTF-8, ``,``, English headers; imported sessions have no slots, so the
participants' ``present`` column says who completed). Trainers Tess and Ugo exist beforehand, as
the format requires. Kits Anna and Elisa too.

    I1 direct_training   62  2025-03-10  held (status left blank: a past date)  anna         Tess
    I2 direct_training   59  2025-06-02  closed ("clôturée")                   Anna|Elisa   Tess
    I3 train_the_trainer 62  2025-04-01  held; audience social_worker|nurse    —            Ugo
    I4 referent_training 59  2025-05-05  closed; audience doctor               —            Ugo
    I5 direct_training   62  2025-07-01  cancelled ("annulée")                 —            Tess
    I6 direct_training   62  2024-05-01  held (outside 2025)                   anna         —
    I7 train_the_trainer 13  2025-09-15  held; audience "Sage-femme" (midwife) —            Tess

Participants, in two files:
- ``liste-emargement.csv``, Windows-1252 with ``;`` and French headers, as French Excel saves a
  "CSV (séparateur : point-virgule)" (I1, I2, I5, I6): French profession labels, a curly
  apostrophe (a Windows-1252-only character), Alice's e-mail written in two cases (one person),
  Dominique a nurse in I1 and a midwife in I2 (one person, two profession snapshots), Hélène
  without e-mail listed twice in I1 (one registration), Chloé and Gaspard absent ("non"), Mia in
  the cancelled I5 with nothing in ``présent`` (not completed), Nora in 2024;
- ``formations-formateurs-referents.csv``, UTF-8, ``,`` (I3, I4, I7): Eve again (also in I2),
  Hana both a trainer (I3) and a court referent (I4), referent types, Léo absent, Dominique again
  in I7 (a midwife trainer).

Completed registrations of 2025 (profession snapshot):
    I1  Alice nurse, Bruno doctor, Dominique nurse, Hélène doctor        (Chloé absent)
    I2  Alice nurse, Eve social_worker, Dominique midwife                (Gaspard absent)
    I3  Hana social_worker, Ivan nurse, Eve social_worker
    I4  Jade emergency_doctor [emergency], Karl dentist [dentist], Hana social_worker [court]
                                                                         (Léo absent)
    I7  Sophie midwife, Dominique midwife

Evaluations (``evaluations.tsv``: UTF-16 with BOM, tab — Excel's "Texte Unicode"):
    I1 hot   satisfaction 4, 3;  knowledge 3, blank
    I2 hot   satisfaction 4 4 3 2 1 blank;  knowledge 4 3 3 3 2 4  (one marks Alice, e-mail in capitals)
    I2 cold  practice 4 3 3 1 2
    I3 hot   satisfaction 4 4 4 3 3
    I6 hot   satisfaction 1 (2024)

Declarations (``declarations.csv``: UTF-8 with BOM, ``;``, French headers, decimal comma):
    2025-02-01 anna    Réseau Cascade (62)         nurse 10, doctor 5
    2025-10-01 no kit  Croix-Rouge française (13)  police_officer 7, midwife 2 + 1 (two lines: added up)
    2024-06-01 no kit  Réseau Cascade (62)         nurse 100 (outside 2025)
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from trainer.extensions import db
from trainer.kits.models import Kit

PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}

# -- the figures of 2025, by hand ----------------------------------------------------------------

KEY_FIGURES = {
    # I3 Hana, Ivan, Eve + I7 Sophie, Dominique: distinct persons who completed a train-the-trainer.
    "trainers_trained": 5,
    # Grouped by the session's first target profession: I3 → social_worker, I7 → midwife.
    "trainers_trained.social_worker": 3,
    "trainers_trained.midwife": 2,
    # I4: Jade, Karl, Hana (Léo absent).
    "referents_trained": 3,
    # One row per referent type, even with nobody.
    "referents_trained.emergency": 1,
    "referents_trained.dentist": 1,
    "referents_trained.court": 1,
    "referents_trained.prefecture_trafficking": 0,
    "referents_trained.other": 0,
    # I3 ∪ I4 ∪ I7 = Hana, Ivan, Eve, Jade, Karl, Sophie, Dominique: Hana counts once.
    "trainers_and_referents_trained": 7,
    # Alice, Bruno, Dominique, Hélène, Eve, Hana, Ivan, Jade, Karl, Sophie: Alice (two cases of
    # e-mail), Dominique (three sessions), Eve and Hana (two each) count once; Hélène once though
    # listed twice; Chloé, Gaspard, Léo absent; Mia's session cancelled; Nora in 2024.
    "professionals_trained": 10,
    # 10 + 5 + 7 + 2 + 1 (the 2024 declaration is outside).
    "professionals_trained_declared": 25,
    "professionals_trained_total": 35,
    # I1, I2, I3, I4, I7 (I5 cancelled, I6 in 2024).
    "sessions_held": 5,
    "sessions_held.train_the_trainer": 2,
    "sessions_held.referent_training": 1,
    "sessions_held.direct_training": 2,
    "sessions_held.awareness": 0,
    "sessions_held.conference": 0,
    # I1 2 + I2 6 hot + 5 cold + I3 5 (the I6 one is 2024).
    "evaluations_received": 18,
    # Satisfaction answers 4 3 | 4 4 3 2 1 | 4 4 4 3 3: 10 of 12 are 3 or 4 (the blank is not an answer).
    "satisfaction_rate": 83.3,
    # Knowledge 3 | 4 3 3 3 2 4: 6 of 7.
    "knowledge_rate": 85.7,
    # Practice 4 3 3 1 2 (I2, à froid): 3 of 5.
    "practice_rate": 60.0,
    "kit_packs_sent": 0,
}

# trained-by-profession: code → (trained, attendances, trained_declared, trained_total)
BY_PROFESSION = {
    # Alice (I1, I2), Dominique (I1), Ivan (I3): 3 persons, 4 attendances; declared 10.
    "nurse": (3, 4, 10, 13),
    # Bruno, Hélène (I1); declared 5.
    "doctor": (2, 2, 5, 7),
    # Dominique (I2, I7), Sophie (I7): 2 persons, 3 attendances; declared 2 + 1.
    "midwife": (2, 3, 3, 5),
    # Eve (I2, I3), Hana (I3, I4): 2 persons, 4 attendances.
    "social_worker": (2, 4, 0, 2),
    "emergency_doctor": (1, 1, 0, 1),  # Jade
    "dentist": (1, 1, 0, 1),  # Karl (Léo absent)
    "police_officer": (0, 0, 7, 7),  # declared only
}

# trainers-activity: e-mail → (sessions_delivered, attendees_trained, declared_headcount)
TRAINERS_ACTIVITY = {
    # I1, I2, I7 held (I5 cancelled); Alice, Bruno, Dominique, Hélène, Eve, Sophie.
    "tess@exemple.fr": (3, 6, 0),
    # I3, I4; Hana, Ivan, Eve, Jade, Karl. Imported declarations name no trainer.
    "ugo@exemple.fr": (2, 5, 0),
}

# evaluations: (scope, scope_id) → (responses, satisfaction, knowledge, practice, average_score).
# Nothing is shown below 5 responses, nor a rate resting on fewer than 5 answers.
EVALUATIONS = {
    ("session", "I1"): (2, None, None, None, None),  # too few responses
    # Satisfaction 4 4 3 2 1 → 3/5; knowledge 4 3 3 3 2 4 → 5/6; practice 4 3 3 1 2 → 3/5;
    # average (14 + 19 + 13) / 16 = 2.875 → 2.88.
    ("session", "I2"): (11, 60.0, 83.3, 60.0, 2.88),
    ("session", "I3"): (5, 100.0, None, None, 3.6),  # 18 / 5
    # I1 + I2: satisfaction 5/7, knowledge 6/7, practice 3/5; average (10 + 46) / 19 = 2.947.
    ("kit", "anna"): (13, 71.4, 85.7, 60.0, 2.95),
    ("kit", "elisa"): (11, 60.0, 83.3, 60.0, 2.88),  # I2
    ("kit", ""): (5, 100.0, None, None, 3.6),  # "Sans outil": I3
    ("trainer", "ugo@exemple.fr"): (5, 100.0, None, None, 3.6),  # I3 (I4 has none)
    ("trainer", "tess@exemple.fr"): (13, 71.4, 85.7, 60.0, 2.95),  # I1, I2
}

REPORTS = {
    "key-figures": KEY_FIGURES,
    "trained-by-profession": BY_PROFESSION,
    "trainers-activity": TRAINERS_ACTIVITY,
    "evaluations": EVALUATIONS,
}
# Columns that identify a row, per report; the other columns of interest are numbers.
KEY_COLUMNS = {
    "key-figures": ("indicator",),
    "trained-by-profession": ("profession_code",),
    "trainers-activity": ("trainer_email",),
    "evaluations": ("scope", "scope_id"),
}
NUMBER_COLUMNS = {
    "key-figures": ("value",),
    "trained-by-profession": ("trained", "attendances", "trained_declared", "trained_total"),
    "trainers-activity": ("sessions_delivered", "attendees_trained", "declared_headcount"),
    "evaluations": ("responses", "satisfaction_rate", "knowledge_rate", "practice_rate", "average_score"),
}


# -- the files, as partners send them -------------------------------------------------------------


def _csv(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


SESSIONS = [
    ["reference", "title", "session_type", "kits", "target_professions", "start_date", "end_date",
     "hours", "mode", "city", "department", "organisation", "trainers", "status"],
    ["I1", "Anna — Arras", "direct_training", "anna", "nurse|doctor", "2025-03-10", "", "3,5",
     "présentiel", "Arras", "62", "CH Arras", "tess@exemple.fr", ""],
    ["I2", "Anna et Elisa — Lille", "Formation directe", "Anna|Elisa", "nurse", "02/06/2025",
     "03/06/2025", "7", "mixte", "Lille", "Nord", "CHU de Lille", "Tess@Exemple.fr", "clôturée"],
    ["I3", "Formation de formateur·rices — travail social", "train_the_trainer", "",
     "social_worker|nurse", "2025-04-01", "", "14", "", "Arras", "62", "", "ugo@exemple.fr", "réalisée"],
    ["I4", "Référent·es — Nord", "referent_training", "", "doctor", "2025-05-05", "", "7", "",
     "Lille", "59", "", "ugo@exemple.fr", "closed"],
    ["I5", "Anna — Calais (annulée)", "direct_training", "", "", "2025-07-01", "", "", "", "Calais",
     "62", "", "tess@exemple.fr", "annulée"],
    ["I6", "Anna — Lens", "direct_training", "anna", "", "2024-05-01", "", "3", "", "Lens", "62",
     "", "", "held"],
    ["I7", "Formation de formateur·rices — sages-femmes", "train_the_trainer", "",
     "Sage-femme", "15/09/2025", "", "14", "distanciel", "Marseille", "13", "", "tess@exemple.fr", ""],
]  # fmt: skip

ATTENDANCE_LIST = [  # Windows-1252, ';', French headers
    ["Référence session", "Nom", "Prénom", "Courriel", "Profession", "Employeur", "Département", "Présent"],
    ["I1", "Martin", "Alice", "Alice.Martin@Exemple.fr", "Infirmière", "CH d’Arras", "62", "oui"],
    ["I1", "Bernard", "Bruno", "bruno.bernard@exemple.fr", "Médecin", "", "62", "oui"],
    ["I1", "Dubois", "Chloé", "chloe.dubois@exemple.fr", "Infirmière", "CH d’Arras", "62", "non"],
    ["I1", "Durand", "Dominique", "d.durand@exemple.fr", "Infirmier", "", "62", "x"],
    ["I1", "Lefèvre", "Hélène", "", "Médecin généraliste", "", "62", "oui"],
    ["I1", "LEFEVRE", "Helene", "", "Médecin généraliste", "", "62", "oui"],  # the same line, retyped
    ["I2", "Martin", "Alice", "alice.martin@exemple.fr", "Infirmière", "", "62", "oui"],
    ["I2", "Roux", "Ève", "eve.roux@exemple.fr", "Assistante de service social", "", "59", "oui"],
    ["I2", "Durand", "Dominique", "D.Durand@exemple.fr", "Sage-femme", "", "59", "oui"],
    ["I2", "N’Diaye", "Gaspard", "", "Infirmier", "", "59", "non"],
    ["I5", "Morel", "Mia", "mia.morel@exemple.fr", "Infirmière", "", "62", ""],
    ["I6", "Girard", "Nora", "nora.girard@exemple.fr", "Infirmière", "", "62", "oui"],
]

TRAINER_AND_REFERENT_LISTS = [  # UTF-8, ','
    ["session_reference", "last_name", "first_name", "email", "profession", "department",
     "referent_type", "present"],
    ["I3", "Moreau", "Hana", "hana.moreau@exemple.fr", "social_worker", "62", "", "yes"],
    ["I3", "Petit", "Ivan", "ivan.petit@exemple.fr", "nurse", "62", "", "yes"],
    ["I3", "Roux", "Ève", "EVE.ROUX@exemple.fr", "social_worker", "59", "", "1"],
    ["I4", "Garnier", "Jade", "jade.garnier@exemple.fr", "emergency_doctor", "59", "emergency", "true"],
    ["I4", "Faure", "Karl", "karl.faure@exemple.fr", "dentist", "59", "Chirurgien·ne-dentiste", "yes"],
    ["I4", "Moreau", "Hana", "hana.moreau@exemple.fr", "social_worker", "62", "Tribunal", "yes"],
    ["I4", "Blanc", "Léo", "leo.blanc@exemple.fr", "dentist", "59", "dentist", "no"],
    ["I7", "Lambert", "Sophie", "sophie.lambert@exemple.fr", "midwife", "13", "", "yes"],
    ["I7", "Durand", "Dominique", "d.durand@exemple.fr", "midwife", "13", "", "yes"],
]  # fmt: skip

EVALUATIONS_FILE = [  # UTF-16 with BOM, tab
    ["session_reference", "phase", "email", "satisfaction", "knowledge", "practice", "comment"],
    ["I1", "", "", "4", "3", "", "Très utile ; à refaire."],
    ["I1", "à chaud", "", "3", "", "", ""],
    ["I2", "hot", "ALICE.MARTIN@exemple.fr", "4", "4", "", ""],
    ["I2", "hot", "", "4", "3", "", "Le film, puis\nles échanges."],
    ["I2", "hot", "", "3", "3", "", ""],
    ["I2", "hot", "", "2", "3", "", ""],
    ["I2", "hot", "", "1", "2", "", "=trop long"],
    ["I2", "hot", "", "", "4", "", "Pas de note de satisfaction."],
    ["I2", "à froid", "", "", "", "4", ""],
    ["I2", "à froid", "", "", "", "3", ""],
    ["I2", "froid", "", "", "", "3", ""],
    ["I2", "cold", "", "", "", "1", ""],
    ["I2", "cold", "", "", "", "2", ""],
    *([["I3", "", "", score, "", "", ""] for score in ("4", "4", "4", "3", "3")]),
    ["I6", "", "", "1", "", "", ""],
]

DECLARATIONS = [  # UTF-8 with BOM, ';', French headers
    ["Date", "Outil", "Organisme", "Département", "Profession", "Effectif", "Durée"],
    ["01/02/2025", "Anna", "Réseau Cascade", "62", "Infirmière", "10", "3,5"],
    ["01/02/2025", "Anna", "Réseau Cascade", "62", "Médecin", "5", "3,5"],
    ["2025-10-01", "", "Croix-Rouge française", "Bouches-du-Rhône", "Policier", "7", ""],
    ["2025-10-01", "", "Croix-Rouge française", "13", "Sage-femme", "2", ""],
    ["2025-10-01", "", "Croix-Rouge française", "13", "midwife", "1", ""],
    ["2024-06-01", "", "Réseau cascade", "62", "nurse", "100", ""],
]


@pytest.fixture
def imported(app_ctx, runner, make_person, tmp_path):
    """The history above, imported file by file with ``trainer import``."""
    db.session.add_all([Kit(slug="anna", title="Anna"), Kit(slug="elisa", title="Elisa")])
    db.session.commit()
    make_person(first_name="Tess", last_name="Formatrice", email="tess@exemple.fr", trainer=True)
    make_person(first_name="Ugo", last_name="Formateur", email="ugo@exemple.fr", trainer=True)
    files = [
        ("sessions", "sessions.csv", _csv(SESSIONS)),
        ("participants", "liste-emargement.csv", _csv(ATTENDANCE_LIST, delimiter=";", encoding="cp1252")),
        ("participants", "formations-formateurs-referents.csv", _csv(TRAINER_AND_REFERENT_LISTS)),
        ("evaluations", "evaluations.tsv", _csv(EVALUATIONS_FILE, delimiter="\t", encoding="utf-16")),
        ("declarations", "declarations.csv", _csv(DECLARATIONS, delimiter=";", encoding="utf-8-sig")),
    ]
    outputs = {}
    for table, name, content in files:
        path = tmp_path / name
        path.write_bytes(content)
        result = runner.invoke(args=["import", table, str(path)])
        assert result.exit_code == 0, result.output
        outputs[name] = result.output
    return outputs


def test_imports_say_what_they_stored(imported):
    assert "sessions créées : 7" in imported["sessions.csv"]
    attendance = imported["liste-emargement.csv"]
    assert "(CSV, Windows-1252, séparateur point-virgule)" in attendance
    # Alice and Dominique again in I2 (by e-mail, whatever its case), Hélène's retyped line.
    for line in ("personnes créées : 9", "personnes déjà connues : 3", "inscriptions créées : 11"):
        assert line in attendance
    assert "ligne 7 : déjà inscrit·e à cette session à la ligne 6 : ligne ignorée" in attendance
    trained = imported["formations-formateurs-referents.csv"]
    assert "personnes créées : 6" in trained and "personnes déjà connues : 3" in trained
    evaluations = imported["evaluations.tsv"]
    assert "UTF-16" in evaluations and "questionnaires enregistrés : 19" in evaluations
    assert "participant·es noté·es comme ayant répondu : 1" in evaluations
    declarations = imported["declarations.csv"]
    assert "formations déclarées : 3" in declarations and "effectifs par profession : 5" in declarations
    assert "effectifs additionnés" in declarations


# -- reading the figures back ---------------------------------------------------------------------


def _expected(report_id: str) -> dict[tuple, tuple]:
    figures = REPORTS[report_id]
    return {
        (key if isinstance(key, tuple) else (key,)): (values if isinstance(values, tuple) else (values,))
        for key, values in figures.items()
    }


def _figures(report_id: str, columns: list[str], rows: list[list]) -> dict[tuple, tuple]:
    """``{key: numbers}`` of a report's rows, keyed and valued by the columns of interest."""
    keys = [columns.index(name) for name in KEY_COLUMNS[report_id]]
    numbers = [columns.index(name) for name in NUMBER_COLUMNS[report_id]]
    found = {}
    for row in rows:
        key = tuple("" if row[i] is None else row[i] for i in keys)
        assert key not in found, f"{report_id}: two rows for {key}"
        found[key] = tuple(row[i] for i in numbers)
    return found


def _typed(figures: dict[tuple, tuple]) -> dict[tuple, tuple]:
    """The figures with their kind, so that a rate of 60.0 written "60" does not pass for 60.0."""
    return {key: tuple((type(v).__name__, v) for v in values) for key, values in figures.items()}


def _key_order(report_id: str, columns: list[str], rows: list[list]) -> list[tuple]:
    return list(_figures(report_id, columns, rows))


def _csv_table(content: bytes, report_id: str, *, excel: bool) -> tuple[list[str], list[list]]:
    """Rows of a CSV download with its number cells read strictly: ``12``, ``83.3`` (``83,3``), or empty."""
    text = content.decode("utf-8")
    assert text.startswith("\ufeff") == excel
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";" if excel else ","))
    columns, body = rows[0], rows[1:]
    numbers = {columns.index(name) for name in NUMBER_COLUMNS[report_id]}
    decimal = r"\d+,\d+" if excel else r"\d+\.\d+"

    def cell(index: int, value: str):
        if index not in numbers or value == "":
            return value if index not in numbers else None
        if re.fullmatch(r"\d+", value):
            return int(value)
        assert re.fullmatch(decimal, value), f"{report_id}: « {value} » is not a number of this CSV"
        return float(value.replace(",", "."))

    return columns, [[cell(i, value) for i, value in enumerate(row)] for row in body]


def _french(value) -> str:
    """A number as pages and PDFs write it: ``60,0``, ``2,88``, ``—`` when empty."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return f"{value:,}".replace(",", "\u202f")


def _flat(text: str) -> str:
    """PDF text on one line: cells wrapped over lines (``Chirurgien·ne-`` / ``dentiste``) joined."""
    return re.sub(r"\s+", " ", text).replace("- ", "-")


def _token() -> str:
    from trainer.api import services as api_services
    from trainer.auth import services
    from trainer.auth.models import Role

    user = services.create_user(email="observatoire@test.fr", role=Role.manager, password=None)
    _, raw = api_services.issue_token(user=user, name="Observatoire", actor=None)
    db.session.commit()
    return raw


CHANNELS = ("cli-json", "cli-csv", "api", "csv", "csv-excel", "xlsx", "pdf")


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_same_figures_everywhere(imported, runner, client, login_as, channel):
    from trainer.reports.definitions import get_definition
    from trainer.reports.engine import run_report
    from trainer.reports.filters import parse_filters

    manager = login_as("manager")
    token = _token() if channel == "api" else None
    period_args = ["--from", PERIOD["from"], "--to", PERIOD["to"]]
    for report_id in REPORTS:
        expected = _expected(report_id)
        # The reference: the JSON the CLI writes, figure for figure and kind for kind.
        result = runner.invoke(args=["report", report_id, "--format", "json", *period_args])
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout_bytes)
        columns, rows = document["columns"], document["rows"]
        assert columns == get_definition(report_id).column_names
        assert _typed(_figures(report_id, columns, rows)) == _typed(expected), report_id
        order = _key_order(report_id, columns, rows)
        if channel == "cli-json":
            continue

        if channel == "cli-csv":
            result = runner.invoke(args=["report", report_id, "--format", "csv", *period_args])
            assert result.exit_code == 0, result.output
            found_columns, found = _csv_table(result.stdout_bytes, report_id, excel=False)
        elif channel == "api":
            response = client.get(
                f"/api/v1/reports/{report_id}",
                query_string=PERIOD,
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 200, response.get_data(as_text=True)
            found_columns, found = response.get_json()["columns"], response.get_json()["rows"]
        else:
            response = manager.get(f"/rapports/{report_id}/telecharger/{channel}", query_string=PERIOD)
            assert response.status_code == 200
            if channel in ("csv", "csv-excel"):
                found_columns, found = _csv_table(response.data, report_id, excel=channel == "csv-excel")
            elif channel == "xlsx":
                found_columns, found = _xlsx_table(response.data, report_id)
            else:
                labels = run_report(report_id, parse_filters(PERIOD)).row_labels
                _check_pdf(response.data, report_id, columns, rows, labels)
                continue
        assert found_columns == columns, report_id
        figures = _figures(report_id, found_columns, found)
        assert list(figures) == order, report_id
        if channel == "xlsx":  # a spreadsheet stores 60.0 as 60: its kind is in the cell format
            assert figures == expected, report_id
        else:
            assert _typed(figures) == _typed(expected), report_id


def _xlsx_table(content: bytes, report_id: str) -> tuple[list[str], list[list]]:
    """Rows of an XLSX download, checking that numbers are typed cells with the right format."""
    from trainer.reports.definitions import get_definition

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    columns = [cell.value for cell in sheet[1]]
    types = {c.name: c.type for c in get_definition(report_id).columns}
    rows = []
    for cells in sheet.iter_rows(min_row=2):
        for name, cell in zip(columns, cells, strict=True):
            kind = types[name]
            if name not in NUMBER_COLUMNS[report_id] or cell.value is None:
                continue
            assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), (
                name,
                cell.value,
            )
            if kind == "integer":
                assert isinstance(cell.value, int), (name, cell.value)
            elif kind == "rate":
                assert cell.number_format == "0.0", (name, cell.number_format)
        rows.append([cell.value for cell in cells])
    # key-figures: rates in the "value" column show one decimal, counts none.
    if report_id == "key-figures":
        formats = {row[0].value: row[1].number_format for row in sheet.iter_rows(min_row=2)}
        for name in ("satisfaction_rate", "knowledge_rate", "practice_rate"):
            assert formats[name] == "0.0#", (name, formats[name])
        assert formats["professionals_trained"] == "General"
    return columns, rows


def _check_pdf(content: bytes, report_id: str, columns, rows, labels: dict[str, str]) -> None:
    """Each row of the report, with the expected figures in French, is a line of the PDF's table."""
    assert content.startswith(b"%PDF")
    text = _flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))
    assert "01/01/2025" in text and "31/12/2025" in text
    expected = _expected(report_id)
    keys = [columns.index(name) for name in KEY_COLUMNS[report_id]]
    for row in rows:
        numbers = iter(expected[tuple(row[i] or "" for i in keys)])
        cells = []
        for name, value in zip(columns, row, strict=True):
            if name in NUMBER_COLUMNS[report_id]:
                cells.append(_french(next(numbers)))
            elif report_id == "key-figures":  # indicators are named in French in PDFs
                cells.append(labels[value])
            elif value not in (None, ""):
                cells.append(str(value))
        line = " ".join(cells)
        assert line in text, f"{report_id}: « {line} » not in the PDF:\n{text}"
