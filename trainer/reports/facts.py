"""The fact tables reports count from, with the filters and the scope applied in SQL.

A ``FactQuery`` starts from one fact table (completed registrations, held sessions, declared
head-counts, evaluation answers…), joins what a dimension needs, and adds the WHERE conditions of
product.md §3: period on the session's first date, territory on the session's department, kit,
session type, profession, and always the manager's scope.

Evaluation figures are read from the per-session tallies of the responses and answers
(``evaluation_tallies``, kept by triggers) unless the respondents' profession splits or filters
them: only the responses know it.
"""

from __future__ import annotations

import sqlalchemy as sa

from trainer.declarations.models import DeclaredHeadcount, DeclaredTraining
from trainer.evaluations.models import EvaluationAnswer, EvaluationResponse, EvaluationTally
from trainer.extensions import db
from trainer.kits.models import Kit, KitPackRequest, PackRequestStatus, kit_pack_request_kits
from trainer.reports.filters import ReportFilters
from trainer.sessions.models import (
    HELD_STATUSES,
    Registration,
    RegistrationStatus,
    SessionAudience,
    TrainingSession,
    session_kits,
)

R = Registration.__table__
S = TrainingSession.__table__
D = DeclaredTraining.__table__
H = DeclaredHeadcount.__table__
ER = EvaluationResponse.__table__
EA = EvaluationAnswer.__table__
T = EvaluationTally.__table__
P = KitPackRequest.__table__
SK = session_kits
SA = SessionAudience.__table__

# fact name → (base FROM, column holding the session id, profession column)
SESSION_FACTS = {"sessions_held", "sessions_all"}
# "registrations": every row, for per-session counts of several statuses in one scan.
REGISTRATION_FACTS = {"completed", "registered", "registrations"}
RESPONSE_FACTS = {"responses", "answers"}
# Responses and answers summed per session: the rates of every split but the profession.
TALLY_FACTS = {"tallies"}
FACTS = SESSION_FACTS | REGISTRATION_FACTS | RESPONSE_FACTS | TALLY_FACTS | {"declared", "packs"}


class NotApplicable(Exception):
    """This dimension does not split this fact (e.g. packs sent per profession)."""


