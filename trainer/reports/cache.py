"""Report results kept between requests, under the data version they were computed from.

The key is the report, the filters (which carry the account's scope, so a scoped manager never
gets another territory's figures), the language and the anonymity threshold; an entry is valid for
one data version only (``trainer.versioned_cache``), which changes with every committed write, so
a cached figure is never stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask import current_app

from trainer import versioned_cache

if TYPE_CHECKING:
    from trainer.reports.definitions import ReportDefinition
    from trainer.reports.engine import ReportResult
    from trainer.reports.filters import ReportFilters


def _copy(result: ReportResult) -> ReportResult:
    """Rows and labels of its own (what one caller does with a result never reaches another), and
    the time it is handed out: the figures are those of now, the data has not changed since."""
    return replace(
        result,
        rows=[list(row) for row in result.rows],
        row_labels=dict(result.row_labels),
        generated_at=datetime.now(UTC),
    )


def cached(
    definition: ReportDefinition, filters: ReportFilters, compute: Callable[[], ReportResult]
) -> ReportResult:
    """The result of ``compute()``, taken from the cache when the data has not changed since."""
    config = current_app.config
    key = (definition.id, filters, versioned_cache.language(), config.get("MIN_RESPONSES_SHOWN", 5))
    max_rows = int(config.get("REPORT_CACHE_MAX_ROWS", 2000))
    return versioned_cache.cached(
        "reports",
        key,
        compute,
        size=int(config.get("REPORT_CACHE_SIZE", 0)),
        anchor=definition,  # the same definition file, not reloaded
        keep=lambda found: len(found.rows) <= max_rows,  # the session log would fill memory
        copy=_copy,
    )
