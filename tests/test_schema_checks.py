"""Every enum column has its CHECK constraint, in the form SQLite evaluates cheaply."""

import pytest
import sqlalchemy as sa

from trainer import models  # noqa: F401  (every table)
from trainer.extensions import db


def test_every_enum_column_has_its_check_constraint():
    missing = []
    for table in db.metadata.tables.values():
        checks = {
            str(constraint.sqltext)
            for constraint in table.constraints
            if isinstance(constraint, sa.CheckConstraint)
        }
        for column in table.columns:
            if isinstance(column.type, sa.Enum):
                expected = " OR ".join(f"\"{column.name}\" = '{value}'" for value in column.type.enums)
                if expected not in checks:
                    missing.append(f"{table.name}.{column.name}")
    assert missing == []


def test_enum_check_refuses_an_unknown_value(app_ctx):
    insert = sa.text(
        "INSERT INTO organisations (name, normalised_name, kind, created_at) VALUES ('X', 'x', :kind, :now)"
    )
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(insert, {"kind": "spaceship", "now": "2026-01-01 00:00:00"})
    with db.session.begin_nested():
        db.session.execute(insert, {"kind": "hospital", "now": "2026-01-01 00:00:00"})
