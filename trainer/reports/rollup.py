"""Evaluation sums: responses and scored answers per key, as pandas columns.

Everything a rate needs is additive (a response belongs to one session), so the figures per
session are read once — from the tallies, one row per session — and summed per kit or trainer
with a pandas ``groupby`` over the session → kit (or trainer) pairs. Other splits sum the tallies
in SQL. When the respondents' profession splits or filters the figures, the sums are counted from
the answers and responses instead: only the responses know the profession.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import sqlalchemy as sa
from flask import g

from trainer.evaluations.models import TALLY_COLUMNS, Indicator
from trainer.evaluations.services import minimum_shown
from trainer.extensions import db
from trainer.reports.facts import EA, ER, FactQuery, S, T
from trainer.reports.filters import ReportFilters

# Only the responses know the respondent's profession.
PROFESSION_DIMENSIONS = {"profession", "sector"}
# The columns of every sums frame: what the rates and the average are computed from
# (``answered``: every scored answer, whatever its indicator).
SUMS = ["responses", *TALLY_COLUMNS, "answered"]


def driver_rows(statement: sa.Select) -> list[tuple]:
    """The rows as the database driver returns them: plain tuples, no ``Row`` objects.

    For reads of a hundred thousand rows or more, and only of columns SQLAlchemy would not
    convert (integers, text; a date is left as the driver gives it). Measured on 100,000 tallies:
    0.53 s through ``Row`` objects and per-column arrays, 0.32 s as plain tuples into one array.
    """
    result = db.session.execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def frame_of(statement: sa.Select, columns: list[str], *, integers: bool = False) -> pd.DataFrame:
    """The rows of ``statement`` as a frame, column by column (no dict or Series per row).

    ``integers``: every value is a non-NULL integer (ids, counts), stored as int64 in one pass.
    """
    if integers:
        values = np.array(driver_rows(statement), dtype="int64").reshape(-1, len(columns))
        return pd.DataFrame(values, columns=columns)
    rows = db.session.execute(statement).all()
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return pd.DataFrame(
        {name: np.array(column, dtype=object) for name, column in zip(columns, values, strict=True)}
    )


def _tally(column: str):
    """A column of the tallies, or the expression that gives it (``answered``)."""
    if column == "answered":
        return sum(T.c[f"{indicator.value}_answered"] for indicator in Indicator)
    return T.c[column]


def _answer_sums_query(q: FactQuery, keys: list) -> sa.Select:
    sums = []
    score = EA.c.score
    for indicator in Indicator:
        answered = sa.type_coerce(EA.c.indicator, sa.String()) == indicator.value
        sums += [
            sa.func.sum(sa.case((sa.and_(answered, score >= 3), 1), else_=0)),
            sa.func.sum(sa.case((answered, 1), else_=0)),
        ]
    return q.select(keys, [*sums, sa.func.sum(score)])


def counted_from_answers(filters: ReportFilters, dimension_name: str | None) -> bool:
    """Whether evaluation figures must be counted from the responses and answers rather than
    summed from the tallies: when the respondents' profession splits or filters them, since only
    the responses know it. The one place this is decided."""
    return bool(filters.profession) or dimension_name in PROFESSION_DIMENSIONS


def answer_sums(
    filters: ReportFilters,
    session_types: tuple[str, ...],
    keys_of: Callable[[FactQuery], list],
    dimension_name: str | None,
) -> pd.DataFrame:
    """One row per key of ``dimension_name`` (``keys_of`` gives its columns): the key columns
    (``key_0``, ``key_1``…) then ``SUMS``, from the tallies or the answers (see above)."""
    if not counted_from_answers(filters, dimension_name):
        q = FactQuery("tallies", filters, session_types)
        keys = keys_of(q)
        names = [f"key_{i}" for i in range(len(keys))]
        statement = q.select(keys, [sa.func.sum(_tally(column)) for column in SUMS])
        return _keyed(frame_of(statement, [*names, *SUMS]))
    answers_q, responses_q = (
        FactQuery("answers", filters, session_types),
        FactQuery("responses", filters, session_types),
    )
    answer_keys, response_keys = keys_of(answers_q), keys_of(responses_q)
    names = [f"key_{i}" for i in range(len(answer_keys))]
    answers = frame_of(_answer_sums_query(answers_q, answer_keys), [*names, *TALLY_COLUMNS])
    responses = frame_of(responses_q.select(response_keys, [sa.func.count(ER.c.id)]), [*names, "responses"])
    merged = (
        responses.merge(answers, on=names, how="left") if names else pd.concat([responses, answers], axis=1)
    )
    return _keyed(merged)


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    counts = [column for column in SUMS if column in frame]
    frame[counts] = frame[counts].fillna(0).astype("int64")  # no answers for a key: 0
    if "answered" not in frame:
        frame["answered"] = sum(frame[f"{indicator.value}_answered"] for indicator in Indicator)
    return frame[frame["responses"] > 0].reset_index(drop=True)


def sums_for(measures: set[str]) -> tuple[str, ...]:
    """The sums the answer measures asked need; ``answered`` is every scored answer (the average)."""
    columns = ["responses"]
    for indicator in Indicator:
        if f"{indicator.value}_rate" in measures:
            columns += [f"{indicator.value}_good", f"{indicator.value}_answered"]
    if "average_score" in measures:
        columns += ["score_sum", "answered"]
    return tuple(columns)


def per_session(
    filters: ReportFilters, session_types: tuple[str, ...] = (), columns: tuple[str, ...] = tuple(SUMS)
) -> pd.DataFrame:
    """The sums indexed by session id, sessions with responses only; once per request.

    ``columns``: the sums wanted (``SUMS`` or ``sums_for(measures)``): a sessions log of a hundred
    thousand rows reads only what its columns show.
    """
    cache = g.setdefault("report_sums_per_session", {})
    for (cached_filters, cached_types, cached_columns), frame in cache.items():
        if (cached_filters, cached_types) == (filters, session_types) and set(columns) <= set(cached_columns):
            return frame[list(columns)]
    if counted_from_answers(filters, "session"):
        columns = tuple(SUMS)  # counted together anyway
    frame = cache[(filters, session_types, columns)] = _read_per_session(filters, session_types, columns)
    return frame


def _read_per_session(
    filters: ReportFilters, session_types: tuple[str, ...], columns: tuple[str, ...]
) -> pd.DataFrame:
    if counted_from_answers(filters, "session"):
        sums = answer_sums(filters, session_types, lambda q: [q.session_id], "session")
        return sums.rename(columns={"key_0": "session_id"}).set_index("session_id")[list(columns)]
    # Already one row per session: read as stored, without a GROUP BY.
    q = FactQuery("tallies", filters, session_types)
    statement = q.select([], [T.c.session_id, *(_tally(column) for column in columns)])
    return frame_of(statement, ["session_id", *columns], integers=True).set_index("session_id")


def rolled_up(dimension, filters: ReportFilters, session_types: tuple[str, ...] = ()) -> pd.DataFrame:
    """``SUMS`` indexed by the dimension's key: a session, kit or trainer id (see ``rolled_up_keys``)."""
    cache = g.setdefault("report_rolled_up", {})
    if (dimension.name, filters, session_types) not in cache:
        cache[(dimension.name, filters, session_types)] = _roll_up(dimension, filters, session_types)
    return cache[(dimension.name, filters, session_types)]


