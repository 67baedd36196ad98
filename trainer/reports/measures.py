"""Measures: the counting rules of product.md §3, each written once as an SQL aggregate.

Measures of the same fact table are computed in one ``GROUP BY`` query per dimension; only the
aggregated rows come back to Python (a few hundred at most, one per session for the log).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from trainer.extensions import db
from trainer.reports.dimensions import Dimension
from trainer.reports.facts import ER, FactQuery, H, NotApplicable, P, R, S
from trainer.reports.filters import ReportFilters

INDICATORS = ("satisfaction", "knowledge", "practice")
# Evaluation figures per session, kit or trainer: summed from one read per session (``rollup``).
ROLLUP_DIMENSIONS = {"session", "kit", "trainer"}
RATE_MEASURES = {f"{name}_rate": name for name in INDICATORS}
ANSWER_MEASURES = {*RATE_MEASURES, "average_score"}


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


def _answer_values(dimension: Dimension | None, filters: ReportFilters, session_types) -> dict[tuple, dict]:
    """``{key: {measure: value}}`` for the answer measures shown (hidden ones are left out)."""
    # Imported here: pandas is loaded when a report runs, not by every process start (0.4 s).
    from trainer.reports.rollup import answer_sums, answer_values, rolled_up, rolled_up_keys

    if dimension is not None and dimension.name in ROLLUP_DIMENSIONS:
        sums = rolled_up(dimension, filters, session_types)
        keys = rolled_up_keys(sums)
    else:
        keys_of = dimension.keys if dimension else lambda _q: []
        sums = answer_sums(filters, session_types, keys_of, dimension.name if dimension else None)
        key_columns = [c for c in sums.columns if c.startswith("key_")]
        keys = (
            list(zip(*(sums[c].tolist() for c in key_columns), strict=True))
            if key_columns
            else [()] * len(sums)
        )
    values = answer_values(sums)
    names = list(values.columns)
    result: dict[tuple, dict] = {}
    for key, row in zip(keys, zip(*(values[n].tolist() for n in names), strict=True), strict=True):
        # NaN is the only value not equal to itself: a hidden rate.
        result[key] = {name: value for name, value in zip(names, row, strict=True) if value == value}
    return result


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
    answers = wanted & ANSWER_MEASURES
    if dimension is not None and dimension.name in ROLLUP_DIMENSIONS and "responses" in wanted:
        wanted.discard("responses")  # counted with the answer sums, below
        answers.add("responses")
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
        if dimension is not None and dimension.remainder and q.is_session_based:
            rest = FactQuery(fact, filters, session_types)
            dimension.remainder(rest)
            counted = db.session.execute(rest.select([], [m.expression() for m in measures])).one()
            if any(counted):
                result[(None,)].update(zip(names, counted, strict=True))
    if answers:
        try:
            for key, values in _answer_values(dimension, filters, session_types).items():
                shown = {name: value for name, value in values.items() if name in answers}
                if shown:  # a key with only hidden rates gets no row
                    result[key].update(shown)
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
