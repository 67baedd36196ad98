"""The counting rules of product.md §3, pinned on the hand-computed history of conftest.py."""

from __future__ import annotations

from datetime import date

import pytest

from tests.reports.conftest import BY_PROFESSION_2025, EXPECTED_2025
from trainer.reports.engine import ReportError, run_report
from trainer.reports.filters import FilterError, ReportFilters, Scope, parse_filters

YEAR_2025 = ReportFilters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))


def key_figures(filters=YEAR_2025) -> dict:
    return dict(run_report("key-figures", filters).rows)


def rows_by(report_id, key_column, filters=YEAR_2025) -> dict:
    result = run_report(report_id, filters)
    return {row[key_column]: row for row in result.as_dicts()}


def test_key_figures_for_2025_match_the_hand_count(history):
    assert key_figures() == EXPECTED_2025


def test_columns_are_the_exchange_format_ones(history):
    expected = {
        "key-figures": ["indicator", "value"],
        "trained-by-profession": [
            "profession_code",
            "profession",
            "sector",
            "trained",
            "attendances",
            "trained_declared",
            "trained_total",
        ],
        "trained-by-kit": ["kit_slug", "kit", "sessions", "trained", "trained_declared", "trained_total"],
        "trained-by-territory": [
            "region_code",
            "region",
            "department_code",
            "department",
            "sessions",
            "trained",
            "trained_declared",
            "trained_total",
        ],
        "trained-by-period": ["period", "sessions", "trained", "trained_declared", "trained_total"],
        "evaluations": [
            "scope",
            "scope_id",
            "label",
            "responses",
            "satisfaction_rate",
            "knowledge_rate",
            "practice_rate",
            "average_score",
        ],
        "trainers-activity": [
            "trainer_email",
            "trainer",
            "sessions_delivered",
            "attendees_trained",
            "declared_headcount",
        ],
    }
    for report_id, columns in expected.items():
        assert run_report(report_id, YEAR_2025).columns == columns, report_id
    sessions_columns = run_report("sessions", YEAR_2025).columns
    assert sessions_columns[:11] == [
        "reference",
        "title",
        "session_type",
        "start_date",
        "department",
        "kits",
        "registered",
        "trained",
        "responses",
        "satisfaction_rate",
        "average_score",
    ]


def test_by_profession_counts_the_registration_snapshot(history):
    """D was a nurse at S1 and a midwife at S2: once in each; Alice twice in attendances."""
    rows = rows_by("trained-by-profession", "profession_code")
    found = {
        code: (r["trained"], r["attendances"], r["trained_declared"], r["trained_total"])
        for code, r in rows.items()
    }
    assert found == BY_PROFESSION_2025
    assert rows["nurse"]["sector"] == "Santé"
    # Distinct overall (9) is less than the sum per profession (10): D counts in two professions.
    assert sum(v[0] for v in found.values()) == 10


def test_absent_attendee_and_present_flag(history):
    """Chloé was absent (S1); Gina's imported row says not present (S3, no slots)."""
    sessions = rows_by("sessions", "reference")
    assert (sessions["S1"]["registered"], sessions["S1"]["trained"]) == (4, 3)
    assert (sessions["S3"]["registered"], sessions["S3"]["trained"]) == (2, 1)


def test_cancelled_and_open_sessions_are_listed_but_not_held(history):
    sessions = rows_by("sessions", "reference")
    assert sessions["S6"]["status"] == "cancelled" and sessions["S7"]["status"] == "open"
    assert "S8" not in sessions  # 2024
    by_territory = rows_by("trained-by-territory", "department_code")
    assert by_territory["62"]["sessions"] == 2  # S1 and S4; S6 cancelled, S7 open


def test_by_kit_and_by_territory(history):
    kits = rows_by("trained-by-kit", "kit_slug")
    assert {
        k: (r["sessions"], r["trained"], r["trained_declared"], r["trained_total"]) for k, r in kits.items()
    } == {
        "anna": (2, 4, 15, 19),
        "elisa": (2, 4, 0, 4),
        "": (2, 4, 7, 11),
    }
    territory = rows_by("trained-by-territory", "department_code")
    assert {
        k: (r["region_code"], r["sessions"], r["trained"], r["trained_declared"], r["trained_total"])
        for k, r in territory.items()
    } == {"13": ("93", 1, 1, 7, 8), "59": ("32", 2, 6, 0, 6), "62": ("32", 2, 5, 15, 20)}


def test_by_period_years_and_months(history):
    periods = rows_by("trained-by-period", "period", ReportFilters())
    assert {
        p: (r["sessions"], r["trained"], r["trained_declared"], r["trained_total"])
        for p, r in periods.items()
    } == {
        "2024": (1, 1, 100, 101),
        "2025": (5, 9, 22, 31),
    }
    months = rows_by(
        "trained-by-period", "period", ReportFilters(granularity="month", date_from=date(2025, 1, 1))
    )
    assert months["2025-03"]["trained"] == 3 and months["2025-02"]["trained_declared"] == 15
    assert "2024-05" not in months


