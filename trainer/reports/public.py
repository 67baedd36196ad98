"""The public results page: key figures and evaluation rates of the last twelve months, per kit.

Published only when an admin turns it on (training bodies publish their results: Qualiopi
indicator 2). National figures only, never a person or a session; rates hidden below the minimum
number of responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from trainer.reports.dimensions import DIMENSIONS
from trainer.reports.engine import ReportResult, run_report
from trainer.reports.filters import ReportFilters
from trainer.reports.measures import compute, value_or_empty

PUBLIC_FIGURES = (
    "professionals_trained_total",
    "professionals_trained",
    "professionals_trained_declared",
    "trainers_and_referents_trained",
    "sessions_held",
    "evaluations_received",
    "satisfaction_rate",
    "knowledge_rate",
    "practice_rate",
)
KIT_MEASURES = ("sessions", "trained", "responses", "satisfaction_rate", "knowledge_rate", "practice_rate")


@dataclass
class PublicResults:
    date_from: date
    date_to: date
    figures: list[tuple[str, object]]
    kits: list[dict]


def public_results(today: date) -> PublicResults:
    filters = ReportFilters(date_from=today - timedelta(days=365), date_to=today)
    key_figures: ReportResult = run_report("key-figures", filters)
    figures = [(key_figures.row_labels[name], key_figures.value(name)) for name in PUBLIC_FIGURES]
    dimension = DIMENSIONS["kit"]
    values = compute(KIT_MEASURES, dimension, filters)
    labels = dimension.labels(set(values), filters)
    kits = []
    for key in sorted(values, key=lambda k: labels[k]["_order"]):
        row = {"kit": labels[key]["kit"]}
        row.update({name: value_or_empty(values[key], name) for name in KIT_MEASURES})
        kits.append(row)
    return PublicResults(filters.date_from, filters.date_to, figures, kits)
