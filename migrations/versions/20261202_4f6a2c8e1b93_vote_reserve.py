"""reserved opinions by choice: a "không tán thành" records whether the member reserves it
(bảo lưu ý kiến) should the round close approved; opinions given before were all reserved

Revision ID: 4f6a2c8e1b93
Revises: 8d4c1a7e2b95
Create Date: 2026-12-02 17:30:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4f6a2c8e1b93"
down_revision = "8d4c1a7e2b95"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("vote", sa.Column("reserve", sa.Boolean(), nullable=True))
    vote = sa.table("vote", sa.column("decision", sa.String), sa.column("reserve", sa.Boolean))
    op.execute(vote.update().where(vote.c.decision == "request_changes").values(reserve=True))


def downgrade() -> None:
    # SQLite rebuilds the table to drop a column: the partial unique index is made again after.
    op.drop_index("uq_vote_current", table_name="vote")
    with op.batch_alter_table("vote") as batch:
        batch.drop_column("reserve")
    current = sa.text("superseded_at IS NULL")
    op.create_index(
        "uq_vote_current",
        "vote",
        ["programme_id", "review_round", "user_id"],
        unique=True,
        sqlite_where=current,
        postgresql_where=current,
    )
