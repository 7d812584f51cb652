"""comment threads record the draft that addressed them when marked resolved
(comment.resolved_revision_id)

Revision ID: 3c7e2a9f4b61
Revises: 3b7e2f9a4c61
Create Date: 2026-12-02 13:50:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c7e2a9f4b61"
down_revision = "3b7e2f9a4c61"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("comment") as batch_op:
        batch_op.add_column(sa.Column("resolved_revision_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_comment_resolved_revision_id_revision"),
            "revision",
            ["resolved_revision_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("comment") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_comment_resolved_revision_id_revision"), type_="foreignkey"
        )
        batch_op.drop_column("resolved_revision_id")
