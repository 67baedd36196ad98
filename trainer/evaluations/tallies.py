"""The triggers that keep ``evaluation_tallies`` equal to the responses and scored answers.

One row per session that has responses: how many, and for each indicator the answers of 3 or 4
and the scored answers, plus the sum of every score. Written in the database rather than in
Python so that no way of writing can miss them: the online form and the import insert with Core,
paper entry goes through the ORM, and deleting a response or a session removes its answers by
cascade. A test writes every one of these ways and compares the tallies with a recount.

Migration 0006 creates the table and calls ``install`` and ``rebuild``.
"""

from __future__ import annotations

import sqlalchemy as sa

from trainer.evaluations.models import TALLY_COLUMNS, Indicator

INDICATORS = [indicator.value for indicator in Indicator]


def _increments(row: str) -> dict[str, str]:
    """Column → what one answer (``NEW`` or ``OLD``) adds to it, as 0/1 integers on both databases."""
    increments = {}
    for indicator in INDICATORS:
        answered = f"{row}.indicator = '{indicator}'"
        increments[f"{indicator}_good"] = f"CASE WHEN {answered} AND {row}.score >= 3 THEN 1 ELSE 0 END"
        increments[f"{indicator}_answered"] = f"CASE WHEN {answered} THEN 1 ELSE 0 END"
    increments["score_sum"] = f"{row}.score"
    return increments


def _add_answer() -> str:
    increments = _increments("NEW")
    columns, values = ", ".join(increments), ", ".join(increments.values())
    updates = ", ".join(
        f"{column} = evaluation_tallies.{column} + excluded.{column}" for column in increments
    )
    return f"INSERT INTO evaluation_tallies (session_id, responses, {columns}) VALUES (NEW.session_id, 0, {values}) ON CONFLICT (session_id) DO UPDATE SET {updates};"  # noqa: S608  # nosec B608


def _remove_answer() -> str:
    updates = ", ".join(f"{column} = {column} - ({value})" for column, value in _increments("OLD").items())
    return f"UPDATE evaluation_tallies SET {updates} WHERE session_id = OLD.session_id;"  # noqa: S608  # nosec B608


_ZEROS = ", ".join("0" for _ in TALLY_COLUMNS)
_ADD_RESPONSE = f"INSERT INTO evaluation_tallies (session_id, responses, {', '.join(TALLY_COLUMNS)}) VALUES (NEW.session_id, 1, {_ZEROS}) ON CONFLICT (session_id) DO UPDATE SET responses = evaluation_tallies.responses + 1;"  # noqa: S608  # nosec B608
# A session left without responses has no answers either (they belong to a response): its row goes.
_REMOVE_RESPONSE = (
    "UPDATE evaluation_tallies SET responses = responses - 1 WHERE session_id = OLD.session_id; "
    "DELETE FROM evaluation_tallies WHERE session_id = OLD.session_id AND responses <= 0;"
)
_SCORED_NEW = "NEW.indicator IS NOT NULL AND NEW.score IS NOT NULL"
_SCORED_OLD = "OLD.indicator IS NOT NULL AND OLD.score IS NOT NULL"

# SQLite: one trigger per change; an UPDATE takes the old row out and puts the new one in.
_SQLITE_TRIGGERS = {
    # name: (table, timing, condition, body)
    "evaluation_tallies_response_insert": ("evaluation_responses", "AFTER INSERT", "1", _ADD_RESPONSE),
    "evaluation_tallies_response_delete": ("evaluation_responses", "AFTER DELETE", "1", _REMOVE_RESPONSE),
    "evaluation_tallies_response_move_out": (
        "evaluation_responses",
        "AFTER UPDATE OF session_id",
        "1",
        _REMOVE_RESPONSE,
    ),
    "evaluation_tallies_response_move_in": (
        "evaluation_responses",
        "AFTER UPDATE OF session_id",
        "1",
        _ADD_RESPONSE,
    ),
    "evaluation_tallies_answer_insert": ("evaluation_answers", "AFTER INSERT", _SCORED_NEW, _add_answer()),
    "evaluation_tallies_answer_delete": ("evaluation_answers", "AFTER DELETE", _SCORED_OLD, _remove_answer()),
    "evaluation_tallies_answer_update_old": (
        "evaluation_answers",
        "AFTER UPDATE OF session_id, indicator, score",
        _SCORED_OLD,
        _remove_answer(),
    ),
    "evaluation_tallies_answer_update_new": (
        "evaluation_answers",
        "AFTER UPDATE OF session_id, indicator, score",
        _SCORED_NEW,
        _add_answer(),
    ),
}

