"""Reading files: type by content, encodings in a fixed order, separators, quoting, bad files."""

import codecs
import zipfile

import pytest

from tests.imports.conftest import PARTICIPANT_HEADER, count, csv_bytes
from trainer.imports.reading import CsvReader, ReadError, detect_separator, open_table
from trainer.people.models import Person
from trainer.sessions.models import Registration

ROWS = [
    PARTICIPANT_HEADER,
    ["S-1", "Lefèvre", "Zoé", "zoe@exemple.fr", "Infirmière", "CHU de Besançon", "25", "oui"],
    ["S-1", "N'Diaye", "Aïssatou", "", "Sage-femme", "Maternité; Nord, «Lille»", "59", "non"],
]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "described"),
    [
        ("utf-8", ",", "CSV, UTF-8, séparateur virgule"),
        ("utf-8-sig", ";", "CSV, UTF-8 avec BOM, séparateur point-virgule"),
        ("cp1252", ";", "CSV, Windows-1252, séparateur point-virgule"),
        ("utf-16", "\t", "CSV, UTF-16 (Texte Unicode), séparateur tabulation"),
        ("utf-16-be", "\t", "CSV, UTF-16 (Texte Unicode), séparateur tabulation"),
    ],
)
def test_encodings_and_separators_are_detected(write_file, encoding, delimiter, described):
    data = csv_bytes(ROWS, delimiter=delimiter, encoding=encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    reader = open_table(write_file(data=data))
    try:
        assert reader.description == described
        assert reader.header == PARTICIPANT_HEADER
        rows = list(reader.rows())
    finally:
        reader.close()
    assert rows[0] == (2, ROWS[1])
    assert rows[1] == (3, ROWS[2])


def test_windows_1252_undefined_bytes_read_as_latin1(write_file):
    data = "nom;prénom\nAé\x81;Zoé\n".encode("latin-1")
    reader = open_table(write_file(data=data))
    assert reader.encoding == "cp1252"
    assert list(reader.rows()) == [(2, ["Aé\x81", "Zoé"])]
    reader.close()


def test_quoted_separators_and_line_breaks_count_as_one_spreadsheet_row(write_file):
    data = (
        "session_reference;last_name;first_name;profession;employer\r\n"
        'S-1;"Dupont; dite ""Dudu""";Anne;nurse;"CHU\r\nsite Nord"\r\n'
        "\r\n"
        'S-1;Martin;Léa;nurse;"A, B; C"\r\n'
    ).encode()
    reader = open_table(write_file(data=data))
    rows = list(reader.rows())
    reader.close()
    # The blank line is line 4 of the spreadsheet and skipped; the quoted line break stays inside line 2.
    assert rows == [
        (2, ["S-1", 'Dupont; dite "Dudu"', "Anne", "nurse", "CHU\r\nsite Nord"]),
        (4, ["S-1", "Martin", "Léa", "nurse", "A, B; C"]),
    ]


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ('nom;"prénom, usuel";mail\nA;"B, C";x\n', ";"),
        ("nom;prénom\n05/03/2025;x\n", ";"),
        ("seule\nvaleur\n", ","),
    ],
)
def test_separator_detection(sample, expected):
    assert detect_separator(sample) == expected


def test_empty_file_is_refused(write_file):
    for data in (b"", b"\r\n\r\n", codecs.BOM_UTF8):
        with pytest.raises(ReadError, match="est vide"):
            open_table(write_file(data=data))


def test_empty_and_header_only_files_store_nothing(rejected, write_file, make_session):
    make_session(reference="S-1")
    assert rejected("participants", write_file(data=b"")) == ["Le fichier « fichier-1.csv » est vide."]
    header_only = write_file([PARTICIPANT_HEADER])
    assert rejected("participants", header_only) == [
        "Le fichier ne contient que la ligne d'en-tête : aucune ligne à importer."
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "n'est ni un fichier CSV ni un classeur XLSX (contenu détecté : image/png)",
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "contenu détecté : application/pdf"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "n'est ni un fichier CSV ni un classeur XLSX"),
        (bytes(range(256)) * 4, "n'est ni un fichier CSV ni un classeur XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel 97-2003 (.xls)"),
    ],
)
def test_binary_renamed_csv_is_refused_clearly(rejected, write_file, data, message):
    errors = rejected("participants", write_file(data=data, name="liste.csv"))
    assert len(errors) == 1
    assert message in errors[0]
    assert "liste.csv" in errors[0]


def test_zip_that_is_not_a_workbook_is_refused(rejected, write_file, tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "bonjour")
    assert rejected("participants", path) == [
        "« archive.xlsx » est une archive zip mais pas un classeur XLSX."
    ]


def test_zip_bomb_is_refused_before_opening(app, rejected, tmp_path):
    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (3 * 1024 * 1024))
    assert path.stat().st_size < 50_000
    app.config["IMPORT_XLSX_MAX_UNCOMPRESSED"] = 2 * 1024 * 1024
    try:
        errors = rejected("participants", path)
    finally:
        del app.config["IMPORT_XLSX_MAX_UNCOMPRESSED"]
    assert errors == [
        "« bombe.xlsx » se décompresse en 3 Mo, au-delà de la limite de 2 Mo : découpez le fichier ou "
        "enregistrez-le en CSV."
    ]


def test_zip_with_too_many_members_is_refused(rejected, tmp_path):
    path = tmp_path / "nombreux.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(2001):
            archive.writestr(f"x/{index}.xml", "")
    assert "2001 fichiers internes" in rejected("participants", path)[0]


def test_control_characters_inside_a_csv_become_spaces(run, write_file, make_session, app_ctx):
    import sqlalchemy as sa

    from trainer.extensions import db

    make_session(reference="S-1")
    # Past the first 8 KB, which are checked for binary content (a NUL there means "not a text").
    padding = b"".join(b"S-1,Nom%d,Prenom,,nurse,,,\n" % n for n in range(400))
    data = csv_bytes(ROWS) + padding + b"S-1,A\x00B,C\x0bD,,nurse,,,\n"
    run("participants", write_file(data=data))
    assert db.session.scalar(sa.select(Person.first_name).where(Person.last_name == "A B")) == "C D"


def test_csv_reader_keeps_cells_as_strings(write_file):
    reader = CsvReader(write_file([["a", "b"], ["0123", "=1+1"]]), "utf-8")
    assert list(reader.rows()) == [(2, ["0123", "=1+1"])]
    reader.close()


@pytest.mark.slow
def test_a_50_mb_file_is_imported_streamed(run, write_file, make_session):
    make_session(reference="GROS")
    comment = "Très utile ; à refaire, « vraiment ». " * 125  # 5,000 characters with separators inside
    rows = [["session_reference", "phase", "satisfaction", "knowledge", "comment"]]
    rows += [["GROS", "à chaud", "4", "3", comment[:4990]] for _ in range(10_200)]
    path = write_file(rows, delimiter=";")
    assert path.stat().st_size > 50 * 1024 * 1024
    outcome = run("evaluations", path)
    assert outcome.counts["responses_created"] == 10_200
    assert count(Person) == 0 and count(Registration) == 0
