"""Formula injection: no exported text cell starts with a formula character (quality.md)."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from trainer.exports import DANGEROUS_START, neutralise

NUMBER = st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False))


@given(st.text())
def test_neutralised_text_never_starts_with_a_formula_character(text):
    value = neutralise(text)
    assert isinstance(value, str)
    if value.startswith(DANGEROUS_START):
        # Only plain numbers written as text may keep their sign.
        float(value.replace(",", "."))
    assert "\x00" not in value and "\x0b" not in value


@given(st.text())
def test_neutralised_text_keeps_what_was_written(text):
    value = neutralise(text)
    cleaned = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
    assert value in (cleaned, "'" + cleaned)


@given(NUMBER)
def test_numbers_stay_numbers(number):
    assert neutralise(number) == number and type(neutralise(number)) is type(number)


@settings(deadline=None, max_examples=60)  # saving a workbook takes tens of milliseconds
@given(st.text())
def test_openpyxl_accepts_every_neutralised_text(text):
    workbook = Workbook()
    workbook.active.append([neutralise(text)])  # raises IllegalCharacterError on control chars
    buffer = io.BytesIO()
    workbook.save(buffer)
    cell = load_workbook(buffer).active["A1"]
    assert cell.data_type != "f"


def test_examples_from_quality_md():
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise("+33 6 12 34 56 78") == "'+33 6 12 34 56 78"
    assert neutralise("-x") == "'-x"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\tcmd") == "'\tcmd"
    assert neutralise("\r\n=1") == "'\r\n=1"
    assert neutralise("\x0b=1") == "'=1"
    assert neutralise("-12,5") == "-12,5"
    assert neutralise("Élodie") == "Élodie"


def test_hostile_names_in_every_download(history, login_as):
    """A trainer named like a formula or markup comes out inert in CSV, XLSX and PDF."""
    from trainer.extensions import db

    tess = history.people["tess"]
    tess.first_name, tess.last_name = '=HYPERLINK("http://evil")', "<a href='http://evil'>x</a>\x0b"
    tess.email = "@evil@exemple.fr"
    db.session.commit()
    client = login_as("coordinator")
    data = client.get("/rapports/trainers-activity/telecharger/csv?year=2025").data.decode()
    for row in list(csv.reader(io.StringIO(data)))[1:]:
        for cell in row:
            assert not cell.startswith(DANGEROUS_START) or cell.lstrip("-").replace(".", "").isdigit()
    sheet = load_workbook(
        io.BytesIO(client.get("/rapports/trainers-activity/telecharger/xlsx?year=2025").data)
    ).active
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(DANGEROUS_START)
    pdf = client.get("/rapports/trainers-activity/telecharger/pdf?year=2025").data
    reader = PdfReader(io.BytesIO(pdf))
    assert "href='http://evil'>x</a>" in "".join(p.extract_text() for p in reader.pages)  # shown as text…
    assert all("/Annots" not in page for page in reader.pages)  # …never a live link
