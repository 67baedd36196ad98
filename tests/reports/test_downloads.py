"""The same figures from the engine, the CLI, the API and the CSV, XLSX and PDF downloads."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.reports.conftest import BY_PROFESSION_2025, EXPECTED_2025
from trainer.auth.models import AuditEntry
from trainer.extensions import db

YEAR = {"year": "2025"}


def _csv_rows(content: bytes, delimiter=","):
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _audited(action="report.export") -> list[AuditEntry]:
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_csv_download(history, login_as):
    client = login_as("coordinator")
    response = client.get("/rapports/key-figures/telecharger/csv", query_string=YEAR)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert not response.data.startswith(b"\xef\xbb\xbf")
    rows = _csv_rows(response.data)
    assert rows[0] == ["indicator", "value"]
    found = dict(rows[1:])
    assert found == {k: "" if v is None else str(v) for k, v in EXPECTED_2025.items()}
    assert _audited()[-1].object_id == "key-figures"


def test_csv_excel_flavour(history, login_as):
    client = login_as("manager")
    response = client.get("/rapports/key-figures/telecharger/csv-excel", query_string=YEAR)
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = dict(_csv_rows(response.data, ";")[1:])
    assert rows["satisfaction_rate"] == "71,4" and rows["professionals_trained"] == "9"


def test_xlsx_download_is_typed_with_frozen_header_and_filter(history, login_as):
    client = login_as("manager")
    response = client.get("/rapports/trained-by-profession/telecharger/xlsx", query_string=YEAR)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["profession_code", "profession", "sector", "trained"]
    data = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    for code, (trained, attendances, declared, total) in BY_PROFESSION_2025.items():
        assert data[code][3:7] == (trained, attendances, declared, total)
        assert isinstance(data[code][3], int)
    assert workbook.worksheets[1].title == "Informations"


def test_xlsx_dates_and_rates_are_typed(history, login_as):
    client = login_as("coordinator")
    response = client.get("/rapports/sessions/telecharger/xlsx", query_string=YEAR)
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    start = rows["S2"][3]
    assert start.is_date and start.value.date().isoformat() == "2025-06-02"
    assert rows["S2"][9].value == 60.0 and rows["S2"][9].number_format == "0.0"


def test_pdf_download_has_title_filters_chart_and_figures(history, login_as):
    client = login_as("manager")
    response = client.get("/rapports/trained-by-profession/telecharger/pdf", query_string=YEAR)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = _pdf_text(response.data)
    assert "Professionnel·les formé·es par profession" in text
    assert "01/01/2025" in text and "31/12/2025" in text
    assert "Infirmier" in text  # nurse label
    assert b"/Subtype /Image" in response.data or b"/Subtype/Image" in response.data or "13" in text


def test_activity_report_pdf(history, login_as):
    client = login_as("manager")
    response = client.get("/rapports/rapport-activite.pdf", query_string={"year": "2025", "region": "32"})
    assert response.status_code == 200
    text = _pdf_text(response.data)
    assert "Rapport d'activité 2025" in text
    assert "Hauts-de-France" in text
    assert "Professionnel·les formé·es (nommé·es)" in text


def test_cli_gives_the_same_figures(history, runner, tmp_path):
    result = runner.invoke(args=["report", "key-figures", "--from", "2025-01-01", "--to", "2025-12-31"])
    assert result.exit_code == 0, result.output
    found = dict(_csv_rows(result.stdout_bytes)[1:])
    assert found["professionals_trained"] == "9" and found["satisfaction_rate"] == "71.4"

    out = tmp_path / "profession.json"
    result = runner.invoke(
        args=[
            "report",
            "trained-by-profession",
            "--format",
            "json",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--output",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert document["report"] == "trained-by-profession"
    rows = {r[0]: r for r in document["rows"]}
    assert tuple(rows["nurse"][3:7]) == BY_PROFESSION_2025["nurse"]

    xlsx = tmp_path / "kit.xlsx"
    result = runner.invoke(
        args=["report", "trained-by-kit", "--format", "xlsx", "--region", "32", "-o", str(xlsx)]
    )
    assert result.exit_code == 0, result.output
    assert load_workbook(xlsx).worksheets[0].max_row >= 2
    result = runner.invoke(args=["report", "key-figures", "--format", "pdf"])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "inconnu"], "Rapport inconnu"),
        (["report", "key-figures", "--department", "999"], "Département"),
        (["report", "key-figures", "--from", "31/02/2016"], "date"),
    ],
)
def test_cli_errors_are_clear(app_ctx, runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_cli_export_is_audited(history, runner):
    runner.invoke(args=["report", "sessions"])
    entry = _audited()[-1]
    assert entry.actor_label == "cli" and entry.object_id == "sessions"


def test_download_of_unknown_report_or_format(history, login_as):
    client = login_as("coordinator")
    assert client.get("/rapports/inconnu/telecharger/csv").status_code == 404
    assert client.get("/rapports/key-figures/telecharger/docx").status_code == 404
    assert client.get("/rapports/key-figures/telecharger/csv?department=999").status_code == 400


def test_long_pdf_is_cut_and_says_so(history, login_as, monkeypatch):
    from trainer.reports import services

    monkeypatch.setattr(services, "PDF_MAX_ROWS", 2)
    response = login_as("coordinator").get("/rapports/sessions/telecharger/pdf", query_string=YEAR)
    text = _pdf_text(response.data)
    assert "5 lignes de plus ne figurent pas dans ce PDF" in text
    assert "S1" in text and "S7" not in text