def test_evaluation_rates_blanks_and_minimum(history):
    """S2: satisfaction 4 4 3 2 1 (blank ignored) → 60.0; S1 has 2 responses: hidden."""
    rows = {(r["scope"], r["scope_id"]): r for r in run_report("evaluations", YEAR_2025).as_dicts()}
    s2 = rows[("session", "S2")]
    assert (s2["responses"], s2["satisfaction_rate"], s2["knowledge_rate"], s2["practice_rate"]) == (
        6,
        60.0,
        83.3,
        None,
    )
    assert s2["average_score"] == 3.0  # (14 + 19) / 11
    s1 = rows[("session", "S1")]
    assert s1["responses"] == 2 and s1["satisfaction_rate"] is None and s1["average_score"] is None
    anna = rows[("kit", "anna")]
    assert (anna["responses"], anna["satisfaction_rate"], anna["average_score"]) == (8, 71.4, 3.15)
    tess = rows[("trainer", "tess@exemple.fr")]
    assert (tess["responses"], tess["satisfaction_rate"], tess["knowledge_rate"]) == (8, 71.4, 83.3)


def test_minimum_responses_is_configurable(history, app):
    app.config["MIN_RESPONSES_SHOWN"] = 2
    try:
        rows = {(r["scope"], r["scope_id"]): r for r in run_report("evaluations", YEAR_2025).as_dicts()}
        assert rows[("session", "S1")]["satisfaction_rate"] == 100.0
    finally:
        app.config["MIN_RESPONSES_SHOWN"] = 5


def test_trainers_activity(history):
    rows = rows_by("trainers-activity", "trainer_email")
    found = {
        k: (r["sessions_delivered"], r["attendees_trained"], r["declared_headcount"]) for k, r in rows.items()
    }
    assert found == {
        "tess@exemple.fr": (2, 4, 0),
        "ugo@exemple.fr": (2, 4, 0),
        "hana@exemple.fr": (0, 0, 15),
    }


def test_region_filter(history):
    figures = key_figures(parse_filters({"year": "2025", "region": "32"}))
    assert figures["professionals_trained"] == 8
    assert figures["professionals_trained_declared"] == 15
    assert figures["sessions_held"] == 4
    assert figures["kit_packs_sent"] == 1


@pytest.mark.parametrize(
    ("args", "trained", "declared"),
    [
        ({"kit": "elisa"}, 4, 0),
        ({"session_type": "train_the_trainer"}, 2, 0),  # declared trainings have no type
        ({"profession": "nurse"}, 3, 10),
        ({"department": "13"}, 1, 7),
        ({"from": "2025-05-01", "to": "30/06/2025"}, 6, 0),  # S2 (June) and S5 (May)
    ],
)
def test_each_filter(history, args, trained, declared):
    figures = key_figures(parse_filters({"year": "2025", **args}))
    assert (figures["professionals_trained"], figures["professionals_trained_declared"]) == (
        trained,
        declared,
    )


def test_scope_cannot_be_widened(history):
    scope = Scope(department_code="62")
    own = key_figures(parse_filters({"year": "2025"}, scope))
    assert (own["professionals_trained"], own["professionals_trained_declared"], own["sessions_held"]) == (
        5,
        15,
        2,
    )
    # Asking for another department or region gives nothing, never the other territory's data.
    for args in ({"department": "13"}, {"region": "93"}, {"department": "59"}):
        figures = key_figures(parse_filters({"year": "2025", **args}, scope))
        assert figures["professionals_trained"] == 0 and figures["sessions_held"] == 0, args
        assert figures["professionals_trained_declared"] == 0 and figures["kit_packs_sent"] == 0
    territory = rows_by("trained-by-territory", "department_code", parse_filters({"year": "2025"}, scope))
    assert set(territory) == {"62"}


def test_region_scope(history):
    figures = key_figures(parse_filters({"year": "2025"}, Scope(region_code="32")))
    assert figures["professionals_trained"] == 8
    narrowed = key_figures(parse_filters({"year": "2025", "department": "59"}, Scope(region_code="32")))
    assert narrowed["professionals_trained"] == 6


def test_empty_database_gives_zeros_not_errors(app_ctx):
    figures = key_figures()
    assert figures["professionals_trained"] == 0 and figures["satisfaction_rate"] is None
    assert run_report("trained-by-profession", YEAR_2025).rows == []


@pytest.mark.parametrize(
    "args",
    [
        {"from": "31/02/2016"},
        {"to": "2016-13-01"},
        {"year": "deux mille"},
        {"department": "999"},
        {"region": "<script>"},
        {"kit": "inconnu"},
        {"profession": "astronaut"},
        {"session_type": "x" * 500},
        {"from": "2025-12-01", "to": "2025-01-01"},
        {"granularity": "week"},
    ],
)
def test_bad_filters_are_refused_in_french(app_ctx, args):
    with pytest.raises(FilterError) as error:
        parse_filters(args)
    assert str(error.value)


def test_unknown_report(app_ctx):
    with pytest.raises(ReportError):
        run_report("inconnu", ReportFilters())
