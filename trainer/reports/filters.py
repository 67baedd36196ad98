"""Report filters (product.md §3) and the territorial scope a manager can never widen."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import sqlalchemy as sa

from trainer.extensions import db
from trainer.kits.models import Kit
from trainer.referential.models import Department, Profession, Region, SessionType

FILTER_KEYS = ("from", "to", "region", "department", "kit", "session_type", "profession")
GRANULARITIES = ("year", "month")
_CODE = re.compile(r"[A-Za-z0-9_-]{1,60}")


class FilterError(Exception):
    """A filter value is invalid; the message says which one and how to fix it (French)."""


@dataclass(frozen=True)
class Scope:
    """A manager's territory: one region or one department (or none: national)."""

    region_code: str | None = None
    department_code: str | None = None

    @classmethod
    def for_user(cls, user) -> Scope:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls()
        return cls(user.scope_region_code, user.scope_department_code)

    @property
    def is_national(self) -> bool:
        return not (self.region_code or self.department_code)


@dataclass(frozen=True)
class ReportFilters:
    """What the user asked for, plus the scope of the account that asks (always applied)."""

    date_from: date | None = None
    date_to: date | None = None
    region: str | None = None
    department: str | None = None
    kit: str | None = None
    session_type: str | None = None
    profession: str | None = None
    granularity: str = "year"
    scope: Scope = field(default_factory=Scope)

    def as_dict(self) -> dict[str, str]:
        """The user's filters as they travel in URLs and the API (``from``, ``to``…)."""
        values = {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "region": self.region,
            "department": self.department,
            "kit": self.kit,
            "session_type": self.session_type,
            "profession": self.profession,
        }
        if self.granularity != "year":
            values["granularity"] = self.granularity
        return {k: v for k, v in values.items() if v}

    def with_scope(self, scope: Scope) -> ReportFilters:
        return replace(self, scope=scope)

    def department_codes(self) -> set[str] | None:
        """Departments allowed by filters and scope together; ``None`` means no restriction."""
        allowed: set[str] | None = None
        for region in (self.scope.region_code, self.region):
            if region:
                codes = set(
                    db.session.scalars(sa.select(Department.code).where(Department.region_code == region))
                )
                allowed = codes if allowed is None else allowed & codes
        for department in (self.scope.department_code, self.department):
            if department:
                allowed = {department} if allowed is None else allowed & {department}
        return allowed

    @property
    def outside_scope(self) -> bool:
        """The filters ask for a territory outside the scope: the answer is empty, never widened."""
        codes = self.department_codes()
        return codes is not None and not codes and not self.scope.is_national


def _parse_date(raw: str, label: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise FilterError(f"{label} : « {raw[:40]} » n'est pas une date valide (AAAA-MM-JJ ou JJ/MM/AAAA).")


def _code(raw: str | None, column, label: str) -> str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not _CODE.fullmatch(raw) or db.session.scalar(sa.select(column).where(column == raw)) is None:
        raise FilterError(f"{label} : « {raw[:40]} » est inconnu.")
    return raw


def parse_filters(args: Mapping[str, str], scope: Scope | None = None) -> ReportFilters:
    """Filters from query parameters, a form or CLI options; ``FilterError`` on bad values."""

    def get(key: str) -> str:
        value = args.get(key)
        return str(value).strip() if value is not None else ""

    date_from = _parse_date(get("from"), "Date de début") if get("from") else None
    date_to = _parse_date(get("to"), "Date de fin") if get("to") else None
    year = get("year")
    if year:
        if not year.isdigit() or not 1990 <= int(year) <= 2100:
            raise FilterError(f"Année : « {year[:10]} » n'est pas une année valide (par exemple 2026).")
        date_from = date_from or date(int(year), 1, 1)
        date_to = date_to or date(int(year), 12, 31)
    if date_from and date_to and date_from > date_to:
        raise FilterError("La date de début doit précéder la date de fin.")
    granularity = get("granularity") or "year"
    if granularity not in GRANULARITIES:
        raise FilterError("Période : choisissez « year » (par année) ou « month » (par mois).")
    return ReportFilters(
        date_from=date_from,
        date_to=date_to,
        region=_code(get("region"), Region.code, "Région"),
        department=_code(get("department"), Department.code, "Département"),
        kit=_code(get("kit"), Kit.slug, "Outil"),
        session_type=_code(get("session_type"), SessionType.code, "Type de session"),
        profession=_code(get("profession"), Profession.code, "Profession"),
        granularity=granularity,
        scope=scope or Scope(),
    )
