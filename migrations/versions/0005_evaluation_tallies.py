"""Per-session tallies of the scored evaluation answers, kept by triggers.

Revision ID: 0005_evaluation_tallies
Revises: 0004_start_year_index

The trigger code is written out here, not imported: migration 0006 replaced these tallies with
one row per session, and this revision must keep creating what it created.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_evaluation_tallies"
down_revision = "0004_start_year_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evaluation_tallies",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "indicator",
            sa.Enum("satisfaction", "knowledge", "practice", name="indicator", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("good", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "\"indicator\" = 'satisfaction' OR \"indicator\" = 'knowledge' OR \"indicator\" = 'practice'",
            name=op.f("ck_evaluation_tallies_indicator"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_evaluation_tallies_session_id_training_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "indicator", name=op.f("pk_evaluation_tallies")),
    )
    connection = op.get_bind()
    _install(connection)
    _rebuild(connection)


def downgrade():
    _uninstall(op.get_bind())
    op.drop_table("evaluation_tallies")


# SQLite: one trigger per change; an UPDATE takes the old answer out and puts the new one in.
_SQLITE_ADD = """
    INSERT INTO evaluation_tallies (session_id, indicator, good, answered, score_sum)
    VALUES (NEW.session_id, NEW.indicator, NEW.score >= 3, 1, NEW.score)
    ON CONFLICT (session_id, indicator) DO UPDATE SET
        good = good + excluded.good, answered = answered + 1, score_sum = score_sum + excluded.score_sum;
"""
_SQLITE_REMOVE = """
    UPDATE evaluation_tallies
    SET good = good - (OLD.score >= 3), answered = answered - 1, score_sum = score_sum - OLD.score
    WHERE session_id = OLD.session_id AND indicator = OLD.indicator;
    DELETE FROM evaluation_tallies
    WHERE session_id = OLD.session_id AND indicator = OLD.indicator AND answered <= 0;
"""
_SCORED_NEW = "NEW.indicator IS NOT NULL AND NEW.score IS NOT NULL"
_SCORED_OLD = "OLD.indicator IS NOT NULL AND OLD.score IS NOT NULL"
_SQLITE_TRIGGERS = {
    "evaluation_tallies_insert": ("AFTER INSERT", _SCORED_NEW, _SQLITE_ADD),
    "evaluation_tallies_delete": ("AFTER DELETE", _SCORED_OLD, _SQLITE_REMOVE),
    "evaluation_tallies_update_old": (
        "AFTER UPDATE OF session_id, indicator, score",
        _SCORED_OLD,
        _SQLITE_REMOVE,
    ),
    "evaluation_tallies_update_new": (
        "AFTER UPDATE OF session_id, indicator, score",
        _SCORED_NEW,
        _SQLITE_ADD,
    ),
}

# PostgreSQL: one row trigger calling one function.
_POSTGRESQL_FUNCTION = """
CREATE FUNCTION evaluation_tallies_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.indicator IS NOT NULL AND OLD.score IS NOT NULL THEN
        UPDATE evaluation_tallies
        SET good = good - (OLD.score >= 3)::int, answered = answered - 1, score_sum = score_sum - OLD.score
        WHERE session_id = OLD.session_id AND indicator = OLD.indicator;
        DELETE FROM evaluation_tallies
        WHERE session_id = OLD.session_id AND indicator = OLD.indicator AND answered <= 0;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.indicator IS NOT NULL AND NEW.score IS NOT NULL THEN
        INSERT INTO evaluation_tallies AS t (session_id, indicator, good, answered, score_sum)
        VALUES (NEW.session_id, NEW.indicator, (NEW.score >= 3)::int, 1, NEW.score)
        ON CONFLICT (session_id, indicator) DO UPDATE SET
            good = t.good + excluded.good, answered = t.answered + 1,
            score_sum = t.score_sum + excluded.score_sum;
    END IF;
    RETURN NULL;
END
$$
"""
_POSTGRESQL_TRIGGER = """
CREATE TRIGGER evaluation_tallies_follow
AFTER INSERT OR DELETE OR UPDATE OF session_id, indicator, score ON evaluation_answers
FOR EACH ROW EXECUTE FUNCTION evaluation_tallies_follow()
"""


def _install(connection: sa.Connection) -> None:
    """Create the triggers on ``evaluation_answers``."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(_POSTGRESQL_FUNCTION)
        connection.exec_driver_sql(_POSTGRESQL_TRIGGER)
        return
    for name, (timing, condition, body) in _SQLITE_TRIGGERS.items():
        connection.exec_driver_sql(
            f"CREATE TRIGGER {name} {timing} ON evaluation_answers WHEN {condition} BEGIN {body} END"
        )


def _uninstall(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS evaluation_tallies_follow ON evaluation_answers")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS evaluation_tallies_follow()")
        return
    for name in _SQLITE_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def _rebuild(connection: sa.Connection) -> None:
    """Recount every tally from the answers (when the table is created, or to check it)."""
    connection.exec_driver_sql("DELETE FROM evaluation_tallies")
    connection.exec_driver_sql(
        "INSERT INTO evaluation_tallies (session_id, indicator, good, answered, score_sum) "
        "SELECT session_id, indicator, SUM(CASE WHEN score >= 3 THEN 1 ELSE 0 END), COUNT(*), SUM(score) "
        "FROM evaluation_answers WHERE indicator IS NOT NULL AND score IS NOT NULL "
        "GROUP BY session_id, indicator"
    )
