"""factor failures: user.factor_failures counts wrong second-factor codes in a row across
lockout windows (a right code resets it); at FACTOR_LOCK_FAILURES the account stays locked
until a password reset or an admin's unlock

Revision ID: 7d5b3e9a1c24
Revises: 4c2d9e1f7a83
Create Date: 2026-12-04 03:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7d5b3e9a1c24"
down_revision = "4c2d9e1f7a83"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(
            sa.Column("factor_failures", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.drop_column("factor_failures")
