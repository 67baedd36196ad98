"""The triggers that keep ``evaluation_tallies`` equal to the sums of the scored answers.

Written in the database rather than in Python so that no way of writing answers can miss them:
the online form and the import insert with Core, paper entry through the ORM, and deleting a
session removes its answers by cascade. A test writes answers every one of these ways and compares
the tallies with a ``GROUP BY`` over the answers.

The migration that creates the table calls ``install`` and ``rebuild``.
"""

from __future__ import annotations

import sqlalchemy as sa

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


def install(connection: sa.Connection) -> None:
    """Create the triggers on ``evaluation_answers``."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(_POSTGRESQL_FUNCTION)
        connection.exec_driver_sql(_POSTGRESQL_TRIGGER)
        return
    for name, (timing, condition, body) in _SQLITE_TRIGGERS.items():
        connection.exec_driver_sql(
            f"CREATE TRIGGER {name} {timing} ON evaluation_answers WHEN {condition} BEGIN {body} END"
        )


def uninstall(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS evaluation_tallies_follow ON evaluation_answers")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS evaluation_tallies_follow()")
        return
    for name in _SQLITE_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def rebuild(connection: sa.Connection) -> None:
    """Recount every tally from the answers (when the table is created, or to check it)."""
    connection.exec_driver_sql("DELETE FROM evaluation_tallies")
    connection.exec_driver_sql(
        "INSERT INTO evaluation_tallies (session_id, indicator, good, answered, score_sum) "
        "SELECT session_id, indicator, SUM(CASE WHEN score >= 3 THEN 1 ELSE 0 END), COUNT(*), SUM(score) "
        "FROM evaluation_answers WHERE indicator IS NOT NULL AND score IS NOT NULL "
        "GROUP BY session_id, indicator"
    )
