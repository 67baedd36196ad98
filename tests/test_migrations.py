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
