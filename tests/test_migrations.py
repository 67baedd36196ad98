"""The models and the migrations describe the same schema, and reference data is loaded."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from trainer.extensions import db
from trainer.referential.models import (
    Department,
    Profession,
    ProfessionAlias,
    ReferentType,
    Region,
    SessionType,
)


# SQLAlchemy does not reflect expression indexes; the next test checks that one.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_models_and_migrations_agree(app_ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_reference_data_is_loaded_by_migrations(app_ctx):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Region)) == 18
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Department)) == 101
    assert db.session.get(Department, "62").name == "Pas-de-Calais"
    assert db.session.get(Department, "62").region.name == "Hauts-de-France"
    assert db.session.get(Department, "2A").region_code == "94"
    assert db.session.get(Department, "976").region_code == "06"
    codes = set(db.session.scalars(sa.select(Profession.code)))
    for code in (
        "doctor",
        "emergency_doctor",
        "midwife",
        "dentist",
        "nurse",
        "magistrate",
        "gendarme",
        "social_worker",
        "teacher",
        "firefighter",
        "trainer",
        "other",
    ):
        assert code in codes
    assert db.session.get(Profession, "midwife").sector.code == "health"
    assert {t.code for t in db.session.scalars(sa.select(SessionType))} == {
        "train_the_trainer",
        "referent_training",
        "direct_training",
        "awareness",
        "conference",
    }
    assert {t.code for t in db.session.scalars(sa.select(ReferentType))} == {
        "emergency",
        "dentist",
        "court",
        "prefecture_trafficking",
        "other",
    }
    aliases = dict(
        db.session.execute(sa.select(ProfessionAlias.normalised, ProfessionAlias.profession_code)).all()
    )
    assert aliases["infirmiere"] == "nurse"
    assert aliases["educatrice specialisee"] == "social_worker"
    assert aliases["assistante de service social"] == "social_worker"


def test_sqlite_pragmas_on_every_connection(app_ctx):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_unique_keys_hold_in_the_database(app_ctx, make_session, make_person):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from trainer.sessions.models import Registration

    training_session = make_session()
    person = make_person(email="unique@test.fr")
    db.session.add(Registration(session_id=training_session.id, person_id=person.id))
    db.session.commit()
    db.session.add(Registration(session_id=training_session.id, person_id=person.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        make_session(reference=training_session.reference)
    db.session.rollback()


def test_the_per_year_reports_group_sessions_along_the_start_year_index(app_ctx):
    from trainer.reports.dimensions import DIMENSIONS
    from trainer.reports.facts import FactQuery, S
    from trainer.reports.filters import ReportFilters

    # The dimension's key is the indexed expression itself: grouping along the index needs no sort.
    q = FactQuery("completed", ReportFilters())
    keys = DIMENSIONS["year"].keys(q)
    if db.engine.dialect.name == "sqlite":
        statement = (
            sa.select(*keys, sa.func.count())
            .select_from(S)
            .with_hint(S, "INDEXED BY ix_training_sessions_start_year", "sqlite")
            .group_by(*keys)
        )
        sql = str(statement.compile(db.engine))
        plan = " ".join(row[3] for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}")))
        assert "ix_training_sessions_start_year" in plan and "TEMP B-TREE" not in plan, plan
    else:
        indexes = db.session.scalars(
            sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'training_sessions'")
        ).all()
        assert "ix_training_sessions_start_year" in indexes


def test_0006_recounts_the_session_tallies_and_goes_back_to_0005(app_ctx, make_session):
    """0006 replaced the tallies per session and indicator by one row per session; both
    directions recount from the responses and answers already there."""
    from datetime import date

    from flask import current_app
    from flask_migrate import downgrade, upgrade

    from trainer.evaluations import tallies
    from trainer.evaluations.models import EvaluationAnswer, EvaluationResponse, Phase

    training_session = make_session()
    for satisfaction, knowledge in ((4, 2), (3, None), (1, 4)):
        response = EvaluationResponse(
            training_session=training_session, phase=Phase.hot, submitted_on=date(2026, 3, 10)
        )
        response.answers = [
            EvaluationAnswer(indicator="satisfaction", score=satisfaction),
            EvaluationAnswer(indicator="knowledge", score=knowledge),
        ]
        db.session.add(response)
    db.session.commit()
    session_id = training_session.id
    directory = current_app.extensions["migrate"].directory
    db.session.remove()
    try:
        downgrade(directory=directory, revision="0005_evaluation_tallies")
        old = "SELECT session_id, indicator, good, answered, score_sum FROM evaluation_tallies"
        assert set(db.session.execute(sa.text(old)).all()) == {
            (session_id, "satisfaction", 2, 3, 8),
            (session_id, "knowledge", 1, 2, 6),
        }
        db.session.remove()
    finally:
        upgrade(directory=directory)
    recounted = db.session.execute(tallies.recount()).all()
    # Three responses; satisfaction 2 good of 3, knowledge 1 of 2, practice none; 8 + 6 points.
    assert recounted == [(session_id, 3, 2, 3, 1, 2, 0, 0, 14)]
    stored = "SELECT session_id, responses, satisfaction_good, satisfaction_answered, knowledge_good, "
    stored += "knowledge_answered, practice_good, practice_answered, score_sum FROM evaluation_tallies"
    assert db.session.execute(sa.text(stored)).all() == recounted
