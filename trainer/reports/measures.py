"""Measures: the counting rules of product.md §3, each written once as an SQL aggregate.

Measures of the same fact table are computed in one ``GROUP BY`` query per dimension; only the
aggregated rows come back to Python (a few hundred at most, one per session for the log).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from trainer.extensions import db
from trainer.reports.dimensions import Dimension
from trainer.reports.facts import ER, FactQuery, H, NotApplicable, P, R, S
from trainer.reports.filters import ReportFilters
from trainer.reports.rollup import ROLLUP_DIMENSIONS, answer_sums, rolled_up

INDICATORS = ("satisfaction", "knowledge", "practice")
RATE_MEASURES = {f"{name}_rate": name for name in INDICATORS}
ANSWER_MEASURES = {*RATE_MEASURES, "average_score"}
# Only the answers know the respondent's profession; every other split reads the tallies.
PROFESSION_DIMENSIONS = {"profession", "sector"}


@dataclass(frozen=True)
class Measure:
    name: str
    fact: str
    expression: Callable[[], sa.ColumnElement]
    empty: object = 0  # value when nothing was counted for a key
    # For ``COUNT(DISTINCT column)``: the column, so that a grand total can be counted over
    # ``SELECT DISTINCT`` (read in index order) rather than through a temporary B-tree.
    distinct: Callable[[], sa.ColumnElement] | None = None


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        # Distinct persons with at least one completed registration (named professionals trained).
        Measure(
            "trained",
            "completed",
            lambda: sa.func.count(sa.distinct(R.c.person_id)),
            distinct=lambda: R.c.person_id,
        ),
        # Once per session: a person trained twice is two attendances.
        Measure("attendances", "completed", lambda: sa.func.count()),
        Measure("registered", "registered", lambda: sa.func.count()),
        # Held or closed sessions only; planned, open, full and cancelled ones are not counted.
        Measure("sessions", "sessions_held", lambda: sa.func.count(sa.distinct(S.c.id))),
        Measure("trained_declared", "declared", lambda: sa.func.coalesce(sa.func.sum(H.c.headcount), 0)),
        Measure("responses", "responses", lambda: sa.func.count(sa.distinct(ER.c.id))),
        Measure("packs_sent", "packs", lambda: sa.func.count(sa.distinct(P.c.id))),
    )
}
DERIVED = {"trained_total": ("trained", "trained_declared")}
KNOWN = set(MEASURES) | ANSWER_MEASURES | set(DERIVED)


def one_decimal(numerator: int, denominator: int, scale: int = 100, digits: int = 1) -> float:
    """``scale × numerator / denominator`` rounded half-up (66.65 → 66.7, not banker's 66.6).

    Exact integer arithmetic (the counts are never negative): a sessions log rounds a hundred
    thousand rates, and ``Decimal`` cost a third of its time.
    """
    unit = 10**digits
    return ((2 * scale * unit * numerator + denominator) // (2 * denominator)) / unit


def _min_responses() -> int:
    return int(current_app.config.get("MIN_RESPONSES_SHOWN", 5))


def _answer_rows(dimension: Dimension | None, filters: ReportFilters, session_types):
    """``(rows (key, indicator, good, total, sum), {key: responses})`` straight from SQL."""
    if dimension is not None and dimension.name in ROLLUP_DIMENSIONS:
        return rolled_up(dimension, filters, session_types)
    responses = {
        k: v["responses"] for k, v in compute(["responses"], dimension, filters, session_types).items()
    }
    keys_of = dimension.keys if dimension else lambda _q: []
    by_profession = dimension is not None and dimension.name in PROFESSION_DIMENSIONS
    rows = answer_sums(filters, session_types, keys_of, by_profession=by_profession)
    return rows, responses


def _answer_values(dimension: Dimension | None, filters: ReportFilters, session_types) -> dict[tuple, dict]:
    """Rates and average per key: 100 × answers of 3 or 4 / answers, blanks excluded.

    Nothing is shown for a key with fewer than MIN_RESPONSES_SHOWN responses, nor a rate
    resting on fewer answers than that, so nobody can be recognised.
    """
    minimum = _min_responses()
    rows, responses = _answer_rows(dimension, filters, session_types)
    per_key: dict[tuple, dict] = defaultdict(lambda: {"_total": 0, "_sum": 0})
    for key, indicator, good_count, total, score_sum in rows:
        if responses.get(key, 0) < minimum:
            continue
        values = per_key[key]
        values["_total"] += total
        values["_sum"] += score_sum or 0
        if indicator in INDICATORS and total >= minimum:
            values[f"{indicator}_rate"] = one_decimal(good_count or 0, total)
    for values in per_key.values():
        if values["_total"] >= minimum:
            values["average_score"] = one_decimal(values["_sum"], values["_total"], scale=1, digits=2)
    return per_key


def compute(
    names: Iterable[str],
    dimension: Dimension | None,
    filters: ReportFilters,
    session_types: tuple[str, ...] = (),
) -> dict[tuple, dict]:
    """``{key: {measure: value}}`` for the measures asked, grouped by ``dimension`` (or one total)."""
    wanted = set(names)
    for name in list(wanted):
        wanted |= set(DERIVED.get(name, ()))
    unknown = wanted - KNOWN
    if unknown:
        raise ValueError(f"unknown measures {sorted(unknown)}")
    result: dict[tuple, dict] = defaultdict(dict)
    if dimension is not None and dimension.name in ROLLUP_DIMENSIONS and "responses" in wanted:
        wanted.discard("responses")
        for key, count in rolled_up(dimension, filters, session_types)[1].items():
            result[key]["responses"] = count
    by_fact: dict[str, list[Measure]] = defaultdict(list)
    for name in sorted(wanted & set(MEASURES)):
        by_fact[MEASURES[name].fact].append(MEASURES[name])
    for fact, measures in by_fact.items():
        q = FactQuery(fact, filters, session_types)
        try:
            keys = dimension.keys(q) if dimension else []
        except NotApplicable:
            continue
        if not keys:
            for measure in [m for m in measures if m.distinct]:
                measures.remove(measure)
                total = db.session.scalar(
                    FactQuery(fact, filters, session_types).distinct_count(measure.distinct())
                )
                if total:
                    result[()][measure.name] = total
            if not measures:
                continue
        statement = q.select(keys, [m.expression().label(m.name) for m in measures])
        width, names = len(keys), [m.name for m in measures]
        # Every measure is a COUNT or a COALESCE-d SUM: integers, never NULL.
        for row in db.session.execute(statement).all():
            if not width and not any(row):
                continue  # an empty total: no row, so an empty scope gives no key at all
            result[row[:width]].update(zip(names, row[width:], strict=True))
    if wanted & ANSWER_MEASURES:
        try:
            for key, values in _answer_values(dimension, filters, session_types).items():
                result[key].update({k: v for k, v in values.items() if not k.startswith("_")})
        except NotApplicable:
            pass
    for name, (left, right) in DERIVED.items():
        if name in wanted:
            for values in result.values():
                values[name] = values.get(left, 0) + values.get(right, 0)
    return dict(result)


def value_or_empty(values: dict, name: str):
    """The value of a measure for a key, 0 for counts and empty for rates when nothing was counted."""
    if name in values:
        return values[name]
    if name in ANSWER_MEASURES:
        return None
    return 0
