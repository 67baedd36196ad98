"""The evaluation rates of product.md §3, computed in SQL, and who may see which results.

One rule, used by every page (and meant for the reports): for each indicator,
rate = 100 × answers of 3 or 4 / all answers to that indicator's questions in scope, blanks
excluded, one decimal (half up); ``average_score`` = mean of the 1–4 answers to indicator
questions. Answers are grouped on ``EvaluationAnswer.indicator``, so imported answers (no
question) and online or paper answers (indicator copied from the question) count the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app

from trainer.auth.models import Role, User
from trainer.evaluations.models import EvaluationAnswer, EvaluationResponse, Indicator, Phase
from trainer.extensions import db
from trainer.i18n import lazy_gettext as _l
from trainer.referential.models import Department
from trainer.sessions.models import TrainingSession, session_kits, session_trainers

RATE_NAMES = {
    Indicator.satisfaction: "satisfaction_rate",
    Indicator.knowledge: "knowledge_rate",
    Indicator.practice: "practice_rate",
}
INDICATOR_LABELS = {
    Indicator.satisfaction: _l("Satisfaction (contenu et outils)"),
    Indicator.knowledge: _l("Connaissances améliorées"),
    Indicator.practice: _l("Pratique changée et améliorée"),
}


class EvaluationError(Exception):
    """A business rule refused the change; ``str(exc)`` is safe to show to the user."""


@dataclass(frozen=True)
class RateFilters:
    """The scope of a rate: every field left to None does not filter."""

    session_id: int | None = None
    session_ids: Sequence[int] | None = None
    kit_id: int | None = None
    trainer_person_id: int | None = None
    phase: Phase | None = None
    starts_from: date | None = None
    starts_to: date | None = None
    department_code: str | None = None
    region_code: str | None = None
    session_type: str | None = None
    profession_code: str | None = None


@dataclass(frozen=True)
class IndicatorRates:
    """Rates of one scope. ``respondents``: responses that answered each indicator."""

    responses: int = 0
    satisfaction_rate: float | None = None
    knowledge_rate: float | None = None
    practice_rate: float | None = None
    average_score: float | None = None
    respondents: dict[str, int] = field(default_factory=dict)

    def hidden(self, minimum: int) -> frozenset[str]:
        """Names of the figures to mask: all below ``minimum`` responses, else thin indicators."""
        names = {*RATE_NAMES.values(), "average_score"}
        if self.responses < minimum:
            return frozenset(names)
        return frozenset(
            RATE_NAMES[indicator]
            for indicator in Indicator
            if 0 < self.respondents.get(indicator.value, 0) < minimum
        )


def rate(good: int, total: int) -> float | None:
    """100 × good / total with one decimal, rounded half up; None without answers."""
    if not total:
        return None
    value = (Decimal(100 * good) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def mean_score(score_sum: int, count: int) -> float | None:
    """Mean of the 1–4 answers with two decimals; None without answers."""
    if not count:
        return None
    return float((Decimal(score_sum) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def minimum_shown() -> int:
    return int(current_app.config.get("MIN_RESPONSES_SHOWN", 5))


def _conditions(filters: RateFilters) -> list[Any]:
    response, training_session = EvaluationResponse, TrainingSession
    conditions: list[Any] = []
    if filters.session_id is not None:
        conditions.append(response.session_id == filters.session_id)
    if filters.session_ids is not None:
        conditions.append(response.session_id.in_(list(filters.session_ids)))
    if filters.kit_id is not None:
        conditions.append(
            sa.exists().where(
                session_kits.c.session_id == response.session_id, session_kits.c.kit_id == filters.kit_id
            )
        )
    if filters.trainer_person_id is not None:
        conditions.append(
            sa.exists().where(
                session_trainers.c.session_id == response.session_id,
                session_trainers.c.person_id == filters.trainer_person_id,
            )
        )
    if filters.phase is not None:
        conditions.append(response.phase == filters.phase)
    if filters.starts_from is not None:
        conditions.append(training_session.starts_on >= filters.starts_from)
    if filters.starts_to is not None:
        conditions.append(training_session.starts_on <= filters.starts_to)
    if filters.department_code is not None:
        conditions.append(training_session.department_code == filters.department_code)
    if filters.region_code is not None:
        conditions.append(
            training_session.department_code.in_(
                sa.select(Department.code).where(Department.region_code == filters.region_code)
            )
        )
    if filters.session_type is not None:
        conditions.append(training_session.session_type_code == filters.session_type)
    if filters.profession_code is not None:
        conditions.append(response.profession_code == filters.profession_code)
    return conditions


_GROUP_COLUMNS = {
    "session": EvaluationResponse.session_id,
    "phase": EvaluationResponse.phase,
    "kit": session_kits.c.kit_id,
    "trainer": session_trainers.c.person_id,
}


def _grouped(filters: RateFilters, by: str | None) -> dict[Any, IndicatorRates]:
    answer, response = EvaluationAnswer, EvaluationResponse
    # Without a grouping every row falls in one group, keyed None (no GROUP BY on a constant).
    keys = [_GROUP_COLUMNS[by].label("key")] if by else []
    conditions = _conditions(filters)

    def scoped(statement: sa.Select) -> sa.Select:
        statement = statement.join(TrainingSession, TrainingSession.id == response.session_id)
        if by == "kit":
            statement = statement.join(session_kits, session_kits.c.session_id == response.session_id)
        elif by == "trainer":
            statement = statement.join(session_trainers, session_trainers.c.session_id == response.session_id)
        return statement.where(*conditions)

    counts = scoped(sa.select(*keys, sa.func.count(sa.distinct(response.id))).select_from(response))
    scores = scoped(
        sa.select(
            *keys,
            answer.indicator,
            sa.func.count(answer.score),
            sa.func.sum(sa.case((answer.score >= 3, 1), else_=0)),
            sa.func.sum(answer.score),
            sa.func.count(sa.distinct(answer.response_id)),
        )
        .select_from(answer)
        .join(response, response.id == answer.response_id)
        .where(answer.indicator.is_not(None), answer.score.is_not(None))
    )
    if by:
        counts = counts.group_by(_GROUP_COLUMNS[by])
        scores = scores.group_by(_GROUP_COLUMNS[by], answer.indicator)
    else:
        scores = scores.group_by(answer.indicator)

    def split(row: sa.Row) -> tuple[Any, tuple]:
        return (row[0], tuple(row[1:])) if by else (None, tuple(row))

    totals: dict[Any, dict[str, Any]] = {}
    for row in db.session.execute(counts):
        group, (responses,) = split(row)
        if responses:
            totals[group] = {"responses": responses, "respondents": {}, "sum": 0, "count": 0}
    for row in db.session.execute(scores):
        group, (indicator, count, good, score_sum, respondents) = split(row)
        indicator = Indicator(indicator)
        entry = totals.setdefault(group, {"responses": 0, "respondents": {}, "sum": 0, "count": 0})
        entry[RATE_NAMES[indicator]] = rate(int(good or 0), int(count))
        entry["respondents"][indicator.value] = int(respondents)
        entry["sum"] += int(score_sum or 0)
        entry["count"] += int(count)
    return {
        group: IndicatorRates(
            responses=int(entry["responses"]),
            satisfaction_rate=entry.get("satisfaction_rate"),
            knowledge_rate=entry.get("knowledge_rate"),
            practice_rate=entry.get("practice_rate"),
            average_score=mean_score(entry["sum"], entry["count"]),
            respondents=entry["respondents"],
        )
        for group, entry in totals.items()
    }


def indicator_rates(filters: RateFilters | None = None) -> IndicatorRates:
    """satisfaction_rate, knowledge_rate, practice_rate, average_score and responses in scope."""
    return _grouped(filters or RateFilters(), None).get(None, IndicatorRates())


def indicator_rates_by(filters: RateFilters | None, by: str) -> dict[Any, IndicatorRates]:
    """The same rates per session, phase, kit or trainer (``by``); one SQL query per figure kind."""
    if by not in _GROUP_COLUMNS:
        raise ValueError(f"unknown grouping {by!r}")
    return _grouped(filters or RateFilters(), by)


def scope_for(user: User) -> RateFilters:
    """What a user may see: trainers only their own sessions; coordinators and admins all."""
    if user.role == Role.trainer:
        return RateFilters(trainer_person_id=user.person_id if user.person_id else -1)
    return RateFilters()


def can_see_session(user: User, training_session: TrainingSession) -> bool:
    if user.has_role(Role.coordinator):
        return True
    if user.role == Role.trainer and user.person_id:
        return any(person.id == user.person_id for person in training_session.trainers)
    return False
