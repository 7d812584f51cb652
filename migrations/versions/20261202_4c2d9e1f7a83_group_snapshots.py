"""group snapshots: an approval freezes its recipients by referring to a snapshot of each group
it reaches (group_snapshot, one row per group version) instead of listing every person in its
event; group.people_version counts the changes of whom a group reaches. Approvals recorded
before keep their people in the event.

Revision ID: 4c2d9e1f7a83
Revises: 4f6a2c8e1b93
Create Date: 2026-12-02 17:30:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4c2d9e1f7a83"
down_revision = "4f6a2c8e1b93"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("group") as batch:
        batch.add_column(
            sa.Column("people_version", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "group_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_group_snapshot_group_id_group"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_snapshot")),
    )
    op.create_index("ix_group_snapshot_version", "group_snapshot", ["group_id", "version"])


def downgrade() -> None:
    op.drop_index("ix_group_snapshot_version", table_name="group_snapshot")
    op.drop_table("group_snapshot")
    with op.batch_alter_table("group") as batch:
        batch.drop_column("people_version")
