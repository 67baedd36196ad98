"""Default hot and cold questionnaires (French), with the three indicator questions.

Revision ID: 0003_default_questionnaires
Revises: 0002_reference_data
Create Date: 2026-11-24

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_default_questionnaires"
down_revision = "0002_reference_data"
branch_labels = None
depends_on = None


def upgrade():
    # Core inserts on the migration's connection (never the ORM models); the same data
    # restores the defaults at run time if a database has lost them.
    from trainer.evaluations.defaults import install_default_questionnaires

    install_default_questionnaires(op.get_bind())


def downgrade():
    # Only the untouched defaults go: a version with responses is kept (answers point to it).
    bind = op.get_bind()
    answered = sa.text(
        "SELECT DISTINCT questionnaire_id FROM evaluation_responses WHERE questionnaire_id IS NOT NULL"
    )
    keep = {row[0] for row in bind.execute(answered)}
    rows = bind.execute(sa.text("SELECT id FROM questionnaires WHERE version = 1")).all()
    for (questionnaire_id,) in rows:
        if questionnaire_id in keep:
            continue
        bind.execute(sa.text("DELETE FROM questions WHERE questionnaire_id = :id"), {"id": questionnaire_id})
        bind.execute(sa.text("DELETE FROM questionnaires WHERE id = :id"), {"id": questionnaire_id})
