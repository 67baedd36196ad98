"""Evaluation figures per kit or trainer, rolled up from per-session aggregates.

Answers and responses are additive (a response belongs to one session), so one ``GROUP BY``
per session, then a sum over the session → kit (or trainer) pairs, gives the same figures as
grouping by kit in SQL — and spares a second and third scan of the tallies (or, with a profession
filter, of the answers).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

import sqlalchemy as sa
from flask import g

from trainer.extensions import db
from trainer.reports.facts import EA, ER, FactQuery, S, T
from trainer.reports.filters import ReportFilters

ROLLUP_DIMENSIONS = {"session", "kit", "trainer"}


def _per_session(filters: ReportFilters, session_types: tuple[str, ...]):
    cache = g.setdefault("report_answers_per_session", {})
    if (filters, session_types) not in cache:
        answers = answer_sums(filters, session_types, lambda q: [q.session_id], by_profession=False)
        r = FactQuery("responses", filters, session_types)
        responses = dict(db.session.execute(r.select([ER.c.session_id], [sa.func.count(ER.c.id)])).all())
        cache[(filters, session_types)] = (answers, responses)
    return cache[(filters, session_types)]


def answer_sums(
    filters: ReportFilters,
    session_types: tuple[str, ...],
    keys_of: Callable[[FactQuery], list],
    *,
    by_profession: bool,
) -> list[tuple]:
    """Rows ``(key, indicator, answers of 3 or 4, answers, sum of scores)`` grouped by the keys.

    Summed from the per-session tallies, a few rows per session, unless the respondents'
    profession splits or filters the figures: then from the answers, joined to their responses.
    """
    if by_profession or filters.profession:
        q = FactQuery("answers", filters, session_types)
        indicator = sa.type_coerce(EA.c.indicator, sa.String())
        good = sa.func.sum(sa.case((EA.c.score >= 3, 1), else_=0))
        sums = [good, sa.func.count(EA.c.score), sa.func.sum(EA.c.score)]
    else:
        q = FactQuery("tallies", filters, session_types)
        # Plain text: no enum conversion for each of a few hundred thousand rows.
        indicator = sa.type_coerce(T.c.indicator, sa.String())
        sums = [sa.func.sum(T.c.good), sa.func.sum(T.c.answered), sa.func.sum(T.c.score_sum)]
    keys = keys_of(q)
    width = len(keys)
    return [
        (row[:width], *row[width:]) for row in db.session.execute(q.select([*keys, indicator], sums)).all()
    ]


def rolled_up(dimension, filters: ReportFilters, session_types: tuple[str, ...]):
    """``(answer rows (key, indicator, good, total, sum), {key: responses})`` for the dimension."""
    cache = g.setdefault("report_rolled_up", {})
    if (dimension.name, filters, session_types) not in cache:
        cache[(dimension.name, filters, session_types)] = _roll_up(dimension, filters, session_types)
    return cache[(dimension.name, filters, session_types)]


def _roll_up(dimension, filters: ReportFilters, session_types: tuple[str, ...]):
    answers, responses = _per_session(filters, session_types)
    if dimension.name == "session":  # already at the session grain
        return answers, {(session_id,): count for session_id, count in responses.items()}
    # Sessions in scope and their keys; the profession filter applies to responses, not sessions.
    q = FactQuery("sessions_all", replace(filters, profession=None), session_types)
    keys = dimension.keys(q)
    keys_of: dict[int, list[tuple]] = defaultdict(list)
    for session_id, *key in db.session.execute(q.select([S.c.id, *keys], [])).all():
        keys_of[session_id].append(tuple(key))
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (session_id,), indicator, good, total, score_sum in answers:
        for key in keys_of.get(session_id, ()):
            row = totals[(key, indicator)]
            row[0] += good or 0
            row[1] += total or 0
            row[2] += score_sum or 0
    per_key_responses: dict[tuple, int] = defaultdict(int)
    for session_id, count in responses.items():
        for key in keys_of.get(session_id, ()):
            per_key_responses[key] += count
    rows = [(key, indicator, *values) for (key, indicator), values in totals.items()]
    return rows, dict(per_key_responses)
