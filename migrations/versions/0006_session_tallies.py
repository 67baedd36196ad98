"""One evaluation tally per session, with its response count, instead of one per indicator.

Revision ID: 0006_session_tallies
Revises: 0005_evaluation_tallies

The per-session report logs read a row per session (a third of the rows of 0005, and no second
scan of the responses). The triggers of 0005 are dropped, the new ones installed, and every
tally recounted.
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from trainer.evaluations import tallies

revision = "0006_session_tallies"
down_revision = "0005_evaluation_tallies"
branch_labels = None
depends_on = None

_SUMMED = [
    "satisfaction_good",
    "satisfaction_answered",
    "knowledge_good",
    "knowledge_answered",
    "practice_good",
    "practice_answered",
    "score_sum",
]


def _drop_0005_triggers(connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS evaluation_tallies_follow ON evaluation_answers")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS evaluation_tallies_follow()")
        return
    for suffix in ("insert", "delete", "update_old", "update_new"):
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS evaluation_tallies_{suffix}")


def upgrade():
    connection = op.get_bind()
    _drop_0005_triggers(connection)
    op.drop_table("evaluation_tallies")
    op.create_table(
        "evaluation_tallies",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _SUMMED),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_evaluation_tallies_session_id_training_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_evaluation_tallies")),
    )
    tallies.install(connection)
    tallies.rebuild(connection)


def downgrade():
    tallies.uninstall(op.get_bind())
    op.drop_table("evaluation_tallies")
    # 0005 creates its table, triggers and counts again.
    path = Path(__file__).with_name("0005_evaluation_tallies.py")
    spec = importlib.util.spec_from_file_location("revision_0005", path)
    revision_0005 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision_0005)
    revision_0005.upgrade()
