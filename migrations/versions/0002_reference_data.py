"""Reference data: sectors, professions and aliases, regions, departments, session and referent types.

Revision ID: 0002_reference_data
Revises: 0001_schema
Create Date: 2026-11-23

"""

from alembic import op

revision = "0002_reference_data"
down_revision = "0001_schema"
branch_labels = None
depends_on = None


def upgrade():
    from trainer.referential.services import load_reference_data

    load_reference_data(op.get_bind())


def downgrade():
    for table in (
        "profession_aliases",
        "professions",
        "sectors",
        "departments",
        "regions",
        "session_types",
        "referent_types",
    ):
        op.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
