"""Report downloads: CSV (``,`` UTF-8), CSV for Excel (``;``, BOM), XLSX and PDF.

Every text cell goes through ``trainer.exports.neutralise``; numbers and dates stay typed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask import current_app, has_request_context, render_template

from trainer.exports import neutralise
from trainer.reports.engine import ReportResult

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "csv-excel": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
    "json": ("application/json", "json"),
}
FILTER_LABELS = {
    "from": "Du",
    "to": "Au",
    "region": "Région",
    "department": "Département",
    "kit": "Outil",
    "session_type": "Type de session",
    "profession": "Profession",
    "granularity": "Période",
}


def _csv_value(value, excel: bool):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        # The shortest exact form: a rate of 60.0 keeps its decimal, as in the PDF ("60,0"), and
        # nothing is cut to six significant digits (``:g`` wrote "60" and "1.23457e+06").
        text = repr(value)
        return text.replace(".", ",") if excel else text
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def to_csv(result: ReportResult, *, excel: bool = False) -> bytes:
    """UTF-8 with ``,``; the Excel flavour uses ``;``, decimal commas and a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([_csv_value(v, excel) for v in row])
    text = buffer.getvalue()
    return ("\ufeff" + text).encode("utf-8") if excel else text.encode("utf-8")


def to_json(result: ReportResult) -> dict:
    """The API shape: ``{"report", "filters", "columns", "rows"}``; dates in ISO form."""
    rows = [[v.isoformat() if isinstance(v, date) else v for v in row] for row in result.rows]
    filters = result.filters.as_dict()
    scope = result.filters.scope
    if not scope.is_national:
        filters["scope"] = scope.department_code or scope.region_code
    return {"report": result.id, "filters": filters, "columns": result.columns, "rows": rows}


@dataclass
class Sheet:
    title: str
    columns: list[str]
    rows: list[list]
    types: list[str]


def report_sheets(result: ReportResult, described_filters: list[tuple[str, str]]) -> list[Sheet]:
    types = [c.type for c in result.definition.columns]
    data = Sheet(result.definition.title, result.columns, result.rows, types)
    info_rows = [["Rapport", result.definition.title], ["Identifiant", result.id]]
    info_rows += [[label, value] for label, value in described_filters]
    info_rows.append(["Produit le", result.generated_at.date()])
    info_rows += [[f"Colonne {c.name}", c.label] for c in result.definition.columns]
    return [data, Sheet("Informations", ["champ", "valeur"], info_rows, ["text", "text"])]


def _sheet_title(title: str, used: set[str]) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Feuille"
    candidate, n = cleaned, 2
    while candidate in used:
        candidate = f"{cleaned[:28]} {n}"
        n += 1
    used.add(candidate)
    return candidate


def to_xlsx(sheets: list[Sheet]) -> bytes:
    """One sheet per table: typed numbers and dates, frozen header, auto-filter."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title, used))
        worksheet.append([neutralise(c) for c in sheet.columns])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            worksheet.append([neutralise(v) if isinstance(v, str) else v for v in row])
        for index, column_type in enumerate(sheet.types, start=1):
            number_format = {"rate": "0.0", "date": "DD/MM/YYYY"}.get(column_type)
            widest = max(
                [len(str(sheet.columns[index - 1]))]
                + [len(str(r[index - 1] or "")) for r in sheet.rows[:200]]
            )
            worksheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, widest + 2))
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
                elif number_format and isinstance(cell.value, int | float):
                    cell.number_format = number_format
                elif column_type == "decimal" and isinstance(cell.value, float):
                    # One or two decimals, as pages and PDFs show them (key-figures rates: 60,0).
                    cell.number_format = "0.0#"
        worksheet.freeze_panes = "A2"
        worksheet.auto_filter.ref = worksheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(template: str, **context) -> bytes:
    """Render ``templates/reports/pdf/<template>`` with WeasyPrint (user text autoescaped)."""
    from weasyprint import HTML, URLFetcher

    if has_request_context():
        html = render_template(f"reports/pdf/{template}", **context)
    else:  # CLI: the app's context processors expect a request
        with current_app.test_request_context():
            html = render_template(f"reports/pdf/{template}", **context)
    # Charts come inline as data: URIs; nothing else is ever fetched (no file://, no network).
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, base_url="data:,", url_fetcher=fetcher).write_pdf()