# PostgreSQL: one row trigger and one function per table.
_POSTGRESQL_FUNCTIONS = {
    "evaluation_tallies_follow_responses": (
        "evaluation_responses",
        "UPDATE OF session_id",
        f"""
    IF TG_OP <> 'INSERT' THEN {_REMOVE_RESPONSE} END IF;
    IF TG_OP <> 'DELETE' THEN {_ADD_RESPONSE} END IF;""",
    ),
    "evaluation_tallies_follow_answers": (
        "evaluation_answers",
        "UPDATE OF session_id, indicator, score",
        f"""
    IF TG_OP <> 'INSERT' AND {_SCORED_OLD} THEN {_remove_answer()} END IF;
    IF TG_OP <> 'DELETE' AND {_SCORED_NEW} THEN {_add_answer()} END IF;""",
    ),
}


def install(connection: sa.Connection) -> None:
    """Create the triggers on ``evaluation_responses`` and ``evaluation_answers``."""
    if connection.dialect.name == "postgresql":
        for name, (table, update, body) in _POSTGRESQL_FUNCTIONS.items():
            connection.exec_driver_sql(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN{body}\n    RETURN NULL;\nEND\n$$"
            )
            connection.exec_driver_sql(
                f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR {update} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        return
    for name, (table, timing, condition, body) in _SQLITE_TRIGGERS.items():
        connection.exec_driver_sql(
            f"CREATE TRIGGER {name} {timing} ON {table} WHEN {condition} BEGIN {body} END"
        )


def uninstall(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        for name, (table, _update, _body) in _POSTGRESQL_FUNCTIONS.items():
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")
        return
    for name in _SQLITE_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def recount() -> sa.Select:
    """The tallies counted from the responses and answers: what the triggers must keep."""
    responses = sa.table("evaluation_responses", sa.column("session_id"))
    answers = sa.table(
        "evaluation_answers", sa.column("session_id"), sa.column("indicator"), sa.column("score")
    )
    per_response = (
        sa.select(responses.c.session_id, sa.func.count().label("responses"))
        .group_by(responses.c.session_id)
        .subquery()
    )
    sums = []
    for indicator in INDICATORS:
        answered = answers.c.indicator == indicator
        good = sa.func.sum(sa.case((sa.and_(answered, answers.c.score >= 3), 1), else_=0))
        sums += [
            good.label(f"{indicator}_good"),
            sa.func.sum(sa.case((answered, 1), else_=0)).label(f"{indicator}_answered"),
        ]
    per_answer = (
        sa.select(answers.c.session_id, *sums, sa.func.sum(answers.c.score).label("score_sum"))
        .where(answers.c.indicator.is_not(None), answers.c.score.is_not(None))
        .group_by(answers.c.session_id)
        .subquery()
    )
    return sa.select(
        per_response.c.session_id,
        per_response.c.responses,
        *(sa.func.coalesce(per_answer.c[column], 0).label(column) for column in TALLY_COLUMNS),
    ).join_from(per_response, per_answer, per_answer.c.session_id == per_response.c.session_id, isouter=True)


def rebuild(connection: sa.Connection) -> None:
    """Recount every tally (when the table is created, or to mend it)."""
    table = sa.table(
        "evaluation_tallies", sa.column("session_id"), sa.column("responses"), *map(sa.column, TALLY_COLUMNS)
    )
    connection.execute(sa.delete(table))
    connection.execute(sa.insert(table).from_select(["session_id", "responses", *TALLY_COLUMNS], recount()))
