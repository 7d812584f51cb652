"""programme list indexes

Revision ID: c4d2e8a1f3b7
Revises: b8789fe0f998
Create Date: 2026-11-25 16:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d2e8a1f3b7"
down_revision = "b8789fe0f998"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.create_index("ix_programme_state_updated_at", ["state", "updated_at"])
        batch_op.create_index("ix_programme_state_approved_at", ["state", "approved_at"])


def downgrade():
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.drop_index("ix_programme_state_approved_at")
        batch_op.drop_index("ix_programme_state_updated_at")
