"""Per-session tallies of the scored evaluation answers, kept by triggers.

Revision ID: 0005_evaluation_tallies
Revises: 0004_start_year_index
"""

import sqlalchemy as sa
from alembic import op

from trainer.evaluations import tallies

revision = "0005_evaluation_tallies"
down_revision = "0004_start_year_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evaluation_tallies",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "indicator",
            sa.Enum("satisfaction", "knowledge", "practice", name="indicator", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("good", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "\"indicator\" = 'satisfaction' OR \"indicator\" = 'knowledge' OR \"indicator\" = 'practice'",
            name=op.f("ck_evaluation_tallies_indicator"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_evaluation_tallies_session_id_training_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "indicator", name=op.f("pk_evaluation_tallies")),
    )
    connection = op.get_bind()
    tallies.install(connection)
    tallies.rebuild(connection)


def downgrade():
    tallies.uninstall(op.get_bind())
    op.drop_table("evaluation_tallies")
