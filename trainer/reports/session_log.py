"""Reports with one row per session (the sessions log, the per-session evaluation results).

A hundred thousand rows at the reference scale, so they are put together column by column, never
as a dict per row: the labels from one read of the sessions (with their kits), in report order;
the registration counts from one scan and the evaluation figures from the per-session tallies, as
pandas columns reindexed on the sessions listed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import compress

import numpy as np
import pandas as pd
import sqlalchemy as sa
from flask import g

from trainer.extensions import db
from trainer.kits.models import Kit
from trainer.reports.dimensions import DIMENSIONS
from trainer.reports.facts import SK, FactQuery, R, S
from trainer.reports.filters import ReportFilters
from trainer.reports.measures import ANSWER_MEASURES, compute, value_or_empty
from trainer.reports.rollup import answer_values, driver_rows, frame_of, per_session, sums_for
from trainer.sessions.models import RegistrationStatus

# At the session grain a person has one registration per session (a unique key), so the trained
# persons are the completed registrations, counted in the same scan as the registered ones.
REGISTRATION_MEASURES = {"registered", "trained", "attendances"}


class SessionLabels:
    """The label columns of the sessions in scope, in report order (start date, reference).

    Tuples rather than a DataFrame: pandas would store the text as its string type and go back
    through Python for every cell on the way out. The display label is put together only for the
    reports that show it.
    """

    def __init__(self, ids: tuple[int, ...], columns: dict[str, tuple]) -> None:
        self.ids = ids
        self._columns = columns

    def column(self, name: str) -> tuple:
        if name == "label" and name not in self._columns:
            self._columns[name] = tuple(map("{} — {}".format, self.column("reference"), self.column("title")))
        if name == "scope_id":
            return self._columns["reference"]
        return self._columns[name]

    def names(self) -> list[str]:
        return [*self._columns, "scope_id", "label"]


def session_labels(filters: ReportFilters, *, kits: bool) -> SessionLabels:
    """Sessions in the filters' scope and period, with their labels (``kits``: and their kits).

    The profession filter does not apply here: it chooses rows (``session_ids``), and a session
    counted for a profession it was not aimed at still needs its label. Once per request.
    """
    key = (replace(filters, profession=None), kits)
    cache = g.setdefault("report_session_labels", {})
    if key not in cache:
        cache[key] = _read_session_labels(*key)
    return cache[key]


def _read_session_labels(filters: ReportFilters, kits: bool) -> SessionLabels:
    q = FactQuery("sessions_all", filters)
    columns = [
        S.c.id,
        S.c.reference,
        S.c.title,
        sa.type_coerce(S.c.session_type_code, sa.String()),
        # As stored: SQLite's ISO text is turned into dates once per distinct day, below.
        sa.type_coerce(S.c.starts_on, sa.String()),
        S.c.department_code,
        sa.type_coerce(S.c.status, sa.String()),
    ]
    if kits:  # one row per kit of the session, or one with None for a session without
        q.join("session_kits", SK, SK.c.session_id == S.c.id, outer=True)
        columns.append(SK.c.kit_id)
    rows = driver_rows(q.select([], columns))
    kit_ids = None
    if kits:
        rows, kit_ids = _one_row_per_session(rows)
    # Report order: start date, then reference in code-point order, as Python compares strings.
    days = {
        value: date.fromisoformat(value) if isinstance(value, str) else value
        for value in {row[4] for row in rows}
    }
    day_numbers = {value: day.toordinal() for value, day in days.items()}
    order = np.lexsort(
        (
            np.array([row[1] for row in rows], dtype=str),
            np.fromiter((day_numbers[row[4]] for row in rows), dtype="int64", count=len(rows)),
        )
    )
    rows = list(map(rows.__getitem__, order.tolist()))
    ids, references, titles, types, starts, departments, statuses, *_ = (
        zip(*rows, strict=True) if rows else [()] * len(columns)
    )
    labels = {
        "reference": references,
        "title": titles,
        "session_type": types,
        "start_date": tuple(map(days.__getitem__, starts)),
        "department": tuple(code or "" for code in departments),
        "status": statuses,
    }
    if kits:
        labels["kits"] = _kit_slugs(tuple(map(kit_ids.__getitem__, ids)))
    return SessionLabels(ids, labels)


def _one_row_per_session(rows: list[tuple]) -> tuple[list[tuple], dict[int, tuple]]:
    """Rows joined to their kits → one row per session, and the kit ids of each session."""
    kit_ids: dict[int, tuple] = {row[0]: (row[-1],) for row in rows}
    if len(kit_ids) == len(rows):
        return rows, kit_ids
    first_rows = {}
    for row in rows:  # only when a session has several kits: a handful among thousands
        if row[0] in first_rows:
            kit_ids[row[0]] += (row[-1],)
        else:
            first_rows[row[0]] = row
            kit_ids[row[0]] = (row[-1],)
    return list(first_rows.values()), kit_ids


def _kit_slugs(kit_ids: tuple[tuple, ...]) -> tuple[str, ...]:
    """The kit ids of each session → their slugs in alphabetical order joined by ``|``; each
    distinct combination is named once."""
    slugs = dict(db.session.execute(sa.select(Kit.id, Kit.slug)).all())
    named = {
        combination: "|".join(sorted(slugs[kit_id] for kit_id in combination if kit_id is not None))
        for combination in set(kit_ids)
    }
    return tuple(map(named.__getitem__, kit_ids))


def session_ids(filters: ReportFilters) -> tuple[int, ...]:
    """The sessions a log lists even when nothing was counted for them (``all_rows``)."""
    if not filters.profession:  # every session in scope: the labels already read have them
        cached = g.get("report_session_labels", {})
        for kits in (True, False):
            if (filters, kits) in cached:
                return cached[(filters, kits)].ids
        return session_labels(filters, kits=False).ids
    # Sessions aimed at that profession: the session-level reading of the profession filter.
    q = FactQuery("sessions_all", filters)
    return tuple(db.session.scalars(q.select([], [S.c.id])).all())


def _registration_counts(measures: set[str], filters: ReportFilters) -> pd.DataFrame:
    q = FactQuery("registrations", filters)
    registered = sa.func.count().filter(R.c.status == RegistrationStatus.registered.value)
    completed = sa.func.count().filter(R.c.completed.is_(True))
    statement = q.select([q.session_id], [registered, completed])
    counted = frame_of(statement, ["id", "registered", "completed"], integers=True).set_index("id")
    result = pd.DataFrame(index=counted.index)
    present = pd.Series(False, index=counted.index)
    if "registered" in measures:
        result["registered"] = counted["registered"]
        present |= counted["registered"] > 0
    for name in measures & {"trained", "attendances"}:
        result[name] = counted["completed"]
        present |= counted["completed"] > 0
    return result[present]


def session_measures(measures: list[str], filters: ReportFilters) -> pd.DataFrame:
    """The measures asked, indexed by the sessions where something was counted (NaN: nothing)."""
    wanted = set(measures)
    parts = []
    if wanted & REGISTRATION_MEASURES:
        parts.append(_registration_counts(wanted & REGISTRATION_MEASURES, filters))
    answers = wanted & (ANSWER_MEASURES | {"responses"})
    if answers:
        values = answer_values(per_session(filters, columns=sums_for(answers)))
        values = values[sorted(answers)]
        if "responses" not in answers:  # only the sessions with a figure shown
            values = values[values.notna().any(axis=1)]
        parts.append(values)
    others = wanted - REGISTRATION_MEASURES - answers
    if others:
        counted = compute(sorted(others), DIMENSIONS["session"], filters)
        parts.append(
            pd.DataFrame.from_dict({key[0]: values for key, values in counted.items()}, orient="index")
        )
    frame = pd.concat(parts, axis=1) if parts else pd.DataFrame()
    return frame.reindex(columns=measures)


def session_rows(
    label_fields: list[str], measures: list[str], filters: ReportFilters, *, all_rows: bool
) -> list[list]:
    """The cells of each row, in report order: the label fields, then the measures."""
    labels = session_labels(filters, kits="kits" in label_fields)
    counted = session_measures(measures, filters)
    if all_rows and not filters.profession:
        shown = None  # every session in scope is listed
        ids = labels.ids
    else:
        listed = set(counted.index.tolist())
        if all_rows:
            listed.update(session_ids(filters))
        shown = [session_id in listed for session_id in labels.ids]
        ids = tuple(compress(labels.ids, shown))
    counted = counted.reindex(list(ids))
    columns = []
    for name in label_fields:
        if name == "scope":
            columns.append(["session"] * len(ids))
        elif name in labels.names():
            values = labels.column(name)
            columns.append(list(values if shown is None else compress(values, shown)))
        else:
            columns.append([""] * len(ids))
    for name in measures:
        values, empty = counted[name].to_numpy(dtype="float64"), value_or_empty({}, name)
        missing = np.isnan(values)
        if empty is None:  # a rate: None where hidden or not counted
            columns.append(np.where(missing, None, values).tolist())
        else:
            columns.append(np.where(missing, empty, values).astype("int64").tolist())
    return columns
