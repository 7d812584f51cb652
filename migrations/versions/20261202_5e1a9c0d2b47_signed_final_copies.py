"""signed final copies: who signs an org's copies (org.signing_mode), when a copy was signed
(final_copy.signed_at); existing copies stay unsigned and keep their verification codes

Revision ID: 5e1a9c0d2b47
Revises: 5e1a9c7d2b40
Create Date: 2026-12-02 05:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1a9c0d2b47"
down_revision = "5e1a9c7d2b40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("org") as batch_op:
        batch_op.add_column(
            sa.Column("signing_mode", sa.String(length=10), server_default="system", nullable=False)
        )
    with op.batch_alter_table("final_copy") as batch_op:
        batch_op.add_column(sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("final_copy") as batch_op:
        batch_op.drop_column("signed_at")
    with op.batch_alter_table("org") as batch_op:
        batch_op.drop_column("signing_mode")
