"""The per-session tallies follow the answers, however they are written or removed."""

from datetime import date

import sqlalchemy as sa

from trainer.evaluations import tallies
from trainer.evaluations.models import (
    TALLY_COLUMNS,
    EvaluationAnswer,
    EvaluationResponse,
    EvaluationTally,
    Phase,
)
from trainer.extensions import db

EA = EvaluationAnswer.__table__


def _tallies() -> set[tuple]:
    table = EvaluationTally.__table__
    return set(
        db.session.execute(
            sa.select(table.c.session_id, table.c.responses, *(table.c[c] for c in TALLY_COLUMNS))
        ).all()
    )


def _recounted() -> set[tuple]:
    """The same sums, counted from the responses and answers."""
    return set(db.session.execute(tallies.recount()).all())


def _response(training_session, scores: dict[str, int | None]) -> EvaluationResponse:
    response = EvaluationResponse(
        training_session=training_session, phase=Phase.hot, submitted_on=date(2026, 3, 10)
    )
    response.answers = [EvaluationAnswer(indicator=i, score=s) for i, s in scores.items()]
    response.answers.append(EvaluationAnswer(text="Merci"))  # not scored: no tally
    db.session.add(response)
    db.session.commit()
    return response


def test_tallies_follow_inserts_updates_and_deletes(make_session):
    first, second = make_session(), make_session()
    kept = _response(first, {"satisfaction": 4, "knowledge": 2, "practice": None})
    _response(first, {"satisfaction": 3, "knowledge": 1})
    removed = _response(second, {"satisfaction": 1, "knowledge": 4})
    # Core insert, as the online form and the import write.
    db.session.execute(
        EA.insert(),
        [{"response_id": kept.id, "session_id": first.id, "indicator": "practice", "score": 4}],
    )
    db.session.commit()
    # Two responses; satisfaction 2 good of 2, knowledge 0 of 2, practice 1 of 1; 4+3+2+1+4.
    assert (first.id, 2, 2, 2, 0, 2, 1, 1, 14) in _tallies()
    assert _tallies() == _recounted()

    # A corrected score, a blank filled in, a score blanked.
    answers = {a.indicator: a for a in kept.answers if a.indicator}
    answers["knowledge"].score = 3
    answers["practice"].score = 2
    answers["satisfaction"].score = None
    db.session.commit()
    assert _tallies() == _recounted()

    # A deleted response takes its answers out; a session left without any has no tally row.
    db.session.delete(removed)
    db.session.commit()
    assert _tallies() == _recounted()
    assert not any(row[0] == second.id for row in _tallies())


def test_responses_are_counted_with_or_without_scored_answers(make_session):
    first, second = make_session(), make_session()
    _response(first, {})  # only a comment
    moved = _response(first, {})
    assert _tallies() == _recounted() == {(first.id, 2, 0, 0, 0, 0, 0, 0, 0)}
    db.session.execute(
        sa.update(EvaluationResponse).where(EvaluationResponse.id == moved.id).values(session_id=second.id)
    )
    db.session.commit()
    assert _tallies() == _recounted() == {(first.id, 1, *[0] * 7), (second.id, 1, *[0] * 7)}


def test_deleting_a_session_removes_its_tallies(make_session):
    training_session = make_session()
    _response(training_session, {"satisfaction": 4})
    session_id = training_session.id
    db.session.execute(sa.text("DELETE FROM training_sessions WHERE id = :id"), {"id": session_id})
    db.session.commit()
    assert _tallies() == _recounted() == set()


def test_rebuild_recounts_every_tally(make_session):
    training_session = make_session()
    _response(training_session, {"satisfaction": 4, "knowledge": 3})
    db.session.execute(
        sa.update(EvaluationTally).values(responses=7, satisfaction_good=0, knowledge_answered=99)
    )
    tallies.rebuild(db.session.connection())
    db.session.commit()
    assert _tallies() == _recounted() == {(training_session.id, 1, 1, 1, 1, 1, 0, 0, 7)}


def test_rates_from_tallies_equal_rates_counted_from_answers(make_session):
    """Without a profession filter the rates come from the tallies, with one from the answers:
    when every respondent has that profession, both give the same figures."""
    from trainer.reports.engine import run_report
    from trainer.reports.filters import parse_filters

    training_session = make_session()
    for scores in ((4, 3), (3, 1), (2, 4), (1, None), (4, 4), (3, 2)):
        response = _response(training_session, dict(zip(("satisfaction", "knowledge"), scores, strict=True)))
        response.profession_code = "nurse"
    db.session.commit()
    by_tallies = run_report("evaluations", parse_filters({})).as_dicts()
    by_answers = run_report("evaluations", parse_filters({"profession": "nurse"})).as_dicts()
    assert by_tallies == by_answers
    session_row = next(row for row in by_tallies if row["scope"] == "session")
    assert session_row["satisfaction_rate"] == 66.7  # 4 answers of 3 or 4 out of 6
    assert session_row["knowledge_rate"] == 60.0  # 3 out of 5 (a blank is not counted)
