"""Column types shared by every area."""

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


def now_utc() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops ``tzinfo``)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column(enum_cls: type[enum.Enum], length: int = 24) -> sa.Enum:
    """Enums stored as short strings, portable across backends; the table declares their
    CHECK constraint with ``enum_checks`` (a test makes sure none is forgotten)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        create_constraint=False,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def enum_checks(**columns: type[enum.Enum]) -> tuple[sa.CheckConstraint, ...]:
    """CHECK constraints for ``enum_column`` columns, written ``col = 'a' OR col = 'b' …``.

    SQLAlchemy writes them ``col IN ('a', 'b')``, which SQLite evaluates by building a temporary
    table each time an INSERT runs: a bulk import paid about 13 µs per row and per check
    (measured), where the OR chain costs nothing. Named as SQLAlchemy names them (the enum's name).
    """
    return tuple(
        sa.CheckConstraint(
            " OR ".join(f"\"{column}\" = '{member.value}'" for member in enum_cls),
            name=enum_cls.__name__.lower(),
        )
        for column, enum_cls in columns.items()
    )


def year_of(column: sa.ColumnElement) -> sa.ColumnElement:
    """The year of a date column as an integer: the same SQL wherever it is used, so that an index
    on it (sessions' start year) serves the reports that group by it."""
    return sa.cast(sa.extract("year", column), sa.Integer)