def _roll_up(dimension, filters: ReportFilters, session_types: tuple[str, ...]) -> pd.DataFrame:
    sessions = per_session(filters, session_types)
    if dimension.name == "session":  # already at the session grain
        return sessions
    # Sessions in scope and their keys; the profession filter applies to responses, not sessions.
    q = FactQuery("sessions_all", replace(filters, profession=None), session_types)
    (key,) = dimension.keys(q)
    pairs = frame_of(q.select([], [S.c.id, key]), ["session_id", "key"])
    if dimension.remainder:  # the sessions left out by the keys' join, under None
        rest = FactQuery("sessions_all", replace(filters, profession=None), session_types)
        dimension.remainder(rest)
        left_out = frame_of(rest.select([], [S.c.id, sa.null()]), ["session_id", "key"])
        pairs = pd.concat([pairs, left_out], ignore_index=True)
    pairs["session_id"] = pairs["session_id"].astype("int64")
    merged = pairs.join(sessions, on="session_id", how="inner")
    # Keys are ids; a session without a kit counts under None ("Sans outil"), grouped as -1.
    keys = merged["key"].fillna(_NO_ID).astype("int64")
    return merged.groupby(keys, sort=False)[SUMS].sum()


_NO_ID = -1


def rolled_up_keys(sums: pd.DataFrame) -> list[tuple]:
    """The report keys of a ``rolled_up`` frame, row for row (None for sessions without a kit)."""
    return [(None if key == _NO_ID else key,) for key in sums.index.tolist()]


def _rounded(numerator: pd.Series, denominator: pd.Series, scale: int = 100, digits: int = 2) -> pd.Series:
    """``scale × numerator / denominator`` rounded half up (66.65 → 66.7, not the banker's 66.6),
    column by column in exact integer arithmetic (the counts are never negative); NaN where the
    denominator is 0."""
    unit = 10**digits
    safe = denominator.where(denominator > 0, 1)
    values = ((2 * scale * unit * numerator + safe) // (2 * safe)) / unit
    return values.where(denominator > 0)


def answer_values(sums: pd.DataFrame) -> pd.DataFrame:
    """Responses, rates and average from the sums of ``rollup`` (those given), row for row.

    A rate is 100 × answers of 3 or 4 / answers, blanks excluded. Nothing is shown (NaN) for a
    key with fewer than MIN_RESPONSES_SHOWN responses, nor a rate resting on fewer answers than
    that, so nobody can be recognised.
    """
    minimum = minimum_shown()
    shown = sums["responses"] >= minimum
    values = pd.DataFrame({"responses": sums["responses"]}, index=sums.index)
    for indicator in (indicator.value for indicator in Indicator):
        if f"{indicator}_good" in sums:
            answered = sums[f"{indicator}_answered"]
            rate = _rounded(sums[f"{indicator}_good"], answered, digits=1)
            values[f"{indicator}_rate"] = rate.where(shown & (answered >= minimum))
    if "score_sum" in sums:
        answered = sums["answered"]
        average = _rounded(sums["score_sum"], answered, scale=1, digits=2)
        values["average_score"] = average.where(shown & (answered >= minimum))
    return values
