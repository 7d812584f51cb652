"""receipts of the final copy: when each delivery was opened, confirmed (and by whom), its
personal link revoked; the org's link lifetime and receipt reminder interval

Revision ID: 9b4e2f7a1c30
Revises: 3c7e2a9f4b61
Create Date: 2026-12-02 13:50:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9b4e2f7a1c30"
down_revision = "3c7e2a9f4b61"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("link_revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_delivery_confirmed_by_id_user", "user", ["confirmed_by_id"], ["id"]
        )
    with op.batch_alter_table("org") as batch_op:
        batch_op.add_column(
            sa.Column("receipt_link_days", sa.Integer(), server_default="30", nullable=False)
        )
        batch_op.add_column(
            sa.Column("receipt_reminder_days", sa.Integer(), server_default="3", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("org") as batch_op:
        batch_op.drop_column("receipt_reminder_days")
        batch_op.drop_column("receipt_link_days")
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.drop_constraint("fk_delivery_confirmed_by_id_user", type_="foreignkey")
        batch_op.drop_column("link_revoked_at")
        batch_op.drop_column("confirmed_by_id")
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("opened_at")
