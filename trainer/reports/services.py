"""Report services: scope of an account, downloads (audited), the activity report, publication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from trainer import audit
from trainer.extensions import db
from trainer.kits.models import Kit
from trainer.main.models import Setting
from trainer.referential.models import Department, Profession, Region, SessionType
from trainer.reports import charts, exporters
from trainer.reports.engine import ReportError, ReportResult, run_report
from trainer.reports.filters import ReportFilters, Scope

PUBLIC_RESULTS_KEY = "public_results_enabled"
DASHBOARD_PANELS = (
    "trained-by-profession",
    "trained-by-sector",
    "trained-by-kit",
    "trained-by-period",
    "trained-by-territory",
)
HEADLINE = (
    ("professionals_trained_total", "Professionnel·les formé·es (total)"),
    ("professionals_trained", "dont nommé·es sur la plateforme"),
    ("professionals_trained_declared", "dont déclaré·es (cascade)"),
    ("trainers_and_referents_trained", "Formateur·rices et référent·es formé·es"),
    ("sessions_held", "Sessions réalisées"),
    ("satisfaction_rate", "Taux de satisfaction (%)"),
    ("evaluations_received", "Évaluations reçues"),
    ("kit_packs_sent", "Packs d'outils envoyés"),
)


def scope_for(user) -> Scope:
    """The territory an account is limited to; coordinators and admins see everything."""
    return Scope.for_user(user)


def describe_filters(filters: ReportFilters) -> list[tuple[str, str]]:
    """The filters in French words, for page headers, PDFs and XLSX information sheets."""
    described = []
    names = {
        "region": (Region, "name"),
        "department": (Department, "display_name"),
        "kit": (Kit, "title"),
        "session_type": (SessionType, "label"),
        "profession": (Profession, "label"),
    }
    for key, value in filters.as_dict().items():
        text = value
        if key in ("from", "to"):
            text = date.fromisoformat(value).strftime("%d/%m/%Y")
        elif key == "kit":
            kit = db.session.scalar(sa.select(Kit).where(Kit.slug == value))
            text = kit.title if kit else value
        elif key in names:
            model, attribute = names[key]
            found = db.session.get(model, value)
            text = getattr(found, attribute) if found else value
        elif key == "granularity":
            text = "par mois" if value == "month" else "par année"
        described.append((exporters.FILTER_LABELS.get(key, key), text))
    scope = filters.scope
    if scope.department_code:
        department = db.session.get(Department, scope.department_code)
        described.append(
            ("Périmètre du compte", f"Département {department.display_name if department else ''}")
        )
    elif scope.region_code:
        region = db.session.get(Region, scope.region_code)
        described.append(("Périmètre du compte", f"Région {region.name if region else ''}"))
    if not described:
        described.append(("Filtres", "aucun (toutes les données)"))
    return described


@dataclass
class Download:
    content: bytes
    mimetype: str
    filename: str


def export_report(
    report_id: str, fmt: str, filters: ReportFilters, *, actor, channel: str = "web"
) -> Download:
    """Produce a download and record it in the audit log (a bulk read). Flushes, never commits."""
    if fmt not in exporters.FORMATS:
        raise ReportError(f"Format « {fmt[:20]} » inconnu : csv, csv-excel, xlsx, pdf ou json.")
    result = run_report(report_id, filters)
    mimetype, extension = exporters.FORMATS[fmt]
    if fmt in ("csv", "csv-excel"):
        content = exporters.to_csv(result, excel=fmt == "csv-excel")
    elif fmt == "xlsx":
        content = exporters.to_xlsx(exporters.report_sheets(result, describe_filters(filters)))
    elif fmt == "pdf":
        content = report_pdf(result)
    else:
        import json

        content = json.dumps(exporters.to_json(result), ensure_ascii=False, indent=1).encode("utf-8")
    record_export(result, fmt, actor=actor, channel=channel)
    stamp = result.generated_at.strftime("%Y%m%d")
    suffix = "-excel" if fmt == "csv-excel" else ""
    return Download(content, mimetype, f"{report_id}-{stamp}{suffix}.{extension}")


def record_export(result: ReportResult, fmt: str, *, actor, channel: str) -> None:
    filters = ", ".join(f"{k}={v}" for k, v in result.filters.as_dict().items()) or "aucun filtre"
    audit.record(
        "report.export",
        actor=actor,
        object_type="report",
        object_id=result.id,
        summary=f"{result.id} en {fmt} ({channel}) : {len(result.rows)} lignes ; {filters}",
    )


def display_rows(result: ReportResult) -> list[list]:
    """Rows as shown in HTML and PDF: indicator labels in French, codes kept in downloads."""
    if result.definition.kind != "indicators":
        return result.rows
    return [[result.row_labels.get(name, name), value] for name, value in result.rows]


PDF_MAX_ROWS = 2_000  # a PDF is read by people; the complete log is in CSV and XLSX


def report_pdf(result: ReportResult) -> bytes:
    rows = display_rows(result)
    return exporters.to_pdf(
        "report.html",
        result=result,
        filters=describe_filters(result.filters),
        chart=charts.chart_uri(result),
        rows=rows[:PDF_MAX_ROWS],
        truncated=len(rows) - PDF_MAX_ROWS if len(rows) > PDF_MAX_ROWS else 0,
        landscape=len(result.columns) > 7,
    )


def activity_report_pdf(year: int, filters: ReportFilters, *, actor) -> bytes:
    """The "rapport d'activité" of a year and territory: key figures, charts and main tables."""
    filters = ReportFilters(
        date_from=date(year, 1, 1),
        date_to=date(year, 12, 31),
        region=filters.region,
        department=filters.department,
        scope=filters.scope,
    )
    key_figures = run_report("key-figures", filters)
    sections = []
    for report_id in ("trained-by-profession", "trained-by-kit", "trained-by-territory", "trainers-activity"):
        result = run_report(report_id, filters)
        sections.append({"result": result, "chart": charts.chart_uri(result), "rows": display_rows(result)})
    content = exporters.to_pdf(
        "activity.html",
        year=year,
        filters=describe_filters(filters),
        key_figures=key_figures,
        key_rows=display_rows(key_figures),
        rates_chart=charts.chart_uri(key_figures),
        sections=sections,
    )
    record_export(key_figures, "pdf", actor=actor, channel=f"rapport d'activité {year}")
    return content


def public_results_enabled() -> bool:
    setting = db.session.get(Setting, PUBLIC_RESULTS_KEY)
    return bool(setting and setting.value == "1")


def set_public_results(enabled: bool, *, actor) -> None:
    """Turn the public results page on or off. Flushes, never commits."""
    setting = db.session.get(Setting, PUBLIC_RESULTS_KEY)
    if setting is None:
        setting = Setting(key=PUBLIC_RESULTS_KEY)
        db.session.add(setting)
    setting.value = "1" if enabled else "0"
    db.session.flush()
    audit.record(
        "setting.update",
        setting,
        actor=actor,
        object_id=PUBLIC_RESULTS_KEY,
        summary=f"résultats publics {'publiés' if enabled else 'retirés'}",
    )
