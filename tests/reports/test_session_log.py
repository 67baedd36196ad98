"""The per-session reports (sessions log, evaluations per session), put together by columns.

Pinned by hand on the history of conftest.py, and compared with the generic engine path (one
``compute`` per measure, the session dimension's labels and universe) under every filter.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from trainer.evaluations.models import EvaluationResponse
from trainer.extensions import db
from trainer.reports.definitions import get_definition
from trainer.reports.dimensions import DIMENSIONS
from trainer.reports.engine import _measure_of, run_report
from trainer.reports.filters import ReportFilters
from trainer.reports.measures import compute, value_or_empty

YEAR_2025 = ReportFilters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))


def _session_rows(report_id: str, filters: ReportFilters) -> list[list]:
    rows = run_report(report_id, filters).rows
    return rows if report_id == "sessions" else [row for row in rows if row[0] == "session"]


def _generic_rows(report_id: str, filters: ReportFilters) -> list[list]:
    """What the engine built before the per-session reports were put together by columns."""
    definition = get_definition(report_id)
    kinds = [_measure_of(column) for column in definition.columns]
    dimension = DIMENSIONS["session"]
    values = compute([kind for kind in kinds if kind], dimension, filters)
    keys = set(values)
    if definition.extra.get("all_rows"):
        keys |= set(dimension.universe(filters))
    labels = dimension.labels(keys, filters)
    rows = []
    for key in sorted(keys, key=lambda k: labels[k]["_order"]):
        label = {**labels[key], "scope": "session"}
        rows.append(
            [
                value_or_empty(values.get(key, {}), kind)
                if kind
                else label.get(column.field or column.name, "")
                for column, kind in zip(definition.columns, kinds, strict=True)
            ]
        )
    return rows


def test_sessions_log_by_hand(history):
    rows = {row["reference"]: row for row in run_report("sessions", YEAR_2025).as_dicts()}
    # By start date: S1 03-10, S4 04-01, S5 05-05, S2 06-02, S6 07-01, S3 09-15, S7 11-20 (S8: 2024).
    assert list(rows) == ["S1", "S4", "S5", "S2", "S6", "S3", "S7"]
    assert rows["S2"]["kits"] == "anna|elisa" and rows["S4"]["kits"] == "" and rows["S1"]["kits"] == "anna"
    assert rows["S3"]["start_date"] == date(2025, 9, 15) and rows["S3"]["department"] == "13"
    assert rows["S4"]["session_type"] == "train_the_trainer" and rows["S6"]["status"] == "cancelled"
    pick = ("registered", "trained", "responses", "satisfaction_rate", "average_score")
    # S1: Chloé absent; two responses, under the threshold of five: no rate shown.
    assert tuple(rows["S1"][k] for k in pick) == (4, 3, 2, None, None)
    # S2: satisfaction 4, 4, 3, 2, 1 and a blank → 3 of 5; 33 points over 11 scored answers.
    assert tuple(rows["S2"][k] for k in pick) == (3, 3, 6, 60.0, 3.0)
    assert tuple(rows["S7"][k] for k in pick) == (1, 0, 0, None, None)


def test_a_profession_filter_lists_the_sessions_counted_for_it_with_their_labels(history):
    """No session is aimed at police officers; Frank and Gina (police) were registered in S3."""
    rows = run_report("sessions", replace(YEAR_2025, profession="police_officer")).as_dicts()
    assert [row["reference"] for row in rows] == ["S3"]
    assert rows[0]["title"] and rows[0]["kits"] == "elisa"
    assert (rows[0]["registered"], rows[0]["trained"]) == (2, 1)


def test_evaluations_of_a_session_not_aimed_at_the_filtered_profession(history, app):
    responses = db.session.query(EvaluationResponse).filter_by(session_id=history.sessions["S2"].id).all()
    for response in responses[:5]:
        response.profession_code = "police_officer"
    db.session.commit()
    rows = _session_rows("evaluations", replace(YEAR_2025, profession="police_officer"))
    assert len(rows) == 1
    scope, scope_id, label, responses_count = rows[0][:4]
    assert (scope, scope_id, responses_count) == ("session", "S2", 5)
    assert label.startswith("S2 — ")


FILTERS = {
    "none": ReportFilters(),
    "year": YEAR_2025,
    "profession": replace(YEAR_2025, profession="nurse"),
    "police": replace(YEAR_2025, profession="police_officer"),
    "kit": replace(YEAR_2025, kit="elisa"),
    "department": replace(YEAR_2025, department="62"),
    "type": replace(YEAR_2025, session_type="train_the_trainer"),
}


@pytest.mark.parametrize("report_id", ["sessions", "evaluations"])
@pytest.mark.parametrize("name", list(FILTERS))
def test_rows_by_columns_equal_the_generic_engine(history, app, report_id, name):
    # Respondents who said their profession: the profession filter then counts answers.
    for reference, count in (("S1", 2), ("S2", 3)):
        session_id = history.sessions[reference].id
        for response in db.session.query(EvaluationResponse).filter_by(session_id=session_id).limit(count):
            response.profession_code = "nurse"
    db.session.commit()
    app.config["MIN_RESPONSES_SHOWN"] = 2  # so that S1's rates show too
    try:
        assert _session_rows(report_id, FILTERS[name]) == _generic_rows(report_id, FILTERS[name])
    finally:
        app.config["MIN_RESPONSES_SHOWN"] = 5
