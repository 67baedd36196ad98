"""The report engine: runs a definition (``reports/*.yaml``) with filters and a scope.

Every page, download, CLI command and API call goes through ``run_report``, so the same filters
give the same figures everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter

from trainer.collector import collector_paused
from trainer.reports import cache
from trainer.reports.definitions import ReportDefinition, get_definition
from trainer.reports.dimensions import DIMENSIONS
from trainer.reports.filters import ReportFilters
from trainer.reports.measures import KNOWN, compute, value_or_empty


class ReportError(Exception):
    """The report cannot be produced as asked (unknown id…); the message is safe to show."""


@dataclass
class ReportResult:
    definition: ReportDefinition
    filters: ReportFilters
    columns: list[str]
    rows: list[list]
    # Indicators reports: the French label of each row (``trainers_trained.midwife`` → …).
    row_labels: dict[str, str] = field(default_factory=dict)
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def id(self) -> str:
        return self.definition.id

    def as_dicts(self) -> list[dict]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def value(self, indicator: str):
        """For indicator reports (key-figures): the value of one indicator, or None."""
        for row in self.rows:
            if row[0] == indicator:
                return row[1]
        return None


def _measure_of(column) -> str | None:
    if column.measure:
        return column.measure
    if column.field is None and column.name in KNOWN:
        return column.name
    return None


def _sort_key(row: list, columns: list[str], order: tuple[str, ...]):
    key = []
    for spec in order:
        descending = spec.startswith("-")
        value = row[columns.index(spec.lstrip("-"))]
        number = value if isinstance(value, int | float) else 0
        key.append(-number if descending else number)
    return key


def _run_table(definition: ReportDefinition, filters: ReportFilters) -> list[list]:
    all_rows = bool(definition.extra.get("all_rows"))
    # Cells are gathered with C-level ``map(dict.get, …)`` — label fields, then measures — and put
    # back in column order: a sessions log has a hundred thousand rows.
    kinds = [_measure_of(column) for column in definition.columns]
    label_fields = [
        c.field or c.name for c, measure in zip(definition.columns, kinds, strict=True) if not measure
    ]
    measures = [measure for measure in kinds if measure]
    measure_empties = [value_or_empty({}, measure) for measure in measures]
    labels_at, measures_at = iter(range(len(label_fields))), iter(range(len(label_fields), len(kinds)))
    order = [next(measures_at) if measure else next(labels_at) for measure in kinds]
    in_order = itemgetter(*order) if len(order) > 1 else lambda cells: (cells[order[0]],)
    label_blanks = [""] * len(label_fields)
    rows: list[list] = []
    for dimension_name in definition.dimensions:
        if dimension_name == "year" and filters.granularity == "month":
            dimension_name = "month"
        if dimension_name == "session":  # a hundred thousand rows: put together by columns
            # Imported here: pandas is loaded when a report runs, not by every process start.
            from trainer.reports.session_log import session_rows

            cells = session_rows(label_fields, measures, filters, all_rows=all_rows)
            rows.extend(map(list, zip(*(cells[i] for i in order), strict=True)))
            continue
        dimension = DIMENSIONS[dimension_name]
        values = compute(measures, dimension, filters)
        keys = set(values)
        if all_rows and dimension.universe:
            keys |= set(dimension.universe(filters))
        labels = dimension.labels(keys, filters)
        nothing: dict = {}
        for key in sorted(keys, key=lambda k: labels[k]["_order"]):
            label = {**labels[key], "scope": dimension_name} if "scope" in label_fields else labels[key]
            counted = values.get(key, nothing)
            cells = [
                *map(label.get, label_fields, label_blanks),
                *map(counted.get, measures, measure_empties),
            ]
            rows.append(list(in_order(cells)))
    if definition.order:
        columns = definition.column_names
        rows.sort(key=lambda row: _sort_key(row, columns, definition.order))
    return rows


def _run_indicators(definition: ReportDefinition, filters: ReportFilters, labels_out: dict) -> list[list]:
    # Indicators sharing a dimension and a session-type restriction are computed together:
    # one query per fact table for the whole group, not one per indicator.
    groups: dict[tuple, set[str]] = {}
    for indicator in definition.indicators:
        groups.setdefault((indicator.dimension, indicator.session_types), set()).add(indicator.measure)
    computed = {
        group: compute(measures, DIMENSIONS[group[0]] if group[0] else None, filters, group[1])
        for group, measures in groups.items()
    }
    rows: list[list] = []
    for indicator in definition.indicators:
        values = computed[(indicator.dimension, indicator.session_types)]
        if indicator.dimension is None:
            rows.append([indicator.name, value_or_empty(values.get((), {}), indicator.measure)])
            labels_out[indicator.name] = indicator.label or indicator.name
            continue
        dimension = DIMENSIONS[indicator.dimension]
        keys = {k for k in values if k[0] is not None}
        if dimension.universe:
            keys |= set(dimension.universe(filters))
        labels = dimension.labels(keys, filters)
        for key in sorted(keys, key=lambda k: labels[k]["_order"]):
            name = indicator.name.format(key=key[0])
            labels_out[name] = indicator.label.format(label=labels[key].get("label", key[0]))
            rows.append([name, value_or_empty(values.get(key, {}), indicator.measure)])
    return rows


def run_report(report_id: str, filters: ReportFilters) -> ReportResult:
    """Compute a report; the filters already carry the scope of the account asking."""
    definition = get_definition(report_id)
    if definition is None:
        raise ReportError(f"Le rapport « {report_id[:60]} » n'existe pas.")
    return cache.cached(definition, filters, lambda: _compute(definition, filters))


def _compute(definition: ReportDefinition, filters: ReportFilters) -> ReportResult:
    row_labels: dict[str, str] = {}
    with collector_paused():
        if definition.kind == "indicators":
            rows = _run_indicators(definition, filters, row_labels)
        else:
            rows = _run_table(definition, filters)
    return ReportResult(definition, filters, definition.column_names, rows, row_labels)
