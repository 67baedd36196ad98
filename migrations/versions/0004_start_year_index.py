"""Index on the start year of sessions (an expression index: autogenerate does not write those).

Revision ID: 0004_start_year_index
Revises: 0003_default_questionnaires
"""

import sqlalchemy as sa
from alembic import op

from trainer.db_types import year_of

revision = "0004_start_year_index"
down_revision = "0003_default_questionnaires"
branch_labels = None
depends_on = None


def upgrade():
    # The very expression the "per year" reports group by (trainer.db_types.year_of).
    op.create_index("ix_training_sessions_start_year", "training_sessions", [year_of(sa.column("starts_on"))])


def downgrade():
    op.drop_index("ix_training_sessions_start_year", table_name="training_sessions")
