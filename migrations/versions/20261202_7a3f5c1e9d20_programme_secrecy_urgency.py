"""programme secrecy and urgency (độ mật, độ khẩn); existing programmes are ordinary ("thuong")

Revision ID: 7a3f5c1e9d20
Revises: 5e1a9c0d2b47
Create Date: 2026-12-02 11:10:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7a3f5c1e9d20"
down_revision = "5e1a9c0d2b47"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programme") as batch_op:
        batch_op.add_column(
            sa.Column("secrecy", sa.String(length=20), server_default="thuong", nullable=False)
        )
        batch_op.add_column(
            sa.Column("urgency", sa.String(length=20), server_default="thuong", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("programme") as batch_op:
        batch_op.drop_column("urgency")
        batch_op.drop_column("secrecy")
