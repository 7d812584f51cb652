"""directory: one entry per email address in each org

Revision ID: 3c83ad7f89cb
Revises: 64490eb3bbe1
Create Date: 2026-11-25 14:41:35.827225
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "3c83ad7f89cb"
down_revision = "64490eb3bbe1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_directory_entry_org_id_email"), ["org_id", "email"]
        )


def downgrade() -> None:
    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_directory_entry_org_id_email"), type_="unique")