class FactQuery:
    """A SELECT over one fact table being assembled: joins are added once, as needed."""

    def __init__(self, fact: str, filters: ReportFilters, session_types: tuple[str, ...] = ()) -> None:
        if fact not in FACTS:
            raise ValueError(f"unknown fact {fact!r}")
        if fact in TALLY_FACTS and filters.profession:
            raise ValueError("tallies are not split by profession: count the answers")
        self.fact = fact
        self.filters = filters
        self.session_types = session_types
        self.joined: set[str] = set()
        self.where: list = []
        if fact in SESSION_FACTS:
            self.from_ = S
            self.joined.add("session")
            if fact == "sessions_held":
                self.where.append(S.c.status.in_([s.value for s in HELD_STATUSES]))
        elif fact in REGISTRATION_FACTS:
            self.from_ = R
            if fact == "completed":
                self.where.append(R.c.completed.is_(True))
            elif fact == "registered":
                self.where.append(R.c.status == RegistrationStatus.registered.value)
        elif fact == "responses":
            self.from_ = ER
        elif fact == "answers":
            # Counted only when the respondents' profession splits or filters the rates (the
            # "tallies" fact serves every other split); answers carry their session, so the
            # response is joined only for the profession.
            self.from_ = EA
            self.where += [EA.c.indicator.is_not(None), EA.c.score.is_not(None)]
        elif fact == "tallies":
            self.from_ = T
        elif fact == "declared":
            self.from_ = H.join(D, D.c.id == H.c.declared_training_id)
        else:
            self.from_ = P
            self.where.append(P.c.status == PackRequestStatus.sent.value)

    # -- columns that dimensions and measures use -------------------------------------------
    @property
    def session_id(self):
        if self.fact in SESSION_FACTS:
            return S.c.id
        if self.fact in REGISTRATION_FACTS:
            return R.c.session_id
        if self.fact == "answers":
            return EA.c.session_id  # copied from the response: no join needed
        if self.fact == "responses":
            return ER.c.session_id
        if self.fact == "tallies":
            return T.c.session_id
        raise NotApplicable(self.fact)

    def _join_response(self) -> None:
        if self.fact == "answers":
            self.join("response", ER, ER.c.id == EA.c.response_id)

    @property
    def is_session_based(self) -> bool:
        return self.fact in SESSION_FACTS | REGISTRATION_FACTS | RESPONSE_FACTS | TALLY_FACTS

    def profession_column(self):
        if self.fact in REGISTRATION_FACTS:
            return R.c.profession_code
        if self.fact in RESPONSE_FACTS:
            self._join_response()
            return ER.c.profession_code
        if self.fact == "declared":
            return H.c.profession_code
        return None

    def join(self, name: str, target, onclause, *, outer: bool = False) -> None:
        if name in self.joined:
            return
        self.from_ = self.from_.join(target, onclause, isouter=outer)
        self.joined.add(name)

    def join_session(self):
        """Join the training session (for dimensions keyed on its columns); returns its table."""
        self.join("session", S, S.c.id == self.session_id)
        return S

    # -- filters ---------------------------------------------------------------------------
    def _session_conditions(self, kit_id: int | None) -> list:
        f = self.filters
        conditions = []
        if f.date_from:
            conditions.append(S.c.starts_on >= f.date_from)
        if f.date_to:
            conditions.append(S.c.starts_on <= f.date_to)
        departments = f.department_codes()
        if departments is not None:
            conditions.append(S.c.department_code.in_(sorted(departments)) if departments else sa.false())
        if f.kit:
            conditions.append(S.c.id.in_(sa.select(SK.c.session_id).where(SK.c.kit_id == kit_id)))
        types = self._types()
        if types is not None:
            conditions.append(S.c.session_type_code.in_(sorted(types)) if types else sa.false())
        if f.profession and self.profession_column() is None:
            # Session-level facts: sessions aimed at that profession.
            audience = sa.select(SA.c.session_id).where(SA.c.profession_code == f.profession)
            conditions.append(S.c.id.in_(audience))
        return conditions

    def _types(self) -> set[str] | None:
        types = None
        for restriction in (self.filters.session_type, self.session_types):
            if restriction:
                wanted = {restriction} if isinstance(restriction, str) else set(restriction)
                types = wanted if types is None else types & wanted
        return types

    def apply_filters(self) -> None:
        f = self.filters
        kit_id = db.session.scalar(sa.select(Kit.id).where(Kit.slug == f.kit)) if f.kit else None
        profession = self.profession_column() if f.profession else None
        if profession is not None:
            self.where.append(profession == f.profession)
        if self.is_session_based:
            conditions = self._session_conditions(kit_id)
            if conditions and "session" in self.joined:
                self.where += conditions
            elif conditions:
                # Semi-join: keeps the registration scan on its covering index.
                self.where.append(self.session_id.in_(sa.select(S.c.id).where(*conditions)))
            return
        table, on_date = (D, D.c.held_on) if self.fact == "declared" else (P, P.c.sent_on)
        if f.date_from:
            self.where.append(on_date >= f.date_from)
        if f.date_to:
            self.where.append(on_date <= f.date_to)
        departments = f.department_codes()
        if departments is not None:
            self.where.append(table.c.department_code.in_(sorted(departments)) if departments else sa.false())
        if self.fact == "declared":
            if f.kit:
                self.where.append(D.c.kit_id == kit_id)
            if self._types() is not None:
                # Declared trainings have no session type: a type filter leaves them out.
                self.where.append(sa.false())
        elif f.kit:
            requested = sa.select(kit_pack_request_kits.c.request_id).where(
                kit_pack_request_kits.c.kit_id == kit_id
            )
            self.where.append(P.c.id.in_(requested))

    def distinct_count(self, column) -> sa.Select:
        """``SELECT count(*) FROM (SELECT DISTINCT column …)`` with the filters applied."""
        self.apply_filters()
        values = sa.select(column).distinct().select_from(self.from_).where(*self.where)
        return sa.select(sa.func.count()).select_from(values.subquery())

    def select(self, keys: list, measures: list) -> sa.Select:
        self.apply_filters()
        statement = sa.select(*keys, *measures).select_from(self.from_).where(*self.where)
        return statement.group_by(*keys) if keys else statement
